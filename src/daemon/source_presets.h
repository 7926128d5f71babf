#ifndef LEXWATCH_DAEMON_SOURCE_PRESETS_H_
#define LEXWATCH_DAEMON_SOURCE_PRESETS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lexwatch::daemon {

// A [[source]] table as the administrator wrote it, before resolution.
struct PresetSpec {
  // "eurlex", "eea-news", "cellar", "rss" or "atom".
  std::string kind;
  // kind "eurlex": "oj-l", "oj-c", "legislation" or "proposals"; or a
  // "My EUR-Lex" token in `myrss`. Exactly one of the two.
  std::string feed;
  std::string myrss;
  // Required for "rss"/"atom"; replaces the endpoint of "cellar" and the
  // feed of "eea-news" (other EEA feeds, test servers); refused for
  // "eurlex".
  std::string url;
  std::chrono::seconds poll_interval{3600};
  // Overrides of the defaults below, when configured.
  std::optional<std::chrono::seconds> min_host_interval;
  std::optional<std::chrono::seconds> expected_period;
  std::optional<std::chrono::seconds> silent_period;
};

// What the daemon fetches for one source, and how politely.
struct SourcePlan {
  std::string url;
  std::string format;  // "feed" (RSS/Atom/RDF, detected) or "sparql".
  std::string host;    // Lower case, no port; "" for file: URLs.
  // Minimum time between two requests to `host`, from any source: 10 s for
  // eur-lex.europa.eu (its robots.txt Crawl-delay), 1 s otherwise.
  std::chrono::seconds min_host_interval;
  // Failing longer than this and the admin is told: twice the poll
  // interval, at least a day for Commission proposals and EEA news, which
  // come irregularly.
  std::chrono::seconds expected_period;
  // Answering but bringing no new item longer than this and the admin is
  // told: at least the expected period and at least four days (the Official
  // Journal appears on working days only, and a holiday weekend is long).
  std::chrono::seconds silent_period;
  // Item links of the EEA feeds may name an internal host, or be relative
  // to an internal channel link: they are resolved against kEeaOrigin
  // (feed::ParseOptions::origin).
  bool rewrite_eea_links = false;
};

// Resolves a preset to a plan. Errors are InvalidArgument with a message a
// person can act on (the caller adds the file and line):
//   "unknown source kind 'x' (known: eurlex, eea-news, cellar, rss, atom)"
//   "unknown EUR-Lex feed 'oj-x' (known: oj-l, oj-c, legislation, proposals)"
//   "kind 'eurlex' needs 'feed' or 'myrss'"
//   "give 'feed' or 'myrss', not both"
//   "kind 'eurlex' takes no 'url'; use kind 'rss' for another feed"
//   "'feed' and 'myrss' are only for kind 'eurlex'"
//   "kind 'rss' needs 'url'"
//   "poll_interval must be positive"
// Pure: resolves names, contacts nothing.
Result<SourcePlan> ResolveSource(const PresetSpec& spec);

// The lower-case host of an http(s) or file URL, without user info and port;
// "" when there is none.
std::string HostOfUrl(std::string_view url);

// Where the EEA's public site is; its feeds' links are resolved against it.
inline constexpr std::string_view kEeaOrigin = "https://www.eea.europa.eu";

// The politeness default for `host`.
std::chrono::seconds DefaultHostInterval(std::string_view host);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_SOURCE_PRESETS_H_
