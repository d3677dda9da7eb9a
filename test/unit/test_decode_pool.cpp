// DecodePool: every job runs exactly once, from any number of submitting threads; the destructor
// drains the queue; a throwing job does not stop a worker; the counters tell the truth; deferred
// submits wake the workers once per flush; short jobs hold their consumers' wake-ups while more
// short jobs are queued, and only then; a default pool is as large as the affinity mask.
// CallbackExecutor: a task that blocks never delays another, idle threads leave, and nobody waits
// for a running task. Run under TSan as well. No sleeps but jobs that outlast the default limit
// on held wake-ups and one wait for a wake-up that must not come: a job that must stay busy
// waits on a gate the test opens.
#include <sched.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "decode/decode_pool.hpp"

namespace {

using sfq::detail::CallbackExecutor;
using sfq::detail::DecodePool;
using namespace std::chrono_literals;

constexpr auto kGuard = 30s;  // hang guard only

// Polls `predicate` until it holds or `guard` passes (a hang guard, not a timing assertion).
template <typename Predicate>
bool eventually(Predicate&& predicate, std::chrono::milliseconds guard = kGuard) {
  const auto deadline = std::chrono::steady_clock::now() + guard;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(DecodePool, RunsEveryJobExactlyOnce) {
  struct Case {
    std::size_t threads;
    int submitters;
    int jobs_each;
  };
  const std::vector<Case> cases = {{1, 1, 200}, {2, 1, 500}, {4, 4, 250}, {0, 3, 100}};
  for (const auto& c : cases) {
    DecodePool pool(c.threads);
    EXPECT_GE(pool.threads(), 1U);
    if (c.threads != 0) {
      EXPECT_EQ(pool.threads(), c.threads);
    }
    const int total = c.submitters * c.jobs_each;
    std::vector<std::atomic<int>> runs(static_cast<std::size_t>(total));
    std::mutex mutex;
    std::set<std::thread::id> workers;
    std::vector<std::thread> submitters;
    submitters.reserve(static_cast<std::size_t>(c.submitters));
    for (int s = 0; s < c.submitters; ++s) {
      submitters.emplace_back([&, s] {
        for (int j = 0; j < c.jobs_each; ++j) {
          const std::size_t index = static_cast<std::size_t>(s) * c.jobs_each + j;
          EXPECT_TRUE(pool.submit([&, index] {
            runs[index].fetch_add(1);
            const std::lock_guard lock(mutex);
            workers.insert(std::this_thread::get_id());
          }));
        }
      });
    }
    for (auto& submitter : submitters) submitter.join();
    pool.wait_idle();
    for (int i = 0; i < total; ++i) {
      EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1) << "job " << i;
    }
    EXPECT_EQ(pool.jobs_submitted(), static_cast<std::uint64_t>(total));
    EXPECT_EQ(pool.jobs_run(), static_cast<std::uint64_t>(total));
    EXPECT_EQ(pool.jobs_failed(), 0U);
    EXPECT_EQ(pool.queue_depth(), 0U);
    EXPECT_LE(workers.size(), pool.threads());
    EXPECT_EQ(workers.count(std::this_thread::get_id()), 0U) << "jobs run on workers only";
  }
}

TEST(DecodePool, SubmitNeverBlocksAndTheHighWaterMarkShowsTheBacklog) {
  DecodePool pool(1);
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.submit([&started, opened] {
    started.set_value();
    opened.wait();
  }));
  started.get_future().wait();  // the only worker is now busy
  std::atomic<int> done{0};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pool.submit([&done] { ++done; }));
  EXPECT_EQ(pool.queue_depth(), 1000U);
  EXPECT_EQ(pool.queue_high_water(), 1000U);
  EXPECT_EQ(done.load(), 0);
  gate.set_value();
  pool.wait_idle();
  EXPECT_EQ(done.load(), 1000);
  EXPECT_EQ(pool.queue_depth(), 0U);
  EXPECT_EQ(pool.queue_high_water(), 1000U) << "a high-water mark stays";
  EXPECT_EQ(pool.jobs_run(), 1001U);
}

TEST(DecodePool, DestructorRunsQueuedJobsBeforeJoining) {
  std::atomic<int> done{0};
  std::promise<void> gate;
  std::thread opener;
  {
    DecodePool pool(1);
    std::shared_future<void> opened = gate.get_future().share();
    ASSERT_TRUE(pool.submit([opened] { opened.wait(); }));
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(pool.submit([&done] { ++done; }));
    // The worker is held until the destructor has begun (submit() refuses from then on), so
    // the 300 jobs are still queued when it starts.
    opener = std::thread([&pool, &gate] {
      while (pool.submit([] {})) {
      }
      gate.set_value();
    });
  }
  opener.join();
  EXPECT_EQ(done.load(), 300);
}

