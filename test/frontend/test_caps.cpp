// Every cap on input sfq does not control, tested at the cap (accepted) and one byte or level
// past it (a clear error naming the cap), through the built binaries: an MCP line, a JSON nesting
// depth, a SQL text given to `sfq mcp`, a statement given to the CLI (-q, -f, standard input,
// and an endless stream of one that never ends), an HTTP header block and a configuration
// file. The HTTP
// body cap (max_response_bytes) is tested the same way in test/unit/test_io_http.cpp. The caps
// and their numbers are listed in docs/RELIABILITY.md ("Caps").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/cli_account.hpp"
#include "support/mcp_pipe.hpp"
#include "support/raw_http_server.hpp"

namespace {

using sfq::mcp::testing::McpPipe;
using sfq::mcp::testing::to_json;
using sfq::test_support::ChildEnv;
using sfq::test_support::CliAccount;
using sfq::test_support::raw_response;
using sfq::test_support::RawHttpServer;
using sfq::test_support::RawRequest;
using sfq::test_support::read_file;
using sfq::test_support::run_sfq;
using sfq::test_support::sfq_binary;
using sfq::test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"caps-test","version":"1"}}})";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// --- MCP: one line -------------------------------------------------------------------------

// A ping of exactly `bytes` bytes (without its newline).
std::string ping_of_size(int id, std::size_t bytes) {
  const std::string head = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                           R"(,"method":"ping","params":{"_meta":{"pad":")";
  const std::string tail = "\"}}}";
  return head + std::string(bytes - head.size() - tail.size(), 'p') + tail;
}

TEST(Caps, AnMcpLineAtTheCapIsReadAndOneByteMoreIsRefused) {
  McpPipe mcp({SFQ_BINARY, "mcp", "--mock", "--max-message-bytes", "4096"});
  mcp.request(kInitialize, "0");
  const std::string at_cap = ping_of_size(1, 4096);
  ASSERT_EQ(at_cap.size(), 4096u);
  auto answer = mcp.request(at_cap, "1");
  EXPECT_TRUE(answer.HasMember("result")) << to_json(answer);

  mcp.send(ping_of_size(2, 4097));
  const auto refused = mcp.wait_for(
      [](const rapidjson::Document& d) { return d.HasMember("error") && d["id"].IsNull(); });
  ASSERT_TRUE(refused) << mcp.stderr_text();
  const auto error = sfq::mcp::testing::parse_json(*refused);
  EXPECT_EQ(error["error"]["code"].GetInt(), -32600);
  EXPECT_THAT(error["error"]["message"].GetString(), HasSubstr("4096"));
  // Still in step: the next line is its own message.
  EXPECT_TRUE(mcp.request(ping_of_size(3, 200), "3").HasMember("result"));
}

// --- MCP: JSON nesting depth ---------------------------------------------------------------

// A ping whose arrays and objects nest exactly `depth` levels (the message itself is one).
std::string ping_of_depth(int id, std::size_t depth) {
  const std::size_t arrays = depth - 3;  // the message, params and _meta are three levels
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"ping","params":{"_meta":{"deep":)" + std::string(arrays, '[') +
         std::string(arrays, ']') + "}}}";
}

TEST(Caps, JsonNestedToTheCapIsReadAndOneLevelMoreIsRefused) {
  McpPipe mcp({SFQ_BINARY, "mcp", "--mock"});
  mcp.request(kInitialize, "0");
  auto answer = mcp.request(ping_of_depth(1, 64), "1");
  EXPECT_TRUE(answer.HasMember("result")) << to_json(answer);

  mcp.send(ping_of_depth(2, 65));
  const auto refused = mcp.wait_for(
      [](const rapidjson::Document& d) { return d.HasMember("error") && d["id"].IsNull(); });
  ASSERT_TRUE(refused) << mcp.stderr_text();
  const auto error = sfq::mcp::testing::parse_json(*refused);
  EXPECT_EQ(error["error"]["code"].GetInt(), -32600);
  EXPECT_THAT(error["error"]["message"].GetString(), HasSubstr("nested more than 64 levels"));

  // Brackets inside strings are text, not nesting.
  const std::string in_string = R"({"jsonrpc":"2.0","id":3,"method":"ping","params":{"_meta":{)"
                                R"("text":")" +
                                std::string(1000, '[') + R"("}}})";
  EXPECT_TRUE(mcp.request(in_string, "3").HasMember("result"));
}

