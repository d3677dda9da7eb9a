// test_server_auth.cpp — authentication: key-pair JWTs verified for real (every rejection
// reason, seconds and milliseconds, both key slots, the one-hour cap under an injected clock),
// DESC USER showing the registered keys, OAuth and programmatic access tokens, and the missing
// header.
#include <atomic>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/mock_test_support.hpp"

namespace {

using mock_test::HttpResult;
using mock_test::JwtClaims;
using mock_test::mint_jwt;
using mock_test::now_seconds;
using mock_test::RsaKey;

/// The server's JWT clock, moved by tests (an offset from the real clock).
std::atomic<std::int64_t> g_clock_offset_seconds{0};

class MockserverAuth : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    g_clock_offset_seconds = 0;
    options.oauth_tokens = {"oauth-token-ABCDEFGH12345678"};
    options.programmatic_access_tokens = {"pat-token-0123456789"};
    options.clock = [] {
      return std::chrono::system_clock::now() + std::chrono::seconds(g_clock_offset_seconds.load());
    };
  }

  HttpResult with_token(const std::string& token, const std::string& type = "") {
    httplib::Headers headers{{"Authorization", "Bearer " + token}};
    if (!type.empty()) headers.emplace("X-Snowflake-Authorization-Token-Type", type);
    return post_statement(R"({"statement":"SELECT 1"})", "", headers);
  }

  /// Asserts the generic 401 390144 answer and that the server rejected it for `reason`.
  void expect_jwt_rejected(const std::string& token, const std::string& reason) {
    const auto before = server_->counters().auth_failures;
    const HttpResult result = with_token(token, "KEYPAIR_JWT");
    ASSERT_EQ(result.status, 401) << result.body;
    const auto json = result.json();
    EXPECT_STREQ(json["code"].GetString(), "390144");
    const std::string message = json["message"].GetString();
    EXPECT_EQ(message.rfind("JWT token is invalid. [", 0), 0u) << message;
    EXPECT_EQ(message.size(), std::string("JWT token is invalid. [").size() + 36 + 1) << message;
    const auto after = server_->counters().auth_failures;
    const auto count = [&](const std::map<std::string, std::uint64_t>& map) {
      const auto it = map.find("jwt_" + reason);
      return it == map.end() ? 0u : it->second;
    };
    EXPECT_EQ(count(after), count(before) + 1) << "expected rejection reason " << reason;
  }
};

TEST_F(MockserverAuth, ValidJwtIsAcceptedWithAndWithoutTokenTypeHeader) {
  EXPECT_EQ(with_token(mint_jwt(key()), "KEYPAIR_JWT").status, 200);
  EXPECT_EQ(with_token(mint_jwt(key())).status, 200) << "a JWT-shaped token is inferred";
}

TEST_F(MockserverAuth, AccountAndUserAreComparedUppercase) {
  JwtClaims claims;
  claims.account = "mockaccount";
  claims.user = "mockuser";
  EXPECT_EQ(with_token(mint_jwt(key(), claims), "KEYPAIR_JWT").status, 200);
}

TEST_F(MockserverAuth, IatAndExpInMilliseconds) {
  JwtClaims claims;
  claims.iat = now_seconds() * 1000;
  claims.exp = claims.iat + 59 * 60 * 1000;
  EXPECT_EQ(with_token(mint_jwt(key(), claims), "KEYPAIR_JWT").status, 200);
  // Milliseconds really are read as milliseconds: an exp 30 s (in ms) ago is expired.
  claims.iat = (now_seconds() - 120) * 1000;
  claims.exp = (now_seconds() - 30) * 1000;
  expect_jwt_rejected(mint_jwt(key(), claims), "expired");
}

TEST_F(MockserverAuth, WrongFingerprintIsRejected) {
  JwtClaims claims;
  claims.fingerprint = second_key().fingerprint();  // signed by key(), claims another key
  expect_jwt_rejected(mint_jwt(key(), claims), "fingerprint");
}

TEST_F(MockserverAuth, WrongAccountIsRejected) {
  JwtClaims claims;
  claims.account = "OTHERACCOUNT";
  expect_jwt_rejected(mint_jwt(key(), claims), "account");
}

TEST_F(MockserverAuth, WrongUserIsRejected) {
  JwtClaims claims;
  claims.user = "OTHERUSER";
  expect_jwt_rejected(mint_jwt(key(), claims), "user");
}

TEST_F(MockserverAuth, ExpiredIsRejected) {
  JwtClaims claims;
  claims.iat = now_seconds() - 600;
  claims.exp = now_seconds() - 60;
  expect_jwt_rejected(mint_jwt(key(), claims), "expired");
}

TEST_F(MockserverAuth, BadSignatureIsRejected) {
  // Claims name key()'s fingerprint, but second_key() signed it.
  JwtClaims claims;
  claims.fingerprint = key().fingerprint();
  expect_jwt_rejected(mint_jwt(second_key(), claims), "signature");
  // A token whose signature was tampered with.
  std::string token = mint_jwt(key());
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  expect_jwt_rejected(token, "signature");
}

