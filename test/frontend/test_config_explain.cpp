// Tests of `sfq config explain` output: the directory and files with their permission status,
// the chosen connection and why, every effective key with its source and what it overrode, the
// generic-variable rule stated loudly — and no secret ever printed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/explain.hpp"
#include "support/config_fixture.hpp"

namespace {

using sfq::config::Overrides;
using sfq::config::ResolveOptions;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that starts (after indentation) with `key` followed by a space.
std::string line_of(const std::string& text, const std::string& key) {
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, key.size() + 1, key + " ") == 0)
      return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

class ConfigExplain : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
  }
};

constexpr const char* kSecrets[] = {"hunter2-passphrase", "file-passphrase", "swordfish-password",
                                    "oauth-token-value",  "PEM-BODY-SECRET", "pat-from-file"};

TEST_F(ConfigExplain, NamesSourcesAndOverridesAndNeverPrintsSecrets) {
  const auto key = write_key();
  write_connections(
      "[prod]\naccount = \"myorg-acct\"\nuser = \"JDOE\"\nrole = \"FILE_ROLE\"\n"
      "private_key_path = \"" +
          key +
          "\"\nprivate_key_file_pwd = \"file-passphrase\"\n"
          "password = \"swordfish-password\"\ntoken = \"oauth-token-value\"\n"
          "private_key_raw = \"PEM-BODY-SECRET\"\n",
      0644);
  write_config("default_connection_name = \"prod\"\n[sfq]\nformat = \"csv\"\n");
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_ROLE", "ENV_ROLE");
  env_.set("SNOWFLAKE_ROLE", "GENERIC_ROLE");
  env_.set("SNOWFLAKE_WAREHOUSE", "GENERIC_WH");
  env_.set("PRIVATE_KEY_PASSPHRASE", "hunter2-passphrase");
  Overrides flags;
  flags.role = "FLAG_ROLE";

  const auto resolved = resolve(flags);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const std::string text = sfq::config::explain(*resolved);

  for (const char* secret : kSecrets)
    EXPECT_FALSE(contains(text, secret)) << secret << "\n" << text;

  // Directory and files, with permission status.
  EXPECT_TRUE(contains(text, snowflake_dir())) << text;
  EXPECT_TRUE(contains(text, "$SNOWFLAKE_HOME is not set and ~/.snowflake exists")) << text;
  EXPECT_TRUE(
      contains(line_of(text, "connections.toml"), "0644 WARNING: readable by group or others"))
      << text;
  EXPECT_TRUE(contains(line_of(text, "config.toml"), "0600 ok")) << text;
  EXPECT_TRUE(contains(line_of(text, "private key file"), key)) << text;
  EXPECT_TRUE(contains(line_of(text, "private key file"), "0600 ok")) << text;

  // The connection and why.
  EXPECT_TRUE(contains(text, "Connection \"prod\"")) << text;
  EXPECT_TRUE(contains(line_of(text, "chosen by"), config_path() + ":1:27 default_connection_name"))
      << text;
  EXPECT_TRUE(contains(line_of(text, "defined in"), connections_path() + " [prod]")) << text;

  // Keys: value, winning source, and what it overrode (on the next line).
  const auto role = line_of(text, "role");
  EXPECT_TRUE(contains(role, "FLAG_ROLE")) << role;
  EXPECT_TRUE(contains(role, "flag --role")) << role;
  EXPECT_TRUE(
      contains(text, "overrides: env SNOWFLAKE_CONNECTIONS_PROD_ROLE; " + connections_path() +
                         " [prod]; env SNOWFLAKE_ROLE (generic env fills only missing keys)"))
      << text;
  EXPECT_TRUE(contains(line_of(text, "warehouse"), "GENERIC_WH")) << text;
  EXPECT_TRUE(contains(line_of(text, "warehouse"), "env SNOWFLAKE_WAREHOUSE")) << text;
  EXPECT_TRUE(contains(line_of(text, "private_key_file"), "(as private_key_path)")) << text;
  const auto passphrase = line_of(text, "private_key_passphrase");
  EXPECT_TRUE(contains(passphrase, "****")) << passphrase;
  EXPECT_TRUE(contains(passphrase, "env PRIVATE_KEY_PASSPHRASE")) << passphrase;
  EXPECT_TRUE(contains(line_of(text, "host"), "(not set)")) << text;
  EXPECT_TRUE(contains(line_of(text, "host"), "derived: <account>.snowflakecomputing.com")) << text;
  EXPECT_TRUE(contains(line_of(text, "authenticator"), "default (a private key is configured"))
      << text;

  // The generic rule is stated, unused keys are listed masked, settings and warnings shown.
  EXPECT_TRUE(contains(text, "only FILL keys still missing; they never override")) << text;
  EXPECT_TRUE(contains(line_of(text, "password"), "****")) << text;
  EXPECT_TRUE(contains(line_of(text, "password"), "not a key sfq uses")) << text;
  EXPECT_TRUE(contains(line_of(text, "token"), "not used by key-pair authentication")) << text;
  EXPECT_TRUE(contains(line_of(text, "format"), "csv")) << text;
  EXPECT_TRUE(contains(text, "chmod 0600 \"" + connections_path() + "\"")) << text;
}

TEST_F(ConfigExplain, TokenFromFileIsMasked) {
  const auto path = temp_.write_file("tokens/pat", "pat-from-file\n", 0600);
  write_connections(
      "[default]\naccount = \"a\"\nauthenticator = \"PROGRAMMATIC_ACCESS_TOKEN\"\n"
      "token_file_path = \"" +
      path + "\"\n");
  const auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const std::string text = sfq::config::explain(*resolved);
  EXPECT_FALSE(contains(text, "pat-from-file")) << text;
  const std::string keys = text.substr(text.find("  KEY "));  // past the "token file" row
  EXPECT_TRUE(contains(line_of(keys, "token"), "****")) << text;
  EXPECT_TRUE(contains(line_of(keys, "token"), "token file " + path)) << text;
  EXPECT_TRUE(contains(line_of(text, "token_file_path"), path)) << text;
  EXPECT_TRUE(contains(line_of(text, "token file"), "0600 ok")) << text;
}

TEST_F(ConfigExplain, IncompleteConnectionListsWhatIsMissing) {
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const std::string text = sfq::config::explain(*resolved);
  EXPECT_TRUE(contains(text, "no file (using flags and environment only)")) << text;
  EXPECT_TRUE(contains(text, "Not enough to connect")) << text;
  EXPECT_TRUE(contains(text, "account is not set")) << text;
  EXPECT_TRUE(contains(line_of(text, "connections.toml"), "not found")) << text;
}

TEST_F(ConfigExplain, ValuesAreAlignedInColumns) {
  write_connections(
      "[default]\naccount = \"a\"\nuser = \"a-much-longer-user-name\"\n"
      "private_key_file = \"" +
      write_key() + "\"\n");
  const auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const std::string text = sfq::config::explain(*resolved);
  const auto account = line_of(text, "account");
  const auto user = line_of(text, "user");
  const auto header = line_of(text, "KEY");
  ASSERT_FALSE(account.empty());
  ASSERT_FALSE(user.empty());
  // The SOURCE column starts at the same offset on every key line.
  const auto source_column = header.find("SOURCE");
  ASSERT_NE(source_column, std::string::npos) << text;
  EXPECT_EQ(account.find(connections_path()), source_column) << text;
  EXPECT_EQ(user.find(connections_path()), source_column) << text;
}

}  // namespace
