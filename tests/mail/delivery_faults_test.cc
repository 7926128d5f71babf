// The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd, with the
// fault-injecting handler of smtp_fault_server.py): each case checks what
// landed in the server's Maildir and the outbox states.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "mail/admin_notifier.h"
#include "mail/dispatcher.h"
#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "mail/outbox_test_util.h"
#include "mail/smtp_test_server.h"
#include "mail/smtp_transport.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using namespace ::lexwatch::mail::testing;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kFrom[] = "lexwatch@oslo.kommune.no";
constexpr char kTo[] = "postmottak@vav.oslo.kommune.no";
constexpr char kAdmin[] = "drift@oslo.kommune.no";
const TimePoint kStart = FromUnixSeconds(1782813600);

class DeliveryFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::Open(dir_.path() / "state" / "lexwatch.db");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened.value());
    policy_.waits = {minutes(1), minutes(5)};
    AdminOptions admin{kAdmin, hours(1), kFrom, "lw.test"};
    notifier_ = std::make_unique<AdminNotifier>(*store_, clock_, admin);
  }

  // Queues one alert about `celex` for kTo; returns its outbox id.
  std::int64_t Queue(const std::string& celex) {
    QueueVavAlert(*store_, clock_.Now(), celex,
                  "Forordning om drikkevann " + celex, kFrom, kTo);
    return store_->ListMessages({}, 1)->front().id;
  }

  std::unique_ptr<SmtpTestServer> Server(std::vector<std::string> flags) {
    auto server = SmtpTestServer::StartFault(maildir(), flags);
    EXPECT_TRUE(server->ready());
    return server;
  }

  SmtpOptions Options(int port) {
    SmtpOptions options;
    options.url = "smtp://127.0.0.1:" + std::to_string(port);
    options.starttls = false;
    options.timeout = seconds(10);
    options.connect_timeout = seconds(5);
    return options;
  }

  std::unique_ptr<Dispatcher> MakeDispatcher(MailTransport& transport) {
    auto d = std::make_unique<Dispatcher>(*store_, transport, clock_, kFrom,
                                          policy_);
    d->set_notifier(notifier_.get());
    return d;
  }

  DispatchStats Run(Dispatcher& dispatcher) {
    Result<DispatchStats> stats = dispatcher.RunDue();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : DispatchStats{};
  }

  store::OutboxMessage Row(std::int64_t id) { return **store_->GetMessage(id); }

  std::filesystem::path maildir() const { return dir_.path() / "smtp"; }

  // Stored messages as (To, Message-ID, Subject), in file-name order.
  struct Stored {
    std::string to, message_id, subject;
  };
  std::vector<Stored> Mailbox() {
    std::vector<Stored> out;
    for (const auto& file : ListFiles(maildir() / "new")) {
      std::string headers = SplitMessage(ReadFile(file)).first;
      out.push_back({RawHeader(headers, "To"), RawHeader(headers, "Message-ID"),
                     DecodeRfc2047(Unfold(RawHeader(headers, "Subject")))});
    }
    return out;
  }
  std::vector<Stored> MailTo(const std::string& to) {
    std::vector<Stored> out;
    for (Stored& s : Mailbox()) {
      if (s.to == to) out.push_back(s);
    }
    return out;
  }

  TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  RetryPolicy policy_;
  std::unique_ptr<AdminNotifier> notifier_;
};

TEST_F(DeliveryFaultsTest, TemporaryRejectionThenSuccessDeliversOnce) {
  auto server = Server({"--rcpt-code", "451", "--fail-times", "1"});
  std::int64_t id = Queue("32026R0001");
  SmtpTransport transport(Options(server->port()));
  auto dispatcher = MakeDispatcher(transport);

  EXPECT_EQ(Run(*dispatcher).deferred, 1);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kDeferred);
  EXPECT_EQ(row.last_code, 451);
  EXPECT_TRUE(Mailbox().empty());
  // The first wait is 1 minute +-10%.
  EXPECT_GE(row.next_attempt, ToUnixSeconds(kStart + seconds(54)));
  EXPECT_LE(row.next_attempt, ToUnixSeconds(kStart + seconds(66)));

  clock_.Advance(seconds(66));
  EXPECT_EQ(Run(*dispatcher).sent, 1);
  EXPECT_EQ(Row(id).state, store::kSent);
  EXPECT_EQ(Row(id).attempts, 2);
  ASSERT_EQ(Mailbox().size(), 1u);
  EXPECT_EQ(Mailbox()[0].message_id, "<" + row.message_id + ">");
  EXPECT_EQ(store_->ListSentLog(10)->size(), 1u);
  EXPECT_TRUE(store_->ListNotices()->empty());
}

TEST_F(DeliveryFaultsTest, PermanentRejectionFailsAndMailsTheAdmin) {
  auto server = Server({"--rcpt-code", "550", "--only-rcpt", kTo});
  std::int64_t id = Queue("32026R0001");
  SmtpTransport transport(Options(server->port()));
  auto dispatcher = MakeDispatcher(transport);

  DispatchStats stats = Run(*dispatcher);
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.notices, 1);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kFailed);
  EXPECT_EQ(row.last_code, 550);
  EXPECT_EQ(row.last_reply, server->url() +
                                ": 550 5.1.1 Mailbox unavailable (RCPT failed: "
                                "550)");
  EXPECT_TRUE(MailTo(kTo).empty());
  std::vector<Stored> admin = MailTo(kAdmin);
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_EQ(admin[0].subject,
            "[lexwatch] SMTP-serveren avviste et varsel for godt");
  // A second rejection within the hour is not mailed again.
  Queue("32026R0002");
  clock_.Advance(minutes(10));
  EXPECT_EQ(Run(*dispatcher).failed, 1);
  EXPECT_EQ(MailTo(kAdmin).size(), 1u);
  EXPECT_EQ(store_->ListNotices()->front().suppressed, 1);
  clock_.Advance(hours(3));
  EXPECT_EQ(Run(*dispatcher).sent + Run(*dispatcher).failed, 0);
}

