#include "daemon/backtest.h"

#include <algorithm>

namespace lexwatch::daemon {
namespace {

// The rules (and their topics) that route `item` to each agency.
// `reasons` is scratch space, reused from item to item.
std::map<std::string, BacktestChange> Route(
    const store::ArchivedItem& a, const rules::Matcher& matcher,
    std::vector<rules::MatchReason>& reasons) {
  std::map<std::string, BacktestChange> by_agency;
  matcher.MatchInto(a.item, &reasons);
  for (const rules::MatchReason& r : reasons) {
    for (const std::string& agency : r.agencies) {
      BacktestChange& c = by_agency[agency];
      c.item_key = a.key;
      c.celex = a.item.celex;
      c.title = a.item.title;
      c.rules.push_back(r.rule_id);
      if (std::find(c.topics.begin(), c.topics.end(), r.topic) ==
          c.topics.end()) {
        c.topics.push_back(r.topic);
      }
    }
  }
  return by_agency;
}

void Record(BacktestChange change, std::vector<BacktestChange>& list,
            std::map<std::string, int>& by_topic) {
  for (const std::string& topic : change.topics) ++by_topic[topic];
  list.push_back(std::move(change));
}

}  // namespace

BacktestReport RunBacktest(const std::vector<store::ArchivedItem>& items,
                           const rules::Matcher& live,
                           const rules::Matcher& candidate,
                           const std::vector<std::string>& agency_ids) {
  BacktestReport report;
  std::map<std::string, AgencyDiff> diffs;
  for (const std::string& id : agency_ids) diffs[id].agency_id = id;
  std::vector<rules::MatchReason> reasons;
  for (const store::ArchivedItem& a : items) {
    ++report.items;
    std::map<std::string, BacktestChange> before = Route(a, live, reasons);
    std::map<std::string, BacktestChange> after = Route(a, candidate, reasons);
    for (auto& [agency, diff] : diffs) {
      auto was = before.find(agency);
      auto now = after.find(agency);
      bool in_live = was != before.end();
      bool in_candidate = now != after.end();
      diff.live += in_live;
      diff.candidate += in_candidate;
      if (in_candidate && !in_live) {
        Record(std::move(now->second), diff.added, diff.added_by_topic);
      } else if (in_live && !in_candidate) {
        Record(std::move(was->second), diff.removed, diff.removed_by_topic);
      }
    }
  }
  for (const std::string& id : agency_ids) {
    report.agencies.push_back(std::move(diffs[id]));
  }
  return report;
}

}  // namespace lexwatch::daemon
