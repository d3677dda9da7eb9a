// snowsql_config.hpp — reading SnowSQL's configuration, for people who come from SnowSQL:
// /etc/snowsql.cnf, /etc/snowflake/snowsql.cnf, /usr/local/etc/snowsql.cnf, ~/.snowsql.cnf and
// ~/.snowsql/config, merged in that order (a later file wins key by key), as SnowSQL documents.
//
// The format is INI: `[connections]` holds the keys of the connection SnowSQL uses without -c
// and the defaults of every named one, `[connections.NAME]` a named connection; keys are
// SnowSQL's (accountname, username, dbname, schemaname, warehousename, rolename,
// authenticator, private_key_path, host, port, ...), which the resolver maps to
// connections.toml's names. Values may be quoted with ' or ". Lines starting with # or ; are
// comments. Other sections ([options], [variables]) are not connections and are skipped.
//
// sfq uses these connections only where connections.toml / config.toml define no connection of
// that name, and says that SnowSQL's file is deprecated in favour of connections.toml.
//
// Thread safety: free functions.
#pragma once

#include <string>
#include <vector>

#include "config/config_files.hpp"
#include "config/environment.hpp"

namespace sfq::config {

/// SnowSQL's files, in the order they are merged (later wins); `~` expanded.
[[nodiscard]] std::vector<std::string> snowsql_config_paths(const Environment& env);

/// The connections of the SnowSQL files that exist: `[connections]` as "default" (unless a
/// [connections.default] exists) and each [connections.NAME] over the [connections] defaults.
/// Sections are marked `snowsql`.
[[nodiscard]] std::vector<ConnectionSection> read_snowsql_connections(const Environment& env);

}  // namespace sfq::config
