// Tests of the MCP session over real pipes, with sfq::mcp::serve() on a thread and a scripted
// backend: framing and errors, both protocol eras, tools/list, tool results and errors, the
// read-only guard, concurrency, cancellation, progress, logging, cursors and shutdown at EOF.
// (The same server against the emulator, through the `sfq` binary, is test_mcp_e2e.cpp.)
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "mcp/cursor.hpp"
#include "mcp/transport.hpp"
#include "support/mcp_fake_backend.hpp"
#include "support/mcp_pipe.hpp"

namespace {

using namespace std::chrono_literals;
using sfq::mcp::ServerConfig;
using sfq::mcp::testing::column;
using sfq::mcp::testing::FakeBackend;
using sfq::mcp::testing::FakeResult;
using sfq::mcp::testing::id_of;
using sfq::mcp::testing::McpPipe;
using sfq::mcp::testing::parse_json;
using sfq::mcp::testing::to_json;

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
    R"("capabilities":{},"clientInfo":{"name":"unit-test","version":"1.2"}}})";

constexpr const char* kModernMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{},)"
    R"("io.modelcontextprotocol/clientInfo":{"name":"modern-test","version":"9"}})";

std::string call(int id, const std::string& tool, const std::string& arguments,
                 const std::string& extra = "") {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":)" + arguments +
         extra + "}}";
}

FakeResult numbers_result() {
  FakeResult r;
  r.columns = {column("N", "fixed"), column("BIG", "fixed"), column("S", "text")};
  r.rows = {{"1", "12345678901234567890123456789.123456789", "\"one\""},
            {"2", "-0.000000000000000000000000000001", "null"}};
  return r;
}

FakeResult counting_result(int rows) {
  FakeResult r;
  r.columns = {column("I", "fixed")};
  for (int i = 0; i < rows; ++i) r.rows.push_back({std::to_string(i)});
  return r;
}

class McpSession : public ::testing::Test {
 protected:
  ServerConfig config(bool allow_write = false) {
    ServerConfig c;
    c.version = "9.9.9";
    c.connections = {"main", "other"};
    c.allow_write = allow_write;
    c.limits.max_rows = 50;
    c.progress_interval = 50ms;
    return c;
  }

  FakeBackend backend_;
};

// ctest selects the MCP tests with `-R mcp`.
using mcp_session = McpSession;

// --- framing --------------------------------------------------------------------------------

TEST_F(mcp_session, ParseErrorsAndInvalidRequestsAnswerWithIdNull) {
  McpPipe mcp(config(), backend_);
  const std::vector<std::pair<std::string, int>> cases = {
      {"this is not json", -32700},
      {R"({"jsonrpc":"2.0","id":1,"method":"ping")", -32700},     // truncated
      {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", -32600},  // batch
      {"[]", -32600},
      {"42", -32600},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", -32600},
      {R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", -32600},
      {R"({"jsonrpc":"2.0","id":true,"method":"ping"})", -32600},
      {R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", -32600},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    mcp.send(cases[i].first);
    // Each bad line is followed by a ping, so the answers can be paired in order.
    const std::string ping_id = std::to_string(1000 + i);
    mcp.send(R"({"jsonrpc":"2.0","id":)" + ping_id + R"(,"method":"ping"})");
    ASSERT_TRUE(mcp.response(ping_id)) << cases[i].first;
  }
  const auto lines = mcp.lines();
  ASSERT_EQ(lines.size(), cases.size() * 2);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto error = parse_json(lines[2 * i]);
    ASSERT_TRUE(error.HasMember("error")) << lines[2 * i];
    EXPECT_EQ(error["error"]["code"].GetInt(), cases[i].second) << cases[i].first;
    EXPECT_TRUE(error["id"].IsNull()) << lines[2 * i];
    EXPECT_STREQ(error["jsonrpc"].GetString(), "2.0");
  }
}

TEST_F(mcp_session, InvalidRequestsWithAReadableIdEchoIt) {
  McpPipe mcp(config(), backend_);
  auto missing_version = mcp.request(R"({"id":"v","method":"ping"})", R"("v")");
  EXPECT_EQ(missing_version["error"]["code"].GetInt(), -32600);
  auto no_method = mcp.request(R"({"jsonrpc":"2.0","id":"m"})", R"("m")");
  EXPECT_EQ(no_method["error"]["code"].GetInt(), -32600);
  auto bad_params =
      mcp.request(R"({"jsonrpc":"2.0","id":"p","method":"ping","params":[1]})", R"("p")");
  EXPECT_EQ(bad_params["error"]["code"].GetInt(), -32602);
  auto unknown = mcp.request(R"({"jsonrpc":"2.0","id":"u","method":"no/such"})", R"("u")");
  EXPECT_EQ(unknown["error"]["code"].GetInt(), -32601);
  EXPECT_NE(std::string(unknown["error"]["message"].GetString()).find("no/such"),
            std::string::npos);
}

TEST_F(mcp_session, StringAndIntegerIdsIncludingZeroAreEchoedExactly) {
  McpPipe mcp(config(), backend_);
  for (const std::string id :
       {"0", "-7", "9007199254740993", R"("")", R"("abc")", R"("with \"quotes\" and ünïcode")"}) {
    auto reply = mcp.request(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})", id);
    EXPECT_EQ(to_json(reply["id"]), to_json(parse_json(id))) << id;
    EXPECT_TRUE(reply["result"].IsObject()) << id;
  }
}

TEST_F(mcp_session, NotificationsAndResponsesGetNoAnswer) {
  McpPipe mcp(config(), backend_);
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/unknown","params":{"x":1}})");
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}})");
  mcp.send(R"({"jsonrpc":"2.0","id":5,"result":{}})");
  mcp.send("");
  mcp.send("   ");
  mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "1");
  EXPECT_EQ(mcp.lines().size(), 1u);
}

TEST_F(mcp_session, AnOverlongMessageIsRefusedWithoutKeepingIt) {
  auto c = config();
  c.max_message_bytes = 1024;
  McpPipe mcp(c, backend_);
  std::string huge = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")";
  huge.append(1 << 20, 'x');
  huge.append("\"}}");
  mcp.send(huge);
  const auto line = mcp.wait_for([](const rapidjson::Document& d) { return d.HasMember("error"); });
  ASSERT_TRUE(line);
  const auto error = parse_json(*line);
  EXPECT_EQ(error["error"]["code"].GetInt(), -32600);
  EXPECT_TRUE(error["id"].IsNull());
  EXPECT_NE(std::string(error["error"]["message"].GetString()).find("1024"), std::string::npos);
  // The server is still in sync: the next line is read as a message of its own.
  auto pong = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", "2");
  EXPECT_TRUE(pong["result"].IsObject());
}

TEST_F(mcp_session, CarriageReturnLineEndingsAreAccepted) {
  McpPipe mcp(config(), backend_);
  mcp.send_raw("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\r\n");
  EXPECT_TRUE(mcp.response("3"));
}

// --- legacy era ------------------------------------------------------------------------------

TEST_F(mcp_session, InitializeAnswersTheClientsVersionWhenSupportedElseTheLatest) {
  McpPipe mcp(config(), backend_);
  int id = 0;
  for (const std::string version : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
    const std::string sid = std::to_string(++id);
    auto reply =
        mcp.request(R"({"jsonrpc":"2.0","id":)" + sid +
                        R"(,"method":"initialize","params":{"protocolVersion":")" + version +
                        R"(","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})",
                    sid);
    EXPECT_EQ(std::string(reply["result"]["protocolVersion"].GetString()), version);
  }
  for (const std::string version : {"2024-10-07", "1999-01-01", "2026-07-28"}) {
    const std::string sid = std::to_string(++id);
    auto reply = mcp.request(R"({"jsonrpc":"2.0","id":)" + sid +
                                 R"(,"method":"initialize","params":{"protocolVersion":")" +
                                 version + R"(","capabilities":{}}})",
                             sid);
    EXPECT_EQ(std::string(reply["result"]["protocolVersion"].GetString()), "2025-11-25") << version;
  }
  auto reply = mcp.request(kInitialize, "0");
  const auto& result = reply["result"];
  EXPECT_STREQ(result["serverInfo"]["name"].GetString(), "sfq");
  EXPECT_STREQ(result["serverInfo"]["version"].GetString(), "9.9.9");
  for (const char* capability : {"tools", "resources", "prompts", "logging", "completions"}) {
    EXPECT_TRUE(result["capabilities"].HasMember(capability)) << capability;
  }
  EXPECT_TRUE(result["instructions"].IsString());
  EXPECT_FALSE(result.HasMember("resultType"));
}

