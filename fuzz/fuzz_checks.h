#ifndef LEXWATCH_FUZZ_FUZZ_CHECKS_H_
#define LEXWATCH_FUZZ_FUZZ_CHECKS_H_

// Invariants the fuzzers assert on what the library produces. Each check
// returns "" when the value keeps its promises, else a description of the
// first broken one; Require() prints it and aborts so libFuzzer records the
// input.

#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"

namespace lexwatch::fuzz {

// Aborts with `what` and `detail` when `problem` is not empty.
void Require(const std::string& problem, std::string_view what);

// core/item.h: every string valid UTF-8, one line without control
// characters, and within the sanitiser's length caps.
std::string CheckItem(const Item& item);

// One decoded MIME part of a message.
struct DecodedPart {
  std::string content_type;  // "text/plain; charset=utf-8"
  std::string text;          // After quoted-printable or base64 decoding.
};

// A rendered message taken apart, with every header value unfolded and its
// RFC 2047 encoded-words decoded.
struct DecodedMessage {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<DecodedPart> parts;
};

// Takes a rendered message apart and checks it on the way: CRLF line ends
// only, no line over 998 octets, ASCII headers whose decoded values are valid
// UTF-8 without CR, LF or other control characters, a multipart body whose
// parts decode (quoted-printable or base64) to valid UTF-8.
std::string DecodeMessage(std::string_view bytes, DecodedMessage* out);

// Well-formed HTML text as the renderer must produce it: every "<" opens a
// tag with a name, every ">" closes one, attribute values are quoted and
// hold no "<" or ">", and every "&" starts a character reference.
std::string CheckHtmlStructure(std::string_view html);

// The text of the first part whose content type starts with `type`, or "".
std::string PartText(const DecodedMessage& message, std::string_view type);

}  // namespace lexwatch::fuzz

#endif  // LEXWATCH_FUZZ_FUZZ_CHECKS_H_
