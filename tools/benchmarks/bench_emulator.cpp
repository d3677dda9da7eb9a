// bench_emulator.cpp — the emulator at scale, measured from outside with a raw libcurl multi
// client (epoll + curl_multi_socket_action), no sfq client code on the request path.
//
// It starts the `mock-snowflake` executable pinned to one core (CPU 0) and pins itself to
// another (CPU 1), then:
//   burst N   sends N POSTs of `select system$wait(100, 'MILLISECONDS')`, all in flight at once,
//             each on a new connection, and reports the wall time until the last answer;
//   warm N    the same over N connections opened (and kept alive) beforehand, so that the
//             client's and the kernel's connection setup is not part of the time;
//   idle N    opens N keep-alive connections (one statement each), leaves them idle, and reports
//             the emulator's CPU use over 10 s from /proc/<pid>/stat.
// Each case runs --runs times (default 5) against a fresh emulator and prints every run and the
// median. A benchmark, not a test: it asserts nothing about time (docs/BENCHMARKS.md). The
// key-pair JWT is minted here with OpenSSL, the way the emulator's tests mint theirs
// (test/mock/support/mock_test_support.cpp), so nothing of libsfq is involved.
//
//   bench_emulator --emulator build/bench/mock_snowflake/mock-snowflake
//                  burst 1000 burst 10000 idle 2000
#include <curl/curl.h>
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
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/emulator.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace sfq::bench;  // NOLINT(google-build-using-namespace)

using Clock = std::chrono::steady_clock;

/// Curl multi handles driven by one epoll loop through curl_multi_socket_action. The transfers
/// are spread over several multi handles of at most kShardSize each: libcurl 7.88 walks its
/// whole connection cache in a few places (finding a connection to reuse, removing a handle),
/// which with 10 000 connections in one cache made the client, not the emulator, the bottleneck.
class MultiClient {
 public:
  static constexpr std::size_t kShardSize = 500;

  MultiClient() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {}
  ~MultiClient() {
    clear();
    for (auto& shard : shards_) curl_multi_cleanup(shard->multi);
    curl_slist_free_all(headers_);
    close(epoll_);
  }

