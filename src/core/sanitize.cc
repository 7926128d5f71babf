#include "core/sanitize.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace lexwatch {
namespace {

constexpr std::string_view kEllipsis = "\u2026";
constexpr int32_t kReplacement = 0xFFFD;

// Decodes one code point at `s[i]`. Invalid input yields U+FFFD and consumes
// the bad lead byte plus the continuation bytes it claimed, so one broken
// sequence becomes one replacement character, not three.
int32_t DecodeAt(std::string_view s, std::size_t* i) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + *i;
  const auto left = static_cast<utf8proc_ssize_t>(s.size() - *i);
  int32_t c = -1;
  utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
  if (n > 0) {
    *i += static_cast<std::size_t>(n);
    return c;
  }
  std::size_t len = 1;
  const unsigned char lead = p[0];
  if (lead >= 0xC2 && lead <= 0xF4) {
    const std::size_t want = lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4);
    while (len < want && len < static_cast<std::size_t>(left) &&
           (p[len] & 0xC0) == 0x80) {
      ++len;
    }
  }
  *i += len;
  return kReplacement;
}

void AppendUtf8(int32_t c, std::string* out) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

enum class CharClass { kKeep, kSpace, kDrop };

bool IsBidiControl(int32_t c) {
  switch (utf8proc_get_property(c)->bidi_class) {
    case UTF8PROC_BIDI_CLASS_LRE:
    case UTF8PROC_BIDI_CLASS_LRO:
    case UTF8PROC_BIDI_CLASS_RLE:
    case UTF8PROC_BIDI_CLASS_RLO:
    case UTF8PROC_BIDI_CLASS_PDF:
    case UTF8PROC_BIDI_CLASS_LRI:
    case UTF8PROC_BIDI_CLASS_RLI:
    case UTF8PROC_BIDI_CLASS_FSI:
    case UTF8PROC_BIDI_CLASS_PDI:
      return true;
    default:
      return false;
  }
}

// Line-breaking controls (VT, FF, NEL) count as white space rather than being
// dropped, so "a<NEL>b" does not glue two words together. Bidi embedding and
// override controls are dropped: in a mail subject they can make a title read
// differently from what it says.
CharClass Classify(int32_t c) {
  if (c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C ||
      c == 0x85 || c == 0x2028 || c == 0x2029) {
    return CharClass::kSpace;
  }
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
      return CharClass::kSpace;
    case UTF8PROC_CATEGORY_CC:
      return CharClass::kDrop;
    default:
      break;
  }
  if (c == 0xFEFF || IsBidiControl(c)) return CharClass::kDrop;
  return CharClass::kKeep;
}

// Largest cut position <= limit that lies on a code point boundary.
std::size_t CodePointCut(std::string_view s, std::size_t limit) {
  std::size_t cut = std::min(limit, s.size());
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// Largest cut position <= limit that lies on a grapheme cluster boundary, so
// a base letter is not separated from its combining accent. Falls back to a
// code point boundary when the first cluster alone is longer than `limit`.
std::size_t GraphemeCut(std::string_view s, std::size_t limit) {
  std::size_t best = 0;
  std::size_t i = 0;
  int32_t prev = -1;
  utf8proc_int32_t state = 0;
  while (i < s.size() && i <= limit) {
    const std::size_t at = i;
    const int32_t c = DecodeAt(s, &i);
    if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, c, &state)) {
      best = at;
    }
    prev = c;
  }
  if (i <= limit) best = i;
  return best > 0 ? best : CodePointCut(s, limit);
}

std::string CutWithEllipsis(std::string s, std::size_t max_bytes) {
  if (max_bytes < kEllipsis.size()) {
    s.resize(CodePointCut(s, max_bytes));
    return s;
  }
  s.resize(GraphemeCut(s, max_bytes - kEllipsis.size()));
  while (!s.empty() && s.back() == ' ') s.pop_back();
  s.append(kEllipsis);
  return s;
}

// --- HTML to text -----------------------------------------------------------

struct NamedEntity {
  std::string_view name;
  int32_t code_point;
};

