#include "mail/mime.h"

#include <fmt/format.h>

#include <chrono>

namespace lexwatch::mail {
namespace {

constexpr std::size_t kQpLineMax = 76;  // RFC 2045 6.7 (5), "=" included.

bool IsLineEnd(std::string_view text, std::size_t i, std::size_t* len) {
  if (text[i] == '\n') {
    *len = 1;
    return true;
  }
  if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
    *len = 2;
    return true;
  }
  return false;
}

bool AtLineEnd(std::string_view text, std::size_t i) {
  std::size_t len;
  return i >= text.size() || IsLineEnd(text, i, &len);
}

// Whether text[i] may stand as itself in quoted-printable; otherwise it is
// written "=XX".
bool QpLiteral(std::string_view text, std::size_t i, bool line_start) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  bool literal = (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t';
  // Trailing blanks are stripped by some gateways and a lone "." line ends
  // SMTP DATA on a careless relay: encode both.
  if ((c == ' ' || c == '\t') && AtLineEnd(text, i + 1)) literal = false;
  if (c == '.' && line_start) literal = false;
  return literal;
}

// Appended in place: a std::string per character made encoding a mail
// mostly malloc.
void AppendQp(char ch, bool literal, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  unsigned char c = static_cast<unsigned char>(ch);
  if (literal) {
    out->push_back(ch);
    return;
  }
  out->push_back('=');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xf]);
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

std::string QuotedPrintableEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t column = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end_len;
    if (IsLineEnd(text, i, &end_len)) {
      out.append("\r\n");
      column = 0;
      i += end_len;
      continue;
    }
    bool literal = QpLiteral(text, i, column == 0);
    // Keep room for the soft break "=" unless this character ends the line.
    std::size_t limit = AtLineEnd(text, i + 1) ? kQpLineMax : kQpLineMax - 1;
    if (column + (literal ? 1 : 3) > limit) {
      out.append("=\r\n");
      column = 0;
      literal = QpLiteral(text, i, true);
    }
    AppendQp(text[i], literal, &out);
    column += literal ? 1 : 3;
    ++i;
  }
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

bool IsHttpUrl(std::string_view url) {
  auto starts_with_nocase = [&](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (!starts_with_nocase("http://") && !starts_with_nocase("https://")) {
    return false;
  }
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' ||
        c == '\\' || c == '`') {
      return false;
    }
  }
  return true;
}

std::size_t Utf8CharLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  auto cont = [&](std::size_t k) { return (byte(k) & 0xC0) == 0x80; };
  unsigned b0 = byte(0);
  if (i >= s.size()) return 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // Overlong.
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // Surrogate.
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // Overlong.
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // Above U+10FFFF.
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

std::string CleanUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8CharLength(s, i);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool c1_control =
        len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if ((len == 1 && (c < 0x20 || c == 0x7f)) || c1_control) {
      out.push_back(' ');
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string TruncateUtf8(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    if (chars == max_chars) {
      return std::string(s.substr(0, i)) + "\xE2\x80\xA6";  // "…"
    }
    std::size_t len = Utf8CharLength(s, i);
    i += len == 0 ? 1 : len;
  }
  return std::string(s);
}

std::string FormatRfc5322Date(TimePoint t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  sys_seconds secs = floor<seconds>(t);
  sys_days day = floor<days>(secs);
  year_month_day ymd(day);
  hh_mm_ss<seconds> hms(secs - day);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
                     kDays[weekday(day).c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::string FormatOsloDate(long long unix_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds(unix_seconds)};
  year y = year_month_day(floor<days>(t)).year();
  // EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC
  // on the last Sunday of October.
  sys_seconds summer_begins = sys_days(y / March / Sunday[last]) + hours(1);
  sys_seconds summer_ends = sys_days(y / October / Sunday[last]) + hours(1);
  bool summer = t >= summer_begins && t < summer_ends;
  sys_seconds local = t + hours(summer ? 2 : 1);
  year_month_day ymd(floor<days>(local));
  return fmt::format("{:02}.{:02}.{:04}", static_cast<unsigned>(ymd.day()),
                     static_cast<unsigned>(ymd.month()),
                     static_cast<int>(ymd.year()));
}

}  // namespace lexwatch::mail
