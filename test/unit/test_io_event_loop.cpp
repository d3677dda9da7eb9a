// Unit tests for sfq::detail::EventLoop: posts from many threads, timers (order, cancellation,
// 0 ms without sleeping), fd watches on real pipes, stop semantics, and surviving callbacks that
// throw. Every wait has a deadline; nothing sleeps to synchronise.
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "io/event_loop.hpp"
#include "support/loop_support.hpp"

namespace {

using sfq::detail::EventLoop;
using namespace std::chrono_literals;

// Generous: sanitizer builds on two shared cores are slow, and a deadline only matters on failure.
constexpr auto kDeadline = 60s;

using test_support::run_on;
using test_support::Shared;

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  [[nodiscard]] bool write_byte() const { return ::write(write_end, "x", 1) == 1; }
  // Reads everything available; the number of bytes.
  [[nodiscard]] std::size_t drain() const {
    std::size_t total = 0;
    char buffer[64];
    ssize_t got = 0;
    while ((got = ::read(read_end, buffer, sizeof buffer)) > 0)
      total += static_cast<std::size_t>(got);
    return total;
  }
};

TEST(EventLoop, PostsFromManyThreadsAllRunInOrderPerProducer) {
  constexpr int kProducers = 8;
  constexpr int kPerProducer = 5000;
  EventLoop loop;
  loop.start("sfq-io-test");

  struct State {
    std::vector<int> next_expected = std::vector<int>(kProducers, 0);
    int out_of_order = 0;
    int off_thread = 0;
    int ran = 0;
  };
  Shared<State> shared;
  std::vector<std::thread> producers;
  std::atomic<int> rejected{0};
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        const bool accepted = loop.post([&, p, i] {
          const bool on_loop = loop.in_loop_thread();
          shared.update([&](State& s) {
            if (s.next_expected[p] != i) ++s.out_of_order;
            s.next_expected[p] = i + 1;
            if (!on_loop) ++s.off_thread;
            ++s.ran;
          });
        });
        if (!accepted) ++rejected;
      }
    });
  }
  for (auto& producer : producers) producer.join();
  ASSERT_TRUE(shared.wait([](const State& s) { return s.ran == kProducers * kPerProducer; }));
  EXPECT_EQ(rejected.load(), 0);
  shared.read([](const State& s) {
    EXPECT_EQ(s.out_of_order, 0);
    EXPECT_EQ(s.off_thread, 0);
    return 0;
  });
  EXPECT_EQ(loop.posted(), static_cast<std::uint64_t>(kProducers * kPerProducer));
  EXPECT_GE(loop.max_pending_posts(), 1U);
  EXPECT_EQ(loop.callback_exceptions(), 0U);
}

TEST(EventLoop, TasksPostedBeforeStartRunOnceStartedInOrder) {
  EventLoop loop;
  Shared<std::vector<int>> order;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(loop.post([&, i] { order.update([i](std::vector<int>& v) { v.push_back(i); }); }));
  }
  EXPECT_EQ(loop.pending_posts(), 10U);
  loop.start();
  ASSERT_TRUE(order.wait([](const std::vector<int>& v) { return v.size() == 10; }));
  order.read([](const std::vector<int>& v) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    return 0;
  });
}

