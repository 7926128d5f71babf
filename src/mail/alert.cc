// RenderAlert: the alert mail an agency receives about one act.

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mail/message.h"
#include "mail/mime.h"
#include "mail/sha256.h"

namespace lexwatch::mail {
namespace {

constexpr std::size_t kHeaderLineMax = 76;
constexpr std::size_t kSubjectTitleChars = 120;
constexpr std::size_t kSubjectTopicsChars = 60;
constexpr std::size_t kSummaryChars = 600;
constexpr char kFallbackFrom[] = "lexwatch@localhost.invalid";

struct ReasonView {
  std::string heading;  // The rule's description, or its id.
  std::string topic;
  std::vector<std::string> hits;  // "«vann» (tittel)"
};

// The alert's text, cleaned to single lines of valid UTF-8 but not escaped.
struct AlertView {
  std::string agency;
  std::string title;
  std::string celex;
  std::string doc_type;
  std::string published;
  std::string link;
  std::string summary;
  std::string contact;
  std::vector<ReasonView> reasons;
  std::string topics;  // Distinct topics, comma-joined.
};

std::string NorwegianDocType(std::string_view type) {
  if (type == "regulation") return "forordning";
  if (type == "directive") return "direktiv";
  if (type == "decision") return "beslutning";
  if (type == "recommendation") return "rekommandasjon";
  if (type == "proposal") return "forslag";
  if (type == "communication") return "meddelelse";
  if (type == "judgment") return "dom";
  if (type == "corrigendum") return "rettelse";
  if (type == "eea-decision") return "EØS-komiteens beslutning";
  if (type == "other") return "annet";
  return CleanUtf8(type);
}

std::string NorwegianField(std::string_view field) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"title", "tittel"},      {"summary", "sammendrag"},
      {"author", "avsender"},   {"eurovoc", "EuroVoc-emneord"},
      {"annex", "EØS-vedlegg"}, {"celex", "CELEX-nummer"},
      {"type", "dokumenttype"}, {"source", "kilde"},
      {"eea", "EØS-relevans"},  {"lang", "språk"},
  };
  for (const auto& [id, name] : kNames) {
    if (field == id) return name;
  }
  return CleanUtf8(field);
}

// EUR-Lex titles repeat the CELEX number in front ("CELEX:32024L1275: ...").
std::string DisplayTitle(const Item& item) {
  std::string title = CleanUtf8(item.title);
  std::string prefix = "CELEX:" + item.celex + ":";
  if (!item.celex.empty() && title.rfind(prefix, 0) == 0 &&
      title.size() > prefix.size()) {
    title.erase(0, prefix.size());
  }
  std::size_t first = title.find_first_not_of(' ');
  title.erase(0, first == std::string::npos ? title.size() : first);
  if (title.empty()) title = CleanUtf8(item.celex);
  if (title.empty()) title = "(uten tittel)";
  return title;
}

// The rule files' topic ids in the words the agencies use.
std::string NorwegianTopic(const std::string& topic) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"planning", "plan og bygg"},
      {"procurement", "offentlige anskaffelser"},
      {"state-aid", "offentlig støtte"},
      {"water", "vann og avløp"},
      {"transport", "samferdsel"},
      {"sustainability", "klima og bærekraft"},
  };
  for (const auto& [id, name] : kNames) {
    if (topic == id) return name;
  }
  return CleanUtf8(topic);
}

ReasonView MakeReasonView(const rules::MatchReason& reason) {
  ReasonView view;
  view.heading = CleanUtf8(reason.description.empty() ? reason.rule_id
                                                      : reason.description);
  view.topic = NorwegianTopic(reason.topic);
  for (std::size_t i = 0; i < reason.terms.size(); ++i) {
    std::string hit = "«" + CleanUtf8(reason.terms[i]) + "»";
    if (i < reason.fields.size()) {
      hit += " (" + NorwegianField(reason.fields[i]) + ")";
    }
    view.hits.push_back(std::move(hit));
  }
  return view;
}

AlertView MakeView(const AlertInput& input) {
  AlertView view;
  view.agency = CleanUtf8(input.agency_name.empty() ? input.agency_id
                                                    : input.agency_name);
  view.title = DisplayTitle(input.item);
  view.celex = CleanUtf8(input.item.celex);
  if (!input.item.doc_type.empty()) {
    view.doc_type = NorwegianDocType(input.item.doc_type);
  }
  if (input.item.published) {
    view.published = FormatOsloDate(*input.item.published);
  }
  if (IsHttpUrl(input.item.link)) view.link = CleanUtf8(input.item.link);
  view.summary = TruncateUtf8(CleanUtf8(input.item.summary), kSummaryChars);
  view.contact = CleanUtf8(input.contact);
  std::vector<std::string> topics;
  for (const rules::MatchReason& reason : input.reasons) {
    view.reasons.push_back(MakeReasonView(reason));
    std::string topic = NorwegianTopic(reason.topic);
    if (topic.empty()) continue;
    if (std::find(topics.begin(), topics.end(), topic) != topics.end()) {
      continue;
    }
    if (!view.topics.empty()) view.topics += ", ";
    view.topics += topic;
    topics.push_back(topic);
  }
  return view;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out.append(sep);
    out.append(part);
  }
  return out;
}

