// decode_pool.cpp — a mutex + condition-variable FIFO feeding a fixed set of worker threads,
// and the growable executor of the callers' callbacks.
#include "decode/decode_pool.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>

#include "util/log.hpp"

namespace sfq::detail {

// ---------------------------------------------------------------------------------------------
// CallbackExecutor

struct CallbackExecutor::Shared {
  explicit Shared(std::chrono::milliseconds wait) : linger(wait) {}
  const std::chrono::milliseconds linger;
  mutable std::mutex mutex;
  std::condition_variable task_ready;  // a task was queued, or stopping
  std::deque<std::function<void()>> tasks;
  std::size_t idle = 0;  // threads waiting for a task
  std::size_t alive = 0;
  std::size_t started = 0;
  std::size_t running = 0;
  bool stopping = false;

  static void run_thread(const std::shared_ptr<Shared>& self) {
    std::unique_lock lock(self->mutex);
    for (;;) {
      if (self->tasks.empty() && !self->stopping) {
        ++self->idle;
        self->task_ready.wait_for(lock, self->linger,
                                  [&] { return !self->tasks.empty() || self->stopping; });
        --self->idle;
      }
      // Idle for `linger`, or the executor is gone and nothing is left: leave.
      if (self->tasks.empty()) break;
      std::function<void()> task = std::move(self->tasks.front());
      self->tasks.pop_front();
      ++self->running;
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        SFQ_LOG_ERROR("callback task failed: {}", e.what());
      } catch (...) {
        SFQ_LOG_ERROR("callback task failed with a non-standard exception");
      }
      task = nullptr;  // the captures go outside the lock
      lock.lock();
      --self->running;
    }
    --self->alive;
  }
};

CallbackExecutor::CallbackExecutor(std::chrono::milliseconds linger)
    : shared_(std::make_shared<Shared>(linger)) {}

CallbackExecutor::~CallbackExecutor() {
  {
    const std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->task_ready.notify_all();
}

void CallbackExecutor::run(std::function<void()> task) {
  std::unique_lock lock(shared_->mutex);
  shared_->tasks.push_back(std::move(task));
  if (shared_->tasks.size() <= shared_->idle) {
    lock.unlock();
    shared_->task_ready.notify_one();
    return;
  }
  // Every thread is busy (perhaps inside a callback that blocks): one more.
  try {
    std::thread([shared = shared_] {
      ::pthread_setname_np(::pthread_self(), "sfq-callback");
      Shared::run_thread(shared);
    }).detach();
  } catch (const std::system_error&) {
    if (shared_->alive == 0) {
      shared_->tasks.pop_back();  // nobody would run it: the caller hears of it
      throw;
    }
    return;  // a running thread takes it when its task returns
  }
  ++shared_->alive;
  ++shared_->started;
}

std::size_t CallbackExecutor::threads_alive() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->alive;
}

std::size_t CallbackExecutor::threads_started() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->started;
}

std::size_t CallbackExecutor::tasks_running() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->running;
}

// ---------------------------------------------------------------------------------------------
// DecodePool

// The wake-ups a worker holds back (notify_all()); reached through a thread-local pointer that
// is set on decode workers only.
struct DecodePool::HeldWakes {
  struct Wake {
    std::shared_ptr<const void> owner;
    std::condition_variable* changed = nullptr;
  };
  std::vector<Wake> wakes;
  // Only while a short job runs: a long one (a large partition, delivered slice by slice) must
  // let its consumer start on the first slice at once.
  bool holding = false;
  std::chrono::steady_clock::time_point first;  // when the oldest was held back
  std::atomic<std::uint64_t>* given = nullptr;  // the pool's held_wakes_
  std::chrono::microseconds max_delay{};        // the pool's max_wake_delay_

  // Reads the clock only when something is held.
  [[nodiscard]] bool overdue() const noexcept {
    return !wakes.empty() && std::chrono::steady_clock::now() - first >= max_delay;
  }

  void flush() noexcept {
    // Several jobs of one query hold back the same condition variable: one wake-up each.
    std::sort(wakes.begin(), wakes.end(),
              [](const Wake& a, const Wake& b) { return a.changed < b.changed; });
    std::condition_variable* last = nullptr;
    std::uint64_t count = 0;
    for (const Wake& wake : wakes) {
      if (wake.changed == last) continue;
      last = wake.changed;
      last->notify_all();
      ++count;
    }
    given->fetch_add(count, std::memory_order_relaxed);
    wakes.clear();  // the owners go, perhaps the last reference to a query
  }
};

thread_local DecodePool::HeldWakes* DecodePool::held_wakes_on_this_thread = nullptr;

