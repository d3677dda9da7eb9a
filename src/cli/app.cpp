// app.cpp — the `sfq` command line: dispatches `sfq mcp`, parses the arguments and runs the
// SQL of -q/-f/stdin, the REPL, `sfq config explain` or `sfq keygen`.
#include "cli/app.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/connect.hpp"
#include "cli/connection_test.hpp"
#include "cli/connections.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupts.hpp"
#include "cli/keygen.hpp"
#include "cli/mcp_doctor.hpp"
#include "cli/options.hpp"
#include "cli/repl.hpp"
#include "cli/runner.hpp"
#include "cli/settings.hpp"
#include "cli/terminal.hpp"
#include "cli/variables.hpp"
#include "mcp/mcp.hpp"
#include "sfq/log.hpp"

namespace sfq::cli {
namespace {

void print(int fd, std::string_view text) {
  try {
    write_all(fd, text);
  } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
  }
}

int usage_error(std::string_view message) {
  print(STDERR_FILENO, "sfq: error: " + one_line(message) + "\nRun `sfq --help` for usage.\n");
  return kExitUsage;
}

int error_exit(const Error& error) {
  print(STDERR_FILENO, "sfq: error: " + one_line(redact(error.what())) + "\n");
  return exit_code_for(error, false);
}

// Logging: SFQ_LOG, then --log-level, then --debug.
std::optional<int> configure_logging(const CliOptions& options) {
  if (auto status = configure_logging_from_env(); !status)
    return usage_error(status.error().what());
  if (options.log_level) {
    const auto level = parse_log_level(*options.log_level);
    if (!level) {
      return usage_error("--log-level " + *options.log_level +
                         " is not a log level; use trace, debug, info, warn, error or off");
    }
    set_log_level(*level);
  }
  if (options.debug && log_level() > LogLevel::debug) set_log_level(LogLevel::debug);
  return std::nullopt;
}

// Settings: defaults < config.toml [sfq] < flags < -o, in that order.
std::optional<std::string> build_settings(const CliOptions& options,
                                          const OpenedConnection& connection, Settings& settings) {
  if (auto error = settings.apply_all(connection.sfq_settings, connection.settings_origin)) {
    return error;
  }
  auto apply = [&](std::string_view name, const std::string& value) {
    return settings.apply(name, value);
  };
  if (options.format) {
    if (auto error = apply("format", *options.format)) return error;
  }
  if (options.null_display) settings.null_display = *options.null_display;
  if (options.no_header) settings.header = false;
  if (options.max_rows) {
    if (auto error = apply("max_rows", *options.max_rows)) return "--max-rows: " + *error;
  }
  if (options.no_pager) settings.pager = std::string();
  if (options.no_progress) settings.progress = false;
  if (options.continue_on_error) settings.continue_on_error = true;
  if (options.expanded) {
    if (auto error = apply("expanded", *options.expanded)) return "--expanded: " + *error;
  }
  if (options.box) {
    if (auto error = apply("box", *options.box)) return "--box: " + *error;
  }
  for (const auto& assignment : options.settings) {
    if (auto error = settings.apply(assignment)) return "-o " + assignment + ": " + *error;
  }
  return std::nullopt;
}

// --mock brings its own account: flags that pick or describe another one make no sense with it.
std::optional<std::string> mock_conflict(const ConnectionFlags& flags) {
  const std::pair<const std::optional<std::string>*, const char*> others[] = {
      {&flags.connection, "-c/--connection"},
      {&flags.config_file, "--config-file"},
      {&flags.account, "-a/--account"},
      {&flags.user, "-u/--user"},
      {&flags.host, "--host"},
      {&flags.port, "--port"},
      {&flags.protocol, "--protocol"},
      {&flags.authenticator, "--authenticator"},
      {&flags.private_key_file, "--private-key-file"},
      {&flags.token, "--token"},
  };
  for (const auto& [value, name] : others) {
    if (value->has_value()) {
      return std::string(name) +
             " cannot be used with --mock, which connects to its own emulator (-d, -s, -w and "
             "-r apply to it)";
    }
  }
  return std::nullopt;
}

int run_sql(const CliOptions& options, InterruptWatcher& interrupts) {
  Variables variables;
  for (const auto& definition : options.variables) {
    if (auto error = variables.define(definition)) return usage_error("-D " + *error);
  }
  for (const auto& source : options.sources) {
    if (source.kind == SqlSource::Kind::file && source.text != "-" &&
        ::access(source.text.c_str(), R_OK) != 0) {
      return usage_error("-f " + source.text + ": " + std::strerror(errno));
    }
  }
  if (options.mock) {
    if (auto conflict = mock_conflict(options.connection)) return usage_error(*conflict);
  }

  auto opened = open_connection(options.connection, options.mock, options.debug, &interrupts);
  if (!opened) return error_exit(opened.error());
  for (const auto& warning : opened->warnings) {
    print(STDERR_FILENO, "sfq: warning: " + one_line(warning) + "\n");
  }
  Settings settings;
  if (auto error = build_settings(options, *opened, settings)) return usage_error(*error);

  const TerminalInfo terminal = probe_terminal();
  const bool interactive = options.sources.empty() && terminal.stdin_tty;

  // !connect keeps --config-file and --debug; the named connection replaces the rest.
  Runner::ConnectFunction connect;
  if (!options.mock) {
    connect = [flags = options.connection, debug = options.debug,
               &interrupts](const std::string& name) -> Result<std::unique_ptr<Session>> {
      ConnectionFlags named;
      named.config_file = flags.config_file;
      named.connection = name;
      auto next = open_connection(named, false, debug, &interrupts);
      if (!next) return next.error();
      return std::move(next->session);
    };
  }
  Runner runner(std::move(opened->session), settings, variables, interrupts, terminal, interactive,
                std::move(connect));
  runner.set_max_statement_bytes(options.max_statement_bytes);

  if (interactive) {
    if (options.single_request) {
      return usage_error(
          "--single-request is for -q, -f and standard input; in the interactive session use "
          "!begin ... !commit");
    }
    std::string banner;
    if (settings.friendly) {
      banner = std::string("sfq ") + SFQ_VERSION + " · " + opened->description +
               "\nEnd statements with ';'. !help (or help) for help, Ctrl-D or \\q to leave.\n";
    }
    return run_repl(runner, interrupts, banner);
  }
  if (options.single_request) runner.begin_batch(false);
  Runner::Flow flow = Runner::Flow::next;
  if (options.sources.empty()) {
    flow = runner.run_file("-");
  } else {
    for (const auto& source : options.sources) {
      flow = source.kind == SqlSource::Kind::query ? runner.run_text(source.text)
                                                   : runner.run_file(source.text);
      if (flow != Runner::Flow::next) break;
    }
  }
  if (flow == Runner::Flow::next) {
    if (options.single_request) {
      (void)runner.flush_batch();
    } else if (auto pending = runner.batch_size()) {
      print(STDERR_FILENO, "sfq: error: !begin without !commit at the end of the input: " +
                               std::to_string(*pending) + " statement(s) not sent\n");
      return runner.exit_code() != 0 ? runner.exit_code() : kExitClientError;
    }
  }
  return runner.exit_code();
}

}  // namespace

