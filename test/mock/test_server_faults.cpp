// test_server_faults.cpp — injected faults observed by raw clients (statuses with and without
// Retry-After, cut connections, truncated and invalid bodies, slow drip), before and after the
// statement ran, path/method matching, latency, counters and the admin endpoint.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <string>

#include "support/mock_test_support.hpp"

namespace {

using mock_snowflake::Fault;
using mock_snowflake::FaultKind;
using mock_snowflake::FaultWhen;
using mock_test::HttpResult;
using mock_test::parse_json;
using mock_test::parse_raw;
using mock_test::raw_exchange;
using std::chrono::milliseconds;

constexpr char kSubmit[] = "POST /api/v2/statements";
constexpr char kStatus[] = "GET /api/v2/statements/{handle}";

class MockserverFaults : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.admin_endpoint = true; }

  std::string raw_post(const std::string& query = "", const std::string& sql = "SELECT 1") {
    const std::string body = R"({"statement":")" + sql + R"("})";
    return raw_exchange(server_->port(),
                        "POST /api/v2/statements" + query +
                            " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token() +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  }

  static Fault fault(FaultKind kind, int status = 503) {
    Fault f;
    f.kind = kind;
    f.status = status;
    f.method = "POST";
    f.path = "/api/v2/statements";
    return f;
  }
};

TEST_F(MockserverFaults, TooManyRequestsWithAndWithoutRetryAfter) {
  Fault with = fault(FaultKind::status, 429);
  with.retry_after = 3;
  server_->inject_fault(with);
  server_->inject_fault(fault(FaultKind::status, 429));
  EXPECT_EQ(server_->pending_faults(), 2u);

  const auto first = parse_raw(raw_post());
  ASSERT_EQ(first.status, 429);
  EXPECT_EQ(first.headers.find("Retry-After")->second, "3");
  const auto body = parse_json(first.body);
  EXPECT_STREQ(body["code"].GetString(), "390505");
  EXPECT_STREQ(body["message"].GetString(), "Too many requests.");

  const auto second = parse_raw(raw_post());
  ASSERT_EQ(second.status, 429);
  EXPECT_EQ(second.headers.count("Retry-After"), 0u);
  EXPECT_EQ(parse_raw(raw_post()).status, 200) << "the queue is used up";
  const auto counters = server_->counters();
  EXPECT_EQ(counters.requests_with(kSubmit, 429), 2u);
  EXPECT_EQ(counters.requests_with(kSubmit, 200), 1u);
  EXPECT_EQ(counters.executions, 1u) << "faults before processing run nothing";
  EXPECT_EQ(counters.faults_injected, 2u);
}

TEST_F(MockserverFaults, ServerErrorStatuses) {
  for (const int status : {500, 502, 503, 504}) {
    Fault f = fault(FaultKind::status, status);
    f.count = 1;
    server_->inject_fault(f);
    const auto response = parse_raw(raw_post());
    EXPECT_EQ(response.status, status);
    EXPECT_TRUE(response.complete);
  }
  EXPECT_EQ(parse_raw(raw_post()).status, 200);
}

TEST_F(MockserverFaults, FaultAfterExecutionLosesTheAnswerButRetryIsIdempotent) {
  Fault f = fault(FaultKind::status, 503);
  f.when = FaultWhen::after;
  server_->inject_fault(f);
  const std::string id = "5f0c7a52-1111-4222-8333-000000000001";
  const HttpResult lost = post_sql("SELECT 1", "?requestId=" + id);
  ASSERT_EQ(lost.status, 503);
  EXPECT_EQ(server_->counters().executions_of(id), 1u) << "the statement ran";
  const HttpResult retried = post_sql("SELECT 1", "?requestId=" + id + "&retry=true");
  ASSERT_EQ(retried.status, 200);
  EXPECT_STREQ(retried.json()["data"][0][0].GetString(), "1");
  EXPECT_EQ(server_->counters().executions_of(id), 1u) << "exactly once";
}

TEST_F(MockserverFaults, CloseBeforeHeaders) {
  server_->inject_fault(fault(FaultKind::close_before_headers));
  EXPECT_EQ(raw_post(), "") << "not a byte before the connection closed";
  EXPECT_EQ(server_->counters().requests_with(kSubmit, 0), 1u);
  EXPECT_EQ(server_->counters().executions, 0u);
}

TEST_F(MockserverFaults, CloseBeforeHeadersAfterExecution) {
  Fault f = fault(FaultKind::close_before_headers);
  f.when = FaultWhen::after;
  server_->inject_fault(f);
  EXPECT_EQ(raw_post("?requestId=5f0c7a52-1111-4222-8333-000000000002"), "");
  EXPECT_EQ(server_->counters().executions_of("5f0c7a52-1111-4222-8333-000000000002"), 1u);
}

TEST_F(MockserverFaults, CloseAfterHeaders) {
  server_->inject_fault(fault(FaultKind::close_after_headers));
  const auto response = parse_raw(raw_post());
  EXPECT_EQ(response.status, 200) << "the real status line and headers";
  EXPECT_GT(response.content_length, 0u);
  EXPECT_TRUE(response.body.empty());
  EXPECT_FALSE(response.complete);
  EXPECT_EQ(server_->counters().executions, 1u) << "mangling faults act after processing";
}

TEST_F(MockserverFaults, TruncatedBody) {
  server_->inject_fault(fault(FaultKind::truncated_body));
  const auto response = parse_raw(raw_post());
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.body.empty());
  EXPECT_LT(response.body.size(), response.content_length);
}