// --- MCP: SQL text -------------------------------------------------------------------------

std::string query_call(int id, const std::string& sql) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":"execute_query","arguments":{"query":")" + sql +
         R"("}}})";
}

// A query of exactly `bytes` bytes: SELECT 42 padded with a comment.
std::string query_of_size(std::size_t bytes) {
  const std::string head = "SELECT 42 AS N /* ";
  const std::string tail = " */";
  return head + std::string(bytes - head.size() - tail.size(), 'q') + tail;
}

TEST(Caps, AQueryOfOneMebibyteRunsAndOneByteMoreIsRefused) {
  McpPipe mcp({SFQ_BINARY, "mcp", "--mock"});
  mcp.request(kInitialize, "0");
  auto answer = mcp.request(query_call(1, query_of_size(1u << 20)), "1");
  ASSERT_TRUE(answer.HasMember("result")) << to_json(answer);
  EXPECT_FALSE(answer["result"]["isError"].GetBool()) << to_json(answer["result"]).substr(0, 2000);
  EXPECT_THAT(to_json(answer["result"]), HasSubstr("42"));

  answer = mcp.request(query_call(2, query_of_size((1u << 20) + 1)), "2");
  const std::string text = to_json(answer);
  EXPECT_THAT(text, HasSubstr("longer than 1048576 bytes")) << text.substr(0, 2000);
}

// --- the CLI: one statement's text ---------------------------------------------------------

constexpr std::size_t kStatementCap = std::size_t{1} << 20;

// Three statements, the second of `bytes` bytes (query_of_size: SELECT 42 AS N and a comment).
std::string script_with_statement_of_size(std::size_t bytes) {
  return "SELECT 1 AS A;\n" + query_of_size(bytes) + ";\nSELECT 3 AS C;\n";
}

TEST(Caps, AStatementOfOneMebibyteRunsFromAFileAndOneByteMoreIsRefused) {
  CliAccount account;
  const std::string at_cap =
      account.dir().write_file("at_cap.sql", script_with_statement_of_size(kStatementCap));
  auto r = run_sfq({"--format", "csv", "-f", at_cap}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "A\n1\n\nN\n42\n\nC\n3\n");
  EXPECT_EQ(account.server().counters().executions, 3u);

  // One byte more: refused, naming the file, the line and the cap; what ran before stays done,
  // the script stops there (exit 1, a client error), and nothing of it reached the server.
  const std::string past =
      account.dir().write_file("past.sql", script_with_statement_of_size(kStatementCap + 1));
  r = run_sfq({"--format", "csv", "-f", past}, account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "A\n1\n");
  EXPECT_THAT(r.err, HasSubstr(past + ":2: error: statement 2: the statement is longer than "
                                      "1048576 bytes, the limit of one statement's text "
                                      "(--max-statement-bytes); it was not run"));
  EXPECT_EQ(account.server().counters().executions, 4u);

  // --continue-on-error goes on after it, with the exit code of the failure.
  r = run_sfq({"--format", "csv", "--continue-on-error", "-f", past}, account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "A\n1\n\nC\n3\n");
  EXPECT_EQ(account.server().counters().executions, 6u);

  // The cap can be raised (and lowered) for a run.
  r = run_sfq({"--format", "csv", "--max-statement-bytes", "2000000", "-f", past}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "A\n1\n\nN\n42\n\nC\n3\n");
}

TEST(Caps, AStatementOfOneMebibyteRunsFromStandardInputAndOneByteMoreIsRefused) {
  std::signal(SIGPIPE, SIG_IGN);  // sfq stops reading at the refused statement
  CliAccount account;
  auto r =
      run_sfq({"--format", "csv"}, account.env(), script_with_statement_of_size(kStatementCap));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "A\n1\n\nN\n42\n\nC\n3\n");

  r = run_sfq({"--format", "csv"}, account.env(), script_with_statement_of_size(kStatementCap + 1));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "A\n1\n");
  EXPECT_THAT(r.err, HasSubstr("<stdin>:2: error: statement 2: the statement is longer than "
                               "1048576 bytes"));
  EXPECT_EQ(account.server().counters().executions, 4u);
}