TEST(DecodePool, AThrowingJobIsCountedAndTheWorkerGoesOn) {
  DecodePool pool(1);
  std::atomic<int> done{0};
  ASSERT_TRUE(pool.submit([] { throw std::runtime_error("bad partition"); }));
  ASSERT_TRUE(pool.submit([] { throw 42; }));
  ASSERT_TRUE(pool.submit([&done] { ++done; }));
  pool.wait_idle();
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(pool.jobs_failed(), 2U);
  EXPECT_EQ(pool.jobs_run(), 3U);
}

TEST(DecodePool, JobsMaySubmitJobs) {
  DecodePool pool(2);
  std::atomic<int> done{0};
  ASSERT_TRUE(pool.submit([&] {
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(pool.submit([&done] { ++done; }));
  }));
  // wait_idle() sees the queue refilled by the first job before it finishes.
  pool.wait_idle();
  EXPECT_EQ(done.load(), 50);
}

TEST(DecodePool, DeferredSubmitsWakeTheWorkersOncePerFlush) {
  DecodePool pool(2);
  std::atomic<int> done{0};
  pool.defer_wakes_on_this_thread();
  const std::uint64_t before = pool.wakes_requested();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(pool.submit([&done] { ++done; }));
  EXPECT_EQ(pool.wakes_requested(), before) << "a deferred submit wakes nobody by itself";
  pool.flush_wakes();
  const std::uint64_t flushed = pool.wakes_requested();
  EXPECT_LE(flushed, before + pool.threads()) << "one wake-up per worker at most";
  // The flush is what runs them: without it idle workers would sleep on (the hang guard).
  EXPECT_TRUE(eventually([&] { return done.load() == 20; }));
  pool.flush_wakes();
  EXPECT_EQ(pool.wakes_requested(), flushed) << "nothing owed, nothing woken";

  // Another thread's submits are not deferred: each asks for a wake-up at once.
  std::thread other([&pool, &done] {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.submit([&done] { ++done; }));
  });
  other.join();
  EXPECT_EQ(pool.wakes_requested(), flushed + 3);
  EXPECT_TRUE(eventually([&] { return done.load() == 23; }));
}

// A consumer waiting for a job's result, as Query::result() waits on its query's state.
struct Waiter {
  std::mutex mutex;
  std::condition_variable changed;
  bool waiting = false;  // set under the mutex just before waiting: a change needs a wake-up
  bool ready = false;
  std::atomic<bool> woke{false};
  std::thread thread;

  void start() {
    thread = std::thread([this] {
      std::unique_lock lock(mutex);
      waiting = true;
      changed.wait(lock, [this] { return ready; });
      woke = true;
    });
    ASSERT_TRUE(eventually([this] {
      const std::lock_guard lock(mutex);
      return waiting;
    }));
  }
  // What a job does when the result is there.
  void make_ready() {
    const std::lock_guard lock(mutex);
    ready = true;
  }
  ~Waiter() {
    if (thread.joinable()) thread.join();
  }
};

std::shared_ptr<Waiter> started_waiter() {
  auto waiter = std::make_shared<Waiter>();
  waiter->start();
  return waiter;
}

// A one-worker pool whose first job waits for open(): the jobs submitted meanwhile queue behind
// it. Opened on destruction too, so that a test stopped by a failed assertion does not hang.
// `max_wake_delay`: the pool's limit on holding a wake-up; the tests of what holds and what
// gives wake-ups set one no preemption of the worker can reach (under TSan, on a loaded machine,
// half a millisecond between two short jobs is not rare), the test of the limit the default.
struct GatedPool {
  std::promise<void> gate;
  DecodePool pool;
  bool opened = false;

  explicit GatedPool(std::chrono::microseconds max_wake_delay = std::chrono::hours(1))
      : pool(1, max_wake_delay) {
    std::shared_future<void> open = gate.get_future().share();
    EXPECT_TRUE(pool.submit([open] { open.wait(); }));
  }
  ~GatedPool() { open(); }
  GatedPool(const GatedPool&) = delete;
  GatedPool& operator=(const GatedPool&) = delete;
  void open() {
    if (!opened) gate.set_value();
    opened = true;
  }
};

