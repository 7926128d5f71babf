#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "store/schema.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;

TimePoint At(long long unix_seconds) { return FromUnixSeconds(unix_seconds); }

Item MakeItem(const std::string& source, const std::string& guid,
              const std::string& celex, const std::string& title) {
  Item item;
  item.source = source;
  item.guid = guid;
  item.celex = celex;
  item.title = title;
  item.link =
      "https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:" + celex;
  item.doc_type = "regulation";
  return item;
}

NewAlert MakeAlert(const std::string& agency,
                   std::vector<std::string> recipients,
                   const std::string& message = "Subject: x\r\n\r\nbody\r\n") {
  NewAlert alert;
  alert.agency_id = agency;
  alert.recipients = std::move(recipients);
  alert.message_id = "lexwatch." + agency + "@oslo.kommune.no";
  alert.message = message;
  alert.reasons = "rule 'water': keyword 'drinking water'";
  return alert;
}

// Each test gets its own directory under the gtest temp dir, removed after.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("lexwatch_store_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path DbPath() const { return dir_ / "state" / "lexwatch.db"; }

  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> store = Store::Open(DbPath());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A separate raw connection, as an operator's sqlite3 shell would be.
  long long QueryInt(const std::string& sql) {
    sqlite3* db = nullptr;
    long long value = -1;
    EXPECT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }

  void ExecRaw(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  fs::path dir_;
};

TEST_F(StoreTest, OpenCreatesParentDirectoriesAndLatestSchema) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(fs::exists(DbPath()));
  Result<std::string> version = store->ReadPragma("user_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, std::to_string(internal::Migrations().size()));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                     "AND name IN ('items', 'item_sightings', 'sources', "
                     "'outbox')"),
            4);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
                     "AND name = 'outbox_due'"),
            1);
}

TEST_F(StoreTest, ReopenIsIdempotentAndKeepsData) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store
                    ->SaveItem(MakeItem("oj-l", "g1", "32024L1275", "Energy"),
                               {MakeAlert("bym", {"a@oslo.kommune.no"})},
                               At(1000))
                    .ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->ReadPragma("user_version"),
            std::to_string(internal::Migrations().size()));
  EXPECT_EQ(*store->ItemCount(), 1);
  EXPECT_EQ(store->OutboxCounts()->at(kQueued), 1);
}

TEST_F(StoreTest, PragmasAreInEffect) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->ReadPragma("journal_mode"), "wal");
  EXPECT_EQ(*store->ReadPragma("synchronous"), "2");
  EXPECT_EQ(*store->ReadPragma("foreign_keys"), "1");
  EXPECT_EQ(*store->ReadPragma("busy_timeout"), "5000");
  EXPECT_EQ(*store->ReadPragma("cache_size"), "-1024");
}

TEST_F(StoreTest, ReadPragmaRejectsAnythingButAName) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::string> r = store->ReadPragma("user_version; DROP TABLE items");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "Invalid argument: pragma 'user_version; DROP TABLE items': "
            "not a name");
}

TEST_F(StoreTest, FileThatIsNotADatabaseIsIoErrorNamingThePath) {
  fs::create_directories(DbPath().parent_path());
  std::ofstream(DbPath()) << std::string(4096, 'x');
  Result<std::unique_ptr<Store>> store = Store::Open(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsIoError());
  EXPECT_EQ(store.status().message(),
            DbPath().string() + ": file is not a database");
}

TEST_F(StoreTest, ParentThatIsAFileIsIoErrorNamingThePath) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "state") << "not a directory";
  Result<std::unique_ptr<Store>> store = Store::Open(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsIoError());
  EXPECT_EQ(store.status().message(), DbPath().string() + ": Not a directory");
}

TEST_F(StoreTest, NewerSchemaThanKnownIsRefused) {
  ASSERT_NE(OpenStore(), nullptr);
  ExecRaw("PRAGMA user_version = 99");
  Result<std::unique_ptr<Store>> store = Store::Open(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().ToString(),
            "I/O error: " + DbPath().string() +
                ": database schema version 99 is newer than this lexwatch "
                "supports (" +
                std::to_string(internal::Migrations().size()) + ")");
}