std::string Subject(const AlertView& view) {
  std::string subject = "[lexwatch] ";
  if (!view.topics.empty()) {
    subject += TruncateUtf8(view.topics, kSubjectTopicsChars) + ": ";
  }
  return subject + TruncateUtf8(view.title, kSubjectTitleChars);
}

std::string Heading(const AlertView& view) {
  return "Ny EU/EØS-rettsakt som berører " + view.agency;
}

std::string ContactLine(const AlertView& view) {
  std::string who = view.contact.empty()
                        ? "den som forvalter varslingsreglene i virksomheten"
                        : view.contact;
  return "Spørsmål, eller ønske om å endre hva dere varsles om? Kontakt " +
         who + ".";
}

constexpr char kSentBy[] =
    "Denne e-posten er sendt automatisk av lexwatch, Oslo kommunes varsling "
    "om nytt EU/EØS-regelverk.";

std::string PlainBody(const AlertView& view) {
  std::vector<std::string> lines = {Heading(view), "", view.title, ""};
  if (!view.celex.empty()) {
    lines.push_back("CELEX: " + view.celex +
                    (view.doc_type.empty() ? "" : " (" + view.doc_type + ")"));
  } else if (!view.doc_type.empty()) {
    lines.push_back("Type: " + view.doc_type);
  }
  if (!view.published.empty()) lines.push_back("Publisert: " + view.published);
  if (!view.link.empty()) lines.push_back("Lenke: " + view.link);
  if (!view.summary.empty()) {
    lines.push_back("");
    lines.push_back(view.summary);
  }
  lines.push_back("");
  lines.push_back("Hvorfor dere får dette varselet:");
  for (const ReasonView& reason : view.reasons) {
    std::string line = "- " + reason.heading;
    if (!reason.topic.empty()) line += " (tema: " + reason.topic + ")";
    lines.push_back(line);
    if (!reason.hits.empty()) {
      lines.push_back("  Treff: " + Join(reason.hits, ", "));
    }
  }
  lines.insert(lines.end(), {"", "-- ", kSentBy, ContactLine(view), ""});
  return Join(lines, "\r\n");
}

std::string HtmlReasons(const AlertView& view) {
  std::string out = "<ul style=\"margin:0 0 16px 0;padding-left:20px;\">\r\n";
  for (const ReasonView& reason : view.reasons) {
    out += "<li style=\"margin:0 0 8px 0;\"><strong>" +
           HtmlEscape(reason.heading) + "</strong>";
    if (!reason.topic.empty()) {
      out += " (tema: " + HtmlEscape(reason.topic) + ")";
    }
    if (!reason.hits.empty()) {
      out += "<br>Treff: " + HtmlEscape(Join(reason.hits, ", "));
    }
    out += "</li>\r\n";
  }
  return out + "</ul>\r\n";
}

std::string HtmlFacts(const AlertView& view) {
  constexpr char kP[] = "<p style=\"margin:0 0 4px 0;\">";
  std::string out;
  if (!view.celex.empty()) {
    out += std::string(kP) + "CELEX: <strong>" + HtmlEscape(view.celex) +
           "</strong>";
    if (!view.doc_type.empty()) out += " (" + HtmlEscape(view.doc_type) + ")";
    out += "</p>\r\n";
  } else if (!view.doc_type.empty()) {
    out += std::string(kP) + "Type: " + HtmlEscape(view.doc_type) + "</p>\r\n";
  }
  if (!view.published.empty()) {
    out += std::string(kP) + "Publisert: " + HtmlEscape(view.published) +
           "</p>\r\n";
  }
  if (!view.link.empty()) {
    out += "<p style=\"margin:16px 0;\"><a href=\"" + HtmlEscape(view.link) +
           "\" style=\"color:#2a2859;text-decoration:underline;\">"
           "Åpne rettsakten</a></p>\r\n";
  }
  if (!view.summary.empty()) {
    out += "<p style=\"margin:16px 0;color:#333333;\">" +
           HtmlEscape(view.summary) + "</p>\r\n";
  }
  return out;
}

