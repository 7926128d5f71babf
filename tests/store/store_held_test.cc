#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;

const TimePoint kT0 = FromUnixSeconds(1'720'000'000);

class StoreHeldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("store_held_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Result<std::unique_ptr<Store>> store = Store::Open(dir_ / "lexwatch.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Item Act(const std::string& source, const std::string& celex) {
    Item item;
    item.source = source;
    item.guid = "g-" + celex;
    item.celex = celex;
    item.title = "Directive on drinking water " + celex;
    return item;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreHeldTest, HoldArchivesTheItemWithoutAlerts) {
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32024L0001"), kHeldFlood, kT0).ok());
  EXPECT_TRUE(*store_->HasItem("celex:32024L0001"));
  EXPECT_TRUE(store_->ListMessages({}, 10)->empty());
  EXPECT_EQ(*store_->HeldKeys(kHeldFlood, "oj",
                              {"celex:32024L0001", "celex:32024L0002"}),
            std::set<std::string>{"celex:32024L0001"});
  EXPECT_EQ(*store_->KeysSeenBy("oj", {"celex:32024L0001"}),
            std::set<std::string>{"celex:32024L0001"});
  EXPECT_TRUE(store_->KeysSeenBy("cellar", {"celex:32024L0001"})->empty());
}

TEST_F(StoreHeldTest, FloodHoldsAreCountedAndListedPerSource) {
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32024L0001"), kHeldFlood, kT0).ok());
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32024L0002"), kHeldFlood, kT0).ok());
  ASSERT_TRUE(
      store_->HoldItem(Act("oj", "32024L0003"), kHeldRecorded, kT0).ok());
  ASSERT_TRUE(store_->HoldItem(Act("eea", "32024L0004"), kHeldFlood, kT0).ok());
  EXPECT_EQ(*store_->FloodHeldCounts(),
            (std::map<std::string, long long>{{"eea", 1}, {"oj", 2}}));
  Result<std::vector<ArchivedItem>> held = store_->FloodHeldItems("oj");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ(held->at(0).key, "celex:32024L0001");
  EXPECT_EQ(held->at(0).item.Key(), "celex:32024L0001");
  EXPECT_EQ(held->at(0).item.title, "Directive on drinking water 32024L0001");
}

TEST_F(StoreHeldTest, ItemWithoutCelexKeepsItsKeyWhenListed) {
  Item item;
  item.source = "eea";
  item.guid = "https://www.eea.europa.eu/news/1";
  item.title = "Bathing water quality";
  ASSERT_TRUE(store_->HoldItem(item, kHeldFlood, kT0).ok());
  Result<std::vector<ArchivedItem>> held = store_->FloodHeldItems("eea");
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ(held->at(0).item.Key(), item.Key());
  EXPECT_EQ(held->at(0).key, item.Key());
}

TEST_F(StoreHeldTest, AHoldIsKeptByALaterHoldAndEndedByUnhold) {
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32024L0001"), kHeldFlood, kT0).ok());
  ASSERT_TRUE(
      store_->HoldItem(Act("oj", "32024L0001"), kHeldRecorded, kT0).ok());
  EXPECT_EQ(store_->FloodHeldCounts()->at("oj"), 1);
  EXPECT_TRUE(*store_->Unhold("celex:32024L0001"));
  EXPECT_FALSE(*store_->Unhold("celex:32024L0001"));
  EXPECT_TRUE(store_->FloodHeldCounts()->empty());
  EXPECT_TRUE(store_->HeldKeys(kHeldFlood, "", {"celex:32024L0001"})->empty());
  EXPECT_TRUE(
      store_->HeldKeys(kHeldRecorded, "", {"celex:32024L0001"})->empty());
}

TEST_F(StoreHeldTest, HeldKeysFilterByKindAndSource) {
  ASSERT_TRUE(
      store_->HoldItem(Act("new", "32026L0777"), kHeldRecorded, kT0).ok());
  ASSERT_TRUE(store_->HoldItem(Act("eea", "32026L0778"), kHeldFlood, kT0).ok());
  const std::vector<std::string> keys = {"celex:32026L0777",
                                         "celex:32026L0778"};
  EXPECT_EQ(*store_->HeldKeys(kHeldRecorded, "new", keys),
            std::set<std::string>{"celex:32026L0777"});
  EXPECT_TRUE(store_->HeldKeys(kHeldRecorded, "oj", keys)->empty());
  EXPECT_EQ(*store_->HeldKeys(kHeldRecorded, "", keys),
            std::set<std::string>{"celex:32026L0777"});
  EXPECT_EQ(*store_->HeldKeys(kHeldFlood, "", keys),
            std::set<std::string>{"celex:32026L0778"});
  EXPECT_TRUE(store_->HeldKeys(kHeldFlood, "new", keys)->empty());
}

TEST_F(StoreHeldTest, TwoSourcesHoldOneActAndReleaseEndsOnlyTheFloodHold) {
  ASSERT_TRUE(
      store_->HoldItem(Act("new", "32026L0777"), kHeldRecorded, kT0).ok());
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32026L0777"), kHeldFlood, kT0).ok());
  const std::vector<std::string> keys = {"celex:32026L0777"};
  EXPECT_EQ(*store_->FloodHeldCounts(),
            (std::map<std::string, long long>{{"oj", 1}}));
  EXPECT_EQ(store_->FloodHeldItems("oj")->size(), 1u);
  EXPECT_TRUE(*store_->Unhold("celex:32026L0777"));
  EXPECT_TRUE(store_->HeldKeys(kHeldFlood, "", keys)->empty());
  EXPECT_EQ(*store_->HeldKeys(kHeldRecorded, "new", keys),
            std::set<std::string>{"celex:32026L0777"});
}

// Holds written before holds were keyed per source survive the migration,
// and the act may then be held by a second source too.
TEST_F(StoreHeldTest, HoldsOfTheOneRowPerActSchemaAreMigrated) {
  store_.reset();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const fs::path path = dir_ / "lexwatch.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(
      internal::Migrate(db, path.string(), internal::Migrations().first(5))
          .ok());
  const char* rows =
      "INSERT INTO items (key, title, first_source, first_seen, last_seen) "
      "VALUES ('celex:32026L0777', 'Act', 'new', 5, 5);"
      "INSERT INTO held_items (item_key, source, kind, held_at) VALUES "
      "('celex:32026L0777', 'new', 'recorded', 5);";
  ASSERT_EQ(sqlite3_exec(db, rows, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  Result<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(*store);
  const std::vector<std::string> keys = {"celex:32026L0777"};
  EXPECT_EQ(*store_->HeldKeys(kHeldRecorded, "new", keys),
            std::set<std::string>{"celex:32026L0777"});
  ASSERT_TRUE(store_->HoldItem(Act("oj", "32026L0777"), kHeldFlood, kT0).ok());
  EXPECT_EQ(*store_->FloodHeldCounts(),
            (std::map<std::string, long long>{{"oj", 1}}));
}

TEST_F(StoreHeldTest, SourceHealthTimesRoundTrip) {
  SourceState state;
  state.name = "oj";
  state.last_new_item = 1'720'000'000;
  state.failing_since = 1'720'000'100;
  ASSERT_TRUE(store_->PutSource(state).ok());
  SourceState back = *store_->GetSource("oj");
  EXPECT_EQ(back.last_new_item, 1'720'000'000);
  EXPECT_EQ(back.failing_since, 1'720'000'100);
  state.failing_since.reset();
  ASSERT_TRUE(store_->PutSource(state).ok());
  EXPECT_FALSE(store_->GetSource("oj")->failing_since);
}

}  // namespace
}  // namespace lexwatch::store
