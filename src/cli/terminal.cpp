// terminal.cpp — see terminal.hpp.
#include "cli/terminal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/text.hpp"

namespace sfq::cli {
namespace {

bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    const auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace

TerminalInfo probe_terminal() {
  TerminalInfo info;
  info.stdin_tty = ::isatty(STDIN_FILENO) == 1;
  info.stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  info.stderr_tty = ::isatty(STDERR_FILENO) == 1;
  for (const int fd : {STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO}) {
    winsize size{};
    if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
      info.columns = size.ws_col;
      info.rows = size.ws_row;
      break;
    }
  }
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::string_view(term) == "dumb";
  info.color = info.stdout_tty && !dumb && std::getenv("NO_COLOR") == nullptr;
  info.utf8 = utf8_locale();
  return info;
}

bool utf8_locale() {
  // The first of LC_ALL, LC_CTYPE and LANG that is set decides, as setlocale() would.
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string lowered;
    for (const char* c = value; *c != '\0'; ++c) {
      if (*c != '-') lowered += util::lower(*c);
    }
    return lowered.find("utf8") != std::string::npos;
  }
  return false;
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw OutputClosed();
      throw OutputFailed(std::string("cannot write the output: ") + std::strerror(errno));
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void FdSink::write(std::string_view text) {
  if (hook_) {
    auto hook = std::move(hook_);
    hook_ = nullptr;
    hook();
  }
  write_all(fd_, text);
}

std::string default_pager_command() {
  for (const char* name : {"SFQ_PAGER", "PAGER"}) {
    if (const char* value = std::getenv(name); value != nullptr) return value;
  }
  return on_path("less") ? "less -SRFX" : "";
}

pid_t spawn_shell(const std::string& command, int stdin_fd) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls until exec.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  if (stdin_fd >= 0) {
    ::dup2(stdin_fd, STDIN_FILENO);
    ::close(stdin_fd);
  }
  ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  ::_exit(127);
}

PagerSink::PagerSink(std::string command, std::size_t screen_rows, TextSink& direct)
    : command_(std::move(command)), screen_rows_(screen_rows), direct_(direct) {}

PagerSink::~PagerSink() {
  try {
    finish();
  } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw; output is over
  }
}

void PagerSink::write(std::string_view text) {
  if (finished_) return;
  if (pid_ > 0) {
    write_all(fd_, text);
    return;
  }
  held_.append(text);
  for (const char c : text) {
    if (c == '\n') ++lines_;
  }
  // One line stays free for the prompt that follows the result.
  if (!command_.empty() && screen_rows_ > 1 && lines_ >= screen_rows_ - 1) start_pager();
}

void PagerSink::start_pager() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    command_.clear();  // no pager then: write directly
    direct_.write(held_);
    held_.clear();
    return;
  }
  const pid_t pid = spawn_shell(command_, fds[0]);
  ::close(fds[0]);
  if (pid < 0) {
    ::close(fds[1]);
    command_.clear();
    direct_.write(held_);
    held_.clear();
    return;
  }
  pid_ = pid;
  fd_ = fds[1];
  if (on_start_) on_start_();
  std::string held = std::move(held_);
  held_.clear();
  write_all(fd_, held);
}

void PagerSink::close_pager() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (pid_ > 0) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

void PagerSink::finish() {
  if (finished_) return;
  finished_ = true;
  if (pid_ > 0) {
    close_pager();
    return;
  }
  if (!held_.empty()) {
    std::string held = std::move(held_);
    held_.clear();
    direct_.write(held);
  }
}

}  // namespace sfq::cli
