// event_loop.hpp (internal) — EventLoop: the one I/O thread of a Client. It owns an epoll
// instance, an eventfd that wakes it for work posted from other threads, a timer heap and the
// thread that runs them all.
//
// Why no timerfd: the thread sleeps in epoll_wait with the timeout of the nearest timer. libcurl
// asks for 0 ms timers constantly; re-arming a timerfd for each cost about 17 µs of CPU per request
// and 40 % of throughput on the build machine. A 0 ms timer here costs nothing: the next
// epoll_wait simply does not sleep.
//
// Threads:
//   - post(), in_loop_thread(), stop(), start() and the counters may be called from any thread.
//   - add_timer(), cancel_timer(), watch(), modify() and unwatch() belong to the loop thread. They
//     may also be called by the owner while no loop thread runs (before start(), after stop()
//     returned): that is what "the owner" means below, see is_owner_thread().
//   - Every callback (tasks, timers, fd watches) runs on the loop thread. A callback that throws
//     is logged and counted; the loop carries on.
//
// Posted tasks: an unbounded FIFO guarded by a mutex, one per EventLoop (MPSC). Unbounded on
// purpose: the producers are the loop thread itself (re-posting) and threads the loop may be
// waiting for (decode workers handing back a batch). Blocking them on a full queue can deadlock
// the loop against its own workers, and failing them would push a retry loop into every caller.
// The bound lives upstream instead, where the work is created: HttpClient's max_in_flight and the
// statement layer's prefetch window cap how much work can be outstanding. The depth and its high
// watermark are counted (pending_posts(), max_pending_posts()). Nothing is dropped silently: post()
// either accepts a task (it will run) or returns false (the loop is stopped).
//
// Stop semantics: stop() is final (a loop runs once). Every task that post() accepted runs, in
// order, before the loop thread exits; post() returns false from the moment stop() is called.
// Timers that have not fired and fd watches are abandoned: their callbacks are destroyed on the
// loop thread as it exits, without being called. Called from another thread, stop() joins the
// loop thread; called on the loop thread (from a callback), it returns at once and the loop exits
// after the current iteration (the destructor joins). If the loop was never started, tasks it
// accepted are destroyed without running.
//
// Ownership: EventLoop must outlive everything that watches fds or holds timers on it (in
// particular HttpClient, which must be destroyed first). Not copyable, not movable (callbacks
// capture its address). Destroying an EventLoop from its own loop thread is a programming error.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sfq/error.hpp"

namespace sfq::detail {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;
  using Task = std::function<void()>;
  using WatchCallback = std::function<void(std::uint32_t revents)>;

  /// Creates the epoll instance and the eventfd; throws sfq::Error (transport) when the kernel
  /// refuses (out of file descriptors). The thread starts with start().
  EventLoop();
  /// Stops (see stop()) and joins the loop thread. Must not run on the loop thread.
  ~EventLoop();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  EventLoop(EventLoop&&) = delete;
  EventLoop& operator=(EventLoop&&) = delete;

  /// Starts the loop thread, named `thread_name` (truncated to 15 bytes, the kernel's limit).
  /// Tasks posted before start() run first, in order. Calling start() twice, or after stop(),
  /// does nothing (a loop runs once).
  void start(std::string thread_name = "sfq-io");

  /// Finishes the loop; see "Stop semantics" above. Idempotent.
  void stop();

  /// Queues `task` to run on the loop thread, after the tasks queued before it (FIFO per
  /// producer and overall, in the order the queue's mutex admits them). Any thread, including
  /// the loop thread itself (the task then runs at the next iteration, never synchronously).
  /// Returns false, and drops `task` unrun, once stop() has been called (or if `task` is empty).
  bool post(Task task);

  /// True on the loop thread.
  [[nodiscard]] bool in_loop_thread() const noexcept;
  /// True on the loop thread, or on any thread while no loop thread runs (before start(), after
  /// stop() joined it): the threads allowed to call the loop-thread-only functions below.
  [[nodiscard]] bool is_owner_thread() const noexcept;

  // --- loop thread (or owner) only -----------------------------------------------------------

  /// Runs `fn` once at `when` (or at the next iteration if `when` has passed). Timers with the
  /// same deadline fire in the order they were added. Ids are never reused and never 0, so 0 can
  /// mean "no timer".
  TimerId add_timer(Clock::time_point when, Task fn);
  /// Runs `fn` once after `delay`. 0 ms means "at the next iteration, without sleeping" — but
  /// never synchronously, and not within the pass of timers that is currently running.
  TimerId add_timer(std::chrono::milliseconds delay, Task fn);
  /// Cancels a timer that has not fired; unknown, fired or cancelled ids are ignored. Safe from
  /// inside a timer callback (a timer due in the same pass then does not fire).
  void cancel_timer(TimerId id);

