#ifndef LEXWATCH_FEED_FEED_DATES_H_
#define LEXWATCH_FEED_FEED_DATES_H_

#include <optional>
#include <string_view>

namespace lexwatch::feed {

// Parses an RFC 822 / RFC 2822 date as in RSS <pubDate>
// ("Tue, 30 Jun 2026 00:00:00 +0200"; the day name, the seconds and the zone
// are optional; zones are numeric offsets, UT/UTC/GMT/Z, the US zones of RFC
// 822 and CET/CEST/EET/EEST/WET/WEST). Returns Unix seconds UTC, or nullopt
// when the text is not such a date. Locale independent.
std::optional<long long> ParseRfc822Date(std::string_view text);

// Parses an ISO 8601 / RFC 3339 date or date-time as in Atom and dc:date
// ("2024-07-05", "2024-07-05T10:00:00Z", "2024-07-05T12:00:00.5+02:00").
// A missing zone means UTC. Returns Unix seconds UTC, or nullopt.
std::optional<long long> ParseIso8601Date(std::string_view text);

// Tries RFC 822 and then ISO 8601: feeds do not always use the format their
// specification names.
std::optional<long long> ParseFeedDate(std::string_view text);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_FEED_DATES_H_
