// transport.hpp — the stdio transport: a reader that splits stdin into lines with a size cap,
// and one writer thread that owns stdout.
//
// LineReader keeps at most `max_line_bytes` of a line in memory: the rest of an over-long line
// is read and discarded, and the caller is told so once, so that a huge message costs no memory.
//
// Output serialises everything we send: each message is written whole, followed by one newline,
// by a single thread, in the order send() was called. Overflow policy, for a client that stops
// reading: at most `max_queued_bytes` wait in the queue. Messages marked droppable (progress and
// log notifications) are dropped past it; an answer that does not fit is replaced by the short
// fallback its sender gives (a JSON-RPC error saying so), which is always queued; and the reader
// stops taking requests while the queue is full (over_cap()), so the fallbacks stay bounded by
// the calls in flight. When the peer closes stdout (EPIPE) the queue is discarded and broken()
// turns true. At close() the queue is written out, but when the output takes no byte for a
// while (5 s by default) the rest is dropped: a client that neither reads nor closes stdout
// cannot hold the server's exit (abandoned() then turns true).
//
// Threads: LineReader is used by the one reader thread. Output::send() may be called from any
// thread; its writer thread is started by the constructor and joined by close()/destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sfq::mcp {

class LineReader {
 public:
  enum class Status { line, too_long, eof, stopped };

  /// `stop_fd` (optional): when it becomes readable — a signalfd, a pipe — reading stops
  /// (stopped). `peer_fd` (optional): our output; when its reader goes away (POLLERR/POLLHUP on
  /// a pipe or socket) reading stops too, so a closed stdout is noticed even while nothing is
  /// written.
  LineReader(int fd, std::size_t max_line_bytes, int stop_fd = -1, int peer_fd = -1);

  /// Blocks until a whole line (without its newline and a trailing CR) is read, an over-long
  /// line has been skipped (too_long), the input ends (eof; a last line without a newline is
  /// returned before it) or reading was stopped (stopped).
  Status next(std::string& line);

  /// True when `stop_fd` is readable or `peer_fd` is gone, without blocking.
  [[nodiscard]] bool should_stop() const;
  /// True when the writer of our input has closed it (a pipe's POLLHUP), without blocking; lines
  /// may still wait to be read.
  [[nodiscard]] bool input_closed() const;

 private:
  bool fill();

  int fd_;
  int stop_fd_;
  int peer_fd_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t start_ = 0;  // first unconsumed byte of buffer_
  bool eof_ = false;
  bool stopped_ = false;
};

class Output {
 public:
  explicit Output(int fd, std::size_t max_queued_bytes = 8u << 20);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Queues one message (a JSON text without newline). Returns false when it was dropped (the
  /// output is closed or broken, or it was droppable and the queue is full).
  bool send(std::string message, bool droppable = false);
  /// Queues `message`, or `fallback` instead when `message` would take the queue past its cap
  /// (the fallback is queued regardless). Returns false when the fallback was sent or nothing.
  bool send_or(std::string message, std::string fallback);

  /// True while more than the cap is waiting to be written.
  [[nodiscard]] bool over_cap() const;
  /// Waits until the queue is below its cap, the output broke or `timeout` passed.
  void wait_below_cap(std::chrono::milliseconds timeout);
  [[nodiscard]] std::size_t max_queued_bytes() const noexcept { return max_queued_bytes_; }

  /// Writes what is queued, then stops the writer thread. When the output takes no byte for
  /// `drain_timeout` after close() was called, the rest is dropped instead. Idempotent (the
  /// first call's deadline holds).
  void close(std::chrono::milliseconds drain_timeout = kDefaultDrainTimeout);
  static constexpr std::chrono::milliseconds kDefaultDrainTimeout{5000};

  /// True once a write failed (the client went away).
  [[nodiscard]] bool broken() const;

  /// Messages dropped because of the overflow policy (for tests and logs).
  [[nodiscard]] std::size_t dropped() const;
  /// True when close() gave up on a client that did not read: its output was dropped.
  [[nodiscard]] bool abandoned() const;

 private:
  enum class WriteStatus : std::uint8_t { written, failed, timed_out };
  void run();
  WriteStatus write_all(const std::string& message);

  int fd_;
  std::size_t max_queued_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t dropped_ = 0;
  bool closing_ = false;
  bool broken_ = false;
  bool abandoned_ = false;
  std::chrono::milliseconds drain_timeout_{kDefaultDrainTimeout};
  std::chrono::steady_clock::time_point close_deadline_;  // moves on with every byte written
  std::thread thread_;
};

}  // namespace sfq::mcp
