#ifndef LEXWATCH_MAIL_SMTP_TRANSPORT_H_
#define LEXWATCH_MAIL_SMTP_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <string>

#include "mail/transport.h"

namespace lexwatch::mail {

struct SmtpOptions {
  std::string url;  // smtp://host:587 or smtps://host:465.
  // Require STARTTLS (CURLUSESSL_ALL) on smtp://. May be false only for a
  // loopback server (tests, a local relay).
  bool starttls = true;
  std::string user;      // Empty: no AUTH.
  std::string password;  // Never logged.
  std::chrono::seconds timeout{60};
  std::chrono::seconds connect_timeout{20};
  std::string ca_file;  // Empty: system store.
};

// MailTransport over libcurl SMTP, one recipient per transaction. Keeps one
// connection open between sends. Not thread-safe: use from one thread.
// curl_global_init must have run before other threads start.
class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(SmtpOptions options);
  ~SmtpTransport() override;
  Result<std::string> Send(std::string_view envelope_from,
                           std::string_view recipient,
                           std::string_view message) override;
  // Like Send, but says apart an authentication failure (530/534/535 or a
  // refused login: kAuthFailed) and a failure after DATA (after_data).
  Delivery Deliver(std::string_view envelope_from, std::string_view recipient,
                   std::string_view message) override;

  // Opens a new connection for every message when false (the benchmark's
  // baseline). Default true: one connection serves message after message.
  void set_reuse_connection(bool reuse) { reuse_connection_ = reuse; }

 private:
  struct Connection;  // One curl easy handle, kept so its connection is reused.

  SmtpOptions options_;
  std::string redacted_url_;  // options_.url without user:password@.
  bool plain_;                // No TLS: starttls off and a loopback host.
  std::unique_ptr<Connection> connection_;
  bool reuse_connection_ = true;
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_SMTP_TRANSPORT_H_
