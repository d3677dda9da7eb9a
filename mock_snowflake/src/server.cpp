// server.cpp — the HTTP front of the emulator: routes, authentication, the statement lifecycle
// (sync window, async, polling, cancel, timeout, idempotent retry, multi-statement), partitions,
// injected faults, counters and the admin endpoint. SQL itself is the engine's (engine.hpp).
#include "mock_snowflake/server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "engine/engine.hpp"
#include "faults.hpp"
#include "jwt_verifier.hpp"
#include "request.hpp"
#include "responses.hpp"
#include "statement_store.hpp"
#include "util.hpp"
#include "worker_pool.hpp"

namespace mock_snowflake {

std::string_view to_string(StatementState state) {
  switch (state) {
    case StatementState::running:
      return "running";
    case StatementState::succeeded:
      return "succeeded";
    case StatementState::failed:
      return "failed";
    case StatementState::cancelled:
      return "cancelled";
    case StatementState::timed_out:
      return "timed_out";
  }
  return "running";
}

std::uint64_t Counters::requests_with(const std::string& endpoint, int status) const {
  const auto it = requests.find(endpoint);
  if (it == requests.end()) return 0;
  const auto count = it->second.find(status);
  return count == it->second.end() ? 0 : count->second;
}

std::uint64_t Counters::requests_to(const std::string& endpoint) const {
  const auto it = requests.find(endpoint);
  if (it == requests.end()) return 0;
  std::uint64_t total = 0;
  for (const auto& [status, count] : it->second) total += count;
  return total;
}

std::uint64_t Counters::executions_of(const std::string& request_id) const {
  const auto it = executions_by_request_id.find(request_id);
  return it == executions_by_request_id.end() ? 0 : it->second;
}

namespace {

using detail::Statement;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSubmitEndpoint = "POST /api/v2/statements";
constexpr std::string_view kStatusEndpoint = "GET /api/v2/statements/{handle}";
constexpr std::string_view kCancelEndpoint = "POST /api/v2/statements/{handle}/cancel";
constexpr std::string_view kJerseyServlet = "com.sun.jersey.spi.container.servlet.ServletContainer";
/// STATEMENT_TIMEOUT_IN_SECONDS' maximum, which `timeout: 0` selects.
constexpr std::int64_t kMaxStatementTimeout = 604800;

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

/// What a handler answers, before faults and transfer encoding are applied.
struct Reply {
  int status = 200;
  std::string body;
  bool gzipped = false;  ///< body is already gzip'd (later partitions)
  bool json = true;      ///< Content-Type: application/json, Vary
  std::vector<std::pair<std::string, std::string>> headers;
};

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply jersey_reply(int status, std::string_view message, const std::string& path) {
  std::string body = "{\"servlet\":\"" + std::string(kJerseyServlet) + "\",\"message\":";
  detail::append_json_string(body, message);
  body += ",\"url\":";
  detail::append_json_string(body, path);
  body += ",\"status\":\"" + std::to_string(status) + "\"}";
  return json_reply(status, std::move(body));
}

bool accepts_gzip(const httplib::Request& req) {
  const std::string header = req.get_header_value("Accept-Encoding");
  std::string_view rest = header;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = detail::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string_view coding = detail::trim(item.substr(0, semicolon));
    if (!detail::iequals(coding, "gzip") && coding != "*") continue;
    if (semicolon != std::string_view::npos) {
      std::string q(detail::trim(item.substr(semicolon + 1)));
      q.erase(std::remove(q.begin(), q.end(), ' '), q.end());
      if (q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000") continue;
    }
    return true;
  }
  return false;
}

bool is_true(const std::string& value) { return detail::iequals(value, "true"); }

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "::ffff:127.0.0.1";
}

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

std::string counters_json(const Counters& counters) {
  std::string out = "{\"requests\":{";
  bool first = true;
  for (const auto& [endpoint, statuses] : counters.requests) {
    if (!first) out += ",";
    first = false;
    detail::append_json_string(out, endpoint);
    out += ":{";
    bool first_status = true;
    for (const auto& [status, count] : statuses) {
      if (!first_status) out += ",";
      first_status = false;
      out += "\"" + std::to_string(status) + "\":" + std::to_string(count);
    }
    out += "}";
  }
  const auto map_json = [&out](const std::map<std::string, std::uint64_t>& map) {
    out += "{";
    bool first_entry = true;
    for (const auto& [name, count] : map) {
      if (!first_entry) out += ",";
      first_entry = false;
      detail::append_json_string(out, name);
      out += ":" + std::to_string(count);
    }
    out += "}";
  };
  out += "},\"executions\":" + std::to_string(counters.executions);
  out += ",\"executions_by_request_id\":";
  map_json(counters.executions_by_request_id);
  out += ",\"cancels_by_handle\":";
  map_json(counters.cancels_by_handle);
  out += ",\"statements_running\":" + std::to_string(counters.statements_running);
  out += ",\"statements_by_state\":";
  map_json(counters.statements_by_state);
  out += ",\"auth_failures\":";
  map_json(counters.auth_failures);
  out += ",\"faults_injected\":" + std::to_string(counters.faults_injected);
  out += ",\"in_flight_requests\":" + std::to_string(counters.in_flight_requests);
  out += ",\"max_in_flight_requests\":" + std::to_string(counters.max_in_flight_requests);
  out += ",\"statements_evicted\":" + std::to_string(counters.statements_evicted);
  out += "}";
  return out;
}

}  // namespace

struct Server::Impl {
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
  std::shared_ptr<detail::WorkerPool> http_pool;
  std::unique_ptr<httplib::Server> http;
  std::thread listen_thread;
  std::atomic<bool> listen_returned{false};
  int port = 0;
  bool tls = false;
  bool started = false;

  // Stop: wakes sleeping latencies and drips.
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;
  std::condition_variable stop_cv;

  // Statement latency: waiting statements, woken when it changes, on cancel and on stop.
  std::mutex latency_mutex;
  std::condition_variable latency_cv;

