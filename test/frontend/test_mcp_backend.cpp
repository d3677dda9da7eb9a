// The MCP server with its real backend — libsfq's asynchronous client — against the emulator
// running in this process, over pipes. What only the real thing can show: cursors read further
// pages without a new execution, cancellation and timeouts cancel the statement in the emulator,
// end of input cancels running statements there too, ten statements held one second each run
// together, exact numbers come through, and a connection that cannot log in fails only its calls.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mcp/sfq_backend.hpp"
#include "mock_snowflake/server.hpp"
#include "sfq/keys.hpp"
#include "support/mcp_pipe.hpp"

namespace {

using namespace std::chrono_literals;
using sfq::mcp::ConnectionConfig;
using sfq::mcp::ServerConfig;
using sfq::mcp::SfqBackend;
using sfq::mcp::testing::McpPipe;
using sfq::mcp::testing::parse_json;

std::string call(int id, const std::string& tool, const std::string& arguments,
                 const std::string& extra = "") {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":)" + arguments +
         extra + "}}";
}

std::string text_of(const rapidjson::Document& reply) {
  std::string out;
  for (const auto& block : reply["result"]["content"].GetArray()) out += block["text"].GetString();
  return out;
}

class mcp_backend : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = sfq::generate_key_pair().value();
    mock_snowflake::ServerOptions options;
    options.public_keys_pem = {keys_.public_key_pem};
    server_ = std::make_unique<mock_snowflake::Server>(options);
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
  }

  sfq::ConnectionOptions connection(const std::string& private_key_pem) const {
    sfq::ConnectionOptions o;
    o.account = "MOCKACCOUNT";
    o.user = "MOCKUSER";
    o.host = "127.0.0.1";
    o.port = server_->port();
    o.protocol = "http";
    o.private_key_pem = sfq::Secret(private_key_pem);
    o.database = "SNOWFLAKE_SAMPLE_DATA";
    o.schema = "TPCH_SF1";
    return o;
  }

  std::vector<ConnectionConfig> connections() const {
    return {ConnectionConfig{"mock", connection(keys_.private_key_pem), std::nullopt, {}}};
  }

  static ServerConfig config(std::vector<std::string> names = {"mock"}) {
    ServerConfig c;
    c.connections = std::move(names);
    c.progress_interval = 100ms;
    return c;
  }

  /// The handle in the first progress notification that names one.
  static std::string handle_from_progress(McpPipe& mcp) {
    const auto line = mcp.wait_for([](const rapidjson::Document& d) {
      return d.HasMember("method") &&
             std::string(d["method"].GetString()) == "notifications/progress" &&
             std::string(d["params"]["message"].GetString()).find("statement handle ") !=
                 std::string::npos;
    });
    if (!line) return {};
    const std::string message = parse_json(*line)["params"]["message"].GetString();
    const auto start = message.find("statement handle ") + 17;
    return message.substr(start, message.find(')', start) - start);
  }

  bool wait_state(const std::string& handle, mock_snowflake::StatementState state) {
    return server_->wait_until(
        [&](const mock_snowflake::Counters&) { return server_->statement_state(handle) == state; },
        20s);
  }

  sfq::KeyPair keys_;
  std::unique_ptr<mock_snowflake::Server> server_;
};

