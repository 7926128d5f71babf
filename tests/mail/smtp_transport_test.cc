#include "mail/smtp_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "mail/smtp_test_server.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using namespace ::lexwatch::mail::testing;

constexpr char kFrom[] = "lexwatch@oslo.kommune.no";
constexpr char kTo[] = "postmottak@pbe.oslo.kommune.no";

std::string SampleMessage() {
  AlertInput input;
  input.item.title = "Forordning om vannforsyning – særlige krav";
  input.item.celex = "32026R0001";
  input.item.link = "https://eur-lex.europa.eu/eli/reg/2026/1/oj";
  rules::MatchReason reason;
  reason.topic = "Vann";
  reason.description = "Vannforsyning";
  reason.terms = {"vannforsyning"};
  reason.fields = {"title"};
  input.reasons = {reason};
  input.agency_id = "vav";
  input.agency_name = "Vann- og avløpsetaten";
  input.to = {kTo};
  input.from = kFrom;
  input.date = FromUnixSeconds(1782813600);
  input.message_id = MakeMessageId(input.item.Key(), "vav", "lexwatch.test");
  return RenderAlert(input).bytes;
}

// aiosmtpd's Mailbox stores LF line ends and adds trace headers; undo both.
std::string WithoutMailboxTrace(std::string stored) {
  std::string crlf;
  for (char c : stored) {
    if (c == '\n') crlf.push_back('\r');
    crlf.push_back(c);
  }
  std::string out;
  for (const std::string& line : Lines(crlf)) {
    if (line.starts_with("X-Peer: ") || line.starts_with("X-MailFrom: ") ||
        line.starts_with("X-RcptTo: ")) {
      continue;
    }
    out += line + "\r\n";
  }
  return out;
}

SmtpOptions PlainLoopback(const SmtpTestServer& server) {
  SmtpOptions options;
  options.url = server.url();
  options.starttls = false;
  options.timeout = std::chrono::seconds(20);
  options.connect_timeout = std::chrono::seconds(5);
  return options;
}

class SmtpTransportTest : public ::testing::Test {
 protected:
  std::filesystem::path maildir() const { return dir_.path() / "maildir"; }
  std::vector<std::filesystem::path> Delivered() const {
    return ListFiles(maildir() / "new");
  }

  TempDir dir_;
};

TEST_F(SmtpTransportTest, DeliversIdenticalBytesToAiosmtpd) {
  auto server = SmtpTestServer::StartMailbox(maildir());
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  std::string message = SampleMessage();

  Result<std::string> reply = transport.Send(kFrom, kTo, message);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(*reply, "250 OK");
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  std::string stored = ReadFile(files[0]);
  EXPECT_THAT(stored, HasSubstr("X-MailFrom: lexwatch@oslo.kommune.no\n"));
  EXPECT_THAT(stored, HasSubstr("X-RcptTo: postmottak@pbe.oslo.kommune.no\n"));
  EXPECT_EQ(WithoutMailboxTrace(stored), message);
}

TEST_F(SmtpTransportTest, ReusesTheConnectionForTheNextMessage) {
  auto server = SmtpTestServer::StartMailbox(maildir());
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  ASSERT_TRUE(transport.Send(kFrom, kTo, SampleMessage()).ok());
  ASSERT_TRUE(
      transport.Send(kFrom, "eu@pbe.oslo.kommune.no", SampleMessage()).ok());
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 2u);
  // aiosmtpd records the client's address and port: one connection.
  auto peer = [](const std::filesystem::path& file) {
    std::string text = ReadFile(file);
    std::size_t at = text.find("X-Peer: ");
    return text.substr(at, text.find('\n', at) - at);
  };
  EXPECT_EQ(peer(files[0]), peer(files[1]));
}

TEST_F(SmtpTransportTest, OpensANewConnectionPerMessageWhenReuseIsOff) {
  auto server = SmtpTestServer::StartMailbox(maildir());
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  transport.set_reuse_connection(false);
  ASSERT_TRUE(transport.Send(kFrom, kTo, SampleMessage()).ok());
  ASSERT_TRUE(transport.Send(kFrom, kTo, SampleMessage()).ok());
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 2u);
  auto peer = [](const std::filesystem::path& file) {
    std::string text = ReadFile(file);
    std::size_t at = text.find("X-Peer: ");
    return text.substr(at, text.find('\n', at) - at);
  };
  EXPECT_NE(peer(files[0]), peer(files[1]));
}

TEST_F(SmtpTransportTest, TemporaryRecipientRejectionIsUnavailable) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--rcpt-code", "451"});
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  EXPECT_EQ(reply.status().message(),
            server->url() + ": 451 4.3.0 Try again later (RCPT failed: 451)");
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(SmtpTransportTest, PermanentRecipientRejectionIsPermanent) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--rcpt-code", "550"});
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsPermanent());
  EXPECT_EQ(
      reply.status().message(),
      server->url() + ": 550 5.1.1 Mailbox unavailable (RCPT failed: 550)");
}

