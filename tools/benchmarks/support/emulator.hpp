// emulator.hpp — the mock-snowflake executable as a child process pinned to CPU 0, for the
// benchmarks that drive it from outside (bench_concurrency, bench_emulator): started with a
// public key and no sample data (and a TLS certificate when given), its URL read from the first
// line it prints, stopped with SIGTERM when the object goes; plus what it costs (/proc).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "raw_client.hpp"

namespace sfq::bench {

struct EmulatorSettings {
  std::string program = "mock-snowflake";
  std::string public_key_file;
  std::string tls_cert;  ///< with tls_key: serve HTTPS
  std::string tls_key;
  bool quiet_stderr = false;  ///< send its standard error (its "stopping" line) to /dev/null
};

class Emulator {
 public:
  explicit Emulator(const EmulatorSettings& settings) {
    std::vector<std::string> args = {settings.program, "--public-key", settings.public_key_file,
                                     "--no-sample-data"};
    if (!settings.tls_cert.empty()) {
      args.insert(args.end(), {"--tls-cert", settings.tls_cert, "--tls-key", settings.tls_key});
    }
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      pin_to(0);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (settings.quiet_stderr) {
        const int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) dup2(null_fd, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const auto at = line.find("://");
    if (at == std::string::npos) {
      stop();
      throw std::runtime_error("the emulator did not start: " + line);
    }
    const auto scheme = line.rfind(' ', at);
    url_ = line.substr(scheme == std::string::npos ? 0 : scheme + 1);
    port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
  }
  ~Emulator() { stop(); }
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// scheme://127.0.0.1:port
  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] int port() const { return port_; }

  /// Open descriptors of the emulator (its connections, the listener, a few more).
  [[nodiscard]] std::size_t descriptors() const { return entries("fd"); }
  /// Threads of the emulator.
  [[nodiscard]] std::size_t threads() const { return entries("task"); }
  /// utime + stime of the emulator, in clock ticks.
  [[nodiscard]] long long cpu_ticks() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long long utime = 0;
    long long stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::stoll(field);
      if (i == 15) stime = std::stoll(field);
    }
    return utime + stime;
  }

 private:
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  [[nodiscard]] std::size_t entries(const char* what) const {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/" + what)) {
      ++count;
    }
    return count;
  }

  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
};

}  // namespace sfq::bench
