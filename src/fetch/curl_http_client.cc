#include "fetch/curl_http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "fetch/curl_transfer.h"
#include "fetch/url_policy.h"

namespace lexwatch::fetch {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// A descriptor curl asked us to watch. Sockets curl opens through our
// OPENSOCKETFUNCTION are owned here; any other descriptor (the threaded
// resolver's wake-up socket) is watched through a duplicate we close when
// curl stops asking.
struct WatchedSocket {
  using Handle =
      std::variant<asio::ip::tcp::socket, asio::posix::stream_descriptor>;
  WatchedSocket(Handle h, bool is_owned)
      : handle(std::move(h)), owned(is_owned) {}

  Handle handle;
  bool owned;
  int wanted = 0;   // CURL_POLL_IN / CURL_POLL_OUT bits curl asked for.
  int pending = 0;  // Directions with a wait in flight.
};

// Asio's reactor is edge-triggered and a wait never looks at the current
// state, while curl expects level-triggered readiness: look before waiting.
bool PollReady(curl_socket_t fd, int direction) {
  pollfd p{fd, static_cast<short>(direction == CURL_POLL_IN ? POLLIN : POLLOUT),
           0};
  return ::poll(&p, 1, 0) > 0 && p.revents != 0;
}

CURLM* NewMulti() {
  CurlGlobalInit();
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
  return multi;
}

}  // namespace

class CurlHttpClient::Impl {
 public:
  Impl(asio::io_context& io, HttpClientOptions options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void Fetch(const HttpRequest& request, Callback done);

 private:
  using SocketMap =
      std::unordered_map<curl_socket_t, std::shared_ptr<WatchedSocket>>;

  // curl callbacks. They never call back into curl.
  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* self,
                      void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* self);
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose,
                                    curl_sockaddr* address);
  static int OnCloseSocket(void* self, curl_socket_t fd);

  CURLcode UseOurSockets(CURL* easy);
  void Watch(curl_socket_t fd, int what);
  void Forget(curl_socket_t fd);
  SocketMap::iterator Adopt(curl_socket_t fd);
  void Arm(curl_socket_t fd, const std::shared_ptr<WatchedSocket>& socket,
           int direction);
  void OnReady(curl_socket_t fd, const std::weak_ptr<WatchedSocket>& weak,
               int direction, const error_code& ec);
  void Act(curl_socket_t fd, int flags);
  void Complete(CURL* easy, CURLcode code);
  void Post(Callback done, Result<HttpResponse> result);

  asio::io_context& io_;
  const HttpClientOptions options_;
  CURLM* multi_;
  asio::steady_timer timer_;
  SocketMap sockets_;
  std::unordered_map<CURL*, std::unique_ptr<CurlTransfer>> transfers_;
  // Handlers queued on io_ hold a weak_ptr to this and do nothing once it
  // has expired, so they may outlive the client.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

CurlHttpClient::Impl::Impl(asio::io_context& io, HttpClientOptions options)
    : io_(io), options_(std::move(options)), multi_(NewMulti()), timer_(io) {
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, static_cast<void*>(this));
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, static_cast<void*>(this));
}

// Removing the handles and cleaning up the multi handle calls OnSocket,
// OnTimer and OnCloseSocket, which still find every member in place; any
// handler they queue sees alive_ expired.
CurlHttpClient::Impl::~Impl() {
  alive_.reset();
  for (auto& [easy, transfer] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
  }
  transfers_.clear();
  curl_multi_cleanup(multi_);
  timer_.cancel();
  sockets_.clear();
}

void CurlHttpClient::Impl::Fetch(const HttpRequest& request, Callback done) {
  if (Status s = CheckUrlAllowed(request.url, options_.allow_insecure);
      !s.ok()) {
    Post(std::move(done), std::move(s));
    return;
  }
  auto transfer = std::make_unique<CurlTransfer>(request, std::move(done));
  Status s = transfer->Init(options_);
  if (s.ok()) {
    if (CURLcode rc = UseOurSockets(transfer->easy()); rc != CURLE_OK) {
      s = Status::Internal(request.url, curl_easy_strerror(rc));
    }
  }
  if (s.ok()) {
    if (CURLMcode mc = curl_multi_add_handle(multi_, transfer->easy());
        mc != CURLM_OK) {
      s = Status::Internal(request.url, curl_multi_strerror(mc));
    }
  }
  if (!s.ok()) {
    Post(transfer->TakeCallback(), std::move(s));
    return;
  }
  CURL* easy = transfer->easy();
  transfers_.emplace(easy, std::move(transfer));
}

CURLcode CurlHttpClient::Impl::UseOurSockets(CURL* easy) {
  void* self = this;
  for (CURLcode rc :
       {curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket),
        curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, self),
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION,
                         &Impl::OnCloseSocket),
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, self)}) {
    if (rc != CURLE_OK) return rc;
  }
  return CURLE_OK;
}

curl_socket_t CurlHttpClient::Impl::OnOpenSocket(void* self,
                                                 curlsocktype purpose,
                                                 curl_sockaddr* address) {
  auto* impl = static_cast<Impl*>(self);
  if (purpose != CURLSOCKTYPE_IPCXN || address->socktype != SOCK_STREAM ||
      (address->family != AF_INET && address->family != AF_INET6)) {
    return CURL_SOCKET_BAD;
  }
  asio::ip::tcp::socket socket(impl->io_);
  error_code ec;
  socket.open(
      address->family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(),
      ec);
  if (ec) return CURL_SOCKET_BAD;
  const curl_socket_t fd = socket.native_handle();
  impl->sockets_[fd] =
      std::make_shared<WatchedSocket>(std::move(socket), /*is_owned=*/true);
  return fd;
}

