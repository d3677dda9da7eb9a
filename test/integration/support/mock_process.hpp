// mock_process.hpp — runs the `mock-snowflake` executable as a child process, for tests that
// must measure the client alone (memory) or exercise the executable.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sfq::testing {

class MockProcess {
 public:
  /// Starts `binary` with `args` and waits for its "listening on URL" line.
  MockProcess(const std::string& binary, const std::vector<std::string>& args);
  ~MockProcess();  // SIGTERM, then waits
  MockProcess(const MockProcess&) = delete;
  MockProcess& operator=(const MockProcess&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
};

/// Peak resident set size of this process (VmHWM) in bytes.
std::size_t peak_rss_bytes();
/// Resets VmHWM to the current RSS (Linux >= 4.0: writes "5" to /proc/self/clear_refs).
bool reset_peak_rss();

}  // namespace sfq::testing