int run(int argc, char** argv) {
  // `sfq mcp doctor` (mcp_doctor.hpp) checks the server from outside, as a client would.
  if (argc > 2 && std::string_view(argv[1]) == "mcp" && std::string_view(argv[2]) == "doctor") {
    return run_mcp_doctor(argc - 2, argv + 2);
  }
  // `sfq mcp …` belongs to the MCP server, arguments and all.
  if (argc > 1 && std::string_view(argv[1]) == "mcp") return sfq::mcp::run(argc - 1, argv + 1);

  // Before any thread exists: every thread inherits the blocked signals.
  InterruptWatcher interrupts;

  const ParseResult parsed = parse_command_line(std::vector<std::string>(argv, argv + argc));
  if (parsed.exit_code) {
    if (*parsed.exit_code != kExitSuccess) return usage_error(parsed.error);
    print(STDOUT_FILENO, parsed.out);
    return *parsed.exit_code;
  }
  const CliOptions& options = parsed.options;
  if (auto code = configure_logging(options)) return *code;

  switch (options.command) {
    case CliOptions::Command::keygen: {
      KeygenOptions keygen;
      keygen.out_dir = options.keygen_out;
      keygen.encrypt = options.keygen_encrypt;
      keygen.force = options.keygen_force;
      keygen.user = options.connection.user.value_or("");
      return run_keygen(keygen, interrupts);
    }
    case CliOptions::Command::config_explain: {
      auto text = explain_connection(options.connection);
      if (!text) return error_exit(text.error());
      print(STDOUT_FILENO, *text);
      return kExitSuccess;
    }
    // sfq connection add / list (src/cli/connections.hpp)
    case CliOptions::Command::connection_add:
      return run_connection_add(options.connection_add, interrupts);
    case CliOptions::Command::connection_list:
      return run_connection_list(options.connection_list);
    case CliOptions::Command::connection_test:
      return run_connection_test(options.connection, options.connection_test_json);
    case CliOptions::Command::run:
      break;
  }
  return run_sql(options, interrupts);
}

}  // namespace sfq::cli
