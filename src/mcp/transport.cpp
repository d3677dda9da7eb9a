// transport.cpp — stdin line reading with a cap, and the single stdout writer.
#include "mcp/transport.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sfq::mcp {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
// The writer writes at most this much after poll() said the output can take more: a pipe then
// takes it without blocking (POLLOUT means a free buffer page), so the writer is never stuck in
// write() and can honour the close deadline.
constexpr std::size_t kWriteChunk = 4096;
// How often a writer waiting for a full output checks the close deadline.
constexpr int kPollSliceMs = 100;
}  // namespace

LineReader::LineReader(int fd, std::size_t max_line_bytes, int stop_fd, int peer_fd)
    : fd_(fd), stop_fd_(stop_fd), peer_fd_(peer_fd), max_line_bytes_(max_line_bytes) {}

bool LineReader::should_stop() const {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {peer_fd_, 0, 0}};
  int ready = 0;
  do {
    ready = ::poll(fds, 2, 0);
  } while (ready < 0 && errno == EINTR);
  return ready > 0 &&
         ((fds[0].revents & POLLIN) != 0 || (fds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0);
}

bool LineReader::input_closed() const {
  pollfd input{fd_, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&input, 1, 0);
  } while (ready < 0 && errno == EINTR);
  return ready > 0 && (input.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

bool LineReader::fill() {
  if (eof_ || stopped_) return false;
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  if (stop_fd_ >= 0 || peer_fd_ >= 0) {
    // poll() ignores negative descriptors. The peer is watched for errors only (events 0).
    pollfd fds[3] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}, {peer_fd_, 0, 0}};
    int ready = 0;
    do {
      ready = ::poll(fds, 3, -1);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0 || (fds[1].revents & POLLIN) != 0 ||
        (fds[2].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
      stopped_ = true;
      return false;
    }
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  ssize_t got = 0;
  do {
    got = ::read(fd_, buffer_.data() + old_size, kReadChunk);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    buffer_.resize(old_size);
    eof_ = true;
    return false;
  }
  buffer_.resize(old_size + static_cast<std::size_t>(got));
  return true;
}

LineReader::Status LineReader::next(std::string& line) {
  bool skipping = false;
  std::size_t scanned = 0;  // bytes after start_ known to hold no newline
  while (true) {
    const std::size_t newline = buffer_.find('\n', start_ + scanned);
    if (newline != std::string::npos) {
      if (skipping) {
        start_ = newline + 1;
        return Status::too_long;
      }
      std::size_t end = newline;
      if (end > start_ && buffer_[end - 1] == '\r') --end;
      if (end - start_ > max_line_bytes_) {
        start_ = newline + 1;
        return Status::too_long;
      }
      line.assign(buffer_, start_, end - start_);
      start_ = newline + 1;
      return Status::line;
    }
    if (!skipping && buffer_.size() - start_ > max_line_bytes_) {
      // Too long already: stop keeping it; read on until its newline.
      skipping = true;
    }
    if (skipping) {
      buffer_.clear();
      start_ = 0;
    }
    scanned = buffer_.size() - start_;
    if (!fill()) {
      if (stopped_) return Status::stopped;
      if (skipping) return Status::too_long;
      if (buffer_.size() > start_) {
        line.assign(buffer_, start_, buffer_.size() - start_);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        start_ = buffer_.size();
        return Status::line;
      }
      return Status::eof;
    }
  }
}

Output::Output(int fd, std::size_t max_queued_bytes)
    : fd_(fd), max_queued_bytes_(max_queued_bytes), thread_([this] { run(); }) {}

Output::~Output() { close(); }

bool Output::send(std::string message, bool droppable) {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || broken_) return false;
    if (droppable && queued_bytes_ + message.size() + 1 > max_queued_bytes_) {
      ++dropped_;
      return false;
    }
    queued_bytes_ += message.size() + 1;
    message.push_back('\n');
    queue_.push_back(std::move(message));
  }
  changed_.notify_all();
  return true;
}

bool Output::send_or(std::string message, std::string fallback) {
  bool sent_message = true;
  {
    std::lock_guard lock(mutex_);
    if (closing_ || broken_) return false;
    if (queued_bytes_ + message.size() + 1 > max_queued_bytes_) {
      ++dropped_;
      message = std::move(fallback);
      sent_message = false;
    }
    queued_bytes_ += message.size() + 1;
    message.push_back('\n');
    queue_.push_back(std::move(message));
  }
  changed_.notify_all();
  return sent_message;
}

bool Output::over_cap() const {
  std::lock_guard lock(mutex_);
  return !broken_ && queued_bytes_ >= max_queued_bytes_;
}

void Output::wait_below_cap(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout,
                    [this] { return broken_ || closing_ || queued_bytes_ < max_queued_bytes_; });
}

void Output::close(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      drain_timeout_ = drain_timeout;
      close_deadline_ = std::chrono::steady_clock::now() + drain_timeout;
    }
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Output::broken() const {
  std::lock_guard lock(mutex_);
  return broken_;
}

std::size_t Output::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

bool Output::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

Output::WriteStatus Output::write_all(const std::string& message) {
  std::size_t written = 0;
  while (written < message.size()) {
    pollfd ready{fd_, POLLOUT, 0};
    const int polled = ::poll(&ready, 1, kPollSliceMs);
    if (polled < 0) {
      if (errno == EINTR) continue;
      return WriteStatus::failed;
    }
    if (polled == 0) {
      // The client is not reading. Only at close is there a deadline (no byte taken for the
      // drain timeout): then its output is lost.
      std::lock_guard lock(mutex_);
      if (closing_ && std::chrono::steady_clock::now() >= close_deadline_) {
        return WriteStatus::timed_out;
      }
      continue;
    }
    if ((ready.revents & POLLOUT) == 0) return WriteStatus::failed;  // POLLERR, POLLHUP, POLLNVAL
    const std::size_t chunk = std::min(kWriteChunk, message.size() - written);
    const ssize_t n = ::write(fd_, message.data() + written, chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return WriteStatus::failed;
    }
    written += static_cast<std::size_t>(n);
    std::lock_guard lock(mutex_);
    if (closing_) close_deadline_ = std::chrono::steady_clock::now() + drain_timeout_;
  }
  return WriteStatus::written;
}

void Output::run() {
  while (true) {
    std::string message;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;
      message = std::move(queue_.front());
      queue_.pop_front();
    }
    const WriteStatus status = write_all(message);
    const bool failed = status != WriteStatus::written;
    {
      std::lock_guard lock(mutex_);
      queued_bytes_ -= message.size();
      if (failed) {
        broken_ = true;
        if (status == WriteStatus::timed_out) {
          abandoned_ = true;
          dropped_ += 1 + queue_.size();
        }
        queue_.clear();
        queued_bytes_ = 0;
      }
    }
    changed_.notify_all();  // wait_below_cap()
    if (failed) return;
  }
}

}  // namespace sfq::mcp
