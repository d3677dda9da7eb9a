// options.cpp — see options.hpp.
#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

#include "cli/exit_codes.hpp"

namespace sfq::cli {
namespace {

constexpr const char* kInput = "Input";
constexpr const char* kConnection = "Connection";
constexpr const char* kOutput = "Output";
constexpr const char* kDiagnostics = "Diagnostics";

constexpr const char* kFooter =
    R"(Input: the SQL of -q and -f runs in the order given; without them, standard input is read
when it is not a terminal, and on a terminal an interactive session starts (type !help).
Statements are separated by ';', each at most 1 MiB of text (--max-statement-bytes; Snowflake
recommends no more): a longer one is refused (exit 1) and skipped up to its ';'.
Variables: <% name %>, &{name} and &name (with -D).
Connection: -c, else $SNOWFLAKE_DEFAULT_CONNECTION_NAME, else config.toml's
default_connection_name, else "default".

Environment:
  SNOWFLAKE_HOME                      configuration directory (else ~/.snowflake, else
                                      ~/.config/snowflake): connections.toml, config.toml
  SNOWFLAKE_DEFAULT_CONNECTION_NAME   the connection used without -c
  SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>  one key of one connection, e.g. ..._PROD_ROLE
  SNOWFLAKE_<KEY>                     fills keys no file sets: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, ...
                                      SNOWFLAKE_CONNECT_TIMEOUT, SNOWFLAKE_REQUEST_TIMEOUT,
                                      SNOWFLAKE_TOTAL_TIMEOUT (seconds)
  PRIVATE_KEY_PASSPHRASE              passphrase of an encrypted private key
  SFQ_PAGER, PAGER                    pager for long results on a terminal (default less -SRFX)
  SFQ_HISTORY                         history file of the interactive session (default
                                      $XDG_STATE_HOME/sfq/history or ~/.local/state/sfq/history)
  SFQ_LOG                             log level, as --log-level
  NO_COLOR                            no dimmed NULLs on a terminal

Precedence: flags > SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> > the connection in the files >
SNOWFLAKE_<KEY>. `sfq config explain` shows where each value came from.

Exit codes:
  0    success
  1    client error (undefined variable, unknown !command, unreadable !source file, ...)
  2    bad arguments or configuration
  3    cannot connect (network unreachable, TLS, key file missing, authentication failed)
  4    communication error (the connection broke, an answer sfq cannot understand)
  5    SQL error (the server rejected or failed a statement; statement timeouts too)
  6    client-side deadline (--total-timeout; the statement is cancelled on the server)
  130  interrupted by Ctrl-C and the statement is not running: the server confirmed the
       cancel, or it had not been sent, or it had finished (143 SIGTERM, 129 SIGHUP); when the
       cancel is not confirmed, 4 and a message saying the statement may still be running

Other commands:
  sfq config explain [-c NAME]        the effective connection, and where each value came from
  sfq keygen [--out DIR] [--encrypt]  write a key pair for key-pair authentication
  sfq connection add|list             add a connection (asked for on a terminal), list them all
  sfq connection test [-c NAME]       diagnose a connection: each step ✓/✗ with the fix
  sfq mcp install --client CLIENT     add sfq to an AI assistant's MCP configuration
  sfq mcp doctor [-c NAME]            the connection test, then one MCP round trip with sfq mcp
  sfq mcp [--help]                    serve Snowflake to AI assistants over stdio (MCP)

Sessions: USE, ALTER SESSION and SET are kept by sfq and sent with every later statement
(each SQL API request is a session of its own). Transactions and temporary tables need one
request: !begin ... !commit in a script or the interactive session, or --single-request.)";

void add_connection_flags(CLI::App& app, ConnectionFlags& flags) {
  auto add = [&](const std::string& names, std::optional<std::string>& target,
                 const std::string& help) {
    app.add_option_function<std::string>(
           names, [&target](const std::string& value) { target = value; }, help)
        ->group(kConnection)
        ->type_name("TEXT");
  };
  add("-c,--connection", flags.connection,
      "connection in connections.toml / config.toml (default: see below)");
  add("--config-file", flags.config_file, "use this file instead of config.toml");
  add("-a,--account,--accountname", flags.account, "account identifier, e.g. myorg-myaccount");
  add("-u,--user,--username", flags.user, "user name");
  add("--host", flags.host, "host name (default <account>.snowflakecomputing.com)");
  add("--port", flags.port, "TCP port (default 443)");
  add("--protocol", flags.protocol, "https (default) or http");
  add("-r,--role,--rolename", flags.role, "role");
  add("-w,--warehouse,--warehousename", flags.warehouse, "warehouse");
  add("-d,--database,--dbname", flags.database, "database");
  add("-s,--schema,--schemaname", flags.schema, "schema");
  add("--authenticator", flags.authenticator,
      "SNOWFLAKE_JWT (key pair), OAUTH or PROGRAMMATIC_ACCESS_TOKEN");
  add("--private-key-file,--private-key-path", flags.private_key_file,
      "PKCS#8 PEM private key for key-pair authentication");
  add("--token", flags.token, "OAuth access token or programmatic access token");
  auto seconds = [&](const std::string& names, std::optional<std::string>& target,
                     const std::string& help) {
    app.add_option_function<std::string>(
           names, [&target](const std::string& value) { target = value; }, help)
        ->group(kConnection)
        ->type_name("SECONDS");
  };
  seconds("--connect-timeout", flags.connect_timeout,
          "limit of one connection attempt (TCP + TLS; retried); default 15");
  seconds("--request-timeout", flags.request_timeout,
          "limit of one attempt of any HTTP request (retried); default per kind: 90 for a "
          "submission, 60 for a poll or a cancel, none for a result partition");
  seconds("--total-timeout", flags.total_timeout,
          "client-side deadline of each statement: then it is cancelled on the server and sfq "
          "exits 6; default none");
  app.add_flag_callback(
         "--insecure-skip-tls-verify", [&flags] { flags.insecure_skip_tls_verify = "true"; },
         "do NOT verify the server's TLS certificate (test servers only; warned on every run)")
      ->group(kConnection);
}

// --- sfq connection add / list ---------------------------------------------------------------
struct ConnectionCommands {
  CLI::App* group = nullptr;
  CLI::App* add = nullptr;
  CLI::App* list = nullptr;
};

ConnectionCommands add_connection_commands(CLI::App& app, CliOptions& o) {
  ConnectionCommands commands;
  commands.group = app.add_subcommand("connection", "add, list and test connections");
  commands.group->require_subcommand(1);
  CLI::App* add = commands.group->add_subcommand(
      "add",
      "add a connection to connections.toml: asked for on a terminal, else from the flags; "
      "prints the ALTER USER statement that registers its public key");
  ConnectionAddOptions& a = o.connection_add;
  auto text = [add](const std::string& names, std::optional<std::string>& target,
                    const std::string& help, const char* type = "TEXT") {
    add->add_option_function<std::string>(
           names, [&target](const std::string& value) { target = value; }, help)
        ->type_name(type);
  };
  text("-n,--name", a.name, "connection name (default: \"default\" when there is none yet)",
       "NAME");
  text("-a,--account", a.account,
       "account identifier or URL as copied, e.g. myorg-myaccount, xy12345.eu-west-1, "
       "https://xy12345.eu-west-1.snowflakecomputing.com (normalised and shown)",
       "ACCOUNT");
  text("-u,--user", a.user, "user name");
  text("--authenticator", a.authenticator,
       "SNOWFLAKE_JWT (key pair, default), OAUTH or PROGRAMMATIC_ACCESS_TOKEN", "NAME");
  text("--private-key-file,--private-key-path", a.private_key_file,
       "an existing PKCS#8 private key; with --generate-key, where to write the new one", "FILE");
  add->add_flag("--generate-key", a.generate_key,
                "generate an RSA-2048 key pair (default: <config dir>/keys/<name>.p8 and .pub, "
                "mode 0600)");
  add->add_flag("--encrypt", a.encrypt,
                "encrypt the generated key (passphrase: PRIVATE_KEY_PASSPHRASE or asked)");
  text("--token-file-path", a.token_file_path,
       "file holding the OAuth or programmatic access token (OAUTH, PROGRAMMATIC_ACCESS_TOKEN)",
       "FILE");
  text("-r,--role", a.role, "role (default: the user's default role)");
  text("-w,--warehouse", a.warehouse, "warehouse (default: the user's default warehouse)");
  text("-d,--database", a.database, "database");
  text("-s,--schema", a.schema, "schema");
  text("--host", a.host, "host, when not <account>.snowflakecomputing.com");
  text("--port", a.port, "TCP port (default 443)", "PORT");
  text("--protocol", a.protocol, "https (default) or http");
  add->add_flag("--default", a.make_default,
                "make it the default connection (default_connection_name in config.toml)");
  add->add_flag("--force", a.force,
                "replace a connection of the same name, and generated key files");
  add->add_flag("--no-interactive", a.no_interactive,
                "never ask: take everything from the flags (also when stdin is not a terminal)");
  add->footer(
      "Writes <config dir>/connections.toml (created with mode 0600; other connections and "
      "comments are kept).");
  commands.add = add;

  CLI::App* list = commands.group->add_subcommand(
      "list", "the connections of every source, where each comes from, and the default one");
  list->add_option_function<std::string>(
          "--format", [&o](const std::string& v) { o.connection_list.format = v; },
          "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}, CLI::ignore_case))
      ->type_name("FORMAT");
  commands.list = list;
  return commands;
}
// --- end of sfq connection ------------------------------------------------------------------

}  // namespace

ParseResult parse_command_line(const std::vector<std::string>& args) {
  ParseResult result;
  CliOptions& o = result.options;

  CLI::App app{"sfq — query Snowflake from a terminal, a script or a CI job", "sfq"};
  app.set_version_flag("--version", std::string("sfq ") + SFQ_VERSION, "print the version");
  app.get_formatter()->column_width(34);

  std::vector<std::string> queries;
  std::vector<std::string> files;
  auto* query_option = app.add_option("-q,--query", queries, "SQL to run (repeatable)")
                           ->allow_extra_args(false)
                           ->type_name("SQL")
                           ->group(kInput);
  auto* file_option =
      app.add_option("-f,--filename", files, "file of SQL to run (repeatable; - = stdin)")
          ->allow_extra_args(false)
          ->type_name("FILE")
          ->group(kInput);
  app.add_option("-D,--variable", o.variables, "define a variable: NAME=VALUE (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME=VALUE")
      ->group(kInput);
  app.add_flag("--single-request", o.single_request,
               "send all the statements as one multi-statement request (transactions, "
               "temporary tables); results are shown in order")
      ->group(kInput);
  app.add_flag("--continue-on-error", o.continue_on_error,
               "go on after a failed statement (exit code: the first failure's)")
      ->group(kInput);
  app.add_option("--max-statement-bytes", o.max_statement_bytes,
                 "longest statement (or !command line) accepted, in bytes; a longer one is "
                 "refused and skipped up to its ';'")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->type_name("N")
      ->group(kInput);

  add_connection_flags(app, o.connection);
  app.add_flag("--mock", o.mock, "use an in-process mock_snowflake with sample data (no account)")
      ->group(kConnection);

  app.add_option_function<std::string>(
         "--format", [&o](const std::string& v) { o.format = v; },
         "table (default), csv, tsv, json, jsonl, markdown or vertical")
      ->check(CLI::IsMember({"table", "csv", "tsv", "json", "jsonl", "markdown", "vertical"},
                            CLI::ignore_case))
      ->type_name("FORMAT")
      ->group(kOutput);
  app.add_option_function<std::string>(
         "--null-display", [&o](const std::string& v) { o.null_display = v; },
         "text for NULL (default NULL; csv: empty field; tsv: \\N)")
      ->type_name("TEXT")
      ->group(kOutput);
  app.add_flag("--no-header", o.no_header, "no column names (table, csv, tsv)")->group(kOutput);
  app.add_option_function<std::string>(
         "--max-rows", [&o](const std::string& v) { o.max_rows = v; },
         "print at most N rows of each result (0 = all)")
      ->type_name("N")
      ->group(kOutput);
  app.add_option_function<std::string>(
         "--expanded", [&o](const std::string& v) { o.expanded = v; },
         "vertical records instead of a table: on, off (default) or auto (when the table is "
         "wider than the terminal)")
      ->check(CLI::IsMember({"on", "off", "auto"}, CLI::ignore_case))
      ->type_name("MODE")
      ->group(kOutput);
  app.add_option_function<std::string>(
         "--box", [&o](const std::string& v) { o.box = v; },
         "table lines: unicode (default in a UTF-8 locale) or ascii")
      ->check(CLI::IsMember({"unicode", "ascii"}, CLI::ignore_case))
      ->type_name("STYLE")
      ->group(kOutput);
  app.add_flag("--no-pager", o.no_pager, "never pipe results into a pager")->group(kOutput);
  app.add_flag("--no-progress", o.no_progress, "no progress line on the terminal")->group(kOutput);
  app.add_option("-o,--option", o.settings,
                 "a setting, as !set: format, null_display, header, max_rows, progress, "
                 "pager, timing, continue_on_error, expanded, box, friendly, quiet")
      ->allow_extra_args(false)
      ->type_name("NAME=VALUE")
      ->group(kOutput);

  app.add_flag("--debug", o.debug,
               "log the HTTP exchanges on stderr, secrets redacted (log level debug)")
      ->group(kDiagnostics);
  app.add_option_function<std::string>(
         "--log-level", [&o](const std::string& v) { o.log_level = v; },
         "trace, debug, info, warn (default), error or off; also SFQ_LOG")
      ->type_name("LEVEL")
      ->group(kDiagnostics);

  auto* config = app.add_subcommand("config", "inspect the configuration");
  config->require_subcommand(1);
  auto* explain = config->add_subcommand(
      "explain", "print each effective connection key and the source that won");
  add_connection_flags(*explain, o.connection);

  auto* keygen = app.add_subcommand(
      "keygen", "write an RSA-2048 key pair for key-pair authentication (mode 0600)");
  keygen->add_option("--out", o.keygen_out, "directory for rsa_key.p8 and rsa_key.pub (default .)")
      ->type_name("DIR");
  keygen->add_flag("--encrypt", o.keygen_encrypt,
                   "encrypt the private key (passphrase: PRIVATE_KEY_PASSPHRASE or asked)");
  keygen->add_flag("--force", o.keygen_force, "overwrite existing key files");
  keygen->add_option_function<std::string>(
      "-u,--user", [&o](const std::string& v) { o.connection.user = v; },
      "user name for the ALTER USER statement");

  const ConnectionCommands connection_commands = add_connection_commands(app, o);
  // --- sfq connection test (connection_test.hpp) ---------------------------------------------
  // `connection` may already exist (connection add/list register under it too).
  CLI::App* connection = nullptr;
  for (CLI::App* sub :
       app.get_subcommands([](CLI::App* a) { return a->get_name() == "connection"; })) {
    connection = sub;
  }
  if (connection == nullptr) {
    connection = app.add_subcommand("connection", "manage and test connections");
    connection->require_subcommand(1);
  }
  auto* connection_test = connection->add_subcommand(
      "test",
      "diagnose a connection step by step: configuration, key, host, TLS, clock, login, "
      "role, warehouse, database, schema (exit 0 only when all pass)");
  add_connection_flags(*connection_test, o.connection);
  connection_test
      ->add_option_function<std::string>(
          "--format",
          [&o](const std::string& v) {
            o.connection_test_json = CLI::detail::to_lower(v) == "json";
          },
          "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}, CLI::ignore_case))
      ->type_name("FORMAT");
  connection_test->footer(
      "Exit codes: 0 every check passed; 2 the configuration does not resolve; 3 a check up to "
      "the login failed (key, host, TLS, clock, login); 5 logged in, but the configured role, "
      "warehouse, database or schema is not usable.");
  // --- end of sfq connection test ---------------------------------------------------------

  // Set last: subcommands created after it would repeat it under their own help.
  app.footer(kFooter);
  config->footer("");
  explain->footer("");
  keygen->footer("Prints the fingerprint and the ALTER USER ... SET RSA_PUBLIC_KEY statement.");
  connection_commands.group->footer("");
  connection_commands.list->footer("");

  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    result.out = app.help();
    result.exit_code = kExitSuccess;
    return result;
  } catch (const CLI::CallForAllHelp&) {
    result.out = app.help("", CLI::AppFormatMode::All);
    result.exit_code = kExitSuccess;
    return result;
  } catch (const CLI::CallForVersion& e) {
    result.out = std::string(e.what()) + "\n";
    result.exit_code = kExitSuccess;
    return result;
  } catch (const CLI::ParseError& e) {
    result.error = e.what();
    result.exit_code = kExitUsage;
    return result;
  }

  // -q and -f interleave in the order given.
  std::size_t next_query = 0;
  std::size_t next_file = 0;
  for (const CLI::Option* option : app.parse_order()) {
    if (option == query_option && next_query < queries.size()) {
      o.sources.push_back(SqlSource{SqlSource::Kind::query, queries[next_query++]});
    } else if (option == file_option && next_file < files.size()) {
      o.sources.push_back(SqlSource{SqlSource::Kind::file, files[next_file++]});
    }
  }

  if (explain->parsed()) {
    o.command = CliOptions::Command::config_explain;
  } else if (keygen->parsed()) {
    o.command = CliOptions::Command::keygen;
  } else if (connection_commands.add->parsed()) {
    o.command = CliOptions::Command::connection_add;
  } else if (connection_commands.list->parsed()) {
    o.command = CliOptions::Command::connection_list;
  } else if (connection_test->parsed()) {
    o.command = CliOptions::Command::connection_test;
  }
  return result;
}

}  // namespace sfq::cli
