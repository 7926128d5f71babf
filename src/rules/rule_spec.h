#ifndef LEXWATCH_RULES_RULE_SPEC_H_
#define LEXWATCH_RULES_RULE_SPEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lexwatch::rules {

// Item fields a rule may look at, as bits. Text fields are split into words;
// value fields (celex and after) are compared as one whole value.
enum FieldBits : std::uint16_t {
  kTitleField = 1,
  kSummaryField = 2,
  kAuthorField = 4,
  kEurovocField = 8,
  kAnnexField = 16,
  kCelexField = 32,
  kTypeField = 64,
  kSourceField = 128,
  kEeaField = 256,
  kLangField = 512,
  kDefaultFields = kTitleField | kSummaryField,
  kTextFields =
      kTitleField | kSummaryField | kAuthorField | kEurovocField | kAnnexField,
};
inline constexpr int kFieldCount = 10;

// "title", "summary", ... for one bit.
const char* FieldName(std::uint16_t bit);

// Where something was written: "path", 1-based line and column.
struct SourcePos {
  std::string path;
  int line = 0;
  int column = 0;
};

// A search term compiled to folded words. A phrase matches consecutive words;
// with `prefix` the last word matches any word that starts with it. Words
// match by their Snowball stem unless `exact` (a quoted term); a prefix is
// never stemmed.
struct Term {
  std::string written;              // As in the rule file, for explanations.
  std::vector<std::string> tokens;  // Folded words; empty for an empty term.
  // Unless `exact`: the English and Norwegian stems of each word, parallel
  // to `tokens` (a prefix word is kept as it is).
  std::vector<std::string> stems_en;
  std::vector<std::string> stems_nb;
  bool prefix = false;
  bool exact = false;
  SourcePos pos;

  // Equal for terms that match exactly the same text ("Drinking water" and
  // "drinking  water").
  std::string Key() const;
};

// Builds a list term (any/all/none) from its text: a trailing '*' makes it a
// prefix term, and double quotes around it ('"drinking water"') make it
// exact. The result has no tokens when the text holds no letters or digits.
Term MakeTerm(std::string_view written);

// A term of a query string: `text` without quotes; a trailing '*' makes it a
// prefix term.
Term MakeWordsTerm(std::string_view text, bool exact);

// A term for a value field (celex:, type:, ...): the whole value folded as
// one token, exact, with a trailing '*' making it a prefix.
Term MakeValueTerm(std::string_view value);

// A leaf of a query: a term looked for in `fields`, or (distance > 0)
// several terms within `distance` words of each other, in any order, in one
// text field.
struct Leaf {
  std::vector<Term> terms;
  int distance = 0;
  std::uint16_t fields = kDefaultFields;
  std::string written;  // As in the rule file, for explanations.
  SourcePos pos;

  // Equal for leaves that are true on exactly the same items.
  std::string Key() const;
};

// The query of a rule as a tree. Each leaf index appears once in the tree.
struct QueryNode {
  enum class Op : std::uint8_t { kLeaf, kAnd, kOr, kNot };
  Op op = Op::kLeaf;
  std::size_t leaf = 0;
  std::vector<QueryNode> children;
};

struct Query {
  std::vector<Leaf> leaves;
  QueryNode root;
};

// Evaluates `node` with `leaf_true(leaf index)`; AND and OR short-circuit.
template <typename LeafFn>
bool Evaluate(const QueryNode& node, const LeafFn& leaf_true) {
  switch (node.op) {
    case QueryNode::Op::kLeaf:
      return leaf_true(node.leaf);
    case QueryNode::Op::kNot:
      return !Evaluate(node.children[0], leaf_true);
    case QueryNode::Op::kAnd:
      for (const QueryNode& child : node.children) {
        if (!Evaluate(child, leaf_true)) return false;
      }
      return true;
    case QueryNode::Op::kOr:
      for (const QueryNode& child : node.children) {
        if (Evaluate(child, leaf_true)) return true;
      }
      return false;
  }
  return false;
}

// For each leaf of `query`: true when it stands under an even number of NOTs
// (finding it can only help the rule fire).
std::vector<bool> PositiveLeaves(const Query& query);

// One rule as read from a file and checked.
struct RuleSpec {
  std::string id;
  std::string topic;
  std::string description;
  std::vector<std::string> agencies;
  std::string priority = "normal";
  Query query;
  bool enabled = true;
  SourcePos id_pos;  // Where the id value stands, for duplicate reports.
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_RULE_SPEC_H_
