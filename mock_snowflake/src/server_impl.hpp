// server_impl.hpp — the emulator's shared state (Server::Impl) and the declarations of its parts.
//
// Server::Impl's members are defined in several files, one per concern:
//   server.cpp       the public Server API, start() and stop()
//   auth.cpp         authentication (key-pair JWT, OAuth, programmatic access tokens)
//   statements.cpp   the statement lifecycle: execution, completion, cancel, timeouts, latency
//   handlers.cpp     the SQL API endpoints (submit, status, cancel)
//   admin.cpp        the loopback-only /__admin/* endpoint
//   dispatch.cpp     routing, request latency, fault dispatch, gzip, request counters
//   front.cpp        joins dispatch() to the HTTP front (http/front.hpp); faults on the wire
//
// Thread safety: as documented on each member group below.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "faults.hpp"
#include "http/http_request.hpp"
#include "jwt_verifier.hpp"
#include "mock_snowflake/server.hpp"
#include "request.hpp"
#include "statement_store.hpp"
#include "timer_queue.hpp"
#include "worker_pool.hpp"

namespace mock_snowflake::http {
class Front;
struct WireReply;
}  // namespace mock_snowflake::http

namespace mock_snowflake {

namespace detail {

using Clock = std::chrono::steady_clock;

inline constexpr std::string_view kSubmitEndpoint = "POST /api/v2/statements";
inline constexpr std::string_view kStatusEndpoint = "GET /api/v2/statements/{handle}";
inline constexpr std::string_view kCancelEndpoint = "POST /api/v2/statements/{handle}/cancel";

/// What a handler answers, before faults and transfer encoding are applied.
struct Reply {
  int status = 200;
  std::string body;
  bool gzipped = false;  ///< body is already gzip'd (later partitions)
  bool json = true;      ///< Content-Type: application/json, Vary
  bool vary = true;      ///< false: no Vary header (partitions >= 1, as the real service)
  std::vector<std::pair<std::string, std::string>> headers;
};

/// A finished answer as the transport must put it on the wire: the reply, and the fault that
/// mangles it (none: send it as is).
struct Outgoing {
  Reply reply;
  std::optional<Fault> fault;
};

[[nodiscard]] Reply json_reply(int status, std::string body);
/// True when the request's Accept-Encoding admits gzip.
[[nodiscard]] bool accepts_gzip(const http::HttpRequest& req);
/// The body of the admin endpoint's GET /__admin/counters.
[[nodiscard]] std::string counters_json(const Counters& counters);
/// The bytes and connection fate of an answer, with `fault` applied (front.cpp); `date` is the
/// Date header's time.
[[nodiscard]] http::WireReply to_wire(const http::HttpRequest& req, Reply reply,
                                      const std::optional<Fault>& fault, std::time_t date);

/// A request held until its statement leaves `running` or the sync window ends, whichever
/// comes first; `fire` runs once.
struct Waiter {
  std::atomic<bool> fired{false};
  std::atomic<TimerQueue::Id> timer{0};  ///< set under waiters_mutex; read by the firing thread
  std::function<void()> fire;
};

}  // namespace detail

struct Server::Impl {
  using Reply = detail::Reply;
  using Outgoing = detail::Outgoing;
  using Statement = detail::Statement;
  using HttpRequest = http::HttpRequest;
  /// Receives a handler's answer; may be called from any thread, exactly once.
  using ReplyFn = std::function<void(Reply)>;
  /// Receives what to put on the wire; may be called from any thread, exactly once.
  using Responder = std::function<void(Outgoing)>;