  // Counters (statements_by_state is computed from the store on demand).
  mutable std::mutex counters_mutex;
  mutable std::condition_variable counters_cv;
  Counters counters;
  std::uint64_t generation = 0;

  // Statement deadlines (the request's `timeout`), served by one timer thread.
  std::mutex timer_mutex;
  std::condition_variable timer_cv;
  std::multimap<Clock::time_point, std::weak_ptr<Statement>> deadlines;
  bool timer_stop = false;
  std::thread timer_thread;

  // ---------------------------------------------------------------- counters

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

  Counters snapshot() const {
    Counters copy;
    {
      std::lock_guard lock(counters_mutex);
      copy = counters;
    }
    if (store) copy.statements_by_state = store->count_by_state();
    return copy;
  }

  // ---------------------------------------------------------------- helpers

  /// Sleeps `duration` unless the server stops first.
  void pause(std::chrono::milliseconds duration) {
    if (duration.count() <= 0) return;
    std::unique_lock lock(stop_mutex);
    stop_cv.wait_for(lock, duration, [this] { return stopping.load(); });
  }

  std::chrono::system_clock::time_point now() const { return service_clock.now(); }

  /// Shuts down this server's side of a connection, found by the peer's address and port (or
  /// through the TLS session), so that the client sees the connection end.
  void close_connection(const httplib::Request& req) const {
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
  void close_all_connections() const {
    for (const int fd : open_descriptors()) {
      if (local_port(fd) == port && peer_of(fd)) ::shutdown(fd, SHUT_RDWR);
    }
  }

  // ---------------------------------------------------------------- auth

  std::optional<Reply> authenticate(const httplib::Request& req) {
    const auto fail = [this](std::string reason) {
      update_counters([&](Counters& c) { ++c.auth_failures[reason]; });
      if (options.verbose) std::cerr << "mock-snowflake: authentication failed: " << reason << '\n';
    };
    if (!req.has_header("Authorization")) {
      fail("missing_header");
      // The reference says 401; the real server answers 400 390146 (DBIMP doc).
      return json_reply(400, detail::error_body("390146", "Authorization header is missing."));
    }
    const std::string header = req.get_header_value("Authorization");
    if (header.size() < 7 || !detail::iequals(std::string_view(header).substr(0, 7), "Bearer ")) {
      fail("not_bearer");
      return json_reply(400, detail::error_body("390146", "Authorization header is missing."));
    }
    const std::string token(detail::trim(std::string_view(header).substr(7)));
    std::string type = detail::to_upper(
        detail::trim(req.get_header_value("X-Snowflake-Authorization-Token-Type")));
    if (type.empty()) {
      // "Snowflake determines the token type by examining the token."
      if (detail::JwtVerifier::looks_like_jwt(token)) {
        type = "KEYPAIR_JWT";
      } else {
        std::lock_guard lock(tokens_mutex);
        type = pats.count(token) != 0 ? "PROGRAMMATIC_ACCESS_TOKEN" : "OAUTH";
      }
    }
    const auto invalid_oauth = [&token] {
      const std::string tail = token.size() > 8 ? token.substr(token.size() - 8) : token;
      return json_reply(401,
                        detail::error_body("390303", "Invalid OAuth access token. ..." + tail));
    };
    if (type == "KEYPAIR_JWT") {
      const auto check = jwt->verify(token, now());
      if (check.ok) return std::nullopt;
      fail("jwt_" + check.reason);
      return json_reply(
          401, detail::error_body("390144", "JWT token is invalid. [" + detail::make_uuid() + "]"));
    }
    if (type == "OAUTH") {
      std::lock_guard lock(tokens_mutex);
      if (oauth_tokens.count(token) != 0) return std::nullopt;
      fail("oauth_unknown");
      return invalid_oauth();
    }
    if (type == "PROGRAMMATIC_ACCESS_TOKEN") {
      std::lock_guard lock(tokens_mutex);
      if (pats.count(token) != 0) return std::nullopt;
      fail("pat_unknown");
      return invalid_oauth();
    }
    fail("token_type");
    return invalid_oauth();
  }

  // ---------------------------------------------------------------- statements

  /// The answer a statement gives right now.
  Reply statement_reply(const std::shared_ptr<Statement>& statement, bool for_post,
                        const httplib::Request& req, const std::string& request_id) {
    std::unique_lock lock(statement->mutex);
    const std::string& handle = statement->handle;
    switch (statement->state) {
      case StatementState::running:
        return json_reply(202, detail::query_status_body(handle));
      case StatementState::failed: {
        const auto& error = statement->error.value_or(engine::SqlError{});
        return json_reply(422,
                          detail::failure_body(error.code, error.message, error.sql_state, handle));
      }
      case StatementState::cancelled:
        return json_reply(
            422, detail::failure_body("000604", "SQL execution canceled", "57014", handle));
      case StatementState::timed_out:
        return json_reply(
            for_post ? 408 : 422,
            detail::failure_body("000630", detail::timeout_message(statement->timeout_seconds),
                                 "57014", handle));
      case StatementState::succeeded:
        break;
    }
    const auto& result = statement->result;
    const std::size_t count = result.partitions.size();
    std::size_t partition = 0;
    if (!for_post && req.has_param("partition")) {
      const std::string text = req.get_param_value("partition");
      long long value = -1;
      const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
      if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < 0 ||
          static_cast<unsigned long long>(value) >= count) {
        return json_reply(
            400, detail::failure_body(
                     "391922",
                     "Invalid partition parameter. The partition must be long type parsable and "
                     "between 0 and " +
                         std::to_string(count == 0 ? 0 : count - 1) + ", but '" + text +
                         "' is specified.",
                     "22023", handle));
      }
      partition = static_cast<std::size_t>(value);
    }
    Reply reply;
    if (partition == 0) {
      reply.body = detail::result_set_body(handle, statement->created_on, result,
                                           statement->child_handles, request_id);
    } else {
      // Later partitions are always gzip'd, whatever the client accepts (DBIMP, HND).
      reply.body = result.partitions[partition].bytes;
      reply.gzipped = true;
    }
    reply.headers.emplace_back("Link", detail::link_header(handle, partition, count));
    return reply;
  }