TEST_F(DeliveryFaultsTest, RefusedLoginHoldsMailNotifiesOnceAndReleases) {
  auto server = Server({"--auth", "lw:s3cret"});
  std::int64_t first = Queue("32026R0001");
  std::int64_t second = Queue("32026R0002");
  std::int64_t third = Queue("32026R0003");
  SmtpOptions wrong = Options(server->port());
  wrong.user = "lw";
  wrong.password = "expired";
  SmtpTransport broken(wrong);
  auto dispatcher = MakeDispatcher(broken);

  DispatchStats stats = Run(*dispatcher);
  EXPECT_EQ(stats.held, 3);
  EXPECT_EQ(stats.failed + stats.deferred + stats.sent, 0);
  for (std::int64_t id : {first, second, third}) {
    EXPECT_EQ(Row(id).state, store::kHeld) << id;
  }
  EXPECT_EQ(Row(first).attempts, 1);
  EXPECT_EQ(Row(second).attempts, 0);  // Held without a connection.
  EXPECT_EQ(Row(first).last_code, 535);
  EXPECT_THAT(Row(second).last_reply,
              HasSubstr("held: the SMTP login was refused: "));
  // Hours of outage: held mail is probed at the last retry wait, and the
  // admin notice is recorded once per hour at most, never twice pending.
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(minutes(5));
    Run(*dispatcher);
  }
  for (std::int64_t id : {first, second, third}) {
    EXPECT_EQ(Row(id).state, store::kHeld) << id;
  }
  ASSERT_EQ(store_->ListNotices()->size(), 1u);
  EXPECT_EQ(store_->ListNotices()->front().state, store::kNoticePending);
  EXPECT_TRUE(Mailbox().empty());

  // The password is fixed and lexwatch restarted: a new transport and
  // dispatcher probe the held mail at once and release it.
  SmtpOptions right = wrong;
  right.password = "s3cret";
  SmtpTransport fixed(right);
  auto restarted = MakeDispatcher(fixed);
  stats = Run(*restarted);
  EXPECT_EQ(stats.sent, 3);
  EXPECT_EQ(stats.released, 2);
  EXPECT_EQ(stats.notices, 1);
  for (std::int64_t id : {first, second, third}) {
    EXPECT_EQ(Row(id).state, store::kSent) << id;
  }
  EXPECT_EQ(MailTo(kTo).size(), 3u);
  std::vector<Stored> admin = MailTo(kAdmin);
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_EQ(admin[0].subject,
            "[lexwatch] SMTP-innlogging avvist: e-post holdes tilbake");
}

TEST_F(DeliveryFaultsTest, LateReplyAfterDataIsRetriedWithTheSameMessageId) {
  // The server waits 3 s before storing and answering the first message;
  // the client gives up after 1 s, with the message maybe delivered.
  auto server = Server({"--data-delay", "3", "--delay-times", "1"});
  std::int64_t id = Queue("32026R0001");
  SmtpOptions options = Options(server->port());
  options.timeout = seconds(1);
  SmtpTransport transport(options);
  auto dispatcher = MakeDispatcher(transport);

  EXPECT_EQ(Run(*dispatcher).deferred, 1);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kDeferred);
  EXPECT_EQ(row.last_code, 354);
  auto deadline = std::chrono::steady_clock::now() + seconds(15);
  while (Mailbox().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(Mailbox().size(), 1u) << "the late message was never stored";

  clock_.Advance(minutes(2));
  EXPECT_EQ(Run(*dispatcher).sent, 1);
  EXPECT_EQ(Row(id).state, store::kSent);
  std::vector<Stored> copies = MailTo(kTo);
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(copies[0].message_id, "<" + row.message_id + ">");
  EXPECT_EQ(copies[1].message_id, copies[0].message_id);
}

TEST_F(DeliveryFaultsTest, ServerDownThenUpDeliversOnce) {
  int port = SmtpTestServer::FreePort();
  std::int64_t id = Queue("32026R0001");
  SmtpTransport transport(Options(port));
  auto dispatcher = MakeDispatcher(transport);

  EXPECT_EQ(Run(*dispatcher).deferred, 1);
  clock_.Advance(minutes(2));
  EXPECT_EQ(Run(*dispatcher).deferred, 1);
  store::OutboxMessage row = Row(id);
  EXPECT_EQ(row.state, store::kDeferred);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.last_code, 0);
  EXPECT_THAT(row.last_reply, HasSubstr("127.0.0.1:" + std::to_string(port)));

  auto server = SmtpTestServer::StartFault(maildir(), {}, port);
  ASSERT_TRUE(server->ready());
  clock_.Advance(minutes(6));
  EXPECT_EQ(Run(*dispatcher).sent, 1);
  EXPECT_EQ(Row(id).state, store::kSent);
  ASSERT_EQ(MailTo(kTo).size(), 1u);
  EXPECT_EQ(MailTo(kTo)[0].message_id, "<" + row.message_id + ">");
}

}  // namespace
}  // namespace lexwatch::mail
