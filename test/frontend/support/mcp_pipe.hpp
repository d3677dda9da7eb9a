// mcp_pipe.hpp — drives an MCP server over real pipes for tests: either sfq::mcp::serve() on a
// thread of the test process (with a fake backend), or a child process such as `sfq mcp --mock`.
// Every line the server writes is kept; tests wait for a given response (or any message matching
// a predicate) with a deadline, never by sleeping. Header-only so that only MCP tests include it.
//
// Thread safety: one test thread drives a McpPipe; its reader threads are internal.
#pragma once

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mcp/backend.hpp"
#include "mcp/server.hpp"

extern char** environ;

namespace sfq::mcp::testing {

using namespace std::chrono_literals;

inline rapidjson::Document parse_json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) throw std::runtime_error("not JSON: " + std::string(text));
  return doc;
}

inline std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

/// The canonical text of a message's id ("7", "\"a\"", "null"), or "" when it has none.
inline std::string id_of(const rapidjson::Value& message) {
  if (!message.IsObject() || !message.HasMember("id")) return {};
  return to_json(message["id"]);
}

class McpPipe {
 public:
  /// Runs serve(config, backend) on a thread, over pipes; stop() makes its stop descriptor
  /// readable (as a signal would). `read_output` false: nothing reads what the server writes
  /// (a client that stopped reading) until close_output().
  McpPipe(ServerConfig config, Backend& backend, bool read_output = true) {
    ignore_sigpipe();
    int to_server[2];
    int from_server[2];
    int stop[2];
    make_pipe(to_server);
    make_pipe(from_server);
    make_pipe(stop);
    input_ = to_server[1];
    output_ = from_server[0];
    stop_ = stop[1];
    server_ = std::thread([config = std::move(config), &backend, in = to_server[0],
                           out = from_server[1], stop_read = stop[0], this] {
      const int status = serve(config, backend, in, out, stop_read);
      ::close(in);
      ::close(out);
      ::close(stop_read);
      std::lock_guard lock(mutex_);
      exit_status_ = status;
      changed_.notify_all();
    });
    if (read_output) start_reader();
  }

  /// Spawns `argv` (argv[0] is the program path) with extra environment entries.
  explicit McpPipe(const std::vector<std::string>& argv,
                   const std::vector<std::string>& extra_env = {}) {
    ignore_sigpipe();
    int to_child[2];
    int from_child[2];
    int errors[2];
    make_pipe(to_child);
    make_pipe(from_child);
    make_pipe(errors);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    for (const auto& e : extra_env) env_strings.push_back(e);
    std::vector<char*> env;
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    ::close(errors[1]);
    if (rc != 0) throw std::runtime_error("cannot spawn " + argv[0]);
    input_ = to_child[1];
    output_ = from_child[0];
    stderr_fd_ = errors[0];
    waiter_ = std::thread([this] {
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      std::lock_guard lock(mutex_);
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      changed_.notify_all();
    });
    stderr_reader_ = std::thread([this] {
      char buffer[4096];
      ssize_t n = 0;
      while ((n = ::read(stderr_fd_, buffer, sizeof buffer)) > 0) {
        std::lock_guard lock(mutex_);
        stderr_.append(buffer, static_cast<std::size_t>(n));
      }
    });
    start_reader();
  }

  ~McpPipe() {
    close_input();
    if (pid_ > 0 && !wait_exit(20s)) ::kill(pid_, SIGKILL);
    // At end of input the server answers what it was asked first: a test that left a statement
    // hanging (a failed assertion) must not hang, so stop it after a while.
    if (server_.joinable() && !wait_exit(20s)) stop();
    close_output();
    if (waiter_.joinable()) waiter_.join();
    if (server_.joinable()) server_.join();
    if (reader_.joinable()) reader_.join();
    if (stderr_reader_.joinable()) stderr_reader_.join();
    if (output_ >= 0) ::close(output_);
    if (stop_ >= 0) ::close(stop_);
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
  }

  McpPipe(const McpPipe&) = delete;
  McpPipe& operator=(const McpPipe&) = delete;

  void send(std::string_view line) { send_raw(std::string(line) + "\n"); }