  /// Waits for the statement to leave `running`, at most the sync window.
  void wait_sync_window(const std::shared_ptr<Statement>& statement) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(sync_window_ms.load());
    std::unique_lock lock(statement->mutex);
    statement->changed.wait_until(lock, deadline, [&] {
      return statement->state != StatementState::running || stopping.load();
    });
  }

  void schedule_deadline(const std::shared_ptr<Statement>& statement) {
    int seconds = 0;
    {
      std::lock_guard lock(statement->mutex);
      seconds = statement->timeout_seconds;
    }
    {
      std::lock_guard lock(timer_mutex);
      deadlines.emplace(Clock::now() + std::chrono::seconds(seconds), statement);
    }
    timer_cv.notify_all();
  }

  void timer_loop() {
    std::unique_lock lock(timer_mutex);
    while (!timer_stop) {
      if (deadlines.empty()) {
        timer_cv.wait(lock);
        continue;
      }
      const auto next = deadlines.begin()->first;
      if (Clock::now() < next) {
        timer_cv.wait_until(lock, next);
        continue;
      }
      auto statement = deadlines.begin()->second.lock();
      deadlines.erase(deadlines.begin());
      if (!statement) continue;
      lock.unlock();
      expire(statement, StatementState::timed_out);
      lock.lock();
    }
  }

  /// Moves a running statement (and a multi-statement's children) to cancelled / timed out and
  /// tells the engine to stop. True when it was running.
  bool expire(const std::shared_ptr<Statement>& statement, StatementState to) {
    std::vector<std::string> children;
    bool was_running = false;
    {
      std::lock_guard lock(statement->mutex);
      was_running = statement->finish(to);
      children = statement->child_handles;
    }
    if (!was_running) return false;
    statement->cancel.cancel(to == StatementState::timed_out
                                 ? engine::CancelToken::Reason::timeout
                                 : engine::CancelToken::Reason::cancelled);
    wake_delayed();
    for (const auto& child_handle : children) {
      if (auto child = store->find(child_handle)) {
        bool child_running = false;
        {
          std::lock_guard lock(child->mutex);
          child_running = child->finish(to);
        }
        if (child_running) child->cancel.cancel();
      }
    }
    notify_observers();
    return true;
  }

  /// Records the engine's outcome unless the statement was cancelled or timed out meanwhile.
  void complete(const std::shared_ptr<Statement>& statement, const engine::Outcome& outcome,
                detail::ResultData result) {
    {
      std::lock_guard lock(statement->mutex);
      if (statement->state == StatementState::running) {
        if (statement->cancel.cancelled()) {
          statement->finish(statement->cancel.reason() == engine::CancelToken::Reason::timeout
                                ? StatementState::timed_out
                                : StatementState::cancelled);
        } else if (outcome.error) {
          statement->error = outcome.error;
          statement->finish(StatementState::failed);
        } else {
          result.stats = outcome.stats;
          statement->result = std::move(result);
          statement->finish(StatementState::succeeded);
        }
      }
    }
    const std::size_t evicted = store->finished(statement);
    update_counters([evicted](Counters& c) { c.statements_evicted += evicted; });
  }

  /// Runs one statement on `connection`, catching whatever the engine throws.
  engine::Outcome execute(engine::Connection& connection, std::string_view sql,
                          const engine::Bindings& bindings, engine::CancelToken& cancel,
                          detail::ResultBuilder& builder) {
    try {
      return connection.execute(sql, bindings, cancel, builder);
    } catch (const std::exception& error) {
      engine::Outcome outcome;
      outcome.error = engine::SqlError{
          "000603", "XX000", std::string("SQL execution internal error: ") + error.what()};
      return outcome;
    }
  }

  engine::Session make_session(const detail::StatementRequest& request, bool multi) const {
    engine::Session session;
    session.account = options.account;
    session.user = options.user;
    session.role = request.role.empty() ? options.default_role : request.role;
    session.warehouse = request.warehouse.empty() ? options.default_warehouse : request.warehouse;
    session.database = request.database.empty() ? options.default_database : request.database;
    session.schema = request.schema.empty() && request.database.empty() ? options.default_schema
                                                                        : request.schema;
    session.parameters = request.parameters;
    session.multi_statement = multi;
    return session;
  }

  void wake_delayed() {
    { std::lock_guard lock(latency_mutex); }
    latency_cv.notify_all();
  }

  /// Holds a statement for the configured statement latency. The latency is re-read whenever it
  /// changes, so lowering it releases statements already waiting (load tests gather a thousand
  /// in-flight statements this way, then let them all go).
  void statement_delay(Statement& statement) {
    const auto started_at = Clock::now();
    std::unique_lock lock(latency_mutex);
    for (;;) {
      const auto until = started_at + std::chrono::milliseconds(statement_latency_ms.load());
      if (statement.cancel.cancelled() || stopping.load() || Clock::now() >= until) return;
      latency_cv.wait_until(lock, until);
    }
  }

  static bool is_multi(Statement& statement) {
    std::lock_guard lock(statement.mutex);
    return statement.multi;
  }

  /// The statement thread: latency, the engine, the outcome.
  void run(const std::shared_ptr<Statement>& statement,
           const std::shared_ptr<const detail::StatementRequest>& request,
           const std::vector<std::string>& texts, bool nullable) {
    update_counters([](Counters& c) { ++c.statements_running; });
    statement_delay(*statement);
    const PartitionPolicy& policy = options.partitions;
    if (statement->cancel.cancelled()) {
      complete(statement, {}, {});
    } else if (!is_multi(*statement)) {
      engine::Outcome outcome;
      detail::ResultBuilder builder(policy, nullable);
      try {
        auto connection = engine->connect(make_session(*request, false));
        outcome =
            execute(*connection, texts.front(), request->bindings, statement->cancel, builder);
      } catch (const std::exception& error) {
        outcome.error = engine::SqlError{"000603", "XX000", error.what()};
      }
      complete(statement, outcome, builder.finish());
    } else {
      run_multi(statement, *request, texts, nullable);
    }
    update_counters([](Counters& c) { --c.statements_running; });
  }

  void run_multi(const std::shared_ptr<Statement>& parent, const detail::StatementRequest& request,
                 const std::vector<std::string>& texts, bool nullable) {
    engine::Outcome parent_outcome;
    std::unique_ptr<engine::Connection> connection;
    try {
      connection = engine->connect(make_session(request, true));
    } catch (const std::exception& error) {
      parent_outcome.error = engine::SqlError{"000603", "XX000", error.what()};
    }
    std::size_t search_from = 0;
    for (std::size_t k = 0; connection && k < texts.size(); ++k) {
      if (parent->cancel.cancelled()) break;
      auto child = store->create("");
      StatementState parent_state;
      {
        std::lock_guard lock(parent->mutex);
        parent->child_handles.push_back(child->handle);
        parent_state = parent->state;
      }
      if (parent_state != StatementState::running) {
        std::lock_guard lock(child->mutex);
        child->finish(parent_state);  // cancelled between two statements
        child->cancel.cancel();
      }
      detail::ResultBuilder builder(options.partitions, nullable);
      engine::Outcome outcome;
      if (!child->cancel.cancelled()) {
        outcome = execute(*connection, texts[k], request.bindings, child->cancel, builder);
      }
      complete(child, outcome, builder.finish());
      StatementState child_state;
      std::optional<engine::SqlError> child_error;
      {
        std::lock_guard lock(child->mutex);
        child_state = child->state;
        child_error = child->error;
      }
      // Where the statement starts in the request text, for the real error's position.
      const auto at = request.statement.find(texts[k], search_from);
      const std::size_t position = at == std::string::npos ? search_from : at;
      if (at != std::string::npos) search_from = at + texts[k].size();
      if (child_state == StatementState::failed) {
        parent_outcome.error = multi_statement_error(texts[k], request.statement, position,
                                                     child_error.value_or(engine::SqlError{}));
        break;
      }
      if (child_state != StatementState::succeeded) {
        // A child cancelled or timed out on its own handle ends the whole request the same way.
        expire(parent, child_state);
        break;
      }
    }
    detail::ResultData summary;
    if (!parent_outcome.error) {
      engine::ColumnInfo column;
      column.name = "multiple statement execution";
      column.type = "text";
      column.length = 16777216;
      column.byte_length = 16777216;
      column.nullable = false;
      detail::ResultBuilder builder(options.partitions, true);
      builder.columns({column});
      builder.row({std::string("Multiple statements executed successfully.")});
      summary = builder.finish();
    }
    complete(parent, parent_outcome, std::move(summary));
  }

  /// The real server runs multi-statement requests through a JavaScript procedure
  /// (SYSTEM$MULTISTMT), so a failing statement comes back wrapped in its error (MULTI example).
  static engine::SqlError multi_statement_error(const std::string& text, const std::string& all,
                                                std::size_t position, const engine::SqlError& e) {
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < position && i < all.size(); ++i) {
      if (all[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    constexpr std::size_t kShown = 30;
    const std::string shown = text.size() > kShown ? text.substr(0, kShown) + "..." : text;
    engine::SqlError error;
    error.code = "100132";
    error.sql_state = "P0000";
    error.message =
        "JavaScript execution error: Uncaught Execution of multiple statements failed on "
        "statement \"" +
        shown + "\" (at line " + std::to_string(line) + ", position " +
        std::to_string(position - line_start) + ").\n" + e.message +
        " in SYSTEM$MULTISTMT at '    throw `Execution of multiple statements failed on statement "
        "{0} (at line {1}, position {2}).`.replace('{1}', LINES[i])' position 4\nstackstrace: "
        "\nSYSTEM$MULTISTMT line: 10";
    return error;
  }

  // ---------------------------------------------------------------- handlers

  Reply handle_submit(const httplib::Request& req) {
    if (req.get_header_value_count("Content-Type") > 1) {
      // Jersey rejects the request before the SQL API sees it (DBIMP-111).
      return jersey_reply(400, "Bad Request", req.path);
    }
    if (req.has_header("Content-Type")) {
      const std::string type = req.get_header_value("Content-Type");
      const std::string_view media = detail::trim(std::string_view(type).substr(0, type.find(';')));
      if (!media.empty() && !detail::iequals(media, "application/json")) {
        return jersey_reply(415, "Unsupported Media Type", req.path);
      }
    }
    if (auto failure = authenticate(req)) return std::move(*failure);

    auto request = std::make_shared<detail::StatementRequest>();
    const auto parsed = detail::parse_statement_request(req.body, *request);
    if (auto refusal = detail::refuse_submission(parsed, *request, *roles)) {
      return json_reply(refusal->status, std::move(refusal->body));
    }
    const std::string client_request_id = req.get_param_value("requestId");
    const bool async = is_true(req.get_param_value("async"));
    const bool nullable = !detail::iequals(req.get_param_value("nullable"), "false");

    // Idempotent retry: the same requestId with retry=true answers from the statement that
    // request started, never running it again.
    if (!client_request_id.empty() && is_true(req.get_param_value("retry"))) {
      if (auto existing = store->find_by_request_id(client_request_id)) {
        if (async) return json_reply(202, detail::query_status_body(existing->handle));
        wait_sync_window(existing);
        return statement_reply(existing, true, req, client_request_id);
      }
    }

    std::vector<std::string> texts = engine::Engine::split_statements(request->statement);
    if (texts.empty()) return json_reply(400, detail::empty_statement_body());
    long long wanted = 1;
    if (const auto it = request->parameters.find("MULTI_STATEMENT_COUNT");
        it != request->parameters.end()) {
      const std::string& text = it->second;
      const auto parsed = std::from_chars(text.data(), text.data() + text.size(), wanted);
      if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || wanted < 0) {
        return json_reply(400, detail::error_body(
                                   "390142", "Incoming request does not contain a valid payload."));
      }
    }
    auto statement = store->create(client_request_id);
    const std::string& request_id = statement->submission_request_id;
    {
      // Already visible to other requests (by requestId): written under its lock.
      std::lock_guard lock(statement->mutex);
      statement->multi = texts.size() > 1 || wanted > 1 || wanted == 0;
      if (request->timeout) {
        statement->timeout_seconds =
            static_cast<int>(*request->timeout == 0
                                 ? kMaxStatementTimeout
                                 : std::min<std::int64_t>(*request->timeout, kMaxStatementTimeout));
      }
    }
    if (wanted != 0 && static_cast<std::size_t>(wanted) != texts.size()) {
      fail_now(statement,
               {"000008", "0A000",
                "Actual statement count " + std::to_string(texts.size()) +
                    " did not match the desired statement count " + std::to_string(wanted) + "."});
      return statement_reply(statement, true, req, request_id);
    }
    if (texts.size() > 1 && !request->bindings.empty()) {
      // "Snowflake does not currently support variable binding in multi-statement SQL
      // requests." The real error code is not documented; this one is the emulator's.
      fail_now(statement, {"000002", "0A000",
                           "Unsupported feature: bind variables in a multi-statement request."});
      return statement_reply(statement, true, req, request_id);
    }
    if (request->timeout) schedule_deadline(statement);
    update_counters([&](Counters& c) {
      ++c.executions;
      if (!client_request_id.empty()) ++c.executions_by_request_id[client_request_id];
    });
    const bool queued =
        statement_pool->enqueue([this, statement, request, texts = std::move(texts), nullable] {
          run(statement, request, texts, nullable);
        });
    if (!queued) {
      expire(statement, StatementState::cancelled);
      store->finished(statement);
    }
    // async=true answers 202 even when the statement has already finished.
    if (async) return json_reply(202, detail::query_status_body(statement->handle));
    wait_sync_window(statement);
    return statement_reply(statement, true, req, request_id);
  }

  void fail_now(const std::shared_ptr<Statement>& statement, engine::SqlError error) {
    {
      std::lock_guard lock(statement->mutex);
      statement->error = std::move(error);
      statement->finish(StatementState::failed);
    }
    store->finished(statement);
    notify_observers();
  }

  Reply handle_status(const httplib::Request& req, const std::string& handle) {
    if (auto failure = authenticate(req)) return std::move(*failure);
    const auto statement = store->find(handle);
    if (!statement) {
      return json_reply(400, detail::failure_body("000709", "Statement " + handle + " not found",
                                                  "02000", handle));
    }
    std::string request_id = req.get_param_value("requestId");
    // Without its own requestId a GET repeats the submission's, as the real service does.
    if (request_id.empty()) request_id = statement->submission_request_id;
    return statement_reply(statement, false, req, request_id);
  }

  Reply handle_cancel(const httplib::Request& req, const std::string& handle) {
    if (auto failure = authenticate(req)) return std::move(*failure);
    const auto statement = store->find(handle);
    if (!statement) {
      return json_reply(422, detail::failure_body("000709", "Statement " + handle + " not found",
                                                  "02000", handle));
    }
    update_counters([&](Counters& c) { ++c.cancels_by_handle[handle]; });
    // Cancelling a finished statement is answered 200 as well (DBIMP-075); it stays finished.
    expire(statement, StatementState::cancelled);
    return json_reply(200, detail::cancel_body(handle));
  }

  // ---------------------------------------------------------------- admin

  Reply handle_admin(const httplib::Request& req) {
    if (!is_loopback(req.remote_addr)) {
      return json_reply(403, "{\"error\":\"the admin endpoint only answers loopback clients\"}");
    }
    const auto error = [](int status, const std::string& message) {
      std::string body = "{\"error\":";
      detail::append_json_string(body, message);
      body += "}";
      return json_reply(status, std::move(body));
    };
    const std::string& path = req.path;
    const std::string& method = req.method;
    if (auto answer = detail::fidelity_admin(method, path, req.body, *roles, service_clock)) {
      return json_reply(answer->status, std::move(answer->body));
    }
    if (path == "/__admin/counters" && method == "GET") {
      return json_reply(200, counters_json(snapshot()));
    }
    if (path == "/__admin/reset" && method == "POST") {
      faults.clear();
      reset();
      return json_reply(200, "{\"ok\":true}");
    }
    if (path == "/__admin/faults") {
      if (method == "GET") {
        std::string body = "{\"faults\":[";
        bool first = true;
        for (const auto& fault : faults.list()) {
          if (!first) body += ",";
          first = false;
          detail::append_fault_json(body, fault);
        }
        body += "]}";
        return json_reply(200, std::move(body));
      }
      if (method == "DELETE") {
        faults.clear();
        return json_reply(200, "{\"pending\":0}");
      }
      if (method == "POST") {
        rapidjson::Document document;
        document.Parse(req.body.data(), req.body.size());
        if (document.HasParseError()) return error(400, "the body is not JSON");
        std::vector<Fault> parsed;
        std::string message;
        const auto add = [&](const rapidjson::Value& value) {
          auto fault = detail::fault_from_json(value, message);
          if (!fault) return false;
          parsed.push_back(std::move(*fault));
          return true;
        };
        if (document.IsArray()) {
          for (const auto& value : document.GetArray()) {
            if (!add(value)) return error(400, message);
          }
        } else if (!add(document)) {
          return error(400, message);
        }
        for (auto& fault : parsed) faults.push(std::move(fault));
        return json_reply(200, "{\"pending\":" + std::to_string(faults.pending()) + "}");
      }
      return json_reply(405, "");
    }
    if (path == "/__admin/latency" && method == "POST") {
      rapidjson::Document document;
      document.Parse(req.body.data(), req.body.size());
      if (document.HasParseError() || !document.IsObject()) {
        return error(400, "the body must be a JSON object");
      }
      const auto set = [&](const char* name, std::atomic<std::int64_t>& target) {
        const auto it = document.FindMember(name);
        if (it == document.MemberEnd()) return true;
        if (!it->value.IsInt64() || it->value.GetInt64() < 0) return false;
        target = it->value.GetInt64();
        return true;
      };
      if (!set("request_ms", request_latency_ms) || !set("statement_ms", statement_latency_ms) ||
          !set("sync_window_ms", sync_window_ms)) {
        return error(400, "latencies are non-negative integers (milliseconds)");
      }
      wake_delayed();
      return json_reply(200,
                        "{\"request_ms\":" + std::to_string(request_latency_ms.load()) +
                            ",\"statement_ms\":" + std::to_string(statement_latency_ms.load()) +
                            ",\"sync_window_ms\":" + std::to_string(sync_window_ms.load()) + "}");
    }
    if (path == "/__admin/keys" && method == "POST") {
      rapidjson::Document document;
      document.Parse(req.body.data(), req.body.size());
      if (document.HasParseError() || !document.IsObject()) {
        return error(400, "the body must be a JSON object");
      }
      std::string fingerprint;
      if (const auto pem = document.FindMember("public_key"); pem != document.MemberEnd()) {
        if (!pem->value.IsString()) return error(400, "public_key must be a PEM string");
        int slot = 1;
        if (const auto s = document.FindMember("slot"); s != document.MemberEnd()) {
          if (!s->value.IsInt()) return error(400, "slot must be 1 or 2");
          slot = s->value.GetInt();
        }
        std::string message;
        const std::string text(pem->value.GetString(), pem->value.GetStringLength());
        if (!jwt->set_key(slot, text, message)) return error(400, message);
        fingerprint = detail::JwtVerifier::fingerprint(text);
      }
      if (const auto t = document.FindMember("oauth_token"); t != document.MemberEnd()) {
        if (!t->value.IsString()) return error(400, "oauth_token must be a string");
        std::lock_guard lock(tokens_mutex);
        oauth_tokens.emplace(t->value.GetString(), t->value.GetStringLength());
      }
      if (const auto t = document.FindMember("pat"); t != document.MemberEnd()) {
        if (!t->value.IsString()) return error(400, "pat must be a string");
        std::lock_guard lock(tokens_mutex);
        pats.emplace(t->value.GetString(), t->value.GetStringLength());
      }
      std::string body = "{\"ok\":true";
      if (!fingerprint.empty()) {
        body += ",\"fingerprint\":";
        detail::append_json_string(body, fingerprint);
      }
      return json_reply(200, body + "}");
    }
    static const std::regex kStatementPath(R"(/__admin/statements/([^/]+))");
    std::smatch match;
    if (method == "GET" && std::regex_match(path, match, kStatementPath)) {
      const auto statement = store->find(match[1].str());
      if (!statement) return error(404, "no such statement");
      std::lock_guard lock(statement->mutex);
      return json_reply(200, "{\"handle\":\"" + statement->handle + "\",\"state\":\"" +
                                 std::string(to_string(statement->state)) + "\"}");
    }
    return error(404, "no such admin resource");
  }

  void reset() {
    update_counters([](Counters& c) {
      const auto running = c.statements_running;
      const auto in_flight = c.in_flight_requests;
      c = Counters{};
      c.statements_running = running;
      c.in_flight_requests = in_flight;
      c.max_in_flight_requests = in_flight;
    });
  }

  // ---------------------------------------------------------------- dispatch

  /// Every request enters here (registered for every method and path).
  void dispatch(const httplib::Request& req, httplib::Response& res) {
    static const std::regex kStatusPath(R"(/api/v2/statements/([^/]+))");
    static const std::regex kCancelPath(R"(/api/v2/statements/([^/]+)/cancel)");
    const auto started_at = Clock::now();
    const std::string& path = req.path;

    if (path.rfind("/__admin/", 0) == 0 && options.admin_endpoint) {
      Reply reply = handle_admin(req);
      update_counters([&](Counters& c) { ++c.requests["admin"][reply.status]; });
      send(req, res, std::move(reply), std::nullopt);
      return;
    }

    update_counters([](Counters& c) {
      ++c.in_flight_requests;
      c.max_in_flight_requests = std::max(c.max_in_flight_requests, c.in_flight_requests);
    });

    // Route first: unknown paths are 404, known paths with another method 405 (empty body).
    std::smatch match;
    std::string endpoint = "other";
    std::function<Reply()> handler;
    if (path == "/api/v2/statements") {
      endpoint = std::string(kSubmitEndpoint);
      if (req.method == "POST") handler = [&] { return handle_submit(req); };
    } else if (std::regex_match(path, match, kCancelPath)) {
      endpoint = std::string(kCancelEndpoint);
      const std::string handle = match[1].str();
      if (req.method == "POST")
        handler = [this, &req, handle] { return handle_cancel(req, handle); };
    } else if (std::regex_match(path, match, kStatusPath)) {
      endpoint = std::string(kStatusEndpoint);
      const std::string handle = match[1].str();
      if (req.method == "GET")
        handler = [this, &req, handle] { return handle_status(req, handle); };
    }

    pause(std::chrono::milliseconds(request_latency_ms.load()));
    auto fault = faults.take(req.method, req.path, req.target);
    if (fault) update_counters([](Counters& c) { ++c.faults_injected; });

    Reply reply;
    if (fault && detail::effective_when(*fault) == FaultWhen::before) {
      reply = fault_reply(*fault);
    } else if (endpoint == "other") {
      reply = json_reply(404, "");
      reply.json = false;
    } else if (!handler) {
      reply = json_reply(405, "");
      reply.json = false;
    } else {
      reply = handler();
      if (fault && fault->kind == FaultKind::status) reply = fault_reply(*fault);
    }
    const int status = fault && fault->kind == FaultKind::close_before_headers ? 0 : reply.status;
    if (options.verbose) {
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at);
      std::cerr << "mock-snowflake: " << req.method << ' ' << req.target << " -> " << status
                << (fault ? " (fault " + std::string(detail::to_string(fault->kind)) + ")" : "")
                << ' ' << elapsed.count() << " ms\n";
    }
    if (accepts_gzip(req) && !reply.gzipped && !reply.body.empty() && reply.json &&
        !(fault && fault->kind == FaultKind::invalid_json)) {
      reply.body = detail::gzip(reply.body);
      reply.gzipped = true;
    }
    // Counted before anything reaches the client, so a client that has seen the answer (or the
    // closed connection) also sees it counted.
    update_counters([&](Counters& c) {
      ++c.requests[endpoint][status];
      --c.in_flight_requests;
    });
    send(req, res, std::move(reply), fault);
  }

  static Reply fault_reply(const Fault& fault) {
    Reply reply;
    reply.status = fault.kind == FaultKind::status ? fault.status : 500;
    if (!fault.body.empty()) {
      reply.body = fault.body;
    } else if (fault.status == 429) {
      reply.body = detail::error_body("390505", "Too many requests.");
    } else {
      reply.body = detail::error_body(std::to_string(fault.status),
                                      "Injected fault: HTTP " + std::to_string(fault.status) + ".");
    }
    if (fault.retry_after) {
      reply.headers.emplace_back("Retry-After", std::to_string(*fault.retry_after));
    }
    return reply;
  }

  /// Writes the reply through a content provider, which keeps cpp-httplib from compressing on
  /// its own (it would pick brotli) and lets faults cut or slow the body.
  void send(const httplib::Request& req, httplib::Response& res, Reply reply,
            const std::optional<Fault>& fault) {
    const FaultKind kind = fault ? fault->kind : FaultKind::status;
    if (fault && kind == FaultKind::close_before_headers) {
      close_connection(req);
      res.status = 500;
      return;
    }
    if (fault && kind == FaultKind::invalid_json) {
      // A 200 whose JSON stops in the middle, with a Content-Length that matches it.
      std::string text =
          reply.gzipped ? detail::gunzip(reply.body).value_or(reply.body) : reply.body;
      if (text.size() < 8) text = "{\"data\":[[\"1\"],[\"2\"]]}";
      text.resize(text.size() * 2 / 3);
      text += "<not json";
      reply.status = 200;
      reply.gzipped = accepts_gzip(req) || reply.gzipped;
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
                                 if (offset < half)
                                   sink.write(body->data() + offset, half - offset);
                                 return false;
                               });
    } else {  // slow_drip
      const std::size_t step = std::max<std::size_t>(fault->drip_bytes, 1);
      const auto interval = fault->drip_interval;
      res.set_content_provider(size, type,
                               [this, body, step, interval](std::size_t offset, std::size_t length,
                                                            httplib::DataSink& sink) {
                                 if (offset > 0) pause(interval);
                                 return sink.write(body->data() + offset, std::min(step, length));
                               });
    }
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->request_latency_ms = impl_->options.request_latency.count();
  impl_->statement_latency_ms = impl_->options.statement_latency.count();
  impl_->sync_window_ms = impl_->options.sync_window.count();
  impl_->jwt = std::make_unique<detail::JwtVerifier>(impl_->options.account, impl_->options.user,
                                                     impl_->options.jwt_clock_skew);
  for (const auto& token : impl_->options.oauth_tokens) impl_->oauth_tokens.insert(token);
  for (const auto& token : impl_->options.programmatic_access_tokens) impl_->pats.insert(token);
  for (const auto& fault : impl_->options.faults) impl_->faults.push(fault);
  impl_->service_clock.set_base(impl_->options.clock);
  impl_->service_clock.set_offset(impl_->options.clock_offset);
  std::vector<std::string> roles = impl_->options.granted_roles;
  roles.push_back(impl_->options.default_role);
  roles.emplace_back("PUBLIC");  // granted to every user
  impl_->roles = std::make_unique<detail::RoleGrants>(roles);
}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  Impl& impl = *impl_;
  if (impl.started || impl.stopping) {
    error = impl.started ? "the server is already started" : "a stopped server cannot restart";
    return false;
  }
  const auto& options = impl.options;
  if (options.public_keys_pem.size() > 2) {
    error = "at most two public keys (RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2)";
    return false;
  }
  for (std::size_t i = 0; i < options.public_keys_pem.size(); ++i) {
    std::string message;
    if (!impl.jwt->set_key(static_cast<int>(i + 1), options.public_keys_pem[i], message)) {
      error = "public key " + std::to_string(i + 1) + ": " + message;
      return false;
    }
  }
  for (const auto& fault : options.faults) {
    if (!detail::validate_fault(fault, error)) return false;
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    error = "TLS needs both a certificate and a key";
    return false;
  }
  try {
    engine::EngineOptions engine_options;
    engine_options.seed_sample_data = options.sample_data;
    engine_options.db_file = options.db_file;
    engine_options.csv_dir = options.csv_dir;
    engine_options.account = options.account;
    engine_options.user = options.user;
    impl.engine = std::make_unique<engine::Engine>(engine_options);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }

  // A client that disconnects mid-answer must not kill the process: cpp-httplib writes with
  // plain send(). Only the default disposition is replaced, never a handler someone installed.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    std::signal(SIGPIPE, SIG_IGN);
  }

  impl.store = std::make_unique<detail::StatementStore>(
      options.result_cache_bytes, options.max_statements, &impl.service_clock);
  impl.statement_pool = std::make_unique<detail::WorkerPool>(options.max_threads);
  impl.http_pool = std::make_shared<detail::WorkerPool>(options.max_threads);
  if (!options.tls_cert_file.empty()) {
    auto server = std::make_unique<WideBacklogServer<httplib::SSLServer>>(
        options.tls_cert_file.c_str(), options.tls_key_file.c_str());
    if (!server->is_valid()) {
      error = "cannot use TLS certificate '" + options.tls_cert_file + "' and key '" +
              options.tls_key_file + "'";
      return false;
    }
    impl.http = std::move(server);
    impl.tls = true;
  } else {
    impl.http = std::make_unique<WideBacklogServer<httplib::Server>>();
  }
  httplib::Server& http = *impl.http;
  auto pool = impl.http_pool;
  http.new_task_queue = [pool] { return new HttpTaskQueue(pool); };
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second emulator bind a port in
  // use and silently share its connections; keep only SO_REUSEADDR (restarts past TIME_WAIT).
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Headers and body go out in separate writes; with Nagle's algorithm on, the body then waits
  // for the client's delayed ACK (40 ms on Linux) on every kept-alive request.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(30);
  http.set_write_timeout(30);
  const auto handler = [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.dispatch(req, res);
  };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Delete(".*", handler);
  http.Patch(".*", handler);
  http.Options(".*", handler);
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(detail::error_body("000603", "Internal error in the emulator."),
                        "application/json");
      });

  impl.port = options.port == 0
                  ? http.bind_to_any_port(options.host)
                  : (http.bind_to_port(options.host, options.port) ? options.port : -1);
  if (impl.port <= 0) {
    error = "cannot listen on " + options.host + ":" + std::to_string(options.port);
    impl.http.reset();
    return false;
  }
  constexpr int kBacklog = 4096;
  if (impl.tls) {
    static_cast<WideBacklogServer<httplib::SSLServer>&>(http).widen_backlog(kBacklog);
  } else {
    static_cast<WideBacklogServer<httplib::Server>&>(http).widen_backlog(kBacklog);
  }
  impl.timer_thread = std::thread([&impl] { impl.timer_loop(); });
  impl.listen_returned = false;
  impl.listen_thread = std::thread([&impl] {
    impl.http->listen_after_bind();
    impl.listen_returned = true;
  });
  // httplib::Server::stop() does nothing until the listen loop has marked itself running, so a
  // stop() right after start() would leave it blocked in accept(): wait for that mark (this
  // cpp-httplib has no wait_until_ready()).
  while (!impl.http->is_running() && !impl.listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl.started = true;
  return true;
}

