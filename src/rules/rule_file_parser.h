#ifndef LEXWATCH_RULES_RULE_FILE_PARSER_H_
#define LEXWATCH_RULES_RULE_FILE_PARSER_H_

#include <set>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rule_spec.h"

namespace lexwatch::rules {

// The topics a rule may name, sorted.
const std::set<std::string>& KnownTopics();

// Parses and checks one rule file. Appends every problem found to
// `diagnostics` (errors and warnings, in file order) and returns the rules
// that carry an id, including faulty and disabled ones, so that the caller
// can still report duplicate ids; callers must not compile the rules when an
// error was reported. Pure.
std::vector<RuleSpec> ParseRuleFile(const RuleFile& file,
                                    const std::set<std::string>& agencies,
                                    std::vector<Diagnostic>* diagnostics);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_RULE_FILE_PARSER_H_
