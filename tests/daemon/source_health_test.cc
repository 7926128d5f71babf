#include "daemon/source_health.h"

#include <gtest/gtest.h>

namespace lexwatch::daemon {
namespace {

const TimePoint kNow = FromUnixSeconds(1'720'000'000);

SourceConfig Source() {
  SourceConfig config;
  config.name = "oj";
  config.silent_period = std::chrono::hours(96);
  return config;
}

TEST(SourceHealth, NeverPolledIsNotPolledYet) {
  EXPECT_EQ(HealthOf(Source(), store::SourceState{}, kNow),
            SourceHealth::kNotPolled);
  EXPECT_EQ(HealthText(SourceHealth::kNotPolled), "not polled yet");
}

TEST(SourceHealth, AFailureWinsOverSilence) {
  store::SourceState st;
  st.last_poll = ToUnixSeconds(kNow);
  st.last_new_item = ToUnixSeconds(kNow) - 400'000;
  st.last_error = "http://x: HTTP 500";
  EXPECT_EQ(HealthOf(Source(), st, kNow), SourceHealth::kFailing);
  EXPECT_EQ(HealthText(SourceHealth::kFailing), "FAILING");
  EXPECT_EQ(HealthJson(SourceHealth::kFailing), "failing");
}

TEST(SourceHealth, NoNewItemForTheSilentPeriodIsSilent) {
  store::SourceState st;
  st.last_poll = ToUnixSeconds(kNow);
  st.last_new_item = ToUnixSeconds(kNow) - 96 * 3600 + 1;
  EXPECT_EQ(HealthOf(Source(), st, kNow), SourceHealth::kOk);
  st.last_new_item = ToUnixSeconds(kNow) - 96 * 3600;
  EXPECT_EQ(HealthOf(Source(), st, kNow), SourceHealth::kSilent);
  EXPECT_EQ(HealthText(SourceHealth::kSilent), "SILENT");
  EXPECT_EQ(HealthJson(SourceHealth::kSilent), "silent");
}

}  // namespace
}  // namespace lexwatch::daemon
