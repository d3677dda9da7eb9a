// server.hpp — runs an MCP server over a pair of file descriptors (stdin/stdout for `sfq mcp`,
// pipes in tests) against a Backend.
//
// Threads: the caller's thread reads and dispatches lines; one executor thread runs request
// handlers; one writer thread owns the output; a ticker thread sends progress. At end of input
// every request already read is answered first (open subscriptions end); a stop signal or a
// closed output instead ends at once. Then every call still in flight is cancelled (its
// statements on the server too), the backend is shut down, and the output is flushed before
// serve() returns.
#pragma once

#include "mcp/backend.hpp"
#include "mcp/session.hpp"

namespace sfq::mcp {

/// Serves until `in_fd` reaches end of file, `stop_fd` (optional, e.g. a signalfd) becomes
/// readable, or the output breaks; returns the exit status.
int serve(const ServerConfig& config, Backend& backend, int in_fd, int out_fd, int stop_fd = -1);

}  // namespace sfq::mcp
