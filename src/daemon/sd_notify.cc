#include "daemon/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace lexwatch::daemon {
namespace {

// STATUS= is one line; anything after a line break would be read as
// another assignment.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

SdNotifier SdNotifier::FromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  std::optional<std::chrono::microseconds> watchdog;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  bool for_us = pid == nullptr || std::atoll(pid) == ::getpid();
  if (usec != nullptr && for_us && std::atoll(usec) > 0) {
    watchdog = std::chrono::microseconds(std::atoll(usec));
  }
  return SdNotifier(socket ? socket : "", watchdog);
}

Status SdNotifier::Notify(std::string_view state) const {
  if (!enabled()) return Status::Ok();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(addr.sun_path) ||
      (socket_path_[0] != '/' && socket_path_[0] != '@')) {
    return Status::InvalidArgument("NOTIFY_SOCKET", "unusable address");
  }
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) +
                                         socket_path_.size());
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError("NOTIFY_SOCKET", std::strerror(errno));
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&addr), len);
  int saved = errno;
  ::close(fd);
  if (sent < 0) {
    return Status::IoError("NOTIFY_SOCKET " + socket_path_,
                           std::strerror(saved));
  }
  return Status::Ok();
}

Status SdNotifier::Ready(std::string_view status) const {
  return Notify("READY=1\nSTATUS=" + OneLine(status));
}

Status SdNotifier::Reloading() const { return Notify("RELOADING=1"); }

Status SdNotifier::Stopping() const { return Notify("STOPPING=1"); }

Status SdNotifier::Watchdog() const { return Notify("WATCHDOG=1"); }

Status SdNotifier::SetStatus(std::string_view status) const {
  return Notify("STATUS=" + OneLine(status));
}

}  // namespace lexwatch::daemon
