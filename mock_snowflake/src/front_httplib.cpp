// front_httplib.cpp — the HTTP transport on cpp-httplib: listening, connection threads, and
// putting an Outgoing (a reply, possibly mangled by a fault) on the wire.
#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <future>

#include "responses.hpp"
#include "server_impl.hpp"
#include "util.hpp"

namespace mock_snowflake {

using detail::Reply;

namespace {

/// cpp-httplib's listen backlog is compiled into the library (5): a thousand clients connecting
/// at once would see refused connections. Listening again on the bound socket widens it.
template <class Base>
class WideBacklogServer : public Base {
 public:
  using Base::Base;
  void widen_backlog(int backlog) { ::listen(this->svr_sock_, backlog); }
};

/// Adapts WorkerPool to httplib's TaskQueue; httplib deletes it when it stops listening, after
/// shutdown() has joined every connection thread.
class HttpTaskQueue final : public httplib::TaskQueue {
 public:
  explicit HttpTaskQueue(std::shared_ptr<detail::WorkerPool> pool) : pool_(std::move(pool)) {}
  void enqueue(std::function<void()> fn) override { pool_->enqueue(std::move(fn)); }
  void shutdown() override { pool_->shutdown(); }

 private:
  std::shared_ptr<detail::WorkerPool> pool_;
};

/// The local port of a socket, or -1.
int local_port(int fd) {
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

/// The peer of a connected socket as (address, port), or nullopt.
std::optional<std::pair<std::string, int>> peer_of(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<sockaddr_in*>(&address);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::make_pair(std::string(text), static_cast<int>(ntohs(in->sin_port)));
  }
  if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return std::make_pair(std::string(text), static_cast<int>(ntohs(in6->sin6_port)));
  }
  return std::nullopt;
}

/// Every open descriptor of this process. cpp-httplib does not hand connection sockets to
/// handlers, so the emulator finds them by address when it must close one (faults, stop()).
std::vector<int> open_descriptors() {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    int fd = -1;
    const std::string_view name = entry->d_name;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
    if (fd != own) fds.push_back(fd);
  }
  closedir(dir);
  return fds;
}

