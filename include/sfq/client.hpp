// sfq/client.hpp — the asynchronous Snowflake SQL API client.
//
// A Client owns one I/O thread, which drives every HTTP request through libcurl's multi interface
// from an epoll loop and runs every statement's state machine, a small pool of decode
// threads, which inflate and decode result partitions, and callback threads started as needed
// for on_batch. Nothing else touches the network.
//
//   sfq::Client client(options);                       // no network yet
//   sfq::Query q = client.submit(sfq::Statement("select ..."));   // returns at once
//   while (auto batch = q.next_batch()) { ... }        // rows arrive in order, memory bounded
//
// THREAD SAFETY: Client and Query are thread-safe; any thread may submit, wait, cancel or read
// progress. A Query's batches are consumed by one consumer (next_batch() or on_batch).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "sfq/error.hpp"
#include "sfq/options.hpp"
#include "sfq/result.hpp"
#include "sfq/statement.hpp"
#include "sfq/value.hpp"

namespace sfq {

namespace detail {
class StatementMachine;
}

enum class QueryState : std::uint8_t {
  queued,     ///< waiting for an HTTP slot or for the submission's answer
  running,    ///< the server is executing it (202 answered; polling)
  fetching,   ///< finished on the server; result partitions are being fetched and decoded
  succeeded,  ///< every batch has been delivered
  failed,     ///< error() says why
  cancelled,  ///< cancelled by the caller (also cancelled on the server)
};

[[nodiscard]] std::string_view to_string(QueryState state) noexcept;

struct QueryProgress {
  QueryState state = QueryState::queued;
  std::chrono::milliseconds elapsed{0};
  std::uint64_t rows_received = 0;  ///< rows decoded so far
  std::uint64_t total_rows = 0;     ///< numRows, once known
  /// Partitions whose last batch was delivered (a partition may arrive in several batches).
  std::size_t partitions_received = 0;
  std::size_t partitions_total = 0;  ///< once known
  /// Bytes of decoded batches waiting for the consumer now (bounded by the streaming budget).
  std::uint64_t bytes_held = 0;
  /// Retries of the submission so far while it is queued (cannot connect, 5xx, throttling),
  /// and what its last failed attempt saw, e.g. "cannot connect: ... (Connection refused)".
  std::uint32_t retries = 0;
  std::string last_failure;
};

/// What became of a cancel (Query::cancel(), or the library giving up on a statement).
enum class CancelOutcome : std::uint8_t {
  not_sent,             ///< the submission never left the client: nothing ran on the server
  finished,             ///< the statement had already finished (or failed) on the server; only
                        ///< the client's transfers stopped
  cancelled_on_server,  ///< the server confirmed the cancel (HTTP 200 to .../cancel)
  not_confirmed,        ///< the cancel could not be confirmed (CancelResult::error says why):
                        ///< the statement may still be running on the server
};

/// "not_sent", "finished", "cancelled_on_server", "not_confirmed".
[[nodiscard]] std::string_view to_string(CancelOutcome outcome) noexcept;

struct CancelResult {
  CancelOutcome outcome = CancelOutcome::not_confirmed;
  /// not_confirmed: why (the cancel request's last failure, or why none could be sent).
  std::optional<Error> error;
  /// The statement handle when one was known.
  std::string statement_handle;
};

class Query;

/// Optional callbacks. They run on the library's threads: never call Query::next_batch() or
/// Client::execute() from them, and keep on_progress and on_complete short (they may run on the
/// I/O thread). A callback that throws fails its query with an Error naming it
/// (ErrorDetail::callback); on_complete still runs, once.
struct SubmitOptions {
  /// When set, every batch is pushed here, in order, one call at a time, instead of being queued
  /// for next_batch(). Runs on a callback thread of the Client's, never on a decode or I/O
  /// thread: a consumer that takes its time (or blocks) delays only its own query, whose
  /// partitions stop being decoded and fetched once it holds its streaming budget (a partition
  /// may come as several batches, as with next_batch()); other queries are fetched,
  /// decoded and delivered meanwhile. The Client starts such threads as needed (at most one per
  /// query delivering at that moment) and lets them go after 2 s without work.
  std::function<void(RowBatch&&)> on_batch;
  /// Called exactly once when the query reaches succeeded, failed or cancelled, after the last
  /// on_batch call has returned. Runs on the I/O thread (or, when the query ended while
  /// on_batch was running or about to run, on that callback thread, right after it returned).
  /// An exception from it is logged and dropped.
  std::function<void(const Query&)> on_complete;
  /// Called when the state changes and after each partition. Runs on the I/O thread.
  std::function<void(const QueryProgress&)> on_progress;
  /// Partitions fetched ahead of the consumer; 0 = the connection's prefetch_partitions.
  int prefetch_partitions = 0;
  /// attach(): deliver rows from this row index on (earlier partitions are not fetched; the
  /// first batch may start a little earlier, at its partition's first row).
  std::uint64_t start_row = 0;
  /// false: stop once the statement has finished and its metadata is known (no rows fetched).
  bool fetch_rows = true;
};

/// A submitted statement. A cheap, copyable handle; copies refer to the same statement.
/// When the last handle of a query that delivers through next_batch() (no on_batch callback) is
/// dropped before the query finished, the query is cancelled (on the server too): nobody could
/// read its rows any more. Queries with an on_batch callback keep running without a handle.
class Query {
 public:
  Query() = default;

