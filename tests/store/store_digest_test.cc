// Digest entries and digests: what SaveItem and SaveDigest guarantee.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/store.h"

namespace lexwatch::store {
namespace {

namespace fs = std::filesystem;

TimePoint At(long long unix_seconds) { return FromUnixSeconds(unix_seconds); }

Item Act(const std::string& celex) {
  Item item;
  item.source = "oj-l";
  item.guid = "g-" + celex;
  item.celex = celex;
  item.title = "Act " + celex;
  return item;
}

PendingEntry Waiting(const std::string& agency, const std::string& entry) {
  PendingEntry p;
  p.agency_id = agency;
  p.entry = entry;
  p.summary = "rule [topic]: term";
  return p;
}

NewAlert Alert(const std::string& agency, const std::string& celex) {
  return NewAlert{agency,
                  {agency + "@x.no"},
                  "mid-" + celex + "@lw.test",
                  "Subject: x\r\n\r\nbody\r\n",
                  "rule [topic]: term"};
}

class StoreDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("lexwatch_digest_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> opened = Store::Open(dir_ / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  SaveCounts Save(const std::string& celex, std::vector<NewAlert> alerts,
                  std::vector<PendingEntry> pending, long long now) {
    Result<SaveCounts> saved =
        store_->SaveItem(Act(celex), alerts, pending, At(now));
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? *saved : SaveCounts{};
  }

  // Makes the digest of `agency` for `slot`; records what render saw.
  Result<int> Digest(const std::string& agency, long long slot) {
    return store_->SaveDigest(
        agency, At(slot),
        [&](const std::vector<PendingEntry>& entries) -> Result<NewDigest> {
          rendered_.clear();
          for (const PendingEntry& e : entries) rendered_.push_back(e.entry);
          return NewDigest{{agency + "@x.no", agency + "2@x.no"},
                           "digest-" + std::to_string(slot) + "@lw.test",
                           "Subject: digest\r\n\r\nbody\r\n",
                           "digest (daily) of acts"};
        },
        At(slot + 5));
  }

  std::vector<OutboxMessage> Outbox() { return *store_->ListMessages({}, 100); }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::vector<std::string> rendered_;
};

TEST_F(StoreDigestTest, DigestTakesEveryWaitingEntryOnce) {
  EXPECT_EQ(Save("32024L0001", {}, {Waiting("vav", "e1")}, 100).pending, 1);
  EXPECT_EQ(Save("32024L0002", {}, {Waiting("vav", "e2")}, 200).pending, 1);
  Result<std::vector<DigestQueue>> queues = store_->DigestQueues();
  ASSERT_TRUE(queues.ok()) << queues.status().ToString();
  ASSERT_EQ(queues->size(), 1u);
  EXPECT_EQ((*queues)[0].agency_id, "vav");
  EXPECT_EQ((*queues)[0].pending, 2);
  EXPECT_EQ((*queues)[0].oldest_created, 100);
  EXPECT_FALSE((*queues)[0].last_slot);

  Result<int> taken = Digest("vav", 1000);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(*taken, 2);
  EXPECT_EQ(rendered_, (std::vector<std::string>{"e1", "e2"}));
  std::vector<OutboxMessage> rows = Outbox();
  ASSERT_EQ(rows.size(), 2u);  // One per recipient.
  for (const OutboxMessage& m : rows) {
    EXPECT_EQ(m.message_id, "digest-1000@lw.test");
    EXPECT_EQ(m.item_key, "celex:32024L0001");
    EXPECT_EQ(m.state, kQueued);
    EXPECT_EQ(m.reasons, "digest (daily) of acts");
  }
  EXPECT_EQ(*store_->DigestStates("celex:32024L0002"),
            (std::map<std::string, bool>{{"vav", true}}));
  EXPECT_TRUE(store_->DigestQueues()->empty());
  // Nothing waits any more: neither this slot nor a later one mails again.
  EXPECT_EQ(*Digest("vav", 1000), 0);
  EXPECT_EQ(*Digest("vav", 2000), 0);
  EXPECT_EQ(Outbox().size(), 2u);
}

TEST_F(StoreDigestTest, SlotAlreadyDigestedMakesNoSecondDigest) {
  Save("32024L0001", {}, {Waiting("vav", "e1")}, 100);
  ASSERT_EQ(*Digest("vav", 1000), 1);
  // An entry dated before that slot (a clock set back) waits for the next.
  Save("32024L0002", {}, {Waiting("vav", "e2")}, 900);
  EXPECT_EQ(*Digest("vav", 1000), 0);
  EXPECT_EQ(store_->DigestQueues()->at(0).last_slot, 1000);
  EXPECT_EQ(*Digest("vav", 2000), 1);
  EXPECT_EQ(Outbox().size(), 4u);
}

TEST_F(StoreDigestTest, FailedRenderLeavesEverythingWaiting) {
  Save("32024L0001", {}, {Waiting("vav", "e1")}, 100);
  Result<int> taken = store_->SaveDigest(
      "vav", At(1000),
      [](const std::vector<PendingEntry>&) -> Result<NewDigest> {
        return Status::Internal("render", "simulated crash");
      },
      At(1005));
  EXPECT_FALSE(taken.ok());
  Reopen();  // As after a restart.
  EXPECT_TRUE(Outbox().empty());
  ASSERT_EQ(store_->DigestQueues()->size(), 1u);
  EXPECT_EQ(*store_->DigestStates("celex:32024L0001"),
            (std::map<std::string, bool>{{"vav", false}}));
  // The retry for the same slot makes the digest, with the same id.
  EXPECT_EQ(*Digest("vav", 1000), 1);
  EXPECT_EQ(Outbox().at(0).message_id, "digest-1000@lw.test");
}

TEST_F(StoreDigestTest, UrgentAlertTakesTheEntryOutOfTheDigest) {
  Save("32024L0001", {}, {Waiting("vav", "e1")}, 100);
  Save("32024L0002", {}, {Waiting("vav", "e2")}, 100);
  EXPECT_EQ(Save("32024L0001", {Alert("vav", "32024L0001")}, {}, 150).queued,
            1);
  EXPECT_TRUE(store_->DigestStates("celex:32024L0001")->empty());
  ASSERT_EQ(*Digest("vav", 1000), 1);
  EXPECT_EQ(rendered_, (std::vector<std::string>{"e2"}));
}

TEST_F(StoreDigestTest, AlertForAnActAlreadyInADigestIsDropped) {
  Save("32024L0001", {}, {Waiting("vav", "e1")}, 100);
  ASSERT_EQ(*Digest("vav", 1000), 1);
  SaveCounts saved =
      Save("32024L0001",
           {Alert("vav", "32024L0001"), Alert("kli", "32024L0001")}, {}, 1100);
  EXPECT_EQ(saved.queued, 1);  // kli only.
  std::vector<OutboxMessage> rows = Outbox();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].agency_id, "kli");
}