// The entities feeds actually use; anything else stays as written.
constexpr NamedEntity kNamedEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},    {"hellip", 0x2026}, {"rsquo", 0x2019},
    {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"sbquo", 0x201A},
    {"bdquo", 0x201E}, {"ndash", 0x2013}, {"mdash", 0x2014},  {"euro", 0x20AC},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"copy", 0xA9},     {"reg", 0xAE},
    {"trade", 0x2122}, {"deg", 0xB0},     {"sect", 0xA7},     {"para", 0xB6},
    {"middot", 0xB7},  {"bull", 0x2022},  {"times", 0xD7},    {"shy", 0xAD},
    {"pound", 0xA3},   {"aring", 0xE5},   {"Aring", 0xC5},    {"aelig", 0xE6},
    {"AElig", 0xC6},   {"oslash", 0xF8},  {"Oslash", 0xD8},   {"auml", 0xE4},
    {"Auml", 0xC4},    {"ouml", 0xF6},    {"Ouml", 0xD6},     {"uuml", 0xFC},
    {"Uuml", 0xDC},    {"euml", 0xEB},    {"iuml", 0xEF},     {"szlig", 0xDF},
    {"eacute", 0xE9},  {"Eacute", 0xC9},  {"egrave", 0xE8},   {"Egrave", 0xC8},
    {"ecirc", 0xEA},   {"aacute", 0xE1},  {"Aacute", 0xC1},   {"agrave", 0xE0},
    {"Agrave", 0xC0},  {"acirc", 0xE2},   {"atilde", 0xE3},   {"iacute", 0xED},
    {"Iacute", 0xCD},  {"icirc", 0xEE},   {"oacute", 0xF3},   {"Oacute", 0xD3},
    {"ograve", 0xF2},  {"ocirc", 0xF4},   {"otilde", 0xF5},   {"uacute", 0xFA},
    {"Uacute", 0xDA},  {"ugrave", 0xF9},  {"ucirc", 0xFB},    {"ccedil", 0xE7},
    {"Ccedil", 0xC7},  {"ntilde", 0xF1},  {"Ntilde", 0xD1},   {"yacute", 0xFD},
};

// Tags that do not separate words; every other tag becomes a space so that
// "<p>one</p><p>two</p>" reads "one two".
constexpr std::string_view kInlineTags[] = {
    "a",    "abbr",   "b",   "bdi",  "cite", "code", "em",
    "font", "i",      "kbd", "mark", "q",    "s",    "small",
    "span", "strong", "sub", "sup",  "time", "u"};

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }

// Position of the first case-insensitive match of the lower-case `needle` at
// or after `from`, or npos.
std::size_t FindNoCase(std::string_view hay, std::string_view needle,
                       std::size_t from) {
  auto it = std::search(hay.begin() + static_cast<std::ptrdiff_t>(from),
                        hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return AsciiLower(a) == b; });
  return it == hay.end() ? std::string_view::npos
                         : static_cast<std::size_t>(it - hay.begin());
}

