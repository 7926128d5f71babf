// Feed bytes -> ParseFeed (parsing, item cleanup, sanitising) -> matching ->
// the alert and digest mails, checking on the way that items keep the
// promises of core/item.h and that the mails are well formed: CRLF lines of
// at most 998 octets, headers without CR or LF whose decoded values are
// valid UTF-8, parts that decode to valid UTF-8, and no feed text unescaped
// in the HTML part.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "feed/feed_parser.h"
#include "fuzz_checks.h"
#include "mail/message.h"
#include "rules/rule_set.h"

namespace lexwatch::fuzz {
namespace {

// Enough items to reach the digest's grouping; more only slows the fuzzer.
constexpr std::size_t kMaxItems = 8;

// Text with every character HTML must escape, added to each feed field after
// parsing so the HTML check has something to find even when the input has
// none of them.
constexpr std::string_view kMarker = " <lexwatch-fuzz a=\"1\" b='2'>&amp;</x>";

constexpr char kRules[] = R"toml(
[[rule]]
id = "water"
topic = "water"
agencies = ["vav"]
description = "Water <supply> & \"drinking\" water"
any = ["water", "drinking water", "wastewater"]

[[rule]]
id = "procurement"
topic = "procurement"
agencies = ["vav"]
priority = "urgent"
any = ["procurement", "\"public contracts\"", "concession*"]
none = ["defence"]

[[rule]]
id = "eea"
topic = "sustainability"
agencies = ["vav"]
query = 'eea:true AND (climate OR emission*) OR type:directive'
)toml";

const rules::Matcher& TheMatcher() {
  static const std::shared_ptr<const rules::Matcher> matcher = [] {
    rules::LoadResult result =
        rules::CompileRules({{"fuzz.toml", kRules}}, {"vav"});
    if (!result.ok()) {
      for (const rules::Diagnostic& d : result.diagnostics) {
        Require(d.ToString(), "built-in rules");
      }
      Require("no matcher", "built-in rules");
    }
    return result.matcher;
  }();
  return *matcher;
}

// Every reason fires, so the mail always lists some.
std::vector<rules::MatchReason> Reasons(const Item& item) {
  std::vector<rules::MatchReason> reasons = TheMatcher().Match(item);
  rules::MatchReason marked;
  marked.rule_id = "fuzz";
  marked.topic = "planning";
  marked.description = "Rule" + std::string(kMarker);
  marked.agencies = {"vav"};
  marked.terms = {"term" + std::string(kMarker)};
  marked.fields = {"title"};
  marked.priority = "normal";
  reasons.push_back(std::move(marked));
  return reasons;
}

// The same text with the characters HTML must escape replaced by one that
// needs no escaping: the mail of the neutral item must hold exactly as many
// raw "<", ">" and '"' as the real one, or feed text reached the HTML raw.
std::string Neutral(std::string s) {
  std::replace_if(
      s.begin(), s.end(),
      [](char c) { return c == '<' || c == '>' || c == '"'; }, '[');
  return s;
}

// The link stays: the renderer drops a link with a quote in it, so changing
// the quote would change the markup; the structure check covers the href.
Item NeutralItem(Item item) {
  for (std::string* s : {&item.title, &item.summary, &item.author, &item.guid,
                         &item.celex, &item.doc_type, &item.eea_annex}) {
    *s = Neutral(std::move(*s));
  }
  for (std::string& label : item.eurovoc) label = Neutral(std::move(label));
  return item;
}

std::vector<rules::MatchReason> NeutralReasons(
    std::vector<rules::MatchReason> reasons) {
  for (rules::MatchReason& r : reasons) {
    r.description = Neutral(std::move(r.description));
    for (std::string& term : r.terms) term = Neutral(std::move(term));
  }
  return reasons;
}

void AddMarker(Item* item) {
  item->title += kMarker;
  item->summary += kMarker;
  item->author += kMarker;
}

std::size_t CountRaw(std::string_view html) {
  return std::count_if(html.begin(), html.end(),
                       [](char c) { return c == '<' || c == '>' || c == '"'; });
}

// Decodes and checks one message; returns its HTML part.
std::string CheckMessage(const mail::RenderedMessage& message,
                         std::string_view what) {
  DecodedMessage decoded;
  Require(DecodeMessage(message.bytes, &decoded), what);
  std::string html = PartText(decoded, "text/html");
  Require(html.empty() ? "no text/html part" : "", what);
  Require(PartText(decoded, "text/plain").empty() ? "no text/plain part" : "",
          what);
  Require(CheckHtmlStructure(html), what);
  Require(html.find("<lexwatch-fuzz") != std::string::npos
              ? "marker tag unescaped in HTML"
              : "",
          what);
  return html;
}

void CheckSameMarkup(const mail::RenderedMessage& real,
                     const mail::RenderedMessage& neutral,
                     std::string_view what) {
  std::size_t a = CountRaw(CheckMessage(real, what));
  std::size_t b = CountRaw(CheckMessage(neutral, what));
  Require(a != b ? "feed text unescaped in HTML: " + std::to_string(a) +
                       " raw < > \" against " + std::to_string(b)
                 : "",
          what);
}

mail::AlertInput Alert(const Item& item,
                       std::vector<rules::MatchReason> reasons) {
  mail::AlertInput in;
  in.item = item;
  in.reasons = std::move(reasons);
  in.agency_id = "vav";
  in.agency_name = "Vann- og avløpsetaten" + std::string(kMarker);
  in.to = {"postmottak@vav.example.org", "kopi@vav.example.org"};
  in.from = "lexwatch <lexwatch@example.org>";
  in.date = FromUnixSeconds(1782777600);
  in.message_id = "0123456789abcdef-vav@example.org";
  in.contact = "EU-koordinator" + std::string(kMarker);
  in.language = item.language;  // "en" picks the English templates.
  return in;
}

mail::DigestInput Digest(std::vector<mail::DigestEntry> entries) {
  mail::DigestInput in;
  in.entries = std::move(entries);
  in.agency_id = "vav";
  in.agency_name = "Vann- og avløpsetaten";
  in.to = {"postmottak@vav.example.org"};
  in.from = "lexwatch <lexwatch@example.org>";
  in.date = FromUnixSeconds(1782777600);
  in.message_id = "digest-vav@example.org";
  in.contact = "EU-koordinator";
  in.cadence = "daily";
  if (!in.entries.empty()) in.language = in.entries.front().item.language;
  return in;
}

void CheckItems(std::vector<Item> items) {
  if (items.size() > kMaxItems) items.resize(kMaxItems);
  std::vector<mail::DigestEntry> entries, neutral_entries;
  for (Item& item : items) {
    Require(CheckItem(item), "parsed item");
    std::vector<rules::MatchReason> reasons = Reasons(item);
    AddMarker(&item);
    Item neutral = NeutralItem(item);
    std::vector<rules::MatchReason> neutral_reasons = NeutralReasons(reasons);
    mail::AlertInput alert = Alert(item, reasons);
    mail::AlertInput neutral_alert = Alert(neutral, neutral_reasons);
    neutral_alert.agency_name = Neutral(neutral_alert.agency_name);
    neutral_alert.contact = Neutral(neutral_alert.contact);
    CheckSameMarkup(mail::RenderAlert(alert), mail::RenderAlert(neutral_alert),
                    "alert");
    entries.push_back({std::move(item), std::move(reasons)});
    neutral_entries.push_back({std::move(neutral), std::move(neutral_reasons)});
  }
  if (entries.empty()) return;
  CheckSameMarkup(mail::RenderDigest(Digest(std::move(entries))),
                  mail::RenderDigest(Digest(std::move(neutral_entries))),
                  "digest");
}

}  // namespace
}  // namespace lexwatch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace lexwatch;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  feed::ParseOptions options;
  options.url = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222";
  Result<std::vector<Item>> items = feed::ParseFeed(bytes, "fuzz", options);
  if (items.ok()) fuzz::CheckItems(std::move(items).value());
  return 0;
}