TEST_F(mcp_backend, ToolsReturnTheEmulatorsDataWithExactNumbers) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  auto tables = mcp.request(
      call(1, "list_tables",
           R"({"database":"snowflake_sample_data","schema":"tpch_sf1","pattern":"%item"})"),
      "1");
  ASSERT_EQ(tables["result"]["structuredContent"]["tables"].Size(), 1u) << text_of(tables);
  EXPECT_STREQ(tables["result"]["structuredContent"]["tables"][0]["name"].GetString(), "LINEITEM");

  auto described = mcp.request(call(2, "describe_table", R"({"table":"REGION"})"), "2");
  const auto& d = described["result"]["structuredContent"];
  EXPECT_EQ(d["column_count"].GetInt(), 3) << text_of(described);
  ASSERT_TRUE(d["ddl"].IsString()) << text_of(described);
  EXPECT_NE(std::string(d["ddl"].GetString()).find("R_REGIONKEY"), std::string::npos);

  auto view = mcp.request(
      call(
          3, "describe_view",
          R"({"database":"SNOWFLAKE_SAMPLE_DATA","schema":"TPCH_SF1","view_name":"ORDERS_BY_NATION"})"),
      "3");
  ASSERT_TRUE(view["result"]["structuredContent"]["ddl"].IsString()) << text_of(view);
  EXPECT_NE(std::string(view["result"]["structuredContent"]["ddl"].GetString()).find("GROUP BY"),
            std::string::npos);

  auto types =
      mcp.request(call(4, "execute_query",
                       R"({"query":"SELECT ID, I, N FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 1"})"),
                  "4");
  ASSERT_FALSE(types["result"]["isError"].GetBool()) << text_of(types);
  // 38 digits survive: they never pass through a double. In structuredContent they are a
  // string (a JavaScript client would round a number that long); the text keeps them as digits.
  EXPECT_NE(mcp.lines().back().find(
                R"("rows":[[1,"12345678901234567890123456789012345678",12345678.91]])"),
            std::string::npos)
      << mcp.lines().back();
  EXPECT_NE(text_of(types).find("\r\n1,12345678901234567890123456789012345678,12345678.91\r\n"),
            std::string::npos)
      << text_of(types);
}

TEST_F(mcp_backend, ADatabaseWithoutASchemaMeansTheConnectionsSchemaOnlyInItsOwnDatabase) {
  SfqBackend backend(connections());  // SNOWFLAKE_SAMPLE_DATA.TPCH_SF1
  McpPipe mcp(config(), backend);
  const auto schema_of = [&](int id, const std::string& tool, const std::string& arguments) {
    auto reply = mcp.request(call(id, tool, arguments), std::to_string(id));
    EXPECT_FALSE(reply["result"]["isError"].GetBool()) << tool << " " << text_of(reply);
    return reply;
  };
  // Another database: its PUBLIC schema, in every tool.
  auto other =
      schema_of(1, "execute_query",
                R"j({"query":"SELECT CURRENT_SCHEMA()","database":"mockdb","format":"json"})j");
  EXPECT_STREQ(other["result"]["structuredContent"]["rows"][0][0].GetString(), "PUBLIC")
      << text_of(other);
  auto described = schema_of(2, "describe_table", R"({"table":"ALL_TYPES","database":"MOCKDB"})");
  EXPECT_STREQ(described["result"]["structuredContent"]["qualified_name"].GetString(),
               R"("MOCKDB"."PUBLIC"."ALL_TYPES")");
  schema_of(3, "sample_table", R"({"table":"ALL_TYPES","database":"MOCKDB","limit":1})");
  // The connection's own database: the connection's schema.
  auto own =
      schema_of(4, "execute_query",
                R"j({"query":"SELECT CURRENT_SCHEMA()","database":"snowflake_sample_data"})j");
  EXPECT_STREQ(own["result"]["structuredContent"]["rows"][0][0].GetString(), "TPCH_SF1");
  auto nation =
      schema_of(5, "describe_table", R"({"table":"NATION","database":"SNOWFLAKE_SAMPLE_DATA"})");
  EXPECT_STREQ(nation["result"]["structuredContent"]["qualified_name"].GetString(),
               R"("SNOWFLAKE_SAMPLE_DATA"."TPCH_SF1"."NATION")");
}

