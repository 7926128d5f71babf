#include "daemon/ingest.h"

#include <gtest/gtest.h>

#include "daemon/store_fixture.h"
#include "mail/message.h"
#include "store/store.h"

namespace lexwatch::daemon {
namespace {

constexpr char kRules[] = R"(
[[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
description = "Drinking water"
any = ["drinking water", "water intended for human consumption"]

[[rule]]
id = "water-sewage"
topic = "water"
agencies = ["vav", "kli"]
description = "Urban waste water"
any = ["urban wastewater", "urban waste water"]
)";

class IngestorTest : public StoreFixture {
 protected:
  void SetUp() override {
    config_.agencies = {
        {"vav", "Vann- og avløpsetaten", {"vav@example.org"}, {}},
        {"kli", "Klimaetaten", {"kli@example.org", "klima@example.org"}, {}}};
    Open(kRules);
  }

  Item Act(std::string source, std::string guid, std::string celex,
           std::string title) {
    Item item;
    item.source = std::move(source);
    item.guid = std::move(guid);
    item.celex = std::move(celex);
    item.title = std::move(title);
    item.link =
        "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:" + item.celex;
    return item;
  }

  FakeClock clock_{FromUnixSeconds(1780000000)};
};

TEST_F(IngestorTest, QueuesOneRowPerAgencyRecipient) {
  Ingestor ingestor(config_, *store_, clock_);
  Result<IngestStats> stats = ingestor.Ingest(
      {Act("oj-l", "g1", "32024L3019",
           "Directive (EU) 2024/3019 concerning urban wastewater treatment"),
       Act("oj-l", "g2", "32024R2754", "Anti-dumping duty on biodiesel")},
      *matcher_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->items, 2);
  EXPECT_EQ(stats->new_items, 2);
  EXPECT_EQ(stats->matched, 1);
  EXPECT_EQ(stats->queued, 3);  // vav once, kli twice.
  Result<std::vector<store::OutboxMessage>> due =
      store_->DueMessages(clock_.Now(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  for (const store::OutboxMessage& m : *due) {
    EXPECT_EQ(m.item_key, "celex:32024L3019");
    EXPECT_EQ(m.reasons, "water-sewage [water]: urban wastewater");
    EXPECT_EQ(m.message, "");  // Read when sent.
    EXPECT_NE(
        store_->MessageText(m.id)->find("Message-ID: <" + m.message_id + ">"),
        std::string::npos);
  }
  Result<long long> items = store_->ItemCount();
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(*items, 2);  // The unmatched act is archived too.
}

TEST_F(IngestorTest, SameActFromTwoFeedsIsQueuedOnce) {
  Ingestor ingestor(config_, *store_, clock_);
  std::string title =
      "Directive (EU) 2020/2184 on the quality of water intended for human "
      "consumption";
  ASSERT_TRUE(
      ingestor.Ingest({Act("oj-l", "g1", "32020L2184", title)}, *matcher_)
          .ok());
  clock_.Advance(std::chrono::hours(1));
  Result<IngestStats> again = ingestor.Ingest(
      {Act("legislation", "other-guid", "32020L2184", title)}, *matcher_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_items, 0);
  EXPECT_EQ(again->queued, 0);
  Result<std::map<std::string, long long>> counts = store_->OutboxCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(store::kQueued), 1);
}

TEST_F(IngestorTest, MessageIsRenderedOnceWithStableId) {
  Ingestor ingestor(config_, *store_, clock_);
  Item act =
      Act("oj-l", "g1", "32020L2184", "Directive on drinking water for Oslo");
  ASSERT_TRUE(ingestor.Ingest({act}, *matcher_).ok());
  Result<std::vector<store::OutboxMessage>> due =
      store_->DueMessages(clock_.Now(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->at(0).message_id,
            mail::MakeMessageId("celex:32020L2184", "vav", "example.org"));
}

TEST(SummariseReasons, NamesEveryRuleAndTerm) {
  rules::MatchReason a;
  a.rule_id = "a";
  a.topic = "water";
  a.terms = {"drinking water", "drikkevann"};
  rules::MatchReason b;
  b.rule_id = "b";
  b.topic = "planning";
  b.terms = {"spatial planning"};
  EXPECT_EQ(SummariseReasons({a, b}),
            "a [water]: drinking water, drikkevann; b [planning]: spatial "
            "planning");
}

}  // namespace
}  // namespace lexwatch::daemon
