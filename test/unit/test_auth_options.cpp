// Unit tests for ConnectionOptions: validate() (which field, what fix), base_url(), and
// to_string() (every field, secrets masked).
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>

#include "sfq/options.hpp"

namespace {

using namespace std::chrono_literals;
using sfq::AuthMethod;
using sfq::ConnectionOptions;

ConnectionOptions valid_key_pair() {
  ConnectionOptions o;
  o.account = "myorg-myacct";
  o.user = "jsmith";
  o.private_key_file = "/home/jsmith/.snowflake/rsa_key.p8";
  return o;
}

TEST(auth_options_validate, AValidKeyPairConfiguration) {
  EXPECT_TRUE(valid_key_pair().validate());
  auto pem = valid_key_pair();
  pem.private_key_file.clear();
  pem.private_key_pem = sfq::Secret("-----BEGIN PRIVATE KEY-----\n...");
  EXPECT_TRUE(pem.validate());
}

TEST(auth_options_validate, TokenMethodsNeedNoUserOrKey) {
  for (const AuthMethod method : {AuthMethod::oauth, AuthMethod::programmatic_access_token}) {
    ConnectionOptions o;
    o.auth = method;
    o.account = "myorg-myacct";
    o.token = sfq::Secret("t");
    EXPECT_TRUE(o.validate()) << sfq::to_string(method);
    o.account.clear();
    o.host = "localhost";
    o.protocol = "http";
    o.port = 8080;
    EXPECT_TRUE(o.validate()) << sfq::to_string(method);
  }
}

struct InvalidCase {
  const char* name;
  std::function<void(ConnectionOptions&)> change;
  const char* message_part;  // the field named and/or the fix
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class OptionsInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(OptionsInvalidTest, IsAConfigErrorNamingTheField) {
  ConnectionOptions o = valid_key_pair();
  GetParam().change(o);
  const sfq::Status status = o.validate();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().category(), sfq::ErrorCategory::config);
  EXPECT_NE(status.error().message().find(GetParam().message_part), std::string::npos)
      << status.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    auth_options_invalid, OptionsInvalidTest,
    ::testing::Values(
        InvalidCase{"NoAccountForKeyPair",
                    [](ConnectionOptions& o) {
                      o.account.clear();
                      o.host = "myorg-myacct.snowflakecomputing.com";
                    },
                    "account is required for key-pair authentication"},
        InvalidCase{"NoAccountNoHost", [](ConnectionOptions& o) { o.account.clear(); },
                    "account is required"},
        InvalidCase{"NoUser", [](ConnectionOptions& o) { o.user.clear(); },
                    "user is required for key-pair authentication"},
        InvalidCase{"NoKey", [](ConnectionOptions& o) { o.private_key_file.clear(); },
                    "set private_key_file"},
        InvalidCase{"OauthWithoutToken", [](ConnectionOptions& o) { o.auth = AuthMethod::oauth; },
                    "OAuth authentication needs a token: set token"},
        InvalidCase{"PatWithoutToken",
                    [](ConnectionOptions& o) { o.auth = AuthMethod::programmatic_access_token; },
                    "programmatic access token authentication needs a token: set token"},
        InvalidCase{"Protocol", [](ConnectionOptions& o) { o.protocol = "ftp"; },
                    "protocol must be \"https\" or \"http\""},
        InvalidCase{"UpperCaseProtocol", [](ConnectionOptions& o) { o.protocol = "HTTPS"; },
                    "protocol"},
        InvalidCase{"NegativePort", [](ConnectionOptions& o) { o.port = -1; }, "port"},
        InvalidCase{"PortTooLarge", [](ConnectionOptions& o) { o.port = 65536; }, "port"},
        InvalidCase{
            "AccountIsAUrl",
            [](ConnectionOptions& o) { o.account = "https://myorg-myacct.snowflakecomputing.com"; },
            "account must be an account identifier"},
        InvalidCase{"AccountWithBlank", [](ConnectionOptions& o) { o.account = "my org"; },
                    "account must not contain blanks"},
        InvalidCase{"HostIsAUrl", [](ConnectionOptions& o) { o.host = "https://x.example"; },
                    "host must be a host name"},
        InvalidCase{"HostWithPort", [](ConnectionOptions& o) { o.host = "localhost:8080"; },
                    "use protocol and port"},
        InvalidCase{"NegativeConnectTimeout",
                    [](ConnectionOptions& o) { o.connect_timeout = -1ms; }, "connect_timeout"},
        InvalidCase{"NegativeStatementTimeout",
                    [](ConnectionOptions& o) { o.statement_timeout = -1s; }, "statement_timeout"},
        InvalidCase{"StatementTimeoutAboveSevenDays",
                    [](ConnectionOptions& o) { o.statement_timeout = 604801s; }, "604800"},
        InvalidCase{"NegativeTotalTimeout", [](ConnectionOptions& o) { o.total_timeout = -1ms; },
                    "total_timeout"},
        InvalidCase{"NegativeRetries", [](ConnectionOptions& o) { o.max_retries = -1; },
                    "max_retries"},
        InvalidCase{"NegativeInFlight", [](ConnectionOptions& o) { o.max_in_flight = -1; },
                    "max_in_flight"},
        InvalidCase{"NegativeDecodeThreads", [](ConnectionOptions& o) { o.decode_threads = -2; },
                    "decode_threads"},
        InvalidCase{"NegativePrefetch", [](ConnectionOptions& o) { o.prefetch_partitions = -1; },
                    "prefetch_partitions"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(auth_options_validate, BoundaryValuesAreAccepted) {
  auto o = valid_key_pair();
  o.port = 65535;
  o.statement_timeout = 604800s;
  o.host = "[::1]";
  EXPECT_TRUE(o.validate());
  o.port = 0;
  o.max_retries = 0;
  EXPECT_TRUE(o.validate());
}

struct UrlCase {
  const char* name;
  const char* account;
  const char* host;
  const char* protocol;
  int port;
  const char* url;
};

void PrintTo(const UrlCase& c, std::ostream* os) { *os << c.name; }

class BaseUrlTest : public ::testing::TestWithParam<UrlCase> {};

TEST_P(BaseUrlTest, Builds) {
  ConnectionOptions o;
  o.account = GetParam().account;
  o.host = GetParam().host;
  o.protocol = GetParam().protocol;
  o.port = GetParam().port;
  EXPECT_EQ(o.base_url(), GetParam().url);
}

INSTANTIATE_TEST_SUITE_P(
    auth_base_url, BaseUrlTest,
    ::testing::Values(UrlCase{"OrgAccount", "myorg-myacct", "", "https", 0,
                              "https://myorg-myacct.snowflakecomputing.com"},
                      UrlCase{"LocatorKeepsRegion", "xy12345.eu-central-1", "", "https", 0,
                              "https://xy12345.eu-central-1.snowflakecomputing.com"},
                      UrlCase{"Privatelink", "myorg-myacct.privatelink", "", "https", 0,
                              "https://myorg-myacct.privatelink.snowflakecomputing.com"},
                      UrlCase{"China", "xy12345.cn-north-1", "", "https", 0,
                              "https://xy12345.cn-north-1.snowflakecomputing.cn"},
                      UrlCase{"DefaultPortOmitted", "myorg-myacct", "", "https", 443,
                              "https://myorg-myacct.snowflakecomputing.com"},
                      UrlCase{"OtherPortKept", "myorg-myacct", "", "https", 8443,
                              "https://myorg-myacct.snowflakecomputing.com:8443"},
                      UrlCase{"ExplicitHostWins", "myorg-myacct", "127.0.0.1", "http", 18080,
                              "http://127.0.0.1:18080"},
                      UrlCase{"HttpDefaultPort", "", "localhost", "http", 80, "http://localhost"},
                      UrlCase{"HttpPort443Kept", "", "localhost", "http", 443,
                              "http://localhost:443"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(auth_options_to_string, ShowsEveryFieldOnePerLineAndMasksSecrets) {
  ConnectionOptions o = valid_key_pair();
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n";
  const std::string passphrase = "pass-6f1d2e";
  const std::string token = "tok-0a9b8c7d";
  o.private_key_pem = sfq::Secret(pem);
  o.private_key_passphrase = sfq::Secret(passphrase);
  o.token = sfq::Secret(token);
  o.warehouse = "WH";
  o.statement_timeout = 30s;

  const std::string text = o.to_string();
  EXPECT_EQ(text.find(passphrase), std::string::npos);
  EXPECT_EQ(text.find(token), std::string::npos);
  EXPECT_EQ(text.find("MIIEvQ"), std::string::npos);
  EXPECT_EQ(text.find("BEGIN PRIVATE KEY"), std::string::npos);

  for (const std::string line :
       {"user = jsmith", "protocol = https",
        "base_url = https://myorg-myacct.snowflakecomputing.com", "warehouse = WH",
        "auth = key_pair", "private_key_file = /home/jsmith/.snowflake/rsa_key.p8",
        "private_key_pem = ****", "private_key_passphrase = ****", "token = ****",
        "connect_timeout = 15000ms", "statement_timeout = 30s", "max_retries = 7",
        "trace_http = false"}) {
    EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos)
        << "missing line '" << line << "' in:\n"
        << text;
  }
  EXPECT_EQ(text.rfind("account = myorg-myacct\n", 0), 0u);

  int lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, 34);  // every field of ConnectionOptions plus base_url
}

TEST(auth_options_to_string, EmptySecretsPrintEmpty) {
  const std::string text = ConnectionOptions{}.to_string();
  EXPECT_NE(text.find("\ntoken = \n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nprivate_key_passphrase = \n"), std::string::npos);
}

TEST(auth_method_names, AreStable) {
  EXPECT_EQ(sfq::to_string(AuthMethod::key_pair), "key_pair");
  EXPECT_EQ(sfq::to_string(AuthMethod::oauth), "oauth");
  EXPECT_EQ(sfq::to_string(AuthMethod::programmatic_access_token), "programmatic_access_token");
}

}  // namespace
