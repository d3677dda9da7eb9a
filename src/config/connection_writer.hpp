// connection_writer.hpp — adding a connection to Snowflake's configuration files (for
// `sfq connection add`) without losing what is already there.
//
// toml++ does not keep comments or layout, so the files are edited as text: the connection's
// table is appended, or (with `replace`) the lines from its header to the next table header are
// replaced; everything else — other tables, comments, blank lines — stays byte for byte.
// toml++ is used only to find where tables start (it knows multi-line strings and arrays) and
// to check the result, which is read back with the loader (config_files.hpp) before it replaces
// the file.
//
// Where the connection goes: <dir>/connections.toml, the file the loader reads (the directory
// per resolve_config_directory, created with mode 0700 when missing). One exception: when
// connections.toml does not exist but config.toml has [connections.NAME] tables, creating
// connections.toml would hide them all (it replaces config.toml's connections wholesale), so
// the connection is added to config.toml as [connections.NAME] instead.
//
// default_connection_name lives at the top of config.toml: an existing line is replaced, else
// the line is inserted before the first table header.
//
// Files are written to a temporary file in the same directory and renamed over the old one
// (mode 0600 for a new file; an existing file keeps its mode less any group/other write bit).
//
// Thread safety: free functions; not for concurrent edits of the same file.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/environment.hpp"
#include "sfq/error.hpp"

namespace sfq::config {

/// One key of the new table. Strings are quoted; `integer` values (port) are written bare.
struct TomlEntry {
  std::string key;
  std::string value;
  bool integer = false;
};

struct WriteConnectionRequest {
  std::string name;
  std::vector<TomlEntry> entries;  ///< in the order to write them
  bool replace = false;            ///< an existing table of that name is replaced (--force)
  bool make_default = false;       ///< also set default_connection_name in config.toml
};

struct WriteConnectionOutcome {
  std::string path;                ///< the file the connection was written to
  std::string header;              ///< "[prod]" or "[connections.prod]"
  bool created_file = false;       ///< the file did not exist before
  bool replaced = false;           ///< a table of that name was replaced
  std::string default_path;        ///< config.toml, when default_connection_name was written
  std::vector<std::string> notes;  ///< things the user should know (one sentence each)
};

/// Adds (or replaces) the connection. Errors (config): the name exists and `replace` is false
/// (the message names the file and line and says --force), a file that cannot be parsed or
/// written, a connection defined in a way that cannot be replaced as text (inline table, dotted
/// keys, sub-tables), SNOWFLAKE_CONNECTIONS set (it hides every file).
[[nodiscard]] Result<WriteConnectionOutcome> write_connection(const WriteConnectionRequest& request,
                                                              const Environment& env);

/// `name` as a TOML key: bare when it is only letters, digits, '_' and '-', else quoted.
[[nodiscard]] std::string toml_key(std::string_view name);

/// `text` as a TOML basic string, quotes included.
[[nodiscard]] std::string toml_string(std::string_view text);

}  // namespace sfq::config
