// http_client.hpp (internal) — HttpClient: HTTP requests over libcurl's multi interface, driven
// by an EventLoop. One long-lived CURLM per HttpClient keeps connections alive between requests
// (and multiplexes HTTP/2 streams where the server offers it).
//
// Threads: an HttpClient lives on its EventLoop's thread. Every member function except the
// counters (in_flight(), queued(), curl_calls_off_loop_thread()) must be called there, and the
// constructor and destructor too — or while the loop thread is not running (before
// EventLoop::start(), after EventLoop::stop() returned). Every place that calls libcurl checks
// this; violations are counted (curl_calls_off_loop_thread()), logged, and abort debug builds.
// Other threads reach an HttpClient by posting a task to its loop.
//
// Callbacks: `done` runs on the loop thread, exactly once per started transfer unless the
// transfer is cancelled (then never), always from the loop (never from inside start() or
// cancel(), never from inside a libcurl callback), so it may call start() and cancel() freely.
// It must not destroy the HttpClient.
//
// Queueing: requests go in lanes (HttpRequest::lane). Each lane has its own limit of transfers
// handed to libcurl at once (HttpClientOptions::lane_limits, else max_in_flight) and its own
// FIFO for the rest (unbounded: its producers are the statement layer's own bounded windows, and
// a request waiting here costs only its own memory), so requests of one lane never wait behind
// another lane's. A request's `timeout` counts from start(), so time spent waiting in the queue
// counts against it; `attempt_timeout` and `stall_timeout` count only once libcurl has it.
//
// Connections: HTTP/2 is negotiated by TLS (ALPN) where the server offers it, and parallel HTTPS
// requests wait for a host's first connection to settle that (CURLOPT_PIPEWAIT) rather than each
// opening its own. Plain HTTP is HTTP/1.1 and never waits: there libcurl would learn that a
// connection cannot multiplex only from its first response.
//
// TLS: the CA store is never read per request, and every CA at most once per HttpClient.
// Parsing a whole CA bundle costs tens of milliseconds and most of a megabyte (Debian's has
// about 140 CAs), while reading the one CA a connection needs from a hashed CA directory costs
// about 0.2 ms. So:
//   - the system store (ca_file empty), when it has a CA directory: one X509_STORE per client
//     that looks CAs up in the directory and keeps what it read, given to every new TLS
//     connection (libcurl makes an SSL_CTX per connection; CURLOPT_SSL_CTX_FUNCTION hands it
//     this store). A CA is read the first time a connection needs it, never again: a one-shot
//     CLI reads one file, a service with thousands of connections the same one file. The
//     bundle file is read into the same store, once, only if a chain has no possible anchor in
//     the directory (a CA appended to the bundle alone is trusted, as libcurl's defaults, which
//     name both, trust it).
//   - ca_file set, or the system store without a CA directory (or a libcurl without
//     CURLOPT_SSL_CTX_FUNCTION): that bundle file, parsed once and kept in libcurl's CA cache
//     (in the multi handle, which libcurl keeps only while no CA directory is set — and
//     Debian's libcurl sets one by default — so the directory is cleared explicitly).
// TLS sessions and DNS answers live in a share handle used by every request of this client, so
// a new connection to a host resumes the TLS session of an earlier one instead of a full
// handshake.
//
// Bodies: "Accept-Encoding: gzip" is sent as a plain header and libcurl never decodes: a gzip'd
// body stays compressed (decode workers inflate it, off the I/O thread). A body larger than
// max_response_bytes aborts its transfer with a protocol error, and so does a header block
// larger than kMaxHeaderBytes. A request with a BodySink streams its 200 body there as it
// arrives; when the sink is full the transfer pauses (CURL_WRITEFUNC_PAUSE: the socket is no
// longer read, so TCP slows the server down) until resume(). libcurl does not apply the stall
// timeout (its low-speed check) while a transfer's receiving side is paused.
//
// Handles: a finished transfer's easy handle is reused by the next transfer (a few dozen are
// kept idle), so a steady stream of requests creates no handles. A handle gets the client's
// fixed options once, when made; each transfer sets every other option it uses, whatever its
// value, so nothing of a handle's previous transfer carries over.
//
// Ownership: the EventLoop must outlive the HttpClient. Destroying the client removes every
// transfer without calling its callback, then cleans up the easy handles (the idle ones too),
// then the multi handle;
// it unwatches its sockets, but the epoll fd itself belongs to (and is closed by) the EventLoop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/event_loop.hpp"
#include "sfq/error.hpp"