bool IsValidScalar(int64_t c) {
  return c > 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

// Decodes the entity starting at html[i] == '&'. On success appends the text,
// advances `i` past the entity and returns true.
bool DecodeEntity(std::string_view html, std::size_t* i, std::string* out) {
  std::size_t j = *i + 1;
  if (j < html.size() && html[j] == '#') {
    ++j;
    const bool hex = j < html.size() && (html[j] == 'x' || html[j] == 'X');
    if (hex) ++j;
    const std::size_t digits_begin = j;
    int64_t value = 0;
    for (; j < html.size() && j - digits_begin < 8; ++j) {
      const char c = AsciiLower(html[j]);
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + digit;
    }
    if (j == digits_begin) return false;
    if (j < html.size() && html[j] == ';') ++j;
    // &#0; and out-of-range references are dropped, not replaced.
    if (IsValidScalar(value)) AppendUtf8(static_cast<int32_t>(value), out);
    *i = j;
    return true;
  }
  const std::size_t name_begin = j;
  while (j < html.size() && j - name_begin < 10 && IsAsciiAlnum(html[j])) ++j;
  if (j == name_begin || j >= html.size() || html[j] != ';') return false;
  const std::string_view name = html.substr(name_begin, j - name_begin);
  for (const NamedEntity& e : kNamedEntities) {
    if (e.name == name) {
      AppendUtf8(e.code_point, out);
      *i = j + 1;
      return true;
    }
  }
  return false;
}

// Skips the markup starting at html[i] == '<' and returns the position after
// it; appends a space for word-separating tags. Returns npos when the markup
// runs to the end of the input.
std::size_t SkipMarkup(std::string_view html, std::size_t i, std::string* out) {
  if (html.substr(i, 4) == "<!--") {
    const std::size_t end = html.find("-->", i + 4);
    return end == std::string_view::npos ? end : end + 3;
  }
  std::size_t j = i + 1;
  const bool closing = j < html.size() && html[j] == '/';
  if (closing) ++j;
  const std::size_t name_begin = j;
  while (j < html.size() && IsAsciiAlnum(html[j])) ++j;
  std::string name(html.substr(name_begin, j - name_begin));
  std::transform(name.begin(), name.end(), name.begin(), AsciiLower);
  // Attribute values may hold '>' in theory; feeds escape it in practice, and
  // honouring quotes would make unterminated ones quadratic.
  std::size_t end = html.find('>', j);
  if (end == std::string_view::npos) return end;
  ++end;
  if (!closing && (name == "script" || name == "style")) {
    const std::size_t close = FindNoCase(html, "</" + name, end);
    if (close == std::string_view::npos) return close;
    end = html.find('>', close);
    if (end == std::string_view::npos) return end;
    ++end;
  }
  if (std::find(std::begin(kInlineTags), std::end(kInlineTags), name) ==
      std::end(kInlineTags)) {
    out->push_back(' ');
  }
  return end;
}

bool StartsMarkup(std::string_view html, std::size_t i) {
  if (i + 1 >= html.size()) return false;
  const char next = html[i + 1];
  return IsAsciiAlpha(next) || next == '/' || next == '!' || next == '?';
}

// Classify() for each ASCII byte: C0 controls and DEL are Cc (dropped)
// except the white-space ones; the space is Zs.
constexpr std::array<CharClass, 128> kAsciiClasses = [] {
  std::array<CharClass, 128> classes{};
  for (int c = 0; c < 128; ++c) {
    if (c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C ||
        c == ' ') {
      classes[c] = CharClass::kSpace;
    } else if (c < 0x20 || c == 0x7F) {
      classes[c] = CharClass::kDrop;
    } else {
      classes[c] = CharClass::kKeep;
    }
  }
  return classes;
}();

// SanitizeLine's loop over the ASCII bytes from in[i] on: appends runs of kept
// bytes whole. Returns the position of the first non-ASCII byte, the end, or
// the position where the output first exceeds `max_bytes`.
std::size_t AppendAsciiRun(std::string_view in, std::size_t i,
                           std::size_t max_bytes, bool* pending_space,
                           std::string* out) {
  while (i < in.size() && out->size() <= max_bytes) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c >= 0x80) break;
    const CharClass cls = kAsciiClasses[c];
    if (cls != CharClass::kKeep) {
      if (cls == CharClass::kSpace) *pending_space = true;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < in.size() && static_cast<unsigned char>(in[end]) < 0x80 &&
           kAsciiClasses[static_cast<unsigned char>(in[end])] ==
               CharClass::kKeep) {
      ++end;
    }
    if (*pending_space && !out->empty()) out->push_back(' ');
    *pending_space = false;
    // Take no more than the cut can look at, so hostile megabytes are not
    // copied.
    const std::size_t room = max_bytes + 1 - out->size();
    end = std::min(end, i + room);
    out->append(in.data() + i, end - i);
    i = end;
  }
  return i;
}

// The 8 bytes at `p`, the first in the lowest bits on any host, as
// CleanAsciiWord expects.
std::uint64_t LoadLittleEndian(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  return w;
}

