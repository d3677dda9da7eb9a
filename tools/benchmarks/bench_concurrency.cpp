// bench_concurrency.cpp — sfq against the designs it replaces, on the same emulator in the same
// run (measures only; asserts nothing about time — docs/BENCHMARKS.md).
//
// The `mock-snowflake` executable runs pinned to CPU 0; each measured run is a child process
// pinned to CPU 1 (so its peak RSS and CPU time are its own) against a fresh emulator.
//
//   held N    N statements of `select system$wait(100, 'MILLISECONDS')`, wall time until the
//             last answer, for each design asked for (--designs, default all):
//               sfq          the public Client API: N submit() calls, then every result();
//               sfq-seq      the public Client API, execute() one statement at a time;
//               sequential   one curl easy handle, curl_easy_perform one statement at a time;
//               pool-8       8 threads, each a blocking curl_easy_perform loop over a shared
//                            counter (a blocking thread pool);
//               pool-cores   the same with cores + 4 threads (Python's default executor size);
//               raw          one thread driving libcurl multi from epoll
//                            (curl_multi_socket_action), every statement in flight at once.
//   load N K  N × `select 1` with K in flight, for sfq and raw: CPU time per statement (the
//             client process's user + system time over its whole run, I/O and decode threads
//             included), wall time and peak RSS. Designs: sfq (all N submitted at once, the
//             client's lane keeps K in flight; every Query is held until the end), sfq-window
//             (K queries in flight, each taken as it completes and a new one submitted: what a
//             long-running service does, so peak RSS shows whether the client's memory stays
//             flat as statements pass through it), raw.
//   poll D    one `select system$wait(D, 'MILLISECONDS')` after a warm-up `select 1` (connection
//             open, token minted); the wall time is the held statement's alone. Designs:
//             sfq-sync (submitted synchronously: the server holds the request until the
//             statement ends, up to its sync window), sfq-async (Statement::async: answered 202
//             at once, then polled — the latency polling adds).
//
// Options: --emulator PATH, --runs R (default 3, the designs taking turns run by run; the median
// is reported), --tls-cert/--tls-key (serve HTTPS; the clients then trust the system CA store
// unless --ca-file names the CA), --designs a,b,c, --json FILE (append one JSON object per case:
// what tools/bench reads).
#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sfq/client.hpp"

#include "support/emulator.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace sfq::bench;  // NOLINT(google-build-using-namespace)

using Clock = std::chrono::steady_clock;

constexpr const char* kHeld = "select system$wait(100, 'MILLISECONDS')";

struct Settings {
  std::string emulator = "mock-snowflake";
  std::string tls_cert;
  std::string tls_key;
  std::string ca_file;
  std::string json_file;
  int runs = 3;
  std::vector<std::string> designs;
};

/// What one design does against one emulator: statements that got a 200, of `count`.
struct Target {
  std::string url;  ///< scheme://host:port
  int port = 0;
  bool https = false;
  std::string ca_file;
  const Credentials* credentials = nullptr;
};

