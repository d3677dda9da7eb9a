// runner.cpp — see runner.hpp.
#include "cli/runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/meta_commands.hpp"
#include "cli/progress.hpp"
#include "cli/result_feed.hpp"
#include "cli/writers.hpp"
#include "sfq/format.hpp"
#include "sfq/log.hpp"
#include "sfq/names.hpp"
#include "util/text.hpp"

namespace sfq::cli {
namespace {

// !source may include files that include files; a cycle must end somewhere.
constexpr int kMaxSourceDepth = 16;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
// How long Ctrl-C waits for the server to confirm a cancel (the library retries it for 30 s).
constexpr std::chrono::seconds kCancelWait{35};

void print_error_line(std::string_view text) {
  std::string line(text);
  line += '\n';
  try {
    write_all(STDERR_FILENO, line);
  } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
  }
}

using util::lower;

using util::trim;

// Asked in the same request as a USE (and the other session statements): where the session is
// now, as the server resolved the names.
constexpr std::string_view kContextQuery =
    "SELECT CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_DATABASE(), CURRENT_SCHEMA()";

// The query Ctrl-C cancels: the request, then each result being read. A query set after the
// Ctrl-C (it came while the statement was being submitted) is cancelled at once.
class CurrentQuery {
 public:
  void set(const Query& query) {
    std::lock_guard lock(mutex_);
    query_ = query;
    if (cancelled_ && query_.valid()) query_.cancel();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (query_.valid()) query_.cancel();
  }

 private:
  std::mutex mutex_;
  Query query_;
  bool cancelled_ = false;
};

// The server reports a failure inside a multi-statement request wrapped in the error of the
// procedure that runs them: `JavaScript execution error: Uncaught Execution of multiple
// statements failed on statement "…" (at line N, position P). <the error> in SYSTEM$MULTISTMT
// at '…' position 4 stackstrace: …`. The procedure's part is noise; when the request held only
// replayed session statements and the user's one statement, where it failed is noise too.
Error unwrap_multi_statement_error(const Error& error, bool only_error) {
  std::string message = error.message();
  if (const auto tail = message.find(" in SYSTEM$MULTISTMT"); tail != std::string::npos) {
    message.erase(tail);
  }
  constexpr std::string_view kWrapper = "JavaScript execution error: Uncaught ";
  if (message.rfind(kWrapper, 0) == 0) message.erase(0, kWrapper.size());
  if (only_error) {
    if (const auto at = message.find(").");
        at != std::string::npos && message.rfind("Execution of multiple", 0) == 0) {
      std::size_t from = at + 2;
      while (from < message.size() && util::is_space(message[from])) ++from;
      message.erase(0, from);
    }
  }
  if (message == error.message()) return error;
  ErrorInfo info = error.info();
  info.message = std::move(message);
  return Error(std::move(info));
}

// A UTF-8 byte order mark at the start of a script is no SQL.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string_view command_help() {
  return R"(Statements end with ';' (or \G: that result as vertical records) and may span lines.
Client commands take one line:
  !set                     show the settings
  !set NAME=VALUE          format (table csv tsv json jsonl markdown vertical), null_display,
                           header, max_rows, progress, pager, timing, continue_on_error,
                           expanded (on off auto), box (unicode ascii)
  !define NAME=VALUE       define a variable for <% NAME %>, &{NAME} and &NAME
  !variables               list the variables
  !source FILE             run the statements of FILE (alias !load)
  !connect NAME            switch to another connection of connections.toml
  !begin ... !commit       gather statements and send them as one request, in a transaction
                           (!rollback drops them unsent)
  !spool FILE, !spool off  write results to FILE (appended) instead of the screen
  !abort QUERY_ID          cancel a statement by its query id
  !print TEXT              print TEXT
  !help                    this help
  !exit, !quit             leave (Ctrl-D, \q, exit and quit too)
psql's \x [on|off|auto], \timing [on|off], \i FILE, \o [FILE], \echo, \c DATABASE, \conninfo,
\d [NAME], \dt, \dv, \dn and \l [PATTERN] work too (as !set, !source, !spool, !print, USE,
SHOW and DESCRIBE), and so do duckdb's .mode, .timer, .headers, .nullvalue, .maxrows, .read,
.output, .print, .tables, .quit.
Tab completes keywords, !commands and database, schema and table names.
USE, ALTER SESSION and SET are kept by sfq and sent with every later statement.
Ctrl-C cancels the running statement on the server; at the prompt it clears the input.
)";
}

