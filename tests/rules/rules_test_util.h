#ifndef LEXWATCH_TESTS_RULES_RULES_TEST_UTIL_H_
#define LEXWATCH_TESTS_RULES_RULES_TEST_UTIL_H_

#include <set>
#include <string>
#include <vector>

#include "core/item.h"
#include "rules/rule_set.h"

namespace lexwatch::rules::testing {

inline const std::set<std::string>& OsloAgencies() {
  static const std::set<std::string> kAgencies = {"bym", "kli", "pbe", "uke",
                                                  "vav"};
  return kAgencies;
}

inline LoadResult CompileOne(const std::string& text,
                             const std::string& path = "rules/test.toml") {
  return CompileRules({{path, text}}, OsloAgencies());
}

inline std::vector<std::string> Messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) out.push_back(d.ToString());
  return out;
}

inline Item MakeItem(const std::string& title,
                     const std::string& summary = "") {
  Item item;
  item.source = "test";
  item.title = title;
  item.summary = summary;
  return item;
}

inline std::vector<std::string> RuleIds(
    const std::vector<MatchReason>& reasons) {
  std::vector<std::string> ids;
  for (const MatchReason& reason : reasons) ids.push_back(reason.rule_id);
  return ids;
}

}  // namespace lexwatch::rules::testing

#endif  // LEXWATCH_TESTS_RULES_RULES_TEST_UTIL_H_
