#include "daemon/metrics.h"

#include <functional>

namespace lexwatch::daemon {
namespace {

// Label values escape backslash, double quote and line feed (format 0.0.4).
std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string& out, std::string_view name, std::string_view label,
            std::string_view value, long long number) {
  out.append(name);
  if (!label.empty()) {
    out.append("{").append(label).append("=\"");
    out.append(EscapeLabel(value)).append("\"}");
  }
  out.append(" ").append(std::to_string(number)).append("\n");
}

// One family with one sample per source.
void PerSource(std::string& out, const MetricsSnapshot& s,
               std::string_view name, std::string_view type,
               std::string_view help,
               const std::function<long long(const SourceMetrics&)>& get) {
  Header(out, name, type, help);
  for (const auto& [source, m] : s.sources) {
    Sample(out, name, "source", source, get(m));
  }
}

void RenderSources(std::string& out, const MetricsSnapshot& s) {
  PerSource(out, s, "lexwatch_source_items_fetched_total", "counter",
            "Items parsed from the source's feed.",
            [](const SourceMetrics& m) { return m.items_fetched; });
  PerSource(out, s, "lexwatch_source_items_new_total", "counter",
            "Items not in the archive before.",
            [](const SourceMetrics& m) { return m.items_new; });
  PerSource(out, s, "lexwatch_source_items_matched_total", "counter",
            "Fetched items that matched at least one rule, new or known.",
            [](const SourceMetrics& m) { return m.items_matched; });
  PerSource(out, s, "lexwatch_source_poll_failures_total", "counter",
            "Polls that failed (network, HTTP, parse or database error).",
            [](const SourceMetrics& m) { return m.poll_failures; });
  PerSource(out, s, "lexwatch_source_last_success_timestamp_seconds", "gauge",
            "Unix time of the source's last successful poll (0: never).",
            [](const SourceMetrics& m) { return m.last_success.value_or(0); });
}

void RenderMail(std::string& out, const MailMetrics& m) {
  constexpr std::string_view kName = "lexwatch_mail_deliveries_total";
  Header(out, kName, "counter",
         "Delivery attempts by outcome: sent, deferred (retried later), "
         "failed (rejected for good), held (login refused), expired.");
  Sample(out, kName, "outcome", "sent", m.sent);
  Sample(out, kName, "outcome", "deferred", m.deferred);
  Sample(out, kName, "outcome", "failed", m.failed);
  Sample(out, kName, "outcome", "held", m.held);
  Sample(out, kName, "outcome", "expired", m.expired);
}

void RenderOutbox(std::string& out, const OutboxGauges& outbox) {
  constexpr std::string_view kMessages = "lexwatch_outbox_messages";
  Header(out, kMessages, "gauge", "Outbox rows by state.");
  for (const auto& [state, count] : outbox.counts) {
    Sample(out, kMessages, "state", state, count);
  }
  constexpr std::string_view kAge =
      "lexwatch_outbox_oldest_waiting_age_seconds";
  Header(out, kAge, "gauge",
         "Age of the oldest undelivered message (queued, sending, deferred "
         "or held); 0 when none waits.");
  Sample(out, kAge, "", "", outbox.oldest_waiting_age);
}

}  // namespace

void Metrics::AddSource(const std::string& source,
                        std::optional<long long> last_success) {
  std::lock_guard<std::mutex> lock(mu_);
  SourceMetrics& m = data_.sources[source];
  if (!m.last_success) m.last_success = last_success;
}

void Metrics::CountPoll(const std::string& source, int fetched, int new_items,
                        int matched) {
  std::lock_guard<std::mutex> lock(mu_);
  SourceMetrics& m = data_.sources[source];
  m.items_fetched += fetched;
  m.items_new += new_items;
  m.items_matched += matched;
}

void Metrics::CountPollFailure(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  ++data_.sources[source].poll_failures;
}

void Metrics::SetLastSuccess(const std::string& source,
                             long long unix_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.sources[source].last_success = unix_seconds;
}

void Metrics::CountMail(const mail::DispatchStats& stats) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.mail.sent += stats.sent;
  data_.mail.deferred += stats.deferred;
  data_.mail.failed += stats.failed;
  data_.mail.held += stats.held;
  data_.mail.expired += stats.expired;
}

void Metrics::SetRulesLoaded(int rules) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.rules_loaded = rules;
}

MetricsSnapshot Metrics::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

std::string RenderMetrics(const MetricsSnapshot& snapshot,
                          const OutboxGauges& outbox,
                          std::string_view version) {
  std::string out;
  Header(out, "lexwatch_build_info", "gauge",
         "Always 1; the version is in the label.");
  Sample(out, "lexwatch_build_info", "version", version, 1);
  RenderSources(out, snapshot);
  RenderMail(out, snapshot.mail);
  RenderOutbox(out, outbox);
  Header(out, "lexwatch_rules_loaded", "gauge", "Rules in force.");
  Sample(out, "lexwatch_rules_loaded", "", "", snapshot.rules_loaded);
  return out;
}

}  // namespace lexwatch::daemon