TEST_F(mcp_backend, CancelQueryTellsAFinishedStatementFromACancelledOne) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  auto ran = mcp.request(call(1, "execute_query", R"({"query":"SELECT 1"})"), "1");
  const std::string handle = ran["result"]["structuredContent"]["statement_handle"].GetString();
  auto late =
      mcp.request(call(2, "cancel_query", R"({"statement_handle":")" + handle + R"("})"), "2");
  ASSERT_FALSE(late["result"]["isError"].GetBool()) << text_of(late);
  EXPECT_STREQ(late["result"]["structuredContent"]["outcome"].GetString(), "already_finished");
  EXPECT_FALSE(late["result"]["structuredContent"]["cancelled"].GetBool());
  // True: the statement still has its result.
  auto status =
      mcp.request(call(3, "query_status", R"({"statement_handle":")" + handle + R"("})"), "3");
  EXPECT_STREQ(status["result"]["structuredContent"]["state"].GetString(), "succeeded");
  // Unknown handles are tool errors that say so.
  for (const char* tool : {"query_status", "cancel_query"}) {
    auto unknown = mcp.request(
        call(4, tool, R"({"statement_handle":"01c00000-0000-0000-0000-000000000000"})"), "4");
    EXPECT_TRUE(unknown["result"]["isError"].GetBool()) << tool;
    EXPECT_NE(text_of(unknown).find("knows no statement"), std::string::npos) << text_of(unknown);
  }
}

TEST_F(mcp_backend, CursorsReadOnWithoutRunningTheStatementAgain) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  auto first = mcp.request(
      call(1, "execute_query", R"({"query":"SELECT O_ORDERKEY FROM ORDERS ORDER BY 1","limit":5})"),
      "1");
  const auto& page1 = first["result"]["structuredContent"];
  ASSERT_TRUE(page1["truncated"].GetBool()) << text_of(first);
  EXPECT_EQ(page1["total_rows"].GetInt(), 15000);
  const std::uint64_t executions = server_->counters().executions;
  std::string cursor = page1["next_cursor"].GetString();
  std::int64_t last = page1["rows"][4][0].GetInt64();
  for (int page = 0; page < 3; ++page) {
    auto next = mcp.request(call(10 + page, "fetch_results", R"({"cursor":")" + cursor + R"("})"),
                            std::to_string(10 + page));
    const auto& p = next["result"]["structuredContent"];
    ASSERT_EQ(p["row_count"].GetInt(), 5) << text_of(next);
    EXPECT_EQ(p["first_row"].GetInt(), 5 * (page + 1));
    EXPECT_GT(p["rows"][0][0].GetInt64(), last);
    last = p["rows"][4][0].GetInt64();
    cursor = p["next_cursor"].GetString();
  }
  EXPECT_EQ(server_->counters().executions, executions) << "fetch_results ran a statement";
}

TEST_F(mcp_backend, TheByteAndCellCapsCutLargeResults) {
  SfqBackend backend(connections());
  auto c = config();
  c.limits.max_result_bytes = 4096;
  c.limits.max_cell_bytes = 16;
  McpPipe mcp(c, backend);
  auto reply =
      mcp.request(call(1, "execute_query",
                       R"({"query":"SELECT L_ORDERKEY, L_COMMENT FROM LINEITEM","limit":1000})"),
                  "1");
  const auto& page = reply["result"]["structuredContent"];
  EXPECT_LT(page["row_count"].GetInt(), 1000);
  EXPECT_STREQ(page["truncated_by"].GetString(), "byte_limit");
  EXPECT_TRUE(page["cells_truncated"].GetBool());
}

TEST_F(mcp_backend, TenStatementsHeldOneSecondEachRunTogether) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  mcp.request(call(0, "execute_query", R"({"query":"SELECT 1"})"), "0");  // logs in first
  const auto started = std::chrono::steady_clock::now();
  for (int i = 1; i <= 10; ++i) {
    mcp.send(call(i, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(1)"})j"));
  }
  for (int i = 1; i <= 10; ++i) {
    auto reply = mcp.response(std::to_string(i), 30s);
    ASSERT_TRUE(reply) << i;
    EXPECT_FALSE((*reply)["result"]["isError"].GetBool()) << i;
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // One after another they would take at least 10 s.
  EXPECT_LT(elapsed, 5s) << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                         << " ms";
}

