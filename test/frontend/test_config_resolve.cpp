// Tests of connection resolution beyond the precedence matrix: which connection is selected,
// key aliases, authentication choice, PRIVATE_KEY_PASSPHRASE, token files, timeouts, and the
// errors that name what is wrong. Real files in a fake HOME, variables set per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/config_fixture.hpp"

namespace {

using sfq::AuthMethod;
using sfq::ErrorCategory;
using sfq::config::Overrides;
using sfq::config::ResolveOptions;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  return std::any_of(texts.begin(), texts.end(), [&](const auto& t) { return contains(t, part); });
}

class ConfigSelection : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
    // Four complete connections told apart by their account.
    std::string toml;
    for (const std::string name : {"a", "b", "c", "default"}) {
      toml += "[" + name + "]\naccount = \"acct-" + name +
              "\"\nuser = \"u\"\nprivate_key_file = \"" + write_key() + "\"\n";
    }
    write_connections(toml);
    write_config("default_connection_name = \"c\"\n");
  }
};

TEST_F(ConfigSelection, FlagBeatsEnvBeatsConfigTomlBeatsDefault) {
  env_.set("SNOWFLAKE_DEFAULT_CONNECTION_NAME", "b");
  Overrides flag;
  flag.connection_name = "a";
  auto resolved = resolve(flag);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->connection_name, "a");
  EXPECT_EQ(resolved->options.account, "acct-a");
  EXPECT_EQ(resolved->connection_reason, "flag --connection");

  resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-b");
  EXPECT_EQ(resolved->connection_reason, "env SNOWFLAKE_DEFAULT_CONNECTION_NAME");

  env_.unset("SNOWFLAKE_DEFAULT_CONNECTION_NAME");
  resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-c");
  EXPECT_EQ(resolved->connection_reason, config_path() + ":1:27 default_connection_name");

  write_config("# no default here\n");
  resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-default");
  EXPECT_TRUE(resolved->connection_found);
  EXPECT_EQ(resolved->connection_origin, connections_path() + " [default]");
}

TEST_F(ConfigSelection, EmptyDefaultConnectionVariableCountsAsUnset) {
  env_.set("SNOWFLAKE_DEFAULT_CONNECTION_NAME", "");
  const auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-c");
}

TEST_F(ConfigSelection, MissingFlagConnectionListsKnownNames) {
  Overrides flag;
  flag.connection_name = "prod";
  const auto resolved = resolve(flag);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
  EXPECT_TRUE(contains(resolved.error().message(), "\"prod\"")) << resolved.error().message();
  EXPECT_TRUE(contains(resolved.error().message(), "known: a, b, c, default"))
      << resolved.error().message();
  EXPECT_TRUE(contains(resolved.error().message(), connections_path()));
}

TEST_F(ConfigSelection, MissingEnvConnectionIsAnError) {
  env_.set("SNOWFLAKE_DEFAULT_CONNECTION_NAME", "nope");
  const auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "SNOWFLAKE_DEFAULT_CONNECTION_NAME"));
  EXPECT_TRUE(contains(resolved.error().message(), "known: a, b, c, default"));
}

TEST_F(ConfigSelection, MissingConfigTomlDefaultIsAnError) {
  write_config("default_connection_name = \"gone\"\n");
  const auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "\"gone\""));
  EXPECT_TRUE(contains(resolved.error().message(), "default_connection_name"));
  EXPECT_TRUE(contains(resolved.error().message(), "known: a, b, c, default"));
}

TEST_F(ConfigSelection, ConnectionVariablesAloneDoNotDefineAConnection) {
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_ACCOUNT", "x");
  Overrides flag;
  flag.connection_name = "prod";
  const auto resolved = resolve(flag);
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "SNOWFLAKE_CONNECTIONS_PROD_ACCOUNT is set"))
      << resolved.error().message();
  EXPECT_TRUE(contains(resolved.error().message(), "add [prod] to " + connections_path()));
}

TEST_F(ConfigSelection, MisplacedDefaultConnectionNameIsWarnedAbout) {
  write_config("[cli.logs]\nsave_logs = true\ndefault_connection_name = \"a\"\n");
  const auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-default");  // the misplaced key is not the default
  EXPECT_TRUE(any_contains(resolved->warnings, config_path() + ":3:"));
  EXPECT_TRUE(any_contains(resolved->warnings, "inside [cli.logs]"));
}

