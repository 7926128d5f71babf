#include "rules/index_matcher.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <iterator>
#include <span>
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
  Freeze();
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
  pattern_words_.push_back(static_cast<std::uint32_t>(term.tokens.size()));
  SecondWord second;
  const bool second_is_prefix = term.prefix && term.tokens.size() == 2;
  if (term.tokens.size() >= 2 && !second_is_prefix) {
    second.check = true;
    second.exact = WordIndex::Hash(term.tokens[1]);
    if (!term.exact) {
      second.en = WordIndex::Hash(term.stems_en[1]);
      second.nb = WordIndex::Hash(term.stems_nb[1]);
    }
  }
  second_words_.push_back(second);
  rules_using_.emplace_back();
  if (term.prefix && term.tokens.size() == 1) {
    by_prefix_.Add(term.tokens[0], id);
  } else if (term.exact) {
    by_exact_.Add(term.tokens[0], id);
  } else {
    by_en_stem_.Add(term.stems_en[0], id);
    by_nb_stem_.Add(term.stems_nb[0], id);
  }
  if (!term.exact) stems_needed_ = true;
  return id;
}

void IndexMatcher::AddRule(RuleSpec spec) {
  const auto index = static_cast<std::uint32_t>(rules_.size());
  const std::vector<bool> positive = PositiveLeaves(spec.query);
  CompiledRule rule;
  rule.text_begin = static_cast<std::uint32_t>(text_.size());
  rule.leaves_begin = static_cast<std::uint32_t>(leaves_.size());
  std::vector<std::string> explained_keys;
  for (std::size_t i = 0; i < spec.query.leaves.size(); ++i) {
    const Leaf& leaf = spec.query.leaves[i];
    CompiledLeaf compiled;
    compiled.patterns_begin = static_cast<std::uint32_t>(leaf_patterns_.size());
    for (const Term& term : leaf.terms) {
      const PatternId id = Intern(term);
      leaf_patterns_.push_back(id);
      if (positive[i]) rules_using_[id].push_back(index);
    }
    compiled.patterns_end = static_cast<std::uint32_t>(leaf_patterns_.size());
    compiled.distance = leaf.distance;
    compiled.fields = leaf.fields;
    if (positive[i]) {
      std::string key = leaf.Key();
      if (std::find(explained_keys.begin(), explained_keys.end(), key) ==
          explained_keys.end()) {
        compiled.explained = true;
        ++rule.explained;
        explained_keys.push_back(std::move(key));
      }
    }
    compiled.written = AddText(leaf.written);
    leaves_.push_back(compiled);
  }
  rule.leaves_end = static_cast<std::uint32_t>(leaves_.size());
  rule_nodes_.push_back(static_cast<std::uint32_t>(nodes_.size()));
  if (!spec.query.leaves.empty()) AddNodes(spec.query.root, rule.leaves_begin);
  rule.spans_begin = static_cast<std::uint32_t>(spans_.size());
  for (const std::string* text :
       {&spec.id, &spec.topic, &spec.description, &spec.priority}) {
    spans_.push_back(AddText(*text));
  }
  for (const std::string& agency : spec.agencies) {
    spans_.push_back(AddText(agency));
  }
  rule.spans_end = static_cast<std::uint32_t>(spans_.size());
  rules_.push_back(rule);
}

void IndexMatcher::AddNodes(const QueryNode& node, std::uint32_t leaves_begin) {
  const std::size_t at = nodes_.size();
  FlatNode flat;
  flat.op = node.op;
  if (node.op == QueryNode::Op::kLeaf) {
    flat.leaf = leaves_begin + static_cast<std::uint32_t>(node.leaf);
    const CompiledLeaf& leaf = leaves_[flat.leaf];
    flat.near = leaf.distance > 0;
    flat.fields = leaf.fields;
    if (leaf.patterns_end > leaf.patterns_begin) {
      flat.pattern = leaf_patterns_[leaf.patterns_begin];
    }
  }
  nodes_.push_back(flat);
  for (const QueryNode& child : node.children) AddNodes(child, leaves_begin);
  nodes_[at].size = static_cast<std::uint32_t>(nodes_.size() - at);
}

IndexMatcher::TextSpan IndexMatcher::AddText(std::string_view text) {
  const TextSpan span{static_cast<std::uint32_t>(text_.size()),
                      static_cast<std::uint32_t>(text.size())};
  text_.append(text);
  return span;
}

