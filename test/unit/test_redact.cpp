// Unit tests for sfq::redact: no secret survives, ordinary text is untouched.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "sfq/log.hpp"

namespace {

struct RedactCase {
  const char* name;
  std::string input;
  std::string expected;
};

// Readable test names in ctest and failure output.
void PrintTo(const RedactCase& c, std::ostream* os) { *os << c.name; }

class RedactTest : public ::testing::TestWithParam<RedactCase> {};

TEST_P(RedactTest, Masks) { EXPECT_EQ(sfq::redact(GetParam().input), GetParam().expected); }

const std::string kJwt =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJBLlUuU0hBMjU2OmFiYyJ9.c2lnbmF0dXJl";

INSTANTIATE_TEST_SUITE_P(
    Secrets, RedactTest,
    ::testing::Values(
        RedactCase{"BearerHeader", "Authorization: Bearer " + kJwt, "Authorization: Bearer ****"},
        RedactCase{"BearerOpaqueToken", "Authorization: Bearer ver:1-hint:abc123secret",
                   "Authorization: Bearer ****"},
        RedactCase{"BareJwt", "minted " + kJwt + " for user", "minted [REDACTED-JWT] for user"},
        RedactCase{"JwtInsideJson", R"({"t":")" + kJwt + R"("})", R"({"t":"[REDACTED-JWT]"})"},
        RedactCase{"KeyEqualsValue", "token=abc123&x=1", "token=****&x=1"},
        RedactCase{"KeyColonValue", "password: hunter2 next", "password: **** next"},
        RedactCase{"JsonString", R"({"private_key_passphrase": "s3cr\"et", "user": "bob"})",
                   R"({"private_key_passphrase": "****", "user": "bob"})"},
        RedactCase{"TomlString", "token = 'abc'\nuser = 'bob'", "token = '****'\nuser = 'bob'"},
        RedactCase{"EnvVar", "SNOWFLAKE_TOKEN=xyz SNOWFLAKE_USER=bob",
                   "SNOWFLAKE_TOKEN=**** SNOWFLAKE_USER=bob"},
        RedactCase{"Flag", "sfq --token abc --user bob", "sfq --token **** --user bob"},
        RedactCase{"CamelCase", "authToken=abc", "authToken=****"},
        RedactCase{"ClientSecret", "client_secret=abc", "client_secret=****"},
        RedactCase{"PemPrivateKey",
                   "key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0\n-----END "
                   "PRIVATE KEY-----\nafter",
                   "key:\n-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----\nafter"},
        RedactCase{"PemEncryptedKey",
                   "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n-----END "
                   "ENCRYPTED PRIVATE KEY-----",
                   "-----BEGIN ENCRYPTED PRIVATE KEY-----[REDACTED]-----END ENCRYPTED PRIVATE "
                   "KEY-----"},
        RedactCase{"PemTruncated", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow",
                   "-----BEGIN RSA PRIVATE KEY-----[REDACTED]"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Untouched, RedactTest,
    ::testing::Values(
        RedactCase{"PlainSql", "select * from orders where o_orderkey = 1",
                   "select * from orders where o_orderkey = 1"},
        RedactCase{"TokenTypeHeader", "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT",
                   "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT"},
        RedactCase{"PublicKey", "-----BEGIN PUBLIC KEY-----\nMIIBIj\n-----END PUBLIC KEY-----",
                   "-----BEGIN PUBLIC KEY-----\nMIIBIj\n-----END PUBLIC KEY-----"},
        RedactCase{"ProgressToken", R"({"progressToken": 7})", R"({"progressToken": 7})"},
        RedactCase{"KeyFilePath", "private_key_file=/home/me/rsa.p8",
                   "private_key_file=/home/me/rsa.p8"},
        RedactCase{"WordTokenInProse", "the token expired", "the token expired"},
        RedactCase{"EyjInsideWord", "heyJude.a.b", "heyJude.a.b"}, RedactCase{"Empty", "", ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Redact, LongInputIsLinearAndSafe) {
  std::string big(1 << 20, 'a');
  big += " token=zzz";
  const std::string out = sfq::redact(big);
  EXPECT_EQ(out.size(), big.size() + 1);
  EXPECT_EQ(out.substr(out.size() - 10), "token=****");
}

}  // namespace