namespace sfq::detail {

struct SystemCaStore;  // http_client.cpp: the system CA store one client's connections share

/// An immutable set of request headers ("Name: value"), turned into libcurl's header list once
/// and shared by every request that carries it: a client sends the very same headers (the same
/// token) with thousands of requests, and building the list per request was a dozen
/// allocations each. "Accept-Encoding: gzip" and an empty "Expect:" are added when absent (see
/// "Bodies" above, and HttpClient's add_to_multi). Immutable, so any thread may hold one.
class HttpHeaders {
 public:
  /// Throws std::bad_alloc when libcurl cannot allocate the list.
  explicit HttpHeaders(std::vector<std::string> lines);
  ~HttpHeaders();
  HttpHeaders(const HttpHeaders&) = delete;
  HttpHeaders& operator=(const HttpHeaders&) = delete;

  /// The header lines as sent (the two defaults included).
  [[nodiscard]] const std::vector<std::string>& lines() const noexcept { return lines_; }
  /// libcurl's curl_slist of the lines (opaque here; read-only for libcurl).
  [[nodiscard]] void* curl_list() const noexcept { return list_; }

 private:
  std::vector<std::string> lines_;
  void* list_ = nullptr;
};

/// Takes a 200 answer's body piece by piece as it arrives, instead of HttpResponse::body (see
/// "Bodies" above). Its functions run on the loop thread, inside libcurl's write callback: they
/// must not call libcurl or the HttpClient, nor block. Any thread may hold one.
class BodySink {
 public:
  virtual ~BodySink() = default;
  /// A 200 answer's body begins (once per attempt, before its first piece; a retried request
  /// starts again from the first byte). `gzip`: Content-Encoding says gzip.
  virtual void begin(bool gzip) = 0;
  /// False when the sink holds as much as it wants: the piece is not taken and the transfer
  /// pauses until HttpClient::resume() (then the same piece comes again).
  virtual bool accept(std::string_view piece) = 0;
};

struct HttpRequest {
  std::string method = "GET";  ///< GET, POST, PUT, DELETE, HEAD, ...
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"; never logged unredacted, never in errors
  /// When set, sent instead of `headers` (which is then ignored): a list built once and shared.
  std::shared_ptr<const HttpHeaders> shared_headers;
  std::string body;                      ///< sent for any method when non-empty (always for POST)
  std::chrono::milliseconds timeout{0};  ///< whole transfer, from start(); 0 = none
  /// Limit once handed to libcurl (time queued does not count); 0 = none.
  std::chrono::milliseconds attempt_timeout{0};
  /// Fails the transfer (timeout) when no byte arrives for this long, rounded up to whole
  /// seconds (libcurl's low-speed limit); 0 = never. Includes the wait for the first byte.
  std::chrono::milliseconds stall_timeout{0};
  /// The queueing lane (0 .. kMaxLanes-1; larger values use the last lane).
  std::size_t lane = 0;
  /// When set, a 200 answer's body goes here piece by piece and HttpResponse::body stays empty
  /// (other statuses' bodies are kept in HttpResponse::body as usual, for the error handling).
  std::shared_ptr<BodySink> sink;
};

/// A response's header fields in one buffer: names lower-case, values trimmed, in the order
/// received. A typical response's fields cost two allocations (the text and its index), where a
/// string per name and per value cost a dozen. Iterating yields (name, value) pairs of views
/// into the list, valid until it is next changed.
class HttpHeaderFields {
 public:
  using Field = std::pair<std::string_view, std::string_view>;