std::string_view IndexMatcher::TextView(std::uint32_t span) const {
  return std::string_view(text_).substr(spans_[span].begin, spans_[span].size);
}

// Lays the indexes out flat and drops what only compiling needed.
void IndexMatcher::Freeze() {
  by_exact_.Freeze();
  by_en_stem_.Freeze();
  by_nb_stem_.Freeze();
  by_prefix_.Freeze();
  users_begin_.reserve(rules_using_.size() + 1);
  for (std::vector<std::uint32_t>& users : rules_using_) {
    users_begin_.push_back(static_cast<std::uint32_t>(users_.size()));
    users.erase(std::unique(users.begin(), users.end()), users.end());
    users_.insert(users_.end(), users.begin(), users.end());
  }
  users_begin_.push_back(static_cast<std::uint32_t>(users_.size()));
  rules_using_ = {};
  pattern_ids_ = {};
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

void IndexMatcher::HashTokens(const FieldTokens& field,
                              FieldHashes* hashes) const {
  hashes->exact.clear();
  hashes->en.clear();
  hashes->nb.clear();
  if (!by_exact_.empty()) {
    for (const Token& token : field.tokens) {
      hashes->exact.push_back(WordIndex::Hash(token.text));
    }
  }
  for (const std::string& stem : field.en) {
    hashes->en.push_back(WordIndex::Hash(stem));
  }
  for (const std::string& stem : field.nb) {
    hashes->nb.push_back(WordIndex::Hash(stem));
  }
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

bool IndexMatcher::SecondWordMayMatch(PatternId id, const FieldHashes& hashes,
                                      std::size_t pos) const {
  const SecondWord& second = second_words_[id];
  if (!second.check) return true;
  const std::size_t next = pos + 1;
  if (patterns_[id].exact) {
    return next < hashes.exact.size() && hashes.exact[next] == second.exact;
  }
  return (next < hashes.en.size() && hashes.en[next] == second.en) ||
         (next < hashes.nb.size() && hashes.nb[next] == second.nb);
}

void IndexMatcher::Probe(const WordIndex& index, std::string_view key,
                         std::uint64_t hash, const FieldTokens& field,
                         const FieldHashes& hashes, std::uint8_t languages,
                         std::uint32_t pos, std::vector<Hit>* hits) const {
  for (PatternId id : index.Find(key, hash)) {
    const std::uint32_t words = pattern_words_[id];
    if (words == 1 || (SecondWordMayMatch(id, hashes, pos) &&
                       MatchesAt(patterns_[id], field, languages, pos))) {
      hits->push_back({id, field.field, pos, pos + words});
    }
  }
}

void IndexMatcher::FindPatterns(const FieldTokens& field,
                                std::uint8_t languages,
                                Scratch* scratch) const {
  FieldHashes& hashes = scratch->hashes;
  HashTokens(field, &hashes);
  std::vector<Hit>* hits = &scratch->hits;
  for (std::uint32_t pos = 0; pos < field.tokens.size(); ++pos) {
    std::string_view word = field.tokens[pos].text;
    if (word.empty()) continue;
    if (!hashes.exact.empty()) {
      Probe(by_exact_, word, hashes.exact[pos], field, hashes, languages, pos,
            hits);
    }
    if (!field.en.empty()) {
      Probe(by_en_stem_, field.en[pos], hashes.en[pos], field, hashes,
            languages, pos, hits);
    }
    if (!field.nb.empty()) {
      Probe(by_nb_stem_, field.nb[pos], hashes.nb[pos], field, hashes,
            languages, pos, hits);
    }
    // A folded prefix is whole UTF-8, so a byte prefix of the word that
    // equals it always ends on a character boundary.
    by_prefix_.ForEachPrefixOf(word, [&](PatternId id) {
      hits->push_back({id, field.field, pos, pos + 1});
    });
  }
}

// Evaluate() over the flat nodes; AND and OR short-circuit.
bool IndexMatcher::NodeTrue(std::uint32_t node, const Scratch& scratch) const {
  const FlatNode& n = nodes_[node];
  const std::uint32_t end = node + n.size;
  switch (n.op) {
    case QueryNode::Op::kLeaf:
      return n.near ? NearTrue(leaves_[n.leaf], scratch, nullptr)
                    : Found(n.pattern, n.fields, scratch);
    case QueryNode::Op::kNot:
      return !NodeTrue(node + 1, scratch);
    case QueryNode::Op::kAnd:
      for (std::uint32_t child = node + 1; child < end;
           child += nodes_[child].size) {
        if (!NodeTrue(child, scratch)) return false;
      }
      return true;
    case QueryNode::Op::kOr:
      for (std::uint32_t child = node + 1; child < end;
           child += nodes_[child].size) {
        if (NodeTrue(child, scratch)) return true;
      }
      return false;
  }
  return false;
}

bool IndexMatcher::Found(PatternId pattern, std::uint16_t fields,
                         const Scratch& scratch) const {
  const PatternHits& found = scratch.found[pattern];
  return found.generation == scratch.generation && (found.fields & fields);
}

bool IndexMatcher::LeafTrue(const CompiledLeaf& leaf, const Scratch& scratch,
                            std::vector<Hit>* used) const {
  if (leaf.distance > 0) return NearTrue(leaf, scratch, used);
  const PatternId id = leaf_patterns_[leaf.patterns_begin];
  if (!Found(id, leaf.fields, scratch)) return false;
  const std::vector<Hit>& hits = scratch.hits;
  auto it = hits.begin() + scratch.found[id].first_hit;
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
bool IndexMatcher::NearTrue(const CompiledLeaf& leaf, const Scratch& scratch,
                            std::vector<Hit>* used) const {
  using Span = std::pair<std::uint32_t, std::uint32_t>;
  const std::vector<Hit>& hits = scratch.hits;
  const std::span<const PatternId> patterns(
      leaf_patterns_.data() + leaf.patterns_begin,
      leaf.patterns_end - leaf.patterns_begin);
  for (std::uint16_t field = 1; field & kTextFields; field <<= 1) {
    if ((field & leaf.fields) == 0) continue;
    std::vector<std::vector<Span>> spans;
    for (PatternId id : patterns) {
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
    if (spans.size() != patterns.size()) continue;
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
            {patterns[k], field, chosen[k].first, chosen[k].second});
      }
    }
    return true;
  }
  return false;
}

void IndexMatcher::Explain(const CompiledRule& rule, const ItemView& view,
                           Scratch* scratch, MatchReason* reason) const {
  const std::uint32_t spans = rule.spans_begin;
  reason->rule_id.assign(TextView(spans));
  reason->topic.assign(TextView(spans + 1));
  reason->description.assign(TextView(spans + 2));
  reason->priority.assign(TextView(spans + 3));
  reason->agencies.resize(rule.spans_end - spans - 4);
  for (std::uint32_t i = spans + 4; i < rule.spans_end; ++i) {
    reason->agencies[i - spans - 4].assign(TextView(i));
  }
  std::size_t found = 0;
  std::vector<Mark>& marks = scratch->marks;
  marks.clear();
  for (std::uint32_t i = rule.leaves_begin; i < rule.leaves_end; ++i) {
    scratch->used.clear();
    if (!leaves_[i].explained ||
        !LeafTrue(leaves_[i], *scratch, &scratch->used)) {
      continue;
    }
    std::uint16_t where = 0;
    for (const Hit& hit : scratch->used) where |= hit.field;
    const TextSpan written = leaves_[i].written;
    if (reason->terms.size() <= found) {
      reason->terms.emplace_back();
      reason->fields.emplace_back();
    }
    reason->terms[found].assign(text_, written.begin, written.size);
    reason->fields[found].assign(FieldName(LowestBit(where)));
    ++found;
    for (const Hit& hit : scratch->used) {
      if (hit.field & kTextFields) {
        marks.push_back({hit.field, hit.begin, hit.end,
                         static_cast<std::uint32_t>(marks.size()), i});
      }
    }
  }
  reason->terms.resize(found);
  reason->fields.resize(found);
  AddHighlights(view, &marks, reason);
}

void IndexMatcher::AddHighlights(const ItemView& view, std::vector<Mark>* marks,
                                 MatchReason* reason) const {
  // In field order, then by place; a range found by two terms shows once,
  // with the term listed first.
  auto place = [](const Mark& m) {
    return std::tuple(m.field, m.begin, m.end);
  };
  std::sort(marks->begin(), marks->end(), [&](const Mark& a, const Mark& b) {
    return std::tuple(a.field, a.begin, a.end, a.order) <
           std::tuple(b.field, b.begin, b.end, b.order);
  });
  marks->erase(std::unique(marks->begin(), marks->end(),
                           [&](const Mark& a, const Mark& b) {
                             return place(a) == place(b);
                           }),
               marks->end());
  reason->highlights.resize(marks->size());
  for (std::size_t i = 0; i < marks->size(); ++i) {
    const Mark& mark = (*marks)[i];
    const auto& tokens = view.fields[BitIndex(mark.field)].tokens;
    const TextSpan written = leaves_[mark.leaf].written;
    Highlight& highlight = reason->highlights[i];
    highlight.field.assign(FieldName(mark.field));
    highlight.begin = tokens[mark.begin].begin;
    highlight.end = tokens[mark.end - 1].end;
    highlight.term.assign(text_, written.begin, written.size);
  }
}

void IndexMatcher::IndexHits(Scratch* scratch) const {
  std::vector<Hit>& hits = scratch->hits;
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  if (scratch->found.size() < patterns_.size()) {
    scratch->found.resize(patterns_.size());
  }
  if (++scratch->generation == 0) {  // Wrapped: old entries could match.
    std::fill(scratch->found.begin(), scratch->found.end(), PatternHits{});
    scratch->generation = 1;
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    PatternHits& found = scratch->found[hits[i].pattern];
    if (found.generation != scratch->generation) {
      found = {scratch->generation, static_cast<std::uint32_t>(i), 0};
    }
    found.fields |= hits[i].field;
  }
}

void IndexMatcher::FiringRules(const Scratch& scratch,
                               std::vector<std::uint32_t>* rules) const {
  const std::vector<Hit>& hits = scratch.hits;
  rules->clear();
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i > 0 && hits[i].pattern == hits[i - 1].pattern) continue;
    const PatternId id = hits[i].pattern;
    rules->insert(rules->end(), users_.begin() + users_begin_[id],
                  users_.begin() + users_begin_[id + 1]);
  }
  // Rule indices follow rule ids, so sorting them sorts the result.
  std::sort(rules->begin(), rules->end());
  rules->erase(std::unique(rules->begin(), rules->end()), rules->end());
  // The rules lie scattered over more memory than the caches hold: asking
  // for all of them at once beats waiting for each in turn.
  for (std::uint32_t index : *rules) {
    __builtin_prefetch(&nodes_[rule_nodes_[index]]);
  }
  std::erase_if(*rules, [&](std::uint32_t index) {
    return !NodeTrue(rule_nodes_[index], scratch);
  });
  for (std::uint32_t index : *rules) {
    const CompiledRule& rule = rules_[index];
    __builtin_prefetch(&leaves_[rule.leaves_begin]);
    __builtin_prefetch(&spans_[rule.spans_begin]);
    __builtin_prefetch(text_.data() + rule.text_begin);
    __builtin_prefetch(text_.data() + std::min<std::size_t>(
                                          rule.text_begin + 64, text_.size()));
  }
}

std::vector<MatchReason> IndexMatcher::Match(const Item& item) const {
  std::vector<MatchReason> reasons;
  MatchInto(item, &reasons);
  return reasons;
}

void IndexMatcher::MatchInto(const Item& item,
                             std::vector<MatchReason>* out) const {
  thread_local Scratch scratch;
  const ItemView view = Prepare(item);
  scratch.hits.clear();
  for (const FieldTokens& field : view.fields) {
    FindPatterns(field, view.languages, &scratch);
  }
  IndexHits(&scratch);
  std::vector<std::uint32_t>& candidates = scratch.candidates;
  FiringRules(scratch, &candidates);
  // Reasons the last item had beyond this one's wait in `spare`, buffers
  // and all, for the next item that has more.
  while (out->size() > candidates.size()) {
    scratch.spare.push_back(std::move(out->back()));
    out->pop_back();
  }
  while (out->size() < candidates.size()) {
    if (scratch.spare.empty()) {
      out->emplace_back();
    } else {
      out->push_back(std::move(scratch.spare.back()));
      scratch.spare.pop_back();
    }
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Explain(rules_[candidates[i]], view, &scratch, &(*out)[i]);
  }
}

}  // namespace lexwatch::rules