TEST_F(mcp_session, LoggingSetLevelValidatesAndEnablesNotifications) {
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  mcp.request(kInitialize, "0");
  auto bad = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}})", "1");
  EXPECT_EQ(bad["error"]["code"].GetInt(), -32602);
  // Without setLevel there are no log notifications.
  mcp.request(call(2, "execute_query", R"({"query":"SELECT 1"})"), "2");
  for (const auto& line : mcp.lines()) {
    EXPECT_EQ(line.find("notifications/message"), std::string::npos) << line;
  }
  auto ok = mcp.request(
      R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"info"}})", "3");
  EXPECT_TRUE(ok["result"].IsObject());
  mcp.request(call(4, "execute_query", R"({"query":"SELECT 1"})"), "4");
  const auto log = mcp.wait_for([](const rapidjson::Document& d) {
    return d.HasMember("method") && std::string(d["method"].GetString()) == "notifications/message";
  });
  ASSERT_TRUE(log);
  const auto message = parse_json(*log);
  EXPECT_STREQ(message["params"]["level"].GetString(), "info");
  EXPECT_TRUE(message["params"]["data"].IsString());
}

// --- modern era ------------------------------------------------------------------------------

TEST_F(mcp_session, ServerDiscoverAdvertisesTheModernRevision) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(
      R"({"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{)" +
          std::string(kModernMeta) + "}}",
      R"("server-discover-probe-1")");
  const auto& result = reply["result"];
  ASSERT_TRUE(result["supportedVersions"].IsArray());
  EXPECT_STREQ(result["supportedVersions"][0].GetString(), "2026-07-28");
  EXPECT_STREQ(result["resultType"].GetString(), "complete");
  EXPECT_TRUE(result["ttlMs"].IsInt64());
  EXPECT_STREQ(result["cacheScope"].GetString(), "private");
  EXPECT_TRUE(result["capabilities"]["tools"].IsObject());
  EXPECT_STREQ(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"].GetString(), "sfq");
}

TEST_F(mcp_session, ModernRequestsAreServedStatelesslyWithoutInitialize) {
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)" +
                              std::string(kModernMeta) + "}}",
                          "1");
  EXPECT_STREQ(list["result"]["resultType"].GetString(), "complete");
  EXPECT_TRUE(list["result"]["ttlMs"].IsInt64());
  EXPECT_STREQ(list["result"]["cacheScope"].GetString(), "private");
  EXPECT_TRUE(list["result"]["tools"].IsArray());
  auto result = mcp.request(
      call(2, "execute_query", R"({"query":"SELECT 1"})", std::string(",") + kModernMeta), "2");
  EXPECT_STREQ(result["result"]["resultType"].GetString(), "complete");
  EXPECT_TRUE(result["result"]["structuredContent"].IsObject());
  // The QUERY_TAG names the client from this request's _meta.
  const auto requests = backend_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].statement.query_tag.find("modern-test 9"), std::string::npos)
      << requests[0].statement.query_tag;
}

TEST_F(mcp_session, UnsupportedModernVersionsGetMinus32022ListingTheSupportedOnes) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}})",
      "1");
  EXPECT_EQ(reply["error"]["code"].GetInt(), -32022);
  EXPECT_STREQ(reply["error"]["data"]["requested"].GetString(), "2099-01-01");
  EXPECT_STREQ(reply["error"]["data"]["supported"][0].GetString(), "2026-07-28");
}

TEST_F(mcp_session, ModernRequestsWithoutCapabilitiesAreInvalidParams) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
      "1");
  EXPECT_EQ(reply["error"]["code"].GetInt(), -32602);
}

TEST_F(mcp_session, SubscriptionsAreAcknowledgedAndStayOpenUntilCancelled) {
  McpPipe mcp(config(), backend_);
  mcp.send(
      R"({"jsonrpc":"2.0","id":"sub","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},)" +
      std::string(kModernMeta) + "}}");
  const auto ack = mcp.wait_for([](const rapidjson::Document& d) {
    return d.HasMember("method") &&
           std::string(d["method"].GetString()) == "notifications/subscriptions/acknowledged";
  });
  ASSERT_TRUE(ack);
  const auto doc = parse_json(*ack);
  EXPECT_TRUE(doc["params"]["notifications"].ObjectEmpty())
      << "nothing changes, nothing is honoured";
  EXPECT_STREQ(doc["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"].GetString(), "sub");
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"sub"}})");
  // The id is free again once the subscription is cancelled; a legacy client has no such method.
  auto legacy =
      mcp.request(R"({"jsonrpc":"2.0","id":"sub","method":"subscriptions/listen"})", R"("sub")");
  EXPECT_EQ(legacy["error"]["code"].GetInt(), -32601);
  for (const auto& line : mcp.lines()) {
    const auto d = parse_json(line);
    if (d.HasMember("result")) ADD_FAILURE() << "a subscription is never answered: " << line;
  }
}

TEST_F(mcp_session, PingAndSetLevelDoNotExistInTheModernRevision) {
  McpPipe mcp(config(), backend_);
  auto ping = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{)" + std::string(kModernMeta) + "}}",
      "1");
  EXPECT_EQ(ping["error"]["code"].GetInt(), -32601);
  auto legacy_ping = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", "2");
  EXPECT_TRUE(legacy_ping["result"].IsObject());
}

// --- tools/list ------------------------------------------------------------------------------

std::vector<std::string> tool_names(const rapidjson::Document& list) {
  std::vector<std::string> names;
  for (const auto& tool : list["result"]["tools"].GetArray())
    names.emplace_back(tool["name"].GetString());
  return names;
}

TEST_F(mcp_session, ToolsListIsStableCompleteAndAnnotated) {
  McpPipe mcp(config(), backend_);
  auto first = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  auto second = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}})", "2");
  EXPECT_EQ(to_json(first["result"]), to_json(second["result"]));
  const std::vector<std::string> expected = {"list_databases", "list_schemas",   "list_tables",
                                             "list_views",     "describe_table", "describe_view",
                                             "sample_table",   "query_view",     "execute_query",
                                             "fetch_results",  "query_status",   "cancel_query"};
  EXPECT_EQ(tool_names(first), expected);
  for (const auto& tool : first["result"]["tools"].GetArray()) {
    const std::string name = tool["name"].GetString();
    EXPECT_TRUE(tool["title"].IsString()) << name;
    EXPECT_TRUE(tool["description"].IsString()) << name;
    EXPECT_STREQ(tool["inputSchema"]["type"].GetString(), "object") << name;
    EXPECT_STREQ(tool["outputSchema"]["type"].GetString(), "object") << name;
    EXPECT_TRUE(tool["inputSchema"]["properties"].HasMember("connection")) << name;
    const auto& connection = tool["inputSchema"]["properties"]["connection"];
    ASSERT_TRUE(connection["enum"].IsArray()) << name;
    EXPECT_STREQ(connection["enum"][0].GetString(), "main");
    EXPECT_STREQ(connection["enum"][1].GetString(), "other");
    const auto& annotations = tool["annotations"];
    EXPECT_FALSE(annotations["openWorldHint"].GetBool()) << name;
    EXPECT_EQ(annotations["readOnlyHint"].GetBool(), name != "cancel_query") << name;
    // The other hints mean something only for tools that are not read-only.
    if (name == "cancel_query") {
      EXPECT_FALSE(annotations["destructiveHint"].GetBool()) << name;
      EXPECT_TRUE(annotations["idempotentHint"].GetBool()) << name;
    } else {
      EXPECT_FALSE(annotations.HasMember("destructiveHint")) << name;
    }
  }
}

TEST_F(mcp_session, ToolsListFitsInEightKibibytesAndSharedWordingIsInTheInstructions) {
  {
    // The usual setup: one connection, read-only.
    auto c = config();
    c.connections = {"only"};
    c.limits.max_rows = 1000;
    McpPipe mcp(c, backend_);
    mcp.request(kInitialize, "0");
    auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
    const std::string tools = to_json(list["result"]);
    EXPECT_LE(tools.size(), 8192u) << tools;
    // The 2026-07-28 era adds resultType, ttlMs, cacheScope and serverInfo to the same list.
    auto modern = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{)" +
                                  std::string(kModernMeta) + "}}",
                              "2");
    const std::string modern_tools = to_json(modern["result"]);
    EXPECT_LE(modern_tools.size(), 8192u) << modern_tools;
  }
  // Several connections and write mode: what every tool shares is said once, in the
  // instructions.
  McpPipe mcp(config(true), backend_);
  auto init = mcp.request(kInitialize, "0");
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  const std::string instructions = init["result"]["instructions"].GetString();
  for (const char* shared : {"`format`", "`timeout_seconds`", "`connection`", "main, other",
                             "fetch_results", "PUBLIC", "string of its digits"}) {
    EXPECT_NE(instructions.find(shared), std::string::npos) << shared;
  }
  for (const auto& tool : list["result"]["tools"].GetArray()) {
    const auto& properties = tool["inputSchema"]["properties"];
    for (const char* shared : {"format", "timeout_seconds", "connection"}) {
      if (properties.HasMember(shared)) {
        EXPECT_FALSE(properties[shared].HasMember("description"))
            << tool["name"].GetString() << "." << shared;
      }
    }
  }
}