Runner::Runner(std::unique_ptr<Session> session, Settings& settings, Variables& variables,
               InterruptWatcher& interrupts, const TerminalInfo& terminal, bool interactive,
               ConnectFunction connect)
    : session_(std::move(session)),
      settings_(settings),
      variables_(variables),
      interrupts_(interrupts),
      terminal_(terminal),
      interactive_(interactive),
      connect_(std::move(connect)) {
  if (session_) {
    // The prompt shows the configured context from the start, as the server will resolve it:
    // `analytics` is ANALYTICS. A quoted name stays quoted, so that it is sent as written.
    auto as_resolved = [](const std::string& name) {
      return name.size() >= 2 && name.front() == '"' ? name : sfq::normalize_identifier(name);
    };
    const ConnectionOptions& o = session_->options();
    state_.database = as_resolved(o.database);
    state_.schema = as_resolved(o.schema);
    state_.warehouse = as_resolved(o.warehouse);
    state_.role = as_resolved(o.role);
  }
}

Runner::~Runner() { close_spool(); }

void Runner::close_spool() {
  spool_.reset();
  if (spool_fd_ >= 0) ::close(spool_fd_);
  spool_fd_ = -1;
  spool_path_.clear();
}

WriterOptions Runner::writer_options_for(bool terminal) const {
  WriterOptions options;
  options.format = settings_.format;
  options.null_display = settings_.null_display;
  options.header = settings_.header;
  options.max_width = terminal && terminal_.stdout_tty ? terminal_.columns : 0;
  options.color = terminal && terminal_.color;
  options.ascii = settings_.box ? *settings_.box == BoxLines::ascii : !terminal_.utf8;
  if (vertical_result_) options.format = OutputFormat::vertical;
  options.vertical = settings_.expanded == Expanded::on;
  options.auto_vertical = settings_.expanded == Expanded::automatic && options.max_width > 0;
  return options;
}

namespace {

// "cannot connect to HOST:PORT: connection refused (gave up after 5 attempts in 2.0 s); …"
std::string cannot_connect_message(std::string_view message, const ConnectionOptions& options) {
  const std::string host = options.host.empty() ? sfq::default_host(options.account) : options.host;
  const int port = options.port != 0 ? options.port : (options.protocol == "http" ? 80 : 443);
  std::string reason = short_failure(message);
  if (reason.empty()) {
    const auto detail = message.find("cannot connect: ");
    reason = detail == std::string_view::npos ? std::string(message)
                                              : std::string(message.substr(detail + 16));
  }
  std::string text = "cannot connect to " + host + ":" + std::to_string(port) + ": " + reason;
  // "gave up after N attempts in X s: ..."
  if (message.starts_with("gave up after ")) {
    const auto colon = message.find(':');
    text += " (" + std::string(message.substr(0, colon)) + ")";
  }
  return text +
         "; check the account, host and port (sfq config explain shows where they come "
         "from)";
}

}  // namespace

std::string Runner::location() const {
  if (origin_.empty()) return "";
  return origin_ + ":" + std::to_string(line_) + ": ";
}

Runner::Flow Runner::fail(int code, std::string_view message) {
  // Messages may carry text the server sent back, which must never show a credential.
  const std::string where = location();
  if (where.empty()) {
    print_error_line("sfq: error: " + one_line(redact(message)));
  } else {
    const std::string which =
        in_command_ ? std::string() : "statement " + std::to_string(statement_number_) + ": ";
    print_error_line("sfq: " + where + "error: " + which + one_line(redact(message)));
  }
  if (exit_code_ == 0) exit_code_ = code;
  if (interactive_ || settings_.continue_on_error) return Flow::next;
  return Flow::stop;
}

Runner::Flow Runner::fail(const Error& error) {
  if (!error.statement_handle().empty() || error.http_status() != 0) server_answered_ = true;
  const int code = exit_code_for(error, server_answered_);
  if (error.detail() == ErrorDetail::cannot_connect && session_) {
    return fail(code, cannot_connect_message(error.what(), session_->options()));
  }
  // The deadline may end a request attempt before its own timer fires: the message is then the
  // transport's, so name the deadline that caused it.
  if (code == kExitDeadline &&
      std::string_view(error.what()).find("total_timeout") == std::string_view::npos) {
    return fail(code,
                "the statement did not finish within its client-side deadline (total_timeout): " +
                    std::string(error.what()));
  }
  return fail(code, error.what());
}

