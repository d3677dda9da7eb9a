// executor.hpp — one worker thread that runs the server's short tasks in order: starting tool
// calls and continuing them when a statement reports back.
//
// Tasks never block (statements run on libsfq's threads; their callbacks only post here), so one
// thread serves any number of requests concurrently. The queue is unbounded: its length is
// bounded by the requests in flight. Timed tasks (post_after) run once their time has come;
// stop() runs the tasks that are due, drops the timers that are not, then joins.
//
// Thread safety: post() from any thread; stop() from the owner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace sfq::mcp {

class Executor {
 public:
  Executor();
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Queues a task; returns false (and drops it) after stop().
  bool post(std::function<void()> task);
  /// Runs `task` after `delay` (never earlier); returns false after stop().
  bool post_after(std::chrono::milliseconds delay, std::function<void()> task);

  /// Runs the tasks already queued, then joins the thread. Idempotent.
  void stop();

  /// True when called from the worker thread.
  [[nodiscard]] bool on_worker() const noexcept;

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> timers_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sfq::mcp