  void send_raw(std::string_view bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(input_, bytes.data() + written, bytes.size() - written);
      if (n <= 0) throw std::runtime_error("cannot write to the server");
      written += static_cast<std::size_t>(n);
    }
  }

  /// Spawned servers: the process id (-1 for an in-process server).
  [[nodiscard]] pid_t pid() const { return pid_; }

  /// Spawned servers: sends `signal_number` to the process.
  void signal(int signal_number) {
    if (pid_ > 0) ::kill(pid_, signal_number);
  }

  /// In-process servers: signals the stop descriptor.
  void stop() {
    if (stop_ >= 0) {
      const char byte = 1;
      if (::write(stop_, &byte, 1) != 1) throw std::runtime_error("cannot signal stop");
    }
  }

  /// Starts reading what the server writes, for a pipe made with read_output false.
  void start_reading() {
    if (!reader_.joinable() && output_ >= 0) start_reader();
  }

  /// Closes our end of the server's output (a client that went away). Only for a pipe made
  /// with read_output false: a reader thread would still hold it.
  void close_output() {
    if (!reader_.joinable() && output_ >= 0) {
      ::close(output_);
      output_ = -1;
    }
  }

  void close_input() {
    if (input_ >= 0) {
      ::close(input_);
      input_ = -1;
    }
  }

  /// Waits for a message satisfying `match` among all received so far; returns it.
  std::optional<std::string> wait_for(const std::function<bool(const rapidjson::Document&)>& match,
                                      std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    std::size_t scanned = 0;
    std::optional<std::string> found;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      for (; scanned < lines_.size(); ++scanned) {
        rapidjson::Document doc;
        doc.Parse(lines_[scanned].data(), lines_[scanned].size());
        if (!doc.HasParseError() && match(doc)) return lines_[scanned];
      }
      if (eof_) return std::nullopt;
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
          scanned == lines_.size()) {
        return std::nullopt;
      }
    }
  }

  /// The response (result or error) to the request with this id (canonical JSON text).
  std::optional<rapidjson::Document> response(std::string_view id,
                                              std::chrono::milliseconds timeout = 20s) {
    const auto line = wait_for(
        [&](const rapidjson::Document& doc) {
          return id_of(doc) == id && (doc.HasMember("result") || doc.HasMember("error"));
        },
        timeout);
    if (!line) return std::nullopt;
    return parse_json(*line);
  }

  /// Sends a request and waits for its response.
  rapidjson::Document request(std::string_view line, std::string_view id) {
    send(line);
    auto doc = response(id);
    if (!doc)
      throw std::runtime_error("no response to " + std::string(line) +
                               "\nstderr: " + stderr_text());
    return std::move(*doc);
  }

  /// Every line received so far.
  [[nodiscard]] std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  /// Waits until the server closed its output.
  bool wait_eof(std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return eof_; });
  }

  /// Waits for the process (or serve()) to end and, when its output is being read, for every
  /// line it wrote to have been read (the reader saw end of file); true when both happened.
  /// Without the second wait, an answer written just before the exit can still sit in the pipe.
  bool wait_exit(std::chrono::milliseconds timeout = 20s) {
    const bool reading = reader_.joinable();
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return exit_status_.has_value() && (!reading || eof_); });
  }

  [[nodiscard]] std::optional<int> exit_status() const {
    std::lock_guard lock(mutex_);
    return exit_status_;
  }

  [[nodiscard]] std::string stderr_text() const {
    std::lock_guard lock(mutex_);
    return stderr_;
  }

 private:
  static void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

  static void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  }

  void start_reader() {
    reader_ = std::thread([this] {
      std::string pending;
      char buffer[65536];
      while (true) {
        const ssize_t n = ::read(output_, buffer, sizeof buffer);
        if (n <= 0) break;
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t newline = 0;
        std::lock_guard lock(mutex_);
        while ((newline = pending.find('\n')) != std::string::npos) {
          lines_.push_back(pending.substr(0, newline));
          pending.erase(0, newline + 1);
        }
        changed_.notify_all();
      }
      std::lock_guard lock(mutex_);
      if (!pending.empty()) lines_.push_back(pending);  // a line without newline: a defect
      eof_ = true;
      changed_.notify_all();
    });
  }

  int input_ = -1;
  int output_ = -1;
  int stderr_fd_ = -1;
  int stop_ = -1;
  pid_t pid_ = -1;
  std::thread server_;
  std::thread reader_;
  std::thread stderr_reader_;
  std::thread waiter_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::string stderr_;
  bool eof_ = false;
  std::optional<int> exit_status_;
};

}  // namespace sfq::mcp::testing
