// app.hpp — the `sfq` command line: parses arguments and dispatches to the CLI or `sfq mcp`.
#pragma once

namespace sfq::cli {

/// Runs sfq with the process arguments and returns the exit status.
int run(int argc, char** argv);

}  // namespace sfq::cli