// A short job that makes the waiter's result ready and wakes it, as a decoded first answer does.
bool submit_ready(DecodePool& pool, const std::shared_ptr<Waiter>& waiter) {
  return pool.submit(
      [waiter] {
        waiter->make_ready();
        DecodePool::notify_all(waiter, waiter->changed);
      },
      DecodePool::JobLength::short_job);
}

TEST(DecodePool, ShortJobsHoldTheirWakeUpsUntilTheQueueIsEmpty) {
  GatedPool gated;
  DecodePool& pool = gated.pool;
  auto waiter = started_waiter();
  std::atomic<bool> woke_during_b{true};
  ASSERT_TRUE(submit_ready(pool, waiter));
  ASSERT_TRUE(pool.submit(
      [waiter, &woke_during_b] {
        woke_during_b = waiter->woke.load();
        DecodePool::notify_all(waiter, waiter->changed);  // the same waiter again
      },
      DecodePool::JobLength::short_job));
  gated.open();
  EXPECT_TRUE(eventually([&] { return waiter->woke.load(); })) << "the wake-up was lost";
  EXPECT_FALSE(woke_during_b) << "woken while the next short job was queued";
  EXPECT_TRUE(eventually([&] { return pool.held_wakes() == 1; }))
      << "held back, then given once for both jobs: " << pool.held_wakes();
}

TEST(DecodePool, AJobNotKnownToBeShortWakesTheHeldWaitersFirstAndHoldsNothing) {
  GatedPool gated;
  DecodePool& pool = gated.pool;
  auto first = started_waiter();
  auto second = started_waiter();
  std::atomic<bool> first_woke_before_long_job{false};
  ASSERT_TRUE(submit_ready(pool, first));
  ASSERT_TRUE(pool.submit([&, first, second] {
    // Without the flush before this job the first waiter would sleep until the queue is empty,
    // after this job: the hang guard would end the wait.
    first_woke_before_long_job = eventually([&] { return first->woke.load(); });
    second->make_ready();
    DecodePool::notify_all(second, second->changed);  // at once: a long job holds nothing
    EXPECT_TRUE(eventually([&] { return second->woke.load(); }));
  }));
  gated.open();
  EXPECT_TRUE(eventually([&] { return second->woke.load(); }));
  EXPECT_TRUE(first_woke_before_long_job);
  EXPECT_EQ(pool.held_wakes(), 1U);
}

// Three short jobs on a pool holding wake-ups for at most `max_wake_delay`: the first makes a
// waiter's result ready, the second runs past the default limit (2 ms), the third waits up to
// `wait` for the waiter to wake. Whether it woke during the third job; it must wake in the end.
bool woken_during_the_third_job(std::chrono::microseconds max_wake_delay,
                                std::chrono::milliseconds wait) {
  GatedPool gated(max_wake_delay);
  DecodePool& pool = gated.pool;
  auto waiter = started_waiter();
  std::atomic<bool> woke_by_third{false};
  EXPECT_TRUE(submit_ready(pool, waiter));
  EXPECT_TRUE(pool.submit([] { std::this_thread::sleep_for(4 * DecodePool::kMaxWakeDelay); },
                          DecodePool::JobLength::short_job));
  EXPECT_TRUE(pool.submit(
      [&, waiter] { woke_by_third = eventually([&] { return waiter->woke.load(); }, wait); },
      DecodePool::JobLength::short_job));
  gated.open();
  pool.wait_idle();
  EXPECT_TRUE(eventually([&] { return waiter->woke.load(); })) << "the wake-up was lost";
  return woke_by_third;
}

TEST(DecodePool, AWakeUpIsHeldNoLongerThanTheLimitWhileShortJobsKeepComing) {
  // The second job ends past the limit: the wake-up is given then, before the third job.
  EXPECT_TRUE(woken_during_the_third_job(DecodePool::kMaxWakeDelay, kGuard));
}

TEST(DecodePool, APoolsOwnLimitReplacesTheDefault) {
  // Past the default limit, within this pool's: the wake-up stays held until the queue is
  // empty. The third job waits 50 ms for it in vain (with the default limit it comes at once).
  EXPECT_FALSE(woken_during_the_third_job(std::chrono::hours(1), 50ms));
}

TEST(DecodePool, NotifyingOutsideAWorkerWakesAtOnce) {
  DecodePool pool(1);
  auto waiter = started_waiter();
  waiter->make_ready();
  DecodePool::notify_all(waiter, waiter->changed);
  EXPECT_TRUE(eventually([&] { return waiter->woke.load(); }));
  EXPECT_EQ(pool.held_wakes(), 0U);
}

