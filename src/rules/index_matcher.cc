#include "rules/index_matcher.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <set>
#include <tuple>
#include <utility>

#include "rules/stemmer.h"

namespace lexwatch::rules {
namespace {

constexpr std::string_view kEurovocSeparator = "; ";
// Occurrences of one pattern in one field that a proximity search tries.
constexpr std::size_t kMaxNearOccurrences = 64;

int BitIndex(std::uint16_t bit) { return std::countr_zero(bit); }

std::uint16_t LowestBit(std::uint16_t bits) {
  return static_cast<std::uint16_t>(bits & (~bits + 1));
}

std::string JoinEurovoc(const std::vector<std::string>& descriptors) {
  std::string joined;
  for (const std::string& descriptor : descriptors) {
    if (!joined.empty()) joined.append(kEurovocSeparator);
    joined.append(descriptor);
  }
  return joined;
}

// True when occurrences `a` and `b` do not overlap and are at most
// `distance` word positions apart.
bool Near(const std::pair<std::uint32_t, std::uint32_t>& a,
          const std::pair<std::uint32_t, std::uint32_t>& b, int distance) {
  const auto& first = a.first <= b.first ? a : b;
  const auto& second = a.first <= b.first ? b : a;
  if (second.first < first.second) return false;
  return second.first - (first.second - 1) <=
         static_cast<std::uint32_t>(distance);
}

}  // namespace

std::string FieldText(const Item& item, std::string_view field) {
  if (field == "title") return item.title;
  if (field == "summary") return item.summary;
  if (field == "author") return item.author;
  if (field == "annex") return item.eea_annex;
  if (field == "eurovoc") return JoinEurovoc(item.eurovoc);
  return "";
}

IndexMatcher::IndexMatcher(std::vector<RuleSpec> rules) {
  std::sort(rules.begin(), rules.end(),
            [](const RuleSpec& a, const RuleSpec& b) { return a.id < b.id; });
  for (RuleSpec& spec : rules) {
    if (spec.enabled) AddRule(std::move(spec));
  }
  std::sort(prefix_lengths_.begin(), prefix_lengths_.end());
  prefix_lengths_.erase(
      std::unique(prefix_lengths_.begin(), prefix_lengths_.end()),
      prefix_lengths_.end());
  for (auto& users : rules_using_) {
    users.erase(std::unique(users.begin(), users.end()), users.end());
  }
}

// Many rules share terms ("waste", "state aid"); each distinct one is looked
// up once per item however many rules use it.
IndexMatcher::PatternId IndexMatcher::Intern(const Term& term) {
  auto [it, inserted] = pattern_ids_.try_emplace(
      term.Key(), static_cast<PatternId>(patterns_.size()));
  if (!inserted) return it->second;
  const PatternId id = it->second;
  patterns_.push_back(
      {term.tokens, term.stems_en, term.stems_nb, term.prefix, term.exact});
  rules_using_.emplace_back();
  if (term.prefix && term.tokens.size() == 1) {
    by_prefix_[term.tokens[0]].push_back(id);
    prefix_lengths_.push_back(term.tokens[0].size());
  } else if (term.exact) {
    by_exact_[term.tokens[0]].push_back(id);
  } else {
    by_en_stem_[term.stems_en[0]].push_back(id);
    by_nb_stem_[term.stems_nb[0]].push_back(id);
  }
  if (!term.exact) stems_needed_ = true;
  return id;
}

void IndexMatcher::AddRule(RuleSpec spec) {
  const auto index = static_cast<std::uint32_t>(rules_.size());
  const std::vector<bool> positive = PositiveLeaves(spec.query);
  CompiledRule rule{std::move(spec.id),          std::move(spec.topic),
                    std::move(spec.description), std::move(spec.agencies),
                    std::move(spec.priority),    {},
                    std::move(spec.query.root)};
  for (std::size_t i = 0; i < spec.query.leaves.size(); ++i) {
    const Leaf& leaf = spec.query.leaves[i];
    CompiledLeaf compiled{{},          leaf.distance, leaf.fields,
                          positive[i], leaf.written,  leaf.Key()};
    for (const Term& term : leaf.terms) {
      const PatternId id = Intern(term);
      compiled.patterns.push_back(id);
      if (positive[i]) rules_using_[id].push_back(index);
    }
    rule.leaves.push_back(std::move(compiled));
  }
  rules_.push_back(std::move(rule));
}

void IndexMatcher::AddTextField(std::uint16_t field, std::string_view text,
                                ItemView* view) const {
  FieldTokens& out = view->fields[BitIndex(field)];
  out.field = field;
  out.tokens = Tokenize(text);
  if (!stems_needed_) return;
  for (const Token& token : out.tokens) {
    const std::string_view word =
        text.substr(token.begin, token.end - token.begin);
    if (view->languages & kEnglish) {
      out.en.push_back(StemForMatch(word, kEnglish));
    }
    if (view->languages & kNorwegian) {
      out.nb.push_back(StemForMatch(word, kNorwegian));
    }
  }
}

IndexMatcher::ItemView IndexMatcher::Prepare(const Item& item) const {
  ItemView view;
  view.languages = StemLanguagesFor(item.language);
  AddTextField(kTitleField, item.title, &view);
  AddTextField(kSummaryField, item.summary, &view);
  AddTextField(kAuthorField, item.author, &view);
  AddTextField(kAnnexField, item.eea_annex, &view);
  // Descriptors are separate phrases: an empty token between two keeps a
  // phrase from running across them.
  const std::string eurovoc = JoinEurovoc(item.eurovoc);
  AddTextField(kEurovocField, eurovoc, &view);
  FieldTokens& descriptors = view.fields[BitIndex(kEurovocField)];
  for (std::size_t i = descriptors.tokens.size(); i-- > 1;) {
    const std::size_t gap = descriptors.tokens[i - 1].end;
    if (eurovoc.compare(gap, kEurovocSeparator.size(), kEurovocSeparator) !=
        0) {
      continue;
    }
    descriptors.tokens.insert(descriptors.tokens.begin() + i, {"", gap, gap});
    if (!descriptors.en.empty())
      descriptors.en.insert(descriptors.en.begin() + i, "");
    if (!descriptors.nb.empty())
      descriptors.nb.insert(descriptors.nb.begin() + i, "");
  }
  const std::string eea =
      item.eea_relevant ? (*item.eea_relevant ? "true" : "false") : "";
  const std::pair<std::uint16_t, const std::string*> values[] = {
      {kCelexField, &item.celex},
      {kTypeField, &item.doc_type},
      {kSourceField, &item.source},
      {kEeaField, &eea},
      {kLangField, &item.language}};
  for (const auto& [field, value] : values) {
    FieldTokens& out = view.fields[BitIndex(field)];
    out.field = field;
    if (!value->empty()) {
      out.tokens.push_back({FoldForMatch(*value), 0, value->size()});
    }
  }
  return view;
}

bool IndexMatcher::MatchesAt(const Pattern& pattern, const FieldTokens& field,
                             std::uint8_t languages, std::size_t pos) const {
  const std::size_t n = pattern.tokens.size();
  if (pos + n > field.tokens.size()) return false;
  for (std::size_t k = 0; k < n; ++k) {
    const std::string& have = field.tokens[pos + k].text;
    if (pattern.prefix && k + 1 == n) {
      if (have.empty() || !have.starts_with(pattern.tokens[k])) return false;
    } else if (pattern.exact) {
      if (have != pattern.tokens[k]) return false;
    } else {
      const bool en = (languages & kEnglish) && !field.en.empty() &&
                      field.en[pos + k] == pattern.stems_en[k];
      const bool nb = (languages & kNorwegian) && !field.nb.empty() &&
                      field.nb[pos + k] == pattern.stems_nb[k];
      if (!en && !nb) return false;
    }
  }
  return true;
}

void IndexMatcher::Probe(const PatternIndex& index, std::string_view key,
                         const FieldTokens& field, std::uint8_t languages,
                         std::uint32_t pos, std::vector<Hit>* hits) const {
  auto it = index.find(key);
  if (it == index.end()) return;
  for (PatternId id : it->second) {
    const Pattern& pattern = patterns_[id];
    if (MatchesAt(pattern, field, languages, pos)) {
      hits->push_back(
          {id, field.field, pos,
           pos + static_cast<std::uint32_t>(pattern.tokens.size())});
    }
  }
}

void IndexMatcher::FindPatterns(const FieldTokens& field,
                                std::uint8_t languages,
                                std::vector<Hit>* hits) const {
  for (std::uint32_t pos = 0; pos < field.tokens.size(); ++pos) {
    std::string_view word = field.tokens[pos].text;
    if (word.empty()) continue;
    Probe(by_exact_, word, field, languages, pos, hits);
    if (!field.en.empty()) {
      Probe(by_en_stem_, field.en[pos], field, languages, pos, hits);
    }
    if (!field.nb.empty()) {
      Probe(by_nb_stem_, field.nb[pos], field, languages, pos, hits);
    }
    // A folded prefix is whole UTF-8, so a byte prefix of the word that
    // equals it always ends on a character boundary.
    for (std::size_t len : prefix_lengths_) {
      if (len > word.size()) break;
      auto it = by_prefix_.find(word.substr(0, len));
      if (it == by_prefix_.end()) continue;
      for (PatternId id : it->second)
        hits->push_back({id, field.field, pos, pos + 1});
    }
  }
}

bool IndexMatcher::LeafTrue(const CompiledLeaf& leaf,
                            const std::vector<Hit>& hits,
                            std::vector<Hit>* used) const {
  if (leaf.distance > 0) return NearTrue(leaf, hits, used);
  const PatternId id = leaf.patterns[0];
  auto it = std::lower_bound(hits.begin(), hits.end(), Hit{id, 0, 0, 0});
  bool found = false;
  for (; it != hits.end() && it->pattern == id; ++it) {
    if ((it->field & leaf.fields) == 0) continue;
    found = true;
    if (used == nullptr) break;
    used->push_back(*it);
  }
  return found;
}

// Tries one occurrence of each pattern, in one field at a time, until all
// are pairwise near each other.
bool IndexMatcher::NearTrue(const CompiledLeaf& leaf,
                            const std::vector<Hit>& hits,
                            std::vector<Hit>* used) const {
  using Span = std::pair<std::uint32_t, std::uint32_t>;
  for (std::uint16_t field = 1; field & kTextFields; field <<= 1) {
    if ((field & leaf.fields) == 0) continue;
    std::vector<std::vector<Span>> spans;
    for (PatternId id : leaf.patterns) {
      auto it =
          std::lower_bound(hits.begin(), hits.end(), Hit{id, field, 0, 0});
      std::vector<Span> found;
      for (; it != hits.end() && it->pattern == id && it->field == field &&
             found.size() < kMaxNearOccurrences;
           ++it) {
        found.push_back({it->begin, it->end});
      }
      if (found.empty()) break;
      spans.push_back(std::move(found));
    }
    if (spans.size() != leaf.patterns.size()) continue;
    std::vector<Span> chosen;
    std::function<bool(std::size_t)> choose = [&](std::size_t k) {
      if (k == spans.size()) return true;
      for (const Span& span : spans[k]) {
        if (std::all_of(chosen.begin(), chosen.end(), [&](const Span& other) {
              return Near(span, other, leaf.distance);
            })) {
          chosen.push_back(span);
          if (choose(k + 1)) return true;
          chosen.pop_back();
        }
      }
      return false;
    };
    if (!choose(0)) continue;
    if (used != nullptr) {
      for (std::size_t k = 0; k < chosen.size(); ++k) {
        used->push_back(
            {leaf.patterns[k], field, chosen[k].first, chosen[k].second});
      }
    }
    return true;
  }
  return false;
}

MatchReason IndexMatcher::Explain(const CompiledRule& rule,
                                  const ItemView& view,
                                  const std::vector<Hit>& hits) const {
  MatchReason reason{rule.id, rule.topic, rule.description, rule.agencies,
                     {},      {},         rule.priority,    {}};
  std::set<std::string_view> listed;
  std::vector<Hit> used;
  std::vector<std::pair<Hit, const std::string*>> marks;
  for (const CompiledLeaf& leaf : rule.leaves) {
    used.clear();
    if (!leaf.positive || listed.count(leaf.key) > 0 ||
        !LeafTrue(leaf, hits, &used)) {
      continue;
    }
    listed.insert(leaf.key);
    std::uint16_t where = 0;
    for (const Hit& hit : used) where |= hit.field;
    reason.terms.push_back(leaf.written);
    reason.fields.push_back(FieldName(LowestBit(where)));
    for (const Hit& hit : used) {
      if (hit.field & kTextFields) marks.push_back({hit, &leaf.written});
    }
  }
  // In field order, then by place; a range found by two terms shows once.
  auto place = [](const std::pair<Hit, const std::string*>& mark) {
    return std::tuple(mark.first.field, mark.first.begin, mark.first.end);
  };
  std::stable_sort(
      marks.begin(), marks.end(),
      [&](const auto& a, const auto& b) { return place(a) < place(b); });
  marks.erase(std::unique(marks.begin(), marks.end(),
                          [&](const auto& a, const auto& b) {
                            return place(a) == place(b);
                          }),
              marks.end());
  for (const auto& [hit, written] : marks) {
    const auto& tokens = view.fields[BitIndex(hit.field)].tokens;
    reason.highlights.push_back({FieldName(hit.field), tokens[hit.begin].begin,
                                 tokens[hit.end - 1].end, *written});
  }
  return reason;
}

std::vector<MatchReason> IndexMatcher::Match(const Item& item) const {
  const ItemView view = Prepare(item);
  std::vector<Hit> hits;
  for (const FieldTokens& field : view.fields) {
    FindPatterns(field, view.languages, &hits);
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<std::uint32_t> candidates;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i > 0 && hits[i].pattern == hits[i - 1].pattern) continue;
    const auto& users = rules_using_[hits[i].pattern];
    candidates.insert(candidates.end(), users.begin(), users.end());
  }
  // Rule indices follow rule ids, so sorting them sorts the result.
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  std::vector<MatchReason> reasons;
  for (std::uint32_t index : candidates) {
    const CompiledRule& rule = rules_[index];
    const bool fires = Evaluate(rule.root, [&](std::size_t leaf) {
      return LeafTrue(rule.leaves[leaf], hits, nullptr);
    });
    if (fires) reasons.push_back(Explain(rule, view, hits));
  }
  return reasons;
}

}  // namespace lexwatch::rules
