#ifndef LEXWATCH_TESTS_FETCH_TEST_HTTP_SERVER_H_
#define LEXWATCH_TESTS_FETCH_TEST_HTTP_SERVER_H_

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace lexwatch::test {

// A request as the test server received it.
struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header of that name (case-insensitive), or "".
  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (std::equal(n.begin(), n.end(), name.begin(), name.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     })) {
        return v;
      }
    }
    return "";
  }
};

// What the server does with a request. Build it fluently:
// Reply().WithStatus(304).WithHeader("ETag", "\"v1\"").
struct Reply {
  Reply& WithStatus(int code) {
    status = code;
    return *this;
  }
  Reply& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Reply& WithBody(std::string text) {
    body = std::move(text);
    return *this;
  }
  Reply& Chunked() {
    chunked = true;
    return *this;
  }
  Reply& Delayed(std::chrono::milliseconds wait) {
    delay = wait;
    return *this;
  }
  Reply& Trickled(std::chrono::milliseconds interval) {
    trickle = interval;
    return *this;
  }

  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;      // Sent as is: gzip it yourself for Content-Encoding.
  bool chunked = false;  // Chunked transfer coding instead of Content-Length.
  std::chrono::milliseconds delay{0};  // Wait this long before replying.
  // Set: send the head at once, then the body one byte per interval.
  std::optional<std::chrono::milliseconds> trickle;
};

// An HTTP/1.1 server for tests on 127.0.0.1 and an ephemeral port. Each
// connection is served on its own thread with blocking Beast calls, so a slow
// reply never holds up another connection, and the server never shares an
// io_context with the client under test. Handlers run on those threads; the
// destructor stops every thread, including replies still being delayed or
// trickled.
class TestHttpServer {
 public:
  using Handler = std::function<Reply(const RecordedRequest&)>;

  TestHttpServer()
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        port_(acceptor_.local_endpoint().port()),
        accept_thread_([this] { AcceptLoop(); }) {}

  ~TestHttpServer() {
    stopping_ = true;
    Wake();
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      for (const auto& socket : connections_) {
        ::shutdown(socket->native_handle(), SHUT_RDWR);
      }
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Serves requests whose target (path and query) is exactly `target`. Any
  // other target gets 404.
  void Handle(std::string target, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[std::move(target)] = std::move(handler);
  }

  // Serves requests whose path (the target before any "?") is `path` and
  // that no Handle() target matches exactly: query-string endpoints such as
  // SPARQL.
  void HandlePath(std::string path, Handler handler) {
    std::lock_guard lock(mutex_);
    path_handlers_[std::move(path)] = std::move(handler);
  }

  // Always replies `reply` to `target`.
  void Serve(std::string target, Reply reply) {
    Handle(std::move(target),
           [reply](const RecordedRequest&) { return reply; });
  }

  unsigned short port() const { return port_; }

  // "http://127.0.0.1:<port>" followed by `target`.
  std::string Url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(target);
  }

  // How many connections were accepted so far.
  size_t connections() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }

  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  using Socket = boost::asio::ip::tcp::socket;
  using Clock = std::chrono::steady_clock;

  void AcceptLoop() {
    while (!stopping_) {
      auto socket = std::make_shared<Socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_) return;
      if (ec) continue;
      std::lock_guard lock(mutex_);
      connections_.push_back(socket);
      threads_.emplace_back([this, socket] { ServeConnection(*socket); });
    }
  }

  // Unblocks accept() with a connection of our own.
  void Wake() {
    boost::asio::io_context io;
    Socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
  }

  void ServeConnection(Socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    while (!stopping_) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      const Reply reply = Respond(Record(request));
      if (!SleepFor(reply.delay)) return;
      if (reply.trickle) {
        Trickle(socket, reply);
        return;
      }
      http::response<http::string_body> response(
          static_cast<http::status>(reply.status), 11);
      for (const auto& [name, value] : reply.headers) {
        response.set(name, value);
      }
      response.body() = reply.body;
      if (reply.chunked) {
        response.chunked(true);
      } else {
        response.prepare_payload();
      }
      response.keep_alive(request.keep_alive());
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) return;
    }
  }

  RecordedRequest Record(
      const boost::beast::http::request<boost::beast::http::string_body>&
          request) {
    RecordedRequest recorded;
    recorded.method = std::string(request.method_string());
    recorded.target = std::string(request.target());
    for (const auto& field : request) {
      recorded.headers.emplace_back(std::string(field.name_string()),
                                    std::string(field.value()));
    }
    std::lock_guard lock(mutex_);
    requests_.push_back(recorded);
    return recorded;
  }

  Reply Respond(const RecordedRequest& request) {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      auto it = handlers_.find(request.target);
      if (it != handlers_.end()) {
        handler = it->second;
      } else {
        auto by_path = path_handlers_.find(
            request.target.substr(0, request.target.find('?')));
        if (by_path != path_handlers_.end()) handler = by_path->second;
      }
    }
    if (!handler) return Reply().WithStatus(404);
    return handler(request);
  }

  // Sends a Content-Length head, then the body a byte at a time until it is
  // done, the client goes away or the server stops.
  void Trickle(Socket& socket, const Reply& reply) {
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " OK\r\n";
    for (const auto& [name, value] : reply.headers) {
      head += name + ": " + value + "\r\n";
    }
    head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
    boost::system::error_code ec;
    boost::asio::write(socket, boost::asio::buffer(head), ec);
    for (size_t i = 0; !ec && i < reply.body.size(); ++i) {
      if (!SleepFor(*reply.trickle)) return;
      boost::asio::write(socket, boost::asio::buffer(&reply.body[i], 1), ec);
    }
  }

  // False when the server started stopping meanwhile.
  bool SleepFor(std::chrono::milliseconds duration) {
    const auto end = Clock::now() + duration;
    while (!stopping_ && Clock::now() < end) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(end - Clock::now(), kSlice));
    }
    return !stopping_;
  }

  static constexpr std::chrono::milliseconds kSlice{10};

  boost::asio::io_context io_;  // Blocking calls only; never run.
  boost::asio::ip::tcp::acceptor acceptor_;
  const unsigned short port_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::map<std::string, Handler> handlers_;
  std::map<std::string, Handler> path_handlers_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::shared_ptr<Socket>> connections_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;  // Last: starts once the rest is built.
};

}  // namespace lexwatch::test

#endif  // LEXWATCH_TESTS_FETCH_TEST_HTTP_SERVER_H_
