// transport.hpp — the stdio transport: a reader that splits stdin into lines with a size cap,
// and one writer thread that owns stdout.
//
// LineReader keeps at most `max_line_bytes` of a line in memory: the rest of an over-long line
// is read and discarded, and the caller is told so once, so that a huge message costs no memory.
//
// Output serialises everything we send: each message is written whole, followed by one newline,
// by a single thread, in the order send() was called. Overflow policy: responses are always
// queued; messages marked droppable (progress and log notifications) are dropped while more than
// `max_queued_bytes` are waiting, i.e. while the client is not reading. When the peer closes
// stdout (EPIPE) the queue is discarded and broken() turns true.
//
// Threads: LineReader is used by the one reader thread. Output::send() may be called from any
// thread; its writer thread is started by the constructor and joined by close()/destructor.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sfq::mcp {

class LineReader {
 public:
  enum class Status { line, too_long, eof, error };

  /// `stop_fd` (optional): when it becomes readable — a signalfd, a pipe — input counts as
  /// ended, exactly like end of file.
  LineReader(int fd, std::size_t max_line_bytes, int stop_fd = -1);

  /// Blocks until a whole line (without its newline and a trailing CR) is read, an over-long
  /// line has been skipped (too_long), or the input ends. A last line without a newline is
  /// returned before eof.
  Status next(std::string& line);

 private:
  bool fill();

  int fd_;
  int stop_fd_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t start_ = 0;  // first unconsumed byte of buffer_
  bool eof_ = false;
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

  /// Writes what is queued, then stops the writer thread. Idempotent.
  void close();

  /// True once a write failed (the client went away).
  [[nodiscard]] bool broken() const;

  /// Messages dropped because of the overflow policy (for tests and logs).
  [[nodiscard]] std::size_t dropped() const;

 private:
  void run();

  int fd_;
  std::size_t max_queued_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t dropped_ = 0;
  bool closing_ = false;
  bool broken_ = false;
  std::thread thread_;
};

}  // namespace sfq::mcp
