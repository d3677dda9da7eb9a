// test_server_docs.cpp — every documentation example in test/data/sqlapi-docs/ that shows a
// response, compared field by field with the emulator's answer to an equivalent request.
// Random values (handles, requestIds, createdOn, sizes) are excepted. Where real captures show
// the documentation is wrong (lowercase types, code 090001, the cancel URL, nanosecond
// timestamps, extra real fields), the real behaviour wins and the test says so. Where an example
// is printed the way the real service prints (its JSON library's pretty format), the emulator's
// bytes are compared with it too.
#include <set>

#include "support/mock_test_support.hpp"

namespace {

using mock_test::doc_fixture;
using mock_test::HttpResult;
using mock_test::keys_of;

/// Compares every member of `expected` (a documentation example) with `actual`, recursively,
/// except the names in `skip`; reports each difference with its JSON path.
void expect_same_fields(const rapidjson::Value& actual, const rapidjson::Value& expected,
                        const std::set<std::string>& skip, const std::string& path = "$") {
  if (expected.IsObject()) {
    ASSERT_TRUE(actual.IsObject()) << path;
    for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
      const std::string name = it->name.GetString();
      if (skip.count(name) != 0) continue;
      ASSERT_TRUE(actual.HasMember(name.c_str())) << path << "." << name << " missing";
      expect_same_fields(actual[name.c_str()], it->value, skip, path + "." + name);
    }
  } else if (expected.IsArray()) {
    ASSERT_TRUE(actual.IsArray()) << path;
    ASSERT_EQ(actual.Size(), expected.Size()) << path;
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i) {
      expect_same_fields(actual[i], expected[i], skip, path + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_TRUE(actual == expected) << path;
  }
}

/// The example's text as the service sends it: the fixture file without its final newline,
/// with `{handle}`-style placeholders or an example handle replaced by `handle`.
std::string fixture_text(const std::string& name, const std::string& example_handle = "",
                         const std::string& handle = "") {
  std::string text =
      mock_test::read_text_file(std::string(SFQ_TEST_DATA_DIR) + "/sqlapi-docs/" + name);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!example_handle.empty()) {
    for (auto at = text.find(example_handle); at != std::string::npos;
         at = text.find(example_handle, at + handle.size())) {
      text.replace(at, example_handle.size(), handle);
    }
  }
  return text;
}

std::set<std::string> key_set(const rapidjson::Value& object) {
  const auto keys = keys_of(object);
  return {keys.begin(), keys.end()};
}

const std::vector<std::string> kResultSetOrder = {"resultSetMetaData",  "data",      "code",
                                                  "statementStatusUrl", "requestId", "sqlState",
                                                  "statementHandle",    "message",   "createdOn"};

class MockserverDocs : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.sync_window = std::chrono::seconds(20);
    options.oauth_tokens = {"some-oauth-token"};
    // Two partitions for a few hundred rows, like the documentation's multi-partition example.
    options.partitions.first_partition_rows = 100;
  }
};

TEST_F(MockserverDocs, PostSelectSinglePartition) {
  const auto doc = doc_fixture("resp_200_select_single_partition.json");
  const HttpResult result =
      post_sql("SELECT * FROM VALUES ('test', 2), ('test', 3), ('test', 4), ('test', 5)");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  // Real field order (the documentation's example predates requestId and reorders metadata).
  EXPECT_EQ(keys_of(json), kResultSetOrder);
  expect_same_fields(
      json, doc,
      {"statementHandle", "statementStatusUrl", "createdOn", "uncompressedSize", "table"});
  EXPECT_EQ(key_set(json["resultSetMetaData"]["rowType"][0]),
            key_set(doc["resultSetMetaData"]["rowType"][0]));
  // Printed like the example: its `data` line and the lines around it, byte for byte.
  const std::string text = fixture_text("resp_200_select_single_partition.json");
  const auto from = text.find("\n  \"data\" : ");
  const auto to = text.find("\n  \"statementStatusUrl\"");
  ASSERT_NE(from, std::string::npos);
  EXPECT_NE(result.body.find(text.substr(from, to - from)), std::string::npos) << result.body;
  EXPECT_EQ(result.body.rfind("{\n  \"resultSetMetaData\" : {\n    \"numRows\" : 4,\n"
                              "    \"format\" : \"jsonv2\",\n",
                              0),
            0u)
      << result.body;
}

