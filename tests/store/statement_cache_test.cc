// The per-connection prepared-statement cache and Store::InTransaction.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;
using internal::Statement;
using internal::StatementCache;

// A database file in its own directory with one table `t (v TEXT UNIQUE)`,
// and a cache over a connection to it.
class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("lexwatch_stmt_cache_" + std::to_string(getpid()) + "_" +
            info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = Open();
    ASSERT_EQ(sqlite3_exec(db_,
                           "PRAGMA journal_mode = WAL;"
                           "CREATE TABLE t (v TEXT UNIQUE)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    cache_ = std::make_unique<StatementCache>(db_, "test.db");
  }
  void TearDown() override {
    cache_.reset();
    sqlite3_close(db_);
    fs::remove_all(dir_);
  }

  sqlite3* Open() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_ / "test.db").c_str(), &db), SQLITE_OK);
    return db;
  }

  Status Insert(const std::string& v) {
    Statement stmt(*cache_, "INSERT INTO t (v) VALUES (?1)");
    stmt.Bind(1, v);
    return stmt.Run();
  }

  long long Count() {
    Statement stmt(*cache_, "SELECT COUNT(*) FROM t");
    Result<bool> row = stmt.Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt.Int(0);
  }

  fs::path dir_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> cache_;
};

TEST_F(StatementCacheTest, SameTextIsPreparedOnceAndReused) {
  ASSERT_TRUE(Insert("a").ok());
  ASSERT_TRUE(Insert("b").ok());
  ASSERT_TRUE(Insert("c").ok());
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(cache_->size(), 2u);
  EXPECT_EQ(cache_->prepares(), 2);
}

TEST_F(StatementCacheTest, StatementFailingOnceWorksOnItsNextUse) {
  ASSERT_TRUE(Insert("a").ok());
  Status dup = Insert("a");
  EXPECT_EQ(dup.ToString(),
            "I/O error: test.db: UNIQUE constraint failed: t.v");
  EXPECT_TRUE(Insert("b").ok());
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(cache_->prepares(), 2);
}

TEST_F(StatementCacheTest, BindingsDoNotCarryOverToTheNextUse) {
  {
    Statement stmt(*cache_, "SELECT ?1");
    stmt.Bind(1, "kept?");
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Bytes(0), "kept?");
  }
  Statement again(*cache_, "SELECT ?1");
  ASSERT_TRUE(*again.Step());
  EXPECT_FALSE(again.OptionalInt(0).has_value());  // NULL: nothing bound.
  EXPECT_EQ(cache_->prepares(), 1);
}

TEST_F(StatementCacheTest, UnfinishedReadIsResetSoLaterWritesAreSeen) {
  ASSERT_TRUE(Insert("a").ok());
  ASSERT_TRUE(Insert("b").ok());
  {
    // Reads one row of two and is dropped: a statement left mid-read would
    // keep this connection on its old snapshot of the WAL database.
    Statement stmt(*cache_, "SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(*stmt.Step());
  }
  sqlite3* other = Open();
  ASSERT_EQ(sqlite3_exec(other, "INSERT INTO t (v) VALUES ('c')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(Count(), 3);
}

TEST_F(StatementCacheTest, TextInUseFurtherUpTheStackGetsItsOwnStatement) {
  ASSERT_TRUE(Insert("a").ok());
  ASSERT_TRUE(Insert("b").ok());
  Statement outer(*cache_, "SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(*outer.Step());
  {
    Statement inner(*cache_, "SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(*inner.Step());
    EXPECT_EQ(inner.Bytes(0), "a");
    ASSERT_TRUE(*inner.Step());
    EXPECT_EQ(inner.Bytes(0), "b");
  }
  EXPECT_EQ(outer.Bytes(0), "a");  // Not disturbed by the inner one.
  ASSERT_TRUE(*outer.Step());
  EXPECT_EQ(outer.Bytes(0), "b");
  EXPECT_EQ(cache_->size(), 2u);  // The inner one was not cached.
}

TEST_F(StatementCacheTest, SqlThatDoesNotPrepareIsReportedAndNotCached) {
  Statement stmt(*cache_, "SELEKT 1");
  Result<bool> row = stmt.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().ToString(),
            "I/O error: test.db: near \"SELEKT\": syntax error");
  EXPECT_EQ(cache_->size(), 0u);
}

// --- Store::InTransaction ---------------------------------------------

Item MakeItem(const std::string& guid, const std::string& celex) {
  Item item;
  item.source = "oj-l";
  item.guid = guid;
  item.celex = celex;
  item.title = "Act " + celex;
  return item;
}

NewAlert MakeAlert(std::vector<std::string> recipients) {
  NewAlert alert;
  alert.agency_id = "vav";
  alert.recipients = std::move(recipients);
  alert.message_id = "lexwatch.vav@oslo.kommune.no";
  alert.message = "Subject: x\r\n\r\nbody\r\n";
  alert.reasons = "water";
  return alert;
}

class StoreTransactionTest : public StatementCacheTest {
 protected:
  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> store = Store::Open(dir_ / "lexwatch.db");
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  const TimePoint now_ = FromUnixSeconds(1780000000);
};

TEST_F(StoreTransactionTest, WritesInsideCommitTogether) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status s = store->InTransaction([&]() -> Status {
    for (const char* celex : {"32024L0001", "32024L0002"}) {
      Result<int> saved = store->SaveItem(MakeItem(celex, celex),
                                          {MakeAlert({"a@x.no"})}, now_);
      if (!saved.ok()) return saved.status();
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*store->ItemCount(), 2);
  EXPECT_EQ(store->OutboxCounts()->at(kQueued), 2);
}

TEST_F(StoreTransactionTest, FailureInsideRollsBackEveryWrite) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status s = store->InTransaction([&]() -> Status {
    Result<int> first = store->SaveItem(MakeItem("g1", "32024L0001"),
                                        {MakeAlert({"a@x.no"})}, now_);
    if (!first.ok()) return first.status();
    // An empty recipient breaks a CHECK constraint: the second SaveItem
    // fails after the first one succeeded.
    Result<int> second = store->SaveItem(MakeItem("g2", "32024L0002"),
                                         {MakeAlert({"b@x.no", ""})}, now_);
    return second.status();
  });
  EXPECT_EQ(s.ToString(), "I/O error: " + (dir_ / "lexwatch.db").string() +
                              ": CHECK constraint failed: recipient <> ''");
  EXPECT_EQ(*store->ItemCount(), 0);
  EXPECT_EQ(store->OutboxCounts()->at(kQueued), 0);
  // Nothing was left open: the next write commits on its own.
  ASSERT_TRUE(store
                  ->SaveItem(MakeItem("g1", "32024L0001"),
                             {MakeAlert({"a@x.no"})}, now_)
                  .ok());
  EXPECT_EQ(*store->ItemCount(), 1);
}

TEST_F(StoreTransactionTest, FailedWriteInsideIsUndoneAloneWhenCallerGoesOn) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status s = store->InTransaction([&]() -> Status {
    // The failing SaveItem's item row must not survive: each write inside
    // stays all-or-nothing on its own.
    EXPECT_FALSE(store
                     ->SaveItem(MakeItem("g2", "32024L0002"),
                                {MakeAlert({"b@x.no", ""})}, now_)
                     .ok());
    return store
        ->SaveItem(MakeItem("g1", "32024L0001"), {MakeAlert({"a@x.no"})}, now_)
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*store->ItemCount(), 1);
  EXPECT_FALSE(*store->HasItem("celex:32024L0002"));
}

}  // namespace
}  // namespace lexwatch::store