  class Iterator {
   public:
    using value_type = Field;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Iterator(const HttpHeaderFields* fields, std::size_t index) noexcept
        : fields_(fields), index_(index) {}
    Field operator*() const noexcept { return (*fields_)[index_]; }
    Iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }

   private:
    const HttpHeaderFields* fields_ = nullptr;
    std::size_t index_ = 0;
  };

  /// Appends a field; `name` is stored lower-case. Throws std::bad_alloc, std::length_error
  /// (past 4 GiB of header text).
  void add(std::string_view name, std::string_view value);
  void clear() noexcept {
    text_.clear();
    spans_.clear();
  }
  [[nodiscard]] bool empty() const noexcept { return spans_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return spans_.size(); }
  [[nodiscard]] Field operator[](std::size_t index) const noexcept {
    const Span& span = spans_[index];
    const std::string_view text(text_);
    return {text.substr(span.name_at, span.name_size),
            text.substr(span.name_at + span.name_size, span.value_size)};
  }
  /// The first field with that (lower-case) name's value, or "" when absent.
  [[nodiscard]] std::string_view find(std::string_view lower_name) const noexcept;
  [[nodiscard]] Iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] Iterator end() const noexcept { return {this, spans_.size()}; }

 private:
  struct Span {
    std::uint32_t name_at = 0;  // the value follows the name
    std::uint32_t name_size = 0;
    std::uint32_t value_size = 0;
  };
  std::string text_;
  std::vector<Span> spans_;
};

struct HttpResponse {
  int status = 0;
  /// Only the last response's headers (not those of a "100 Continue").
  HttpHeaderFields headers;
  /// As received: still gzip'd when Content-Encoding is gzip.
  std::string body;
  /// The first header with that (lower-case) name, or "" when absent.
  [[nodiscard]] std::string_view header(std::string_view lower_name) const;
  /// True when Content-Encoding says gzip: `body` must be inflated before use.
  [[nodiscard]] bool is_gzip() const;
  /// libcurl's total time for the transfer (name lookup to last byte), in seconds.
  double total_seconds = 0;
};

struct HttpClientOptions {
  /// TCP + TLS connect timeout.
  std::chrono::milliseconds connect_timeout{15000};
  /// Trusted CAs (PEM file). Empty: the system store (libcurl's built-in CA directory and bundle;
  /// see "TLS" above).
  std::string ca_file;
  /// Where the system store is; empty: libcurl's compile-time defaults (default_ca_bundle(),
  /// default_ca_directory()). Tests point them at a store of their own.
  std::string system_ca_bundle;
  std::string system_ca_directory;
  /// Most transfers of a lane handed to libcurl at once; more wait in the lane's FIFO queue.
  /// Values < 1 mean 1.
  int max_in_flight = 256;
  /// Per-lane limits: lane i uses lane_limits[i] when present and > 0, else max_in_flight.
  std::vector<int> lane_limits;
  /// Largest response body accepted (as received, i.e. compressed when gzip'd).
  std::uint64_t max_response_bytes = std::uint64_t{512} * 1024 * 1024;
  /// Sent as User-Agent when not empty.
  std::string user_agent;
  /// Log each exchange at debug level: method, URL, status, sizes, headers (credentials
  /// redacted) and a short prefix of text bodies.
  bool trace = false;
  /// Verify the server's certificate and host name. Only tests against self-made servers turn
  /// this off.
  bool verify_tls = true;
};

class HttpClient {
 public:
  using TransferId = std::uint64_t;
  using Callback = std::function<void(sfq::Result<HttpResponse>)>;
  static constexpr std::size_t kMaxLanes = 4;
  /// The largest header block (status line, header lines, the blank line; every block of an
  /// attempt counted, 1xx included) accepted from a server; past it the transfer fails with a
  /// protocol error. The SQL API sends well under 2 KiB.
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

