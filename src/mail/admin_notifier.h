#ifndef LEXWATCH_MAIL_ADMIN_NOTIFIER_H_
#define LEXWATCH_MAIL_ADMIN_NOTIFIER_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace lexwatch::mail {

// Kinds of admin notice. Other components may add their own ("source-
// failing", "source-stale", "rules-refused"); a kind is any short token.
inline constexpr char kNoticeMailHeld[] = "mail-held";
inline constexpr char kNoticeMailFailed[] = "mail-failed";
inline constexpr char kNoticeMailExpired[] = "mail-expired";
inline constexpr char kNoticeMailOld[] = "mail-old";

struct AdminOptions {
  std::string address;  // Validated addr-spec; "" logs notices only.
  std::chrono::seconds min_interval{3600};
  std::string from;               // "Name <addr>" or "addr", as alerts.
  std::string message_id_domain;  // Right-hand side of Message-IDs.
};

// Everything a notice mail needs; rendered once, stored, sent as is.
struct NoticeInput {
  std::string to;
  std::string from;
  std::string subject;  // UTF-8; "[lexwatch] " is prefixed.
  std::string body;     // UTF-8 plain text, LF or CRLF line ends.
  TimePoint date;
  std::string message_id;
};

// A text/plain UTF-8 quoted-printable message with Auto-Submitted and an
// RFC 2047 Subject. Pure.
std::string RenderNotice(const NoticeInput& input);

// Tells the administrator about a problem they must act on, at most once
// per (kind, key) per min_interval, so an outage gives one mail, not
// hundreds. Notify only logs and records the notice in the store (rendered,
// with a fixed Message-ID); the dispatcher mails pending notices through
// the alert transport. So any thread may own a notifier over its own Store.
// Not thread-safe.
class AdminNotifier {
 public:
  AdminNotifier(store::Store& store, const Clock& clock, AdminOptions options);

  // Logs the notice (a warning) and records it unless one with the same
  // kind and key was recorded less than min_interval ago. True when
  // recorded, false when rate-limited. Fails only when the store fails.
  Result<bool> Notify(std::string_view kind, std::string_view key,
                      std::string_view subject, std::string_view body);

  // Ends the rate-limiting window of (kind, key), e.g. when a source
  // recovers, so the next failure notifies at once. An unsent notice for it
  // is dropped.
  Status Resolve(std::string_view kind, std::string_view key);

  bool mails() const { return !options_.address.empty(); }

 private:
  store::Store& store_;
  const Clock& clock_;
  AdminOptions options_;
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_ADMIN_NOTIFIER_H_
