#include "feed/celex.h"

#include <cstddef>

namespace lexwatch::feed {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool StartsWithNoCase(std::string_view s, std::size_t at,
                      std::string_view upper_prefix) {
  if (s.size() - at < upper_prefix.size()) return false;
  for (std::size_t k = 0; k < upper_prefix.size(); ++k) {
    if (Upper(s[at + k]) != upper_prefix[k]) return false;
  }
  return true;
}

// Reads a CELEX number from `s` at `*i`, accepting "(" and ")" also
// percent-encoded as in links. Appends the number to `out` as written in a
// title. Grammar: sector [0-9CE], year (4 digits), 1-3 type letters, number
// (1+ digits), an optional "(nn)" and an optional corrigendum "R(nn)".
class CelexReader {
 public:
  explicit CelexReader(std::string_view s) : s_(s) {}

  // Returns the number at `at`, or "" when there is none.
  std::string ReadAt(std::size_t at) {
    i_ = at;
    out_.clear();
    if (!Sector() || !Run(IsDigit, 4, 4) || !Run(IsUpper, 1, 3) ||
        !Run(IsDigit, 1, 8)) {
      return "";
    }
    Parenthesised();
    const std::size_t before_corrigendum = i_;
    const std::size_t out_before = out_.size();
    if (i_ < s_.size() && s_[i_] == 'R') {
      ++i_;
      out_.push_back('R');
      if (!Parenthesised()) {
        i_ = before_corrigendum;
        out_.resize(out_before);
      }
    }
    return out_;
  }

 private:
  bool Sector() {
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (!IsDigit(c) && c != 'C' && c != 'E') return false;
    out_.push_back(c);
    ++i_;
    return true;
  }

  bool Run(bool (*pred)(char), std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (i_ < s_.size() && n < max && pred(s_[i_])) {
      out_.push_back(s_[i_++]);
      ++n;
    }
    return n >= min;
  }

  bool Literal(char c, std::string_view encoded) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    if (StartsWithNoCase(s_, i_, encoded)) {
      i_ += encoded.size();
      return true;
    }
    return false;
  }

  // "(nn)"; restores the position when absent.
  bool Parenthesised() {
    const std::size_t start = i_;
    const std::size_t out_start = out_.size();
    if (Literal('(', "%28")) {
      out_.push_back('(');
      if (Run(IsDigit, 1, 4) && Literal(')', "%29")) {
        out_.push_back(')');
        return true;
      }
    }
    i_ = start;
    out_.resize(out_start);
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string out_;
};

struct CelexParts {
  char sector = 0;
  std::string_view type;  // "R", "PC", ...
  bool corrigendum = false;
};

CelexParts Split(std::string_view celex) {
  CelexParts parts;
  parts.sector = celex[0];
  std::size_t i = 5;
  const std::size_t type_begin = i;
  while (i < celex.size() && IsUpper(celex[i])) ++i;
  parts.type = celex.substr(type_begin, i - type_begin);
  // After the type letters only digits follow, so an "R(" is the suffix.
  parts.corrigendum = celex.find("R(", i) != std::string_view::npos;
  return parts;
}

std::string SectorThreeType(std::string_view type) {
  if (type == "R") return "regulation";
  if (type == "L") return "directive";
  if (type == "D") return "decision";
  if (type == "H") return "recommendation";
  return "other";
}

}  // namespace

std::string FindCelex(std::string_view text) {
  CelexReader reader(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t start;
    if (StartsWithNoCase(text, i, "CELEX:")) {
      start = i + 6;
    } else if (StartsWithNoCase(text, i, "CELEX%3A")) {
      start = i + 8;
    } else {
      continue;
    }
    std::string number = reader.ReadAt(start);
    if (!number.empty()) return number;
  }
  return "";
}

bool IsValidCelex(std::string_view celex) {
  CelexReader reader(celex);
  const std::string number = reader.ReadAt(0);
  // Rejects percent-encoded parentheses too: `celex` must be the plain form.
  return !number.empty() && number == celex;
}

std::string DocTypeFromCelex(std::string_view celex) {
  if (celex.empty()) return "";
  if (!IsValidCelex(celex)) return "other";
  const CelexParts parts = Split(celex);
  if (parts.corrigendum) return "corrigendum";
  switch (parts.sector) {
    case '2':
      return parts.type == "D" ? "decision" : "other";
    case '3':
      return SectorThreeType(parts.type);
    case '5':
      if (parts.type == "PC") return "proposal";
      if (parts.type == "DC") return "communication";
      return "other";
    case '6':
      return "judgment";
    default:
      return "other";
  }
}

std::string DocTypeFromCelexAndTitle(std::string_view celex,
                                     std::string_view title) {
  std::string type = DocTypeFromCelex(celex);
  if (type == "decision" && celex[0] == '2' &&
      title.find("EEA Joint Committee") != std::string_view::npos) {
    return "eea-decision";
  }
  return type;
}

}  // namespace lexwatch::feed
