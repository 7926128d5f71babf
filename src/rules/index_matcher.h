#ifndef LEXWATCH_RULES_INDEX_MATCHER_H_
#define LEXWATCH_RULES_INDEX_MATCHER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/fold.h"
#include "rules/rule_set.h"
#include "rules/rule_spec.h"

namespace lexwatch::rules {

// A Matcher whose cost per item grows with the item's length and the number
// of terms it actually contains, not with the number of rules: every distinct
// term is indexed once by its first folded word (prefix terms by their
// prefix), each field is tokenised once, and only rules that use a term found
// in the item are evaluated. Immutable; Match is safe from any thread.
class IndexMatcher final : public Matcher {
 public:
  // `rules` must be valid; disabled rules are left out.
  explicit IndexMatcher(std::vector<RuleSpec> rules);

  std::vector<MatchReason> Match(const Item& item) const override;
  std::size_t rule_count() const override { return rules_.size(); }

 private:
  using TermId = std::uint32_t;
  // (term, fields it was found in), sorted by term.
  using Hits = std::vector<std::pair<TermId, std::uint8_t>>;

  struct Pattern {
    std::vector<std::string> tokens;
    bool prefix = false;
  };

  // A rule's term as written, with the pattern it compiled to.
  struct RuleTerm {
    TermId id;
    std::string written;
  };

  struct CompiledRule {
    std::string id;
    std::string topic;
    std::string description;
    std::vector<std::string> agencies;
    std::uint8_t fields = kAllFields;
    std::vector<TermId> any;
    std::vector<TermId> all;
    std::vector<TermId> none;
    std::vector<RuleTerm> positive;  // any then all, each pattern once.
  };

  // Heterogeneous lookup so that probing with a string_view allocates nothing.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  using TermIndex = std::unordered_map<std::string, std::vector<TermId>,
                                       StringHash, std::equal_to<>>;

  TermId Intern(const Term& term);
  std::vector<TermId> InternAll(const std::vector<Term>& terms);
  void AddRule(RuleSpec spec);

  void FindTerms(const std::vector<Token>& tokens, std::uint8_t field,
                 Hits* hits) const;
  bool MatchesAt(const Pattern& pattern, const std::vector<Token>& tokens,
                 std::size_t pos) const;
  std::uint8_t FieldsOf(const Hits& hits, TermId term) const;
  bool Fires(const CompiledRule& rule, const Hits& hits) const;
  MatchReason Explain(const CompiledRule& rule, const Hits& hits) const;

  std::vector<Pattern> patterns_;
  std::unordered_map<std::string, TermId> pattern_ids_;  // By Term::Key().
  TermIndex by_first_token_;                 // Multi-word and whole-word terms.
  TermIndex by_prefix_;                      // One-word prefix terms.
  std::vector<std::size_t> prefix_lengths_;  // Distinct, ascending.
  std::vector<std::vector<std::uint32_t>> rules_using_;  // By TermId.
  std::vector<CompiledRule> rules_;                      // Sorted by id.
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_INDEX_MATCHER_H_