TEST_F(ConfigSelection, PrefixSharingConnectionsKeepTheirOwnVariables) {
  write_connections("[prod]\naccount = \"p\"\n[prod_eu]\naccount = \"pe\"\n");
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_EU_ROLE", "EU_ROLE");
  Overrides flag;
  flag.connection_name = "prod";
  auto resolved = resolve(flag, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.role, "");
  EXPECT_TRUE(resolved->unused.empty());
  flag.connection_name = "prod_eu";
  resolved = resolve(flag, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.role, "EU_ROLE");
}

class ConfigImplicitDefault : public sfq::test_support::ConfigTest {};

TEST_F(ConfigImplicitDefault, NoFilesButFlagsAndEnvironmentSuffice) {
  env_.set("SNOWFLAKE_ACCOUNT", "env-acct");
  env_.set("SNOWFLAKE_USER", "env-user");
  Overrides flags;
  flags.private_key_file = write_key();
  const auto resolved = resolve(flags);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->connection_name, "default");
  EXPECT_FALSE(resolved->connection_found);
  EXPECT_EQ(resolved->options.account, "env-acct");
  EXPECT_EQ(resolved->options.auth, AuthMethod::key_pair);
}

TEST_F(ConfigImplicitDefault, NotEnoughToConnectNamesKnownConnectionsAndWhatIsMissing) {
  snowflake_dir();
  write_connections("[dev]\naccount = \"d\"\n[test]\naccount = \"t\"\n");
  const auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  const auto& message = resolved.error().message();
  EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
  EXPECT_TRUE(contains(message, "no connection \"default\"")) << message;
  EXPECT_TRUE(contains(message, "known: dev, test")) << message;
  EXPECT_TRUE(contains(message, "account is not set")) << message;
  EXPECT_TRUE(contains(message, "--account")) << message;
  EXPECT_TRUE(contains(message, "SNOWFLAKE_ACCOUNT")) << message;
}

TEST_F(ConfigImplicitDefault, AllowIncompleteReportsProblemsInstead) {
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_TRUE(any_contains(resolved->problems, "account is not set"));
  EXPECT_TRUE(any_contains(resolved->problems, "user is not set"));
  EXPECT_TRUE(any_contains(resolved->problems, "no private key"));
}

class ConfigAliases : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
  }
};

TEST_F(ConfigAliases, SnowflakeAndSnowSqlSpellingsAreNormalised) {
  const auto key = write_key();
  write_connections(
      "[prod]\naccountname = \"acct\"\nusername = \"usr\"\ndbname = \"db\"\n"
      "schemaname = \"sch\"\nwarehousename = \"wh\"\nrolename = \"rl\"\n"
      "private_key_path = \"" +
      key + "\"\nprivate_key_file_pwd = \"hunter2\"\n");
  Overrides flag;
  flag.connection_name = "prod";
  const auto resolved = resolve(flag);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const auto& o = resolved->options;
  EXPECT_EQ(o.account, "acct");
  EXPECT_EQ(o.user, "usr");
  EXPECT_EQ(o.database, "db");
  EXPECT_EQ(o.schema, "sch");
  EXPECT_EQ(o.warehouse, "wh");
  EXPECT_EQ(o.role, "rl");
  EXPECT_EQ(o.private_key_file, key);
  EXPECT_EQ(o.private_key_passphrase.reveal(), "hunter2");
  const auto* file = provenance_of(*resolved, "private_key_file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->source, connections_path() + " [prod] (as private_key_path)");
  EXPECT_TRUE(resolved->unused.empty());
}

TEST_F(ConfigAliases, CanonicalSpellingWinsOverAliasInTheSameSource) {
  const auto canonical = write_key("canonical.p8");
  const auto alias = write_key("alias.p8");
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_path = \"" + alias +
                    "\"\nprivate_key_file = \"" + canonical + "\"\n");
  Overrides flag;
  flag.connection_name = "prod";
  const auto resolved = resolve(flag);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_file, canonical);
  EXPECT_TRUE(any_contains(resolved->warnings, "(as private_key_path) is ignored"));
}

TEST_F(ConfigAliases, VariablesUseAliasesToo) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\n");
  const auto from_connection_env = write_key("conn.p8");
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_PATH", from_connection_env);
  Overrides flag;
  flag.connection_name = "prod";
  auto resolved = resolve(flag);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_file, from_connection_env);

  env_.unset("SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_PATH");
  const auto from_generic = write_key("generic.p8");
  env_.set("SNOWFLAKE_PRIVATE_KEY_PATH", from_generic);
  resolved = resolve(flag);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_file, from_generic);
  EXPECT_EQ(provenance_of(*resolved, "private_key_file")->source, "env SNOWFLAKE_PRIVATE_KEY_PATH");
}

