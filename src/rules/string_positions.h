#ifndef LEXWATCH_RULES_STRING_POSITIONS_H_
#define LEXWATCH_RULES_STRING_POSITIONS_H_

#include <string_view>
#include <utility>
#include <vector>

namespace lexwatch::rules {

// (line, column), both 1-based; columns count Unicode characters, as toml++
// does.
using LineColumn = std::pair<int, int>;

// Where each byte of a TOML string value stands in its file. `line` and
// `column` are where toml++ says the value begins (its opening quote);
// `value` is the parsed string. Element i is the position of the source
// character that produced byte i (an escape such as \" maps to its
// backslash); the last element, at index value.size(), is the closing
// delimiter. Works for basic and literal strings, single- and multi-line
// (line-ending backslashes included). When the source cannot be read back to
// `value`, falls back to counting characters from the opening quote on its
// line.
std::vector<LineColumn> StringValuePositions(std::string_view file_text,
                                             int line, int column,
                                             std::string_view value);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_STRING_POSITIONS_H_