std::string HtmlBody(const AlertView& view, std::string_view subject) {
  return "<!DOCTYPE html>\r\n<html lang=\"nb\">\r\n<head>\r\n"
         "<meta http-equiv=\"Content-Type\" content=\"text/html; "
         "charset=utf-8\">\r\n"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\r\n<title>" +
         HtmlEscape(subject) +
         "</title>\r\n</head>\r\n"
         "<body style=\"margin:0;padding:0;background-color:#ffffff;\">\r\n"
         "<div style=\"max-width:640px;margin:0 auto;padding:24px 16px;"
         "font-family:Arial,Helvetica,sans-serif;font-size:15px;"
         "line-height:1.5;color:#1a1a1a;\">\r\n"
         "<p style=\"margin:0 0 8px 0;font-size:13px;color:#555555;\">" +
         HtmlEscape(Heading(view)) +
         "</p>\r\n<h1 style=\"margin:0 0 16px 0;font-size:20px;"
         "line-height:1.3;color:#2a2859;\">" +
         HtmlEscape(view.title) + "</h1>\r\n" + HtmlFacts(view) +
         "<h2 style=\"margin:24px 0 8px 0;font-size:16px;\">"
         "Hvorfor dere får dette varselet</h2>\r\n" +
         HtmlReasons(view) +
         "<p style=\"margin:24px 0 0 0;padding-top:12px;"
         "border-top:1px solid #dddddd;font-size:12px;color:#666666;\">" +
         HtmlEscape(kSentBy) + "<br>" + HtmlEscape(ContactLine(view)) +
         "</p>\r\n</div>\r\n</body>\r\n</html>\r\n";
}

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

// "Name <addr>" for a header: an atom phrase as is, other ASCII quoted,
// anything else RFC 2047-encoded.
std::string FormatMailbox(std::string_view mailbox, std::size_t used) {
  std::string name, addr;
  if (!ParseMailbox(mailbox, &name, &addr).ok()) {
    return kFallbackFrom;  // Config validation should have caught it.
  }
  if (name.empty()) return addr;
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
  std::string bracketed = "<" + addr + ">";
  bool fits =
      LastLineLength(phrase, used) + 1 + bracketed.size() <= kHeaderLineMax;
  return phrase + (fits ? " " : "\r\n ") + bracketed;
}

// "a@x.no, b@y.no", folded between addresses. Invalid addresses (which
// config validation should have caught) never reach the header.
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

// The item key as an ASCII trace header, or "" when it is not plain ASCII.
std::string ItemHeader(const Item& item) {
  std::string key = item.Key();
  bool plain = key.size() <= 900 &&
               std::all_of(key.begin(), key.end(),
                           [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (plain) return key;
  return item.celex.empty() ? "" : CleanMessageId(item.celex);
}

std::string Headers(const AlertInput& input, std::string_view subject,
                    std::string_view message_id, std::string_view boundary) {
  std::string out;
  auto add = [&](std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
  };
  add("From", FormatMailbox(input.from, 6));
  add("To", FormatAddressList(input.to, 4));
  add("Subject", EncodeHeader(subject, 9));
  add("Date", FormatRfc5322Date(input.date));
  add("Message-ID", "<" + std::string(message_id) + ">");
  add("MIME-Version", "1.0");
  add("Auto-Submitted", "auto-generated");
  // Asks Exchange not to answer with out-of-office replies.
  add("X-Auto-Response-Suppress", "All");
  if (std::string item = ItemHeader(input.item); !item.empty()) {
    add("X-Lexwatch-Item", item);
  }
  add("Content-Type",
      "multipart/alternative;\r\n boundary=\"" + std::string(boundary) + "\"");
  return out;
}

std::string Part(std::string_view boundary, std::string_view type,
                 std::string_view body) {
  return "--" + std::string(boundary) +
         "\r\nContent-Type: " + std::string(type) +
         "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
         "\r\n" +
         QuotedPrintableEncode(body);  // Ends in CRLF: bodies do.
}

}  // namespace

RenderedMessage RenderAlert(const AlertInput& input) {
  AlertView view = MakeView(input);
  RenderedMessage out;
  out.message_id = CleanMessageId(input.message_id);
  out.subject = Subject(view);
  // "=_" never occurs in quoted-printable text, so the boundary cannot
  // collide with a body; deriving it from the id keeps retries identical.
  std::string boundary = "=_lexwatch_" + Sha256Hex(out.message_id, 12);
  out.bytes = Headers(input, out.subject, out.message_id, boundary) + "\r\n" +
              "This is a multipart message in MIME format.\r\n\r\n" +
              Part(boundary, "text/plain", PlainBody(view)) +
              Part(boundary, "text/html", HtmlBody(view, out.subject)) + "--" +
              boundary + "--\r\n";
  return out;
}

}  // namespace lexwatch::mail
