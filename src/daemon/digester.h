#ifndef LEXWATCH_DAEMON_DIGESTER_H_
#define LEXWATCH_DAEMON_DIGESTER_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "daemon/config.h"
#include "mail/template_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

struct DigestStats {
  int digests = 0;  // Digests queued (one outbox row per recipient each).
  int entries = 0;  // Acts they list.
};

// Turns the acts waiting for an agency's daily or weekly digest into one
// message at the agency's slot. A digest is due once a slot has passed
// since its oldest entry (and since the agency's last digest); it then
// takes every entry waiting, so slots missed while lexwatch was down give
// one digest, not one per slot. The digest is made in one transaction
// with a Message-ID derived from (agency, slot): a crash before the commit
// leaves the entries waiting and the retry makes the same message; after
// it, the entries belong to the digest and (agency, slot) is recorded, so
// no second digest follows. An agency switched back to "immediate" gets
// what was still waiting at once, as one digest. Call on the thread that
// owns `store`.
class Digester {
 public:
  Digester(const Config& config, store::Store& store, const Clock& clock)
      : config_(config), store_(store), clock_(clock) {}

  // Makes every digest that is due. Stops at the first database failure.
  Result<DigestStats> RunDue();
  // When the next digest falls due (possibly already), nullopt when no
  // entry waits for a configured agency.
  Result<std::optional<TimePoint>> NextDue();

  // The templates digests are rendered with (null: the built-in ones). Any
  // thread: the event loop swaps them at reload while the mail thread
  // renders.
  void set_templates(std::shared_ptr<const mail::TemplateSet> templates);

 private:
  // nullopt for an agency no longer configured.
  std::optional<TimePoint> DueAt(const store::DigestQueue& queue) const;
  Result<store::NewDigest> Render(
      const AgencyConfig& agency, TimePoint slot,
      const std::vector<store::PendingEntry>& entries) const;

  const Config& config_;
  store::Store& store_;
  const Clock& clock_;
  mutable std::mutex templates_mutex_;
  std::shared_ptr<const mail::TemplateSet> templates_;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_DIGESTER_H_
