// client.cpp — sfq::Client and sfq::Query: the public face of the statement machinery.
#include "sfq/client.hpp"

#include <algorithm>
#include <future>

#include "sqlapi/client_core.hpp"
#include "sqlapi/query_state.hpp"
#include "sqlapi/request.hpp"
#include "sqlapi/statement_machine.hpp"

namespace sfq {

using detail::ClientCore;
using detail::StatementMachine;

class Client::Impl {
 public:
  explicit Impl(ConnectionOptions options)
      : core(std::make_shared<ClientCore>(std::move(options))) {
    core->start();
  }
  ~Impl() { core->shutdown(std::chrono::seconds(2)); }

  Query start(std::shared_ptr<Query::State> state, StatementMachine::Start start) {
    core->counters.statements_submitted.fetch_add(1, std::memory_order_relaxed);
    ClientCore* raw = core.get();
    const bool posted = core->post([raw, state, start = std::move(start)]() mutable {
      raw->add_machine(std::make_unique<StatementMachine>(*raw, state, std::move(start)));
    });
    if (!posted) {
      {
        std::lock_guard lock(state->mutex);
        state->state = QueryState::failed;
        state->error = Error(ErrorCategory::cancelled, "the client is closed");
        state->complete_notified = true;
      }
      state->resolve_cancel(CancelOutcome::not_sent);
      StatementMachine::notify_complete(state);
    }
    std::shared_ptr<void> owner;
    if (!state->options.on_batch) {
      // Shared by the caller's copies of the handle: when the last one goes, nobody can read
      // the rows any more, so stop the query (and the statement on the server).
      owner = std::shared_ptr<void>(nullptr, [weak = std::weak_ptr<Query::State>(state)](void*) {
        if (auto abandoned = weak.lock()) Query(abandoned).cancel();
      });
    }
    return Query(std::move(state), std::move(owner));
  }

  std::shared_ptr<ClientCore> core;
};

Client::Client(ConnectionOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Query Client::submit(Statement statement, SubmitOptions options) {
  auto state = impl_->core->new_state(std::move(options));
  state->request_id =
      statement.request_id.empty() ? detail::new_request_id() : statement.request_id;
  StatementMachine::Start start;
  start.body = detail::build_statement_body(statement, impl_->core->options());
  start.async = statement.async;
  start.total_timeout = statement.total_timeout.value_or(impl_->core->options().total_timeout);
  return impl_->start(std::move(state), std::move(start));
}

QueryResult Client::execute(Statement statement) {
  Query query = submit(std::move(statement));
  return query.result();
}

Query Client::attach(std::string statement_handle, SubmitOptions options) {
  if (statement_handle.empty()) {
    throw Error(ErrorCategory::config, "attach needs a statement handle (query id)");
  }
  auto state = impl_->core->new_state(std::move(options));
  state->request_id = detail::new_request_id();
  StatementMachine::Start start;
  start.attach_handle = std::move(statement_handle);
  start.total_timeout = impl_->core->options().total_timeout;
  return impl_->start(std::move(state), std::move(start));
}

Status Client::cancel_statement(const std::string& statement_handle) {
  if (statement_handle.empty()) {
    return Error(ErrorCategory::config, "cancel needs a statement handle (query id)");
  }
  auto done = std::make_shared<std::promise<Status>>();
  auto future = done->get_future();
  ClientCore* core = impl_->core.get();
  const bool posted = core->post([core, statement_handle, done] {
    detail::RequestSpec spec;
    spec.kind = detail::RequestKind::cancel;
    spec.method = "POST";
    spec.url = detail::cancel_url(core->base_url(), statement_handle);
    spec.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    core->send(std::move(spec), [done, statement_handle](Result<detail::HttpResponse> response) {
      if (!response.ok()) {
        done->set_value(response.error());
        return;
      }
      const auto& r = response.value();
      if (r.status == 200) {
        done->set_value(Status());
        return;
      }
      ErrorInfo info;
      info.http_status = r.status;
      info.statement_handle = statement_handle;
      if (auto text = detail::response_text(r, 1 << 20); text.ok()) {
        if (auto body = detail::parse_status_body(text.value()); body.ok()) {
          info.code = body.value().code;
          info.sql_state = body.value().sql_state;
          info.message = body.value().message;
        }
      }
      info.category =
          r.status == 401 || r.status == 403 ? ErrorCategory::auth : ErrorCategory::server;
      if (info.message.empty()) info.message = "cancel answered HTTP " + std::to_string(r.status);
      done->set_value(Error(std::move(info)));
    });
  });
  if (!posted) return Error(ErrorCategory::cancelled, "the client is closed");
  return future.get();
}

const ConnectionOptions& Client::options() const noexcept { return impl_->core->options(); }

ClientStats Client::stats() const { return impl_->core->stats(); }

// ---------------------------------------------------------------------------------------------
// Query

std::string Query::statement_handle() const {
  std::lock_guard lock(state_->mutex);
  return state_->statement_handle;
}

std::string Query::request_id() const {
  std::lock_guard lock(state_->mutex);
  return state_->request_id;
}

QueryState Query::state() const {
  std::lock_guard lock(state_->mutex);
  return state_->state;
}

QueryProgress Query::progress() const {
  std::lock_guard lock(state_->mutex);
  return state_->progress_locked();
}

std::optional<Error> Query::error() const {
  std::lock_guard lock(state_->mutex);
  return state_->error;
}

bool Query::wait_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_until(lock, deadline,
                                    [this] { return state_->meta || state_->terminal(); });
}

bool Query::wait_done_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_until(lock, deadline, [this] { return state_->terminal(); });
}