Runner::Flow Runner::interrupted(int signal_number, Query& query, std::string query_id) {
  // The handler has asked for the cancel already; cancel() returns that same future. Its answer
  // is waited for (a second Ctrl-C leaves at once, from the handler) so that what is printed is
  // what happened on the server.
  const std::shared_future<CancelResult> pending = query.cancel();
  std::optional<CancelResult> result;
  if (pending.wait_for(std::chrono::seconds(1)) != std::future_status::ready &&
      terminal_.stderr_tty) {
    print_error_line("sfq: cancelling... (Ctrl-C again to leave without waiting)");
  }
  if (pending.wait_for(kCancelWait) == std::future_status::ready) result = pending.get();
  if (result && !result->statement_handle.empty()) query_id = result->statement_handle;
  const std::string id = query_id.empty() ? std::string() : " (query id " + query_id + ")";
  if (!result || result->outcome == CancelOutcome::not_confirmed) {
    std::string why = "no answer within " + std::to_string(kCancelWait.count()) + " s";
    if (result && result->error) why = result->error->what();
    // Not 130: the statement may still be running, which a script must be able to tell.
    return fail(kExitCommunication,
                "cancel not confirmed: " + why + " — the statement may still be running" + id);
  }
  switch (result->outcome) {
    case CancelOutcome::cancelled_on_server:
      print_error_line("sfq: cancelled on the server" + id);
      break;
    case CancelOutcome::not_sent:
      print_error_line("sfq: cancelled before it was sent: nothing ran");
      break;
    case CancelOutcome::finished:
      print_error_line("sfq: statement had already finished" + id);
      break;
    case CancelOutcome::not_confirmed:
      break;
  }
  if (interactive_) return Flow::next;
  exit_code_ = 128 + signal_number;
  return Flow::stop;
}

void Runner::footer(std::uint64_t rows, bool truncated,
                    std::optional<std::chrono::steady_clock::duration> elapsed,
                    const std::string& query_id) {
  if (!terminal_.stderr_tty || !settings_.timing) return;
  std::string line = group_digits(rows) + (rows == 1 ? " row" : " rows");
  if (truncated) line += " shown (max_rows " + group_digits(settings_.max_rows) + ")";
  if (elapsed) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s",
                  std::chrono::duration<double>(*elapsed).count());
    line += " · ";
    line += seconds;
  }
  if (!query_id.empty()) line += " · " + query_id;
  print_error_line(terminal_.utf8 ? line : ascii_only(line));
}

Runner::Flow Runner::run_item(const ScriptItem& item) {
  line_ = item.line;
  in_command_ = item.kind == ScriptItem::Kind::command;
  if (item.kind == ScriptItem::Kind::command) return run_command(item.text);
  if (item.kind == ScriptItem::Kind::too_long) return refuse_too_long(item);
  if (item.vertical) {  // ended by \G: this result as vertical records
    vertical_result_ = true;
    const Flow flow = run_statement(item.text);
    vertical_result_ = false;
    return flow;
  }
  return run_statement(item.text);
}

Runner::Flow Runner::refuse_too_long(const ScriptItem& item) {
  // Counted as a statement of the script (or as the command it was), so that the message names
  // it as the script's others are named; the rest of it was skipped by the splitter.
  const bool command = item.text == "command";
  in_command_ = command;
  if (!command) ++statement_number_;
  std::string what = command ? "the client command" : "the statement";
  if (location().empty()) what += " at line " + std::to_string(item.line);
  return fail(kExitClientError,
              what + " is longer than " + std::to_string(max_statement_bytes_) +
                  " bytes, the limit of one statement's text (--max-statement-bytes); it was "
                  "not run");
}

Runner::Flow Runner::run_text(std::string_view text) {
  for (const auto& item : split_script(text, max_statement_bytes_)) {
    const Flow flow = run_item(item);
    if (flow != Flow::next) return flow;
  }
  return Flow::next;
}

