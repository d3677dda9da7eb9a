// worker_pool.hpp — a thread pool that grows on demand, for running statements.
//
// A statement occupies its thread while the engine runs it (SYSTEM$WAIT included), so a fixed
// pool would make the 1 001st concurrent statement wait behind a thousand. This pool starts a
// thread whenever a job arrives and no thread is idle, up to `max_threads`; past the cap, jobs
// queue (overflow policy: wait, never reject). Threads idle for `idle_timeout` exit, so a burst
// does not keep its threads forever.
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
  explicit WorkerPool(std::size_t max_threads,
                      std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
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
  void reap_locked();

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> exited_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace mock_snowflake::detail