TEST_F(ConfigAliases, UnknownKeysAreKeptAsUnusedWithSecretsMasked) {
  write_connections("[prod]\naccount = \"a\"\nregion = \"us-west-2\"\npassword = \"swordfish\"\n");
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_CLIENT_SESSION_KEEP_ALIVE", "true");
  Overrides flag;
  flag.connection_name = "prod";
  const auto resolved = resolve(flag, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  std::vector<std::string> keys;
  for (const auto& entry : resolved->unused) {
    keys.push_back(entry.key);
    if (entry.key == "password") {
      EXPECT_EQ(entry.value, "****");
    }
    if (entry.key == "region") {
      EXPECT_EQ(entry.value, "us-west-2");
    }
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"client_session_keep_alive", "region", "password"}));
}

class ConfigAuthentication : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
    flag_.connection_name = "prod";
  }
  Overrides flag_;
};

TEST_F(ConfigAuthentication, AuthenticatorNamesMapToMethodsInAnyCase) {
  const auto key = write_key();
  struct Case {
    std::string authenticator;
    AuthMethod method;
  };
  for (const auto& c :
       std::vector<Case>{{"SNOWFLAKE_JWT", AuthMethod::key_pair},
                         {"snowflake_jwt", AuthMethod::key_pair},
                         {"oauth", AuthMethod::oauth},
                         {"PROGRAMMATIC_ACCESS_TOKEN", AuthMethod::programmatic_access_token}}) {
    write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nauthenticator = \"" +
                      c.authenticator + "\"\nprivate_key_file = \"" + key +
                      "\"\ntoken = \"tok\"\n");
    const auto resolved = resolve(flag_);
    ASSERT_TRUE(resolved.ok()) << c.authenticator << ": " << resolved.error().what();
    EXPECT_EQ(resolved->options.auth, c.method) << c.authenticator;
    if (c.method == AuthMethod::key_pair) {
      EXPECT_EQ(resolved->options.private_key_file, key);
      EXPECT_TRUE(resolved->options.token.empty());  // not handed to libsfq
    } else {
      EXPECT_EQ(resolved->options.token.reveal(), "tok");
      EXPECT_TRUE(resolved->options.private_key_file.empty());
      EXPECT_TRUE(any_contains(resolved->warnings, "private_key_file from"));
    }
  }
}

TEST_F(ConfigAuthentication, UnsupportedAuthenticatorIsAConfigErrorNamingTheSource) {
  write_connections("[prod]\naccount = \"a\"\nauthenticator = \"externalbrowser\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
  EXPECT_TRUE(contains(resolved.error().message(), "externalbrowser"));
  EXPECT_TRUE(contains(resolved.error().message(), connections_path() + " [prod]"));
  EXPECT_TRUE(contains(resolved.error().message(), "SNOWFLAKE_JWT"));
}

TEST_F(ConfigAuthentication, DefaultsToKeyPairWithAKeyAndToOAuthWithOnlyAToken) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + write_key() +
                    "\"\n");
  auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.auth, AuthMethod::key_pair);
  EXPECT_EQ(provenance_of(*resolved, "authenticator")->source,
            "default (a private key is configured)");

  write_connections("[prod]\naccount = \"a\"\ntoken = \"tok\"\n");
  resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.auth, AuthMethod::oauth);
  EXPECT_EQ(provenance_of(*resolved, "authenticator")->value, "OAUTH");
}

TEST_F(ConfigAuthentication, TokenFlagBeatsKeyInTheFileWithoutAuthenticator) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + write_key() +
                    "\"\n");
  flag_.token = "flag-token";
  auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.auth, AuthMethod::oauth);
  EXPECT_EQ(resolved->options.token.reveal(), "flag-token");
  EXPECT_TRUE(resolved->options.private_key_file.empty());

  // Same source: the key wins the tie, and the unused token is reported.
  flag_.token.reset();
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\ntoken = \"t\"\nprivate_key_file = \"" +
                    write_key() + "\"\n");
  resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.auth, AuthMethod::key_pair);
  EXPECT_TRUE(resolved->options.token.empty());
  EXPECT_TRUE(any_contains(resolved->warnings, "token from"));
}

