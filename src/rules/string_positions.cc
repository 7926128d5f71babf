#include "rules/string_positions.h"

#include <charconv>
#include <string>

namespace lexwatch::rules {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Walks raw TOML source, keeping the line and column of the cursor.
class SourceCursor {
 public:
  SourceCursor(std::string_view text, std::size_t offset, LineColumn where)
      : text_(text), offset_(offset), where_(where) {}

  bool AtEnd() const { return offset_ >= text_.size(); }
  bool LookingAt(std::string_view s) const {
    return text_.substr(offset_).starts_with(s);
  }
  char Peek(std::size_t ahead = 0) const {
    return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
  }
  LineColumn where() const { return where_; }

  // Moves past one character (all its UTF-8 bytes), appending its bytes.
  void Take(std::string* out) {
    do {
      if (out != nullptr) out->push_back(text_[offset_]);
      ++offset_;
    } while (!AtEnd() && IsContinuationByte(text_[offset_]));
    if (text_[offset_ - 1] == '\n') {
      where_ = {where_.first + 1, 1};
    } else {
      ++where_.second;
    }
  }
  void Skip(std::size_t characters) {
    for (std::size_t i = 0; i < characters && !AtEnd(); ++i) Take(nullptr);
  }

 private:
  std::string_view text_;
  std::size_t offset_;
  LineColumn where_;
};

void AppendUtf8(unsigned long cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the escape at the cursor (a backslash) into `out`.
void TakeEscape(SourceCursor* cursor, bool multi_line, std::string* out) {
  cursor->Skip(1);
  const char c = cursor->Peek();
  static const std::string_view kSimple = "btnfre\"\\";
  static const std::string_view kDecoded = "\b\t\n\f\r\x1b\"\\";
  if (std::size_t i = kSimple.find(c); c != '\0' && i != kSimple.npos) {
    out->push_back(kDecoded[i]);
    cursor->Skip(1);
  } else if (c == 'u' || c == 'U') {
    const std::size_t digits = c == 'u' ? 4 : 8;
    std::string hex;
    cursor->Skip(1);
    for (std::size_t i = 0; i < digits; ++i) cursor->Take(&hex);
    unsigned long cp = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
    AppendUtf8(cp, out);
  } else if (multi_line) {
    // A line-ending backslash swallows the line break and the blanks after.
    while (!cursor->AtEnd() &&
           (cursor->Peek() == ' ' || cursor->Peek() == '\t' ||
            cursor->Peek() == '\r' || cursor->Peek() == '\n')) {
      cursor->Skip(1);
    }
  }
}

// Reads the string literal at the cursor, recording positions.
std::string ReadBack(SourceCursor cursor, std::vector<LineColumn>* positions) {
  std::string value;
  const bool literal = cursor.Peek() == '\'';
  const std::string_view delimiter = cursor.LookingAt("\"\"\"") ? "\"\"\""
                                     : cursor.LookingAt("'''")  ? "'''"
                                     : literal                  ? "'"
                                                                : "\"";
  const bool multi_line = delimiter.size() == 3;
  cursor.Skip(delimiter.size());
  if (multi_line && cursor.LookingAt("\r\n")) cursor.Skip(2);
  if (multi_line && cursor.LookingAt("\n")) cursor.Skip(1);
  while (!cursor.AtEnd() && !cursor.LookingAt(delimiter)) {
    const LineColumn here = cursor.where();
    if (!literal && cursor.Peek() == '\\') {
      TakeEscape(&cursor, multi_line, &value);
    } else {
      cursor.Take(&value);
    }
    positions->resize(value.size(), here);
  }
  positions->push_back(cursor.where());
  return value;
}

std::vector<LineColumn> CountFromQuote(int line, int column,
                                       std::string_view value) {
  std::vector<LineColumn> positions;
  int col = column + 1;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i > 0 && !IsContinuationByte(value[i])) ++col;
    positions.push_back({line, col});
  }
  positions.push_back({line, col + (value.empty() ? 0 : 1)});
  return positions;
}

}  // namespace

std::vector<LineColumn> StringValuePositions(std::string_view file_text,
                                             int line, int column,
                                             std::string_view value) {
  std::size_t offset = 0;
  for (int l = 1; l < line && offset != std::string_view::npos; ++l) {
    offset = file_text.find('\n', offset);
    if (offset != std::string_view::npos) ++offset;
  }
  if (offset == std::string_view::npos) {
    return CountFromQuote(line, column, value);
  }
  SourceCursor cursor(file_text, offset, {line, 1});
  cursor.Skip(static_cast<std::size_t>(column - 1));
  std::vector<LineColumn> positions;
  if (ReadBack(cursor, &positions) != value) {
    return CountFromQuote(line, column, value);
  }
  return positions;
}

}  // namespace lexwatch::rules
