// test_cli_exit_codes.cpp — one test per exit code of the built `sfq` binary (0, 1, 2, 3, 4, 5,
// 6, 130, 143; 4 also for a server gone after accepting the statement and for a Ctrl-C whose
// cancel the server never confirmed), each against a
// mock_snowflake in the test process, and the one-line error format.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/net_fixtures.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

// Injects the fault a spec describes (mock_snowflake's --fault syntax) into the account's emulator.
::testing::AssertionResult inject_fault(CliAccount& account, std::string_view spec) {
  std::string error;
  const auto fault = mock_snowflake::parse_fault_spec(spec, error);
  if (!fault) return ::testing::AssertionFailure() << spec << ": " << error;
  account.server().inject_fault(*fault);
  return ::testing::AssertionSuccess();
}

int count_lines(const std::string& text) {
  int lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

TEST(CliExitCodes, Zero_Success) {
  CliAccount account;
  const auto r = run_sfq({"-q", "select 1 as one", "--format", "csv"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ONE\n1\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliExitCodes, One_ClientError_UndefinedVariable) {
  CliAccount account;
  const auto r = run_sfq({"-q", "select <% missing %>"}, account.env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sfq: error: variable <% missing %> is not defined"), std::string::npos)
      << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u) << "nothing was sent";
}

TEST(CliExitCodes, One_ClientError_UnknownCommandInAScript) {
  CliAccount account;
  const auto r = run_sfq({"-f", "-"}, account.env(), "select 1;\n!frobnicate\nselect 2;\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown command !frobnicate"), std::string::npos) << r.err;
  EXPECT_EQ(account.server().counters().executions, 1u) << "the script stopped there";
}

TEST(CliExitCodes, Two_BadArguments) {
  TempDir home;
  auto r = run_sfq({"--format", "xml", "-q", "select 1"}, ChildEnv(home.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sfq: error:"), std::string::npos) << r.err;
  r = run_sfq({"--no-such-flag"}, ChildEnv(home.path()));
  EXPECT_EQ(r.exit_code, 2);
  r = run_sfq({"-f", home.at("missing.sql")}, ChildEnv(home.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.sql"), std::string::npos) << r.err;
}

TEST(CliExitCodes, Two_BadConfiguration_UnknownConnection) {
  CliAccount account;
  const auto r = run_sfq({"-c", "nope", "-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
}

TEST(CliExitCodes, Three_CannotConnect_NothingListens) {
  const int port = closed_port();
  ASSERT_GT(port, 0);
  CliAccount account;
  const auto r = run_sfq({"--port", std::to_string(port), "-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  // One line naming where and why, and how many attempts the short connect budget allowed.
  EXPECT_EQ(r.err.rfind("sfq: error: cannot connect to 127.0.0.1:" + std::to_string(port) +
                            ": connection refused (gave up after ",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.find("requestId"), std::string::npos) << "no URL noise: " << r.err;
  EXPECT_FALSE(r.timed_out);
}

TEST(CliExitCodes, Three_CannotConnect_TheTerminalShowsTheRetries) {
  const int port = closed_port();
  ASSERT_GT(port, 0);
  CliAccount account;
  ChildEnv env = account.env();
  env.set("TERM", "xterm");
  PtyProcess pty({sfq_binary(), "--port", std::to_string(port), "-q", "select 1"}, env);
  EXPECT_TRUE(pty.expect("connecting\u2026 retry ")) << pty.take();
  EXPECT_TRUE(pty.expect("(connection refused)")) << pty.take();
  EXPECT_TRUE(pty.expect("cannot connect to 127.0.0.1:" + std::to_string(port))) << pty.take();
  EXPECT_EQ(pty.wait_exit(), 3);
}

TEST(CliExitCodes, Three_CannotConnect_KeyNotRegistered) {
  CliAccount account;
  account.server().remove_public_key(1);
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
}

// An answer sfq cannot use: a 202 without a statement handle. (A 200 of invalid JSON is asked
// for again, with backoff, max_retries times first: the library's fault matrix has that row.)
TEST(CliExitCodes, Four_CommunicationError_UnreadableAnswer) {
  CliAccount account;
  ASSERT_TRUE(inject_fault(
      account,
      R"(kind=status,status=202,method=POST,path=/api/v2/statements,count=100,body={"message":"Asynchronous execution in progress."})"));
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("without a statement handle"), std::string::npos) << r.err;
}

// The emulator goes away for good after accepting the statement: every poll is cut and every new
// connect refused. Not "cannot connect" (exit 3): the server has the statement, so the error
// names it.
TEST(CliExitCodes, Four_CommunicationError_ServerGoneAfterAcceptingTheStatement) {
  CliAccount account;
  account.server().set_sync_window(100ms);  // answered 202: the statement is polled
  ASSERT_TRUE(inject_fault(
      account, "kind=refuse,duration_ms=600000,count=1000,method=GET,path=/api/v2/statements/*"));
  ProcessOptions options;
  options.args = {sfq_binary(), "-q", "select system$wait(3) as w"};
  options.timeout = 120s;  // hang guard only
  const ProcessResult r = run_process(options, account.env());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.err.rfind("sfq: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("query id "), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  const auto counters = account.server().counters();
  EXPECT_EQ(counters.executions, 1u);
  EXPECT_GE(counters.faults_injected, 1u);
}

TEST(CliExitCodes, Five_SqlError_OneLineWithCodeSqlStateAndQueryId) {
  CliAccount account;
  const auto r = run_sfq({"-q", "select * from no_such_table"}, account.env());
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sfq: error: SQL compilation error:", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("(code 002003, SQLSTATE 42S02, query id "), std::string::npos) << r.err;
}

TEST(CliExitCodes, Five_StopsAtTheFirstErrorUnlessToldToContinue) {
  CliAccount account;
  const std::string script = "select 1 as a;\nselect * from nope;\nselect 3 as c;\n";
  auto r = run_sfq({"--format", "csv", "-f", "-"}, account.env(), script);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "A\n1\n");
  r = run_sfq({"--format", "csv", "--continue-on-error", "-f", "-"}, account.env(), script);
  EXPECT_EQ(r.exit_code, 5) << "the first failure's code";
  EXPECT_EQ(r.out, "A\n1\n\nC\n3\n");
}

// `--total-timeout 1` on a statement that takes 5 s: exit 6, the deadline named, and the
// statement cancelled on the server.
void expect_client_deadline(CliAccount& account, const ProcessResult& r) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(r.err.rfind("sfq: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("deadline"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("total_timeout"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running == 0; }, 10s));
}

TEST(CliExitCodes, Six_ClientDeadline_TotalTimeoutFlag) {
  CliAccount account;
  ProcessOptions options;
  options.args = {sfq_binary(), "--total-timeout", "1", "-q", "select system$wait(5)"};
  options.timeout = 60s;  // hang guard only
  expect_client_deadline(account, run_process(options, account.env()));
}

TEST(CliExitCodes, Six_ClientDeadline_GenericEnvironmentVariable) {
  CliAccount account;
  ChildEnv env = account.env();
  env.set("SNOWFLAKE_TOTAL_TIMEOUT", "1");
  ProcessOptions options;
  options.args = {sfq_binary(), "-q", "select system$wait(5)"};
  options.timeout = 60s;
  expect_client_deadline(account, run_process(options, env));
}

TEST(CliExitCodes, Six_ClientDeadline_FlagBeatsEnvironment) {
  CliAccount account;
  ChildEnv env = account.env();
  // The flag's deadline applies, not the variable's.
  env.set("SNOWFLAKE_TOTAL_TIMEOUT", "1");
  auto r = run_sfq(
      {"--total-timeout", "60", "--format", "csv", "--no-header", "-q", "select system$wait(3)"},
      env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  env.set("SNOWFLAKE_TOTAL_TIMEOUT", "60");
  ProcessOptions options;
  options.args = {sfq_binary(), "--total-timeout", "1", "-q", "select system$wait(5)"};
  options.timeout = 60s;
  expect_client_deadline(account, run_process(options, env));
}

TEST(CliExitCodes, Six_ClientDeadline_UnderMock) {
  TempDir home;
  ProcessOptions options;
  options.args = {sfq_binary(), "--mock", "--total-timeout", "1", "-q", "select system$wait(5)"};
  options.timeout = 60s;
  const ProcessResult r = run_process(options, ChildEnv(home.path()));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("total_timeout"), std::string::npos) << r.err;
}

TEST(CliExitCodes, Two_BadTimeout) {
  CliAccount account;
  ChildEnv env = account.env();
  auto r = run_sfq({"--total-timeout", "soon", "-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("total_timeout \"soon\" from flag --total-timeout"), std::string::npos)
      << r.err;
  env.set("SNOWFLAKE_REQUEST_TIMEOUT", "-1");
  r = run_sfq({"-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("env SNOWFLAKE_REQUEST_TIMEOUT"), std::string::npos) << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u);
}

std::uint64_t cancels_confirmed(const mock_snowflake::Counters& c) {
  std::uint64_t cancels = 0;
  for (const auto& [handle, n] : c.cancels_by_handle) cancels += n;
  return cancels;
}

TEST(CliExitCodes, OneHundredThirty_SigintCancelsTheStatementOnTheServer) {
  CliAccount account;
  ProcessOptions options;
  options.args = {sfq_binary(), "-q", "select system$wait(30)"};
  Process sfq(options, account.env());
  // The statement is running on the server before Ctrl-C.
  ASSERT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running >= 1; }, 30s));
  sfq.signal(SIGINT);
  const ProcessResult r = sfq.finish(30s);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("sfq: cancelled on the server (query id "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not confirmed"), std::string::npos) << r.err;
  // The server saw the cancel and the statement stopped well before its 30 s.
  EXPECT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) {
        return cancels_confirmed(c) >= 1 && c.statements_running == 0;
      },
      10s));
}

TEST(CliExitCodes, OneHundredFortyThree_SigtermCancelsTheStatementOnTheServer) {
  CliAccount account;
  ProcessOptions options;
  options.args = {sfq_binary(), "-q", "select system$wait(30)"};
  Process sfq(options, account.env());
  ASSERT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running >= 1; }, 30s));
  sfq.signal(SIGTERM);
  const ProcessResult r = sfq.finish(60s);
  EXPECT_EQ(r.exit_code, 143) << r.err;
  EXPECT_NE(r.err.find("cancelled on the server"), std::string::npos) << r.err;
  EXPECT_GE(cancels_confirmed(account.server().counters()), 1u);
}

TEST(CliExitCodes, Four_SigintWhenTheServerRefusesEveryCancel_SaysItIsNotConfirmed) {
  CliAccount account;
  ASSERT_TRUE(
      inject_fault(account, "kind=status,status=403,path=/api/v2/statements/*/cancel,count=1000"));
  ProcessOptions options;
  options.args = {sfq_binary(), "-q", "select system$wait(120)"};
  options.timeout = 150s;
  Process sfq(options, account.env());
  ASSERT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running >= 1; }, 30s));
  sfq.signal(SIGINT);
  // A refusal (403) is not retried, so the answer comes at once. (A cancel answered 503 is
  // retried for its whole 30 s deadline first: the library's fault matrix, Persistent503 ×
  // cancel, covers that.)
  const ProcessResult r = sfq.finish(120s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("cancel not confirmed: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the statement may still be running (query id "), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("cancelled on the server"), std::string::npos) << r.err;
  // And it is true: the server never cancelled it.
  const auto counters = account.server().counters();
  EXPECT_EQ(cancels_confirmed(counters), 0u);
  EXPECT_GE(counters.faults_injected, 1u);
  EXPECT_GE(counters.statements_running, 1u);
}

}  // namespace
}  // namespace sfq::test_support