TEST_F(ConfigAuthentication, KeyFileFromHigherSourceBeatsPemText) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_raw = \"PEM-TEXT\"\n");
  const auto key = write_key();
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_FILE", key);
  auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_file, key);
  EXPECT_TRUE(resolved->options.private_key_pem.empty());

  env_.unset("SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_FILE");
  env_.set("SNOWFLAKE_PRIVATE_KEY_FILE", key);  // generic: lower than the file's PEM text
  resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_pem.reveal(), "PEM-TEXT");
  EXPECT_TRUE(resolved->options.private_key_file.empty());
  EXPECT_EQ(provenance_of(*resolved, "private_key_raw")->value, "****");
}

TEST_F(ConfigAuthentication, MissingKeyFileIsAProblemNamingItsSource) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + home_ +
                    "/missing.p8\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "missing.p8"));
  EXPECT_TRUE(contains(resolved.error().message(), "does not exist"));
}

TEST_F(ConfigAuthentication, TildeInKeyPathIsTheHomeDirectory) {
  temp_.write_file("home/keys/k.p8", "-----BEGIN PRIVATE KEY-----\n", 0600);
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"~/keys/k.p8\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_file, home_ + "/keys/k.p8");
}

class ConfigPassphrase : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
    flag_.connection_name = "prod";
    write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + write_key() +
                      "\"\nprivate_key_passphrase = \"from-file\"\n");
  }
  Overrides flag_;
};

TEST_F(ConfigPassphrase, PrivateKeyPassphraseVariableWinsOverEveryConfiguredOne) {
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_PASSPHRASE", "from-connection-env");
  env_.set("PRIVATE_KEY_PASSPHRASE", "from-env");
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_passphrase.reveal(), "from-env");
  const auto* entry = provenance_of(*resolved, "private_key_passphrase");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->source, "env PRIVATE_KEY_PASSPHRASE");
  EXPECT_EQ(entry->value, "****");
  EXPECT_EQ(entry->overridden,
            (std::vector<std::string>{"env SNOWFLAKE_CONNECTIONS_PROD_PRIVATE_KEY_PASSPHRASE",
                                      connections_path() + " [prod]"}));
}

TEST_F(ConfigPassphrase, ConfiguredPassphraseIsUsedWithoutTheVariable) {
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_passphrase.reveal(), "from-file");
}

TEST_F(ConfigPassphrase, EmptyVariableIsIgnoredWithAWarning) {
  env_.set("PRIVATE_KEY_PASSPHRASE", "");
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.private_key_passphrase.reveal(), "from-file");
  EXPECT_TRUE(any_contains(resolved->warnings, "PRIVATE_KEY_PASSPHRASE is set but empty"));
}

TEST_F(ConfigPassphrase, NoGenericPassphraseVariable) {
  // snow's generic variables do not include the passphrase; SNOWFLAKE_PRIVATE_KEY_PASSPHRASE
  // must not fill it.
  write_connections("[prod]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + write_key() +
                    "\"\n");
  env_.set("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "generic");
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_TRUE(resolved->options.private_key_passphrase.empty());
}

class ConfigTokenFile : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
    flag_.connection_name = "prod";
  }
  Overrides flag_;
};

TEST_F(ConfigTokenFile, TokenIsReadFromTheFileWithoutTrailingNewline) {
  const auto path = temp_.write_file("tokens/pat", "  pat-secret-value\n", 0600);
  write_connections(
      "[prod]\naccount = \"a\"\nauthenticator = \"PROGRAMMATIC_ACCESS_TOKEN\"\n"
      "token_file_path = \"" +
      path + "\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.auth, AuthMethod::programmatic_access_token);
  EXPECT_EQ(resolved->options.token.reveal(), "pat-secret-value");
  const auto* token = provenance_of(*resolved, "token");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->value, "****");
  EXPECT_EQ(token->source, "token file " + path);
  EXPECT_EQ(provenance_of(*resolved, "token_file_path")->value, path);
}

TEST_F(ConfigTokenFile, HigherSourceDecidesBetweenTokenAndTokenFile) {
  const auto path = temp_.write_file("tokens/t", "file-token\n", 0600);
  write_connections("[prod]\naccount = \"a\"\ntoken = \"file-table-token\"\n");
  env_.set("SNOWFLAKE_CONNECTIONS_PROD_TOKEN_FILE_PATH", path);
  auto resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.token.reveal(), "file-token");

  flag_.token = "flag-token";
  resolved = resolve(flag_);
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.token.reveal(), "flag-token");
  EXPECT_TRUE(std::any_of(resolved->unused.begin(), resolved->unused.end(),
                          [](const auto& u) { return u.key == "token_file_path"; }));
}

