// session.hpp — the MCP session: everything the server knows while it runs, and the requests in
// flight.
//
// Session receives every line from the reader thread (handle_line) and answers the cheap
// methods (initialize, server/discover, ping, tools/list, prompts, …) at once, on that thread.
// Requests that need Snowflake (tools/call, resources/read, completion/complete) become a Call:
// registered under its id, started on the executor, and answered whenever its statements report
// back — so a slow query never delays anything else. notifications/cancelled finishes a Call
// without an answer and cancels its statements on the server. Calls in flight and open
// subscriptions are capped (ServerConfig); past a cap a request gets a -32000 error naming it.
//
// Eras: a request whose params._meta carries io.modelcontextprotocol/protocolVersion is served
// statelessly under that (modern) revision; anything else follows the legacy revision that
// `initialize` negotiated (or the latest legacy one when the client skipped it).
//
// Ownership: Session owns the table of Calls; a Call is shared by the table, the executor tasks
// and the backend callbacks of its statements, and outlives none of Session, Backend, Output and
// Executor (the server stops those only after every Call has finished).
//
// Thread safety: handle_line()/handle_too_long()/finish_all() on the reader thread; Call methods
// from the executor and backend threads (each takes its own lock). Lock order: a Call's mutex may
// be held while sending to Output; the Session mutex is never held while taking a Call's.
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mcp/backend.hpp"
#include "mcp/executor.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/transport.hpp"

namespace sfq::mcp {

/// Caps on what a tool call may fetch and how long it may run.
struct Limits {
  std::size_t max_rows = 1000;  ///< the largest per-call `limit`
  /// The size of a tool result — its text blocks and structuredContent together, as JSON — that
  /// rows are cut to: what an agent can afford to put in its context window.
  std::size_t max_result_bytes = 24 * 1024;
  std::size_t max_cell_bytes = 8 * 1024;
  std::chrono::seconds default_timeout{120};
  std::chrono::seconds max_timeout{3600};
};

struct ServerConfig {
  std::string version = "0.0.0";
  /// Connection names a tool may pick with `connection`; the first is the default. Never empty.
  std::vector<std::string> connections = {"default"};
  Limits limits;
  bool allow_write = false;
  std::size_t max_message_bytes = 4u << 20;
  /// Requests that need Snowflake (tools/call, resources/read, completion/complete) in flight at
  /// once; more are refused with a JSON-RPC error.
  std::size_t max_calls_in_flight = 64;
  /// subscriptions/listen streams open at once; more are refused.
  std::size_t max_subscriptions = 16;
  /// Bytes of answers waiting for a client that does not read them; past it answers become short
  /// errors and no more requests are read until the client catches up.
  std::size_t max_queued_output_bytes = 8u << 20;
  /// At shutdown, how long a client may take no byte of our output before the rest is dropped
  /// and we exit (also: how long one that closed our input may read nothing before we stop).
  std::chrono::milliseconds output_drain_timeout{5000};
  /// How often a running statement reports progress (when the request asked for it).
  std::chrono::milliseconds progress_interval{1000};
};

/// MCP's log levels (RFC 5424), lowest first.
enum class McpLogLevel : std::uint8_t {
  debug,
  info,
  notice,
  warning,
  error,
  critical,
  alert,
  emergency
};

[[nodiscard]] std::optional<McpLogLevel> parse_mcp_log_level(std::string_view text);
[[nodiscard]] std::string_view to_string(McpLogLevel level);

class Session;
class ToolRegistry;

/// One request in flight that needs Snowflake.
class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(Session& session, std::string id, std::string method);

  // --- what the request said (set before the call starts, then read-only) -------------------
  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  [[nodiscard]] const std::string& method() const noexcept { return method_; }
  [[nodiscard]] const rapidjson::Value& params() const noexcept { return *params_; }
  [[nodiscard]] bool modern() const noexcept { return modern_; }
  /// "name version" of the client, from initialize or the request's _meta; may be empty.
  [[nodiscard]] const std::string& client() const noexcept { return client_; }
  /// Bytes the answer's era adds to every result (resultType and serverInfo for modern
  /// requests), so that a result budget can count them too.
  [[nodiscard]] std::size_t result_overhead() const;
  /// True when the request carried a progress token.
  [[nodiscard]] bool wants_progress() const noexcept { return progress_token_.has_value(); }
  /// True when the request's protocol revision has structuredContent and outputSchema
  /// (2025-06-18 and later); older clients get the text block only.
  [[nodiscard]] bool structured() const noexcept { return structured_; }
  [[nodiscard]] const ServerConfig& config() const noexcept;

  // --- for request handlers (run on the executor) ------------------------------------------
  /// Starts a statement (or follows one, with request.attach_handle); `then` runs on the
  /// executor with the outcome, unless the call has finished by then (cancelled, or answered
  /// because another statement failed). `observe`, when set, also runs on the executor with each
  /// progress report. Returns the statement (null when it failed at once). Handles of statements
  /// this call submits become the server's own (see knows_handle); followed ones never do.
  std::shared_ptr<Execution> run(RunRequest request,
                                 std::function<void(sfq::Result<ResultPage>)> then,
                                 std::function<void(const StatementProgress&)> observe = {});
  /// Stops following a statement of this call without cancelling it (its `then` never runs).
  void abandon(const std::shared_ptr<Execution>& execution);
  /// Runs `task` on the executor after `delay`, unless the call has finished by then.
  void after(std::chrono::milliseconds delay, std::function<void()> task);
  /// Cancels a statement by handle; `then` runs on the executor unless the call has finished.
  void cancel_statement(const std::string& connection, const std::string& handle,
                        std::function<void(sfq::Result<CancelOutcome>)> then);
  /// Answers with `result` (a JSON object). Later answers are ignored.
  void reply(std::string result);
  void reply_error(int code, std::string_view message, std::string_view data_json = {});
  /// Sends notifications/message when the client asked for this level (never after the answer).
  void log(McpLogLevel level, std::string_view message);
  /// Sends a notification that belongs to this request (never after the answer).
  void notify(std::string_view method, std::string_view params_json);
  /// The QUERY_TAG for a statement of this request: JSON naming the MCP client and the request.
  [[nodiscard]] std::string query_tag(std::string_view what) const;
  [[nodiscard]] bool finished() const;
  /// True for statement handles of statements this server has run.
  [[nodiscard]] bool knows_handle(const std::string& handle) const;
  /// The connection's configured database and schema (see Backend::connection_namespace).
  [[nodiscard]] ConnectionNamespace connection_namespace(const std::string& connection) const;