TEST_F(MockserverAuth, MalformedTokensAreRejected) {
  expect_jwt_rejected("not-a-jwt", "malformed");
  expect_jwt_rejected("a.b.c", "malformed");
  const std::string header = mock_test::base64url(R"({"alg":"none","typ":"JWT"})");
  expect_jwt_rejected(header + "." + mock_test::base64url("{}") + ".", "algorithm");
}

TEST_F(MockserverAuth, ExpLaterThanOneHourIsCappedNotRejected) {
  JwtClaims claims;
  claims.iat = now_seconds();
  claims.exp = claims.iat + 3 * 3600;  // asks for three hours
  const std::string token = mint_jwt(key(), claims);
  EXPECT_EQ(with_token(token, "KEYPAIR_JWT").status, 200) << "a later exp is not rejected";
  g_clock_offset_seconds = 30 * 60;
  EXPECT_EQ(with_token(token, "KEYPAIR_JWT").status, 200) << "still valid 30 minutes later";
  g_clock_offset_seconds = 61 * 60;
  expect_jwt_rejected(token, "lifetime");  // past iat + 1 h although exp is 2 h away
}

TEST_F(MockserverAuth, IatInTheFutureBeyondSkewIsRejected) {
  JwtClaims claims;
  claims.iat = now_seconds() + 30;  // within the skew allowance
  EXPECT_EQ(with_token(mint_jwt(key(), claims), "KEYPAIR_JWT").status, 200);
  claims.iat = now_seconds() + 600;
  claims.exp = claims.iat + 600;
  expect_jwt_rejected(mint_jwt(key(), claims), "not_yet_valid");
}

TEST_F(MockserverAuth, SecondKeySlotIsAccepted) {
  expect_jwt_rejected(mint_jwt(second_key()), "fingerprint");
  std::string error;
  ASSERT_TRUE(server_->add_public_key(second_key().public_pem(), 2, error)) << error;
  EXPECT_EQ(with_token(mint_jwt(second_key()), "KEYPAIR_JWT").status, 200);
  EXPECT_EQ(with_token(mint_jwt(key()), "KEYPAIR_JWT").status, 200) << "slot 1 still works";
  server_->remove_public_key(1);
  expect_jwt_rejected(mint_jwt(key()), "fingerprint");
}

// A token already verified is remembered, but never past its key: the very same token text is
// refused once its key is removed, and accepted again once the key is back.
TEST_F(MockserverAuth, ARememberedTokenFollowsItsKey) {
  const std::string token = mint_jwt(key());
  EXPECT_EQ(with_token(token, "KEYPAIR_JWT").status, 200);
  EXPECT_EQ(with_token(token, "KEYPAIR_JWT").status, 200) << "the same text again";
  server_->remove_public_key(1);
  expect_jwt_rejected(token, "fingerprint");
  std::string error;
  ASSERT_TRUE(server_->add_public_key(key().public_pem(), 2, error)) << error;
  EXPECT_EQ(with_token(token, "KEYPAIR_JWT").status, 200) << "the key is back, in slot 2";
}

