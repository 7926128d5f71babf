#include "fetch/curl_transfer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <utility>

#include "fetch/url_policy.h"

namespace lexwatch::fetch {
namespace {

// Below this many bytes a second for kLowSpeedTime, a transfer is a trickle
// and fails long before the whole-transfer timeout would end it.
constexpr long kLowSpeedLimit = 16;
constexpr long kLowSpeedTime = 30;
constexpr long kKeepAliveIdle = 60;
constexpr long kKeepAliveInterval = 30;

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

long Milliseconds(std::chrono::seconds s) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(s).count());
}

curl_off_t MaxFileSize(std::size_t max_bytes) {
  constexpr auto kMax = std::numeric_limits<curl_off_t>::max();
  return max_bytes > static_cast<std::size_t>(kMax)
             ? kMax
             : static_cast<curl_off_t>(max_bytes);
}

}  // namespace

CurlTransfer::CurlTransfer(const HttpRequest& request,
                           HttpClient::Callback done)
    : easy_(curl_easy_init()), request_(request), done_(std::move(done)) {}

CurlTransfer::~CurlTransfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(headers_);
}

template <typename T>
void CurlTransfer::Set(CURLoption option, T value) {
  const CURLcode rc = curl_easy_setopt(easy_, option, value);
  if (setup_error_ == CURLE_OK) setup_error_ = rc;
}

// A stored validator goes back verbatim, but never one that could end the
// header line early and smuggle in another header.
void CurlTransfer::AddValidator(std::string_view name,
                                const std::string& value) {
  constexpr std::string_view kLineBreaks("\r\n\0", 3);
  if (value.empty() || value.find_first_of(kLineBreaks) != std::string::npos) {
    return;
  }
  std::string line(name);
  line.append(": ").append(value);
  headers_ = curl_slist_append(headers_, line.c_str());
}

Status CurlTransfer::Init(const HttpClientOptions& options) {
  if (easy_ == nullptr) return Status::Internal(url(), "curl_easy_init failed");
  allow_insecure_ = options.allow_insecure;
  Set(CURLOPT_URL, request_.url.c_str());
  Set(CURLOPT_ERRORBUFFER, error_);
  Set(CURLOPT_NOSIGNAL, 1L);
  Set(CURLOPT_PROTOCOLS_STR, AllowedProtocols(options.allow_insecure));
  Set(CURLOPT_REDIR_PROTOCOLS_STR,
      AllowedRedirectProtocols(options.allow_insecure));
  Set(CURLOPT_FOLLOWLOCATION, 1L);
  Set(CURLOPT_MAXREDIRS, options.max_redirects);
  Set(CURLOPT_USERAGENT, options.user_agent.c_str());
  Set(CURLOPT_ACCEPT_ENCODING, "");
  Set(CURLOPT_TIMEOUT_MS, Milliseconds(request_.timeout));
  Set(CURLOPT_CONNECTTIMEOUT_MS, Milliseconds(request_.connect_timeout));
  Set(CURLOPT_LOW_SPEED_LIMIT, kLowSpeedLimit);
  Set(CURLOPT_LOW_SPEED_TIME, kLowSpeedTime);
  Set(CURLOPT_TCP_KEEPALIVE, 1L);
  Set(CURLOPT_TCP_KEEPIDLE, kKeepAliveIdle);
  Set(CURLOPT_TCP_KEEPINTVL, kKeepAliveInterval);
  Set(CURLOPT_MAXFILESIZE_LARGE, MaxFileSize(request_.max_bytes));
  Set(CURLOPT_HEADERFUNCTION, &CurlTransfer::OnHeader);
  Set(CURLOPT_HEADERDATA, static_cast<void*>(this));
  Set(CURLOPT_WRITEFUNCTION, &CurlTransfer::OnBody);
  Set(CURLOPT_WRITEDATA, static_cast<void*>(this));
  Set(CURLOPT_PREREQFUNCTION, &CurlTransfer::OnPrereq);
  Set(CURLOPT_PREREQDATA, static_cast<void*>(this));
  AddValidator("If-None-Match", request_.etag);
  AddValidator("If-Modified-Since", request_.last_modified);
  AddValidator("Accept", request_.accept);  // Same line-break guard.
  if (headers_ != nullptr) Set(CURLOPT_HTTPHEADER, headers_);
  if (setup_error_ != CURLE_OK) {
    return Status::Internal(url(), curl_easy_strerror(setup_error_));
  }
  return Status::Ok();
}

