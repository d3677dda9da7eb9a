// worker_pool.cpp — the growing thread pool behind connections and statement execution.
#include "worker_pool.hpp"

#include <utility>

namespace mock_snowflake::detail {

WorkerPool::WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout)
    : max_threads_(max_threads == 0 ? 1 : max_threads), idle_timeout_(idle_timeout) {}

WorkerPool::~WorkerPool() { shutdown(); }

bool WorkerPool::enqueue(std::function<void()> job) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  reap_locked();
  jobs_.push_back(std::move(job));
  if (jobs_.size() <= idle_) {
    cv_.notify_one();
  } else if (threads_.size() < max_threads_) {
    std::thread thread([this] { work(); });
    const auto id = thread.get_id();
    threads_.emplace(id, std::move(thread));
  }
  return true;
}

void WorkerPool::shutdown() {
  std::map<std::thread::id, std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cv_.notify_all();
  }
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
