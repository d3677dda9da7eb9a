// config_files.hpp — finding and reading Snowflake's configuration files: the directory,
// connections.toml, config.toml (or --config-file) and the SNOWFLAKE_CONNECTIONS variable.
//
// Rules (from snowflake-connector-python sf_dirs.py and config_manager.py; see docs/CLI.md):
//  - Directory: the connector expands $SNOWFLAKE_HOME, defaulting to "~/.snowflake", and uses it
//    when that path exists; otherwise the platform directory, on Linux $XDG_CONFIG_HOME/snowflake
//    (XDG_CONFIG_HOME unset or blank: ~/.config/snowflake). Note what follows from that code:
//    when SNOWFLAKE_HOME is set but does not exist, ~/.snowflake is NOT consulted — the lookup
//    goes straight to ~/.config/snowflake (we add a warning saying so). Unlike the connector we
//    never create the platform directory.
//  - connections.toml: its top-level tables are connections. When the file exists (even empty)
//    it replaces config.toml's [connections] section wholesale.
//  - config.toml: top-level `default_connection_name`; [connections.NAME] tables (used only
//    without connections.toml); [sfq] holds sfq's own settings. --config-file replaces
//    config.toml only: connections.toml is still read from the directory (as snow does).
//  - SNOWFLAKE_CONNECTIONS, when set, is a TOML document that replaces every file's connections
//    (the connector reads each option from the environment first).
//  - SnowSQL's files (snowsql_config.hpp) add the connections no other file defines.
//  - Every file read passes the permission checks of file_permissions.hpp; --config-file files
//    too (snow checks those only on request; the connector checks every file it reads).
//
// Thread safety: free functions; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/environment.hpp"
#include "config/file_permissions.hpp"
#include "sfq/error.hpp"

namespace sfq::config {

/// Where the configuration files live, and why there.
struct ConfigDirectory {
  std::string path;
  std::string reason;  ///< e.g. "$SNOWFLAKE_HOME is not set and ~/.snowflake exists"
  std::vector<std::string> warnings;
};

/// The directory per the connector's rule (see the file comment).
[[nodiscard]] ConfigDirectory resolve_config_directory(const Environment& env);

/// One value of a connection table, as written.
struct RawValue {
  std::string text;       ///< scalars as text: "443", "true", "1.5"; "<array>" / "<table>" else
  std::string type_name;  ///< "string", "integer", "float", "boolean", "array", "table", ...
  bool scalar = true;     ///< string, integer, float or boolean
  std::string position;   ///< "path:line:column"
};

/// One connection table.
struct ConnectionSection {
  std::string name;
  /// Where it came from, as shown in provenance, e.g.
  /// "/home/u/.snowflake/connections.toml [prod]", "/x/config.toml [connections.prod]",
  /// "env SNOWFLAKE_CONNECTIONS [prod]".
  std::string origin;
  std::vector<std::pair<std::string, RawValue>> entries;  ///< in the order written
  bool snowsql = false;  ///< from SnowSQL's configuration (snowsql_config.hpp)
};

/// Everything the files (and SNOWFLAKE_CONNECTIONS) say.
struct ConfigFiles {
  ConfigDirectory directory;
  std::string connections_path;  ///< <dir>/connections.toml
  std::string config_path;       ///< <dir>/config.toml, or the --config-file path
  bool config_path_from_flag = false;
  /// Each configuration file looked at, with its permission status (absent ones too).
  std::vector<FileCheck> checks;
  /// Where `connections` came from: "connections.toml", "config.toml", "--config-file",
  /// "env SNOWFLAKE_CONNECTIONS", or "" when nowhere.
  std::string connections_origin;
  std::vector<ConnectionSection> connections;  ///< in the order written
  /// config.toml's top-level default_connection_name, and where it was written.
  std::optional<std::string> default_connection_name;
  std::string default_connection_position;
  /// The [sfq] table of config.toml as strings (booleans "true"/"false", numbers in decimal).
  std::map<std::string, std::string> sfq_settings;
  std::vector<std::string> warnings;

  [[nodiscard]] const ConnectionSection* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> connection_names() const;
};

/// Resolves the directory, checks and reads the files. Errors (ErrorCategory::config): a file
/// writable by group or others, invalid TOML ("path:line:column: ..."), a --config-file that
/// does not exist, a misplaced or mistyped value of a known key, an invalid [sfq] setting.
[[nodiscard]] Result<ConfigFiles> load_config_files(const Environment& env,
                                                    const std::optional<std::string>& config_file);

/// The sfq settings config.toml's [sfq] table may hold, with the values each accepts; others
/// are kept but warned about.
struct SfqSettingSpec {
  std::string_view name;
  std::string_view accepts;  ///< for messages, e.g. "table, csv, ..."; "" for any text
};
[[nodiscard]] const std::vector<SfqSettingSpec>& known_sfq_settings();

}  // namespace sfq::config
