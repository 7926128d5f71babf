#include "daemon/sd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

namespace lexwatch::daemon {
namespace {

// A unix datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (path_[0] == '@') addr.sun_path[0] = '\0';
    if (path_[0] == '/') ::unlink(path_.c_str());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr),
                    offsetof(sockaddr_un, sun_path) + path_.size()) == 0;
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() {
    ::close(fd_);
    if (path_[0] == '/') ::unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  std::string Receive() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? "<nothing>" : std::string(buf, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST(SdNotifier, SendsStatesToAPathSocket) {
  std::string path = testing::TempDir() + "notify-" + std::to_string(getpid());
  NotifySocket socket(path);
  ASSERT_TRUE(socket.bound());
  SdNotifier notifier(path);
  ASSERT_TRUE(notifier.Ready("3 sources ok\nqueue 0").ok());
  EXPECT_EQ(socket.Receive(), "READY=1\nSTATUS=3 sources ok queue 0");
  ASSERT_TRUE(notifier.Watchdog().ok());
  EXPECT_EQ(socket.Receive(), "WATCHDOG=1");
  ASSERT_TRUE(notifier.Reloading().ok());
  EXPECT_EQ(socket.Receive(), "RELOADING=1");
  ASSERT_TRUE(notifier.Stopping().ok());
  EXPECT_EQ(socket.Receive(), "STOPPING=1");
}

TEST(SdNotifier, SendsToAnAbstractSocket) {
  std::string name = "@lexwatch-test-" + std::to_string(getpid());
  NotifySocket socket(name);
  ASSERT_TRUE(socket.bound());
  ASSERT_TRUE(SdNotifier(name).SetStatus("idle").ok());
  EXPECT_EQ(socket.Receive(), "STATUS=idle");
}

TEST(SdNotifier, WithoutSocketEverythingIsANoOp) {
  SdNotifier notifier("");
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.Ready("x").ok());
}

TEST(SdNotifier, MissingSocketIsAnError) {
  SdNotifier notifier("/nonexistent/notify");
  Status s = notifier.Watchdog();
  EXPECT_TRUE(s.IsIoError());
  EXPECT_EQ(s.message(),
            "NOTIFY_SOCKET /nonexistent/notify: No such file or directory");
}

TEST(SdNotifier, ReadsWatchdogIntervalFromTheEnvironment) {
  ::setenv("NOTIFY_SOCKET", "@x", 1);
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  SdNotifier mine = SdNotifier::FromEnvironment();
  ::setenv("WATCHDOG_PID", "1", 1);
  SdNotifier other = SdNotifier::FromEnvironment();
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(mine.watchdog(), std::chrono::microseconds(3000000));
  EXPECT_FALSE(other.watchdog().has_value());
}

}  // namespace
}  // namespace lexwatch::daemon