TEST_F(StoreTest, OutboxCountsHasEveryStateWhenEmpty) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::map<std::string, long long>> counts = store->OutboxCounts();
  ASSERT_TRUE(counts.ok());
  std::map<std::string, long long> expected = {
      {kQueued, 0}, {kSending, 0}, {kSent, 0},    {kDeferred, 0},
      {kFailed, 0}, {kHeld, 0},    {kExpired, 0}, {kCancelled, 0}};
  EXPECT_EQ(*counts, expected);
  EXPECT_EQ(*store->ItemCount(), 0);
}

TEST_F(StoreTest, SaveItemWritesItemSightingAndOneRowPerRecipient) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item item = MakeItem("oj-l", "cellar:1", "32024L1275", "Directive on water");
  Result<int> inserted = store->SaveItem(
      item,
      {MakeAlert("vav", {"a@vav.oslo.kommune.no", "b@vav.oslo.kommune.no"}),
       MakeAlert("bym", {"c@bym.oslo.kommune.no"})},
      At(1000));
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(*inserted, 3);
  EXPECT_TRUE(*store->HasItem("celex:32024L1275"));
  EXPECT_FALSE(*store->HasItem("celex:32024L9999"));
  EXPECT_EQ(*store->ItemCount(), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM item_sightings"), 1);

  Result<std::vector<OutboxMessage>> due = store->DueMessages(At(1000), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  const OutboxMessage& m = (*due)[0];
  EXPECT_EQ(m.item_key, "celex:32024L1275");
  EXPECT_EQ(m.agency_id, "vav");
  EXPECT_EQ(m.recipient, "a@vav.oslo.kommune.no");
  EXPECT_EQ(m.message_id, "lexwatch.vav@oslo.kommune.no");
  EXPECT_EQ(m.message, "");  // Read when sent:
  EXPECT_EQ(*store->MessageText(m.id), "Subject: x\r\n\r\nbody\r\n");
  Result<std::string> missing = store->MessageText(999);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(), "outbox message 999");
  EXPECT_EQ(m.reasons, "rule 'water': keyword 'drinking water'");
  EXPECT_EQ(m.state, kQueued);
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.created, 1000);
  EXPECT_EQ(m.next_attempt, 1000);
  EXPECT_EQ(m.last_reply, "");
  EXPECT_EQ(m.sent_at, std::nullopt);
  EXPECT_EQ(m.last_attempt, std::nullopt);
}

TEST_F(StoreTest, ItemWithoutAlertsIsArchived) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item item;
  item.source = "eea-news";
  item.title = "Air quality status";
  Result<int> inserted = store->SaveItem(item, {}, At(5));
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(*inserted, 0);
  EXPECT_TRUE(*store->HasItem("guid:eea-news:Air quality status"));
}

TEST_F(StoreTest, SameCelexFromTwoSourcesIsOneItemAlertedOncePerAgency) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item from_oj = MakeItem("oj-l", "cellar:aaa", "32024L1275", "Old title");
  Item from_search =
      MakeItem("my-search", "cellar:bbb", "32024L1275", "New title");
  from_search.summary = "Corrected";
  ASSERT_EQ(*store->SaveItem(from_oj, {MakeAlert("vav", {"a@x.no"})}, At(100)),
            1);
  Result<int> again = store->SaveItem(
      from_search, {MakeAlert("vav", {"a@x.no"}), MakeAlert("bym", {"b@x.no"})},
      At(200));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);  // Only bym is new.

  EXPECT_EQ(*store->ItemCount(), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM item_sightings WHERE item_key = "
                     "'celex:32024L1275'"),
            2);
  EXPECT_EQ(QueryInt("SELECT first_seen FROM items"), 100);
  EXPECT_EQ(QueryInt("SELECT last_seen FROM items"), 200);
  EXPECT_EQ(QueryInt("SELECT first_source = 'oj-l' AND title = 'New title' "
                     "AND summary = 'Corrected' FROM items"),
            1);
  EXPECT_EQ(
      *store->SaveItem(
          from_oj, {MakeAlert("vav", {"a@x.no"}), MakeAlert("bym", {"b@x.no"})},
          At(300)),
      0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox"), 2);
}

