// event_loop.cpp — EventLoop: epoll_wait with the nearest timer's timeout, an eventfd for posts.
#include "io/event_loop.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <climits>
#include <exception>
#include <system_error>
#include <utility>

#include "util/log.hpp"

namespace sfq::detail {
namespace {

// How many ready fds one epoll_wait returns at most; more simply wait for the next iteration.
constexpr int kMaxEvents = 256;
// The epoll token of the eventfd; watch tokens start at 1.
constexpr std::uint64_t kWakeToken = 0;
// pthread names are limited to 16 bytes including the terminating NUL.
constexpr std::size_t kMaxThreadName = 15;

std::string errno_text(int error) {
  return std::error_code(error, std::system_category()).message();
}

Error system_error(std::string_view what, int error) {
  return Error(ErrorCategory::transport, std::string(what) + ": " + errno_text(error));
}

// Runs a callback so that an exception cannot unwind through the loop (and kill the I/O thread,
// stranding every transfer): it is logged and counted instead.
template <typename F>
void invoke_guarded(const char* what, std::atomic<std::uint64_t>& exceptions, F&& fn) noexcept {
  try {
    std::forward<F>(fn)();
  } catch (const std::exception& e) {
    exceptions.fetch_add(1, std::memory_order_relaxed);
    SFQ_LOG_ERROR("event loop: a {} threw: {}", what, e.what());
  } catch (...) {
    exceptions.fetch_add(1, std::memory_order_relaxed);
    SFQ_LOG_ERROR("event loop: a {} threw a non-standard exception", what);
  }
}

}  // namespace

EventLoop::EventLoop() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw system_error("cannot create an epoll instance", errno);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const int error = errno;
    ::close(epoll_fd_);
    throw system_error("cannot create an eventfd", error);
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) < 0) {
    const int error = errno;
    ::close(wake_fd_);
    ::close(epoll_fd_);
    throw system_error("cannot watch the eventfd", error);
  }
}

EventLoop::~EventLoop() {
  // Joining ourselves would deadlock (std::thread throws, then terminates): a design error.
  assert(!in_loop_thread() && "an EventLoop must not be destroyed on its own thread");
  stop();
  join();  // stop() does not join when it was first called on the loop thread
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void EventLoop::start(std::string thread_name) {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  running_.store(true, std::memory_order_release);
  if (thread_name.size() > kMaxThreadName) thread_name.resize(kMaxThreadName);
  thread_ = std::thread([this, name = std::move(thread_name)] {
    ::pthread_setname_np(::pthread_self(), name.c_str());
    run();
  });
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  if (in_loop_thread()) return;
  join();
}

void EventLoop::join() {
  std::lock_guard join_lock(join_mutex_);
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
  running_.store(false, std::memory_order_release);
}

bool EventLoop::post(Task task) {
  if (!task) return false;
  bool need_wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
    const std::size_t depth = tasks_.size();
    pending_.store(depth, std::memory_order_relaxed);
    if (depth > max_pending_.load(std::memory_order_relaxed)) {
      max_pending_.store(depth, std::memory_order_relaxed);
    }
    // One eventfd write per batch: later posts find the loop already on its way.
    need_wake = !wake_pending_;
    wake_pending_ = true;
  }
  posted_.fetch_add(1, std::memory_order_relaxed);
  if (need_wake) wake();
  return true;
}

