// front.cpp — the epoll loop: listener, connections (plain or TLS), request parsing, write
// queues with delays, answers posted from other threads, idle timeouts and listener faults.
#include "http/front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "http/request_parser.hpp"

namespace mock_snowflake::http {

using Clock = std::chrono::steady_clock;

/// Where other threads leave answers and tasks for the loop; outlives the loop (Completions
/// keep it), so a late answer after stop() is dropped safely.
struct Mailbox {
  std::mutex mutex;
  int wake_fd = -1;
  bool closed = false;
  std::vector<std::pair<std::uint64_t, WireReply>> replies;
  std::vector<std::function<void()>> tasks;

  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }
  void post_reply(std::uint64_t connection, WireReply reply) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      replies.emplace_back(connection, std::move(reply));
      if (replies.size() + tasks.size() > 1) return;  // a wake-up is already pending
    }
    wake();
  }
  void post_task(std::function<void()> task) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      tasks.push_back(std::move(task));
      if (replies.size() + tasks.size() > 1) return;
    }
    wake();
  }
};

void Completion::operator()(WireReply reply) const {
  if (mailbox_) mailbox_->post_reply(connection_, std::move(reply));
}

namespace {

constexpr std::uint64_t kListenerTag = 0;
constexpr std::uint64_t kWakeTag = 1;
constexpr std::uint64_t kFirstConnection = 16;

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 413:
      return "Payload Too Large";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

/// A listening socket on host:port (port 0: any), or -1 with a message.
int open_listener(const std::string& host, int port, int backlog, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    error = "cannot resolve " + host;
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR only (restarts past TIME_WAIT). SO_REUSEPORT would let a second emulator
    // bind a port in use and silently share its connections.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, backlog) == 0) break;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) error = "cannot listen on " + host + ":" + service;
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return -1;
}

std::pair<std::string, int> peer_name(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return {text, ntohs(in->sin_port)};
  }
  if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return {text, ntohs(in6->sin6_port)};
  }
  return {"", 0};
}

}  // namespace

struct Connection {
  enum class State { reading, waiting, writing, holding, closed };
  std::uint64_t id = 0;
  int fd = -1;
  SSL* ssl = nullptr;
  std::string peer_addr;
  int peer_port = 0;
  State state = State::reading;
  std::string in;
  RequestParser parser;
  bool continue_sent = false;
  bool keep_alive = true;  ///< of the request being answered
  bool peer_closed = false;
  bool reset_on_request = false;  ///< close_idle: the next request bytes reset the connection
  bool tls_sniffed = false;       ///< an HTTPS connection's first byte was looked at
  bool plain_on_tls = false;      ///< plain HTTP came to the HTTPS port: answered 400, closed
  std::deque<Segment> out;
  std::size_t out_offset = 0;
  Clock::time_point not_before{};  ///< the front segment's delay ends
  bool write_timer = false;
  WireReply::Then then = WireReply::Then::keep_alive;
  Clock::time_point last_activity = Clock::now();
};

struct Front::Loop {
  FrontOptions options;
  Handler handler;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  int epoll_fd = -1;
  int listen_fd = -1;
  int port = 0;
  SSL_CTX* ssl_ctx = nullptr;
  std::thread thread;
  bool running = false;
  bool stop_requested = false;  // loop thread only
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::vector<std::uint64_t> dead;
  std::uint64_t next_id = kFirstConnection;
  std::multimap<Clock::time_point, std::function<void()>> timers;
  bool sweep_armed = false;
  std::atomic<std::uint64_t> open_count{0};
  std::atomic<std::uint64_t> accepted{0};
  // Listener faults (loop thread only).
  Clock::time_point listener_back_at{};
  std::vector<int> stall_fds;  ///< the full-backlog listener and the socket that fills it

