#ifndef LEXWATCH_CORE_ITEM_H_
#define LEXWATCH_CORE_ITEM_H_

#include <optional>
#include <string>
#include <vector>

namespace lexwatch {

// One entry of a feed, after parsing and sanitising: every string is valid
// UTF-8 with no control characters and no line breaks, and capped in length.
struct Item {
  std::string source;  // Name of the configured source it came from.
  std::string guid;    // <guid>, Atom <id> or rdf:about; may be empty.
  std::string title;
  std::string summary;  // <description>/<summary>, HTML reduced to text.
  std::string link;     // http(s) only; empty when the feed gave none.
  std::string author;   // <dc:creator>/<author>, trailing commas trimmed.
  std::string
      language;  // BCP 47 primary tag in lower case ("en", "nb"), or "".
  // Unix seconds; nullopt when the item carries no date (EUR-Lex proposals).
  std::optional<long long> published;

  // EUR-Lex: the CELEX number from the title or the link ("32024L1275",
  // "32023R1542R(02)"), empty when none.
  std::string celex;
  // Document type derived from CELEX: "regulation", "directive", "decision",
  // "recommendation", "proposal", "communication", "judgment", "corrigendum",
  // "eea-decision", "other"; empty without CELEX.
  std::string doc_type;
  // EEA Joint Committee decisions: the annex of the EEA Agreement amended,
  // as a Roman numeral and its subject, e.g. "XX Environment"; "" otherwise.
  std::string eea_annex;

  // Metadata that only some sources provide (CELLAR): EuroVoc descriptors
  // in English, and the "Text with EEA relevance" flag.
  std::vector<std::string> eurovoc;
  std::optional<bool> eea_relevant;

  // The identity of the act: "celex:<CELEX>" when known, else
  // "guid:<source>:<guid or link or title>". Two feeds carrying the same act
  // give the same key.
  std::string Key() const;
};

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_ITEM_H_
