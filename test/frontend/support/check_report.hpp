// check_report.hpp — reading the reports of `sfq connection test` and `sfq mcp doctor` in tests:
// one line per check, "✓ name  summary", "✗ …", "- …" (not tried) or "? …".
#pragma once

#include <string>

namespace sfq::test_support {

/// The report's line for `check` ("" when absent), e.g. "✓ login   logged in as …".
inline std::string line_of(const std::string& out, const std::string& check) {
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t end = out.find('\n', at);
    const std::string line = out.substr(at, end == std::string::npos ? end : end - at);
    const auto space = line.find(' ');
    if (space != std::string::npos && line.compare(space + 1, check.size(), check) == 0 &&
        line.size() > space + 1 + check.size() && line[space + 1 + check.size()] == ' ') {
      return line;
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

inline bool passed(const std::string& out, const std::string& check) {
  return line_of(out, check).rfind("✓ ", 0) == 0;
}
inline bool failed(const std::string& out, const std::string& check) {
  return line_of(out, check).rfind("✗ ", 0) == 0;
}
inline bool skipped(const std::string& out, const std::string& check) {
  return line_of(out, check).rfind("- ", 0) == 0;
}

}  // namespace sfq::test_support
