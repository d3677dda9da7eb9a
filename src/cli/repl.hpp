// repl.hpp — the interactive session (stdin is a terminal and no -q/-f was given), on libedit.
//
//   - Input accumulates over lines until a statement is complete (`;` outside quotes, comments
//     and $$ bodies — the same splitter as scripts); the continuation prompt says so. Client
//     commands (!help, !set, !source, ...) take one line.
//   - History: one entry per completed input, saved after every entry (so a crash or a closed
//     terminal loses nothing) to $SFQ_HISTORY, else $XDG_STATE_HOME/sfq/history, else
//     ~/.local/state/sfq/history, created with mode 0600 (queries may hold secrets). An empty
//     SFQ_HISTORY turns history off.
//   - Ctrl-C at the prompt clears the input (the terminal's signal keys are off while editing,
//     so ^C arrives as a key); Ctrl-C while a statement runs cancels it on the server and
//     returns to the prompt; Ctrl-D on an empty line leaves, as do \q, exit and quit; help
//     shows the commands. Ctrl-Z suspends sfq (the terminal is restored first).
//   - The prompt shows where statements run: `ROLE@WAREHOUSE DATABASE.SCHEMA> ` (what is
//     known of it; `sfq> ` when nothing is), with `[N]` while !begin gathers N statements.
//   - Tab completes SQL keywords, !commands, and database, schema, table and view names, which
//     are asked of the server on first use and then cached for the session.
//
// Thread safety: runs on the main thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/interrupts.hpp"
#include "cli/runner.hpp"

namespace sfq::cli {

/// The history file per the rules above; nullopt when history is off or there is no home.
[[nodiscard]] std::optional<std::string> history_path();

/// Completions of `word` (the text before the cursor back to a blank; `line` is everything
/// before the cursor): keywords, !commands and, through `names`, object names. Candidates
/// keep the letter case of what was typed.
[[nodiscard]] std::vector<std::string> completions(
    const std::string& line, const std::string& word,
    const std::function<std::vector<std::string>(const std::string& qualifier)>& names);

/// Runs the REPL until !exit or Ctrl-D; returns the exit status (0).
int run_repl(Runner& runner, InterruptWatcher& interrupts, const std::string& banner);

}  // namespace sfq::cli
