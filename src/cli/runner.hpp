// runner.hpp — runs scripts: statements one at a time, in order, and the client commands
// (!set, !source, !connect, ...), for -q, -f, standard input and the REPL alike.
//
// For each statement: variables are substituted, the statement is submitted, a progress line
// runs on a terminal's stderr, the result streams batch by batch through the chosen writer
// (and the pager on a terminal), and a footer `N rows · 0.42 s · <query id>` follows on a
// terminal's stderr. Errors are one line on stderr — `sfq: error: <message> (code …, SQLSTATE
// …, query id …)` — and map to exit codes (exit_codes.hpp). A script stops at the first failure
// unless continue_on_error is set; the REPL always goes on.
//
// Ctrl-C while a statement runs cancels it (Query::cancel, which also cancels it on the
// server); a second Ctrl-C leaves at once. Batch mode then stops with 130, the REPL returns to
// its prompt.
//
// Thread safety: the main thread drives a Runner; the interrupt watcher only cancels queries.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cli/exit_codes.hpp"
#include "cli/interrupts.hpp"
#include "cli/session.hpp"
#include "cli/settings.hpp"
#include "cli/splitter.hpp"
#include "cli/terminal.hpp"
#include "cli/variables.hpp"
#include "sfq/error.hpp"

namespace sfq::cli {

class Runner {
 public:
  /// Opens the named connection for !connect, or says why it cannot; empty under --mock, which
  /// has no other connection.
  using ConnectFunction = std::function<Result<std::unique_ptr<Session>>(const std::string& name)>;

  enum class Flow : std::uint8_t {
    next,  ///< go on with the next item
    stop,  ///< stop the script (a failure, an interrupt, a closed output)
    quit,  ///< !exit
  };

  Runner(std::unique_ptr<Session> session, Settings& settings, Variables& variables,
         InterruptWatcher& interrupts, const TerminalInfo& terminal, bool interactive,
         ConnectFunction connect);

  /// One statement or client command.
  Flow run_item(const ScriptItem& item);
  /// SQL text given whole (-q).
  Flow run_text(std::string_view text);
  /// SQL read from a file descriptor as it arrives (-f, stdin, !source): each statement runs
  /// as soon as its `;` has been read.
  Flow run_fd(int fd);
  /// -f FILE ("-" = standard input).
  Flow run_file(const std::string& path);

  /// The exit status so far: 0, or the first failure's (130 etc. after an interrupt).
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }
  [[nodiscard]] Session* session() noexcept { return session_.get(); }

 private:
  Flow run_statement(const std::string& text);
  Flow run_command(const std::string& line);
  /// Records a failure and prints `message` as one line; the flow depends on the mode.
  Flow fail(int code, std::string_view message);
  Flow fail(const Error& error);
  Flow interrupted(int signal_number, const std::string& query_id);
  void footer(std::uint64_t rows, bool truncated, std::chrono::steady_clock::duration elapsed,
              const std::string& query_id);

  std::unique_ptr<Session> session_;
  Settings& settings_;
  Variables& variables_;
  InterruptWatcher& interrupts_;
  TerminalInfo terminal_;
  bool interactive_;
  ConnectFunction connect_;
  int exit_code_ = 0;
  bool server_answered_ = false;
  std::size_t results_written_ = 0;
  int source_depth_ = 0;
};

/// The REPL's !help text.
[[nodiscard]] std::string_view command_help();

}  // namespace sfq::cli