TEST_F(StoreDigestTest, NoEntryForAnAgencyAlreadyAlerted) {
  Save("32024L0001", {Alert("vav", "32024L0001")}, {}, 100);
  EXPECT_EQ(Save("32024L0001", {}, {Waiting("vav", "e1")}, 200).pending, 0);
  EXPECT_TRUE(store_->DigestQueues()->empty());
}

TEST_F(StoreDigestTest, RematchRefreshesAWaitingEntryButKeepsItsDate) {
  Save("32024L0001", {}, {Waiting("vav", "old")}, 100);
  EXPECT_EQ(Save("32024L0001", {}, {Waiting("vav", "new")}, 300).pending, 1);
  EXPECT_EQ(store_->DigestQueues()->at(0).oldest_created, 100);
  ASSERT_EQ(*Digest("vav", 1000), 1);
  EXPECT_EQ(rendered_, (std::vector<std::string>{"new"}));
  // Once digested it is not refreshed, nor added again.
  EXPECT_EQ(Save("32024L0001", {}, {Waiting("vav", "newer")}, 1100).pending, 0);
  EXPECT_TRUE(store_->DigestQueues()->empty());
}

TEST_F(StoreDigestTest, AgenciesWaitSeparately) {
  Save("32024L0001", {}, {Waiting("vav", "v1"), Waiting("kli", "k1")}, 100);
  ASSERT_EQ(*Digest("kli", 1000), 1);
  EXPECT_EQ(*store_->DigestStates("celex:32024L0001"),
            (std::map<std::string, bool>{{"kli", true}, {"vav", false}}));
  ASSERT_EQ(store_->DigestQueues()->size(), 1u);
  EXPECT_EQ(store_->DigestQueues()->at(0).agency_id, "vav");
}

TEST_F(StoreDigestTest, WakeTimesNameTheEarliestWork) {
  Result<OutboxWake> empty = store_->OutboxWakeTimes();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_FALSE(empty->next_attempt);
  EXPECT_FALSE(empty->oldest_undelivered);
  EXPECT_FALSE(empty->next_notice);
  EXPECT_FALSE(empty->held);
  Save("32024L0001", {Alert("vav", "32024L0001")}, {}, 100);
  Save("32024L0002", {Alert("vav", "32024L0002")}, {}, 200);
  ASSERT_TRUE(store_->MarkAttempted(1, kDeferred, "451", 451, At(700)).ok());
  ASSERT_TRUE(store_->MarkAttempted(2, kHeld, "535", 535, At(200)).ok());
  OutboxWake wake = *store_->OutboxWakeTimes();
  EXPECT_EQ(wake.next_attempt, 700);
  EXPECT_EQ(wake.oldest_undelivered, 100);
  EXPECT_EQ(wake.oldest_unwarned, 100);
  EXPECT_TRUE(wake.held);
  ASSERT_TRUE(store_->MarkWarned({1}, At(300)).ok());
  EXPECT_EQ(store_->OutboxWakeTimes()->oldest_unwarned, 200);
}

}  // namespace
}  // namespace lexwatch::store
