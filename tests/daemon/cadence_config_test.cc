// [[agency]] cadence and [mail] timezone in the config file.

#include <gtest/gtest.h>

#include "daemon/config.h"
#include "daemon/config_test_util.h"

namespace lexwatch::daemon {
namespace {

constexpr char kConfig[] = R"(state_dir = "state"
rules_dir = "/etc/lexwatch/rules"
contact = "ops@example.org"

[mail]
transport = "maildir"
from = "lexwatch <lexwatch@example.org>"
maildir = "mail"

[[source]]
name = "oj-l"
kind = "eurlex"
feed = "oj-l"

[[agency]]
id = "vav"
name = "Vann- og avløpsetaten"
addresses = ["vav@example.org"]
)";

ConfigResult Parse(const std::string& mail_extra,
                   const std::string& agency_extra) {
  std::string text = kConfig;
  text.insert(text.find("\n[[source]]"), mail_extra);
  return ParseConfig(text + agency_extra, "c.toml");
}

TEST(CadenceConfig, DefaultsAreImmediateInOslo) {
  ConfigResult r = Parse("", "");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->agencies[0].cadence, Cadence{});
  EXPECT_EQ(r.config->mail.timezone, "Europe/Oslo");
  EXPECT_EQ(r.config->mail.zone.name(), "Europe/Oslo");
}

TEST(CadenceConfig, ReadsCadenceAndTimezone) {
  ConfigResult r =
      Parse("timezone = \"UTC\"\n", "cadence = \"weekly fre 15:30\"\n");
  ASSERT_TRUE(r.config) << testing::PrintToString(Lines(r));
  EXPECT_EQ(r.config->agencies[0].cadence.ToString(), "weekly fri 15:30");
  EXPECT_EQ(r.config->mail.zone.name(), "UTC");
}

TEST(CadenceConfig, BadCadenceIsNamedAtItsValue) {
  ConfigResult r = Parse("", "cadence = \"dayly 08:00\"\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(Lines(r),
            std::vector<std::string>{
                "c.toml:19:11: agency 'vav': bad cadence 'dayly 08:00': "
                "expected \"immediate\", \"daily HH:MM\" or \"weekly DAY "
                "HH:MM\""});
}

TEST(CadenceConfig, BadTimeAndDayAreNamed) {
  EXPECT_EQ(Lines(Parse("", "cadence = \"daily 7:30\"\n")),
            std::vector<std::string>{
                "c.toml:19:11: agency 'vav': bad cadence 'daily 7:30': the "
                "time must be HH:MM, 00:00 to 23:59"});
  EXPECT_EQ(Lines(Parse("", "cadence = \"weekly funday 07:30\"\n")),
            std::vector<std::string>{
                "c.toml:19:11: agency 'vav': bad cadence 'weekly funday "
                "07:30': unknown day 'funday' (mon, tue, wed, thu, fri, sat, "
                "sun or man, tir, ons, tor, fre, lør, søn)"});
}

TEST(CadenceConfig, CadenceMustBeAString) {
  EXPECT_EQ(
      Lines(Parse("", "cadence = 8\n")),
      std::vector<std::string>{"c.toml:19:11: 'cadence' must be a string"});
}

TEST(CadenceConfig, UnknownTimezoneIsNamedAtItsValue) {
  EXPECT_EQ(Lines(Parse("timezone = \"Europe/Olso\"\n", "")),
            std::vector<std::string>{
                "c.toml:9:12: time zone 'Europe/Olso': unknown (no file "
                "/usr/share/zoneinfo/Europe/Olso; is tzdata installed?)"});
}

}  // namespace
}  // namespace lexwatch::daemon
