// environment.hpp — the process environment as configuration sees it: the variables, the home
// directory and the user id.
//
// Configuration is resolved from an Environment value rather than from getenv() so that
// resolution is a pure function of its inputs: tests build an Environment by hand (a fake HOME,
// chosen variables) and the CLI and the MCP server take a snapshot of the process once with
// from_process(). The variables are held in full because SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>
// overrides are found by prefix, which getenv() cannot do.
//
// Thread safety: a plain value; from_process() reads `environ` and must not race with setenv().
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sfq::config {

struct Environment {
  /// Every variable, by name.
  std::map<std::string, std::string, std::less<>> variables;
  /// The home directory `~` expands to; empty when unknown (then `~` paths are not used).
  std::string home;
  /// The user id files are expected to belong to (the "owned by another user" check).
  uid_t uid = 0;

  /// A snapshot of this process: `environ`, $HOME (else the passwd entry) and getuid().
  [[nodiscard]] static Environment from_process();

  /// The variable's value, or nothing when it is not set (set-but-empty is "").
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  /// True when the variable is set to "true" in any case — the way Snowflake's tools read
  /// their boolean switches (anything else, "1" included, is false).
  [[nodiscard]] bool is_true(std::string_view name) const;
  /// `path` with a leading "~" or "~/" replaced by the home directory; other paths unchanged
  /// ("~user" forms are not expanded).
  [[nodiscard]] std::string expand_user(std::string_view path) const;
};

}  // namespace sfq::config
