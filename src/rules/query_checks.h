#ifndef LEXWATCH_RULES_QUERY_CHECKS_H_
#define LEXWATCH_RULES_QUERY_CHECKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rule_spec.h"

namespace lexwatch::rules {

// The query the any/all/none lists say: (any1 OR any2 ...) AND all1 AND ...
// AND NOT (none1 OR ...), every term looked for in `fields`.
Query ListsToQuery(const std::vector<Term>& any, const std::vector<Term>& all,
                   const std::vector<Term>& none, std::uint16_t fields);

// True when every word of `term` is a stopword (English or Norwegian) or a
// word of one or two letters, or it is a prefix of at most two characters.
bool IsCommonTerm(const Term& term);

// Warnings about a valid query, at the place of the term concerned (path
// left empty): a required term that is also excluded ("rule 'x' can never
// match: term 'y' is required and also excluded"), and a rule that fires on
// common words alone ("rule 'x' matches almost everything: 'the' is a very
// common word"). `name` is "rule 'x'".
std::vector<Diagnostic> QueryWarnings(const Query& query,
                                      const std::string& name);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_QUERY_CHECKS_H_
