// The daemon's side of [metrics]: the listener, the text it serves and what
// /healthz calls unhealthy. Runs on the event-loop thread.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/version.h"
#include "daemon/daemon.h"

namespace lexwatch::daemon {

Status Daemon::StartMetrics() {
  for (const SourceConfig& source : config_.sources) {
    Result<store::SourceState> state = store_->GetSource(source.name);
    metrics_.AddSource(source.name,
                       state.ok() ? state->last_success : std::nullopt);
  }
  // One cycle and out: nobody would scrape it.
  if (options_.once || !config_.metrics.enabled()) return Status::Ok();
  Result<std::unique_ptr<MetricsServer>> server = MetricsServer::Listen(
      io_, config_.metrics.address, config_.metrics.port,
      MetricsHandlers{[this]() { return MetricsText(); },
                      [this]() { return CheckHealth(); }});
  if (!server.ok()) return server.status();
  metrics_server_ = std::move(server.value());
  spdlog::info("metrics: serving /metrics and /healthz on {}:{}",
               config_.metrics.address, metrics_server_->port());
  return Status::Ok();
}

std::string Daemon::MetricsText() {
  OutboxGauges outbox;
  Result<std::map<std::string, long long>> counts = store_->OutboxCounts();
  if (counts.ok()) outbox.counts = std::move(*counts);
  Result<std::optional<long long>> oldest = store_->OldestWaitingCreated();
  if (oldest.ok() && oldest->has_value()) {
    outbox.oldest_waiting_age =
        std::max(0LL, ToUnixSeconds(clock_.Now()) - **oldest);
  }
  if (!counts.ok() || !oldest.ok()) {
    spdlog::error("metrics: cannot read the outbox: {}",
                  (counts.ok() ? oldest.status() : counts.status()).message());
  }
  return RenderMetrics(metrics_.Snapshot(), outbox, kVersion);
}

// Unhealthy means an administrator should look now: the database cannot be
// read or a write to it failed (the watchdog stops too), the SMTP server
// refuses our login (mail is held), or every source failed its last poll.
// A loop that is stuck does not answer at all, which a prober sees as a
// timeout.
HealthReport Daemon::CheckHealth() {
  if (exit_code_ != 0) {
    return {false, "database: a write failed; lexwatch needs a restart"};
  }
  Result<std::map<std::string, long long>> counts = store_->OutboxCounts();
  if (!counts.ok()) return {false, "database: " + counts.status().message()};
  if ((*counts)[store::kHeld] > 0) {
    return {false,
            "mail held: the SMTP server refuses the login "
            "(lexwatch outbox list --state held)"};
  }
  std::size_t failing = 0;
  for (const auto& [name, good] : source_ok_) failing += good ? 0 : 1;
  if (!sources_.empty() && failing == sources_.size()) {
    return {false, "every source is failing (lexwatch status)"};
  }
  return {true, ""};
}

}  // namespace lexwatch::daemon