  /// Initialises libcurl once per process (and ignores SIGPIPE if nobody handles it) and creates
  /// the multi handle. Throws sfq::Error (transport) if libcurl cannot be initialised.
  HttpClient(EventLoop& loop, HttpClientOptions options);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) = delete;
  HttpClient& operator=(HttpClient&&) = delete;

  /// Starts (or queues) a request; `done` gets the response — any HTTP status, including 4xx and
  /// 5xx — or an error: transport (connect, reset, TLS), timeout (request.timeout ran out) or
  /// protocol (body too large). Never 0, never reused.
  TransferId start(HttpRequest request, Callback done);

  /// Removes the transfer, queued or running; its callback is never called. Unknown or finished
  /// ids are ignored. Removing a running HTTP/1.1 transfer closes its connection.
  void cancel(TransferId id);

  /// Resumes a transfer paused by its BodySink (accept() returned false); the held piece may be
  /// delivered from inside this call. Unknown, finished or unpaused transfers are ignored.
  void resume(TransferId id);
  /// Whether any byte of the request may have reached the server: false while it waits in its
  /// lane's queue or while libcurl is still resolving, connecting or shaking hands; true once
  /// the connection is ready to carry it (and for unknown ids: finished or cancelled ones).
  /// Errors of transfers that ended before that carry ErrorDetail::cannot_connect.
  [[nodiscard]] bool request_sent(TransferId id) const;

  /// Transfers handed to libcurl, and transfers waiting for a slot. Any thread.
  [[nodiscard]] std::size_t in_flight() const noexcept;
  [[nodiscard]] std::size_t queued() const noexcept;
  /// Sockets watched for libcurl now, and sockets libcurl has closed (each unwatched before
  /// its close). Loop thread only.
  [[nodiscard]] std::size_t watched_sockets() const noexcept;
  [[nodiscard]] std::uint64_t sockets_closed() const noexcept;
  /// libcurl calls made off the loop thread (a bug: tests assert 0). Any thread.
  [[nodiscard]] std::uint64_t curl_calls_off_loop_thread() const noexcept;

  struct Transfer;  // internal; public only so that the C callbacks in the .cpp can name it

 private:
  struct MultiDeleter {
    void operator()(void* multi) const noexcept;
  };
  struct ShareDeleter {
    void operator()(void* share) const noexcept;
  };

  friend struct CurlCallbacks;

  // Counts (and asserts) when libcurl is about to be called off the loop thread.
  void check_thread(const char* where) noexcept;
  void promote_queued();
  [[nodiscard]] Status add_to_multi(Transfer& transfer);
  void on_socket_event(int fd, std::uint32_t revents);
  void on_curl_timer();
  void after_socket_action(int result);
  void collect_completions();
  void finish(Transfer& transfer, sfq::Result<HttpResponse> result);
  // Runs the callbacks of finished transfers; only ever called from the loop, outside libcurl.
  void deliver_completions();
  // Delivers at the next iteration: for completions that arise inside start() or cancel().
  void schedule_delivery();
  void expire_queued(TransferId id);
  void remove_from_multi(Transfer& transfer);
  // An easy handle for a new transfer: an idle one, else a new one with the fixed options. Null
  // when libcurl cannot allocate one.
  [[nodiscard]] void* take_easy_handle();
  // Sets the options every transfer of this client shares (a CURLcode): once per handle.
  [[nodiscard]] int set_fixed_options(void* easy) const;
  // Keeps a handle removed from the multi handle for the next transfer (up to kIdleEasyHandles),
  // else cleans it up.
  void return_easy_handle(void* easy) noexcept;

  // libcurl's socket and timer callbacks land here (loop thread, inside libcurl: no curl calls).
  int on_curl_socket(void* easy, int fd, int what) noexcept;
  int on_curl_timer_change(long timeout_ms) noexcept;
  // Arms the loop timer for libcurl's deadline `when` unless one is armed for earlier.
  void arm_curl_timer(EventLoop::Clock::time_point when);
  // CURLOPT_CLOSESOCKETFUNCTION: unwatches, then closes (see the definition for why).
  int on_curl_close_socket(int fd) noexcept;

  EventLoop& loop_;
  HttpClientOptions options_;
  // The CA bundle transfers name (options_.ca_file, else libcurl's built-in bundle when it
  // exists), and the CA directory of the system store ("" when ca_file is set or there is none):
  // see "TLS" above.
  std::string ca_bundle_;
  std::string ca_directory_;
  // The store over ca_directory_ (and, when needed, ca_bundle_) that every TLS connection shares
  // (see "TLS" above); null when libcurl reads the bundle instead. Declared before multi_, so
  // destroyed after the connections that verify against it.
  struct CaStoreDeleter {
    void operator()(SystemCaStore* store) const noexcept;
  };
  std::unique_ptr<SystemCaStore, CaStoreDeleter> ca_store_;
  // What the store is, for error messages.
  [[nodiscard]] std::string ca_store_description() const;
  // Declared before multi_, so destroyed after it: closing cached connections may still touch
  // the shared TLS session cache.
  std::unique_ptr<void, ShareDeleter> share_;
  std::unique_ptr<void, MultiDeleter> multi_;
  std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers_;
  // Easy handles of finished transfers, kept for the next ones: creating and cleaning up a handle
  // per request (its state, its buffers) was a large part of the I/O thread's allocations.
  static constexpr std::size_t kIdleEasyHandles = 64;
  std::vector<void*> idle_easy_;
  [[nodiscard]] std::size_t lane_limit(std::size_t lane) const noexcept;

  std::vector<std::deque<TransferId>> queues_;  // per lane: FIFO; cancelled ids are skipped
  std::vector<std::size_t> lane_in_flight_;     // per lane: transfers handed to libcurl
  std::vector<TransferId> done_;  // finished, callbacks not yet called (in completion order)
  std::unordered_map<int, std::uint32_t> sockets_;  // fd -> epoll events we watch it for
  std::vector<TransferId> broken_;                  // transfers whose socket could not be watched
  // libcurl's single timer: the deadline it asked for (none: no timer), and the loop timer armed
  // for it (0: none), due at curl_timer_due_, never after the deadline.
  std::optional<EventLoop::Clock::time_point> curl_deadline_;
  EventLoop::TimerId curl_timer_ = 0;
  EventLoop::Clock::time_point curl_timer_due_{};
  EventLoop::TimerId delivery_timer_ = 0;  // a pending schedule_delivery() (0: none)
  TransferId next_id_ = 1;
  std::uint64_t sockets_closed_ = 0;  // by libcurl, through on_curl_close_socket
  bool delivering_ = false;

  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::uint64_t> off_thread_calls_{0};
};

/// curl_global_init, exactly once per process (thread-safe). Also ignores SIGPIPE, once, if its
/// disposition is still the default (an application's own handler is left alone): libcurl with
/// CURLOPT_NOSIGNAL leaves SIGPIPE to the application. Throws sfq::Error if libcurl fails.
void ensure_curl_initialised();

/// The CA bundle file libcurl uses when none is configured (its compile-time default), or ""
/// when it has none or the file is not readable. Any thread.
[[nodiscard]] std::string default_ca_bundle();

/// The CA directory libcurl uses when none is configured (its compile-time default, e.g.
/// /etc/ssl/certs), or "" when it has none or it is not a readable directory. Any thread.
[[nodiscard]] std::string default_ca_directory();

/// libcurl easy handles alive in this process (created by any HttpClient and not yet cleaned
/// up, the idle ones a client keeps for reuse included): for tests that check nothing leaks.
/// Any thread.
[[nodiscard]] std::uint64_t live_easy_handles() noexcept;

/// Sets SIGPIPE to SIG_IGN if, and only if, it is still SIG_DFL. Returns true if it changed it.
bool ignore_sigpipe_if_default() noexcept;

}  // namespace sfq::detail