int CurlHttpClient::Impl::OnCloseSocket(void* self, curl_socket_t fd) {
  auto* impl = static_cast<Impl*>(self);
  auto it = impl->sockets_.find(fd);
  if (it == impl->sockets_.end() || !it->second->owned) return ::close(fd);
  error_code ec;
  // Closing cancels the socket's waits; their handlers find it gone.
  std::get<asio::ip::tcp::socket>(it->second->handle).close(ec);
  impl->sockets_.erase(it);
  return ec ? -1 : 0;
}

int CurlHttpClient::Impl::OnSocket(CURL*, curl_socket_t fd, int what,
                                   void* self, void*) {
  auto* impl = static_cast<Impl*>(self);
  if (what == CURL_POLL_REMOVE) {
    impl->Forget(fd);
  } else {
    impl->Watch(fd, what);
  }
  return 0;
}

void CurlHttpClient::Impl::Watch(curl_socket_t fd, int what) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) it = Adopt(fd);
  if (it == sockets_.end()) return;  // curl's timeout still ends the transfer.
  std::shared_ptr<WatchedSocket> socket = it->second;
  socket->wanted = what & (CURL_POLL_IN | CURL_POLL_OUT);
  for (int direction : {CURL_POLL_IN, CURL_POLL_OUT}) {
    if ((socket->wanted & direction) && !(socket->pending & direction)) {
      Arm(fd, socket, direction);
    }
  }
}

// A wait still in flight stays: it completes when the socket is closed or
// ready, and OnReady ignores it unless curl wants that direction again.
void CurlHttpClient::Impl::Forget(curl_socket_t fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  it->second->wanted = 0;
  // curl closes its own descriptor right after; drop our duplicate now.
  if (!it->second->owned) sockets_.erase(it);
}

CurlHttpClient::Impl::SocketMap::iterator CurlHttpClient::Impl::Adopt(
    curl_socket_t fd) {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return sockets_.end();
  asio::posix::stream_descriptor descriptor(io_);
  error_code ec;
  descriptor.assign(copy, ec);
  if (ec) {
    ::close(copy);
    return sockets_.end();
  }
  auto socket = std::make_shared<WatchedSocket>(std::move(descriptor),
                                                /*is_owned=*/false);
  return sockets_.insert_or_assign(fd, std::move(socket)).first;
}

void CurlHttpClient::Impl::Arm(curl_socket_t fd,
                               const std::shared_ptr<WatchedSocket>& socket,
                               int direction) {
  socket->pending |= direction;
  auto handler = [this, alive = std::weak_ptr<char>(alive_), fd,
                  weak = std::weak_ptr<WatchedSocket>(socket),
                  direction](const error_code& ec) {
    if (!alive.expired()) OnReady(fd, weak, direction, ec);
  };
  if (PollReady(fd, direction)) {
    asio::post(io_, [handler] { handler(error_code()); });
    return;
  }
  std::visit(
      [&](auto& h) {
        using H = std::decay_t<decltype(h)>;
        h.async_wait(direction == CURL_POLL_IN ? H::wait_read : H::wait_write,
                     handler);
      },
      socket->handle);
}

void CurlHttpClient::Impl::OnReady(curl_socket_t fd,
                                   const std::weak_ptr<WatchedSocket>& weak,
                                   int direction, const error_code& ec) {
  std::shared_ptr<WatchedSocket> socket = weak.lock();
  if (!socket) return;  // curl closed it meanwhile.
  socket->pending &= ~direction;
  if (ec == asio::error::operation_aborted || !(socket->wanted & direction)) {
    return;
  }
  Act(fd,
      ec ? CURL_CSELECT_ERR
         : (direction == CURL_POLL_IN ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
  auto it = sockets_.find(fd);
  if (ec || it == sockets_.end() || it->second != socket) return;
  if ((socket->wanted & direction) && !(socket->pending & direction)) {
    Arm(fd, socket, direction);
  }
}

// curl wants one one-shot timer: -1 cancels it, 0 means "as soon as
// possible", which a zero expiry gives without calling curl from here.
int CurlHttpClient::Impl::OnTimer(CURLM*, long timeout_ms, void* self) {
  auto* impl = static_cast<Impl*>(self);
  if (timeout_ms < 0) {
    impl->timer_.cancel();
    return 0;
  }
  impl->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  impl->timer_.async_wait(
      [impl, alive = std::weak_ptr<char>(impl->alive_)](const error_code& ec) {
        if (!alive.expired() && !ec) impl->Act(CURL_SOCKET_TIMEOUT, 0);
      });
  return 0;
}

void CurlHttpClient::Impl::Act(curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg == CURLMSG_DONE) Complete(msg->easy_handle, msg->data.result);
  }
}

void CurlHttpClient::Impl::Complete(CURL* easy, CURLcode code) {
  auto it = transfers_.find(easy);
  if (it == transfers_.end()) return;
  std::unique_ptr<CurlTransfer> transfer = std::move(it->second);
  transfers_.erase(it);
  Result<HttpResponse> result = transfer->TakeResult(code);
  curl_multi_remove_handle(multi_, easy);
  Post(transfer->TakeCallback(), std::move(result));
}

// Callbacks run from the queue, never inside curl or Fetch, so they may
// start transfers or destroy the client.
void CurlHttpClient::Impl::Post(Callback done, Result<HttpResponse> result) {
  asio::post(io_, [alive = std::weak_ptr<char>(alive_), done = std::move(done),
                   result = std::move(result)]() mutable {
    if (!alive.expired()) done(std::move(result));
  });
}

CurlHttpClient::CurlHttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

CurlHttpClient::~CurlHttpClient() = default;

void CurlHttpClient::Fetch(const HttpRequest& request, Callback done) {
  impl_->Fetch(request, std::move(done));
}

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace lexwatch::fetch
