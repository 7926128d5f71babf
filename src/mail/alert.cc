// RenderAlert: the alert mail an agency receives about one act.

#include <algorithm>
#include <string>
#include <vector>

#include "mail/message.h"
#include "mail/mime.h"
#include "mail/sha256.h"
#include "mail/template_internal.h"

namespace lexwatch::mail {
namespace {

constexpr std::size_t kHeaderLineMax = 76;
constexpr char kFallbackFrom[] = "lexwatch@localhost.invalid";

std::size_t LastLineLength(std::string_view s, std::size_t used) {
  std::size_t nl = s.rfind('\n');
  return nl == std::string_view::npos ? used + s.size() : s.size() - nl - 1;
}

bool IsAtext(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == ' ' ||
              std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) !=
                  std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// A display name for a header: an atom phrase as is, other ASCII quoted,
// anything else RFC 2047-encoded.
std::string Phrase(std::string_view name, std::size_t used) {
  std::string phrase;
  bool printable = std::all_of(name.begin(), name.end(),
                               [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (printable && !IsAtext(name)) {
    phrase = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') phrase.push_back('\\');
      phrase.push_back(c);
    }
    phrase.push_back('"');
  } else {
    phrase = EncodeHeader(name, used);
  }
  return phrase;
}

// "<id>". Appended, not "<" + std::string(id) + ">": GCC 12 warns
// -Wrestrict on that at -O2 (a false positive, GCC bug 105329), and this
// copies once.
std::string Bracketed(std::string_view id) {
  std::string out;
  out.reserve(id.size() + 2);
  out.push_back('<');
  out.append(id);
  out.push_back('>');
  return out;
}

// "Name <id>", folded before "<id>" when the line would be too long.
std::string NameAddr(std::string_view name, std::string_view id,
                     std::size_t used) {
  if (name.empty()) return Bracketed(id);
  std::string out = Phrase(name, used);
  bool fits = LastLineLength(out, used) + 1 + id.size() + 2 <= kHeaderLineMax;
  out.append(fits ? " " : "\r\n ");
  out.append(Bracketed(id));
  return out;
}

// Only dot-atom-text characters and one "@" may stand between the brackets.
std::string CleanMessageId(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\' &&
        c != '(' && c != ')' && c != ',' && c != ';' && c != ':' && c != '[' &&
        c != ']') {
      out.push_back(c);
    }
  }
  return out;
}

// The item key as a trace header: short ASCII keys ("celex:32020L2184")
// as they are, so people can grep for them; others (feed guids, URLs, non-
// ASCII text) as RFC 2047 encoded-words folded under 78 octets, since feed
// text must never reach a header raw (DOMAIN.md, Hostile input).
std::string ItemHeader(const Item& item) {
  return EncodeHeader(item.Key(), std::string_view("X-Lexwatch-Item: ").size());
}

// The header fields alerts and digests share.
struct HeaderInput {
  const std::string& from;
  const std::vector<std::string>& to;
  TimePoint date;
  std::string item;  // X-Lexwatch-Item, or "" for none.
  std::string list_name;
  std::string list_id;  // Without angle brackets; "" for no List-Id.
};

// "pbe.lexwatch.oslo.kommune.no": RFC 2919 asks for a dot-atom; the domain
// is the Message-ID's, so it is already one.
std::string ListId(std::string_view agency_id, std::string_view message_id) {
  std::size_t at = message_id.rfind('@');
  if (at == std::string_view::npos || at + 1 == message_id.size()) return "";
  std::string label;
  for (char c : agency_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-';
    label.push_back(ok ? c : '-');
  }
  if (label.empty()) return "";
  return label + ".lexwatch." + std::string(message_id.substr(at + 1));
}

void AppendHeaders(const HeaderInput& input, std::string_view subject,
                   std::string_view message_id, std::string_view boundary,
                   std::string* out) {
  auto add = [out](std::string_view name, std::string_view value) {
    out->append(name).append(": ").append(value).append("\r\n");
  };
  add("From", FormatMailbox(input.from, 6));
  add("To", FormatAddressList(input.to, 4));
  add("Subject", EncodeHeader(subject, 9));
  add("Date", FormatRfc5322Date(input.date));
  add("Message-ID", Bracketed(message_id));
  add("MIME-Version", "1.0");
  add("Auto-Submitted", "auto-generated");
  // Asks Exchange not to answer with out-of-office replies.
  add("X-Auto-Response-Suppress", "All");
  if (!input.list_id.empty()) {
    add("List-Id", NameAddr(input.list_name, input.list_id, 9));
  }
  if (!input.item.empty()) add("X-Lexwatch-Item", input.item);
  out->append("Content-Type: multipart/alternative;\r\n boundary=\"")
      .append(boundary)
      .append("\"\r\n");
}

void AppendPart(std::string_view boundary, std::string_view type,
                std::string_view body, std::string* out) {
  out->append("--").append(boundary).append("\r\nContent-Type: ");
  out->append(type).append(
      "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
      "\r\n");
  out->append(QuotedPrintableEncode(body));  // Ends in CRLF: bodies do.
}

RenderedMessage Assemble(const HeaderInput& headers,
                         std::string_view message_id, std::string subject,
                         std::string_view plain, std::string_view html) {
  RenderedMessage out;
  out.message_id = CleanMessageId(message_id);
  out.subject = std::move(subject);
  // "=_" never occurs in quoted-printable text, so the boundary cannot
  // collide with a body; deriving it from the id keeps retries identical.
  std::string boundary = "=_lexwatch_" + Sha256Hex(out.message_id, 12);
  // Quoted-printable grows text by about a tenth; headers take ~1 KB.
  out.bytes.reserve(1024 + (plain.size() + html.size()) * 5 / 4);
  AppendHeaders(headers, out.subject, out.message_id, boundary, &out.bytes);
  out.bytes.append(
      "\r\n"
      "This is a multipart message in MIME format.\r\n\r\n");
  AppendPart(boundary, "text/plain", plain, &out.bytes);
  AppendPart(boundary, "text/html", html, &out.bytes);
  out.bytes.append("--").append(boundary).append("--\r\n");
  return out;
}

const TemplateSet& Templates(const TemplateSet* set) {
  return set != nullptr ? *set : TemplateSet::BuiltIn();
}

std::string Language(const std::string& language) {
  const std::vector<std::string>& known = TemplateSet::Languages();
  bool ok = std::find(known.begin(), known.end(), language) != known.end();
  return ok ? language : known.front();
}

// Renders kind.subject, then .txt and .html with the subject in the view.
RenderedMessage RenderKind(const TemplateSet& set, const std::string& lang,
                           const std::string& kind, mustache::data view,
                           HeaderInput headers, std::string_view message_id) {
  // One line, however the template was edited.
  std::string subject =
      CleanUtf8(RenderTemplate(set, lang, kind + ".subject", view));
  std::size_t last = subject.find_last_not_of(' ');
  subject.erase(last == std::string::npos ? 0 : last + 1);
  view.set("subject", subject);
  std::string plain = RenderTemplate(set, lang, kind + ".txt", view);
  std::string html = RenderTemplate(set, lang, kind + ".html", view);
  return Assemble(headers, message_id, subject, plain, html);
}

std::string AgencyName(const std::string& name, const std::string& id) {
  return CleanUtf8(name.empty() ? id : name);
}

}  // namespace

