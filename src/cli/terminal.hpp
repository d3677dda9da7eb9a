// terminal.hpp — what sfq's standard streams are connected to, and where result text goes:
// straight to standard output, or through a pager when stdout is a terminal and a result is
// taller than the screen.
//
// Pager: $SFQ_PAGER, else $PAGER, else `less -SRFX` when `less` is on the PATH (-S: long lines
// are scrolled, never wrapped; -R: the dimmed NULLs; -F -X: leave the text on the screen). An
// empty value, `--no-pager` or `!set pager=off` turns it off. The decision is made per result:
// the first screenful is held back, and only when more follows is the pager started and given
// everything. When the pager quits early (q in less) sfq stops fetching that result.
//
// Thread safety: sinks are used by one thread.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "cli/writers.hpp"

namespace sfq::cli {

struct TerminalInfo {
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;
  std::size_t columns = 0;  ///< of the terminal stdout (else stderr) is on; 0 when unknown
  std::size_t rows = 0;
  bool color = false;  ///< stdout is a terminal, TERM is not "dumb" and NO_COLOR is unset
  bool utf8 = false;   ///< the locale's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG)
};

/// Whether LC_ALL, else LC_CTYPE, else LANG names a UTF-8 locale ("C" and unset: no).
[[nodiscard]] bool utf8_locale();

[[nodiscard]] TerminalInfo probe_terminal();

/// The reader of the output went away (EPIPE: `sfq … | head`, or the pager quit).
class OutputClosed : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "output closed"; }
};

/// Writing failed for another reason (disk full, ...); what() says why.
class OutputFailed : public std::exception {
 public:
  explicit OutputFailed(std::string message) : message_(std::move(message)) {}
  [[nodiscard]] const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

/// Writes everything to a file descriptor; throws OutputClosed / OutputFailed.
void write_all(int fd, std::string_view text);

/// A TextSink on a file descriptor, with an optional hook run before the first write (the
/// progress line clears itself there).
class FdSink final : public TextSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  void write(std::string_view text) override;
  void on_first_write(std::function<void()> hook) { hook_ = std::move(hook); }

 private:
  int fd_;
  std::function<void()> hook_;
};

/// The pager command from the environment (SFQ_PAGER, PAGER, `less -SRFX` when less exists);
/// "" when there is none.
[[nodiscard]] std::string default_pager_command();

/// Holds the first screenful of a result; past it, starts `command` and pipes everything into
/// it. finish() writes a short result to `direct`, or closes the pager and waits for it to
/// exit.
class PagerSink final : public TextSink {
 public:
  PagerSink(std::string command, std::size_t screen_rows, TextSink& direct);
  ~PagerSink() override;
  PagerSink(const PagerSink&) = delete;
  PagerSink& operator=(const PagerSink&) = delete;

  void write(std::string_view text) override;
  void finish();
  [[nodiscard]] bool paging() const noexcept { return pid_ > 0; }
  /// Called once, when the pager has started (on the thread that writes).
  void on_start(std::function<void()> hook) { on_start_ = std::move(hook); }

 private:
  void start_pager();
  void close_pager();

  std::string command_;
  std::function<void()> on_start_;
  std::size_t screen_rows_;
  TextSink& direct_;
  std::string held_;
  std::size_t lines_ = 0;
  pid_t pid_ = -1;
  int fd_ = -1;
  bool finished_ = false;
};

/// Starts `/bin/sh -c command` with the default signal mask and dispositions (sfq blocks
/// SIGINT in its own threads); `stdin_fd`, when >= 0, becomes the child's stdin. Returns the
/// pid or -1.
[[nodiscard]] pid_t spawn_shell(const std::string& command, int stdin_fd);

}  // namespace sfq::cli
