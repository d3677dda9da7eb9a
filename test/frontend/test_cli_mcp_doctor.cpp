// test_cli_mcp_doctor.cpp — `sfq mcp doctor` through the built binary against the emulator: the
// connection test for the server's connection, then a child `sfq mcp` started as a client
// starts it and one initialize + tools/list round trip; the exit codes of each kind of failure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/check_report.hpp"
#include "support/cli_account.hpp"
#include "support/cli_process.hpp"

namespace sfq::test_support {
namespace {

TEST(CliMcpDoctor, ConnectionAndRoundTripPass) {
  CliAccount account;
  account.write_connections("[agent]\n" + account.connection_toml());
  const auto r = run_sfq({"mcp", "doctor", "--connection", "agent"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "login")) << r.out;
  EXPECT_NE(line_of(r.out, "configuration").find("connection \"agent\""), std::string::npos)
      << r.out;
  // Started as a client would: the absolute path of this binary, `mcp --connection agent`.
  EXPECT_NE(line_of(r.out, "mcp server").find(sfq_binary() + " mcp --connection agent"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(passed(r.out, "initialize")) << r.out;
  EXPECT_NE(line_of(r.out, "initialize").find("protocol 2025-06-18"), std::string::npos) << r.out;
  EXPECT_TRUE(passed(r.out, "tools/list")) << r.out;
  EXPECT_NE(line_of(r.out, "tools/list").find("execute_query"), std::string::npos) << r.out;
  EXPECT_TRUE(passed(r.out, "shutdown")) << r.out;
  EXPECT_NE(r.out.find("All checks passed"), std::string::npos) << r.out;
}

TEST(CliMcpDoctor, ServerThatCannotStartFailsWithItsOwnWords) {
  CliAccount account;
  ChildEnv env = account.env();
  // The doctor itself ignores SFQ_LOG; the server refuses to start with a bad one.
  env.set("SFQ_LOG", "loud");
  const auto r = run_sfq({"mcp", "doctor", "--format", "text"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "login")) << r.out;
  EXPECT_TRUE(failed(r.out, "initialize")) << r.out;
  EXPECT_NE(r.out.find("server stderr: sfq mcp:"), std::string::npos)
      << "the server's complaint is shown\n"
      << r.out;
  EXPECT_NE(r.out.find("in a terminal"), std::string::npos) << r.out;
}

TEST(CliMcpDoctor, ConnectionFailureGivesTheConnectionTestsExitCode) {
  mock_snowflake::ServerOptions options;
  options.granted_roles = {"ANALYST"};
  CliAccount account(options);
  account.write_connections("[default]\n" + account.connection_toml() + "role = \"SYSADMIN\"\n");
  const auto r = run_sfq({"mcp", "doctor", "--format", "json"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.out.find("{\"name\":\"role\",\"status\":\"fail\""), std::string::npos) << r.out;
  // The server answers initialize even so: the connection's problem is each tool call's error.
  EXPECT_NE(r.out.find("{\"name\":\"tools/list\",\"status\":\"pass\""), std::string::npos) << r.out;
}

TEST(CliMcpDoctor, BadArgumentsAreAUsageError) {
  CliAccount account;
  const auto r = run_sfq({"mcp", "doctor", "--format", "yaml"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("sfq mcp doctor --help"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sfq::test_support