size_t CurlTransfer::OnHeader(char* data, size_t size, size_t count,
                              void* self) {
  static_cast<CurlTransfer*>(self)->OnHeaderLine(
      std::string_view(data, size * count));
  return size * count;
}

// Each response of a redirect chain (and any 1xx) starts with a status line;
// only the final response's headers describe the body we keep.
void CurlTransfer::OnHeaderLine(std::string_view line) {
  if (line.substr(0, 5) == "HTTP/") {
    response_.etag.clear();
    response_.last_modified.clear();
    response_.content_type.clear();
    saw_retry_after_ = false;
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string_view name = Trim(line.substr(0, colon));
  const std::string_view value = Trim(line.substr(colon + 1));
  if (EqualsIgnoreCase(name, "ETag")) {
    response_.etag = value;
  } else if (EqualsIgnoreCase(name, "Last-Modified")) {
    response_.last_modified = value;
  } else if (EqualsIgnoreCase(name, "Content-Type")) {
    response_.content_type = value;
  } else if (EqualsIgnoreCase(name, "Retry-After")) {
    saw_retry_after_ = true;
  }
}

// MAXFILESIZE sees only the compressed Content-Length, so the decompressed
// body is capped here as well.
size_t CurlTransfer::OnBody(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<CurlTransfer*>(self);
  const size_t n = size * count;
  std::string& body = transfer->response_.body;
  if (n > transfer->request_.max_bytes - body.size()) {
    transfer->failure_ = transfer->TooLarge();
    return 0;  // Any count other than n aborts the transfer.
  }
  body.append(data, n);
  return n;
}

// Runs before each request of a redirect chain is sent, when the effective
// URL names the target: curl limits redirects by scheme only.
int CurlTransfer::OnPrereq(void* self, char*, char*, int, int) {
  auto* transfer = static_cast<CurlTransfer*>(self);
  char* effective = nullptr;
  if (curl_easy_getinfo(transfer->easy_, CURLINFO_EFFECTIVE_URL, &effective) !=
          CURLE_OK ||
      effective == nullptr) {
    return CURL_PREREQFUNC_OK;
  }
  Status allowed = CheckUrlAllowed(effective, transfer->allow_insecure_);
  if (allowed.ok()) return CURL_PREREQFUNC_OK;
  transfer->failure_ = std::move(allowed);
  return CURL_PREREQFUNC_ABORT;
}

Status CurlTransfer::TooLarge() const {
  return Status::Unavailable(
      url(),
      "response larger than " + std::to_string(request_.max_bytes) + " bytes");
}

Result<HttpResponse> CurlTransfer::TakeResult(CURLcode code) {
  if (failure_) return *std::move(failure_);
  if (code == CURLE_FILESIZE_EXCEEDED) return TooLarge();
  if (code != CURLE_OK) {
    return Status::Unavailable(
        url(), error_[0] != '\0' ? error_ : curl_easy_strerror(code));
  }
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  char* scheme = nullptr;
  curl_easy_getinfo(easy_, CURLINFO_SCHEME, &scheme);
  // file:// has no status line; a successful read counts as 200.
  if (status == 0 && scheme != nullptr && EqualsIgnoreCase(scheme, "file")) {
    status = 200;
  }
  response_.status = status;
  response_.not_modified = status == 304;
  curl_off_t retry_after = 0;
  if (saw_retry_after_ && curl_easy_getinfo(easy_, CURLINFO_RETRY_AFTER,
                                            &retry_after) == CURLE_OK) {
    response_.retry_after = std::chrono::seconds(retry_after);
  }
  return std::move(response_);
}

}  // namespace lexwatch::fetch
