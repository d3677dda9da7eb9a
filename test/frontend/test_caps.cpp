// Every cap on input sfq does not control, tested at the cap (accepted) and one byte or level
// past it (a clear error naming the cap), through the built binaries: an MCP line, a JSON nesting
// depth, a SQL text given to `sfq mcp`, an HTTP header block and a configuration file. The HTTP
// body cap (max_response_bytes) is tested the same way in test/unit/test_io_http.cpp. The caps
// and their numbers are listed in docs/RELIABILITY.md ("Caps").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/cli_account.hpp"
#include "support/mcp_pipe.hpp"
#include "support/raw_http_server.hpp"

namespace {

using sfq::mcp::testing::McpPipe;
using sfq::mcp::testing::to_json;
using sfq::test_support::CliAccount;
using sfq::test_support::raw_response;
using sfq::test_support::RawHttpServer;
using sfq::test_support::RawRequest;
using sfq::test_support::run_sfq;
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
