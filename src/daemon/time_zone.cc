#include "daemon/time_zone.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

namespace lexwatch::daemon {
namespace {

namespace chr = std::chrono;

constexpr long long kDay = 86400;

long long FloorDiv(long long a, long long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

long long DaysFromCivil(int year, int month, int day) {
  chr::sys_days d = chr::year(year) / chr::month(static_cast<unsigned>(month)) /
                    chr::day(static_cast<unsigned>(day));
  return d.time_since_epoch().count();
}

// Reads the pieces of a POSIX TZ string left to right.
class TzCursor {
 public:
  explicit TzCursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  bool Eat(char c) {
    if (done() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool PeekDigitOrSign() const {
    return !done() && (std::isdigit(static_cast<unsigned char>(s_[i_])) ||
                       s_[i_] == '+' || s_[i_] == '-');
  }

  // "CET" (3+ letters) or "<+03>" (quoted).
  bool Name() {
    std::size_t start = i_;
    if (Eat('<')) {
      while (!done() && s_[i_] != '>') ++i_;
      return Eat('>') && i_ - start >= 5;
    }
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ - start >= 3;
  }

  bool Number(int max, int* out) {
    std::size_t start = i_;
    long long v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[i_])) &&
           i_ - start < 4) {
      v = v * 10 + (s_[i_++] - '0');
    }
    if (i_ == start || v > max) return false;
    *out = static_cast<int>(v);
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds, sign as written.
  bool Duration(int max_hours, long long* out) {
    long long sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, s = 0;
    if (!Number(max_hours, &h)) return false;
    if (Eat(':')) {
      if (!Number(59, &m)) return false;
      if (Eat(':') && !Number(59, &s)) return false;
    }
    *out = sign * (h * 3600LL + m * 60LL + s);
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool IsZoneName(std::string_view name) {
  if (name.empty() || name.front() == '/' ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

// The POSIX TZ string in a TZif (v2+) file's footer: between the last two
// newlines.
std::optional<std::string> TzifFooter(const std::string& bytes) {
  if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' ||
      bytes.back() != '\n') {
    return std::nullopt;
  }
  std::size_t start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string::npos) return std::nullopt;
  std::string footer = bytes.substr(start + 1, bytes.size() - start - 2);
  if (footer.empty()) return std::nullopt;
  return footer;
}

// For machines without tzdata: the zones lexwatch ships configured.
std::optional<std::string_view> BuiltIn(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC") return "UTC0";
  if (name == "Europe/Oslo") return "CET-1CEST,M3.5.0,M10.5.0/3";
  return std::nullopt;
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name,
                                const std::filesystem::path& zoneinfo) {
  const std::string quoted = "time zone '" + std::string(name) + "'";
  if (!IsZoneName(name)) {
    return Status::InvalidArgument(quoted, "not a zone name like Europe/Oslo");
  }
  std::filesystem::path file = zoneinfo / std::string(name);
  std::ifstream in(file, std::ios::binary);
  std::string posix;
  if (in) {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::optional<std::string> footer = TzifFooter(bytes.str());
    if (!footer) {
      return Status::InvalidArgument(
          quoted, file.string() + " is not a TZif file with current rules");
    }
    posix = *footer;
  } else if (std::optional<std::string_view> builtin = BuiltIn(name)) {
    posix = *builtin;
  } else {
    return Status::InvalidArgument(quoted, "unknown (no file " + file.string() +
                                               "; is tzdata installed?)");
  }
  Result<TimeZone> zone = FromPosix(posix);
  if (!zone.ok())
    return Status::InvalidArgument(quoted, zone.status().message());
  zone->name_ = std::string(name);
  return zone;
}

Result<TimeZone> TimeZone::FromPosix(std::string_view tz) {
  const std::string what = "TZ rule '" + std::string(tz) + "'";
  TimeZone zone;
  zone.name_ = std::string(tz);
  TzCursor c(tz);
  long long offset = 0;
  if (!c.Name() || !c.Duration(24, &offset)) {
    return Status::InvalidArgument(what, "bad standard time");
  }
  zone.std_offset_ = -offset;  // POSIX counts west of Greenwich.
  if (c.done()) return zone;
  zone.has_dst_ = true;
  if (!c.Name()) return Status::InvalidArgument(what, "bad summer time name");
  zone.dst_offset_ = zone.std_offset_ + 3600;
  if (c.PeekDigitOrSign()) {
    if (!c.Duration(24, &offset)) {
      return Status::InvalidArgument(what, "bad summer time offset");
    }
    zone.dst_offset_ = -offset;
  }
  // Without rules POSIX leaves the dates to the implementation; glibc
  // uses the US rules.
  zone.start_ = Rule{'M', 3, 2, 0, 7200};
  zone.end_ = Rule{'M', 11, 1, 0, 7200};
  for (Rule* rule : {&zone.start_, &zone.end_}) {
    if (c.done() && rule == &zone.start_) break;
    if (!c.Eat(',')) return Status::InvalidArgument(what, "expected ','");
    bool ok = true;
    if (c.Eat('M')) {
      rule->kind = 'M';
      ok = c.Number(12, &rule->month) && rule->month >= 1 && c.Eat('.') &&
           c.Number(5, &rule->week) && rule->week >= 1 && c.Eat('.') &&
           c.Number(6, &rule->day);
    } else if (c.Eat('J')) {
      rule->kind = 'J';
      ok = c.Number(365, &rule->day) && rule->day >= 1;
    } else {
      rule->kind = 'n';
      ok = c.Number(365, &rule->day);
    }
    rule->time = 7200;
    if (ok && c.Eat('/')) ok = c.Duration(167, &rule->time);
    if (!ok) return Status::InvalidArgument(what, "bad transition rule");
  }
  if (!c.done()) return Status::InvalidArgument(what, "unexpected text");
  return zone;
}

long long TimeZone::RuleStart(const Rule& rule, int year) {
  long long days = 0;
  if (rule.kind == 'M') {
    long long first = DaysFromCivil(year, rule.month, 1);
    // 1970-01-01 was a Thursday (4 with Sunday = 0).
    int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);
    long long day = (rule.day - first_weekday + 7) % 7 + 7LL * (rule.week - 1);
    int next_month_year = rule.month == 12 ? year + 1 : year;
    int next_month = rule.month == 12 ? 1 : rule.month + 1;
    long long month_days =
        DaysFromCivil(next_month_year, next_month, 1) - first;
    while (day >= month_days) day -= 7;  // Week 5: the last one.
    days = first + day;
  } else {
    days = DaysFromCivil(year, 1, 1) + rule.day;
    if (rule.kind == 'J') {
      bool leap = chr::year(year).is_leap();
      days -= (leap && rule.day >= 60) ? 0 : 1;
    }
  }
  return days * kDay + rule.time;
}

bool TimeZone::IsDstAt(long long utc) const {
  if (!has_dst_) return false;
  long long local_days = FloorDiv(utc + std_offset_, kDay);
  chr::year_month_day ymd{chr::sys_days(chr::days(local_days))};
  int year = static_cast<int>(ymd.year());
  // The start is given in standard time, the end in summer time.
  long long start = RuleStart(start_, year) - std_offset_;
  long long end = RuleStart(end_, year) - dst_offset_;
  if (start < end) return start <= utc && utc < end;
  return !(end <= utc && utc < start);  // Southern hemisphere.
}

long long TimeZone::OffsetAt(TimePoint t) const {
  return IsDstAt(ToUnixSeconds(t)) ? dst_offset_ : std_offset_;
}

LocalTime TimeZone::ToLocal(TimePoint t) const {
  long long local = ToUnixSeconds(t) + OffsetAt(t);
  long long days = FloorDiv(local, kDay);
  long long secs = local - days * kDay;
  chr::sys_days sd{chr::days(days)};
  chr::year_month_day ymd{sd};
  LocalTime out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = static_cast<int>(secs / 3600);
  out.minute = static_cast<int>(secs % 3600 / 60);
  out.weekday = static_cast<int>(chr::weekday(sd).iso_encoding()) - 1;
  return out;
}

TimePoint TimeZone::FromLocal(const LocalTime& local) const {
  long long wall = DaysFromCivil(local.year, local.month, local.day) * kDay +
                   local.hour * 3600LL + local.minute * 60LL;
  if (!has_dst_) return FromUnixSeconds(wall - std_offset_);
  long long as_dst = wall - dst_offset_;
  long long as_std = wall - std_offset_;
  bool dst_ok = IsDstAt(as_dst);
  bool std_ok = !IsDstAt(as_std);
  if (dst_ok && std_ok) return FromUnixSeconds(std::min(as_dst, as_std));
  if (dst_ok) return FromUnixSeconds(as_dst);
  if (std_ok) return FromUnixSeconds(as_std);
  // In a gap: read with the offset before it, the smaller one.
  return FromUnixSeconds(wall - std::min(std_offset_, dst_offset_));
}

}  // namespace lexwatch::daemon
