#include "mail/admin_notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "mail/dispatcher.h"
#include "mail/mime_test_util.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using namespace ::lexwatch::mail::testing;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kStart = FromUnixSeconds(1782813600);

TEST(RetryPolicy, JitterStaysWithinTenPercentAndIsFixedPerRow) {
  RetryPolicy policy;
  std::set<long long> seen;
  for (std::int64_t id = 1; id <= 1000; ++id) {
    seconds wait = policy.JitteredWait(id, 5);  // Base: 1 hour.
    EXPECT_GE(wait, seconds(3240)) << id;
    EXPECT_LE(wait, seconds(3960)) << id;
    EXPECT_EQ(wait, policy.JitteredWait(id, 5)) << id;
    seen.insert(wait.count());
  }
  EXPECT_GT(seen.size(), 500u);  // Spread, not one value.
  policy.jitter = 0;
  EXPECT_EQ(policy.JitteredWait(7, 2), minutes(5));
  EXPECT_EQ(policy.HeldProbeWait(), hours(1));
}

TEST(RenderNotice, PlainTextWithAutoSubmittedAndEncodedSubject) {
  NoticeInput input{"drift@oslo.kommune.no",
                    "lexwatch <lexwatch@oslo.kommune.no>",
                    "Varsler venter på levering",
                    "Linje én\nkjør: lexwatch outbox list\n",
                    kStart,
                    "notice-1@lw.test"};
  std::string m = RenderNotice(input);
  auto [headers, body] = SplitMessage(m);
  EXPECT_EQ(RawHeader(headers, "To"), "drift@oslo.kommune.no");
  EXPECT_EQ(RawHeader(headers, "Message-ID"), "<notice-1@lw.test>");
  EXPECT_EQ(RawHeader(headers, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(RawHeader(headers, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(DecodeRfc2047(Unfold(RawHeader(headers, "Subject"))),
            "[lexwatch] Varsler venter på levering");
  EXPECT_EQ(DecodeQuotedPrintable(body),
            "Linje én\r\nkjør: lexwatch outbox list\r\n");
  for (unsigned char c : m) EXPECT_LT(c, 0x80);
}

// The same [mail] from as alerts, formatted the same way: a raw comma would
// split it into two mailboxes and "ø" would go out as 8-bit bytes.
TEST(RenderNotice, FromDisplayNameIsEncodedAsInAlerts) {
  NoticeInput input{"drift@oslo.kommune.no",
                    "Lexwatch Bymiljø, Oslo <lexwatch@example.org>",
                    "Kilde feiler",
                    "b\n",
                    kStart,
                    "notice-1@lw.test"};
  auto [headers, body] = SplitMessage(RenderNotice(input));
  EXPECT_EQ(RawHeader(headers, "From"),
            "=?UTF-8?B?TGV4d2F0Y2ggQnltaWxqw7gsIE9zbG8=?= "
            "<lexwatch@example.org>");
  EXPECT_EQ(RawHeader(headers, "To"), "drift@oslo.kommune.no");
}

TEST(RenderNotice, AsciiDisplayNameWithCommaIsQuotedInFrom) {
  NoticeInput input{"drift@oslo.kommune.no",
                    "Lexwatch, Oslo <lexwatch@example.org>",
                    "Kilde feiler",
                    "b\n",
                    kStart,
                    "notice-1@lw.test"};
  auto [headers, body] = SplitMessage(RenderNotice(input));
  EXPECT_EQ(RawHeader(headers, "From"),
            "\"Lexwatch, Oslo\" <lexwatch@example.org>");
}

class AdminNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::Open(dir_.path() / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened.value());
  }
  TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
};

TEST_F(AdminNotifierTest, SameKindAndKeyIsMailedOncePerInterval) {
  AdminNotifier notifier(*store_, clock_,
                         {"drift@x.no", hours(1), "lw@x.no", "lw.test"});
  EXPECT_TRUE(*notifier.Notify("source-failing", "oj-l", "Kilde feiler", "b"));
  clock_.Advance(minutes(59));
  EXPECT_FALSE(*notifier.Notify("source-failing", "oj-l", "Kilde feiler", "b"));
  EXPECT_TRUE(*notifier.Notify("source-failing", "eea", "Kilde feiler", "b"));
  clock_.Advance(minutes(1));
  EXPECT_TRUE(*notifier.Notify("source-failing", "oj-l", "Kilde feiler", "b"));
  std::vector<store::AdminNotice> notices = *store_->ListNotices();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1].key, "source-failing/oj-l");
  EXPECT_EQ(notices[1].state, store::kNoticePending);
  EXPECT_EQ(notices[1].recipient, "drift@x.no");
  EXPECT_THAT(notices[1].message, HasSubstr("Auto-Submitted: auto-generated"));
}

