// statement_machine.cpp — one statement's life on the I/O thread (see the header's diagram).
#include "sqlapi/statement_machine.hpp"

#include <algorithm>
#include <string_view>

#include "decode/partition_stream.hpp"
#include "sqlapi/client_core.hpp"
#include "sqlapi/request.hpp"
#include "util/log.hpp"

namespace sfq::detail {
namespace {

// How long a server-side cancel (and the probe that learns the handle first) keeps being
// retried. It has its own deadline: the statement's may be what ran out.
constexpr auto kCancelBudget = std::chrono::seconds(30);
// Unreadable bodies are asked for again at most this often when max_retries allows more.
constexpr int kMaxRereads = 8;
// A first answer up to this size (as received, gzip'd or not) is a short decode job: well under
// a millisecond (DecodePool::JobLength).
constexpr std::size_t kShortDecodeBytes = 16 * 1024;

Error callback_error(std::string_view callback, const char* what) {
  return Error(ErrorCategory::protocol,
               std::string(callback) + " threw" +
                   (what ? std::string(": ") + what : " (not a std::exception)"),
               ErrorDetail::callback);
}

// Runs a decode job; whatever it throws (std::bad_alloc, a bug) fails the query instead of
// vanishing in the pool.
template <typename Job>
void guarded_job(ClientCore& core, std::uint64_t id, std::string_view what, Job&& job) {
  std::optional<Error> failure;
  try {
    job();
    return;
  } catch (const std::exception& e) {
    failure = Error(ErrorCategory::protocol, std::string(what) + " failed: " + e.what());
  } catch (...) {
    failure = Error(ErrorCategory::protocol, std::string(what) + " failed (unknown exception)");
  }
  core.post([&core, id, error = *failure] {
    if (auto* machine = core.machine(id)) machine->fail_with(error);
  });
}

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

// Posts `fn` to the query's machine on the loop, if the client still exists. For the callback
// threads, which may outlive the Client (nobody waits for them).
template <typename Fn>
void post_to_machine(const std::shared_ptr<Query::State>& state, Fn fn) {
  const std::shared_ptr<ClientCore> core = state->core.lock();
  if (!core) return;
  ClientCore* raw = core.get();
  raw->post([raw, id = state->id, fn = std::move(fn)] {
    if (auto* machine = raw->machine(id)) fn(*machine);
  });
}

// Push mode: calls on_batch with every batch that is next in order, one after another, then
// on_complete when the query ended meanwhile. Runs as the query's one task on the
// CallbackExecutor (Query::State::delivering is true while it runs), never on a decode worker.
void drain_to_on_batch(const std::shared_ptr<Query::State>& state) {
  std::unique_lock lock(state->mutex);
  for (auto it = state->decoded.find(state->next_to_queue);
       it != state->decoded.end() && !it->second.empty();
       it = state->decoded.find(state->next_to_queue)) {
    if (state->state == QueryState::failed || state->state == QueryState::cancelled) break;
    Query::State::Slice next = std::move(it->second.front());
    it->second.pop_front();
    if (next.last) {
      state->decoded.erase(it);
      ++state->next_to_queue;
    }
    state->rows_received += next.batch.rows;
    const std::size_t partition = next.batch.partition;
    const bool last = next.last;
    const std::size_t bytes = next.bytes;
    lock.unlock();
    std::optional<Error> thrown;
    try {
      state->options.on_batch(std::move(next.batch));
    } catch (const std::exception& e) {
      thrown = callback_error("on_batch", e.what());
    } catch (...) {
      thrown = callback_error("on_batch", nullptr);
    }
    lock.lock();
    state->held_bytes -= std::min<std::uint64_t>(state->held_bytes, bytes);
    if (thrown) {
      // No batch goes to on_batch after this; the loop ends the query (and runs on_complete).
      if (!state->terminal()) {
        state->state = QueryState::failed;
        state->error = *thrown;
      }
      post_to_machine(state,
                      [error = *thrown](StatementMachine& machine) { machine.fail_with(error); });
      break;
    }
    if (last) {
      ++state->partitions_queued;
      if (state->all_queued() && !state->terminal()) state->state = QueryState::succeeded;
    }
    post_to_machine(state, [partition, last](StatementMachine& machine) {
      if (last) machine.on_delivered(partition);
      machine.on_consumed(last);
    });
  }
  if (state->state == QueryState::failed || state->state == QueryState::cancelled) {
    state->decoded.clear();  // never delivered: free them now
    state->held_bytes = 0;
  }
  state->delivering = false;
  // A decode job that parked while this task was delivering may be what the consumer waits for
  // now: the machine looks again (the on_consumed posted above may have run before this point).
  const bool nudge = !state->parked.empty() && !state->terminal();
  // The query ended while on_batch ran: on_complete was held back until it returned.
  const bool run_complete = state->complete_pending && !state->complete_notified;
  if (run_complete) {
    state->complete_pending = false;
    state->complete_notified = true;
  }
  lock.unlock();
  state->changed.notify_all();
  if (nudge) post_to_machine(state, [](StatementMachine& machine) { machine.on_consumed(false); });
  if (run_complete) StatementMachine::notify_complete(state);
}

// Partitions [first, end) whose last batch has just gone to the consumer's queue.
struct QueuedPartitions {
  std::size_t first = 0;
  std::size_t end = 0;
};

// Pull mode, under state.mutex: puts a batch in the consumer's queue if its partition is the
// next in order, then whatever waited behind it; otherwise it waits in `decoded`.
QueuedPartitions queue_in_order_locked(Query::State& state, Query::State::Slice slice) {
  QueuedPartitions queued{state.next_to_queue, state.next_to_queue};
  if (slice.batch.partition != state.next_to_queue) {
    state.decoded[slice.batch.partition].push_back(std::move(slice));
    return queued;
  }
  // Moves a batch to the consumer's queue; true when it was its partition's last.
  const auto to_ready = [&state](Query::State::Slice& next) {
    const bool last = next.last;
    state.rows_received += next.batch.rows;
    state.ready.push_back(std::move(next));
    return last;
  };
  // The next partition's earlier batches went to `ready` as they came, so this one follows them
  // there directly: a one-batch result never touches `decoded`.
  bool finished = to_ready(slice);
  while (finished) {
    // Whatever of this partition waited in `decoded` has gone to `ready` by now.
    state.decoded.erase(state.next_to_queue);
    ++state.next_to_queue;
    ++state.partitions_queued;
    const auto waiting = state.decoded.find(state.next_to_queue);
    if (waiting == state.decoded.end()) break;
    finished = false;
    while (!waiting->second.empty() && !finished) {
      finished = to_ready(waiting->second.front());
      waiting->second.pop_front();
    }
  }
  queued.end = state.next_to_queue;
  return queued;
}

// Pull mode: queues a decoded batch for next_batch() and wakes the waiters. Runs on decode
// workers. `tell(QueuedPartitions)` posts what the machine must hear of it (on_delivered of the
// partitions it completed); it runs under the state's mutex, so its task reaches the loop before
// anything the consumer posts once it has taken the batch (on_consumed). Returns true when the
// query now holds more than `budget` bytes of batches its consumer has not taken.
template <typename Tell>
bool deliver_pulled(const std::shared_ptr<Query::State>& owner, RowBatch batch, bool last,
                    std::uint64_t budget, Tell&& tell) {
  Query::State& state = *owner;
  const std::size_t bytes = batch.memory_bytes();
  bool over_budget = false;
  {
    std::lock_guard lock(state.mutex);
    QueuedPartitions queued{state.next_to_queue, state.next_to_queue};
    if (state.state != QueryState::failed && state.state != QueryState::cancelled) {
      state.held_bytes += bytes;
      state.held_bytes_high_water = std::max(state.held_bytes_high_water, state.held_bytes);
      over_budget = state.held_bytes > budget;
      queued = queue_in_order_locked(state, Query::State::Slice{std::move(batch), last, bytes});
      // The last batch is in the consumer's queue: the query has succeeded. The loop still runs
      // its completion (counters, on_complete) when it hears of the delivery.
      if (state.all_queued() && !state.terminal()) state.state = QueryState::succeeded;
    }
    tell(queued);
  }
  DecodePool::notify_all(owner, state.changed);  // held back briefly after a small first answer
  return over_budget;
}

// Tells the query's machine (on the loop) of partitions fully delivered; the last delivery may
// retire it.
void report_delivered(ClientCore& core, std::uint64_t id, QueuedPartitions queued) {
  for (std::size_t p = queued.first; p < queued.end; ++p) {
    auto* machine = core.machine(id);
    if (machine == nullptr) return;
    machine->on_delivered(p);
  }
}

// Hands a decoded batch (a partition's `last` one, or a slice before it) to the consumer in
// order. Runs on decode workers. Returns true when the query now holds more than `budget` bytes
// of batches its consumer has not taken.
bool deliver_batch(ClientCore& core, const std::shared_ptr<Query::State>& state,
                   const std::shared_ptr<CallbackExecutor>& callbacks, RowBatch batch, bool last,
                   std::uint64_t budget) {
  const std::uint64_t id = state->id;
  if (!state->options.on_batch) {
    return deliver_pulled(state, std::move(batch), last, budget, [&](QueuedPartitions queued) {
      if (queued.end == queued.first) return;
      core.post([&core, id, queued] { report_delivered(core, id, queued); });
    });
  }
  const std::size_t bytes = batch.memory_bytes();
  std::unique_lock lock(state->mutex);
  if (state->state == QueryState::failed || state->state == QueryState::cancelled) return false;
  const std::size_t partition = batch.partition;
  state->decoded[partition].push_back(Query::State::Slice{std::move(batch), last, bytes});
  state->held_bytes += bytes;
  state->held_bytes_high_water = std::max(state->held_bytes_high_water, state->held_bytes);
  const bool over = state->held_bytes > budget;
  // Push mode: the query's strand. A task that is already draining takes this batch too;
  // otherwise one starts when this batch is the next in order. The user's code runs there, so a
  // consumer that blocks holds up only its own query, never this worker.
  const auto next = state->decoded.find(state->next_to_queue);
  if (state->delivering || next == state->decoded.end() || next->second.empty()) return over;
  state->delivering = true;
  lock.unlock();
  try {
    callbacks->run([state] { drain_to_on_batch(state); });
  } catch (...) {
    lock.lock();
    state->delivering = false;
    throw;  // fails the query (guarded_job)
  }
  return over;
}

}  // namespace

// One later partition's fetch and decode. It is the BodySink of the partition's GET: the I/O
// thread hands it the body in pieces as they arrive (accept), and a decode job takes them in
// order, feeds them to a PartitionStream and hands each batch over as it is cut. At most
// kHighWater bytes wait here: past that the transfer pauses (the socket is not read) until the
// job has taken them down to kLowWater and asks the I/O thread to resume it. The job never
// waits: with nothing to take it ends (the next piece starts another), and when the query holds
// more than its budget of batches not yet taken it parks (Query::State::parked) until the
// consumer catches up. A retried attempt starts the body again (begin): the job then starts a
// new stream that skips the rows already handed over. The batch last cut is held back so that
// the partition's final batch can be marked `last`.
struct PartitionFetch final : BodySink, std::enable_shared_from_this<PartitionFetch> {
  static constexpr std::size_t kHighWater = std::size_t{1} << 20;
  static constexpr std::size_t kLowWater = std::size_t{256} << 10;