void close_connection(int port, const httplib::Request& req) {
  if (req.ssl != nullptr) {
    const int fd = SSL_get_fd(req.ssl);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    return;
  }
  for (const int fd : open_descriptors()) {
    if (local_port(fd) != port) continue;
    const auto peer = peer_of(fd);
    if (peer && peer->second == req.remote_port && peer->first == req.remote_addr) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

/// Ends every connection accepted by this server (keep-alive ones would otherwise hold stop()
/// for their idle timeout).
void close_all_connections(int port) {
  for (const int fd : open_descriptors()) {
    if (local_port(fd) == port && peer_of(fd)) ::shutdown(fd, SHUT_RDWR);
  }
}

/// The transport-independent view of a cpp-httplib request.
http::HttpRequest as_http_request(const httplib::Request& req) {
  http::HttpRequest out;
  out.method = req.method;
  out.target = req.target;
  out.path = req.path;
  for (const auto& [name, value] : req.headers) out.headers.emplace_back(name, value);
  for (const auto& [name, value] : req.params) out.params.emplace_back(name, value);
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  out.remote_port = req.remote_port;
  return out;
}

/// its own (it would pick brotli) and lets faults cut or slow the body.
void send(const std::function<void(std::chrono::milliseconds)>& pause, int port,
          const httplib::Request& req, httplib::Response& res, Reply reply,
          const std::optional<Fault>& fault) {
  const FaultKind kind = fault ? fault->kind : FaultKind::status;
  if (fault && kind == FaultKind::close_before_headers) {
    close_connection(port, req);
    res.status = 500;
    return;
  }
  if (fault && kind == FaultKind::invalid_json) {
    // A 200 whose JSON stops in the middle, with a Content-Length that matches it.
    std::string text = reply.gzipped ? detail::gunzip(reply.body).value_or(reply.body) : reply.body;
    if (text.size() < 8) text = "{\"data\":[[\"1\"],[\"2\"]]}";
    text.resize(text.size() * 2 / 3);
    text += "<not json";
    reply.status = 200;
    reply.gzipped = detail::accepts_gzip(as_http_request(req)) || reply.gzipped;
    reply.body = reply.gzipped ? detail::gzip(text) : text;
    reply.json = true;
  }
  res.status = reply.status;
  for (auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.json) res.set_header("Vary", "Accept-Encoding, User-Agent");
  if (reply.gzipped) res.set_header("Content-Encoding", "gzip");
  if (reply.body.empty()) {
    if (fault && (kind == FaultKind::close_after_headers || kind == FaultKind::truncated_body)) {
      // Nothing to cut: announce a body that never comes.
      reply.body = "{}";
    } else {
      if (reply.json) res.set_header("Content-Type", "application/json");
      res.set_header("Content-Length", "0");
      return;
    }
  }
  auto body = std::make_shared<std::string>(std::move(reply.body));
  const std::size_t size = body->size();
  const std::string type = reply.json ? "application/json" : "text/plain";
  if (!fault || kind == FaultKind::status || kind == FaultKind::invalid_json) {
    res.set_content_provider(
        size, type, [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return sink.write(body->data() + offset, length);
        });
  } else if (kind == FaultKind::close_after_headers) {
    res.set_content_provider(size, type,
                             [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
  } else if (kind == FaultKind::truncated_body) {
    res.set_content_provider(size, type,
                             [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               const std::size_t half = body->size() / 2;
                               if (offset < half) sink.write(body->data() + offset, half - offset);
                               return false;
                             });
  } else {  // slow_drip
    const std::size_t step = std::max<std::size_t>(fault->drip_bytes, 1);
    const auto interval = fault->drip_interval;
    res.set_content_provider(size, type,
                             [pause, body, step, interval](std::size_t offset, std::size_t length,
                                                           httplib::DataSink& sink) {
                               if (offset > 0) pause(interval);
                               return sink.write(body->data() + offset, std::min(step, length));
                             });
  }
}

}  // namespace

bool Server::Impl::start_front(std::string& error) {
  if (!options.tls_cert_file.empty()) {
    auto server = std::make_unique<WideBacklogServer<httplib::SSLServer>>(
        options.tls_cert_file.c_str(), options.tls_key_file.c_str());
    if (!server->is_valid()) {
      error = "cannot use TLS certificate '" + options.tls_cert_file + "' and key '" +
              options.tls_key_file + "'";
      return false;
    }
    http = std::move(server);
    tls = true;
  } else {
    http = std::make_unique<WideBacklogServer<httplib::Server>>();
  }
  httplib::Server& server = *http;
  auto pool = http_pool;
  server.new_task_queue = [pool] { return new HttpTaskQueue(pool); };
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second emulator bind a port in
  // use and silently share its connections; keep only SO_REUSEADDR (restarts past TIME_WAIT).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Headers and body go out in separate writes; with Nagle's algorithm on, the body then waits
  // for the client's delayed ACK (40 ms on Linux) on every kept-alive request.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(5);
  server.set_read_timeout(30);
  server.set_write_timeout(30);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    std::promise<Outgoing> answer;
    auto future = answer.get_future();
    dispatch(std::make_shared<const http::HttpRequest>(as_http_request(req)),
             [&answer](Outgoing out) { answer.set_value(std::move(out)); });
    Outgoing out = future.get();
    send([this](std::chrono::milliseconds d) { pause(d); }, port, req, res, std::move(out.reply),
         out.fault);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Patch(".*", handler);
  server.Options(".*", handler);
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(detail::error_body("000603", "Internal error in the emulator."),
                        "application/json");
      });

  port = options.port == 0 ? server.bind_to_any_port(options.host)
                           : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0) {
    error = "cannot listen on " + options.host + ":" + std::to_string(options.port);
    http.reset();
    return false;
  }
  constexpr int kBacklog = 4096;
  if (tls) {
    static_cast<WideBacklogServer<httplib::SSLServer>&>(server).widen_backlog(kBacklog);
  } else {
    static_cast<WideBacklogServer<httplib::Server>&>(server).widen_backlog(kBacklog);
  }
  listen_returned = false;
  listen_thread = std::thread([this] {
    http->listen_after_bind();
    listen_returned = true;
  });
  // httplib::Server::stop() does nothing until the listen loop has marked itself running, so a
  // stop() right after start() would leave it blocked in accept(): wait for that mark (this
  // cpp-httplib has no wait_until_ready()).
  while (!http->is_running() && !listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void Server::Impl::stop_front() {
  http->stop();
  close_all_connections(port);
  listen_thread.join();
  http_pool->shutdown();
}

}  // namespace mock_snowflake
