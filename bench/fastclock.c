/* LD_PRELOAD shim for bench/footprint.py: runs a process's clocks
 * FASTCLOCK_SPEED times faster, so a daemon polling every 10 minutes lives
 * a simulated day in minutes. Scales clock_gettime (REALTIME, MONOTONIC,
 * BOOTTIME) around the moment of loading, and converts timerfd_settime
 * deadlines (relative and absolute) back to real time, which is what
 * Boost.Asio's epoll reactor waits on. (libfaketime's speed-up mishandles
 * Asio's "already expired" absolute deadline of 1 ns, so zero-delay timers
 * never fire under it.) Bench only: not built by CMake.
 *   cc -shared -fPIC -O2 -o fastclock.so fastclock.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>

static int (*real_gettime)(clockid_t, struct timespec *);
static int (*real_settime)(int, int, const struct itimerspec *,
                           struct itimerspec *);
static double speed = 1;
static struct timespec start[8];

static double secs(const struct timespec *t) {
  return t->tv_sec + t->tv_nsec / 1e9;
}
static struct timespec from(double s) {
  struct timespec t;
  if (s < 0) s = 0;
  t.tv_sec = (time_t)s;
  t.tv_nsec = (long)((s - (double)t.tv_sec) * 1e9);
  return t;
}

__attribute__((constructor)) static void init(void) {
  real_gettime = dlsym(RTLD_NEXT, "clock_gettime");
  real_settime = dlsym(RTLD_NEXT, "timerfd_settime");
  const char *s = getenv("FASTCLOCK_SPEED");
  if (s) speed = atof(s);
  if (speed <= 0) speed = 1;
  for (int c = 0; c < 8; ++c) real_gettime(c, &start[c]);
}

static int scaled(clockid_t c) {
  return c == CLOCK_REALTIME || c == CLOCK_MONOTONIC || c == CLOCK_BOOTTIME;
}

int clock_gettime(clockid_t c, struct timespec *t) {
  int rc = real_gettime(c, t);
  if (rc == 0 && scaled(c)) {
    *t = from(secs(&start[c]) + (secs(t) - secs(&start[c])) * speed);
  }
  return rc;
}

/* Asio arms timerfds on CLOCK_MONOTONIC; relative values shrink by the
 * speed, absolute fake deadlines map back to real ones. */
int timerfd_settime(int fd, int flags, const struct itimerspec *v,
                    struct itimerspec *old) {
  struct itimerspec r = *v;
  if (v->it_value.tv_sec != 0 || v->it_value.tv_nsec != 0) {
    if (flags & TFD_TIMER_ABSTIME) {
      double s0 = secs(&start[CLOCK_MONOTONIC]);
      double real = s0 + (secs(&v->it_value) - s0) / speed;
      if (real <= 0) real = 1e-9;
      r.it_value = from(real);
    } else {
      r.it_value = from(secs(&v->it_value) / speed);
      if (r.it_value.tv_sec == 0 && r.it_value.tv_nsec == 0) {
        r.it_value.tv_nsec = 1;
      }
    }
  }
  r.it_interval = from(secs(&v->it_interval) / speed);
  return real_settime(fd, flags, &r, old);
}