TEST(DecodePool, ADefaultPoolIsAsLargeAsTheAffinityMask) {
  cpu_set_t saved;
  CPU_ZERO(&saved);
  ASSERT_EQ(::sched_getaffinity(0, sizeof saved, &saved), 0);
  int first = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) first = cpu;
  }
  ASSERT_GE(first, 0);
  EXPECT_EQ(sfq::detail::usable_cores(), static_cast<std::size_t>(CPU_COUNT(&saved)));
  // Restricted to one core (as `taskset -c N` does), a default pool starts one worker.
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  const std::size_t usable = sfq::detail::usable_cores();
  std::size_t workers = 0;
  {
    const DecodePool pool;
    workers = pool.threads();
  }
  ASSERT_EQ(::sched_setaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(usable, 1U);
  EXPECT_EQ(workers, 1U);
}

TEST(CallbackExecutor, ATaskThatBlocksDelaysNoOtherTask) {
  CallbackExecutor executor;
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  std::promise<void> blocked;
  executor.run([&blocked, opened] {
    blocked.set_value();
    opened.wait();
  });
  blocked.get_future().wait();
  // Every thread is busy: each further task gets a thread of its own at once.
  std::vector<std::promise<void>> ran(3);
  for (auto& done : ran) executor.run([&done] { done.set_value(); });
  for (auto& done : ran) {
    EXPECT_EQ(done.get_future().wait_for(kGuard), std::future_status::ready);
  }
  EXPECT_GE(executor.threads_started(), 2U);
  // A task's thread counts it as running until just after the task returned.
  EXPECT_TRUE(eventually([&] { return executor.tasks_running() == 1U; }))
      << "the first task is still blocked, the others are done";
  gate.set_value();
  EXPECT_TRUE(eventually([&] { return executor.tasks_running() == 0; }));
}

TEST(CallbackExecutor, AnIdleThreadTakesTheNextTask) {
  CallbackExecutor executor(std::chrono::minutes(1));
  for (int i = 0; i < 20; ++i) {
    std::promise<std::thread::id> ran;
    executor.run([&ran] { ran.set_value(std::this_thread::get_id()); });
    ASSERT_EQ(ran.get_future().wait_for(kGuard), std::future_status::ready);
    // Once nothing runs, the thread waits for the next task (it counts as idle under the same
    // lock that ends its task).
    ASSERT_TRUE(eventually([&] { return executor.tasks_running() == 0; }));
  }
  EXPECT_EQ(executor.threads_started(), 1U);
  EXPECT_EQ(executor.threads_alive(), 1U);
}

TEST(CallbackExecutor, IdleThreadsLeave) {
  CallbackExecutor executor(20ms);
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < 4; ++i) {
    executor.run([&started, opened] {
      ++started;
      opened.wait();
    });
  }
  ASSERT_TRUE(eventually([&] { return started.load() == 4; }));
  EXPECT_EQ(executor.threads_alive(), 4U);
  gate.set_value();
  EXPECT_TRUE(eventually([&] { return executor.threads_alive() == 0; }));
  EXPECT_EQ(executor.threads_started(), 4U);
}

TEST(CallbackExecutor, NobodyWaitsForARunningTaskAndItStillFinishes) {
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  std::promise<void> entered;
  auto finished = std::make_shared<std::promise<void>>();
  std::future<void> finished_future = finished->get_future();
  {
    DecodePool pool(1);
    pool.callbacks()->run([&entered, opened, finished] {
      entered.set_value();
      opened.wait();
      finished->set_value();
    });
    entered.get_future().wait();
  }  // neither ~DecodePool nor ~CallbackExecutor waits for the task
  EXPECT_EQ(finished_future.wait_for(0ms), std::future_status::timeout);
  gate.set_value();
  EXPECT_EQ(finished_future.wait_for(kGuard), std::future_status::ready);
}

TEST(CallbackExecutor, AThrowingTaskDoesNotStopItsThread) {
  CallbackExecutor executor(std::chrono::minutes(1));
  std::promise<void> entered;
  executor.run([&entered] {
    entered.set_value();
    throw std::runtime_error("consumer broke");
  });
  entered.get_future().wait();
  ASSERT_TRUE(eventually([&] { return executor.tasks_running() == 0; }));
  std::promise<void> ran;
  executor.run([&ran] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(executor.threads_started(), 1U);
}

}  // namespace