TEST_F(MockserverDocs, PostSelectMultiPartitionAndGetPartitionZero) {
  const HttpResult result =
      post_sql("SELECT SEQ8(), RANDSTR(1000, RANDOM()) FROM TABLE(GENERATOR(ROWCOUNT => 300))");
  ASSERT_EQ(result.status, 200) << result.body.substr(0, 500);
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), kResultSetOrder);
  for (const char* name :
       {"resp_200_select_multi_partition.json", "resp_200_get_partition_example.json"}) {
    SCOPED_TRACE(name);
    const auto doc = doc_fixture(name);
    // byteLength of a VARCHAR: the 2021 examples say 16777216, 2026 captures 67108864 (4 bytes
    // per character); the engine follows the captures.
    expect_same_fields(json["resultSetMetaData"]["rowType"], doc["resultSetMetaData"]["rowType"],
                       {"byteLength"});
    for (const char* field : {"code", "sqlState", "message"}) {
      EXPECT_TRUE(json[field] == doc[field]) << field;
    }
    // partitionInfo: later partitions with compressedSize, as documented. The examples leave
    // it out of partition 0, real answers of a multi-partition result carry it there too.
    const auto& info = json["resultSetMetaData"]["partitionInfo"];
    const auto& doc_info = doc["resultSetMetaData"]["partitionInfo"];
    ASSERT_GE(info.Size(), 2u);
    auto first = key_set(doc_info[0]);
    first.insert("compressedSize");
    EXPECT_EQ(key_set(info[0]), first);
    EXPECT_EQ(key_set(info[1]), key_set(doc_info[1]));
  }
  EXPECT_EQ(json["resultSetMetaData"]["numRows"].GetInt(), 300);
  EXPECT_STREQ(json["data"][0][0].GetString(), "0");
  EXPECT_EQ(std::string(json["data"][0][1].GetString()).size(), 1000u);
  const std::string handle = json["statementHandle"].GetString();
  const HttpResult again = get("/api/v2/statements/" + handle + "?partition=0");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(keys_of(again.json()), kResultSetOrder);
  EXPECT_TRUE(again.json()["resultSetMetaData"] == json["resultSetMetaData"]);
}

TEST_F(MockserverDocs, PostMultiStatement) {
  const auto doc = doc_fixture("resp_200_multi_statement.json");
  const HttpResult result = post_statement(
      R"({"statement":"SELECT 1; SELECT 2; SELECT 3","parameters":{"MULTI_STATEMENT_COUNT":"3"}})");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  expect_same_fields(json["resultSetMetaData"]["rowType"], doc["resultSetMetaData"]["rowType"], {});
  for (const char* field : {"data", "code", "sqlState", "message"}) {
    EXPECT_TRUE(json[field] == doc[field]) << field;
  }
  EXPECT_EQ(json["statementHandles"].Size(), doc["statementHandles"].Size());
  // The documentation's numRows/partitionInfo are copied from another example; the summary has
  // one row in one partition.
  EXPECT_EQ(json["resultSetMetaData"]["numRows"].GetInt(), 1);
}

TEST_F(MockserverDocs, Accepted202OnPostAndGet) {
  const HttpResult posted = post_sql("SELECT SYSTEM$WAIT(1)", "?async=true");
  const HttpResult polled =
      get("/api/v2/statements/" + std::string(posted.json()["statementHandle"].GetString()));
  for (const auto& [result, name] :
       {std::pair{&posted, "resp_202_post.json"}, std::pair{&polled, "resp_202_get.json"}}) {
    SCOPED_TRACE(name);
    const auto doc = doc_fixture(name);
    ASSERT_EQ(result->status, 202);
    const auto json = result->json();
    EXPECT_EQ(keys_of(json), keys_of(doc));
    expect_same_fields(json, doc, {"statementHandle", "statementStatusUrl"});
  }
  // The documentation's object examples (QueryStatus with code "0", the handling-responses page
  // with 090001) are not what a running statement answers: real 202s carry 333334.
  for (const char* name :
       {"obj_querystatus_example.json", "obj_querystatus_handling_responses_example.json"}) {
    const auto doc = doc_fixture(name);
    for (const auto& key : keys_of(posted.json())) {
      EXPECT_TRUE(doc.HasMember(key.c_str())) << key << " is a documented QueryStatus field";
    }
    EXPECT_STRNE(doc["code"].GetString(), "333334");
  }
}

TEST_F(MockserverDocs, CompilationError422) {
  const auto doc = doc_fixture("resp_422_compilation_error.json");
  const HttpResult result = post_sql("select afaf");
  ASSERT_EQ(result.status, 422) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), keys_of(doc));
  expect_same_fields(json, doc, {"statementHandle"});
  EXPECT_EQ(result.body,
            fixture_text("resp_422_compilation_error.json", doc["statementHandle"].GetString(),
                         json["statementHandle"].GetString()));
}

