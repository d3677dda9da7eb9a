// test_server_http.cpp — the emulator's HTTP surface: routes, payload errors, headers, gzip,
// nullable, bindings and result partitions, over real loopback sockets.
#include <regex>

#include "support/mock_test_support.hpp"

namespace {

using mock_test::HttpResult;
using mock_test::keys_of;
using mock_test::parse_json;
using mock_test::parse_raw;
using mock_test::raw_exchange;

class MockserverHttp : public mock_test::MockServerTest {};

TEST_F(MockserverHttp, SelectAnswersResultSetInRealFieldOrder) {
  const HttpResult result = post_sql("SELECT 1");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json), (std::vector<std::string>{"resultSetMetaData", "data", "code",
                                                     "statementStatusUrl", "requestId", "sqlState",
                                                     "statementHandle", "message", "createdOn"}));
  EXPECT_EQ(keys_of(json["resultSetMetaData"]),
            (std::vector<std::string>{"numRows", "format", "partitionInfo", "rowType"}));
  EXPECT_STREQ(json["code"].GetString(), "090001");
  EXPECT_STREQ(json["sqlState"].GetString(), "00000");
  EXPECT_STREQ(json["message"].GetString(), "Statement executed successfully.");
  EXPECT_STREQ(json["resultSetMetaData"]["format"].GetString(), "jsonv2");
  EXPECT_EQ(json["resultSetMetaData"]["numRows"].GetInt(), 1);
  ASSERT_EQ(json["data"].Size(), 1u);
  EXPECT_STREQ(json["data"][0][0].GetString(), "1");
  const std::string handle = json["statementHandle"].GetString();
  EXPECT_TRUE(
      std::regex_match(handle, std::regex("01[0-9a-f]{6}-0000-[0-9a-f]{4}-0000-[0-9a-f]{12}")))
      << handle;
  const std::string request_id = json["requestId"].GetString();
  EXPECT_EQ(json["statementStatusUrl"].GetString(),
            "/api/v2/statements/" + handle + "?requestId=" + request_id);
  EXPECT_TRUE(json["createdOn"].IsInt64());
  EXPECT_EQ(result.header("Content-Type"), "application/json");
  EXPECT_EQ(result.header("Vary"), "Accept-Encoding, User-Agent");
  const std::string link = result.header("Link");
  const std::regex link_pattern(
      "</api/v2/statements/" + handle +
      R"(\?requestId=([0-9a-f-]{36})&partition=0>; rel="first",</api/v2/statements/)" + handle +
      R"(\?requestId=([0-9a-f-]{36})&partition=0>; rel="last")");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(link, match, link_pattern)) << link;
  EXPECT_NE(match[1].str(), match[2].str()) << "every Link URL gets a fresh requestId";
  EXPECT_FALSE(result.gzipped);
}

TEST_F(MockserverHttp, ClientRequestIdIsEchoed) {
  const HttpResult result = post_sql("SELECT 1", "?requestId=ea7b46ed-bdc1-8c32-d593-764fcad64e83");
  ASSERT_EQ(result.status, 200);
  const auto json = result.json();
  EXPECT_STREQ(json["requestId"].GetString(), "ea7b46ed-bdc1-8c32-d593-764fcad64e83");
  EXPECT_NE(std::string(json["statementStatusUrl"].GetString())
                .find("?requestId=ea7b46ed-bdc1-8c32-d593-764fcad64e83"),
            std::string::npos);
}

TEST_F(MockserverHttp, UnknownPathIs404AndWrongMethodIs405WithEmptyBody) {
  EXPECT_EQ(get("/api/v2/hello").status, 404);
  const HttpResult put = request("PUT", "/api/v2/statements", "{}");
  EXPECT_EQ(put.status, 405);
  EXPECT_TRUE(put.body.empty());
  EXPECT_EQ(put.header("Content-Length"), "0");
  EXPECT_EQ(get("/api/v2/statements").status, 405);
  EXPECT_EQ(get("/api/v2/statements/01aa-0000/cancel").status, 405);
  EXPECT_EQ(request("POST", "/api/v2/statements/01aa-0000", "{}").status, 405);
}

TEST_F(MockserverHttp, InvalidPayloadIs400_390142) {
  for (const std::string body : {"not json", "[1,2]", "\"text\"", "{\"statement\": 5}",
                                 "{\"statement\":\"select 1\",\"bindings\":[1]}"}) {
    const HttpResult result = post_statement(body);
    ASSERT_EQ(result.status, 400) << body;
    const auto json = result.json();
    EXPECT_STREQ(json["code"].GetString(), "390142") << body;
    EXPECT_STREQ(json["message"].GetString(), "Incoming request does not contain a valid payload.");
  }
}