TEST_F(StoreTest, RefreshKeepsKnownTextWhenTheNewSightingLacksIt) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item first = MakeItem("oj-l", "g1", "32024R0001", "Title");
  first.summary = "Summary";
  first.published = 1700000000;
  Item bare = MakeItem("other", "g2", "32024R0001", "");
  bare.summary = "";
  bare.link = "";
  ASSERT_TRUE(store->SaveItem(first, {}, At(1)).ok());
  ASSERT_TRUE(store->SaveItem(bare, {}, At(2)).ok());
  EXPECT_EQ(QueryInt("SELECT title = 'Title' AND summary = 'Summary' AND "
                     "link <> '' AND published = 1700000000 FROM items"),
            1);
}

TEST_F(StoreTest, AlertedAgenciesListsAgenciesWithRows) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->AlertedAgencies("celex:32024L1275")->empty());
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                             {MakeAlert("vav", {"a@x.no", "b@x.no"}),
                              MakeAlert("bym", {"c@x.no"})},
                             At(1))
                  .ok());
  Result<std::set<std::string>> agencies =
      store->AlertedAgencies("celex:32024L1275");
  ASSERT_TRUE(agencies.ok());
  EXPECT_EQ(*agencies, (std::set<std::string>{"bym", "vav"}));
  EXPECT_TRUE(store->AlertedAgencies("celex:32024L9999")->empty());
}

TEST_F(StoreTest, FailingSaveItemWritesNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  // The second recipient breaks a CHECK constraint after the item, the
  // sighting and the first outbox row were written inside the transaction.
  Result<int> r = store->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                                  {MakeAlert("vav", {"a@x.no", ""})}, At(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "I/O error: " + DbPath().string() +
                                       ": CHECK constraint failed: "
                                       "recipient <> ''");
  EXPECT_FALSE(*store->HasItem("celex:32024L1275"));
  EXPECT_EQ(*store->ItemCount(), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM item_sightings"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox"), 0);
  // The connection is usable afterwards: no transaction was left open.
  EXPECT_EQ(*store->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                             {MakeAlert("vav", {"a@x.no"})}, At(2)),
            1);
}

TEST_F(StoreTest, MessageBytesRoundTripExactly) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::string bytes =
      "Subject: =?UTF-8?B?w5hrb25vbWk=?=\r\n\r\nVannforsyning \xC3\xB8 "
      "\xE2\x80\x94 \xF0\x9F\x92\xA7\r\n..leading dot\r\n\r\n  \t\r\n";
  bytes.push_back('\0');
  bytes += "\xFF after a NUL\n\r";
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                             {MakeAlert("vav", {"a@x.no"}, bytes)}, At(1))
                  .ok());
  Result<std::optional<OutboxMessage>> m = store->GetMessage(1);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->message, bytes);
  EXPECT_EQ((*m)->message.size(), bytes.size());
}

TEST_F(StoreTest, GetMessageOfMissingIdIsEmpty) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::optional<OutboxMessage>> m = store->GetMessage(42);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_value());
}

TEST_F(StoreTest, StateTransitionsFollowTheDeliveryOfOneMessage) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                             {MakeAlert("vav", {"a@x.no"})}, At(100))
                  .ok());
  const std::int64_t id = (*store->DueMessages(At(100), 10))[0].id;

  ASSERT_TRUE(store->MarkSending(id, At(110)).ok());
  OutboxMessage m = **store->GetMessage(id);
  EXPECT_EQ(m.state, kSending);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_attempt, 110);
  EXPECT_TRUE(store->DueMessages(At(1000), 10)->empty());

  ASSERT_TRUE(store->MarkDeferred(id, "451 4.7.1 try later", At(400)).ok());
  m = **store->GetMessage(id);
  EXPECT_EQ(m.state, kDeferred);
  EXPECT_EQ(m.next_attempt, 400);
  EXPECT_EQ(m.last_reply, "451 4.7.1 try later");
  EXPECT_TRUE(store->DueMessages(At(399), 10)->empty());
  ASSERT_EQ(store->DueMessages(At(400), 10)->size(), 1u);

  ASSERT_TRUE(store->MarkSending(id, At(400)).ok());
  ASSERT_TRUE(store->MarkSent(id, "250 2.0.0 Ok: queued", At(401)).ok());
  m = **store->GetMessage(id);
  EXPECT_EQ(m.state, kSent);
  EXPECT_EQ(m.attempts, 2);
  EXPECT_EQ(m.sent_at, 401);
  EXPECT_EQ(m.last_reply, "250 2.0.0 Ok: queued");
  EXPECT_TRUE(store->DueMessages(At(10000), 10)->empty());
  EXPECT_EQ(store->OutboxCounts()->at(kSent), 1);
}

