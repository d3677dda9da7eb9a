// bench_io — how fast the I/O layer is on this machine (measures only; asserts nothing).
//
//   BM_Requests        HttpClient against a cpp-httplib server in the same process, over
//                      loopback: requests/s and the I/O thread's CPU per request, with keep-alive
//                      and with a new connection per request ("Connection: close"), 1 and 16 at
//                      a time. The server shares the machine's cores with the client, so the
//                      figures are a floor, not the client's ceiling.
//   BM_ZeroMsTimer*    the cost of one 0 ms timer: the EventLoop's heap (epoll_wait with a
//                      0 timeout) vs. the timerfd pattern of curl's ephiperfifo example
//                      (timerfd_settime of 1 ns, epoll_wait, read), each on one thread.
//
// Run: tools/bench bench_io (which builds the `bench` preset, then runs
//      build/bench/tools/benchmarks/bench_io)
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "io/event_loop.hpp"
#include "io/http_client.hpp"

namespace {

using sfq::detail::EventLoop;
using sfq::detail::HttpClient;
using sfq::detail::HttpClientOptions;
using sfq::detail::HttpRequest;
using sfq::detail::HttpResponse;
using namespace std::chrono_literals;

// Runs `fn` on the loop thread and returns its result.
template <typename F>
auto run_on(EventLoop& loop, F fn) -> decltype(fn()) {
  auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
  auto result = task->get_future();
  if (!loop.post([task] { (*task)(); })) std::abort();
  return result.get();
}

// The I/O thread's own CPU time, read on that thread.
std::chrono::nanoseconds thread_cpu_time() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// One server for the whole run: a small JSON-ish body, like a short Snowflake answer.
class Server {
 public:
  static Server& instance() {
    static Server server;
    return server;
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  class Loopback : public httplib::Server {
   public:
    [[nodiscard]] int listen_fd() const { return svr_sock_; }
  };

  Server() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.set_keep_alive_max_count(100000000);
    server_.set_keep_alive_timeout(60);
    server_.set_tcp_nodelay(true);
    server_.Get("/statement", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"code":"090001","message":"Statement executed successfully."})",
                      "application/octet-stream");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0 || ::listen(server_.listen_fd(), 4096) != 0) std::abort();
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Server() {
    server_.stop();
    thread_.join();
  }

  Loopback server_;
  std::thread thread_;
  int port_ = 0;
};

// Runs `total` requests, at most `concurrency` at a time; returns the I/O thread's CPU time.
std::chrono::nanoseconds run_requests(EventLoop& loop, HttpClient& http, int total, int concurrency,
                                      bool keep_alive) {
  struct Run {
    int started = 0;
    int finished = 0;
    int failed = 0;
    std::chrono::nanoseconds cpu_start{};
    std::promise<std::chrono::nanoseconds> done;
  };
  auto run = std::make_shared<Run>();
  auto future = run->done.get_future();
  const std::string url = Server::instance().url() + "/statement";
  auto launch = std::make_shared<std::function<void()>>();
  *launch = [&http, run, url, total, keep_alive, launch_weak = std::weak_ptr(launch)] {
    ++run->started;
    HttpRequest request;
    request.url = url;
    if (!keep_alive) request.headers.emplace_back("Connection: close");
    (void)http.start(std::move(request), [run, total, launch_weak](sfq::Result<HttpResponse> r) {
      if (!r.ok() || r->status != 200) ++run->failed;
      if (++run->finished == total) {
        run->done.set_value(thread_cpu_time() - run->cpu_start);
        return;
      }
      if (run->started < total) {
        if (auto next = launch_weak.lock()) (*next)();
      }
    });
  };
  if (!loop.post([run, launch, total, concurrency] {
        run->cpu_start = thread_cpu_time();
        for (int i = 0; i < concurrency && i < total; ++i) (*launch)();
      })) {
    std::abort();
  }
  const auto cpu = future.get();
  if (run->failed > 0) std::cerr << run->failed << " requests failed\n";
  return cpu;
}

void BM_Requests(benchmark::State& state) {
  const bool keep_alive = state.range(0) != 0;
  const int concurrency = static_cast<int>(state.range(1));
  constexpr int kBatch = 200;
  (void)Server::instance();
  EventLoop loop;
  loop.start("sfq-io-bench");
  HttpClientOptions options;
  options.max_in_flight = concurrency;
  auto* http = run_on(loop, [&] { return new HttpClient(loop, options); });
  std::chrono::nanoseconds cpu{0};
  std::int64_t requests = 0;
  for (auto _ : state) {
    cpu += run_requests(loop, *http, kBatch, concurrency, keep_alive);
    requests += kBatch;
  }
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  state.counters["io_cpu_us/request"] =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(cpu).count()) /
      1000.0 / static_cast<double>(requests);
  run_on(loop, [&] {
    delete http;
    return 0;
  });
}
BENCHMARK(BM_Requests)
    ->ArgNames({"keep_alive", "concurrency"})
    ->ArgsProduct({{1, 0}, {1, 16}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A chain of 0 ms timers, each arming the next, on the EventLoop's thread.
void BM_ZeroMsTimerEventLoop(benchmark::State& state) {
  constexpr int kChain = 10000;
  EventLoop loop;
  loop.start("sfq-io-bench");
  std::int64_t timers = 0;
  for (auto _ : state) {
    std::promise<void> done;
    std::function<void(int)> link = [&](int left) {
      if (left == 0) {
        done.set_value();
        return;
      }
      loop.add_timer(0ms, [&link, left] { link(left - 1); });
    };
    if (!loop.post([&] { link(kChain); })) std::abort();
    done.get_future().get();
    timers += kChain;
  }
  state.counters["timers/s"] =
      benchmark::Counter(static_cast<double>(timers), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ZeroMsTimerEventLoop)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same chain with a timerfd armed for 1 ns per timer (0 would disarm it), as in curl's
// ephiperfifo example, on the benchmark's own thread.
void BM_ZeroMsTimerTimerfd(benchmark::State& state) {
  constexpr int kChain = 10000;
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  const int timer_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = timer_fd;
  if (epoll_fd < 0 || timer_fd < 0 || ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer_fd, &event) != 0) {
    state.SkipWithError("cannot set up epoll + timerfd");
    return;
  }
  std::int64_t timers = 0;
  for (auto _ : state) {
    for (int i = 0; i < kChain; ++i) {
      itimerspec arm{};
      arm.it_value.tv_nsec = 1;
      ::timerfd_settime(timer_fd, 0, &arm, nullptr);
      epoll_event ready{};
      while (::epoll_wait(epoll_fd, &ready, 1, -1) != 1) {
      }
      std::uint64_t expirations = 0;
      benchmark::DoNotOptimize(::read(timer_fd, &expirations, sizeof expirations));
    }
    timers += kChain;
  }
  state.counters["timers/s"] =
      benchmark::Counter(static_cast<double>(timers), benchmark::Counter::kIsRate);
  ::close(timer_fd);
  ::close(epoll_fd);
}
BENCHMARK(BM_ZeroMsTimerTimerfd)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
