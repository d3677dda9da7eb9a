// The `sfq mcp` process as a desktop client sees it: started with --mock, ended by the end of
// its input or by a signal. At end of input every request already read is answered before the
// process exits. Clients send SIGTERM (and people press Ctrl-C) after or instead of closing
// stdin; the server must end the session cleanly — running statements cancelled, exit status
// 0 — whichever of its threads (its own, libsfq's, the in-process emulator's) the kernel picks
// for the signal.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "support/mcp_pipe.hpp"
#include "support/net_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using sfq::mcp::testing::McpPipe;

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"process-test","version":"1"}}})";

void ends_cleanly_on(int signal_number) {
  McpPipe mcp({SFQ_BINARY, "mcp", "--mock"});
  ASSERT_TRUE(mcp.request(kInitialize, "1")["result"].IsObject());
  // A first call brings the emulator up (its threads exist from now on).
  auto listed = mcp.request(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_databases","arguments":{}}})",
      "2");
  ASSERT_FALSE(listed["result"]["isError"].GetBool()) << sfq::mcp::testing::to_json(listed);
  // A statement still running when the signal comes.
  mcp.send(R"j({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"execute_query",)j"
           R"j("arguments":{"query":"SELECT SYSTEM$WAIT(60)"}}})j");
  ASSERT_TRUE(mcp.wait_for([](const rapidjson::Document&) { return false; },
                           std::chrono::milliseconds(300)) == std::nullopt);
  mcp.signal(signal_number);
  ASSERT_TRUE(mcp.wait_exit(std::chrono::seconds(20))) << mcp.stderr_text();
  EXPECT_EQ(mcp.exit_status(), 0) << "killed by the signal instead of ending the session\n"
                                  << mcp.stderr_text();
}

TEST(mcp_process, EndOfInputAnswersTheRequestsAlreadyReadBeforeExiting) {
  // printf '<initialize>\n<initialized>\n<tools/call>\n' | sfq mcp --mock
  McpPipe mcp({SFQ_BINARY, "mcp", "--mock"});
  mcp.send_raw(
      std::string(kInitialize) + "\n" +
      R"({"jsonrpc":"2.0","method":"notifications/initialized"})" + "\n" +
      R"j({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_query",)j"
      R"j("arguments":{"query":"SELECT SYSTEM$WAIT(1), 42 AS ANSWER"}}})j" +
      "\n");
  mcp.close_input();
  ASSERT_TRUE(mcp.wait_exit(std::chrono::seconds(30))) << mcp.stderr_text();
  EXPECT_EQ(mcp.exit_status(), 0) << mcp.stderr_text();
  ASSERT_TRUE(mcp.wait_eof());
  auto answer = mcp.response("2", std::chrono::milliseconds(0));
  ASSERT_TRUE(answer) << "the tool call was dropped at end of input\n" << mcp.stderr_text();
  ASSERT_FALSE((*answer)["result"]["isError"].GetBool()) << sfq::mcp::testing::to_json(*answer);
  EXPECT_NE(std::string((*answer)["result"]["content"][0]["text"].GetString()).find("42"),
            std::string::npos);
}

TEST(mcp_process, AServerThatCannotBeReachedFailsTheCallInSeconds) {
  // Without the MCP server's own connect budget the library would retry for five minutes; the
  // response() wait below (20 s) would then fail.
  const sfq::test_support::TempDir home;
  const int port = sfq::test_support::closed_port();
  ASSERT_NE(port, 0);
  McpPipe mcp(
      {SFQ_BINARY, "mcp"},
      {"HOME=" + home.path(), "SNOWFLAKE_HOME=" + home.path(), "SNOWFLAKE_ACCOUNT=acct",
       "SNOWFLAKE_USER=JDOE", "SNOWFLAKE_HOST=127.0.0.1", "SNOWFLAKE_PORT=" + std::to_string(port),
       "SNOWFLAKE_PROTOCOL=http",
       std::string("SNOWFLAKE_PRIVATE_KEY_FILE=") + SFQ_TEST_DATA_DIR + "/keys/rsa_2048.p8"});
  ASSERT_TRUE(mcp.request(kInitialize, "1")["result"].IsObject()) << mcp.stderr_text();
  auto answer = mcp.request(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_query",)"
      R"("arguments":{"query":"SELECT 1"}}})",
      "2");
  ASSERT_TRUE(answer["result"]["isError"].GetBool()) << sfq::mcp::testing::to_json(answer);
  const std::string text = answer["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("cannot connect"), std::string::npos) << text;
  EXPECT_NE(text.find(std::to_string(port)), std::string::npos) << text;
}

TEST(mcp_process, SigtermEndsAMockSessionCleanly) { ends_cleanly_on(SIGTERM); }

TEST(mcp_process, SigintEndsAMockSessionCleanly) { ends_cleanly_on(SIGINT); }

}  // namespace