  /// Watches `fd` (level-triggered) for `epoll_events` (EPOLLIN, EPOLLOUT, ...; EPOLLERR and
  /// EPOLLHUP are always reported) and calls `fn(revents)` on the loop thread. Watching an fd
  /// that is already watched replaces its events and callback. Fails (transport error) when
  /// epoll refuses the fd. The fd stays owned by the caller, who must unwatch it before closing
  /// it — or, when a library closes it first, may still unwatch it afterwards.
  [[nodiscard]] Status watch(int fd, std::uint32_t epoll_events, WatchCallback fn);
  /// Changes the events of a watched fd. An fd epoll forgot (closed and reopened behind our
  /// back) is added again. Fails when the fd is not watched or epoll refuses.
  [[nodiscard]] Status modify(int fd, std::uint32_t epoll_events);
  /// Stops watching `fd`; its callback is not called again, even for events already returned by
  /// the current epoll_wait. EBADF/ENOENT (the fd was closed first) are expected and ignored;
  /// unknown fds are ignored. Safe from inside the fd's own callback.
  void unwatch(int fd);

  /// Runs `fn` on the loop thread at the end of every iteration, after the fd events, timers and
  /// posted tasks and before the loop may sleep again; replaces any earlier one (an empty
  /// function removes it). Loop thread only (or before start). A component that hands work to
  /// other threads can wake them once per iteration here instead of once per item.
  void set_iteration_end(Task fn);

  // --- counters: any thread, relaxed (for tests, benchmarks and diagnostics) ------------------

  /// Completed loop iterations (one epoll_wait each).
  [[nodiscard]] std::uint64_t iterations() const noexcept;
  /// epoll_wait calls made with a non-zero timeout, i.e. that were allowed to sleep.
  [[nodiscard]] std::uint64_t sleeps() const noexcept;
  /// Tasks accepted by post(), in total.
  [[nodiscard]] std::uint64_t posted() const noexcept;
  /// Tasks waiting in the post queue now, and the most that ever waited at once.
  [[nodiscard]] std::size_t pending_posts() const noexcept;
  [[nodiscard]] std::size_t max_pending_posts() const noexcept;
  /// Timers that fired.
  [[nodiscard]] std::uint64_t timers_fired() const noexcept;
  /// Exceptions thrown by callbacks (logged, then swallowed so the loop survives).
  [[nodiscard]] std::uint64_t callback_exceptions() const noexcept;

 private:
  struct Timer {
    Clock::time_point when;
    std::uint64_t sequence;  // FIFO among equal deadlines; also the pass cut-off for 0 ms timers
    TimerId id;
  };
  struct TimerLater {
    bool operator()(const Timer& a, const Timer& b) const noexcept {
      return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
    }
  };
  struct Watch {
    int fd = -1;
    std::uint32_t events = 0;
    WatchCallback fn;
  };

  void run();
  void drain_wakeup_fd();
  [[nodiscard]] int next_timeout_ms();
  void run_due_timers();
  // Runs the tasks queued so far; returns true when stop() was requested (the last batch ran).
  bool run_posted_tasks();
  void dispatch_fd_event(std::uint64_t token, std::uint32_t revents);
  void wake() noexcept;
  void join();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  std::atomic<bool> running_{false};  // a loop thread exists (started and not yet joined)
  bool started_ = false;              // guarded by mutex_
  std::mutex join_mutex_;             // serialises stop() callers that join

  // The post queue (MPSC).
  mutable std::mutex mutex_;
  std::vector<Task> tasks_;    // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  bool wake_pending_ = false;  // guarded by mutex_: an eventfd write is already on its way
  std::vector<Task> batch_;    // loop thread: the tasks being run (swapped with tasks_)
  Task iteration_end_;         // loop thread: set_iteration_end()

  // Loop-thread state.
  std::priority_queue<Timer, std::vector<Timer>, TimerLater> timer_heap_;
  std::unordered_map<TimerId, Task> timers_;  // live timers; cancelled ones stay in the heap
  std::uint64_t next_timer_sequence_ = 1;
  TimerId next_timer_id_ = 1;
  // Watches are keyed by a token that is never reused, and epoll carries the token rather than
  // the fd: an event already returned for an fd that was unwatched (and perhaps reopened under
  // the same number) within the same batch then finds no watch instead of the wrong one.
  std::unordered_map<std::uint64_t, std::shared_ptr<Watch>> watches_;
  std::unordered_map<int, std::uint64_t> token_by_fd_;
  std::uint64_t next_watch_token_ = 1;  // 0 is the eventfd

  std::atomic<std::uint64_t> iterations_{0};
  std::atomic<std::uint64_t> sleeps_{0};
  std::atomic<std::uint64_t> posted_{0};
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> max_pending_{0};
  std::atomic<std::uint64_t> timers_fired_{0};
  std::atomic<std::uint64_t> callback_exceptions_{0};
};

}  // namespace sfq::detail
