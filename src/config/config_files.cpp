// config_files.cpp — reading config.toml, connections.toml and SNOWFLAKE_CONNECTIONS.
#include "config/config_files.hpp"
#include "config/snowsql_config.hpp"

#include <sys/stat.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sfq/log.hpp"

namespace sfq::config {
namespace {

// Configuration files are a few kilobytes; anything larger is a mistake (or not a config file)
// and is refused rather than read into memory.
constexpr std::uintmax_t kMaxConfigFileBytes = std::uintmax_t{4} * 1024 * 1024;

Error config_error(std::string message) { return Error(ErrorCategory::config, std::move(message)); }

bool path_exists(const std::string& path) {
  struct stat info {};
  return !path.empty() && ::stat(path.c_str(), &info) == 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string join(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

std::string position_of(const toml::node& node) {
  const auto& source = node.source();
  std::string text = source.path ? *source.path : std::string("<toml>");
  text += ":" + std::to_string(source.begin.line) + ":" + std::to_string(source.begin.column);
  return text;
}

RawValue raw_value(const toml::node& node) {
  RawValue raw;
  raw.position = position_of(node);
  if (const auto* text = node.as_string()) {
    raw.type_name = "string";
    raw.text = text->get();
  } else if (const auto* integer = node.as_integer()) {
    raw.type_name = "integer";
    raw.text = std::to_string(integer->get());
  } else if (const auto* floating = node.as_floating_point()) {
    raw.type_name = "float";
    std::ostringstream out;
    out << *floating;
    raw.text = out.str();
  } else if (const auto* boolean = node.as_boolean()) {
    raw.type_name = "boolean";
    raw.text = boolean->get() ? "true" : "false";
  } else {
    raw.scalar = false;
    if (node.is_table()) {
      raw.type_name = "table";
      raw.text = "<table>";
    } else if (node.is_array()) {
      raw.type_name = "array";
      raw.text = "<array>";
    } else {
      raw.type_name = "date/time";
      std::ostringstream out;
      if (const auto* date = node.as_date()) out << *date;
      if (const auto* time = node.as_time()) out << *time;
      if (const auto* date_time = node.as_date_time()) out << *date_time;
      raw.text = out.str();
    }
  }
  return raw;
}

// toml++ keeps tables sorted by key; people think in the order they wrote things.
template <typename Item>
void sort_by_position(std::vector<std::pair<Item, std::pair<std::uint32_t, std::uint32_t>>>& v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
}

std::pair<std::uint32_t, std::uint32_t> line_column(const toml::node& node) {
  return {node.source().begin.line, node.source().begin.column};
}

// Reads and parses one TOML file. The caller has checked that it exists.
Result<toml::table> parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return config_error("cannot read " + shell_quote(path) + ": " + std::strerror(errno));
  }
  std::string text;
  std::array<char, 8192> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigFileBytes) {
      return config_error(shell_quote(path) + " is larger than " +
                          std::to_string(kMaxConfigFileBytes / (std::uintmax_t{1024} * 1024)) +
                          " MiB; it is not a configuration file");
    }
  }
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return config_error(path + ":" + std::to_string(begin.line) + ":" +
                        std::to_string(begin.column) +
                        ": invalid TOML: " + std::string(error.description()));
  }
}

// The connection tables of `root` (connections.toml's root, config.toml's [connections], or the
// SNOWFLAKE_CONNECTIONS document). `label` prefixes each table name in the origin.
std::vector<ConnectionSection> read_connections(const toml::table& root, const std::string& origin,
                                                const std::string& name_prefix,
                                                std::vector<std::string>& warnings) {
  std::vector<std::pair<ConnectionSection, std::pair<std::uint32_t, std::uint32_t>>> found;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    const auto* table = node.as_table();
    if (table == nullptr) {
      warnings.push_back(position_of(node) + ": `" + name + "` is not a table, so it is not a " +
                         "connection; ignored");
      continue;
    }
    ConnectionSection section;
    section.name = name;
    section.origin = origin + " [" + name_prefix + name + "]";
    std::vector<
        std::pair<std::pair<std::string, RawValue>, std::pair<std::uint32_t, std::uint32_t>>>
        entries;
    for (const auto& [entry_key, entry_node] : *table) {
      entries.push_back(
          {{std::string(entry_key.str()), raw_value(entry_node)}, line_column(entry_node)});
    }
    sort_by_position(entries);
    for (auto& entry : entries) section.entries.push_back(std::move(entry.first));
    found.emplace_back(std::move(section), line_column(node));
  }
  sort_by_position(found);
  std::vector<ConnectionSection> sections;
  for (auto& entry : found) sections.push_back(std::move(entry.first));
  return sections;
}

