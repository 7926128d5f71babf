#include "mail/maildir_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <system_error>

#include "mail/message.h"

namespace lexwatch::mail {
namespace {

Status IoFailure(const std::filesystem::path& path, int error) {
  return Status::Unavailable(path.string(), std::strerror(error));
}

// Maildir names must not contain "/" or ":"; the spec escapes them.
std::string HostName() {
  char buffer[256] = "";
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) return "localhost";
  std::string out;
  for (const char* p = buffer; *p != '\0'; ++p) {
    if (*p == '/') {
      out.append("\\057");
    } else if (*p == ':') {
      out.append("\\072");
    } else {
      out.push_back(*p);
    }
  }
  return out.empty() ? "localhost" : out;
}

// "<seconds>.M<micros>P<pid>Q<counter>.<host>": unique across processes and
// within one, as the Maildir spec asks.
std::string UniqueName() {
  static std::atomic<unsigned long> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now - secs);
  return std::to_string(secs.count()) + ".M" + std::to_string(micros.count()) +
         "P" + std::to_string(getpid()) + "Q" + std::to_string(++counter) +
         "." + HostName();
}

Status WriteAll(int fd, std::string_view data,
                const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFailure(path, errno);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status WriteSynced(const std::filesystem::path& path, std::string_view data) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoFailure(path, errno);
  Status s = WriteAll(fd, data, path);
  if (s.ok() && fsync(fd) != 0) s = IoFailure(path, errno);
  if (close(fd) != 0 && s.ok()) s = IoFailure(path, errno);
  if (!s.ok()) unlink(path.c_str());
  return s;
}

// The rename is durable only once the directory entry is on disk.
Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoFailure(dir, errno);
  Status s = fsync(fd) == 0 ? Status::Ok() : IoFailure(dir, errno);
  close(fd);
  return s;
}

Status MakeMaildir(const std::filesystem::path& maildir) {
  for (const char* sub : {"tmp", "new", "cur"}) {
    std::error_code ec;
    std::filesystem::create_directories(maildir / sub, ec);
    if (ec) return Status::Unavailable((maildir / sub).string(), ec.message());
  }
  return Status::Ok();
}

}  // namespace

MaildirTransport::MaildirTransport(std::filesystem::path root)
    : root_(std::move(root)) {}

Result<std::string> MaildirTransport::Send(std::string_view /*envelope_from*/,
                                           std::string_view recipient,
                                           std::string_view message) {
  // The recipient becomes a directory name: it must not climb out of root.
  if (Status s = ValidateAddress(recipient); !s.ok()) {
    return Status::Permanent(s.message());
  }
  if (recipient.find('/') != std::string_view::npos) {
    return Status::Permanent("recipient \"" + std::string(recipient) + "\"",
                             "'/' not allowed in a Maildir name");
  }
  std::filesystem::path maildir = root_ / std::string(recipient);
  if (Status s = MakeMaildir(maildir); !s.ok()) return s;
  std::string name = UniqueName();
  std::filesystem::path tmp = maildir / "tmp" / name;
  std::filesystem::path dest = maildir / "new" / name;
  if (Status s = WriteSynced(tmp, message); !s.ok()) return s;
  if (rename(tmp.c_str(), dest.c_str()) != 0) {
    Status s = IoFailure(dest, errno);
    unlink(tmp.c_str());
    return s;
  }
  if (Status s = SyncDirectory(maildir / "new"); !s.ok()) return s;
  return "delivered to " + dest.string();
}

}  // namespace lexwatch::mail