std::string body_for(const std::string& sql) {
  return R"({"statement":")" + sql + R"(","timeout":60})";
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

/// The request every raw design sends: the same POST the library sends (gzip accepted), each
/// with a requestId of its own and retry=true in its URL, as the library's requests carry (the
/// server looks every requestId up; without one, it would run twice a copy libcurl resent).
class RawRequest {
 public:
  RawRequest(const Target& target, const std::string& sql)
      : url_(target.url +
             "/api/v2/statements?requestId=00000000-0000-4000-8000-000000000000"
             "&retry=true"),
        id_at_(target.url.size() + std::string_view("/api/v2/statements?requestId=").size()),
        body_(body_for(sql)),
        ca_file_(target.ca_file) {
    const std::string auth = "Authorization: " + target.credentials->authorization;
    headers_ = curl_slist_append(headers_, auth.c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Accept: application/json");
    headers_ = curl_slist_append(headers_, "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT");
    headers_ = curl_slist_append(headers_, "User-Agent: bench_concurrency/1.0");
    std::random_device random;
    prefix_ = (static_cast<std::uint64_t>(random()) << 32) | random();
  }
  ~RawRequest() { curl_slist_free_all(headers_); }
  RawRequest(const RawRequest&) = delete;
  RawRequest& operator=(const RawRequest&) = delete;

  /// The options of every request; next() gives each its URL.
  void apply(CURL* easy) const {
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body_.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 300L);
    if (!ca_file_.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, ca_file_.c_str());
  }

  /// Sets the URL of the next request: a new requestId, a random prefix and a counter written
  /// into the UUID's 32 hex digits (the cheapest unique id; libcurl copies the URL). `url` is
  /// the caller's buffer: one per thread.
  void next(CURL* easy, std::string& url, std::uint64_t sequence) const {
    if (url.empty()) url = url_;
    static constexpr std::string_view kHex = "0123456789abcdef";
    // 8-4-4-4-12: the prefix fills the first 16 digits (around the version digit), the counter
    // the last 12.
    std::size_t at = id_at_;
    std::uint64_t bits = prefix_;
    for (int digit = 0; digit < 16; ++digit) {
      if (url[at] == '-') ++at;
      if (digit != 12) url[at] = kHex[bits & 0xF];  // digit 12 is the version, "4"
      bits >>= 4;
      ++at;
    }
    at = id_at_ + 24;
    for (int shift = 44; shift >= 0; shift -= 4) url[at++] = kHex[(sequence >> shift) & 0xF];
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  }

 private:
  std::string url_;
  std::size_t id_at_;
  std::uint64_t prefix_ = 0;
  std::string body_;
  std::string ca_file_;
  curl_slist* headers_ = nullptr;
};

bool succeeded(CURL* easy, CURLcode code) {
  long status = 0;
  if (code == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  return status == 200;
}

/// `threads` blocking workers, each with one easy handle (kept-alive connection), taking
/// statements from a shared counter; threads == 1 is the sequential baseline.
std::size_t run_blocking(const Target& target, const std::string& sql, std::size_t count,
                         int threads) {
  RawRequest request(target, sql);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> ok{0};
  auto worker = [&] {
    CURL* easy = curl_easy_init();
    request.apply(easy);
    std::string url;
    for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      request.next(easy, url, i);
      if (succeeded(easy, curl_easy_perform(easy))) ok.fetch_add(1);
    }
    curl_easy_cleanup(easy);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  return ok.load();
}

/// One thread driving libcurl multi from epoll through curl_multi_socket_action; at most
/// `in_flight` transfers at once, easy handles reused as transfers finish.
class RawLoop {
 public:
  RawLoop() : multi_(curl_multi_init()), epoll_(epoll_create1(EPOLL_CLOEXEC)) {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &RawLoop::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &RawLoop::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 100000L);
  }
  ~RawLoop() {
    curl_multi_cleanup(multi_);
    close(epoll_);
  }
  RawLoop(const RawLoop&) = delete;
  RawLoop& operator=(const RawLoop&) = delete;

  std::size_t run(const Target& target, const std::string& sql, std::size_t count,
                  std::size_t in_flight) {
    RawRequest request(target, sql);
    std::vector<CURL*> easies;
    std::size_t started = 0;
    std::size_t done = 0;
    std::size_t ok = 0;
    std::string url;
    for (; started < std::min(count, in_flight); ++started) {
      CURL* easy = curl_easy_init();
      request.apply(easy);
      request.next(easy, url, started);
      easies.push_back(easy);
      curl_multi_add_handle(multi_, easy);
    }
    std::vector<epoll_event> events(1024);
    int running = 0;
    while (done < count) {
      int wait_ms = 1000;
      if (has_timer_) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(timer_at_ - Clock::now());
        wait_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
      }
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait_ms);
      for (int i = 0; i < n; ++i) {
        const auto& event = events[static_cast<std::size_t>(i)];
        int mask = 0;
        if (event.events & EPOLLIN) mask |= CURL_CSELECT_IN;
        if (event.events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (event.events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi_, event.data.fd, mask, &running);
      }
      if (has_timer_ && Clock::now() >= timer_at_) {
        has_timer_ = false;
        curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        if (succeeded(easy, message->data.result)) ++ok;
        ++done;
        curl_multi_remove_handle(multi_, easy);
        if (started < count) {
          request.next(easy, url, started++);
          curl_multi_add_handle(multi_, easy);  // the same handle, its other options kept
        }
      }
    }
    for (CURL* easy : easies) {
      curl_multi_remove_handle(multi_, easy);
      curl_easy_cleanup(easy);
    }
    return ok;
  }

 private:
  static int on_socket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
    auto* self = static_cast<RawLoop*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    epoll_event event{};
    event.data.fd = fd;
    event.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (epoll_ctl(self->epoll_, EPOLL_CTL_MOD, fd, &event) != 0) {
      epoll_ctl(self->epoll_, EPOLL_CTL_ADD, fd, &event);
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<RawLoop*>(self_ptr);
    self->has_timer_ = timeout_ms >= 0;
    self->timer_at_ = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0L));
    return 0;
  }

  CURLM* multi_;
  int epoll_;
  bool has_timer_ = false;
  Clock::time_point timer_at_{};
};

