// Tests of configuration files: where they are looked for (SNOWFLAKE_HOME, ~/.snowflake,
// $XDG_CONFIG_HOME/snowflake), --config-file, TOML syntax errors with positions, the [sfq]
// settings, SNOWFLAKE_CONNECTIONS, and the permission checks on every file that may hold
// credentials. Real files and modes in a temporary directory with a fake HOME.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config_files.hpp"
#include "config/file_permissions.hpp"
#include "support/config_fixture.hpp"

namespace {

using sfq::ErrorCategory;
using sfq::config::Environment;
using sfq::config::FileSafety;
using sfq::config::Overrides;
using sfq::config::ResolveOptions;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  return std::any_of(texts.begin(), texts.end(), [&](const auto& t) { return contains(t, part); });
}

constexpr const char* kConnection = "[default]\naccount = \"ACCOUNT\"\n";

std::string connection_for(const std::string& account) {
  return "[default]\naccount = \"" + account + "\"\n";
}

class ConfigDirectory : public sfq::test_support::ConfigTest {
 protected:
  std::string account() const {
    const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
    EXPECT_TRUE(resolved.ok()) << resolved.error().what();
    return resolved.ok() ? resolved->options.account : std::string("<error>");
  }
};

TEST_F(ConfigDirectory, SnowflakeHomeIsUsedWhenItExists) {
  temp_.write_file("elsewhere/connections.toml", connection_for("from-snowflake-home"));
  temp_.write_file("home/.snowflake/connections.toml", connection_for("from-dot-snowflake"));
  env_.set("SNOWFLAKE_HOME", temp_.at("elsewhere"));
  EXPECT_EQ(account(), "from-snowflake-home");
  const auto dir = sfq::config::resolve_config_directory(Environment::from_process());
  EXPECT_EQ(dir.path, temp_.at("elsewhere"));
  EXPECT_TRUE(contains(dir.reason, "$SNOWFLAKE_HOME")) << dir.reason;
}

TEST_F(ConfigDirectory, DotSnowflakeIsUsedWithoutSnowflakeHome) {
  temp_.write_file("home/.snowflake/connections.toml", connection_for("from-dot-snowflake"));
  temp_.write_file("home/.config/snowflake/connections.toml", connection_for("from-xdg"));
  EXPECT_EQ(account(), "from-dot-snowflake");
}

TEST_F(ConfigDirectory, PlatformDirectoryWhenNeitherExists) {
  temp_.write_file("home/.config/snowflake/connections.toml", connection_for("from-xdg"));
  EXPECT_EQ(account(), "from-xdg");
  const auto dir = sfq::config::resolve_config_directory(Environment::from_process());
  EXPECT_EQ(dir.path, home_ + "/.config/snowflake");
  EXPECT_TRUE(dir.warnings.empty());
}

TEST_F(ConfigDirectory, MissingSnowflakeHomeSkipsDotSnowflakeAsTheConnectorDoes) {
  // The connector reads os.environ.get("SNOWFLAKE_HOME", "~/.snowflake/"): once SNOWFLAKE_HOME
  // is set, ~/.snowflake is never consulted.
  temp_.write_file("home/.snowflake/connections.toml", connection_for("from-dot-snowflake"));
  temp_.write_file("home/.config/snowflake/connections.toml", connection_for("from-xdg"));
  env_.set("SNOWFLAKE_HOME", temp_.at("does-not-exist"));
  EXPECT_EQ(account(), "from-xdg");
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok());
  EXPECT_TRUE(any_contains(resolved->warnings,
                           "SNOWFLAKE_HOME=" + temp_.at("does-not-exist") + " does not exist"));
}

TEST_F(ConfigDirectory, XdgConfigHomeIsRespectedUnlessBlank) {
  temp_.write_file("xdg/snowflake/connections.toml", connection_for("from-xdg-config-home"));
  temp_.write_file("home/.config/snowflake/connections.toml", connection_for("from-dot-config"));
  env_.set("XDG_CONFIG_HOME", temp_.at("xdg"));
  EXPECT_EQ(account(), "from-xdg-config-home");
  env_.set("XDG_CONFIG_HOME", "  ");
  EXPECT_EQ(account(), "from-dot-config");
}

TEST_F(ConfigDirectory, TildeInSnowflakeHomeIsExpanded) {
  temp_.write_file("home/sf/connections.toml", connection_for("from-tilde"));
  env_.set("SNOWFLAKE_HOME", "~/sf");
  EXPECT_EQ(account(), "from-tilde");
}

TEST_F(ConfigDirectory, NoDirectoryAtAllIsNotAnErrorByItself) {
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->connections_origin, "");
  EXPECT_FALSE(resolved->connection_found);
  ASSERT_EQ(resolved->files.size(), 2U);
  EXPECT_FALSE(resolved->files[0].exists);
  EXPECT_FALSE(resolved->files[1].exists);
}

class ConfigFiles : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
  }
};

