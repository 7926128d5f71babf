#ifndef LEXWATCH_FETCH_HTTP_CLIENT_H_
#define LEXWATCH_FETCH_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace lexwatch::fetch {

struct HttpRequest {
  std::string url;
  // Validators from the previous 200 response; sent as If-None-Match and
  // If-Modified-Since when not empty.
  std::string etag;
  std::string last_modified;
  // Sent as the Accept header when not empty (CELLAR: SPARQL XML results).
  std::string accept;
  std::chrono::seconds timeout{60};  // Whole transfer.
  std::chrono::seconds connect_timeout{20};
  // Cap on the body after decompression; a larger body is an error.
  std::size_t max_bytes = 32u << 20;
};

struct HttpResponse {
  long status = 0;            // HTTP status; 200 for a file:// read.
  bool not_modified = false;  // 304.
  std::string body;           // Decompressed.
  std::string content_type;
  std::string etag;  // Validators of this response ("" when absent).
  std::string last_modified;
  std::optional<std::chrono::seconds> retry_after;  // From Retry-After.
};

// Fetches URLs. The callback runs on the thread that runs the io_context the
// client was built on, exactly once per Fetch.
class HttpClient {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;
  virtual ~HttpClient() = default;
  // Starts a transfer and returns at once. A transport failure (DNS, connect,
  // TLS, timeout, size cap, refused scheme or host) is a non-ok Status
  // (Unavailable, or InvalidArgument for a refused URL) whose message names
  // the URL; any HTTP status, including 4xx/5xx, is a response.
  virtual void Fetch(const HttpRequest& request, Callback done) = 0;
};

struct HttpClientOptions {
  // "lexwatch/0.1 (+mailto:contact)". Required.
  std::string user_agent;
  // false: only https. true: also http://127.0.0.1, http://localhost,
  // http://[::1] and file:// (demo and tests).
  bool allow_insecure = false;
  long max_redirects = 5;
};

}  // namespace lexwatch::fetch

#endif  // LEXWATCH_FETCH_HTTP_CLIENT_H_
