// options.hpp — sfq's command line, parsed with CLI11 into a plain struct.
//
//   sfq [options]                     run -q/-f/stdin, or the REPL on a terminal
//   sfq config explain [options]      the effective connection and where each value came from
//   sfq keygen [--out DIR] [--encrypt]
//   sfq connection add [options]      add a connection to connections.toml (connections.hpp)
//   sfq connection list [--format F]  the connections of every source
//   sfq connection test [options]     diagnose a connection step by step (connection_test.hpp)
//   sfq mcp ...                       the MCP server (dispatched before this parser runs)
//
// -q and -f may be repeated and mixed; they run in the order given. `--help` documents every
// flag, the environment variables and the exit codes.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/splitter.hpp"

namespace sfq::cli {

/// One -q or -f, in command-line order.
struct SqlSource {
  enum class Kind : std::uint8_t { query, file };
  Kind kind = Kind::query;
  std::string text;  ///< the SQL (query) or the path ("-" = standard input)
  friend bool operator==(const SqlSource&, const SqlSource&) = default;
};

/// The connection flags, as given (unset when absent). Names follow connections.toml keys.
struct ConnectionFlags {
  std::optional<std::string> connection, config_file, account, user, host, port, protocol, role,
      warehouse, database, schema, authenticator, private_key_file, token, connect_timeout,
      request_timeout, total_timeout, insecure_skip_tls_verify;
};

// --- sfq connection add / list (src/cli/connections.hpp) -----------------------------------
/// `sfq connection add`: what the flags gave (unset: asked on a terminal, or left out).
struct ConnectionAddOptions {
  std::optional<std::string> name, account, user, host, port, protocol, authenticator,
      private_key_file, token_file_path, role, warehouse, database, schema;
  bool generate_key = false;
  bool encrypt = false;
  bool make_default = false;
  bool force = false;
  bool no_interactive = false;
};
/// `sfq connection list`.
struct ConnectionListOptions {
  std::string format = "table";  ///< table or json
};
// --- end of sfq connection ------------------------------------------------------------------

struct CliOptions {
  enum class Command : std::uint8_t {
    run,
    config_explain,
    keygen,
    connection_add,
    connection_list,
    connection_test,  ///< sfq connection test (connection_test.hpp)
  };
  Command command = Command::run;

  std::vector<SqlSource> sources;
  std::vector<std::string> variables;  ///< -D NAME=VALUE, in order
  ConnectionFlags connection;
  bool mock = false;

  // Display settings given as flags (applied over config.toml's [sfq] table).
  std::optional<std::string> format;
  std::optional<std::string> null_display;
  bool no_header = false;
  std::optional<std::string> max_rows;
  bool no_pager = false;
  bool no_progress = false;
  bool continue_on_error = false;
  bool single_request = false;
  std::size_t max_statement_bytes = kDefaultMaxStatementBytes;  ///< --max-statement-bytes
  std::optional<std::string> expanded;
  std::optional<std::string> box;
  std::vector<std::string> settings;  ///< -o NAME=VALUE, in order

  bool debug = false;
  std::optional<std::string> log_level;

  // keygen
  std::string keygen_out = ".";
  bool keygen_encrypt = false;
  bool keygen_force = false;

  // sfq connection add / list
  ConnectionAddOptions connection_add;
  ConnectionListOptions connection_list;
  // connection test: --format json (the report for machines)
  bool connection_test_json = false;
};

/// What parse_command_line decided.
struct ParseResult {
  /// Set when sfq must stop now with this status: 0 after --help / --version (already printed
  /// to `out`), 2 for a usage error (message in `error`).
  std::optional<int> exit_code;
  std::string out;
  std::string error;
  CliOptions options;
};

/// Parses `args` (args[0] is the program name).
[[nodiscard]] ParseResult parse_command_line(const std::vector<std::string>& args);

}  // namespace sfq::cli
