// test_cli_connections.cpp — `sfq connection add` and `sfq connection list` through the built
// binary, against temporary HOME directories: a connection added with a generated key works
// against the emulator once the printed ALTER USER statement's key is registered; existing
// connections and comments survive; pasted account forms are normalised; the interactive
// questions on a terminal; and the list of connections from every source.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

unsigned mode_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 0777;
}

// The base64 key of "ALTER USER … SET RSA_PUBLIC_KEY='…';" in `out`, as a PEM public key.
std::string public_key_from_statement(const std::string& out) {
  const std::string marker = "SET RSA_PUBLIC_KEY='";
  const auto start = out.find(marker);
  if (start == std::string::npos) return "";
  const auto end = out.find('\'', start + marker.size());
  const std::string body = out.substr(start + marker.size(), end - start - marker.size());
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (std::size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

class CliConnections : public ::testing::Test {
 protected:
  std::string connections_path() const { return account_.snowflake_dir() + "/connections.toml"; }
  std::string config_path() const { return account_.snowflake_dir() + "/config.toml"; }

  // `sfq connection add` reaching the emulator, plus `extra`.
  std::vector<std::string> add_args(const std::string& name, std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "connection", "add",       "--name", name,
        "--host",     "127.0.0.1", "--port", std::to_string(account_.port()),
        "--protocol", "http"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  CliAccount account_;
};

TEST_F(CliConnections, AddWithAGeneratedKeyConnectsOnceThePrintedStatementRegistersIt) {
  const std::string before = read_file(connections_path());
  const auto added = run_sfq(
      add_args("fresh", {"--account", "https://mockaccount.snowflakecomputing.com/console#/home",
                         "--user", "mockuser", "--generate-key", "--database",
                         "SNOWFLAKE_SAMPLE_DATA", "--schema", "TPCH_SF1"}),
      account_.env());
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  // The pasted URL is shown normalised, with the JWT account it means.
  EXPECT_NE(added.err.find("account = mockaccount"), std::string::npos) << added.err;
  EXPECT_NE(added.err.find("JWT account MOCKACCOUNT"), std::string::npos) << added.err;
  EXPECT_NE(added.out.find("ALTER USER mockuser SET RSA_PUBLIC_KEY='"), std::string::npos)
      << added.out;

  // The old connection is still there, untouched, and the file is private.
  const std::string after = read_file(connections_path());
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_NE(after.find("[fresh]\naccount = \"mockaccount\"\nuser = \"mockuser\"\n"),
            std::string::npos)
      << after;
  EXPECT_EQ(mode_of(connections_path()), 0600u);
  const std::string key = account_.snowflake_dir() + "/keys/fresh.p8";
  EXPECT_EQ(mode_of(key), 0600u);
  EXPECT_NE(after.find("private_key_file = \"" + key + "\""), std::string::npos) << after;

  // Before the key is registered, the server refuses it; after, the connection works.
  const auto refused = run_sfq({"-c", "fresh", "-q", "select 42 as x"}, account_.env());
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  std::string error;
  ASSERT_TRUE(account_.server().add_public_key(public_key_from_statement(added.out), 2, error))
      << error;
  const auto used =
      run_sfq({"-c", "fresh", "--format", "csv", "-q", "select 42 as x"}, account_.env());
  EXPECT_EQ(used.exit_code, 0) << used.err;
  EXPECT_EQ(used.out, "X\n42\n");
}

TEST_F(CliConnections, AnExistingConnectionIsReplacedOnlyWithForceAndCommentsStay) {
  const std::string original = "# my connections\n[default]\n" + account_.connection_toml() +
                               "\n# the other one\n[other]   # keep\naccount = \"acme-other\"\n";
  account_.write_connections(original);
  const auto refused = run_sfq(add_args("default", {"--account", "acme-new", "--user", "someone",
                                                    "--private-key-file", account_.key_file()}),
                               account_.env());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(connections_path()), original) << "nothing changed";

  const auto replaced =
      run_sfq(add_args("default", {"--account", "mockaccount", "--user", "mockuser",
                                   "--private-key-file", account_.key_file(), "--force"}),
              account_.env());
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NE(replaced.out.find("Replaced connection \"default\""), std::string::npos)
      << replaced.out;
  const std::string after = read_file(connections_path());
  EXPECT_TRUE(after.starts_with("# my connections\n[default]\naccount = \"mockaccount\"\n"))
      << after;
  EXPECT_NE(after.find("\n# the other one\n[other]   # keep\naccount = \"acme-other\"\n"),
            std::string::npos)
      << after;
  EXPECT_EQ(after.find("SNOWFLAKE_SAMPLE_DATA"), std::string::npos)
      << "the old table's keys are gone: " << after;
  // The replaced connection is read back by the loader and works.
  const auto used = run_sfq({"--format", "csv", "-q", "select 1 as one"}, account_.env());
  EXPECT_EQ(used.exit_code, 0) << used.err;
  EXPECT_EQ(used.out, "ONE\n1\n");
}

TEST_F(CliConnections, PastedAccountFormsAreNormalisedAsTheConnectorsExpect) {
  struct Case {
    std::string pasted, written, jwt;
  };
  const std::vector<Case> cases = {
      {"https://xy12345.eu-west-1.snowflakecomputing.com", "xy12345.eu-west-1", "XY12345"},
      {"myorg.myaccount", "myorg-myaccount", "MYORG-MYACCOUNT"},
      {"xy12345.us-east-2.aws", "xy12345.us-east-2.aws", "XY12345"},
      {"  MyOrg-Analytics  ", "MyOrg-Analytics", "MYORG-ANALYTICS"},
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string name = "form" + std::to_string(n++);
    const auto added =
        run_sfq({"connection", "add", "--no-interactive", "--name", name, "--account", c.pasted,
                 "--user", "u", "--private-key-file", account_.key_file()},
                account_.env());
    ASSERT_EQ(added.exit_code, 0) << c.pasted << ": " << added.err;
    EXPECT_NE(added.err.find("JWT account " + c.jwt + ")"), std::string::npos) << added.err;
    EXPECT_NE(
        read_file(connections_path()).find("[" + name + "]\naccount = \"" + c.written + "\"\n"),
        std::string::npos)
        << c.pasted;
  }
  const auto bad = run_sfq({"connection", "add", "--name", "bad", "--account", "my account!",
                            "--user", "u", "--private-key-file", account_.key_file()},
                           account_.env());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not an account identifier"), std::string::npos) << bad.err;
}

TEST_F(CliConnections, WithoutATerminalMissingValuesAreNamedAndNothingIsWritten) {
  const std::string before = read_file(connections_path());
  const auto result = run_sfq({"connection", "add", "--name", "half", "--account", "acme"},
                              account_.env(), std::string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--user"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--private-key-file or --generate-key"), std::string::npos)
      << result.err;
  EXPECT_EQ(read_file(connections_path()), before);
}

TEST_F(CliConnections, DefaultSetsDefaultConnectionNameAndKeepsConfigToml) {
  const std::string config = "# sfq settings\n[sfq]\nformat = \"csv\"\n";
  account_.dir().write_file("home/.snowflake/config.toml", config);
  const auto added =
      run_sfq(add_args("second", {"--account", "mockaccount", "--user", "mockuser",
                                  "--private-key-file", account_.key_file(), "--default"}),
              account_.env());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string after = read_file(config_path());
  EXPECT_EQ(after, "default_connection_name = \"second\"\n\n" + config);

  const auto list = run_sfq({"connection", "list"}, account_.env());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("* second"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("default_connection_name"), std::string::npos) << list.out;
  // And sfq without -c now uses it (the [sfq] format of config.toml still applies).
  const auto used = run_sfq({"-q", "select current_user() as u"}, account_.env());
  EXPECT_EQ(used.exit_code, 0) << used.err;
  EXPECT_EQ(used.out, "U\nMOCKUSER\n");
}

TEST_F(CliConnections, AnEncryptedGeneratedKeyWorksWithItsPassphrase) {
  ChildEnv env = account_.env();
  env.set("PRIVATE_KEY_PASSPHRASE", "correct horse");
  const auto added = run_sfq(add_args("locked", {"--account", "mockaccount", "--user", "mockuser",
                                                 "--generate-key", "--encrypt"}),
                             env);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("encrypted"), std::string::npos) << added.out;
  EXPECT_EQ(added.out.find("correct horse"), std::string::npos) << "never printed";
  const std::string key = read_file(account_.snowflake_dir() + "/keys/locked.p8");
  EXPECT_NE(key.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(read_file(connections_path()).find("correct horse"), std::string::npos)
      << "the passphrase is not written";
  std::string error;
  ASSERT_TRUE(account_.server().add_public_key(public_key_from_statement(added.out), 2, error))
      << error;
  const auto used = run_sfq({"-c", "locked", "--format", "csv", "-q", "select 7 as seven"}, env);
  EXPECT_EQ(used.exit_code, 0) << used.err;
  EXPECT_EQ(used.out, "SEVEN\n7\n");

  // A token file that does not exist is refused before anything is written.
  const auto token =
      run_sfq({"connection", "add", "--name", "tok", "--account", "acme", "--user", "u",
               "--authenticator", "oauth", "--token-file-path", account_.dir().at("no-such-token")},
              account_.env());
  EXPECT_EQ(token.exit_code, 2);
  EXPECT_NE(token.err.find("no-such-token"), std::string::npos) << token.err;
  EXPECT_EQ(read_file(connections_path()).find("[tok]"), std::string::npos);
}

TEST_F(CliConnections, InteractiveOnATerminalAsksWithDefaults) {
  ChildEnv env = account_.env();
  env.set("TERM", "xterm");
  PtyProcess pty({sfq_binary(), "connection", "add"}, env);
  ASSERT_TRUE(pty.expect("Connection name: ")) << pty.take();
  pty.send("dev\r");
  ASSERT_TRUE(pty.expect("Account (identifier or URL")) << pty.take();
  pty.send("xy12345.eu-west-1.aws\r");
  ASSERT_TRUE(pty.expect("JWT account XY12345")) << pty.take();
  ASSERT_TRUE(pty.expect("User: ")) << pty.take();
  pty.send("\r");  // needed: asked again
  ASSERT_TRUE(pty.expect("This one is needed.")) << pty.take();
  ASSERT_TRUE(pty.expect("User: ")) << pty.take();
  pty.send("jdoe\r");
  ASSERT_TRUE(pty.expect("[SNOWFLAKE_JWT]: ")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("[generate]: ")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("Role")) << pty.take();
  pty.send("analyst\r");
  ASSERT_TRUE(pty.expect("Warehouse")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("Database")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("Schema")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("Make \"dev\" the default connection? [y/N]")) << pty.take();
  pty.send("y\r");
  ASSERT_TRUE(pty.expect("ALTER USER jdoe SET RSA_PUBLIC_KEY='")) << pty.take();
  EXPECT_EQ(pty.wait_exit(), 0);

  const std::string written = read_file(connections_path());
  EXPECT_NE(written.find("[dev]\naccount = \"xy12345.eu-west-1.aws\"\nuser = \"jdoe\"\n"
                         "authenticator = \"SNOWFLAKE_JWT\"\nprivate_key_file = \"" +
                         account_.snowflake_dir() + "/keys/dev.p8\"\nrole = \"analyst\"\n"),
            std::string::npos)
      << written;
  EXPECT_EQ(read_file(config_path()), "default_connection_name = \"dev\"\n");
}

TEST_F(CliConnections, InteractiveReplaceNeedsAYes) {
  const std::string before = read_file(connections_path());
  ChildEnv env = account_.env();
  env.set("TERM", "xterm");
  PtyProcess pty({sfq_binary(), "connection", "add", "--name", "default"}, env);
  ASSERT_TRUE(pty.expect("Connection \"default\" exists")) << pty.take();
  ASSERT_TRUE(pty.expect("Replace it? [y/N]: ")) << pty.take();
  pty.send("\r");
  ASSERT_TRUE(pty.expect("nothing written")) << pty.take();
  EXPECT_EQ(pty.wait_exit(), 1);
  EXPECT_EQ(read_file(connections_path()), before);
}

TEST(CliConnectionList, EverySourceWithItsOriginAndTheDefault) {
  TempDir dir;
  const std::string home = dir.make_dir("home");
  dir.write_file("home/.snowflake/connections.toml",
                 "[prod]\naccount = \"acme-prod\"\nuser = \"jdoe\"\n"
                 "private_key_file = \"/keys/prod.p8\"\n"
                 "[analytics]\naccount = \"acme-an\"\nuser = \"ana\"\nauthenticator = \"OAUTH\"\n"
                 "token = \"secret-token\"\n");
  dir.write_file("home/.snowflake/config.toml", "default_connection_name = \"analytics\"\n");
  dir.write_file("home/.snowsql/config",
                 "[connections.legacy]\naccountname = old-acct\nusername = olduser\n");
  ChildEnv env(home);
  env.set("SNOWFLAKE_CONNECTIONS_PROD_ROLE", "REPORTER");

  const auto table = run_sfq({"connection", "list"}, env);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("  prod"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("* analytics"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("legacy"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(home + "/.snowsql/config"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("overridden by SNOWFLAKE_CONNECTIONS_PROD_ROLE"), std::string::npos)
      << table.out;
  EXPECT_EQ(table.out.find("secret-token"), std::string::npos) << "no secret is shown";

  const auto json = run_sfq({"connection", "list", "--format", "json"}, env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  rapidjson::Document doc;
  doc.Parse(json.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json.out;
  EXPECT_STREQ(doc["default"].GetString(), "analytics");
  EXPECT_TRUE(doc["default_defined"].GetBool());
  const auto& connections = doc["connections"];
  ASSERT_EQ(connections.Size(), 3u) << json.out;
  EXPECT_STREQ(connections[0]["name"].GetString(), "prod");
  EXPECT_STREQ(connections[0]["source"].GetString(), "connections.toml");
  EXPECT_STREQ(connections[0]["role"].GetString(), "REPORTER");
  EXPECT_STREQ(connections[0]["env_overrides"][0].GetString(), "SNOWFLAKE_CONNECTIONS_PROD_ROLE");
  EXPECT_FALSE(connections[0]["default"].GetBool());
  EXPECT_STREQ(connections[1]["name"].GetString(), "analytics");
  EXPECT_STREQ(connections[1]["authenticator"].GetString(), "OAUTH");
  EXPECT_TRUE(connections[1]["default"].GetBool());
  EXPECT_STREQ(connections[2]["name"].GetString(), "legacy");
  EXPECT_STREQ(connections[2]["source"].GetString(), "SnowSQL");
  EXPECT_STREQ(connections[2]["account"].GetString(), "old-acct");
  EXPECT_EQ(json.out.find("secret-token"), std::string::npos);
}

TEST(CliConnectionList, EnvironmentVariablesAloneMakeTheDefaultConnection) {
  TempDir dir;
  const std::string home = dir.make_dir("home");
  ChildEnv env(home);
  const auto empty = run_sfq({"connection", "list"}, env);
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_NE(empty.out.find("No connections"), std::string::npos) << empty.out;
  EXPECT_NE(empty.out.find("sfq connection add"), std::string::npos) << empty.out;

  env.set("SNOWFLAKE_ACCOUNT", "envacct").set("SNOWFLAKE_USER", "envuser");
  const auto json = run_sfq({"connection", "list", "--format", "json"}, env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  rapidjson::Document doc;
  doc.Parse(json.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json.out;
  ASSERT_EQ(doc["connections"].Size(), 1u);
  const auto& only = doc["connections"][0];
  EXPECT_STREQ(only["name"].GetString(), "default");
  EXPECT_STREQ(only["source"].GetString(), "environment");
  EXPECT_STREQ(only["account"].GetString(), "envacct");
  EXPECT_STREQ(only["user"].GetString(), "envuser");
  EXPECT_NE(std::string(only["origin"].GetString()).find("SNOWFLAKE_ACCOUNT"), std::string::npos);
  EXPECT_TRUE(only["default"].GetBool());
}

TEST(CliConnectionAdd, NextToConfigTomlConnectionsItWritesConfigToml) {
  // connections.toml would hide config.toml's connections: the new one joins them instead.
  TempDir dir;
  const std::string home = dir.make_dir("home");
  const std::string config =
      "default_connection_name = \"old\"\n\n[connections.old]\naccount = \"acme-old\"\n";
  const std::string path = dir.write_file("home/.snowflake/config.toml", config);
  const std::string key =
      dir.write_file("keys/k.p8",
                     "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE "
                     "KEY-----\n");
  ChildEnv env(home);
  const auto added = run_sfq({"connection", "add", "--name", "new", "--account", "acme-new",
                              "--user", "u", "--private-key-file", key},
                             env);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(read_file(path), config +
                                 "\n[connections.new]\naccount = \"acme-new\"\nuser = "
                                 "\"u\"\nauthenticator = \"SNOWFLAKE_JWT\"\n"
                                 "private_key_file = \"" +
                                 key + "\"\n");
  EXPECT_NE(added.out.find("next to the others"), std::string::npos) << added.out;
  // An encrypted key without its passphrase: no statement, and the way to get one.
  EXPECT_EQ(added.out.find("ALTER USER"), std::string::npos) << added.out;
  EXPECT_NE(added.out.find("PRIVATE_KEY_PASSPHRASE"), std::string::npos) << added.out;
  EXPECT_EQ(::access((home + "/.snowflake/connections.toml").c_str(), F_OK), -1);
}

}  // namespace
}  // namespace sfq::test_support
