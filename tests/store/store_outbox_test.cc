// The outbox states, sent log and admin notices of schema v3.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"
#include "store/store.h"
#include "store/sync_counting_vfs.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;

TimePoint At(long long unix_seconds) { return FromUnixSeconds(unix_seconds); }

class StoreOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("lexwatch_outbox_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    Result<std::unique_ptr<Store>> opened = Store::Open(dir_ / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Queues one row per recipient for `celex` at time `now`.
  void Queue(const std::string& celex, std::vector<std::string> recipients,
             long long now = 100) {
    Item item;
    item.source = "oj-l";
    item.guid = "g-" + celex;
    item.celex = celex;
    item.title = "Act " + celex;
    NewAlert alert{"vav", std::move(recipients), "mid-" + celex + "@lw.test",
                   "Subject: x\r\n\r\nbody\r\n", "rule water"};
    ASSERT_TRUE(store_->SaveItem(item, {alert}, At(now)).ok());
  }

  OutboxMessage Row(std::int64_t id) { return **store_->GetMessage(id); }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreOutboxTest, MarkSentAppendsOneSentLogEntry) {
  Queue("32024L1275", {"a@x.no"});
  ASSERT_TRUE(store_->MarkSending(1, At(100)).ok());
  ASSERT_TRUE(store_->MarkSent(1, "250 2.0.0 Ok: queued as X", At(130)).ok());
  Result<std::vector<SentLogEntry>> log = store_->ListSentLog(10);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 1u);
  const SentLogEntry& e = log->front();
  EXPECT_EQ(e.outbox_id, 1);
  EXPECT_EQ(e.item_key, "celex:32024L1275");
  EXPECT_EQ(e.agency_id, "vav");
  EXPECT_EQ(e.recipient, "a@x.no");
  EXPECT_EQ(e.reasons, "rule water");
  EXPECT_EQ(e.message_id, "mid-32024L1275@lw.test");
  EXPECT_EQ(e.reply, "250 2.0.0 Ok: queued as X");
  EXPECT_EQ(e.sent_at, 130);
  EXPECT_EQ(Row(1).last_code, 250);
}

TEST_F(StoreOutboxTest, MarkSentOfMissingRowWritesNoSentLog) {
  Status s = store_->MarkSent(42, "250 ok", At(1));
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "outbox message 42");
  EXPECT_TRUE(store_->ListSentLog(10)->empty());
}

TEST_F(StoreOutboxTest, PruneSentLogDeletesOnlyOlderEntries) {
  Queue("32024L0001", {"a@x.no", "b@x.no"});
  ASSERT_TRUE(store_->MarkSent(1, "250 a", At(1000)).ok());
  ASSERT_TRUE(store_->MarkSent(2, "250 b", At(2000)).ok());
  Result<int> pruned = store_->PruneSentLog(At(1500));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  Result<std::vector<SentLogEntry>> log = store_->ListSentLog(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().reply, "250 b");
  // The outbox row stays: it is what stops the item being alerted twice.
  EXPECT_EQ(Row(1).state, kSent);
}

TEST_F(StoreOutboxTest, HeldRowIsNeverDueUntilReleased) {
  Queue("32024L0001", {"a@x.no"});
  ASSERT_TRUE(
      store_->MarkAttempted(1, kHeld, "535 5.7.8 bad login", 535, At(100))
          .ok());
  EXPECT_TRUE(store_->DueMessages(At(1000000), 10)->empty());
  EXPECT_EQ((*store_->OldestHeld())->id, 1);
  Result<int> released = store_->ReleaseHeld(At(200));
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(*released, 1);
  OutboxMessage row = Row(1);
  EXPECT_EQ(row.state, kQueued);
  EXPECT_EQ(row.next_attempt, 200);
  EXPECT_EQ(row.last_code, 535);
  EXPECT_EQ(store_->DueMessages(At(200), 10)->size(), 1u);
  EXPECT_FALSE(store_->OldestHeld()->has_value());
}

TEST_F(StoreOutboxTest, RetryMessageRequeuesFailedAndRefusesSent) {
  Queue("32024L0001", {"a@x.no", "b@x.no"});
  ASSERT_TRUE(store_->MarkFailed(1, "550 no such user", At(100)).ok());
  ASSERT_TRUE(store_->MarkSent(2, "250 ok", At(100)).ok());
  ASSERT_TRUE(store_->RetryMessage(1, At(300)).ok());
  EXPECT_EQ(Row(1).state, kQueued);
  EXPECT_EQ(Row(1).next_attempt, 300);
  Status sent = store_->RetryMessage(2, At(300));
  EXPECT_TRUE(sent.IsInvalidArgument());
  EXPECT_EQ(sent.message(), "outbox message 2: it is sent, not retried");
  Status missing = store_->RetryMessage(9, At(300));
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_EQ(missing.message(), "outbox message 9");
}