bool EventLoop::in_loop_thread() const noexcept {
  return loop_thread_id_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

bool EventLoop::is_owner_thread() const noexcept {
  return in_loop_thread() || !running_.load(std::memory_order_acquire);
}

EventLoop::TimerId EventLoop::add_timer(Clock::time_point when, Task fn) {
  assert(is_owner_thread());
  const TimerId id = next_timer_id_++;
  timer_heap_.push(Timer{when, next_timer_sequence_++, id});
  timers_.emplace(id, std::move(fn));
  return id;
}

EventLoop::TimerId EventLoop::add_timer(std::chrono::milliseconds delay, Task fn) {
  return add_timer(Clock::now() + delay, std::move(fn));
}

void EventLoop::cancel_timer(TimerId id) {
  assert(is_owner_thread());
  // The heap entry stays and is skipped when it surfaces: removing from the middle of a binary
  // heap is O(n), and libcurl cancels and re-arms its timer on almost every call.
  timers_.erase(id);
}

Status EventLoop::watch(int fd, std::uint32_t epoll_events, WatchCallback fn) {
  assert(is_owner_thread());
  if (fd < 0) return Error(ErrorCategory::transport, "cannot watch a negative file descriptor");
  // A fresh token even when replacing: events already returned for the old registration must not
  // reach the new callback. The old Watch object stays alive while its callback runs.
  const std::uint64_t token = next_watch_token_++;
  epoll_event event{};
  event.events = epoll_events;
  event.data.u64 = token;
  const auto known = token_by_fd_.find(fd);
  int op = known == token_by_fd_.end() ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (::epoll_ctl(epoll_fd_, op, fd, &event) < 0) {
    // ADD of an fd epoll still holds (registered before the loop forgot it): modify instead;
    // MOD of an fd epoll dropped (closed and reopened under the same number): add it again.
    const int first_error = errno;
    const bool retry = (op == EPOLL_CTL_ADD && first_error == EEXIST) ||
                       (op == EPOLL_CTL_MOD && first_error == ENOENT);
    op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (!retry || ::epoll_ctl(epoll_fd_, op, fd, &event) < 0) {
      return system_error("cannot watch file descriptor " + std::to_string(fd), errno);
    }
  }
  if (known != token_by_fd_.end()) {
    watches_.erase(known->second);
    known->second = token;
  } else {
    token_by_fd_.emplace(fd, token);
  }
  watches_.emplace(token, std::make_shared<Watch>(Watch{fd, epoll_events, std::move(fn)}));
  return {};
}

Status EventLoop::modify(int fd, std::uint32_t epoll_events) {
  assert(is_owner_thread());
  const auto known = token_by_fd_.find(fd);
  if (known == token_by_fd_.end()) {
    return Error(ErrorCategory::transport,
                 "cannot modify file descriptor " + std::to_string(fd) + ": not watched");
  }
  epoll_event event{};
  event.events = epoll_events;
  event.data.u64 = known->second;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) < 0) {
    if (errno != ENOENT || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) < 0) {
      return system_error("cannot modify file descriptor " + std::to_string(fd), errno);
    }
  }
  watches_.at(known->second)->events = epoll_events;
  return {};
}

void EventLoop::unwatch(int fd) {
  assert(is_owner_thread());
  const auto known = token_by_fd_.find(fd);
  if (known == token_by_fd_.end()) return;
  watches_.erase(known->second);
  token_by_fd_.erase(known);
  epoll_event ignored{};  // kernels before 2.6.9 insist on a non-null pointer
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ignored) < 0 && errno != EBADF &&
      errno != ENOENT) {
    SFQ_LOG_WARN("event loop: cannot unwatch file descriptor {}: {}", fd, errno_text(errno));
  }
}

void EventLoop::set_iteration_end(Task fn) {
  assert(is_owner_thread());
  iteration_end_ = std::move(fn);
}

std::uint64_t EventLoop::iterations() const noexcept {
  return iterations_.load(std::memory_order_relaxed);
}
std::uint64_t EventLoop::sleeps() const noexcept { return sleeps_.load(std::memory_order_relaxed); }
std::uint64_t EventLoop::posted() const noexcept { return posted_.load(std::memory_order_relaxed); }
std::size_t EventLoop::pending_posts() const noexcept {
  return pending_.load(std::memory_order_relaxed);
}
std::size_t EventLoop::max_pending_posts() const noexcept {
  return max_pending_.load(std::memory_order_relaxed);
}
std::uint64_t EventLoop::timers_fired() const noexcept {
  return timers_fired_.load(std::memory_order_relaxed);
}
std::uint64_t EventLoop::callback_exceptions() const noexcept {
  return callback_exceptions_.load(std::memory_order_relaxed);
}