TEST_F(StoreTest, MarkFailedIsNeverDueAgain) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("oj-l", "g", "32024L1275", "T"),
                             {MakeAlert("vav", {"a@x.no"})}, At(100))
                  .ok());
  ASSERT_TRUE(store->MarkSending(1, At(100)).ok());
  ASSERT_TRUE(store->MarkFailed(1, "550 5.1.1 no such user", At(101)).ok());
  OutboxMessage m = **store->GetMessage(1);
  EXPECT_EQ(m.state, kFailed);
  EXPECT_EQ(m.last_reply, "550 5.1.1 no such user");
  EXPECT_EQ(m.sent_at, std::nullopt);
  EXPECT_TRUE(store->DueMessages(At(100000), 10)->empty());
  std::map<std::string, long long> expected = {
      {kQueued, 0}, {kSending, 0}, {kSent, 0},    {kDeferred, 0},
      {kFailed, 1}, {kHeld, 0},    {kExpired, 0}, {kCancelled, 0}};
  EXPECT_EQ(*store->OutboxCounts(), expected);
}

TEST_F(StoreTest, MarkOnMissingIdIsNotFound) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status sending = store->MarkSending(7, At(1));
  EXPECT_TRUE(sending.IsNotFound());
  EXPECT_EQ(sending.ToString(), "Not found: outbox message 7");
  EXPECT_TRUE(store->MarkSent(7, "250", At(1)).IsNotFound());
  EXPECT_TRUE(store->MarkDeferred(7, "451", At(1)).IsNotFound());
  EXPECT_TRUE(store->MarkFailed(7, "550", At(1)).IsNotFound());
}

TEST_F(StoreTest, DueMessagesAreOldestFirstAndLimited) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  // Saved out of order: created 300, then 100 (two recipients), then 200.
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("s", "g3", "32024R0003", "T3"),
                             {MakeAlert("a", {"late@x.no"})}, At(300))
                  .ok());
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("s", "g1", "32024R0001", "T1"),
                             {MakeAlert("a", {"early1@x.no", "early2@x.no"})},
                             At(100))
                  .ok());
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("s", "g2", "32024R0002", "T2"),
                             {MakeAlert("a", {"mid@x.no"})}, At(200))
                  .ok());
  auto recipients = [&](TimePoint now, int limit) {
    std::vector<std::string> out;
    Result<std::vector<OutboxMessage>> due = store->DueMessages(now, limit);
    EXPECT_TRUE(due.ok());
    for (const OutboxMessage& m : *due) {
      out.push_back(m.recipient);
    }
    return out;
  };
  EXPECT_EQ(recipients(At(1000), 10),
            (std::vector<std::string>{"early1@x.no", "early2@x.no", "mid@x.no",
                                      "late@x.no"}));
  EXPECT_EQ(recipients(At(1000), 2),
            (std::vector<std::string>{"early1@x.no", "early2@x.no"}));
  EXPECT_EQ(
      recipients(At(250), 10),
      (std::vector<std::string>{"early1@x.no", "early2@x.no", "mid@x.no"}));
  EXPECT_TRUE(recipients(At(99), 10).empty());
  EXPECT_TRUE(recipients(At(1000), 0).empty());
}

