#ifndef LEXWATCH_RULES_INDEX_MATCHER_H_
#define LEXWATCH_RULES_INDEX_MATCHER_H_

#include <array>
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
// of terms it actually contains, not with the number of rules: every
// distinct term ("pattern") is indexed once by its first word (its folded
// form when exact, its English and Norwegian stems otherwise, its prefix for
// one-word prefix terms), each field is tokenised and stemmed once, and only
// rules with a positive leaf whose pattern was found are evaluated. Rules
// whose query is true when nothing is found are refused before they get
// here. Immutable; Match is safe from any thread.
class IndexMatcher final : public Matcher {
 public:
  // `rules` must be valid; disabled rules are left out.
  explicit IndexMatcher(std::vector<RuleSpec> rules);

  std::vector<MatchReason> Match(const Item& item) const override;
  std::size_t rule_count() const override { return rules_.size(); }

 private:
  using PatternId = std::uint32_t;

  struct Pattern {
    std::vector<std::string> tokens;
    std::vector<std::string> stems_en;
    std::vector<std::string> stems_nb;
    bool prefix = false;
    bool exact = false;
  };

  struct CompiledLeaf {
    std::vector<PatternId> patterns;
    int distance = 0;
    std::uint16_t fields = kDefaultFields;
    bool positive = false;
    std::string written;
    std::string key;  // Leaf::Key(), to list equal terms once.
  };

  struct CompiledRule {
    std::string id;
    std::string topic;
    std::string description;
    std::vector<std::string> agencies;
    std::string priority;
    std::vector<CompiledLeaf> leaves;
    QueryNode root;
  };

  // One place a pattern was found: token range [begin, end) of a field.
  struct Hit {
    PatternId pattern;
    std::uint16_t field;
    std::uint32_t begin;
    std::uint32_t end;
    auto operator<=>(const Hit&) const = default;
  };

  // An item field split into words; stems only for text fields, and only in
  // the item's languages.
  struct FieldTokens {
    std::uint16_t field = 0;
    std::vector<Token> tokens;
    std::vector<std::string> en;
    std::vector<std::string> nb;
  };

  struct ItemView {
    std::uint8_t languages = 0;
    std::array<FieldTokens, kFieldCount> fields;  // By bit index.
  };

  // Heterogeneous lookup so that probing with a string_view allocates nothing.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  using PatternIndex = std::unordered_map<std::string, std::vector<PatternId>,
                                          StringHash, std::equal_to<>>;

  PatternId Intern(const Term& term);
  void AddRule(RuleSpec spec);

  ItemView Prepare(const Item& item) const;
  void AddTextField(std::uint16_t field, std::string_view text,
                    ItemView* view) const;
  void FindPatterns(const FieldTokens& field, std::uint8_t languages,
                    std::vector<Hit>* hits) const;
  void Probe(const PatternIndex& index, std::string_view key,
             const FieldTokens& field, std::uint8_t languages,
             std::uint32_t pos, std::vector<Hit>* hits) const;
  bool MatchesAt(const Pattern& pattern, const FieldTokens& field,
                 std::uint8_t languages, std::size_t pos) const;
  bool LeafTrue(const CompiledLeaf& leaf, const std::vector<Hit>& hits,
                std::vector<Hit>* used) const;
  bool NearTrue(const CompiledLeaf& leaf, const std::vector<Hit>& hits,
                std::vector<Hit>* used) const;
  MatchReason Explain(const CompiledRule& rule, const ItemView& view,
                      const std::vector<Hit>& hits) const;

  std::vector<Pattern> patterns_;
  std::unordered_map<std::string, PatternId> pattern_ids_;  // By Term::Key().
  PatternIndex by_exact_;    // First word of exact patterns, folded.
  PatternIndex by_en_stem_;  // First word of stemmed patterns, English stem.
  PatternIndex by_nb_stem_;  // ... Norwegian stem.
  PatternIndex by_prefix_;   // One-word prefix patterns.
  std::vector<std::size_t> prefix_lengths_;  // Distinct, ascending.
  bool stems_needed_ = false;
  std::vector<std::vector<std::uint32_t>> rules_using_;  // By PatternId.
  std::vector<CompiledRule> rules_;                      // Sorted by id.
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_INDEX_MATCHER_H_
