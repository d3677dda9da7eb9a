// sfq/error.hpp — the one error type of libsfq and the Result type that carries it.
//
// Every failure, whatever layer it comes from, becomes an sfq::Error. Its category says who is
// at fault (the caller's configuration, authentication, the network, a protocol violation, the
// server rejecting SQL, a cancellation, a deadline), and the optional fields carry what
// Snowflake said: its error code, the SQLSTATE, the statement handle (query id) and the HTTP
// status. Errors are cheap to copy (the details are shared and immutable), so they can be
// stored in results, passed between threads and thrown.
//
// Fallible internal functions return Result<T> instead of throwing; exceptions never cross C
// callbacks (libcurl, epoll). The blocking convenience APIs of the public interface throw
// sfq::Error.
//
// Thread safety: Error and Result are values; distinct objects may be used from any thread.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace sfq {

/// Who is at fault. Front ends map these: the CLI to exit codes, MCP to tool errors.
enum class ErrorCategory : std::uint8_t {
  config,     ///< invalid options, files, flags or arguments: the caller must fix them
  auth,       ///< credentials missing, unreadable, wrong, expired or rejected by the server
  transport,  ///< cannot connect, connection reset, TLS failure, retries exhausted
  protocol,   ///< the server answered something the client cannot understand
  server,     ///< the server rejected or failed the statement (SQL errors)
  cancelled,  ///< cancelled by the caller (or by the user through Ctrl-C)
  timeout,    ///< a deadline ran out, on the client or on the server (statement timeout)
};

/// The lower-case name of a category ("config", "auth", ...).
[[nodiscard]] std::string_view to_string(ErrorCategory category) noexcept;

/// What exactly happened, where the category alone does not say. Front ends may refine their
/// mapping with it (docs/RELIABILITY.md has the CLI's exit codes); `none` for everything else.
enum class ErrorDetail : std::uint8_t {
  none,
  cannot_connect,   ///< transport: no request reached the server (name lookup, refused, connect
                    ///< timeout, TLS handshake): nothing can have run there
  client_deadline,  ///< timeout: a deadline of the caller ran out (total_timeout, a wait's
                    ///< deadline); the statement was cancelled on the server, best effort
  server_timeout,   ///< timeout: the server's statement timeout ended the statement
  stalled,          ///< timeout: an attempt received nothing for stall_timeout
  callback,         ///< a callback of the caller (on_batch, on_progress) threw
  untrusted_certificate,  ///< transport: the server's TLS certificate failed verification;
                          ///< never retried (only a change of trusted CAs can fix it)
};

/// The lower-case name of a detail ("none", "cannot_connect", ...).
[[nodiscard]] std::string_view to_string(ErrorDetail detail) noexcept;

/// Everything an error can say. Fields that do not apply stay empty (or 0).
struct ErrorInfo {
  ErrorCategory category = ErrorCategory::protocol;
  std::string message;           ///< human-readable text; never contains secrets
  std::string code;              ///< Snowflake's error code, e.g. "002003"
  std::string sql_state;         ///< SQLSTATE, e.g. "42S02"
  std::string statement_handle;  ///< the statement handle (query id) when one is known
  int http_status = 0;           ///< the HTTP status of the response, 0 when none
};

/// The error type of libsfq: an immutable, cheaply copyable value that is also an exception.
class Error : public std::exception {
 public:
  Error(ErrorCategory category, std::string message, ErrorDetail detail = ErrorDetail::none);
  explicit Error(ErrorInfo info, ErrorDetail detail = ErrorDetail::none);
  // Moving copies the shared pointers, so a moved-from Error stays a valid Error (its accessors
  // and what() never see a null pointer). Copies are cheap and cannot throw.
  Error(const Error&) noexcept = default;
  Error(Error&& other) noexcept : Error(static_cast<const Error&>(other)) {}
  Error& operator=(const Error&) noexcept = default;
  Error& operator=(Error&& other) noexcept { return *this = static_cast<const Error&>(other); }
  ~Error() override = default;

  [[nodiscard]] ErrorCategory category() const noexcept { return info_->category; }
  [[nodiscard]] const std::string& message() const noexcept { return info_->message; }
  [[nodiscard]] const std::string& code() const noexcept { return info_->code; }
  [[nodiscard]] const std::string& sql_state() const noexcept { return info_->sql_state; }
  [[nodiscard]] const std::string& statement_handle() const noexcept {
    return info_->statement_handle;
  }
  [[nodiscard]] int http_status() const noexcept { return info_->http_status; }
  /// The finer reason, when there is one (ErrorDetail::none otherwise).
  [[nodiscard]] ErrorDetail detail() const noexcept { return detail_; }
  [[nodiscard]] const ErrorInfo& info() const noexcept { return *info_; }

  /// One line for people: the message followed by the code, SQLSTATE, query id and HTTP status
  /// that are known, e.g. `Object 'T' does not exist (code 002003, SQLSTATE 42S02, query id
  /// 01b2...)`.
  [[nodiscard]] const char* what() const noexcept override { return what_->c_str(); }

  /// A copy with a different message prefix: "<context>: <message>". Other fields are kept.
  [[nodiscard]] Error with_context(std::string_view context) const;
  /// A copy with a different detail. Other fields are kept.
  [[nodiscard]] Error with_detail(ErrorDetail detail) const;

 private:
  std::shared_ptr<const ErrorInfo> info_;
  std::shared_ptr<const std::string> what_;
  ErrorDetail detail_ = ErrorDetail::none;
};

/// A value or an Error. Marked [[nodiscard]] so a failure cannot be silently dropped.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported");
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  using value_type = T;

  // NOLINTNEXTLINE(google-explicit-constructor): implicit by design, like std::expected.
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  template <typename... Args>
  explicit Result(std::in_place_t /*tag*/, Args&&... args)
      : state_(std::in_place_index<0>, std::forward<Args>(args)...) {}

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws the Error when there is none.
  [[nodiscard]] T& value() & {
    throw_if_error();
    return std::get<0>(state_);
  }
  [[nodiscard]] const T& value() const& {
    throw_if_error();
    return std::get<0>(state_);
  }
  [[nodiscard]] T&& value() && {
    throw_if_error();
    return std::get<0>(std::move(state_));
  }

  template <typename U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

  /// The error. Precondition: !ok().
  [[nodiscard]] const Error& error() const& { return std::get<1>(state_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void throw_if_error() const {
    if (!ok()) throw std::get<1>(state_);
  }

  std::variant<T, Error> state_;
};

/// Success or an Error, for fallible functions without a value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(Error error) : error_(std::move(error)) {}

  [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  /// Throws the Error, if any.
  void value() const {
    if (error_) throw *error_;
  }

  /// The error. Precondition: !ok().
  [[nodiscard]] const Error& error() const& { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace sfq
