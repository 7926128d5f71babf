#ifndef LEXWATCH_DAEMON_SD_NOTIFY_H_
#define LEXWATCH_DAEMON_SD_NOTIFY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lexwatch::daemon {

// Talks to the service manager through $NOTIFY_SOCKET (sd_notify(3)'s
// protocol: one datagram of "KEY=value" lines to a unix socket; a leading
// '@' names an abstract socket). Without NOTIFY_SOCKET every call is a
// no-op. Call from one thread.
class SdNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (honouring WATCHDOG_PID).
  static SdNotifier FromEnvironment();
  explicit SdNotifier(std::string socket_path,
                      std::optional<std::chrono::microseconds> watchdog = {})
      : socket_path_(std::move(socket_path)), watchdog_(watchdog) {}

  bool enabled() const { return !socket_path_.empty(); }
  // The interval systemd expects WATCHDOG=1 within, when it watches us.
  std::optional<std::chrono::microseconds> watchdog() const {
    return watchdog_;
  }

  // Sends `state` ("READY=1\nSTATUS=..."); a failure is returned, not fatal.
  Status Notify(std::string_view state) const;
  Status Ready(std::string_view status) const;
  Status Reloading() const;
  Status Stopping() const;
  Status Watchdog() const;
  Status SetStatus(std::string_view status) const;

 private:
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_SD_NOTIFY_H_
