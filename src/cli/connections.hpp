// connections.hpp — `sfq connection add` and `sfq connection list`.
//
// add: the connection's keys come from the flags; on a terminal (unless --no-interactive) the
// ones not given are asked for, each with its default in brackets. The account may be pasted in
// any form (a URL, a host, org-account, locator.region.cloud, org.account) and is normalised
// to what the connectors expect, and the result is shown: the `account` written, the host it
// means and the account name the key-pair JWT will carry. The key is an existing file (checked
// to be a private key) or a new RSA-2048 pair (keygen.hpp). The table is written with
// config::write_connection (comments and other connections kept, file 0600, read back before
// it replaces the old one), and the `ALTER USER … SET RSA_PUBLIC_KEY='…'` statement is printed.
//
// list: every connection sfq can use — connections.toml or config.toml (or the
// SNOWFLAKE_CONNECTIONS document), SnowSQL's files, and the implicit "default" that
// SNOWFLAKE_ACCOUNT & co. make when no file defines it — with where each comes from, the
// SNOWFLAKE_CONNECTIONS_<NAME>_* variables that override it, and which one is the default (and
// why). `--format json` gives the same as a JSON array.
//
// Thread safety: main thread only.
#pragma once

#include <string>

#include "cli/interrupts.hpp"
#include "cli/options.hpp"

namespace sfq::cli {

/// What an account pasted by a user becomes.
struct NormalisedAccount {
  std::string account;      ///< the value for connections.toml's `account` ("" when unusable)
  std::string host;         ///< the host it means
  std::string jwt_account;  ///< the account name in the key-pair JWT
  std::string note;         ///< what was changed and why, when something was ("" otherwise)
};

/// Normalises a pasted account: decorations and the Snowflake domain removed (auth/account.hpp),
/// and the SQL form "org.account" written as "org-account" (a second part without a hyphen that
/// is not a region, a cloud, `privatelink` or `global` is an account name, not a region).
[[nodiscard]] NormalisedAccount normalise_account(std::string_view pasted);

/// Runs `sfq connection add`; returns the exit status (errors printed on stderr).
int run_connection_add(const ConnectionAddOptions& options, InterruptWatcher& interrupts);

/// Runs `sfq connection list`; returns the exit status.
int run_connection_list(const ConnectionListOptions& options);

}  // namespace sfq::cli
