#ifndef LEXWATCH_MAIL_MIME_H_
#define LEXWATCH_MAIL_MIME_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"

// Text and MIME helpers for the alert renderer. All pure.
namespace lexwatch::mail {

// Standard base64 (RFC 4648) without line breaks.
std::string Base64Encode(std::string_view bytes);

// Quoted-printable (RFC 2045) of text whose lines end in CRLF (a bare LF
// counts as a line end too). Output lines are at most 76 octets plus CRLF;
// trailing white space and a leading "." are encoded.
std::string QuotedPrintableEncode(std::string_view text);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

// True for an absolute http:// or https:// URL without white space,
// control characters or quotes.
bool IsHttpUrl(std::string_view url);

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes
// there are not one (overlong forms and surrogates are invalid).
std::size_t Utf8CharLength(std::string_view s, std::size_t i);

// One line of valid UTF-8: invalid sequences become U+FFFD and control
// characters (CR and LF included) become spaces.
std::string CleanUtf8(std::string_view s);

// At most `max_chars` code points of valid UTF-8 `s`; "…" replaces the end
// when cut.
std::string TruncateUtf8(std::string_view s, std::size_t max_chars);

// "Tue, 30 Jun 2026 00:00:00 +0000" (RFC 5322, UTC).
std::string FormatRfc5322Date(TimePoint t);

// "30.06.2026": the calendar day in Oslo (CET/CEST by the EU summer-time
// rule), since feeds date acts at local midnight.
std::string FormatOsloDate(long long unix_seconds);

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_MIME_H_