TEST_F(mcp_backend, CancellationCancelsTheStatementInTheEmulator) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j",
                R"(,"_meta":{"progressToken":1})"));
  const std::string handle = handle_from_progress(mcp);
  ASSERT_FALSE(handle.empty());
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
  EXPECT_TRUE(wait_state(handle, mock_snowflake::StatementState::cancelled));
  EXPECT_EQ(server_->counters().cancels_by_handle.count(handle), 1u);
  // The tool sees it too.
  auto status = mcp.request(
      call(2, "query_status", R"({"statement_handle":")" + handle + R"(","wait_seconds":10})"),
      "2");
  EXPECT_STREQ(status["result"]["structuredContent"]["state"].GetString(), "cancelled");
}

TEST_F(mcp_backend, CancelQueryCancelsARunningStatement) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j",
                R"(,"_meta":{"progressToken":"t"})"));
  const std::string handle = handle_from_progress(mcp);
  ASSERT_FALSE(handle.empty());
  auto cancelled =
      mcp.request(call(2, "cancel_query", R"({"statement_handle":")" + handle + R"("})"), "2");
  EXPECT_FALSE(cancelled["result"]["isError"].GetBool()) << text_of(cancelled);
  EXPECT_STREQ(cancelled["result"]["structuredContent"]["outcome"].GetString(), "cancelled");
  auto original = mcp.response("1");
  ASSERT_TRUE(original);
  EXPECT_TRUE((*original)["result"]["isError"].GetBool());
  EXPECT_TRUE(wait_state(handle, mock_snowflake::StatementState::cancelled));
}

TEST_F(mcp_backend, TimeoutsCancelTheStatementOnTheServer) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  auto reply = mcp.request(
      call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)","timeout_seconds":1})j",
           R"(,"_meta":{"progressToken":1})"),
      "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  const std::string text = text_of(reply);
  EXPECT_NE(text.find("timeout_seconds"), std::string::npos) << text;
  // Whichever side noticed first, the statement does not keep running in the emulator.
  const auto lines = mcp.lines();
  std::string handle;
  for (const auto& line : lines) {
    const auto at = line.find("statement handle ");
    if (at != std::string::npos) handle = line.substr(at + 17, line.find(')', at) - at - 17);
  }
  ASSERT_FALSE(handle.empty());
  EXPECT_TRUE(server_->wait_until(
      [&](const mock_snowflake::Counters&) {
        const auto state = server_->statement_state(handle);
        return state == mock_snowflake::StatementState::timed_out ||
               state == mock_snowflake::StatementState::cancelled;
      },
      20s));
}

TEST_F(mcp_backend, ASynchronousSubmissionTimesOutLikeAnAsynchronousOne) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  // No progress token: submitted synchronously, and Snowflake's timeout ends the held request.
  auto reply = mcp.request(
      call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(30)","timeout_seconds":1})j"), "1");
  EXPECT_TRUE(reply["result"]["isError"].GetBool());
  EXPECT_NE(text_of(reply).find("timeout_seconds"), std::string::npos) << text_of(reply);
}

TEST_F(mcp_backend, AStopSignalCancelsRunningStatementsInTheEmulator) {
  std::string handle;
  {
    SfqBackend backend(connections());
    McpPipe mcp(config(), backend);
    mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j",
                  R"(,"_meta":{"progressToken":1})"));
    handle = handle_from_progress(mcp);
    ASSERT_FALSE(handle.empty());
    mcp.stop();
    ASSERT_TRUE(mcp.wait_exit(20s));
  }
  EXPECT_TRUE(wait_state(handle, mock_snowflake::StatementState::cancelled));
}

TEST_F(mcp_backend, EndOfInputAnswersTheRunningStatementThenExits) {
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(1), 7 AS SEVEN"})j"));
  mcp.close_input();
  ASSERT_TRUE(mcp.wait_exit(20s));
  auto reply = mcp.response("1", 0ms);
  ASSERT_TRUE(reply);
  EXPECT_FALSE((*reply)["result"]["isError"].GetBool()) << text_of(*reply);
}

