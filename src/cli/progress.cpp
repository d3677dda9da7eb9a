// progress.cpp — see progress.hpp.
#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "cli/text_width.hpp"

namespace sfq::cli {
namespace {

constexpr std::array<std::string_view, 10> kSpinner = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                       "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::array<std::string_view, 4> kAsciiSpinner = {"|", "/", "-", "\\"};
constexpr std::chrono::milliseconds kTick{100};
constexpr std::string_view kClearLine = "\r\x1b[K";

void write_quietly(int fd, std::string_view text) {
  // Progress is best effort: a failed write to stderr must not disturb the statement.
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string short_failure(std::string_view failure) {
  // The OS's reason, which the library puts in parentheses after a failed connect.
  if (failure.find("cannot connect") != std::string_view::npos && failure.ends_with(")")) {
    const auto open = failure.rfind('(');
    if (open != std::string_view::npos) {
      std::string reason(failure.substr(open + 1, failure.size() - open - 2));
      if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
      return reason;
    }
  }
  if (failure.find("Could not resolve host") != std::string_view::npos ||
      failure.find("Couldn't resolve host") != std::string_view::npos) {
    return "host name not found";
  }
  if (failure.find("timed out") != std::string_view::npos) return "timed out";
  // A status ("HTTP 503"), not the word in a sentence ("serves plain HTTP").
  for (auto http = failure.find("HTTP "); http != std::string_view::npos;
       http = failure.find("HTTP ", http + 1)) {
    const std::string_view status = failure.substr(http + 5, 3);
    if (status.size() == 3 &&
        std::all_of(status.begin(), status.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::string(failure.substr(http, 8));
    }
  }
  return "";
}

std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u2009";  // thin space
    out += digits[i];
  }
  return out;
}

std::string ascii_only(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, 2) == "\u00b7") {
      out += '-';
      i += 2;
    } else if (text.substr(i, 3) == "\u2009") {
      out += ' ';
      i += 3;
    } else if (text.substr(i, 3) == "\u2026") {
      out += "...";
      i += 3;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string describe_progress(const QueryProgress& progress) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s",
                static_cast<double>(progress.elapsed.count()) / 1000.0);
  std::string text = seconds;
  text += " · ";
  switch (progress.state) {
    case QueryState::queued:
      // Not yet answered by the server: the request is on its way, or being retried.
      if (progress.retries == 0) {
        text += "sending";
      } else {
        const bool connecting = progress.last_failure.find("cannot connect") != std::string::npos;
        text += std::string(connecting ? "connecting" : "sending") + "… retry " +
                std::to_string(progress.retries);
        if (const std::string why = short_failure(progress.last_failure); !why.empty()) {
          text += " (" + why + ")";
        }
      }
      break;
    case QueryState::running:
      text += "running";
      break;
    case QueryState::fetching:
      if (progress.partitions_total > 1) {
        const std::size_t k = std::min(progress.partitions_received + 1, progress.partitions_total);
        text += "fetching partition " + std::to_string(k) + " of " +
                std::to_string(progress.partitions_total);
      } else {
        text += "fetching";
      }
      break;
    default:
      text += to_string(progress.state);
      break;
  }
  if (progress.rows_received > 0 || progress.state == QueryState::fetching) {
    text += " · " + group_digits(progress.rows_received);
    if (progress.total_rows > 0) text += " of " + group_digits(progress.total_rows);
    text += progress.rows_received == 1 && progress.total_rows == 0 ? " row" : " rows";
  }
  return text;
}

ProgressLine::ProgressLine(Query query, int fd, std::size_t width, bool utf8,
                           std::chrono::milliseconds delay)
    : query_(std::move(query)), fd_(fd), width_(width), utf8_(utf8), delay_(delay) {
  thread_ = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() { stop(); }

void ProgressLine::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (shown_) write_quietly(fd_, kClearLine);
    shown_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressLine::draw(const std::string& text) {
  std::string line(kClearLine);
  // Never let the line wrap: a wrapped line cannot be erased with \r.
  line += width_ > 1 ? truncate_to_width(text, width_ - 1) : text;
  write_quietly(fd_, line);
  shown_ = true;
}

void ProgressLine::run() {
  const auto start = std::chrono::steady_clock::now();
  std::size_t frame = 0;
  std::unique_lock lock(mutex_);
  // The display is periodic by nature: waiting on the condition variable with a timeout is the
  // ticker, and stop() wakes it at once.
  if (cv_.wait_until(lock, start + delay_, [this] { return stopped_; })) return;
  while (!stopped_) {
    const QueryProgress progress = query_.progress();
    std::string text(utf8_ ? kSpinner[frame % kSpinner.size()]
                           : kAsciiSpinner[frame % kAsciiSpinner.size()]);
    ++frame;
    text += ' ';
    text += describe_progress(progress);
    // The query id as soon as the server has assigned it, for !abort from another session.
    if (const std::string id = query_.statement_handle(); !id.empty()) text += " · " + id;
    draw(utf8_ ? text : ascii_only(text));
    if (cv_.wait_for(lock, kTick, [this] { return stopped_; })) break;
  }
}

}  // namespace sfq::cli
