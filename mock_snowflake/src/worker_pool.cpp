// worker_pool.cpp — the statement thread pool: a small core started on demand, grown by a
// monitor only when every thread is stuck (worker_pool.hpp).
#include "worker_pool.hpp"

#include <algorithm>
#include <utility>

namespace mock_snowflake::detail {

namespace {

/// At most this many threads are started at once when the queue stalls.
constexpr std::size_t kMaxSpawnAtOnce = 64;

std::size_t default_core() {
  return std::max<std::size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

WorkerPool::WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout,
                       std::size_t core_threads, std::chrono::milliseconds stall)
    : max_threads_(max_threads == 0 ? 1 : max_threads),
      idle_timeout_(idle_timeout),
      core_threads_(std::min(max_threads_, core_threads == 0 ? default_core() : core_threads)),
      stall_(stall),
      monitor_([this] { monitor(); }) {}

WorkerPool::~WorkerPool() { shutdown(); }

bool WorkerPool::enqueue(std::function<void()> job) {
  bool wake_monitor = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    reap_locked();
    if (jobs_.empty()) last_progress_ = Clock::now();
    jobs_.push_back(std::move(job));
    if (jobs_.size() <= idle_) {
      cv_.notify_one();
    } else if (threads_.size() < core_threads_) {
      spawn_locked();
    } else {
      wake_monitor = monitor_waiting_;
    }
  }
  if (wake_monitor) monitor_cv_.notify_one();
  return true;
}

void WorkerPool::spawn_locked() {
  std::thread thread([this] { work(); });
  const auto id = thread.get_id();
  threads_.emplace(id, std::move(thread));
}

void WorkerPool::shutdown() {
  std::map<std::thread::id, std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cv_.notify_all();
    monitor_cv_.notify_all();
  }
  if (monitor_.joinable()) monitor_.join();
  // Workers drain the queue before exiting; threads started meanwhile are picked up by the loop.
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (threads_.empty()) break;
      threads.swap(threads_);
      exited_.clear();
    }
    for (auto& [id, thread] : threads) {
      if (thread.joinable()) thread.join();
    }
    threads.clear();
  }
}

std::size_t WorkerPool::threads() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

void WorkerPool::monitor() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const bool backlog = jobs_.size() > idle_ && threads_.size() < max_threads_;
    if (!backlog) {
      // Asleep until enqueue() finds no thread for a job.
      monitor_waiting_ = true;
      monitor_cv_.wait(lock);
      monitor_waiting_ = false;
      continue;
    }
    const auto stalled_at = last_progress_ + stall_;
    if (Clock::now() < stalled_at) {
      monitor_cv_.wait_until(lock, stalled_at);
      continue;
    }
    // No job was taken for `stall_`: every thread is stuck in a long statement.
    reap_locked();
    const std::size_t wanted = std::min({jobs_.size() - std::min(jobs_.size(), idle_),
                                         max_threads_ - threads_.size(), kMaxSpawnAtOnce});
    for (std::size_t i = 0; i < wanted; ++i) spawn_locked();
    last_progress_ = Clock::now();  // give the new threads a stall period to take their jobs
  }
}

void WorkerPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    const bool woken =
        cv_.wait_for(lock, idle_timeout_, [this] { return !jobs_.empty() || stopping_; });
    --idle_;
    if (jobs_.empty()) {
      if (stopping_ || !woken) {
        // Exit; the next enqueue() (or shutdown()) joins this thread.
        if (!stopping_) exited_.push_back(std::this_thread::get_id());
        return;
      }
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    last_progress_ = Clock::now();
    lock.unlock();
    job();
    job = nullptr;  // release captures before taking the lock again
    lock.lock();
  }
}

void WorkerPool::reap_locked() {
  for (const auto& id : exited_) {
    auto it = threads_.find(id);
    if (it == threads_.end()) continue;
    // The thread has announced its exit and only returns from work(): joining is immediate.
    it->second.join();
    threads_.erase(it);
  }
  exited_.clear();
}

}  // namespace mock_snowflake::detail