TEST_F(MockserverAuth, FingerprintMatchesTheDocumentedComputation) {
  EXPECT_EQ(mock_snowflake::Server::public_key_fingerprint(key().public_pem()),
            "SHA256:" + key().fingerprint());
  EXPECT_EQ(mock_snowflake::Server::public_key_fingerprint("garbage"), "");
  std::string error;
  EXPECT_FALSE(server_->add_public_key("garbage", 1, error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(server_->add_public_key(key().public_pem(), 3, error));
}

// DESC USER answers as the real service: property/value/default/description, every cell text,
// "null" for an unset property; the key slots show the keys registered right now.
TEST_F(MockserverAuth, DescribeUserShowsTheRegisteredKeys) {
  const auto describe = [this](const std::string& sql, const RsaKey& signer) {
    const HttpResult result = post_statement(R"({"statement":")" + sql + R"("})", "",
                                             {{"Authorization", "Bearer " + mint_jwt(signer)}});
    EXPECT_EQ(result.status, 200) << result.body;
    std::map<std::string, std::string> properties;
    const auto json = result.json();
    if (!json.IsObject() || !json.HasMember("data")) return properties;
    std::vector<std::string> columns;
    for (const auto& column : json["resultSetMetaData"]["rowType"].GetArray()) {
      columns.emplace_back(column["name"].GetString());
      EXPECT_STREQ(column["type"].GetString(), "text");
    }
    EXPECT_EQ(columns, (std::vector<std::string>{"property", "value", "default", "description"}));
    for (const auto& row : json["data"].GetArray()) {
      EXPECT_TRUE(row[1].IsString()) << row[0].GetString() << ": unset is the text null";
      if (row[1].IsString()) properties[row[0].GetString()] = row[1].GetString();
    }
    return properties;
  };
  // The PEM body on one line: what ALTER USER ... SET RSA_PUBLIC_KEY takes and DESC USER shows.
  const auto body_of = [](const std::string& pem) {
    std::string out;
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("-----", 0) != 0) out += line;
    }
    return out;
  };
  auto user = describe("DESC USER MOCKUSER", key());
  EXPECT_EQ(user["NAME"], "MOCKUSER");
  EXPECT_EQ(user["LOGIN_NAME"], "MOCKUSER");
  EXPECT_EQ(user["DEFAULT_WAREHOUSE"], "MOCK_WH");
  EXPECT_EQ(user["RSA_PUBLIC_KEY_FP"], "SHA256:" + key().fingerprint());
  EXPECT_EQ(user["RSA_PUBLIC_KEY"], body_of(key().public_pem()));
  EXPECT_EQ(user["RSA_PUBLIC_KEY_2_FP"], "null");
  EXPECT_EQ(user["RSA_PUBLIC_KEY_2"], "null");

  std::string error;
  ASSERT_TRUE(server_->add_public_key(second_key().public_pem(), 2, error)) << error;
  user = describe("describe user mockuser", key());
  EXPECT_EQ(user["RSA_PUBLIC_KEY_FP"], "SHA256:" + key().fingerprint());
  EXPECT_EQ(user["RSA_PUBLIC_KEY_2_FP"], "SHA256:" + second_key().fingerprint());
  server_->remove_public_key(1);
  user = describe("DESC USER MockUser", second_key());  // slot 1 is empty now
  EXPECT_EQ(user["RSA_PUBLIC_KEY_FP"], "null");
  EXPECT_EQ(user["RSA_PUBLIC_KEY_2_FP"], "SHA256:" + second_key().fingerprint());
  ASSERT_TRUE(server_->add_public_key(key().public_pem(), 1, error)) << error;

  for (const auto& [sql, name] : std::vector<std::pair<std::string, std::string>>{
           {"DESC USER nobody", "NOBODY"}, {R"(DESC USER "mockuser")", "mockuser"}}) {
    const HttpResult result = post_sql(sql);
    ASSERT_EQ(result.status, 422) << sql << ": " << result.body;
    const auto json = result.json();
    EXPECT_STREQ(json["code"].GetString(), "002003");
    EXPECT_STREQ(json["sqlState"].GetString(), "02000");
    EXPECT_EQ(std::string(json["message"].GetString()),
              "SQL compilation error:\nUser '" + name + "' does not exist or not authorized.");
  }
}

TEST_F(MockserverAuth, OAuthTokens) {
  EXPECT_EQ(with_token("oauth-token-ABCDEFGH12345678", "OAUTH").status, 200);
  EXPECT_EQ(with_token("oauth-token-ABCDEFGH12345678").status, 200) << "inferred as OAuth";
  const HttpResult wrong = with_token("oauth-token-WRONG-TTTTTTTT", "OAUTH");
  ASSERT_EQ(wrong.status, 401);
  const auto json = wrong.json();
  EXPECT_STREQ(json["code"].GetString(), "390303");
  // The documentation's example: "Invalid OAuth access token. ...TTTTTTTT".
  EXPECT_STREQ(json["message"].GetString(), "Invalid OAuth access token. ...TTTTTTTT");
  server_->add_oauth_token("added-later");
  EXPECT_EQ(with_token("added-later", "OAUTH").status, 200);
  EXPECT_EQ(with_token("pat-token-0123456789", "OAUTH").status, 401) << "a PAT is no OAuth token";
}

TEST_F(MockserverAuth, ProgrammaticAccessTokens) {
  EXPECT_EQ(with_token("pat-token-0123456789", "PROGRAMMATIC_ACCESS_TOKEN").status, 200);
  EXPECT_EQ(with_token("pat-token-0123456789").status, 200) << "inferred from the PAT list";
  const HttpResult wrong = with_token("pat-token-wrong", "PROGRAMMATIC_ACCESS_TOKEN");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_STREQ(wrong.json()["code"].GetString(), "390303");
  EXPECT_EQ(with_token("oauth-token-ABCDEFGH12345678", "PROGRAMMATIC_ACCESS_TOKEN").status, 401);
}

TEST_F(MockserverAuth, MissingAuthorizationIs400_390146) {
  // The reference says 401; the real server answers 400 390146 (docs/MOCK.md).
  httplib::Client client("127.0.0.1", server_->port());
  auto result =
      client.Post("/api/v2/statements", R"({"statement":"SELECT 1"})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  const auto json = mock_test::parse_json(result->body);
  EXPECT_STREQ(json["code"].GetString(), "390146");
  EXPECT_EQ(server_->counters().auth_failures.at("missing_header"), 1u);
  auto get = client.Get("/api/v2/statements/01aaaaaa-0000-1111-0000-000000000001");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 400);
  EXPECT_STREQ(mock_test::parse_json(get->body)["code"].GetString(), "390146");
}

TEST_F(MockserverAuth, EveryEndpointRequiresAuth) {
  const std::string h = post_sql("SELECT 1").json()["statementHandle"].GetString();
  httplib::Headers bad{{"Authorization", "Bearer nope"},
                       {"X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT"}};
  EXPECT_EQ(get("/api/v2/statements/" + h, bad).status, 401);
  EXPECT_EQ(request("POST", "/api/v2/statements/" + h + "/cancel", "", bad).status, 401);
}

}  // namespace
