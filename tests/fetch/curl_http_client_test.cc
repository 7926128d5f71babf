#include "fetch/curl_http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fetch/test_gzip.h"
#include "fetch/test_http_server.h"

namespace lexwatch::fetch {
namespace {

using namespace std::chrono_literals;
using test::Reply;
using test::TestGzip;
using test::TestHttpServer;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kUserAgent[] = "lexwatch-test/0.1 (+mailto:test@example.org)";
constexpr char kLastModified[] = "Tue, 30 Jun 2026 08:00:00 GMT";
constexpr auto kWatchdog = 20s;

HttpClientOptions Options(bool allow_insecure = true) {
  HttpClientOptions options;
  options.user_agent = kUserAgent;
  options.allow_insecure = allow_insecure;
  return options;
}

// True when every address of `name` is loopback and one is 127.0.0.1, where
// the test server listens.
bool ResolvesToTestServer(const std::string& name) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &list) != 0) return false;
  bool all_loopback = true;
  bool has_server = false;
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      const uint32_t ip = ntohl(in->sin_addr.s_addr);
      has_server |= ip == INADDR_LOOPBACK;
      all_loopback &= (ip >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      all_loopback &= IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
  }
  freeaddrinfo(list);
  return all_loopback && has_server;
}

size_t OpenDescriptors() {
  size_t count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++count;
  }
  return count;
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  CurlHttpClientTest() { CurlGlobalInit(); }

  HttpRequest Request(std::string_view target) const {
    HttpRequest request;
    request.url = server_.Url(target);
    request.timeout = 10s;
    return request;
  }

  // Runs io_ until stop() or the watchdog, which fails the test.
  void Run() {
    boost::asio::steady_timer watchdog(io_, kWatchdog);
    watchdog.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      ADD_FAILURE() << "watchdog expired";
      io_.stop();
    });
    io_.restart();
    io_.run();
  }

  // Fetches all at once on one client; results in request order, and the
  // indexes in the order the callbacks ran.
  std::vector<Result<HttpResponse>> FetchAll(
      const std::vector<HttpRequest>& requests,
      HttpClientOptions options = Options()) {
    std::vector<std::optional<Result<HttpResponse>>> results(requests.size());
    CurlHttpClient client(io_, std::move(options));
    order_.clear();
    for (size_t i = 0; i < requests.size(); ++i) {
      client.Fetch(requests[i], [this, i, &results](Result<HttpResponse> r) {
        results[i] = std::move(r);
        order_.push_back(i);
        if (order_.size() == results.size()) io_.stop();
      });
    }
    Run();
    std::vector<Result<HttpResponse>> out;
    for (auto& r : results) {
      out.push_back(r ? std::move(*r) : Status::Internal("no callback"));
    }
    return out;
  }

  Result<HttpResponse> FetchOne(const HttpRequest& request,
                                HttpClientOptions options = Options()) {
    return std::move(FetchAll({request}, std::move(options))[0]);
  }

  TestHttpServer server_;
  boost::asio::io_context io_;
  std::vector<size_t> order_;
};

TEST_F(CurlHttpClientTest, ReturnsBodyAndValidators) {
  server_.Serve("/feed", Reply()
                             .WithHeader("ETag", "\"v1\"")
                             .WithHeader("Last-Modified", kLastModified)
                             .WithHeader("Content-Type", "application/rss+xml")
                             .WithBody("<rss/>"));
  Result<HttpResponse> r = FetchOne(Request("/feed"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->not_modified);
  EXPECT_EQ(r->body, "<rss/>");
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->last_modified, kLastModified);
  EXPECT_EQ(r->content_type, "application/rss+xml");
  EXPECT_EQ(r->retry_after, std::nullopt);
}

TEST_F(CurlHttpClientTest, SendsValidatorsAndReportsNotModified) {
  server_.Handle("/feed", [](const test::RecordedRequest& request) {
    if (request.Header("If-None-Match") == "\"v1\"") {
      return Reply().WithStatus(304).WithHeader("ETag", "\"v1\"");
    }
    return Reply().WithHeader("ETag", "\"v2\"").WithBody("<rss/>");
  });
  HttpRequest request = Request("/feed");
  request.etag = "\"v1\"";
  request.last_modified = kLastModified;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 304);
  EXPECT_TRUE(r->not_modified);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(r->etag, "\"v1\"");
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].Header("If-None-Match"), "\"v1\"");
  EXPECT_EQ(server_.requests()[0].Header("If-Modified-Since"), kLastModified);
}

