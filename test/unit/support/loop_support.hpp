// loop_support.hpp — helpers for the tests that drive an EventLoop from the test thread: a
// mutex-protected state to wait on with a deadline, and run_on() to run code on the loop thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <utility>

#include "io/event_loop.hpp"

namespace test_support {

// Generous: sanitizer builds on two shared cores are slow, and a deadline only matters on failure.
inline constexpr std::chrono::seconds kLoopDeadline{120};

// A mutex-protected state with a condition variable to wait on it with a deadline.
template <typename State>
class Shared {
 public:
  // Notifies under the lock: a waiter that returns may destroy this object at once, so the
  // notifying thread must be done with it by the time the waiter can take the lock.
  template <typename F>
  void update(F&& fn) {
    std::lock_guard lock(mutex_);
    fn(state_);
    changed_.notify_all();
  }
  // True once `pred(state)` holds; false when `limit` passed first.
  template <typename Pred>
  [[nodiscard]] bool wait(Pred&& pred, std::chrono::seconds limit = kLoopDeadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return pred(state_); });
  }
  template <typename F>
  auto read(F&& fn) {
    std::lock_guard lock(mutex_);
    return fn(state_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  State state_{};
};

// Runs `fn` on the loop thread and returns its result. A loop that never runs it is a failure
// worth stopping the whole program for: the task would otherwise outlive this frame.
template <typename F>
auto run_on(sfq::detail::EventLoop& loop, F fn) -> decltype(fn()) {
  auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
  auto result = task->get_future();
  if (!loop.post([task] { (*task)(); }) ||
      result.wait_for(kLoopDeadline) != std::future_status::ready) {
    std::cerr << "the event loop did not run a task in time\n";
    std::abort();
  }
  return result.get();
}

}  // namespace test_support
