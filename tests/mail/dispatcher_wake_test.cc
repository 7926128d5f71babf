// Dispatcher::NextWake: the daemon sleeps until the next thing due instead
// of waking periodically.

#include <gtest/gtest.h>

#include "mail/dispatcher.h"
#include "mail/outbox_test_util.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using namespace ::lexwatch::mail::testing;
using std::chrono::hours;
using std::chrono::minutes;

constexpr char kFrom[] = "lexwatch@oslo.kommune.no";
constexpr char kTo[] = "postmottak@vav.oslo.kommune.no";
const TimePoint kStart = FromUnixSeconds(1782813600);

// Answers every delivery with `answer`.
class ScriptedTransport final : public MailTransport {
 public:
  Result<std::string> Send(std::string_view, std::string_view,
                           std::string_view) override {
    return std::string("250 unused");
  }
  Delivery Deliver(std::string_view, std::string_view,
                   std::string_view) override {
    return answer;
  }
  Delivery answer{Delivery::Outcome::kDelivered, "250 2.0.0 Ok", 250, false};
};

class DispatcherWakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::Open(dir_.path() / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened.value());
    policy_.jitter = 0;
  }

  std::optional<TimePoint> RunThenNextWake(Dispatcher& dispatcher) {
    Result<DispatchStats> stats = dispatcher.RunDue();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    Result<std::optional<TimePoint>> next = dispatcher.NextWake();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    return next.ok() ? *next : std::nullopt;
  }

  void Queue() {
    QueueVavAlert(*store_, clock_.Now(), "32026R0001", "Forordning", kFrom,
                  kTo);
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FakeClock clock_{kStart};
  ScriptedTransport transport_;
  RetryPolicy policy_;
};

TEST_F(DispatcherWakeTest, NothingWaitingNeedsNoWake) {
  Dispatcher dispatcher(*store_, transport_, clock_, kFrom, policy_);
  EXPECT_EQ(RunThenNextWake(dispatcher), std::nullopt);
  Queue();
  EXPECT_EQ(*dispatcher.NextWake(), kStart);             // Queued: due now.
  EXPECT_EQ(RunThenNextWake(dispatcher), std::nullopt);  // Sent.
}

TEST_F(DispatcherWakeTest, DeferredMailWakesAtItsRetry) {
  Queue();
  transport_.answer = {Delivery::Outcome::kTransient, "451 try later", 451,
                       false};
  Dispatcher dispatcher(*store_, transport_, clock_, kFrom, policy_);
  EXPECT_EQ(RunThenNextWake(dispatcher), kStart + minutes(1));
}

TEST_F(DispatcherWakeTest, HeldMailWakesForTheNextProbe) {
  Queue();
  transport_.answer = {Delivery::Outcome::kAuthFailed, "535 bad login", 535,
                       false};
  Dispatcher dispatcher(*store_, transport_, clock_, kFrom, policy_);
  EXPECT_EQ(RunThenNextWake(dispatcher), kStart + policy_.HeldProbeWait());
}

TEST_F(DispatcherWakeTest, SlowRetriesWakeForTheWarningThenTheExpiry) {
  policy_.waits = {hours(100)};
  policy_.warn_after = hours(4);
  policy_.give_up_after = hours(48);
  Queue();
  transport_.answer = {Delivery::Outcome::kTransient, "451 try later", 451,
                       false};
  Dispatcher dispatcher(*store_, transport_, clock_, kFrom, policy_);
  EXPECT_EQ(RunThenNextWake(dispatcher), kStart + hours(4));
  clock_.Set(kStart + hours(4));
  EXPECT_EQ(RunThenNextWake(dispatcher), kStart + hours(48));  // Warned.
}

}  // namespace
}  // namespace lexwatch::mail
