// meta_commands.cpp — see meta_commands.hpp.
#include "cli/meta_commands.hpp"

#include <array>
#include <optional>
#include <utility>

#include "util/text.hpp"

namespace sfq::cli {
namespace {

constexpr std::string_view kKnownPsql =
    "\\q \\? \\x \\timing \\i \\o \\echo \\c \\conninfo \\d \\dt \\dv \\dn \\l";
// What psql's \conninfo (and \c alone) tells: who and where the session is.
constexpr std::string_view kConnectionInfo =
    "SELECT CURRENT_ACCOUNT(), CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), "
    "CURRENT_DATABASE(), CURRENT_SCHEMA()";
constexpr std::string_view kKnownDuckdb =
    ".quit .exit .help .timer .read .output .print .mode .headers .nullvalue .maxrows .tables";

MetaCommand command(std::string text) { return {MetaCommand::Kind::command, std::move(text), {}}; }
MetaCommand statement(std::string text) {
  return {MetaCommand::Kind::statement, std::move(text), {}};
}
MetaCommand refuse(std::string text) { return {MetaCommand::Kind::unknown, std::move(text), {}}; }

// A pattern as the quoted operand of SHOW … LIKE, the literal's quote and backslash escaped;
// `globs`: psql's * and ? become % and _.
std::string like_clause(std::string_view pattern, bool globs) {
  if (pattern.empty()) return "";
  std::string out = " LIKE '";
  for (const char c : pattern) {
    if (globs && c == '*') {
      out += '%';
    } else if (globs && c == '?') {
      out += '_';
    } else if (c == '\'' || c == '\\') {
      out += c;
      out += c;
    } else {
      out += c;
    }
  }
  return out + "'";
}

// An on/off setting. `command_name` as typed, for the error; `subject`: how psql names the
// setting in its note ("Expanded display", "Timing"). `current`: the setting now, when the
// command alone toggles it; none when it needs a value.
MetaCommand switch_setting(std::string_view command_name, std::string_view setting,
                           std::string_view subject, std::string_view argument,
                           std::optional<bool> current, bool allows_auto) {
  std::string value = util::lower(argument);
  if (value.empty() && current) value = *current ? "off" : "on";
  if (value == "on" || value == "off" || (allows_auto && value == "auto")) {
    MetaCommand done = command("set " + std::string(setting) + "=" + value);
    if (!subject.empty()) {
      done.note = std::string(subject) +
                  (value == "auto" ? " is used automatically." : " is " + value + ".");
    }
    return done;
  }
  return refuse(std::string(command_name) + " takes on or off" + (allows_auto ? " or auto" : "") +
                (argument.empty() ? std::string() : ", not " + std::string(argument)));
}

// The name after the `\` or `.`, and what follows it.
std::pair<std::string, std::string_view> split_command(std::string_view line) {
  line.remove_prefix(1);
  const auto space = line.find_first_of(" \t");
  std::string name(line.substr(0, space));
  const std::string_view argument =
      space == std::string_view::npos ? std::string_view() : util::trim(line.substr(space));
  return {std::move(name), argument};
}

MetaCommand translate_psql(std::string_view line, bool expanded_on, bool timing_on) {
  auto [name, argument] = split_command(line);
  if (name.size() > 1 && name.back() == '+') name.pop_back();  // psql's "more detail": the same
  const std::string typed = "\\" + name;
  if (name == "q") return command("quit");
  if (name == "?" || name == "h") return command("help");
  if (name == "x") {
    return switch_setting(typed, "expanded", "Expanded display", argument, expanded_on, true);
  }
  if (name == "timing") {
    return switch_setting(typed, "timing", "Timing", argument, timing_on, false);
  }
  if (name == "i" || name == "include") {
    if (argument.empty()) return refuse(typed + " needs a file name");
    return command("source " + std::string(argument));
  }
  if (name == "o" || name == "out") {
    return command(argument.empty() ? "spool off" : "spool " + std::string(argument));
  }
  if (name == "echo") return command("print " + std::string(argument));
  if (name == "conninfo") return statement(std::string(kConnectionInfo));
  if (name == "c" || name == "connect") {
    if (argument.empty()) return statement(std::string(kConnectionInfo));
    // One name, quoted or not: psql's user, host and port make another connection here.
    const bool quoted = argument.size() >= 2 && argument.front() == '"' && argument.back() == '"';
    if (!quoted && argument.find_first_of(" \t") != std::string_view::npos) {
      return refuse(typed + " takes one database name (as USE DATABASE); another user or host " +
                    "is another connection: !connect NAME");
    }
    return statement("USE DATABASE " + std::string(argument));
  }
  if (name == "d") {
    return argument.empty() ? statement("SHOW OBJECTS")
                            : statement("DESCRIBE TABLE " + std::string(argument));
  }
  if (name == "dt") return statement("SHOW TABLES" + like_clause(argument, true));
  if (name == "dv") return statement("SHOW VIEWS" + like_clause(argument, true));
  if (name == "dn") return statement("SHOW SCHEMAS" + like_clause(argument, true));
  if (name == "l" || name == "list") {
    return statement("SHOW DATABASES" + like_clause(argument, true));
  }
  return refuse("unknown command " + typed + ": sfq's own commands start with ! (!help); of " +
                "psql's, " + std::string(kKnownPsql) + " work too");
}

// duckdb's (and sqlite3's) output modes, as sfq's formats.
std::optional<std::string_view> format_for_mode(std::string_view mode) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kModes = {{
      {"box", "table"},
      {"duckbox", "table"},
      {"table", "table"},
      {"column", "table"},
      {"csv", "csv"},
      {"tabs", "tsv"},
      {"json", "json"},
      {"jsonlines", "jsonl"},
      {"ndjson", "jsonl"},
      {"markdown", "markdown"},
      {"line", "vertical"},
  }};
  for (const auto& [name, format] : kModes) {
    if (name == mode) return format;
  }
  return std::nullopt;
}

MetaCommand translate_duckdb(std::string_view line) {
  const auto [name, argument] = split_command(line);
  const std::string typed = "." + name;
  if (name == "quit" || name == "exit" || name == "q") return command("quit");
  if (name == "help") return command("help");
  if (name == "timer") return switch_setting(typed, "timing", "", argument, std::nullopt, false);
  if (name == "headers" || name == "header") {
    return switch_setting(typed, "header", "", argument, std::nullopt, false);
  }
  if (name == "read") {
    if (argument.empty()) return refuse(typed + " needs a file name");
    return command("source " + std::string(argument));
  }
  if (name == "output") {
    return command(argument.empty() ? "spool off" : "spool " + std::string(argument));
  }
  if (name == "print") return command("print " + std::string(argument));
  if (name == "mode") {
    if (argument.empty()) return command("set");
    const std::string mode = util::lower(argument);
    if (const auto format = format_for_mode(mode)) {
      return command("set format=" + std::string(*format));
    }
    return refuse(".mode " + std::string(argument) +
                  " has no sfq format; sfq shows table (box, duckbox, table, column), csv, tabs, "
                  "json, jsonlines, markdown and line");
  }
  if (name == "nullvalue") return command("set null_display=" + std::string(argument));
  if (name == "maxrows") {
    if (argument.empty()) return refuse(typed + " needs a number");
    return command("set max_rows=" + std::string(argument));
  }
  if (name == "tables") return statement("SHOW TABLES" + like_clause(argument, false));
  return refuse("unknown command " + typed + ": sfq's own commands start with ! (!help); of " +
                "duckdb's, " + std::string(kKnownDuckdb) + " work too");
}

}  // namespace

MetaCommand translate_meta_command(std::string_view line, bool expanded_on, bool timing_on) {
  line = util::trim(line);
  if (line.starts_with('.')) return translate_duckdb(line);
  if (line.starts_with('\\')) return translate_psql(line, expanded_on, timing_on);
  return refuse("not a meta-command: " + std::string(line));
}

}  // namespace sfq::cli