void Server::stop() {
  if (!impl_ || !impl_->started) return;
  Impl& impl = *impl_;
  impl.started = false;
  {
    std::lock_guard lock(impl.stop_mutex);
    impl.stopping = true;
  }
  impl.stop_cv.notify_all();
  impl.wake_delayed();
  for (const auto& statement : impl.store->running()) {
    impl.expire(statement, StatementState::cancelled);
  }
  impl.http->stop();
  impl.close_all_connections();
  impl.listen_thread.join();
  impl.http_pool->shutdown();
  // Requests that slipped in while stopping may have started statements: stop those too.
  for (const auto& statement : impl.store->running()) {
    impl.expire(statement, StatementState::cancelled);
  }
  impl.statement_pool->shutdown();
  {
    std::lock_guard lock(impl.timer_mutex);
    impl.timer_stop = true;
  }
  impl.timer_cv.notify_all();
  impl.timer_thread.join();
  impl.http.reset();
}

int Server::port() const { return impl_->port; }

std::string Server::base_url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port);
}

bool Server::add_public_key(std::string_view pem, int slot, std::string& error) {
  return impl_->jwt->set_key(slot, pem, error);
}

void Server::remove_public_key(int slot) { impl_->jwt->clear_key(slot); }

void Server::add_oauth_token(std::string token) {
  std::lock_guard lock(impl_->tokens_mutex);
  impl_->oauth_tokens.insert(std::move(token));
}