Runner::Flow Runner::run_fd(int fd) {
  StatementSplitter splitter(max_statement_bytes_);
  std::vector<ScriptItem> items;
  std::vector<char> buffer(kReadChunk);
  bool first = true;
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(kExitClientError, std::string("cannot read the script: ") + std::strerror(errno));
    }
    if (n == 0) break;
    std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
    if (first && chunk.starts_with(kByteOrderMark)) chunk.remove_prefix(kByteOrderMark.size());
    first = false;
    splitter.feed(chunk, items);
    for (const auto& item : items) {
      const Flow flow = run_item(item);
      if (flow != Flow::next) return flow;
    }
    items.clear();
  }
  if (auto last = splitter.finish()) return run_item(*last);
  return Flow::next;
}

Runner::Flow Runner::run_file(const std::string& path) {
  const std::string saved_origin = origin_;
  const std::size_t saved_number = statement_number_;
  statement_number_ = 0;
  if (path == "-") {
    origin_ = "<stdin>";
    const Flow flow = run_fd(STDIN_FILENO);
    origin_ = saved_origin;
    statement_number_ = saved_number;
    return flow;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(kExitUsage, "cannot open " + path + ": " + std::strerror(errno));
  }
  origin_ = path;
  const Flow flow = run_fd(fd);
  ::close(fd);
  origin_ = saved_origin;
  statement_number_ = saved_number;
  return flow;
}

Runner::Flow Runner::run_statement(const std::string& text) {
  ++statement_number_;
  std::string sql;
  std::string substitution_error;
  if (!variables_.substitute(text, sql, substitution_error)) {
    return fail(kExitClientError, substitution_error);
  }
  // The splitter capped the text as written; variables may have made it longer.
  if (sql.size() > max_statement_bytes_) {
    return fail(kExitClientError,
                "with its variables substituted, the statement is " + std::to_string(sql.size()) +
                    " bytes, longer than " + std::to_string(max_statement_bytes_) +
                    " bytes, the limit of one statement's text (--max-statement-bytes); it was "
                    "not run");
  }
  if (batch_) {
    batch_->push_back(std::move(sql));
    return Flow::next;
  }
  if (!session_) return fail(kExitUsage, "not connected; use !connect NAME");
  const SessionStatement meaning = classify_statement(sql);
  if (meaning.kind != SessionStatement::Kind::other) return run_session_statement(sql, meaning);
  return run_request({sql}, {0}, false);
}

Runner::Flow Runner::run_session_statement(const std::string& sql,
                                           const SessionStatement& meaning) {
  using Kind = SessionStatement::Kind;
  if (meaning.kind == Kind::transaction) {
    return fail(kExitClientError,
                meaning.keyword +
                    ": the SQL API runs every request in a session of its own, so a transaction "
                    "cannot span statements sent one at a time. Put the statements between "
                    "!begin and !commit (sfq sends them as one request, in a transaction), or run "
                    "the script with --single-request");
  }
  // The statement runs on the server in a request of its own, followed by the context query:
  // the server checks it (its errors are Snowflake's own) and says where the session now is.
  const Flow flow = run_request({sql, std::string(kContextQuery)}, {0}, meaning.kind == Kind::use);
  if (!last_ok_) return flow;
  if (meaning.kind == Kind::parameters) {
    for (const auto& [name, value] : meaning.parameters) {
      if (value) {
        state_.parameters[name] = *value;
      } else {
        state_.parameters.erase(name);
      }
    }
  } else if (meaning.kind == Kind::replay) {
    state_.replay.push_back(sql);
  }
  return flow;
}

