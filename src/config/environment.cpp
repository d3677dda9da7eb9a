// environment.cpp — the snapshot of the process environment.
#include "config/environment.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <vector>

#include "util/text.hpp"

extern char** environ;  // NOLINT: POSIX declares it but no header is required to

namespace sfq::config {

Environment Environment::from_process() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.variables.emplace(std::string(text.substr(0, equals)),
                          std::string(text.substr(equals + 1)));
  }
  env.uid = ::getuid();
  // Python's expanduser, which Snowflake's tools use, prefers $HOME and falls back to the
  // passwd entry; so do we.
  if (auto home = env.get("HOME"); home && !home->empty()) {
    env.home = *home;
  } else {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(env.uid, &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr && found->pw_dir != nullptr) {
      env.home = found->pw_dir;
    }
  }
  return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
  const auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return it->second;
}

bool Environment::is_true(std::string_view name) const {
  const auto value = get(name);
  return value && util::iequals(*value, "true");
}

std::string Environment::expand_user(std::string_view path) const {
  if (home.empty() || path.empty() || path[0] != '~') return std::string(path);
  if (path.size() == 1) return home;
  if (path[1] != '/') return std::string(path);
  std::string expanded = home;
  if (!expanded.empty() && expanded.back() == '/') expanded.pop_back();
  expanded += path.substr(1);
  return expanded;
}

}  // namespace sfq::config