void DecodePool::notify_all(std::shared_ptr<const void> owner, std::condition_variable& changed) {
  HeldWakes* held = held_wakes_on_this_thread;
  if (held != nullptr && held->holding) {
    try {
      if (held->wakes.empty()) held->first = std::chrono::steady_clock::now();
      held->wakes.push_back(HeldWakes::Wake{std::move(owner), &changed});
      return;
    } catch (...) {  // no room to hold it: wake now
    }
  }
  changed.notify_all();
}

std::size_t usable_cores() noexcept {
  // The cores this process may run on (taskset, a cgroup's cpuset, a container's limit), which
  // is what a pool can use; std::thread::hardware_concurrency() counts the whole machine's.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<std::size_t>(count);
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

DecodePool::DecodePool(std::size_t threads, std::chrono::microseconds max_wake_delay)
    : max_wake_delay_(max_wake_delay) {
  if (threads == 0) threads = usable_cores();
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] {
      // Named so that top -H, perf and a debugger tell them from the I/O thread (sfq-io).
      ::pthread_setname_np(::pthread_self(), "sfq-decode");
      run_worker();
    });
  }
}

DecodePool::~DecodePool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

bool DecodePool::submit(std::function<void()> job, JobLength length) {
  bool deferred = false;
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(Job{std::move(job), length});
    ++submitted_;
    high_water_ = std::max(high_water_, queue_.size());
    deferred = deferring_thread_ == std::this_thread::get_id();
    if (deferred) wake_owed_.store(true, std::memory_order_relaxed);
  }
  if (!deferred) {
    wakes_.fetch_add(1, std::memory_order_relaxed);
    work_ready_.notify_one();
  }
  return true;
}

void DecodePool::defer_wakes_on_this_thread() {
  const std::lock_guard lock(mutex_);
  deferring_thread_ = std::this_thread::get_id();
}

void DecodePool::flush_wakes() {
  if (!wake_owed_.load(std::memory_order_relaxed)) return;
  std::size_t wakes = 0;
  {
    const std::lock_guard lock(mutex_);
    wake_owed_.store(false, std::memory_order_relaxed);
    wakes = std::min(queue_.size(), workers_.size());
  }
  // A worker that is busy finds the queued jobs when it is done; notifying with nobody waiting
  // costs no system call.
  wakes_.fetch_add(wakes, std::memory_order_relaxed);
  for (std::size_t i = 0; i < wakes; ++i) work_ready_.notify_one();
}

void DecodePool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void DecodePool::run_worker() {
  HeldWakes held;
  held.given = &held_wakes_;
  held.max_delay = max_wake_delay_;
  try {
    held.wakes.reserve(kTypicalHeldWakes);
  } catch (...) {  // notify_all() tries again, and wakes at once if it cannot hold one
  }
  held_wakes_on_this_thread = &held;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (queue_.empty() && !held.wakes.empty()) {
      // Nothing more to run: the waiters of the jobs just run hear of them now.
      lock.unlock();
      held.flush();
      lock.lock();
      continue;  // look at the queue again: a job may have come meanwhile
    }
    work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Stopping drains: a worker leaves only when nothing is left to run.
    if (queue_.empty()) break;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    // A job that may run long, or wake-ups held long enough: the waiters go first.
    if (!held.wakes.empty() && (job.length != JobLength::short_job || held.overdue())) {
      held.flush();
    }
    held.holding = job.length == JobLength::short_job;
    bool failed = false;
    try {
      job.run();
    } catch (const std::exception& e) {
      failed = true;
      SFQ_LOG_ERROR("decode job failed: {}", e.what());
    } catch (...) {
      failed = true;
      SFQ_LOG_ERROR("decode job failed with a non-standard exception");
    }
    held.holding = false;
    job.run = nullptr;  // destroy captures outside the lock, before the job counts as done
    if (held.overdue()) held.flush();
    lock.lock();
    --running_;
    ++run_;
    if (failed) ++failed_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
  lock.unlock();
  held.flush();
  held_wakes_on_this_thread = nullptr;
}

std::uint64_t DecodePool::jobs_submitted() const {
  const std::lock_guard lock(mutex_);
  return submitted_;
}

std::uint64_t DecodePool::jobs_run() const {
  const std::lock_guard lock(mutex_);
  return run_;
}

std::uint64_t DecodePool::jobs_failed() const {
  const std::lock_guard lock(mutex_);
  return failed_;
}

std::size_t DecodePool::queue_depth() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t DecodePool::queue_high_water() const {
  const std::lock_guard lock(mutex_);
  return high_water_;
}

}  // namespace sfq::detail