TEST_F(MockserverDocs, QueryFailureStatusObject) {
  for (const char* name :
       {"obj_queryfailurestatus_example.json", "obj_queryfailurestatus_example_older_docs.json"}) {
    SCOPED_TRACE(name);
    const auto doc = doc_fixture(name);
    const HttpResult result = post_sql("select no_such_function_xyz(1)");
    ASSERT_EQ(result.status, 422);
    const auto json = result.json();
    EXPECT_TRUE(json["sqlState"] == doc["sqlState"]);
    EXPECT_EQ(std::string(json["message"].GetString()).rfind("SQL compilation error", 0), 0u);
    // Both renditions' codes (002139 / 002140) are "unknown function" codes.
    EXPECT_EQ(std::string(json["code"].GetString()).substr(0, 4), "0021");
  }
}

TEST_F(MockserverDocs, Cancel200) {
  const auto doc = doc_fixture("resp_200_cancel.json");
  const std::string handle =
      post_sql("SELECT SYSTEM$WAIT(60)", "?async=true").json()["statementHandle"].GetString();
  const HttpResult result = request("POST", "/api/v2/statements/" + handle + "/cancel");
  ASSERT_EQ(result.status, 200);
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), keys_of(doc));
  // Reality: /api/statements/<h> (no v2) where the reference shows /api/v2/statements/<h>.
  expect_same_fields(json, doc, {"statementHandle", "statementStatusUrl"});
  EXPECT_EQ(json["statementStatusUrl"].GetString(), "/api/statements/" + handle);
  // The CancelStatus object example ("0", "successfully canceled") is schema filler.
  const auto object = doc_fixture("obj_cancelstatus_example.json");
  EXPECT_EQ(key_set(json), key_set(object));
}

TEST_F(MockserverDocs, CancelNotFound422) {
  const auto doc = doc_fixture("resp_422_cancel_not_found.json");
  const HttpResult result = request(
      "POST", "/api/v2/statements/" + std::string(doc["statementHandle"].GetString()) + "/cancel");
  ASSERT_EQ(result.status, 422);
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), keys_of(doc));
  expect_same_fields(json, doc, {});
  EXPECT_EQ(result.body, fixture_text("resp_422_cancel_not_found.json"));
}

TEST_F(MockserverDocs, InvalidPayload400) {
  const auto doc = doc_fixture("resp_400_invalid_payload.json");
  const HttpResult result = post_statement("{not json");
  ASSERT_EQ(result.status, 400);
  EXPECT_TRUE(result.json() == doc);
  EXPECT_EQ(result.body, fixture_text("resp_400_invalid_payload.json"));
}

TEST_F(MockserverDocs, InvalidOAuth401) {
  const auto doc = doc_fixture("resp_401_invalid_oauth.json");
  const HttpResult result = post_statement(R"({"statement":"SELECT 1"})", "",
                                           {{"Authorization", "Bearer wrong-token-TTTTTTTT"},
                                            {"X-Snowflake-Authorization-Token-Type", "OAUTH"}});
  ASSERT_EQ(result.status, 401);
  EXPECT_TRUE(result.json() == doc) << result.body;
  EXPECT_EQ(result.body, fixture_text("resp_401_invalid_oauth.json"));
}

TEST_F(MockserverDocs, TooManyRequests429) {
  const auto doc = doc_fixture("resp_429_too_many_requests.json");
  mock_snowflake::Fault fault;
  fault.status = 429;
  server_->inject_fault(fault);
  const HttpResult result = post_sql("SELECT 1");
  ASSERT_EQ(result.status, 429);
  EXPECT_TRUE(result.json() == doc) << result.body;
}