TEST(EventLoop, TheIterationEndHookRunsOnTheLoopAfterThatIterationsTasks) {
  EventLoop loop;
  // Loop-thread state, read only through run_on.
  int tasks_run = 0;
  std::vector<int> seen;  // tasks_run as each hook call saw it
  bool off_loop = false;
  loop.set_iteration_end([&] {
    seen.push_back(tasks_run);
    if (!loop.in_loop_thread()) off_loop = true;
  });
  // Posted before start: one iteration runs all five, and its hook sees all five done.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop.post([&] { ++tasks_run; }));
  loop.start();
  // A task posted now may run in that same first iteration, before its hook: ask again until
  // an iteration has ended.
  std::tuple<std::size_t, int, bool> observed;
  for (int attempt = 0; attempt < 100 && std::get<0>(observed) == 0; ++attempt) {
    observed = run_on(loop, [&] {
      return std::tuple<std::size_t, int, bool>(seen.size(), seen.empty() ? -1 : seen.front(),
                                                off_loop);
    });
  }
  const auto [calls, first_seen, off] = observed;
  EXPECT_GE(calls, 1U);
  EXPECT_EQ(first_seen, 5) << "the hook runs after the iteration's posted tasks";
  EXPECT_FALSE(off);
  // A timer's iteration ends with the hook too; an empty function removes it.
  std::promise<void> fired;
  run_on(loop, [&] {
    loop.add_timer(0ms, [&] {
      ++tasks_run;
      fired.set_value();
    });
    return 0;
  });
  ASSERT_EQ(fired.get_future().wait_for(kDeadline), std::future_status::ready);
  // A task posted now may still run in the timer's iteration; the one after it cannot.
  run_on(loop, [] { return 0; });
  const std::size_t before_removal = run_on(loop, [&] {
    EXPECT_EQ(seen.back(), 6) << "the timer's iteration ended with the hook";
    loop.set_iteration_end({});
    return seen.size();
  });
  run_on(loop, [] { return 0; });
  run_on(loop, [] { return 0; });
  EXPECT_EQ(run_on(loop, [&] { return seen.size(); }), before_removal);
  loop.stop();
}

TEST(EventLoop, OwnerThreadIsTheLoopWhileItRunsAndTheCallerOtherwise) {
  EventLoop loop;
  EXPECT_FALSE(loop.in_loop_thread());
  EXPECT_TRUE(loop.is_owner_thread());  // nobody else can be running it
  loop.start();
  EXPECT_FALSE(loop.in_loop_thread());
  EXPECT_FALSE(loop.is_owner_thread());
  EXPECT_TRUE(run_on(loop, [&] { return loop.in_loop_thread() && loop.is_owner_thread(); }));
  loop.stop();
  EXPECT_FALSE(loop.in_loop_thread());
  EXPECT_TRUE(loop.is_owner_thread());
}

TEST(EventLoop, TimersFireInDeadlineOrderAndTiesInInsertionOrder) {
  EventLoop loop;
  loop.start();
  Shared<std::vector<std::string>> fired;
  auto record = [&fired](std::string label) {
    return
        [&fired, label] { fired.update([&](std::vector<std::string>& v) { v.push_back(label); }); };
  };
  run_on(loop, [&] {
    const auto base = EventLoop::Clock::now() + 30ms;
    loop.add_timer(base + 5ms, record("t5"));
    loop.add_timer(base + 1ms, record("t1"));
    loop.add_timer(base + 4ms, record("t4"));
    loop.add_timer(base + 3ms, record("t3a"));
    loop.add_timer(base + 2ms, record("t2"));
    loop.add_timer(base + 3ms, record("t3b"));  // same deadline as t3a, added later
    loop.add_timer(base, record("t0"));
    loop.add_timer(EventLoop::Clock::now() - 1s, record("past"));  // overdue: fires first
    return 0;
  });
  ASSERT_TRUE(fired.wait([](const std::vector<std::string>& v) { return v.size() == 8; }));
  fired.read([](const std::vector<std::string>& v) {
    EXPECT_EQ(v, (std::vector<std::string>{"past", "t0", "t1", "t2", "t3a", "t3b", "t4", "t5"}));
    return 0;
  });
  EXPECT_EQ(loop.timers_fired(), 8U);
}

TEST(EventLoop, CancelledTimersNeverFire) {
  EventLoop loop;
  loop.start();
  struct State {
    bool cancelled_fired = false;
    bool victim_fired = false;
    bool witness_fired = false;
  };
  Shared<State> state;
  run_on(loop, [&] {
    const EventLoop::TimerId early =
        loop.add_timer(1ms, [&] { state.update([](State& s) { s.cancelled_fired = true; }); });
    loop.cancel_timer(early);
    loop.cancel_timer(early);   // twice: ignored
    loop.cancel_timer(999999);  // unknown: ignored
    // Due in the same pass: the first cancels the second, which must then not run.
    const auto when = EventLoop::Clock::now() + 5ms;
    auto victim = std::make_shared<EventLoop::TimerId>(0);
    loop.add_timer(when, [&loop, victim] { loop.cancel_timer(*victim); });
    *victim = loop.add_timer(when, [&] { state.update([](State& s) { s.victim_fired = true; }); });
    loop.add_timer(20ms, [&] { state.update([](State& s) { s.witness_fired = true; }); });
    return 0;
  });
  ASSERT_TRUE(state.wait([](const State& s) { return s.witness_fired; }));
  // The witness is due after both, and timers run in deadline order.
  state.read([](const State& s) {
    EXPECT_FALSE(s.cancelled_fired);
    EXPECT_FALSE(s.victim_fired);
    return 0;
  });
}

