// connection_writer.cpp — see connection_writer.hpp.
#include "config/connection_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/config_files.hpp"
#include "config/file_permissions.hpp"

namespace sfq::config {
namespace {

Error config_error(std::string message) { return Error(ErrorCategory::config, std::move(message)); }

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_error("cannot read " + shell_quote(path) + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Creates `dir` and its missing parents with mode 0700.
Status make_directories(const std::string& dir) {
  if (dir.empty() || exists(dir)) return {};
  const auto slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    if (auto status = make_directories(dir.substr(0, slash)); !status.ok()) return status;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return config_error("cannot create the directory " + shell_quote(dir) + ": " +
                        std::strerror(errno));
  }
  return {};
}

// Replaces `path` with `text`: a temporary file in the same directory, renamed over it. A
// symbolic link is followed, so the file it points to is the one replaced.
Status write_atomically(const std::string& path, const std::string& text, mode_t mode) {
  std::string target = path;
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) != nullptr) target = resolved;
  const std::string temporary = target + ".sfq-" + std::to_string(::getpid()) + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return config_error("cannot write " + shell_quote(target) + ": " + std::strerror(errno));
  }
  ::fchmod(fd, mode);
  std::string_view rest = text;
  bool ok = true;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  const int saved = errno;
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(temporary.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(ok ? errno : saved);
    ::unlink(temporary.c_str());
    return config_error("cannot write " + shell_quote(target) + ": " + reason);
  }
  return {};
}

// The mode to write an existing file with: its own, less any write bit for group or others (the
// loader refuses such files); 0600 for a new one.
mode_t mode_for(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0600;
  return static_cast<mode_t>(info.st_mode & 07777 & ~static_cast<mode_t>(022));
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line;
  return out;
}

bool is_blank_or_comment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos || line[first] == '#';
}

bool is_header_line(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '[';
}

// Every line (1-based) where a table header stands: the tables toml++ reports with a header,
// found recursively (sub-tables and arrays of tables too).
void collect_headers(const toml::node& node, const std::vector<std::string>& lines,
                     std::vector<std::size_t>& headers) {
  auto visit_table = [&](const toml::table& table) {
    const auto line = static_cast<std::size_t>(table.source().begin.line);
    if (!table.is_inline() && line >= 1 && line <= lines.size() &&
        is_header_line(lines[line - 1])) {
      headers.push_back(line);
    }
    for (const auto& [key, child] : table) collect_headers(child, lines, headers);
  };
  if (const auto* table = node.as_table()) {
    visit_table(*table);
  } else if (const auto* array = node.as_array()) {
    for (const auto& element : *array) {
      if (const auto* table = element.as_table()) visit_table(*table);
    }
  }
}

// The new table: header and entries, one per line.
std::string table_text(const std::string& header, const std::vector<TomlEntry>& entries) {
  std::string text = header + "\n";
  for (const auto& entry : entries) {
    text += entry.key + " = " + (entry.integer ? entry.value : toml_string(entry.value)) + "\n";
  }
  return text;
}