  ~Loop() {
    for (const int fd : stall_fds) ::close(fd);
    if (listen_fd >= 0) ::close(listen_fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (mailbox->wake_fd >= 0) ::close(mailbox->wake_fd);
    if (ssl_ctx != nullptr) SSL_CTX_free(ssl_ctx);
  }

  // ---------------------------------------------------------------- setup

  bool init_tls(std::string& error) {
    ssl_ctx = SSL_CTX_new(TLS_server_method());
    if (ssl_ctx == nullptr ||
        SSL_CTX_use_certificate_chain_file(ssl_ctx, options.tls_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ssl_ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ssl_ctx) != 1) {
      ERR_clear_error();
      error = "cannot use TLS certificate '" + options.tls_cert_file + "' and key '" +
              options.tls_key_file + "'";
      return false;
    }
    SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return true;
  }

  void watch_listener() {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kListenerTag;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &event);
  }

  // ---------------------------------------------------------------- the loop

  void run() {
    std::vector<epoll_event> events(512);
    while (!stop_requested) {
      int timeout = -1;
      if (!timers.empty()) {
        const auto wait =
            std::chrono::ceil<std::chrono::milliseconds>(timers.begin()->first - Clock::now());
        timeout = static_cast<int>(std::max<std::int64_t>(wait.count(), 0));
      }
      const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), timeout);
      for (int i = 0; i < n; ++i) {
        const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
        if (tag == kListenerTag) {
          accept_all();
        } else if (tag == kWakeTag) {
          drain_mailbox();
        } else if (const auto it = connections.find(tag); it != connections.end()) {
          const std::uint32_t flags = events[static_cast<std::size_t>(i)].events;
          on_io(*it->second, (flags & (EPOLLERR | EPOLLHUP)) != 0);
        }
      }
      run_timers();
      bury();
    }
    for (auto& [id, connection] : connections) close_connection(*connection);
    bury();
    // Stop listening too: a listening socket nobody accepts from still completes handshakes,
    // and a client would wait for an answer instead of being refused.
    for (const int fd : stall_fds) ::close(fd);
    stall_fds.clear();
    if (listen_fd >= 0) ::close(listen_fd);
    listen_fd = -1;
  }

  void run_timers() {
    const auto now = Clock::now();
    while (!timers.empty() && timers.begin()->first <= now) {
      auto task = std::move(timers.begin()->second);
      timers.erase(timers.begin());
      task();
    }
  }

  void bury() {
    for (const auto id : dead) connections.erase(id);
    dead.clear();
  }

  void drain_mailbox() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto n = ::read(mailbox->wake_fd, &count, sizeof count);
    std::vector<std::pair<std::uint64_t, WireReply>> replies;
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mailbox->mutex);
      replies.swap(mailbox->replies);
      tasks.swap(mailbox->tasks);
    }
    for (auto& task : tasks) task();
    for (auto& [id, reply] : replies) {
      const auto it = connections.find(id);
      if (it != connections.end()) answer(*it->second, std::move(reply));
    }
  }

  // ---------------------------------------------------------------- connections

  void accept_all() {
    for (int i = 0; i < 256 && listen_fd >= 0; ++i) {
      sockaddr_storage address{};
      socklen_t length = sizeof address;
      const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          pause_accepting(std::chrono::milliseconds(100));  // out of descriptors: back off
        }
        return;
      }
      // Headers and body may go out in separate writes; with Nagle's algorithm the body would
      // wait for the client's delayed ACK.
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto connection = std::make_unique<Connection>();
      connection->id = next_id++;
      connection->fd = fd;
      std::tie(connection->peer_addr, connection->peer_port) = peer_name(address);
      if (ssl_ctx != nullptr) {
        connection->ssl = SSL_new(ssl_ctx);
        SSL_set_fd(connection->ssl, fd);
        SSL_set_accept_state(connection->ssl);
      }
      epoll_event event{};
      event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      event.data.u64 = connection->id;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
        if (connection->ssl != nullptr) SSL_free(connection->ssl);
        ::close(fd);
        continue;
      }
      ++accepted;
      ++open_count;
      connections.emplace(connection->id, std::move(connection));
      arm_sweep();
    }
  }

  void pause_accepting(std::chrono::milliseconds duration) {
    if (listen_fd < 0) return;
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
    timers.emplace(Clock::now() + duration, [this] {
      if (listen_fd >= 0) watch_listener();
    });
  }

  void close_connection(Connection& c) {
    if (c.state == Connection::State::closed) return;
    c.state = Connection::State::closed;
    if (c.ssl != nullptr) {
      SSL_shutdown(c.ssl);  // one non-blocking try at close_notify; the socket closes anyway
      ERR_clear_error();
      SSL_free(c.ssl);
      c.ssl = nullptr;
    }
    ::close(c.fd);  // also removes it from the epoll set
    --open_count;
    dead.push_back(c.id);
  }

  /// An HTTPS connection opens with a TLS handshake record (byte 22). When its first byte is a
  /// letter instead, a client sent plain HTTP to this HTTPS port: the connection goes on without
  /// TLS and its request is answered 400 in plain text, as web servers do, rather than with a
  /// failed handshake the client would take for a broken connection and retry. False while no
  /// byte has come yet.
  bool sniff_plain_http(Connection& c) {
    unsigned char first = 0;
    const ssize_t n = ::recv(c.fd, &first, 1, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
    c.tls_sniffed = true;
    if (n == 1 && std::isalpha(first) != 0) {
      SSL_free(c.ssl);
      c.ssl = nullptr;
      c.plain_on_tls = true;
    }
    return true;
  }

  /// Reads everything available. Returns false when the connection failed (and is closed).
  bool read_available(Connection& c) {
    if (c.ssl != nullptr && !c.tls_sniffed && !sniff_plain_http(c)) return true;
    char buffer[16384];
    for (;;) {
      ssize_t n = 0;
      if (c.ssl != nullptr) {
        ERR_clear_error();
        const int got = SSL_read(c.ssl, buffer, sizeof buffer);
        if (got <= 0) {
          const int error = SSL_get_error(c.ssl, got);
          if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return true;
          if (error == SSL_ERROR_ZERO_RETURN) {
            c.peer_closed = true;
            return true;
          }
          close_connection(c);  // handshake failure, reset, ...
          return false;
        }
        n = got;
      } else {
        n = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (n == 0) {
          c.peer_closed = true;
          return true;
        }
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
          if (errno == EINTR) continue;
          close_connection(c);
          return false;
        }
      }
      if (c.state == Connection::State::holding) continue;  // a black hole swallows it all
      c.in.append(buffer, static_cast<std::size_t>(n));
      c.last_activity = Clock::now();
    }
  }

  /// Writes from the queue; false when the connection failed (and is closed).
  bool flush(Connection& c) {
    while (!c.out.empty()) {
      Segment& segment = c.out.front();
      if (segment.delay.count() > 0) {
        c.not_before = Clock::now() + segment.delay;
        segment.delay = std::chrono::milliseconds(0);
      }
      if (Clock::now() < c.not_before) {
        if (!c.write_timer) {
          c.write_timer = true;
          timers.emplace(c.not_before, [this, id = c.id] {
            const auto it = connections.find(id);
            if (it == connections.end()) return;
            it->second->write_timer = false;
            after_write(*it->second);
          });
        }
        return true;
      }
      const char* data = segment.bytes.data() + c.out_offset;
      const std::size_t size = segment.bytes.size() - c.out_offset;
      ssize_t n = 0;
      if (size == 0) {
        n = 0;
      } else if (c.ssl != nullptr) {
        ERR_clear_error();
        const int put = SSL_write(c.ssl, data, static_cast<int>(size));
        if (put <= 0) {
          const int error = SSL_get_error(c.ssl, put);
          if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return true;
          close_connection(c);
          return false;
        }
        n = put;
      } else {
        n = ::send(c.fd, data, size, MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
          if (errno == EINTR) continue;
          close_connection(c);
          return false;
        }
      }
      c.out_offset += static_cast<std::size_t>(n);
      if (c.out_offset == segment.bytes.size()) {
        c.out.pop_front();
        c.out_offset = 0;
      }
    }
    return true;
  }

  /// Writes what it can; when an answer is fully out, does what follows it.
  void after_write(Connection& c) {
    if (!flush(c) || !c.out.empty()) return;
    if (c.state != Connection::State::writing) return;
    switch (c.then) {
      case WireReply::Then::close:
        ::shutdown(c.fd, SHUT_WR);
        close_connection(c);
        return;
      case WireReply::Then::hold:
        c.state = Connection::State::holding;
        c.in.clear();
        return;
      case WireReply::Then::reset_next:
        c.reset_on_request = true;
        [[fallthrough]];
      case WireReply::Then::keep_alive:
        if (!c.keep_alive || c.peer_closed) {
          close_connection(c);
          return;
        }
        c.state = Connection::State::reading;
        c.last_activity = Clock::now();
        process_input(c);
        return;
    }
  }

  void on_io(Connection& c, bool failed) {
    if (c.state == Connection::State::closed) return;
    if (!read_available(c)) return;
    after_write(c);
    if (c.state == Connection::State::closed) return;
    if (c.state == Connection::State::reading) process_input(c);
    if (c.state == Connection::State::closed) return;
    // The client left: nothing more can be delivered to it.
    const bool gone = failed || (c.peer_closed && (c.state == Connection::State::reading ||
                                                   c.state == Connection::State::holding));
    if (gone) close_connection(c);
  }

  void process_input(Connection& c) {
    if (c.reset_on_request && !c.in.empty()) {
      // An abortive close: the client's request on this reused connection fails with a reset.
      linger abort{1, 0};
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      close_connection(c);
      return;
    }
    while (c.state == Connection::State::reading && !c.in.empty()) {
      const auto status = c.parser.parse(c.in);
      if (status == RequestParser::Status::need_more) {
        if (c.parser.wants_continue() && !c.continue_sent) {
          c.continue_sent = true;
          c.out.push_back({"HTTP/1.1 100 Continue\r\n\r\n", std::chrono::milliseconds(0)});
          if (!flush(c)) return;
        }
        return;
      }
      if (c.plain_on_tls) {
        // The whole request is read first: closing on unread bytes would reset the connection
        // and could lose the answer.
        std::string body =
            "This port serves HTTPS, and the request came in plain HTTP: use https://.\n";
        std::string text =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        c.state = Connection::State::writing;
        c.then = WireReply::Then::close;
        c.out.push_back({std::move(text), std::chrono::milliseconds(0)});
        after_write(c);
        return;
      }
      if (status == RequestParser::Status::error) {
        const int code = c.parser.error_status();
        std::string text = "HTTP/1.1 " + std::to_string(code) + " " +
                           std::string(reason_phrase(code)) +
                           "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        c.state = Connection::State::writing;
        c.then = WireReply::Then::close;
        c.out.push_back({std::move(text), std::chrono::milliseconds(0)});
        after_write(c);
        return;
      }
      auto request = std::make_shared<HttpRequest>(std::move(c.parser.request()));
      request->remote_addr = c.peer_addr;
      request->remote_port = c.peer_port;
      request->keep_alive = c.parser.keep_alive();
      c.keep_alive = request->keep_alive;
      c.in.erase(0, c.parser.consumed());
      c.parser.reset();
      c.continue_sent = false;
      c.state = Connection::State::waiting;
      handler(std::move(request), Completion(mailbox, c.id));
    }
  }

  void answer(Connection& c, WireReply reply) {
    if (c.state != Connection::State::waiting) return;
    c.state = Connection::State::writing;
    c.then = reply.then;
    for (auto& segment : reply.segments) c.out.push_back(std::move(segment));
    after_write(c);
  }

  // ---------------------------------------------------------------- timeouts

  void arm_sweep() {
    if (sweep_armed) return;
    sweep_armed = true;
    timers.emplace(Clock::now() + std::chrono::seconds(1), [this] { sweep(); });
  }

  /// Closes kept-alive connections idle past idle_timeout and requests stuck half-way past
  /// read_timeout. Runs once a second while there are connections.
  void sweep() {
    sweep_armed = false;
    const auto now = Clock::now();
    for (auto& [id, connection] : connections) {
      Connection& c = *connection;
      if (c.state != Connection::State::reading) continue;
      const auto limit = c.in.empty() ? options.idle_timeout : options.read_timeout;
      if (now - c.last_activity > limit) close_connection(c);
    }
    if (connections.size() > dead.size()) arm_sweep();
  }

  // ---------------------------------------------------------------- listener faults

  void reopen_listener() {
    std::string error;
    const int fd = open_listener(options.host, port, options.backlog, error);
    if (fd < 0) {  // the port is briefly unavailable: try again shortly
      timers.emplace(Clock::now() + std::chrono::milliseconds(20), [this] { reopen_listener(); });
      return;
    }
    listen_fd = fd;
    watch_listener();
  }

  void close_listener_until(Clock::time_point until) {
    if (listen_fd >= 0) {
      ::close(listen_fd);
      listen_fd = -1;
    }
    if (until <= listener_back_at) return;  // an earlier fault already reopens later
    listener_back_at = until;
    timers.emplace(until, [this, until] {
      if (listener_back_at != until) return;
      for (const int fd : stall_fds) ::close(fd);
      stall_fds.clear();
      reopen_listener();
    });
  }

  void refuse(std::chrono::milliseconds duration) { close_listener_until(Clock::now() + duration); }

  void stall(std::chrono::milliseconds duration) {
    close_listener_until(Clock::now() + duration);
    if (!stall_fds.empty()) return;
    // A listener with a backlog of 0 holds one established connection; this loop never
    // accepts it, so the queue stays full and the kernel drops every later SYN.
    std::string error;
    const int fd = open_listener(options.host, port, 0, error);
    if (fd < 0) return;
    stall_fds.push_back(fd);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int filler = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (filler >= 0) {
      [[maybe_unused]] const int rc =
          ::connect(filler, reinterpret_cast<sockaddr*>(&address), length);
      stall_fds.push_back(filler);
    }
  }
};

