// sfq/statement.hpp — one request to run SQL: the text, its bind values and its context.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfq/value.hpp"

namespace sfq {

/// Binding types of the SQL API.
enum class BindType : std::uint8_t {
  fixed,
  real,
  decfloat,
  text,
  binary,
  boolean,
  date,
  time,
  timestamp_ntz,
  timestamp_ltz,
  timestamp_tz,
};

/// "FIXED", "REAL", ... as the API spells them.
[[nodiscard]] std::string_view to_string(BindType type) noexcept;

/// A bind value, already in the API's wire form (every value is a string). Use the factories:
/// they produce the encodings the API expects (DATE in milliseconds since the epoch, TIME in
/// nanoseconds since midnight, TIMESTAMP_* in nanoseconds since the epoch, TIMESTAMP_TZ with
/// "<nanos> <offset + 1440>", BINARY as hex).
struct BindValue {
  BindType type = BindType::text;
  std::vector<std::optional<std::string>> values;  ///< one value, or the elements of an array
  bool is_array = false;

  static BindValue null(BindType type);
  static BindValue integer(std::int64_t value);
  /// An exact decimal given as text ("123.45", "-1e5" is not accepted: plain digits only).
  static BindValue decimal(std::string digits);
  static BindValue real(double value);
  static BindValue text(std::string value);
  static BindValue boolean(bool value);
  static BindValue binary(std::string_view bytes);
  static BindValue date(std::int32_t days_since_epoch);
  static BindValue time(std::int64_t nanos_since_midnight);
  static BindValue timestamp_ntz(Timestamp wall_clock);
  static BindValue timestamp_ltz(Timestamp instant);
  static BindValue timestamp_tz(Timestamp instant_with_offset);
  /// Runs the statement once per element (batch insert); elements are wire strings or null.
  static BindValue array(BindType type, std::vector<std::optional<std::string>> values);
};

struct Statement {
  Statement() = default;
  explicit Statement(std::string text) : sql(std::move(text)) {}

  /// The SQL text: one statement, or several separated by ';' with multi_statement_count set.
  std::string sql;
  /// Values for `?` placeholders, in order (sent as "1", "2", ...).
  std::vector<BindValue> bindings;
  /// Values for `:name` placeholders.
  std::map<std::string, BindValue> named_bindings;

  /// Context overrides; empty means the connection's default.
  std::string database;
  std::string schema;
  std::string warehouse;
  std::string role;

  /// Server-side timeout; unset: the connection's statement_timeout.
  std::optional<std::chrono::seconds> timeout;
  /// Client-side deadline for this statement; unset: the connection's total_timeout.
  std::optional<std::chrono::milliseconds> total_timeout;
  /// QUERY_TAG session parameter.
  std::string query_tag;
  /// MULTI_STATEMENT_COUNT: unset = 1 (one statement); 0 = any number; N = exactly N.
  std::optional<int> multi_statement_count;
  /// Submit with async=true: the server answers at once with a handle.
  bool async = false;
  /// Other session parameters (TIMEZONE, DATE_OUTPUT_FORMAT, ...), upper-case names.
  std::map<std::string, std::string> parameters;
  /// The requestId to use; empty: a random UUID. Retries always reuse it with retry=true.
  std::string request_id;

  Statement& bind(BindValue value) {
    bindings.push_back(std::move(value));
    return *this;
  }
  Statement& bind(std::string name, BindValue value) {
    named_bindings.insert_or_assign(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace sfq
