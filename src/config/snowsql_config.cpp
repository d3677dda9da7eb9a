// snowsql_config.cpp — see snowsql_config.hpp.
#include "config/snowsql_config.hpp"

#include <fstream>
#include <map>

#include "util/text.hpp"

namespace sfq::config {
namespace {

struct IniSection {
  // key -> value and where it was written; a later file overwrites.
  std::map<std::string, RawValue> entries;
  std::vector<std::string> order;
};

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return std::string(value.substr(1, value.size() - 2));
  }
  return std::string(value);
}

void read_ini(const std::string& path, std::map<std::string, IniSection>& sections) {
  std::ifstream in(path);
  if (!in) return;
  std::string line;
  std::string current;
  bool in_section = false;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string_view text = util::trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[') {
      const auto close = text.find(']');
      if (close == std::string_view::npos) continue;
      current = util::lower(util::trim(text.substr(1, close - 1)));
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key = util::lower(util::trim(text.substr(0, eq)));
    if (key.empty()) continue;
    RawValue value;
    value.text = unquote(util::trim(text.substr(eq + 1)));
    value.type_name = "string";
    value.position = path + ":" + std::to_string(number);
    IniSection& section = sections[current];
    if (section.entries.count(key) == 0) section.order.push_back(key);
    section.entries[key] = std::move(value);
  }
}

}  // namespace

std::vector<std::string> snowsql_config_paths(const Environment& env) {
  std::vector<std::string> paths = {"/etc/snowsql.cnf", "/etc/snowflake/snowsql.cnf",
                                    "/usr/local/etc/snowsql.cnf"};
  if (!env.home.empty()) {
    paths.push_back(env.expand_user("~/.snowsql.cnf"));
    paths.push_back(env.expand_user("~/.snowsql/config"));
  }
  return paths;
}

std::vector<ConnectionSection> read_snowsql_connections(const Environment& env) {
  std::map<std::string, IniSection> sections;
  std::vector<std::string> read;
  for (const auto& path : snowsql_config_paths(env)) {
    std::ifstream probe(path);
    if (!probe) continue;
    read_ini(path, sections);
    read.push_back(path);
  }
  std::vector<ConnectionSection> out;
  if (read.empty()) return out;
  const std::string files = read.size() == 1 ? read.front() : "SnowSQL's configuration files";
  const IniSection* base = nullptr;
  if (auto it = sections.find("connections"); it != sections.end()) base = &it->second;
  auto make = [&](const std::string& name, const IniSection* named, const std::string& label) {
    ConnectionSection section;
    section.name = name;
    section.origin = files + " [" + label + "]";
    section.snowsql = true;
    std::map<std::string, std::size_t> index;
    for (const IniSection* part : {base, named}) {
      if (part == nullptr) continue;
      for (const auto& key : part->order) {
        const RawValue& value = part->entries.at(key);
        if (auto it = index.find(key); it != index.end()) {
          section.entries[it->second].second = value;
        } else {
          index[key] = section.entries.size();
          section.entries.emplace_back(key, value);
        }
      }
    }
    out.push_back(std::move(section));
  };
  constexpr std::string_view kPrefix = "connections.";
  bool named_default = false;
  for (const auto& [name, section] : sections) {
    if (name.rfind(kPrefix, 0) != 0 || name.size() == kPrefix.size()) continue;
    const std::string connection = name.substr(kPrefix.size());
    named_default |= connection == "default";
    make(connection, &section, name);
  }
  if (base != nullptr && !base->order.empty() && !named_default) {
    make("default", nullptr, "connections");
  }
  return out;
}

}  // namespace sfq::config