  PartitionFetch(ClientCore& c, std::shared_ptr<Query::State> s,
                 std::shared_ptr<CallbackExecutor> cb, PartitionStream::Options o, std::uint64_t b)
      : core(c),
        state(std::move(s)),
        callbacks(std::move(cb)),
        options(std::move(o)),
        budget(b),
        skip(options.skip_rows) {}

  // ---- loop thread ----
  void begin(bool is_gzip) override {
    std::lock_guard lock(mutex);
    ++generation;
    pieces.clear();
    queued = 0;
    gzip = is_gzip;
    ended = false;
    paused = false;
  }

  bool accept(std::string_view piece) override {
    bool start = false;
    {
      std::lock_guard lock(mutex);
      if (dead) return true;  // dropped: the fetch is being abandoned
      if (queued >= kHighWater) {
        paused = true;
        return false;
      }
      pieces.emplace_back(piece);
      queued += piece.size();
      start = !active;
      active = true;
    }
    if (start) submit();
    return true;
  }

  // The transfer ended with a 200: every piece has been accepted.
  void end(bool is_gzip) {
    bool start = false;
    {
      std::lock_guard lock(mutex);
      if (generation == 0) {  // an empty body: begin() never ran
        generation = 1;
        gzip = is_gzip;
      }
      ended = true;
      start = !active;
      active = true;
    }
    if (start) submit();
  }

