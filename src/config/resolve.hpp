// resolve.hpp — from Snowflake's configuration files, the environment and command-line flags to
// one sfq::ConnectionOptions, with the provenance of every value (for `sfq config explain`).
//
// Connection selection: -c/--connection NAME > SNOWFLAKE_DEFAULT_CONNECTION_NAME (empty counts
// as unset) > config.toml's top-level default_connection_name > "default". A name chosen by any
// of the first three that no file defines is a config error listing the known names; the
// implicit "default" may be missing when flags and environment give enough to connect.
//
// Precedence, per key, highest first (Snowflake CLI's order, listed in docs/CLI.md):
//   1. command-line flags (Overrides);
//   2. SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> (NAME upper-cased; applied only to a connection that a
//      file defines, as snow merges them into the existing table);
//   3. the connection's table (connections.toml, else config.toml [connections.NAME], or the
//      SNOWFLAKE_CONNECTIONS document);
//   4. generic SNOWFLAKE_<KEY>, which only FILLS keys still missing and non-empty: SNOWFLAKE_ROLE
//      does not override a role written in the file.
// PRIVATE_KEY_PASSPHRASE (non-empty) wins over every configured passphrase.
//
// Keys: account, user, host, port, protocol, role, warehouse, database, schema, authenticator,
// private_key_file (alias private_key_path), private_key_raw, private_key_passphrase (alias
// private_key_file_pwd), token, token_file_path, and sfq's connect_timeout, request_timeout,
// statement_timeout, total_timeout (seconds), ca_file (a PEM bundle of trusted CAs) and
// insecure_skip_tls_verify (true/false; flag --insecure-skip-tls-verify). SnowSQL spellings
// accountname, username, dbname, schemaname, warehousename, rolename are accepted in files and
// connection variables. Generic variables exist for the keys snow supports and for connect_timeout,
// request_timeout and total_timeout (SNOWFLAKE_TOTAL_TIMEOUT...; not the passphrase, not
// statement_timeout), ca_file and insecure_skip_tls_verify (SNOWFLAKE_CA_FILE,
// SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY); SNOWFLAKE_PRIVATE_KEY_PATH is the alias of
// SNOWFLAKE_PRIVATE_KEY_FILE. Other keys are kept and reported as unused.
//
// Authentication: authenticator SNOWFLAKE_JWT (or KEYPAIR_JWT) -> key pair, OAUTH -> OAuth,
// PROGRAMMATIC_ACCESS_TOKEN (or PAT) -> programmatic access token, any case; others are a config
// error. Without an authenticator: key pair when a private key is configured, OAuth when a
// token is (a PAT needs authenticator = PROGRAMMATIC_ACCESS_TOKEN); when both are, the one from
// the higher-precedence source (a tie: key pair); when neither is, key pair. When both a key file
// and PEM text, or both a token and a token file, are given, the one from the higher-precedence
// source is used (a tie: the key file, the token).
//
// Thread safety: free functions over their arguments; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_files.hpp"
#include "config/environment.hpp"
#include "config/file_permissions.hpp"
#include "sfq/error.hpp"
#include "sfq/options.hpp"

namespace sfq::config {

/// The command-line flags that take part in resolution; the CLI fills what the user gave
/// (--private-key-path fills private_key_file). Values are used as given, empty ones included.
struct Overrides {
  std::optional<std::string> account, user, host, port, protocol, role, warehouse, database, schema,
      authenticator, private_key_file, token, connection_name, config_file, connect_timeout,
      request_timeout, total_timeout, insecure_skip_tls_verify;
};

/// Where one effective value came from.
struct Provenance {
  std::string key;    ///< canonical key, e.g. "private_key_file"
  std::string value;  ///< as effective; "****" for secrets
  /// The source that won: "flag --role", "env SNOWFLAKE_CONNECTIONS_PROD_ROLE",
  /// "/home/u/.snowflake/connections.toml [prod]", "env SNOWFLAKE_ROLE",
  /// "env PRIVATE_KEY_PASSPHRASE", "default", ... An alias spelling is named in parentheses.
  std::string source;
  /// Lower-precedence sources that also set it, highest first.
  std::vector<std::string> overridden;
};

/// A key that was given but is not used (unknown to sfq, or not needed by the chosen
/// authentication). The value is masked when the key names a secret.
struct UnusedKey {
  std::string key;
  std::string value;
  std::string source;
  std::string reason;
};

struct ResolveOptions {
  /// Return the result even when it is not enough to connect, with `problems` saying what is
  /// missing (for `sfq config explain`). Otherwise that is a config error.
  bool allow_incomplete = false;
};

struct ResolvedConnection {
  sfq::ConnectionOptions options;
  /// The selected connection's name (also when no file defines it: see connection_found).
  std::string connection_name;
  std::vector<Provenance> provenance;
  /// Permission warnings and configuration oddities, one complete sentence each.
  std::vector<std::string> warnings;
  /// config.toml's [sfq] table; the CLI interprets it.
  std::map<std::string, std::string> sfq_settings;

  // --- for explain -----------------------------------------------------------------------
  /// Why this connection: "flag --connection", "env SNOWFLAKE_DEFAULT_CONNECTION_NAME",
  /// "<config.toml>:line:column default_connection_name", "default".
  std::string connection_reason;
  bool connection_found = false;
  std::string connection_origin;  ///< e.g. "/home/u/.snowflake/connections.toml [prod]"
  std::vector<std::string> known_connections;
  ConfigDirectory directory;
  std::string config_path;         ///< config.toml or --config-file
  std::string connections_path;    ///< connections.toml
  std::string connections_origin;  ///< see ConfigFiles::connections_origin
  /// Permission status of every file looked at: config files, private key, token file.
  std::vector<FileCheck> files;
  std::vector<UnusedKey> unused;
  /// What is missing to connect (only with ResolveOptions::allow_incomplete).
  std::vector<std::string> problems;
};

/// Resolves the connection. Errors are ErrorCategory::config and name the file, variable or
/// flag at fault and the fix; they never contain a secret.
[[nodiscard]] sfq::Result<ResolvedConnection> resolve_connection(
    const Overrides& overrides, const Environment& env, const ResolveOptions& options = {});

/// The warning to print on every run whose connection turns TLS certificate verification off
/// (insecure_skip_tls_verify), naming where that came from; nullopt when verification is on.
[[nodiscard]] std::optional<std::string> insecure_tls_warning(const ResolvedConnection& resolved);

/// True for key names whose values are secrets (password, passphrase, token, private_key_raw,
/// secret ...): these are shown as "****".
[[nodiscard]] bool is_secret_key(std::string_view key);

}  // namespace sfq::config