// Linux passes at most 128 KiB in one argument, so a -q text cannot reach the default cap; the
// same splitter reads it, tested here with a smaller cap.
TEST(Caps, AQueryArgumentAtTheCapRunsAndOneByteMoreIsRefused) {
  CliAccount account;
  auto r = run_sfq({"--format", "csv", "--max-statement-bytes", "65536", "-q",
                    script_with_statement_of_size(65536)},
                   account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "A\n1\n\nN\n42\n\nC\n3\n");

  r = run_sfq({"--format", "csv", "--max-statement-bytes", "65536", "-q",
               script_with_statement_of_size(65537)},
              account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "A\n1\n");
  EXPECT_THAT(r.err, HasSubstr("sfq: error: the statement at line 2 is longer than 65536 bytes"));
  EXPECT_EQ(account.server().counters().executions, 4u);

  // The cap itself has bounds.
  r = run_sfq({"--max-statement-bytes", "1023", "-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--max-statement-bytes"));
}

// Variables are substituted after the splitter capped the text as written: the text that
// would be sent is capped too.
TEST(Caps, AStatementThatVariablesMakeLongerThanTheCapIsRefused) {
  CliAccount account;
  const std::string value(1500, 'x');
  auto r = run_sfq({"--format", "csv", "--max-statement-bytes", "2048", "-D", "v=" + value, "-q",
                    "select '&v' as a; select '&v&v' as b; select 2 as c"},
                   account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "A\n" + value + "\n") << "the first statement ran, the second did not";
  EXPECT_THAT(r.err, HasSubstr("with its variables substituted, the statement is 3014 bytes, "
                               "longer than 2048 bytes"));
  EXPECT_EQ(account.server().counters().executions, 1u) << "nothing after the refusal either";
}

// --single-request (and !begin ... !commit) send every statement in one request, whose text is
// capped as a whole: nothing is sent when the sum is past the cap.
TEST(Caps, StatementsGatheredForOneRequestAreCappedTogether) {
  CliAccount account;
  const std::string statement =
      "select '" + std::string(900, 'y') + "' as a;\n";  // 914 bytes and its ;
  auto r = run_sfq({"--format", "csv", "--max-statement-bytes", "2048", "--single-request"},
                   account.env(), statement + statement);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(account.server().counters().executions, 1u);

  r = run_sfq({"--format", "csv", "--max-statement-bytes", "2048", "--single-request"},
              account.env(), statement + statement + statement);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("the 3 statements gathered for one request are 2748 bytes in all, "
                               "longer than 2048 bytes"));
  EXPECT_THAT(r.err, HasSubstr("none of them was run"));
  EXPECT_EQ(account.server().counters().executions, 1u) << "the second run sent nothing";
}

// What an endless stream on standard input did to sfq: how much of it was written before sfq
// stopped reading, its exit status and output, and its peak resident set (wait4).
struct StreamRun {
  std::size_t written = 0;
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kb = 0;
};

// Runs sfq with `args`, writes `head`, then `body_byte` until `body_bytes` are written or sfq
// stops reading, then `tail`, and closes its input.
StreamRun stream_to_sfq(const std::vector<std::string>& args, const ChildEnv& env,
                        const std::string& head, char body_byte, std::size_t body_bytes,
                        const std::string& tail) {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir files;
  const std::string out_path = files.at("out");
  const std::string err_path = files.at("err");
  std::vector<std::string> argv_storage{sfq_binary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = env.entries();
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out_fd);
  ::close(err_fd);

  StreamRun run;
  auto write_all = [&](std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(in[1], data.data(), data.size());
      if (n <= 0) return false;  // sfq closed its input (EPIPE)
      data.remove_prefix(static_cast<std::size_t>(n));
      run.written += static_cast<std::size_t>(n);
    }
    return true;
  };
  const std::string chunk(64 * 1024, body_byte);
  bool open = write_all(head);
  for (std::size_t sent = 0; open && sent < body_bytes; sent += chunk.size()) {
    open = write_all(chunk);
  }
  if (open) write_all(tail);
  ::close(in[1]);

  // A hang guard only: sfq should have finished long before.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int status = 0;
  rusage usage{};
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.max_rss_kb = usage.ru_maxrss;
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  return run;
}

