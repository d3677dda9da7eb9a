// psql_commands.hpp — psql's backslash meta-commands, as sfq understands them.
//
// People who use psql type `\x`, `\timing`, `\dt` or `\d name` without thinking. In a script
// or the REPL a line that starts with `\` while no statement is in progress (the splitter
// treats it like a `!` command line) is one of these, translated here into what sfq does
// instead: one of its own client commands, or the Snowflake statement that answers the same
// question. A backslash command sfq does not know is refused with the list of those it does;
// it never reaches the server (no Snowflake statement starts with `\`).
//
//   \q                      !quit
//   \? \h                   !help
//   \x [on|off|auto]        !set expanded=… (alone: on, or off when it is on)
//   \timing [on|off]        !set timing=… (alone: the other one)
//   \i FILE, \include FILE  !source FILE
//   \o FILE, \o             !spool FILE, !spool off
//   \echo TEXT              !print TEXT
//   \d                      SHOW OBJECTS (tables and views of the current schema)
//   \d NAME                 DESCRIBE TABLE NAME
//   \dt \dv \dn \l [PATTERN]  SHOW TABLES / VIEWS / SCHEMAS / DATABASES [LIKE 'PATTERN'],
//                           psql's * and ? as SQL's % and _
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

/// What the meta-command `line` (starting with its backslash, trimmed) means in sfq.
/// `expanded_on` and `timing_on` are the current settings (`\x` and `\timing` alone toggle).
[[nodiscard]] MetaCommand translate_psql_command(std::string_view line, bool expanded_on,
                                                 bool timing_on);

}  // namespace sfq::cli