TEST_F(MockserverFaults, InvalidJson) {
  server_->inject_fault(fault(FaultKind::invalid_json));
  const auto response = parse_raw(raw_post());
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.complete);
  rapidjson::Document document;
  document.Parse(response.body.data(), response.body.size());
  EXPECT_TRUE(document.HasParseError()) << response.body;
}

TEST_F(MockserverFaults, SlowDripDeliversTheWholeBodyInManyWrites) {
  Fault f = fault(FaultKind::slow_drip);
  f.drip_bytes = 32;
  f.drip_interval = milliseconds(10);
  server_->inject_fault(f);
  // Count the separate reads the body needs: a drip arrives in pieces.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server_->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string body = R"({"statement":"SELECT 1"})";
  const std::string request =
      "POST /api/v2/statements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string received;
  int reads = 0;
  char buffer[4096];
  for (;;) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 20000) <= 0) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
    ++reads;
  }
  ::close(fd);
  const auto response = parse_raw(received);
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.status, 200);
  EXPECT_STREQ(parse_json(response.body)["data"][0][0].GetString(), "1");
  EXPECT_GT(reads, static_cast<int>(response.content_length / 32) / 2);
}

TEST_F(MockserverFaults, MatchingByMethodPathPatternAndCount) {
  const std::string handle = post_sql("SELECT 1").json()["statementHandle"].GetString();
  Fault f;
  f.kind = FaultKind::status;
  f.status = 500;
  f.method = "GET";
  f.path = "/api/v2/statements/*?*partition=*";
  f.count = 2;
  server_->inject_fault(f);
  EXPECT_EQ(get("/api/v2/statements/" + handle).status, 200) << "no partition parameter";
  EXPECT_EQ(post_sql("SELECT 1").status, 200) << "another method";
  EXPECT_EQ(get("/api/v2/statements/" + handle + "?partition=0").status, 500);
  EXPECT_EQ(get("/api/v2/statements/" + handle + "?requestId=x&partition=0").status, 500);
  EXPECT_EQ(get("/api/v2/statements/" + handle + "?partition=0").status, 200) << "count used up";
  EXPECT_EQ(server_->pending_faults(), 0u);
}

