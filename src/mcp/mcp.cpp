// mcp.cpp — `sfq mcp` entry point (the server itself is being built; see issue "sfq mcp").
#include "mcp/mcp.hpp"

#include <iostream>

namespace sfq::mcp {

int run(int /*argc*/, char** /*argv*/) {
  std::cerr << "sfq mcp: the MCP server is not available in this build yet\n";
  return 1;
}

}  // namespace sfq::mcp
