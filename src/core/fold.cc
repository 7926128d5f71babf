#include "core/fold.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>

namespace lexwatch {
namespace {

// Compatibility decomposition with case folding and marks removed; the
// result is recomposed afterwards, which gives NFKC_Casefold without marks.
constexpr auto kDecomposeOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);

constexpr auto kCaseFoldOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);

constexpr std::int32_t kReplacementChar = 0xFFFD;

// Letters that Unicode does not decompose into a base letter plus a mark, but
// that Norwegian and other European readers treat as spellings of plain
// letters. Applied after case folding, so only lower case appears here.
const char* SpecialSpelling(std::int32_t cp) {
  switch (cp) {
    case 0x00E6:  // æ
      return "ae";
    case 0x00F8:  // ø
      return "o";
    case 0x0153:  // œ
      return "oe";
    case 0x00FE:  // þ
      return "th";
    case 0x00F0:  // ð
    case 0x0111:  // đ
      return "d";
    case 0x0142:  // ł
      return "l";
    case 0x0131:  // dotless ı
      return "i";
    default:
      return nullptr;
  }
}

// Decodes one code point at `s[pos]`; invalid bytes decode as U+FFFD and
// consume one byte, so folding never fails on unsanitised input.
std::int32_t DecodeAt(std::string_view s, std::size_t pos, std::size_t* len) {
  std::int32_t cp = 0;
  auto n = utf8proc_iterate(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data() + pos),
      static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
  if (n <= 0) {
    *len = 1;
    return kReplacementChar;
  }
  *len = static_cast<std::size_t>(n);
  return cp;
}

void AppendDecomposed(std::int32_t cp, std::vector<std::int32_t>* out) {
  std::int32_t buf[32];
  int boundclass = 0;
  auto n = utf8proc_decompose_char(cp, buf, 32, kDecomposeOptions, &boundclass);
  if (n < 0 || n > 32) {
    out->push_back(cp);  // Longest decomposition is 18 code points.
    return;
  }
  out->insert(out->end(), buf, buf + n);
}

void AppendUtf8(std::int32_t cp, std::string* out) {
  if (const char* spelling = SpecialSpelling(cp)) {
    out->append(spelling);
    return;
  }
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

enum class CharClass { kWord, kMark, kInvisible, kSeparator };

// Letters and digits make words. Combining marks (a decomposed "é") continue
// a word; invisible format characters (soft hyphen, zero-width joiner) are
// skipped inside a word. Everything else, apostrophes and hyphens included,
// separates words.
CharClass Classify(std::int32_t cp) {
  if (cp == 0x200B) return CharClass::kSeparator;  // Zero-width space.
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kWord;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return CharClass::kMark;
    case UTF8PROC_CATEGORY_CF:
      return CharClass::kInvisible;
    default:
      return CharClass::kSeparator;
  }
}

void AddToken(std::string_view utf8, std::size_t begin, std::size_t end,
              std::vector<Token>* tokens) {
  std::string folded = FoldForMatch(utf8.substr(begin, end - begin));
  if (!folded.empty()) tokens->push_back({std::move(folded), begin, end});
}

}  // namespace

std::string FoldForMatch(std::string_view utf8) {
  if (IsAscii(utf8)) {  // The common case in EUR-Lex titles.
    std::string out(utf8);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  std::vector<std::int32_t> cps;
  cps.reserve(utf8.size());
  for (std::size_t pos = 0, len = 0; pos < utf8.size(); pos += len) {
    AppendDecomposed(DecodeAt(utf8, pos, &len), &cps);
  }
  auto n = utf8proc_normalize_utf32(
      cps.data(), static_cast<utf8proc_ssize_t>(cps.size()), UTF8PROC_COMPOSE);
  if (n >= 0) cps.resize(static_cast<std::size_t>(n));
  std::string out;
  out.reserve(utf8.size());
  for (std::int32_t cp : cps) AppendUtf8(cp, &out);
  return out;
}

std::string FoldCase(std::string_view utf8) {
  if (IsAscii(utf8)) return FoldForMatch(utf8);
  utf8proc_uint8_t* folded = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                        static_cast<utf8proc_ssize_t>(utf8.size()), &folded,
                        kCaseFoldOptions);
  if (n < 0) return FoldForMatch(utf8);  // Invalid UTF-8: fold it all.
  std::string out(reinterpret_cast<const char*>(folded),
                  static_cast<std::size_t>(n));
  std::free(folded);
  return out;
}

std::vector<Token> Tokenize(std::string_view utf8) {
  std::vector<Token> tokens;
  bool in_word = false;
  std::size_t word_begin = 0;
  std::size_t word_end = 0;  // After the last letter, digit or mark.
  for (std::size_t pos = 0, len = 0; pos < utf8.size(); pos += len) {
    switch (Classify(DecodeAt(utf8, pos, &len))) {
      case CharClass::kWord:
        if (!in_word) word_begin = pos;
        in_word = true;
        word_end = pos + len;
        break;
      case CharClass::kMark:
        if (in_word) word_end = pos + len;
        break;
      case CharClass::kInvisible:
        break;
      case CharClass::kSeparator:
        if (in_word) AddToken(utf8, word_begin, word_end, &tokens);
        in_word = false;
        break;
    }
  }
  if (in_word) AddToken(utf8, word_begin, word_end, &tokens);
  return tokens;
}

}  // namespace lexwatch
