#ifndef LEXWATCH_FEED_SPARQL_RESULTS_H_
#define LEXWATCH_FEED_SPARQL_RESULTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/result.h"

namespace lexwatch::feed {

inline constexpr std::string_view kSparqlResultsNs =
    "http://www.w3.org/2005/sparql-results#";

// Parses a CELLAR answer in the W3C SPARQL Query Results XML Format into
// items, one per <result>, in document order. Bindings are read by name:
//   work     the CELLAR work URI            -> Item::guid
//   celex    CELEX number                   -> Item::celex
//   date     xsd:date of OJ publication     -> Item::published, UTC midnight
//            (the OJ date is a calendar day; the hour is not worth a
//            time-zone table)
//   type     resource-type authority URI    -> Item::doc_type
//   eli      ELI URI
//   eea      xsd:boolean "EEA relevance"    -> Item::eea_relevant
//   title    English expression title       -> Item::title
//   eurovoc  English labels joined by " | " -> Item::eurovoc
// Item::link is the EUR-Lex page of the CELEX number, else the ELI, else the
// work URI. Every value is sanitised as in ParseFeed, and the EEA annex and
// relevance are derived from the title too. Language is the title's xml:lang,
// "en" when it has none. A result with neither a valid CELEX number nor a
// work URI is skipped; a later result for an act already read (the query's
// OPTIONAL parts can repeat a work) is skipped too. A CORRIGENDUM is kept:
// the query excludes them, the parser does not second-guess the answer.
//
// On failure returns InvalidArgument "<source>: <what>", e.g.
// "cellar: not SPARQL results: root element <rss>",
// "cellar: not SPARQL results: HTML page where XML was expected",
// "cellar: XML error at offset 12: ...". Pure: no I/O, no logging.
// `result_count`, when given, receives the number of <result> elements,
// skipped ones included: a page is full when it equals the query's LIMIT.
Result<std::vector<Item>> ParseSparqlResults(std::string_view bytes,
                                             std::string_view source,
                                             int* result_count = nullptr);

// Item::doc_type for a CELLAR resource-type URI
// (".../authority/resource-type/REG" -> "regulation", "DIR" -> "directive",
// "DEC" -> "decision", "RECO" -> "recommendation", "PROP_REG", "PROP_DIR",
// ... -> "proposal", "COM" -> "communication", "CORRIGENDUM" ->
// "corrigendum"); "" for other or unknown types. Variants with a suffix
// ("REG_IMPL", "DEC_DEL", "DIR_IMPL") map like their stem.
std::string DocTypeFromResourceType(std::string_view uri);

// The EUR-Lex page of an act: "https://eur-lex.europa.eu/legal-content/AUTO/
// ?uri=CELEX:<celex>".
std::string EurlexCelexUrl(std::string_view celex);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_SPARQL_RESULTS_H_