  [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
  /// The statement handle (query id); empty until the server has assigned one.
  [[nodiscard]] std::string statement_handle() const;
  [[nodiscard]] std::string request_id() const;
  [[nodiscard]] QueryState state() const;
  [[nodiscard]] QueryProgress progress() const;
  /// Set once the query has failed or was cancelled.
  [[nodiscard]] std::optional<Error> error() const;

  /// Waits until the statement has finished on the server and its metadata is known (state
  /// fetching or later), or it failed. Returns false when the deadline passed first.
  bool wait_until(std::chrono::steady_clock::time_point deadline) const;
  bool wait_for(std::chrono::milliseconds timeout) const {
    return wait_until(std::chrono::steady_clock::now() + timeout);
  }
  /// Waits until the query is succeeded, failed or cancelled (every batch delivered or queued).
  bool wait_done_until(std::chrono::steady_clock::time_point deadline) const;

  /// Blocks until the metadata is known; throws Error when the query failed.
  [[nodiscard]] ResultMeta metadata() const;

  /// The next batch in row order; blocks until one is decoded. A partition may arrive as
  /// several batches (slices of about 1 MiB of its text; RowBatch::partition and first_row say
  /// where each belongs). std::nullopt after the last one. Throws Error when the query failed
  /// or was cancelled.
  [[nodiscard]] std::optional<RowBatch> next_batch();
  /// next_batch() that waits at most until `deadline`: then it throws Error (timeout,
  /// ErrorDetail::client_deadline). The query keeps running; cancel() it if it is not wanted.
  [[nodiscard]] std::optional<RowBatch> next_batch_until(
      std::chrono::steady_clock::time_point deadline);

  /// Drains the remaining batches into a QueryResult; throws Error on failure.
  [[nodiscard]] QueryResult result();

  /// Cancels: marks the query cancelled and stops every transfer at once, then asks the server
  /// to cancel the statement (retried like any control request, for up to 30 s). Returns at
  /// once; the future tells what happened (CancelResult) once it is known. A submission that
  /// has not left the client is dropped (not_sent); one that may have reached the server is
  /// resubmitted with retry=true&async=true to learn its handle (this never runs it twice),
  /// then cancelled. Idempotent: every call returns the same future. On a query that had
  /// already ended the future says how it ended (finished, or the outcome of the server-side
  /// cancel the library sent when it gave up on the statement).
  std::shared_future<CancelResult> cancel();

  struct State;  ///< implementation detail

 private:
  friend class Client;
  friend class detail::StatementMachine;
  explicit Query(std::shared_ptr<State> state) : state_(std::move(state)) {}
  Query(std::shared_ptr<State> state, std::shared_ptr<void> owner)
      : state_(std::move(state)), owner_(std::move(owner)) {}
  std::shared_ptr<State> state_;
  std::shared_ptr<void> owner_;  // shared by the caller's copies; cancels when the last goes
};

/// Counters for monitoring and tests.
struct ClientStats {
  std::uint64_t requests_sent = 0;
  std::uint64_t retries = 0;
  std::uint64_t responses_by_class[6] = {};  ///< index status/100 (0 = transport error)
  std::uint64_t statements_submitted = 0;
  std::uint64_t statements_in_flight = 0;
  std::uint64_t jwt_mints = 0;
  std::uint64_t curl_calls_off_loop_thread = 0;  ///< always 0: only the I/O thread touches curl
};

class Client {
 public:
  /// Validates the options and loads credentials (config and auth errors are thrown as
  /// sfq::Error); starts the I/O thread and the decode pool. Does not touch the network.
  explicit Client(ConnectionOptions options);
  /// Cancels queries still running (on the server too, briefly, best effort) and joins its I/O
  /// and decode threads. It never waits for an on_batch call: one still running when the Client
  /// is destroyed finishes on its own thread, with no further batch after it, followed by its
  /// query's on_complete; what those callbacks use must outlive them (capture it by value or
  /// shared_ptr, or wait for on_complete before destroying the Client).
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Submits a statement. Returns at once; never waits for the network.
  [[nodiscard]] Query submit(Statement statement, SubmitOptions options = {});

  /// Submits and waits for the whole result. Throws sfq::Error.
  [[nodiscard]] QueryResult execute(Statement statement);
  [[nodiscard]] QueryResult execute(std::string sql) { return execute(Statement(std::move(sql))); }

  /// Follows a statement submitted earlier (by anyone with the same credentials): polls it while
  /// it runs, then streams its result like submit() does.
  [[nodiscard]] Query attach(std::string statement_handle, SubmitOptions options = {});

  /// Asks the server to cancel a statement by handle (retried like any control request, for up
  /// to 30 s) and waits for the answer: ok when the server confirmed it.
  [[nodiscard]] Status cancel_statement(const std::string& statement_handle);

  [[nodiscard]] const ConnectionOptions& options() const noexcept;
  [[nodiscard]] ClientStats stats() const;

  class Impl;  ///< implementation detail

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfq
