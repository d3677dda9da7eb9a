// Tests of the MCP server's JSON reader against duplicate keys: json::duplicate_key() on its own
// (top level, nested objects, objects in arrays, keys equal only after unescaping, deep nesting),
// and every received JSON-RPC message through a real session over pipes, where a message with a
// key twice in any object is refused with -32600 before anything reads it (a gateway reading the
// last value and sfq the first must never see two different tools or queries).
#include <gtest/gtest.h>

#include <string>

#include "mcp/json.hpp"
#include "support/mcp_fake_backend.hpp"
#include "support/mcp_pipe.hpp"

namespace {

using sfq::mcp::ServerConfig;
using sfq::mcp::testing::FakeBackend;
using sfq::mcp::testing::McpPipe;

std::optional<std::string> duplicate_in(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return sfq::mcp::json::duplicate_key(doc);
}

TEST(mcp_json, DuplicateKeysAreFoundAtAnyDepth) {
  EXPECT_EQ(duplicate_in(R"({"a":1,"a":2})"), "a");
  EXPECT_EQ(duplicate_in(R"({"a":1,"b":2,"a":3})"), "a");
  EXPECT_EQ(duplicate_in(R"({"x":{"y":{"b":1,"c":2,"b":3}}})"), "b");
  EXPECT_EQ(duplicate_in(R"({"x":[1,{"c":1},[{"d":1,"d":1}]]})"), "d");
  EXPECT_EQ(duplicate_in(R"([{"e":null,"e":null}])"), "e");
  // Equal once unescaped: readers compare decoded keys.
  EXPECT_EQ(duplicate_in(R"({"name":1,"n\u0061me":2})"), "name");
  EXPECT_EQ(duplicate_in(R"({"":1,"":2})"), "");
}

TEST(mcp_json, DistinctKeysPass) {
  EXPECT_EQ(duplicate_in(R"({})"), std::nullopt);
  EXPECT_EQ(duplicate_in(R"({"a":1,"A":2,"a ":3})"), std::nullopt);
  EXPECT_EQ(duplicate_in(R"({"a":{"k":1},"b":{"k":2},"c":[{"k":3},{"k":4}]})"), std::nullopt);
  EXPECT_EQ(duplicate_in(R"({"a\u0000b":1,"a\u0000c":2})"), std::nullopt);
  EXPECT_EQ(duplicate_in(R"([1,"a",true,null])"), std::nullopt);
}

TEST(mcp_json, DeepNestingCostsNoStack) {
  constexpr int kDepth = 200'000;
  std::string deep;
  for (int i = 0; i < kDepth; ++i) deep += R"({"k":[)";
  deep += R"({"z":1,"z":2})";
  for (int i = 0; i < kDepth; ++i) deep += "]}";
  EXPECT_EQ(duplicate_in(deep), "z");
}

class McpJson : public ::testing::Test {
 protected:
  static ServerConfig config() {
    ServerConfig c;
    c.version = "9.9.9";
    c.connections = {"main"};
    return c;
  }

  FakeBackend backend_;
};

using mcp_json_session = McpJson;

TEST_F(mcp_json_session, EveryMessageWithADuplicateKeyIsRefused) {
  McpPipe mcp(config(), backend_);
  struct Case {
    std::string line;
    std::string id;   // the id the error must carry
    std::string key;  // the key the message must name
  };
  const std::vector<Case> cases = {
      // The red team's example: the tool name read first-wins here, last-wins by a gateway.
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_query",)"
       R"("name":"execute_statement","arguments":{"query":"SELECT 1"}}})",
       "1", "name"},
      {R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_query",)"
       R"("arguments":{"query":"SELECT 1","query":"DELETE FROM t"}}})",
       "2", "query"},
      {R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"execute_query",)"
       R"("arguments":{"query":"SELECT 1","x":[{"k":1,"k":2}]}}})",
       "3", "k"},
      {R"({"jsonrpc":"2.0","id":4,"method":"ping","method":"tools/list"})", "4", "method"},
      {R"({"jsonrpc":"2.0","id":"s","method":"ping","params":{"_meta":{"a":1,"a":2}}})", R"("s")",
       "a"},
      {R"({"jsonrpc":"2.0","jsonrpc":"2.0","id":6,"method":"ping"})", "6", "jsonrpc"},
      // A duplicated id cannot be echoed: which one would it be?
      {R"({"jsonrpc":"2.0","id":7,"id":8,"method":"ping"})", "null", "id"},
      // A notification or a response with a duplicate key is refused too.
      {R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,)"
       R"("requestId":2}})",
       "null", "requestId"},
      {R"({"jsonrpc":"2.0","id":9,"result":{"r":1,"r":2}})", "9", "r"},
  };
  for (const auto& c : cases) {
    mcp.send(c.line);
    const auto line = mcp.wait_for([&](const rapidjson::Document& doc) {
      return doc.HasMember("error") && sfq::mcp::testing::id_of(doc) == c.id &&
             std::string(doc["error"]["message"].GetString()).find('"' + c.key + '"') !=
                 std::string::npos;
    });
    ASSERT_TRUE(line) << "no error for " << c.line;
    const auto error = sfq::mcp::testing::parse_json(*line);
    EXPECT_EQ(error["error"]["code"].GetInt(), -32600) << *line;
    EXPECT_NE(std::string(error["error"]["message"].GetString()).find("more than once"),
              std::string::npos)
        << *line;
  }
  // Nothing reached Snowflake, and the server is still in step.
  EXPECT_TRUE(backend_.requests().empty());
  const auto pong = mcp.request(R"({"jsonrpc":"2.0","id":99,"method":"ping"})", "99");
  EXPECT_TRUE(pong["result"].IsObject());
}

}  // namespace
