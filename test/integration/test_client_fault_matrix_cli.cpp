// test_client_fault_matrix_cli.cpp — the fault matrix's smaller table through the built `sfq`
// binary: under a fault injected into the emulator, sfq exits with the code docs/CLI.md gives
// (0 success, 3 cannot connect, 4 communication, 5 SQL error or server-side timeout, 6 the
// client-side deadline), and the statement ran at most once. Tests as data, one row per case.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/mock_fixture.hpp"

extern char** environ;

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;

struct CliRow {
  const char* name;
  const char* fault;  // --fault syntax; "" for none
  std::vector<std::string> flags;
  const char* sql;
  int exit_code;
  const char* toml_extra = "";  // more keys of the connection
};

void PrintTo(const CliRow& row, std::ostream* os) { *os << row.name; }

const std::vector<CliRow>& cli_rows() {
  static const std::vector<CliRow> rows = {
      {"RecoveredThrottling",
       "kind=status,status=503,method=POST,path=/api/v2/statements,count=2",
       {},
       "select 42 as answer",
       0},
      {"RecoveredResetAfterRunning",
       "kind=close_before_headers,when=after,method=POST,path=/api/v2/statements",
       {},
       "select 42 as answer",
       0},
      // Every request refused for a minute: nothing ever answered.
      {"ConnectionRefused", "kind=refuse,duration_ms=60000", {}, "select 1", 3},
      {"ExpiredJwtPersistent",
       R"(kind=status,status=401,count=1000,body={"code":"390144","message":"JWT token is invalid."})",
       {},
       "select 1",
       3},
      // The statement runs; every poll answer is unreadable: a communication failure.
      {"InvalidJsonPersistentPolls",
       "kind=invalid_json,method=GET,path=/api/v2/statements/*,count=1000",
       {},
       "select system$wait(3) as w",
       4},
      {"ResetMidBodyPersistentPolls",
       "kind=truncated_body,method=GET,path=/api/v2/statements/*,count=1000",
       {},
       "select system$wait(3) as w",
       4},
      // The server's own statement timeout (1 s) ends the statement.
      {"ServerStatementTimeout",
       "",
       {},
       "select system$wait(10) as w",
       5,
       "statement_timeout = 1\n"},
      {"SlowDripPastTheDeadline",
       "kind=slow_drip,drip_bytes=4,drip_ms=200,method=POST,path=/api/v2/statements,count=1000",
       {"--total-timeout", "1"},
       "select 42 as answer",
       6},
      {"BlackholePastTheDeadline",
       "kind=blackhole,method=POST,path=/api/v2/statements,count=1000",
       {"--total-timeout", "1"},
       "select 42 as answer",
       6},
      {"SilentAfter202PastTheDeadline",
       "kind=silent_after,answers=1,path=/api/v2/statements*,count=1000",
       {"--total-timeout", "1"},
       "select system$wait(30) as w",
       6},
  };
  return rows;
}

struct SfqRun {
  int exit_code = -1;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliFaultMatrix : public MockTest, public ::testing::WithParamInterface<CliRow> {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.sync_window = 200ms;  // long statements answer 202 and are polled
  }

  void SetUp() override {
    MockTest::SetUp();
    char pattern[] = "/tmp/sfq-cli-matrix-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/home/.snowflake");
    ::chmod((dir_ + "/home/.snowflake").c_str(), 0700);
    const std::string key = dir_ + "/home/.snowflake/rsa_key.p8";
    std::ofstream(key) << test_key_pair().private_key_pem;
    ::chmod(key.c_str(), 0600);
    key_file_ = key;
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    MockTest::TearDown();
  }

  void write_connection(const std::string& extra) {
    const std::string path = dir_ + "/home/.snowflake/connections.toml";
    std::ofstream(path) << "[default]\naccount = \"MOCKACCOUNT\"\nuser = \"MOCKUSER\"\n"
                        << "host = \"127.0.0.1\"\nport = " << server().port()
                        << "\nprotocol = \"http\"\nauthenticator = \"SNOWFLAKE_JWT\"\n"
                        << "private_key_file = \"" << key_file_ << "\"\n"
                        << extra;
    ::chmod(path.c_str(), 0600);
  }

  // Runs sfq with `args`; killed after the hang guard.
  SfqRun run_sfq(const std::vector<std::string>& args) {
    std::vector<std::string> all{SFQ_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings{"HOME=" + dir_ + "/home", "LANG=C.UTF-8"};
    for (const char* name : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
      if (const char* value = std::getenv(name))
        env_strings.push_back(std::string(name) + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string out = dir_ + "/out.txt";
    const std::string err = dir_ + "/err.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, all[0].c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    SfqRun run;
    if (rc != 0) return run;
    const auto guard = std::chrono::steady_clock::now() + 120s;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > guard) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        run.err = "killed at the hang guard";
        return run;
      }
      std::this_thread::sleep_for(20ms);
    }
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = slurp(err);
    return run;
  }

 private:
  std::string dir_;
  std::string key_file_;
};

TEST_P(CliFaultMatrix, ExitCode) {
  const CliRow& row = GetParam();
  write_connection(row.toml_extra);
  if (*row.fault != '\0') {
    std::string error;
    const auto fault = mock_snowflake::parse_fault_spec(row.fault, error);
    ASSERT_TRUE(fault.has_value()) << error;
    server().inject_fault(*fault);
  }
  std::vector<std::string> args{"--no-pager", "--format", "csv", "-q", row.sql};
  args.insert(args.end(), row.flags.begin(), row.flags.end());
  const SfqRun run = run_sfq(args);
  EXPECT_EQ(run.exit_code, row.exit_code) << run.err;
  if (row.exit_code != 0) {
    EXPECT_EQ(run.err.rfind("sfq: error: ", 0), 0U) << run.err;
  }
  if (row.exit_code == 6) {
    EXPECT_NE(run.err.find("total_timeout"), std::string::npos) << run.err;
  }
  const auto counters = server().counters();
  EXPECT_LE(counters.executions, 1U) << "nothing ran twice";
  for (const auto& [id, executions] : counters.executions_by_request_id) {
    EXPECT_EQ(executions, 1U) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, CliFaultMatrix, ::testing::ValuesIn(cli_rows()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace sfq::testing