sfq::ConnectionOptions sfq_options(const Target& target, std::size_t in_flight) {
  sfq::ConnectionOptions connection;
  connection.account = "MOCKACCOUNT";
  connection.user = "MOCKUSER";
  connection.host = "127.0.0.1";
  connection.port = target.port;
  connection.protocol = target.https ? "https" : "http";
  connection.ca_file = target.ca_file;  // empty: the system CA store, as every user has
  connection.private_key_pem = sfq::Secret(target.credentials->private_pem);
  connection.max_in_flight = static_cast<int>(std::max<std::size_t>(in_flight, 1));
  return connection;
}

/// The public API, all statements submitted at once (at most `in_flight` sent at a time by the
/// client's own lane limit), then every result taken.
std::size_t run_sfq(const Target& target, const std::string& sql, std::size_t count,
                    std::size_t in_flight) {
  sfq::Client client(sfq_options(target, in_flight));
  std::vector<sfq::Query> queries;
  queries.reserve(count);
  for (std::size_t i = 0; i < count; ++i) queries.push_back(client.submit(sfq::Statement(sql)));
  std::size_t ok = 0;
  for (auto& query : queries) {
    try {
      (void)query.result();
      ++ok;
    } catch (const sfq::Error&) {
    }
  }
  return ok;
}

/// A sliding window: `in_flight` queries outstanding, the oldest taken (its result read and the
/// handle dropped) before the next is submitted.
std::size_t run_sfq_window(const Target& target, const std::string& sql, std::size_t count,
                           std::size_t in_flight) {
  sfq::Client client(sfq_options(target, in_flight));
  std::deque<sfq::Query> window;
  std::size_t submitted = 0;
  std::size_t ok = 0;
  while (submitted < count || !window.empty()) {
    while (submitted < count && window.size() < in_flight) {
      window.push_back(client.submit(sfq::Statement(sql)));
      ++submitted;
    }
    try {
      (void)window.front().result();
      ++ok;
    } catch (const sfq::Error&) {
    }
    window.pop_front();
  }
  return ok;
}

/// The wall time of the timed part of a design that times only part of its run (poll), in s.
double g_timed_wall = -1;

/// One held statement after a warm-up, timed alone (see `poll D` above).
std::size_t run_sfq_poll(const Target& target, const std::string& sql, bool async) {
  sfq::Client client(sfq_options(target, 1));
  try {
    (void)client.execute("select 1");
    sfq::Statement statement(sql);
    statement.async = async;
    const auto start = Clock::now();
    (void)client.execute(std::move(statement));
    g_timed_wall = std::chrono::duration<double>(Clock::now() - start).count();
    return 1;
  } catch (const sfq::Error&) {
    return 0;
  }
}

std::size_t run_sfq_sequential(const Target& target, const std::string& sql, std::size_t count) {
  sfq::Client client(sfq_options(target, 1));
  std::size_t ok = 0;
  for (std::size_t i = 0; i < count; ++i) {
    try {
      (void)client.execute(sql);
      ++ok;
    } catch (const sfq::Error&) {
    }
  }
  return ok;
}

struct Sample {
  double wall_s = 0;
  double cpu_s = 0;
  double rss_mb = 0;
  std::size_t ok = 0;
};

