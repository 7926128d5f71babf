#include "daemon/schedule.h"

#include <algorithm>

namespace lexwatch::daemon {

TimePoint NextPollTime(TimePoint now, std::chrono::seconds interval,
                       int failures,
                       std::optional<std::chrono::seconds> retry_after) {
  using std::chrono::seconds;
  if (failures <= 0) return now + interval;
  constexpr seconds kFirst(60);
  constexpr seconds kCap(3600);
  int doublings = std::min(failures - 1, 10);
  seconds wait = std::min({kFirst * (1 << doublings), interval, kCap});
  if (retry_after) wait = std::max(wait, std::min(*retry_after, kCap * 6));
  return now + wait;
}

}  // namespace lexwatch::daemon
