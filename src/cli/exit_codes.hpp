// exit_codes.hpp — sfq's exit statuses (SnowSQL's, plus 128+signal) and how an sfq::Error maps
// to one.
//
//   0    success
//   1    client error: something sfq itself could not do (an undefined variable, an unknown
//        client command or a !source file that cannot be read in a script, a failed write)
//   2    bad command-line arguments or configuration (flags, config files, connection choice)
//   3    cannot connect: no connection to the server could be made, or authentication failed
//        (missing or unreadable key, wrong passphrase, credentials rejected by the server)
//   4    communication error: the connection broke after the server had answered, or the
//        server answered something sfq cannot understand
//   5    SQL error: the server rejected or failed a statement, a statement timeout included
//   6    client-side deadline: the statement did not finish within total_timeout (it was
//        cancelled on the server, best effort); docs/RELIABILITY.md
//   130  interrupted (Ctrl-C) and the statement is not running: the server confirmed the
//        cancel, or it was never sent, or it had finished (or Ctrl-C was pressed twice); 143
//        for SIGTERM and 129 for SIGHUP. A cancel the server did not confirm gives 4 (runner.hpp)
#pragma once

#include <string>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitClientError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCannotConnect = 3;
inline constexpr int kExitCommunication = 4;
inline constexpr int kExitSqlError = 5;
inline constexpr int kExitDeadline = 6;
inline constexpr int kExitInterrupted = 130;

/// The exit status for `error`. `server_answered` says whether the server has answered any
/// request of this run: a transport error before that means sfq could not connect (3), after it
/// the connection broke (4).
[[nodiscard]] inline int exit_code_for(const Error& error, bool server_answered) noexcept {
  switch (error.category()) {
    case ErrorCategory::config:
      return kExitUsage;
    case ErrorCategory::auth:
      return kExitCannotConnect;
    case ErrorCategory::transport:
      // No attempt of the request reached the server (refused, name lookup, connect timeout).
      if (error.detail() == ErrorDetail::cannot_connect ||
          error.detail() == ErrorDetail::untrusted_certificate) {
        return kExitCannotConnect;
      }
      return server_answered || !error.statement_handle().empty() ? kExitCommunication
                                                                  : kExitCannotConnect;
    case ErrorCategory::protocol:
      return kExitCommunication;
    case ErrorCategory::server:
      return kExitSqlError;
    case ErrorCategory::timeout:
      return error.detail() == ErrorDetail::client_deadline ? kExitDeadline : kExitSqlError;
    case ErrorCategory::cancelled:
      return kExitInterrupted;
  }
  return kExitClientError;
}

/// `text` on one line, for error messages: line breaks (Snowflake's messages have them) and
/// the indentation after them become one space.
[[nodiscard]] inline std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      if (!space && !out.empty()) out += ' ';
      space = true;
      continue;
    }
    if (space && (c == ' ' || c == '\t')) continue;
    space = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace sfq::cli
