// test_server_fidelity.cpp — the emulator's answers match the real service's where older
// versions differed: pretty-printed first responses and errors (later partitions stay compact),
// the empty-statement compilation error, a GET without requestId repeating the submission's,
// roles checked against the user's grants, and JWT validity against a clock that can be skewed
// (in-process, through the admin endpoint and through the executable's flags).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/mock_test_support.hpp"

extern char** environ;

namespace {

using mock_test::HttpResult;
using mock_test::JwtClaims;
using mock_test::keys_of;
using mock_test::mint_jwt;
using mock_test::now_seconds;

constexpr char kRoleMessageTail[] =
    "' specified in the connect string is not granted to this user. Contact your local system "
    "administrator, or attempt to login with another role, e.g. PUBLIC.";

std::string bearer(const std::string& token) { return "Bearer " + token; }

class MockserverFidelity : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.admin_endpoint = true;
    options.default_role = "ANALYST";
    options.partitions.first_partition_rows = 100;
  }
  /// An admin request (no Authorization needed); returns the parsed answer.
  HttpResult admin(const std::string& method, const std::string& path,
                   const std::string& body = "") {
    return request(method, path, body, {{"Authorization", "none"}});
  }
};

// ---------------------------------------------------------------- pretty bodies

TEST_F(MockserverFidelity, ResultSetIsPrettyPrintedLikeTheRealService) {
  const HttpResult result = post_sql("SELECT 1 AS A, 'x' AS B UNION ALL SELECT 2, NULL");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  const std::string handle = json["statementHandle"].GetString();
  const std::string request_id = json["requestId"].GetString();
  const std::string body = result.body;
  // Members on their own lines, two spaces per object level, " : " between key and value.
  EXPECT_EQ(body.rfind("{\n  \"resultSetMetaData\" : {\n    \"numRows\" : 2,\n"
                       "    \"format\" : \"jsonv2\",\n    \"partitionInfo\" : [ {\n"
                       "      \"rowCount\" : 2,\n",
                       0),
            0u)
      << body;
  // Objects inside arrays open on the array's line; arrays of scalars stay on one line.
  EXPECT_NE(body.find("    } ],\n    \"rowType\" : [ {\n      \"name\" : \"A\",\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\n    }, {\n      \"name\" : \"B\",\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\n  \"data\" : [ [ \"1\", \"x\" ], [ \"2\", null ] ],\n"
                      "  \"code\" : \"090001\",\n"),
            std::string::npos)
      << body;
  const std::string tail =
      "  \"statementStatusUrl\" : \"/api/v2/statements/" + handle + "?requestId=" + request_id +
      "\",\n  \"requestId\" : \"" + request_id + "\",\n  \"sqlState\" : \"00000\",\n" +
      "  \"statementHandle\" : \"" + handle + "\",\n" +
      "  \"message\" : \"Statement executed successfully.\",\n" +
      "  \"createdOn\" : " + std::to_string(json["createdOn"].GetInt64()) + "\n}";
  ASSERT_GE(body.size(), tail.size());
  EXPECT_EQ(body.substr(body.size() - tail.size()), tail) << "no final newline";
}

TEST_F(MockserverFidelity, PrettyRowsKeepEveryCharacterOfTheirStrings) {
  // Brackets, commas, quotes, backslashes, newlines and non-ASCII text inside cells must pass
  // the re-printing of partition 0 untouched.
  // As JSON text in the request: decodes to a"b\c],[x, <newline>é漢 ]
  const std::string tricky = "a\\\"b\\\\c],[x, \\n\u00e9\u6f22 ]";
  const HttpResult result = post_statement(R"({"statement":"SELECT ? AS T, '' AS E, NULL AS N",)"
                                           R"("bindings":{"1":{"type":"TEXT","value":")" +
                                           tricky + R"("}}})");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  EXPECT_STREQ(json["data"][0][0].GetString(), "a\"b\\c],[x, \n\u00e9\u6f22 ]");
  EXPECT_STREQ(json["data"][0][1].GetString(), "");
  EXPECT_TRUE(json["data"][0][2].IsNull());
  EXPECT_NE(result.body.find("\n  \"data\" : [ [ \"a\\\"b"), std::string::npos) << result.body;
  EXPECT_NE(result.body.find(" ]\", \"\", null ] ],\n"), std::string::npos) << result.body;
}

