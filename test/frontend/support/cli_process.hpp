// cli_process.hpp — running the built `sfq` binary from tests: over pipes (run_process,
// Process) or on a pseudo-terminal (PtyProcess), with a controlled environment, deadlines
// instead of sleeps, and the child's peak RSS from wait4().
//
// The environment of a child is exactly ChildEnv: nothing leaks in from the developer's shell
// (SNOWFLAKE_*, PAGER, HOME...) except PATH and the sanitizer options.
//
// Thread safety: one object per test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfq::test_support {

/// The variables a child sees.
class ChildEnv {
 public:
  /// PATH, ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS from this process, LANG=C.UTF-8 and
  /// HOME=`home`.
  explicit ChildEnv(const std::string& home);
  ChildEnv& set(const std::string& name, const std::string& value);
  ChildEnv& unset(const std::string& name);
  [[nodiscard]] std::vector<std::string> entries() const;
  [[nodiscard]] const std::map<std::string, std::string>& variables() const { return vars_; }

 private:
  std::map<std::string, std::string> vars_;
};

struct ProcessResult {
  int exit_code = -1;  ///< -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  long max_rss_kb = 0;  ///< ru_maxrss of the child
  bool timed_out = false;
};

struct ProcessOptions {
  std::vector<std::string> args;          ///< args[0] is the program path
  std::string cwd;                        ///< empty: this process's
  std::optional<std::string> stdin_text;  ///< nullopt: stdin is /dev/null
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  /// When set, stdout is streamed here instead of being kept in ProcessResult::out.
  std::function<void(std::string_view)> on_stdout;
};

/// Runs a process to completion (killed with SIGKILL at the deadline).
[[nodiscard]] ProcessResult run_process(const ProcessOptions& options, const ChildEnv& env);

/// A process that runs while the test does something else (send a signal, wait for output).
class Process {
 public:
  Process(const ProcessOptions& options, const ChildEnv& env);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Reads output until `predicate(out, err)` holds or the deadline passes; true when it held.
  bool wait_for_output(const std::function<bool(const std::string&, const std::string&)>& predicate,
                       std::chrono::milliseconds timeout);
  void signal(int signal_number);
  /// What the process wrote so far (stdout, unless streamed to on_stdout; stderr).
  [[nodiscard]] const std::string& output() const noexcept { return result_.out; }
  [[nodiscard]] const std::string& errors() const noexcept { return result_.err; }
  /// Reads the rest and reaps the child (SIGKILL at the deadline).
  ProcessResult finish(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  bool pump(std::chrono::steady_clock::time_point deadline, bool until_eof);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  ProcessResult result_;
  std::function<void(std::string_view)> on_stdout_;
};

/// A process on a pseudo-terminal (its stdin, stdout and stderr), like a user at a terminal.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& args, const ChildEnv& env, unsigned short rows = 40,
             unsigned short columns = 120);
  ~PtyProcess();
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Types `text` (bytes as a keyboard sends them: "\r" Enter, "\x03" Ctrl-C, "\x04" Ctrl-D).
  void send(std::string_view text);
  /// Waits until the output after the mark (ANSI escapes removed) contains `needle`, and moves
  /// the mark past it; true when it did. Successive expects thus match successive output.
  bool expect(std::string_view needle,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Everything printed after the mark (ANSI escapes removed); moves the mark to the end.
  std::string take();
  /// Waits until the program reads the terminal key by key (canonical mode off: a line editor
  /// is reading). Keys typed before that are subject to the terminal's line discipline, as
  /// type-ahead is for a person.
  bool wait_for_raw_mode(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Waits until the terminal no longer echoes what is typed (a password prompt).
  bool wait_for_echo_off(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Everything printed so far, raw.
  [[nodiscard]] const std::string& raw() const noexcept { return output_; }
  /// Waits until the child is stopped (Ctrl-Z, job control); true when it was.
  bool wait_stopped(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Waits for the child to exit; its exit code, or -1 on timeout / signal.
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline);
  bool wait_for_local_flags(unsigned clear_mask, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
  std::size_t mark_ = 0;  // in the escape-free text
  int exit_code_ = -1;
  bool exited_ = false;
};

/// `text` without ANSI escape sequences (CSI and OSC) and carriage returns.
[[nodiscard]] std::string strip_ansi(std::string_view text);

}  // namespace sfq::test_support