TEST_F(StoreOutboxTest, RetryAllRequeuesEveryRowInOneState) {
  Queue("32024L0001", {"a@x.no", "b@x.no", "c@x.no"});
  ASSERT_TRUE(store_->MarkDeferred(1, "451", At(9000)).ok());
  ASSERT_TRUE(store_->MarkDeferred(2, "451", At(9000)).ok());
  Result<int> n = store_->RetryAll(kDeferred, At(150));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(store_->DueMessages(At(150), 10)->size(), 3u);
}

TEST_F(StoreOutboxTest, CancelMarksCancelledWithReasonAndRefusesSent) {
  Queue("32024L0001", {"a@x.no", "b@x.no"});
  ASSERT_TRUE(store_->CancelMessage(1, "cancelled by administrator").ok());
  EXPECT_EQ(Row(1).state, kCancelled);
  EXPECT_EQ(Row(1).last_reply, "cancelled by administrator");
  EXPECT_EQ(store_->DueMessages(At(1000000), 10)->size(), 1u);
  ASSERT_TRUE(store_->MarkSending(2, At(100)).ok());
  Status s = store_->CancelMessage(2, "x");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "outbox message 2: it is sending, not cancelled");
}

TEST_F(StoreOutboxTest, UnwarnedSinceSkipsWarnedRows) {
  Queue("32024L0001", {"a@x.no"}, 100);
  Queue("32024L0002", {"b@x.no"}, 200);
  Queue("32024L0003", {"c@x.no"}, 300);
  ASSERT_TRUE(store_->MarkSent(3, "250", At(300)).ok());
  Result<std::vector<OutboxMessage>> old = store_->UnwarnedSince(At(250));
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->size(), 2u);
  EXPECT_EQ(old->at(0).id, 1);
  ASSERT_TRUE(store_->MarkWarned({1}, At(400)).ok());
  EXPECT_EQ(Row(1).warned_at, 400);
  EXPECT_EQ(store_->UnwarnedSince(At(250))->size(), 1u);
  EXPECT_EQ(store_->ExpiringSince(At(250))->size(), 2u);
}

std::vector<std::int64_t> Ids(const Result<std::vector<OutboxMessage>>& rows) {
  std::vector<std::int64_t> ids;
  if (rows.ok()) {
    for (const OutboxMessage& m : *rows) ids.push_back(m.id);
  }
  return ids;
}

