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
#include "rules/term_index.h"

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
  void MatchInto(const Item& item,
                 std::vector<MatchReason>* out) const override;
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

  // WordIndex hashes of a pattern's second word, so that a many-word
  // pattern filed under a common first word ("water ...") is passed over
  // on one integer comparison when the item's next word differs.
  struct SecondWord {
    bool check = false;  // False for one word, or a prefix second word.
    std::uint64_t exact = 0;
    std::uint64_t en = 0;
    std::uint64_t nb = 0;
  };

  // A byte range of text_.
  struct TextSpan {
    std::uint32_t begin = 0;
    std::uint32_t size = 0;
  };

  struct CompiledLeaf {
    std::uint32_t patterns_begin = 0;  // In leaf_patterns_.
    std::uint32_t patterns_end = 0;
    int distance = 0;
    std::uint16_t fields = kDefaultFields;
    // Listed in explanations: positive, and the first leaf of its rule with
    // its Leaf::Key(). Equal leaves are true together, so a later one would
    // only repeat the term.
    bool explained = false;
    TextSpan written;  // The leaf as written in the rule file.
  };

  // A QueryNode in a rule's run of nodes_, in preorder: a node's children
  // follow it, each `size` nodes after the one before. A leaf of one term
  // carries what deciding it needs, so that it is read without leaves_.
  struct FlatNode {
    QueryNode::Op op = QueryNode::Op::kLeaf;
    bool near = false;  // A proximity leaf: see leaves_[leaf].
    std::uint16_t fields = 0;
    std::uint32_t size = 1;  // Nodes in this subtree, itself included.
    std::uint32_t leaf = 0;  // In leaves_.
    PatternId pattern = 0;   // The leaf's term, unless `near`.
  };

  // Everything about a rule, in flat arrays so that the rules that fire on
  // an item touch few cache lines. Its strings are spans_[spans_begin]
  // onwards: id, topic, description, priority, then the agencies.
  struct CompiledRule {
    std::uint32_t leaves_begin = 0;  // In leaves_.
    std::uint32_t leaves_end = 0;
    std::uint32_t explained = 0;  // Leaves with `explained` set.
    std::uint32_t spans_begin = 0;
    std::uint32_t spans_end = 0;
    std::uint32_t text_begin = 0;  // Where its strings start in text_.
  };

  // One place a pattern was found: token range [begin, end) of a field.
  struct Hit {
    PatternId pattern;
    std::uint16_t field;
    std::uint32_t begin;
    std::uint32_t end;
    auto operator<=>(const Hit&) const = default;
  };

  // A range to highlight; `order` keeps the order in which terms were
  // listed among equal ranges.
  struct Mark {
    std::uint16_t field;
    std::uint32_t begin;
    std::uint32_t end;
    std::uint32_t order;
    std::uint32_t leaf;  // In leaves_.
  };

  // An item field split into words; stems only for text fields, and only in
  // the item's languages.
  struct FieldTokens {
    std::uint16_t field = 0;
    std::vector<Token> tokens;
    std::vector<std::string> en;
    std::vector<std::string> nb;
  };

  // WordIndex::Hash of each token of a field, and of its English and
  // Norwegian stems when it has them, parallel to FieldTokens; `exact` only
  // when by_exact_ is not empty. The probes need them, and the second word
  // of a many-word pattern is checked against them.
  struct FieldHashes {
    std::vector<std::uint64_t> exact;
    std::vector<std::uint64_t> en;
    std::vector<std::uint64_t> nb;
  };

  // What one item's hits say about one pattern. Valid only when
  // `generation` is the Scratch's: a new item needs no clearing.
  struct PatternHits {
    std::uint32_t generation = 0;
    std::uint32_t first_hit = 0;  // In Scratch::hits, sorted.
    std::uint16_t fields = 0;     // Every field it was found in.
  };

  // Buffers that Match reuses from one item to the next (one set per
  // thread), so that its only allocations are those of its result; with
  // MatchInto, only those of a longer explanation than any before.
  struct Scratch {
    std::vector<Hit> hits;
    FieldHashes hashes;  // Of the field being searched.
    // By PatternId; at least as long as patterns_. Shared by every matcher
    // the thread uses: an entry another matcher wrote has an older
    // generation.
    std::vector<PatternHits> found;
    std::uint32_t generation = 0;
    std::vector<std::uint32_t> candidates;
    std::vector<Hit> used;
    std::vector<Mark> marks;
    std::vector<MatchReason> spare;
  };

  struct ItemView {
    std::uint8_t languages = 0;
    std::array<FieldTokens, kFieldCount> fields;  // By bit index.
  };

  PatternId Intern(const Term& term);
  void AddRule(RuleSpec spec);
  void AddNodes(const QueryNode& node, std::uint32_t leaves_begin);
  TextSpan AddText(std::string_view text);
  std::string_view TextView(std::uint32_t span) const;
  void Freeze();

  ItemView Prepare(const Item& item) const;
  void AddTextField(std::uint16_t field, std::string_view text,
                    ItemView* view) const;
  void HashTokens(const FieldTokens& field, FieldHashes* hashes) const;
  // Adds the hits in `field` to scratch->hits.
  void FindPatterns(const FieldTokens& field, std::uint8_t languages,
                    Scratch* scratch) const;
  void Probe(const WordIndex& index, std::string_view key, std::uint64_t hash,
             const FieldTokens& field, const FieldHashes& hashes,
             std::uint8_t languages, std::uint32_t pos,
             std::vector<Hit>* hits) const;
  // False when `id` has a second word that cannot be the one after `pos`.
  bool SecondWordMayMatch(PatternId id, const FieldHashes& hashes,
                          std::size_t pos) const;
  bool MatchesAt(const Pattern& pattern, const FieldTokens& field,
                 std::uint8_t languages, std::size_t pos) const;
  // Sorts and dedupes scratch->hits and records, per pattern, where its
  // hits start and in which fields they are.
  void IndexHits(Scratch* scratch) const;
  bool NodeTrue(std::uint32_t node, const Scratch& scratch) const;
  bool Found(PatternId pattern, std::uint16_t fields,
             const Scratch& scratch) const;
  bool LeafTrue(const CompiledLeaf& leaf, const Scratch& scratch,
                std::vector<Hit>* used) const;
  bool NearTrue(const CompiledLeaf& leaf, const Scratch& scratch,
                std::vector<Hit>* used) const;
  // Sets `rules` to the indices of the rules that fire on scratch.hits,
  // ascending (that is, in rule-id order).
  void FiringRules(const Scratch& scratch,
                   std::vector<std::uint32_t>* rules) const;
  // Sorts and dedupes `marks`, then adds them to `reason` as highlights.
  void AddHighlights(const ItemView& view, std::vector<Mark>* marks,
                     MatchReason* reason) const;
  // Overwrites `reason`, keeping its strings' and vectors' capacity.
  void Explain(const CompiledRule& rule, const ItemView& view, Scratch* scratch,
               MatchReason* reason) const;

  std::vector<Pattern> patterns_;
  // Words per pattern; a one-word pattern found in an index needs no
  // further check.
  std::vector<std::uint32_t> pattern_words_;
  std::vector<SecondWord> second_words_;  // By PatternId.
  WordIndex by_exact_;    // First word of exact patterns, folded.
  WordIndex by_en_stem_;  // First word of stemmed patterns, English stem.
  WordIndex by_nb_stem_;  // ... Norwegian stem.
  PrefixTrie by_prefix_;  // One-word prefix patterns.
  bool stems_needed_ = false;
  // Rules with a positive leaf on each pattern: users_[users_begin_[p]] up
  // to users_[users_begin_[p + 1]], ascending.
  std::vector<std::uint32_t> users_begin_;
  std::vector<std::uint32_t> users_;
  std::vector<CompiledRule> rules_;        // Sorted by id.
  std::vector<std::uint32_t> rule_nodes_;  // Parallel to rules_: in nodes_.
  std::vector<FlatNode> nodes_;
  std::vector<CompiledLeaf> leaves_;
  std::vector<PatternId> leaf_patterns_;
  std::vector<TextSpan> spans_;
  std::string text_;  // All strings of all rules, rule after rule.

  // Only while compiling.
  std::unordered_map<std::string, PatternId> pattern_ids_;  // By Term::Key().
  std::vector<std::vector<std::uint32_t>> rules_using_;     // By PatternId.
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_INDEX_MATCHER_H_
