// executor.cpp — the server's single worker thread.
#include "mcp/executor.hpp"

#include <exception>

#include "sfq/log.hpp"

namespace sfq::mcp {

Executor::Executor() : thread_([this] { run(); }) {}

Executor::~Executor() { stop(); }

bool Executor::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
  }
  changed_.notify_one();
  return true;
}

bool Executor::post_after(std::chrono::milliseconds delay, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    timers_.emplace(std::chrono::steady_clock::now() + delay, std::move(task));
  }
  changed_.notify_one();
  return true;
}

void Executor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable() && !on_worker()) thread_.join();
}

bool Executor::on_worker() const noexcept { return std::this_thread::get_id() == thread_.get_id(); }

void Executor::run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (!timers_.empty() && timers_.begin()->first <= now) {
          tasks_.push_back(std::move(timers_.begin()->second));
          timers_.erase(timers_.begin());
          continue;
        }
        if (!tasks_.empty() || stopping_) break;
        if (timers_.empty()) {
          changed_.wait(lock);
        } else {
          changed_.wait_until(lock, timers_.begin()->first);
        }
      }
      if (tasks_.empty()) {
        timers_.clear();  // stopping: timers not yet due are dropped
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      // A task that throws is a bug; keep serving the other requests.
      log_message(LogLevel::error, std::string("sfq mcp: internal error in a task: ") + e.what());
    }
  }
}

}  // namespace sfq::mcp