Runner::Flow Runner::run_request(const std::vector<std::string>& statements,
                                 const std::vector<std::size_t>& shown, bool context) {
  last_ok_ = false;
  // The window may have been resized since the last statement.
  if (terminal_.stdout_tty || terminal_.stderr_tty) terminal_ = probe_terminal();
  Statement statement = state_.request(statements);
  const bool multi = statement.multi_statement_count.has_value();
  const bool show_progress = terminal_.stderr_tty && settings_.progress;
  // On a terminal the statement is submitted asynchronously: the server answers at once with
  // the query id, which the progress line shows (for !abort) while the statement runs.
  statement.async = show_progress;

  // Ctrl-C cancels the running statement; a second one leaves without waiting for anything.
  // Once the pager runs, Ctrl-C belongs to it (less, in our process group, sees it too and goes
  // on): q in the pager is how to stop, and sfq then stops fetching (OutputClosed).
  std::atomic<int> signal_number{0};
  std::atomic<bool> paging{false};
  auto current = std::make_shared<CurrentQuery>();
  ScopedInterruptHandler on_interrupt(interrupts_, [&signal_number, &paging, current](int signal) {
    if (signal == SIGINT && paging.load()) return;
    if (signal_number.exchange(signal) != 0) {
      print_error_line(
          "sfq: interrupted again: leaving without waiting for the cancel to be confirmed");
      ::_exit(128 + signal);
    }
    current->cancel();
  });

  Query query;
  try {
    query = session_->client().submit(std::move(statement));
  } catch (const Error& error) {
    return fail(error);
  }
  current->set(query);
  std::chrono::steady_clock::duration elapsed{0};
  if (!multi) {
    const Flow flow = show_result(query, elapsed, true, signal_number, paging);
    return flow;
  }

  ResultMeta meta;
  {
    std::optional<ProgressLine> progress;
    if (show_progress) progress.emplace(query, STDERR_FILENO, terminal_.columns, terminal_.utf8);
    const auto waited = std::chrono::steady_clock::now();
    try {
      meta = query.metadata();
    } catch (const Error& error) {
      if (progress) progress->stop();
      if (const int signal = signal_number.load(); signal != 0) {
        return interrupted(signal, query, query.statement_handle());
      }
      return fail(
          unwrap_multi_statement_error(error, !state_.replay.empty() && statements.size() <= 2));
    }
    elapsed += std::chrono::steady_clock::now() - waited;
  }
  server_answered_ = true;
  const std::size_t offset = state_.replay.size();
  auto child = [&](std::size_t index) -> std::optional<Query> {
    if (offset + index >= meta.child_handles.size()) return std::nullopt;
    Query q = session_->client().attach(meta.child_handles[offset + index]);
    current->set(q);
    return q;
  };
  for (std::size_t k = 0; k < shown.size(); ++k) {
    auto q = child(shown[k]);
    if (!q) return fail(kExitCommunication, "the server sent fewer results than statements");
    const Flow flow = show_result(*q, elapsed, k + 1 == shown.size(), signal_number, paging);
    if (!last_ok_) return flow;
    if (flow != Flow::next) return flow;
    last_ok_ = false;
  }
  if (context) {
    auto q = child(statements.size() - 1);
    if (!q) return fail(kExitCommunication, "the server sent fewer results than statements");
    try {
      const QueryResult result = q->result();
      std::string* fields[] = {&state_.role, &state_.warehouse, &state_.database, &state_.schema};
      for (std::size_t c = 0; c < 4; ++c) {
        std::string value;
        if (!result.batches.empty() && result.batches.front().rows > 0 &&
            c < result.batches.front().columns.size() &&
            !result.batches.front().columns[c].is_null(0)) {
          format::append_text(value, result.batches.front().columns[c], 0);
        }
        *fields[c] = value;
      }
    } catch (const Error& error) {
      return fail(error);
    }
  }
  last_ok_ = true;
  return Flow::next;
}

