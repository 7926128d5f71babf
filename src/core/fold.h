#ifndef LEXWATCH_CORE_FOLD_H_
#define LEXWATCH_CORE_FOLD_H_

#include <string>
#include <string_view>
#include <vector>

namespace lexwatch {

// Folds valid UTF-8 for matching: Unicode case folding (utf8proc), then
// diacritics stripped (é->e, ü->u) while the Nordic letters keep their
// identity as plain letters (æ->ae, ø->o, å->a, ß->ss), so "Vannforsyning",
// "VANNFORSYNING" and "vannforsyning" compare equal and "Byggesøknad" equals
// "byggesoknad".
std::string FoldForMatch(std::string_view utf8);

// Unicode case folding and NFC only: diacritics and Nordic letters stay
// ("Avløpet" -> "avløpet"). Stemmers need them, since their suffix rules and
// vowel classes are written for the language's real spelling.
std::string FoldCase(std::string_view utf8);

// A word of folded text and where it stood in the original input.
struct Token {
  std::string text;   // Folded.
  std::size_t begin;  // Byte offset in the original string.
  std::size_t end;
};

// Splits `utf8` into words at Unicode word boundaries (letters and digits
// form words; hyphens and punctuation separate them) and folds each word.
std::vector<Token> Tokenize(std::string_view utf8);

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_FOLD_H_