ResultMeta Query::metadata() const {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [this] { return state_->meta || state_->terminal(); });
  if (state_->meta) return *state_->meta;
  if (state_->error) throw *state_->error;
  throw Error(ErrorCategory::protocol, "the statement finished without a result");
}

std::optional<RowBatch> Query::next_batch() {
  return next_batch_until(std::chrono::steady_clock::time_point::max());
}

std::optional<RowBatch> Query::next_batch_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mutex);
  if (state_->options.on_batch) {
    throw Error(ErrorCategory::config, "next_batch() cannot be used with an on_batch callback");
  }
  const auto ready = [this] {
    return !state_->ready.empty() || state_->all_queued() || state_->terminal();
  };
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    state_->changed.wait(lock, ready);
  } else if (!state_->changed.wait_until(lock, deadline, ready)) {
    throw Error(ErrorInfo{ErrorCategory::timeout,
                          "no batch arrived before the caller's deadline (the query goes on)", "",
                          "", state_->statement_handle, 0},
                ErrorDetail::client_deadline);
  }
  if (state_->state == QueryState::failed || state_->state == QueryState::cancelled) {
    throw state_->error.value_or(Error(ErrorCategory::cancelled, "cancelled"));
  }
  if (state_->ready.empty()) return std::nullopt;
  Query::State::Slice slice = std::move(state_->ready.front());
  state_->ready.pop_front();
  state_->held_bytes -= std::min(state_->held_bytes, static_cast<std::uint64_t>(slice.bytes));
  // The machine hears of it only when that can matter: a parked decode job to resume, or more
  // partitions to fetch. Once every partition is queued and nothing is parked, telling it would
  // only cost the I/O thread a wake-up per query.
  const bool tell_machine = !state_->all_queued() || !state_->parked.empty();
  lock.unlock();
  if (!tell_machine) return std::move(slice.batch);
  if (auto core = state_->core.lock()) {
    ClientCore* raw = core.get();
    const std::uint64_t id = state_->id;
    raw->post([raw, id, last = slice.last] {
      if (auto* machine = raw->machine(id)) machine->on_consumed(last);
    });
  }
  return std::move(slice.batch);
}

QueryResult Query::result() {
  QueryResult result;
  if (state_->options.on_batch) {
    wait_done_until(std::chrono::steady_clock::time_point::max());
    std::lock_guard lock(state_->mutex);
    if (state_->error) throw *state_->error;
  } else {
    while (auto batch = next_batch()) result.batches.push_back(std::move(*batch));
  }
  std::lock_guard lock(state_->mutex);
  if (state_->meta) result.meta = *state_->meta;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - state_->started);
  return result;
}

std::shared_future<CancelResult> Query::cancel() {
  {
    std::lock_guard lock(state_->mutex);
    // Ended already: the machine has set (or will set) how it ended.
    if (state_->terminal()) return state_->cancel_future;
    state_->state = QueryState::cancelled;
    state_->error = Error(
        ErrorInfo{ErrorCategory::cancelled, "cancelled", "", "", state_->statement_handle, 0});
  }
  state_->changed.notify_all();
  bool posted = false;
  if (auto core = state_->core.lock()) {
    ClientCore* raw = core.get();
    const std::uint64_t id = state_->id;
    posted = raw->post([raw, id] {
      if (auto* machine = raw->machine(id)) {
        machine->cancel(Error(ErrorCategory::cancelled, "cancelled"));
      }
    });
  }
  if (!posted) {
    // The client is gone; its shutdown cancelled whatever ran (and resolved the outcome).
    state_->resolve_cancel(CancelOutcome::not_confirmed,
                           Error(ErrorCategory::cancelled, "the client is closed"));
  }
  return state_->cancel_future;
}

std::string_view to_string(CancelOutcome outcome) noexcept {
  switch (outcome) {
    case CancelOutcome::not_sent:
      return "not_sent";
    case CancelOutcome::finished:
      return "finished";
    case CancelOutcome::cancelled_on_server:
      return "cancelled_on_server";
    case CancelOutcome::not_confirmed:
      return "not_confirmed";
  }
  return "unknown";
}

}  // namespace sfq
