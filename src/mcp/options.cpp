// options.cpp — CLI11 parsing of `sfq mcp`.
#include "mcp/options.hpp"

#include <CLI/CLI.hpp>

namespace sfq::mcp {

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  McpOptions options;
  ServerConfig& server = options.server;
  Limits& limits = server.limits;
  std::size_t max_rows = limits.max_rows;
  std::size_t max_result_bytes = limits.max_result_bytes;
  std::size_t max_cell_bytes = limits.max_cell_bytes;
  long long statement_timeout = limits.default_timeout.count();
  long long max_statement_timeout = limits.max_timeout.count();
  long long progress_ms = server.progress_interval.count();
  std::string config_file;
  std::string log_level;

  CLI::App app{
      "sfq mcp — a Model Context Protocol server for Snowflake on stdin/stdout.\n"
      "Desktop agents (Claude Desktop, Cursor, IDE assistants) start it as a child process.\n"
      "Read-only by default; see docs/MCP.md for client configuration, tools and limits.\n"
      "`sfq mcp install --client CLIENT` adds this server to an assistant's configuration.",
      "sfq mcp"};
  app.set_version_flag("--version", std::string("sfq ") + SFQ_VERSION);
  // `sfq mcp doctor` is dispatched by the CLI before this parser runs (src/cli/mcp_doctor.hpp).
  app.footer(
      "sfq mcp doctor [--connection NAME]: test the connection, then one initialize + "
      "tools/list round trip with sfq mcp started as a client starts it.");
  app.add_option("-c,--connection", options.connections,
                 "a connection from connections.toml the tools may use (repeatable; the first is "
                 "the default; none: the default connection)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--mock", options.mock,
               "serve the built-in Snowflake emulator with sample data (no account needed)");
  app.add_option("--config-file", config_file, "use this config.toml instead of the default one");
  app.add_flag("--allow-write", server.allow_write,
               "add the execute_statement tool, which runs any SQL statement (writes included); "
               "execute_query stays read-only");
  app.add_option("--max-rows", max_rows, "largest `limit` a tool call may ask for")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(1'000'000)));
  app.add_option("--max-result-bytes", max_result_bytes,
                 "size of a tool result (text block and structuredContent together, in bytes) "
                 "that rows are cut to")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1024), static_cast<std::size_t>(256u << 20)));
  app.add_option("--max-cell-bytes", max_cell_bytes, "longer values are shortened")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(16), static_cast<std::size_t>(64u << 20)));
  app.add_option("--statement-timeout", statement_timeout,
                 "seconds a statement may run unless the call says otherwise; then it is "
                 "cancelled on the server")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 7LL * 24 * 3600));
  app.add_option("--max-statement-timeout", max_statement_timeout,
                 "largest timeout_seconds a call may ask for")
      ->capture_default_str()
      ->check(CLI::Range(1LL, 7LL * 24 * 3600));
  app.add_option("--max-message-bytes", server.max_message_bytes,
                 "largest MCP message accepted; longer ones are refused and discarded")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(4096), static_cast<std::size_t>(1u << 30)));
  app.add_option("--max-calls-in-flight", server.max_calls_in_flight,
                 "requests that need Snowflake (tool calls, resource reads, completions) in "
                 "flight at once; more are refused with a JSON-RPC error")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(100'000)));
  app.add_option("--max-subscriptions", server.max_subscriptions,
                 "subscriptions/listen streams open at once; more are refused")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(0), static_cast<std::size_t>(100'000)));
  app.add_option("--max-queued-output-bytes", server.max_queued_output_bytes,
                 "bytes of answers a client that stops reading may leave waiting; past it answers "
                 "become short errors and no more requests are read")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(64u << 10), static_cast<std::size_t>(1u << 30)));
  app.add_option("--progress-interval-ms", progress_ms,
                 "how often a running statement reports progress, when the client asks for it")
      ->capture_default_str()
      ->check(CLI::Range(10LL, 3'600'000LL));
  app.add_option("--log-level", log_level,
                 "log verbosity on stderr: trace, debug, info, warn, error, off (default warn; "
                 "also SFQ_LOG)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    parsed.output = app.help();
    return parsed;
  } catch (const CLI::CallForVersion&) {
    parsed.output = std::string("sfq ") + SFQ_VERSION + "\n";
    return parsed;
  } catch (const CLI::ParseError& e) {
    parsed.error = std::string("sfq mcp: ") + e.what() + "\nRun 'sfq mcp --help' for the options.";
    parsed.exit_code = 2;
    return parsed;
  }
  if (options.mock && !options.connections.empty()) {
    parsed.error = "sfq mcp: --mock serves the emulator; it cannot be combined with --connection";
    parsed.exit_code = 2;
    return parsed;
  }
  if (statement_timeout > max_statement_timeout) {
    parsed.error = "sfq mcp: --statement-timeout (" + std::to_string(statement_timeout) +
                   ") must not exceed --max-statement-timeout (" +
                   std::to_string(max_statement_timeout) + ")";
    parsed.exit_code = 2;
    return parsed;
  }
  for (std::size_t i = 0; i < options.connections.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (options.connections[i] == options.connections[j]) {
        parsed.error = "sfq mcp: --connection " + options.connections[i] + " is given twice";
        parsed.exit_code = 2;
        return parsed;
      }
    }
  }
  limits.max_rows = max_rows;
  limits.max_result_bytes = max_result_bytes;
  limits.max_cell_bytes = max_cell_bytes;
  limits.default_timeout = std::chrono::seconds(statement_timeout);
  limits.max_timeout = std::chrono::seconds(max_statement_timeout);
  server.progress_interval = std::chrono::milliseconds(progress_ms);
  server.version = SFQ_VERSION;
  if (!config_file.empty()) options.config_file = config_file;
  if (!log_level.empty()) options.log_level = log_level;
  parsed.options = std::move(options);
  return parsed;
}

}  // namespace sfq::mcp