Runner::Flow Runner::show_result(Query& query, std::chrono::steady_clock::duration& elapsed,
                                 bool footer_time, std::atomic<int>& signal_number,
                                 std::atomic<bool>& paging) {
  std::optional<ProgressLine> progress;
  if (terminal_.stderr_tty && settings_.progress) {
    progress.emplace(query, STDERR_FILENO, terminal_.columns, terminal_.utf8);
  }
  auto stop_progress = [&progress] {
    if (progress) progress->stop();
  };
  // Statement time: waiting for the server and for result partitions, never the time spent
  // writing (a pager being read blocks the writes).
  auto timed = [&elapsed](auto&& call) {
    const auto begin = std::chrono::steady_clock::now();
    auto value = call();
    elapsed += std::chrono::steady_clock::now() - begin;
    return value;
  };

  std::uint64_t rows = 0;
  bool truncated = false;
  std::string query_id;
  std::optional<Flow> outcome;
  try {
    const ResultMeta meta = timed([&query] { return query.metadata(); });
    server_answered_ = true;
    query_id = meta.statement_handle;

    FdSink out(STDOUT_FILENO);
    // Result text on the terminal the progress line is on: the line goes first.
    if (terminal_.stdout_tty) out.on_first_write(stop_progress);
    std::optional<PagerSink> pager;
    TextSink* sink = &out;
    if (spool_) sink = &*spool_;
    if (!spool_ && terminal_.stdout_tty && terminal_.rows > 0) {
      const std::string command = settings_.pager ? *settings_.pager : default_pager_command();
      if (!command.empty()) {
        pager.emplace(command, terminal_.rows, out);
        pager->on_start([&paging, &stop_progress] {
          paging.store(true);
          stop_progress();  // the pager has the screen now
        });
        sink = &*pager;
      }
    }
    if (!interactive_ && results_written_ > 0) sink->write(result_separator(settings_.format));

    const WriterOptions writer_options = writer_options_for(!spool_.has_value());
    auto writer = make_writer(writer_options, *sink);
    writer->begin(column_infos(meta.columns));
    // TIMESTAMP_LTZ in the session's TIMEZONE, else TZ / the system's zone.
    DisplayZone zone = DisplayZone::local();
    if (const auto it = state_.parameters.find("TIMEZONE"); it != state_.parameters.end()) {
      if (auto named = DisplayZone::named(it->second)) zone = std::move(*named);
    }
    DisplayOptions display;
    display.zone = &zone;
    ResultFeeder feeder(*writer, display);
    const std::uint64_t limit = settings_.max_rows;
    truncated = limit > 0 && meta.total_rows > limit;
    while (signal_number.load() == 0 && (limit == 0 || rows < limit)) {
      std::optional<RowBatch> batch = timed([&query] { return query.next_batch(); });
      if (!batch) break;
      const std::uint64_t take =
          limit > 0 ? std::min<std::uint64_t>(batch->rows, limit - rows) : batch->rows;
      feeder.write(*batch, 0, static_cast<std::size_t>(take));
      rows += take;
    }
    // Partitions that will not be shown are not fetched.
    if (truncated) query.cancel();
    writer->end();
    if (pager) pager->finish();
    ++results_written_;
  } catch (const Error& error) {
    stop_progress();
    if (const int signal = signal_number.load(); signal != 0) {
      return interrupted(signal, query, query.statement_handle());
    }
    return fail(error);
  } catch (const OutputClosed&) {
    // The reader has what it wanted (`| head`, q in the pager): stop quietly.
    query.cancel();
    stop_progress();
    outcome = interactive_ ? Flow::next : Flow::stop;
  } catch (const OutputFailed& error) {
    query.cancel();
    stop_progress();
    return fail(kExitClientError, error.what());
  }
  stop_progress();
  if (outcome) return *outcome;
  if (const int signal = signal_number.load(); signal != 0) {
    return interrupted(signal, query, query_id);
  }
  footer(rows, truncated, footer_time ? std::optional(elapsed) : std::nullopt, query_id);
  last_ok_ = true;
  return Flow::next;
}

void Runner::begin_batch(bool transaction) {
  batch_.emplace();
  batch_transaction_ = transaction;
}

Runner::Flow Runner::flush_batch() {
  if (!batch_) return Flow::next;
  std::vector<std::string> statements = std::move(*batch_);
  const bool transaction = batch_transaction_;
  batch_.reset();
  if (statements.empty()) return Flow::next;
  // One request carries them all, and the cap is on a request's text: each statement within it
  // was capped already, their sum is checked here.
  std::size_t total = 0;
  for (const std::string& statement : statements) total += statement.size() + 2;  // ";\n"
  if (total > max_statement_bytes_) {
    return fail(kExitClientError,
                "the " + std::to_string(statements.size()) + " statements gathered for one " +
                    "request are " + std::to_string(total) + " bytes in all, longer than " +
                    std::to_string(max_statement_bytes_) +
                    " bytes, the limit of one request's text (--max-statement-bytes); none of "
                    "them was run");
  }
  if (!session_) return fail(kExitUsage, "not connected; use !connect NAME");
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < statements.size(); ++i) shown.push_back(transaction ? i + 1 : i);
  if (transaction) {
    statements.insert(statements.begin(), "BEGIN");
    statements.emplace_back("COMMIT");
  }
  return run_request(statements, shown, false);
}

