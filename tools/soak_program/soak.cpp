// soak.cpp — the program behind tools/soak: COUNT statements through one sfq::Client against
// the mock-snowflake executable, IN_FLIGHT of them at a time, with a seeded random fault of a
// random kind injected ahead of FAULT_PERCENT % of them (docs/RELIABILITY.md, "Soak").
//
// The emulator runs as a child process, so this process's resident set is the client's (plus
// this harness's few fixed buffers). Checks, each failing the run (exit 1):
//   - every statement succeeds with the right result (its own number and text, or the right
//     row count and sum for the partitioned ones);
//   - none lost, none duplicated: the emulator executed exactly COUNT client requestIds, each
//     exactly once (its executions_by_request_id counter);
//   - the resident set after warm-up (the first quarter) grows by at most --max-growth-mib.
// The seed is printed; the same seed injects the same faults ahead of the same statements
// (which request a fault then strikes depends on timing: up to IN_FLIGHT requests compete).
//
//   sfq_soak --emulator PATH [COUNT [SEED]] [--in-flight N] [--fault-percent P]
//            [--max-growth-mib M]
#include <curl/curl.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sfq/client.hpp"
#include "sfq/keys.hpp"
#include "support/mock_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Every fault kind of the emulator (docs/MOCK.md), each once in the draw. Single strikes: every
// one of them is retried by the client, so every statement must still succeed.
const std::vector<std::string> kFaults = {
    R"("kind":"status","status":429)",
    R"("kind":"status","status":429,"retry_after":1)",
    R"("kind":"status","status":500)",
    R"("kind":"status","status":502,"when":"after")",
    R"("kind":"status","status":503)",
    R"("kind":"status","status":504,"when":"after")",
    R"("kind":"status","status":401,"body":"{\"code\":\"390144\",\"message\":\"JWT token is invalid.\"}")",
    R"("kind":"close_before_headers")",
    R"("kind":"close_before_headers","when":"after")",
    R"("kind":"close_after_headers")",
    R"("kind":"truncated_body")",
    R"("kind":"invalid_json")",
    R"("kind":"corrupt_gzip")",
    R"("kind":"slow_drip","drip_bytes":256,"drip_ms":2)",
    R"("kind":"blackhole")",
    R"("kind":"silent_after","answers":3)",
    R"("kind":"refuse","duration_ms":200)",
    R"("kind":"connect_timeout","duration_ms":300)",
    R"("kind":"close_idle")",
};
// Which requests a fault may strike: submissions, polls and partition fetches, or any of the
// SQL API's (never the admin endpoint's: the harness needs those answered).
const std::vector<std::string> kTargets = {
    R"("method":"POST","path":"/api/v2/statements")",
    R"("method":"GET","path":"/api/v2/statements/*")",
    R"("method":"*","path":"/api/v2/statements*")",
};

struct Options {
  std::string emulator;
  std::uint64_t count = 100'000;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::size_t in_flight = 100;
  double fault_percent = 1.0;
  double max_growth_mib = 16;
};

std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

double mib(std::size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::size_t collect(void* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size * count);
  return size * count;
}

// One request to the emulator's admin endpoint; the body, or throws on failure. Retried while
// the port refuses or hangs connects (the refuse and connect_timeout faults act on it too).
std::string admin(const std::string& url, const std::string& post_body = {}) {
  const auto give_up = Clock::now() + 60s;
  while (true) {
    CURL* curl = curl_easy_init();
    std::string body;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 500L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    if (!post_body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body.c_str());
    long status = 0;
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK && status == 200) return body;
    // A connect the connect_timeout fault's listener took into its backlog is reset when it
    // lets go of the port: never accepted, so never processed, and asked again.
    const bool connect_failed = rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                                rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
                                rc == CURLE_SEND_ERROR;
    if (!connect_failed || Clock::now() > give_up) {
      // Thrown, not exited: the emulator child is stopped on the way out.
      throw std::runtime_error("admin request " + url + " failed: " + curl_easy_strerror(rc) +
                               " (HTTP " + std::to_string(status) + ") " + body);
    }
    std::this_thread::sleep_for(50ms);
  }
}

bool parse(int argc, char** argv, Options& options) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--emulator") {
      options.emulator = value();
    } else if (arg == "--in-flight") {
      options.in_flight = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--fault-percent") {
      options.fault_percent = std::strtod(value().c_str(), nullptr);
    } else if (arg == "--max-growth-mib") {
      options.max_growth_mib = std::strtod(value().c_str(), nullptr);
    } else if (!arg.empty() && arg[0] != '-') {
      positional.push_back(arg);
    } else {
      return false;
    }
  }
  if (!positional.empty()) options.count = std::strtoull(positional[0].c_str(), nullptr, 10);
  if (positional.size() > 1) {
    options.seed = std::strtoull(positional[1].c_str(), nullptr, 10);
    options.seed_given = true;
  }
  return !options.emulator.empty() && options.count > 0 && options.in_flight > 0 &&
         positional.size() <= 2;
}

// What statement `i` is, and whether its result is right.
enum class Kind { plain, async, partitioned };
constexpr int kPartitionedRows = 5000;

Kind kind_of(std::uint64_t i) {
  if (i % 50 == 7) return Kind::partitioned;
  if (i % 10 == 3) return Kind::async;
  return Kind::plain;
}

sfq::Statement statement_for(std::uint64_t i) {
  if (kind_of(i) == Kind::partitioned) {
    return sfq::Statement("select seq4() as n from table(generator(rowcount => " +
                          std::to_string(kPartitionedRows) + "))");
  }
  sfq::Statement statement("select " + std::to_string(i) + " as n, 'soak-" + std::to_string(i) +
                           "' as s");
  statement.async = kind_of(i) == Kind::async;
  return statement;
}

// "" when the result is right, else what is wrong.
std::string check(std::uint64_t i, sfq::Query& query) {
  const auto guard = Clock::now() + 120s;
  std::uint64_t rows = 0;
  std::int64_t sum = 0;
  std::string text;
  try {
    while (auto batch = query.next_batch_until(guard)) {
      for (std::size_t r = 0; r < batch->rows; ++r) {
        sum += batch->columns[0].int64_value(r);
        if (batch->columns.size() > 1) text = std::string(batch->columns[1].text_value(r));
      }
      rows += batch->rows;
    }
  } catch (const sfq::Error& error) {
    return error.what();
  }
  if (kind_of(i) == Kind::partitioned) {
    const std::int64_t expected = std::int64_t{kPartitionedRows} * (kPartitionedRows - 1) / 2;
    if (rows != kPartitionedRows || sum != expected) {
      return "wrong result: " + std::to_string(rows) + " rows, sum " + std::to_string(sum);
    }
    return {};
  }
  if (rows != 1 || sum != static_cast<std::int64_t>(i) || text != "soak-" + std::to_string(i)) {
    return "wrong result: " + std::to_string(rows) + " rows, n " + std::to_string(sum) + ", s " +
           text;
  }
  return {};
}

}  // namespace

int soak(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: sfq_soak --emulator PATH [COUNT [SEED]] [--in-flight N] "
                 "[--fault-percent P] [--max-growth-mib M]\n");
    return 2;
  }
  if (!options.seed_given) options.seed = std::random_device{}();
  std::printf("soak: %" PRIu64 " statements, %zu in flight, %.2f %% faulted, seed %" PRIu64 "\n",
              options.count, options.in_flight, options.fault_percent, options.seed);
  std::fflush(stdout);

  auto keys = sfq::generate_key_pair(2048);
  if (!keys) {
    std::fprintf(stderr, "soak: %s\n", keys.error().what());
    return 2;
  }
  char key_path[] = "/tmp/sfq-soak-key-XXXXXX";
  const int key_fd = ::mkstemp(key_path);
  if (key_fd < 0 || ::write(key_fd, keys->public_key_pem.data(), keys->public_key_pem.size()) !=
                        static_cast<ssize_t>(keys->public_key_pem.size())) {
    std::fprintf(stderr, "soak: cannot write the public key\n");
    return 2;
  }
  ::close(key_fd);
  std::vector<std::string> emulator_args = {
      "--public-key",         key_path, "--partition-rows", "1000",
      "--max-partition-rows", "2000",   "--max-statements", "2000"};
  // With SFQ_SOAK_TRACE the emulator logs every request on stderr.
  if (std::getenv("SFQ_SOAK_TRACE") != nullptr) emulator_args.emplace_back("--verbose");
  sfq::testing::MockProcess emulator(options.emulator, emulator_args);
  ::unlink(key_path);
  const std::string admin_url = emulator.url() + "/__admin";

  sfq::ConnectionOptions connection;
  connection.account = "MOCKACCOUNT";
  connection.user = "MOCKUSER";
  connection.host = "127.0.0.1";
  connection.port = emulator.port();
  connection.protocol = "http";
  connection.private_key_pem = sfq::Secret(keys->private_key_pem);
  connection.connect_timeout = 1s;
  connection.request_timeout = 5s;  // statements are instant: a silent submission is a fault
  connection.stall_timeout = 1s;

  std::mt19937_64 rng(options.seed);
  std::bernoulli_distribution faulted(options.fault_percent / 100.0);
  std::uniform_int_distribution<std::size_t> pick_fault(0, kFaults.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_target(0, kTargets.size() - 1);

  const std::uint64_t samples = 20;
  const std::uint64_t sample_every = std::max<std::uint64_t>(1, options.count / samples);
  std::vector<std::pair<std::uint64_t, std::size_t>> curve;
  std::uint64_t faults = 0;
  const bool trace = std::getenv("SFQ_SOAK_TRACE") != nullptr;  // which fault preceded which
  std::uint64_t failures = 0;
  std::uint64_t done = 0;
  const auto started = Clock::now();
  {
    sfq::Client client(connection);
    std::deque<std::pair<std::uint64_t, sfq::Query>> running;
    const auto finish_oldest = [&] {
      auto [i, query] = std::move(running.front());
      running.pop_front();
      if (const std::string wrong = check(i, query); !wrong.empty()) {
        if (++failures <= 10)
          std::fprintf(stderr, "soak: statement %" PRIu64 ": %s\n", i, wrong.c_str());
      }
      if (++done % sample_every == 0) {
        curve.emplace_back(done, rss_bytes());
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        std::printf("soak: %8" PRIu64 " done  %7.1f s  RSS %7.1f MiB\n", done, seconds,
                    mib(curve.back().second));
        std::fflush(stdout);
      }
    };
    for (std::uint64_t i = 0; i < options.count; ++i) {
      if (faulted(rng)) {
        const std::string& fault = kFaults[pick_fault(rng)];
        const std::string& target = kTargets[pick_target(rng)];
        (void)admin(admin_url + "/faults", "{" + fault + "," + target + "}");
        if (trace) {
          std::printf("soak: before statement %" PRIu64 ": {%s,%s}\n", i, fault.c_str(),
                      target.c_str());
        }
        ++faults;
      }
      running.emplace_back(i, client.submit(statement_for(i)));
      if (trace) {
        std::printf("soak: statement %" PRIu64 " requestId %s\n", i,
                    running.back().second.request_id().c_str());
      }
      if (running.size() >= options.in_flight) finish_oldest();
    }
    while (!running.empty()) finish_oldest();
    const sfq::ClientStats stats = client.stats();
    std::printf("soak: client: %" PRIu64 " requests, %" PRIu64 " retries, %" PRIu64
                " tokens minted\n",
                stats.requests_sent, stats.retries, stats.jwt_mints);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  // None lost, none duplicated: every requestId of ours executed exactly once.
  rapidjson::Document counters;
  counters.Parse(admin(admin_url + "/counters").c_str());
  std::uint64_t ids = 0;
  std::uint64_t not_once = 0;
  if (counters.HasMember("executions_by_request_id")) {
    for (const auto& entry : counters["executions_by_request_id"].GetObject()) {
      ++ids;
      if (entry.value.GetUint64() != 1 && ++not_once <= 10) {
        std::printf("soak: requestId %s executed %" PRIu64 " times\n", entry.name.GetString(),
                    entry.value.GetUint64());
      }
    }
  }
  const std::uint64_t struck =
      counters.HasMember("faults_injected") ? counters["faults_injected"].GetUint64() : 0;

  // Flat after warm-up: the largest RSS after the first quarter against the RSS then.
  std::size_t at_warm = 0;
  std::size_t peak_after = 0;
  for (const auto& [n, rss] : curve) {
    if (n <= options.count / 4) at_warm = rss;
    if (n > options.count / 4) peak_after = std::max(peak_after, rss);
  }
  const double growth = peak_after > at_warm ? mib(peak_after - at_warm) : 0.0;

  std::printf("soak: %" PRIu64 " statements in %.1f s (%.0f/s), %" PRIu64
              " faults injected (%" PRIu64 " struck), %" PRIu64 " failed\n",
              done, seconds, static_cast<double>(done) / seconds, faults, struck, failures);
  std::printf("soak: emulator saw %" PRIu64 " requestIds, %" PRIu64 " not executed exactly once\n",
              ids, not_once);
  std::printf("soak: RSS %.1f MiB after warm-up, at most %.1f MiB after (growth %.1f MiB)\n",
              mib(at_warm), mib(peak_after), growth);
  bool ok = true;
  if (failures != 0) ok = false;
  if (ids != options.count || not_once != 0) {
    std::printf("soak: FAILED: statements lost or duplicated\n");
    ok = false;
  }
  if (growth > options.max_growth_mib) {
    std::printf("soak: FAILED: RSS grew %.1f MiB after warm-up (limit %.1f)\n", growth,
                options.max_growth_mib);
    ok = false;
  }
  std::printf("soak: %s (seed %" PRIu64 ")\n", ok ? "OK" : "FAILED", options.seed);
  return ok ? 0 : 1;
}

int main(int argc, char** argv) {
  try {
    return soak(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak: %s\n", e.what());
    return 2;
  }
}