  void abandon() {
    std::lock_guard lock(mutex);
    dead = true;
    pieces.clear();
    queued = 0;
  }

  void submit() {
    DecodePool* pool = core.pool();
    if (pool == nullptr) return;
    auto self = shared_from_this();
    if (!pool->submit([self] { self->run_guarded(); })) {
      core.post([&c = core, id = state->id] {
        if (auto* machine = c.machine(id)) {
          machine->fail_with(Error(ErrorCategory::cancelled, "the client is closing"));
        }
      });
    }
  }

  // ---- decode workers (one job at a time) ----
  void run_guarded() {
    auto self = shared_from_this();
    guarded_job(core, state->id, "decoding partition " + std::to_string(options.partition),
                [&] { run(); });
  }

  // Takes the next piece (or notices the end); false when there is none yet (the job ends).
  bool take_input() {
    bool resume = false;
    {
      std::lock_guard lock(mutex);
      if (dead) {
        active = false;
        return false;
      }
      if (!stream || stream_generation != generation) {
        // The first attempt, or a retried one that starts the body again: skip what was
        // handed over (or is held back) already.
        if (stream) skip += stream->rows_delivered();
        PartitionStream::Options o = options;
        o.gzip = gzip;
        o.skip_rows = skip;
        stream.emplace(std::move(o));
        stream_generation = generation;
        ending = false;
        rest = {};
        current.clear();
      }
      if (!pieces.empty()) {
        current = std::move(pieces.front());
        pieces.pop_front();
        queued -= current.size();
        rest = current;
        if (paused && queued <= kLowWater) {
          paused = false;
          resume = true;
        }
      } else if (ended) {
        ending = true;
      } else {
        active = false;
        return false;
      }
    }
    if (resume) {
      core.post([&c = core, id = state->id, self = shared_from_this()] {
        if (c.machine(id) != nullptr) c.resume_request(self->request_id);
      });
    }
    return true;
  }

