#ifndef LEXWATCH_DAEMON_SOURCE_HEALTH_H_
#define LEXWATCH_DAEMON_SOURCE_HEALTH_H_

#include <string>

#include "core/clock.h"
#include "daemon/config.h"
#include "store/store.h"

namespace lexwatch::daemon {

enum class SourceHealth {
  kNotPolled,  // Never polled.
  kOk,
  kFailing,  // The last poll failed.
  // Answers, but has brought no item it never carried before for longer
  // than its silent_period.
  kSilent,
};

// The health of a source from its stored state at `now`. Pure.
SourceHealth HealthOf(const SourceConfig& config,
                      const store::SourceState& state, TimePoint now);

// "not polled yet", "ok", "FAILING" or "SILENT": as `status` prints it.
std::string HealthText(SourceHealth health);

// As `status --json` gives it: "not polled yet", "ok", "failing", "silent".
std::string HealthJson(SourceHealth health);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_SOURCE_HEALTH_H_
