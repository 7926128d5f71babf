#include "mail/notice_text.h"

#include <gtest/gtest.h>

#include "mail/admin_notifier.h"
#include "mail/dispatcher.h"
#include "mail/mime_test_util.h"
#include "mail/outbox_test_util.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using namespace ::lexwatch::mail::testing;
using std::chrono::hours;

constexpr char kLogin[] =
    "smtp://127.0.0.1:2525: 535 5.7.8 Authentication credentials invalid";

TEST(NoticeText, HeldMailInEnglish) {
  NoticeText text = MailHeldNotice("en", kLogin);
  EXPECT_EQ(text.subject, "SMTP login refused: mail is being held");
  EXPECT_EQ(text.body,
            "lexwatch cannot log in to the SMTP server:\n"
            "  smtp://127.0.0.1:2525: 535 5.7.8 Authentication credentials "
            "invalid\n"
            "\n"
            "The alerts are being held (state \"held\"). None are lost, and "
            "they are sent as soon as the login works again.\n"
            "\n"
            "What to do: correct the user name and password for [mail] (user, "
            "password_file or the systemd credential smtp-password) and "
            "restart lexwatch. See what is waiting with\n"
            "  lexwatch outbox list --state held\n");
}

// Today's text, byte for byte.
TEST(NoticeText, HeldMailInBokmalIsUnchanged) {
  NoticeText text = MailHeldNotice("nb", kLogin);
  EXPECT_EQ(text.subject, "SMTP-innlogging avvist: e-post holdes tilbake");
  EXPECT_EQ(text.body,
            "lexwatch får ikke logget inn på SMTP-serveren:\n"
            "  smtp://127.0.0.1:2525: 535 5.7.8 Authentication credentials "
            "invalid\n"
            "\n"
            "Varslene holdes tilbake (tilstand «held»). Ingen er tapt, og de "
            "sendes så snart innloggingen virker igjen.\n"
            "\n"
            "Hva du gjør: rett brukernavn og passord for [mail] (user, "
            "password_file eller systemd-credential smtp-password) og start "
            "lexwatch på nytt. Se hva som venter med\n"
            "  lexwatch outbox list --state held\n");
}

TEST(NoticeText, SourceFailingInEnglish) {
  NoticeText text = SourceFailingNotice(
      "en", "eurlex-oj-l", "https://eur-lex.europa.eu/oj/l.rss",
      "2026-06-30 10:00 UTC", "HTTP 503 Service Unavailable");
  EXPECT_EQ(text.subject,
            "Source eurlex-oj-l has been failing since 2026-06-30 10:00 UTC");
  EXPECT_EQ(text.body,
            "lexwatch has not been able to fetch the source eurlex-oj-l "
            "(https://eur-lex.europa.eu/oj/l.rss) since 2026-06-30 10:00 "
            "UTC.\n"
            "\n"
            "Last error: HTTP 503 Service Unavailable\n"
            "\n"
            "lexwatch keeps trying by itself. Check the network connection "
            "and the address in the configuration; `lexwatch status` shows "
            "the state.\n");
}

TEST(NoticeText, SourceFloodInEnglish) {
  NoticeText text = SourceFloodNotice("en", "oj", 8, 5);
  EXPECT_EQ(text.subject, "Source oj: 8 new matches held back");
  EXPECT_EQ(text.body,
            "Source oj brought 8 new items matching the rules in one poll, "
            "more than the limit flood_limit = 5. That suggests a fault at "
            "the source or in the rules, so lexwatch has stored the items "
            "without alerting the agencies. Nothing is lost.\n"
            "\n"
            "Review the rules (`lexwatch backtest`). When all is well, send "
            "the alerts with\n"
            "\n"
            "  lexwatch release oj\n"
            "\n"
            "which matches the items against the rules in force then. "
            "`lexwatch status` shows how many are held back.\n");
}

TEST(NoticeText, SourceFloodInBokmalIsUnchanged) {
  NoticeText text = SourceFloodNotice("nb", "oj", 8, 5);
  EXPECT_EQ(text.subject, "Kilden oj: 8 nye treff holdt tilbake");
  EXPECT_EQ(text.body,
            "Kilden oj ga 8 nye saker som traff reglene i én henting, mer "
            "enn grensen flood_limit = 5. Det tyder på en feil hos kilden "
            "eller i reglene, så lexwatch har lagret sakene uten å varsle "
            "etatene.\n"
            "\n"
            "Se gjennom reglene (`lexwatch backtest`). Når alt er i orden, "
            "send varslene med\n"
            "\n"
            "  lexwatch release oj\n"
            "\n"
            "som matcher sakene mot reglene som gjelder da. `lexwatch "
            "status` viser hvor mange som holdes tilbake.\n");
}

