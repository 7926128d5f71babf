#ifndef LEXWATCH_MAIL_MESSAGE_H_
#define LEXWATCH_MAIL_MESSAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/item.h"
#include "core/status.h"
#include "rules/rule_set.h"

namespace lexwatch::mail {

// Everything needed to render one alert to one agency about one item.
struct AlertInput {
  Item item;
  std::vector<rules::MatchReason> reasons;  // Only those for this agency.
  std::string agency_id;
  std::string agency_name;
  std::vector<std::string> to;  // Validated addr-specs.
  std::string from;             // "Name <addr>" or "addr", validated.
  TimePoint date;               // Fixed: stored with the message.
  std::string message_id;       // Without angle brackets.
  // Who to ask about alerts or rule changes ("EU-koordinator, eu@oslo..."),
  // named in the footer; "" gives a generic line.
  std::string contact;
};

struct RenderedMessage {
  std::string message_id;
  std::string subject;  // Unencoded UTF-8, for logs.
  std::string bytes;    // Full message, CRLF line ends, no line > 998.
};

// Renders a multipart/alternative (text/plain + text/html, UTF-8,
// quoted-printable or base64 bodies) alert naming every rule and term that
// matched and linking the act. Headers: From, To, Subject (RFC 2047
// encoded-words when not ASCII, folded under 78 octets), Date (RFC 5322),
// Message-ID, MIME-Version, Auto-Submitted: auto-generated. All feed text is
// HTML-escaped in the HTML part; links only with http/https. Pure.
RenderedMessage RenderAlert(const AlertInput& input);

// A stable Message-ID for (item key, agency): the same inputs always give
// the same id, e.g. "3f2a9c...-pbe@lexwatch.oslo.kommune.no".
std::string MakeMessageId(std::string_view item_key, std::string_view agency_id,
                          std::string_view domain);

// RFC 2047 encoding of a header value (UTF-8, B or Q encoding, no UTF-8
// sequence split across encoded-words). `used` is how many octets of the
// first line are already taken ("Subject: " = 9).
std::string EncodeHeader(std::string_view utf8, std::size_t used);

// Checks an addr-spec ("local@domain"): ASCII, no CR/LF/space/control, no
// "<>,;\"", one "@", a non-empty local part and a dotted domain. Ok, or
// InvalidArgument naming what is wrong.
Status ValidateAddress(std::string_view address);

// Splits "Name <addr>" or "addr" into display name and addr-spec and
// validates the address. Returns InvalidArgument on a bad mailbox.
Status ParseMailbox(std::string_view mailbox, std::string* display_name,
                    std::string* address);

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_MESSAGE_H_
