#ifndef LEXWATCH_FEED_CELLAR_QUERY_H_
#define LEXWATCH_FEED_CELLAR_QUERY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace lexwatch::feed {

inline constexpr std::string_view kCellarEndpoint =
    "https://publications.europa.eu/webapi/rdf/sparql";

// The SPARQL query for acts published in the Official Journal on or after
// the UTC calendar day of `since`: work, CELEX, date, resource type, ELI,
// EEA-relevance flag, English title and English EuroVoc labels joined by
// " | " (the bindings ParseSparqlResults reads), corrigenda excluded,
// in a total order (date, CELEX, work), at most `limit` rows (at least 1)
// after skipping `offset` (ignored when not positive). Only the ELI, EEA
// flag, title and EuroVoc parts are OPTIONAL: CELLAR refuses expensive
// queries. A full page means there may be more: ask again with `offset`
// grown by `limit` until a short page comes back.
std::string BuildCellarQuery(TimePoint since, int limit, int offset = 0);

// The Accept header of a CELLAR request.
inline constexpr char kSparqlResultsXml[] = "application/sparql-results+xml";

// The GET URL for `query` at `endpoint` ("...?query=<encoded>&format=...");
// `format` asks for SPARQL XML results even when the Accept header is not
// sent. Appends with "&" when `endpoint` already has a query string.
std::string CellarRequestUrl(std::string_view endpoint, std::string_view query);

// CELLAR metadata (EuroVoc etc.) may arrive up to this many working days
// after the act's publication.
inline constexpr int kCellarLateMetadataWorkingDays = 3;

// Midnight UTC of the day `working_days` working days before the UTC day
// of `t`. Working days are Monday to Friday, the days the Official Journal
// appears; public holidays are not known here and count as working days.
// Counting starts with the day before `t`'s day, and only working days
// count: Tuesday -> Thursday, Monday -> Wednesday, Saturday and Sunday ->
// Wednesday (for 3).
TimePoint WorkingDaysBefore(TimePoint t, int working_days);

// Where the next CELLAR query starts (BuildCellarQuery's `since`): the
// UTC day `working_days` working days before the day of the last
// successful poll, so an act whose metadata arrives late is asked for again
// until its metadata can no longer change; or the UTC day `first` before
// `now` when the source never succeeded. A last success in the future
// (clock stepped back) counts as `now`.
TimePoint CellarQueryStart(std::optional<TimePoint> last_success, TimePoint now,
                           int working_days = kCellarLateMetadataWorkingDays,
                           std::chrono::days first = std::chrono::days(30));

// RFC 3986 percent-encoding: every byte but the unreserved characters
// (ALPHA, DIGIT, "-", ".", "_", "~") becomes "%XX" with upper-case hex.
std::string PercentEncode(std::string_view text);

// The inverse of PercentEncode ("+" stays "+"); nullopt when a "%" is not
// followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_CELLAR_QUERY_H_