void Server::add_programmatic_access_token(std::string token) {
  std::lock_guard lock(impl_->tokens_mutex);
  impl_->pats.insert(std::move(token));
}

std::string Server::public_key_fingerprint(std::string_view pem) {
  return detail::JwtVerifier::fingerprint(pem);
}

void Server::inject_fault(Fault fault) { impl_->faults.push(std::move(fault)); }

void Server::clear_faults() { impl_->faults.clear(); }

std::size_t Server::pending_faults() const { return impl_->faults.pending(); }

void Server::set_request_latency(std::chrono::milliseconds latency) {
  impl_->request_latency_ms = latency.count();
}

void Server::set_statement_latency(std::chrono::milliseconds latency) {
  impl_->statement_latency_ms = latency.count();
  impl_->wake_delayed();
}

void Server::set_sync_window(std::chrono::milliseconds window) {
  impl_->sync_window_ms = window.count();
}

Counters Server::counters() const { return impl_->snapshot(); }

void Server::reset_counters() { impl_->reset(); }

std::optional<StatementState> Server::statement_state(const std::string& handle) const {
  if (!impl_->store) return std::nullopt;
  const auto statement = impl_->store->find(handle);
  if (!statement) return std::nullopt;
  std::lock_guard lock(statement->mutex);
  return statement->state;
}

std::optional<std::string> Server::statement_handle(const std::string& request_id) const {
  if (!impl_->store) return std::nullopt;
  const auto statement = impl_->store->find_by_request_id(request_id);
  if (!statement) return std::nullopt;
  return statement->handle;
}

bool Server::wait_until(const std::function<bool(const Counters&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(impl_->counters_mutex);
      seen = impl_->generation;
    }
    if (predicate(impl_->snapshot())) return true;
    std::unique_lock lock(impl_->counters_mutex);
    if (!impl_->counters_cv.wait_until(lock, deadline, [&] { return impl_->generation != seen; })) {
      lock.unlock();
      return predicate(impl_->snapshot());
    }
  }
}

}  // namespace mock_snowflake