// True when the 8 bytes in `w` hold only printable ASCII and spaces, with no
// two spaces in a row; `after_space` says whether the byte before was a
// space (or there was none), and is updated. The bit tricks are from "Bit
// Twiddling Hacks" (hasless, hasmore, haszero); they tell whether any byte
// matches, exactly, which is all this needs.
bool CleanAsciiWord(std::uint64_t w, bool* after_space) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighs = kOnes * 0x80;
  constexpr std::uint64_t kLows = kOnes * 0x7F;
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const std::uint64_t above_tilde = ((w + kOnes * (127 - 0x7E)) | w) & kHighs;
  // The high bit of each byte that is a space.
  const std::uint64_t x = w ^ (kOnes * 0x20);
  const std::uint64_t spaces = ~(((x & kLows) + kLows) | x | kLows);
  // Byte k of the text is bits 8k..8k+7 (LoadLittleEndian): the byte before
  // it is 8 bits lower, and the last one is the top byte.
  const std::uint64_t doubled =
      spaces & ((spaces << 8) | (*after_space ? 0x80u : 0u));
  if (below_space | above_tilde | doubled) return false;
  *after_space = (spaces >> 63) != 0;
  return true;
}

// Length of the longest prefix of `in` that SanitizeLine copies as it is:
// printable ASCII that starts with a word and has single spaces between
// words. Most feed text is such a prefix from end to end, so it is checked
// eight bytes at a time.
std::size_t CleanAsciiPrefix(std::string_view in) {
  std::size_t i = 0;
  bool after_space = true;  // A leading space is not clean.
  for (; i + 8 <= in.size(); i += 8) {
    if (!CleanAsciiWord(LoadLittleEndian(in.data() + i), &after_space)) break;
  }
  for (; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == ' ') {
      if (after_space) break;
      after_space = true;
    } else if (c > ' ' && c < 0x7F) {
      after_space = false;
    } else {
      break;
    }
  }
  // A trailing space is kept only when another word follows it.
  if (i > 0 && in[i - 1] == ' ') --i;
  return i;
}

}  // namespace

std::string SanitizeLine(std::string_view in, std::size_t max_bytes) {
  const std::size_t clean = CleanAsciiPrefix(in);
  if (clean == in.size() && clean <= max_bytes) return std::string(in);
  std::string out;
  out.reserve(std::min(in.size(), max_bytes) + 4);
  // Past max_bytes + 1 the cut looks no further.
  std::size_t i = std::min(clean, max_bytes + 1);
  out.append(in.data(), i);
  bool pending_space = false;
  // Stop reading once the output is known to be too long: the input may be
  // megabytes of hostile text. Reading a little past that point is harmless:
  // the cut looks only at the first max_bytes + 1 bytes of the output.
  while (i < in.size() && out.size() <= max_bytes) {
    if (static_cast<unsigned char>(in[i]) < 0x80) {
      // Feed text is nearly all ASCII, whose classes need no Unicode tables.
      i = AppendAsciiRun(in, i, max_bytes, &pending_space, &out);
      continue;
    }
    const int32_t c = DecodeAt(in, &i);
    switch (Classify(c)) {
      case CharClass::kDrop:
        continue;
      case CharClass::kSpace:
        pending_space = true;
        continue;
      case CharClass::kKeep:
        break;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    AppendUtf8(c, &out);
  }
  if (out.size() <= max_bytes) return out;
  return CutWithEllipsis(std::move(out), max_bytes);
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(
        p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &c);
    if (n <= 0) return false;
    i += static_cast<std::size_t>(n);
  }
  return true;
}

std::string HtmlToText(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<' && StartsMarkup(html, i)) {
      i = SkipMarkup(html, i, &out);
      if (i == std::string_view::npos) break;
    } else if (c == '&' && DecodeEntity(html, &i, &out)) {
      continue;
    } else {
      // Copy up to the next byte that may start markup or an entity.
      // (A plain loop: find_first_of calls memchr once per byte.)
      std::size_t next = i + 1;
      while (next < html.size() && html[next] != '<' && html[next] != '&') {
        ++next;
      }
      out.append(html.data() + i, next - i);
      i = next;
    }
  }
  return out;
}

}  // namespace lexwatch