  void run() {
    const std::uint64_t id = state->id;
    const std::size_t partition = options.partition;
    while (true) {
      {
        std::lock_guard lock(state->mutex);
        if (state->terminal()) return;
      }
      if (!ending && rest.empty() && !take_input()) return;
      Result<std::optional<RowBatch>> next = ending ? stream->finish() : stream->next(rest);
      if (!next.ok()) {
        // Rows already handed over are not handed over again: the next fetch skips them.
        const std::uint64_t delivered = skip + stream->rows_delivered() - (held ? held->rows : 0);
        abandon();
        core.post(
            [&c = core, id, partition, delivered,
             error = next.error().with_context("decoding partition " + std::to_string(partition))] {
              if (auto* machine = c.machine(id)) {
                machine->on_partition_decode_failed(partition, error, delivered);
              }
            });
        return;
      }
      if (!next.value()) {
        if (!ending) continue;  // the piece is used up: take the next
        // The end: the held batch (or an empty one, for a partition without rows) is the last.
        RowBatch last = held ? std::move(*held) : RowBatch{};
        if (!held) {
          last.partition = partition;
          last.first_row = options.first_row + skip + stream->rows_delivered();
        }
        held.reset();
        deliver_batch(core, state, callbacks, std::move(last), true, budget);
        core.post([&c = core, id, partition] {
          if (auto* machine = c.machine(id)) machine->on_partition_job_done(partition);
        });
        return;
      }
      if (!held) {
        held = std::move(*next.value());
        continue;
      }
      RowBatch ready = std::exchange(*held, std::move(*next.value()));
      if (deliver_batch(core, state, callbacks, std::move(ready), false, budget)) {
        std::lock_guard lock(state->mutex);
        if (state->held_bytes > budget && !state->terminal() &&
            (partition != state->next_to_queue || state->consumer_has_work())) {
          state->parked.emplace_back(partition,
                                     [self = shared_from_this()] { self->run_guarded(); });
          return;
        }
      }
    }
  }

  ClientCore& core;
  const std::shared_ptr<Query::State> state;
  const std::shared_ptr<CallbackExecutor> callbacks;
  const PartitionStream::Options options;
  const std::uint64_t budget;
  std::uint64_t request_id = 0;  // loop thread: the ClientCore request fetching it

  std::mutex mutex;  // guards the fields up to `active`
  std::deque<std::string> pieces;
  std::size_t queued = 0;
  std::uint64_t generation = 0;  // attempts whose body began
  bool gzip = false;
  bool ended = false;
  bool paused = false;  // accept() refused a piece: the transfer waits for resume
  bool dead = false;
  bool active = false;  // a job is queued, running or parked