TEST(Caps, AnEndlessStatementOnStandardInputFailsPromptlyWithFlatMemory) {
  CliAccount account;
  // The resident set of a run that reads a small script, for comparison.
  const auto small = run_sfq({"--format", "csv"}, account.env(), "SELECT 1 AS A;\n");
  ASSERT_EQ(small.exit_code, 0) << small.err;

  // 1 GiB offered, with no `;`: sfq refuses the statement once it passes the cap (plus the
  // 64 KiB of blanks it may hold) and stops reading.
  constexpr std::size_t kOffered = std::size_t{1} << 30;
  auto run = stream_to_sfq({"--format", "csv"}, account.env(), "SELECT 1 AS A;\nSELECT '", 'x',
                           kOffered, "';\n");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out, "A\n1\n");
  EXPECT_THAT(run.err, HasSubstr("<stdin>:2: error: statement 2: the statement is longer than "
                                 "1048576 bytes"));
  EXPECT_LT(run.written, std::size_t{64} << 20) << "sfq went on reading past the cap";
  EXPECT_LT(run.max_rss_kb, small.max_rss_kb + 32 * 1024)
      << "peak RSS " << run.max_rss_kb << " KiB, a small script's " << small.max_rss_kb;
  EXPECT_EQ(account.server().counters().executions, 2u);

  // With --continue-on-error sfq reads the whole stream, keeping none of it, and runs what
  // follows the statement's end: 64 MiB through a resident set that does not grow with it.
  run =
      stream_to_sfq({"--format", "csv", "--continue-on-error"}, account.env(),
                    "SELECT 1 AS A;\nSELECT '", 'x', std::size_t{64} << 20, "';\nSELECT 3 AS C;\n");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out, "A\n1\n\nC\n3\n");
  EXPECT_GT(run.written, std::size_t{64} << 20);
  EXPECT_LT(run.max_rss_kb, small.max_rss_kb + 32 * 1024)
      << "peak RSS " << run.max_rss_kb << " KiB, a small script's " << small.max_rss_kb;
  EXPECT_THAT(run.err, HasSubstr("<stdin>:2: error: statement 2: the statement is longer than"));
  std::printf("peak RSS: a small script %ld KiB, the endless statement %ld KiB\n", small.max_rss_kb,
              run.max_rss_kb);
}

// --- HTTP: the header block ------------------------------------------------------------------

// A 200 answer to a statement whose header block (status line to the blank line) is exactly
// `bytes` long.
std::string answer_with_header_block(std::size_t bytes) {
  const std::string body =
      slurp(std::string(SFQ_TEST_DATA_DIR) + "/sqlapi-docs/resp_200_select_single_partition.json");
  std::string head = raw_response(200, body);
  head.resize(head.find("\r\n\r\n") + 2);  // the status and header lines, each with its CRLF
  const std::string name = "X-Pad: ";
  const std::size_t pad = bytes - head.size() - name.size() - 4;  // the pad's CRLF, the blank line
  return head + name + std::string(pad, 'h') + "\r\n\r\n" + body;
}

TEST(Caps, AHeaderBlockAtTheCapIsReadAndOneByteMoreFails) {
  CliAccount account;  // for its key pair and configuration; the answers come from `raw`
  std::size_t block = 64 * 1024;
  RawHttpServer raw([&](const RawRequest&) { return answer_with_header_block(block); });
  const std::vector<std::string> args = {
      "--port", std::to_string(raw.port()), "--format", "csv", "-q", "select 1"};
  auto r = run_sfq(args, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("test,2"));

  block = 64 * 1024 + 1;
  r = run_sfq(args, account.env());
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("headers exceed the limit of 65536 bytes"));
  EXPECT_EQ(r.out, "");
}

// --- the configuration files ---------------------------------------------------------------

TEST(Caps, AConfigurationFileOfFourMebibytesIsReadAndOneByteMoreIsRefused) {
  CliAccount account;
  const std::string table = "[default]\n" + account.connection_toml() + "# ";
  const std::size_t cap = 4u << 20;
  account.write_connections(table + std::string(cap - table.size() - 1, 'c') + "\n");
  auto r = run_sfq({"config", "explain"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("MOCKACCOUNT"));

  account.write_connections(table + std::string(cap - table.size(), 'c') + "\n");
  r = run_sfq({"config", "explain"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("is larger than 4 MiB"));
  EXPECT_THAT(r.out, Not(HasSubstr("MOCKACCOUNT")));
}

}  // namespace
