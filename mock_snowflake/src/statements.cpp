// statements.cpp — the statement lifecycle: the answer a statement gives, the sync window, the
// request `timeout` deadlines, cancel, statement latency, and running statements (single and
// multi-statement) on the engine.
#include <algorithm>
#include <charconv>

#include "responses.hpp"
#include "server_impl.hpp"

namespace mock_snowflake {

using detail::Clock;
using detail::json_reply;
using detail::Reply;
using detail::Statement;
using http::HttpRequest;

namespace {

/// How long after a statement times out its held POST gets the 408.
constexpr std::chrono::seconds kTimeoutAnswerDelay{1};

/// Runs one statement on `connection`, catching whatever the engine throws.
engine::Outcome execute(engine::Connection& connection, std::string_view sql,
                        const engine::Bindings& bindings, engine::CancelToken& cancel,
                        detail::ResultBuilder& builder) {
  try {
    return connection.execute(sql, bindings, cancel, builder);
  } catch (const std::exception& error) {
    engine::Outcome outcome;
    outcome.error = engine::SqlError{"000603", "XX000",
                                     std::string("SQL execution internal error: ") + error.what()};
    return outcome;
  }
}

bool is_multi(Statement& statement) {
  std::lock_guard lock(statement.mutex);
  return statement.multi;
}

/// The real server runs multi-statement requests through a JavaScript procedure (SYSTEM$MULTISTMT),
/// so a failing statement comes back wrapped in its error (MULTI example).
engine::SqlError multi_statement_error(const std::string& text, const std::string& all,
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
      "JavaScript execution error: Uncaught Execution of multiple "
      "statements failed on "
      "statement \"" +
      shown + "\" (at line " + std::to_string(line) + ", position " +
      std::to_string(position - line_start) + ").\n" + e.message +
      " in SYSTEM$MULTISTMT at '    throw `Execution of multiple "
      "statements failed on statement "
      "{0} (at line {1}, position {2}).`.replace('{1}', LINES[i])' "
      "position 4\nstackstrace: "
      "\nSYSTEM$MULTISTMT line: 10";
  return error;
}

}  // namespace

/// The answer a statement gives right now.
Reply Server::Impl::statement_reply(const std::shared_ptr<Statement>& statement, bool for_post,
                                    const HttpRequest& req, const std::string& request_id) {
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
      return json_reply(422,
                        detail::failure_body("000604", "SQL execution canceled", "57014", handle));
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
    const std::string text = req.param("partition");
    long long value = -1;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < 0 ||
        static_cast<unsigned long long>(value) >= count) {
      return json_reply(400, detail::failure_body("391922",
                                                  "Invalid partition parameter. The partition "
                                                  "must be long type parsable and "
                                                  "between 0 and " +
                                                      std::to_string(count == 0 ? 0 : count - 1) +
                                                      ", but '" + text + "' is specified.",
                                                  "22023", handle));
    }
    partition = static_cast<std::size_t>(value);
  }
  Reply reply;
  if (partition == 0) {
    reply.body = detail::result_set_body(handle, statement->created_on, result,
                                         statement->child_handles, request_id);
  } else {
    // Later partitions are always gzip'd, whatever the client accepts (docs/SQL_API_NOTES.md §5).
    reply.body = result.partitions[partition].bytes;
    reply.gzipped = true;
    reply.vary = false;
  }
  reply.headers.emplace_back("Link", detail::link_header(handle, partition, count));
  return reply;
}

void Server::Impl::hold(const std::shared_ptr<Statement>& statement, std::function<void()> fire) {
  auto waiter = std::make_shared<detail::Waiter>();
  waiter->fire = std::move(fire);
  const auto trigger = [this, statement, waiter] {
    if (waiter->fired.exchange(true)) return;
    {
      std::lock_guard lock(waiters_mutex);
      if (const auto it = waiters.find(statement.get()); it != waiters.end()) {
        auto& list = it->second;
        list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
        if (list.empty()) waiters.erase(it);
      }
    }
    timers->cancel(waiter->timer);
    waiter->fire();
    waiter->fire = nullptr;
  };
  {
    // Registered before the state is checked: a statement finishing meanwhile either sees
    // the waiter or is seen below.
    std::lock_guard lock(waiters_mutex);
    waiter->timer =
        timers->schedule(Clock::now() + std::chrono::milliseconds(sync_window_ms.load()), trigger);
    waiters[statement.get()].push_back(waiter);
  }
  bool running = false;
  {
    std::lock_guard lock(statement->mutex);
    running = statement->state == StatementState::running;
  }
  if (!running || stopping.load() || waiter->timer == 0) trigger();
}