// `default_connection_name` written below a [table] header belongs to that table — the mistake
// people make most with config.toml (see docs/CLI.md, "Connections"). Say where it went.
void warn_misplaced_default(const toml::table& table, const std::string& table_path,
                            std::vector<std::string>& warnings) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const std::string path = table_path.empty() ? name : table_path + "." + name;
    if (const auto* child = node.as_table()) {
      if (const auto* misplaced = child->get("default_connection_name")) {
        warnings.push_back(position_of(*misplaced) + ": default_connection_name is inside [" +
                           path +
                           "], so it is not the top-level setting and is ignored; move it above "
                           "the first [table] header");
      }
      warn_misplaced_default(*child, path, warnings);
    }
  }
}

enum class SettingKind : std::uint8_t { text, choice, count, boolean };

struct SettingRule {
  SfqSettingSpec spec;
  SettingKind kind;
};

const std::vector<SettingRule>& setting_rules() {
  static const std::vector<SettingRule> rules = {
      {{"format", "table, csv, tsv, json, jsonl, markdown, vertical"}, SettingKind::choice},
      {{"null_display", ""}, SettingKind::text},
      {{"pager", ""}, SettingKind::text},
      {{"max_rows", "a whole number >= 0"}, SettingKind::count},
      {{"header", "true or false"}, SettingKind::boolean},
      {{"progress", "true or false"}, SettingKind::boolean},
      {{"timing", "true or false"}, SettingKind::boolean},
      {{"continue_on_error", "true or false"}, SettingKind::boolean},
      {{"output_format", "table, csv, tsv, json, jsonl, markdown, vertical"}, SettingKind::choice},
      {{"exit_on_error", "true or false"}, SettingKind::boolean},
      {{"expanded", "off, on, auto"}, SettingKind::choice},
      {{"box", "unicode, ascii"}, SettingKind::choice},
      {{"friendly", "true or false"}, SettingKind::boolean},
      {{"quiet", "true or false"}, SettingKind::boolean},
  };
  return rules;
}

bool setting_value_ok(const SettingRule& rule, const RawValue& value) {
  switch (rule.kind) {
    case SettingKind::text:
      return value.scalar;
    case SettingKind::choice: {
      if (value.type_name != "string") return false;
      std::string_view rest = rule.spec.accepts;
      while (!rest.empty()) {
        const auto comma = rest.find(", ");
        if (rest.substr(0, comma) == value.text) return true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
      }
      return false;
    }
    case SettingKind::count:
      return (value.type_name == "integer" || value.type_name == "string") && !value.text.empty() &&
             std::all_of(value.text.begin(), value.text.end(),
                         [](char c) { return c >= '0' && c <= '9'; });
    case SettingKind::boolean:
      return (value.type_name == "boolean" || value.type_name == "string") &&
             (value.text == "true" || value.text == "false");
  }
  return false;
}

Result<std::map<std::string, std::string>> read_sfq_settings(const toml::node& node,
                                                             std::vector<std::string>& warnings) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return config_error(position_of(node) + ": `sfq` must be a table ([sfq])");
  }
  std::map<std::string, std::string> settings;
  for (const auto& [key, value_node] : *table) {
    const std::string name(key.str());
    const RawValue value = raw_value(value_node);
    const auto& rules = setting_rules();
    const auto rule = std::find_if(rules.begin(), rules.end(),
                                   [&](const SettingRule& r) { return r.spec.name == name; });
    if (rule == rules.end()) {
      std::string known;
      for (const auto& r : rules) known += (known.empty() ? "" : ", ") + std::string(r.spec.name);
      warnings.push_back(value.position + ": unknown [sfq] setting `" + name +
                         "` (known: " + known + "); ignored");
      continue;
    } else if (!setting_value_ok(*rule, value)) {
      return config_error(
          value.position + ": [sfq] " + name + " = " +
          (value.scalar ? "\"" + value.text + "\"" : value.text) + " is not valid; it accepts " +
          (rule->spec.accepts.empty() ? std::string("text") : std::string(rule->spec.accepts)));
    }
    settings[name] = value.text;
  }
  return settings;
}