TEST_F(StoreOutboxTest, HeldRowsNeverExpireButAreWarnedAbout) {
  Queue("32024L0001", {"a@x.no", "b@x.no"}, 100);
  ASSERT_TRUE(store_->MarkAttempted(1, kHeld, "535 no", 535, At(150)).ok());
  EXPECT_EQ(Ids(store_->ExpiringSince(At(1000))),
            (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Ids(store_->UnwarnedSince(At(1000))),
            (std::vector<std::int64_t>{1, 2}));
  Result<OutboxWake> wake = store_->OutboxWakeTimes();
  ASSERT_TRUE(wake.ok());
  EXPECT_EQ(wake->oldest_undelivered, 100);
  EXPECT_EQ(wake->oldest_unwarned, 100);
}

TEST_F(StoreOutboxTest, ARequeuedRowWaitsAnewForExpiryAndWarning) {
  Queue("32024L0001", {"a@x.no", "b@x.no", "c@x.no"}, 100);
  ASSERT_TRUE(store_->MarkAttempted(1, kExpired, "gone", 451, At(200)).ok());
  ASSERT_TRUE(store_->MarkAttempted(2, kHeld, "535 no", 535, At(200)).ok());
  ASSERT_TRUE(store_->MarkWarned({1, 2, 3}, At(150)).ok());
  ASSERT_TRUE(store_->RetryMessage(1, At(500)).ok());
  ASSERT_TRUE(store_->ReleaseHeld(At(600)).ok());
  EXPECT_EQ(Row(1).warned_at, std::nullopt);
  EXPECT_EQ(Row(1).created, 100);  // Still shows when it was first queued.
  EXPECT_EQ(Ids(store_->ExpiringSince(At(499))),
            (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Ids(store_->ExpiringSince(At(600))),
            (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(Ids(store_->UnwarnedSince(At(1000))),
            (std::vector<std::int64_t>{1, 2}));
  Result<OutboxWake> wake = store_->OutboxWakeTimes();
  ASSERT_TRUE(wake.ok());
  EXPECT_EQ(wake->oldest_undelivered, 100);
  EXPECT_EQ(wake->oldest_unwarned, 500);
}

TEST_F(StoreOutboxTest, ListMessagesFiltersByStateNewestFirst) {
  Queue("32024L0001", {"a@x.no", "b@x.no", "c@x.no"});
  ASSERT_TRUE(store_->MarkFailed(2, "550", At(100)).ok());
  Result<std::vector<OutboxMessage>> all = store_->ListMessages({}, 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->front().id, 3);
  Result<std::vector<OutboxMessage>> queued =
      store_->ListMessages({kQueued, kHeld}, 10);
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ(store_->ListMessages({kFailed}, 10)->front().id, 2);
  EXPECT_EQ(store_->ListMessages({}, 1)->size(), 1u);
}

AdminNotice Notice(const std::string& key, long long created) {
  AdminNotice n;
  n.key = key;
  n.kind = key.substr(0, key.find('/'));
  n.subject = "subject " + key;
  n.recipient = "admin@x.no";
  n.message = "Subject: s\r\n\r\nb\r\n";
  n.state = kNoticePending;
  n.created = created;
  return n;
}

TEST_F(StoreOutboxTest, RecordNoticeRateLimitsPerKey) {
  std::chrono::seconds hour(3600);
  EXPECT_TRUE(*store_->RecordNotice(Notice("mail-held/smtp", 1000), hour));
  EXPECT_FALSE(*store_->RecordNotice(Notice("mail-held/smtp", 1100), hour));
  EXPECT_FALSE(*store_->RecordNotice(Notice("mail-held/smtp", 4599), hour));
  EXPECT_TRUE(*store_->RecordNotice(Notice("mail-failed/550", 1100), hour));
  Result<std::vector<AdminNotice>> notices = store_->ListNotices();
  ASSERT_EQ(notices->size(), 2u);
  EXPECT_EQ(notices->at(0).key, "mail-held/smtp");
  EXPECT_EQ(notices->at(0).suppressed, 2);
  EXPECT_EQ(notices->at(0).recipient, "admin@x.no");
  // A full interval later the key notifies again, with a fresh count.
  EXPECT_TRUE(*store_->RecordNotice(Notice("mail-held/smtp", 4600), hour));
  EXPECT_EQ(store_->ListNotices()->at(1).suppressed, 0);
}

TEST_F(StoreOutboxTest, PendingNoticesAreDueUntilSent) {
  std::chrono::seconds hour(3600);
  ASSERT_TRUE(*store_->RecordNotice(Notice("mail-old/queue", 1000), hour));
  ASSERT_EQ(store_->DueNotices(At(1000))->size(), 1u);
  ASSERT_TRUE(
      store_->MarkNoticeDeferred("mail-old/queue", "451", At(1060)).ok());
  EXPECT_TRUE(store_->DueNotices(At(1059))->empty());
  ASSERT_EQ(store_->DueNotices(At(1060))->size(), 1u);
  ASSERT_TRUE(store_->MarkNoticeSent("mail-old/queue", "250", At(1070)).ok());
  EXPECT_TRUE(store_->DueNotices(At(99999))->empty());
  AdminNotice n = store_->ListNotices()->front();
  EXPECT_EQ(n.state, kNoticeSent);
  EXPECT_EQ(n.attempts, 2);
  EXPECT_EQ(n.sent_at, 1070);
}

TEST_F(StoreOutboxTest, ResolveNoticeEndsTheWindowAndDropsUnsent) {
  std::chrono::seconds hour(3600);
  ASSERT_TRUE(*store_->RecordNotice(Notice("source-failing/oj", 1000), hour));
  EXPECT_TRUE(*store_->ResolveNotice("source-failing/oj"));
  EXPECT_FALSE(*store_->ResolveNotice("source-failing/oj"));
  EXPECT_TRUE(*store_->RecordNotice(Notice("source-failing/oj", 1001), hour));
}

// The database here is opened through a VFS that counts syncs.
class StoreOutboxSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("lexwatch_outbox_sync_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    Item item;
    item.source = "oj-l";
    item.celex = "32024L1275";
    item.title = "Act";
    NewAlert alert{"vav",
                   {"a@x.no", "b@x.no"},
                   "mid@lw.test",
                   "Subject: x\r\n\r\nbody\r\n",
                   "rule water"};
    ASSERT_TRUE(store_->SaveItem(item, {alert}, At(100)).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Store> Open() {
    Result<std::unique_ptr<Store>> opened = Store::Open(dir_ / "lexwatch.db");
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  testing::SyncCountingVfs vfs_;  // Outlives the store.
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

// A lost `sending` mark costs what a kept one does (the row is sent again),
// so it is not worth a sync; the outcome after it is.
TEST_F(StoreOutboxSyncTest, MarkSendingIsNotSyncedButMarkSentIs) {
  int before = vfs_.syncs();
  ASSERT_TRUE(store_->MarkSending(1, At(101)).ok());
  EXPECT_EQ(vfs_.syncs(), before);
  EXPECT_EQ(*store_->ReadPragma("synchronous"), "2");  // FULL again.

  ASSERT_TRUE(store_->MarkSent(1, "250 ok", At(102)).ok());
  EXPECT_GT(vfs_.syncs(), before);
  before = vfs_.syncs();
  ASSERT_TRUE(store_->MarkSending(2, At(103)).ok());
  ASSERT_TRUE(
      store_->MarkAttempted(2, kDeferred, "451 later", 451, At(200)).ok());
  EXPECT_GT(vfs_.syncs(), before);
}

// Committed, not only written: another connection (a restarted process)
// sees the mark and requeues the row.
TEST_F(StoreOutboxSyncTest, UnsyncedSendingMarkIsSeenAndRecoveredByANewOpen) {
  ASSERT_TRUE(store_->MarkSending(1, At(101)).ok());
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ((*other->GetMessage(1))->state, kSending);
  EXPECT_EQ((*other->GetMessage(1))->attempts, 1);
  EXPECT_EQ(*other->RecoverInterrupted(), 1);
  EXPECT_EQ((*store_->GetMessage(1))->state, kQueued);
}

// Inside an open transaction the mark joins it (the setting cannot change
// there) and is as durable as the transaction.
TEST_F(StoreOutboxSyncTest, MarkSendingInsideATransactionJoinsIt) {
  int before = vfs_.syncs();
  ASSERT_TRUE(
      store_->InTransaction([&] { return store_->MarkSending(1, At(101)); })
          .ok());
  EXPECT_GT(vfs_.syncs(), before);
  EXPECT_EQ((*store_->GetMessage(1))->state, kSending);
  EXPECT_EQ(*store_->ReadPragma("synchronous"), "2");
}

// A database written by the previous release keeps its outbox rows, and
// what it had sent becomes the start of the sent log.
TEST(StoreOutboxMigration, VersionTwoOutboxKeepsRowsAndSeedsSentLog) {
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("lexwatch_outbox_v2_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path path = dir / "lexwatch.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto v2 = internal::Migrations().first(2);
  ASSERT_TRUE(internal::Migrate(db, path.string(), v2).ok());
  const char* rows =
      "INSERT INTO items (key, title, first_source, first_seen, last_seen) "
      "VALUES ('celex:1', 'Act', 'oj-l', 5, 5);"
      "INSERT INTO outbox (item_key, agency_id, recipient, message_id, "
      "message, state, created, next_attempt, last_reply, sent_at) VALUES "
      "('celex:1', 'vav', 'a@x.no', 'm1@x', 'bytes', 'sent', 5, 5, '250 ok', "
      "7), ('celex:1', 'vav', 'b@x.no', 'm2@x', 'bytes', 'deferred', 5, 9, "
      "'451', NULL);";
  ASSERT_EQ(sqlite3_exec(db, rows, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  Result<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Migrated to the latest version (later migrations are appended).
  EXPECT_EQ(*(*store)->ReadPragma("user_version"),
            std::to_string(internal::Migrations().size()));
  OutboxMessage deferred = **(*store)->GetMessage(2);
  EXPECT_EQ(deferred.state, kDeferred);
  EXPECT_EQ(deferred.last_reply, "451");
  EXPECT_EQ(deferred.message, "bytes");
  Result<std::vector<SentLogEntry>> log = (*store)->ListSentLog(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().recipient, "a@x.no");
  EXPECT_EQ(log->front().sent_at, 7);
  EXPECT_TRUE((*store)->MarkAttempted(2, kHeld, "535", 535, At(10)).ok());
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lexwatch::store
