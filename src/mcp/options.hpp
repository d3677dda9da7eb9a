// options.hpp — the command line of `sfq mcp`: which connections to serve (or --mock), the
// safety switch --allow-write, and the limits on results, time and message size.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcp/session.hpp"

namespace sfq::mcp {

struct McpOptions {
  /// --connection NAME, repeatable: the connections a tool may pick; empty: the default one.
  std::vector<std::string> connections;
  bool mock = false;
  std::optional<std::string> config_file;
  std::optional<std::string> log_level;
  /// Limits, write mode and protocol settings (its `connections` are filled in by run()).
  ServerConfig server;
};

/// What parse_options() decided.
struct ParsedOptions {
  std::optional<McpOptions> options;  ///< set when the server should run
  int exit_code = 0;                  ///< otherwise: the status to exit with
  std::string output;                 ///< --help / --version text (stdout)
  std::string error;                  ///< a usage error (stderr)
};

/// Parses the arguments after "mcp" (argv[0] is "mcp").
[[nodiscard]] ParsedOptions parse_options(int argc, char** argv);

}  // namespace sfq::mcp