// Checks the permissions of an existing or absent file; a writable-by-others file is an error.
Result<FileCheck> checked(std::vector<FileCheck>& checks, std::vector<std::string>& warnings,
                          const std::string& path, const std::string& role,
                          const Environment& env) {
  FileCheck check = check_file_permissions(path, role, env);
  checks.push_back(check);
  if (!check.exists) return check;
  if (!check.regular) {
    return config_error(role + " " + shell_quote(path) + " is not a regular file");
  }
  if (check.safety == FileSafety::error) return config_error(check.message);
  if (check.safety == FileSafety::warning) warnings.push_back(check.message);
  return check;
}

}  // namespace

const std::vector<SfqSettingSpec>& known_sfq_settings() {
  static const std::vector<SfqSettingSpec> specs = [] {
    std::vector<SfqSettingSpec> list;
    for (const auto& rule : setting_rules()) list.push_back(rule.spec);
    return list;
  }();
  return specs;
}

ConfigDirectory resolve_config_directory(const Environment& env) {
  ConfigDirectory dir;
  const auto snowflake_home = env.get("SNOWFLAKE_HOME");
  // The connector: expanduser(os.environ.get("SNOWFLAKE_HOME", "~/.snowflake/")), then
  // os.path.exists().
  const std::string candidate =
      snowflake_home ? env.expand_user(*snowflake_home) : env.expand_user("~/.snowflake");
  const bool candidate_usable = candidate.rfind('~', 0) != 0 && path_exists(candidate);
  if (candidate_usable) {
    dir.path = candidate;
    dir.reason = snowflake_home ? "$SNOWFLAKE_HOME (" + *snowflake_home + ") exists"
                                : "$SNOWFLAKE_HOME is not set and ~/.snowflake exists";
    if (!is_directory(candidate)) {
      dir.warnings.push_back("SNOWFLAKE_HOME " + shell_quote(candidate) +
                             " exists but is not a directory, so no configuration file is found");
    }
    return dir;
  }
  // platformdirs on Linux: $XDG_CONFIG_HOME unless unset or blank, else ~/.config.
  std::string base;
  std::string base_label;
  const auto xdg = env.get("XDG_CONFIG_HOME");
  const bool xdg_blank = !xdg || std::all_of(xdg->begin(), xdg->end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
  if (!xdg_blank) {
    base = *xdg;
    base_label = "$XDG_CONFIG_HOME/snowflake";
  } else {
    base = env.expand_user("~/.config");
    base_label = "~/.config/snowflake";
  }
  dir.path = join(base, "snowflake");
  if (snowflake_home) {
    dir.reason = "$SNOWFLAKE_HOME (" + *snowflake_home + ") does not exist, so the platform " +
                 "directory " + base_label + " is used";
    dir.warnings.push_back(
        "SNOWFLAKE_HOME=" + *snowflake_home + " does not exist; using " + dir.path +
        " (as in Snowflake's tools, ~/.snowflake is not consulted when SNOWFLAKE_HOME is set)");
  } else {
    dir.reason =
        "$SNOWFLAKE_HOME is not set and ~/.snowflake does not exist, so the platform "
        "directory " +
        base_label + " is used";
  }
  return dir;
}

const ConnectionSection* ConfigFiles::find(std::string_view name) const {
  for (const auto& section : connections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::vector<std::string> ConfigFiles::connection_names() const {
  std::vector<std::string> names;
  names.reserve(connections.size());
  for (const auto& section : connections) names.push_back(section.name);
  return names;
}

Result<ConfigFiles> load_config_files(const Environment& env,
                                      const std::optional<std::string>& config_file) {
  ConfigFiles files;
  files.directory = resolve_config_directory(env);
  files.warnings = files.directory.warnings;
  files.connections_path = join(files.directory.path, "connections.toml");
  if (config_file) {
    files.config_path = env.expand_user(*config_file);
    files.config_path_from_flag = true;
  } else {
    files.config_path = join(files.directory.path, "config.toml");
  }
  const std::string config_role = config_file ? "--config-file" : "config.toml";

  // config.toml first, as the connector does; connections.toml then replaces its connections.
  auto config_check = checked(files.checks, files.warnings, files.config_path, config_role, env);
  if (!config_check.ok()) return config_check.error();
  if (config_file && !config_check->exists) {
    return config_error(
        "--config-file " + shell_quote(files.config_path) +
        (config_check->accessible ? " does not exist" : " cannot be reached (permission denied)"));
  }
  std::vector<std::string> config_connection_names;
  if (config_check->exists) {
    sfq::log_message(LogLevel::debug, "reading configuration file " + files.config_path);
    auto parsed = parse_file(files.config_path);
    if (!parsed.ok()) return parsed.error();
    const toml::table& root = *parsed;
    if (const auto* name = root.get("default_connection_name")) {
      if (!name->is_string()) {
        return config_error(position_of(*name) + ": default_connection_name must be a string");
      }
      files.default_connection_name = name->as_string()->get();
      files.default_connection_position = position_of(*name);
    }
    warn_misplaced_default(root, "", files.warnings);
    if (const auto* connections = root.get("connections")) {
      const auto* table = connections->as_table();
      if (table == nullptr) {
        return config_error(position_of(*connections) +
                            ": `connections` must be a table of connections ([connections.NAME])");
      }
      files.connections =
          read_connections(*table, files.config_path, "connections.", files.warnings);
      files.connections_origin = config_role;
      config_connection_names = files.connection_names();
    }
    if (const auto* sfq = root.get("sfq")) {
      auto settings = read_sfq_settings(*sfq, files.warnings);
      if (!settings.ok()) return settings.error();
      files.sfq_settings = std::move(*settings);
    }
  }

  auto connections_check =
      checked(files.checks, files.warnings, files.connections_path, "connections.toml", env);
  if (!connections_check.ok()) return connections_check.error();
  if (connections_check->exists) {
    sfq::log_message(LogLevel::debug, "reading connections file " + files.connections_path);
    auto parsed = parse_file(files.connections_path);
    if (!parsed.ok()) return parsed.error();
    if (!config_connection_names.empty()) {
      std::string names;
      for (const auto& name : config_connection_names) names += (names.empty() ? "" : ", ") + name;
      files.warnings.push_back(files.config_path + " defines connections (" + names +
                               ") that are ignored because " + files.connections_path +
                               " exists and replaces config.toml's [connections] wholesale");
    }
    files.connections = read_connections(*parsed, files.connections_path, "", files.warnings);
    files.connections_origin = "connections.toml";
  }

  if (const auto document = env.get("SNOWFLAKE_CONNECTIONS")) {
    try {
      const toml::table root =
          toml::parse(*document, std::string_view("env SNOWFLAKE_CONNECTIONS"));
      files.connections = read_connections(root, "env SNOWFLAKE_CONNECTIONS", "", files.warnings);
      files.connections_origin = "env SNOWFLAKE_CONNECTIONS";
      return files;  // replaces every file's connections, SnowSQL's too
    } catch (const toml::parse_error& error) {
      const auto& begin = error.source().begin;
      return config_error("env SNOWFLAKE_CONNECTIONS:" + std::to_string(begin.line) + ":" +
                          std::to_string(begin.column) +
                          ": invalid TOML: " + std::string(error.description()));
    }
  }
  // SnowSQL's connections fill in names no Snowflake file defines.
  for (auto& section : read_snowsql_connections(env)) {
    if (files.find(section.name) != nullptr) continue;
    if (files.connections_origin.empty()) files.connections_origin = "snowsql";
    files.connections.push_back(std::move(section));
  }
  return files;
}

}  // namespace sfq::config
