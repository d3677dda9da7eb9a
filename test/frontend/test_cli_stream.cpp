// test_cli_stream.cpp — `sfq --format csv` streams: a 1 000 000-row result goes to stdout in
// flat memory. Measured, not assumed: the peak RSS of the `sfq` process (wait4's ru_maxrss) for
// 1 000 000 rows stays within a few MiB of its peak for 100 000 rows — far less than the rows
// themselves would take — and every row arrives.
//
// The mock runs as a separate `mock-snowflake` process, not inside the test: a child created by
// fork() starts with its parent's resident pages, and Linux keeps that high-water mark across
// exec(), so ru_maxrss of an `sfq` forked from a test that holds a mock with cached results
// would measure the test, not sfq.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfq/keys.hpp"
#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

// A mock-snowflake executable with a fresh key pair and 20 000-row partitions (many
// partitions, as the real server sends a large result).
class MockProcess {
 public:
  MockProcess() {
    auto keys = sfq::generate_key_pair(2048);
    if (!keys) throw std::runtime_error(keys.error().what());
    dir_.make_dir("home");
    key_file_ = dir_.write_file("rsa_key.p8", keys->private_key_pem, 0600);
    const std::string public_key = dir_.write_file("rsa_key.pub", keys->public_key_pem, 0600);
    ProcessOptions options;
    options.args = {MOCK_SNOWFLAKE_BINARY, "--public-key", public_key, "--max-partition-rows",
                    "20000"};
    process_ = std::make_unique<Process>(options, ChildEnv(dir_.at("home")));
    constexpr std::string_view kListening = "listening on http://127.0.0.1:";
    if (!process_->wait_for_output(
            [&](const std::string& out, const std::string&) {
              return out.find(kListening) != std::string::npos && out.back() == '\n';
            },
            60s)) {
      throw std::runtime_error("mock-snowflake did not start");
    }
    // The line is "mock-snowflake listening on http://127.0.0.1:PORT".
    const std::string& out = process_->output();
    port_ = std::stoi(out.substr(out.find(kListening) + kListening.size()));
  }
  ~MockProcess() {
    process_->signal(SIGTERM);
    (void)process_->finish(30s);
  }
  MockProcess(const MockProcess&) = delete;
  MockProcess& operator=(const MockProcess&) = delete;

  [[nodiscard]] ChildEnv env() const { return ChildEnv(dir_.at("home")); }
  [[nodiscard]] std::vector<std::string> connection_flags() const {
    return {"--account",
            "MOCKACCOUNT",
            "--user",
            "MOCKUSER",
            "--host",
            "127.0.0.1",
            "--port",
            std::to_string(port_),
            "--protocol",
            "http",
            "--private-key-file",
            key_file_};
  }

 private:
  TempDir dir_;
  std::string key_file_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

struct StreamRun {
  ProcessResult result;
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};

StreamRun stream(const MockProcess& mock, std::uint64_t rows, const std::string& format) {
  ProcessOptions options;
  options.args = {sfq_binary()};
  for (const auto& flag : mock.connection_flags()) options.args.push_back(flag);
  for (const std::string& arg :
       {std::string("--format"), format, std::string("-q"),
        "select seq8() as n, randstr(10, random()) as s from table(generator(rowcount => " +
            std::to_string(rows) + "))"}) {
    options.args.push_back(arg);
  }
  options.timeout = 600s;
  StreamRun run;
  options.on_stdout = [&run](std::string_view chunk) {
    run.bytes += chunk.size();
    for (const char c : chunk) run.lines += c == '\n' ? 1 : 0;
  };
  ChildEnv env = mock.env();
  // AddressSanitizer keeps freed memory in a quarantine (256 MiB by default) that grows with
  // every allocation ever made: measure the program, not the quarantine.
  const auto& vars = env.variables();
  const std::string asan =
      vars.count("ASAN_OPTIONS") != 0 ? vars.at("ASAN_OPTIONS") + ":" : std::string();
  env.set("ASAN_OPTIONS", asan + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0");
  run.result = run_process(options, env);
  return run;
}

TEST(CliStream, CsvOfAMillionRowsRunsInFlatMemory) {
  MockProcess mock;
  const StreamRun small = stream(mock, 100'000, "csv");
  ASSERT_EQ(small.result.exit_code, 0) << small.result.err;
  EXPECT_EQ(small.lines, 100'001u) << "a header and every row";

  const StreamRun large = stream(mock, 1'000'000, "csv");
  ASSERT_EQ(large.result.exit_code, 0) << large.result.err;
  EXPECT_EQ(large.lines, 1'000'001u) << "a header and every row";

  const long small_kb = small.result.max_rss_kb;
  const long large_kb = large.result.max_rss_kb;
  RecordProperty("rss_100k_kb", std::to_string(small_kb));
  RecordProperty("rss_1m_kb", std::to_string(large_kb));
  // The 900 000 extra rows are 20+ MiB of CSV and 40+ MiB decoded; holding any of that would
  // show. Streaming stays within allocator noise (measured: +2 MiB, ASan and Release alike).
  EXPECT_LT(large_kb, small_kb + 16 * 1024)
      << "peak RSS " << small_kb << " KiB for 100 000 rows, " << large_kb
      << " KiB for 1 000 000 rows (" << large.bytes << " bytes of CSV)";
}

TEST(CliStream, JsonLinesStreamsToo) {
  MockProcess mock;
  const StreamRun run = stream(mock, 50'000, "jsonl");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.lines, 50'000u);
}

}  // namespace
}  // namespace sfq::test_support
