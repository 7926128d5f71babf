#ifndef LEXWATCH_CORE_SANITIZE_H_
#define LEXWATCH_CORE_SANITIZE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace lexwatch {

inline constexpr std::size_t kMaxTitleBytes = 2000;
inline constexpr std::size_t kMaxSummaryBytes = 8000;
inline constexpr std::size_t kMaxFieldBytes = 2000;

// Returns `in` as one line of valid UTF-8: invalid sequences become U+FFFD,
// control characters (C0 except tab, DEL, C1) are dropped, CR, LF, tab,
// U+2028 and U+2029 become spaces, runs of white space fold to one space and
// the ends are trimmed. Also: the line-breaking controls VT, FF and NEL count
// as white space (they separate words), other space separators such as
// U+00A0 fold to " ", and bidi embedding/override/isolate controls and
// U+FEFF are dropped (they can make a subject read unlike its text). The result
// is at most `max_bytes` long, cut at a character boundary with "…" appended
// when cut.
std::string SanitizeLine(std::string_view in, std::size_t max_bytes);

// True when `s` is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// Reduces an HTML fragment to plain text: tags dropped (block tags become
// spaces), character and the common named entities decoded, script/style
// content removed. The result still needs SanitizeLine.
std::string HtmlToText(std::string_view html);

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_SANITIZE_H_
