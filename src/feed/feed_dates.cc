#include "feed/feed_dates.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace lexwatch::feed {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A cursor over ASCII text.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  void Skip() { ++i_; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  void SkipSpaces() {
    while (Peek() == ' ' || Peek() == '\t') ++i_;
  }
  // Reads min..max digits into `value`.
  bool Number(int min, int max, int* value) {
    int n = 0;
    *value = 0;
    while (n < max && IsDigit(Peek())) {
      *value = *value * 10 + (s_[i_++] - '0');
      ++n;
    }
    return n >= min;
  }
  std::string_view Word() {
    const std::size_t begin = i_;
    while (!AtEnd() && ((Peek() >= 'a' && Peek() <= 'z') ||
                        (Peek() >= 'A' && Peek() <= 'Z'))) {
      ++i_;
    }
    return s_.substr(begin, i_ - begin);
  }
  std::size_t pos() const { return i_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int offset_seconds = 0;  // Local time minus UTC.
};

std::optional<long long> ToUnix(const CivilTime& t) {
  using namespace std::chrono;
  const year_month_day ymd{year{t.year}, month{static_cast<unsigned>(t.month)},
                           day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok() || t.hour > 23 || t.minute > 59 || t.second > 60) {
    return std::nullopt;
  }
  const int second = t.second == 60 ? 59 : t.second;  // Leap second.
  const long long days = sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + t.hour * 3600 + t.minute * 60 + second -
         t.offset_seconds;
}

// "+hhmm", "-hh:mm", "+hh"; sets the offset in seconds.
bool NumericOffset(Scanner* in, int* offset) {
  const char sign = in->Peek();
  if (sign != '+' && sign != '-') return false;
  in->Skip();
  int hours = 0, minutes = 0;
  if (!in->Number(2, 2, &hours)) return false;
  in->Consume(':');
  if (!in->AtEnd() && !in->Number(2, 2, &minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  *offset = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return true;
}

int MonthFromName(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr",
                                                 "may", "jun", "jul", "aug",
                                                 "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return 0;
  std::string lower;
  for (char c : name.substr(0, 3)) lower.push_back(Lower(c));
  for (int m = 0; m < 12; ++m) {
    if (kMonths[m] == lower) return m + 1;
  }
  return 0;
}

bool NamedZone(std::string_view name, int* offset) {
  struct Zone {
    std::string_view name;
    int hours;
  };
  static constexpr Zone kZones[] = {
      {"UT", 0},   {"UTC", 0},  {"GMT", 0},  {"Z", 0},    {"EST", -5},
      {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6},
      {"PST", -8}, {"PDT", -7}, {"WET", 0},  {"WEST", 1}, {"CET", 1},
      {"CEST", 2}, {"EET", 2},  {"EEST", 3},
  };
  std::string upper;
  for (char c : name) upper.push_back(static_cast<char>(c & ~0x20));
  for (const Zone& z : kZones) {
    if (z.name == upper) {
      *offset = z.hours * 3600;
      return true;
    }
  }
  // RFC 2822 4.3: military zones were misdefined in RFC 822; read as +0000.
  if (upper.size() == 1 && upper[0] != 'J') {
    *offset = 0;
    return true;
  }
  return false;
}

// "HH:MM[:SS]" for RFC 822.
bool ClockTime(Scanner* in, CivilTime* t) {
  if (!in->Number(1, 2, &t->hour) || !in->Consume(':') ||
      !in->Number(2, 2, &t->minute)) {
    return false;
  }
  if (in->Consume(':') && !in->Number(2, 2, &t->second)) return false;
  return true;
}

bool Rfc822Zone(Scanner* in, CivilTime* t) {
  in->SkipSpaces();
  if (in->AtEnd()) return true;  // No zone: read as UTC.
  if (in->Peek() == '+' || in->Peek() == '-') {
    if (!NumericOffset(in, &t->offset_seconds)) return false;
  } else if (!NamedZone(in->Word(), &t->offset_seconds)) {
    return false;
  }
  in->SkipSpaces();
  // A trailing comment such as "(CEST)" is allowed.
  return in->AtEnd() || in->Peek() == '(';
}

}  // namespace

std::optional<long long> ParseRfc822Date(std::string_view text) {
  text = Trim(text);
  if (const std::size_t comma = text.find(','); comma != text.npos) {
    text = Trim(text.substr(comma + 1));
  }
  Scanner in(text);
  CivilTime t;
  if (!in.Number(1, 2, &t.day)) return std::nullopt;
  in.SkipSpaces();
  in.Consume('-');
  t.month = MonthFromName(in.Word());
  if (t.month == 0) return std::nullopt;
  in.SkipSpaces();
  in.Consume('-');
  const std::size_t year_begin = in.pos();
  if (!in.Number(2, 4, &t.year)) return std::nullopt;
  if (in.pos() - year_begin == 2) {
    t.year += t.year < 50 ? 2000 : 1900;
  }
  in.SkipSpaces();
  if (!ClockTime(&in, &t) || !Rfc822Zone(&in, &t)) return std::nullopt;
  return ToUnix(t);
}

std::optional<long long> ParseIso8601Date(std::string_view text) {
  Scanner in(Trim(text));
  CivilTime t;
  if (!in.Number(4, 4, &t.year) || !in.Consume('-') ||
      !in.Number(2, 2, &t.month) || !in.Consume('-') ||
      !in.Number(2, 2, &t.day)) {
    return std::nullopt;
  }
  if (in.AtEnd()) return ToUnix(t);
  if (!in.Consume('T') && !in.Consume('t') && !in.Consume(' ')) {
    return std::nullopt;
  }
  if (!in.Number(2, 2, &t.hour) || !in.Consume(':') ||
      !in.Number(2, 2, &t.minute)) {
    return std::nullopt;
  }
  if (in.Consume(':')) {
    if (!in.Number(2, 2, &t.second)) return std::nullopt;
    if (in.Consume('.') || in.Consume(',')) {
      int ignored;
      if (!in.Number(1, 9, &ignored)) return std::nullopt;
      while (IsDigit(in.Peek())) in.Skip();
    }
  }
  if (in.Consume('Z') || in.Consume('z')) {
    // UTC.
  } else if (!in.AtEnd() && !NumericOffset(&in, &t.offset_seconds)) {
    return std::nullopt;
  }
  if (!in.AtEnd()) return std::nullopt;
  return ToUnix(t);
}

std::optional<long long> ParseFeedDate(std::string_view text) {
  if (auto t = ParseRfc822Date(text)) return t;
  return ParseIso8601Date(text);
}

}  // namespace lexwatch::feed
