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

class TemplateSet;  // mail/template_set.h

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
  // "nb" or "en": the templates used; "" or any other value means "nb".
  std::string language;
  // The templates to render with, loaded from [mail] templates_dir; null
  // means TemplateSet::BuiltIn(). Must outlive the call.
  const TemplateSet* templates = nullptr;
};

struct RenderedMessage {
  std::string message_id;
  std::string subject;  // Unencoded UTF-8, for logs.
  std::string bytes;    // Full message, CRLF line ends, no line > 998.
};

// One act in a digest, with every reason it matched for this agency.
struct DigestEntry {
  Item item;
  std::vector<rules::MatchReason> reasons;  // Only those for this agency.
};

// A digest: one message to one agency listing several acts grouped by topic
// (an entry is listed under the topic of its first reason; topics in a fixed
// order). Same header rules as RenderAlert.
struct DigestInput {
  std::vector<DigestEntry> entries;
  std::string agency_id;
  std::string agency_name;
  std::vector<std::string> to;
  std::string from;
  TimePoint date;          // Fixed: stored with the message.
  std::string message_id;  // Without angle brackets.
  std::string contact;
  std::string cadence;   // "daily" or "weekly": shown in subject/heading.
  std::string language;  // As in AlertInput.
  const TemplateSet* templates = nullptr;  // As in AlertInput.
};

// Renders a multipart/alternative (text/plain + text/html, UTF-8,
// quoted-printable bodies) alert naming every rule and term that matched and
// linking the act, from the templates alert.subject/.txt/.html of the
// input's language. Headers: From, To, Subject (RFC 2047 encoded-words when
// not ASCII, folded under 78 octets), Date (RFC 5322), Message-ID,
// MIME-Version, Auto-Submitted: auto-generated, List-Id ("Agency name"
// <agency-id.lexwatch.domain>, the domain of the Message-ID). All feed text
// is cleaned to single lines and HTML-escaped in the HTML part (not in the
// text part); links only with http/https. Pure.
RenderedMessage RenderAlert(const AlertInput& input);

// Renders a digest from the templates digest.subject/.txt/.html, with the
// same headers and guarantees as RenderAlert. Pure.
RenderedMessage RenderDigest(const DigestInput& input);

// A stable Message-ID for (item key, agency): the same inputs always give
// the same id, e.g. "3f2a9c...-pbe@lexwatch.oslo.kommune.no".
std::string MakeMessageId(std::string_view item_key, std::string_view agency_id,
                          std::string_view domain);

// RFC 2047 encoding of a header value (UTF-8, B or Q encoding, no UTF-8
// sequence split across encoded-words). `used` is how many octets of the
// first line are already taken ("Subject: " = 9).
std::string EncodeHeader(std::string_view utf8, std::size_t used);

// A mailbox from config ("Name <addr>" or "addr") as a header value: the
// display name as an atom phrase, a quoted string (when it holds specials
// such as ',') or RFC 2047 encoded-words (when not ASCII), folded before
// "<addr>" when the line would be too long. `used` as in EncodeHeader. An
// invalid mailbox, which config validation should have refused, gives a
// fixed placeholder address rather than reaching the header.
std::string FormatMailbox(std::string_view mailbox, std::size_t used);

// "a@x.no, b@y.no", folded between addresses; invalid addresses are left
// out. `used` as in EncodeHeader.
std::string FormatAddressList(const std::vector<std::string>& addresses,
                              std::size_t used);

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