TEST_F(mcp_session, OneConnectionNeedsNoConnectionArgument) {
  auto c = config();
  c.connections = {"only"};
  McpPipe mcp(c, backend_);
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  for (const auto& tool : list["result"]["tools"].GetArray()) {
    EXPECT_FALSE(tool["inputSchema"]["properties"].HasMember("connection"))
        << tool["name"].GetString();
  }
}

TEST_F(mcp_session, RevisionsBefore20250618GetNeitherOutputSchemaNorStructuredContent) {
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  mcp.request(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26",)"
      R"("capabilities":{},"clientInfo":{"name":"old","version":"1"}}})",
      "0");
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  for (const auto& tool : list["result"]["tools"].GetArray()) {
    EXPECT_FALSE(tool.HasMember("outputSchema")) << tool["name"].GetString();
  }
  auto reply = mcp.request(call(2, "execute_query", R"({"query":"SELECT 1"})"), "2");
  EXPECT_FALSE(reply["result"].HasMember("structuredContent"));
  const std::string text = reply["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("12345678901234567890123456789.123456789"), std::string::npos) << text;
}

TEST_F(mcp_session, ThePythonServersToolsKeepTheirInputProperties) {
  McpPipe mcp(config(), backend_);
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  auto find = [&](const std::string& name) -> const rapidjson::Value& {
    for (const auto& tool : list["result"]["tools"].GetArray()) {
      if (name == tool["name"].GetString()) return tool;
    }
    throw std::runtime_error("no tool " + name);
  };
  struct Expectation {
    std::string tool;
    std::vector<std::pair<std::string, std::string>> properties;  // name, type
    std::vector<std::string> required;
  };
  const std::vector<Expectation> python = {
      {"list_databases", {}, {}},
      {"list_views", {{"database", "string"}, {"schema", "string"}}, {"database"}},
      {"describe_view",
       {{"database", "string"}, {"schema", "string"}, {"view_name", "string"}},
       {"database", "view_name"}},
      {"query_view",
       {{"database", "string"},
        {"schema", "string"},
        {"view_name", "string"},
        {"limit", "integer"}},
       {"database", "view_name"}},
      {"execute_query",
       {{"query", "string"}, {"database", "string"}, {"schema", "string"}, {"limit", "integer"}},
       {"query"}},
  };
  for (const auto& expected : python) {
    const auto& schema = find(expected.tool)["inputSchema"];
    for (const auto& [property, type] : expected.properties) {
      ASSERT_TRUE(schema["properties"].HasMember(property.c_str()))
          << expected.tool << "." << property;
      EXPECT_EQ(std::string(schema["properties"][property.c_str()]["type"].GetString()), type);
    }
    std::vector<std::string> required;
    if (schema.HasMember("required")) {
      for (const auto& r : schema["required"].GetArray()) required.emplace_back(r.GetString());
    }
    EXPECT_EQ(required, expected.required) << expected.tool;
  }
  EXPECT_EQ(find("query_view")["inputSchema"]["properties"]["limit"]["default"].GetInt(), 10);
  EXPECT_EQ(find("execute_query")["inputSchema"]["properties"]["limit"]["default"].GetInt(), 50)
      << "the default of 100 is capped by the configured maximum (50 here)";
}

TEST_F(mcp_session, ExecuteStatementExistsOnlyWithAllowWriteAndIsDestructive) {
  McpPipe mcp(config(true), backend_);
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", "1");
  const auto names = tool_names(list);
  ASSERT_EQ(names.back(), "execute_statement");
  const auto& tool = list["result"]["tools"][static_cast<rapidjson::SizeType>(names.size() - 1)];
  EXPECT_FALSE(tool["annotations"]["readOnlyHint"].GetBool());
  EXPECT_TRUE(tool["annotations"]["destructiveHint"].GetBool());
  EXPECT_FALSE(tool["annotations"]["idempotentHint"].GetBool());
}

TEST_F(mcp_session, ListCursorsAreRefused) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"abc"}})", "1");
  EXPECT_EQ(reply["error"]["code"].GetInt(), -32602);
}

// --- tools/call ------------------------------------------------------------------------------

TEST_F(mcp_session, UnknownToolIsInvalidParams) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(call(1, "drop_everything", "{}"), "1");
  EXPECT_EQ(reply["error"]["code"].GetInt(), -32602);
  EXPECT_NE(std::string(reply["error"]["message"].GetString()).find("drop_everything"),
            std::string::npos);
}

TEST_F(mcp_session, InvalidArgumentsAreToolErrorsNamingTheProblem) {
  McpPipe mcp(config(), backend_);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "'query' is required"},
      {R"({"query":7})", "'query' must be a string"},
      {R"({"query":"SELECT 1","limit":0})", "'limit' must be at least 1"},
      {R"({"query":"SELECT 1","limit":"ten"})", "'limit' must be an integer"},
      {R"({"query":"SELECT 1","format":"xml"})", "'format' must be one of"},
      {R"({"query":"SELECT 1","connection":"nope"})", "'connection' must be one of: main, other"},
      {R"({"query":"SELECT 1","limt":5})", "unknown argument 'limt'"},
  };
  int id = 0;
  for (const auto& [arguments, expected] : cases) {
    ++id;
    auto reply = mcp.request(call(id, "execute_query", arguments), std::to_string(id));
    ASSERT_TRUE(reply.HasMember("result")) << arguments;
    EXPECT_TRUE(reply["result"]["isError"].GetBool()) << arguments;
    const std::string text = reply["result"]["content"][0]["text"].GetString();
    EXPECT_NE(text.find(expected), std::string::npos) << arguments << " -> " << text;
  }
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(mcp_session, ExecuteQueryReturnsExactStructuredRowsAndACompactText) {
  backend_.on("SELECT n", numbers_result());
  McpPipe mcp(config(), backend_);
  mcp.request(kInitialize, "0");
  auto reply = mcp.request(
      call(7, "execute_query",
           R"({"query":"SELECT n, big, s FROM t","database":"db1","schema":"\"MixedCase\""})"),
      "7");
  const auto& result = reply["result"];
  EXPECT_FALSE(result["isError"].GetBool());
  const auto& structured = result["structuredContent"];
  EXPECT_EQ(structured["row_count"].GetInt(), 2);
  EXPECT_EQ(structured["total_rows"].GetInt(), 2);
  EXPECT_FALSE(structured["truncated"].GetBool());
  EXPECT_TRUE(structured["next_cursor"].IsNull());
  EXPECT_STREQ(structured["columns"][0]["type"].GetString(), "NUMBER");
  EXPECT_STREQ(structured["columns"][2]["type"].GetString(), "VARCHAR");
  // The text block is a compact table under one line of metadata, not the JSON again; numbers
  // keep every digit in both. In structuredContent a number a double cannot hold is a string.
  ASSERT_EQ(result["content"].Size(), 1u);
  const std::string text = result["content"][0]["text"].GetString();
  EXPECT_EQ(text,
            "2 rows (statement handle 01fake-1).\n"
            "N,BIG,S\r\n1,12345678901234567890123456789.123456789,one\r\n"
            "2,-0.000000000000000000000000000001,\r\n");
  const std::string line = mcp.lines().back();
  EXPECT_NE(line.find(R"("rows":[[1,"12345678901234567890123456789.123456789","one"],)"
                      R"([2,-0.000000000000000000000000000001,null]])"),
            std::string::npos)
      << line;

  const auto requests = backend_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& statement = requests[0].statement;
  EXPECT_EQ(statement.sql, "SELECT n, big, s FROM t");  // never rewritten
  EXPECT_EQ(statement.multi_statement_count, 1);
  EXPECT_FALSE(statement.async) << "no progress asked for: submitted synchronously";
  EXPECT_EQ(statement.database, "DB1");
  EXPECT_EQ(statement.schema, "MixedCase");
  EXPECT_EQ(requests[0].connection, "main");
  EXPECT_EQ(requests[0].limits.max_rows, 50u) << "limit 100 capped at the configured maximum";
  const auto tag = parse_json(statement.query_tag);
  EXPECT_STREQ(tag["client"].GetString(), "unit-test 1.2");
  EXPECT_EQ(tag["request"].GetInt(), 7);
  EXPECT_STREQ(tag["tool"].GetString(), "execute_query");
  ASSERT_TRUE(statement.timeout.has_value());
  EXPECT_EQ(statement.timeout->count(), 120);
}

TEST_F(mcp_session, MarkdownAndJsonFormatsRenderTheRows) {
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  auto md =
      mcp.request(call(1, "execute_query", R"({"query":"SELECT 1","format":"markdown"})"), "1");
  EXPECT_EQ(std::string(md["result"]["content"][0]["text"].GetString()),
            "2 rows (statement handle 01fake-1).\n\n"
            "| N | BIG | S |\n| --- | --- | --- |\n"
            "| 1 | 12345678901234567890123456789.123456789 | one |\n"
            "| 2 | -0.000000000000000000000000000001 | NULL |\n");
  EXPECT_TRUE(md["result"]["structuredContent"].IsObject());
  // json: the structured result once more, as text, for clients that show only text.
  auto json = mcp.request(call(2, "execute_query", R"({"query":"SELECT 1","format":"json"})"), "2");
  const std::string text = json["result"]["content"][0]["text"].GetString();
  EXPECT_EQ(to_json(parse_json(text)), to_json(json["result"]["structuredContent"]));
}

TEST_F(mcp_session, NumbersADoubleCannotHoldAreStringsOnlyInStructuredContent) {
  FakeResult r;
  r.columns = {column("N", "fixed"), column("F", "real")};
  r.rows = {{"9007199254740992", "1.5"},       // 2^53: exact
            {"9007199254740993", "2.5"},       // 2^53 + 1: a string
            {"-9007199254740993", "0.1"},      // and its negative
            {"123456789012.345", "1e300"},     // 15 significant digits: exact
            {"1234567890123.456", "3.25"},     // 16: a string
            {"0.000000000000001", "4.5"},      // leading zeros do not count
            {"1.500000000000000000", "5.5"}};  // nor do trailing ones
  backend_.on("SELECT", r);
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  const std::string line = mcp.lines().back();
  EXPECT_NE(line.find(R"("rows":[[9007199254740992,1.5],["9007199254740993",2.5],)"
                      R"(["-9007199254740993",0.1],[123456789012.345,1e300],)"
                      R"(["1234567890123.456",3.25],[0.000000000000001,4.5],)"
                      R"([1.500000000000000000,5.5]])"),
            std::string::npos)
      << line;
  const std::string text = reply["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("\r\n9007199254740993,2.5\r\n"), std::string::npos) << text;
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", "2");
  const std::string schema = to_json(list["result"]["tools"][8]["outputSchema"]);
  EXPECT_NE(schema.find("NUMBERs a double would round are strings"), std::string::npos) << schema;
}

TEST_F(mcp_session, WritesAreRefusedByExecuteQueryAndNeverSent) {
  McpPipe mcp(config(), backend_);
  int id = 0;
  for (const std::string sql :
       {"DELETE FROM t", "SELECT 1 ->> DROP TABLE t", "CALL p()", "CREATE TABLE t AS SELECT 1"}) {
    ++id;
    auto reply =
        mcp.request(call(id, "execute_query",
                         R"({"query":)" +
                             to_json(rapidjson::Value(
                                 sql.c_str(), static_cast<rapidjson::SizeType>(sql.size()))) +
                             "}"),
                    std::to_string(id));
    EXPECT_TRUE(reply["result"]["isError"].GetBool()) << sql;
    const std::string text = reply["result"]["content"][0]["text"].GetString();
    EXPECT_NE(text.find("--allow-write"), std::string::npos) << text;
  }
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(mcp_session, ExecuteStatementRunsWritesWhenAllowed) {
  FakeResult done;
  done.columns = {column("number of rows deleted", "fixed")};
  done.rows = {{"3"}};
  backend_.on("DELETE", done);
  McpPipe mcp(config(true), backend_);
  auto reply = mcp.request(call(1, "execute_statement", R"({"statement":"DELETE FROM t"})"), "1");
  EXPECT_FALSE(reply["result"]["isError"].GetBool());
  ASSERT_EQ(backend_.requests().size(), 1u);
  EXPECT_EQ(backend_.requests()[0].statement.multi_statement_count, 1);
}

TEST_F(mcp_session, SnowflakeErrorsAreToolErrorsWithCodeAndQueryId) {
  backend_.fail("SELECT * FROM missing",
                sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::server,
                                          "SQL compilation error:\nObject 'MISSING' does not exist "
                                          "or not authorized.",
                                          "002003", "42S02", "", 422}));
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(call(1, "execute_query", R"({"query":"SELECT * FROM missing"})"), "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  EXPECT_FALSE(reply["result"].HasMember("structuredContent"));
  const std::string text = reply["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("does not exist"), std::string::npos) << text;
  EXPECT_NE(text.find("002003"), std::string::npos) << text;
  EXPECT_NE(text.find("42S02"), std::string::npos) << text;
  EXPECT_NE(text.find("Query id: 01fake-"), std::string::npos) << text;
  EXPECT_NE(text.find("list_tables"), std::string::npos) << "actionable: " << text;
}

TEST_F(mcp_session, AuthErrorsAreToolErrorsAndTheServerKeepsServing) {
  backend_.fail("SELECT", sfq::Error(sfq::ErrorCategory::auth,
                                     "JWT token is invalid (private_key=secretvalue)"));
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  const std::string text = reply["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("credentials"), std::string::npos) << text;
  EXPECT_EQ(text.find("secretvalue"), std::string::npos) << "secrets are redacted: " << text;
  EXPECT_TRUE(mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", "2")["result"].IsObject());
}

// --- caps and cursors ------------------------------------------------------------------------

TEST_F(mcp_session, RowCapSaysTruncatedAndTheCursorReadsTheNextPageWithoutRerunning) {
  backend_.on("SELECT i", counting_result(25));
  McpPipe mcp(config(), backend_);
  auto first =
      mcp.request(call(1, "execute_query", R"({"query":"SELECT i FROM t","limit":10})"), "1");
  const auto& page1 = first["result"]["structuredContent"];
  EXPECT_EQ(page1["row_count"].GetInt(), 10);
  EXPECT_EQ(page1["total_rows"].GetInt(), 25);
  EXPECT_TRUE(page1["truncated"].GetBool());
  EXPECT_STREQ(page1["truncated_by"].GetString(), "row_limit");
  ASSERT_TRUE(page1["next_cursor"].IsString());
  // The metadata line says what to do next.
  const std::string text = first["result"]["content"][0]["text"].GetString();
  const std::string meta = text.substr(0, text.find('\n'));
  EXPECT_NE(meta.find("Rows 1–10 of 25"), std::string::npos) << meta;
  EXPECT_NE(meta.find("fetch_results {\"cursor\":\"" +
                      std::string(page1["next_cursor"].GetString()) + "\"}"),
            std::string::npos)
      << meta;

  const std::string cursor = page1["next_cursor"].GetString();
  auto second = mcp.request(call(2, "fetch_results", R"({"cursor":")" + cursor + R"("})"), "2");
  const auto& page2 = second["result"]["structuredContent"];
  EXPECT_EQ(page2["first_row"].GetInt(), 10);
  EXPECT_EQ(page2["row_count"].GetInt(), 10);
  EXPECT_EQ(page2["rows"][0][0].GetInt(), 10);
  const std::string cursor2 = page2["next_cursor"].GetString();
  auto third =
      mcp.request(call(3, "fetch_results", R"({"cursor":")" + cursor2 + R"(","limit":50})"), "3");
  const auto& page3 = third["result"]["structuredContent"];
  EXPECT_EQ(page3["row_count"].GetInt(), 5);
  EXPECT_FALSE(page3["truncated"].GetBool());
  EXPECT_TRUE(page3["next_cursor"].IsNull());

  const auto requests = backend_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(requests[0].attach_handle.empty());
  EXPECT_EQ(requests[1].attach_handle, page1["statement_handle"].GetString());
  EXPECT_EQ(requests[1].start_row, 10u);
  EXPECT_EQ(requests[2].start_row, 20u);
  EXPECT_TRUE(requests[1].statement.sql.empty()) << "the query is not run again";
}

TEST_F(mcp_session, TheResultBudgetCountsTextAndStructuredContentTogether) {
  FakeResult wide;
  wide.columns = {column("S")};
  for (int i = 0; i < 40; ++i) wide.rows.push_back({"\"" + std::string(100, 'x') + "\""});
  backend_.on("SELECT", wide);
  auto c = config();
  c.limits.max_result_bytes = 3000;
  McpPipe mcp(c, backend_);
  int id = 0;
  std::map<std::string, std::size_t> sizes;
  for (const char* format : {"csv", "markdown", "json"}) {
    ++id;
    auto reply = mcp.request(
        call(id, "execute_query",
             R"({"query":"SELECT s FROM t","format":")" + std::string(format) + R"("})"),
        std::to_string(id));
    const auto& page = reply["result"]["structuredContent"];
    EXPECT_LT(page["row_count"].GetInt(), 40) << format;
    EXPECT_GT(page["row_count"].GetInt(), 1) << format;
    EXPECT_TRUE(page["truncated"].GetBool()) << format;
    EXPECT_STREQ(page["truncated_by"].GetString(), "byte_limit") << format;
    // Everything the result carries fits: text blocks and structuredContent.
    const std::string result = to_json(reply["result"]);
    EXPECT_LE(result.size(), 3000u) << format << ": " << result;
    sizes[format] = static_cast<std::size_t>(page["row_count"].GetInt());
  }
  // The same budget holds more rows when the text is a compact table than when it repeats
  // the JSON.
  EXPECT_GT(sizes["csv"], sizes["json"]);
  // A 2026-07-28 result carries resultType and serverInfo as well: they count too.
  auto modern = mcp.request(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{)"
                            R"("name":"execute_query","arguments":{"query":"SELECT s FROM t"},)" +
                                std::string(kModernMeta) + "}}",
                            "9");
  ASSERT_TRUE(modern["result"].HasMember("resultType"));
  EXPECT_TRUE(modern["result"]["structuredContent"]["truncated"].GetBool());
  EXPECT_LE(to_json(modern["result"]).size(), 3000u);
}

TEST_F(mcp_session, BadCursorsAreInvalidParams) {
  McpPipe mcp(config(), backend_);
  const std::string elsewhere = sfq::mcp::encode_cursor({"elsewhere", "01abc", 0, 10});
  // A genuine cursor with its payload swapped for another one's, signature kept: refused.
  const std::string genuine = sfq::mcp::encode_cursor({"main", "01abc", 10, 10});
  const std::string other = sfq::mcp::encode_cursor({"main", "01xyz", 10, 10});
  const std::string altered = other.substr(0, other.find('.')) + genuine.substr(genuine.find('.'));
  const std::string unsigned_payload = genuine.substr(0, genuine.find('.'));
  std::string error;
  ASSERT_TRUE(sfq::mcp::decode_cursor(genuine, error).has_value()) << error;
  ASSERT_FALSE(sfq::mcp::decode_cursor(altered, error).has_value());
  int id = 0;
  for (const std::string& cursor : {std::string("not a cursor"), std::string("eyJ2IjoxfQ"),
                                    std::string(), elsewhere, altered, unsigned_payload}) {
    ++id;
    auto reply = mcp.request(call(id, "fetch_results", R"({"cursor":")" + cursor + R"("})"),
                             std::to_string(id));
    ASSERT_TRUE(reply.HasMember("error")) << cursor;
    EXPECT_EQ(reply["error"]["code"].GetInt(), -32602) << cursor;
  }
  EXPECT_TRUE(backend_.requests().empty());
}

// --- concurrency, cancellation, progress ---------------------------------------------------

TEST_F(mcp_session, ASlowQueryDelaysNeitherPingNorToolsListNorAnotherQuery) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  backend_.on("SELECT 1", numbers_result());
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  EXPECT_TRUE(mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", "2")["result"].IsObject());
  EXPECT_TRUE(
      mcp.request(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})", "3")["result"].IsObject());
  auto other = mcp.request(call(4, "execute_query", R"({"query":"SELECT 1"})"), "4");
  EXPECT_EQ(other["result"]["structuredContent"]["row_count"].GetInt(), 2);
  EXPECT_FALSE(mcp.response("1", 0ms)) << "the slow query is still running";
  backend_.release_all();
  auto slow = mcp.response("1");
  ASSERT_TRUE(slow);
  EXPECT_FALSE((*slow)["result"]["isError"].GetBool());
}

TEST_F(mcp_session, CancelledNotificationCancelsTheStatementAndNothingMoreIsSent) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j",
                R"(,"_meta":{"progressToken":"tok"})"));
  ASSERT_TRUE(backend_.wait_held(1));
  mcp.send(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"user"}})");
  ASSERT_TRUE(backend_.wait_cancels(1));
  // A later request is answered; then, at EOF, everything the server wrote is in.
  mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", "2");
  mcp.close_input();
  ASSERT_TRUE(mcp.wait_eof());
  const auto lines = mcp.lines();
  std::size_t ping_index = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto doc = parse_json(lines[i]);
    EXPECT_NE(id_of(doc), "1") << "no answer for a cancelled request: " << lines[i];
    if (id_of(doc) == "2") ping_index = i;
  }
  for (std::size_t i = ping_index + 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].find("\"tok\""), std::string::npos) << "progress after cancel: " << lines[i];
  }
}

TEST_F(mcp_session, ProgressNotificationsIncreaseAndStopAtTheAnswer) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(3)"})j",
                R"(,"_meta":{"progressToken":42})"));
  ASSERT_TRUE(backend_.wait_held(1));
  // The ticker reports while the statement runs: wait for two reports that say it is running.
  int running = 0;
  const auto second = mcp.wait_for([&](const rapidjson::Document& d) {
    if (!d.HasMember("method") ||
        std::string(d["method"].GetString()) != "notifications/progress") {
      return false;
    }
    return std::string(d["params"]["message"].GetString()).find("running") != std::string::npos &&
           ++running == 2;
  });
  ASSERT_TRUE(second);
  EXPECT_TRUE(backend_.requests()[0].statement.async)
      << "progress asked for: submitted asynchronously, so progress can name the handle at once";
  backend_.release_all();
  ASSERT_TRUE(mcp.response("1"));
  mcp.close_input();
  ASSERT_TRUE(mcp.wait_eof());
  std::int64_t last = 0;
  int progress = 0;
  bool answered = false;
  for (const auto& line : mcp.lines()) {
    const auto doc = parse_json(line);
    if (id_of(doc) == "1") answered = true;
    if (!doc.HasMember("method")) continue;
    ASSERT_STREQ(doc["method"].GetString(), "notifications/progress");
    EXPECT_FALSE(answered) << "progress after the answer: " << line;
    EXPECT_EQ(doc["params"]["progressToken"].GetInt(), 42);
    EXPECT_GT(doc["params"]["progress"].GetInt64(), last);
    last = doc["params"]["progress"].GetInt64();
    const std::string message = doc["params"]["message"].GetString();
    EXPECT_NE(message.find(" s"), std::string::npos) << message;
    ++progress;
  }
  EXPECT_GE(progress, 3);  // submitted, running (state change), running (ticker)
}

TEST_F(mcp_session, NoProgressWithoutAToken) {
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  mcp.close_input();
  ASSERT_TRUE(mcp.wait_eof());
  for (const auto& line : mcp.lines())
    EXPECT_EQ(line.find("notifications/progress"), std::string::npos);
}

TEST_F(mcp_session, EndOfInputAnswersEveryRequestAlreadyReadThenExits) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  mcp.send(call(2, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  mcp.send(R"({"jsonrpc":"2.0","id":"sub","method":"subscriptions/listen","params":{)" +
           std::string(kModernMeta) + "}}");
  ASSERT_TRUE(backend_.wait_held(2));
  mcp.close_input();
  // Still running: the server waits for their answers.
  EXPECT_FALSE(mcp.wait_exit(300ms));
  backend_.release_all();
  ASSERT_TRUE(mcp.wait_exit());
  EXPECT_EQ(mcp.exit_status(), 0);
  for (const char* id : {"1", "2"}) {
    auto reply = mcp.response(id, 0ms);
    ASSERT_TRUE(reply) << id;
    EXPECT_FALSE((*reply)["result"]["isError"].GetBool()) << id;
  }
  EXPECT_EQ(backend_.cancels(), 0);
}

TEST_F(mcp_session, AClosedOutputEndsTheSessionAndCancelsRunningStatements) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_, /*read_output=*/false);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  // The client goes away without closing our input: nothing is written meanwhile, yet the
  // server notices.
  mcp.close_output();
  ASSERT_TRUE(mcp.wait_exit());
  EXPECT_EQ(backend_.cancels(), 1);
}

TEST_F(mcp_session, AStopSignalCancelsRunningStatementsAndEndsTheSession) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  mcp.stop();  // stdin stays open: only the stop descriptor ends the session
  ASSERT_TRUE(mcp.wait_exit());
  EXPECT_EQ(backend_.cancels(), 1);
}

TEST_F(mcp_session, DuplicateIdsInFlightAreRefused) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  McpPipe mcp(config(), backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(1)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  auto duplicate =
      mcp.request(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(1)"})j"), "1");
  EXPECT_EQ(duplicate["error"]["code"].GetInt(), -32600);
  backend_.release_all();
}

TEST_F(mcp_session, CancelQuerySaysWhetherItCancelledOrTheStatementHadFinished) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  backend_.on("SELECT", numbers_result());
  McpPipe mcp(config(), backend_);
  auto ran = mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  const std::string finished = ran["result"]["structuredContent"]["statement_handle"].GetString();
  auto late =
      mcp.request(call(2, "cancel_query", R"({"statement_handle":")" + finished + R"("})"), "2");
  ASSERT_FALSE(late["result"]["isError"].GetBool()) << to_json(late);
  EXPECT_STREQ(late["result"]["structuredContent"]["outcome"].GetString(), "already_finished");
  EXPECT_FALSE(late["result"]["structuredContent"]["cancelled"].GetBool());
  EXPECT_STREQ(late["result"]["structuredContent"]["state"].GetString(), "succeeded");
  EXPECT_NE(std::string(late["result"]["content"][0]["text"].GetString()).find("Already finished"),
            std::string::npos);

  mcp.send(call(3, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j",
                R"(,"_meta":{"progressToken":3})"));
  ASSERT_TRUE(backend_.wait_held(1));
  // The fake numbers its statements, the one cancel_query followed included. A client learns
  // the handle from the progress that names it; only then is it known to be this server's.
  const std::string running = "01fake-3";
  ASSERT_TRUE(mcp.wait_for([&](const rapidjson::Document& d) {
    return d.HasMember("method") &&
           std::string(d["method"].GetString()) == "notifications/progress" &&
           std::string(d["params"]["message"].GetString()).find(running) != std::string::npos;
  }));
  auto stopped =
      mcp.request(call(4, "cancel_query", R"({"statement_handle":")" + running + R"("})"), "4");
  ASSERT_FALSE(stopped["result"]["isError"].GetBool()) << to_json(stopped);
  EXPECT_STREQ(stopped["result"]["structuredContent"]["outcome"].GetString(), "cancelled");
  EXPECT_TRUE(stopped["result"]["structuredContent"]["cancelled"].GetBool());
  auto original = mcp.response("3");
  ASSERT_TRUE(original);
  EXPECT_TRUE((*original)["result"]["isError"].GetBool());
  EXPECT_EQ(backend_.cancelled_handles(), (std::vector<std::string>{finished, running}));
}

TEST_F(mcp_session, UnknownHandlesAreToolErrorsThatSaySo) {
  auto c = config(/*allow_write=*/true);  // so that cancel_query asks Snowflake
  McpPipe mcp(c, backend_);
  int id = 0;
  for (const char* tool : {"query_status", "cancel_query"}) {
    ++id;
    auto reply =
        mcp.request(call(id, tool, R"({"statement_handle":"01nobody-knows"})"), std::to_string(id));
    EXPECT_TRUE(reply["result"]["isError"].GetBool()) << tool;
    EXPECT_FALSE(reply["result"].HasMember("structuredContent")) << tool;
    const std::string text = reply["result"]["content"][0]["text"].GetString();
    EXPECT_NE(text.find("knows no statement with the handle 01nobody-knows"), std::string::npos)
        << text;
  }
}

TEST_F(mcp_session, ACursorToAResultSnowflakeNoLongerKeepsIsAToolErrorThatSaysSo) {
  McpPipe mcp(config(), backend_);
  const std::string cursor = sfq::mcp::encode_cursor({"main", "01gone", 10, 10});
  auto reply = mcp.request(call(1, "fetch_results", R"({"cursor":")" + cursor + R"("})"), "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  const std::string text = reply["result"]["content"][0]["text"].GetString();
  EXPECT_NE(text.find("no longer knows the statement 01gone"), std::string::npos) << text;
  EXPECT_NE(text.find("Run the query again"), std::string::npos) << text;
}

TEST_F(mcp_session, AServerActsOnlyOnStatementsItStarted) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  backend_.on("SELECT 1", counting_result(3));
  // Two servers on the same account: `mine` runs statements; `theirs` is handed their handles.
  McpPipe mine(config(), backend_);
  auto done = mine.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  const std::string finished = done["result"]["structuredContent"]["statement_handle"].GetString();
  mine.send(call(2, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  const std::string running = "01fake-2";

  McpPipe theirs(config(), backend_);
  // query_status reports on a foreign statement, but hands out no cursor to its rows ...
  auto status =
      theirs.request(call(1, "query_status", R"({"statement_handle":")" + finished + R"("})"), "1");
  EXPECT_STREQ(status["result"]["structuredContent"]["state"].GetString(), "succeeded");
  EXPECT_TRUE(status["result"]["structuredContent"]["next_cursor"].IsNull());
  auto watching =
      theirs.request(call(2, "query_status", R"({"statement_handle":")" + running + R"("})"), "2");
  EXPECT_STREQ(watching["result"]["structuredContent"]["state"].GetString(), "running");
  // ... and does not adopt the handles it reported on: cancelling stays refused.
  for (const std::string& handle : {finished, running}) {
    auto refused =
        theirs.request(call(3, "cancel_query", R"({"statement_handle":")" + handle + R"("})"), "3");
    EXPECT_TRUE(refused["result"]["isError"].GetBool()) << handle;
    const std::string text = refused["result"]["content"][0]["text"].GetString();
    EXPECT_NE(text.find("only statements this server started"), std::string::npos) << text;
  }
  EXPECT_TRUE(backend_.cancelled_handles().empty());
  EXPECT_FALSE(mine.response("2", 0ms)) << "the statement still runs";

  // With --allow-write a server may act on any statement.
  McpPipe admin(config(/*allow_write=*/true), backend_);
  auto cursor =
      admin.request(call(1, "query_status", R"({"statement_handle":")" + finished + R"("})"), "1");
  EXPECT_TRUE(cursor["result"]["structuredContent"]["next_cursor"].IsString());
  auto cancelled =
      admin.request(call(2, "cancel_query", R"({"statement_handle":")" + running + R"("})"), "2");
  EXPECT_STREQ(cancelled["result"]["structuredContent"]["outcome"].GetString(), "cancelled");
}

TEST_F(mcp_session, CallsInFlightAreCappedWithAClearError) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  auto c = config();
  c.max_calls_in_flight = 2;
  McpPipe mcp(c, backend_);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  mcp.send(call(2, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(2));  // at the cap: both accepted
  auto refused = mcp.request(call(3, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"),
                             "3");  // past it
  EXPECT_EQ(refused["error"]["code"].GetInt(), -32000);
  EXPECT_NE(std::string(refused["error"]["message"].GetString()).find("--max-calls-in-flight"),
            std::string::npos);
  EXPECT_STREQ(refused["error"]["data"]["limit"].GetString(), "max_calls_in_flight");
  // Cheap methods are not calls: still answered.
  EXPECT_TRUE(mcp.request(R"({"jsonrpc":"2.0","id":4,"method":"ping"})", "4")["result"].IsObject());
  backend_.release_all();
  ASSERT_TRUE(mcp.response("1"));
  ASSERT_TRUE(mcp.response("2"));
  backend_.on("SELECT 1", counting_result(1));
  auto again = mcp.request(call(5, "execute_query", R"({"query":"SELECT 1"})"), "5");
  EXPECT_FALSE(again["result"]["isError"].GetBool());
}

TEST_F(mcp_session, SubscriptionsAreCappedWithAClearError) {
  auto c = config();
  c.max_subscriptions = 2;
  McpPipe mcp(c, backend_);
  const auto listen = [&](const std::string& id) {
    mcp.send(R"({"jsonrpc":"2.0","id":")" + id + R"(","method":"subscriptions/listen","params":{)" +
             std::string(kModernMeta) + "}}");
  };
  listen("a");
  listen("b");  // at the cap
  listen("c");  // past it
  auto refused = mcp.response("\"c\"");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"].GetInt(), -32000);
  EXPECT_NE(std::string((*refused)["error"]["message"].GetString()).find("--max-subscriptions"),
            std::string::npos);
  EXPECT_FALSE(mcp.response("\"a\"", 0ms)) << "open subscriptions get no answer";
  EXPECT_FALSE(mcp.response("\"b\"", 0ms));
  // Subscriptions do not count as calls, and a cancelled one frees its place.
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}})");
  listen("d");
  // Lines are handled in order: once the ping is answered, a refusal of "d" would have been too.
  mcp.request(R"({"jsonrpc":"2.0","id":9,"method":"ping"})", "9");
  EXPECT_FALSE(mcp.response("\"d\"", 0ms)) << "accepted: it stays open";
}

