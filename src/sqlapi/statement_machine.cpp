// statement_machine.cpp — one statement's life on the I/O thread (see the header's diagram).
#include "sqlapi/statement_machine.hpp"

#include <algorithm>

#include "sqlapi/client_core.hpp"
#include "sqlapi/request.hpp"
#include "util/log.hpp"

namespace sfq::detail {
namespace {

// The partition that holds row `start_row` (attach with an offset).
std::size_t partition_of_row(const ResultMeta& meta, std::uint64_t start_row) {
  std::uint64_t first = 0;
  for (std::size_t p = 0; p < meta.partitions.size(); ++p) {
    if (start_row < first + meta.partitions[p].row_count) return p;
    first += meta.partitions[p].row_count;
  }
  return meta.partitions.empty() ? 0 : meta.partitions.size() - 1;
}

std::size_t partition_count(const ResultMeta& meta) {
  return std::max<std::size_t>(1, meta.partitions.size());
}

ErrorCategory category_for(int status, const std::string& code) {
  switch (status) {
    case 408:
      return ErrorCategory::timeout;
    case 422:
      if (code == "000604") return ErrorCategory::cancelled;
      if (code == "000630") return ErrorCategory::timeout;
      return ErrorCategory::server;
    case 400:
      return code.empty() || code == "390142" ? ErrorCategory::protocol : ErrorCategory::server;
    case 401:
    case 403:
      return ErrorCategory::auth;
    default:
      return status >= 500 ? ErrorCategory::transport : ErrorCategory::protocol;
  }
}

// Hands a decoded batch to the consumer in partition order. Runs on decode workers.
void deliver_batch(ClientCore& core, const std::shared_ptr<Query::State>& state, RowBatch batch) {
  const std::uint64_t id = state->id;
  std::unique_lock lock(state->mutex);
  if (state->state == QueryState::failed || state->state == QueryState::cancelled) return;
  state->decoded.emplace(batch.partition, std::move(batch));
  if (!state->options.on_batch) {
    std::vector<std::size_t> queued;
    for (auto it = state->decoded.find(state->next_to_queue); it != state->decoded.end();
         it = state->decoded.find(state->next_to_queue)) {
      state->rows_received += it->second.rows;
      state->ready.push_back(std::move(it->second));
      queued.push_back(it->first);
      state->decoded.erase(it);
      ++state->next_to_queue;
      ++state->partitions_queued;
    }
    // The last batch is in the consumer's queue: the query has succeeded. The loop still runs
    // its completion (counters, on_complete) when it hears of the delivery.
    if (state->all_queued() && !state->terminal()) state->state = QueryState::succeeded;
    lock.unlock();
    state->changed.notify_all();
    for (const std::size_t partition : queued) {
      core.post([&core, id, partition] {
        if (auto* machine = core.machine(id)) machine->on_delivered(partition);
      });
    }
    return;
  }
  // Push mode: one thread at a time calls on_batch, in order.
  if (state->delivering) return;
  state->delivering = true;
  for (auto it = state->decoded.find(state->next_to_queue); it != state->decoded.end();
       it = state->decoded.find(state->next_to_queue)) {
    RowBatch next = std::move(it->second);
    state->decoded.erase(it);
    ++state->next_to_queue;
    state->rows_received += next.rows;
    const std::size_t partition = next.partition;
    lock.unlock();
    state->options.on_batch(std::move(next));
    lock.lock();
    ++state->partitions_queued;
    if (state->all_queued() && !state->terminal()) state->state = QueryState::succeeded;
    core.post([&core, id, partition] {
      if (auto* machine = core.machine(id)) {
        machine->on_delivered(partition);
        machine->on_consumed();
      }
    });
    if (state->state == QueryState::failed || state->state == QueryState::cancelled) break;
  }
  state->delivering = false;
  lock.unlock();
  state->changed.notify_all();
}

}  // namespace

StatementMachine::StatementMachine(ClientCore& core, std::shared_ptr<Query::State> state,
                                   Start start)
    : core_(core), state_(std::move(state)), id_(state_->id), start_(std::move(start)) {
  window_ = core_.prefetch_window(state_->options);
  std::lock_guard lock(state_->mutex);
  request_id_ = state_->request_id;
}

StatementMachine::~StatementMachine() { stop_io(); }

void StatementMachine::start() {
  core_.counters.statements_in_flight.fetch_add(1, std::memory_order_relaxed);
  if (start_.total_timeout.count() > 0) {
    const auto limit = start_.total_timeout;
    deadline_timer_ = core_.loop().add_timer(limit, [this, limit] {
      deadline_timer_ = 0;
      cancel(Error(ErrorCategory::timeout, "the statement did not finish within " +
                                               std::to_string(limit.count()) +
                                               " ms and was cancelled"));
    });
  }
  if (!start_.attach_handle.empty()) {
    remember_handle(start_.attach_handle);
    phase_ = Phase::polling;
    set_state(QueryState::running);
    poll();
    return;
  }
  submit(false, false);
}

void StatementMachine::send(RequestSpec spec, std::function<void(Result<HttpResponse>)> handler) {
  auto slot = std::make_shared<std::uint64_t>(0);
  *slot = core_.send(std::move(spec),
                     [this, slot, handler = std::move(handler)](Result<HttpResponse> response) {
                       requests_.erase(*slot);
                       handler(std::move(response));
                     });
  requests_.insert(*slot);
}

void StatementMachine::submit(bool probe_for_cancel, bool retry) {
  RequestSpec spec;
  spec.kind = RequestKind::submit;
  spec.method = "POST";
  const bool async = start_.async || probe_for_cancel;
  spec.url = submit_url(core_.base_url(), request_id_, {probe_for_cancel || retry, async});
  spec.retry_url = submit_url(core_.base_url(), request_id_, {true, async});
  spec.body = start_.body;
  if (probe_for_cancel) {
    send(std::move(spec), [this](Result<HttpResponse> response) {
      if (response.ok()) {
        const HttpResponse& r = response.value();
        if (auto text = response_text(r, 1 << 20); text.ok()) {
          if (auto status = parse_status_body(text.value()); status.ok()) {
            if (!status.value().statement_handle.empty()) {
              remember_handle(status.value().statement_handle);
            }
          }
        }
        if (r.status == 202) cancel_on_server();
      }
      retire();
    });
    return;
  }
  send(std::move(spec),
       [this](Result<HttpResponse> response) { on_submit_or_poll(std::move(response), false); });
}

void StatementMachine::poll() {
  RequestSpec spec;
  spec.kind = RequestKind::poll;
  spec.method = "GET";
  spec.url = status_url(core_.base_url(), handle_);
  send(std::move(spec),
       [this](Result<HttpResponse> response) { on_submit_or_poll(std::move(response), true); });
}

void StatementMachine::schedule_poll() {
  const auto delay = poll_delay(polls_++);
  poll_timer_ = core_.loop().add_timer(delay, [this] {
    poll_timer_ = 0;
    poll();
  });
}

void StatementMachine::on_submit_or_poll(Result<HttpResponse> response, bool was_poll) {
  if (phase_ == Phase::done) return;
  if (!response.ok()) {
    fail(response.error());
    return;
  }
  HttpResponse& r = response.value();
  switch (r.status) {
    case 200:
      handle_result_200(std::move(r));
      return;
    case 202:
      on_status_202(r);
      return;
    case 429:
      if (was_poll) {
        schedule_poll();
        return;
      }
      break;
    default:
      break;
  }
  fail(error_from_response(r, was_poll ? "polling the statement" : "submitting the statement"));
}

void StatementMachine::on_status_202(const HttpResponse& response) {
  auto text = response_text(response, core_.max_response_bytes());
  if (text.ok()) {
    if (auto status = parse_status_body(text.value());
        status.ok() && !status.value().statement_handle.empty()) {
      remember_handle(status.value().statement_handle);
    }
  }
  if (handle_.empty()) {
    fail(Error(ErrorInfo{ErrorCategory::protocol,
                         "the server answered 202 without a statement handle", "", "", "", 202}));
    return;
  }
  phase_ = Phase::polling;
  set_state(QueryState::running);
  schedule_poll();
}

void StatementMachine::handle_result_200(HttpResponse response) {
  DecodePool* pool = core_.pool();
  if (pool == nullptr) return;
  phase_ = Phase::fetching;
  ClientCore& core = core_;
  auto state = state_;
  const std::uint64_t cap = core_.max_response_bytes();
  const bool accepted = pool->submit([&core, state, cap, response = std::move(response)]() {
    const std::uint64_t id = state->id;
    auto text = response_text(response, cap);
    Result<ParsedResultSet> parsed =
        text.ok() ? parse_result_set(text.value()) : Result<ParsedResultSet>(text.error());
    if (!parsed.ok()) {
      core.post([&core, id, error = parsed.error()] {
        if (auto* machine = core.machine(id)) machine->on_first_decode_failed(error);
      });
      return;
    }
    ParsedResultSet& set = parsed.value();
    auto meta = std::make_shared<const ResultMeta>(std::move(set.meta));
    const std::size_t first = partition_of_row(*meta, state->options.start_row);
    {
      std::lock_guard lock(state->mutex);
      if (state->terminal()) return;
      state->meta = meta;
      if (state->statement_handle.empty()) state->statement_handle = meta->statement_handle;
      state->partitions_total = partition_count(*meta);
      state->next_to_queue = first;
      state->partitions_queued = first;
      if (state->state == QueryState::queued || state->state == QueryState::running) {
        state->state = QueryState::fetching;
      }
    }
    state->changed.notify_all();
    core.post([&core, id, meta, columns = set.columns] {
      if (auto* machine = core.machine(id)) machine->on_metadata(meta, columns);
    });
    if (first == 0 && state->options.fetch_rows) {
      deliver_batch(core, state, std::move(set.first_batch));
    }
  });
  if (!accepted) fail(Error(ErrorCategory::cancelled, "the client is closing"));
}

void StatementMachine::on_metadata(std::shared_ptr<const ResultMeta> meta, ColumnsPtr columns) {
  if (phase_ == Phase::done) return;
  meta_ = std::move(meta);
  columns_ = std::move(columns);
  if (handle_.empty()) remember_handle(meta_->statement_handle);
  partitions_total_ = partition_count(*meta_);
  first_rows_.assign(partitions_total_, 0);
  std::uint64_t row = 0;
  for (std::size_t p = 0; p < meta_->partitions.size(); ++p) {
    first_rows_[p] = row;
    row += meta_->partitions[p].row_count;
  }
  first_partition_ = partition_of_row(*meta_, state_->options.start_row);
  report_progress();
  if (!state_->options.fetch_rows) {
    conclude(QueryState::succeeded, std::nullopt);
    return;
  }
  // Partition 0 came with the metadata and is being delivered (unless skipped).
  outstanding_ = first_partition_ == 0 ? 1 : 0;
  next_fetch_ = std::max<std::size_t>(1, first_partition_);
  fetch_more();
}

void StatementMachine::fetch_more() {
  while (phase_ == Phase::fetching && next_fetch_ < partitions_total_ && outstanding_ < window_) {
    fetch_partition(next_fetch_++);
    ++outstanding_;
  }
}

void StatementMachine::fetch_partition(std::size_t partition) {
  RequestSpec spec;
  spec.kind = RequestKind::partition;
  spec.method = "GET";
  spec.url = status_url(core_.base_url(), handle_, partition);
  send(std::move(spec), [this, partition](Result<HttpResponse> response) {
    on_partition(partition, std::move(response));
  });
}

void StatementMachine::on_partition(std::size_t partition, Result<HttpResponse> response) {
  if (phase_ != Phase::fetching) return;
  if (!response.ok()) {
    fail(response.error().with_context("fetching partition " + std::to_string(partition)));
    return;
  }
  if (response.value().status != 200) {
    fail(error_from_response(response.value(), "fetching partition " + std::to_string(partition)));
    return;
  }
  DecodePool* pool = core_.pool();
  if (pool == nullptr) return;
  ClientCore& core = core_;
  auto state = state_;
  const std::uint64_t cap = core_.max_response_bytes();
  const std::uint64_t expected =
      partition < meta_->partitions.size() ? meta_->partitions[partition].uncompressed_size : 0;
  const bool accepted = pool->submit([&core, state, cap, expected, partition,
                                      first_row = first_rows_[partition], columns = columns_,
                                      response = std::move(response).value()]() {
    const std::uint64_t id = state->id;
    Result<std::string> text = response.is_gzip() ? gunzip(response.body, expected, cap)
                                                  : Result<std::string>(response.body);
    Result<RowBatch> batch = text.ok()
                                 ? decode_partition(text.value(), columns, partition, first_row)
                                 : Result<RowBatch>(text.error());
    if (!batch.ok()) {
      core.post(
          [&core, id, partition,
           error = batch.error().with_context("decoding partition " + std::to_string(partition))] {
            if (auto* machine = core.machine(id))
              machine->on_partition_decode_failed(partition, error);
          });
      return;
    }
    deliver_batch(core, state, std::move(batch).value());
  });
  if (!accepted) fail(Error(ErrorCategory::cancelled, "the client is closing"));
}

void StatementMachine::on_delivered(std::size_t /*partition*/) {
  if (phase_ == Phase::done) return;
  ++delivered_;
  report_progress();
  if (delivered_ >= partitions_total_ - first_partition_) {
    conclude(QueryState::succeeded, std::nullopt);
    stop_io();
    retire();
  }
}

void StatementMachine::on_consumed() {
  if (outstanding_ > 0) --outstanding_;
  fetch_more();
}

void StatementMachine::on_first_decode_failed(Error error) {
  if (phase_ == Phase::done) return;
  // A body that does not parse (a proxy glitch, a truncated gzip stream) is fetched again:
  // by handle when known, else by resubmitting the same requestId with retry=true.
  if (++decode_retries_ > core_.options().max_retries) {
    fail(std::move(error));
    return;
  }
  SFQ_LOG_DEBUG("unreadable result ({}); asking again", error.what());
  core_.counters.retries.fetch_add(1, std::memory_order_relaxed);
  if (handle_.empty()) {
    phase_ = Phase::submitting;
    submit(false, true);
  } else {
    phase_ = Phase::polling;
    poll();
  }
}

void StatementMachine::on_partition_decode_failed(std::size_t partition, Error error) {
  if (phase_ != Phase::fetching) return;
  if (++decode_retries_ > core_.options().max_retries) {
    fail(std::move(error));
    return;
  }
  SFQ_LOG_DEBUG("unreadable partition {} ({}); fetching it again", partition, error.what());
  core_.counters.retries.fetch_add(1, std::memory_order_relaxed);
  fetch_partition(partition);
}

void StatementMachine::cancel(Error reason) {
  if (phase_ == Phase::done) return;
  const bool may_run_on_server = phase_ == Phase::submitting || phase_ == Phase::polling;
  const bool submitting = phase_ == Phase::submitting;
  const QueryState final_state =
      reason.category() == ErrorCategory::cancelled ? QueryState::cancelled : QueryState::failed;
  conclude(final_state, std::move(reason));
  stop_io();
  if (may_run_on_server) {
    if (!handle_.empty()) {
      cancel_on_server();
    } else if (submitting) {
      // The submission is still in flight, so the handle is unknown. Ask again with the same
      // requestId and retry=true (never runs it twice) and async=true (answers at once).
      submit(true, true);
    }
  }
  retire();
}

void StatementMachine::fail(Error error) {
  if (phase_ == Phase::done) return;
  const bool may_run_on_server = (phase_ == Phase::polling || phase_ == Phase::submitting) &&
                                 error.category() != ErrorCategory::server &&
                                 error.category() != ErrorCategory::timeout &&
                                 error.category() != ErrorCategory::cancelled;
  const QueryState final_state =
      error.category() == ErrorCategory::cancelled ? QueryState::cancelled : QueryState::failed;
  conclude(final_state, std::move(error));
  stop_io();
  if (may_run_on_server && !handle_.empty()) cancel_on_server();
  retire();
}

void StatementMachine::cancel_on_server() {
  if (server_cancel_sent_ || handle_.empty()) return;
  server_cancel_sent_ = true;
  RequestSpec spec;
  spec.kind = RequestKind::cancel;
  spec.method = "POST";
  spec.url = cancel_url(core_.base_url(), handle_);
  spec.timeout = std::chrono::seconds(10);
  SFQ_LOG_DEBUG("cancelling statement {} on the server", handle_);
  send(std::move(spec), [this](Result<HttpResponse> response) {
    if (!response.ok()) {
      SFQ_LOG_WARN("could not cancel statement {} on the server: {}", handle_,
                   response.error().what());
    } else if (response.value().status != 200) {
      SFQ_LOG_DEBUG("cancel of {} answered HTTP {}", handle_, response.value().status);
    }
    retire();
  });
}

void StatementMachine::stop_io() {
  for (const auto request : requests_) core_.cancel_request(request);
  requests_.clear();
  if (poll_timer_ != 0) core_.loop().cancel_timer(poll_timer_);
  if (deadline_timer_ != 0) core_.loop().cancel_timer(deadline_timer_);
  poll_timer_ = 0;
  deadline_timer_ = 0;
}

void StatementMachine::conclude(QueryState final_state, std::optional<Error> error) {
  if (phase_ != Phase::done) {
    phase_ = Phase::done;
    core_.counters.statements_in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
  bool notify_complete = false;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->terminal()) {
      state_->state = final_state;
      state_->error = std::move(error);
    }
    if (!state_->complete_notified) {
      state_->complete_notified = true;
      notify_complete = true;
    }
  }
  state_->changed.notify_all();
  report_progress();
  if (notify_complete && state_->options.on_complete) state_->options.on_complete(Query(state_));
}

