// mcp.hpp — `sfq mcp`: the stdio MCP server's entry point.
#pragma once

namespace sfq::mcp {

/// Runs the MCP server with the arguments after "mcp" (argv[0] is "mcp"); returns the exit
/// status. stdin/stdout carry MCP messages; logs go to stderr.
int run(int argc, char** argv);

}  // namespace sfq::mcp
