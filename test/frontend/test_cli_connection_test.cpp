// test_cli_connection_test.cpp — `sfq connection test` through the built binary against the
// emulator: every failure mode it diagnoses (a skewed clock either way, a key registered in the
// other slot or not at all, an unknown user and a lower-case one, an account in the wrong form,
// a role not granted, a database that does not exist, an unreachable host, an encrypted key
// without its passphrase, a connection that does not resolve), the registered-keys step against
// DESC USER's fingerprints, the all-pass case, the exit codes, the JSON report, and that no
// secret ever reaches the output.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "sfq/keys.hpp"
#include "support/check_report.hpp"
#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/net_fixtures.hpp"

namespace sfq::test_support {
namespace {

mock_snowflake::ServerOptions granting(std::vector<std::string> roles) {
  mock_snowflake::ServerOptions options;
  options.granted_roles = std::move(roles);
  return options;
}

// No key material in `text`: neither the PEM body of `private_pem` nor any JWT.
void expect_no_secrets(const std::string& text, const std::string& private_pem) {
  const auto body = private_pem.find('\n') + 1;
  EXPECT_EQ(text.find(private_pem.substr(body, 40)), std::string::npos) << "no key material";
  EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(text.find("eyJ"), std::string::npos) << "no JWT";
}

TEST(CliConnectionTest, AllChecksPassAndTheExitCodeIsZero) {
  CliAccount account(granting({"ANALYST"}));
  account.write_connections("[default]\n" + account.connection_toml() +
                            "role = \"analyst\"\nwarehouse = \"MOCK_WH\"\n");
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* check : {"configuration", "private key", "host", "tls", "clock", "login", "role",
                            "warehouse", "database", "schema"}) {
    EXPECT_TRUE(passed(r.out, check)) << check << "\n" << r.out;
  }
  EXPECT_NE(line_of(r.out, "role").find("ANALYST is usable"), std::string::npos) << r.out;
  EXPECT_NE(line_of(r.out, "schema").find("TPCH_SF1"), std::string::npos) << r.out;
  EXPECT_NE(line_of(r.out, "login").find("MOCKUSER"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("All checks passed."), std::string::npos) << r.out;
  const auto fingerprint = public_key_fingerprint(account.public_key_pem());
  ASSERT_TRUE(fingerprint.ok());
  EXPECT_NE(line_of(r.out, "private key").find(*fingerprint), std::string::npos) << r.out;
  // DESC USER shows the key in slot 1 and an empty slot 2.
  EXPECT_TRUE(passed(r.out, "registered keys")) << r.out;
  EXPECT_NE(line_of(r.out, "registered keys").find("registered as RSA_PUBLIC_KEY"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(line_of(r.out, "registered keys").find("RSA_PUBLIC_KEY_2"), std::string::npos);
  EXPECT_NE(r.out.find("RSA_PUBLIC_KEY_FP   " + *fingerprint + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RSA_PUBLIC_KEY_2_FP -\n"), std::string::npos) << r.out;
  expect_no_secrets(r.out + r.err, read_file(account.key_file()));
}

TEST(CliConnectionTest, JsonReportForMachines) {
  CliAccount account(granting({"ANALYST"}));
  account.write_connections("[default]\n" + account.connection_toml() + "role = \"NOT_MINE\"\n");
  const auto r = run_sfq({"connection", "test", "--format", "json"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(r.out.c_str()).HasParseError()) << r.out;
  EXPECT_STREQ(doc["connection"].GetString(), "default");
  EXPECT_FALSE(doc["ok"].GetBool());
  EXPECT_EQ(doc["exit_code"].GetInt(), 5);
  std::string role_status, login_status;
  for (const auto& check : doc["checks"].GetArray()) {
    if (std::string(check["name"].GetString()) == "role") {
      role_status = check["status"].GetString();
      ASSERT_GE(check["fixes"].Size(), 1u);
      EXPECT_NE(std::string(check["fixes"][0].GetString()).find("GRANT ROLE NOT_MINE"),
                std::string::npos);
    }
    if (std::string(check["name"].GetString()) == "login")
      login_status = check["status"].GetString();
  }
  EXPECT_EQ(role_status, "fail");
  EXPECT_EQ(login_status, "pass");
}

TEST(CliConnectionTest, ServerClockAheadMakesTokensLookExpired) {
  mock_snowflake::ServerOptions options;
  options.clock_offset = std::chrono::hours(2);
  CliAccount account(options);
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "clock")) << r.out;
  EXPECT_NE(line_of(r.out, "clock").find("behind the server's"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("timedatectl"), std::string::npos) << "the fix is named";
  EXPECT_TRUE(failed(r.out, "login")) << r.out;
  EXPECT_NE(r.out.find("390144"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1. clock:"), std::string::npos) << "the clock is the first cause\n"
                                                        << r.out;
  EXPECT_GE(account.server().counters().auth_failures["jwt_expired"] +
                account.server().counters().auth_failures["jwt_lifetime"],
            1u);
}

TEST(CliConnectionTest, ServerClockBehindMakesTokensLookIssuedInTheFuture) {
  mock_snowflake::ServerOptions options;
  options.clock_offset = std::chrono::seconds(-600);
  CliAccount account(options);
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "clock")) << r.out;
  EXPECT_NE(line_of(r.out, "clock").find(" s (10 min) ahead of the server's"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1. clock:"), std::string::npos) << r.out;
}

TEST(CliConnectionTest, SmallSkewPasses) {
  mock_snowflake::ServerOptions options;
  options.clock_offset = std::chrono::seconds(30);
  CliAccount account(options);
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "clock")) << r.out;
  EXPECT_NE(line_of(r.out, "clock").find("ahead of this machine's"), std::string::npos) << r.out;
}

TEST(CliConnectionTest, KeyRegisteredInTheSecondSlotPasses) {
  auto first = generate_key_pair(2048);
  ASSERT_TRUE(first.ok());
  mock_snowflake::ServerOptions options;
  options.public_keys_pem = {first->public_key_pem};  // RSA_PUBLIC_KEY: another key
  CliAccount account(options);                        // its own key goes to RSA_PUBLIC_KEY_2
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "login")) << r.out;
  EXPECT_TRUE(passed(r.out, "registered keys")) << r.out;
  EXPECT_NE(line_of(r.out, "registered keys").find("registered as RSA_PUBLIC_KEY_2"),
            std::string::npos)
      << r.out;
  const auto own = public_key_fingerprint(account.public_key_pem());
  ASSERT_TRUE(own.ok());
  EXPECT_NE(r.out.find("RSA_PUBLIC_KEY_FP   " + first->fingerprint + "\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("RSA_PUBLIC_KEY_2_FP " + *own + "\n"), std::string::npos) << r.out;
}

TEST(CliConnectionTest, KeyNotRegisteredShowsItsFingerprintAndTheColumnsToCompare) {
  CliAccount account;
  auto other = generate_key_pair(2048);
  ASSERT_TRUE(other.ok());
  const std::string file = account.dir().write_file("other.p8", other->private_key_pem, 0600);
  const auto r = run_sfq({"connection", "test", "--private-key-file", file}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "private key")) << r.out;
  EXPECT_TRUE(failed(r.out, "login")) << r.out;
  EXPECT_NE(r.out.find("390144"), std::string::npos) << r.out;
  const auto key_cause = r.out.find("key: this key's public key is " + other->fingerprint);
  EXPECT_NE(key_cause, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RSA_PUBLIC_KEY_FP and RSA_PUBLIC_KEY_2_FP", key_cause), std::string::npos);
  EXPECT_NE(r.out.find("DESC USER MOCKUSER"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("ALTER USER MOCKUSER SET RSA_PUBLIC_KEY='" + other->public_key_base64() + "'"),
      std::string::npos)
      << r.out;
  for (const char* check : {"role", "warehouse", "database", "schema", "registered keys"}) {
    EXPECT_TRUE(skipped(r.out, check)) << check << "\n" << r.out;
  }
  // DESC USER needs a session, so the registered-keys step points at the login's fix.
  EXPECT_NE(line_of(r.out, "registered keys").find("the login step names this key's fingerprint"),
            std::string::npos)
      << r.out;
  EXPECT_GE(account.server().counters().auth_failures["jwt_fingerprint"], 1u);
  expect_no_secrets(r.out + r.err, other->private_key_pem);
}

TEST(CliConnectionTest, UnknownUserIsAmongTheCauses) {
  CliAccount account;
  const auto r = run_sfq({"connection", "test", "--user", "nobody"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "login")) << r.out;
  EXPECT_NE(r.out.find("user: the token names user \"NOBODY\" (user from flag --user"),
            std::string::npos)
      << r.out;
}

TEST(CliConnectionTest, LowerCaseUserIsSentUpperCaseAndPasses) {
  CliAccount account;
  const auto r = run_sfq({"connection", "test", "--user", "mockuser"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(line_of(r.out, "login").find("logged in as MOCKUSER"), std::string::npos) << r.out;
  // The emulator's user has no default database or schema: said as "none", not as SQL's NULL.
  EXPECT_NE(line_of(r.out, "login").find("database none, schema none"), std::string::npos) << r.out;
}

TEST(CliConnectionTest, AccountWithADotInsteadOfAHyphenIsTheFirstCause) {
  CliAccount account;
  const auto r = run_sfq({"connection", "test", "--account", "mockorg.mockaccount"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "login")) << r.out;
  EXPECT_NE(r.out.find("1. account: the token names account \"MOCKORG\""), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("write it \"mockorg-mockaccount\""), std::string::npos) << r.out;
}

TEST(CliConnectionTest, RoleNotGrantedFailsAfterALogin) {
  CliAccount account(granting({"ANALYST"}));
  account.write_connections("[default]\n" + account.connection_toml() + "role = \"SYSADMIN\"\n");
  const auto r = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "login")) << r.out;
  EXPECT_TRUE(failed(r.out, "role")) << r.out;
  EXPECT_NE(line_of(r.out, "role").find("390186"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GRANT ROLE SYSADMIN TO USER MOCKUSER"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("connections.toml [default]"), std::string::npos)
      << "the fix names where the role is set\n"
      << r.out;
}

TEST(CliConnectionTest, DatabaseThatDoesNotExistFailsAndTheSchemaIsNotTried) {
  CliAccount account;
  const auto r = run_sfq({"connection", "test", "--database", "NO_SUCH_DB"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "database")) << r.out;
  EXPECT_NE(r.out.find("GRANT USAGE ON DATABASE NO_SUCH_DB"), std::string::npos) << r.out;
  EXPECT_TRUE(skipped(r.out, "schema")) << r.out;
}

TEST(CliConnectionTest, UnreachableHostStopsBeforeTheLogin) {
  CliAccount account;
  const int port = closed_port();
  const auto r = run_sfq({"connection", "test", "--port", std::to_string(port)}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "host")) << r.out;
  EXPECT_NE(line_of(r.out, "host").find("cannot connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("port (from flag --port)"), std::string::npos) << r.out;
  for (const char* check : {"tls", "clock", "login", "role"}) {
    EXPECT_TRUE(skipped(r.out, check)) << check << "\n" << r.out;
  }
  EXPECT_EQ(account.server().counters().requests_to("POST /api/v2/statements"), 0u);
}

TEST(CliConnectionTest, HostThatDoesNotResolve) {
  CliAccount account;
  const auto r =
      run_sfq({"connection", "test", "--host", "no-such-account.invalid"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "host")) << r.out;
  EXPECT_NE(line_of(r.out, "host").find("cannot resolve no-such-account.invalid"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("getent hosts no-such-account.invalid"), std::string::npos) << r.out;
  EXPECT_TRUE(skipped(r.out, "login")) << r.out;
}

TEST(CliConnectionTest, ProxyIsNamedAndItsPasswordMasked) {
  CliAccount account;
  ChildEnv unresolvable = account.env();
  unresolvable.set("http_proxy", "http://jdoe:proxy-secret@no-such-proxy.invalid:3128");
  const auto r = run_sfq({"connection", "test"}, unresolvable);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "host")) << r.out;
  EXPECT_NE(line_of(r.out, "host").find("cannot resolve the proxy http://****@no-such-proxy"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("correct or unset http_proxy"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("proxy-secret"), std::string::npos) << "the proxy's password is masked";

  ChildEnv refused = account.env();
  const int port = closed_port();
  refused.set("http_proxy", "http://127.0.0.1:" + std::to_string(port));
  const auto down = run_sfq({"connection", "test"}, refused);
  EXPECT_EQ(down.exit_code, 3) << down.out << down.err;
  EXPECT_NE(
      line_of(down.out, "host")
          .find("through proxy http://127.0.0.1:" + std::to_string(port) + " (from http_proxy)"),
      std::string::npos)
      << down.out;
  EXPECT_NE(down.out.find("may be wrong or down"), std::string::npos) << down.out;
  EXPECT_EQ(account.server().counters().requests_to("POST /api/v2/statements"), 0u);
}

TEST(CliConnectionTest, UntrustedCertificateFailsTheTlsCheck) {
  TempDir certificates;
  const auto [cert, key] = self_signed_certificate(certificates);
  mock_snowflake::ServerOptions options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  CliAccount account(options);
  const auto r = run_sfq({"connection", "test", "--protocol", "https"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(passed(r.out, "host")) << r.out;
  EXPECT_TRUE(failed(r.out, "tls")) << r.out;
  EXPECT_NE(line_of(r.out, "tls").find("is not trusted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("update-ca-certificates"), std::string::npos) << r.out;
  EXPECT_TRUE(skipped(r.out, "login")) << r.out;
  EXPECT_EQ(account.server().counters().requests_to("POST /api/v2/statements"), 0u);
}

TEST(CliConnectionTest, EncryptedKeyWithoutPassphraseAndWithIt) {
  const std::string passphrase = "correct-horse-battery";
  auto keys = generate_key_pair(2048, passphrase);
  ASSERT_TRUE(keys.ok());
  mock_snowflake::ServerOptions options;
  options.public_keys_pem = {keys->public_key_pem};
  CliAccount account(options);
  const std::string file = account.dir().write_file("enc.p8", keys->private_key_pem, 0600);

  const auto without = run_sfq({"connection", "test", "--private-key-file", file}, account.env());
  EXPECT_EQ(without.exit_code, 3) << without.out << without.err;
  EXPECT_TRUE(failed(without.out, "private key")) << without.out;
  EXPECT_NE(line_of(without.out, "private key").find("encrypted and no passphrase is set"),
            std::string::npos)
      << without.out;
  EXPECT_NE(without.out.find("PRIVATE_KEY_PASSPHRASE"), std::string::npos) << without.out;
  EXPECT_TRUE(skipped(without.out, "login")) << without.out;
  EXPECT_TRUE(passed(without.out, "host")) << "the other checks still run\n" << without.out;

  ChildEnv wrong = account.env();
  wrong.set("PRIVATE_KEY_PASSPHRASE", "not-the-passphrase");
  const auto bad = run_sfq({"connection", "test", "--private-key-file", file}, wrong);
  EXPECT_EQ(bad.exit_code, 3) << bad.out << bad.err;
  EXPECT_NE(line_of(bad.out, "private key").find("the passphrase does not open it"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("env PRIVATE_KEY_PASSPHRASE"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("not-the-passphrase"), std::string::npos) << "no passphrase shown";

  ChildEnv right = account.env();
  right.set("PRIVATE_KEY_PASSPHRASE", passphrase);
  const auto good = run_sfq({"connection", "test", "--private-key-file", file}, right);
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(line_of(good.out, "private key").find("encrypted; the passphrase opens it"),
            std::string::npos)
      << good.out;
  for (const auto* r : {&without, &bad, &good}) {
    EXPECT_EQ((r->out + r->err).find(passphrase), std::string::npos) << "no passphrase shown";
    expect_no_secrets(r->out + r->err, keys->private_key_pem);
  }
}

TEST(CliConnectionTest, ProgrammaticAccessTokenIsTestedAndNeverShown) {
  const std::string token = "pat-secret-0123456789abcdef";
  mock_snowflake::ServerOptions options;
  options.programmatic_access_tokens = {token};
  CliAccount account(options);
  auto toml = [&](const std::string& value) {
    return "[default]\naccount = \"MOCKACCOUNT\"\nuser = \"MOCKUSER\"\nhost = \"127.0.0.1\"\n"
           "port = " +
           std::to_string(account.port()) +
           "\nprotocol = \"http\"\nauthenticator = \"PROGRAMMATIC_ACCESS_TOKEN\"\ntoken = \"" +
           value + "\"\n";
  };
  account.write_connections(toml(token));
  const auto good = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(line_of(good.out, "private key"), "") << "no key to check\n" << good.out;
  EXPECT_NE(line_of(good.out, "login").find("programmatic access token"), std::string::npos)
      << good.out;

  const std::string wrong = "pat-wrong-fedcba9876543210";
  account.write_connections(toml(wrong));
  const auto bad = run_sfq({"connection", "test"}, account.env());
  EXPECT_EQ(bad.exit_code, 3) << bad.out << bad.err;
  EXPECT_TRUE(failed(bad.out, "login")) << bad.out;
  EXPECT_NE(bad.out.find("390303"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("get a new one"), std::string::npos) << bad.out;
  for (const auto* r : {&good, &bad}) {
    EXPECT_EQ((r->out + r->err).find(token), std::string::npos) << "no token shown";
    EXPECT_EQ((r->out + r->err).find(wrong), std::string::npos) << "no token shown";
  }
}

TEST(CliConnectionTest, ConnectionThatDoesNotResolveExitsTwo) {
  CliAccount account;
  const auto r = run_sfq({"connection", "test", "-c", "nosuch"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(failed(r.out, "configuration")) << r.out;
  EXPECT_NE(r.out.find("nosuch"), std::string::npos) << r.out;
  EXPECT_EQ(account.server().counters().requests_to("POST /api/v2/statements"), 0u);
}

}  // namespace
}  // namespace sfq::test_support