// Each timer arms the next one, already due; while the chain runs the loop must never ask
// epoll_wait to sleep, and each link must take exactly one iteration: not zero (timers never run
// synchronously, nor in the pass that armed them) and not more (no sleeping in between).
void expect_one_iteration_per_link(bool absolute_past_deadline) {
  EventLoop loop;
  loop.start();
  constexpr int kChain = 1000;
  struct Counts {
    std::uint64_t sleeps_before = 0, sleeps_after = 0;
    std::uint64_t iterations_before = 0, iterations_after = 0;
    bool done = false;
  };
  Shared<Counts> counts;
  std::function<void(int)> link = [&](int left) {
    if (left == 0) {
      counts.update([&](Counts& c) {
        c.sleeps_after = loop.sleeps();
        c.iterations_after = loop.iterations();
        c.done = true;
      });
      return;
    }
    auto next = [&link, left] { link(left - 1); };
    if (absolute_past_deadline) {
      loop.add_timer(EventLoop::Clock::now() - 1s, next);
    } else {
      loop.add_timer(0ms, next);
    }
  };
  ASSERT_TRUE(loop.post([&] {
    counts.update([&](Counts& c) {
      c.sleeps_before = loop.sleeps();
      c.iterations_before = loop.iterations();
    });
    link(kChain);
  }));
  ASSERT_TRUE(counts.wait([](const Counts& c) { return c.done; }));
  counts.read([&](const Counts& c) {
    EXPECT_EQ(c.sleeps_after, c.sleeps_before);
    EXPECT_EQ(c.iterations_after - c.iterations_before, static_cast<std::uint64_t>(kChain));
    return 0;
  });
  loop.stop();  // before `link` goes out of scope
}

TEST(EventLoop, ZeroMillisecondTimersRunAtTheNextIterationWithoutSleeping) {
  expect_one_iteration_per_link(false);
}

TEST(EventLoop, OverdueTimersArmedByATimerWaitForTheNextIteration) {
  expect_one_iteration_per_link(true);
}

TEST(EventLoop, SelfRearmingZeroMillisecondTimerDoesNotStarvePosts) {
  EventLoop loop;
  loop.start();
  std::atomic<bool> spin{true};
  std::atomic<std::uint64_t> spins{0};
  std::function<void()> again = [&] {
    spins.fetch_add(1);
    if (spin.load()) loop.add_timer(0ms, again);
  };
  run_on(loop, [&] { return loop.add_timer(0ms, again); });
  // A post is served while the timer keeps re-arming itself.
  EXPECT_TRUE(run_on(loop, [] { return true; }));
  spin.store(false);
  EXPECT_TRUE(run_on(loop, [] { return true; }));
  EXPECT_GE(spins.load(), 1U);
  loop.stop();
}