TEST_F(StoreTest, RecoverInterruptedRequeuesSendingRows) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("s", "g", "32024R0001", "T"),
                             {MakeAlert("a", {"1@x.no", "2@x.no", "3@x.no"})},
                             At(100))
                  .ok());
  ASSERT_TRUE(store->MarkSending(1, At(101)).ok());
  ASSERT_TRUE(store->MarkSending(2, At(101)).ok());
  ASSERT_TRUE(store->MarkSent(2, "250", At(102)).ok());
  ASSERT_TRUE(store->MarkSending(3, At(101)).ok());
  // A crash here leaves 1 and 3 in sending; a new process recovers them.
  store.reset();
  store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<int> recovered = store->RecoverInterrupted();
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, 2);
  EXPECT_EQ((*store->GetMessage(1))->state, kQueued);
  EXPECT_EQ((*store->GetMessage(1))->attempts, 1);
  EXPECT_EQ((*store->GetMessage(2))->state, kSent);
  EXPECT_EQ((*store->GetMessage(3))->state, kQueued);
  EXPECT_EQ(store->DueMessages(At(200), 10)->size(), 2u);
  EXPECT_EQ(*store->RecoverInterrupted(), 0);
}

void ExpectSameSource(const SourceState& a, const SourceState& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.last_modified, b.last_modified);
  EXPECT_EQ(a.last_poll, b.last_poll);
  EXPECT_EQ(a.last_success, b.last_success);
  EXPECT_EQ(a.next_poll, b.next_poll);
  EXPECT_EQ(a.last_error, b.last_error);
  EXPECT_EQ(a.consecutive_failures, b.consecutive_failures);
  EXPECT_EQ(a.items_seen, b.items_seen);
}

TEST_F(StoreTest, SourceStateRoundTripsIncludingUnsetTimes) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<SourceState> fresh = store->GetSource("oj-l");
  ASSERT_TRUE(fresh.ok());
  SourceState never;
  never.name = "oj-l";
  ExpectSameSource(*fresh, never);

  SourceState full;
  full.name = "oj-l";
  full.etag = "W/\"5f3-abc\"";
  full.last_modified = "Tue, 30 Jun 2026 00:00:00 GMT";
  full.last_poll = 1000;
  full.last_success = 900;
  full.next_poll = 4600;
  full.last_error = "HTTP 503";
  full.consecutive_failures = 3;
  full.items_seen = 250;
  ASSERT_TRUE(store->PutSource(full).ok());
  ExpectSameSource(*store->GetSource("oj-l"), full);

  SourceState cleared;
  cleared.name = "oj-l";
  cleared.last_poll = 2000;
  ASSERT_TRUE(store->PutSource(cleared).ok());
  ExpectSameSource(*store->GetSource("oj-l"), cleared);

  SourceState other;
  other.name = "eea-news";
  ASSERT_TRUE(store->PutSource(other).ok());
  Result<std::vector<SourceState>> all = store->ListSources();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  ExpectSameSource((*all)[0], other);
  ExpectSameSource((*all)[1], cleared);
}

TEST_F(StoreTest, WriterCommitsWhileAnotherConnectionHoldsAReadSnapshot) {
  auto writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(
      writer->SaveItem(MakeItem("s", "g1", "32024R0001", "T"), {}, At(1)).ok());
  // In rollback-journal mode this reader's SHARED lock would block the
  // writer's commit; under WAL it does not.
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &reader), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(reader, "BEGIN", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM items", -1, &count,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(count, 0), 1);
  sqlite3_reset(count);

  Result<int> saved = writer->SaveItem(MakeItem("s", "g2", "32024R0002", "T"),
                                       {MakeAlert("a", {"a@x.no"})}, At(2));
  EXPECT_TRUE(saved.ok()) << saved.status().ToString();

  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(count, 0), 1);  // Still its snapshot.
  sqlite3_finalize(count);
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);

  auto second = OpenStore();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(*second->ItemCount(), 2);
}

