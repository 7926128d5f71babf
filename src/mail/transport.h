#ifndef LEXWATCH_MAIL_TRANSPORT_H_
#define LEXWATCH_MAIL_TRANSPORT_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace lexwatch::mail {

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
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_TRANSPORT_H_
