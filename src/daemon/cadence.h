#ifndef LEXWATCH_DAEMON_CADENCE_H_
#define LEXWATCH_DAEMON_CADENCE_H_

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "daemon/time_zone.h"

namespace lexwatch::daemon {

// How often an agency hears from lexwatch: every act at once, or one
// digest a day or a week at a fixed local time. Urgent matches are always
// sent at once (see Ingestor).
struct Cadence {
  enum class Kind { kImmediate, kDaily, kWeekly };
  Kind kind = Kind::kImmediate;
  int weekday = 0;  // kWeekly: 0 = Monday .. 6 = Sunday.
  int hour = 0;
  int minute = 0;

  bool digest() const { return kind != Kind::kImmediate; }
  // "immediate", "daily" or "weekly".
  std::string Label() const;
  // As written in the config, normalised: "daily 08:00", "weekly mon 08:00".
  std::string ToString() const;
  bool operator==(const Cadence&) const = default;
};

// Parses "immediate", "daily HH:MM" or "weekly DAY HH:MM" (DAY: mon tue
// wed thu fri sat sun, or Norwegian man tir ons tor fre lør søn; any case).
// InvalidArgument with a message for the config file on failure.
Result<Cadence> ParseCadence(std::string_view text);

// The first slot of a digest cadence strictly after `after`, in `zone`.
// Pure. An immediate cadence has no slots: returns `after`.
TimePoint NextSlot(const Cadence& cadence, const TimeZone& zone,
                   TimePoint after);

// The latest slot at or before `at` (for an immediate cadence, `at`).
TimePoint LatestSlot(const Cadence& cadence, const TimeZone& zone,
                     TimePoint at);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_CADENCE_H_
