// SMTP throughput: 1,000 messages to aiosmtpd on 127.0.0.1 through
// SmtpTransport, once with connection reuse (how the dispatcher sends) and
// once with one connection per message (the baseline). Prints messages per
// second for both and the ratio. Not a unit test: run bench/run_smtp_bench.sh.
//
//   smtp_bench [--count N]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/clock.h"
#include "mail/message.h"
#include "mail/smtp_test_server.h"
#include "mail/smtp_transport.h"
#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

std::string Message(int i) {
  AlertInput input;
  input.item.title = "Forordning om vannforsyning nr. " + std::to_string(i);
  input.item.celex = "32026R" + std::to_string(1000 + i);
  input.item.link = "https://eur-lex.europa.eu/eli/reg/2026/1/oj";
  input.agency_id = "vav";
  input.agency_name = "Vann- og avløpsetaten";
  input.to = {"postmottak@vav.oslo.kommune.no"};
  input.from = "lexwatch@oslo.kommune.no";
  input.date = FromUnixSeconds(1782813600);
  input.message_id = MakeMessageId(input.item.Key(), "vav", "bench.test");
  return RenderAlert(input).bytes;
}

// Sends `count` messages; returns messages per second, or -1 on a failure.
double Run(bool reuse, int count) {
  testing::TempDir dir;
  auto server = testing::SmtpTestServer::StartMailbox(dir.path() / "mail");
  if (!server->ready()) {
    std::fprintf(stderr, "aiosmtpd did not start\n");
    return -1;
  }
  SmtpOptions options;
  options.url = server->url();
  options.starttls = false;
  options.timeout = std::chrono::seconds(30);
  SmtpTransport transport(options);
  transport.set_reuse_connection(reuse);
  std::vector<std::string> messages;
  for (int i = 0; i < count; ++i) messages.push_back(Message(i));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    Result<std::string> reply = transport.Send(
        "lexwatch@oslo.kommune.no", "postmottak@vav.oslo.kommune.no",
        messages[static_cast<std::size_t>(i)]);
    if (!reply.ok()) {
      std::fprintf(stderr, "message %d: %s\n", i,
                   reply.status().message().c_str());
      return -1;
    }
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::size_t stored = testing::ListFiles(dir.path() / "mail" / "new").size();
  if (stored != static_cast<std::size_t>(count)) {
    std::fprintf(stderr, "stored %zu of %d messages\n", stored, count);
    return -1;
  }
  return count / took.count();
}

}  // namespace
}  // namespace lexwatch::mail

int main(int argc, char** argv) {
  int count = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--count") == 0) count = std::atoi(argv[i + 1]);
  }
  double reused = lexwatch::mail::Run(true, count);
  double fresh = lexwatch::mail::Run(false, count);
  if (reused < 0 || fresh < 0) return 1;
  std::printf("smtp_bench: %d messages to aiosmtpd on 127.0.0.1\n", count);
  std::printf("  connection reuse:           %8.1f messages/s\n", reused);
  std::printf("  one connection per message: %8.1f messages/s (baseline)\n",
              fresh);
  std::printf("  ratio:                      %8.2fx\n", reused / fresh);
  return 0;
}