  /// Sends `count` statements at once; returns the answers' statuses by code. `fresh`: each on
  /// a new connection; otherwise on the connections kept alive from the previous run().
  std::map<long, int> run(const std::string& url, const std::string& authorization,
                          std::size_t count, const char* body = kWaitBody, bool fresh = true) {
    clear();
    held_us_.clear();
    last_sent_us_ = 0;
    if (headers_ == nullptr) {
      const std::string auth = "Authorization: " + authorization;
      headers_ = curl_slist_append(headers_, auth.c_str());
      headers_ = curl_slist_append(headers_, "Content-Type: application/json");
      headers_ = curl_slist_append(headers_, "Accept: application/json");
      headers_ = curl_slist_append(headers_, "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT");
      headers_ = curl_slist_append(headers_, "User-Agent: bench_emulator/1.0");
    }
    target_ = url + "/api/v2/statements";
    while (shards_.size() * kShardSize < count) add_shard();
    for (std::size_t i = 0; i < count; ++i) {
      CURL* easy = curl_easy_init();
      curl_easy_setopt(easy, CURLOPT_URL, target_.c_str());
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &MultiClient::discard);
      curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
      curl_easy_setopt(easy, CURLOPT_TIMEOUT, 120L);
      // Every transfer gets a connection of its own anyway (all are in flight at once); this
      // spares libcurl a search of its connection cache per transfer.
      curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, fresh ? 1L : 0L);
      Shard& shard = *shards_[i / kShardSize];
      shard.easies.push_back(easy);
      curl_multi_add_handle(shard.multi, easy);
    }
    std::map<long, int> statuses;
    std::size_t done = 0;
    std::vector<epoll_event> events(1024);
    while (done < count) {
      int wait_ms = 1000;
      for (const auto& shard : shards_) {
        if (!shard->has_timer) continue;
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(shard->timer_at - Clock::now());
        wait_ms = std::min(wait_ms, static_cast<int>(std::clamp<long long>(left.count(), 0, 1000)));
      }
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait_ms);
      int running = 0;
      for (int i = 0; i < n; ++i) {
        const auto& event = events[static_cast<std::size_t>(i)];
        int mask = 0;
        if (event.events & EPOLLIN) mask |= CURL_CSELECT_IN;
        if (event.events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (event.events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
        const auto shard = static_cast<std::size_t>(event.data.u64 >> 32);
        const auto fd = static_cast<curl_socket_t>(event.data.u64 & 0xFFFFFFFFu);
        curl_multi_socket_action(shards_[shard]->multi, fd, mask, &running);
      }
      for (auto& shard : shards_) {
        // curl's timer drives connects of new transfers too: run it whenever it is due, also
        // when sockets kept epoll busy.
        if (shard->has_timer && Clock::now() >= shard->timer_at) {
          shard->has_timer = false;
          curl_multi_socket_action(shard->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(shard->multi, &left)) {
          if (message->msg != CURLMSG_DONE) continue;
          long status = 0;
          if (message->data.result == CURLE_OK) {
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
          }
          ++statuses[status];
          if (done == 0) first_done_ = Clock::now();
          curl_off_t pretransfer = 0;
          curl_off_t first_byte = 0;
          curl_easy_getinfo(message->easy_handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
          curl_easy_getinfo(message->easy_handle, CURLINFO_STARTTRANSFER_TIME_T, &first_byte);
          last_sent_us_ = std::max<long long>(last_sent_us_, pretransfer);
          // From the request going out to the answer's first byte coming in: the emulator's
          // time for the statement (100 ms of it SYSTEM$WAIT) plus the client's delays.
          held_us_.push_back(first_byte - pretransfer);
          ++done;
        }
      }
    }
    return statuses;
  }

  static constexpr const char* kWaitBody =
      "{\"statement\":\"select system$wait(100, 'MILLISECONDS')\",\"timeout\":60}";
  static constexpr const char* kSelectOneBody = "{\"statement\":\"select 1\",\"timeout\":60}";

 private:
  struct Shard {
    MultiClient* owner = nullptr;
    std::size_t index = 0;
    CURLM* multi = nullptr;
    bool has_timer = false;
    Clock::time_point timer_at{};
    std::vector<CURL*> easies;
  };

  void add_shard() {
    auto shard = std::make_unique<Shard>();
    shard->owner = this;
    shard->index = shards_.size();
    shard->multi = curl_multi_init();
    curl_multi_setopt(shard->multi, CURLMOPT_SOCKETFUNCTION, &MultiClient::on_socket);
    curl_multi_setopt(shard->multi, CURLMOPT_SOCKETDATA, shard.get());
    curl_multi_setopt(shard->multi, CURLMOPT_TIMERFUNCTION, &MultiClient::on_timer);
    curl_multi_setopt(shard->multi, CURLMOPT_TIMERDATA, shard.get());
    curl_multi_setopt(shard->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    curl_multi_setopt(shard->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(2 * kShardSize));
    shards_.push_back(std::move(shard));
  }

  /// Removes the previous run's transfers; their connections stay in the shards' caches.
  void clear() {
    for (auto& shard : shards_) {
      for (CURL* easy : shard->easies) {
        curl_multi_remove_handle(shard->multi, easy);
        curl_easy_cleanup(easy);
      }
      shard->easies.clear();
    }
  }

  static size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* shard_ptr, void*) {
    auto* shard = static_cast<Shard*>(shard_ptr);
    const int epoll = shard->owner->epoll_;
    epoll_event event{};
    event.data.u64 =
        (static_cast<std::uint64_t>(shard->index) << 32) | static_cast<std::uint32_t>(fd);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    event.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event) != 0) {
      epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* shard_ptr) {
    auto* shard = static_cast<Shard*>(shard_ptr);
    shard->has_timer = timeout_ms >= 0;
    shard->timer_at = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0L));
    return 0;
  }

  int epoll_;
  std::vector<std::unique_ptr<Shard>> shards_;
  curl_slist* headers_ = nullptr;
  std::string target_;

 public:
  Clock::time_point first_done_{};
  long long last_sent_us_ = 0;      ///< the latest a request started to go out, from its start
  std::vector<long long> held_us_;  ///< per transfer: request sent to first byte of the answer
};