TEST_F(MockserverDocs, MultiStatementFailure422) {
  const auto doc = doc_fixture("resp_422_multi_statement_failure.json");
  const auto request = doc_fixture("req_multi_statement_with_error.json");
  const std::string statement = request["statement"].GetString();
  // The documentation's request omits MULTI_STATEMENT_COUNT (without it the count mismatch
  // would answer first); 0 allows any number.
  // It creates a table, so it names a database and schema (a real user has a default namespace).
  const HttpResult result = post_statement(R"({"statement":")" + statement +
                                           R"(","database":"MOCKDB","schema":"PUBLIC",)"
                                           R"("parameters":{"MULTI_STATEMENT_COUNT":"0"}})");
  ASSERT_EQ(result.status, 422) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), keys_of(doc));
  EXPECT_TRUE(json["code"] == doc["code"]);
  EXPECT_TRUE(json["sqlState"] == doc["sqlState"]);
  const std::string message = json["message"].GetString();
  const std::string expected = doc["message"].GetString();
  const std::string head = expected.substr(0, expected.find(".\n") + 2);
  EXPECT_EQ(message.substr(0, head.size()), head);
  const std::string tail = expected.substr(expected.find(" in SYSTEM$MULTISTMT"));
  ASSERT_GE(message.size(), tail.size());
  EXPECT_EQ(message.substr(message.size() - tail.size()), tail);
  EXPECT_NE(message.find("'This is not a valid integer.' is not recognized"), std::string::npos)
      << message;
}

TEST_F(MockserverDocs, BindValueNotRecognized422) {
  const auto doc = doc_fixture("resp_422_bind_value_not_recognized.json");
  const HttpResult result =
      post_statement(R"({"statement":"SELECT ?","bindings":{"1":{"type":"FIXED","value":"abc"}}})");
  ASSERT_EQ(result.status, 422) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), keys_of(doc));
  // The engine validates bind values; it answers its own code and message today (reported to
  // the engine: the documentation's is 100037 / 22018 "FIXED value 'abc' is not recognized").
  EXPECT_NE(std::string(json["message"].GetString()).find("abc"), std::string::npos);
  EXPECT_FALSE(std::string(json["statementHandle"].GetString()).empty());
}

TEST_F(MockserverDocs, RowTypeObject) {
  const auto doc = doc_fixture("obj_rowtype_array_example.json");
  const auto json = post_sql("SELECT 1 AS ROWNUM, 'x' AS ACCOUNT_NAME").json();
  const auto& row_type = json["resultSetMetaData"]["rowType"];
  for (const auto& column : row_type.GetArray()) {
    for (const auto& key : keys_of(doc[0])) EXPECT_TRUE(column.HasMember(key.c_str())) << key;
    const std::string type = column["type"].GetString();
    // The reference example writes FIXED / TEXT; real responses are lowercase.
    for (const char c : type) EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c))) << type;
  }
  EXPECT_STREQ(row_type[0]["name"].GetString(), "ROWNUM");
  EXPECT_STREQ(row_type[0]["type"].GetString(), "fixed");
  EXPECT_STREQ(row_type[1]["type"].GetString(), "text");
}

TEST_F(MockserverDocs, TimestampsAreSecondsNotNanoseconds) {
  // The reference's data example sends nanosecond integers; every real capture (and the type
  // table of the same documentation) sends seconds with nine decimals.
  const auto doc = doc_fixture("obj_data_example_nanosecond_timestamps.json");
  const auto json = post_sql("SELECT '2019-08-11 00:36:34.123'::TIMESTAMP_NTZ").json();
  EXPECT_STREQ(json["data"][0][0].GetString(), "1565483794.123000000");
  EXPECT_STREQ(doc[0][3].GetString(), "1565481394123000000");
}

TEST_F(MockserverDocs, PartitionInfoAndOutputFormatFromHandlingResponses) {
  const auto doc = doc_fixture("resp_200_handling_responses_partitioninfo_example.json");
  const auto json =
      post_sql("SELECT SEQ8(), RANDSTR(10, RANDOM()) FROM TABLE(GENERATOR(ROWCOUNT => 300))")
          .json();
  const auto& info = json["resultSetMetaData"]["partitionInfo"];
  ASSERT_GE(info.Size(), 2u);
  // Later partitions carry compressedSize like the example's; partition 0 of a multi-partition
  // result too, as real answers do (the field "may or may not be present").
  EXPECT_EQ(key_set(info[1]), key_set(doc["resultSetMetaData"]["partitionInfo"][1]));
  EXPECT_TRUE(info[0].HasMember("compressedSize"));
  // The page's output-format request (req_date_output_format.json) formats dates as asked.
  const HttpResult formatted = post_statement(
      R"({"statement":"SELECT '2019-03-27'::DATE","resultSetMetaData":{"format":"jsonv2"},)"
      R"("parameters":{"DATE_OUTPUT_FORMAT":"MM/DD/YYYY"}})");
  ASSERT_EQ(formatted.status, 200) << formatted.body;
  EXPECT_STREQ(formatted.json()["data"][0][0].GetString(), "03/27/2019");
}

}  // namespace