TEST_F(mcp_backend, ACancelBeforeSnowflakeNamedTheStatementStillReachesIt) {
  // Without a progress token statements are submitted synchronously: within Snowflake's hold
  // the handle is not known yet, and cancelling the request must still cancel the statement.
  SfqBackend backend(connections());
  McpPipe mcp(config(), backend);
  mcp.request(call(0, "execute_query", R"({"query":"SELECT 1"})"), "0");  // logs in first
  const auto before = server_->counters().executions;
  mcp.send(call(1, "execute_query", R"j({"query":"SELECT SYSTEM$WAIT(60)"})j"));
  ASSERT_TRUE(server_->wait_until(
      [&](const mock_snowflake::Counters& c) { return c.executions > before; }, 20s));
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
  EXPECT_TRUE(server_->wait_until(
      [&](const mock_snowflake::Counters& c) { return !c.cancels_by_handle.empty(); }, 20s));
}

TEST_F(mcp_backend, AConnectionThatCannotLogInFailsOnlyItsCalls) {
  const auto stranger = sfq::generate_key_pair().value();  // not registered with the emulator
  std::vector<ConnectionConfig> both = connections();
  both.push_back({"stranger", connection(stranger.private_key_pem), std::nullopt, {}});
  both.push_back({"broken",
                  std::nullopt,
                  sfq::Error(sfq::ErrorCategory::config, "connection \"broken\" has no account"),
                  {}});
  SfqBackend backend(both);
  McpPipe mcp(config({"mock", "stranger", "broken"}), backend);
  auto refused = mcp.request(call(1, "list_databases", R"({"connection":"stranger"})"), "1");
  EXPECT_TRUE(refused["result"]["isError"].GetBool());
  EXPECT_NE(text_of(refused).find("credentials"), std::string::npos) << text_of(refused);
  EXPECT_EQ(text_of(refused).find("PRIVATE KEY"), std::string::npos);
  auto broken = mcp.request(call(2, "list_databases", R"({"connection":"broken"})"), "2");
  EXPECT_TRUE(broken["result"]["isError"].GetBool());
  EXPECT_NE(text_of(broken).find("has no account"), std::string::npos) << text_of(broken);
  auto fine = mcp.request(call(3, "list_databases", "{}"), "3");
  EXPECT_FALSE(fine["result"]["isError"].GetBool()) << text_of(fine);
}

TEST_F(mcp_backend, WritesNeedAllowWriteAndStillRunOneStatementAtATime) {
  SfqBackend backend(connections());
  auto c = config();
  c.allow_write = true;
  McpPipe mcp(c, backend);
  auto created = mcp.request(
      call(1, "execute_statement", R"j({"statement":"CREATE TABLE MOCKDB.PUBLIC.MCP_T (A INT)"})j"),
      "1");
  EXPECT_FALSE(created["result"]["isError"].GetBool()) << text_of(created);
  auto inserted =
      mcp.request(call(2, "execute_statement",
                       R"j({"statement":"INSERT INTO MOCKDB.PUBLIC.MCP_T VALUES (1), (2), (3)"})j"),
                  "2");
  EXPECT_EQ(inserted["result"]["structuredContent"]["rows_affected"].GetInt(), 3)
      << text_of(inserted);
  // MULTI_STATEMENT_COUNT=1 goes with every statement: Snowflake refuses a second one.
  auto two = mcp.request(
      call(3, "execute_statement", R"j({"statement":"SELECT 1; DROP TABLE MOCKDB.PUBLIC.MCP_T"})j"),
      "3");
  EXPECT_TRUE(two["result"]["isError"].GetBool());
  EXPECT_NE(text_of(two).find("statement count"), std::string::npos) << text_of(two);
  auto still = mcp.request(
      call(4, "execute_query", R"j({"query":"SELECT COUNT(*) FROM MOCKDB.PUBLIC.MCP_T"})j"), "4");
  EXPECT_EQ(still["result"]["structuredContent"]["rows"][0][0].GetInt(), 3) << text_of(still);
}

}  // namespace