std::string describe(const std::map<long, int>& statuses) {
  std::string text;
  for (const auto& [status, count] : statuses) {
    text += (text.empty() ? "" : " ") + std::to_string(count) + "x" + std::to_string(status);
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string emulator_program = "mock-snowflake";
  int runs = 5;
  std::vector<std::pair<std::string, std::size_t>> cases;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--emulator" && i + 1 < argc) {
      emulator_program = argv[++i];
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::stoi(argv[++i]);
    } else if ((arg == "burst" || arg == "warm" || arg == "idle") && i + 1 < argc) {
      cases.emplace_back(arg, std::stoul(argv[++i]));
    } else {
      std::cerr
          << "usage: bench_emulator [--emulator PATH] [--runs N] (burst N | warm N | idle N)...\n";
      return 2;
    }
  }
  if (cases.empty()) cases = {{"burst", 1000}, {"burst", 10000}, {"idle", 2000}};
  raise_descriptor_limit();
  pin_to(1);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  const Credentials credentials = make_credentials();
  const std::string& public_pem = credentials.public_pem;
  const std::string& authorization = credentials.authorization;
  const std::string key_file = "/tmp/bench_emulator_key_" + std::to_string(getpid()) + ".pem";
  std::ofstream(key_file) << public_pem;

  std::cout << "emulator on CPU 0, client on CPU 1; " << runs << " runs per case\n";
  for (const auto& [kind, count] : cases) {
    std::vector<double> values;
    for (int run = 0; run < runs; ++run) {
      EmulatorSettings settings;
      settings.program = emulator_program;
      settings.public_key_file = key_file;
      Emulator emulator(settings);
      MultiClient client;
      if (kind == "burst" || kind == "warm") {
        if (kind == "warm") {
          // Connect first (one `select 1` per connection), then time the statements alone.
          client.run(emulator.url(), authorization, count, MultiClient::kSelectOneBody);
        }
        const long long ticks_before = emulator.cpu_ticks();
        const auto start = Clock::now();
        const auto statuses = client.run(emulator.url(), authorization, count,
                                         MultiClient::kWaitBody, kind == "burst");
        const double cpu = static_cast<double>(emulator.cpu_ticks() - ticks_before) /
                           static_cast<double>(sysconf(_SC_CLK_TCK));
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        values.push_back(seconds);
        const double first = std::chrono::duration<double>(client.first_done_ - start).count();
        auto held = client.held_us_;
        std::sort(held.begin(), held.end());
        const auto held_at = [&held](double q) {
          return held.empty() ? 0.0
                              : static_cast<double>(held[static_cast<std::size_t>(
                                    q * static_cast<double>(held.size() - 1))]) /
                                    1e3;
        };
        std::printf(
            "%s %zu run %d: %.3f s, first answer after %.3f s, last request sent "
            "after %.3f s, emulator CPU %.2f s, request-to-answer median %.0f ms p99 %.0f ms "
            "max %.0f ms (%s)\n",
            kind.c_str(), count, run + 1, seconds, first,
            static_cast<double>(client.last_sent_us_) / 1e6, cpu, held_at(0.5), held_at(0.99),
            held_at(1.0), describe(statuses).c_str());
      } else {
        const auto statuses = client.run(emulator.url(), authorization, count);
        std::this_thread::sleep_for(std::chrono::seconds(1));  // let the burst settle
        const long long before = emulator.cpu_ticks();
        std::this_thread::sleep_for(std::chrono::seconds(10));
        const long long after = emulator.cpu_ticks();
        const double percent = 100.0 * static_cast<double>(after - before) /
                               static_cast<double>(sysconf(_SC_CLK_TCK)) / 10.0;
        values.push_back(percent);
        std::printf(
            "idle %zu run %d: %.2f %% of a core over 10 s, %zu descriptors and %zu "
            "threads open at the end (%s)\n",
            count, run + 1, percent, emulator.descriptors(), emulator.threads(),
            describe(statuses).c_str());
      }
      std::fflush(stdout);
    }
    std::printf("== %s %zu: median %.3f %s\n", kind.c_str(), count, median(values),
                kind == "idle" ? "% of a core" : "s");
  }
  std::remove(key_file.c_str());
  curl_global_cleanup();
  return 0;
}
