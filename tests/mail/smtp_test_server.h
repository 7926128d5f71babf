#ifndef LEXWATCH_TESTS_MAIL_SMTP_TEST_SERVER_H_
#define LEXWATCH_TESTS_MAIL_SMTP_TEST_SERVER_H_

// Runs an aiosmtpd SMTP server on 127.0.0.1 for a test: either aiosmtpd's
// own Maildir handler or tests/mail/smtp_fault_server.py. The server is
// killed when the object goes away.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lexwatch::mail::testing {

class SmtpTestServer {
 public:
  // aiosmtpd.handlers.Mailbox: accepted mail lands in `maildir` with
  // X-Peer, X-MailFrom and X-RcptTo headers added and LF line ends.
  static std::unique_ptr<SmtpTestServer> StartMailbox(
      const std::filesystem::path& maildir) {
    int port = FreePort();
    return Start(port, {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                        "127.0.0.1:" + std::to_string(port), "-c",
                        "aiosmtpd.handlers.Mailbox", maildir.string()});
  }

  // smtp_fault_server.py: accepted mail lands in `maildir` byte for byte;
  // `flags` choose the faults ("--rcpt-code", "451", "--fail-times", "1").
  // `port` 0 picks a free one.
  static std::unique_ptr<SmtpTestServer> StartFault(
      const std::filesystem::path& maildir,
      const std::vector<std::string>& flags, int port = 0) {
    if (port == 0) port = FreePort();
    std::vector<std::string> argv = {
        "/usr/bin/python3",
        LEXWATCH_SOURCE_DIR "/tests/mail/smtp_fault_server.py",
        "--port",
        std::to_string(port),
        "--maildir",
        maildir.string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return Start(port, argv);
  }

  // A port on 127.0.0.1 that nothing listens on (for "server down").
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }

  ~SmtpTestServer() { Stop(); }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // False when the server did not start listening within 15 s.
  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string url() const {
    return "smtp://127.0.0.1:" + std::to_string(port_);
  }

 private:
  SmtpTestServer(pid_t pid, int port) : pid_(pid), port_(port) {}

  static std::unique_ptr<SmtpTestServer> Start(
      int port, const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) !=
        0) {
      pid = -1;
    }
    std::unique_ptr<SmtpTestServer> server(new SmtpTestServer(pid, port));
    server->ready_ = pid > 0 && server->WaitUntilListening();
    return server;
  }

  bool WaitUntilListening() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // Exited: a bad flag or the port was taken.
        return false;
      }
      if (CanConnect()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  bool CanConnect() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    bool ok =
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
  }

  pid_t pid_;
  int port_;
  bool ready_ = false;
};

}  // namespace lexwatch::mail::testing

#endif  // LEXWATCH_TESTS_MAIL_SMTP_TEST_SERVER_H_