TEST(EventLoop, StopRunsEveryAcceptedTaskAndRejectsLaterPosts) {
  EventLoop loop;
  loop.start();
  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool gate_open = false;
  std::atomic<bool> blocker_running{false};
  ASSERT_TRUE(loop.post([&] {
    blocker_running.store(true);
    std::unique_lock lock(gate_mutex);
    gate_cv.wait_for(lock, kDeadline, [&] { return gate_open; });
  }));
  // The loop is inside the blocker before anything else is posted: the rest stays pending.
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!blocker_running.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(blocker_running.load());
  constexpr int kPending = 1000;
  std::atomic<int> ran{0};
  for (int i = 0; i < kPending; ++i) ASSERT_TRUE(loop.post([&] { ran.fetch_add(1); }));
  EXPECT_EQ(loop.pending_posts(), static_cast<std::size_t>(kPending));

  std::thread stopper([&] { loop.stop(); });
  // stop() has been called once posting fails; the loop is still busy in the blocker. Posts
  // that race with stop() may still be accepted: they are counted apart.
  std::atomic<int> raced{0};
  int raced_accepted = 0;
  bool rejected = false;
  while (!rejected && std::chrono::steady_clock::now() < deadline) {
    rejected = !loop.post([&] { raced.fetch_add(1); });
    if (!rejected) {
      ++raced_accepted;
      std::this_thread::yield();
    }
  }
  EXPECT_TRUE(rejected);
  EXPECT_EQ(ran.load(), 0);  // nothing ran yet: stop() did not wait for, nor skip, the queue
  EXPECT_EQ(raced.load(), 0);
  {
    std::lock_guard lock(gate_mutex);
    gate_open = true;
  }
  gate_cv.notify_all();
  stopper.join();  // stop() returns once the loop thread has finished
  // Every accepted task ran, those posted before stop() and those that raced with it alike;
  // none posted after stop() was accepted.
  EXPECT_EQ(ran.load(), kPending);
  EXPECT_EQ(raced.load(), raced_accepted);
  EXPECT_FALSE(loop.post([] {}));
  loop.stop();  // idempotent
}

TEST(EventLoop, StopCalledFromATaskLetsTheRestOfTheBatchRun) {
  std::atomic<int> after{0};
  {
    EventLoop loop;
    Shared<bool> stopped;
    ASSERT_TRUE(loop.post([&] {
      loop.stop();  // on the loop thread: returns at once
      stopped.update([](bool& s) { s = true; });
    }));
    ASSERT_TRUE(loop.post([&] { after.fetch_add(1); }));  // accepted before stop(): runs
    loop.start();
    ASSERT_TRUE(stopped.wait([](bool s) { return s; }));
    EXPECT_FALSE(loop.post([&] { after.fetch_add(100); }));
  }  // the destructor joins
  EXPECT_EQ(after.load(), 1);
}

TEST(EventLoop, NeverStartedLoopDestroysItsTasksWithoutRunningThem) {
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  bool ran = false;
  {
    EventLoop loop;
    ASSERT_TRUE(loop.post([token = std::move(token), &ran] { ran = true; }));
    loop.stop();
    EXPECT_FALSE(loop.post([] {}));
  }
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired());
}

TEST(EventLoop, WatchesAPipeAndStopsAfterUnwatch) {
  EventLoop loop;
  loop.start();
  Pipe pipe;
  ASSERT_GE(pipe.read_end, 0);
  Shared<std::size_t> received;
  std::atomic<int> calls{0};
  ASSERT_TRUE(run_on(loop, [&] {
    return loop
        .watch(pipe.read_end, EPOLLIN,
               [&](std::uint32_t revents) {
                 calls.fetch_add(1);
                 if ((revents & EPOLLIN) == 0) return;
                 const std::size_t got = pipe.drain();
                 received.update([got](std::size_t& n) { n += got; });
               })
        .ok();
  }));
  ASSERT_TRUE(pipe.write_byte());
  ASSERT_TRUE(received.wait([](std::size_t n) { return n == 1; }));
  ASSERT_TRUE(pipe.write_byte());
  ASSERT_TRUE(pipe.write_byte());
  ASSERT_TRUE(received.wait([](std::size_t n) { return n == 3; }));

  run_on(loop, [&] {
    loop.unwatch(pipe.read_end);
    return 0;
  });
  const int calls_before = calls.load();
  ASSERT_TRUE(pipe.write_byte());
  // The byte is readable before the post below wakes the loop, so a still-registered watch would
  // be reported by the same epoll_wait and run before the task.
  run_on(loop, [] { return 0; });
  run_on(loop, [] { return 0; });
  EXPECT_EQ(calls.load(), calls_before);
  EXPECT_EQ(pipe.drain(), 1U);
}

