// timer_queue.hpp — one thread that runs callbacks at given times (statement deadlines, the sync
// window of held requests, request latency).
//
// Callbacks run on the timer thread, one at a time, and must be short: they complete a held
// request or expire a statement, they never wait. Nothing sleeps in a loop: the thread blocks on
// a condition variable until the earliest deadline or until a new, earlier one arrives.
//
// Thread safety: every member may be called from any thread (also from inside a callback).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace mock_snowflake::detail {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;  ///< 0 is never a valid id

  TimerQueue();
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// Runs `callback` at `when` (at once if it has passed). Returns an id for cancel(); 0 when
  /// stopped (the callback is dropped).
  Id schedule(Clock::time_point when, std::function<void()> callback);
  /// Drops a timer that has not fired; a no-op for fired, cancelled or unknown ids.
  void cancel(Id id);
  /// Drops every pending timer and joins the thread. Idempotent.
  void stop();
  [[nodiscard]] std::size_t pending() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, std::pair<Id, std::function<void()>>> timers_;
  std::unordered_map<Id, decltype(timers_)::iterator> by_id_;
  Id next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mock_snowflake::detail