// Adds or replaces the table `path` ({"prod"} or {"connections", "prod"}) in `text`.
Result<std::string> edit_table(const std::string& file, const std::string& text,
                               const std::vector<std::string>& path, const std::string& header,
                               const std::vector<TomlEntry>& entries, bool replace,
                               bool& replaced) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return config_error(file + ":" + std::to_string(begin.line) + ":" +
                        std::to_string(begin.column) +
                        ": invalid TOML: " + std::string(error.description()) +
                        " — fix the file first; nothing was written");
  }
  const toml::node* existing = &root;
  for (const auto& part : path) {
    const auto* table = existing->as_table();
    existing = table != nullptr ? table->get(part) : nullptr;
    if (existing == nullptr) break;
  }
  std::vector<std::string> lines = split_lines(text);
  const std::string table_lines = table_text(header, entries);
  replaced = false;
  if (existing == nullptr) {
    std::string out = text;
    if (!out.empty() && out.back() != '\n') out += '\n';
    if (!out.empty() && !out.ends_with("\n\n")) out += '\n';
    return out + table_lines;
  }
  const auto line = static_cast<std::size_t>(existing->source().begin.line);
  const std::string where = file + ":" + std::to_string(line);
  if (!replace) {
    return config_error("connection \"" + path.back() + "\" already exists (" + where +
                        "); use --force to replace it, or choose another --name");
  }
  const auto* table = existing->as_table();
  if (table == nullptr || table->is_inline() || line < 1 || line > lines.size() ||
      !is_header_line(lines[line - 1])) {
    return config_error("connection \"" + path.back() + "\" at " + where +
                        " is not written as a [table] of its own (inline table or dotted keys); "
                        "edit it by hand, or remove it and run sfq connection add again");
  }
  for (const auto& [key, child] : *table) {
    if (child.is_table() || child.is_array_of_tables()) {
      return config_error("connection \"" + path.back() + "\" at " + where + " has a sub-table (" +
                          std::string(key.str()) +
                          "); edit it by hand, or remove it and run sfq connection add again");
    }
  }
  std::vector<std::size_t> headers;
  collect_headers(root, lines, headers);
  std::size_t end = lines.size() + 1;  // 1-based line after the table
  for (const std::size_t h : headers) {
    if (h > line) end = std::min(end, h);
  }
  // Comments and blank lines just above the next header belong to it: they stay.
  std::size_t last = end - 1;
  while (last > line && is_blank_or_comment(lines[last - 1])) --last;
  std::vector<std::string> out(lines.begin(), lines.begin() + static_cast<long>(line - 1));
  out.push_back(table_lines);
  out.insert(out.end(), lines.begin() + static_cast<long>(last), lines.end());
  replaced = true;
  return join_lines(out);
}

// Sets the top-level default_connection_name of config.toml's text.
Result<std::string> set_default_name(const std::string& file, const std::string& text,
                                     const std::string& name) {
  const std::string assignment = "default_connection_name = " + toml_string(name) + "\n";
  if (text.empty()) return assignment;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return config_error(
        file + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
        ": invalid TOML: " + std::string(error.description()) + " — fix the file first");
  }
  std::vector<std::string> lines = split_lines(text);
  if (!lines.empty() && !lines.back().ends_with("\n")) lines.back() += '\n';
  if (const auto* current = root.get("default_connection_name")) {
    const auto line = static_cast<std::size_t>(current->source().begin.line);
    const auto end = static_cast<std::size_t>(current->source().end.line);
    if (line < 1 || end != line || line > lines.size()) {
      return config_error(file + ":" + std::to_string(line) +
                          ": default_connection_name is not on one line; edit it by hand");
    }
    lines[line - 1] = assignment;
    return join_lines(lines);
  }
  std::vector<std::size_t> headers;
  collect_headers(root, lines, headers);
  std::size_t first = lines.size() + 1;
  for (const std::size_t h : headers) first = std::min(first, h);
  // Before the first header, and before the comments and blank lines that lead into it.
  std::size_t at = first - 1;
  while (at > 0 && is_blank_or_comment(lines[at - 1])) --at;
  if (first <= lines.size() && at == 0) {
    lines.insert(lines.begin(), {assignment, "\n"});
  } else if (first <= lines.size()) {
    lines.insert(lines.begin() + static_cast<long>(at), assignment);
  } else {
    lines.push_back(assignment);
  }
  return join_lines(lines);
}

}  // namespace

