// settings.hpp — the display and behaviour settings of a run, which `[sfq]` in config.toml,
// flags, `-o NAME=VALUE` and the REPL's `!set NAME=VALUE` change, in that order of precedence
// (later wins).
//
//   format             table | csv | tsv | json | jsonl | markdown | vertical (alias
//                      output_format, SnowSQL's name)
//   null_display       text shown for NULL (default: NULL in table/markdown/vertical, an empty
//                      field in csv, \N in tsv, null in json)
//   header             true | false — column names first
//   max_rows           0 = all; N = print at most N rows of each result, then stop fetching it
//   progress           true | false — the progress line on a terminal's stderr
//   pager              the pager command; "" or "off" = none; unset = $SFQ_PAGER, $PAGER,
//                      then `less -SRFX`
//   timing             true | false — the `N rows · 0.42 s · query id` footer on a terminal
//   continue_on_error  true | false (alias exit_on_error, inverted: SnowSQL's name)
//   expanded           off | on | auto — vertical records instead of a table (auto: when the
//                      table does not fit the terminal)
//   box                unicode | ascii — the table's lines (unset: unicode in a UTF-8 locale)
//   friendly           true | false — the interactive session's banner (SnowSQL's name)
//   quiet              true | false — no banner, progress line or footer (SnowSQL's name)
//
// Thread safety: a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/writers.hpp"

namespace sfq::cli {

enum class Expanded : std::uint8_t { off, on, automatic };
enum class BoxLines : std::uint8_t { unicode, ascii };

struct Settings {
  OutputFormat format = OutputFormat::table;
  std::optional<std::string> null_display;
  bool header = true;
  std::size_t max_rows = 0;
  bool progress = true;
  std::optional<std::string> pager;  ///< unset: from the environment
  bool timing = true;
  bool continue_on_error = false;
  Expanded expanded = Expanded::off;
  std::optional<BoxLines> box;  ///< unset: from the locale
  bool friendly = true;

  /// Applies one NAME=VALUE; returns an error message naming the accepted values otherwise.
  [[nodiscard]] std::optional<std::string> apply(std::string_view name, std::string_view value);
  /// Applies "NAME=VALUE".
  [[nodiscard]] std::optional<std::string> apply(std::string_view assignment);
  /// Applies every entry of a map (config.toml's [sfq] table), stopping at the first error,
  /// which is prefixed with `origin`.
  [[nodiscard]] std::optional<std::string> apply_all(
      const std::map<std::string, std::string>& values, std::string_view origin);

  /// One `name = value` line per setting, for !set without arguments.
  [[nodiscard]] std::string describe() const;
};

}  // namespace sfq::cli
