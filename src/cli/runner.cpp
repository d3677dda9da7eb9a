// runner.cpp — see runner.hpp.
#include "cli/runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/progress.hpp"
#include "cli/result_feed.hpp"
#include "cli/writers.hpp"
#include "util/text.hpp"

namespace sfq::cli {
namespace {

// !source may include files that include files; a cycle must end somewhere.
constexpr int kMaxSourceDepth = 16;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

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

}  // namespace

std::string_view command_help() {
  return R"(Statements end with ';' and may span lines. Client commands take one line:
  !set                     show the settings
  !set NAME=VALUE          format (table csv tsv json jsonl markdown vertical), null_display,
                           header, max_rows, progress, pager, timing, continue_on_error
  !define NAME=VALUE       define a variable for <% NAME %>, &{NAME} and &NAME
  !variables               list the variables
  !source FILE             run the statements of FILE (alias !load)
  !connect NAME            switch to another connection of connections.toml
  !abort QUERY_ID          cancel a statement by its query id
  !print TEXT              print TEXT
  !help                    this help
  !exit, !quit             leave (Ctrl-D too)
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
      connect_(std::move(connect)) {}

Runner::Flow Runner::fail(int code, std::string_view message) {
  print_error_line("sfq: error: " + one_line(message));
  if (exit_code_ == 0) exit_code_ = code;
  if (interactive_ || settings_.continue_on_error) return Flow::next;
  return Flow::stop;
}

Runner::Flow Runner::fail(const Error& error) {
  if (!error.statement_handle().empty() || error.http_status() != 0) server_answered_ = true;
  return fail(exit_code_for(error, server_answered_), error.what());
}

Runner::Flow Runner::interrupted(int signal_number, const std::string& query_id) {
  std::string line = "sfq: statement cancelled";
  if (!query_id.empty()) line += " (query id " + query_id + ")";
  print_error_line(line);
  if (interactive_) return Flow::next;
  exit_code_ = 128 + signal_number;
  return Flow::stop;
}

void Runner::footer(std::uint64_t rows, bool truncated, std::chrono::steady_clock::duration elapsed,
                    const std::string& query_id) {
  if (!terminal_.stderr_tty || !settings_.timing) return;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f s", std::chrono::duration<double>(elapsed).count());
  std::string line = group_digits(rows) + (rows == 1 ? " row" : " rows");
  if (truncated) line += " shown (max_rows " + group_digits(settings_.max_rows) + ")";
  line += " · ";
  line += seconds;
  if (!query_id.empty()) line += " · " + query_id;
  print_error_line(line);
}

Runner::Flow Runner::run_item(const ScriptItem& item) {
  if (item.kind == ScriptItem::Kind::command) return run_command(item.text);
  return run_statement(item.text);
}

Runner::Flow Runner::run_text(std::string_view text) {
  for (const auto& item : split_script(text)) {
    const Flow flow = run_item(item);
    if (flow != Flow::next) return flow;
  }
  return Flow::next;
}

Runner::Flow Runner::run_fd(int fd) {
  StatementSplitter splitter;
  std::vector<ScriptItem> items;
  std::vector<char> buffer(kReadChunk);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(kExitClientError, std::string("cannot read the script: ") + std::strerror(errno));
    }
    if (n == 0) break;
    splitter.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), items);
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
  if (path == "-") return run_fd(STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(kExitUsage, "cannot open " + path + ": " + std::strerror(errno));
  }
  const Flow flow = run_fd(fd);
  ::close(fd);
  return flow;
}

Runner::Flow Runner::run_statement(const std::string& text) {
  std::string sql;
  std::string substitution_error;
  if (!variables_.substitute(text, sql, substitution_error)) {
    return fail(kExitClientError, substitution_error);
  }
  if (!session_) return fail(kExitUsage, "not connected; use !connect NAME");

  // The window may have been resized since the last statement.
  if (terminal_.stdout_tty || terminal_.stderr_tty) terminal_ = probe_terminal();
  const auto started = std::chrono::steady_clock::now();
  Query query;
  try {
    query = session_->client().submit(Statement(sql));
  } catch (const Error& error) {
    return fail(error);
  }

  // Ctrl-C cancels this statement; a second one leaves without waiting for anything. Once the
  // pager runs, Ctrl-C belongs to it (less, in our process group, sees it too and goes on): q
  // in the pager is how to stop, and sfq then stops fetching (OutputClosed below).
  std::atomic<int> signal_number{0};
  std::atomic<bool> paging{false};
  ScopedInterruptHandler on_interrupt(interrupts_,
                                      [&signal_number, &paging, query](int signal) mutable {
                                        if (signal == SIGINT && paging.load()) return;
                                        if (signal_number.exchange(signal) != 0)
                                          ::_exit(128 + signal);
                                        query.cancel();
                                      });

  std::optional<ProgressLine> progress;
  if (terminal_.stderr_tty && settings_.progress) {
    progress.emplace(query, STDERR_FILENO, terminal_.columns);
  }
  auto stop_progress = [&progress] {
    if (progress) progress->stop();
  };

  std::uint64_t rows = 0;
  bool truncated = false;
  std::string query_id;
  std::optional<Flow> outcome;
  try {
    const ResultMeta meta = query.metadata();
    server_answered_ = true;
    query_id = meta.statement_handle;

    FdSink out(STDOUT_FILENO);
    // Result text on the terminal the progress line is on: the line goes first.
    if (terminal_.stdout_tty) out.on_first_write(stop_progress);
    std::optional<PagerSink> pager;
    TextSink* sink = &out;
    if (terminal_.stdout_tty && terminal_.rows > 0) {
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

    WriterOptions writer_options;
    writer_options.format = settings_.format;
    writer_options.null_display = settings_.null_display;
    writer_options.header = settings_.header;
    writer_options.max_width = terminal_.stdout_tty ? terminal_.columns : 0;
    writer_options.color = terminal_.color;
    auto writer = make_writer(writer_options, *sink);
    writer->begin(column_infos(meta.columns));
    ResultFeeder feeder(*writer);
    const std::uint64_t limit = settings_.max_rows;
    truncated = limit > 0 && meta.total_rows > limit;
    while (signal_number.load() == 0 && (limit == 0 || rows < limit)) {
      std::optional<RowBatch> batch = query.next_batch();
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
      return interrupted(signal, query.statement_handle());
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
    query.cancel();
    return interrupted(signal, query_id);
  }
  footer(rows, truncated, std::chrono::steady_clock::now() - started, query_id);
  return Flow::next;
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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return fail(kExitClientError, "cannot open " + path + ": " + std::strerror(errno));
    }
    ++source_depth_;
    const Flow flow = run_fd(fd);
    --source_depth_;
    ::close(fd);
    return flow;
  }
  if (name == "connect") {
    if (argument.empty()) return fail(kExitClientError, "!connect needs a connection name");
    if (!connect_) return fail(kExitClientError, "!connect is not available with --mock");
    auto session = connect_(std::string(argument));
    if (!session) return fail(session.error());
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
