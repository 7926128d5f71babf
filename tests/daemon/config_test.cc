#include "daemon/config.h"

#include <gtest/gtest.h>

#include "daemon/config_test_util.h"
#include "daemon/schedule.h"

namespace lexwatch::daemon {
namespace {

constexpr char kValid[] = R"(state_dir = "state"
rules_dir = "/etc/lexwatch/rules"
contact = "ops@example.org"

[fetch]
allow_insecure = true
timeout = "30s"

[mail]
transport = "smtp"
from = "lexwatch <lexwatch@example.org>"
smtp_url = "smtp://127.0.0.1:2525"
starttls = false
retry_waits = ["0s", "2m"]

[[source]]
name = "oj-l"
url = "file:../samples/oj.rss"
poll_interval = "15m"

[[agency]]
id = "vav"
name = "Vann- og avløpsetaten"
addresses = ["vav@example.org", "drift@example.org"]
)";

TEST(Config, ValidFileResolvesPathsAgainstItsDirectory) {
  ConfigResult r = ParseConfig(kValid, "/etc/lexwatch/lexwatch.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.state_dir, "/etc/lexwatch/state");
  EXPECT_EQ(c.DatabasePath(), "/etc/lexwatch/state/lexwatch.db");
  EXPECT_EQ(c.sources.at(0).url, "file:///etc/samples/oj.rss");
  EXPECT_EQ(c.sources.at(0).poll_interval, std::chrono::minutes(15));
  EXPECT_EQ(c.sources.at(0).kind, "rss");
  EXPECT_EQ(c.fetch_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.mail.from_address, "lexwatch@example.org");
  EXPECT_EQ(c.mail.message_id_domain, "example.org");
  ASSERT_EQ(c.mail.retry_waits.size(), 2u);
  EXPECT_EQ(c.mail.retry_waits[1], std::chrono::minutes(2));
  ASSERT_EQ(c.agencies.size(), 1u);
  EXPECT_EQ(c.agencies[0].addresses.size(), 2u);
  EXPECT_EQ(c.AgencyIds(), std::set<std::string>{"vav"});
}

TEST(Config, UnknownKeyIsNamedWithLineAndColumn) {
  std::string text = kValid;
  text += "titel = \"x\"\n";
  ConfigResult r = ParseConfig(text, "lexwatch.toml");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(Lines(r), std::vector<std::string>{
                          "lexwatch.toml:25:1: unknown field 'titel' in "
                          "[[agency]]"});
}

TEST(Config, WrongTypeIsAnError) {
  std::string text = kValid;
  text.replace(text.find("\"15m\""), 5, "15");
  ConfigResult r = ParseConfig(text, "c.toml");
  EXPECT_EQ(Lines(r),
            std::vector<std::string>{
                "c.toml:19:17: 'poll_interval' must be a duration like "
                "\"90s\", \"15m\" or \"1h\", of at least 60s"});
}

TEST(Config, BadAddressIsAnErrorAtTheAddress) {
  std::string text = kValid;
  text.replace(text.find("drift@example.org"), 17, "drift example.org");
  ConfigResult r = ParseConfig(text, "c.toml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].line, 24);
  EXPECT_EQ(r.diagnostics[0].column, 33);
  EXPECT_EQ(r.diagnostics[0].message.rfind("bad address: ", 0), 0u);
}

TEST(Config, AddressWithLineBreakIsRejected) {
  std::string text = kValid;
  text.replace(text.find("drift@example.org"), 17,
               "drift@example.org\\r\\nRCPT TO:<x@evil.example>");
  ConfigResult r = ParseConfig(text, "c.toml");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].line, 24);
}

TEST(Config, CleartextSmtpOnlyToLoopback) {
  std::string text = kValid;
  text.replace(text.find("127.0.0.1"), 9, "mail.example.org");
  ConfigResult r = ParseConfig(text, "c.toml");
  EXPECT_EQ(Lines(r),
            std::vector<std::string>{
                "c.toml:13:12: 'starttls = false' is allowed only for a "
                "server on 127.0.0.1 or localhost: mail would cross the "
                "network in clear text"});
}

TEST(Config, HttpSourceNeedsAllowInsecure) {
  std::string text = kValid;
  text.replace(text.find("allow_insecure = true"), 21,
               "allow_insecure = false");
  ConfigResult r = ParseConfig(text, "c.toml");
  EXPECT_EQ(Lines(r), std::vector<std::string>{
                          "c.toml:18:7: url must use https:// (file: and "
                          "http://127.0.0.1 only with [fetch] allow_insecure "
                          "= true)"});
}

TEST(Config, TomlSyntaxErrorHasPosition) {
  ConfigResult r = ParseConfig("contact = \"ops@example.org\n", "c.toml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].path, "c.toml");
  EXPECT_EQ(r.diagnostics[0].line, 1);
  EXPECT_FALSE(r.config);
}

TEST(Config, MissingFileIsADiagnostic) {
  ConfigResult r = LoadConfig("/nonexistent/lexwatch.toml");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(Lines(r), std::vector<std::string>{
                          "/nonexistent/lexwatch.toml: cannot read config "
                          "file: No such file or directory"});
}

TEST(Config, ShippedConfigsAreValid) {
  for (const char* name : {"/config/lexwatch.toml", "/config/demo.toml"}) {
    ConfigResult r = LoadConfig(std::string(LEXWATCH_SOURCE_DIR) + name);
    EXPECT_TRUE(r.config) << name << testing::PrintToString(Lines(r));
  }
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(ParseDuration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(ParseDuration("15m"), std::chrono::minutes(15));
  EXPECT_EQ(ParseDuration("2h"), std::chrono::hours(2));
  EXPECT_EQ(ParseDuration("1d"), std::chrono::hours(24));
  EXPECT_EQ(ParseDuration("45"), std::chrono::seconds(45));
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("1 h"));
  EXPECT_FALSE(ParseDuration("-5m"));
  EXPECT_FALSE(ParseDuration("5w"));
}

TEST(NextPollTime, SuccessWaitsTheInterval) {
  TimePoint now = FromUnixSeconds(1000000);
  EXPECT_EQ(NextPollTime(now, std::chrono::hours(1), 0, std::nullopt),
            now + std::chrono::hours(1));
}

TEST(NextPollTime, FailuresBackOffUpToTheInterval) {
  TimePoint now = FromUnixSeconds(1000000);
  auto wait = [&](int failures) {
    return NextPollTime(now, std::chrono::hours(1), failures, std::nullopt) -
           now;
  };
  EXPECT_EQ(wait(1), std::chrono::minutes(1));
  EXPECT_EQ(wait(2), std::chrono::minutes(2));
  EXPECT_EQ(wait(3), std::chrono::minutes(4));
  EXPECT_EQ(wait(7), std::chrono::minutes(60));
  EXPECT_EQ(wait(50), std::chrono::minutes(60));
}

TEST(NextPollTime, RetryAfterIsHonoured) {
  TimePoint now = FromUnixSeconds(1000000);
  EXPECT_EQ(
      NextPollTime(now, std::chrono::hours(1), 1, std::chrono::seconds(600)),
      now + std::chrono::seconds(600));
}

// The likely install mistake: the config names the templates, nobody
// copied them. One line says what to do.
TEST(LoadMailTemplates, ASetDirectoryThatIsMissingSaysWhatToDo) {
  MailConfig mail;
  mail.templates_dir = "/nonexistent/lexwatch/templates";
  mail.templates_dir_set = true;
  Result<std::shared_ptr<const mail::TemplateSet>> templates =
      LoadMailTemplates(mail);
  ASSERT_FALSE(templates.ok());
  EXPECT_EQ(templates.status().message(),
            "[mail] templates_dir: no directory "
            "/nonexistent/lexwatch/templates (copy config/templates/ from the "
            "lexwatch sources there, or remove templates_dir to use the "
            "built-in templates)");
  mail.templates_dir_set = false;  // The default place, absent: built-in.
  templates = LoadMailTemplates(mail);
  ASSERT_TRUE(templates.ok());
  EXPECT_EQ(*templates, nullptr);
}

TEST(NextPollTime, RetryAfterCountsAtMostSixHours) {
  TimePoint now = FromUnixSeconds(1000000);
  EXPECT_EQ(NextPollTime(now, std::chrono::hours(1), 1, std::chrono::hours(48)),
            now + std::chrono::hours(6));
}

}  // namespace
}  // namespace lexwatch::daemon