TEST_F(CurlHttpClientTest, ValidatorWithLineBreakIsNotSent) {
  server_.Serve("/feed", Reply().WithBody("<rss/>"));
  HttpRequest request = Request("/feed");
  request.etag = "\"v1\"\r\nX-Injected: 1";
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].Header("If-None-Match"), "");
  EXPECT_EQ(server_.requests()[0].Header("X-Injected"), "");
}

TEST_F(CurlHttpClientTest, SendsUserAgentAndAcceptsGzip) {
  server_.Serve("/feed", Reply().WithBody("<rss/>"));
  Result<HttpResponse> r = FetchOne(Request("/feed"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].method, "GET");
  EXPECT_EQ(server_.requests()[0].Header("User-Agent"), kUserAgent);
  EXPECT_THAT(server_.requests()[0].Header("Accept-Encoding"),
              HasSubstr("gzip"));
}

TEST_F(CurlHttpClientTest, ServerErrorIsAResponse) {
  server_.Serve("/feed", Reply().WithStatus(500).WithBody("oops"));
  Result<HttpResponse> r = FetchOne(Request("/feed"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "oops");
}

TEST_F(CurlHttpClientTest, TooManyRequestsCarriesRetryAfter) {
  server_.Serve("/sparql",
                Reply().WithStatus(429).WithHeader("Retry-After", "120"));
  Result<HttpResponse> r = FetchOne(Request("/sparql"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->retry_after, std::chrono::seconds(120));
}

TEST_F(CurlHttpClientTest, ChallengePageIsAResponseNotAnError) {
  const std::string html = "<html><script>challenge()</script></html>";
  server_.Serve("/page",
                Reply()
                    .WithStatus(202)
                    .WithHeader("Content-Type", "text/html; charset=UTF-8")
                    .WithBody(html));
  Result<HttpResponse> r = FetchOne(Request("/page"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->content_type, "text/html; charset=UTF-8");
  EXPECT_EQ(r->body, html);
}

TEST_F(CurlHttpClientTest, GzipBodyIsDecompressed) {
  server_.Serve("/feed",
                Reply()
                    .WithHeader("Content-Encoding", "gzip")
                    .WithBody(TestGzip::Compress("<rss>Vannforsyning</rss>")));
  Result<HttpResponse> r = FetchOne(Request("/feed"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "<rss>Vannforsyning</rss>");
}

TEST_F(CurlHttpClientTest, GzipBombFailsAtSizeCap) {
  const std::string bomb = TestGzip::Compress("<rss>", 8u << 20);
  ASSERT_LT(bomb.size(), 64u << 10);
  server_.Serve("/bomb",
                Reply().WithHeader("Content-Encoding", "gzip").WithBody(bomb));
  HttpRequest request = Request("/bomb");
  request.max_bytes = 64u << 10;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message(),
            request.url + ": response larger than 65536 bytes");
}

TEST_F(CurlHttpClientTest, DeclaredBodyOverCapFails) {
  server_.Serve("/big", Reply().WithBody(std::string(100000, 'x')));
  HttpRequest request = Request("/big");
  request.max_bytes = 65536;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message(),
            request.url + ": response larger than 65536 bytes");
}

TEST_F(CurlHttpClientTest, ChunkedBodyOverCapFails) {
  server_.Serve("/big", Reply().WithBody(std::string(100000, 'x')).Chunked());
  HttpRequest request = Request("/big");
  request.max_bytes = 65536;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            request.url + ": response larger than 65536 bytes");
}

TEST_F(CurlHttpClientTest, BodyOfExactlyCapSucceeds) {
  server_.Serve("/exact", Reply().WithBody(std::string(65536, 'x')).Chunked());
  HttpRequest request = Request("/exact");
  request.max_bytes = 65536;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body.size(), 65536u);
}