Front::Front() = default;

Front::~Front() { stop(); }

bool Front::start(const FrontOptions& options, Handler handler, std::string& error) {
  auto loop = std::make_unique<Loop>();
  loop->options = options;
  loop->handler = std::move(handler);
  if (!options.tls_cert_file.empty() && !loop->init_tls(error)) return false;
  loop->listen_fd = open_listener(options.host, options.port, options.backlog, error);
  if (loop->listen_fd < 0) return false;
  loop->port = bound_port(loop->listen_fd);
  loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  loop->mailbox->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (loop->epoll_fd < 0 || loop->mailbox->wake_fd < 0) {
    error = "cannot create the event loop";
    return false;
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeTag;
  epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, loop->mailbox->wake_fd, &event);
  loop->watch_listener();
  Loop& self = *loop;
  loop->thread = std::thread([&self] { self.run(); });
  loop->running = true;
  loop_ = std::move(loop);
  return true;
}

void Front::stop() {
  if (!loop_ || !loop_->running) return;
  Loop& loop = *loop_;
  loop.mailbox->post_task([&loop] { loop.stop_requested = true; });
  loop.thread.join();
  loop.running = false;
  std::lock_guard lock(loop.mailbox->mutex);
  loop.mailbox->closed = true;
  loop.mailbox->replies.clear();
  loop.mailbox->tasks.clear();
}

int Front::port() const { return loop_ ? loop_->port : 0; }

bool Front::tls() const { return loop_ && loop_->ssl_ctx != nullptr; }

FrontStats Front::stats() const {
  FrontStats stats;
  if (loop_) {
    stats.open_connections = loop_->open_count.load();
    stats.accepted = loop_->accepted.load();
  }
  return stats;
}

void Front::refuse_for(std::chrono::milliseconds duration) {
  if (!loop_) return;
  Loop* loop = loop_.get();
  loop->mailbox->post_task([loop, duration] { loop->refuse(duration); });
}

void Front::stall_connects_for(std::chrono::milliseconds duration) {
  if (!loop_) return;
  Loop* loop = loop_.get();
  loop->mailbox->post_task([loop, duration] { loop->stall(duration); });
}

}  // namespace mock_snowflake::http
