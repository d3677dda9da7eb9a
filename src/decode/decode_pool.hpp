// decode_pool.hpp (internal) — the worker threads that inflate and decode result partitions.
//
// The I/O thread must never block, so the queue is unbounded and submit() never waits: its size
// is bounded by the caller instead. The statement layer fetches a partition only when it fits the
// query's prefetch window, and each partition has at most one decode job queued or running at a
// time (a job never waits: it ends when it has no input and parks past the streaming budget), so
// at most (prefetch window × running queries) jobs are ever queued; queue_high_water() shows how
// deep it really got.
//
// Jobs run in submission order (FIFO), each exactly once, on one of the workers. A job that
// throws is counted (jobs_failed) and logged; the worker goes on. ~DecodePool stops accepting
// jobs, runs every job already queued (so no query waits forever for a batch that was dropped),
// then joins the workers; jobs must therefore not wait for anything the destroying thread holds.
//
// Thread safety: every member function may be called from any thread, except that the
// destructor and wait_idle() must not be called from a job.
//
// CallbackExecutor runs the callers' code (on_batch) off the decode workers, so that a consumer
// that takes its time never holds up another query's decoding. It is growable: a task goes to an
// idle thread or to a new one, never behind a task that is still running, so one callback that
// blocks delays nothing but itself. Its threads are detached and exit after `linger` without
// work; each holds the executor's shared state, so nobody ever waits for a callback to return
// (the pool only asks idle threads to leave when it is destroyed). The number of threads is
// bounded by the tasks running at once: the statement layer runs at most one per query
// (Query::State::delivering), so at most one per query delivering batches right now.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sfq::detail {

class CallbackExecutor {
 public:
  explicit CallbackExecutor(std::chrono::milliseconds linger = std::chrono::seconds(2));
  /// Asks idle threads to leave; tasks still running or queued finish on their own threads.
  ~CallbackExecutor();

  CallbackExecutor(const CallbackExecutor&) = delete;
  CallbackExecutor& operator=(const CallbackExecutor&) = delete;
  CallbackExecutor(CallbackExecutor&&) = delete;
  CallbackExecutor& operator=(CallbackExecutor&&) = delete;

  /// Runs `task` on an idle thread, or on a new one when none is idle; never blocks and never
  /// queues behind a running task. What the task throws is logged and dropped.
  void run(std::function<void()> task);

  [[nodiscard]] std::size_t threads_alive() const;  ///< started and not yet exited
  [[nodiscard]] std::size_t threads_started() const;
  [[nodiscard]] std::size_t tasks_running() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

/// The cores this process may run on (its CPU affinity: taskset, a cgroup cpuset), at least 1.
[[nodiscard]] std::size_t usable_cores() noexcept;

class DecodePool {
 public:
  /// Starts `threads` workers; 0 means usable_cores(). `max_wake_delay`: the longest a
  /// wake-up is held back while short jobs run (notify_all() below; tests lengthen it).
  explicit DecodePool(std::size_t threads = 0,
                      std::chrono::microseconds max_wake_delay = kMaxWakeDelay);
  ~DecodePool();

  DecodePool(const DecodePool&) = delete;
  DecodePool& operator=(const DecodePool&) = delete;
  DecodePool(DecodePool&&) = delete;
  DecodePool& operator=(DecodePool&&) = delete;

  /// How long a job runs, as far as its submitter knows: a job known to be short (decoding a
  /// small first answer) runs without first waking the waiters of the jobs before it
  /// (notify_all() below); any other job wakes them before it starts.
  enum class JobLength { unknown, short_job };

  /// Queues a job; never blocks. False (and the job is not run) once the pool is shutting down.
  [[nodiscard]] bool submit(std::function<void()> job, JobLength length = JobLength::unknown);

  /// Wakes every thread waiting on `changed` (condition_variable::notify_all), the way a job
  /// tells a consumer that its batch is ready. At once, except from a short job on a decode
  /// worker: that wake-up is held back while the worker goes on with the short jobs already
  /// queued, and given when its queue is empty, before a job not known to be short, or
  /// the pool's max_wake_delay after the first one held back, whichever comes first. On a busy core
  /// every wake-up of a consumer preempted the worker (two context switches per small result); a
  /// burst of small results now costs two in all. `owner` keeps `changed` alive until then.
  static void notify_all(std::shared_ptr<const void> owner, std::condition_variable& changed);
  /// The longest a wake-up is held back while short jobs run, by default.
  static constexpr std::chrono::microseconds kMaxWakeDelay{500};

  /// Jobs submitted from the calling thread from now on wake no worker by themselves: the
  /// thread calls flush_wakes() once it has submitted what it had (the I/O thread does at the
  /// end of each loop iteration), so that a burst of jobs costs one wake-up, not one each.
  void defer_wakes_on_this_thread();
  /// Wakes as many workers as there are jobs queued (at most all of them) if a deferred submit
  /// is owed a wake-up; cheap otherwise.
  void flush_wakes();

  /// Blocks until the queue is empty and no job is running.
  void wait_idle();

  [[nodiscard]] std::size_t threads() const noexcept { return workers_.size(); }
  [[nodiscard]] std::uint64_t jobs_submitted() const;
  [[nodiscard]] std::uint64_t jobs_run() const;  ///< finished, failed ones included
  [[nodiscard]] std::uint64_t jobs_failed() const;
  [[nodiscard]] std::size_t queue_depth() const;
  [[nodiscard]] std::size_t queue_high_water() const;
  /// Wake-ups given by notify_all() on a worker after being held back (counting each
  /// condition variable once per flush), in total.
  [[nodiscard]] std::uint64_t held_wakes() const noexcept {
    return held_wakes_.load(std::memory_order_relaxed);
  }
  /// Wake-ups the pool has asked for (notifications of its workers), in total.
  [[nodiscard]] std::uint64_t wakes_requested() const noexcept {
    return wakes_.load(std::memory_order_relaxed);
  }

  /// Where the callers' on_batch runs (never on a decode worker). Shared: a task keeps it.
  [[nodiscard]] const std::shared_ptr<CallbackExecutor>& callbacks() const noexcept {
    return callbacks_;
  }

 private:
  struct Job {
    std::function<void()> run;
    JobLength length = JobLength::unknown;
  };
  struct HeldWakes;
  static constexpr std::size_t kTypicalHeldWakes = 64;
  // The running worker's held wake-ups; null on every other thread.
  static thread_local HeldWakes* held_wakes_on_this_thread;

  void run_worker();

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // a job was queued, or stopping_
  std::condition_variable idle_;        // the queue drained and nothing runs
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::size_t running_ = 0;
  std::uint64_t submitted_ = 0;
  std::uint64_t run_ = 0;
  std::uint64_t failed_ = 0;
  std::size_t high_water_ = 0;
  std::thread::id deferring_thread_;    // guarded by mutex_: defer_wakes_on_this_thread()
  std::atomic<bool> wake_owed_{false};  // a deferred submit has not woken anyone yet
  std::atomic<std::uint64_t> wakes_{0};
  std::atomic<std::uint64_t> held_wakes_{0};
  std::chrono::microseconds max_wake_delay_;
  std::shared_ptr<CallbackExecutor> callbacks_ = std::make_shared<CallbackExecutor>();
  std::vector<std::thread> workers_;  // last: started after everything above exists
};

}  // namespace sfq::detail