double cpu_seconds(const rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// Runs one design in a child process on CPU 1 and returns what it measured.
Sample measure(const Target& target, const std::string& design, const std::string& sql,
               std::size_t count, std::size_t in_flight) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    close(out[0]);
    pin_to(1);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    const auto start = Clock::now();
    std::size_t ok = 0;
    if (design == "sfq") {
      ok = run_sfq(target, sql, count, in_flight);
    } else if (design == "sfq-window") {
      ok = run_sfq_window(target, sql, count, in_flight);
    } else if (design == "sfq-sync" || design == "sfq-async") {
      ok = run_sfq_poll(target, sql, design == "sfq-async");
    } else if (design == "sfq-seq") {
      ok = run_sfq_sequential(target, sql, count);
    } else if (design == "sequential") {
      ok = run_blocking(target, sql, count, 1);
    } else if (design == "pool-8") {
      ok = run_blocking(target, sql, count, 8);
    } else if (design == "pool-cores") {
      ok = run_blocking(target, sql, count, cores + 4);
    } else if (design == "raw") {
      RawLoop loop;
      ok = loop.run(target, sql, count, in_flight);
    }
    const double wall = g_timed_wall >= 0
                            ? g_timed_wall
                            : std::chrono::duration<double>(Clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const std::string line = std::to_string(wall) + " " + std::to_string(cpu_seconds(usage)) + " " +
                             std::to_string(usage.ru_maxrss) + " " + std::to_string(ok) + "\n";
    (void)!write(out[1], line.data(), line.size());
    _exit(0);
  }
  close(out[1]);
  std::string text;
  char buffer[256];
  ssize_t n = 0;
  while ((n = read(out[0], buffer, sizeof buffer)) > 0) text.append(buffer, buffer + n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Sample sample;
  long rss_kb = 0;
  std::istringstream fields(text);
  if (!(fields >> sample.wall_s >> sample.cpu_s >> rss_kb >> sample.ok)) {
    throw std::runtime_error("design " + design + " failed (exit status " + std::to_string(status) +
                             ")");
  }
  sample.rss_mb = static_cast<double>(rss_kb) / 1024.0;
  return sample;
}

std::string json_list(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i ? "," : "") + std::to_string(values[i]);
  }
  return text + "]";
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  std::vector<std::vector<std::size_t>> cases;  // {count} for held, {count, in_flight} for load
  std::vector<std::string> kinds;
  auto usage = [] {
    std::cerr << "usage: bench_concurrency [--emulator PATH] [--runs R] [--tls-cert C --tls-key K]"
                 " [--ca-file F] [--designs a,b] [--json FILE] (held N | load N K | poll D)...\n";
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--emulator" && has_value) {
      settings.emulator = argv[++i];
    } else if (arg == "--runs" && has_value) {
      settings.runs = std::stoi(argv[++i]);
    } else if (arg == "--tls-cert" && has_value) {
      settings.tls_cert = argv[++i];
    } else if (arg == "--tls-key" && has_value) {
      settings.tls_key = argv[++i];
    } else if (arg == "--ca-file" && has_value) {
      settings.ca_file = argv[++i];
    } else if (arg == "--designs" && has_value) {
      settings.designs = split(argv[++i]);
    } else if (arg == "--json" && has_value) {
      settings.json_file = argv[++i];
    } else if (arg == "held" && has_value) {
      kinds.push_back(arg);
      cases.push_back({std::stoul(argv[++i])});
    } else if (arg == "load" && i + 2 < argc) {
      kinds.push_back(arg);
      const std::size_t count = std::stoul(argv[++i]);
      cases.push_back({count, std::stoul(argv[++i])});
    } else if (arg == "poll" && has_value) {
      kinds.push_back(arg);
      cases.push_back({std::stoul(argv[++i])});
    } else {
      return usage();
    }
  }
  if (cases.empty() || settings.tls_cert.empty() != settings.tls_key.empty()) return usage();
  raise_descriptor_limit();
  curl_global_init(CURL_GLOBAL_DEFAULT);

  const Credentials credentials = make_credentials();
  const std::string key_file = "/tmp/bench_concurrency_key_" + std::to_string(getpid()) + ".pem";
  std::ofstream(key_file) << credentials.public_pem;
  const bool https = !settings.tls_cert.empty();
  const char* scheme = https ? "https" : "http";
  std::cout << "emulator on CPU 0, clients on CPU 1, " << scheme << ", " << settings.runs
            << " runs per case; " << std::thread::hardware_concurrency() << " cores\n";

  int failures = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const bool held = kinds[c] == "held";
    const bool poll = kinds[c] == "poll";
    const std::size_t count = poll ? 1 : cases[c][0];
    const std::size_t in_flight = held || poll ? count : cases[c][1];
    const std::string sql =
        held   ? kHeld
        : poll ? "select system$wait(" + std::to_string(cases[c][0]) + ", 'MILLISECONDS')"
               : "select 1";
    std::vector<std::string> designs = settings.designs;
    if (designs.empty()) {
      if (held) {
        designs = {"sfq", "raw", "pool-8", "pool-cores", "sequential", "sfq-seq"};
      } else if (poll) {
        designs = {"sfq-sync", "sfq-async"};
      } else {
        designs = {"sfq", "raw"};
      }
    }
    // The designs take turns, run by run (sfq, raw, sfq, raw, ...), so that a change in the
    // shared machine's load between runs weighs on every design alike, not on whichever came
    // last.
    struct Samples {
      std::vector<double> walls;
      std::vector<double> cpus;
      std::vector<double> rsses;
      std::size_t ok = 0;
    };
    std::vector<Samples> samples(designs.size());
    for (auto& each : samples) each.ok = count;
    for (int run = 0; run < settings.runs; ++run) {
      for (std::size_t d = 0; d < designs.size(); ++d) {
        Emulator emulator({.program = settings.emulator,
                           .public_key_file = key_file,
                           .tls_cert = settings.tls_cert,
                           .tls_key = settings.tls_key,
                           .quiet_stderr = true});
        Target target{emulator.url(), emulator.port(), https, settings.ca_file, &credentials};
        const Sample sample = measure(target, designs[d], sql, count, in_flight);
        samples[d].walls.push_back(sample.wall_s);
        samples[d].cpus.push_back(sample.cpu_s);
        samples[d].rsses.push_back(sample.rss_mb);
        samples[d].ok = std::min(samples[d].ok, sample.ok);
      }
    }
    for (std::size_t d = 0; d < designs.size(); ++d) {
      const std::string& design = designs[d];
      const std::vector<double>& walls = samples[d].walls;
      const std::vector<double>& cpus = samples[d].cpus;
      const std::vector<double>& rsses = samples[d].rsses;
      const std::size_t ok = samples[d].ok;
      if (ok != count) ++failures;
      std::printf(
          "%s %zu (in flight %zu) %-10s wall %.3f s [%.3f..%.3f], CPU/statement %.1f us, peak "
          "RSS %.1f MB, %zu/%zu ok\n",
          kinds[c].c_str(), cases[c][0], in_flight, design.c_str(), median(walls),
          *std::min_element(walls.begin(), walls.end()),
          *std::max_element(walls.begin(), walls.end()),
          median(cpus) * 1e6 / static_cast<double>(count), median(rsses), ok, count);
      std::fflush(stdout);
      if (!settings.json_file.empty()) {
        std::ofstream json(settings.json_file, std::ios::app);
        json << R"({"kind":")" << kinds[c] << R"(","scheme":")" << scheme << R"(","system_store":)"
             << (https && settings.ca_file.empty() ? "true" : "false") << R"(,"count":)" << count
             << R"(,"in_flight":)" << in_flight << R"(,"held_ms":)" << (poll ? cases[c][0] : 0)
             << R"(,"design":")" << design << R"(","ok":)" << ok << R"(,"wall_s":)"
             << json_list(walls) << R"(,"cpu_s":)" << json_list(cpus) << R"(,"rss_mb":)"
             << json_list(rsses) << "}\n";
      }
    }
  }
  std::remove(key_file.c_str());
  curl_global_cleanup();
  return failures == 0 ? 0 : 1;
}
