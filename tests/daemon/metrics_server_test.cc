// The /metrics listener on a real loopback socket, asked by a Beast client
// on another thread while the server's io_context runs on this one.

#include "daemon/metrics_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "daemon/metrics.h"

namespace lexwatch::daemon {
namespace {

namespace http = boost::beast::http;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kWatchdog = 20s;

struct Answer {
  int status = 0;
  std::string content_type;
  std::string allow;
  std::string body;
};

class MetricsServerTest : public testing::Test {
 protected:
  void SetUp() override {
    MetricsHandlers handlers{[this]() { return metrics_text_; },
                             [this]() { return health_; }};
    auto server = MetricsServer::Listen(io_, "127.0.0.1", 0, handlers);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server.value());
  }

  // Runs `client` on its own thread and the server's loop here until the
  // client is done, or the watchdog, which fails the test.
  void WithClient(const std::function<void()>& client) {
    boost::asio::steady_timer watchdog(io_, kWatchdog);
    watchdog.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      ADD_FAILURE() << "watchdog expired";
      io_.stop();
    });
    std::thread thread([&]() {
      client();
      boost::asio::post(io_, [&]() {
        watchdog.cancel();
        server_->Stop();
      });
    });
    io_.run();
    thread.join();
  }

  // Sends `raw` as is and reads one response; status 0 when none came.
  Answer Exchange(const std::string& raw) {
    boost::asio::io_context client_io;
    tcp::socket socket(client_io);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                 server_->port()));
    boost::asio::write(socket, boost::asio::buffer(raw));
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(socket, buffer, res, ec);
    if (ec) return Answer{};
    return Answer{static_cast<int>(res.result_int()),
                  std::string(res[http::field::content_type]),
                  std::string(res[http::field::allow]), res.body()};
  }

  Answer Get(const std::string& target, const std::string& method = "GET") {
    return Exchange(method + " " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  boost::asio::io_context io_;
  std::unique_ptr<MetricsServer> server_;
  std::string metrics_text_ = "lexwatch_rules_loaded 3\n";
  HealthReport health_;
};

TEST_F(MetricsServerTest, GetMetricsServesTheTextWithItsContentType) {
  Answer a;
  WithClient([&]() { a = Get("/metrics"); });
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(a.body, "lexwatch_rules_loaded 3\n");
}

TEST_F(MetricsServerTest, HealthzSaysOkOrGivesTheReasonWith503) {
  Answer ok, bad;
  WithClient([&]() {
    ok = Get("/healthz");
    boost::asio::post(io_, [&]() {
      health_ = {false, "every source is failing"};
    });
    bad = Get("/healthz");
  });
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok\n");
  EXPECT_EQ(bad.status, 503);
  EXPECT_EQ(bad.body, "every source is failing\n");
}

TEST_F(MetricsServerTest, OnlyGetIsAllowed) {
  Answer post, head;
  WithClient([&]() {
    post = Get("/metrics", "POST");
    head = Get("/healthz", "HEAD");
  });
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET");
  EXPECT_EQ(post.body, "only GET is allowed\n");
  EXPECT_EQ(head.status, 405);
}

TEST_F(MetricsServerTest, UnknownPathIsNotFound) {
  Answer a;
  WithClient([&]() { a = Get("/admin"); });
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "not found\n");
}

TEST_F(MetricsServerTest, OversizedHeadersAndBodiesAreRefused) {
  Answer big_header, with_body, after;
  WithClient([&]() {
    big_header = Exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                          std::string(8000, 'a') + "\r\n\r\n");
    with_body = Exchange(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    after = Get("/metrics");
  });
  EXPECT_EQ(big_header.status, 400);
  EXPECT_EQ(with_body.status, 400);
  EXPECT_EQ(after.status, 200) << "the server stopped answering";
}

TEST_F(MetricsServerTest, AClientThatSendsNothingDoesNotStopOthers) {
  Answer a;
  WithClient([&]() {
    boost::asio::io_context client_io;
    tcp::socket idle(client_io);
    idle.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                               server_->port()));
    // The idle connection is served first and times out after its
    // deadline; this one waits in the backlog meanwhile and is answered.
    a = Get("/healthz");
  });
  EXPECT_EQ(a.status, 200);
}

TEST(MetricsServer, ListenReportsAnAddressInUse) {
  boost::asio::io_context io;
  MetricsHandlers handlers{[]() { return std::string(); },
                           []() { return HealthReport{}; }};
  auto first = MetricsServer::Listen(io, "127.0.0.1", 0, handlers);
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::uint16_t port = (*first)->port();
  auto second = MetricsServer::Listen(io, "127.0.0.1", port, handlers);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(),
            "127.0.0.1:" + std::to_string(port) +
                ": cannot listen: Address already in use");
}

}  // namespace
}  // namespace lexwatch::daemon
