// The `sfq mcp` process as a desktop client sees it: started with --mock, ended by a signal.
// Clients send SIGTERM (and people press Ctrl-C) after or instead of closing stdin; the server
// must end the session cleanly — running statements cancelled, exit status 0 — whichever of
// its threads (its own, libsfq's, the in-process emulator's) the kernel picks for the signal.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "support/mcp_pipe.hpp"

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

TEST(mcp_process, SigtermEndsAMockSessionCleanly) { ends_cleanly_on(SIGTERM); }

TEST(mcp_process, SigintEndsAMockSessionCleanly) { ends_cleanly_on(SIGINT); }

}  // namespace
