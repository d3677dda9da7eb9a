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
// The session lives here (session_state.hpp): USE, ALTER SESSION and SET are checked on the
// server in a request of their own and then sent with every later statement; BEGIN and COMMIT
// alone get a message saying how to run a transaction instead: `!begin` … `!commit` (or
// --single-request for a whole script) gathers statements and sends them as one
// multi-statement request, whose results are shown in order.
//
// Ctrl-C (or SIGTERM, SIGHUP) while a statement runs cancels it (Query::cancel, which also
// cancels it on the server) and waits for the outcome, which it prints: cancelled on the server,
// not sent, already finished, or not confirmed (the statement may still run). A second Ctrl-C
// leaves at once. Batch mode then stops with 128 + the signal (130 for Ctrl-C), or 4 when the
// cancel was not confirmed; the REPL returns to its prompt.
//
// Thread safety: the main thread drives a Runner; the interrupt watcher only cancels queries.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/interrupts.hpp"
#include "cli/session.hpp"
#include "cli/session_state.hpp"
#include "cli/settings.hpp"
#include "cli/splitter.hpp"
#include "cli/terminal.hpp"
#include "cli/variables.hpp"
#include "cli/writers.hpp"
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

  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;
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
  /// The cap of one statement's text (splitter.hpp); a longer one is refused and skipped.
  void set_max_statement_bytes(std::size_t bytes) noexcept { max_statement_bytes_ = bytes; }
  [[nodiscard]] std::size_t max_statement_bytes() const noexcept { return max_statement_bytes_; }
  /// Names the SQL that follows in error messages ("" for -q and the REPL).
  void set_origin(std::string origin) { origin_ = std::move(origin); }

  /// --single-request: gather every statement from now on; flush_batch() sends them.
  void begin_batch(bool transaction);
  /// Sends the gathered statements as one request (wrapped in BEGIN … COMMIT for !begin).
  Flow flush_batch();
  /// Statements gathered by !begin or --single-request and not sent yet, or nullopt.
  [[nodiscard]] std::optional<std::size_t> batch_size() const noexcept {
    if (!batch_) return std::nullopt;
    return batch_->size();
  }
  /// Where statements run, for the prompt: "ROLE@WAREHOUSE DATABASE.SCHEMA", or "".
  [[nodiscard]] std::string where() const { return state_.where(); }

  /// Names for Tab completion, asked of the server once per qualifier and cached: with no
  /// qualifier the databases and the objects of the current schema; with `DB` the schemas of
  /// DB and the objects of schema DB of the current database; with `DB.SCHEMA` its objects.
  /// Empty when the server cannot say.
  [[nodiscard]] std::vector<std::string> object_names(const std::string& qualifier);

  /// The exit status so far: 0, or the first failure's (130 etc. after an interrupt).
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }
  [[nodiscard]] Session* session() noexcept { return session_.get(); }

 private:
  Flow run_statement(const std::string& text);
  /// Runs `statements` as one request (after the replayed session statements) and shows the
  /// results of those numbered in `shown`. With `context`, reads CURRENT_DATABASE() & co. from
  /// the last statement into the session.
  Flow run_request(const std::vector<std::string>& statements,
                   const std::vector<std::size_t>& shown, bool context);
  /// Writes one result (metadata, batches, footer); `elapsed` accumulates statement time.
  Flow show_result(Query& query, std::chrono::steady_clock::duration& elapsed, bool footer_time,
                   std::atomic<int>& signal_number, std::atomic<bool>& paging);
  Flow run_session_statement(const std::string& sql, const SessionStatement& kind);
  Flow run_command(const std::string& line);
  /// A statement or command longer than max_statement_bytes_: one failure, nothing run.
  Flow refuse_too_long(const ScriptItem& item);
  /// Records a failure and prints `message` as one line; the flow depends on the mode.
  Flow fail(int code, std::string_view message);
  Flow fail(const Error& error);
  /// "FILE:LINE: " of the item running, for script errors ("" in the REPL and for -q).
  [[nodiscard]] std::string location() const;
  /// After Ctrl-C (or SIGTERM/SIGHUP): waits for the cancel's outcome and says it; 128 +
  /// signal when the statement is known not to run any more, 4 when the cancel was not
  /// confirmed.
  Flow interrupted(int signal_number, Query& query, std::string query_id);
  void footer(std::uint64_t rows, bool truncated,
              std::optional<std::chrono::steady_clock::duration> elapsed,
              const std::string& query_id);
  [[nodiscard]] WriterOptions writer_options_for(bool terminal) const;
  /// Opens `name` and checks it with the context query; the session on success.
  Result<std::unique_ptr<Session>> open_checked(const std::string& name);
  void close_spool();

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
  SessionState state_;
  bool last_ok_ = false;  // the last run_request/show_result succeeded
  // !spool FILE: results go to this file instead of standard output.
  int spool_fd_ = -1;
  std::string spool_path_;
  std::optional<FdSink> spool_;
  std::map<std::string, std::vector<std::string>> name_cache_;  // SHOW statement -> names
  [[nodiscard]] const std::vector<std::string>& names_of(const std::string& show);
  std::optional<std::vector<std::string>> batch_;
  bool batch_transaction_ = false;
  // Where the running item comes from, for error messages.
  std::string origin_;
  std::size_t line_ = 0;
  std::size_t statement_number_ = 0;
  bool in_command_ = false;       // the item running is a !command, not a statement
  bool vertical_result_ = false;  // the statement running ended with \G
  std::size_t max_statement_bytes_ = kDefaultMaxStatementBytes;
};

/// The REPL's !help text.
[[nodiscard]] std::string_view command_help();

}  // namespace sfq::cli