TEST_F(mcp_session, AnAnswerLargerThanTheOutputCapBecomesAnErrorSayingSo) {
  FakeResult wide;
  wide.columns = {column("S")};
  for (int i = 0; i < 40; ++i) wide.rows.push_back({"\"" + std::string(200, 'x') + "\""});
  backend_.on("SELECT", wide);
  auto c = config();
  c.max_queued_output_bytes = 4096;  // less than a tools/list answer or this result
  McpPipe mcp(c, backend_);
  auto small = mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "1");
  EXPECT_TRUE(small["result"].IsObject()) << "an answer within the cap goes out";
  auto list = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", "2");
  auto rows = mcp.request(call(3, "execute_query", R"({"query":"SELECT s FROM t"})"), "3");
  for (const auto* reply : {&list, &rows}) {
    ASSERT_TRUE(reply->HasMember("error")) << to_json(*reply);
    EXPECT_EQ((*reply)["error"]["code"].GetInt(), -32000);
    EXPECT_STREQ((*reply)["error"]["data"]["limit"].GetString(), "max_queued_output_bytes");
    EXPECT_NE(
        std::string((*reply)["error"]["message"].GetString()).find("--max-queued-output-bytes"),
        std::string::npos);
  }
}

TEST_F(mcp_session, AClientThatStopsReadingIsNotReadFromUntilItCatchesUpAndLosesNoAnswer) {
  auto c = config();
  c.max_queued_output_bytes = 4096;
  McpPipe mcp(c, backend_, /*read_output=*/false);
  // Far more requests than the input pipe, the server's read buffer, the output pipe and the
  // output queue hold together: the writer can finish only if the server reads on although
  // nobody reads its answers.
  constexpr int kRequests = 6000;
  std::string requests;
  for (int id = 1; id <= kRequests; ++id) {
    requests += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"ping"})" + "\n";
  }
  std::mutex mutex;
  std::condition_variable changed;
  bool written = false;
  std::thread writer([&] {
    mcp.send_raw(requests);
    std::lock_guard lock(mutex);
    written = true;
    changed.notify_all();
  });
  {
    std::unique_lock lock(mutex);
    EXPECT_FALSE(changed.wait_for(lock, 500ms, [&] { return written; }))
        << "the server kept reading requests while its answers were not read";
  }
  mcp.start_reading();
  writer.join();
  // Every request is answered once: with its result, or — while the queue was full — with an
  // error naming the cap.
  mcp.request(R"({"jsonrpc":"2.0","id":"last","method":"ping"})", "\"last\"");
  std::map<std::string, int> answers;
  for (const auto& line : mcp.lines()) {
    const auto doc = parse_json(line);
    ++answers[id_of(doc)];
    if (doc.HasMember("error")) {
      EXPECT_STREQ(doc["error"]["data"]["limit"].GetString(), "max_queued_output_bytes") << line;
    }
  }
  EXPECT_EQ(answers.size(), static_cast<std::size_t>(kRequests + 1));
  for (const auto& [id, count] : answers) EXPECT_EQ(count, 1) << id;
}

TEST(mcp_output, QueuedOutputIsCappedAnswersPastItBecomeErrorsAndNotificationsAreDropped) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  constexpr std::size_t kCap = 512 * 1024;
  std::string received;
  {
    sfq::mcp::Output output(fds[1], kCap);
    // Nobody reads yet: this message fills the pipe and blocks the writer while it stays queued.
    const std::string blocker(200 * 1024, 'b');
    ASSERT_TRUE(output.send(blocker));
    // Exactly at the cap (each message counts its newline): queued.
    const std::string at_cap(kCap - (blocker.size() + 1) - 1, 'a');
    EXPECT_TRUE(output.send_or(at_cap, "fallback-1"));
    EXPECT_TRUE(output.over_cap());
    // Past it: the fallback goes instead; droppable notifications are dropped.
    EXPECT_FALSE(output.send_or("past", "fallback-2"));
    EXPECT_FALSE(output.send("progress", /*droppable=*/true));
    EXPECT_EQ(output.dropped(), 2u);
    std::thread reader([&] {
      char buffer[65536];
      ssize_t n = 0;
      while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
        received.append(buffer, static_cast<std::size_t>(n));
      }
    });
    output.close();
    ::close(fds[1]);
    reader.join();
    EXPECT_EQ(received, blocker + "\n" + at_cap + "\nfallback-2\n");
  }
  ::close(fds[0]);
}

TEST_F(mcp_session, QueryStatusReportsRunningSucceededAndCancelledStatements) {
  backend_.on("SELECT SYSTEM$WAIT", counting_result(1), /*hold=*/true);
  backend_.on("SELECT 1", counting_result(3));
  McpPipe mcp(config(), backend_);
  auto done = mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  const std::string finished = done["result"]["structuredContent"]["statement_handle"].GetString();
  auto succeeded =
      mcp.request(call(2, "query_status", R"({"statement_handle":")" + finished + R"("})"), "2");
  EXPECT_STREQ(succeeded["result"]["structuredContent"]["state"].GetString(), "succeeded");
  EXPECT_EQ(succeeded["result"]["structuredContent"]["total_rows"].GetInt(), 3);
  EXPECT_TRUE(succeeded["result"]["structuredContent"]["next_cursor"].IsString());

  mcp.send(call(3, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(backend_.wait_held(1));
  const std::string running_handle = "01fake-3";  // the fake numbers its statements
  auto now = mcp.request(
      call(4, "query_status", R"({"statement_handle":")" + running_handle + R"("})"), "4");
  EXPECT_STREQ(now["result"]["structuredContent"]["state"].GetString(), "running");
  // Waiting for a statement that does not end: the wait runs out, the statement goes on.
  auto waited =
      mcp.request(call(5, "query_status",
                       R"({"statement_handle":")" + running_handle + R"(","wait_seconds":1})"),
                  "5");
  EXPECT_STREQ(waited["result"]["structuredContent"]["state"].GetString(), "running");
  EXPECT_EQ(backend_.abandoned(), 2) << "both status calls stopped watching";
  EXPECT_EQ(backend_.cancels(), 0) << "watching a statement never cancels it";

  // Cancel the running call; a status wait then sees the statement end as cancelled.
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})");
  ASSERT_TRUE(backend_.wait_cancels(1));
  auto cancelled =
      mcp.request(call(6, "query_status",
                       R"({"statement_handle":")" + running_handle + R"(","wait_seconds":30})"),
                  "6");
  const auto& status = cancelled["result"]["structuredContent"];
  EXPECT_STREQ(status["state"].GetString(), "cancelled");
  EXPECT_STREQ(status["error"]["code"].GetString(), "000604");
}

// --- metadata tools, resources, prompts, completion ----------------------------------------

TEST_F(mcp_session, ListingsQuoteIdentifiersAndFilterPatternsLocally) {
  FakeResult tables;
  tables.columns = {column("created_on"),    column("name"),  column("kind"),
                    column("rows", "fixed"), column("owner"), column("comment")};
  tables.rows = {{"\"2024-01-01\"", "\"ORDERS\"", "\"TABLE\"", "150", "\"SYSADMIN\"", "null"},
                 {"\"2024-01-01\"", "\"LINEITEM\"", "\"TABLE\"", "600", "\"SYSADMIN\"", "null"},
                 {"\"2024-01-01\"", "\"ORDER_NOTES\"", "\"TABLE\"", "null", "null", "\"x\""}};
  backend_.on("SHOW TABLES", tables);
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(
      call(1, "list_tables",
           R"({"database":"snowflake_sample_data","schema":"\"we\"\"ird\"","pattern":"order%"})"),
      "1");
  const auto& structured = reply["result"]["structuredContent"];
  ASSERT_EQ(structured["tables"].Size(), 2u);
  EXPECT_STREQ(structured["tables"][0]["name"].GetString(), "ORDERS");
  EXPECT_EQ(structured["tables"][0]["rows"].GetInt(), 150);
  EXPECT_TRUE(structured["tables"][1]["rows"].IsNull());
  EXPECT_STREQ(structured["database"].GetString(), "SNOWFLAKE_SAMPLE_DATA");
  EXPECT_STREQ(structured["schema"].GetString(), "we\"ird");
  EXPECT_EQ(backend_.requests()[0].statement.sql,
            R"(SHOW TABLES IN SCHEMA "SNOWFLAKE_SAMPLE_DATA"."we""ird")");
}

