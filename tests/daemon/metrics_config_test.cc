// [metrics] in the config file.

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

ConfigResult WithMetrics(const std::string& table) {
  return ParseConfig(std::string(kBase) + "[metrics]\n" + table,
                     "lexwatch.toml");
}

TEST(MetricsConfig, AbsentTableMeansOff) {
  ConfigResult r = ParseConfig(kBase, "lexwatch.toml");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_FALSE(r.config->metrics.enabled());
}

TEST(MetricsConfig, LoopbackAddressesAreAccepted) {
  ConfigResult v4 = WithMetrics("listen = \"127.0.0.1:9464\"\n");
  ASSERT_TRUE(v4.config) << testing::PrintToString(Lines(v4));
  EXPECT_TRUE(v4.config->metrics.enabled());
  EXPECT_EQ(v4.config->metrics.address, "127.0.0.1");
  EXPECT_EQ(v4.config->metrics.port, 9464);
  ConfigResult v6 = WithMetrics("listen = \"[::1]:9100\"\n");
  ASSERT_TRUE(v6.config) << testing::PrintToString(Lines(v6));
  EXPECT_EQ(v6.config->metrics.address, "::1");
  EXPECT_EQ(v6.config->metrics.port, 9100);
}

TEST(MetricsConfig, NonLoopbackAddressIsRefusedWithItsPosition) {
  ConfigResult r = WithMetrics("listen = \"0.0.0.0:9464\"\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(Lines(r),
            std::vector<std::string>{
                "lexwatch.toml:18:10: 'listen' address 0.0.0.0 is not a "
                "loopback address: /metrics and /healthz are served to this "
                "machine only (127.0.0.1 or [::1])"});
  ConfigResult lan = WithMetrics("listen = \"[2001:db8::1]:9464\"\n");
  EXPECT_EQ(Lines(lan),
            std::vector<std::string>{
                "lexwatch.toml:18:10: 'listen' address 2001:db8::1 is not a "
                "loopback address: /metrics and /healthz are served to this "
                "machine only (127.0.0.1 or [::1])"});
}

TEST(MetricsConfig, MalformedListenIsRefused) {
  for (const char* bad : {"localhost:9464", "127.0.0.1", "127.0.0.1:0",
                          "127.0.0.1:65536", "::1:9464", "127.0.0.1:94x"}) {
    ConfigResult r = WithMetrics(std::string("listen = \"") + bad + "\"\n");
    EXPECT_EQ(
        Lines(r),
        std::vector<std::string>{"lexwatch.toml:18:10: 'listen' must be an IP "
                                 "address and port, like \"127.0.0.1:9464\" or "
                                 "\"[::1]:9464\""})
        << bad;
  }
}

TEST(MetricsConfig, MissingListenAndUnknownKeyArePlaced) {
  ConfigResult r = WithMetrics("port = 9464\n");
  EXPECT_EQ(Lines(r),
            (std::vector<std::string>{
                "lexwatch.toml:18:1: unknown field 'port' in [metrics]",
                "lexwatch.toml:17:1: missing field 'listen' in [metrics]"}));
}

}  // namespace
}  // namespace lexwatch::daemon