TEST(EventLoop, ModifyChangesTheWatchedEvents) {
  EventLoop loop;
  loop.start();
  Pipe pipe;
  ASSERT_GE(pipe.read_end, 0);
  Shared<int> readable;
  ASSERT_TRUE(run_on(loop, [&] {
    return loop
        .watch(pipe.read_end, 0,
               [&](std::uint32_t revents) {
                 if ((revents & EPOLLIN) != 0) {
                   (void)pipe.drain();
                   readable.update([](int& n) { ++n; });
                 }
               })
        .ok();
  }));
  ASSERT_TRUE(pipe.write_byte());
  run_on(loop, [] { return 0; });
  EXPECT_EQ(readable.read([](int n) { return n; }), 0);  // not asked for EPOLLIN yet
  ASSERT_TRUE(run_on(loop, [&] { return loop.modify(pipe.read_end, EPOLLIN).ok(); }));
  ASSERT_TRUE(readable.wait([](int n) { return n == 1; }));
  EXPECT_FALSE(run_on(loop, [&] { return loop.modify(12345, EPOLLIN).ok(); }));  // not watched
  run_on(loop, [&] {
    loop.unwatch(pipe.read_end);
    return 0;
  });
}

TEST(EventLoop, UnwatchAfterTheFdWasClosedIsTolerated) {
  EventLoop loop;
  loop.start();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_TRUE(run_on(loop, [&] { return loop.watch(fds[0], EPOLLIN, [](std::uint32_t) {}).ok(); }));
  ::close(fds[0]);  // closed first, as libcurl sometimes does: epoll already forgot it
  ::close(fds[1]);
  run_on(loop, [&] {
    loop.unwatch(fds[0]);  // EBADF or ENOENT: ignored
    loop.unwatch(fds[0]);  // unknown by now: ignored
    return 0;
  });
  EXPECT_TRUE(run_on(loop, [] { return true; }));  // still alive
  // Watching a closed descriptor is an error the caller sees.
  EXPECT_FALSE(
      run_on(loop, [&] { return loop.watch(fds[0], EPOLLIN, [](std::uint32_t) {}).ok(); }));
}

TEST(EventLoop, CallbackMayUnwatchAndCloseItsOwnFd) {
  EventLoop loop;
  loop.start();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  Shared<int> calls;
  // The callback owns a buffer: if unwatch() destroyed the running callback, ASan would see the
  // use after free below.
  auto buffer = std::make_shared<std::string>("payload");
  ASSERT_TRUE(run_on(loop, [&] {
    return loop
        .watch(fds[0], EPOLLIN,
               [&, buffer, fd = fds[0]](std::uint32_t) {
                 loop.unwatch(fd);
                 ::close(fd);
                 buffer->append("!");
                 calls.update([](int& n) { ++n; });
               })
        .ok();
  }));
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  ASSERT_TRUE(calls.wait([](int n) { return n == 1; }));
  run_on(loop, [] { return 0; });
  EXPECT_EQ(calls.read([](int n) { return n; }), 1);
  ::close(fds[1]);
}

TEST(EventLoop, ThrowingCallbacksAreCountedAndTheLoopCarriesOn) {
  EventLoop loop;
  loop.start();
  ASSERT_TRUE(loop.post([] { throw std::runtime_error("task failure (expected by the test)"); }));
  run_on(loop, [&] { return loop.add_timer(0ms, [] { throw 42; }); });
  EXPECT_TRUE(run_on(loop, [] { return true; }));
  Shared<bool> after;
  run_on(loop,
         [&] { return loop.add_timer(1ms, [&] { after.update([](bool& b) { b = true; }); }); });
  ASSERT_TRUE(after.wait([](bool b) { return b; }));
  EXPECT_EQ(loop.callback_exceptions(), 2U);
}

TEST(EventLoop, StartTwiceAndStartAfterStopDoNothing) {
  EventLoop loop;
  loop.start();
  loop.start();
  EXPECT_TRUE(run_on(loop, [] { return true; }));
  loop.stop();
  loop.start();
  EXPECT_FALSE(loop.post([] {}));
}

}  // namespace
