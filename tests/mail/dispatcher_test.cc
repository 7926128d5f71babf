#include "mail/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "mail/maildir_transport.h"
#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "mail/outbox_test_util.h"
#include "mail/smtp_test_server.h"
#include "mail/smtp_transport.h"
#include "mail/temp_dir.h"
#include "store/sync_counting_vfs.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using namespace ::lexwatch::mail::testing;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kFrom[] = "lexwatch@oslo.kommune.no";
constexpr char kTo[] = "postmottak@vav.oslo.kommune.no";
const TimePoint kStart = FromUnixSeconds(1782813600);

TEST(RetryPolicy, WaitsGrowThenStayAtTheLast) {
  RetryPolicy policy;
  EXPECT_EQ(policy.NextWait(0), minutes(1));
  EXPECT_EQ(policy.NextWait(1), minutes(1));
  EXPECT_EQ(policy.NextWait(2), minutes(5));
  EXPECT_EQ(policy.NextWait(4), minutes(30));
  EXPECT_EQ(policy.NextWait(5), minutes(60));
  EXPECT_EQ(policy.NextWait(500), minutes(60));
  policy.waits.clear();
  EXPECT_EQ(policy.NextWait(3), minutes(60));
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::Open(dir_.path() / "state" / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened.value());
  }

  // Queues one alert for kTo and returns its outbox id.
  std::int64_t Queue(const std::string& celex = "32026R0001") {
    QueuedAlert queued = QueueVavAlert(*store_, clock_.Now(), celex,
                                       "Forordning om drikkevann", kFrom, kTo);
    Result<std::vector<store::OutboxMessage>> due =
        store_->DueMessages(clock_.Now(), 100);
    EXPECT_TRUE(due.ok());
    for (const store::OutboxMessage& m : *due) {
      if (m.item_key == queued.item.Key()) {
        messages_[m.id] = queued.rendered.bytes;
        return m.id;
      }
    }
    ADD_FAILURE() << "queued message not found";
    return 0;
  }

  store::OutboxMessage Row(std::int64_t id) {
    Result<std::optional<store::OutboxMessage>> row = store_->GetMessage(id);
    EXPECT_TRUE(row.ok() && row->has_value());
    return row.ok() && row->has_value() ? **row : store::OutboxMessage{};
  }

  DispatchStats Run(Dispatcher& dispatcher) {
    Result<DispatchStats> stats = dispatcher.RunDue();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : DispatchStats{};
  }

  std::vector<std::filesystem::path> Delivered() {
    return ListFiles(dir_.path() / "maildir" / kTo / "new");
  }
  std::vector<std::filesystem::path> DeliveredBySmtp() {
    return ListFiles(dir_.path() / "smtp" / "new");
  }

  TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  std::map<std::int64_t, std::string> messages_;
};

SmtpOptions Loopback(const SmtpTestServer& server) {
  SmtpOptions options;
  options.url = server.url();
  options.starttls = false;
  options.timeout = seconds(20);
  return options;
}

TEST_F(DispatcherTest, SendsQueuedMessageAndRecordsTheReply) {
  std::int64_t id = Queue();
  MaildirTransport transport(dir_.path() / "maildir");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);

  DispatchStats stats = Run(dispatcher);
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.deferred, 0);
  EXPECT_EQ(stats.failed, 0);
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(ReadFile(files[0]), messages_[id]);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kSent);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_reply, "delivered to " + files[0].string());
  EXPECT_EQ(row.sent_at, ToUnixSeconds(kStart));
  // Nothing is due any more.
  EXPECT_EQ(Run(dispatcher).sent, 0);
  EXPECT_EQ(Delivered().size(), 1u);
}

