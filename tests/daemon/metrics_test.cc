#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace lexwatch::daemon {
namespace {

TEST(Metrics, RendersExpositionTextExactly) {
  Metrics metrics;
  metrics.AddSource("oj-l", 1700000000);
  metrics.AddSource("eea-news", std::nullopt);
  metrics.CountPoll("oj-l", 100, 3, 1);
  metrics.CountPoll("oj-l", 100, 2, 0);
  metrics.CountPollFailure("eea-news");
  metrics.SetLastSuccess("oj-l", 1700003600);
  mail::DispatchStats stats;
  stats.sent = 4;
  stats.deferred = 2;
  stats.failed = 1;
  metrics.CountMail(stats);
  metrics.SetRulesLoaded(42);
  OutboxGauges outbox;
  outbox.counts = {{"queued", 2}, {"sent", 4}};
  outbox.oldest_waiting_age = 95;

  EXPECT_EQ(RenderMetrics(metrics.Snapshot(), outbox, "0.1.0"),
            R"(# HELP lexwatch_build_info Always 1; the version is in the label.
# TYPE lexwatch_build_info gauge
lexwatch_build_info{version="0.1.0"} 1
# HELP lexwatch_source_items_fetched_total Items parsed from the source's feed.
# TYPE lexwatch_source_items_fetched_total counter
lexwatch_source_items_fetched_total{source="eea-news"} 0
lexwatch_source_items_fetched_total{source="oj-l"} 200
# HELP lexwatch_source_items_new_total Items not in the archive before.
# TYPE lexwatch_source_items_new_total counter
lexwatch_source_items_new_total{source="eea-news"} 0
lexwatch_source_items_new_total{source="oj-l"} 5
# HELP lexwatch_source_items_matched_total Fetched items that matched at least one rule, new or known.
# TYPE lexwatch_source_items_matched_total counter
lexwatch_source_items_matched_total{source="eea-news"} 0
lexwatch_source_items_matched_total{source="oj-l"} 1
# HELP lexwatch_source_poll_failures_total Polls that failed (network, HTTP, parse or database error).
# TYPE lexwatch_source_poll_failures_total counter
lexwatch_source_poll_failures_total{source="eea-news"} 1
lexwatch_source_poll_failures_total{source="oj-l"} 0
# HELP lexwatch_source_last_success_timestamp_seconds Unix time of the source's last successful poll (0: never).
# TYPE lexwatch_source_last_success_timestamp_seconds gauge
lexwatch_source_last_success_timestamp_seconds{source="eea-news"} 0
lexwatch_source_last_success_timestamp_seconds{source="oj-l"} 1700003600
# HELP lexwatch_mail_deliveries_total Delivery attempts by outcome: sent, deferred (retried later), failed (rejected for good), held (login refused), expired.
# TYPE lexwatch_mail_deliveries_total counter
lexwatch_mail_deliveries_total{outcome="sent"} 4
lexwatch_mail_deliveries_total{outcome="deferred"} 2
lexwatch_mail_deliveries_total{outcome="failed"} 1
lexwatch_mail_deliveries_total{outcome="held"} 0
lexwatch_mail_deliveries_total{outcome="expired"} 0
# HELP lexwatch_outbox_messages Outbox rows by state.
# TYPE lexwatch_outbox_messages gauge
lexwatch_outbox_messages{state="queued"} 2
lexwatch_outbox_messages{state="sent"} 4
# HELP lexwatch_outbox_oldest_waiting_age_seconds Age of the oldest undelivered message (queued, sending, deferred or held); 0 when none waits.
# TYPE lexwatch_outbox_oldest_waiting_age_seconds gauge
lexwatch_outbox_oldest_waiting_age_seconds 95
# HELP lexwatch_rules_loaded Rules in force.
# TYPE lexwatch_rules_loaded gauge
lexwatch_rules_loaded 42
)");
}

TEST(Metrics, LabelValuesEscapeQuoteBackslashAndNewline) {
  Metrics metrics;
  metrics.AddSource("a\"b\\c\nd", std::nullopt);
  std::string text = RenderMetrics(metrics.Snapshot(), {}, "1\"");
  EXPECT_NE(text.find("lexwatch_build_info{version=\"1\\\"\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("lexwatch_source_items_new_total{source=\"a\\\"b\\\\c\\nd"
                      "\"} 0\n"),
            std::string::npos)
      << text;
}

TEST(Metrics, AddSourceKeepsALastSuccessAlreadyCounted) {
  Metrics metrics;
  metrics.SetLastSuccess("oj-l", 200);
  metrics.AddSource("oj-l", 100);
  EXPECT_EQ(metrics.Snapshot().sources.at("oj-l").last_success, 200);
}

TEST(Metrics, MailCountsFromSeveralThreadsAddUp) {
  Metrics metrics;
  mail::DispatchStats one;
  one.sent = 1;
  one.deferred = 1;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&]() {
      for (int i = 0; i < 1000; ++i) metrics.CountMail(one);
    });
  }
  for (int i = 0; i < 1000; ++i) metrics.CountPoll("oj-l", 1, 0, 0);
  for (std::thread& t : threads) t.join();
  MetricsSnapshot s = metrics.Snapshot();
  EXPECT_EQ(s.mail.sent, 4000);
  EXPECT_EQ(s.mail.deferred, 4000);
  EXPECT_EQ(s.sources.at("oj-l").items_fetched, 1000);
}

}  // namespace
}  // namespace lexwatch::daemon