  ServerOptions options;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<detail::JwtVerifier> jwt;
  // Session checks and the service's clock (request.hpp, jwt_verifier.hpp).
  detail::ServiceClock service_clock;
  std::unique_ptr<detail::RoleGrants> roles;
  mutable std::mutex tokens_mutex;
  std::set<std::string> oauth_tokens;
  std::set<std::string> pats;
  detail::FaultQueue faults;
  std::atomic<std::int64_t> request_latency_ms{0};
  std::atomic<std::int64_t> statement_latency_ms{0};
  std::atomic<std::int64_t> sync_window_ms{45'000};
  std::unique_ptr<detail::StatementStore> store;
  std::unique_ptr<detail::WorkerPool> statement_pool;
  std::unique_ptr<http::Front> front;
  int port = 0;
  bool tls = false;
  bool started = false;

  // Set once stop() begins: statements delayed by latency start at once, holds answer at once.
  std::atomic<bool> stopping{false};

  // Statements held by the statement latency or their SYSTEM$WAITs, by statement: when they
  // were accepted, the timer that starts them, and the job that runs them.
  struct Delayed {
    detail::Clock::time_point since;
    std::chrono::nanoseconds wait{0};  ///< the statement's prepaid SYSTEM$WAITs
    detail::TimerQueue::Id timer = 0;
    std::function<void()> job;
  };
  std::mutex delayed_mutex;
  std::map<const Statement*, Delayed> delayed;

  // Counters (statements_by_state is computed from the store on demand).
  mutable std::mutex counters_mutex;
  mutable std::condition_variable counters_cv;
  Counters counters;
  std::uint64_t generation = 0;

  // Statement deadlines, sync windows of held requests, request latency.
  std::unique_ptr<detail::TimerQueue> timers;

  // Requests held for a running statement, by statement.
  std::mutex waiters_mutex;
  std::map<const Statement*, std::vector<std::shared_ptr<detail::Waiter>>> waiters;

  ~Impl();

  // ------------------------------------------------------------ counters (server.cpp)
  template <class F>
  void update_counters(F&& change) {
    {
      std::lock_guard lock(counters_mutex);
      change(counters);
      ++generation;
    }
    counters_cv.notify_all();
  }
  void notify_observers() {
    update_counters([](Counters&) {});
  }
  [[nodiscard]] Counters snapshot() const;
  void reset();
  [[nodiscard]] std::chrono::system_clock::time_point now() const;

  // ------------------------------------------------------------ auth.cpp
  /// nullopt when the request is authenticated; else the answer to give.
  [[nodiscard]] std::optional<Reply> authenticate(const HttpRequest& req);

  // ------------------------------------------------------------ statements.cpp
  Reply statement_reply(const std::shared_ptr<Statement>& statement, bool for_post,
                        const HttpRequest& req, const std::string& request_id);
  /// Runs `fire` once the statement has left `running`, or when the sync window ends.
  void hold(const std::shared_ptr<Statement>& statement, std::function<void()> fire);
  /// Fires every request held for `statement` (after it left `running`).
  void release_waiters(const Statement& statement);
  void schedule_deadline(const std::shared_ptr<Statement>& statement);
  bool expire(const std::shared_ptr<Statement>& statement, StatementState to);
  void complete(const std::shared_ptr<Statement>& statement, const engine::Outcome& outcome,
                detail::ResultData result);
  void fail_now(const std::shared_ptr<Statement>& statement, engine::SqlError error);
  /// Re-reads the statement latency: starts the delayed statements now due (all when stopping)
  /// and re-arms the others.
  void wake_delayed();
  void start_delayed(const Statement* statement);
  /// Counts the statement as running and runs `job` on the statement pool once the statement
  /// latency and then `wait` (its constant SYSTEM$WAITs, engine::Engine::planned_wait) have
  /// passed, or at once when it is cancelled or times out meanwhile.
  void launch(const std::shared_ptr<Statement>& statement, std::function<void()> job,
              std::chrono::nanoseconds wait = {});
  void enqueue_run(std::function<void()> job);
  void run(const std::shared_ptr<Statement>& statement,
           const std::shared_ptr<const detail::StatementRequest>& request,
           const std::vector<std::string>& texts, bool nullable);
  void run_multi(const std::shared_ptr<Statement>& parent, const detail::StatementRequest& request,
                 const std::vector<std::string>& texts, bool nullable);
  [[nodiscard]] engine::Session make_session(const detail::StatementRequest& request,
                                             bool multi) const;

  // ------------------------------------------------------------ handlers.cpp
  void handle_submit(std::shared_ptr<const HttpRequest> req, ReplyFn done);
  /// An immediate answer, or nullopt with `held` set: answer from it after the sync window.
  std::optional<Reply> submit(const HttpRequest& req, std::shared_ptr<Statement>& held,
                              std::string& request_id);
  Reply handle_status(const HttpRequest& req, const std::string& handle);
  Reply handle_cancel(const HttpRequest& req, const std::string& handle);

  // ------------------------------------------------------------ admin.cpp
  Reply handle_admin(const HttpRequest& req);

  // ------------------------------------------------------------ dispatch.cpp
  void dispatch(std::shared_ptr<const HttpRequest> req, Responder respond);
  void serve(std::shared_ptr<const HttpRequest> req, std::string endpoint,
             std::function<void(ReplyFn)> handler, Responder respond);
  void finish(const HttpRequest& req, const std::string& endpoint, Reply reply,
              const std::optional<Fault>& fault, detail::Clock::time_point started_at,
              const Responder& respond);
  [[nodiscard]] static Reply fault_reply(const Fault& fault);

  // ------------------------------------------------------------ front.cpp
  /// Binds and starts serving; false with a message.
  bool start_front(std::string& error);
  void stop_front();
};

}  // namespace mock_snowflake