Result<std::unique_ptr<Session>> Runner::open_checked(const std::string& name) {
  auto session = connect_(name);
  if (!session) return session.error();
  // The connection is used once, with the context query, so that a wrong key or account fails
  // here and not at the next statement; the answer is where the new session starts.
  SessionState fresh;
  const ConnectionOptions& o = (*session)->options();
  fresh.database = o.database;
  fresh.schema = o.schema;
  fresh.warehouse = o.warehouse;
  fresh.role = o.role;
  try {
    const QueryResult result =
        (*session)->client().execute(fresh.request({std::string(kContextQuery)}));
    std::string* fields[] = {&fresh.role, &fresh.warehouse, &fresh.database, &fresh.schema};
    if (!result.batches.empty() && result.batches.front().rows > 0) {
      const RowBatch& batch = result.batches.front();
      for (std::size_t c = 0; c < 4 && c < batch.columns.size(); ++c) {
        fields[c]->clear();
        if (!batch.columns[c].is_null(0)) format::append_text(*fields[c], batch.columns[c], 0);
      }
    }
  } catch (const Error& error) {
    return error;
  }
  state_ = std::move(fresh);
  return std::move(*session);
}

const std::vector<std::string>& Runner::names_of(const std::string& show) {
  if (auto it = name_cache_.find(show); it != name_cache_.end()) return it->second;
  std::vector<std::string> names;
  if (session_) {
    try {
      Statement statement = state_.request({show});
      // Completion must not hang the prompt: a slow answer gives no names.
      statement.total_timeout = std::chrono::seconds(5);
      const QueryResult result = session_->client().execute(std::move(statement));
      for (const auto& batch : result.batches) {
        for (const auto& column : batch.columns) {
          if (util::lower(column.meta().name) != "name") continue;
          for (std::size_t row = 0; row < batch.rows; ++row) {
            if (column.is_null(row)) continue;
            std::string name;
            format::append_text(name, column, row);
            names.push_back(std::move(name));
          }
        }
      }
    } catch (const Error&) {  // NOLINT(bugprone-empty-catch): no names, no completion
    }
  }
  return name_cache_.emplace(show, std::move(names)).first->second;
}

std::vector<std::string> Runner::object_names(const std::string& qualifier) {
  std::vector<std::string> out;
  auto add = [&out](const std::vector<std::string>& names) {
    out.insert(out.end(), names.begin(), names.end());
  };
  const auto dots = std::count(qualifier.begin(), qualifier.end(), '.');
  if (qualifier.empty()) {
    add(names_of("SHOW TERSE DATABASES"));
    if (!state_.database.empty() && !state_.schema.empty()) {
      add(names_of("SHOW TERSE OBJECTS IN SCHEMA " + state_.database + "." + state_.schema));
    }
  } else if (dots == 0) {
    add(names_of("SHOW TERSE SCHEMAS IN DATABASE " + qualifier));
    if (!state_.database.empty()) {
      add(names_of("SHOW TERSE OBJECTS IN SCHEMA " + state_.database + "." + qualifier));
    }
  } else if (dots == 1) {
    add(names_of("SHOW TERSE OBJECTS IN SCHEMA " + qualifier));
  }
  return out;
}