TEST_F(MockserverFaults, RequestAndStatementLatency) {
  server_->set_request_latency(milliseconds(200));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(post_sql("SELECT 1").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(200));  // a lower bound
  server_->set_request_latency(milliseconds(0));
  server_->set_statement_latency(milliseconds(200));
  started = std::chrono::steady_clock::now();
  EXPECT_EQ(post_sql("SELECT 1").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(200));
}

TEST_F(MockserverFaults, CountersByEndpointAndStatus) {
  const std::string handle = post_sql("SELECT 1").json()["statementHandle"].GetString();
  (void)post_sql("SELECT * FROM NO_SUCH_TABLE_Y");
  (void)get("/api/v2/statements/" + handle);
  (void)get("/api/v2/statements/01aaaaaa-0000-1111-0000-000000000001");
  (void)request("POST", "/api/v2/statements/" + handle + "/cancel");
  (void)get("/nowhere");
  const auto c = server_->counters();
  EXPECT_EQ(c.requests_with(kSubmit, 200), 1u);
  EXPECT_EQ(c.requests_with(kSubmit, 422), 1u);
  EXPECT_EQ(c.requests_with(kStatus, 200), 1u);
  EXPECT_EQ(c.requests_with(kStatus, 400), 1u);
  EXPECT_EQ(c.requests_with("POST /api/v2/statements/{handle}/cancel", 200), 1u);
  EXPECT_EQ(c.requests_with("other", 404), 1u);
  EXPECT_EQ(c.cancels_by_handle.at(handle), 1u);
  EXPECT_EQ(c.statements_by_state.at("succeeded"), 1u);
  EXPECT_EQ(c.statements_by_state.at("failed"), 1u);
  EXPECT_EQ(c.in_flight_requests, 0u);
  server_->reset_counters();
  EXPECT_EQ(server_->counters().requests_to(kSubmit), 0u);
}

TEST_F(MockserverFaults, ParseFaultSpec) {
  std::string error;
  auto f = mock_snowflake::parse_fault_spec(
      "kind=status,status=429,retry_after=2,method=post,path=/api/v2/statements,count=3,"
      "when=after",
      error);
  ASSERT_TRUE(f) << error;
  EXPECT_EQ(f->status, 429);
  EXPECT_EQ(f->retry_after, 2);
  EXPECT_EQ(f->method, "POST");
  EXPECT_EQ(f->count, 3);
  EXPECT_EQ(f->when, FaultWhen::after);
  f = mock_snowflake::parse_fault_spec("kind=slow_drip,drip_bytes=8,drip_ms=5", error);
  ASSERT_TRUE(f) << error;
  EXPECT_EQ(f->drip_bytes, 8u);
  f = mock_snowflake::parse_fault_spec("kind=status,status=500,body={\"a\":1,\"b\":2}", error);
  ASSERT_TRUE(f) << error;
  EXPECT_EQ(f->body, "{\"a\":1,\"b\":2}");
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("kind=nope", error));
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("kind=truncated_body,when=before", error));
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("status=99", error));
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("count=0", error));
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("bogus", error));
}

