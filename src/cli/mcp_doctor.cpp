// mcp_doctor.cpp — see mcp_doctor.hpp.
#include "cli/mcp_doctor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/connection_test.hpp"
#include "cli/exit_codes.hpp"
#include "cli/terminal.hpp"
#include "sfq/log.hpp"

namespace sfq::cli {
namespace {

using Status = Check::Status;
using Clock = std::chrono::steady_clock;

constexpr auto kAnswerTimeout = std::chrono::seconds(30);
constexpr auto kExitTimeout = std::chrono::seconds(10);

// This executable's absolute path, as an MCP client's configuration names it.
std::string self_path() {
  std::vector<char> buffer(PATH_MAX + 1, '\0');
  const ssize_t length = ::readlink("/proc/self/exe", buffer.data(), PATH_MAX);
  if (length <= 0) return "sfq";
  return std::string(buffer.data(), static_cast<std::size_t>(length));
}

std::string command_line(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& arg : args) {
    const bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    out += (out.empty() ? "" : " ") + (plain ? arg : "'" + arg + "'");
  }
  return out;
}

// A child `sfq mcp` on three pipes.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    close_input();
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  /// Starts `args`; "" on success, else why not.
  std::string start(const std::vector<std::string>& args) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return std::strerror(errno);
    if (::pipe2(out, O_CLOEXEC) != 0) return std::strerror(errno);
    if (::pipe2(err, O_CLOEXEC) != 0) return std::strerror(errno);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) return std::strerror(errno);
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec. The CLI blocks its signals in
      // every thread; the server must start with none blocked, as under a real client.
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGPIPE, SIG_DFL);
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    return {};
  }

  /// Writes all of `text` to the child's stdin; false when it cannot.
  bool send(std::string_view text) {
    while (!text.empty()) {
      const ssize_t n = ::write(in_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  void close_input() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
  }

  /// The next line of stdout (without the newline), nullopt at EOF or the deadline.
  std::optional<std::string> read_line(Clock::time_point deadline) {
    for (;;) {
      if (const auto end = out_buffer_.find('\n'); end != std::string::npos) {
        std::string line = out_buffer_.substr(0, end);
        out_buffer_.erase(0, end + 1);
        return line;
      }
      if (out_ < 0 || !pump(deadline)) return std::nullopt;
    }
  }

  /// Waits for the child to exit; its wait status, nullopt at the deadline.
  std::optional<int> wait_exit(Clock::time_point deadline) {
    for (;;) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        reaped_ = true;
        return status;
      }
      if (Clock::now() >= deadline) return std::nullopt;
      // Drain output meanwhile (a full pipe would block its exit); else wait a little.
      if (!pump(std::min(deadline, Clock::now() + std::chrono::milliseconds(50)))) {
        ::poll(nullptr, 0, 10);
      }
    }
  }

  /// What the child wrote on stderr so far.
  [[nodiscard]] const std::string& errors() const { return err_buffer_; }

 private:
  // Reads what is available on stdout/stderr before the deadline; false when nothing more can
  // come (EOF on stdout, or the deadline).
  bool pump(Clock::time_point deadline) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    const int ready = ::poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) return true;
    if (ready <= 0) return false;
    char buffer[65536];
    bool more = true;
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_ : err_;
      if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fd, buffer, sizeof(buffer));
      if (n > 0) {
        (i == 0 ? out_buffer_ : err_buffer_).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
        if (i == 0) more = false;
      }
    }
    return more;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string out_buffer_, err_buffer_;
};

// The last lines of the server's stderr, secrets redacted, for a failure's details.
std::vector<std::string> last_lines(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) lines.push_back("server stderr: " + redact(text.substr(at, end - at)));
    at = end + 1;
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

// The response with `id` among the next lines (notifications and other ids are skipped).
std::optional<rapidjson::Document> await_response(Child& child, int id, Clock::time_point deadline,
                                                  std::string& problem) {
  while (auto line = child.read_line(deadline)) {
    rapidjson::Document doc;
    if (doc.Parse(line->c_str()).HasParseError() || !doc.IsObject()) {
      problem =
          "the server wrote a line that is not JSON-RPC on stdout: " + redact(line->substr(0, 120));
      return std::nullopt;
    }
    if (doc.HasMember("id") && doc["id"].IsInt() && doc["id"].GetInt() == id) return doc;
  }
  problem = Clock::now() >= deadline
                ? "no answer within " + std::to_string(kAnswerTimeout.count()) + " s"
                : "the server closed its output without answering";
  return std::nullopt;
}

std::string string_at(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) return {};
  return object[name].GetString();
}

