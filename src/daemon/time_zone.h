#ifndef LEXWATCH_DAEMON_TIME_ZONE_H_
#define LEXWATCH_DAEMON_TIME_ZONE_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace lexwatch::daemon {

// A wall-clock date and time in some zone.
struct LocalTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int weekday = 0;  // 0 = Monday .. 6 = Sunday (ISO order); output only.
};

// The current rules of one time zone: a standard offset and, optionally,
// daylight saving time with yearly start and end rules, as a POSIX TZ string
// gives them ("CET-1CEST,M3.5.0,M10.5.0/3"). GCC 12 has no
// std::chrono::zoned_time, and setting TZ for localtime_r/mktime would
// change the whole process's zone under other threads; this is pure and
// thread-safe. It follows the zone's rules in force now (the TZif footer),
// which is what scheduling near the present needs; historic offsets before
// the last rule change are not modelled. Immutable; any thread.
class TimeZone {
 public:
  // Reads `<zoneinfo>/<name>` (TZif version 2 or later) and takes the POSIX
  // TZ string at its end. "UTC" and "Europe/Oslo" are built in for machines
  // without tzdata. InvalidArgument naming the zone when it is unknown or
  // the file is not usable.
  static Result<TimeZone> Load(
      std::string_view name,
      const std::filesystem::path& zoneinfo = "/usr/share/zoneinfo");
  // Parses a POSIX TZ string (std offset [dst [offset] [,start[/time],
  // end[/time]]]; rules as Mm.w.d, Jn or n). InvalidArgument when bad.
  static Result<TimeZone> FromPosix(std::string_view tz);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in force at `t` (3600 for CET, 7200 for CEST).
  long long OffsetAt(TimePoint t) const;
  LocalTime ToLocal(TimePoint t) const;
  // The instant the wall clock shows `local` (seconds 0). A time skipped
  // by a spring-forward gap is read with the offset before the gap (02:30
  // on the change day in Oslo is 03:30 summer time); a time that occurs
  // twice at a fall-back takes the first occurrence.
  TimePoint FromLocal(const LocalTime& local) const;

 private:
  // When DST starts or ends in a year: a day rule and a local time.
  struct Rule {
    char kind = 'M';  // 'M' (Mm.w.d), 'J' (Jn, no Feb 29), 'n' (0-based).
    int month = 0, week = 0, day = 0;  // day: weekday 0 = Sunday, or n.
    long long time = 7200;             // Seconds after local midnight.
  };

  static long long RuleStart(const Rule& rule, int year);  // Local seconds.
  bool IsDstAt(long long utc) const;

  std::string name_;
  long long std_offset_ = 0;  // Seconds east of UTC.
  long long dst_offset_ = 0;
  bool has_dst_ = false;
  Rule start_, end_;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_TIME_ZONE_H_
