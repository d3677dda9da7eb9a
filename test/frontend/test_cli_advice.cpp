// test_cli_advice.cpp — messages that tell people what works, through the built `sfq` binary:
// the no-configuration error, SnowSQL's ~/.snowsql/config and its habits (-o friendly/quiet,
// --format CSV), password-only connections, a missing key file (exit 3), an encrypted key on a
// terminal (the passphrase is asked), !connect to a connection that cannot log in, script
// errors with FILE:LINE, a UTF-8 byte order mark, `-f missing.sql`, `--help`, and a server
// error that echoes a JWT.
#include <gtest/gtest.h>

#include <string>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(CliAdvice, NoConfigurationSuggestsOnlyWhatWorks) {
  TempDir home;
  ChildEnv env(home.path());
  env.set("XDG_CONFIG_HOME", home.at("xdg"));
  const auto r = run_sfq({"-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // SNOWFLAKE_CONNECTIONS_DEFAULT_* variables only override a connection a file defines.
  EXPECT_FALSE(contains(r.err, "SNOWFLAKE_CONNECTIONS_DEFAULT_ACCOUNT")) << r.err;
  EXPECT_TRUE(contains(r.err, "SNOWFLAKE_ACCOUNT")) << r.err;
  EXPECT_TRUE(contains(r.err, "--account")) << r.err;
  EXPECT_TRUE(contains(r.err, "--mock")) << r.err;
}

TEST(CliAdvice, SnowsqlConfigConnectionsAreReadWithADeprecationNote) {
  // The connection names role ANALYST, which the user must hold.
  mock_snowflake::ServerOptions options;
  options.granted_roles = {"ANALYST"};
  CliAccount account(options);
  account.write_connections("");  // an empty connections.toml: no Snowflake connection
  account.dir().write_file("home/.snowsql/config",
                           "[connections]\naccountname = MOCKACCOUNT\nusername = \"MOCKUSER\"\n"
                           "host = 127.0.0.1\nport = " +
                               std::to_string(account.port()) +
                               "\nprotocol = http\n"
                               "# a comment\n[connections.analytics]\nprivate_key_path = '" +
                               account.key_file() +
                               "'\nauthenticator = SNOWFLAKE_JWT\nrolename = ANALYST\n"
                               "[options]\nfriendly = false\n",
                           0600);
  const auto r = run_sfq({"-c", "analytics", "--format", "csv", "--no-header", "-q",
                          "select current_role(), current_user()"},
                         account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ANALYST,MOCKUSER\n");
  EXPECT_TRUE(contains(r.err, ".snowsql/config")) << r.err;
  EXPECT_TRUE(contains(r.err, "connections.toml")) << r.err;
  EXPECT_TRUE(contains(r.err, "deprecated")) << r.err;
}

TEST(CliAdvice, PasswordOnlyConnectionSaysHowToSetUpAKey) {
  CliAccount account;
  account.write_connections(
      "[default]\naccount = \"MOCKACCOUNT\"\nuser = \"JDOE\"\n"
      "password = \"hunter2\"\n");
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "password login is not available over the SQL API")) << r.err;
  EXPECT_TRUE(contains(r.err, "sfq keygen --out ~/.snowflake -u JDOE")) << r.err;
  EXPECT_FALSE(contains(r.err, "hunter2")) << r.err;
}

TEST(CliAdvice, MissingKeyFileCannotConnect) {
  CliAccount account;
  std::string toml = account.connection_toml();
  toml.replace(toml.find(account.key_file()), account.key_file().size(), "/nonexistent/key.p8");
  account.write_connections("[default]\n" + toml);
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "/nonexistent/key.p8")) << r.err;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r.err;
}

TEST(CliAdvice, EncryptedKeyOnATerminalAsksForThePassphrase) {
  CliAccount account;
  TempDir keys;
  ChildEnv keygen_env = account.env();
  keygen_env.set("PRIVATE_KEY_PASSPHRASE", "open sesame");
  const auto made = run_sfq({"keygen", "--encrypt", "--out", keys.path()}, keygen_env);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string error;
  ASSERT_TRUE(account.server().add_public_key(read_file(keys.at("rsa_key.pub")), 2, error))
      << error;
  std::string toml = account.connection_toml();
  toml.replace(toml.find(account.key_file()), account.key_file().size(), keys.at("rsa_key.p8"));
  account.write_connections("[default]\n" + toml);
  ChildEnv env = account.env();
  env.set("SFQ_PAGER", "");
  PtyProcess pty({sfq_binary(), "-q", "select 'unlocked' as state"}, env);
  ASSERT_TRUE(pty.expect("Passphrase for " + keys.at("rsa_key.p8") + ": ")) << pty.take();
  ASSERT_TRUE(pty.wait_for_echo_off());
  pty.send("open sesame\r");
  ASSERT_TRUE(pty.expect("unlocked")) << pty.take();
  EXPECT_EQ(pty.wait_exit(), 0);
  EXPECT_FALSE(contains(pty.raw(), "open sesame")) << "echo is off";
}

