#include "daemon/source_health.h"

namespace lexwatch::daemon {

SourceHealth HealthOf(const SourceConfig& config,
                      const store::SourceState& state, TimePoint now) {
  if (!state.last_error.empty()) return SourceHealth::kFailing;
  if (!state.last_poll) return SourceHealth::kNotPolled;
  if (state.last_new_item && ToUnixSeconds(now) - *state.last_new_item >=
                                 config.silent_period.count()) {
    return SourceHealth::kSilent;
  }
  return SourceHealth::kOk;
}

std::string HealthText(SourceHealth health) {
  switch (health) {
    case SourceHealth::kNotPolled:
      return "not polled yet";
    case SourceHealth::kOk:
      return "ok";
    case SourceHealth::kFailing:
      return "FAILING";
    case SourceHealth::kSilent:
      return "SILENT";
  }
  return "ok";
}

std::string HealthJson(SourceHealth health) {
  switch (health) {
    case SourceHealth::kFailing:
      return "failing";
    case SourceHealth::kSilent:
      return "silent";
    default:
      return HealthText(health);
  }
}

}  // namespace lexwatch::daemon