TEST_F(MockserverHttp, MissingOrEmptyStatementIs400_000900) {
  for (const std::string body :
       {"{}", R"({"statement":""})", R"({"statement":"   "})", R"({"timeout":10})"}) {
    const HttpResult result = post_statement(body);
    ASSERT_EQ(result.status, 400) << body;
    const auto json = result.json();
    EXPECT_STREQ(json["code"].GetString(), "000900");
    EXPECT_STREQ(json["message"].GetString(), "SQL compilation error:\nEmpty SQL statement.");
    EXPECT_STREQ(json["sqlState"].GetString(), "42601");
    EXPECT_TRUE(json["statementHandle"].IsNull());
  }
}

TEST_F(MockserverHttp, FieldNamesAreCaseInsensitiveAndUnknownFieldsIgnored) {
  const HttpResult result = post_statement(
      R"({"STATEMENT":"SELECT 1","Timeout":"10","resultSetMetaData":{"format":"json"},)"
      R"("pageSize":10,"Parameters":{"query_tag":"x","MULTI_STATEMENT_COUNT":1}})",
      "?pageSize=10&unknown=1");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_STREQ(result.json()["data"][0][0].GetString(), "1");
}

TEST_F(MockserverHttp, DuplicateContentTypeIsJerseyBadRequest) {
  const std::string request =
      "POST /api/v2/statements HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token() +
      "\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\n"
      "Content-Length: 23\r\nConnection: close\r\n\r\n{\"statement\":\"select 1\"}";
  const auto response = parse_raw(raw_exchange(server_->port(), request));
  ASSERT_EQ(response.status, 400);
  const auto json = parse_json(response.body);
  EXPECT_EQ(keys_of(json), (std::vector<std::string>{"servlet", "message", "url", "status"}));
  EXPECT_EQ(std::string(json["servlet"].GetString()).rfind("com.sun.jersey", 0), 0u);
  EXPECT_STREQ(json["message"].GetString(), "Bad Request");
  EXPECT_STREQ(json["url"].GetString(), "/api/v2/statements");
  EXPECT_STREQ(json["status"].GetString(), "400");
}