TEST_F(StoreTest, TwoStoresOnOneFileWriteAndReadConcurrently) {
  auto writer = OpenStore();
  auto reader = OpenStore();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  constexpr int kItems = 60;
  std::atomic<bool> done{false};
  std::atomic<int> write_errors{0};
  std::thread writing([&] {
    for (int i = 0; i < kItems; ++i) {
      Item item = MakeItem("s", "g" + std::to_string(i),
                           "32024R" + std::to_string(1000 + i), "T");
      if (!writer->SaveItem(item, {MakeAlert("a", {"a@x.no"})}, At(i)).ok()) {
        ++write_errors;
      }
    }
    done = true;
  });
  int read_errors = 0;
  long long last = 0;
  bool monotonic = true;
  while (!done) {
    Result<long long> n = reader->ItemCount();
    if (!n.ok()) {
      ++read_errors;
      continue;
    }
    if (*n < last) monotonic = false;
    last = *n;
  }
  writing.join();
  EXPECT_EQ(write_errors, 0);
  EXPECT_EQ(read_errors, 0);
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(*reader->ItemCount(), kItems);
  EXPECT_EQ(reader->OutboxCounts()->at(kQueued), kItems);
}

TEST_F(StoreTest, ConcurrentWritersAlertEachRecipientOnce) {
  auto first = OpenStore();
  auto second = OpenStore();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  constexpr int kItems = 20;
  // Both stores race to save the same items with the same alert, as two
  // sources carrying one act could; BEGIN IMMEDIATE and the busy timeout
  // serialise them and the unique key keeps one row per recipient.
  auto save_all = [](Store* store, std::atomic<int>* inserted,
                     std::atomic<int>* errors) {
    for (int i = 0; i < kItems; ++i) {
      Item item = MakeItem("s", "g" + std::to_string(i),
                           "32024R" + std::to_string(1000 + i), "T");
      Result<int> r =
          store->SaveItem(item, {MakeAlert("a", {"a@x.no"})}, At(i));
      if (r.ok()) {
        *inserted += *r;
      } else {
        ++*errors;
      }
    }
  };
  std::atomic<int> inserted{0};
  std::atomic<int> errors{0};
  std::thread a(save_all, first.get(), &inserted, &errors);
  std::thread b(save_all, second.get(), &inserted, &errors);
  a.join();
  b.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(inserted, kItems);
  EXPECT_EQ(*first->ItemCount(), kItems);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox"), kItems);
}

// The migration runner, on a raw connection with made-up migrations.
class SchemaTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    fs::create_directories(DbPath().parent_path());
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db_), SQLITE_OK);
  }
  void TearDown() override {
    sqlite3_close(db_);
    StoreTest::TearDown();
  }
  sqlite3* db_ = nullptr;
};

TEST_F(SchemaTest, AppliesOnlyPendingMigrationsInOrder) {
  const char* const v1[] = {"CREATE TABLE t (a INTEGER)"};
  ASSERT_TRUE(internal::Migrate(db_, "db", v1).ok());
  EXPECT_EQ(QueryInt("PRAGMA user_version"), 1);
  ExecRaw("INSERT INTO t VALUES (7)");
  // Rerunning v1 would fail ("table t already exists"), so reaching v3
  // shows that only the new steps ran, in order.
  const char* const v3[] = {"CREATE TABLE t (a INTEGER)",
                            "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'",
                            "UPDATE t SET b = b || 'y'"};
  Status s = internal::Migrate(db_, "db", v3);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(QueryInt("PRAGMA user_version"), 3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM t WHERE a = 7 AND b = 'xy'"), 1);
  EXPECT_TRUE(internal::Migrate(db_, "db", v3).ok());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM t WHERE b = 'xy'"), 1);
}

TEST_F(SchemaTest, FailingMigrationRollsBackAndKeepsVersion) {
  const char* const migrations[] = {
      "CREATE TABLE t (a INTEGER)",
      "CREATE TABLE u (a INTEGER); INSERT INTO nowhere VALUES (1)"};
  Status s = internal::Migrate(db_, "db", migrations);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "I/O error: db: no such table: nowhere");
  EXPECT_EQ(QueryInt("PRAGMA user_version"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'u'"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 't'"), 1);
}

}  // namespace
}  // namespace lexwatch::store
