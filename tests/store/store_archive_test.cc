#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;

class StoreArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("store_archive_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> store = Store::Open(dir_ / "lexwatch.db");
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store.value()) : nullptr;
  }

  fs::path dir_;
};

Item EeaDecision() {
  Item item;
  item.source = "oj-l";
  item.guid = "g1";
  item.celex = "22024D0512";
  item.doc_type = "eea-decision";
  item.title =
      "Decision of the EEA Joint Committee No 30/2024 amending Annex "
      "XX (Environment) to the EEA Agreement";
  item.summary = "summary";
  item.link =
      "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:22024D0512";
  item.author = "EEA Joint Committee";
  item.language = "en";
  item.published = 1700000000;
  item.eea_annex = "XX Environment";
  item.eurovoc = {"environmental protection", "EEA"};
  item.eea_relevant = true;
  return item;
}

TEST_F(StoreArchiveTest, ListItemsReturnsWhatTheMatcherSaw) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item item = EeaDecision();
  ASSERT_TRUE(store->SaveItem(item, {}, FromUnixSeconds(100)).ok());
  Result<std::vector<ArchivedItem>> items = store->ListItems(std::nullopt);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);
  const ArchivedItem& a = items->at(0);
  EXPECT_EQ(a.key, "celex:22024D0512");
  EXPECT_EQ(a.first_seen, 100);
  EXPECT_EQ(a.item.source, "oj-l");
  EXPECT_EQ(a.item.title, item.title);
  EXPECT_EQ(a.item.summary, "summary");
  EXPECT_EQ(a.item.doc_type, "eea-decision");
  EXPECT_EQ(a.item.author, "EEA Joint Committee");
  EXPECT_EQ(a.item.language, "en");
  EXPECT_EQ(a.item.published, 1700000000);
  EXPECT_EQ(a.item.eea_annex, "XX Environment");
  EXPECT_EQ(a.item.eurovoc, item.eurovoc);
  EXPECT_EQ(a.item.eea_relevant, true);
}

TEST_F(StoreArchiveTest, ListItemsSinceSkipsOlderItems) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item old_item = EeaDecision();
  Item new_item = EeaDecision();
  new_item.celex = "32024L1275";
  new_item.eea_relevant.reset();
  new_item.eurovoc.clear();
  ASSERT_TRUE(store->SaveItem(old_item, {}, FromUnixSeconds(100)).ok());
  ASSERT_TRUE(store->SaveItem(new_item, {}, FromUnixSeconds(200)).ok());
  Result<std::vector<ArchivedItem>> items =
      store->ListItems(FromUnixSeconds(150));
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->at(0).key, "celex:32024L1275");
  EXPECT_FALSE(items->at(0).item.eea_relevant.has_value());
  EXPECT_TRUE(items->at(0).item.eurovoc.empty());
}

TEST_F(StoreArchiveTest, LateMetadataFillsInWithoutErasingIt) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Item bare = EeaDecision();
  bare.eurovoc.clear();
  bare.eea_relevant.reset();
  ASSERT_TRUE(store->SaveItem(bare, {}, FromUnixSeconds(100)).ok());
  ASSERT_TRUE(store->SaveItem(EeaDecision(), {}, FromUnixSeconds(200)).ok());
  ASSERT_TRUE(store->SaveItem(bare, {}, FromUnixSeconds(300)).ok());
  Result<std::vector<ArchivedItem>> items = store->ListItems(std::nullopt);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->at(0).item.eurovoc, EeaDecision().eurovoc);
  EXPECT_EQ(items->at(0).item.eea_relevant, true);
}

TEST_F(StoreArchiveTest, StatesOverwriteAndReadBack) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutState("rules.count", "24", FromUnixSeconds(1)).ok());
  ASSERT_TRUE(store->PutState("rules.error", "bad", FromUnixSeconds(2)).ok());
  ASSERT_TRUE(store->PutState("rules.error", "", FromUnixSeconds(3)).ok());
  Result<std::map<std::string, std::string>> states = store->GetStates();
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(*states, (std::map<std::string, std::string>{{"rules.count", "24"},
                                                         {"rules.error", ""}}));
}

// A database written by the first release keeps its items when opened.
TEST_F(StoreArchiveTest, VersionOneDatabaseIsMigrated) {
  fs::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "lexwatch.db").c_str(), &db), SQLITE_OK);
  const char* v1 =
      "CREATE TABLE items (key TEXT PRIMARY KEY, celex TEXT NOT NULL DEFAULT "
      "'', doc_type TEXT NOT NULL DEFAULT '', title TEXT NOT NULL, summary "
      "TEXT NOT NULL DEFAULT '', link TEXT NOT NULL DEFAULT '', author TEXT "
      "NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '', published "
      "INTEGER, first_source TEXT NOT NULL, first_seen INTEGER NOT NULL, "
      "last_seen INTEGER NOT NULL);"
      "INSERT INTO items (key, title, first_source, first_seen, last_seen) "
      "VALUES ('celex:1', 'Old act', 'oj-l', 5, 5);"
      // v1's outbox, as later migrations rebuild it.
      "CREATE TABLE outbox (id INTEGER PRIMARY KEY, item_key TEXT NOT NULL, "
      "agency_id TEXT NOT NULL, recipient TEXT NOT NULL, message_id TEXT NOT "
      "NULL, message BLOB NOT NULL, reasons TEXT NOT NULL DEFAULT '', state "
      "TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created INTEGER NOT "
      "NULL, next_attempt INTEGER NOT NULL, last_attempt INTEGER, last_reply "
      "TEXT NOT NULL DEFAULT '', sent_at INTEGER);"
      // v1's sources, as later migrations extend it.
      "CREATE TABLE sources (name TEXT PRIMARY KEY, etag TEXT NOT NULL "
      "DEFAULT '', last_modified TEXT NOT NULL DEFAULT '', last_poll INTEGER, "
      "last_success INTEGER, next_poll INTEGER, last_error TEXT NOT NULL "
      "DEFAULT '', consecutive_failures INTEGER NOT NULL DEFAULT 0, "
      "items_seen INTEGER NOT NULL DEFAULT 0);"
      "PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::vector<ArchivedItem>> items = store->ListItems(std::nullopt);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->at(0).item.title, "Old act");
  EXPECT_EQ(items->at(0).item.eea_annex, "");
  EXPECT_EQ(*store->ReadPragma("user_version"),
            std::to_string(internal::Migrations().size()));
}

}  // namespace
}  // namespace lexwatch::store