void StatementMachine::retire() {
  if (phase_ != Phase::done || !requests_.empty() || retiring_) return;
  retiring_ = true;
  ClientCore& core = core_;
  const std::uint64_t id = id_;
  core.post([&core, id] { core.remove_machine(id); });
}

void StatementMachine::set_state(QueryState state) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->terminal()) return;
    state_->state = state;
  }
  state_->changed.notify_all();
  report_progress();
}

void StatementMachine::report_progress() {
  if (!state_->options.on_progress) return;
  QueryProgress progress;
  {
    std::lock_guard lock(state_->mutex);
    progress = state_->progress_locked();
  }
  state_->options.on_progress(progress);
}

void StatementMachine::remember_handle(const std::string& handle) {
  if (handle.empty()) return;
  handle_ = handle;
  {
    std::lock_guard lock(state_->mutex);
    state_->statement_handle = handle;
  }
  state_->changed.notify_all();
}

Error StatementMachine::error_from_response(const HttpResponse& response, std::string_view what) {
  ErrorInfo info;
  info.http_status = response.status;
  auto text = response_text(response, 1 << 20);
  if (text.ok()) {
    if (auto status = parse_status_body(text.value()); status.ok()) {
      info.code = status.value().code;
      info.sql_state = status.value().sql_state;
      info.message = status.value().message;
      info.statement_handle = status.value().statement_handle;
    }
  }
  if (info.statement_handle.empty()) info.statement_handle = handle_;
  info.category = category_for(response.status, info.code);
  if (info.message.empty()) {
    info.message = "HTTP " + std::to_string(response.status) + " while " + std::string(what);
  }
  if (info.category == ErrorCategory::auth && response.status == 401) {
    info.message +=
        " (check the account, user and key: the server's RSA_PUBLIC_KEY_FP must "
        "match the key's fingerprint)";
  } else if (response.status == 403) {
    info.message += " (the SQL API may be disabled, or a network policy blocks this client)";
  }
  return Error(std::move(info));
}

}  // namespace sfq::detail
