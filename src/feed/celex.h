#ifndef LEXWATCH_FEED_CELEX_H_
#define LEXWATCH_FEED_CELEX_H_

#include <string>
#include <string_view>

namespace lexwatch::feed {

// Finds the first CELEX number in `text` written as "CELEX:<number>" (as in
// EUR-Lex titles and links, also URL-encoded "CELEX%3A"). Returns the number
// ("32024L1275", "32023R1542R(02)", "52023PC0533") or "" when none.
std::string FindCelex(std::string_view text);

// True when `celex` has the shape sector + 4-digit year + type letters +
// number, optionally followed by a corrigendum suffix "R(nn)".
bool IsValidCelex(std::string_view celex);

// Document type from a CELEX number: "regulation", "directive", "decision",
// "recommendation", "proposal", "communication", "judgment", "corrigendum",
// "eea-decision" (sector 2 decisions of the EEA Joint Committee need the
// title to be told apart; see DocTypeFromCelexAndTitle), "other"; "" for "".
std::string DocTypeFromCelex(std::string_view celex);
std::string DocTypeFromCelexAndTitle(std::string_view celex,
                                     std::string_view title);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_CELEX_H_
