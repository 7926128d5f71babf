#ifndef LEXWATCH_DAEMON_METRICS_H_
#define LEXWATCH_DAEMON_METRICS_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mail/dispatcher.h"

namespace lexwatch::daemon {

// What one source has done since the daemon started.
struct SourceMetrics {
  long long items_fetched = 0;
  long long items_new = 0;
  long long items_matched = 0;
  long long poll_failures = 0;
  std::optional<long long> last_success;  // Unix seconds.
};

// Mail outcomes since the daemon started.
struct MailMetrics {
  long long sent = 0;
  long long deferred = 0;
  long long failed = 0;
  long long held = 0;
  long long expired = 0;
};

// Everything the counters hold, copied out under the lock.
struct MetricsSnapshot {
  std::map<std::string, SourceMetrics> sources;
  MailMetrics mail;
  int rules_loaded = 0;
};

// Read from the database at scrape time rather than counted, so they are
// right across restarts.
struct OutboxGauges {
  std::map<std::string, long long> counts;  // By state.
  long long oldest_waiting_age = 0;         // Seconds; 0 when none waits.
};

// The daemon's counters for /metrics. In memory only: they start at zero
// with the process, as Prometheus expects of counters. Thread-safe: the
// event loop counts polls, the mail thread counts deliveries.
class Metrics {
 public:
  // Makes `source` appear (with zeros) before its first poll.
  void AddSource(const std::string& source,
                 std::optional<long long> last_success);
  void CountPoll(const std::string& source, int fetched, int new_items,
                 int matched);
  void CountPollFailure(const std::string& source);
  void SetLastSuccess(const std::string& source, long long unix_seconds);
  void CountMail(const mail::DispatchStats& stats);
  void SetRulesLoaded(int rules);
  MetricsSnapshot Snapshot() const;

 private:
  mutable std::mutex mu_;
  MetricsSnapshot data_;
};

// The Prometheus text exposition format (version 0.0.4) of the counters,
// the outbox gauges and the build info. Pure.
std::string RenderMetrics(const MetricsSnapshot& snapshot,
                          const OutboxGauges& outbox, std::string_view version);

// The Content-Type of RenderMetrics' text.
inline constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_METRICS_H_
