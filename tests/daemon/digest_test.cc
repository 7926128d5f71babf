// Digests end to end inside the library: routing at ingest (immediate,
// urgent, digest), the stored entry codec, and the Digester's slots over a
// real SQLite file.

#include <gtest/gtest.h>

#include "daemon/digest_codec.h"
#include "daemon/digester.h"
#include "daemon/ingest.h"
#include "daemon/store_fixture.h"
#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "store/store.h"

namespace lexwatch::daemon {
namespace {

namespace chr = std::chrono;

constexpr char kRules[] = R"(
[[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav", "kli"]
description = "Drinking water"
any = ["drinking water"]

[[rule]]
id = "water-flood"
topic = "water"
agencies = ["vav"]
priority = "urgent"
description = "Flood risk"
any = ["flood risk"]

[[rule]]
id = "procurement"
topic = "procurement"
agencies = ["vav"]
description = "Public procurement"
any = ["public procurement"]
)";

TimePoint Utc(int y, int mo, int d, int h, int mi) {
  chr::sys_days day = chr::year(y) / chr::month(static_cast<unsigned>(mo)) /
                      chr::day(static_cast<unsigned>(d));
  return TimePoint(day) + chr::hours(h) + chr::minutes(mi);
}

class DigestTest : public StoreFixture {
 protected:
  void SetUp() override {
    Result<TimeZone> oslo = TimeZone::Load("Europe/Oslo");
    ASSERT_TRUE(oslo.ok()) << oslo.status().ToString();
    config_.mail.zone = *oslo;
    AgencyConfig vav{"vav", "Vann- og avløpsetaten", {"vav@example.org"}, {}};
    vav.cadence = *ParseCadence("daily 08:00");
    AgencyConfig kli{"kli", "Klimaetaten", {"kli@example.org"}, {}};
    config_.agencies = {vav, kli};
    Open(kRules);
  }

  Item Act(std::string celex, std::string title) {
    Item item;
    item.source = "oj-l";
    item.guid = "g-" + celex;
    item.celex = std::move(celex);
    item.title = std::move(title);
    item.link =
        "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:" + item.celex;
    return item;
  }

  IngestStats Ingest(std::vector<Item> items) {
    Ingestor ingestor(config_, *store_, clock_);
    Result<IngestStats> stats = ingestor.Ingest(items, *matcher_);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : IngestStats{};
  }

  DigestStats RunDigests() {
    Digester digester(config_, *store_, clock_);
    Result<DigestStats> stats = digester.RunDue();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : DigestStats{};
  }

  std::vector<store::OutboxMessage> Rows(const std::string& agency) {
    Result<std::vector<store::OutboxMessage>> all =
        store_->ListMessages({}, 100);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    std::vector<store::OutboxMessage> out;
    if (!all.ok()) return out;
    for (store::OutboxMessage& m : *all) {
      if (m.agency_id != agency) continue;
      m.message = store_->MessageText(m.id).value();  // Listed without it.
      out.push_back(m);
    }
    return out;
  }

  // Saturday 2026-03-28 10:00 in Oslo (CET): the next 08:00 slot is on the
  // day summer time starts.
  FakeClock clock_{Utc(2026, 3, 28, 9, 0)};
};

TEST_F(DigestTest, NormalMatchWaitsForTheDigestImmediateAgencyGetsItNow) {
  IngestStats stats =
      Ingest({Act("32020L2184", "Directive on drinking water")});
  EXPECT_EQ(stats.queued, 1);   // kli: immediate.
  EXPECT_EQ(stats.pending, 1);  // vav: daily.
  EXPECT_EQ(Rows("kli").size(), 1u);
  EXPECT_TRUE(Rows("vav").empty());
  EXPECT_EQ(*store_->DigestStates("celex:32020L2184"),
            (std::map<std::string, bool>{{"vav", false}}));
}

TEST_F(DigestTest, UrgentMatchIsAlertedAtOnceWithEveryReason) {
  IngestStats stats =
      Ingest({Act("32024L0001", "Directive on flood risk and drinking water")});
  EXPECT_EQ(stats.pending, 0);
  std::vector<store::OutboxMessage> rows = Rows("vav");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].reasons,
            "water-drinking [water]: drinking water; water-flood [water]: "
            "flood risk");
  EXPECT_EQ(rows[0].message_id,
            mail::MakeMessageId("celex:32024L0001", "vav", "example.org"));
  EXPECT_TRUE(store_->DigestQueues()->empty());
}

TEST_F(DigestTest, LaterUrgentMatchTakesTheActOutOfThePendingDigest) {
  Ingest({Act("32024L0001", "Directive on drinking water")});
  ASSERT_EQ(store_->DigestQueues()->size(), 1u);
  // The same act again, now with a summary an urgent rule finds.
  Item again = Act("32024L0001", "Directive on drinking water");
  again.summary = "Member States shall assess flood risk.";
  IngestStats stats = Ingest({again});
  EXPECT_EQ(stats.queued, 1);
  EXPECT_TRUE(store_->DigestQueues()->empty());
  clock_.Set(Utc(2026, 3, 29, 7, 0));
  EXPECT_EQ(RunDigests().digests, 0);  // Nothing left for the digest.
  EXPECT_EQ(Rows("vav").size(), 1u);   // The act once, alone.
}

TEST_F(DigestTest, ActInADigestIsNotAlertedAgainEvenWhenUrgent) {
  Ingest({Act("32024L0001", "Directive on drinking water")});
  clock_.Set(Utc(2026, 3, 29, 6, 0));
  ASSERT_EQ(RunDigests().digests, 1);
  Item again = Act("32024L0001", "Directive on drinking water");
  again.summary = "Member States shall assess flood risk.";
  IngestStats stats = Ingest({again});
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(Rows("vav").size(), 1u);  // The digest only.
}

TEST_F(DigestTest, DigestIsMadeAtTheSlotInSummerTimeNotBefore) {
  Ingest({Act("32020L2184", "Directive on drinking water"),
          Act("32014L0024", "Directive on public procurement")});
  Digester digester(config_, *store_, clock_);
  // 08:00 CEST on 2026-03-29 is 06:00 UTC.
  EXPECT_EQ(**digester.NextDue(), Utc(2026, 3, 29, 6, 0));
  clock_.Set(Utc(2026, 3, 29, 5, 59));
  EXPECT_EQ(RunDigests().digests, 0);
  clock_.Set(Utc(2026, 3, 29, 6, 0));
  DigestStats stats = RunDigests();
  EXPECT_EQ(stats.digests, 1);
  EXPECT_EQ(stats.entries, 2);
  std::vector<store::OutboxMessage> rows = Rows("vav");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(
      rows[0].message_id,
      mail::MakeMessageId(
          "digest:" + std::to_string(ToUnixSeconds(Utc(2026, 3, 29, 6, 0))),
          "vav", "example.org"));
  EXPECT_EQ(rows[0].reasons,
            "digest (daily) of 2 acts: celex:32014L0024, celex:32020L2184");
  EXPECT_NE(rows[0].message.find("32020L2184"), std::string::npos);
  EXPECT_NE(rows[0].message.find("32014L0024"), std::string::npos);
  EXPECT_FALSE(*digester.NextDue());
}

TEST_F(DigestTest, AgencyLanguageChoosesTheDigestTemplates) {
  config_.agencies[0].language = "en";
  Ingest({Act("32020L2184", "Directive on drinking water")});
  clock_.Set(Utc(2026, 3, 29, 6, 0));
  EXPECT_EQ(RunDigests().digests, 1);
  std::vector<store::OutboxMessage> rows = Rows("vav");
  ASSERT_EQ(rows.size(), 1u);
  const auto [headers, body] = mail::testing::SplitMessage(rows[0].message);
  EXPECT_EQ(mail::testing::DecodeRfc2047(mail::testing::Unfold(
                mail::testing::RawHeader(headers, "Subject"))),
            "[lexwatch] Daily digest: 1 new act for Vann- og avløpsetaten");
}

TEST_F(DigestTest, EmptySlotSendsNothing) {
  clock_.Set(Utc(2026, 3, 30, 6, 0));
  EXPECT_EQ(RunDigests().digests, 0);
  EXPECT_TRUE(store_->ListMessages({}, 10)->empty());
  Digester digester(config_, *store_, clock_);
  EXPECT_FALSE(*digester.NextDue());
}

TEST_F(DigestTest, SlotsMissedWhileDownGiveOneDigest) {
  Ingest({Act("32020L2184", "Directive on drinking water")});
  // Down from Saturday to Wednesday: four 08:00 slots passed.
  clock_.Set(Utc(2026, 4, 1, 12, 0));
  EXPECT_EQ(RunDigests().digests, 1);
  EXPECT_EQ(RunDigests().digests, 0);
  std::vector<store::OutboxMessage> rows = Rows("vav");
  ASSERT_EQ(rows.size(), 1u);
  // Named after the latest slot, Wednesday 08:00 CEST.
  EXPECT_EQ(
      rows[0].message_id,
      mail::MakeMessageId(
          "digest:" + std::to_string(ToUnixSeconds(Utc(2026, 4, 1, 6, 0))),
          "vav", "example.org"));
  // The next act waits for Thursday's slot.
  Ingest({Act("32014L0024", "Directive on public procurement")});
  Digester digester(config_, *store_, clock_);
  EXPECT_EQ(**digester.NextDue(), Utc(2026, 4, 2, 6, 0));
}

TEST_F(DigestTest, AgencyBackOnImmediateGetsWhatWaitedAtOnce) {
  Ingest({Act("32020L2184", "Directive on drinking water")});
  config_.agencies[0].cadence = Cadence{};
  Digester digester(config_, *store_, clock_);
  EXPECT_EQ(**digester.NextDue(), clock_.Now());
  EXPECT_EQ(RunDigests().digests, 1);
  EXPECT_EQ(Rows("vav").size(), 1u);
}

TEST(DigestCodec, RoundTripsItemAndReasons) {
  Item item;
  item.source = "oj-l";
  item.guid = "g1";
  item.title = "Directive «æøå»";
  item.celex = "32020L2184";
  item.doc_type = "directive";
  item.published = 1780000000;
  item.eurovoc = {"drinking water", "water quality"};
  item.eea_relevant = true;
  rules::MatchReason r;
  r.rule_id = "water-drinking";
  r.topic = "water";
  r.description = "Drinking water";
  r.agencies = {"vav"};
  r.terms = {"drinking water"};
  r.fields = {"title"};
  r.priority = "normal";
  r.highlights = {{"title", 13, 27, "drinking water"}};
  Result<mail::DigestEntry> back =
      DecodeDigestEntry(EncodeDigestEntry(item, {r}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->item.title, item.title);
  EXPECT_EQ(back->item.guid, "g1");
  EXPECT_EQ(back->item.Key(), item.Key());
  EXPECT_EQ(back->item.published, item.published);
  EXPECT_EQ(back->item.eurovoc, item.eurovoc);
  EXPECT_EQ(back->item.eea_relevant, true);
  ASSERT_EQ(back->reasons.size(), 1u);
  EXPECT_EQ(back->reasons[0], r);
}

TEST(DigestCodec, BadEntryIsCorruption) {
  Result<mail::DigestEntry> bad = DecodeDigestEntry("{\"item\": 3}");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruption());
  EXPECT_EQ(DecodeDigestEntry("not json").status().message(),
            "digest entry: not JSON");
}

}  // namespace
}  // namespace lexwatch::daemon