TEST_F(ConfigTokenFile, EmptyTokenFileIsAProblem) {
  const auto path = temp_.write_file("tokens/empty", "\n", 0600);
  write_connections("[prod]\naccount = \"a\"\ntoken_file_path = \"" + path + "\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "is empty")) << resolved.error().message();
}

TEST_F(ConfigTokenFile, TokenFilePermissionsAreChecked) {
  const auto path = temp_.write_file("tokens/t", "tok\n", 0666);
  write_connections("[prod]\naccount = \"a\"\ntoken_file_path = \"" + path + "\"\n");
  const auto resolved = resolve(flag_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "chmod 0600 \"" + path + "\""));
  EXPECT_FALSE(contains(resolved.error().message(), "tok\n"));
}

class ConfigValues : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
    flag_.connection_name = "prod";
  }
  Overrides flag_;
};

TEST_F(ConfigValues, NumbersMayBeWrittenAsTomlNumbersOrStrings) {
  write_connections(
      "[prod]\naccount = \"a\"\nport = 8443\nprotocol = \"HTTP\"\n"
      "connect_timeout = 2.5\nstatement_timeout = \"60\"\ntotal_timeout = 300\n");
  const auto resolved = resolve(flag_, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.port, 8443);
  EXPECT_EQ(resolved->options.protocol, "http");
  EXPECT_EQ(resolved->options.connect_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(resolved->options.statement_timeout, std::chrono::seconds(60));
  EXPECT_EQ(resolved->options.total_timeout, std::chrono::milliseconds(300000));
}

TEST_F(ConfigValues, InvalidValuesAreConfigErrorsNamingTheSource) {
  write_connections("[prod]\naccount = \"a\"\n");
  struct Case {
    std::string variable, value, expected;
  };
  for (const auto& c : std::vector<Case>{
           {"SNOWFLAKE_CONNECTIONS_PROD_PORT", "http", "port \"http\""},
           {"SNOWFLAKE_CONNECTIONS_PROD_PORT", "70000", "1-65535"},
           {"SNOWFLAKE_CONNECTIONS_PROD_PROTOCOL", "ftp", "protocol \"ftp\""},
           {"SNOWFLAKE_CONNECTIONS_PROD_CONNECT_TIMEOUT", "soon", "connect_timeout \"soon\""},
           {"SNOWFLAKE_CONNECTIONS_PROD_STATEMENT_TIMEOUT", "1.5", "whole number of seconds"},
       }) {
    sfq::test_support::ScopedEnv scoped;
    scoped.set(c.variable, c.value);
    const auto resolved = resolve(flag_, ResolveOptions{.allow_incomplete = true});
    ASSERT_FALSE(resolved.ok()) << c.variable << "=" << c.value;
    EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
    EXPECT_TRUE(contains(resolved.error().message(), c.expected)) << resolved.error().message();
    EXPECT_TRUE(contains(resolved.error().message(), "env " + c.variable))
        << resolved.error().message();
  }
}

TEST_F(ConfigValues, TableValueForAKnownKeyIsAnErrorWithPosition) {
  write_connections("[prod]\naccount = \"a\"\nrole = [\"A\", \"B\"]\n");
  const auto resolved = resolve(flag_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), connections_path() + ":3:"))
      << resolved.error().message();
  EXPECT_TRUE(contains(resolved.error().message(), "not an array"));
}

TEST_F(ConfigValues, FlagsMaySetAnEmptyValueOverTheFile) {
  write_connections("[prod]\naccount = \"a\"\nrole = \"ADMIN\"\n");
  flag_.role = "";
  const auto resolved = resolve(flag_, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.role, "");
  EXPECT_EQ(provenance_of(*resolved, "role")->source, "flag --role");
}

TEST_F(ConfigValues, EmptyGenericVariablesDoNotFill) {
  write_connections("[prod]\naccount = \"a\"\n");
  env_.set("SNOWFLAKE_ROLE", "");
  const auto resolved = resolve(flag_, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(provenance_of(*resolved, "role"), nullptr);
}

TEST(ConfigSecretKeys, NamesThatHoldSecretsAreRecognised) {
  for (const char* key :
       {"password", "token", "private_key_raw", "private_key_passphrase", "private_key_file_pwd",
        "oauth_client_secret", "session_token", "private_key", "passcode"}) {
    EXPECT_TRUE(sfq::config::is_secret_key(key)) << key;
  }
  for (const char* key : {"token_file_path", "private_key_file", "oauth_token_request_url",
                          "account", "user", "role", "region"}) {
    EXPECT_FALSE(sfq::config::is_secret_key(key)) << key;
  }
}

}  // namespace