void Server::Impl::release_waiters(const Statement& statement) {
  std::vector<std::shared_ptr<detail::Waiter>> released;
  {
    std::lock_guard lock(waiters_mutex);
    const auto it = waiters.find(&statement);
    if (it == waiters.end()) return;
    released = std::move(it->second);
    waiters.erase(it);
  }
  for (const auto& waiter : released) {
    if (waiter->fired.exchange(true)) continue;
    timers->cancel(waiter->timer);
    waiter->fire();
    waiter->fire = nullptr;
  }
}

void Server::Impl::schedule_deadline(const std::shared_ptr<Statement>& statement) {
  int seconds = 0;
  {
    std::lock_guard lock(statement->mutex);
    seconds = statement->timeout_seconds;
  }
  timers->schedule(Clock::now() + std::chrono::seconds(seconds),
                   [this, weak = std::weak_ptr<Statement>(statement)] {
                     if (auto held = weak.lock()) expire(held, StatementState::timed_out);
                   });
}

/// Moves a running statement (and a multi-statement's children) to cancelled / timed out and tells
/// the engine to stop. True when it was running.
bool Server::Impl::expire(const std::shared_ptr<Statement>& statement, StatementState to) {
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
  start_delayed(statement.get());  // still held by statement latency: runs, sees the cancel
  for (const auto& child_handle : children) {
    if (auto child = store->find(child_handle)) {
      bool child_running = false;
      {
        std::lock_guard lock(child->mutex);
        child_running = child->finish(to);
      }
      if (child_running) {
        child->cancel.cancel();
        release_waiters(*child);
      }
    }
  }
  notify_observers();
  if (to == StatementState::timed_out) {
    // The real service answers a timed-out POST about a second after `timeout`.
    timers->schedule(Clock::now() + kTimeoutAnswerDelay,
                     [this, statement] { release_waiters(*statement); });
  } else {
    release_waiters(*statement);
  }
  return true;
}

/// Records the engine's outcome unless the statement was cancelled or timed out meanwhile.
void Server::Impl::complete(const std::shared_ptr<Statement>& statement,
                            const engine::Outcome& outcome, detail::ResultData result) {
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
  bool timed_out = false;
  {
    std::lock_guard lock(statement->mutex);
    timed_out = statement->state == StatementState::timed_out;
  }
  // A timeout's held requests are answered by expire()'s delayed release.
  if (!timed_out) release_waiters(*statement);
}

void Server::Impl::fail_now(const std::shared_ptr<Statement>& statement, engine::SqlError error) {
  {
    std::lock_guard lock(statement->mutex);
    statement->error = std::move(error);
    statement->finish(StatementState::failed);
  }
  store->finished(statement);
  notify_observers();
  release_waiters(*statement);
}

engine::Session Server::Impl::make_session(const detail::StatementRequest& request,
                                           bool multi) const {
  engine::Session session;
  session.account = options.account;
  session.user = options.user;
  session.role = request.role.empty() ? options.default_role : request.role;
  session.warehouse = request.warehouse.empty() ? options.default_warehouse : request.warehouse;
  if (!request.warehouse.empty() && request.warehouse != options.default_warehouse &&
      std::find(options.warehouses.begin(), options.warehouses.end(), request.warehouse) ==
          options.warehouses.end()) {
    // The real service opens the session without a warehouse when the named one does not exist
    // (or is spelled in another case): statements that need one fail with 000606.
    session.warehouse.clear();
  }
  session.database = request.database.empty() ? options.default_database : request.database;
  session.schema =
      request.schema.empty() && request.database.empty() ? options.default_schema : request.schema;
  session.parameters = request.parameters;
  session.multi_statement = multi;
  auto& user = session.user_properties;
  user.default_role = options.default_role;
  user.default_warehouse = options.default_warehouse;
  user.default_namespace = options.default_database;
  if (!options.default_database.empty() && !options.default_schema.empty()) {
    user.default_namespace += "." + options.default_schema;
  }
  // Read at each statement: the admin endpoint registers and removes keys at run time.
  auto slot1 = jwt->registered(1);
  auto slot2 = jwt->registered(2);
  user.rsa_public_key = std::move(slot1.public_key_base64);
  user.rsa_public_key_fp = std::move(slot1.fingerprint);
  user.rsa_public_key_2 = std::move(slot2.public_key_base64);
  user.rsa_public_key_2_fp = std::move(slot2.fingerprint);
  return session;
}

