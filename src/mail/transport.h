#ifndef LEXWATCH_MAIL_TRANSPORT_H_
#define LEXWATCH_MAIL_TRANSPORT_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace lexwatch::mail {

// How one delivery attempt ended, classified per RFC 5321 for the outbox.
struct Delivery {
  enum class Outcome {
    kDelivered,   // 2xx after DATA (or a local delivery).
    kTransient,   // 4xx, connection, DNS, TLS, timeout: retry later.
    kPermanent,   // 5xx: will not succeed; tell the administrator.
    kAuthFailed,  // 530/534/535 or a refused login: a configuration fault.
  };
  Outcome outcome = Outcome::kTransient;
  std::string reply;  // Server reply on success; the error text otherwise.
  int code = 0;       // Last SMTP reply code; 0 when there was none.
  // The failure came after the message text was sent (last code 354): the
  // server may have it, so the retry must carry the same Message-ID.
  bool after_data = false;

  bool delivered() const { return outcome == Outcome::kDelivered; }
};

// Hands one message to one recipient. Blocking; call from one thread at a
// time (the dispatcher's).
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // On success, the server's final reply (e.g. "250 2.0.0 Ok: queued as X")
  // or a note for local delivery. On failure: Unavailable for anything worth
  // retrying (4xx, connection, DNS, TLS, timeout, local I/O), Permanent for
  // a 5xx reply; the message names the server and reply.
  virtual Result<std::string> Send(std::string_view envelope_from,
                                   std::string_view recipient,
                                   std::string_view message) = 0;

  // Send, classified. The default maps Send's Status: Unavailable ->
  // transient, anything else -> permanent. Transports that can tell an
  // authentication failure or a post-DATA timeout apart override it.
  virtual Delivery Deliver(std::string_view envelope_from,
                           std::string_view recipient,
                           std::string_view message) {
    Result<std::string> reply = Send(envelope_from, recipient, message);
    if (reply.ok()) return {Delivery::Outcome::kDelivered, *reply, 250, false};
    Status s = reply.status();
    return {s.IsUnavailable() ? Delivery::Outcome::kTransient
                              : Delivery::Outcome::kPermanent,
            s.message(), 0, false};
  }
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_TRANSPORT_H_
