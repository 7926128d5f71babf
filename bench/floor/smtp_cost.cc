// What sending the mails costs lexwatch's side at the least (issue 7, run
// by bench/floors.sh): N messages of an alert's size over one libcurl SMTP
// connection, reused as lexwatch's SmtpTransport reuses it, with none of
// lexwatch's own work around them.
//
// Usage: smtp_cost SMTP_PORT N
// Prints the CPU (user, system) and wall time of the N sends alone,
// connection set-up included, as `mails=N user_s=U sys_s=S wall_s=W`.
// Exits 0 on success, 1 when a send fails (naming it on stderr), 2 on bad
// arguments.
#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/floor/loop_timer.h"

namespace {

using lexwatch::bench::PrintLoop;
using lexwatch::bench::ReadUsage;
using lexwatch::bench::Usage;

// About the size of a rendered alert (text and HTML parts), so each send
// copies as many bytes through the socket as a real one.
constexpr size_t kBodyBytes = 5500;

bool Fail(const std::string& step, const std::string& why) {
  std::fprintf(stderr, "smtp_cost: %s: %s\n", step.c_str(), why.c_str());
  return false;
}

std::string Message() {
  std::string message =
      "From: lexwatch@example.org\r\n"
      "To: bench@example.org\r\n"
      "Subject: lexwatch smtp cost\r\n"
      "\r\n";
  const std::string line(76, 'm');
  while (message.size() < kBodyBytes) message += line + "\r\n";
  return message;
}

struct Upload {
  const std::string* message;
  size_t offset;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t length =
      std::min(size * count, upload->message->size() - upload->offset);
  std::memcpy(buffer, upload->message->data() + upload->offset, length);
  upload->offset += length;
  return length;
}

template <typename T>
bool SetOption(CURL* curl, CURLoption option, T value) {
  CURLcode rc = curl_easy_setopt(curl, option, value);
  return rc == CURLE_OK || Fail("smtp set-up", curl_easy_strerror(rc));
}

bool SendOne(CURL* curl, const std::string& url, curl_slist* recipients,
             const std::string& message, int index) {
  Upload upload{&message, 0};
  bool ok = SetOption(curl, CURLOPT_URL, url.c_str()) &&
            SetOption(curl, CURLOPT_MAIL_FROM, "<lexwatch@example.org>") &&
            SetOption(curl, CURLOPT_MAIL_RCPT, recipients) &&
            SetOption(curl, CURLOPT_UPLOAD, 1L) &&
            SetOption(curl, CURLOPT_INFILESIZE_LARGE,
                      static_cast<curl_off_t>(message.size())) &&
            SetOption(curl, CURLOPT_READFUNCTION, ReadUpload) &&
            SetOption(curl, CURLOPT_READDATA, &upload) &&
            SetOption(curl, CURLOPT_TIMEOUT, 20L) &&
            SetOption(curl, CURLOPT_NOSIGNAL, 1L);
  if (!ok) return false;
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    return Fail("smtp send " + std::to_string(index),
                url + ": " + curl_easy_strerror(rc));
  }
  return true;
}

bool SendAll(const char* port, int n) {
  const std::string url = std::string("smtp://127.0.0.1:") + port;
  const std::string message = Message();
  CURL* curl = curl_easy_init();
  curl_slist* recipients = curl_slist_append(nullptr, "<bench@example.org>");
  bool ok = (curl != nullptr && recipients != nullptr) ||
            Fail("smtp set-up", "out of memory");
  Usage start, end;
  ok = ok && ReadUsage(&start);
  for (int i = 0; ok && i < n; ++i) {
    ok = SendOne(curl, url, recipients, message, i + 1);
  }
  ok = ok && ReadUsage(&end);
  if (ok) PrintLoop("mails", n, start, end);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  long n = argc == 3 ? std::strtol(argv[2], &end, 10) : 0;
  if (argc != 3 || *end != '\0' || n < 1 || n > 1'000'000) {
    std::fprintf(stderr, "usage: smtp_cost SMTP_PORT N\n");
    return 2;
  }
  CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    Fail("curl_global_init", curl_easy_strerror(init));
    return 1;
  }
  bool ok = SendAll(argv[1], static_cast<int>(n));
  curl_global_cleanup();
  return ok ? 0 : 1;
}
