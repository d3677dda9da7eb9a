// worker_pool.hpp — a thread pool that grows when its threads are stuck, for running statements.
//
// A statement occupies its thread while the engine runs it; SYSTEM$WAIT with constant arguments
// and the statement latency wait on timers before that, so most statements hold a thread for
// well under a millisecond. The pool starts threads at once up to a small core (`core_threads`);
// past it, a job waits for a thread to come free, and only when the queue has made no progress
// for `stall` (every thread is busy with a long statement, e.g. a lock wait or a SYSTEM$WAIT on a
// computed value) does a monitor start more threads, up to `max_threads`. Starting a thread per
// job in a burst of short jobs cost more than the jobs (thread creation, and the new threads
// convoying on the queue's lock). Overflow policy past `max_threads`: wait, never reject.
// Threads idle for `idle_timeout` exit. Nothing wakes while the queue is empty.
//
// Thread safety: enqueue() from any thread; shutdown() once, from the owner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace mock_snowflake::detail {

class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;

  explicit WorkerPool(std::size_t max_threads,
                      std::chrono::milliseconds idle_timeout = std::chrono::seconds(30),
                      std::size_t core_threads = 0,  ///< 0: twice the hardware threads, at least 4
                      std::chrono::milliseconds stall = std::chrono::milliseconds(2));
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job`; false (and the job is dropped) once shutdown() has begun.
  bool enqueue(std::function<void()> job);

  /// Runs the queued jobs to completion, then joins every thread.
  void shutdown();

  [[nodiscard]] std::size_t threads() const;

 private:
  void work();
  void monitor();
  void spawn_locked();
  void reap_locked();

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;
  const std::size_t core_threads_;
  const std::chrono::milliseconds stall_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable monitor_cv_;
  std::deque<std::function<void()>> jobs_;
  Clock::time_point last_progress_{};  ///< when a job was last taken, or the queue last emptied
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> exited_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  bool monitor_waiting_ = false;  ///< the monitor sleeps until a backlog appears
  std::thread monitor_;
};

}  // namespace mock_snowflake::detail
