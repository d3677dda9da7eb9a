// install.hpp — `sfq mcp install`: adds this sfq as an MCP server to an AI assistant's
// configuration file, or lists which assistants are installed.
//
//   sfq mcp install --client claude-desktop|cursor|vscode|claude-code|windsurf
//                   [--connection NAME] [--allow-write] [--name SERVER] [--file PATH]
//                   [--force] [--print]
//   sfq mcp install --list
//
// Each client's user-level file and format (docs/MCP.md "Installing into a client"):
//   claude-desktop  Linux $XDG_CONFIG_HOME/Claude/claude_desktop_config.json (default
//                   ~/.config), macOS ~/Library/Application Support/Claude/…; "mcpServers"
//   cursor          ~/.cursor/mcp.json; "mcpServers"
//   vscode          Linux $XDG_CONFIG_HOME/Code/User/mcp.json, macOS ~/Library/Application
//                   Support/Code/User/mcp.json; "servers", entries with "type": "stdio"
//   claude-code     ~/.claude.json (user scope); "mcpServers", entries with "type": "stdio"
//   windsurf        ~/.codeium/windsurf/mcp_config.json; "mcpServers"
//
// The entry runs the absolute path of the running binary (/proc/self/exe) with `mcp` and the
// chosen flags. The file is merged, never replaced: every other key and server is kept (in
// order); comments and trailing commas, which VS Code's files allow, are read but cannot be
// written back, and the message says so. The old file is copied to PATH.bak-YYYYmmdd-HHMMSS
// first; the new one is written to a temporary file and renamed over it. An entry of the same
// name that does not run sfq is replaced only with --force. HOME and XDG_CONFIG_HOME are
// honoured, so tests point the whole thing at a temporary directory.
//
// Thread safety: main thread only.
#pragma once

namespace sfq::mcp {

/// Runs `sfq mcp install`; argv[0] is "install". Returns the exit status (0 done, 1 the file
/// could not be read, merged or written, 2 bad arguments).
int run_install(int argc, char** argv);

}  // namespace sfq::mcp
