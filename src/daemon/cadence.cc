#include "daemon/cadence.h"

#include <array>
#include <cctype>
#include <chrono>
#include <optional>
#include <vector>

namespace lexwatch::daemon {
namespace {

namespace chr = std::chrono;

// Monday first, as Cadence::weekday counts.
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu",
                                                   "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDaysNb = {"man", "tir", "ons", "tor",
                                                     "fre", "lør", "søn"};
// A weekly cadence has a slot within every 8 days; 15 leaves room for the
// days a DST change moves.
constexpr int kSearchDays = 15;

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool ParseClock(std::string_view text, Cadence& out) {
  auto digit = [&](std::size_t i) {
    return std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) ||
      !digit(3) || !digit(4)) {
    return false;
  }
  out.hour = (text[0] - '0') * 10 + (text[1] - '0');
  out.minute = (text[3] - '0') * 10 + (text[4] - '0');
  return out.hour < 24 && out.minute < 60;
}

int ParseDay(std::string_view word) {
  for (int i = 0; i < 7; ++i) {
    if (word == kDays[i] || word == kDaysNb[i]) return i;
  }
  return -1;
}

// The local date `days` after the one of `local`.
LocalTime AddDays(const LocalTime& local, int days) {
  chr::sys_days d = chr::year(local.year) /
                    chr::month(static_cast<unsigned>(local.month)) /
                    chr::day(static_cast<unsigned>(local.day));
  d += chr::days(days);
  chr::year_month_day ymd{d};
  LocalTime out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.weekday = static_cast<int>(chr::weekday(d).iso_encoding()) - 1;
  return out;
}

// The slot on the local date `date`, or nullopt when the cadence has none
// that day.
std::optional<TimePoint> SlotOn(const Cadence& cadence, const TimeZone& zone,
                                LocalTime date) {
  if (cadence.kind == Cadence::Kind::kWeekly &&
      date.weekday != cadence.weekday) {
    return std::nullopt;
  }
  date.hour = cadence.hour;
  date.minute = cadence.minute;
  return zone.FromLocal(date);
}

std::string TwoDigits(int v) {
  return std::string(1, static_cast<char>('0' + v / 10)) +
         static_cast<char>('0' + v % 10);
}

}  // namespace

std::string Cadence::Label() const {
  switch (kind) {
    case Kind::kDaily:
      return "daily";
    case Kind::kWeekly:
      return "weekly";
    case Kind::kImmediate:
      break;
  }
  return "immediate";
}

std::string Cadence::ToString() const {
  if (kind == Kind::kImmediate) return "immediate";
  std::string out = Label() + " ";
  if (kind == Kind::kWeekly) out += std::string(kDays[weekday]) + " ";
  return out + TwoDigits(hour) + ":" + TwoDigits(minute);
}

Result<Cadence> ParseCadence(std::string_view text) {
  const std::string context = "bad cadence '" + std::string(text) + "'";
  std::vector<std::string> words = Words(text);
  Cadence cadence;
  if (words.size() == 1 && words[0] == "immediate") return cadence;
  bool daily = words.size() == 2 && words[0] == "daily";
  bool weekly = words.size() == 3 && words[0] == "weekly";
  if (!daily && !weekly) {
    return Status::InvalidArgument(context,
                                   "expected \"immediate\", \"daily HH:MM\" or "
                                   "\"weekly DAY HH:MM\"");
  }
  cadence.kind = daily ? Cadence::Kind::kDaily : Cadence::Kind::kWeekly;
  if (weekly) {
    cadence.weekday = ParseDay(words[1]);
    if (cadence.weekday < 0) {
      return Status::InvalidArgument(
          context, "unknown day '" + words[1] +
                       "' (mon, tue, wed, thu, fri, sat, sun or man, tir, "
                       "ons, tor, fre, lør, søn)");
    }
  }
  if (!ParseClock(words.back(), cadence)) {
    return Status::InvalidArgument(context,
                                   "the time must be HH:MM, 00:00 to 23:59");
  }
  return cadence;
}

TimePoint NextSlot(const Cadence& cadence, const TimeZone& zone,
                   TimePoint after) {
  if (!cadence.digest()) return after;
  LocalTime today = zone.ToLocal(after);
  for (int k = 0; k < kSearchDays; ++k) {
    std::optional<TimePoint> slot = SlotOn(cadence, zone, AddDays(today, k));
    if (slot && *slot > after) return *slot;
  }
  return after;  // Unreachable: some day within a week has a slot.
}

TimePoint LatestSlot(const Cadence& cadence, const TimeZone& zone,
                     TimePoint at) {
  if (!cadence.digest()) return at;
  LocalTime today = zone.ToLocal(at);
  for (int k = 0; k < kSearchDays; ++k) {
    std::optional<TimePoint> slot = SlotOn(cadence, zone, AddDays(today, -k));
    if (slot && *slot <= at) return *slot;
  }
  return at;  // Unreachable, as above.
}

}  // namespace lexwatch::daemon
