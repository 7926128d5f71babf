#include "daemon/source_presets.h"

#include <gtest/gtest.h>

#include <string>

namespace lexwatch::daemon {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

PresetSpec Eurlex(const std::string& feed) {
  PresetSpec spec;
  spec.kind = "eurlex";
  spec.feed = feed;
  return spec;
}

PresetSpec Kind(const std::string& kind, const std::string& url = "") {
  PresetSpec spec;
  spec.kind = kind;
  spec.url = url;
  return spec;
}

SourcePlan Resolve(const PresetSpec& spec) {
  Result<SourcePlan> plan = ResolveSource(spec);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : SourcePlan();
}

std::string ErrorOf(const PresetSpec& spec) {
  Result<SourcePlan> plan = ResolveSource(spec);
  EXPECT_FALSE(plan.ok());
  EXPECT_TRUE(plan.status().IsInvalidArgument());
  return plan.status().message();
}

TEST(SourcePresets, EurlexFeedsMapToTheirRssIds) {
  EXPECT_EQ(Resolve(Eurlex("oj-l")).url,
            "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222");
  EXPECT_EQ(Resolve(Eurlex("oj-c")).url,
            "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=221");
  EXPECT_EQ(Resolve(Eurlex("legislation")).url,
            "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=162");
  EXPECT_EQ(Resolve(Eurlex("proposals")).url,
            "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=161");
}

TEST(SourcePresets, EurlexPlanIsAPoliteFeed) {
  const SourcePlan plan = Resolve(Eurlex("oj-l"));
  EXPECT_EQ(plan.format, "feed");
  EXPECT_EQ(plan.host, "eur-lex.europa.eu");
  EXPECT_EQ(plan.min_host_interval, seconds(10));
  EXPECT_EQ(plan.expected_period, hours(2));
  EXPECT_FALSE(plan.rewrite_eea_links);
}

TEST(SourcePresets, MyRssTokenIsPercentEncoded) {
  PresetSpec spec = Eurlex("");
  spec.myrss = "AbC-12_x.y~z+/= &";
  EXPECT_EQ(Resolve(spec).url,
            "https://eur-lex.europa.eu/EN/display-feed.rss?myRssId="
            "AbC-12_x.y~z%2B%2F%3D%20%26");
}

TEST(SourcePresets, UnknownEurlexFeedListsTheKnownOnes) {
  EXPECT_EQ(ErrorOf(Eurlex("oj-x")),
            "unknown EUR-Lex feed 'oj-x' (known: oj-l, oj-c, legislation, "
            "proposals)");
}

TEST(SourcePresets, EurlexNeedsFeedOrMyRss) {
  EXPECT_EQ(ErrorOf(Eurlex("")), "kind 'eurlex' needs 'feed' or 'myrss'");
}

TEST(SourcePresets, EurlexRefusesFeedAndMyRssTogether) {
  PresetSpec spec = Eurlex("oj-l");
  spec.myrss = "token";
  EXPECT_EQ(ErrorOf(spec), "give 'feed' or 'myrss', not both");
}

TEST(SourcePresets, EurlexRefusesUrl) {
  PresetSpec spec = Eurlex("oj-l");
  spec.url = "https://eur-lex.europa.eu/other.rss";
  EXPECT_EQ(ErrorOf(spec),
            "kind 'eurlex' takes no 'url'; use kind 'rss' for another feed");
}

TEST(SourcePresets, FeedAndMyRssAreOnlyForEurlex) {
  PresetSpec spec = Kind("rss", "https://example.org/feed.xml");
  spec.feed = "oj-l";
  EXPECT_EQ(ErrorOf(spec), "'feed' and 'myrss' are only for kind 'eurlex'");
  spec = Kind("cellar");
  spec.myrss = "token";
  EXPECT_EQ(ErrorOf(spec), "'feed' and 'myrss' are only for kind 'eurlex'");
}

TEST(SourcePresets, UnknownKindListsTheKnownOnes) {
  EXPECT_EQ(ErrorOf(Kind("html")),
            "unknown source kind 'html' (known: eurlex, eea-news, cellar, "
            "rss, atom)");
}

TEST(SourcePresets, RssAndAtomNeedUrl) {
  EXPECT_EQ(ErrorOf(Kind("rss")), "kind 'rss' needs 'url'");
  EXPECT_EQ(ErrorOf(Kind("atom")), "kind 'atom' needs 'url'");
}

TEST(SourcePresets, RssAndAtomUseTheGivenUrl) {
  const SourcePlan rss = Resolve(Kind("rss", "https://Example.org:8443/a.rss"));
  EXPECT_EQ(rss.url, "https://Example.org:8443/a.rss");
  EXPECT_EQ(rss.format, "feed");
  EXPECT_EQ(rss.host, "example.org");
  EXPECT_EQ(rss.min_host_interval, seconds(1));
  EXPECT_FALSE(rss.rewrite_eea_links);
  EXPECT_EQ(Resolve(Kind("atom", "http://127.0.0.1:8080/a.xml")).host,
            "127.0.0.1");
  EXPECT_EQ(Resolve(Kind("rss", "file:///srv/demo/feed.xml")).host, "");
}

TEST(SourcePresets, EeaNewsRewritesLinksAndToleratesADayOfSilence) {
  const SourcePlan plan = Resolve(Kind("eea-news"));
  EXPECT_EQ(plan.url, "https://www.eea.europa.eu/en/newsroom/news/rss.xml");
  EXPECT_EQ(plan.format, "feed");
  EXPECT_EQ(plan.host, "www.eea.europa.eu");
  EXPECT_EQ(plan.min_host_interval, seconds(1));
  EXPECT_EQ(plan.expected_period, hours(24));
  EXPECT_TRUE(plan.rewrite_eea_links);
}

TEST(SourcePresets, EeaNewsUrlCanBeReplaced) {
  const SourcePlan plan =
      Resolve(Kind("eea-news", "http://127.0.0.1:9000/news.xml"));
  EXPECT_EQ(plan.url, "http://127.0.0.1:9000/news.xml");
  EXPECT_TRUE(plan.rewrite_eea_links);
}

TEST(SourcePresets, OtherEeaFeedsAlsoRewriteLinks) {
  EXPECT_TRUE(
      Resolve(Kind("rss", "https://www.eea.europa.eu/en/topics/rss.xml"))
          .rewrite_eea_links);
}

TEST(SourcePresets, CellarIsASparqlSourceAtThePublicEndpoint) {
  const SourcePlan plan = Resolve(Kind("cellar"));
  EXPECT_EQ(plan.url, "https://publications.europa.eu/webapi/rdf/sparql");
  EXPECT_EQ(plan.format, "sparql");
  EXPECT_EQ(plan.host, "publications.europa.eu");
  EXPECT_EQ(plan.min_host_interval, seconds(1));
  EXPECT_EQ(plan.expected_period, hours(2));
  EXPECT_EQ(Resolve(Kind("cellar", "http://127.0.0.1:8890/sparql")).url,
            "http://127.0.0.1:8890/sparql");
}

TEST(SourcePresets, ExpectedPeriodIsTwicePollInterval) {
  PresetSpec spec = Eurlex("oj-c");
  spec.poll_interval = hours(6);
  EXPECT_EQ(Resolve(spec).expected_period, hours(12));
}

TEST(SourcePresets, ProposalsTolerateAtLeastADay) {
  PresetSpec spec = Eurlex("proposals");
  EXPECT_EQ(Resolve(spec).expected_period, hours(24));
  spec.poll_interval = hours(18);
  EXPECT_EQ(Resolve(spec).expected_period, hours(36));
}

TEST(SourcePresets, ConfiguredValuesOverrideDefaults) {
  PresetSpec spec = Eurlex("oj-l");
  spec.min_host_interval = seconds(30);
  spec.expected_period = hours(96);
  const SourcePlan plan = Resolve(spec);
  EXPECT_EQ(plan.min_host_interval, seconds(30));
  EXPECT_EQ(plan.expected_period, hours(96));
}

TEST(SourcePresets, SilenceIsToleratedFourDaysOrTheExpectedPeriod) {
  // The Official Journal appears on working days: a holiday weekend is
  // quiet, not broken.
  EXPECT_EQ(Resolve(Eurlex("oj-l")).silent_period, hours(96));
  PresetSpec spec = Eurlex("oj-l");
  spec.expected_period = hours(200);
  EXPECT_EQ(Resolve(spec).silent_period, hours(200));
  spec.silent_period = hours(5);
  EXPECT_EQ(Resolve(spec).silent_period, hours(5));
}

TEST(SourcePresets, PollIntervalMustBePositive) {
  PresetSpec spec = Eurlex("oj-l");
  spec.poll_interval = seconds(0);
  EXPECT_EQ(ErrorOf(spec), "poll_interval must be positive");
}

TEST(HostOfUrl, StripsUserInfoAndPortAndLowersCase) {
  EXPECT_EQ(HostOfUrl("https://user:pw@EUR-Lex.Europa.EU:443/x"),
            "eur-lex.europa.eu");
  EXPECT_EQ(HostOfUrl("https://[::1]:8080/x"), "[::1]");
  EXPECT_EQ(HostOfUrl("https://host?q=a:b"), "host");
  EXPECT_EQ(HostOfUrl("not a url"), "");
}

TEST(DefaultHostInterval, EurlexTenSecondsOthersOne) {
  EXPECT_EQ(DefaultHostInterval("eur-lex.europa.eu"), seconds(10));
  EXPECT_EQ(DefaultHostInterval("publications.europa.eu"), seconds(1));
  EXPECT_EQ(DefaultHostInterval("www.eea.europa.eu"), seconds(1));
}

}  // namespace
}  // namespace lexwatch::daemon
