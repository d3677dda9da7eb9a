// timer_queue.cpp — the timer thread: a multimap ordered by deadline, a condition variable.
#include "timer_queue.hpp"

#include <utility>

namespace mock_snowflake::detail {

TimerQueue::TimerQueue() : thread_([this] { run(); }) {}

TimerQueue::~TimerQueue() { stop(); }

TimerQueue::Id TimerQueue::schedule(Clock::time_point when, std::function<void()> callback) {
  Id id = 0;
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return 0;
    id = next_id_++;
    const auto it = timers_.emplace(when, std::make_pair(id, std::move(callback)));
    by_id_.emplace(id, it);
    earliest = it == timers_.begin();
  }
  if (earliest) cv_.notify_one();
  return id;
}

void TimerQueue::cancel(Id id) {
  std::function<void()> dropped;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  const auto found = by_id_.find(id);
  if (found == by_id_.end()) return;
  dropped = std::move(found->second->second.second);
  timers_.erase(found->second);
  by_id_.erase(found);
}

void TimerQueue::stop() {
  decltype(timers_) dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    dropped.swap(timers_);
    by_id_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::size_t TimerQueue::pending() const {
  std::lock_guard lock(mutex_);
  return timers_.size();
}

void TimerQueue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = timers_.begin()->first;
    if (Clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    auto callback = std::move(timers_.begin()->second.second);
    by_id_.erase(timers_.begin()->second.first);
    timers_.erase(timers_.begin());
    lock.unlock();
    callback();
    callback = nullptr;
    lock.lock();
  }
}

}  // namespace mock_snowflake::detail
