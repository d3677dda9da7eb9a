// meta_commands.hpp — the client commands of psql (`\x`) and of duckdb and sqlite3 (`.mode`),
// as sfq understands them.
//
// People who come from those shells type their commands without thinking. In a script or the
// REPL a line that starts with `\` or `.` while no statement is in progress (the splitter
// treats it like a `!` command line; no Snowflake statement starts with either) is one of
// these, translated here into what sfq does instead: one of its own client commands, or the
// Snowflake statement that answers the same question. One sfq does not know is refused with
// the list of those it does, and never reaches the server.
//
//   psql                        duckdb, sqlite3           sfq
//   \q                          .quit .exit               !quit
//   \? \h                       .help                     !help
//   \x [on|off|auto]                                      !set expanded=… (alone: on, or off
//                                                         when it is on)
//   \timing [on|off]            .timer on|off             !set timing=… (\timing alone: the
//                                                         other one)
//   \i FILE, \include FILE      .read FILE                !source FILE
//   \o FILE, \o                 .output FILE, .output     !spool FILE, !spool off
//   \echo TEXT                  .print TEXT               !print TEXT
//                               .mode MODE                !set format=… (box, duckbox, table
//                                                         → table; line → vertical; tabs →
//                                                         tsv; jsonlines, ndjson → jsonl; csv,
//                                                         json, markdown as they are)
//                               .headers on|off           !set header=…
//                               .nullvalue TEXT           !set null_display=TEXT
//                               .maxrows N                !set max_rows=N
//   \d                                                    SHOW OBJECTS
//   \d NAME                                               DESCRIBE TABLE NAME
//   \dt [PATTERN]               .tables [PATTERN]         SHOW TABLES [LIKE 'PATTERN']
//   \dv \dn \l [PATTERN]                                  SHOW VIEWS / SCHEMAS / DATABASES …
//
// psql's patterns take * and ? (as SQL's % and _); duckdb's take LIKE's own % and _.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sfq::cli {

struct MetaCommand {
  enum class Kind : unsigned char {
    command,    ///< `text`: an sfq client command line, without its `!`
    statement,  ///< `text`: a SQL statement to run
    unknown,    ///< `text`: the error to report
  };
  Kind kind = Kind::unknown;
  std::string text;
  /// What psql says on a terminal once it is done ("Expanded display is on."), or "".
  std::string note;
};

/// What the command `line` (starting with its `\` or `.`, trimmed) means in sfq.
/// `expanded_on` and `timing_on` are the current settings (`\x` and `\timing` alone toggle).
[[nodiscard]] MetaCommand translate_meta_command(std::string_view line, bool expanded_on,
                                                 bool timing_on);

}  // namespace sfq::cli
