#ifndef LEXWATCH_DAEMON_BACKTEST_H_
#define LEXWATCH_DAEMON_BACKTEST_H_

#include <map>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

// One act whose routing to an agency differs between two rule sets.
struct BacktestChange {
  std::string item_key;
  std::string celex;
  std::string title;
  std::vector<std::string> rules;   // The rules that fired for the agency.
  std::vector<std::string> topics;  // Their topics, each once.
};

struct AgencyDiff {
  std::string agency_id;
  int live = 0;       // Acts the live rules route to the agency.
  int candidate = 0;  // Acts the candidate rules route to it.
  std::vector<BacktestChange> added;    // Candidate only.
  std::vector<BacktestChange> removed;  // Live only.
  std::map<std::string, int> added_by_topic;
  std::map<std::string, int> removed_by_topic;
};

struct BacktestReport {
  int items = 0;
  std::vector<AgencyDiff> agencies;  // In the order given.
};

// Replays archived items through both rule sets and reports, per agency,
// what the candidate would send that the live rules would not, and the
// reverse. Pure.
BacktestReport RunBacktest(const std::vector<store::ArchivedItem>& items,
                           const rules::Matcher& live,
                           const rules::Matcher& candidate,
                           const std::vector<std::string>& agency_ids);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_BACKTEST_H_