TEST_F(MockserverFidelity, EmptyResultAndStatusAndErrorBodiesArePretty) {
  const HttpResult empty = post_sql("SELECT 1 AS A WHERE 1 = 0");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_NE(empty.body.find("\n  \"data\" : [ ],\n"), std::string::npos) << empty.body;

  const HttpResult accepted = post_sql("SELECT SYSTEM$WAIT(60)", "?async=true");
  ASSERT_EQ(accepted.status, 202);
  const std::string handle = accepted.json()["statementHandle"].GetString();
  EXPECT_EQ(accepted.body,
            "{\n  \"code\" : \"333334\",\n  \"message\" : \"Asynchronous execution in progress. "
            "Use provided query id to perform query monitoring and management.\",\n"
            "  \"statementHandle\" : \"" +
                handle + "\",\n  \"statementStatusUrl\" : \"/api/v2/statements/" + handle +
                "\"\n}");
  const HttpResult cancelled = request("POST", "/api/v2/statements/" + handle + "/cancel");
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.body,
            "{\n  \"code\" : \"000604\",\n  \"sqlState\" : \"57014\",\n"
            "  \"message\" : \"SQL execution canceled\",\n"
            "  \"statementHandle\" : \"" +
                handle + "\",\n  \"statementStatusUrl\" : \"/api/statements/" + handle + "\"\n}");
  const HttpResult failed = get("/api/v2/statements/" + handle);
  ASSERT_EQ(failed.status, 422);
  EXPECT_EQ(failed.body,
            "{\n  \"code\" : \"000604\",\n"
            "  \"message\" : \"SQL execution canceled\",\n"
            "  \"sqlState\" : \"57014\",\n  \"statementHandle\" : \"" +
                handle + "\"\n}");

  const HttpResult timed_out =
      post_statement(R"j({"statement":"SELECT SYSTEM$WAIT(60)","timeout":1})j");
  ASSERT_EQ(timed_out.status, 408);
  EXPECT_EQ(timed_out.body.rfind("{\n  \"code\" : \"000630\",\n  \"message\" : \"Statement "
                                 "reached its statement or warehouse timeout of 1 second(s) and "
                                 "was canceled.\",\n  \"sqlState\" : \"57014\",\n",
                                 0),
            0u)
      << timed_out.body;

  JwtClaims wrong_key;
  wrong_key.fingerprint = "not-the-registered-key";
  const HttpResult unauthorized = post_statement(
      R"({"statement":"SELECT 1"})", "", {{"Authorization", bearer(mint_jwt(key(), wrong_key))}});
  ASSERT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.body.rfind("{\n  \"code\" : \"390144\",\n  \"message\" : \"JWT token is "
                                    "invalid. [",
                                    0),
            0u)
      << unauthorized.body;
}

TEST_F(MockserverFidelity, GzippedFirstResponsesArePrettyAndLaterPartitionsCompact) {
  const HttpResult result =
      request("POST", "/api/v2/statements",
              R"j({"statement":"SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 250))"})j",
              {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(result.status, 200);
  EXPECT_TRUE(result.gzipped);
  EXPECT_NE(result.body.find("\n  \"data\" : [ [ \"0\" ], [ \"1\" ], "), std::string::npos);
  const std::string handle = result.json()["statementHandle"].GetString();
  const HttpResult later = get("/api/v2/statements/" + handle + "?partition=1");
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(later.body.rfind("{\"data\":[[\"100\"],\n[\"101\"],\n", 0), 0u) << "compact";
}

// ---------------------------------------------------------------- empty statement

TEST_F(MockserverFidelity, EmptyOrMissingStatementIsTheRealCompilationError) {
  for (const std::string body : {"{}", R"({"statement":""})", R"({"statement":" \n "})",
                                 R"({"statement":null,"timeout":10})", R"({"statement":";"})",
                                 R"({"statement":"-- nothing but a comment"})"}) {
    SCOPED_TRACE(body);
    const HttpResult result = post_statement(body);
    ASSERT_EQ(result.status, 400);
    EXPECT_EQ(result.body,
              "{\n  \"code\" : \"000900\",\n"
              "  \"message\" : \"SQL compilation error:\\nEmpty SQL statement.\",\n"
              "  \"sqlState\" : \"42601\",\n  \"statementHandle\" : null\n}");
    const auto json = result.json();
    EXPECT_STREQ(json["message"].GetString(), "SQL compilation error:\nEmpty SQL statement.");
    EXPECT_TRUE(json["statementHandle"].IsNull());
  }
  EXPECT_EQ(server_->counters().executions, 0u);
}