void EventLoop::run() {
  loop_thread_id_.store(std::this_thread::get_id(), std::memory_order_release);
  std::array<epoll_event, kMaxEvents> events{};
  while (true) {
    const int timeout_ms = next_timeout_ms();
    if (timeout_ms != 0) sleeps_.fetch_add(1, std::memory_order_relaxed);
    const int ready = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      // Only EBADF/EFAULT/EINVAL are possible, all impossible with our own fd: say so loudly,
      // and keep running timers and tasks rather than strand them.
      SFQ_LOG_ERROR("event loop: epoll_wait failed: {}", errno_text(errno));
    }
    iterations_.fetch_add(1, std::memory_order_relaxed);
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.u64 == kWakeToken) {
        drain_wakeup_fd();
      } else {
        dispatch_fd_event(events[i].data.u64, events[i].events);
      }
    }
    run_due_timers();
    const bool stop = run_posted_tasks();
    if (iteration_end_) invoke_guarded("iteration-end hook", callback_exceptions_, iteration_end_);
    if (stop) break;
  }
  // Abandoned timers and watches are destroyed here, on the loop thread, because their captures
  // may expect to be released where they ran.
  timer_heap_ = {};
  timers_.clear();
  watches_.clear();
  token_by_fd_.clear();
  loop_thread_id_.store(std::thread::id(), std::memory_order_release);
}

void EventLoop::drain_wakeup_fd() {
  std::uint64_t count = 0;
  // EAGAIN: another iteration already drained it. Nothing else can fail on an eventfd read.
  [[maybe_unused]] const ssize_t got = ::read(wake_fd_, &count, sizeof count);
}

void EventLoop::wake() noexcept {
  const std::uint64_t one = 1;
  // EAGAIN would mean the counter is at 2^64-2: the loop is awake anyway.
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

int EventLoop::next_timeout_ms() {
  // Cancelled timers are dropped here rather than in cancel_timer() (see there).
  while (!timer_heap_.empty() && !timers_.contains(timer_heap_.top().id)) timer_heap_.pop();
  if (timer_heap_.empty()) return -1;
  const auto now = Clock::now();
  const auto when = timer_heap_.top().when;
  if (when <= now) return 0;
  // Rounded up: waking a little early would only spin through another epoll_wait.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
  return wait > INT_MAX ? INT_MAX : static_cast<int>(wait);
}

void EventLoop::run_due_timers() {
  if (timer_heap_.empty()) return;
  const auto now = Clock::now();
  // Timers added by the callbacks of this pass wait for the next iteration, even when already
  // due: a 0 ms timer that re-arms itself must not keep the loop away from epoll and its posts.
  const std::uint64_t cutoff = next_timer_sequence_;
  std::vector<Timer> deferred;
  while (!timer_heap_.empty() && timer_heap_.top().when <= now) {
    const Timer timer = timer_heap_.top();
    timer_heap_.pop();
    if (timer.sequence >= cutoff) {
      deferred.push_back(timer);
      continue;
    }
    const auto found = timers_.find(timer.id);
    if (found == timers_.end()) continue;  // cancelled
    Task fn = std::move(found->second);
    timers_.erase(found);
    timers_fired_.fetch_add(1, std::memory_order_relaxed);
    invoke_guarded("timer", callback_exceptions_, fn);
  }
  for (const Timer& timer : deferred) timer_heap_.push(timer);
}

bool EventLoop::run_posted_tasks() {
  bool stop_requested = false;
  {
    std::lock_guard lock(mutex_);
    batch_.swap(tasks_);
    wake_pending_ = false;
    pending_.store(0, std::memory_order_relaxed);
    stop_requested = stopping_;
  }
  for (Task& task : batch_) {
    invoke_guarded("task", callback_exceptions_, task);
    task = nullptr;  // release the captures now, in order, not when the whole batch is done
  }
  batch_.clear();
  return stop_requested;
}

void EventLoop::dispatch_fd_event(std::uint64_t token, std::uint32_t revents) {
  const auto found = watches_.find(token);
  if (found == watches_.end()) return;  // unwatched earlier in this batch
  // A copy of the pointer keeps the callback alive if it unwatches or replaces itself.
  const std::shared_ptr<Watch> watch = found->second;
  invoke_guarded("fd callback", callback_exceptions_, [&] { watch->fn(revents); });
}

}  // namespace sfq::detail