TEST_F(ConfigFiles, ConfigFileFlagReplacesConfigTomlButNotConnectionsToml) {
  write_connections("[a]\naccount = \"acct-a\"\n[b]\naccount = \"acct-b\"\n");
  write_config("default_connection_name = \"a\"\n[sfq]\nformat = \"csv\"\n");
  const auto custom = temp_.write_file(
      "custom/sfq.toml", "default_connection_name = \"b\"\n[sfq]\nformat = \"json\"\n");
  Overrides flags;
  flags.config_file = custom;
  const auto resolved = resolve(flags, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "acct-b");
  EXPECT_EQ(resolved->sfq_settings.at("format"), "json");
  EXPECT_EQ(resolved->config_path, custom);
  EXPECT_EQ(resolved->connection_origin, connections_path() + " [b]");
}

TEST_F(ConfigFiles, ConfigFileFlagConnectionsAreUsedWithoutConnectionsToml) {
  const auto custom =
      temp_.write_file("custom/sfq.toml", "[connections.default]\naccount = \"custom\"\n");
  Overrides flags;
  flags.config_file = custom;
  const auto resolved = resolve(flags, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "custom");
  EXPECT_EQ(resolved->connection_origin, custom + " [connections.default]");
}

TEST_F(ConfigFiles, MissingConfigFileIsAnError) {
  Overrides flags;
  flags.config_file = temp_.at("nope.toml");
  const auto resolved = resolve(flags);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
  EXPECT_TRUE(contains(resolved.error().message(), temp_.at("nope.toml")));
  EXPECT_TRUE(contains(resolved.error().message(), "does not exist"));
}

TEST_F(ConfigFiles, ConnectionsTomlReplacementIsWarnedAbout) {
  write_config("[connections.old]\naccount = \"o\"\n");
  write_connections(kConnection);
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->known_connections, std::vector<std::string>{"default"});
  EXPECT_TRUE(any_contains(resolved->warnings, "(old) that are ignored"));
}

TEST_F(ConfigFiles, ConnectionsAreListedInTheOrderWritten) {
  write_connections("[zeta]\naccount = \"z\"\n[alpha]\naccount = \"a\"\n[mid]\naccount = \"m\"\n");
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->known_connections, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST_F(ConfigFiles, TomlSyntaxErrorNamesFileLineAndColumn) {
  write_connections("[prod]\naccount = \"a\"\nuser = \"unterminated\n");
  auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
  EXPECT_TRUE(contains(resolved.error().message(), connections_path() + ":3:"))
      << resolved.error().message();
  EXPECT_TRUE(contains(resolved.error().message(), "invalid TOML")) << resolved.error().message();

  write_connections(kConnection);
  write_config("default_connection_name = \"a\"\n\n[sfq\n");
  resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), config_path() + ":3:"))
      << resolved.error().message();
}

TEST_F(ConfigFiles, DefaultConnectionNameMustBeAString) {
  write_config("default_connection_name = 3\n");
  const auto resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), config_path() + ":1:"));
  EXPECT_TRUE(contains(resolved.error().message(), "must be a string"));
}

TEST_F(ConfigFiles, SnowflakeConnectionsVariableReplacesTheFiles) {
  write_connections(connection_for("from-file"));
  env_.set("SNOWFLAKE_CONNECTIONS", "[default]\naccount = \"from-variable\"\n");
  auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->options.account, "from-variable");
  EXPECT_EQ(resolved->connection_origin, "env SNOWFLAKE_CONNECTIONS [default]");

  env_.set("SNOWFLAKE_CONNECTIONS", "[default\n");
  resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "env SNOWFLAKE_CONNECTIONS:1:"))
      << resolved.error().message();
}

TEST_F(ConfigFiles, SfqSettingsAreKeptAsStringsAndUnknownOnesIgnoredWithAWarning) {
  write_config(
      "[sfq]\nformat = \"table\"\nnull_display = \"∅\"\nmax_rows = 500\nheader = false\n"
      "pager = \"less -S\"\ncolour = \"always\"\n");
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const std::map<std::string, std::string> expected = {{"format", "table"},
                                                       {"null_display", "∅"},
                                                       {"max_rows", "500"},
                                                       {"header", "false"},
                                                       {"pager", "less -S"}};
  EXPECT_EQ(resolved->sfq_settings, expected);
  EXPECT_TRUE(any_contains(resolved->warnings, "unknown [sfq] setting `colour`"));
  EXPECT_TRUE(any_contains(resolved->warnings, "; ignored"));
}

TEST_F(ConfigFiles, InvalidSfqSettingIsAnErrorWithPositionAndAcceptedValues) {
  struct Case {
    std::string toml, expected;
  };
  for (const auto& c : std::vector<Case>{{"[sfq]\nformat = \"yaml\"\n", "csv, tsv"},
                                         {"[sfq]\nmax_rows = -1\n", "a whole number"},
                                         {"[sfq]\nheader = \"maybe\"\n", "true or false"}}) {
    write_config(c.toml);
    const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
    ASSERT_FALSE(resolved.ok()) << c.toml;
    EXPECT_TRUE(contains(resolved.error().message(), config_path() + ":2:"))
        << resolved.error().message();
    EXPECT_TRUE(contains(resolved.error().message(), c.expected)) << resolved.error().message();
  }
}

