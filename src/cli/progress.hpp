// progress.hpp — the one-line progress display on a terminal's stderr while a statement runs:
//
//   ⠹ 3.2 s · running
//   ⠼ 8.0 s · fetching partition 4 of 12 · 183 204 rows
//   ⠧ 1.2 s · connecting… retry 3 (connection refused)
//
// It appears only after half a second (quick statements never flash it), is redrawn in place
// ten times a second from Query::progress(), and is erased when the statement ends or when
// result text is about to be written to the same terminal. The caller creates one only when
// stderr is a terminal.
//
// Thread safety: a small timer thread of its own; stop() from the owning thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "sfq/client.hpp"

namespace sfq::cli {

/// The text of one progress line (without the spinner), e.g.
/// "8.0 s · fetching partition 4 of 12 · 183 204 rows".
[[nodiscard]] std::string describe_progress(const QueryProgress& progress);

/// What a failed attempt saw, in a few words for the progress line and messages: "connection
/// refused" (the OS's reason after a failed connect), "host name not found", "timed out",
/// "HTTP 503"; "" when none of these.
[[nodiscard]] std::string short_failure(std::string_view failure);

/// "1 234 567": digits grouped by thin spaces for reading at a glance.
[[nodiscard]] std::string group_digits(std::uint64_t value);

/// `text` for a terminal whose locale is not UTF-8: "·" as "-", thin spaces as spaces, "…" as
/// "...".
[[nodiscard]] std::string ascii_only(std::string_view text);

class ProgressLine {
 public:
  /// Starts showing `query`'s progress on `fd` after `delay`; `width` bounds the line; without
  /// `utf8` the line is plain ASCII.
  ProgressLine(Query query, int fd, std::size_t width, bool utf8 = true,
               std::chrono::milliseconds delay = std::chrono::milliseconds(500));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Erases the line (if shown) and stops for good. Idempotent.
  void stop();

 private:
  void run();
  void draw(const std::string& text);

  Query query_;
  int fd_;
  std::size_t width_;
  bool utf8_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
  bool shown_ = false;
  std::thread thread_;
};

}  // namespace sfq::cli
