// client_core.hpp — what one sfq::Client owns: the I/O loop and its HTTP client, the decode
// pool, the authenticator, and every running statement machine.
//
// Threads: `loop` runs the I/O thread. `http` and `machines` are touched only on it (created
// and destroyed there too). `pool` runs decode jobs. Everything else is immutable after start
// or atomic. Other threads reach the core by loop.post().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "auth/authenticator.hpp"
#include "decode/decode_pool.hpp"
#include "io/event_loop.hpp"
#include "io/http_client.hpp"
#include "sfq/client.hpp"
#include "sfq/options.hpp"
#include "sqlapi/retry.hpp"

namespace sfq::detail {

class StatementMachine;

/// One logical request (submit, poll, partition fetch, cancel, probe) with its retries.
struct RequestSpec {
  RequestKind kind = RequestKind::submit;
  std::string method = "GET";
  std::string url;
  std::string retry_url;  ///< used from the second attempt on (submit: adds retry=true)
  std::string body;
  /// No attempt runs past it and no retry starts after it (the statement's deadline, or the
  /// cancel's); max() = only the retry budget bounds the request.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Called on the loop when a retry is scheduled: the retry's number (from 1) and what the
  /// failed attempt saw.
  std::function<void(int retry, const std::string& failure)> on_retry;
  /// Streams every attempt's 200 body here (HttpRequest::sink); `done` then gets the response
  /// without its body.
  std::shared_ptr<BodySink> sink;
};

/// The HTTP lane of each request kind (HttpClient keeps a queue and a limit per lane).
[[nodiscard]] std::size_t lane_of(RequestKind kind) noexcept;

/// The final answer of a logical request: an HTTP response whose verdict is not "retry", or
/// the error that ended the retries.
using RequestDone = std::function<void(Result<HttpResponse>)>;

class ClientCore : public std::enable_shared_from_this<ClientCore> {
 public:
  explicit ClientCore(ConnectionOptions options);
  ~ClientCore();
  ClientCore(const ClientCore&) = delete;
  ClientCore& operator=(const ClientCore&) = delete;

  /// Starts the I/O thread and creates the HTTP client on it.
  void start();
  /// True once shutdown() began: statements not yet started never start.
  [[nodiscard]] bool closing() const noexcept { return closing_.load(); }
  /// Cancels every statement (on the server too, waiting up to `grace` for those answers),
  /// stops the decode pool, destroys the HTTP client on the loop and joins the loop.
  void shutdown(std::chrono::milliseconds grace);

  // ---- any thread ----
  [[nodiscard]] std::shared_ptr<Query::State> new_state(SubmitOptions options);
  /// Runs `task` on the loop thread; false once the loop has stopped.
  bool post(std::function<void()> task) { return loop_.post(std::move(task)); }

  // ---- loop thread ----
  /// Sends a request, retrying as the policy says; `done` runs on the loop thread unless the
  /// request is cancelled first.
  std::uint64_t send(RequestSpec spec, RequestDone done);
  void cancel_request(std::uint64_t request_id);
  /// Resumes the current attempt of a request whose BodySink paused it (HttpClient::resume).
  void resume_request(std::uint64_t request_id);
  /// Whether any byte of the request may have reached the server (an earlier attempt, or the
  /// current one once its connection was ready). False only while every attempt so far failed
  /// to connect and the current one, if any, is still queued or connecting. Unknown ids: true.
  [[nodiscard]] bool may_have_reached_server(std::uint64_t request_id) const;
  void add_machine(std::unique_ptr<StatementMachine> machine);
  [[nodiscard]] StatementMachine* machine(std::uint64_t query_id);
  void remove_machine(std::uint64_t query_id);
  EventLoop& loop() noexcept { return loop_; }
  /// The decode pool; null once shut down (loop thread only).
  DecodePool* pool() noexcept { return pool_.get(); }

  const ConnectionOptions& options() const noexcept { return options_; }
  const std::string& base_url() const noexcept { return base_url_; }
  [[nodiscard]] std::size_t prefetch_window(const SubmitOptions& submit) const;
  /// Bytes one query may hold ahead of its consumer (ConnectionOptions::streaming_budget_bytes).
  [[nodiscard]] std::uint64_t streaming_budget() const noexcept;
  [[nodiscard]] std::uint64_t max_response_bytes() const noexcept;
  [[nodiscard]] const BackoffPolicy& backoff() const noexcept { return backoff_; }
  /// How long one request keeps being retried (ConnectionOptions::retry_timeout or 5 min).
  [[nodiscard]] std::chrono::milliseconds retry_budget() const noexcept;

  struct Counters {
    std::atomic<std::uint64_t> requests_sent{0};
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> responses_by_class[6] = {};
    std::atomic<std::uint64_t> statements_submitted{0};
    std::atomic<std::uint64_t> statements_in_flight{0};
  };
  Counters counters;
  /// Counters; may be called from any thread (it asks the loop for curl's counter).
  [[nodiscard]] ClientStats stats();
  [[nodiscard]] std::uint64_t curl_calls_off_loop_thread();

 private:
  struct PendingRequest;
  void attempt(std::uint64_t request_id);
  void on_response(std::uint64_t request_id, Result<HttpResponse> response);

  const ConnectionOptions options_;
  const std::string base_url_;
  std::unique_ptr<Authenticator> auth_;
  EventLoop loop_;
  std::unique_ptr<DecodePool> pool_;
  std::unique_ptr<HttpClient> http_;                                             // loop thread only
  std::unordered_map<std::uint64_t, std::unique_ptr<PendingRequest>> requests_;  // loop thread
  std::unordered_map<std::uint64_t, std::unique_ptr<StatementMachine>> machines_;  // loop thread
  std::uint64_t next_request_id_ = 1;                                              // loop thread
  // The header lists of the current token (with and without a body), shared by every request
  // until the token changes (loop thread).
  std::shared_ptr<const std::string> headers_token_;
  std::shared_ptr<const HttpHeaders> headers_with_body_;
  std::shared_ptr<const HttpHeaders> headers_without_body_;
  [[nodiscard]] std::shared_ptr<const HttpHeaders> headers_for(
      const std::shared_ptr<const std::string>& authorization, bool has_body);
  std::atomic<std::uint64_t> next_query_id_{1};
  std::atomic<std::uint64_t> curl_off_loop_at_shutdown_{0};
  BackoffPolicy backoff_;
  std::atomic<bool> closing_{false};
  bool shut_down_ = false;
};

/// The body as text, gunzipped when the response says Content-Encoding: gzip.
[[nodiscard]] Result<std::string> response_text(const HttpResponse& response, std::uint64_t cap);

/// What an answer that is not the SQL API's own says (a proxy's or a load balancer's page, a
/// server reached on the wrong scheme), in one line: the first line of a text/plain body or the
/// <title> of a text/html page (`text`: the body as text); "" for any other type. Secrets
/// masked (redact()), printable ASCII only, each run of white space or other bytes as one space,
/// at most 200 characters (then "...").
[[nodiscard]] std::string foreign_body_summary(const HttpResponse& response, std::string_view text);

/// The Snowflake "code" of a small JSON error body, or "" (never fails).
[[nodiscard]] std::string snowflake_code(const HttpResponse& response);

}  // namespace sfq::detail