TEST_F(DispatcherTest, DefersTemporaryFailureAndSendsWhenDue) {
  auto server = SmtpTestServer::StartFault(
      dir_.path() / "smtp", {"--rcpt-code", "451", "--fail-times", "1"});
  ASSERT_TRUE(server->ready());
  std::int64_t id = Queue();
  SmtpTransport transport(Loopback(*server));
  RetryPolicy policy;
  policy.waits = {minutes(2), minutes(10)};
  policy.jitter = 0;
  Dispatcher dispatcher(*store_, transport, clock_, kFrom, policy);

  DispatchStats first = Run(dispatcher);
  EXPECT_EQ(first.deferred, 1);
  EXPECT_EQ(first.sent, 0);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kDeferred);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt, ToUnixSeconds(kStart + minutes(2)));
  EXPECT_EQ(row.last_reply,
            server->url() + ": 451 4.3.0 Try again later (RCPT failed: 451)");

  clock_.Advance(minutes(1));  // Not yet due.
  DispatchStats early = Run(dispatcher);
  EXPECT_EQ(early.sent + early.deferred + early.failed, 0);

  clock_.Advance(minutes(1));
  EXPECT_EQ(Run(dispatcher).sent, 1);
  row = Row(id);
  EXPECT_EQ(row.state, store::kSent);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_THAT(row.last_reply, HasSubstr("250 2.0.0 Ok: queued as"));
  std::vector<std::filesystem::path> files = DeliveredBySmtp();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(ReadFile(files[0]), messages_[id]);
}

TEST_F(DispatcherTest, NextWaitGrowsWithAttempts) {
  auto server =
      SmtpTestServer::StartFault(dir_.path() / "smtp", {"--rcpt-code", "451"});
  ASSERT_TRUE(server->ready());
  std::int64_t id = Queue();
  SmtpTransport transport(Loopback(*server));
  RetryPolicy policy;
  policy.waits = {minutes(2), minutes(10)};
  policy.jitter = 0;
  Dispatcher dispatcher(*store_, transport, clock_, kFrom, policy);
  EXPECT_EQ(Run(dispatcher).deferred, 1);
  clock_.Advance(minutes(2));
  EXPECT_EQ(Run(dispatcher).deferred, 1);
  EXPECT_EQ(Row(id).attempts, 2);
  EXPECT_EQ(Row(id).next_attempt, ToUnixSeconds(clock_.Now() + minutes(10)));
}

TEST_F(DispatcherTest, MarksPermanentRejectionFailed) {
  auto server =
      SmtpTestServer::StartFault(dir_.path() / "smtp", {"--rcpt-code", "550"});
  ASSERT_TRUE(server->ready());
  std::int64_t id = Queue();
  SmtpTransport transport(Loopback(*server));
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);

  DispatchStats stats = Run(dispatcher);
  EXPECT_EQ(stats.failed, 1);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kFailed);
  EXPECT_EQ(
      row.last_reply,
      server->url() + ": 550 5.1.1 Mailbox unavailable (RCPT failed: 550)");
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(Run(dispatcher).failed, 0);  // Never retried.
}

TEST_F(DispatcherTest, ExpiresAfterTheQueueLifetimeWithoutAnotherAttempt) {
  auto server =
      SmtpTestServer::StartFault(dir_.path() / "smtp", {"--rcpt-code", "451"});
  ASSERT_TRUE(server->ready());
  std::int64_t id = Queue();
  SmtpTransport transport(Loopback(*server));
  RetryPolicy policy;
  policy.waits = {minutes(30)};
  policy.jitter = 0;
  policy.give_up_after = std::chrono::hours(1);
  Dispatcher dispatcher(*store_, transport, clock_, kFrom, policy);
  EXPECT_EQ(Run(dispatcher).deferred, 1);
  clock_.Advance(minutes(30));
  EXPECT_EQ(Run(dispatcher).deferred, 1);
  clock_.Advance(minutes(30));
  DispatchStats last = Run(dispatcher);
  EXPECT_EQ(last.expired, 1);
  EXPECT_EQ(last.deferred + last.failed + last.sent, 0);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kExpired);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.last_reply,
            "expired undelivered after 1h and 2 attempts: " + server->url() +
                ": 451 4.3.0 Try again later (RCPT failed: 451)");
}

