#ifndef LEXWATCH_FETCH_CURL_HTTP_CLIENT_H_
#define LEXWATCH_FETCH_CURL_HTTP_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <memory>

#include "fetch/http_client.h"

namespace lexwatch::fetch {

// HttpClient on libcurl's multi-socket interface driven by a Boost.Asio
// io_context: many transfers at once on one thread, none blocking another.
// Call only on the io_context's thread. curl_global_init must have run
// (see CurlGlobalInit) before the first instance is built.
class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(boost::asio::io_context& io, HttpClientOptions options);
  ~CurlHttpClient() override;  // Cancels transfers; callbacks do not run.
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  void Fetch(const HttpRequest& request, Callback done) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Calls curl_global_init once per process; safe to call repeatedly. Call
// from main before any thread starts.
void CurlGlobalInit();

}  // namespace lexwatch::fetch

#endif  // LEXWATCH_FETCH_CURL_HTTP_CLIENT_H_
