#include "daemon/source_presets.h"

#include <algorithm>
#include <array>
#include <utility>

#include "feed/cellar_query.h"

namespace lexwatch::daemon {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

constexpr std::string_view kEurlexHost = "eur-lex.europa.eu";
constexpr std::string_view kEurlexFeedBase =
    "https://eur-lex.europa.eu/EN/display-feed.rss?";
constexpr std::string_view kEeaNewsUrl =
    "https://www.eea.europa.eu/en/newsroom/news/rss.xml";

struct EurlexFeed {
  std::string_view name;
  int rss_id;
};

constexpr std::array<EurlexFeed, 4> kEurlexFeeds = {{
    {"oj-l", 222},
    {"oj-c", 221},
    {"legislation", 162},
    {"proposals", 161},
}};

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

// [begin, end) of the authority of `url`, or nullopt without "://".
std::optional<std::pair<std::size_t, std::size_t>> Authority(
    std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::size_t begin = scheme_end + 3;
  const std::size_t end = url.find_first_of("/?#", begin);
  return std::pair(begin, end == std::string_view::npos ? url.size() : end);
}

bool IsEeaHost(std::string_view host) {
  return host == "eea.europa.eu" || host.ends_with(".eea.europa.eu");
}

Result<std::string> EurlexUrl(const PresetSpec& spec) {
  if (!spec.url.empty()) {
    return Status::InvalidArgument(
        "kind 'eurlex' takes no 'url'; use kind 'rss' for another feed");
  }
  if (!spec.feed.empty() && !spec.myrss.empty()) {
    return Status::InvalidArgument("give 'feed' or 'myrss', not both");
  }
  if (!spec.myrss.empty()) {
    return std::string(kEurlexFeedBase) +
           "myRssId=" + feed::PercentEncode(spec.myrss);
  }
  if (spec.feed.empty()) {
    return Status::InvalidArgument("kind 'eurlex' needs 'feed' or 'myrss'");
  }
  for (const EurlexFeed& f : kEurlexFeeds) {
    if (f.name == spec.feed) {
      return std::string(kEurlexFeedBase) + "rssId=" + std::to_string(f.rss_id);
    }
  }
  return Status::InvalidArgument(
      "unknown EUR-Lex feed '" + spec.feed +
      "' (known: oj-l, oj-c, legislation, proposals)");
}

// The URL and format of a preset, before politeness and periods.
Result<SourcePlan> ResolveKind(const PresetSpec& spec) {
  const std::string& kind = spec.kind;
  SourcePlan plan;
  plan.format = "feed";
  if (kind == "eurlex") {
    Result<std::string> url = EurlexUrl(spec);
    if (!url.ok()) return url.status();
    plan.url = std::move(*url);
    return plan;
  }
  if (kind != "eea-news" && kind != "cellar" && kind != "rss" &&
      kind != "atom") {
    return Status::InvalidArgument(
        "unknown source kind '" + kind +
        "' (known: eurlex, eea-news, cellar, rss, atom)");
  }
  if (!spec.feed.empty() || !spec.myrss.empty()) {
    return Status::InvalidArgument(
        "'feed' and 'myrss' are only for kind 'eurlex'");
  }
  plan.url = spec.url;
  if (kind == "eea-news") {
    if (plan.url.empty()) plan.url = kEeaNewsUrl;
    plan.rewrite_eea_links = true;
  } else if (kind == "cellar") {
    if (plan.url.empty()) plan.url = feed::kCellarEndpoint;
    plan.format = "sparql";
  } else if (plan.url.empty()) {
    return Status::InvalidArgument("kind '" + kind + "' needs 'url'");
  }
  return plan;
}

// Proposals and EEA news come irregularly; a quiet weekend is no fault.
bool IsIrregular(const PresetSpec& spec) {
  return spec.kind == "eea-news" ||
         (spec.kind == "eurlex" && spec.feed == "proposals");
}

}  // namespace

std::string HostOfUrl(std::string_view url) {
  const auto authority = Authority(url);
  if (!authority) return "";
  std::string_view host =
      url.substr(authority->first, authority->second - authority->first);
  if (const std::size_t at = host.rfind('@'); at != host.npos) {
    host.remove_prefix(at + 1);
  }
  const std::size_t colon = host.rfind(':');
  if (colon != host.npos && host.find(']', colon) == host.npos) {
    host = host.substr(0, colon);
  }
  return ToLower(host);
}

seconds DefaultHostInterval(std::string_view host) {
  return host == kEurlexHost ? seconds(10) : seconds(1);
}

Result<SourcePlan> ResolveSource(const PresetSpec& spec) {
  Result<SourcePlan> plan = ResolveKind(spec);
  if (!plan.ok()) return plan;
  if (spec.poll_interval <= seconds(0)) {
    return Status::InvalidArgument("poll_interval must be positive");
  }
  plan->host = HostOfUrl(plan->url);
  if (IsEeaHost(plan->host)) plan->rewrite_eea_links = true;
  plan->min_host_interval =
      spec.min_host_interval.value_or(DefaultHostInterval(plan->host));
  seconds period = 2 * spec.poll_interval;
  if (IsIrregular(spec)) period = std::max<seconds>(period, hours(24));
  plan->expected_period = spec.expected_period.value_or(period);
  plan->silent_period = spec.silent_period.value_or(
      std::max<seconds>(plan->expected_period, hours(96)));
  return plan;
}

}  // namespace lexwatch::daemon