// ---------------------------------------------------------------- requestId on GET

TEST_F(MockserverFidelity, GetWithoutRequestIdRepeatsTheSubmissions) {
  // The client's requestId...
  const std::string client_id = "0b4d3c9e-52f1-4a8e-9c1d-7e6f5a4b3c2d";
  const HttpResult posted = post_sql("SELECT 1", "?requestId=" + client_id);
  ASSERT_EQ(posted.status, 200);
  const std::string handle = posted.json()["statementHandle"].GetString();
  auto again = get("/api/v2/statements/" + handle).json();
  EXPECT_STREQ(again["requestId"].GetString(), client_id.c_str());
  EXPECT_EQ(again["statementStatusUrl"].GetString(),
            "/api/v2/statements/" + handle + "?requestId=" + client_id);

  // ...or the one generated for a submission that sent none, also after a 202.
  const HttpResult accepted = post_sql("SELECT 2", "?async=true");
  ASSERT_EQ(accepted.status, 202);
  const std::string async_handle = accepted.json()["statementHandle"].GetString();
  const auto first = wait_finished(async_handle).json();
  const std::string generated = first["requestId"].GetString();
  EXPECT_EQ(generated.size(), 36u);
  EXPECT_STREQ(get("/api/v2/statements/" + async_handle).json()["requestId"].GetString(),
               generated.c_str());
  const HttpResult plain = post_sql("SELECT 3");
  const std::string plain_id = plain.json()["requestId"].GetString();
  const std::string plain_handle = plain.json()["statementHandle"].GetString();
  EXPECT_NE(plain_id, generated);
  EXPECT_STREQ(get("/api/v2/statements/" + plain_handle).json()["requestId"].GetString(),
               plain_id.c_str());

  // A GET that names its own requestId gets that one back.
  const std::string own = "5f0e1d2c-3b4a-4968-8776-655443322110";
  EXPECT_STREQ(
      get("/api/v2/statements/" + handle + "?requestId=" + own).json()["requestId"].GetString(),
      own.c_str());
}

// ---------------------------------------------------------------- roles

TEST_F(MockserverFidelity, RoleNotGrantedIs400_390186WithoutSqlStateOrHandle) {
  for (const std::string role : {"NOT_MINE", "sysadmin", "Analyst"}) {
    SCOPED_TRACE(role);
    const HttpResult result =
        post_statement(R"j({"statement":"SELECT CURRENT_ROLE()","role":")j" + role + R"("})");
    ASSERT_EQ(result.status, 400);
    EXPECT_EQ(result.body, "{\n  \"code\" : \"390186\",\n  \"message\" : \"Role '" + role +
                               kRoleMessageTail + "\"\n}");
    EXPECT_EQ(keys_of(result.json()), (std::vector<std::string>{"code", "message"}));
  }
  // The role is checked before the statement is compiled.
  const HttpResult empty = post_statement(R"({"role":"NOT_MINE"})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_STREQ(empty.json()["code"].GetString(), "390186");
  EXPECT_EQ(server_->counters().executions, 0u) << "nothing ran";
}

TEST_F(MockserverFidelity, GrantedAndDefaultRolesRun) {
  for (const std::string role : {"PUBLIC", "SYSADMIN", "ACCOUNTADMIN", "ANALYST"}) {
    const HttpResult result =
        post_statement(R"j({"statement":"SELECT CURRENT_ROLE()","role":")j" + role + R"("})");
    ASSERT_EQ(result.status, 200) << role << ": " << result.body;
    EXPECT_EQ(result.json()["data"][0][0].GetString(), role);
  }
  // No role: the user's default role.
  EXPECT_STREQ(post_sql("SELECT CURRENT_ROLE()").json()["data"][0][0].GetString(), "ANALYST");
}

TEST_F(MockserverFidelity, RolesAreGrantedAndRevokedThroughTheAdminEndpoint) {
  const std::string body = R"j({"statement":"SELECT CURRENT_ROLE()","role":"REPORTER"})j";
  ASSERT_EQ(post_statement(body).status, 400);
  HttpResult answer = admin("POST", "/__admin/roles", R"({"grant":["REPORTER"]})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_NE(answer.body.find("\"REPORTER\""), std::string::npos) << answer.body;
  EXPECT_EQ(post_statement(body).status, 200);
  answer = admin("POST", "/__admin/roles", R"({"revoke":["REPORTER","SYSADMIN"]})");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(post_statement(body).status, 400);
  EXPECT_EQ(post_statement(R"({"statement":"SELECT 1","role":"SYSADMIN"})").status, 400);
  const auto listed = admin("GET", "/__admin/roles").json();
  std::vector<std::string> roles;
  for (const auto& role : listed["roles"].GetArray()) roles.emplace_back(role.GetString());
  EXPECT_EQ(roles, (std::vector<std::string>{"ACCOUNTADMIN", "ANALYST", "PUBLIC"}));
  // Bad bodies change nothing.
  EXPECT_EQ(admin("POST", "/__admin/roles", R"({"grant":"REPORTER"})").status, 400);
  EXPECT_EQ(admin("POST", "/__admin/roles", R"({"grant":["X"],"revoke":[1]})").status, 400);
  EXPECT_EQ(admin("POST", "/__admin/roles", "not json").status, 400);
  EXPECT_EQ(post_statement(R"({"statement":"SELECT 1","role":"X"})").status, 400);
}

