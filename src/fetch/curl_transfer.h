#ifndef LEXWATCH_FETCH_CURL_TRANSFER_H_
#define LEXWATCH_FETCH_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"
#include "fetch/http_client.h"

namespace lexwatch::fetch {

// One transfer: a curl easy handle with its request headers, the response as
// it arrives and the caller's callback. Internal to CurlHttpClient, which adds
// the handle to its multi handle and owns the sockets. Not thread-safe.
class CurlTransfer {
 public:
  CurlTransfer(const HttpRequest& request, HttpClient::Callback done);
  ~CurlTransfer();  // The handle must no longer be in a multi handle.
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Sets every per-transfer option. Internal error when curl refuses one.
  Status Init(const HttpClientOptions& options);

  CURL* easy() const { return easy_; }
  const std::string& url() const { return request_.url; }

  // The outcome once curl has finished the transfer with `code`. Call once.
  Result<HttpResponse> TakeResult(CURLcode code);
  HttpClient::Callback TakeCallback() { return std::move(done_); }

 private:
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static int OnPrereq(void* self, char* primary_ip, char* local_ip,
                      int primary_port, int local_port);

  template <typename T>
  void Set(CURLoption option, T value);
  void AddValidator(std::string_view name, const std::string& value);
  void OnHeaderLine(std::string_view line);
  Status TooLarge() const;

  CURL* easy_;
  curl_slist* headers_ = nullptr;
  CURLcode setup_error_ = CURLE_OK;
  const HttpRequest request_;
  HttpClient::Callback done_;

  char error_[CURL_ERROR_SIZE] = {};
  HttpResponse response_;
  bool saw_retry_after_ = false;
  bool allow_insecure_ = false;
  std::optional<Status> failure_;  // Set by a callback that aborted.
};

}  // namespace lexwatch::fetch

#endif  // LEXWATCH_FETCH_CURL_TRANSFER_H_
