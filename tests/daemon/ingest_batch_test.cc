// Ingestor: a poll's items are written in transactions of
// kItemsPerTransaction, each all-or-nothing.

#include <gtest/gtest.h>

#include "daemon/ingest.h"
#include "daemon/store_fixture.h"
#include "store/store.h"

namespace lexwatch::daemon {
namespace {

constexpr char kRules[] = R"(
[[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
description = "Drinking water"
any = ["drinking water"]

[[rule]]
id = "water-sewage"
topic = "water"
agencies = ["vav", "kli"]
description = "Urban waste water"
any = ["urban wastewater"]
)";

// "kli" has an empty address: queueing an alert for it breaks the outbox's
// CHECK constraint, a database failure in the middle of a batch.
class IngestBatchTest : public StoreFixture {
 protected:
  void SetUp() override {
    config_.agencies = {
        {"vav", "Vann- og avløpsetaten", {"vav@example.org"}, {}},
        {"kli", "Klimaetaten", {""}, {}}};
    Open(kRules);
  }

  static Item Act(int n, std::string title) {
    Item item;
    item.source = "oj-l";
    item.guid = "g" + std::to_string(n);
    item.celex = "32024L" + std::to_string(10000 + n);
    item.title = std::move(title);
    return item;
  }

  long long Queued() { return store_->OutboxCounts()->at(store::kQueued); }

  FakeClock clock_{FromUnixSeconds(1780000000)};
};

TEST_F(IngestBatchTest, FailureMidBatchWritesNoneOfTheBatch) {
  Ingestor ingestor(config_, *store_, clock_);
  Result<IngestStats> stats =
      ingestor.Ingest({Act(1, "Directive on drinking water"),
                       Act(2, "Regulation on urban wastewater"),
                       Act(3, "Directive on drinking water quality")},
                      *matcher_);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().ToString(),
            "I/O error: " + (dir_ / "lexwatch.db").string() +
                ": CHECK constraint failed: recipient <> ''");
  // The first act's item and outbox rows were written before the failure
  // and rolled back with it, so a retried poll alerts it once.
  EXPECT_EQ(*store_->ItemCount(), 0);
  EXPECT_EQ(Queued(), 0);

  config_.agencies[1].addresses = {"kli@example.org"};
  Result<IngestStats> retried =
      ingestor.Ingest({Act(1, "Directive on drinking water"),
                       Act(2, "Regulation on urban wastewater"),
                       Act(3, "Directive on drinking water quality")},
                      *matcher_);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->new_items, 3);
  EXPECT_EQ(retried->queued, 4);  // vav three times, kli once.
  EXPECT_EQ(*store_->ItemCount(), 3);
  EXPECT_EQ(Queued(), 4);
}

TEST_F(IngestBatchTest, LargePollKeepsTheBatchesCommittedBeforeAFailure) {
  std::vector<Item> items;
  for (int i = 0; i < Ingestor::kItemsPerTransaction; ++i) {
    items.push_back(Act(i, i % 2 ? "Directive on drinking water" : "Tariffs"));
  }
  items.push_back(Act(Ingestor::kItemsPerTransaction, "urban wastewater"));
  items.push_back(Act(Ingestor::kItemsPerTransaction + 1, "Tariffs"));
  Ingestor ingestor(config_, *store_, clock_);
  Result<IngestStats> stats = ingestor.Ingest(items, *matcher_);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(*store_->ItemCount(), Ingestor::kItemsPerTransaction);
  EXPECT_EQ(Queued(), Ingestor::kItemsPerTransaction / 2);
}

TEST_F(IngestBatchTest, StatsAddUpAcrossBatches) {
  std::vector<Item> items;
  const int n = Ingestor::kItemsPerTransaction * 2 + 1;
  for (int i = 0; i < n; ++i) {
    items.push_back(Act(i, i % 2 ? "Directive on drinking water" : "Tariffs"));
  }
  Ingestor ingestor(config_, *store_, clock_);
  Result<IngestStats> stats = ingestor.Ingest(items, *matcher_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->items, n);
  EXPECT_EQ(stats->new_items, n);
  EXPECT_EQ(stats->matched, n / 2);
  EXPECT_EQ(stats->queued, n / 2);
  EXPECT_EQ(*store_->ItemCount(), n);
  EXPECT_EQ(Queued(), n / 2);
}

}  // namespace
}  // namespace lexwatch::daemon
