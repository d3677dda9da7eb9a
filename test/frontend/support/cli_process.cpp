// cli_process.cpp — see cli_process.hpp.
#include "support/cli_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sfq::test_support {
namespace {

using Clock = std::chrono::steady_clock;

// argv / envp arrays prepared before fork(): the child may only call async-signal-safe
// functions, and allocation is not one of them.
struct ExecArgs {
  std::vector<std::string> storage;
  std::vector<char*> argv;
  std::vector<std::string> env_storage;
  std::vector<char*> envp;

  ExecArgs(const std::vector<std::string>& args, const ChildEnv& env)
      : storage(args), env_storage(env.entries()) {
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
};

[[noreturn]] void exec_child(const ExecArgs& exec, const std::string& cwd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
  ::execve(exec.argv[0], exec.argv.data(), exec.envp.data());
  ::_exit(127);
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Reaps `pid`, waiting up to the deadline, then kills it. Fills exit status and rusage.
void reap(pid_t pid, Clock::time_point deadline, ProcessResult& result) {
  int status = 0;
  rusage usage{};
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return;
    if (Clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      break;
    }
    // Nothing to wait on but the child's exit: poll() on no descriptor is a bounded pause.
    ::poll(nullptr, 0, 5);
  }
  result.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
}

}  // namespace

ChildEnv::ChildEnv(const std::string& home) {
  for (const char* name : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR"}) {
    if (const char* value = std::getenv(name); value != nullptr) vars_[name] = value;
  }
  vars_["LANG"] = "C.UTF-8";
  vars_["HOME"] = home;
}

ChildEnv& ChildEnv::set(const std::string& name, const std::string& value) {
  vars_[name] = value;
  return *this;
}

ChildEnv& ChildEnv::unset(const std::string& name) {
  vars_.erase(name);
  return *this;
}

std::vector<std::string> ChildEnv::entries() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : vars_) out.push_back(name + "=" + value);
  return out;
}

Process::Process(const ProcessOptions& options, const ChildEnv& env)
    : on_stdout_(options.on_stdout) {
  int in[2] = {-1, -1};
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  if (options.stdin_text && ::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const ExecArgs exec(options.args, env);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(options.stdin_text ? in[0] : null_fd, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    exec_child(exec, options.cwd);
  }
  ::close(null_fd);
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (options.stdin_text) {
    ::close(in[0]);
    // Small inputs only (the pipe buffer holds 64 KiB): enough for scripts in tests.
    std::string_view rest = *options.stdin_text;
    while (!rest.empty()) {
      const ssize_t n = ::write(in[1], rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(in[1]);
  }
}

Process::~Process() {
  if (pid_ > 0 && result_.exit_code < 0 && result_.signal == 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool Process::pump(Clock::time_point deadline, bool until_eof) {
  char buffer[65536];
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      int& fd = i == 0 ? out_fd_ : err_fd_;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fd);
        fd = -1;
        continue;
      }
      const std::string_view chunk(buffer, static_cast<std::size_t>(n));
      if (i == 0 && on_stdout_) {
        on_stdout_(chunk);
      } else {
        (i == 0 ? result_.out : result_.err).append(chunk);
      }
    }
    if (!until_eof) return true;
  }
  return true;
}

bool Process::wait_for_output(
    const std::function<bool(const std::string&, const std::string&)>& predicate,
    std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!predicate(result_.out, result_.err)) {
    if (Clock::now() >= deadline) return false;
    if (!pump(deadline, false) && (out_fd_ < 0 && err_fd_ < 0)) {
      return predicate(result_.out, result_.err);
    }
  }
  return true;
}

void Process::signal(int signal_number) { ::kill(pid_, signal_number); }

ProcessResult Process::finish(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  pump(deadline, true);
  reap(pid_, deadline, result_);
  return result_;
}

ProcessResult run_process(const ProcessOptions& options, const ChildEnv& env) {
  Process process(options, env);
  return process.finish(options.timeout);
}

PtyProcess::PtyProcess(const std::vector<std::string>& args, const ChildEnv& env,
                       unsigned short rows, unsigned short columns) {
  const ExecArgs exec(args, env);
  winsize size{};
  size.ws_row = rows;
  size.ws_col = columns;
  pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::runtime_error("forkpty failed");
  if (pid_ == 0) exec_child(exec, "");
  ::fcntl(master_, F_SETFD, FD_CLOEXEC);
}

PtyProcess::~PtyProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (master_ >= 0) ::close(master_);
}

void PtyProcess::send(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(master_, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool PtyProcess::read_some(Clock::time_point deadline) {
  pollfd fd{master_, POLLIN, 0};
  const int ready = ::poll(&fd, 1, remaining_ms(deadline));
  if (ready <= 0) return false;
  char buffer[8192];
  const ssize_t n = ::read(master_, buffer, sizeof buffer);
  if (n <= 0) return false;  // EIO: the child closed the terminal
  output_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

bool PtyProcess::expect(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const std::string clean = strip_ansi(output_);
    if (const auto at = clean.find(needle, mark_); at != std::string::npos) {
      mark_ = at + needle.size();
      return true;
    }
    if (Clock::now() >= deadline || !read_some(deadline)) {
      const std::string last = strip_ansi(output_);
      const auto at = last.find(needle, mark_);
      if (at == std::string::npos) return false;
      mark_ = at + needle.size();
      return true;
    }
  }
}

std::string PtyProcess::take() {
  const std::string clean = strip_ansi(output_);
  std::string text = clean.substr(std::min(mark_, clean.size()));
  mark_ = clean.size();
  return text;
}

bool PtyProcess::wait_for_local_flags(unsigned clear_mask, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    // On Linux the master side reports the slave's settings.
    termios settings{};
    if (::tcgetattr(master_, &settings) == 0 && (settings.c_lflag & clear_mask) == 0) return true;
    if (Clock::now() >= deadline) return false;
    // Keep draining the output meanwhile, for a bounded moment.
    read_some(std::min(deadline, Clock::now() + std::chrono::milliseconds(5)));
  }
}

bool PtyProcess::wait_for_raw_mode(std::chrono::milliseconds timeout) {
  return wait_for_local_flags(ICANON, timeout);
}

bool PtyProcess::wait_for_echo_off(std::chrono::milliseconds timeout) {
  return wait_for_local_flags(ECHO, timeout);
}

bool PtyProcess::wait_stopped(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG | WUNTRACED);
    if (done == pid_) {
      if (WIFSTOPPED(status)) return true;
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    if (Clock::now() >= deadline) return false;
    if (!read_some(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)))) {
      ::poll(nullptr, 0, 5);
    }
  }
  return false;
}

int PtyProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (Clock::now() >= deadline) return -1;
    // Drain the terminal meanwhile: a child blocked on a full pty buffer never exits.
    if (!read_some(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)))) {
      ::poll(nullptr, 0, 5);
    }
  }
  return exit_code_;
}

std::string strip_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') continue;
    if (c == '\x1b' && i + 1 < text.size()) {
      if (text[i + 1] == '[') {
        i += 2;
        while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
        continue;
      }
      if (text[i + 1] == ']') {
        i += 2;
        while (i < text.size() && text[i] != '\x07') ++i;
        continue;
      }
      ++i;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace sfq::test_support
