// values.hpp — runtime values: one cell in its physical SQLite form (see types.hpp), the casts
// between Snowflake types that the translator and the UDFs share, and the wire encoding of a
// result cell as the real service writes it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/json.hpp"
#include "engine/timeutil.hpp"
#include "engine/types.hpp"

namespace mock_snowflake::engine {

/// A cell in its physical form.
struct Val {
  enum class T { null, integer, real, text, blob };
  T t = T::null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;  ///< text, or blob bytes

  static Val null() { return {}; }
  static Val integer(std::int64_t v) {
    Val x;
    x.t = T::integer;
    x.i = v;
    return x;
  }
  static Val real(double v) {
    Val x;
    x.t = T::real;
    x.d = v;
    return x;
  }
  static Val text(std::string v) {
    Val x;
    x.t = T::text;
    x.s = std::move(v);
    return x;
  }
  static Val blob(std::string v) {
    Val x;
    x.t = T::blob;
    x.s = std::move(v);
    return x;
  }
  [[nodiscard]] bool is_null() const { return t == T::null; }
};

Val val_from_sqlite(sqlite3_value* v);
Val val_from_column(sqlite3_stmt* stmt, int column);
void val_to_result(sqlite3_context* ctx, const Val& v);
int val_bind(sqlite3_stmt* stmt, int index, const Val& v);

/// Session state that conversions depend on.
struct ValueContext {
  std::shared_ptr<const TimeZone> tz = TimeZone::utc();
  // Output formats as set by the session parameters; empty means "not set".
  std::string date_output_format;
  std::string time_output_format;
  std::string timestamp_output_format;
  std::string timestamp_ntz_output_format;
  std::string timestamp_ltz_output_format;
  std::string timestamp_tz_output_format;
  std::string binary_output_format;  ///< HEX (default) or BASE64
};

// TIMESTAMP_TZ physical form.
std::string tz_pack(std::int64_t instant_nanos, int offset_minutes);
bool tz_unpack(std::string_view blob, std::int64_t& instant_nanos, int& offset_minutes);

/// Offset (minutes) of the session zone at an instant.
int zone_offset_minutes(const ValueContext& ctx, std::int64_t instant_nanos);
/// The instant of a local wall-clock time in the session zone.
std::int64_t local_to_instant(const ValueContext& ctx, std::int64_t wall_nanos);

/// Casts `v` (physical form of `from`) to `to`. Throws SfError (e.g. 100038) when the value
/// cannot be converted.
Val cast_value(const Val& v, const SfType& from, const SfType& to, const ValueContext& ctx);

/// The text of a value, as CAST(x AS VARCHAR) gives it (session output formats apply).
std::string value_to_text(const Val& v, const SfType& from, const ValueContext& ctx);

/// The value as a JSON value (TO_VARIANT, OBJECT_CONSTRUCT arguments). SQL NULL -> undefined.
JsonValue value_to_json(const Val& v, const SfType& from, const ValueContext& ctx);

/// The value of a JSON scalar/variant as a physical value of `to` (v:x::type).
Val json_to_value(const JsonValue& j, const SfType& to, const ValueContext& ctx);

/// The wire text of a result cell; nullopt for SQL NULL.
std::optional<std::string> encode_wire(const Val& v, const SfType& type, const ValueContext& ctx);

/// Rounds plain decimal text ("-12.345") to `scale` fraction digits, half away from zero;
/// nullopt when the text is not a plain decimal.
std::optional<std::string> round_decimal_text(std::string_view text, int scale);

/// Decimal text of a fixed value with exactly `scale` fraction digits.
std::string format_fixed(const Val& v, int scale);

/// Uppercase hex of bytes / bytes of hex text (nullopt when not hex).
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);
std::string to_base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);

/// Parses a numeric literal/text. Returns nullopt when it is not a number.
std::optional<Val> parse_number_text(std::string_view text, bool allow_special_floats);

/// Epoch-based helpers: nanoseconds of a numeric value interpreted as Snowflake does for
/// TO_TIMESTAMP(number): seconds, milliseconds, microseconds or nanoseconds by magnitude.
std::int64_t epoch_number_to_nanos(double value, std::optional<int> scale);

}  // namespace mock_snowflake::engine
