#ifndef LEXWATCH_MAIL_DISPATCHER_H_
#define LEXWATCH_MAIL_DISPATCHER_H_

#include <chrono>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "mail/transport.h"
#include "store/store.h"

namespace lexwatch::mail {

// Growing waits between attempts for one message: after attempt n (1-based)
// wait waits[min(n, size) - 1]. Pure.
struct RetryPolicy {
  std::vector<std::chrono::seconds> waits{
      std::chrono::minutes(1), std::chrono::minutes(5),
      std::chrono::minutes(15), std::chrono::minutes(30),
      std::chrono::hours(1)};
  // A message still undelivered this long after it was queued fails
  // (Postfix's maximal_queue_lifetime).
  std::chrono::seconds give_up_after{std::chrono::hours(5 * 24)};
  std::chrono::seconds NextWait(int attempts) const;
};

struct DispatchStats {
  int sent = 0;
  int deferred = 0;
  int failed = 0;
};

// Sends what is due in the outbox. Each row is marked sending (committed)
// before the transport is called, then sent, deferred or failed; rows a
// crash left in sending are put back by Store::RecoverInterrupted at start-up
// and resent with the same Message-ID. Call from one thread; the Store must
// be that thread's own.
class Dispatcher {
 public:
  Dispatcher(store::Store& store, MailTransport& transport, const Clock& clock,
             std::string envelope_from, RetryPolicy policy = {});
  // Sends up to `limit` due messages. Fails only when the database fails;
  // transport failures are counted, recorded and logged.
  Result<DispatchStats> RunDue(int limit = 1000);

 private:
  // Sends one row and records the outcome; fails only on a store failure.
  Status SendOne(const store::OutboxMessage& message, DispatchStats& stats);

  store::Store& store_;
  MailTransport& transport_;
  const Clock& clock_;
  std::string envelope_from_;
  RetryPolicy policy_;
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_DISPATCHER_H_