TEST(NoticeText, FailedMailInEnglishNamesTheMessageAndTheRetryCommand) {
  store::OutboxMessage m;
  m.id = 42;
  m.recipient = "postmottak@vav.oslo.kommune.no";
  m.agency_id = "vav";
  m.item_key = "celex:32026R0001";
  m.message_id = "abc@lw.test";
  NoticeText text = MailFailedNotice("en", m, "550 5.1.1 Mailbox unavailable");
  EXPECT_EQ(text.subject, "The SMTP server rejected an alert permanently");
  EXPECT_EQ(text.body,
            "The SMTP server rejected an alert to "
            "postmottak@vav.oslo.kommune.no (agency vav, item "
            "celex:32026R0001, Message-ID <abc@lw.test>, outbox id 42):\n"
            "  550 5.1.1 Mailbox unavailable\n"
            "\n"
            "The alert was not delivered and will not be tried again. Check "
            "the recipient address in [[agency]] in the configuration. "
            "Further rejections with the same code within the hour are not "
            "reported one by one; see them all with\n"
            "  lexwatch outbox list --state failed\n"
            "and send one again with\n"
            "  lexwatch outbox retry 42\n");
}

TEST(NoticeText, OldMailInEnglishCountsInTheSingular) {
  store::OutboxMessage m;
  m.id = 7;
  m.recipient = "a@b.no";
  m.agency_id = "vav";
  m.item_key = "celex:1";
  m.message_id = "m@lw.test";
  m.last_reply = "421 try later";
  EXPECT_EQ(MailsOldNotice("en", 1, "4h", "5d", m).body,
            "1 alert has waited more than 4h without being delivered. "
            "lexwatch keeps trying, and gives up after 5d. The oldest: to "
            "a@b.no (agency vav, item celex:1, Message-ID <m@lw.test>, "
            "outbox id 7), last reply: 421 try later\n"
            "\n"
            "See the queue with\n"
            "  lexwatch outbox list --state deferred\n");
  EXPECT_EQ(MailsExpiredNotice("en", 3, "5d", m).subject,
            "Alerts given up after the queue lifetime");
}

TEST(NoticeText, AnyLanguageButEnglishGivesBokmal) {
  for (std::string_view lang : {"nb", "", "nn", "de", "EN"}) {
    EXPECT_EQ(MailHeldNotice(lang, kLogin).body,
              MailHeldNotice("nb", kLogin).body)
        << lang;
    EXPECT_EQ(SourceRecoveredNotice(lang, "oj").subject,
              "Kilden oj virker igjen")
        << lang;
    EXPECT_EQ(RulesRefusedNotice(lang, "/etc/lexwatch/rules", "x").subject,
              "Regelendringen ble avvist")
        << lang;
  }
}

// Refuses every login, as a server with a wrong password configured.
class RefusingTransport : public MailTransport {
 public:
  Result<std::string> Send(std::string_view, std::string_view,
                           std::string_view) override {
    return Status::Unavailable("unused");
  }
  Delivery Deliver(std::string_view, std::string_view,
                   std::string_view) override {
    return {Delivery::Outcome::kAuthFailed, kLogin, 535, false};
  }
};

TEST(NoticeText, DispatcherRecordsTheHeldMailNoticeInItsLanguage) {
  TempDir dir;
  FakeClock clock(FromUnixSeconds(1782813600));
  Result<std::unique_ptr<store::Store>> store =
      store::Store::Open(dir.path() / "state" / "lexwatch.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  QueueVavAlert(**store, clock.Now(), "32026R0001", "Forordning",
                "lexwatch@oslo.kommune.no", "postmottak@vav.oslo.kommune.no");
  AdminNotifier notifier(**store, clock,
                         AdminOptions{"drift@oslo.kommune.no", hours(1),
                                      "lexwatch@oslo.kommune.no", "lw.test"});
  RefusingTransport transport;
  Dispatcher dispatcher(**store, transport, clock, "lexwatch@oslo.kommune.no",
                        RetryPolicy{}, "en");
  dispatcher.set_notifier(&notifier);

  Result<DispatchStats> stats = dispatcher.RunDue();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->held, 1);
  Result<std::vector<store::AdminNotice>> due =
      (*store)->DueNotices(clock.Now());
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().kind, kNoticeMailHeld);
  EXPECT_EQ(due->front().subject, "SMTP login refused: mail is being held");
  auto [headers, body] = SplitMessage(due->front().message);
  EXPECT_EQ(DecodeRfc2047(Unfold(RawHeader(headers, "Subject"))),
            "[lexwatch] SMTP login refused: mail is being held");
  std::string text = DecodeQuotedPrintable(body);
  EXPECT_EQ(text.substr(0, text.find("\r\n")),
            "lexwatch cannot log in to the SMTP server:");
}

}  // namespace
}  // namespace lexwatch::mail
