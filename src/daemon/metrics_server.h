#ifndef LEXWATCH_DAEMON_METRICS_SERVER_H_
#define LEXWATCH_DAEMON_METRICS_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace lexwatch::daemon {

// The answer of /healthz: 200 "ok" or 503 with the reason.
struct HealthReport {
  bool ok = true;
  std::string reason;  // Why not ok; "" when ok.
};

// What the server asks the daemon for, on the event-loop thread.
struct MetricsHandlers {
  std::function<std::string()> metrics;  // The exposition text.
  std::function<HealthReport()> health;
};

// A minimal HTTP/1.1 server for GET /metrics and GET /healthz on a loopback
// address, on the daemon's io_context (Boost.Beast). One connection at a
// time, one request per connection, tiny request limits and a deadline per
// connection, so a slow or hostile client cannot hold the loop; others wait
// in the listen backlog. Call every method on the io_context's thread.
class MetricsServer {
 public:
  // Binds and starts accepting. Unavailable when the address cannot be
  // bound (in use, not local).
  static Result<std::unique_ptr<MetricsServer>> Listen(
      boost::asio::io_context& io, const std::string& address,
      std::uint16_t port, MetricsHandlers handlers);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const { return port_; }
  // Closes the listener and the connection in progress; pending handlers
  // then finish with operation_aborted. Keep the object alive until the
  // io_context has run them.
  void Stop();

 private:
  class Connection;

  MetricsServer(boost::asio::io_context& io, MetricsHandlers handlers);
  void Accept();

  MetricsHandlers handlers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<Connection> current_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_METRICS_SERVER_H_