  // --- for the session ----------------------------------------------------------------------
  /// Finishes without an answer and cancels running statements (notifications/cancelled, EOF).
  void cancel();
  /// Sends a progress notification when the request carried a progressToken and a statement is
  /// running.
  void tick();

 private:
  friend class Session;

  void on_progress(const StatementProgress& progress);
  void send_progress_locked();
  void finish_locked(std::vector<std::shared_ptr<Execution>>& to_cancel);

  Session& session_;
  const std::string id_;
  const std::string method_;
  std::shared_ptr<rapidjson::Document> document_;  // owns params_
  const rapidjson::Value* params_ = nullptr;
  bool modern_ = false;
  bool structured_ = true;
  bool subscription_ = false;  // subscriptions/listen: counted apart, open until cancelled
  std::string client_;
  std::optional<std::string> progress_token_;  // canonical JSON
  std::optional<McpLogLevel> log_level_;       // modern: per request
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  mutable std::mutex mutex_;
  bool finished_ = false;
  std::uint64_t next_execution_ = 0;
  std::map<std::uint64_t, std::shared_ptr<Execution>> executions_;
  std::optional<StatementProgress> progress_;  // of the latest statement, while one runs
  std::int64_t last_progress_value_ = 0;
};

class Session {
 public:
  Session(ServerConfig config, Backend& backend, Output& output, Executor& executor);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// One received line.
  void handle_line(std::string_view line);
  /// A line longer than the message cap was skipped.
  void handle_too_long();
  /// Cancels every call in flight (their statements on the server too).
  void finish_all();
  /// Ends every open subscription (their streams end with the input that opened them).
  void finish_subscriptions();
  /// Waits until no call is in flight or `stop()` turns true (checked every few milliseconds);
  /// true when idle.
  bool wait_idle(const std::function<bool()>& stop);

  // --- for Calls ------------------------------------------------------------------------------
  [[nodiscard]] const ServerConfig& config() const noexcept { return config_; }
  [[nodiscard]] Backend& backend() noexcept { return backend_; }
  [[nodiscard]] Output& output() noexcept { return output_; }
  [[nodiscard]] Executor& executor() noexcept { return executor_; }
  [[nodiscard]] McpLogLevel legacy_log_level() const;
  [[nodiscard]] bool legacy_logging_enabled() const;
  /// The result object with the fields the request's era needs (resultType and serverInfo for
  /// modern requests; ttlMs/cacheScope when `cacheable`).
  [[nodiscard]] std::string decorate(std::string result, bool modern, bool cacheable) const;
  void forget(const std::string& id);
  /// The JSON-RPC error sent instead of an answer that does not fit in the output queue.
  [[nodiscard]] std::string output_full_error(const std::string& id) const;
  /// Statement handles this server has seen (the most recent ones; see kRememberedHandles).
  void remember_handle(const std::string& handle);
  [[nodiscard]] bool knows_handle(const std::string& handle) const;

 private:
  void handle_request(const Incoming& message);
  void handle_notification(const Incoming& message);
  void start_call(const Incoming& message, bool modern, std::string client,
                  std::function<void(std::shared_ptr<Call>)> start, bool subscription = false);
  /// The negotiated legacy revision has structuredContent (requires mutex_).
  [[nodiscard]] bool legacy_structured() const;
  void answer(const std::string& id, std::string result, bool modern, bool cacheable = false);
  void answer_error(const std::string& id, int code, std::string_view message,
                    std::string_view data_json = {});
  [[nodiscard]] std::string initialize_result(const rapidjson::Value& params);
  [[nodiscard]] std::string discover_result() const;
  [[nodiscard]] std::string capabilities_json(bool modern) const;
  [[nodiscard]] std::string server_info_json() const;
  void ticker();

  ServerConfig config_;
  Backend& backend_;
  Output& output_;
  Executor& executor_;
  std::unique_ptr<ToolRegistry> tools_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Call>> calls_;  // by canonical id
  std::size_t subscriptions_ = 0;                       // of calls_, subscriptions/listen
  std::condition_variable idle_;                        // calls_ became empty
  std::string legacy_version_;                          // negotiated by initialize
  std::string legacy_client_;                           // clientInfo of initialize
  std::atomic<int> legacy_log_level_{-1};               // -1: logging/setLevel not called
  std::set<std::string> handles_;                       // statement handles seen
  std::deque<std::string> handle_order_;                // oldest first, to bound handles_

  std::mutex ticker_mutex_;
  std::condition_variable ticker_wake_;
  bool ticker_stop_ = false;
  std::thread ticker_thread_;
};

}  // namespace sfq::mcp