// ---------------------------------------------------------------- clock and JWT expiry

TEST_F(MockserverFidelity, ShortLivedTokenIsAcceptedThenExpiresOnTheServersClock) {
  JwtClaims claims;
  claims.iat = now_seconds();
  claims.exp = claims.iat + 2;
  const std::string token = mint_jwt(key(), claims);
  const httplib::Headers headers{{"Authorization", bearer(token)}};
  ASSERT_EQ(post_statement(R"({"statement":"SELECT 1"})", "", headers).status, 200);

  // The server's clock moves 10 s ahead: the same token is past its exp there.
  ASSERT_EQ(admin("POST", "/__admin/clock", R"({"skew_seconds":10})").status, 200);
  const HttpResult refused = post_statement(R"({"statement":"SELECT 1"})", "", headers);
  ASSERT_EQ(refused.status, 401);
  EXPECT_STREQ(refused.json()["code"].GetString(), "390144");
  EXPECT_EQ(server_->counters().auth_failures["jwt_expired"], 1u);
  EXPECT_EQ(admin("GET", "/__admin/clock").body, R"({"skew_seconds":10})");

  // A token that expired a second ago is refused without any skew.
  ASSERT_EQ(admin("POST", "/__admin/clock", R"({"skew_seconds":0})").status, 200);
  claims.exp = now_seconds() - 1;
  const HttpResult expired = post_statement(R"({"statement":"SELECT 1"})", "",
                                            {{"Authorization", bearer(mint_jwt(key(), claims))}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(server_->counters().auth_failures["jwt_expired"], 2u);
  EXPECT_EQ(admin("POST", "/__admin/clock", R"({"skew_seconds":"x"})").status, 400);
}

TEST_F(MockserverFidelity, ClockBehindMakesFreshTokensNotYetValid) {
  // A server clock five minutes behind sees a fresh token's iat beyond the 60 s tolerance.
  ASSERT_EQ(admin("POST", "/__admin/clock", R"({"skew_seconds":-300})").status, 200);
  const HttpResult refused = post_sql("SELECT 1");
  ASSERT_EQ(refused.status, 401);
  EXPECT_EQ(server_->counters().auth_failures["jwt_not_yet_valid"], 1u);
  // A token issued on the server's time is fine.
  JwtClaims claims;
  claims.iat = now_seconds() - 300;
  claims.exp = claims.iat + 600;
  const HttpResult accepted = post_statement(R"({"statement":"SELECT 1"})", "",
                                             {{"Authorization", bearer(mint_jwt(key(), claims))}});
  ASSERT_EQ(accepted.status, 200);
  // createdOn is stamped from the same clock.
  const std::int64_t created_on = accepted.json()["createdOn"].GetInt64();
  const std::int64_t local_ms = now_seconds() * 1000;
  EXPECT_LT(created_on, local_ms - 200'000);
  EXPECT_GT(created_on, local_ms - 400'000);
}

class MockserverSkewedAtStart : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.clock_offset = std::chrono::hours(2);
    options.granted_roles = {"ONLY_ROLE"};
  }
};

TEST_F(MockserverSkewedAtStart, OptionsSetTheClockAndTheGrants) {
  // Two hours ahead: a token minted now is past its one-hour lifetime on the server.
  EXPECT_EQ(post_sql("SELECT 1").status, 401);
  JwtClaims claims;
  claims.iat = now_seconds() + 2 * 3600;
  const httplib::Headers headers{{"Authorization", bearer(mint_jwt(key(), claims))}};
  EXPECT_EQ(post_statement(R"({"statement":"SELECT 1","role":"ONLY_ROLE"})", "", headers).status,
            200);
  EXPECT_EQ(post_statement(R"({"statement":"SELECT 1","role":"PUBLIC"})", "", headers).status, 200)
      << "PUBLIC is granted to every user";
  EXPECT_EQ(post_statement(R"({"statement":"SELECT 1","role":"SYSADMIN"})", "", headers).status,
            400);
}

// ---------------------------------------------------------------- the executable's flags

/// A mock-snowflake process started with `args`; port() is 0 when it did not start. SIGTERM on
/// destruction.
class Executable {
 public:
  explicit Executable(std::vector<std::string> args) {
    args.insert(args.begin(), MOCK_SNOWFLAKE_BINARY);
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    ::close(out[0]);
    std::smatch match;
    if (std::regex_search(line, match, std::regex(R"(:(\d+)$)"))) port_ = std::stoi(match[1]);
  }
  ~Executable() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  Executable(const Executable&) = delete;
  Executable& operator=(const Executable&) = delete;
  [[nodiscard]] int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

int post_to(int port, const std::string& token, const std::string& body) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  const auto result = client.Post("/api/v2/statements", {{"Authorization", bearer(token)}}, body,
                                  "application/json");
  return result ? result->status : 0;
}

TEST_F(MockserverFidelity, ExecutableTakesRoleAndClockSkewFlags) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("mock-fidelity-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string key_file = (dir / "key.pub").string();
  std::ofstream(key_file) << key().public_pem();
  const std::string second_key_file = (dir / "key2.pub").string();
  std::ofstream(second_key_file) << second_key().public_pem();
  Executable process({"--port", "0", "--no-sample-data", "--public-key", key_file, "--public-key",
                      second_key_file, "--oauth-token", "oauth-one", "--oauth-token", "oauth-two",
                      "--role", "ANALYST", "--role", "LOADER", "--clock-skew-seconds", "-600"});
  ASSERT_GT(process.port(), 0);
  JwtClaims claims;
  claims.iat = now_seconds() - 600;  // the server's time
  claims.exp = claims.iat + 300;
  const std::string token = mint_jwt(key(), claims);
  EXPECT_EQ(post_to(process.port(), token, R"({"statement":"SELECT 1","role":"ANALYST"})"), 200);
  EXPECT_EQ(post_to(process.port(), token, R"({"statement":"SELECT 1","role":"LOADER"})"), 200);
  EXPECT_EQ(post_to(process.port(), token, R"({"statement":"SELECT 1","role":"PUBLIC"})"), 200);
  EXPECT_EQ(post_to(process.port(), token, R"({"statement":"SELECT 1","role":"SYSADMIN"})"), 400)
      << "--role replaces the default grants";
  // Repeatable flags: both key slots, both OAuth tokens.
  EXPECT_EQ(post_to(process.port(), mint_jwt(second_key(), claims), R"({"statement":"SELECT 1"})"),
            200);
  EXPECT_EQ(post_to(process.port(), "oauth-two", R"({"statement":"SELECT 1"})"), 200);
  // A token on the real clock is ten minutes early for this server.
  EXPECT_EQ(post_to(process.port(), mint_jwt(key()), R"({"statement":"SELECT 1"})"), 401);
  std::filesystem::remove_all(dir);
}

}  // namespace
