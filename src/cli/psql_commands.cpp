// psql_commands.cpp — see psql_commands.hpp.
#include "cli/psql_commands.hpp"

#include "util/text.hpp"

namespace sfq::cli {
namespace {

constexpr std::string_view kKnown = "\\q \\? \\x \\timing \\i \\o \\echo \\d \\dt \\dv \\dn \\l";

// A psql pattern as the quoted operand of SHOW … LIKE: * and ? become % and _, and the
// literal's quote and backslash are escaped.
std::string like_clause(std::string_view pattern) {
  if (pattern.empty()) return "";
  std::string out = " LIKE '";
  for (const char c : pattern) {
    if (c == '*') {
      out += '%';
    } else if (c == '?') {
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

MetaCommand command(std::string text) { return {MetaCommand::Kind::command, std::move(text), {}}; }
MetaCommand statement(std::string text) {
  return {MetaCommand::Kind::statement, std::move(text), {}};
}
MetaCommand refuse(std::string text) { return {MetaCommand::Kind::unknown, std::move(text), {}}; }

// `\x` and `\timing`: an explicit on/off (auto for \x), or the other state when alone.
// `subject`: how psql names the setting in its note ("Expanded display", "Timing").
MetaCommand toggle(std::string_view name, std::string_view setting, std::string_view subject,
                   std::string_view argument, bool on, bool allows_auto) {
  std::string value = util::lower(argument);
  if (value.empty()) value = on ? "off" : "on";
  if (value == "on" || value == "off" || (allows_auto && value == "auto")) {
    MetaCommand done = command("set " + std::string(setting) + "=" + value);
    done.note =
        std::string(subject) + (value == "auto" ? " is used automatically." : " is " + value + ".");
    return done;
  }
  return refuse("\\" + std::string(name) + " takes on or off" + (allows_auto ? " or auto" : "") +
                ", not " + std::string(argument));
}

}  // namespace

MetaCommand translate_psql_command(std::string_view line, bool expanded_on, bool timing_on) {
  line = util::trim(line);
  if (line.starts_with('\\')) line.remove_prefix(1);
  const auto space = line.find_first_of(" \t");
  std::string name(line.substr(0, space));
  if (name.size() > 1 && name.back() == '+') name.pop_back();  // psql's "more detail": the same
  const std::string_view argument =
      space == std::string_view::npos ? std::string_view() : util::trim(line.substr(space));

  if (name == "q") return command("quit");
  if (name == "?" || name == "h") return command("help");
  if (name == "x") return toggle(name, "expanded", "Expanded display", argument, expanded_on, true);
  if (name == "timing") return toggle(name, "timing", "Timing", argument, timing_on, false);
  if (name == "i" || name == "include") {
    if (argument.empty()) return refuse("\\" + name + " needs a file name");
    return command("source " + std::string(argument));
  }
  if (name == "o" || name == "out") {
    return command(argument.empty() ? "spool off" : "spool " + std::string(argument));
  }
  if (name == "echo") return command("print " + std::string(argument));
  if (name == "d") {
    return argument.empty() ? statement("SHOW OBJECTS")
                            : statement("DESCRIBE TABLE " + std::string(argument));
  }
  if (name == "dt") return statement("SHOW TABLES" + like_clause(argument));
  if (name == "dv") return statement("SHOW VIEWS" + like_clause(argument));
  if (name == "dn") return statement("SHOW SCHEMAS" + like_clause(argument));
  if (name == "l" || name == "list") return statement("SHOW DATABASES" + like_clause(argument));
  return refuse("unknown command \\" + name +
                ": sfq's own commands start with ! (!help); of psql's, " + std::string(kKnown) +
                " work too");
}

}  // namespace sfq::cli
