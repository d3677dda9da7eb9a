// mcp_doctor.hpp — `sfq mcp doctor [-c NAME] [--config-file FILE] [--format text|json]`: is this
// machine ready for an AI client to use `sfq mcp`?
//
//   1. `sfq connection test` for the connection the server would use (connection_test.hpp);
//   2. the server itself, started exactly as an MCP client starts it — this binary's absolute
//      path with `mcp` (and `--connection NAME`, `--config-file FILE` when given), stdin and
//      stdout as the transport — and one round trip: `initialize`, the `initialized`
//      notification, `tools/list`; then stdin is closed and the server must exit with 0.
//
// Exit codes: 0 everything passed; the connection test's code (2, 3, 5) when it failed; 4 when
// the connection passed but the MCP round trip failed (the server did not start, did not
// answer, answered something that is not MCP, or did not exit cleanly).
//
// Thread safety: main thread only (forks a child).
#pragma once

namespace sfq::cli {

/// Runs `sfq mcp doctor` with the arguments after "mcp" (argv[0] is "doctor"); returns the exit
/// status.
[[nodiscard]] int run_mcp_doctor(int argc, char** argv);

}  // namespace sfq::cli
