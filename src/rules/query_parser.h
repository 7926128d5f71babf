#ifndef LEXWATCH_RULES_QUERY_PARSER_H_
#define LEXWATCH_RULES_QUERY_PARSER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "rules/rule_spec.h"

namespace lexwatch::rules {

// A query string that does not parse: the byte offset in the query where
// the problem is, and the message (without position).
struct QueryError {
  std::size_t offset = 0;
  std::string message;
};

// Maps a byte offset in the query string (up to its size, which stands for
// the closing quote) to its place in the rule file.
using QueryPositions = std::function<SourcePos(std::size_t offset)>;

// Parses a query string (grammar in query_parser.cc) into `query`, leaves in
// the order written. Returns the first error, if any; `query` is then
// unspecified. Pure.
std::optional<QueryError> ParseQuery(std::string_view text,
                                     const QueryPositions& positions,
                                     Query* query);

// The document types `type:` accepts, in the order messages list them.
const std::vector<std::string>& KnownDocTypes();

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_QUERY_PARSER_H_