Runner::Flow Runner::run_command(const std::string& line) {
  const std::string_view text = trim(line);
  const auto space = text.find_first_of(" \t");
  const std::string name = lower(text.substr(0, space));
  const std::string_view argument =
      space == std::string_view::npos ? std::string_view() : trim(text.substr(space));
  auto print = [](std::string_view out) {
    try {
      write_all(STDOUT_FILENO, out);
    } catch (const OutputClosed&) {  // NOLINT(bugprone-empty-catch): nobody reads it any more
    }
  };

  if (text.starts_with('\\') || text.starts_with('.')) {  // psql's, duckdb's
    const MetaCommand meta =
        translate_meta_command(text, settings_.expanded == Expanded::on, settings_.timing);
    switch (meta.kind) {
      case MetaCommand::Kind::command: {
        const Flow flow = run_command(meta.text);
        if (flow == Flow::next && interactive_ && !meta.note.empty()) print(meta.note + "\n");
        return flow;
      }
      case MetaCommand::Kind::statement:
        in_command_ = false;
        return run_statement(meta.text);
      case MetaCommand::Kind::unknown:
        return fail(kExitClientError, meta.text);
    }
  }
  if (name == "exit" || name == "quit" || name == "q" || name == "disconnect") return Flow::quit;
  if (name == "help" || name == "h" || name == "helps") {
    print(command_help());
    return Flow::next;
  }
  if (name == "set" || name == "option" || name == "options" || name == "opts") {
    if (argument.empty()) {
      print(settings_.describe());
      return Flow::next;
    }
    if (auto error = settings_.apply(argument)) return fail(kExitClientError, *error);
    return Flow::next;
  }
  if (name == "define") {
    if (argument.empty()) return run_command("variables");
    if (auto error = variables_.define(argument)) return fail(kExitClientError, *error);
    return Flow::next;
  }
  if (name == "variables" || name == "vars") {
    std::string out;
    for (const auto& [key, value] : variables_.all()) {
      out.append(key).append(" = ").append(value).append("\n");
    }
    print(out);
    return Flow::next;
  }
  if (name == "print" || name == "echo") {
    print(std::string(argument) + "\n");
    return Flow::next;
  }
  if (name == "source" || name == "load") {
    if (argument.empty()) return fail(kExitClientError, "!source needs a file name");
    if (source_depth_ >= kMaxSourceDepth) {
      return fail(kExitClientError,
                  "!source nested more than " + std::to_string(kMaxSourceDepth) + " deep");
    }
    const std::string path(argument);
    if (::access(path.c_str(), R_OK) != 0) {
      return fail(kExitClientError, "cannot open " + path + ": " + std::strerror(errno));
    }
    ++source_depth_;
    const Flow flow = run_file(path);
    --source_depth_;
    return flow;
  }
  if (name == "begin") {
    if (batch_) return fail(kExitClientError, "!begin: statements are already being gathered");
    begin_batch(true);
    if (interactive_) {
      print(
          "Gathering statements: !commit sends them as one request, in a transaction; "
          "!rollback drops them.\n");
    }
    return Flow::next;
  }
  if (name == "commit") {
    if (!batch_ || !batch_transaction_) return fail(kExitClientError, "!commit without !begin");
    return flush_batch();
  }
  if (name == "rollback") {
    if (!batch_ || !batch_transaction_) return fail(kExitClientError, "!rollback without !begin");
    const std::size_t count = batch_->size();
    batch_.reset();
    print("Dropped " + std::to_string(count) + (count == 1 ? " statement" : " statements") +
          "; nothing was sent.\n");
    return Flow::next;
  }
  if (name == "spool") {
    if (argument.empty()) {
      print(spool_ ? "spooling to " + spool_path_ + "\n" : std::string("not spooling\n"));
      return Flow::next;
    }
    close_spool();
    if (lower(argument) == "off") return Flow::next;
    const std::string path(argument);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return fail(kExitClientError, "cannot open " + path + ": " + std::strerror(errno));
    spool_fd_ = fd;
    spool_path_ = path;
    spool_.emplace(fd);
    return Flow::next;
  }
  if (name == "connect") {
    if (argument.empty()) return fail(kExitClientError, "!connect needs a connection name");
    if (!connect_) return fail(kExitClientError, "!connect is not available with --mock");
    auto session = open_checked(std::string(argument));
    if (!session) {
      return fail(exit_code_for(session.error(), false),
                  "cannot connect to " + std::string(argument) + ": " + session.error().what() +
                      (session_ ? "; still on " + session_->name() : ""));
    }
    session_ = std::move(*session);
    server_answered_ = false;
    if (interactive_) print("connected to " + session_->name() + "\n");
    return Flow::next;
  }
  if (name == "abort") {
    if (argument.empty()) return fail(kExitClientError, "!abort needs a query id");
    if (!session_) return fail(kExitUsage, "not connected; use !connect NAME");
    try {
      const Status status = session_->client().cancel_statement(std::string(argument));
      if (!status) return fail(status.error());
    } catch (const Error& error) {
      return fail(error);
    }
    print("cancelled " + std::string(argument) + "\n");
    return Flow::next;
  }
  return fail(kExitClientError, "unknown command !" + name + " (try !help)");
}

}  // namespace sfq::cli
