#include "daemon/cadence.h"

#include <gtest/gtest.h>

#include <chrono>

#include "daemon/time_zone.h"

namespace lexwatch::daemon {
namespace {

namespace chr = std::chrono;

// "2026-03-29 06:00" read as UTC.
TimePoint Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  chr::sys_days day = chr::year(y) / chr::month(static_cast<unsigned>(mo)) /
                      chr::day(static_cast<unsigned>(d));
  return TimePoint(day) + chr::hours(h) + chr::minutes(mi) + chr::seconds(s);
}

TimeZone Oslo() {
  Result<TimeZone> zone = TimeZone::Load("Europe/Oslo");
  EXPECT_TRUE(zone.ok()) << zone.status().ToString();
  return zone.ok() ? *zone : *TimeZone::FromPosix("UTC0");
}

Cadence Parse(std::string_view text) {
  Result<Cadence> c = ParseCadence(text);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : Cadence{};
}

TEST(TimeZone, OsloIsCetInWinterAndCestInSummer) {
  TimeZone oslo = Oslo();
  EXPECT_EQ(oslo.name(), "Europe/Oslo");
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 7, 1, 12, 0)), 7200);
}

TEST(TimeZone, OsloSpringsForwardAt0100UtcOn20260329) {
  TimeZone oslo = Oslo();
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 3, 29, 0, 59, 59)), 3600);
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 3, 29, 1, 0)), 7200);
}

TEST(TimeZone, OsloFallsBackAt0100UtcOn20261025) {
  TimeZone oslo = Oslo();
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 10, 25, 0, 59, 59)), 7200);
  EXPECT_EQ(oslo.OffsetAt(Utc(2026, 10, 25, 1, 0)), 3600);
}

TEST(TimeZone, SkippedLocalTimeUsesTheOffsetBeforeTheGap) {
  // 02:30 does not exist on 2026-03-29: it is read as 03:30 summer time.
  EXPECT_EQ(Oslo().FromLocal({2026, 3, 29, 2, 30}), Utc(2026, 3, 29, 1, 30));
}

TEST(TimeZone, RepeatedLocalTimeTakesTheFirstOccurrence) {
  EXPECT_EQ(Oslo().FromLocal({2026, 10, 25, 2, 30}), Utc(2026, 10, 25, 0, 30));
}

TEST(TimeZone, ToLocalGivesWallClockAndIsoWeekday) {
  LocalTime t = Oslo().ToLocal(Utc(2026, 3, 29, 6, 0));
  EXPECT_EQ(t.year, 2026);
  EXPECT_EQ(t.month, 3);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(t.hour, 8);
  EXPECT_EQ(t.minute, 0);
  EXPECT_EQ(t.weekday, 6);  // Sunday.
}

TEST(TimeZone, BuiltInOsloAgreesWithTzdata) {
  Result<TimeZone> builtin = TimeZone::Load("Europe/Oslo", "/nonexistent");
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  TimeZone oslo = Oslo();
  for (TimePoint t : {Utc(2026, 3, 29, 0, 59), Utc(2026, 3, 29, 1, 0),
                      Utc(2026, 10, 25, 0, 59), Utc(2026, 10, 25, 1, 0),
                      Utc(2031, 3, 30, 1, 0)}) {
    EXPECT_EQ(builtin->OffsetAt(t), oslo.OffsetAt(t));
  }
}

TEST(TimeZone, UnknownZoneNamesTheMissingFile) {
  Result<TimeZone> zone = TimeZone::Load("Europe/Olso", "/nonexistent");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "time zone 'Europe/Olso': unknown (no file "
            "/nonexistent/Europe/Olso; is tzdata installed?)");
}

TEST(TimeZone, PathLikeNameIsRefused) {
  Result<TimeZone> zone = TimeZone::Load("../../etc/passwd");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "time zone '../../etc/passwd': not a zone name like Europe/Oslo");
}