  // The job's own (one job at a time).
  std::optional<PartitionStream> stream;
  std::uint64_t stream_generation = 0;
  std::uint64_t skip = 0;  // rows of the partition before the current stream's first
  std::string current;
  std::string_view rest;
  std::optional<RowBatch> held;
  bool ending = false;
};

StatementMachine::StatementMachine(ClientCore& core, std::shared_ptr<Query::State> state,
                                   Start start)
    : core_(core), state_(std::move(state)), id_(state_->id), start_(std::move(start)) {
  window_ = core_.prefetch_window(state_->options);
  budget_ = core_.streaming_budget();
  std::lock_guard lock(state_->mutex);
  request_id_ = state_->request_id;
}

StatementMachine::~StatementMachine() {
  stop_io();
  // Parked decode jobs hold the state (and it holds them): let them go.
  std::vector<std::pair<std::size_t, std::function<void()>>> parked;
  {
    std::lock_guard lock(state_->mutex);
    parked.swap(state_->parked);
  }
  parked.clear();
  // Only a machine torn down by Client shutdown gets here without an outcome (so the error is
  // built only then).
  if (!state_->cancel_outcome_set()) {
    state_->resolve_cancel(
        CancelOutcome::not_confirmed,
        Error(ErrorCategory::cancelled, "the client was closed before the cancel was confirmed"));
  }
}

void StatementMachine::notify_complete(const std::shared_ptr<Query::State>& state) {
  if (!state->options.on_complete) return;
  try {
    state->options.on_complete(Query(state));
  } catch (const std::exception& e) {
    SFQ_LOG_ERROR("on_complete threw: {}", e.what());
  } catch (...) {
    SFQ_LOG_ERROR("on_complete threw a non-standard exception");
  }
}

void StatementMachine::start() {
  core_.counters.statements_in_flight.fetch_add(1, std::memory_order_relaxed);
  if (core_.closing()) {
    // Destroying a Client never starts anything.
    conclude(QueryState::cancelled, Error(ErrorCategory::cancelled,
                                          "the client was closed before the statement was sent"));
    state_->resolve_cancel(CancelOutcome::not_sent);
    retire();
    return;
  }
  if (start_.total_timeout.count() > 0) {
    const auto limit = start_.total_timeout;
    deadline_ = std::chrono::steady_clock::now() + limit;
    deadline_timer_ = core_.loop().add_timer(limit, [this] {
      deadline_timer_ = 0;
      cancel(deadline_error({}));
    });
  }
  if (!start_.attach_handle.empty()) {
    remember_handle(start_.attach_handle);
    phase_ = Phase::polling;
    set_state(QueryState::running);
    poll();
    return;
  }
  submit(false);
}

std::uint64_t StatementMachine::send(RequestSpec spec,
                                     std::function<void(Result<HttpResponse>)> handler) {
  if (spec.kind == RequestKind::cancel || spec.kind == RequestKind::probe) {
    spec.deadline = std::chrono::steady_clock::now() + kCancelBudget;
  } else {
    spec.deadline = deadline_;
  }
  auto slot = std::make_shared<std::uint64_t>(0);
  *slot = core_.send(std::move(spec),
                     [this, slot, handler = std::move(handler)](Result<HttpResponse> response) {
                       requests_.erase(*slot);
                       handler(std::move(response));
                     });
  requests_.insert(*slot);
  return *slot;
}

void StatementMachine::submit(bool probe_for_cancel) {
  RequestSpec spec;
  spec.kind = RequestKind::submit;
  spec.method = "POST";
  const bool async = start_.async || probe_for_cancel;
  // Every attempt carries retry=true, the first one too (an unknown requestId simply runs).
  // libcurl resends a request by itself when a reused keep-alive connection closes before any
  // answer, and the server may have run the first copy: without the flag the copy runs again.
  spec.url = submit_url(core_.base_url(), request_id_, {true, async});
  spec.body = start_.body;
  spec.on_retry = [state = state_](int retry, const std::string& failure) {
    std::lock_guard lock(state->mutex);
    state->retries = static_cast<std::uint32_t>(retry);
    state->last_failure = failure;
  };
  if (probe_for_cancel) {
    spec.kind = RequestKind::probe;
    send(std::move(spec), [this](Result<HttpResponse> response) {
      if (!response.ok()) {
        state_->resolve_cancel(
            CancelOutcome::not_confirmed,
            response.error().with_context("could not learn the statement handle to cancel it"));
        retire();
        return;
      }
      const HttpResponse& r = response.value();
      if (auto text = response_text(r, 1 << 20); text.ok()) {
        if (auto status = parse_status_body(text.value()); status.ok()) {
          if (!status.value().statement_handle.empty()) {
            remember_handle(status.value().statement_handle);
          }
        }
      }
      if (r.status == 202 && !handle_.empty()) {
        cancel_on_server();
      } else if (r.status == 200 || r.status == 408 || r.status == 422) {
        state_->resolve_cancel(CancelOutcome::finished);  // it had ended on the server
      } else {
        state_->resolve_cancel(
            CancelOutcome::not_confirmed,
            error_from_response(r, "asking for the statement handle to cancel it"));
      }
      retire();
    });
    return;
  }
  submit_request_ = send(std::move(spec), [this](Result<HttpResponse> response) {
    on_submit_or_poll(std::move(response), false);
  });
}

void StatementMachine::poll() {
  RequestSpec spec;
  spec.kind = RequestKind::poll;
  spec.method = "GET";
  spec.url = status_url(core_.base_url(), handle_);
  send(std::move(spec),
       [this](Result<HttpResponse> response) { on_submit_or_poll(std::move(response), true); });
}

void StatementMachine::schedule_poll(std::chrono::milliseconds at_least) {
  const auto delay =
      std::max(at_least, poll_delay(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - created_at_)));
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
        // Still running; the server may also say when to ask again (Retry-After, seconds):
        // honoured, never shortened. The statement's deadline still ends it.
        const std::optional<int> retry_after = parse_retry_after(r.header("retry-after"));
        schedule_poll(retry_after ? std::chrono::milliseconds(std::chrono::seconds(*retry_after))
                                  : std::chrono::milliseconds(0));
        return;
      }
      break;
    default:
      break;
  }
  // 408 and 422 are the server's verdict: the statement has ended there.
  fail(error_from_response(r, was_poll ? "polling the statement" : "submitting the statement"),
       r.status == 408 || r.status == 422);
}

