// settings.cpp — see settings.hpp.
#include "cli/settings.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sfq::cli {
namespace {

using util::lower;

using util::trim;

std::optional<bool> parse_bool(std::string_view text) {
  const std::string v = lower(text);
  if (v == "true" || v == "on" || v == "yes" || v == "1") return true;
  if (v == "false" || v == "off" || v == "no" || v == "0") return false;
  return std::nullopt;
}

std::string bad_value(std::string_view name, std::string_view value, std::string_view accepts) {
  return "setting " + std::string(name) + "=" + std::string(value) + " is not valid; " +
         std::string(name) + " accepts " + std::string(accepts);
}

}  // namespace

std::optional<std::string> Settings::apply(std::string_view raw_name, std::string_view raw_value) {
  const std::string name = lower(trim(raw_name));
  const std::string_view value = trim(raw_value);
  auto boolean = [&](bool& target, bool invert) -> std::optional<std::string> {
    const auto parsed = parse_bool(value);
    if (!parsed) return bad_value(name, value, "true or false");
    target = invert ? !*parsed : *parsed;
    return std::nullopt;
  };
  if (name == "format" || name == "output_format") {
    const auto parsed = parse_output_format(lower(value));
    if (!parsed) return bad_value(name, value, output_format_names());
    format = *parsed;
    return std::nullopt;
  }
  if (name == "null_display") {
    null_display = std::string(raw_value);  // blanks may be what the user wants to see
    return std::nullopt;
  }
  if (name == "header") return boolean(header, false);
  if (name == "progress") return boolean(progress, false);
  if (name == "timing") return boolean(timing, false);
  if (name == "continue_on_error") return boolean(continue_on_error, false);
  if (name == "exit_on_error") return boolean(continue_on_error, true);
  if (name == "max_rows") {
    std::size_t rows = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, rows);
    if (value.empty() || ec != std::errc() || ptr != end) {
      return bad_value(name, value, "a whole number (0 = all rows)");
    }
    max_rows = rows;
    return std::nullopt;
  }
  if (name == "expanded") {
    const std::string v = lower(value);
    if (v == "auto") {
      expanded = Expanded::automatic;
    } else if (const auto parsed = parse_bool(v)) {
      expanded = *parsed ? Expanded::on : Expanded::off;
    } else {
      return bad_value(name, value, "on, off or auto");
    }
    return std::nullopt;
  }
  if (name == "box") {
    const std::string v = lower(value);
    if (v == "ascii") {
      box = BoxLines::ascii;
    } else if (v == "unicode") {
      box = BoxLines::unicode;
    } else {
      return bad_value(name, value, "unicode or ascii");
    }
    return std::nullopt;
  }
  if (name == "friendly") return boolean(friendly, false);
  if (name == "quiet") {
    bool quiet = false;
    if (auto error = boolean(quiet, false)) return error;
    friendly = !quiet;
    progress = !quiet;
    timing = !quiet;
    return std::nullopt;
  }
  if (name == "pager") {
    pager = lower(value) == "off" ? std::string() : std::string(value);
    return std::nullopt;
  }
  return "unknown setting `" + name +
         "`; the settings are format, null_display, header, max_rows, progress, pager, timing, "
         "continue_on_error, expanded, box, friendly, quiet";
}

std::optional<std::string> Settings::apply(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return "`" + std::string(assignment) + "` is not NAME=VALUE";
  }
  return apply(assignment.substr(0, eq), assignment.substr(eq + 1));
}

std::optional<std::string> Settings::apply_all(const std::map<std::string, std::string>& values,
                                               std::string_view origin) {
  for (const auto& [name, value] : values) {
    if (auto error = apply(name, value)) return std::string(origin) + ": " + *error;
  }
  return std::nullopt;
}

std::string Settings::describe() const {
  std::string out;
  out += "format = " + std::string(to_string(format)) + "\n";
  out +=
      "null_display = " + (null_display ? "\"" + *null_display + "\"" : "(format default)") + "\n";
  out += std::string("header = ") + (header ? "true" : "false") + "\n";
  out += "max_rows = " + std::to_string(max_rows) + "\n";
  out += std::string("progress = ") + (progress ? "true" : "false") + "\n";
  out += "pager = " + (pager ? (pager->empty() ? "off" : *pager) : "(from the environment)") + "\n";
  out += std::string("timing = ") + (timing ? "true" : "false") + "\n";
  out += std::string("continue_on_error = ") + (continue_on_error ? "true" : "false") + "\n";
  out += std::string("expanded = ") +
         (expanded == Expanded::on    ? "on"
          : expanded == Expanded::off ? "off"
                                      : "auto") +
         "\n";
  out += std::string("box = ") +
         (box ? (*box == BoxLines::ascii ? "ascii" : "unicode") : "(from the locale)") + "\n";
  out += std::string("friendly = ") + (friendly ? "true" : "false") + "\n";
  return out;
}

}  // namespace sfq::cli