TEST_F(SmtpTransportTest, RejectionAfterDataIsPermanent) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--data-code", "554"});
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsPermanent());
  EXPECT_EQ(reply.status().message(),
            server->url() + ": 554 5.7.1 Rejected (Weird server reply)");
}

TEST_F(SmtpTransportTest, SucceedsOnceTheServerRecovers) {
  auto server = SmtpTestServer::StartFault(
      maildir(), {"--rcpt-code", "451", "--fail-times", "1"});
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  EXPECT_TRUE(
      transport.Send(kFrom, kTo, SampleMessage()).status().IsUnavailable());
  // A failed transaction closes the connection; the next send reconnects.
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_THAT(*reply, MatchesRegex("250 2\\.0\\.0 Ok: queued as [0-9]+"));
  std::vector<std::filesystem::path> files = Delivered();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(ReadFile(files[0]), SampleMessage());
}

TEST_F(SmtpTransportTest, ServerDownIsUnavailable) {
  SmtpOptions options;
  options.url =
      "smtp://127.0.0.1:" + std::to_string(SmtpTestServer::FreePort());
  options.starttls = false;
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  EXPECT_THAT(
      reply.status().message(),
      MatchesRegex(options.url + ": Failed to connect to 127\\.0\\.0\\.1 "
                                 "port [0-9]+ after [0-9]+ ms: .*"));
}

TEST_F(SmtpTransportTest, MissingStarttlsIsUnavailableNotPlainText) {
  auto server = SmtpTestServer::StartMailbox(maildir());
  ASSERT_TRUE(server->ready());
  SmtpOptions options = PlainLoopback(*server);
  options.starttls = true;
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  EXPECT_THAT(reply.status().message(), HasSubstr("STARTTLS not supported"));
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(SmtpTransportTest, LogsInWhenUserIsSet) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--auth", "lw:s3cret"});
  ASSERT_TRUE(server->ready());
  SmtpOptions options = PlainLoopback(*server);
  options.user = "lw";
  options.password = "s3cret";
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(Delivered().size(), 1u);
}

TEST_F(SmtpTransportTest, RejectedLoginIsUnavailableAndSaysSo) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--auth", "lw:s3cret"});
  ASSERT_TRUE(server->ready());
  SmtpOptions options = PlainLoopback(*server);
  options.user = "lw";
  options.password = "wrong";
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  EXPECT_EQ(reply.status().message(),
            server->url() +
                ": authentication failed: 535 5.7.8 Authentication "
                "credentials invalid (Login denied)");
  EXPECT_THAT(reply.status().message(), ::testing::Not(HasSubstr("wrong")));
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(SmtpTransportTest, TimeoutAfterDataIsUnavailable) {
  auto server = SmtpTestServer::StartFault(maildir(), {"--data-delay", "5"});
  ASSERT_TRUE(server->ready());
  SmtpOptions options = PlainLoopback(*server);
  options.timeout = std::chrono::seconds(1);
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  // The last reply was 354: the message may have arrived, so it is retried
  // (with the same Message-ID) rather than failed.
  EXPECT_EQ(reply.status().message(),
            server->url() +
                ": 354 End data with <CR><LF>.<CR><LF> (server response "
                "timeout)");
}

TEST_F(SmtpTransportTest, RejectsInjectedRecipientBeforeConnecting) {
  auto server = SmtpTestServer::StartMailbox(maildir());
  ASSERT_TRUE(server->ready());
  SmtpTransport transport(PlainLoopback(*server));
  Result<std::string> reply =
      transport.Send(kFrom, "a@b.no\r\nRCPT TO:<x@y.no>", SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsPermanent());
  EXPECT_EQ(reply.status().message(),
            "invalid address \"a@b.no\\r\\nRCPT TO:<x@y.no>\": contains a "
            "control character");
  Result<std::string> bad_from =
      transport.Send("a@b.no\r\nRCPT TO:<x@y.no>", kTo, SampleMessage());
  ASSERT_FALSE(bad_from.ok());
  EXPECT_TRUE(bad_from.status().IsUnavailable());
  EXPECT_EQ(bad_from.status().message(),
            "envelope sender: invalid address \"a@b.no\\r\\nRCPT "
            "TO:<x@y.no>\": contains a control character");
  EXPECT_TRUE(Delivered().empty());
}

TEST_F(SmtpTransportTest, KeepsCredentialsInUrlOutOfMessages) {
  SmtpOptions options;
  int port = SmtpTestServer::FreePort();
  options.url = "smtp://lw:s3cret@127.0.0.1:" + std::to_string(port);
  options.starttls = false;
  SmtpTransport transport(options);
  Result<std::string> reply = transport.Send(kFrom, kTo, SampleMessage());
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().message().starts_with(
      "smtp://127.0.0.1:" + std::to_string(port) + ": "))
      << reply.status().message();
}

}  // namespace
}  // namespace lexwatch::mail
