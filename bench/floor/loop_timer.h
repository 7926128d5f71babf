// CPU and wall time of a loop, for the bench/floor programs that time N
// repetitions of one step without their set-up.
#ifndef LEXWATCH_BENCH_FLOOR_LOOP_TIMER_H_
#define LEXWATCH_BENCH_FLOOR_LOOP_TIMER_H_

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace lexwatch::bench {

// Process CPU (user, system) and monotonic wall time at one moment.
struct Usage {
  double user_s = 0;
  double sys_s = 0;
  double wall_s = 0;
};

// Reads the clocks into `usage`; on failure prints why and returns false.
inline bool ReadUsage(Usage* usage) {
  rusage ru{};
  timespec wall{};
  if (getrusage(RUSAGE_SELF, &ru) != 0 ||
      clock_gettime(CLOCK_MONOTONIC, &wall) != 0) {
    std::fprintf(stderr, "reading the clocks: %s\n", std::strerror(errno));
    return false;
  }
  usage->user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  usage->sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  usage->wall_s = wall.tv_sec + wall.tv_nsec / 1e9;
  return true;
}

// Prints the line bench/floors.sh reads: `<what>=N user_s=U sys_s=S wall_s=W`.
inline void PrintLoop(const char* what, int n, const Usage& start,
                      const Usage& end) {
  std::printf("%s=%d user_s=%.6f sys_s=%.6f wall_s=%.6f\n", what, n,
              end.user_s - start.user_s, end.sys_s - start.sys_s,
              end.wall_s - start.wall_s);
}

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_FLOOR_LOOP_TIMER_H_