std::string FormatMailbox(std::string_view mailbox, std::size_t used) {
  std::string name, addr;
  if (!ParseMailbox(mailbox, &name, &addr).ok()) {
    return kFallbackFrom;  // Config validation should have caught it.
  }
  return name.empty() ? addr : NameAddr(name, addr, used);
}

std::string FormatAddressList(const std::vector<std::string>& addresses,
                              std::size_t used) {
  std::string out;
  std::size_t column = used;
  for (const std::string& addr : addresses) {
    if (!ValidateAddress(addr).ok()) continue;
    if (!out.empty()) {
      out.push_back(',');
      ++column;
      if (column + 1 + addr.size() > kHeaderLineMax) {
        out.append("\r\n");
        column = 0;
      }
      out.push_back(' ');
      ++column;
    }
    out.append(addr);
    column += addr.size();
  }
  return out;
}

RenderedMessage RenderAlert(const AlertInput& input) {
  std::string lang = Language(input.language);
  std::string id = CleanMessageId(input.message_id);
  return RenderKind(Templates(input.templates), lang, "alert",
                    MakeAlertView(input, lang),
                    {input.from, input.to, input.date, ItemHeader(input.item),
                     AgencyName(input.agency_name, input.agency_id),
                     ListId(input.agency_id, id)},
                    id);
}

RenderedMessage RenderDigest(const DigestInput& input) {
  std::string lang = Language(input.language);
  std::string id = CleanMessageId(input.message_id);
  return RenderKind(Templates(input.templates), lang, "digest",
                    MakeDigestView(input, lang),
                    {input.from, input.to, input.date, "",
                     AgencyName(input.agency_name, input.agency_id),
                     ListId(input.agency_id, id)},
                    id);
}

}  // namespace lexwatch::mail
