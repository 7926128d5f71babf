#ifndef LEXWATCH_CORE_CLOCK_H_
#define LEXWATCH_CORE_CLOCK_H_

#include <chrono>

namespace lexwatch {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

// Wall-clock time, injected so tests can advance it. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told. Not thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(std::chrono::system_clock::duration d) { now_ += d; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

// Seconds since the Unix epoch, as stored in the database.
inline long long ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixSeconds(long long s) { return TimePoint(Seconds(s)); }

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_CLOCK_H_
