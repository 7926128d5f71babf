#ifndef LEXWATCH_DAEMON_INGEST_H_
#define LEXWATCH_DAEMON_INGEST_H_

#include <cstddef>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/item.h"
#include "core/result.h"
#include "daemon/config.h"
#include "mail/template_set.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

struct IngestStats {
  int items = 0;      // Items offered.
  int new_items = 0;  // Not in the archive before.
  int matched = 0;    // Items that matched at least one rule.
  int queued = 0;     // Outbox rows written.
  int pending = 0;    // Entries added to (or refreshed in) agencies' digests.
};

// Records parsed items and queues one alert per matched agency that has not
// been alerted about the act yet: match, render (fixed Message-ID and Date)
// and write item and outbox rows, kItemsPerTransaction items to a
// transaction. An agency
// with a daily or weekly cadence gets the act in its next digest instead
// (see Digester), unless one of its reasons is urgent: then it is alerted at
// once as before, and an entry already waiting in its digest is taken out,
// so the act reaches it exactly once either way. An agency that has the act
// in a digest already is not alerted again. Call on the thread that owns
// `store`.
class Ingestor {
 public:
  Ingestor(const Config& config, store::Store& store, const Clock& clock)
      : config_(config), store_(store), clock_(clock) {}

  // Items are written in transactions of this many: one sync to disk per
  // transaction rather than per item, while a 20,000-row CELLAR poll does
  // not keep the database locked from the mail thread for long.
  static constexpr int kItemsPerTransaction = 500;

  // Stops at the first database failure: the transaction it happened in
  // is rolled back whole (items, their outbox rows and digest entries);
  // those committed before it stay recorded. Alerts are logged once their
  // transaction commits.
  Result<IngestStats> Ingest(const std::vector<Item>& items,
                             const rules::Matcher& matcher);

  // The mail templates alerts are rendered with (null: the built-in ones).
  void set_templates(std::shared_ptr<const mail::TemplateSet> templates) {
    templates_ = std::move(templates);
  }

 private:
  // One transaction's worth: items[begin, end).
  Status IngestChunk(const std::vector<Item>& items, std::size_t begin,
                     std::size_t end, const rules::Matcher& matcher,
                     IngestStats& stats, std::vector<std::string>& log);
  Status IngestOne(const Item& item, const rules::Matcher& matcher,
                   IngestStats& stats, std::vector<std::string>& log);
  Result<std::set<std::string>> AlertedAgencies(const std::string& key);
  struct Routed {
    std::vector<store::NewAlert> alerts;
    std::vector<store::PendingEntry> pending;
  };
  // The agencies not yet alerted about `item`: a rendered alert for each
  // that hears at once, a digest entry for the others.
  Routed Route(const Item& item, const std::vector<rules::MatchReason>& reasons,
               const std::set<std::string>& already_alerted);
  store::NewAlert RenderAlert(const Item& item, const AgencyConfig& agency,
                              const std::vector<rules::MatchReason>& reasons);

  const Config& config_;
  store::Store& store_;
  const Clock& clock_;
  std::shared_ptr<const mail::TemplateSet> templates_;
};

// "rule-id [topic]: term, term; rule-id [topic]: term" for logs and the
// outbox's reasons column.
std::string SummariseReasons(const std::vector<rules::MatchReason>& reasons);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_INGEST_H_