TEST_F(AdminNotifierTest, WithoutAddressNoticesAreOnlyLogged) {
  AdminNotifier notifier(*store_, clock_, {"", hours(1), "lw@x.no", "lw"});
  EXPECT_FALSE(notifier.mails());
  EXPECT_TRUE(*notifier.Notify("rules-refused", "reload", "Regler avvist", ""));
  store::AdminNotice n = store_->ListNotices()->front();
  EXPECT_EQ(n.state, store::kNoticeLogged);
  EXPECT_EQ(n.message, "");
  EXPECT_TRUE(store_->DueNotices(kStart + hours(9))->empty());
}

TEST_F(AdminNotifierTest, ResolveLetsTheNextFailureNotifyAtOnce) {
  AdminNotifier notifier(*store_, clock_, {"d@x.no", hours(1), "l@x.no", "l"});
  EXPECT_TRUE(*notifier.Notify("source-stale", "oj-l", "s", "b"));
  ASSERT_TRUE(notifier.Resolve("source-stale", "oj-l").ok());
  EXPECT_TRUE(*notifier.Notify("source-stale", "oj-l", "s", "b"));
}

// Refuses mail to one address with a 4xx; accepts the rest, recording them.
class RefusingTransport final : public MailTransport {
 public:
  explicit RefusingTransport(std::string refused) : refused_(refused) {}
  Result<std::string> Send(std::string_view, std::string_view recipient,
                           std::string_view message) override {
    if (recipient == refused_) return Status::Unavailable("451 busy");
    accepted.emplace_back(recipient, message);
    return std::string("250 ok");
  }
  std::vector<std::pair<std::string, std::string>> accepted;

 private:
  std::string refused_;
};

TEST_F(AdminNotifierTest, OldUndeliveredMailWarnsTheAdminOnce) {
  for (const char* celex : {"32026R0001", "32026R0002"}) {
    Item item;
    item.source = "oj-l";
    item.celex = celex;
    item.title = "t";
    store::NewAlert alert{"vav",
                          {"vav@x.no"},
                          std::string(celex) + "@lw",
                          "Subject: s\r\n\r\nb\r\n",
                          "r"};
    ASSERT_TRUE(store_->SaveItem(item, {alert}, clock_.Now()).ok());
  }
  RefusingTransport transport("vav@x.no");
  AdminNotifier notifier(*store_, clock_,
                         {"drift@x.no", hours(1), "lw@x.no", "lw.test"});
  RetryPolicy policy;
  policy.waits = {minutes(30)};
  Dispatcher dispatcher(*store_, transport, clock_, "lw@x.no", policy);
  dispatcher.set_notifier(&notifier);
  ASSERT_TRUE(dispatcher.RunDue().ok());
  EXPECT_TRUE(transport.accepted.empty());
  for (int i = 0; i < 10; ++i) {  // 5 hours of 30-minute retries.
    clock_.Advance(minutes(30));
    ASSERT_TRUE(dispatcher.RunDue().ok());
  }
  ASSERT_EQ(transport.accepted.size(), 1u);
  EXPECT_EQ(transport.accepted[0].first, "drift@x.no");
  EXPECT_THAT(
      DecodeQuotedPrintable(SplitMessage(transport.accepted[0].second).second),
      HasSubstr("2 varsel har ventet mer enn 4h uten å bli levert"));
  Result<std::vector<store::OutboxMessage>> rows = store_->ListMessages({}, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const store::OutboxMessage& m : *rows) {
    EXPECT_EQ(m.state, store::kDeferred);
    EXPECT_EQ(m.warned_at, ToUnixSeconds(kStart + hours(4)));
  }
}

}  // namespace
}  // namespace lexwatch::mail