std::vector<Check> mcp_round_trip(const std::vector<std::string>& args) {
  std::vector<Check> checks;
  Check start{"mcp server", Status::pass, {}, {}, {}};
  Child child;
  const std::string command = command_line(args);
  if (auto error = child.start(args); !error.empty()) {
    start.status = Status::fail;
    start.summary = "cannot start " + command + ": " + error;
    checks.push_back(std::move(start));
    return checks;
  }
  start.summary = "started " + command + " (stdio, as an MCP client starts it)";
  checks.push_back(std::move(start));
  const auto deadline = Clock::now() + kAnswerTimeout;

  Check initialize{"initialize", Status::pass, {}, {}, {}};
  const std::string version = SFQ_VERSION;
  const bool sent = child.send(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"sfq-mcp-doctor\","
      "\"version\":\"" +
      version + "\"}}}\n");
  std::string problem = "the server's input is closed (it exited)";
  auto answer = sent ? await_response(child, 1, deadline, problem) : std::nullopt;
  if (!answer || !(*answer).HasMember("result") || !(*answer)["result"].IsObject()) {
    initialize.status = Status::fail;
    if (answer && answer->HasMember("error")) {
      problem = "the server answered an error: " + string_at((*answer)["error"], "message");
    }
    initialize.summary = problem;
    initialize.details = last_lines(child.errors(), 5);
    initialize.fixes.push_back("run `" + command +
                               "` in a terminal to see what it says on standard error");
    checks.push_back(std::move(initialize));
    checks.push_back({"tools/list", Status::skipped, "not tried: initialize failed", {}, {}});
    return checks;
  }
  const auto& result = (*answer)["result"];
  std::string server = "?";
  if (result.HasMember("serverInfo")) {
    server =
        string_at(result["serverInfo"], "name") + " " + string_at(result["serverInfo"], "version");
  }
  initialize.summary =
      "answered by " + server + ", protocol " + string_at(result, "protocolVersion");
  checks.push_back(std::move(initialize));

  Check list{"tools/list", Status::pass, {}, {}, {}};
  if (!child.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n")) {
    problem = "the server's input is closed (it exited)";
    answer.reset();
  } else {
    answer = await_response(child, 2, deadline, problem);
  }
  const rapidjson::Value* tools = nullptr;
  if (answer && answer->HasMember("result") && (*answer)["result"].IsObject() &&
      (*answer)["result"].HasMember("tools") && (*answer)["result"]["tools"].IsArray()) {
    tools = &(*answer)["result"]["tools"];
  }
  if (tools == nullptr || tools->Empty()) {
    list.status = Status::fail;
    list.summary = tools != nullptr ? "the server lists no tools" : problem;
    list.details = last_lines(child.errors(), 5);
  } else {
    std::string names;
    for (const auto& tool : tools->GetArray()) {
      names += (names.empty() ? "" : ", ") + string_at(tool, "name");
    }
    list.summary = std::to_string(tools->Size()) + " tools: " + names;
  }
  checks.push_back(std::move(list));

  Check shutdown{"shutdown", Status::pass, {}, {}, {}};
  child.close_input();
  const auto status = child.wait_exit(Clock::now() + kExitTimeout);
  if (!status) {
    shutdown.status = Status::fail;
    shutdown.summary = "still running " + std::to_string(kExitTimeout.count()) +
                       " s after its input closed (killed)";
  } else if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) {
    shutdown.summary = "exited with status 0 when its input closed";
  } else {
    shutdown.status = Status::fail;
    shutdown.summary = WIFEXITED(*status)
                           ? "exited with status " + std::to_string(WEXITSTATUS(*status))
                           : "killed by signal " + std::to_string(WTERMSIG(*status));
    shutdown.details = last_lines(child.errors(), 5);
  }
  checks.push_back(std::move(shutdown));
  return checks;
}

}  // namespace

int run_mcp_doctor(int argc, char** argv) {
  CLI::App app{
      "sfq mcp doctor — is sfq mcp ready for an AI client? Runs `sfq connection test` "
      "for the connection the server would use, then starts `sfq mcp` as a client "
      "does and makes one initialize + tools/list round trip over stdio",
      "sfq mcp doctor"};
  ConnectionFlags flags;
  bool json = false;
  app.add_option_function<std::string>(
         "-c,--connection", [&flags](const std::string& v) { flags.connection = v; },
         "the connection the MCP server is configured with (default: the default connection)")
      ->type_name("NAME");
  app.add_option_function<std::string>(
         "--config-file", [&flags](const std::string& v) { flags.config_file = v; },
         "use this config.toml instead of the default one (passed on to sfq mcp)")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "--format", [&json](const std::string& v) { json = CLI::detail::to_lower(v) == "json"; },
         "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}, CLI::ignore_case))
      ->type_name("FORMAT");
  app.footer(
      "Exit codes: 0 everything passed; 2, 3 or 5 the connection test failed (see `sfq "
      "connection test --help`); 4 the connection passed but the MCP round trip failed.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    try {
      write_all(STDOUT_FILENO, app.help());
    } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
    }
    return kExitSuccess;
  } catch (const CLI::ParseError& e) {
    try {
      write_all(STDERR_FILENO, std::string("sfq: error: ") + e.what() +
                                   "\nRun `sfq mcp doctor --help` for usage.\n");
    } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
    }
    return kExitUsage;
  }

  // A server that dies must not kill us while we write to it.
  std::signal(SIGPIPE, SIG_IGN);
  ConnectionTestReport report = test_connection(flags);
  const int connection_code = report.exit_code;
  std::vector<std::string> args = {self_path(), "mcp"};
  if (flags.connection) args.insert(args.end(), {"--connection", *flags.connection});
  if (flags.config_file) args.insert(args.end(), {"--config-file", *flags.config_file});
  std::vector<Check> mcp = mcp_round_trip(args);
  bool mcp_ok = true;
  for (const auto& check : mcp) mcp_ok = mcp_ok && check.status != Status::fail;
  report.checks.insert(report.checks.end(), mcp.begin(), mcp.end());
  report.exit_code = connection_code != kExitSuccess ? connection_code
                     : mcp_ok                        ? kExitSuccess
                                                     : kExitCommunication;
  return print_report(report, json);
}

}  // namespace sfq::cli
