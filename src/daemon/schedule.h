#ifndef LEXWATCH_DAEMON_SCHEDULE_H_
#define LEXWATCH_DAEMON_SCHEDULE_H_

#include <chrono>
#include <optional>

#include "core/clock.h"

namespace lexwatch::daemon {

// When to poll a source next. After a success: `now + interval`. After
// `failures` consecutive failures: a growing wait (1, 2, 4, ... minutes)
// capped at `interval` and at one hour, never earlier than the server's
// Retry-After. Pure.
TimePoint NextPollTime(TimePoint now, std::chrono::seconds interval,
                       int failures,
                       std::optional<std::chrono::seconds> retry_after);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_SCHEDULE_H_