TEST_F(mcp_session, DescribeTableRunsDescribeAndGetDdlWithTheNameBound) {
  FakeResult columns;
  columns.columns = {column("name"),    column("type"),        column("kind"),   column("null?"),
                     column("default"), column("primary key"), column("comment")};
  columns.rows = {
      {"\"ID\"", "\"NUMBER(38,0)\"", "\"COLUMN\"", "\"N\"", "null", "\"Y\"", "null"},
      {"\"NOTE\"", "\"VARCHAR(100)\"", "\"COLUMN\"", "\"Y\"", "null", "\"N\"", "\"a note\""}};
  FakeResult ddl;
  ddl.columns = {column("GET_DDL")};
  ddl.rows = {{"\"create table T (ID NUMBER, NOTE VARCHAR(100));\""}};
  backend_.on("DESCRIBE TABLE", columns);
  backend_.on("SELECT GET_DDL", ddl);
  McpPipe mcp(config(), backend_);
  auto reply =
      mcp.request(call(1, "describe_table", R"({"table":"db.sch.t","timeout_seconds":7})"), "1");
  const auto& structured = reply["result"]["structuredContent"];
  EXPECT_STREQ(structured["qualified_name"].GetString(), R"("DB"."SCH"."T")");
  EXPECT_EQ(structured["column_count"].GetInt(), 2);
  EXPECT_FALSE(structured["columns"][0]["nullable"].GetBool());
  EXPECT_TRUE(structured["columns"][0]["primary_key"].GetBool());
  EXPECT_STREQ(structured["columns"][1]["comment"].GetString(), "a note");
  EXPECT_STREQ(structured["ddl"].GetString(), "create table T (ID NUMBER, NOTE VARCHAR(100));");
  std::set<std::string> sql;
  for (const auto& request : backend_.requests()) {
    sql.insert(request.statement.sql);
    ASSERT_TRUE(request.statement.timeout.has_value());
    EXPECT_EQ(request.statement.timeout->count(), 7) << "the call's timeout_seconds";
    if (request.statement.sql.rfind("SELECT GET_DDL", 0) == 0) {
      ASSERT_EQ(request.statement.bindings.size(), 2u);
      EXPECT_EQ(request.statement.bindings[1].values[0], R"("DB"."SCH"."T")");
    }
  }
  EXPECT_EQ(sql,
            (std::set<std::string>{R"(DESCRIBE TABLE "DB"."SCH"."T")", "SELECT GET_DDL(?, ?)"}));
}

TEST_F(mcp_session, WithoutGetDdlTheDdlIsRebuiltOrTakenFromShowViews) {
  FakeResult columns;
  columns.columns = {column("name"),    column("type"),        column("null?"),
                     column("default"), column("primary key"), column("comment")};
  columns.rows = {{"\"ID\"", "\"NUMBER(38,0)\"", "\"N\"", "null", "\"Y\"", "\"it's the key\""}};
  FakeResult views;
  views.columns = {column("name"), column("text")};
  views.rows = {{"\"OTHER\"", "\"create view OTHER as select 2\""},
                {"\"V\"", "\"create view V as select 1\""}};
  backend_.on("DESCRIBE", columns);
  backend_.fail("SELECT GET_DDL",
                sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::server,
                                          "Invalid argument types for function 'GET_DDL'", "001044",
                                          "42P13", "", 422}));
  backend_.on("SHOW VIEWS", views);
  McpPipe mcp(config(), backend_);
  auto table = mcp.request(call(1, "describe_table", R"({"table":"D.S.T"})"), "1");
  const auto& t = table["result"]["structuredContent"];
  EXPECT_STREQ(
      t["ddl"].GetString(),
      "create or replace TABLE \"D\".\"S\".\"T\" (\n\t\"ID\" NUMBER(38,0) NOT NULL COMMENT "
      "'it''s the key'\n);");
  EXPECT_NE(std::string(t["ddl_note"].GetString()).find("Rebuilt from DESCRIBE"),
            std::string::npos);
  auto view = mcp.request(
      call(2, "describe_view", R"({"database":"D","schema":"S","view_name":"v"})"), "2");
  const auto& v = view["result"]["structuredContent"];
  EXPECT_STREQ(v["ddl"].GetString(), "create view V as select 1");
  EXPECT_NE(std::string(v["ddl_note"].GetString()).find("SHOW VIEWS"), std::string::npos);
  bool show_views = false;
  for (const auto& request : backend_.requests()) {
    if (request.statement.sql == R"(SHOW VIEWS IN SCHEMA "D"."S")") show_views = true;
  }
  EXPECT_TRUE(show_views);
}

TEST_F(mcp_session, ConflictingTableQualifiersAreToolErrors) {
  McpPipe mcp(config(), backend_);
  auto reply = mcp.request(call(1, "describe_table", R"({"table":"a.b.t","database":"c"})"), "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  EXPECT_TRUE(backend_.requests().empty());
}

TEST_F(mcp_session, SampleAndQueryViewBindTheLimit) {
  backend_.on("SELECT * FROM", counting_result(3));
  McpPipe mcp(config(), backend_);
  mcp.request(call(1, "query_view", R"({"database":"d","view_name":"v"})"), "1");
  mcp.request(call(2, "sample_table", R"({"table":"s.t","limit":3})"), "2");
  const auto requests = backend_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].statement.sql, R"(SELECT * FROM "D"."PUBLIC"."V" LIMIT ?)");
  EXPECT_EQ(requests[0].statement.bindings[0].values[0], "10");
  EXPECT_EQ(requests[1].statement.sql, R"(SELECT * FROM "S"."T" LIMIT ?)");
  EXPECT_EQ(requests[1].statement.bindings[0].values[0], "3");
}

TEST_F(mcp_session, ConnectionArgumentPicksTheConnection) {
  backend_.on("SHOW DATABASES", counting_result(0));
  McpPipe mcp(config(), backend_);
  mcp.request(call(1, "list_databases", R"({"connection":"other"})"), "1");
  mcp.request(call(2, "list_databases", "{}"), "2");
  const auto requests = backend_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, "other");
  EXPECT_EQ(requests[1].connection, "main");
}

TEST_F(mcp_session, ResourceTemplatesPromptsAndCompletion) {
  FakeResult databases;
  databases.columns = {column("name")};
  databases.rows = {{"\"SNOWFLAKE_SAMPLE_DATA\""}, {"\"SALES\""}, {"\"ANALYTICS\""}};
  backend_.on("SHOW DATABASES", databases);
  McpPipe mcp(config(), backend_);
  auto templates =
      mcp.request(R"({"jsonrpc":"2.0","id":1,"method":"resources/templates/list"})", "1");
  EXPECT_STREQ(templates["result"]["resourceTemplates"][0]["uriTemplate"].GetString(),
               "snowflake://{connection}/{database}/{schema}/{table}");
  auto resources = mcp.request(R"({"jsonrpc":"2.0","id":2,"method":"resources/list"})", "2");
  EXPECT_TRUE(resources["result"]["resources"].IsArray());
  auto prompts = mcp.request(R"({"jsonrpc":"2.0","id":3,"method":"prompts/list"})", "3");
  ASSERT_EQ(prompts["result"]["prompts"].Size(), 2u);
  auto prompt = mcp.request(
      R"({"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"explore_schema","arguments":{"database":"D","schema":"S"}}})",
      "4");
  const std::string text = prompt["result"]["messages"][0]["content"]["text"].GetString();
  EXPECT_NE(text.find("D.S"), std::string::npos) << text;
  auto missing = mcp.request(
      R"({"jsonrpc":"2.0","id":5,"method":"prompts/get","params":{"name":"explore_schema","arguments":{}}})",
      "5");
  EXPECT_EQ(missing["error"]["code"].GetInt(), -32602);
  auto completion = mcp.request(
      R"({"jsonrpc":"2.0","id":6,"method":"completion/complete","params":{"ref":{"type":"ref/resource","uri":"snowflake://{connection}/{database}/{schema}/{table}"},"argument":{"name":"database","value":"s"}}})",
      "6");
  const auto& values = completion["result"]["completion"]["values"];
  ASSERT_EQ(values.Size(), 2u);
  EXPECT_STREQ(values[0].GetString(), "SALES");
  EXPECT_STREQ(values[1].GetString(), "SNOWFLAKE_SAMPLE_DATA");
  auto connections = mcp.request(
      R"({"jsonrpc":"2.0","id":7,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"write_query"},"argument":{"name":"connection","value":"o"}}})",
      "7");
  EXPECT_STREQ(connections["result"]["completion"]["values"][0].GetString(), "other");
}

TEST_F(mcp_session, ResourceReadErrorsUseTheErasNotFoundCode) {
  McpPipe mcp(config(), backend_);
  auto legacy = mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///etc/passwd"}})",
      "1");
  EXPECT_EQ(legacy["error"]["code"].GetInt(), -32002);
  auto modern = mcp.request(
      R"({"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"snowflake://nope/a/b/c",)" +
          std::string(kModernMeta) + "}}",
      "2");
  EXPECT_EQ(modern["error"]["code"].GetInt(), -32602);
}

}  // namespace
