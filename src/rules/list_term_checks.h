#ifndef LEXWATCH_RULES_LIST_TERM_CHECKS_H_
#define LEXWATCH_RULES_LIST_TERM_CHECKS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lexwatch::rules {

// Checks the '*' of a list term (any/all/none) that has words. Returns
// nullopt when the term has no '*' or one directly after its last word
// ("procure*", '"public procure*"'); otherwise what is wrong, ready to
// follow "term 'x' in rule 'y': ": "'*' may only end a term" for a star
// before the last word, and for a star that does not touch the last word
// ("water *", "water-*") the term as it should be written. Pure.
std::optional<std::string> TermStarProblem(std::string_view text);

// Query syntax written into a list term, where it is read as plain words.
struct ListQuerySyntax {
  std::size_t offset = 0;  // Byte offset in the term.
  std::string text;        // "NEAR/3", "OR", "title:", ...
  bool scope = false;      // A field scope rather than an operator.
};

// Finds the first upper-case query operator standing as a word (AND, OR,
// NOT, NEAR, NEAR/n) or field scope starting the term or one of its words
// ("title:", "celex:", ...). Words are separated by spaces; quotes and
// parentheses around a word are looked through. Pure.
std::optional<ListQuerySyntax> FindListQuerySyntax(std::string_view text);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_LIST_TERM_CHECKS_H_