TEST(CliAdvice, ConnectToAConnectionThatCannotLogInFailsClearly) {
  CliAccount account;
  TempDir keys;
  const auto made = run_sfq({"keygen", "--out", keys.path()}, account.env());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string wrong = account.connection_toml();
  wrong.replace(wrong.find(account.key_file()), account.key_file().size(), keys.at("rsa_key.p8"));
  account.write_connections("[default]\n" + account.connection_toml() + "[wrongkey]\n" + wrong);
  const auto r = run_sfq({"--format", "csv", "--no-header", "--continue-on-error", "-f", "-"},
                         account.env(), "!connect wrongkey\nselect 'still default';\n");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "sfq: <stdin>:1: error: cannot connect to wrongkey")) << r.err;
  EXPECT_TRUE(contains(r.err, "still on default")) << r.err;
  EXPECT_FALSE(contains(r.out, "connected to wrongkey")) << r.out;
  EXPECT_EQ(r.out, "still default\n");
}

TEST(CliAdvice, SnowsqlOptionsAndUpperCaseFormatAreAccepted) {
  CliAccount account;
  const auto r = run_sfq(
      {"--format", "CSV", "-o", "friendly=false", "-o", "quiet=true", "-q", "select 1 as n"},
      account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "N\n1\n");
}

TEST(CliAdvice, AnUnknownSfqSettingIsIgnoredWithOneWarning) {
  CliAccount account;
  account.dir().write_file("home/.snowflake/config.toml",
                           "[sfq]\nformat = \"csv\"\ncolour = \"always\"\n", 0600);
  const auto r = run_sfq({"-q", "select 1 as n"}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "N\n1\n") << "the known setting applies";
  EXPECT_TRUE(contains(r.err, "unknown [sfq] setting `colour`")) << r.err;
  EXPECT_TRUE(contains(r.err, "ignored")) << r.err;
  EXPECT_FALSE(contains(r.err, "sfq: error")) << r.err;
}

TEST(CliAdvice, ScriptErrorsSayFileLineAndStatement) {
  CliAccount account;
  const std::string script = account.dir().write_file(
      "report.sql", "select 1;\n\n-- the next one fails\nselect *\n  from nope;\nselect 3;\n");
  const auto r = run_sfq({"--format", "csv", "-f", script}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(contains(r.err, "sfq: " + script + ":4: error: statement 2: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "NOPE")) << r.err;
  const auto piped = run_sfq({"-f", "-"}, account.env(), "select 1;\nselect nope();\n");
  EXPECT_TRUE(contains(piped.err, "sfq: <stdin>:2: error: statement 2: ")) << piped.err;
}

TEST(CliAdvice, AByteOrderMarkIsNotSql) {
  CliAccount account;
  const std::string script = account.dir().write_file("bom.sql", "\xEF\xBB\xBFselect 7 as n;\n");
  const auto r = run_sfq({"--format", "csv", "--no-header", "-f", script}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "7\n");
}

TEST(CliAdvice, MissingFileSaysWhy) {
  CliAccount account;
  const auto r = run_sfq({"-f", account.dir().at("missing.sql")}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "missing.sql: No such file or directory")) << r.err;
}

TEST(CliAdvice, HelpListsMcpAndNoFileUsersDoNotHave) {
  TempDir home;
  const auto r = run_sfq({"--help"}, ChildEnv(home.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sfq mcp")) << r.out;
  EXPECT_TRUE(contains(r.out, "--single-request")) << r.out;
  EXPECT_FALSE(contains(r.out, "docs/CLI.md")) << r.out;
}

TEST(CliAdvice, ServerErrorsNeverShowAJwt) {
  CliAccount account;
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJNT0NLQUNDT1VOVC5NT0NLVVNFUiJ9.c2lnbmF0dXJlLWJ5dGVz";
  mock_snowflake::Fault fault;
  fault.kind = mock_snowflake::FaultKind::status;
  fault.status = 422;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.body =
      R"({"code":"002003","sqlState":"42S02","message":"rejected; you sent Authorization: Bearer )" +
      jwt + R"("})";
  account.server().inject_fault(fault);
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "rejected")) << r.err;
  EXPECT_FALSE(contains(r.err, jwt)) << r.err;
  EXPECT_FALSE(contains(r.err, "c2lnbmF0dXJlLWJ5dGVz")) << r.err;
}

}  // namespace
}  // namespace sfq::test_support
