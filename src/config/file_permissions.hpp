// file_permissions.hpp — the permission checks Snowflake's tools apply to files that may hold
// credentials: config.toml, connections.toml, the private key and the token file.
//
// The rules are the connector's (snowflake-connector-python config_manager.py, "same check as
// openssh does"), as docs/CLI.md "Connections" describes:
//  - writable by group or others            -> error (never skippable);
//  - readable by group or others, or owned
//    by someone other than root and the user -> warning naming `chmod 0600` and `chown $USER`;
//  - SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true silences the warning (the error stays).
//    The connector's newer SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE and the
//    SPCS-injected SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION are honoured the same way.
//  - a file whose directory cannot be searched is treated as absent, as the connector does.
//
// Thread safety: free functions over their arguments; safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "config/environment.hpp"

namespace sfq::config {

/// The variable named in warnings as the way to silence them.
inline constexpr std::string_view kSkipPermissionWarningVariable =
    "SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION";

enum class FileSafety : std::uint8_t {
  ok,       ///< private to the user (or absent)
  warning,  ///< readable by others or owned by another user: the message says how to fix it
  error,    ///< writable by others: the file must not be used
};

/// What one check found. `message` is the complete warning or error text (empty when ok).
struct FileCheck {
  std::string path;
  std::string role;        ///< what the file is for, e.g. "connections.toml", "private key file"
  bool exists = false;     ///< false also when the directory cannot be searched
  bool accessible = true;  ///< false when stat() was refused (permission on a parent directory)
  bool regular = false;    ///< a regular file (after following symbolic links)
  unsigned mode = 0;       ///< permission bits (st_mode & 07777)
  uid_t owner = 0;
  bool group_or_other_readable = false;
  bool foreign_owner = false;    ///< owned by neither root nor the user
  bool warning_skipped = false;  ///< a warning was due but a skip variable silenced it
  FileSafety safety = FileSafety::ok;
  std::string message;

  /// One short line for `sfq config explain`, e.g. "0600 ok", "0644 readable by group or
  /// others (warning)", "not found".
  [[nodiscard]] std::string summary() const;
};

/// Checks `path` (following symbolic links, as Snowflake's tools do). `role` only labels the
/// result and its messages.
[[nodiscard]] FileCheck check_file_permissions(std::string path, std::string role,
                                               const Environment& env);

/// "0644": permission bits in the form chmod takes.
[[nodiscard]] std::string format_mode(unsigned mode);

/// `path` in double quotes for a shell command line, with ", \, $ and ` escaped.
[[nodiscard]] std::string shell_quote(std::string_view path);

}  // namespace sfq::config