TEST_F(MockserverFaults, AdminEndpointInjectsFaultsAndReadsCounters) {
  httplib::Client admin("127.0.0.1", server_->port());
  auto posted = admin.Post(
      "/__admin/faults",
      R"([{"kind":"status","status":503,"method":"POST","path":"/api/v2/statements","count":2},)"
      R"({"kind":"close_before_headers","method":"GET"}])",
      "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;
  EXPECT_EQ(parse_json(posted->body)["pending"].GetInt(), 3);
  auto listed = admin.Get("/__admin/faults");
  ASSERT_TRUE(listed);
  EXPECT_EQ(parse_json(listed->body)["faults"].Size(), 2u);
  EXPECT_EQ(post_sql("SELECT 1").status, 503);

  auto bad = admin.Post("/__admin/faults", R"({"kind":"nope"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  auto counters = admin.Get("/__admin/counters");
  ASSERT_TRUE(counters);
  const auto json = parse_json(counters->body);
  EXPECT_EQ(json["requests"][kSubmit]["503"].GetInt(), 1);
  EXPECT_EQ(json["faults_injected"].GetInt(), 1);

  auto reset = admin.Post("/__admin/reset", "", "application/json");
  ASSERT_TRUE(reset);
  EXPECT_EQ(server_->pending_faults(), 0u);
  EXPECT_EQ(server_->counters().faults_injected, 0u);

  auto latency = admin.Post("/__admin/latency", R"({"sync_window_ms":100,"request_ms":0})",
                            "application/json");
  ASSERT_TRUE(latency);
  EXPECT_EQ(latency->status, 200);
  EXPECT_EQ(post_sql("SELECT SYSTEM$WAIT(1)").status, 202) << "the shorter window applies";
  ASSERT_TRUE(admin.Post("/__admin/latency", R"({"sync_window_ms":30000})", "application/json"));

  const std::string handle = post_sql("SELECT 1").json()["statementHandle"].GetString();
  auto state = admin.Get(("/__admin/statements/" + handle).c_str());
  ASSERT_TRUE(state);
  EXPECT_STREQ(parse_json(state->body)["state"].GetString(), "succeeded");
}

TEST_F(MockserverFaults, AdminEndpointRegistersKeysAndTokens) {
  httplib::Client admin("127.0.0.1", server_->port());
  std::string pem = second_key().public_pem();
  std::string body = R"({"slot":2,"public_key":")";
  for (const char c : pem) body += c == '\n' ? std::string("\\n") : std::string(1, c);
  body += R"(","oauth_token":"tok-1"})";
  auto result = admin.Post("/__admin/keys", body, "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(parse_json(result->body)["fingerprint"].GetString(),
            "SHA256:" + second_key().fingerprint());
  const HttpResult with_second =
      post_statement(R"({"statement":"SELECT 1"})", "",
                     {{"Authorization", "Bearer " + mock_test::mint_jwt(second_key())}});
  EXPECT_EQ(with_second.status, 200);
  EXPECT_EQ(
      post_statement(R"({"statement":"SELECT 1"})", "", {{"Authorization", "Bearer tok-1"}}).status,
      200);
}

// Every request but the admin endpoint's is counted by its User-Agent (values sent twice joined),
// at most 64 different ones, and the admin endpoint reports them.
TEST_F(MockserverFaults, RequestsAreCountedByTheirUserAgent) {
  server_->reset_counters();
  EXPECT_EQ(post_sql("SELECT 1").status, 200);
  EXPECT_EQ(
      post_statement(R"({"statement":"SELECT 1"})", "", {{"User-Agent", "second/1.0"}}).status,
      200);
  const std::map<std::string, std::uint64_t> expected = {{"mock-tests/1.0", 1},
                                                         {"second/1.0 | mock-tests/1.0", 1}};
  EXPECT_EQ(server_->counters().user_agents, expected);
  httplib::Client admin("127.0.0.1", server_->port());
  auto counters = admin.Get("/__admin/counters");
  ASSERT_TRUE(counters);
  const auto json = parse_json(counters->body);
  ASSERT_TRUE(json.HasMember("user_agents")) << counters->body;
  EXPECT_EQ(json["user_agents"].MemberCount(), 2u) << "the admin request is not counted";
  EXPECT_EQ(json["user_agents"]["mock-tests/1.0"].GetInt(), 1);

  server_->reset_counters();
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(get("/nowhere", {{"User-Agent", "agent-" + std::to_string(i)}}).status, 404);
  }
  const auto agents = server_->counters().user_agents;
  EXPECT_EQ(agents.size(), 65u);
  ASSERT_EQ(agents.count("(others)"), 1u);
  EXPECT_EQ(agents.at("(others)"), 6u);
}

class MockserverWithoutAdmin : public mock_test::MockServerTest {};

TEST_F(MockserverWithoutAdmin, AdminEndpointIsOffByDefaultInProcess) {
  httplib::Client admin("127.0.0.1", server_->port());
  auto result = admin.Get("/__admin/counters");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
}

}  // namespace
