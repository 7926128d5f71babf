// [admin] and the [mail] delivery-reliability settings.

#include <gtest/gtest.h>

#include "daemon/config.h"
#include "daemon/config_test_util.h"

namespace lexwatch::daemon {
namespace {

constexpr char kBase[] = R"(contact = "ops@example.org"

[mail]
transport = "maildir"
from = "lexwatch@example.org"
maildir = "mail"

[[source]]
name = "oj-l"
url = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222"

[[agency]]
id = "vav"
name = "Vann- og avløpsetaten"
addresses = ["vav@example.org"]
)";

TEST(AdminConfig, AbsentTableMeansNoAddressAndDefaults) {
  ConfigResult r = ParseConfig(kBase, "lexwatch.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->admin.address, "");
  EXPECT_EQ(r.config->admin.min_interval, std::chrono::hours(1));
  EXPECT_EQ(r.config->mail.expire_after, std::chrono::hours(5 * 24));
  EXPECT_EQ(r.config->mail.warn_after, std::chrono::hours(4));
  EXPECT_EQ(r.config->mail.sent_log_retention, std::chrono::hours(365 * 24));
}

TEST(AdminConfig, TableAndMailDurationsAreRead) {
  std::string text = kBase;
  text +=
      "\n[admin]\naddress = \"drift@example.org\"\nmin_interval = "
      "\"30m\"\n";
  text.insert(text.find("[[source]]"),
              "expire_after = \"2d\"\nwarn_after = \"90m\"\n"
              "sent_log_retention = \"30d\"\n\n");
  ConfigResult r = ParseConfig(text, "lexwatch.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->admin.address, "drift@example.org");
  EXPECT_EQ(r.config->admin.min_interval, std::chrono::minutes(30));
  EXPECT_EQ(r.config->mail.expire_after, std::chrono::hours(48));
  EXPECT_EQ(r.config->mail.warn_after, std::chrono::minutes(90));
  EXPECT_EQ(r.config->mail.sent_log_retention, std::chrono::hours(30 * 24));
}

TEST(AdminConfig, BadAddressUnknownKeyAndMissingAddressArePlaced) {
  std::string text = kBase;
  text += "\n[admin]\naddress = \"drift at example\"\nevery = \"1h\"\n";
  ConfigResult r = ParseConfig(text, "lexwatch.toml");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(Lines(r),
            (std::vector<std::string>{
                "lexwatch.toml:19:1: unknown field 'every' in [admin]",
                "lexwatch.toml:18:11: bad admin 'address': invalid address "
                "\"drift at example\": contains a space"}));
  ConfigResult missing =
      ParseConfig(std::string(kBase) + "\n[admin]\nmin_interval = \"1h\"\n",
                  "lexwatch.toml");
  EXPECT_EQ(Lines(missing), std::vector<std::string>{
                                "lexwatch.toml:17:1: missing field 'address' "
                                "in [admin]"});
}

TEST(AdminConfig, TooShortDurationsAreRefused) {
  std::string text = kBase;
  text.insert(text.find("[[source]]"), "warn_after = \"10s\"\n\n");
  ConfigResult r = ParseConfig(text, "lexwatch.toml");
  EXPECT_EQ(Lines(r), std::vector<std::string>{
                          "lexwatch.toml:8:14: 'warn_after' must be a "
                          "duration like \"90s\", \"15m\" or \"1h\", of at "
                          "least 60s"});
}

}  // namespace
}  // namespace lexwatch::daemon
