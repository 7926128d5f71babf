#ifndef LEXWATCH_RULES_STEMMER_H_
#define LEXWATCH_RULES_STEMMER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lexwatch::rules {

// The languages whose Snowball stemmers the matcher uses, as bits.
enum StemLanguage : std::uint8_t {
  kEnglish = 1,
  kNorwegian = 2,
  kBothLanguages = kEnglish | kNorwegian,
};

// The stemmers for an item in `language` (Item::language): "en" -> English;
// "nb", "no", "nn" -> Norwegian (bokmål); anything else, "" included ->
// both, since an unlabelled item may be in either.
std::uint8_t StemLanguagesFor(std::string_view language);

// The Snowball stem of one word (as written: any case, with diacritics),
// folded like FoldForMatch so that it compares with folded text. Stemming
// runs on the case-folded word with its letters intact, because the
// Norwegian rules are written for æ, ø and å. Thread-safe: each thread uses
// its own stemmers (sb_stemmer is not thread-safe).
std::string StemForMatch(std::string_view word, StemLanguage language);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_STEMMER_H_