std::string toml_key(std::string_view name) {
  const bool bare = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  return bare ? std::string(name) : toml_string(name);
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

Result<WriteConnectionOutcome> write_connection(const WriteConnectionRequest& request,
                                                const Environment& env) {
  if (request.name.empty()) return config_error("the connection needs a name");
  if (env.get("SNOWFLAKE_CONNECTIONS")) {
    return config_error(
        "SNOWFLAKE_CONNECTIONS is set: it replaces the connections of every file, so a connection "
        "written to a file would not be used; unset it first");
  }
  auto files = load_config_files(env, std::nullopt);
  if (!files) return files.error();
  WriteConnectionOutcome outcome;
  const std::string& dir = files->directory.path;
  const std::string connections_path = files->connections_path;
  const bool in_config = !exists(connections_path) && files->connections_origin == "config.toml";
  std::vector<std::string> path;
  if (in_config) {
    outcome.path = files->config_path;
    path = {"connections", request.name};
    outcome.header = "[connections." + toml_key(request.name) + "]";
    outcome.notes.push_back("the connection is added to " + files->config_path +
                            " as [connections." + request.name +
                            "], next to the others there (a "
                            "new connections.toml would hide them)");
  } else {
    outcome.path = connections_path;
    path = {request.name};
    outcome.header = "[" + toml_key(request.name) + "]";
  }
  if (auto status = make_directories(dir); !status.ok()) return status.error();

  outcome.created_file = !exists(outcome.path);
  std::string before;
  if (!outcome.created_file) {
    auto text = read_text(outcome.path);
    if (!text) return text.error();
    before = std::move(*text);
  }
  auto after = edit_table(outcome.path, before, path, outcome.header, request.entries,
                          request.replace, outcome.replaced);
  if (!after) return after.error();

  std::optional<std::string> config_before;
  std::string config_after;
  if (request.make_default) {
    outcome.default_path = files->config_path;
    const std::string& base = outcome.default_path == outcome.path ? *after : std::string();
    if (outcome.default_path == outcome.path) {
      auto edited = set_default_name(outcome.path, base, request.name);
      if (!edited) return edited.error();
      *after = std::move(*edited);
    } else {
      std::string text;
      if (exists(outcome.default_path)) {
        auto read = read_text(outcome.default_path);
        if (!read) return read.error();
        text = std::move(*read);
        config_before = text;
      }
      auto edited = set_default_name(outcome.default_path, text, request.name);
      if (!edited) return edited.error();
      config_after = std::move(*edited);
    }
    if (const auto chosen = env.get("SNOWFLAKE_DEFAULT_CONNECTION_NAME");
        chosen && !chosen->empty() && *chosen != request.name) {
      outcome.notes.push_back("SNOWFLAKE_DEFAULT_CONNECTION_NAME=" + *chosen +
                              " is set and wins over default_connection_name; unset it to use \"" +
                              request.name + "\" by default");
    }
  }

  // Write, then read back with the loader; put the old text back if it does not hold.
  if (auto status = write_atomically(outcome.path, *after, mode_for(outcome.path)); !status.ok()) {
    return status.error();
  }
  if (!outcome.default_path.empty() && outcome.default_path != outcome.path) {
    if (auto status =
            write_atomically(outcome.default_path, config_after, mode_for(outcome.default_path));
        !status.ok()) {
      return status.error();
    }
  }
  auto restore = [&](const std::string& why) -> Error {
    if (outcome.created_file) {
      ::unlink(outcome.path.c_str());
    } else {
      (void)write_atomically(outcome.path, before, mode_for(outcome.path));
    }
    if (config_before) {
      (void)write_atomically(outcome.default_path, *config_before, mode_for(outcome.default_path));
    } else if (!outcome.default_path.empty() && outcome.default_path != outcome.path) {
      ::unlink(outcome.default_path.c_str());
    }
    return config_error("the edited configuration did not read back as expected (" + why +
                        "); the files were left as they were");
  };
  auto check = load_config_files(env, std::nullopt);
  if (!check) return restore(check.error().what());
  const ConnectionSection* written = check->find(request.name);
  if (written == nullptr || written->origin.find(outcome.path) != 0) {
    return restore("connection \"" + request.name + "\" is not found in " + outcome.path);
  }
  for (const auto& entry : request.entries) {
    const auto it = std::find_if(written->entries.begin(), written->entries.end(),
                                 [&](const auto& e) { return e.first == entry.key; });
    if (it == written->entries.end() || it->second.text != entry.value) {
      return restore("key " + entry.key + " does not read back");
    }
  }
  if (request.make_default && check->default_connection_name != request.name) {
    return restore("default_connection_name does not read back");
  }
  return outcome;
}

}  // namespace sfq::config
