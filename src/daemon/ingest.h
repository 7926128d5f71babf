#ifndef LEXWATCH_DAEMON_INGEST_H_
#define LEXWATCH_DAEMON_INGEST_H_

#include <vector>

#include "core/clock.h"
#include "core/item.h"
#include "core/result.h"
#include "daemon/config.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

struct IngestStats {
  int items = 0;      // Items offered.
  int new_items = 0;  // Not in the archive before.
  int matched = 0;    // Items that matched at least one rule.
  int queued = 0;     // Outbox rows written.
};

// Records parsed items and queues one alert per matched agency that has not
// been alerted about the act yet: match, render (fixed Message-ID and Date)
// and write item and outbox rows in one transaction per item. Call on the
// thread that owns `store`.
class Ingestor {
 public:
  Ingestor(const Config& config, store::Store& store, const Clock& clock)
      : config_(config), store_(store), clock_(clock) {}

  // Stops at the first database failure; items before it stay recorded.
  Result<IngestStats> Ingest(const std::vector<Item>& items,
                             const rules::Matcher& matcher);

 private:
  Status IngestOne(const Item& item, const rules::Matcher& matcher,
                   IngestStats& stats);
  std::vector<store::NewAlert> RenderAlerts(
      const Item& item, const std::vector<rules::MatchReason>& reasons,
      const std::set<std::string>& already_alerted);

  const Config& config_;
  store::Store& store_;
  const Clock& clock_;
};

// "rule-id [topic]: term, term; rule-id [topic]: term" for logs and the
// outbox's reasons column.
std::string SummariseReasons(const std::vector<rules::MatchReason>& reasons);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_INGEST_H_
