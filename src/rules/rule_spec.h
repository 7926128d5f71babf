#ifndef LEXWATCH_RULES_RULE_SPEC_H_
#define LEXWATCH_RULES_RULE_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lexwatch::rules {

// Item fields a rule may look at, as bits.
enum FieldBits : std::uint8_t {
  kTitleField = 1,
  kSummaryField = 2,
  kAllFields = kTitleField | kSummaryField,
};

// Where something was written: "path", 1-based line and column.
struct SourcePos {
  std::string path;
  int line = 0;
  int column = 0;
};

// A search term compiled to folded words. A phrase matches consecutive words;
// with `prefix` the last word matches any word that starts with it.
struct Term {
  std::string written;              // As in the rule file, for explanations.
  std::vector<std::string> tokens;  // Folded words; empty for an empty term.
  bool prefix = false;
  SourcePos pos;

  // Equal for terms that match exactly the same text ("Drinking water" and
  // "drinking  water").
  std::string Key() const;
};

// Builds a Term from its text: a trailing '*' makes it a prefix term. The
// result has no tokens when the text holds no letters or digits.
Term MakeTerm(std::string_view written);

// One rule as read from a file and checked. The query is a flat any/all/none
// of terms; a richer query language would replace these three lists with an
// expression tree whose leaves are still Terms, so the term index in the
// matcher stays as it is.
struct RuleSpec {
  std::string id;
  std::string topic;
  std::string description;
  std::vector<std::string> agencies;
  std::vector<Term> any;
  std::vector<Term> all;
  std::vector<Term> none;
  std::uint8_t fields = kAllFields;
  bool enabled = true;
  SourcePos id_pos;  // Where the id value stands, for duplicate reports.
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_RULE_SPEC_H_
