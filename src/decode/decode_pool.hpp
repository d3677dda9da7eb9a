// decode_pool.hpp (internal) — the worker threads that inflate and decode result partitions.
//
// The I/O thread must never block, so the queue is unbounded and submit() never waits: its size
// is bounded by the caller instead. The statement layer submits a partition only when it fits the
// query's prefetch window, so at most (prefetch window × running queries) jobs are ever queued;
// queue_high_water() shows how deep it really got.
//
// Jobs run in submission order (FIFO), each exactly once, on one of the workers. A job that
// throws is counted (jobs_failed) and logged; the worker goes on. ~DecodePool stops accepting
// jobs, runs every job already queued (so no query waits forever for a batch that was dropped),
// then joins the workers; jobs must therefore not wait for anything the destroying thread holds.
//
// Thread safety: every member function may be called from any thread, except that the
// destructor and wait_idle() must not be called from a job.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sfq::detail {

class DecodePool {
 public:
  /// Starts `threads` workers; 0 means the number of cores (at least 1).
  explicit DecodePool(std::size_t threads = 0);
  ~DecodePool();

  DecodePool(const DecodePool&) = delete;
  DecodePool& operator=(const DecodePool&) = delete;
  DecodePool(DecodePool&&) = delete;
  DecodePool& operator=(DecodePool&&) = delete;

  /// Queues a job; never blocks. False (and the job is not run) once the pool is shutting down.
  [[nodiscard]] bool submit(std::function<void()> job);

  /// Blocks until the queue is empty and no job is running.
  void wait_idle();

  [[nodiscard]] std::size_t threads() const noexcept { return workers_.size(); }
  [[nodiscard]] std::uint64_t jobs_submitted() const;
  [[nodiscard]] std::uint64_t jobs_run() const;  ///< finished, failed ones included
  [[nodiscard]] std::uint64_t jobs_failed() const;
  [[nodiscard]] std::size_t queue_depth() const;
  [[nodiscard]] std::size_t queue_high_water() const;

 private:
  void run_worker();

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // a job was queued, or stopping_
  std::condition_variable idle_;        // the queue drained and nothing runs
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::size_t running_ = 0;
  std::uint64_t submitted_ = 0;
  std::uint64_t run_ = 0;
  std::uint64_t failed_ = 0;
  std::size_t high_water_ = 0;
  std::vector<std::thread> workers_;  // last: started after everything above exists
};

}  // namespace sfq::detail
