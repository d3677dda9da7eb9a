// test_cli_options.cpp — argument parsing (order of -q/-f, aliases, subcommands, usage errors)
// and the settings that [sfq], flags, -o and !set change.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/options.hpp"
#include "cli/settings.hpp"

namespace sfq::cli {
namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "sfq");
  return parse_command_line(args);
}

TEST(CliOptions, QueriesAndFilesKeepTheirOrder) {
  const auto r =
      parse({"-q", "select 1", "-f", "a.sql", "--query", "select 2", "--filename", "b.sql"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.error;
  using K = SqlSource::Kind;
  EXPECT_EQ(
      r.options.sources,
      (std::vector<SqlSource>{
          {K::query, "select 1"}, {K::file, "a.sql"}, {K::query, "select 2"}, {K::file, "b.sql"}}));
  EXPECT_EQ(r.options.command, CliOptions::Command::run);
}

TEST(CliOptions, ConnectionFlagsAndTheirAliases) {
  const auto r = parse({"-c",
                        "prod",
                        "--accountname",
                        "acct",
                        "--username",
                        "me",
                        "--host",
                        "h",
                        "--port",
                        "8080",
                        "--protocol",
                        "http",
                        "--rolename",
                        "r",
                        "-w",
                        "wh",
                        "--dbname",
                        "db",
                        "--schema",
                        "s",
                        "--authenticator",
                        "SNOWFLAKE_JWT",
                        "--private-key-path",
                        "/k.p8",
                        "--token",
                        "t",
                        "--config-file",
                        "/c.toml",
                        "--connect-timeout",
                        "4",
                        "--request-timeout",
                        "70.5",
                        "--total-timeout",
                        "600"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.error;
  const ConnectionFlags& f = r.options.connection;
  EXPECT_EQ(f.connection, "prod");
  EXPECT_EQ(f.account, "acct");
  EXPECT_EQ(f.user, "me");
  EXPECT_EQ(f.host, "h");
  EXPECT_EQ(f.port, "8080");
  EXPECT_EQ(f.protocol, "http");
  EXPECT_EQ(f.role, "r");
  EXPECT_EQ(f.warehouse, "wh");
  EXPECT_EQ(f.database, "db");
  EXPECT_EQ(f.schema, "s");
  EXPECT_EQ(f.authenticator, "SNOWFLAKE_JWT");
  EXPECT_EQ(f.private_key_file, "/k.p8");
  EXPECT_EQ(f.token, "t");
  EXPECT_EQ(f.config_file, "/c.toml");
  EXPECT_EQ(f.connect_timeout, "4");
  EXPECT_EQ(f.request_timeout, "70.5");
  EXPECT_EQ(f.total_timeout, "600");
  EXPECT_FALSE(parse({}).options.connection.role.has_value());
}

TEST(CliOptions, OutputAndBehaviourFlags) {
  const auto r =
      parse({"--format", "jsonl", "--null-display", "-", "--no-header", "--continue-on-error", "-D",
             "a=1", "--variable", "b=2", "--mock", "--debug", "--log-level", "info", "-o",
             "timing=false", "--max-rows", "10", "--no-pager"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.error;
  const CliOptions& o = r.options;
  EXPECT_EQ(o.format, "jsonl");
  EXPECT_EQ(o.null_display, "-");
  EXPECT_TRUE(o.no_header);
  EXPECT_TRUE(o.continue_on_error);
  EXPECT_EQ(o.variables, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_TRUE(o.mock);
  EXPECT_TRUE(o.debug);
  EXPECT_EQ(o.log_level, "info");
  EXPECT_EQ(o.settings, std::vector<std::string>{"timing=false"});
  EXPECT_EQ(o.max_rows, "10");
  EXPECT_TRUE(o.no_pager);
}

TEST(CliOptions, Subcommands) {
  auto r = parse({"config", "explain", "-c", "dev"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.error;
  EXPECT_EQ(r.options.command, CliOptions::Command::config_explain);
  EXPECT_EQ(r.options.connection.connection, "dev");
  r = parse({"keygen", "--out", "/tmp/k", "--encrypt", "-u", "JDOE"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.error;
  EXPECT_EQ(r.options.command, CliOptions::Command::keygen);
  EXPECT_EQ(r.options.keygen_out, "/tmp/k");
  EXPECT_TRUE(r.options.keygen_encrypt);
  EXPECT_EQ(r.options.connection.user, "JDOE");
}

TEST(CliOptions, UsageErrorsExitWith2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--format", "xml"}, {"--bogus"}, {"-q"}, {"stray"}, {"config"}}) {
    const auto r = parse(args);
    ASSERT_TRUE(r.exit_code.has_value()) << args[0];
    EXPECT_EQ(*r.exit_code, kExitUsage) << args[0];
    EXPECT_FALSE(r.error.empty()) << args[0];
  }
}

TEST(CliOptions, HelpDocumentsEveryFlagAndTheExitCodes) {
  const auto r = parse({"--help"});
  ASSERT_TRUE(r.exit_code.has_value());
  EXPECT_EQ(*r.exit_code, 0);
  for (const char* flag : {"--query",
                           "--filename",
                           "--variable",
                           "--connection",
                           "--config-file",
                           "--account",
                           "--user",
                           "--host",
                           "--port",
                           "--protocol",
                           "--role",
                           "--warehouse",
                           "--database",
                           "--schema",
                           "--authenticator",
                           "--private-key-file",
                           "--private-key-path",
                           "--token",
                           "--format",
                           "--null-display",
                           "--no-header",
                           "--continue-on-error",
                           "--debug",
                           "--log-level",
                           "--mock",
                           "--version",
                           "--max-rows",
                           "--no-pager",
                           "--option",
                           "keygen",
                           "config",
                           "Exit codes",
                           "130",
                           "--connect-timeout",
                           "--request-timeout",
                           "--total-timeout",
                           "SNOWFLAKE_TOTAL_TIMEOUT",
                           "SFQ_PAGER",
                           "SFQ_HISTORY",
                           "PRIVATE_KEY_PASSPHRASE"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
  const auto v = parse({"--version"});
  ASSERT_TRUE(v.exit_code.has_value());
  EXPECT_EQ(v.out.rfind("sfq ", 0), 0u);
  EXPECT_EQ(v.out.back(), '\n');
}

TEST(CliSettings, ApplyValidatesAndNamesTheAcceptedValues) {
  Settings s;
  EXPECT_FALSE(s.apply("format=csv").has_value());
  EXPECT_EQ(s.format, OutputFormat::csv);
  EXPECT_FALSE(s.apply("output_format", "VERTICAL").has_value());
  EXPECT_EQ(s.format, OutputFormat::vertical);
  const auto bad = s.apply("format=xml");
  ASSERT_TRUE(bad.has_value());
  EXPECT_NE(bad->find("markdown"), std::string::npos);
  EXPECT_FALSE(s.apply("header=false").has_value());
  EXPECT_FALSE(s.header);
  EXPECT_FALSE(s.apply("exit_on_error=false").has_value());
  EXPECT_TRUE(s.continue_on_error);
  EXPECT_FALSE(s.apply("max_rows=25").has_value());
  EXPECT_EQ(s.max_rows, 25u);
  EXPECT_TRUE(s.apply("max_rows=-1").has_value());
  EXPECT_FALSE(s.apply("pager=off").has_value());
  EXPECT_EQ(s.pager, "");
  EXPECT_FALSE(s.apply("null_display=(null)").has_value());
  EXPECT_EQ(s.null_display, "(null)");
  EXPECT_TRUE(s.apply("colour=on").has_value());
  EXPECT_TRUE(s.apply("format").has_value());
  const auto from_file = s.apply_all({{"header", "maybe"}}, "config.toml [sfq]");
  ASSERT_TRUE(from_file.has_value());
  EXPECT_EQ(from_file->rfind("config.toml [sfq]: ", 0), 0u);
}

TEST(CliErrors, OneLineAndExitCodes) {
  EXPECT_EQ(one_line("SQL compilation error:\nObject 'X' does not exist."),
            "SQL compilation error: Object 'X' does not exist.");
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::config, "x"), false), kExitUsage);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::auth, "x"), true), kExitCannotConnect);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::transport, "x"), false), kExitCannotConnect);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::transport, "x"), true), kExitCommunication);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::protocol, "x"), false), kExitCommunication);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::server, "x"), true), kExitSqlError);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::timeout, "x"), true), kExitSqlError);
  EXPECT_EQ(exit_code_for(Error(ErrorCategory::cancelled, "x"), true), kExitInterrupted);
}

}  // namespace
}  // namespace sfq::cli
