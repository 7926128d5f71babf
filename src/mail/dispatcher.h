#ifndef LEXWATCH_MAIL_DISPATCHER_H_
#define LEXWATCH_MAIL_DISPATCHER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "mail/admin_notifier.h"
#include "mail/notice_text.h"
#include "mail/transport.h"
#include "store/store.h"

namespace lexwatch::mail {

// When to try a message again, and when to give up on it. Pure.
struct RetryPolicy {
  // Growing waits between attempts for one message: after attempt n
  // (1-based) wait waits[min(n, size) - 1]. Held mail is probed this often
  // too, at the last wait.
  std::vector<std::chrono::seconds> waits{
      std::chrono::minutes(1), std::chrono::minutes(5),
      std::chrono::minutes(15), std::chrono::minutes(30),
      std::chrono::hours(1)};
  // A message still undelivered this long after it was queued expires
  // (Postfix's maximal_queue_lifetime).
  std::chrono::seconds give_up_after{std::chrono::hours(5 * 24)};
  // The admin is warned once about each message undelivered this long
  // (Postfix's delay_warning_time).
  std::chrono::seconds warn_after{std::chrono::hours(4)};
  // Each wait is spread by up to this fraction either way, so messages
  // deferred together do not all come back together.
  double jitter = 0.1;
  // Sent-log entries older than this are deleted.
  std::chrono::seconds sent_log_retention{std::chrono::hours(365 * 24)};

  std::chrono::seconds NextWait(int attempts) const;
  // NextWait(attempts) scaled by a factor in [1 - jitter, 1 + jitter] that
  // depends only on (row id, attempts): the same row always waits the same.
  std::chrono::seconds JitteredWait(std::int64_t id, int attempts) const;
  // How long held mail waits between probes: the last of `waits`.
  std::chrono::seconds HeldProbeWait() const;
};

struct DispatchStats {
  int sent = 0;
  int deferred = 0;
  int failed = 0;
  int held = 0;      // Newly held (login refused) this run.
  int expired = 0;   // Gave up on this run.
  int released = 0;  // Held rows released after a successful send.
  int notices = 0;   // Admin notices mailed.

  // Rows the run took from the queue: sent, deferred, failed, held or
  // expired.
  int taken() const { return sent + deferred + failed + held + expired; }
  DispatchStats& operator+=(const DispatchStats& other) {
    sent += other.sent;
    deferred += other.deferred;
    failed += other.failed;
    held += other.held;
    expired += other.expired;
    released += other.released;
    notices += other.notices;
    return *this;
  }
};

// Sends what is due in the outbox. Each row is marked sending (committed)
// before the transport is called, in the same commit as the row before it
// when that one was delivered, then sent, deferred, failed or held; rows
// a crash left in sending are put back by Store::RecoverInterrupted at
// start-up and resent with the same bytes (same Message-ID and Date).
//
// A refused login (530/534/535) holds the message and stops sending: every
// other due message is held without a connection until the held mail is
// probed again (at once after a restart, then every HeldProbeWait); the
// first successful send releases all held rows. Call from one thread; the
// Store must be that thread's own.
class Dispatcher {
 public:
  // `notice_language` is [mail] language: "en" writes admin notices in
  // English, anything else in bokmål.
  Dispatcher(store::Store& store, MailTransport& transport, const Clock& clock,
             std::string envelope_from, RetryPolicy policy = {},
             std::string notice_language = "nb");

  // Where to report failures; without one they are only logged. The
  // notifier must use this dispatcher's Store. Pending notices (from any
  // notifier on the same database) are mailed by RunDue either way.
  void set_notifier(AdminNotifier* notifier) { notifier_ = notifier; }

  // Expires and warns about old mail, probes held mail, sends up to `limit`
  // due messages, then mails due admin notices. Fails only when the
  // database fails; transport failures are counted, recorded and logged.
  Result<DispatchStats> RunDue(int limit = 1000);

  // When RunDue next has work: a message or admin notice due, mail to
  // expire or warn about, held mail to probe; nullopt when nothing waits.
  // May be in the past (a backlog larger than RunDue's limit). Lets the
  // daemon sleep until then instead of waking periodically.
  Result<std::optional<TimePoint>> NextWake();

 private:
  // Sends one row and records the outcome; fails only on a store failure.
  // After a delivery, `next` (the row to be sent after it, if any) is marked
  // sending in the same commit.
  Status SendOne(const store::OutboxMessage& message, DispatchStats& stats,
                 const store::OutboxMessage* next = nullptr);
  // Records a delivery in one commit; see dispatcher.cc.
  Status RecordDelivery(const store::OutboxMessage& message,
                        const std::string& reply,
                        const store::OutboxMessage* next, DispatchStats& stats);
  Status RecordFailure(const store::OutboxMessage& message,
                       const Delivery& delivery, DispatchStats& stats);
  Status HoldWithoutSending(const store::OutboxMessage& message,
                            DispatchStats& stats);
  Status ExpireAndWarn(DispatchStats& stats);
  Status ProbeHeld(DispatchStats& stats);
  Status SendNotices(DispatchStats& stats);
  Status PruneSentLog();
  void Notify(std::string_view kind, std::string_view key,
              const NoticeText& text);
  bool blocked(TimePoint now) const { return now < blocked_until_; }

  store::Store& store_;
  MailTransport& transport_;
  const Clock& clock_;
  std::string envelope_from_;
  RetryPolicy policy_;
  std::string notice_language_;
  AdminNotifier* notifier_ = nullptr;
  // Until then a refused login blocks sending; the epoch after a restart,
  // so held mail is probed at once.
  TimePoint blocked_until_{};
  std::string blocked_reason_;
  // False only when no row can be held: released, and none held since.
  bool may_have_held_ = true;
  // The row marked sending with the last sent mark (0: none): SendOne does
  // not mark it again, and sends `premarked_text_`, read in the same commit.
  std::int64_t premarked_ = 0;
  std::string premarked_text_;
  TimePoint next_prune_{};
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_DISPATCHER_H_
