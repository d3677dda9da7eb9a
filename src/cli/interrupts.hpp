// interrupts.hpp — Ctrl-C (SIGINT), SIGTERM and SIGHUP, handled on a thread of their own.
//
// No work is ever done in a signal handler: the signals are blocked in every thread (the mask
// is set before any thread starts, and threads inherit it) and read from a signalfd by a
// watcher thread, which runs the installed handler as ordinary code. The handler of the moment
// belongs to whoever is running: the statement runner cancels its query (Query::cancel), the
// keygen passphrase prompt restores the terminal, and with no handler the process exits at
// once with 128 + the signal number.
//
// Child processes (the pager) get the default mask and dispositions back (spawn_shell).
//
// Thread safety: set_handler() from any thread; the handler runs on the watcher thread.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace sfq::cli {

class InterruptWatcher {
 public:
  using Handler = std::function<void(int signal_number)>;

  /// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (call it before any other thread
  /// exists) and starts the watcher. Also ignores SIGPIPE, so that a closed pipe is an EPIPE
  /// error the output code handles.
  InterruptWatcher();
  /// Stops the watcher and restores the signal mask.
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  /// Installs the handler for the signals to come (nullptr: exit at once); returns the previous.
  Handler set_handler(Handler handler);

  /// Signals received so far.
  [[nodiscard]] unsigned count() const noexcept { return count_.load(); }

 private:
  void watch();

  int signal_fd_ = -1;
  int stop_fd_ = -1;
  std::mutex mutex_;
  Handler handler_;
  std::atomic<unsigned> count_{0};
  std::thread thread_;
};

/// Installs a handler for the lifetime of the object, then puts the previous one back.
class ScopedInterruptHandler {
 public:
  ScopedInterruptHandler(InterruptWatcher& watcher, InterruptWatcher::Handler handler)
      : watcher_(watcher), previous_(watcher.set_handler(std::move(handler))) {}
  ~ScopedInterruptHandler() { watcher_.set_handler(std::move(previous_)); }
  ScopedInterruptHandler(const ScopedInterruptHandler&) = delete;
  ScopedInterruptHandler& operator=(const ScopedInterruptHandler&) = delete;

 private:
  InterruptWatcher& watcher_;
  InterruptWatcher::Handler previous_;
};

}  // namespace sfq::cli
