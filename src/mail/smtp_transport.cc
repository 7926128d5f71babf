#include "mail/smtp_transport.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "mail/message.h"

namespace lexwatch::mail {
namespace {

constexpr std::size_t kMaxReplyLength = 300;

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadBody(char* buffer, std::size_t size, std::size_t nitems,
                     void* userdata) {
  auto* upload = static_cast<Upload*>(userdata);
  std::size_t n = std::min(size * nitems, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// The server's last reply line before QUIT. Only what the server says is
// kept: our side of the dialogue carries AUTH credentials.
struct Transcript {
  std::string last_reply;
  bool quitting = false;
};

int OnDebug(CURL*, curl_infotype type, char* data, std::size_t size,
            void* userdata) {
  auto* transcript = static_cast<Transcript*>(userdata);
  std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT && text.substr(0, 4) == "QUIT") {
    transcript->quitting = true;
  }
  if (type != CURLINFO_HEADER_IN || transcript->quitting) return 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    std::string printable;
    for (char c : line) {
      if (c >= 0x20 && c <= 0x7e && printable.size() < kMaxReplyLength) {
        printable.push_back(c);
      }
    }
    if (!printable.empty()) transcript->last_reply = std::move(printable);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}

std::string UrlHost(const std::string& url) {
  std::string host;
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return host;
  char* part = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
    host = part;
    curl_free(part);
  }
  curl_url_cleanup(parsed);
  return host;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host == "::1" ||
         host.rfind("127.", 0) == 0;
}

// The URL without any user:password@ part, to name in messages and logs.
std::string RedactUrl(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t slash = url.find('/', start);
  std::size_t at =
      url.rfind('@', slash == std::string::npos ? url.size() - 1 : slash);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + url.substr(at + 1);
}

Delivery Classify(CURLcode rc, long code, const Transcript& t,
                  const char* errbuf, const std::string& url) {
  using Outcome = Delivery::Outcome;
  int reply_code = static_cast<int>(code);
  if (rc == CURLE_OK) {
    return {Outcome::kDelivered,
            t.last_reply.empty() ? std::to_string(code) : t.last_reply,
            reply_code, false};
  }
  std::string error = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
  std::string detail =
      t.last_reply.empty() ? error : t.last_reply + " (" + error + ")";
  // A rejected login is a configuration fault: keep the mail for later.
  if (rc == CURLE_LOGIN_DENIED || code == 530 || code == 534 || code == 535) {
    return {Outcome::kAuthFailed, url + ": authentication failed: " + detail,
            reply_code, false};
  }
  if (code >= 500 && code <= 599) {
    return {Outcome::kPermanent, url + ": " + detail, reply_code, false};
  }
  // Still at 354 when it failed: the text went out but no verdict came
  // back, so the server may have queued it.
  return {Outcome::kTransient, url + ": " + detail, reply_code, code == 354};
}

}  // namespace

struct SmtpTransport::Connection {
  CURL* curl = curl_easy_init();

  ~Connection() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  // After a failure the session may be out of step (curl 7.88 keeps it after
  // a timeout). Never reuse it, and cut the socket first so closing does not
  // wait for the reply to a QUIT.
  void Discard() {
    if (curl == nullptr) return;
    curl_socket_t socket = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK &&
        socket != CURL_SOCKET_BAD) {
      shutdown(socket, SHUT_RDWR);
    }
    curl_easy_cleanup(curl);
    curl = curl_easy_init();
  }
};

// Plain text only to a loopback relay; TRY would fall back silently. Worked
// out once: parsing the URL for every message showed in the cycle profile.
SmtpTransport::SmtpTransport(SmtpOptions options)
    : options_(std::move(options)),
      redacted_url_(RedactUrl(options_.url)),
      plain_(!options_.starttls && IsLoopback(UrlHost(options_.url))),
      connection_(std::make_unique<Connection>()) {}

SmtpTransport::~SmtpTransport() = default;

Result<std::string> SmtpTransport::Send(std::string_view envelope_from,
                                        std::string_view recipient,
                                        std::string_view message) {
  Delivery d = Deliver(envelope_from, recipient, message);
  switch (d.outcome) {
    case Delivery::Outcome::kDelivered:
      return d.reply;
    case Delivery::Outcome::kPermanent:
      return Status::Permanent(d.reply);
    default:
      return Status::Unavailable(d.reply);
  }
}

Delivery SmtpTransport::Deliver(std::string_view envelope_from,
                                std::string_view recipient,
                                std::string_view message) {
  using Outcome = Delivery::Outcome;
  // curl 7.88 passes CR/LF in envelope addresses through to the server.
  if (Status s = ValidateAddress(recipient); !s.ok()) {
    return {Outcome::kPermanent, s.message(), 0, false};
  }
  if (Status s = ValidateAddress(envelope_from); !s.ok()) {
    return {Outcome::kTransient, "envelope sender: " + s.message(), 0, false};
  }
  const std::string& url = redacted_url_;
  CURL* curl = connection_->curl;
  if (curl == nullptr) {
    return {Outcome::kTransient, url + ": curl_easy_init failed", 0, false};
  }

  // Appended, not "<" + std::string(...): GCC 12 warns -Wrestrict on that
  // (a false positive, GCC bug 105329).
  std::string mail_from, rcpt_to;
  mail_from.append("<").append(envelope_from).append(">");
  rcpt_to.append("<").append(recipient).append(">");
  curl_slist* rcpt = curl_slist_append(nullptr, rcpt_to.c_str());
  if (rcpt == nullptr) {
    return {Outcome::kTransient, url + ": out of memory", 0, false};
  }
  Upload upload{message};
  Transcript transcript;
  char errbuf[CURL_ERROR_SIZE] = "";

  curl_easy_reset(curl);  // Keeps the open connection, clears options.
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(
      curl, CURLOPT_USE_SSL,
      static_cast<long>(plain_ ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  if (!options_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT,
                   static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(options_.connect_timeout.count()));
  // Bounds each reply wait, including the QUIT curl sends when it closes a
  // connection (120 s by default).
  curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                   static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, reuse_connection_ ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  // The debug callback is the only way to read the server's reply text.
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, OnDebug);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &transcript);

  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) {
    // Drop every pointer into this frame but keep the connection.
    curl_easy_reset(curl);
  } else {
    connection_->Discard();
  }
  curl_slist_free_all(rcpt);
  return Classify(rc, code, transcript, errbuf, url);
}

}  // namespace lexwatch::mail
