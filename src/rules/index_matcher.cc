#include "rules/index_matcher.h"

#include <algorithm>
#include <utility>

namespace lexwatch::rules {

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
}

// Many rules share terms ("waste", "state aid"); each distinct one is looked
// up once per item however many rules use it.
IndexMatcher::TermId IndexMatcher::Intern(const Term& term) {
  auto [it, inserted] = pattern_ids_.try_emplace(
      term.Key(), static_cast<TermId>(patterns_.size()));
  if (!inserted) return it->second;
  patterns_.push_back({term.tokens, term.prefix});
  rules_using_.emplace_back();
  if (term.prefix && term.tokens.size() == 1) {
    by_prefix_[term.tokens[0]].push_back(it->second);
    prefix_lengths_.push_back(term.tokens[0].size());
  } else {
    by_first_token_[term.tokens[0]].push_back(it->second);
  }
  return it->second;
}

std::vector<IndexMatcher::TermId> IndexMatcher::InternAll(
    const std::vector<Term>& terms) {
  std::vector<TermId> ids;
  for (const Term& term : terms) ids.push_back(Intern(term));
  return ids;
}

void IndexMatcher::AddRule(RuleSpec spec) {
  auto index = static_cast<std::uint32_t>(rules_.size());
  CompiledRule rule{std::move(spec.id),
                    std::move(spec.topic),
                    std::move(spec.description),
                    std::move(spec.agencies),
                    spec.fields,
                    InternAll(spec.any),
                    InternAll(spec.all),
                    InternAll(spec.none),
                    {}};
  auto add_positive = [&](const std::vector<Term>& terms,
                          const std::vector<TermId>& ids) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      bool seen =
          std::any_of(rule.positive.begin(), rule.positive.end(),
                      [&](const RuleTerm& t) { return t.id == ids[i]; });
      if (seen) continue;
      rule.positive.push_back({ids[i], terms[i].written});
      rules_using_[ids[i]].push_back(index);
    }
  };
  add_positive(spec.any, rule.any);
  add_positive(spec.all, rule.all);
  rules_.push_back(std::move(rule));
}

bool IndexMatcher::MatchesAt(const Pattern& pattern,
                             const std::vector<Token>& tokens,
                             std::size_t pos) const {
  const std::size_t n = pattern.tokens.size();
  if (pos + n > tokens.size()) return false;
  for (std::size_t k = 1; k < n; ++k) {
    const std::string& want = pattern.tokens[k];
    const std::string& have = tokens[pos + k].text;
    bool last_prefix = pattern.prefix && k + 1 == n;
    if (last_prefix ? !have.starts_with(want) : have != want) return false;
  }
  return true;
}

void IndexMatcher::FindTerms(const std::vector<Token>& tokens,
                             std::uint8_t field, Hits* hits) const {
  for (std::size_t pos = 0; pos < tokens.size(); ++pos) {
    std::string_view word = tokens[pos].text;
    if (auto it = by_first_token_.find(word); it != by_first_token_.end()) {
      for (TermId id : it->second) {
        if (MatchesAt(patterns_[id], tokens, pos)) hits->push_back({id, field});
      }
    }
    // A folded prefix is whole UTF-8, so a byte prefix of the word that
    // equals it always ends on a character boundary.
    for (std::size_t len : prefix_lengths_) {
      if (len > word.size()) break;
      auto it = by_prefix_.find(word.substr(0, len));
      if (it == by_prefix_.end()) continue;
      for (TermId id : it->second) hits->push_back({id, field});
    }
  }
}

std::uint8_t IndexMatcher::FieldsOf(const Hits& hits, TermId term) const {
  auto it = std::lower_bound(hits.begin(), hits.end(),
                             std::pair<TermId, std::uint8_t>(term, 0));
  return it != hits.end() && it->first == term ? it->second : 0;
}

bool IndexMatcher::Fires(const CompiledRule& rule, const Hits& hits) const {
  auto found = [&](TermId id) { return (FieldsOf(hits, id) & rule.fields); };
  if (!rule.any.empty() &&
      std::none_of(rule.any.begin(), rule.any.end(), found)) {
    return false;
  }
  return std::all_of(rule.all.begin(), rule.all.end(), found) &&
         std::none_of(rule.none.begin(), rule.none.end(), found);
}

MatchReason IndexMatcher::Explain(const CompiledRule& rule,
                                  const Hits& hits) const {
  MatchReason reason{rule.id,       rule.topic, rule.description,
                     rule.agencies, {},         {}};
  for (const RuleTerm& term : rule.positive) {
    std::uint8_t where = FieldsOf(hits, term.id) & rule.fields;
    if (where == 0) continue;
    reason.terms.push_back(term.written);
    reason.fields.push_back((where & kTitleField) ? "title" : "summary");
  }
  return reason;
}

std::vector<MatchReason> IndexMatcher::Match(const Item& item) const {
  Hits hits;
  FindTerms(Tokenize(item.title), kTitleField, &hits);
  FindTerms(Tokenize(item.summary), kSummaryField, &hits);
  // Merge to one entry per term carrying every field it was found in.
  std::sort(hits.begin(), hits.end());
  Hits merged;
  for (const auto& [id, field] : hits) {
    if (!merged.empty() && merged.back().first == id) {
      merged.back().second |= field;
    } else {
      merged.push_back({id, field});
    }
  }
  std::vector<std::uint32_t> candidates;
  for (const auto& [id, field] : merged) {
    candidates.insert(candidates.end(), rules_using_[id].begin(),
                      rules_using_[id].end());
  }
  // Rule indices follow rule ids, so sorting them sorts the result.
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  std::vector<MatchReason> reasons;
  for (std::uint32_t index : candidates) {
    if (Fires(rules_[index], merged)) {
      reasons.push_back(Explain(rules_[index], merged));
    }
  }
  return reasons;
}

}  // namespace lexwatch::rules
