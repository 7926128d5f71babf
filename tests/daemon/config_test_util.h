#ifndef LEXWATCH_TESTS_DAEMON_CONFIG_TEST_UTIL_H_
#define LEXWATCH_TESTS_DAEMON_CONFIG_TEST_UTIL_H_

#include <string>
#include <vector>

#include "daemon/config.h"

namespace lexwatch::daemon {

// A config load's diagnostics as `check` prints them, one per line.
inline std::vector<std::string> Lines(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : r.diagnostics) out.push_back(d.ToString());
  return out;
}

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_TESTS_DAEMON_CONFIG_TEST_UTIL_H_