TEST(TimeZone, SouthernHemisphereSummerSpansNewYear) {
  Result<TimeZone> sydney = TimeZone::FromPosix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.ok()) << sydney.status().ToString();
  EXPECT_EQ(sydney->OffsetAt(Utc(2026, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(sydney->OffsetAt(Utc(2026, 7, 1, 0, 0)), 10 * 3600);
}

TEST(TimeZone, NegativeSummerTimeAsDublinWritesIt) {
  Result<TimeZone> dublin = TimeZone::FromPosix("IST-1GMT0,M10.5.0,M3.5.0/1");
  ASSERT_TRUE(dublin.ok()) << dublin.status().ToString();
  EXPECT_EQ(dublin->OffsetAt(Utc(2026, 1, 15, 12, 0)), 0);
  EXPECT_EQ(dublin->OffsetAt(Utc(2026, 7, 1, 12, 0)), 3600);
}

TEST(TimeZone, BadPosixRuleIsRefused) {
  Result<TimeZone> zone = TimeZone::FromPosix("CET-1CEST,M13.5.0,M10.5.0/3");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "TZ rule 'CET-1CEST,M13.5.0,M10.5.0/3': bad transition rule");
}

TEST(Cadence, ParsesEveryForm) {
  EXPECT_EQ(Parse("immediate"), Cadence{});
  EXPECT_EQ(Parse("daily 08:00"), (Cadence{Cadence::Kind::kDaily, 0, 8, 0}));
  EXPECT_EQ(Parse(" Weekly  FRI 16:45 "),
            (Cadence{Cadence::Kind::kWeekly, 4, 16, 45}));
  EXPECT_EQ(Parse("weekly søn 23:59"),
            (Cadence{Cadence::Kind::kWeekly, 6, 23, 59}));
  EXPECT_EQ(Parse("weekly man 00:00"),
            (Cadence{Cadence::Kind::kWeekly, 0, 0, 0}));
}

TEST(Cadence, ToStringAndLabel) {
  EXPECT_EQ(Parse("weekly tor 07:05").ToString(), "weekly thu 07:05");
  EXPECT_EQ(Parse("weekly tor 07:05").Label(), "weekly");
}

TEST(Cadence, ErrorsSayWhatIsExpected) {
  auto error = [](std::string_view text) {
    Result<Cadence> c = ParseCadence(text);
    return c.ok() ? std::string("ok") : c.status().message();
  };
  EXPECT_EQ(error("dayly 08:00"),
            "bad cadence 'dayly 08:00': expected \"immediate\", \"daily "
            "HH:MM\" or \"weekly DAY HH:MM\"");
  EXPECT_EQ(error("daily"),
            "bad cadence 'daily': expected \"immediate\", \"daily HH:MM\" or "
            "\"weekly DAY HH:MM\"");
  EXPECT_EQ(error("daily 24:00"),
            "bad cadence 'daily 24:00': the time must be HH:MM, 00:00 to "
            "23:59");
  EXPECT_EQ(error("daily 8:00"),
            "bad cadence 'daily 8:00': the time must be HH:MM, 00:00 to "
            "23:59");
  EXPECT_EQ(error("weekly mandag 08:00"),
            "bad cadence 'weekly mandag 08:00': unknown day 'mandag' (mon, "
            "tue, wed, thu, fri, sat, sun or man, tir, ons, tor, fre, lør, "
            "søn)");
}

TEST(Cadence, DailySlotMovesWithSummerTimeOn20260329) {
  Cadence daily = Parse("daily 08:00");
  TimeZone oslo = Oslo();
  // 08:00 CET the day before, 08:00 CEST on the change day.
  EXPECT_EQ(NextSlot(daily, oslo, Utc(2026, 3, 28, 6, 0)),
            Utc(2026, 3, 28, 7, 0));
  EXPECT_EQ(NextSlot(daily, oslo, Utc(2026, 3, 28, 7, 0)),
            Utc(2026, 3, 29, 6, 0));
  EXPECT_EQ(NextSlot(daily, oslo, Utc(2026, 3, 29, 6, 0)),
            Utc(2026, 3, 30, 6, 0));
}

TEST(Cadence, DailySlotMovesBackOn20261025) {
  Cadence daily = Parse("daily 08:00");
  TimeZone oslo = Oslo();
  EXPECT_EQ(NextSlot(daily, oslo, Utc(2026, 10, 24, 6, 0)),
            Utc(2026, 10, 25, 7, 0));
  EXPECT_EQ(LatestSlot(daily, oslo, Utc(2026, 10, 25, 6, 59)),
            Utc(2026, 10, 24, 6, 0));
}

TEST(Cadence, SlotInTheSpringGapComesOnceAnHourLater) {
  Cadence night = Parse("daily 02:30");
  TimeZone oslo = Oslo();
  EXPECT_EQ(NextSlot(night, oslo, Utc(2026, 3, 28, 12, 0)),
            Utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(NextSlot(night, oslo, Utc(2026, 3, 29, 1, 30)),
            Utc(2026, 3, 30, 0, 30));
}

TEST(Cadence, SlotInTheRepeatedAutumnHourComesOnce) {
  Cadence night = Parse("daily 02:30");
  TimeZone oslo = Oslo();
  EXPECT_EQ(NextSlot(night, oslo, Utc(2026, 10, 24, 12, 0)),
            Utc(2026, 10, 25, 0, 30));
  // Not again at 02:30 winter time (01:30 UTC) the same night.
  EXPECT_EQ(NextSlot(night, oslo, Utc(2026, 10, 25, 0, 30)),
            Utc(2026, 10, 26, 1, 30));
}

TEST(Cadence, WeeklySlotIsOnItsDay) {
  Cadence sunday = Parse("weekly sun 08:00");
  TimeZone oslo = Oslo();
  // From Wednesday 2026-03-25 to Sunday the 29th, in summer time.
  EXPECT_EQ(NextSlot(sunday, oslo, Utc(2026, 3, 25, 12, 0)),
            Utc(2026, 3, 29, 6, 0));
  EXPECT_EQ(NextSlot(sunday, oslo, Utc(2026, 3, 29, 6, 0)),
            Utc(2026, 4, 5, 6, 0));
}

TEST(Cadence, LatestSlotIsAtOrBefore) {
  TimeZone oslo = Oslo();
  Cadence daily = Parse("daily 08:00");
  EXPECT_EQ(LatestSlot(daily, oslo, Utc(2026, 3, 29, 5, 59)),
            Utc(2026, 3, 28, 7, 0));
  EXPECT_EQ(LatestSlot(daily, oslo, Utc(2026, 3, 29, 6, 0)),
            Utc(2026, 3, 29, 6, 0));
  // Sunday 2026-03-29: the last Monday slot was the 23rd, in winter time.
  EXPECT_EQ(
      LatestSlot(Parse("weekly mon 08:00"), oslo, Utc(2026, 3, 29, 12, 0)),
      Utc(2026, 3, 23, 7, 0));
}

TEST(Cadence, ImmediateHasNoSlots) {
  TimePoint t = Utc(2026, 3, 29, 6, 0);
  EXPECT_EQ(NextSlot(Cadence{}, Oslo(), t), t);
  EXPECT_EQ(LatestSlot(Cadence{}, Oslo(), t), t);
}

}  // namespace
}  // namespace lexwatch::daemon
