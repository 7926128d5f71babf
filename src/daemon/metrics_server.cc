#include "daemon/metrics_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>

#include "daemon/metrics.h"

namespace lexwatch::daemon {
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {

// A scrape is a request line and a few headers: anything bigger is not one.
constexpr std::uint32_t kHeaderLimit = 4096;
constexpr std::size_t kBufferLimit = 8192;
// The whole exchange, read to write, on one connection.
constexpr std::chrono::seconds kDeadline(5);

http::response<http::string_body> TextResponse(http::status status,
                                               std::string body,
                                               const char* type) {
  http::response<http::string_body> res(status, 11);
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

constexpr char kPlain[] = "text/plain; charset=utf-8";

}  // namespace

// One accepted connection: read one request, answer it, close.
class MetricsServer::Connection
    : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const MetricsHandlers& handlers,
             std::function<void()> done)
      : stream_(std::move(socket)),
        buffer_(kBufferLimit),
        handlers_(handlers),
        done_(std::move(done)) {
    parser_.header_limit(kHeaderLimit);
    parser_.body_limit(0);
  }

  void Start() {
    stream_.expires_after(kDeadline);
    http::async_read(
        stream_, buffer_, parser_,
        [self = shared_from_this()](const boost::system::error_code& ec,
                                    std::size_t) { self->OnRead(ec); });
  }

  void Close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void OnRead(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted ||
        ec == boost::beast::error::timeout ||
        ec == http::error::end_of_stream) {
      Finish();
      return;
    }
    if (ec) {
      Write(TextResponse(http::status::bad_request, "bad request\n", kPlain));
      return;
    }
    Write(Answer(parser_.get()));
  }

  http::response<http::string_body> Answer(
      const http::request<http::empty_body>& req) {
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    if (target != "/metrics" && target != "/healthz") {
      return TextResponse(http::status::not_found, "not found\n", kPlain);
    }
    if (req.method() != http::verb::get) {
      auto res = TextResponse(http::status::method_not_allowed,
                              "only GET is allowed\n", kPlain);
      res.set(http::field::allow, "GET");
      return res;
    }
    try {
      if (target == "/metrics") {
        return TextResponse(http::status::ok, handlers_.metrics(),
                            kMetricsContentType);
      }
      HealthReport health = handlers_.health();
      return health.ok ? TextResponse(http::status::ok, "ok\n", kPlain)
                       : TextResponse(http::status::service_unavailable,
                                      health.reason + "\n", kPlain);
    } catch (const std::exception& e) {
      spdlog::error("metrics: {} failed: {}", target, e.what());
      return TextResponse(http::status::internal_server_error,
                          "internal error\n", kPlain);
    }
  }

  void Write(http::response<http::string_body> res) {
    response_ = std::move(res);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](const boost::system::error_code&,
                                    std::size_t) { self->Finish(); });
  }

  void Finish() {
    Close();
    if (done_) std::exchange(done_, nullptr)();
  }

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
  const MetricsHandlers& handlers_;
  std::function<void()> done_;
};

MetricsServer::MetricsServer(boost::asio::io_context& io,
                             MetricsHandlers handlers)
    : handlers_(std::move(handlers)), acceptor_(io), retry_timer_(io) {}

MetricsServer::~MetricsServer() { Stop(); }

Result<std::unique_ptr<MetricsServer>> MetricsServer::Listen(
    boost::asio::io_context& io, const std::string& address, std::uint16_t port,
    MetricsHandlers handlers) {
  std::string where = address + ":" + std::to_string(port);
  boost::system::error_code ec;
  boost::asio::ip::address ip = boost::asio::ip::make_address(address, ec);
  if (ec) return Status::InvalidArgument(where, "not an IP address");
  std::unique_ptr<MetricsServer> server(
      new MetricsServer(io, std::move(handlers)));
  tcp::endpoint endpoint(ip, port);
  tcp::acceptor& a = server->acceptor_;
  if (a.open(endpoint.protocol(), ec); !ec) {
    a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (a.bind(endpoint, ec); !ec) a.listen(16, ec);
  }
  if (ec) return Status::Unavailable(where, "cannot listen: " + ec.message());
  server->port_ = a.local_endpoint(ec).port();
  server->Accept();
  return server;
}

void MetricsServer::Accept() {
  if (stopped_) return;
  acceptor_.async_accept([this](const boost::system::error_code& ec,
                                tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || stopped_) return;
    if (ec) {
      // Out of file descriptors, say: try again later, not in a loop.
      spdlog::warn("metrics: accept failed: {}", ec.message());
      retry_timer_.expires_after(std::chrono::seconds(1));
      retry_timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e) Accept();
      });
      return;
    }
    current_ =
        std::make_shared<Connection>(std::move(socket), handlers_, [this]() {
          current_.reset();
          Accept();
        });
    current_->Start();
  });
}

void MetricsServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  if (current_) current_->Close();
}

}  // namespace lexwatch::daemon