void Server::Impl::wake_delayed() {
  const auto now = Clock::now();
  const std::chrono::milliseconds latency(statement_latency_ms.load());
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(delayed_mutex);
    for (auto it = delayed.begin(); it != delayed.end();) {
      timers->cancel(it->second.timer);
      const auto at = it->second.since + latency + it->second.wait;
      if (at <= now || stopping.load()) {
        due.push_back(std::move(it->second.job));
        it = delayed.erase(it);
        continue;
      }
      it->second.timer = timers->schedule(at, [this, key = it->first] { start_delayed(key); });
      ++it;
    }
  }
  for (auto& job : due) enqueue_run(std::move(job));
}

void Server::Impl::start_delayed(const Statement* statement) {
  std::function<void()> job;
  {
    std::lock_guard lock(delayed_mutex);
    const auto it = delayed.find(statement);
    if (it == delayed.end()) return;
    timers->cancel(it->second.timer);
    job = std::move(it->second.job);
    delayed.erase(it);
  }
  enqueue_run(std::move(job));
}

void Server::Impl::launch(const std::shared_ptr<Statement>& statement, std::function<void()> job,
                          std::chrono::nanoseconds wait) {
  update_counters([](Counters& c) { ++c.statements_running; });
  const std::chrono::milliseconds latency(statement_latency_ms.load());
  if ((latency.count() <= 0 && wait.count() <= 0) || stopping.load()) {
    enqueue_run(std::move(job));
    return;
  }
  // Held on a timer, not a thread: the statement latency, then the statement's own constant
  // SYSTEM$WAITs (prepaid on its cancel token, so the engine does not wait again). The latency
  // is re-read when it changes (wake_delayed), so lowering it releases statements already
  // waiting (load tests gather a thousand in-flight statements this way, then let them all go).
  // A cancel or timeout starts the job at once (expire), and the engine reports it.
  if (wait.count() > 0) statement->cancel.prepay_wait(wait);
  std::lock_guard lock(delayed_mutex);
  auto& entry = delayed[statement.get()];
  entry.since = Clock::now();
  entry.wait = wait;
  entry.job = std::move(job);
  entry.timer = timers->schedule(entry.since + latency + wait,
                                 [this, key = statement.get()] { start_delayed(key); });
}

void Server::Impl::enqueue_run(std::function<void()> job) {
  if (!statement_pool->enqueue(std::move(job))) {
    // Only while stopping: the statement never runs (the caller's job owns it, so stop() has
    // cancelled it already).
    update_counters([](Counters& c) { --c.statements_running; });
  }
}

/// The statement thread: the engine, the outcome.
void Server::Impl::run(const std::shared_ptr<Statement>& statement,
                       const std::shared_ptr<const detail::StatementRequest>& request,
                       const std::vector<std::string>& texts, bool nullable) {
  const PartitionPolicy& policy = options.partitions;
  if (statement->cancel.cancelled()) {
    complete(statement, {}, {});
  } else if (!is_multi(*statement)) {
    engine::Outcome outcome;
    detail::ResultBuilder builder(policy, nullable);
    try {
      auto connection = engine->connect(make_session(*request, false));
      outcome = execute(*connection, texts.front(), request->bindings, statement->cancel, builder);
    } catch (const std::exception& error) {
      outcome.error = engine::SqlError{"000603", "XX000", error.what()};
    }
    complete(statement, outcome, builder.finish());
  } else {
    run_multi(statement, *request, texts, nullable);
  }
  update_counters([](Counters& c) { --c.statements_running; });
}

void Server::Impl::run_multi(const std::shared_ptr<Statement>& parent,
                             const detail::StatementRequest& request,
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

}  // namespace mock_snowflake