namespace lexwatch::daemon {
namespace {

std::string WithSource(const std::string& source_table) {
  std::string text = kValid;
  std::size_t at = text.find("[[source]]");
  std::size_t end = text.find("[[agency]]");
  return text.substr(0, at) + source_table + "\n" + text.substr(end);
}

TEST(ConfigSources, EurlexPresetResolvesToTheFeedUrl) {
  ConfigResult r = ParseConfig(WithSource("[[source]]\nname = \"oj\"\nkind = "
                                          "\"eurlex\"\nfeed = \"oj-l\"\n"),
                               "c.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  const SourceConfig& s = r.config->sources.at(0);
  EXPECT_EQ(s.url, "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222");
  EXPECT_EQ(s.format, "feed");
  EXPECT_EQ(s.host, "eur-lex.europa.eu");
  EXPECT_EQ(s.min_host_interval, std::chrono::seconds(10));
}

TEST(ConfigSources, CellarPresetIsASparqlSource) {
  ConfigResult r = ParseConfig(
      WithSource("[[source]]\nname = \"cellar\"\nkind = \"cellar\"\n"),
      "c.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->sources.at(0).format, "sparql");
  EXPECT_EQ(r.config->sources.at(0).host, "publications.europa.eu");
}

TEST(ConfigSources, UnknownFeedIsNamedAtTheKind) {
  ConfigResult r = ParseConfig(WithSource("[[source]]\nname = \"oj\"\nkind = "
                                          "\"eurlex\"\nfeed = \"oj-x\"\n"),
                               "c.toml");
  EXPECT_EQ(Lines(r),
            std::vector<std::string>{
                "c.toml:18:8: source 'oj': unknown EUR-Lex feed "
                "'oj-x' (known: oj-l, oj-c, legislation, proposals)"});
}

TEST(ConfigSources, FirstRunRecordsAndFloodLimitIsFiftyByDefault) {
  ConfigResult r = ParseConfig(kValid, "c.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_FALSE(r.config->sources.at(0).first_run_alerts);
  EXPECT_EQ(r.config->sources.at(0).flood_limit, 50);
}

TEST(ConfigSources, FetchDefaultsApplyToEverySourceUnlessItOverrides) {
  std::string text = WithSource(
      "[[source]]\nname = \"a\"\nurl = \"file:a.rss\"\n"
      "[[source]]\nname = \"b\"\nurl = \"file:b.rss\"\n"
      "first_run = \"record\"\nflood_limit = 7\n");
  text.replace(text.find("timeout = \"30s\""), 15,
               "timeout = \"30s\"\nfirst_run = \"alert\"\nflood_limit = 200");
  ConfigResult r = ParseConfig(text, "c.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_TRUE(r.config->sources.at(0).first_run_alerts);
  EXPECT_EQ(r.config->sources.at(0).flood_limit, 200);
  EXPECT_FALSE(r.config->sources.at(1).first_run_alerts);
  EXPECT_EQ(r.config->sources.at(1).flood_limit, 7);
}

TEST(ConfigSources, BadFirstRunAndFloodLimitAreNamed) {
  ConfigResult r =
      ParseConfig(WithSource("[[source]]\nname = \"a\"\nurl = \"file:a.rss\"\n"
                             "first_run = \"mail\"\nflood_limit = 0\n"),
                  "c.toml");
  EXPECT_EQ(Lines(r),
            (std::vector<std::string>{
                "c.toml:19:13: 'first_run' must be \"record\" or \"alert\"",
                "c.toml:20:15: 'flood_limit' must be a whole number of at "
                "least 1"}));
}

TEST(ConfigSources, SilentPeriodIsConfigurable) {
  ConfigResult r =
      ParseConfig(WithSource("[[source]]\nname = \"a\"\nurl = \"file:a.rss\"\n"
                             "silent_period = \"10d\"\n"),
                  "c.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->sources.at(0).silent_period, std::chrono::hours(240));
}

}  // namespace
}  // namespace lexwatch::daemon