TEST_F(CurlHttpClientTest, LargeBodyArrivesWhole) {
  std::string body;
  for (int i = 0; body.size() < (3u << 20); ++i)
    body += std::to_string(i) + ' ';
  server_.Serve("/large", Reply().WithBody(body));
  Result<HttpResponse> r = FetchOne(Request("/large"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, body);
}

TEST_F(CurlHttpClientTest, RedirectIsFollowedAndFinalHeadersKept) {
  server_.Serve("/old", Reply()
                            .WithStatus(301)
                            .WithHeader("Location", "/feed")
                            .WithHeader("ETag", "\"moved\"")
                            .WithHeader("Retry-After", "5"));
  server_.Serve("/feed",
                Reply().WithHeader("ETag", "\"v1\"").WithBody("<rss/>"));
  Result<HttpResponse> r = FetchOne(Request("/old"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<rss/>");
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->retry_after, std::nullopt);
}

TEST_F(CurlHttpClientTest, RedirectChainBeyondLimitFails) {
  server_.Serve("/loop",
                Reply().WithStatus(302).WithHeader("Location", "/loop"));
  HttpClientOptions options = Options();
  options.max_redirects = 2;
  HttpRequest request = Request("/loop");
  Result<HttpResponse> r = FetchOne(request, options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message(),
            request.url + ": Maximum (2) redirects followed");
  EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(CurlHttpClientTest, RedirectToHostNotAllowedIsRefusedBeforeRequest) {
  const std::string target =
      "http://[::ffff:127.0.0.1]:" + std::to_string(server_.port()) + "/feed";
  server_.Serve("/old", Reply().WithStatus(302).WithHeader("Location", target));
  server_.Serve("/feed", Reply().WithBody("<rss/>"));
  Result<HttpResponse> r = FetchOne(Request("/old"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message(), target + ": scheme or host not allowed");
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].target, "/old");
}

TEST_F(CurlHttpClientTest, RedirectToFileIsRefused) {
  server_.Serve("/old", Reply().WithStatus(302).WithHeader(
                            "Location", "file:///etc/passwd"));
  HttpRequest request = Request("/old");
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(
      r.status().message(),
      request.url + ": Protocol \"file\" not supported or disabled in libcurl");
}

TEST_F(CurlHttpClientTest, HttpIsRefusedUnlessInsecureAllowed) {
  server_.Serve("/feed", Reply().WithBody("<rss/>"));
  CurlHttpClient client(io_, Options(/*allow_insecure=*/false));
  std::optional<Result<HttpResponse>> result;
  const HttpRequest request = Request("/feed");
  client.Fetch(request, [&](Result<HttpResponse> r) {
    result = std::move(r);
    io_.stop();
  });
  EXPECT_FALSE(result.has_value()) << "callback ran inside Fetch";
  Run();
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_TRUE(result->status().IsInvalidArgument());
  EXPECT_EQ(result->status().message(),
            request.url + ": scheme or host not allowed");
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(CurlHttpClientTest, ReadsFileWhenInsecureAllowed) {
  char path[] = "/tmp/lexwatch-fetch-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "<rss>file</rss>";
  HttpRequest request;
  request.url = std::string("file://") + path;
  Result<HttpResponse> r = FetchOne(request);
  unlink(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<rss>file</rss>");
}

TEST_F(CurlHttpClientTest, MissingFileIsUnavailable) {
  HttpRequest request;
  request.url = "file:///nonexistent/lexwatch/feed.xml";
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(
      r.status().message(),
      request.url + ": Couldn't open file /nonexistent/lexwatch/feed.xml");
}

TEST_F(CurlHttpClientTest, TrickleFailsAtTimeout) {
  server_.Serve("/slow", Reply()
                             .WithBody(std::string(1000, 'x'))
                             .Trickled(std::chrono::milliseconds(100)));
  HttpRequest request = Request("/slow");
  request.timeout = 1s;
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_THAT(r.status().message(),
              StartsWith(request.url + ": Operation timed out after "));
}

TEST_F(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  unsigned short closed_port;
  {
    TestHttpServer other;
    closed_port = other.port();
  }
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/feed";
  Result<HttpResponse> r = FetchOne(request);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_THAT(
      r.status().message(),
      StartsWith(request.url + ": Failed to connect to 127.0.0.1 port " +
                 std::to_string(closed_port)));
}

// curl resolves "localhost" itself but other names on its resolver thread,
// which reports back through a descriptor curl opened itself (the client
// watches it as well as curl's own timer).
TEST_F(CurlHttpClientTest, ResolvesHostNames) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  if (std::string(name) == "localhost" || !ResolvesToTestServer(name)) {
    GTEST_SKIP() << "host name " << name << " does not resolve to 127.0.0.1";
  }
  HttpRequest request;
  request.url =
      "https://" + std::string(name) + ":" + std::to_string(server_.port());
  request.timeout = 1s;
  Result<HttpResponse> r = FetchOne(request, Options(/*allow_insecure=*/false));
  // The TLS handshake with a plain HTTP server cannot succeed; what counts is
  // that the connection was made.
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(server_.connections(), 1u) << r.status().ToString();
}

TEST_F(CurlHttpClientTest, SlowSourceDoesNotHoldUpOthers) {
  server_.Serve("/slow", Reply().WithBody("slow").Delayed(1500ms));
  server_.Serve("/fast", Reply().WithBody("fast"));
  std::vector<Result<HttpResponse>> r =
      FetchAll({Request("/slow"), Request("/fast")});
  ASSERT_TRUE(r[0].ok()) << r[0].status().ToString();
  ASSERT_TRUE(r[1].ok()) << r[1].status().ToString();
  EXPECT_EQ(r[0]->body, "slow");
  EXPECT_EQ(r[1]->body, "fast");
  EXPECT_EQ(order_, (std::vector<size_t>{1, 0}));
}

TEST_F(CurlHttpClientTest, CallbackMayStartTheNextFetch) {
  server_.Serve("/a", Reply().WithBody("a"));
  server_.Serve("/b", Reply().WithBody("b"));
  CurlHttpClient client(io_, Options());
  std::vector<std::string> bodies;
  client.Fetch(Request("/a"), [&](Result<HttpResponse> a) {
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    bodies.push_back(a->body);
    client.Fetch(Request("/b"), [&](Result<HttpResponse> b) {
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      bodies.push_back(b->body);
      io_.stop();
    });
  });
  Run();
  EXPECT_EQ(bodies, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(CurlHttpClientTest, ClosesEveryDescriptorItOpened) {
  server_.Serve("/feed", Reply().WithBody("<rss/>"));
  // The first run creates the io_context's reactor and TLS state for good.
  ASSERT_TRUE(FetchOne(Request("/feed")).ok());
  const size_t before = OpenDescriptors();
  {
    TestHttpServer server;
    server.Serve("/feed", Reply().WithBody("<rss/>"));
    server.Serve("/slow", Reply().WithBody("slow").Delayed(5s));
    const auto request = [&server](std::string_view target) {
      HttpRequest r;
      r.url = server.Url(target);
      r.timeout = 1s;
      return r;
    };
    std::vector<Result<HttpResponse>> r =
        FetchAll({request("/feed"), request("/slow"), request("/feed")});
    EXPECT_TRUE(r[0].ok()) << r[0].status().ToString();
    EXPECT_TRUE(r[1].status().IsUnavailable());
    EXPECT_THAT(r[1].status().message(),
                StartsWith(request("/slow").url + ": Operation timed out"));
    EXPECT_TRUE(r[2].ok()) << r[2].status().ToString();
  }
  EXPECT_EQ(OpenDescriptors(), before);
}

TEST_F(CurlHttpClientTest, DestroyedClientRunsNoCallback) {
  server_.Serve("/slow", Reply().WithBody("slow").Delayed(5s));
  auto client = std::make_unique<CurlHttpClient>(io_, Options());
  int calls = 0;
  client->Fetch(Request("/slow"), [&](Result<HttpResponse>) { ++calls; });
  client->Fetch(Request("/slow"), [&](Result<HttpResponse>) { ++calls; });
  // Destroy the client once both requests are in flight, then give any
  // stray handler time to run.
  boost::asio::steady_timer timer(io_);
  std::function<void()> check = [&] {
    if (server_.requests().size() < 2) {
      timer.expires_after(10ms);
      timer.async_wait([&](const boost::system::error_code&) { check(); });
      return;
    }
    client.reset();
    timer.expires_after(300ms);
    timer.async_wait([&](const boost::system::error_code&) { io_.stop(); });
  };
  check();
  Run();
  EXPECT_EQ(client, nullptr);
  EXPECT_EQ(calls, 0);
}

TEST_F(CurlHttpClientTest, ClientMayBeDestroyedInsideACallback) {
  server_.Serve("/fast", Reply().WithBody("fast"));
  server_.Serve("/slow", Reply().WithBody("slow").Delayed(5s));
  auto client = std::make_unique<CurlHttpClient>(io_, Options());
  std::vector<std::string> calls;
  boost::asio::steady_timer settle(io_);
  client->Fetch(Request("/slow"),
                [&](Result<HttpResponse>) { calls.push_back("slow"); });
  client->Fetch(Request("/fast"), [&](Result<HttpResponse> r) {
    calls.push_back(r.ok() ? r->body : r.status().ToString());
    client.reset();
    settle.expires_after(300ms);
    settle.async_wait([&](const boost::system::error_code&) { io_.stop(); });
  });
  Run();
  EXPECT_EQ(client, nullptr);
  EXPECT_EQ(calls, (std::vector<std::string>{"fast"}));
}

}  // namespace
}  // namespace lexwatch::fetch