void StatementMachine::on_status_202(const HttpResponse& response) {
  auto text = response_text(response, core_.max_response_bytes());
  std::optional<Error> unreadable;
  if (text.ok()) {
    if (auto status = parse_status_body(text.value()); !status.ok()) {
      unreadable = status.error();
    } else if (!status.value().statement_handle.empty()) {
      remember_handle(status.value().statement_handle);
    }
  } else {
    unreadable = text.error();
  }
  if (handle_.empty() && unreadable) {
    // A 202 whose body was cut or mangled on the way (truncated, invalid JSON, corrupt gzip):
    // ask again, like any unreadable answer (the same requestId with retry=true).
    on_first_decode_failed(unreadable->with_context("reading the 202 answer"));
    return;
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
  // A small answer decodes in microseconds: its consumer's wake-up may wait for the next ones.
  const auto length = response.body.size() <= kShortDecodeBytes ? DecodePool::JobLength::short_job
                                                                : DecodePool::JobLength::unknown;
  const bool accepted = pool->submit(
      [&core, state, cap, budget = budget_, callbacks = pool->callbacks(),
       response = std::move(response)]() {
        guarded_job(core, state->id, "decoding the first result", [&] {
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
          const bool delivering_now = first == 0 && state->options.fetch_rows;
          if (delivering_now && !state->options.on_batch) {
            // Pull mode with partition 0 here: the delivery wakes the waiters (for the metadata
            // too), and the machine hears of the metadata and the delivery in one task.
            deliver_pulled(state, std::move(set.first_batch), true, budget,
                           [&](QueuedPartitions queued) {
                             core.post([&core, id, meta, columns = set.columns, queued] {
                               if (auto* machine = core.machine(id)) {
                                 machine->on_metadata(meta, columns);
                               }
                               report_delivered(core, id, queued);
                             });
                           });
            return;
          }
          DecodePool::notify_all(state, state->changed);
          core.post([&core, id, meta, columns = set.columns] {
            if (auto* machine = core.machine(id)) machine->on_metadata(meta, columns);
          });
          if (delivering_now) {
            deliver_batch(core, state, callbacks, std::move(set.first_batch), true, budget);
          }
        });
      },
      length);
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
  reserved_.clear();
  reserved_bytes_ = 0;
  next_fetch_ = std::max<std::size_t>(1, first_partition_);
  fetch_more();
}

std::uint64_t StatementMachine::partition_cost(std::size_t partition) const {
  // While a partition is fetched and decoded it holds at most about a megabyte of its body
  // (PartitionFetch::kHighWater, plus a piece libcurl hands over) and the window of text being
  // cut into a batch (about one slice).
  const std::uint64_t body = PartitionFetch::kHighWater + (64U << 10);
  const std::uint64_t slice = PartitionStream::kDefaultSliceBytes * 5 / 4;
  if (!meta_ || partition >= meta_->partitions.size()) return body + slice;
  const PartitionInfo& info = meta_->partitions[partition];
  const std::uint64_t size =
      info.compressed_size > 0 ? info.compressed_size : info.uncompressed_size;
  return std::min(body, size) + std::min<std::uint64_t>(info.uncompressed_size, slice);
}

void StatementMachine::reserve(std::size_t partition, std::uint64_t bytes) {
  auto [it, inserted] = reserved_.try_emplace(partition, 0);
  reserved_bytes_ = reserved_bytes_ - it->second + bytes;
  it->second = bytes;
}

void StatementMachine::on_partition_job_done(std::size_t partition) {
  if (const auto it = reserved_.find(partition); it != reserved_.end()) {
    reserved_bytes_ -= it->second;
    reserved_.erase(it);
  }
  fetches_.erase(partition);
  fetch_more();
}

void StatementMachine::fetch_more() {
  while (phase_ == Phase::fetching && next_fetch_ < partitions_total_ && outstanding_ < window_) {
    // Within the streaming budget (what the partitions being fetched and decoded hold, and the
    // batches the consumer has not taken); one partition is always allowed, however large, so
    // that a partition bigger than the budget still arrives.
    std::uint64_t held = reserved_bytes_;
    {
      std::lock_guard lock(state_->mutex);
      held += state_->held_bytes;
    }
    if (outstanding_ > 0 && held + partition_cost(next_fetch_) > budget_) break;
    ++outstanding_;
    fetch_partition(next_fetch_++, 0);
  }
}

void StatementMachine::fetch_partition(std::size_t partition, std::uint64_t skip_rows) {
  DecodePool* pool = core_.pool();
  if (pool == nullptr) return;
  reserve(partition, partition_cost(partition));
  PartitionStream::Options options;
  options.columns = columns_;
  options.partition = partition;
  options.first_row = first_rows_[partition];
  if (partition < meta_->partitions.size()) {
    options.expected_rows = meta_->partitions[partition].row_count;
  }
  options.max_bytes = core_.max_response_bytes();
  options.skip_rows = skip_rows;
  auto fetch = std::make_shared<PartitionFetch>(core_, state_, pool->callbacks(),
                                                std::move(options), budget_);
  RequestSpec spec;
  spec.kind = RequestKind::partition;
  spec.method = "GET";
  spec.url = status_url(core_.base_url(), handle_, partition);
  spec.sink = fetch;
  fetch->request_id =
      send(std::move(spec), [this, partition, fetch](Result<HttpResponse> response) {
        on_partition(partition, fetch, std::move(response));
      });
  fetches_[partition] = std::move(fetch);
}

void StatementMachine::on_partition(std::size_t partition,
                                    const std::shared_ptr<PartitionFetch>& fetch,
                                    Result<HttpResponse> response) {
  if (phase_ != Phase::fetching) return;
  if (!response.ok()) {
    fail(response.error().with_context("fetching partition " + std::to_string(partition)));
    return;
  }
  if (response.value().status != 200) {
    fail(error_from_response(response.value(), "fetching partition " + std::to_string(partition)));
    return;
  }
  // Every byte went to the fetch as it arrived; its job decodes the rest and ends.
  fetch->end(response.value().is_gzip());
  fetch_more();
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

void StatementMachine::on_consumed(bool last_of_partition) {
  if (last_of_partition && outstanding_ > 0) --outstanding_;
  if (phase_ != Phase::fetching) return;
  // Decode jobs that stopped for the budget go on once the consumer has made room.
  std::vector<std::function<void()>> resume;
  {
    std::lock_guard lock(state_->mutex);
    const bool starving = !state_->consumer_has_work();
    for (auto it = state_->parked.begin(); it != state_->parked.end();) {
      if (state_->held_bytes <= budget_ || (starving && it->first == state_->next_to_queue)) {
        resume.push_back(std::move(it->second));
        it = state_->parked.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (DecodePool* pool = core_.pool(); pool != nullptr) {
    for (auto& job : resume) {
      if (!pool->submit(std::move(job))) {
        fail(Error(ErrorCategory::cancelled, "the client is closing"));
        return;
      }
    }
  }
  fetch_more();
}

void StatementMachine::on_first_decode_failed(Error error) {
  if (phase_ == Phase::done) return;
  // A body that does not parse (a proxy glitch, a truncated gzip stream) is fetched again,
  // after a backoff: by handle when known, else by resubmitting the same requestId with
  // retry=true.
  after_unreadable_body(std::move(error), [this] {
    if (handle_.empty()) {
      phase_ = Phase::submitting;
      submit(false);
    } else {
      phase_ = Phase::polling;
      poll();
    }
  });
}

void StatementMachine::on_partition_decode_failed(std::size_t partition, Error error,
                                                  std::uint64_t rows_delivered) {
  if (phase_ != Phase::fetching) return;
  // The body may still be arriving: stop its transfer.
  if (const auto it = fetches_.find(partition); it != fetches_.end()) {
    const std::uint64_t request = it->second->request_id;
    if (requests_.erase(request) > 0) core_.cancel_request(request);
    fetches_.erase(it);
  }
  if (const auto it = reserved_.find(partition); it != reserved_.end()) {
    reserved_bytes_ -= it->second;
    reserved_.erase(it);
  }
  // Fetched again from its start; the rows already handed over are skipped.
  after_unreadable_body(std::move(error), [this, partition, rows_delivered] {
    fetch_partition(partition, rows_delivered);
  });
}

void StatementMachine::after_unreadable_body(Error error, std::function<void()> ask_again) {
  const int limit = std::min(core_.options().max_retries, kMaxRereads);
  const auto delay = backoff_delay(core_.backoff(), decode_retries_, std::nullopt);
  if (++decode_retries_ > limit || std::chrono::steady_clock::now() + delay >= deadline_) {
    fail(std::move(error));
    return;
  }
  SFQ_LOG_DEBUG("unreadable answer ({}); asking again in {} ms", error.what(), delay.count());
  core_.counters.retries.fetch_add(1, std::memory_order_relaxed);
  reread_timer_ = core_.loop().add_timer(delay, [this, ask_again = std::move(ask_again)] {
    reread_timer_ = 0;
    if (phase_ != Phase::done) ask_again();
  });
}

void StatementMachine::cancel(Error reason) {
  if (phase_ == Phase::done) return;
  const bool submitting = phase_ == Phase::submitting;
  const bool may_run_on_server = submitting || phase_ == Phase::polling;
  // Asked before stop_io() forgets the request: may any byte of the submission have left?
  const bool reached =
      !submitting || submit_request_ == 0 || core_.may_have_reached_server(submit_request_);
  const QueryState final_state =
      reason.category() == ErrorCategory::cancelled ? QueryState::cancelled : QueryState::failed;
  conclude(final_state, std::move(reason));
  stop_io();
  if (!may_run_on_server) {
    state_->resolve_cancel(CancelOutcome::finished);  // only our transfers stop
  } else if (!handle_.empty()) {
    cancel_on_server();
  } else if (!reached) {
    // Still queued in the client or not yet connected: dropping it is the whole cancel. A
    // probe would make the server run it (an unknown requestId with retry=true simply runs).
    SFQ_LOG_DEBUG("statement {} cancelled before its submission left the client", request_id_);
    state_->resolve_cancel(CancelOutcome::not_sent);
  } else {
    // The submission may have reached the server, so the handle is unknown. Ask again with the
    // same requestId and retry=true (never runs it twice) and async=true (answers at once).
    submit(true);
  }
  retire();
}

Error StatementMachine::deadline_error(const std::string& cause) const {
  std::string message = "the statement did not finish within its deadline of " +
                        std::to_string(start_.total_timeout.count()) +
                        " ms (total_timeout) and was cancelled";
  std::string last_failure;
  {
    std::lock_guard lock(state_->mutex);
    last_failure = state_->last_failure;
  }
  std::string why = cause;
  if (!last_failure.empty() && why.find(last_failure) == std::string::npos) {
    why += (why.empty() ? "" : "; ") + std::string("an earlier attempt failed: ") + last_failure;
  }
  if (!why.empty()) message += " (" + why + ")";
  return Error(ErrorCategory::timeout, std::move(message), ErrorDetail::client_deadline);
}

void StatementMachine::fail(Error error, bool server_final) {
  if (phase_ == Phase::done) return;
  // The deadline may end a request before the deadline timer fires (the attempt's own limit,
  // or no time left for a retry): the error then carries the transport's words. Say what
  // happened, keeping those words as the cause.
  if (error.detail() == ErrorDetail::client_deadline && start_.total_timeout.count() > 0 &&
      error.message().find("total_timeout") == std::string::npos) {
    ErrorInfo info = error.info();
    info.category = ErrorCategory::timeout;
    info.message = deadline_error(error.message()).message();
    error = Error(std::move(info), ErrorDetail::client_deadline);
  }
  // Once the server has accepted the statement, a poll or fetch that cannot connect does not
  // mean "nothing reached the server": the statement exists there. Name it.
  if (!handle_.empty() &&
      (error.statement_handle().empty() || error.detail() == ErrorDetail::cannot_connect)) {
    ErrorInfo info = error.info();
    if (info.statement_handle.empty()) info.statement_handle = handle_;
    const ErrorDetail detail =
        error.detail() == ErrorDetail::cannot_connect ? ErrorDetail::none : error.detail();
    error = Error(std::move(info), detail);
  }
  const ErrorDetail detail = error.detail();
  const QueryState final_state =
      error.category() == ErrorCategory::cancelled ? QueryState::cancelled : QueryState::failed;
  conclude(final_state, std::move(error));
  stop_io();
  if (server_final || meta_ != nullptr) {
    state_->resolve_cancel(CancelOutcome::finished);
  } else if (!handle_.empty()) {
    // Giving up on a statement that may still run: cancel it there, best effort.
    cancel_on_server();
  } else if (detail == ErrorDetail::cannot_connect) {
    state_->resolve_cancel(CancelOutcome::not_sent);
  } else {
    state_->resolve_cancel(
        CancelOutcome::not_confirmed,
        Error(ErrorCategory::transport,
              "the submission got no answer, so the statement handle is unknown and no cancel "
              "could be sent"));
  }
  retire();
}

void StatementMachine::cancel_on_server() {
  if (server_cancel_sent_ || handle_.empty()) return;
  server_cancel_sent_ = true;
  RequestSpec spec;
  spec.kind = RequestKind::cancel;
  spec.method = "POST";
  spec.url = cancel_url(core_.base_url(), handle_);
  SFQ_LOG_DEBUG("cancelling statement {} on the server", handle_);
  send(std::move(spec), [this](Result<HttpResponse> response) {
    // An unconfirmed cancel is not logged as a warning: the outcome goes to the caller
    // (Query::cancel()'s future), whose report would only repeat it.
    if (!response.ok()) {
      SFQ_LOG_DEBUG("could not cancel statement {} on the server: {}", handle_,
                    response.error().what());
      state_->resolve_cancel(CancelOutcome::not_confirmed,
                             response.error().with_context("cancelling the statement"));
    } else if (response.value().status == 200) {
      state_->resolve_cancel(CancelOutcome::cancelled_on_server);
    } else {
      SFQ_LOG_DEBUG("cancel of {} answered HTTP {}", handle_, response.value().status);
      state_->resolve_cancel(CancelOutcome::not_confirmed,
                             error_from_response(response.value(), "cancelling the statement"));
    }
    retire();
  });
}

void StatementMachine::stop_io() {
  for (const auto request : requests_) core_.cancel_request(request);
  requests_.clear();
  if (poll_timer_ != 0) core_.loop().cancel_timer(poll_timer_);
  if (deadline_timer_ != 0) core_.loop().cancel_timer(deadline_timer_);
  if (reread_timer_ != 0) core_.loop().cancel_timer(reread_timer_);
  poll_timer_ = 0;
  deadline_timer_ = 0;
  reread_timer_ = 0;
}

void StatementMachine::conclude(QueryState final_state, std::optional<Error> error) {
  if (phase_ != Phase::done) {
    phase_ = Phase::done;
    core_.counters.statements_in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
  bool notify_complete = false;
  // Destroyed outside the lock: they hold the state.
  std::vector<std::pair<std::size_t, std::function<void()>>> parked;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->terminal()) {
      state_->state = final_state;
      state_->error = std::move(error);
    }
    parked.swap(state_->parked);
    if (!state_->complete_notified) {
      if (state_->delivering) {
        // The query's callback task is delivering (perhaps inside on_batch): it runs
        // on_complete when it is done.
        state_->complete_pending = true;
      } else {
        state_->complete_notified = true;
        notify_complete = true;
      }
    }
  }
  state_->changed.notify_all();
  if (final_state == QueryState::succeeded) state_->resolve_cancel(CancelOutcome::finished);
  report_progress();
  if (notify_complete) StatementMachine::notify_complete(state_);
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
  std::optional<Error> thrown;
  try {
    state_->options.on_progress(progress);
  } catch (const std::exception& e) {
    thrown = callback_error("on_progress", e.what());
  } catch (...) {
    thrown = callback_error("on_progress", nullptr);
  }
  if (!thrown) return;
  if (phase_ == Phase::done) {
    SFQ_LOG_ERROR("{} (the query had already ended)", thrown->message());
    return;
  }
  // Not from here: report_progress() runs in the middle of state changes. Next iteration.
  ClientCore& core = core_;
  core.post([&core, id = id_, error = *thrown] {
    if (auto* machine = core.machine(id)) machine->fail_with(error);
  });
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
    if (text.ok()) {
      const std::string said = foreign_body_summary(response, text.value());
      if (!said.empty()) info.message += ": " + said;
    }
  }
  if (info.category == ErrorCategory::auth && response.status == 401) {
    info.message +=
        " (check the account, user and key: the server's RSA_PUBLIC_KEY_FP must "
        "match the key's fingerprint)";
  } else if (response.status == 403) {
    info.message += " (the SQL API may be disabled, or a network policy blocks this client)";
  }
  const ErrorDetail detail =
      info.category == ErrorCategory::timeout ? ErrorDetail::server_timeout : ErrorDetail::none;
  return Error(std::move(info), detail);
}

}  // namespace sfq::detail
