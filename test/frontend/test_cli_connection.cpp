// test_cli_connection.cpp — the built `sfq` binary wires Snowflake's configuration up end to
// end: the precedence matrix (files, SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>, generic SNOWFLAKE_<KEY>,
// flags) proven by what the server sees (current_role(), the port actually reached), the
// permission checks, `sfq config explain`, --mock from an empty HOME, and --debug's redaction.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"

namespace sfq::test_support {
namespace {

/// An emulator whose user holds `roles` (a request naming another role is refused, 390186).
mock_snowflake::ServerOptions granting(std::vector<std::string> roles) {
  mock_snowflake::ServerOptions options;
  options.granted_roles = std::move(roles);
  return options;
}

std::string role_seen(const CliAccount& account, const ChildEnv& env,
                      std::vector<std::string> args = {}) {
  args.insert(args.end(), {"--format", "csv", "--no-header", "-q", "select current_role()"});
  const auto r = run_sfq(args, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  (void)account;
  return out;
}

TEST(CliConnection, PrecedenceMatrix_FlagsThenConnectionVariablesThenFileThenGenericVariables) {
  CliAccount account(granting({"FILE_ROLE", "GENERIC_ROLE", "CONNECTION_ENV_ROLE", "FLAG_ROLE"}));
  account.write_connections("[default]\n" + account.connection_toml() + "role = \"FILE_ROLE\"\n");
  ChildEnv env = account.env();

  EXPECT_EQ(role_seen(account, env), "FILE_ROLE");
  // A generic variable only fills keys the file leaves empty...
  env.set("SNOWFLAKE_ROLE", "GENERIC_ROLE");
  EXPECT_EQ(role_seen(account, env), "FILE_ROLE");
  // ...the connection's own variable overrides the file...
  env.set("SNOWFLAKE_CONNECTIONS_DEFAULT_ROLE", "CONNECTION_ENV_ROLE");
  EXPECT_EQ(role_seen(account, env), "CONNECTION_ENV_ROLE");
  // ...and a flag overrides everything.
  EXPECT_EQ(role_seen(account, env, {"--role", "FLAG_ROLE"}), "FLAG_ROLE");

  // Without a role in the file, the generic variable fills it.
  account.write_connections("[default]\n" + account.connection_toml());
  ChildEnv generic = account.env();
  generic.set("SNOWFLAKE_ROLE", "GENERIC_ROLE");
  EXPECT_EQ(role_seen(account, generic), "GENERIC_ROLE");
}

TEST(CliConnection, ConnectionChoice_FlagThenVariableThenDefaultConnectionName) {
  CliAccount account(granting({"FIRST", "SECOND", "THIRD"}));
  const std::string base = account.connection_toml();
  account.write_connections("[first]\n" + base + "role = \"FIRST\"\n[second]\n" + base +
                            "role = \"SECOND\"\n[third]\n" + base + "role = \"THIRD\"\n");
  const std::string config = account.dir().write_file("home/.snowflake/config.toml",
                                                      "default_connection_name = \"first\"\n");
  ChildEnv env = account.env();
  EXPECT_EQ(role_seen(account, env), "FIRST");
  env.set("SNOWFLAKE_DEFAULT_CONNECTION_NAME", "second");
  EXPECT_EQ(role_seen(account, env), "SECOND");
  EXPECT_EQ(role_seen(account, env, {"-c", "third"}), "THIRD");
}

TEST(CliConnection, ThePortThatWinsIsThePortReached) {
  CliAccount account;
  // The file points at a port where nothing listens; the connection variable fixes it.
  std::string toml = account.connection_toml();
  const std::string right = "port = " + std::to_string(account.port());
  toml.replace(toml.find(right), right.size(), "port = 9");
  account.write_connections("[default]\n" + toml);
  ChildEnv env = account.env();
  env.set("SNOWFLAKE_CONNECTIONS_DEFAULT_PORT", std::to_string(account.port()));
  const auto r = run_sfq({"-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliConnection, SnowflakeHomeAndGenericVariablesWithoutAnyFile) {
  CliAccount account;
  TempDir empty;
  ChildEnv env(empty.path());
  env.set("SNOWFLAKE_ACCOUNT", "MOCKACCOUNT")
      .set("SNOWFLAKE_USER", "MOCKUSER")
      .set("SNOWFLAKE_HOST", "127.0.0.1")
      .set("SNOWFLAKE_PORT", std::to_string(account.port()))
      .set("SNOWFLAKE_PROTOCOL", "http")
      .set("SNOWFLAKE_AUTHENTICATOR", "SNOWFLAKE_JWT")
      .set("SNOWFLAKE_PRIVATE_KEY_FILE", account.key_file());
  const auto r = run_sfq({"--format", "csv", "--no-header", "-q", "select current_user()"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "MOCKUSER\n");
}

TEST(CliConnection, ConfigFileReadableByOthersWarnsWithTheFix) {
  CliAccount account;
  account.write_connections("[default]\n" + account.connection_toml(), 0644);
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sfq: warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod 0600"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("connections.toml"), std::string::npos) << r.err;
}

TEST(CliConnection, ConfigFileWritableByOthersIsRefused) {
  CliAccount account;
  account.write_connections("[default]\n" + account.connection_toml(), 0666);
  const auto r = run_sfq({"-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("writable"), std::string::npos) << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u);
}

TEST(CliConnection, ConfigExplainNamesTheWinningSourceAndMasksSecrets) {
  CliAccount account;
  account.write_connections("[default]\n" + account.connection_toml() +
                            "role = \"FILE_ROLE\"\ntoken = \"super-secret-token\"\n");
  ChildEnv env = account.env();
  env.set("SNOWFLAKE_CONNECTIONS_DEFAULT_WAREHOUSE", "ENV_WH");
  env.set("PRIVATE_KEY_PASSPHRASE", "hunter2-passphrase");
  const auto r = run_sfq({"config", "explain", "--role", "FLAG_ROLE"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("FLAG_ROLE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("flag --role"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SNOWFLAKE_CONNECTIONS_DEFAULT_WAREHOUSE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("connections.toml"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("super-secret-token"), std::string::npos) << "secrets are masked";
  EXPECT_EQ(r.out.find("hunter2-passphrase"), std::string::npos) << "secrets are masked";
  EXPECT_EQ(account.server().counters().requests_to("POST /api/v2/statements"), 0u)
      << "explain never connects";
}

TEST(CliConnection, ConfigExplainShowsTheTimeoutsAndTheirSources) {
  CliAccount account;
  account.write_connections("[default]\n" + account.connection_toml() + "request_timeout = 75\n");
  ChildEnv env = account.env();
  env.set("SNOWFLAKE_TOTAL_TIMEOUT", "600");
  env.set("SNOWFLAKE_CONNECT_TIMEOUT", "9");
  const auto r = run_sfq({"config", "explain", "--connect-timeout", "4"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto line = [&r](const std::string& key) {
    const auto at = r.out.find("  " + key + " ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(line("connect_timeout").find("flag --connect-timeout"), std::string::npos) << r.out;
  EXPECT_NE(line("request_timeout").find("connections.toml"), std::string::npos) << r.out;
  EXPECT_NE(line("request_timeout").find("75"), std::string::npos) << r.out;
  EXPECT_NE(line("total_timeout").find("env SNOWFLAKE_TOTAL_TIMEOUT"), std::string::npos) << r.out;
  EXPECT_NE(line("total_timeout").find("600"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("env SNOWFLAKE_CONNECT_TIMEOUT"), std::string::npos)
      << "the overridden variable is listed: " << r.out;
}

TEST(CliConnection, MockWorksFromAnEmptyHome) {
  TempDir home;
  ChildEnv env(home.path());
  env.set("XDG_CONFIG_HOME", home.at("xdg"));
  const auto r = run_sfq({"--mock", "--format", "csv", "-q",
                          "select count(*) as regions from snowflake_sample_data.tpch_sf1.region"},
                         env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "REGIONS\n5\n");
  EXPECT_TRUE(std::filesystem::is_empty(home.path())) << "--mock wrote nothing in HOME";
}

TEST(CliConnection, WithNoConfigurationAtAllTheErrorSuggestsMock) {
  TempDir home;
  ChildEnv env(home.path());
  env.set("XDG_CONFIG_HOME", home.at("xdg"));
  const auto r = run_sfq({"-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("account is not set"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("add --mock"), std::string::npos) << r.err;
  // With a configuration, a missing connection is a typo, not a first try: no such hint.
  home.write_file(".snowflake/connections.toml", "[prod]\naccount = \"a\"\nuser = \"u\"\n");
  const auto typo = run_sfq({"-c", "prdo", "-q", "select 1"}, env);
  EXPECT_EQ(typo.exit_code, 2) << typo.err;
  EXPECT_EQ(typo.err.find("--mock"), std::string::npos) << typo.err;
}

TEST(CliConnection, DebugShowsTheHttpExchangeWithSecretsRedacted) {
  CliAccount account;
  const auto r = run_sfq({"--debug", "-q", "select 1"}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("/api/v2/statements"), std::string::npos) << "the exchange is logged";
  EXPECT_EQ(r.err.find("eyJ"), std::string::npos) << "no JWT in the log";
  EXPECT_EQ(r.err.find("BEGIN PRIVATE KEY"), std::string::npos);
  const std::string key = read_file(account.key_file());
  const auto body = key.find('\n') + 1;
  EXPECT_EQ(r.err.find(key.substr(body, 40)), std::string::npos) << "no key material";
}

}  // namespace
}  // namespace sfq::test_support