TEST_F(DispatcherTest, ResendsInterruptedMessageWithTheSameMessageId) {
  std::int64_t id = Queue();
  std::string message_id = Row(id).message_id;
  // A crash after the row was marked sending.
  ASSERT_TRUE(store_->MarkSending(id, clock_.Now()).ok());
  MaildirTransport transport(dir_.path() / "maildir");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);
  EXPECT_EQ(Run(dispatcher).sent, 0);  // Not due while in sending.

  Result<int> recovered = store_->RecoverInterrupted();
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, 1);
  EXPECT_EQ(Run(dispatcher).sent, 1);
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  std::string delivered = ReadFile(files[0]);
  EXPECT_EQ(delivered, messages_[id]);
  EXPECT_EQ(RawHeader(SplitMessage(delivered).first, "Message-ID"),
            "<" + message_id + ">");
  EXPECT_EQ(Row(id).attempts, 2);
}

TEST_F(DispatcherTest, SendsOnlyUpToTheLimit) {
  Queue("32026R0001");
  Queue("32026R0002");
  Queue("32026R0003");
  MaildirTransport transport(dir_.path() / "maildir");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);
  Result<DispatchStats> stats = dispatcher.RunDue(2);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent, 2);
  EXPECT_EQ(Delivered().size(), 2u);
  EXPECT_EQ(Run(dispatcher).sent, 1);
}

// Answers 451 to the first `refusals` messages, then accepts every one.
class RefusesFirstTransport final : public MailTransport {
 public:
  explicit RefusesFirstTransport(int refusals) : refusals_(refusals) {}
  Result<std::string> Send(std::string_view, std::string_view,
                           std::string_view) override {
    if (refusals_-- > 0) return Status::Unavailable("451 4.3.0 try later");
    return std::string("250 ok");
  }

 private:
  int refusals_;
};

// Rows held by an earlier run stay held through a probe that fails for
// another reason, and go back to the queue with the first send that works.
TEST_F(DispatcherTest, HeldRowsAreReleasedByTheFirstSendAfterAFailedProbe) {
  std::int64_t probed = Queue("32026R0001");
  std::int64_t held = Queue("32026R0002");
  std::int64_t queued = Queue("32026R0003");
  for (std::int64_t id : {probed, held}) {
    ASSERT_TRUE(
        store_->MarkAttempted(id, store::kHeld, "535 denied", 535, clock_.Now())
            .ok());
  }
  RefusesFirstTransport transport(1);
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);
  DispatchStats stats = Run(dispatcher);
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.deferred, 1);
  EXPECT_EQ(stats.released, 1);
  EXPECT_EQ(Row(probed).state, store::kDeferred);
  EXPECT_EQ(Row(queued).state, store::kSent);
  EXPECT_EQ(Row(held).state, store::kQueued);
  EXPECT_EQ(Run(dispatcher).sent, 1);  // The released row, due at once.
  EXPECT_EQ(Row(held).state, store::kSent);
}

// A refused login is the configuration's fault: held mail outlives the
// queue lifetime, and what the first working login releases beyond the
// run's limit waits anew instead of expiring before it is tried.
TEST_F(DispatcherTest, HeldMailNeverExpiresAndReleasedMailWaitsAnew) {
  std::vector<std::int64_t> ids = {Queue("32026R0001"), Queue("32026R0002"),
                                   Queue("32026R0003"), Queue("32026R0004")};
  for (std::int64_t id : ids) {
    ASSERT_TRUE(
        store_->MarkAttempted(id, store::kHeld, "535 denied", 535, clock_.Now())
            .ok());
  }
  RetryPolicy policy;
  policy.give_up_after = std::chrono::hours(24);
  clock_.Advance(std::chrono::hours(24 * 6));
  MaildirTransport transport(dir_.path() / "maildir");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom, policy);
  Result<DispatchStats> first = dispatcher.RunDue(1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->expired, 0);
  EXPECT_EQ(first->sent, 2);      // The probe, which releases the other three,
  EXPECT_EQ(first->released, 3);  // and one more within the limit.
  clock_.Advance(minutes(1));
  Result<DispatchStats> second = dispatcher.RunDue(1);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->expired, 0);
  EXPECT_EQ(second->sent, 1);
  clock_.Advance(std::chrono::hours(25));  // Past the lifetime since release.
  DispatchStats third = Run(dispatcher);
  EXPECT_EQ(third.expired, 1);
  EXPECT_EQ(third.sent, 0);
  std::vector<std::string> states;
  for (std::int64_t id : ids) states.push_back(Row(id).state);
  EXPECT_EQ(states, (std::vector<std::string>{store::kSent, store::kSent,
                                              store::kSent, store::kExpired}));
}

