// query_state.hpp — the shared state behind a sfq::Query handle.
//
// One Query::State exists per submitted statement. Caller threads (Query methods), decode
// workers (delivering batches), the callback thread running its on_batch and the I/O thread
// (the statement machine) all touch it, always under `mutex`. The machine itself
// (statement_machine.hpp) lives on the I/O thread only and is reached from other threads by posting
// to the loop with the query's id, never by pointer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sfq/client.hpp"

namespace sfq::detail {
class ClientCore;
}

namespace sfq {

struct Query::State {
  using Clock = std::chrono::steady_clock;

  State(std::uint64_t query_id, SubmitOptions submit_options, std::weak_ptr<detail::ClientCore> c)
      : id(query_id), options(std::move(submit_options)), core(std::move(c)) {}

  // Immutable after construction.
  const std::uint64_t id;
  const SubmitOptions options;
  const std::weak_ptr<detail::ClientCore> core;
  const Clock::time_point started = Clock::now();

  mutable std::mutex mutex;
  mutable std::condition_variable changed;

  // Guarded by mutex.
  QueryState state = QueryState::queued;
  std::optional<Error> error;
  std::string statement_handle;
  std::string request_id;
  std::shared_ptr<const ResultMeta> meta;
  std::uint64_t rows_received = 0;
  std::uint32_t retries = 0;  // of the submission, with what its last attempt saw
  std::string last_failure;
  std::size_t partitions_total = 0;   // known with meta
  std::size_t partitions_queued = 0;  // whose last batch went to the consumer (queue or on_batch)
  // A partition arrives as one or more batches (slices of its rows, decode/partition_stream.hpp);
  // `last` marks its final one.
  struct Slice {
    RowBatch batch;
    bool last = true;
    std::size_t bytes = 0;  // batch.memory_bytes(), counted in held_bytes until taken
  };
  std::map<std::size_t, std::deque<Slice>> decoded;  // by partition, waiting for earlier ones
  std::size_t next_to_queue = 0;
  std::deque<Slice> ready;  // pull mode: in order, not yet taken by next_batch()
  // The streaming budget's live part: bytes of decoded batches not yet taken by the consumer
  // (decoded + ready, and the batch on_batch is being given), and its high-water mark (tests).
  std::uint64_t held_bytes = 0;
  std::uint64_t held_bytes_high_water = 0;
  // Decode jobs that stopped because held_bytes went over the budget, by partition: the machine
  // runs them again once the consumer has taken enough (StatementMachine::on_consumed). The job
  // of the partition the consumer waits for never parks while the consumer has nothing to take.
  std::vector<std::pair<std::size_t, std::function<void()>>> parked;

  /// Whether the consumer has a batch it can take now (or on_batch is running).
  [[nodiscard]] bool consumer_has_work() const {
    if (options.on_batch && delivering) return true;
    if (!ready.empty()) return true;
    const auto next = decoded.find(next_to_queue);
    return options.on_batch && next != decoded.end() && !next->second.empty();
  }
  // Push mode: the query's one callback task (drain_to_on_batch in statement_machine.cpp) is
  // queued on the CallbackExecutor or running, perhaps inside on_batch.
  bool delivering = false;
  bool complete_notified = false;
  bool complete_pending = false;  // ended while delivering: that task runs on_complete

  // The outcome of a cancel, set once (resolve_cancel), by the machine or when none can exist.
  std::promise<CancelResult> cancel_promise;
  const std::shared_future<CancelResult> cancel_future = cancel_promise.get_future().share();
  bool cancel_resolved = false;  // guarded by mutex

  /// Sets the cancel outcome unless it is set already. Any thread; takes the mutex.
  void resolve_cancel(CancelOutcome outcome, std::optional<Error> why = std::nullopt) {
    std::lock_guard lock(mutex);
    if (cancel_resolved) return;
    cancel_resolved = true;
    cancel_promise.set_value(CancelResult{outcome, std::move(why), statement_handle});
  }

  /// Whether the cancel outcome is set. Any thread; takes the mutex.
  [[nodiscard]] bool cancel_outcome_set() const {
    std::lock_guard lock(mutex);
    return cancel_resolved;
  }

  [[nodiscard]] bool terminal() const noexcept {
    return state == QueryState::succeeded || state == QueryState::failed ||
           state == QueryState::cancelled;
  }
  [[nodiscard]] bool all_queued() const noexcept {
    return meta != nullptr && partitions_queued >= partitions_total;
  }
  [[nodiscard]] QueryProgress progress_locked() const {
    QueryProgress p;
    p.state = state;
    p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    p.rows_received = rows_received;
    p.total_rows = meta ? meta->total_rows : 0;
    p.partitions_received = partitions_queued;
    p.partitions_total = partitions_total;
    p.bytes_held = held_bytes;
    p.retries = retries;
    p.last_failure = last_failure;
    return p;
  }
};

}  // namespace sfq
