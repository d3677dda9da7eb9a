// decode_pool.cpp — a mutex + condition-variable FIFO feeding a fixed set of worker threads.
#include "decode/decode_pool.hpp"

#include <algorithm>
#include <exception>

#include "util/log.hpp"

namespace sfq::detail {

DecodePool::DecodePool(std::size_t threads) {
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { run_worker(); });
}

DecodePool::~DecodePool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

bool DecodePool::submit(std::function<void()> job) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
    ++submitted_;
    high_water_ = std::max(high_water_, queue_.size());
  }
  work_ready_.notify_one();
  return true;
}

void DecodePool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void DecodePool::run_worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Stopping drains: a worker leaves only when nothing is left to run.
    if (queue_.empty()) return;
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    bool failed = false;
    try {
      job();
    } catch (const std::exception& e) {
      failed = true;
      SFQ_LOG_ERROR("decode job failed: {}", e.what());
    } catch (...) {
      failed = true;
      SFQ_LOG_ERROR("decode job failed with a non-standard exception");
    }
    job = nullptr;  // destroy captures outside the lock, before the job counts as done
    lock.lock();
    --running_;
    ++run_;
    if (failed) ++failed_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
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