// Accepts every message, noting what another connection (a restarted
// process) sees of each row while the message is in the transport.
class StateRecordingTransport final : public MailTransport {
 public:
  explicit StateRecordingTransport(std::filesystem::path db)
      : db_(std::move(db)) {}
  Result<std::string> Send(std::string_view, std::string_view,
                           std::string_view) override {
    Result<std::unique_ptr<store::Store>> other = store::Store::Open(db_);
    EXPECT_TRUE(other.ok());
    std::string states;
    for (std::int64_t id = 1; other.ok() && id <= 3; ++id) {
      states += (*(*other)->GetMessage(id))->state + " ";
    }
    seen.push_back(states);
    return std::string("250 ok");
  }
  std::vector<std::string> seen;

 private:
  std::filesystem::path db_;
};

// The next row's sending mark shares the previous row's sent commit: still
// committed before its transport call, and only that row is sending.
TEST_F(DispatcherTest, EachRowIsCommittedSendingWhileInTheTransport) {
  Queue("32026R0001");
  Queue("32026R0002");
  Queue("32026R0003");
  StateRecordingTransport transport(dir_.path() / "state" / "lexwatch.db");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);
  EXPECT_EQ(Run(dispatcher).sent, 3);
  EXPECT_THAT(transport.seen, ::testing::ElementsAre("sending queued queued ",
                                                     "sent sending queued ",
                                                     "sent sent sending "));
  for (std::int64_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(Row(id).state, store::kSent);
    EXPECT_EQ(Row(id).attempts, 1);
  }
}

// One synced commit per delivered message: its sent mark (the sending
// marks are not synced, or ride on the previous sent mark).
TEST(DispatcherSync, OneSyncPerDeliveredMessage) {
  store::testing::SyncCountingVfs vfs;
  TempDir dir;
  FakeClock clock{kStart};
  Result<std::unique_ptr<store::Store>> store =
      store::Store::Open(dir.path() / "state" / "lexwatch.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const char* celex : {"32026R0001", "32026R0002", "32026R0003"}) {
    QueueVavAlert(**store, clock.Now(), celex, "Forordning", kFrom, kTo);
  }
  MaildirTransport transport(dir.path() / "maildir");
  Dispatcher dispatcher(**store, transport, clock, kFrom);
  int before = vfs.syncs();
  Result<DispatchStats> stats = dispatcher.RunDue();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->sent, 3);
  EXPECT_EQ(vfs.syncs() - before, 3);
  store->reset();
}

// Accepts every message but first deletes the row being sent behind the
// store's back, so recording the outcome fails.
class RowDeletingTransport final : public MailTransport {
 public:
  explicit RowDeletingTransport(std::filesystem::path db)
      : db_(std::move(db)) {}
  Result<std::string> Send(std::string_view, std::string_view,
                           std::string_view) override {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "DELETE FROM outbox WHERE state = 'sending'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    ++sends;
    return std::string("250 ok");
  }
  int sends = 0;

 private:
  std::filesystem::path db_;
};

TEST_F(DispatcherTest, StoreFailureStopsTheRunAndIsReturned) {
  std::int64_t first = Queue("32026R0001");
  std::int64_t second = Queue("32026R0002");
  RowDeletingTransport transport(dir_.path() / "state" / "lexwatch.db");
  Dispatcher dispatcher(*store_, transport, clock_, kFrom);
  Result<DispatchStats> stats = dispatcher.RunDue();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().message(),
            "outbox message " + std::to_string(first));
  EXPECT_EQ(transport.sends, 1);
  EXPECT_EQ(Row(second).state, store::kQueued);
}

}  // namespace
}  // namespace lexwatch::mail
