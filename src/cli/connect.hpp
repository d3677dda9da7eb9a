// connect.hpp — from the command line to a Session: Snowflake's configuration files,
// environment and flags through sfq::config::resolve_connection (src/config), or the
// in-process emulator for --mock; and `sfq config explain`.
//
// Thread safety: main thread only (reads the process environment).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/interrupts.hpp"
#include "cli/options.hpp"
#include "cli/session.hpp"
#include "config/resolve.hpp"
#include "sfq/error.hpp"

namespace sfq::cli {

struct OpenedConnection {
  std::unique_ptr<Session> session;
  /// Permission warnings and configuration oddities, one sentence each.
  std::vector<std::string> warnings;
  /// config.toml's [sfq] table, and where it came from (for error messages).
  std::map<std::string, std::string> sfq_settings;
  std::string settings_origin;
  /// "connection prod (myorg-acct as JDOE)", for the REPL's banner.
  std::string description;
};

/// The connection flags as configuration overrides (the highest-precedence source).
[[nodiscard]] config::Overrides to_overrides(const ConnectionFlags& flags);

/// Resolves the connection (`name` overrides -c) or starts the mock. Config errors name the
/// file, variable or flag at fault.
/// With `interrupts` (the CLI on a terminal), an encrypted private key without a passphrase
/// makes sfq ask for the passphrase on the terminal.
[[nodiscard]] Result<OpenedConnection> open_connection(const ConnectionFlags& flags, bool mock,
                                                       bool trace_http,
                                                       InterruptWatcher* interrupts = nullptr);

/// The text of `sfq config explain`: every effective key, its value (secrets masked) and the
/// source that won, the files looked at and their permissions, and what is missing.
[[nodiscard]] Result<std::string> explain_connection(const ConnectionFlags& flags);

}  // namespace sfq::cli
