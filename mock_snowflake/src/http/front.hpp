// front.hpp — the emulator's event-driven HTTP/1.1 front: one thread owns every socket.
//
// One epoll thread accepts connections, reads them without blocking, parses requests
// (request_parser.hpp), and writes answers from per-connection write queues. A request is handed
// to the Handler together with a Completion; the answer may come back at once or much later from
// any thread (a statement finishing, a sync-window timer), posted to the loop through an
// eventfd. An idle keep-alive connection costs no thread and no wake-up. TLS (OpenSSL, on the
// same non-blocking sockets) is used when a certificate and key are given. Why this design:
// docs/MOCK.md "Concurrency design".
//
// Thread safety: start()/stop() from the owner; Completion and the listener faults from any
// thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/http_request.hpp"

namespace mock_snowflake::http {

/// A piece of an answer's bytes, written after `delay` (slow drips).
struct Segment {
  std::string bytes;
  std::chrono::milliseconds delay{0};
};

/// The bytes of an answer and what becomes of the connection after them.
struct WireReply {
  enum class Then {
    keep_alive,  ///< read the next request (unless the request asked to close)
    close,       ///< close once the bytes are out
    hold,        ///< keep the connection open and never answer again (until the peer leaves)
    reset_next,  ///< look kept alive, but reset the connection when the next request arrives
  };
  std::vector<Segment> segments;
  Then then = Then::keep_alive;
};

struct Mailbox;

/// Completes one request. Copyable; callable from any thread; the first call counts and later
/// ones are ignored, as are calls after the connection closed or the front stopped.
class Completion {
 public:
  Completion() = default;
  Completion(std::shared_ptr<Mailbox> mailbox, std::uint64_t connection)
      : mailbox_(std::move(mailbox)), connection_(connection) {}
  void operator()(WireReply reply) const;

 private:
  std::shared_ptr<Mailbox> mailbox_;
  std::uint64_t connection_ = 0;
};

struct FrontOptions {
  std::string host = "127.0.0.1";
  int port = 0;  ///< 0 picks a free port
  std::string tls_cert_file;
  std::string tls_key_file;
  int backlog = 4096;
  std::chrono::seconds idle_timeout{60};  ///< a kept-alive connection with no request
  std::chrono::seconds read_timeout{30};  ///< a request that stops arriving half-way
};

/// Counts of the front's connections (for tests and the benchmark).
struct FrontStats {
  std::uint64_t open_connections = 0;
  std::uint64_t accepted = 0;
};

class Front {
 public:
  using Handler = std::function<void(std::shared_ptr<HttpRequest>, Completion)>;

  Front();
  ~Front();
  Front(const Front&) = delete;
  Front& operator=(const Front&) = delete;

  /// Binds, listens and starts the loop thread. False with a message when the address or the
  /// TLS files are unusable.
  bool start(const FrontOptions& options, Handler handler, std::string& error);
  /// Closes the listener and every connection, drops pending answers, joins. Idempotent.
  void stop();
  [[nodiscard]] int port() const;
  [[nodiscard]] bool tls() const;
  [[nodiscard]] FrontStats stats() const;

  /// Stops listening for `duration` (connects are refused), then listens again on the port.
  void refuse_for(std::chrono::milliseconds duration);
  /// For `duration`, new connects never complete: the listener is swapped for one whose
  /// backlog is full and never accepted, so the kernel drops their SYNs.
  void stall_connects_for(std::chrono::milliseconds duration);

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace mock_snowflake::http