// --- permissions ------------------------------------------------------------------------------

class ConfigPermissions : public sfq::test_support::ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    snowflake_dir();
  }
};

TEST_F(ConfigPermissions, WritableByOthersIsAnErrorWithTheChmodFix) {
  for (const mode_t mode : {0666, 0620, 0602}) {
    const auto path = write_connections(kConnection, mode);
    const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
    ASSERT_FALSE(resolved.ok()) << std::oct << mode;
    const auto& message = resolved.error().message();
    EXPECT_EQ(resolved.error().category(), ErrorCategory::config);
    EXPECT_TRUE(contains(message, "\"" + path + "\"")) << message;
    EXPECT_TRUE(contains(message, sfq::config::format_mode(mode))) << message;
    EXPECT_TRUE(contains(message, "chmod 0600 \"" + path + "\"")) << message;
  }
}

TEST_F(ConfigPermissions, ReadableByOthersIsAWarningWithChmodAndChownFixes) {
  for (const mode_t mode : {0644, 0640, 0604}) {
    const auto path = write_config("# sfq\n", mode);
    const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
    ASSERT_TRUE(resolved.ok()) << resolved.error().what();
    ASSERT_EQ(resolved->warnings.size(), 1U) << std::oct << mode;
    const auto& warning = resolved->warnings.front();
    EXPECT_TRUE(contains(warning, sfq::config::format_mode(mode))) << warning;
    EXPECT_TRUE(contains(warning, "chmod 0600 \"" + path + "\"")) << warning;
    EXPECT_TRUE(contains(warning, "chown $USER \"" + path + "\"")) << warning;
    EXPECT_TRUE(contains(warning, "SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true")) << warning;
  }
}

TEST_F(ConfigPermissions, PrivateFilesAreClean) {
  write_config("# sfq\n", 0600);
  write_connections(kConnection, 0400);
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_TRUE(resolved->warnings.empty()) << resolved->warnings.front();
  for (const auto& file : resolved->files) EXPECT_EQ(file.safety, FileSafety::ok) << file.path;
}

TEST_F(ConfigPermissions, SkipVariableSilencesTheWarningButNeverTheError) {
  env_.set("SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION", "TRUE");
  write_connections(kConnection, 0644);
  auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_TRUE(resolved->warnings.empty()) << resolved->warnings.front();
  EXPECT_TRUE(resolved->files.back().warning_skipped);

  write_connections(kConnection, 0666);
  resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "writable by group or others"));
}

TEST_F(ConfigPermissions, SkipVariableMustSayTrue) {
  env_.set("SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION", "1");
  write_connections(kConnection, 0644);
  const auto resolved = resolve({}, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_EQ(resolved->warnings.size(), 1U);
}

TEST_F(ConfigPermissions, KeyFileIsCheckedToo) {
  const auto key = write_key("rsa.p8", 0644);
  write_connections("[default]\naccount = \"a\"\nuser = \"u\"\nprivate_key_file = \"" + key +
                    "\"\n");
  auto resolved = resolve();
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  EXPECT_TRUE(any_contains(resolved->warnings, "chmod 0600 \"" + key + "\""));
  EXPECT_TRUE(any_contains(resolved->warnings, "private key file"));

  write_key("rsa.p8", 0666);
  resolved = resolve();
  ASSERT_FALSE(resolved.ok());
  EXPECT_TRUE(contains(resolved.error().message(), "private key file \"" + key + "\""));
  EXPECT_TRUE(contains(resolved.error().message(), "0666"));
}

TEST_F(ConfigPermissions, ForeignOwnerIsAWarningWithTheChownFix) {
  const auto path = write_connections(kConnection, 0600);
  auto env = Environment::from_process();
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(path.c_str(), 4242, static_cast<gid_t>(-1)), 0);
  } else {
    env.uid = ::getuid() + 1;  // pretend to be someone else (not root)
  }
  const auto check = sfq::config::check_file_permissions(path, "connections.toml", env);
  EXPECT_EQ(check.safety, FileSafety::warning);
  EXPECT_TRUE(check.foreign_owner);
  EXPECT_FALSE(check.group_or_other_readable);
  EXPECT_TRUE(contains(check.message, "owned by another user")) << check.message;
  EXPECT_TRUE(contains(check.message, "chown $USER \"" + path + "\"")) << check.message;
}

TEST_F(ConfigPermissions, RootOwnedFilesAreAcceptable) {
  const auto path = write_connections(kConnection, 0600);
  auto env = Environment::from_process();
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file to root";
  env.uid = 4242;  // we are someone else; the file belongs to root
  const auto check = sfq::config::check_file_permissions(path, "connections.toml", env);
  EXPECT_EQ(check.safety, FileSafety::ok) << check.message;
}

TEST(ConfigShellQuote, EscapesWhatDoubleQuotesWouldExpand) {
  EXPECT_EQ(sfq::config::shell_quote("/a b/c"), "\"/a b/c\"");
  EXPECT_EQ(sfq::config::shell_quote("/x/$HOME`id`\"\\"), "\"/x/\\$HOME\\`id\\`\\\"\\\\\"");
}

}  // namespace
