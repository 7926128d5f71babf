#ifndef LEXWATCH_DAEMON_ENV_CLOCK_H_
#define LEXWATCH_DAEMON_ENV_CLOCK_H_

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "core/clock.h"

namespace lexwatch::daemon {

// The daemon's clock: the system clock, unless the environment variable
// LEXWATCH_FAKE_NOW holds Unix seconds. Then time starts there and runs on
// at the normal pace. For the end-to-end tests only (digest slots without
// waiting for them); not a supported setting. Read once, at construction,
// before any thread starts. Thread-safe.
class EnvClock final : public Clock {
 public:
  EnvClock() {
    const char* fake = std::getenv("LEXWATCH_FAKE_NOW");
    if (fake == nullptr) return;
    std::string_view text(fake);
    long long seconds = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) return;
    offset_ = FromUnixSeconds(seconds) - std::chrono::system_clock::now();
  }
  TimePoint Now() const override {
    return std::chrono::system_clock::now() + offset_;
  }

 private:
  std::chrono::system_clock::duration offset_{0};
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_ENV_CLOCK_H_