TEST_F(MockserverHttp, NonJsonContentTypeIs415) {
  httplib::Client client("127.0.0.1", server_->port());
  auto result = client.Post("/api/v2/statements", {{"Authorization", "Bearer " + token()}},
                            R"({"statement":"SELECT 1"})", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_STREQ(parse_json(result->body)["status"].GetString(), "415");
  auto with_charset = client.Post("/api/v2/statements", {{"Authorization", "Bearer " + token()}},
                                  R"({"statement":"SELECT 1"})", "application/json; charset=utf-8");
  ASSERT_TRUE(with_charset);
  EXPECT_EQ(with_charset->status, 200);
}

TEST_F(MockserverHttp, GzipWhenAccepted) {
  const HttpResult plain = post_sql("SELECT 1");
  EXPECT_FALSE(plain.gzipped);
  const HttpResult zipped =
      post_statement(R"({"statement":"SELECT 1"})", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_TRUE(zipped.gzipped) << "gzip, never brotli, like the real server";
  EXPECT_STREQ(zipped.json()["data"][0][0].GetString(), "1");
  const HttpResult refused =
      post_statement(R"({"statement":"SELECT 1"})", "", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_FALSE(refused.gzipped);
}

TEST_F(MockserverHttp, NullableFalseSendsNullAsString) {
  const auto with_null = post_sql("SELECT NULL").json();
  EXPECT_TRUE(with_null["data"][0][0].IsNull());
  const auto as_text = post_sql("SELECT NULL", "?nullable=false").json();
  ASSERT_TRUE(as_text["data"][0][0].IsString());
  EXPECT_STREQ(as_text["data"][0][0].GetString(), "null");
}

TEST_F(MockserverHttp, BindingsReachTheEngine) {
  const HttpResult result =
      post_statement(R"({"statement":"SELECT ?","bindings":{"1":{"type":"FIXED","value":"123"}}})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_STREQ(result.json()["data"][0][0].GetString(), "123");
}

TEST_F(MockserverHttp, NullAndArrayBindingsReachTheEngine) {
  const HttpResult null_bound =
      post_statement(R"({"statement":"SELECT ?","bindings":{"1":{"type":"TEXT","value":null}}})");
  ASSERT_EQ(null_bound.status, 200) << null_bound.body;
  EXPECT_TRUE(null_bound.json()["data"][0][0].IsNull());
  const std::string context = R"j(,"database":"MOCKDB","schema":"PUBLIC")j";
  ASSERT_EQ(
      post_statement(R"j({"statement":"CREATE TABLE BATCH_T (I INT)")j" + context + "}").status,
      200);
  // An array value runs the statement once per element (batch insert).
  const HttpResult batch = post_statement(
      R"j({"statement":"INSERT INTO BATCH_T VALUES (?)","bindings":{"1":{"type":"FIXED",)j"
      R"j("value":["1","2","3"]}})j" +
      context + "}");
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.json()["stats"]["numRowsInserted"].GetInt(), 3);
}

TEST_F(MockserverHttp, SqlErrorIs422WithCodeStateAndHandle) {
  const HttpResult result = post_sql("SELECT * FROM MOCKDB.PUBLIC.NO_SUCH_TABLE_ANYWHERE");
  ASSERT_EQ(result.status, 422) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json),
            (std::vector<std::string>{"code", "message", "sqlState", "statementHandle"}));
  EXPECT_STREQ(json["code"].GetString(), "002003");
  EXPECT_STREQ(json["sqlState"].GetString(), "42S02");
  EXPECT_TRUE(result.header("Link").empty()) << "error answers carry no Link";
}

TEST_F(MockserverHttp, UnknownHandleIs400_000709) {
  const HttpResult result = get("/api/v2/statements/01aaaaaa-0000-1111-0000-000000000001");
  ASSERT_EQ(result.status, 400);
  const auto json = result.json();
  EXPECT_STREQ(json["code"].GetString(), "000709");
  EXPECT_STREQ(json["sqlState"].GetString(), "02000");
  EXPECT_STREQ(json["message"].GetString(),
               "Statement 01aaaaaa-0000-1111-0000-000000000001 not found");
}

TEST_F(MockserverHttp, FinishedHandleStaysReadable) {
  const auto first = post_sql("SELECT 7").json();
  const std::string handle = first["statementHandle"].GetString();
  for (const std::string query :
       {"", "?partition=0", "?requestId=1b4e2a3c-0000-4000-8000-000000000001"}) {
    const HttpResult again = get("/api/v2/statements/" + handle + query);
    ASSERT_EQ(again.status, 200) << query;
    const auto json = again.json();
    EXPECT_TRUE(json.HasMember("resultSetMetaData")) << query;
    EXPECT_STREQ(json["data"][0][0].GetString(), "7");
    EXPECT_STREQ(json["statementHandle"].GetString(), handle.c_str());
  }
}

TEST_F(MockserverHttp, DmlStatsAtTopLevelOnlyWhenRowsChanged) {
  const auto in_mockdb = [this](const std::string& sql) {
    return post_statement(R"j({"statement":")j" + sql +
                          R"j(","database":"MOCKDB","schema":"PUBLIC"})j");
  };
  ASSERT_EQ(in_mockdb("CREATE TABLE DML_T (I INT)").status, 200);
  const HttpResult inserted = in_mockdb("INSERT INTO DML_T VALUES (1), (2)");
  ASSERT_EQ(inserted.status, 200) << inserted.body;
  const auto json = inserted.json();
  EXPECT_EQ(keys_of(json).back(), "stats");
  EXPECT_EQ(keys_of(json["stats"]),
            (std::vector<std::string>{"numRowsInserted", "numRowsDeleted", "numRowsUpdated",
                                      "numDmlDuplicates"}));
  EXPECT_EQ(json["stats"]["numRowsInserted"].GetInt(), 2);
  const HttpResult none = in_mockdb("DELETE FROM DML_T WHERE I > 5");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_FALSE(none.json().HasMember("stats")) << "no row changed";
  EXPECT_FALSE(post_sql("SELECT 1").json().HasMember("stats"));
}

}  // namespace

namespace {

class MockserverStartStop : public mock_test::MockServerTest {};

TEST_F(MockserverStartStop, StartTwiceOrAfterStopFailsAndStopIsIdempotent) {
  std::string error;
  EXPECT_FALSE(server_->start(error));
  EXPECT_EQ(error, "the server is already started");
  server_->stop();
  server_->stop();
  EXPECT_FALSE(server_->start(error));
  EXPECT_EQ(error, "a stopped server cannot restart");
}

TEST_F(MockserverStartStop, BusyPortIsReported) {
  mock_snowflake::ServerOptions options;
  options.port = server_->port();
  mock_snowflake::Server second(options);
  std::string error;
  EXPECT_FALSE(second.start(error));
  EXPECT_NE(error.find(std::to_string(server_->port())), std::string::npos) << error;
}

}  // namespace
