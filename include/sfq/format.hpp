// sfq/format.hpp — one formatting module for every front end: display text for tables and
// CSV, ISO-8601 dates and times, and type-faithful JSON values.
//
// JSON values (append_json):
//   fixed           a JSON number with exactly the digits Snowflake sent (never via double)
//   real            a number; NaN and ±inf as the strings "NaN", "inf", "-inf"
//   boolean         true / false
//   text, decfloat  a string (decfloat: the exact digits, as a number)
//   date            "YYYY-MM-DD"
//   time            "HH:MM:SS", plus '.' and `scale` fraction digits when scale > 0
//   timestamp_ntz   "YYYY-MM-DDTHH:MM:SS[.fff…]"
//   timestamp_ltz   the same, in UTC, with "Z"
//   timestamp_tz    the local time with its offset: "YYYY-MM-DDTHH:MM:SS[.fff…]+07:00"
//   binary          uppercase hex string
//   variant/object/array/geography/geometry  nested JSON; vector an array of numbers
//   NULL            null
// Display text (append_text) is the same without JSON quoting, with a space between date and
// time. Fraction digits follow the column's scale (default 9 for times and timestamps).
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfq/value.hpp"

namespace sfq::format {

/// Appends the JSON value of a cell (`null` for NULL).
void append_json(std::string& out, const Column& column, std::size_t row);

/// Appends the display text of a cell; NULL appends `null_text`.
void append_text(std::string& out, const Column& column, std::size_t row,
                 std::string_view null_text = "NULL");

/// Appends `text` as a JSON string literal, quotes included (UTF-8 kept, control characters
/// escaped, invalid UTF-8 replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view text);

/// "YYYY-MM-DD" (proleptic Gregorian, astronomical year numbering: 0000 is 1 BC; years before 0
/// or after 9999 are written with a sign and as many digits as needed: "-0001", "+10000").
[[nodiscard]] std::string iso_date(std::int64_t days_since_epoch);

/// "HH:MM:SS[.f…]" with `scale` fraction digits (0–9).
[[nodiscard]] std::string iso_time(std::int64_t nanos_since_midnight, int scale);

/// "YYYY-MM-DD<sep>HH:MM:SS[.f…]" for the wall-clock seconds and nanos (no zone suffix).
[[nodiscard]] std::string iso_timestamp(const Timestamp& wall_clock, int scale, char separator);

/// Whether values of the column read as numbers (right-aligned in tables).
[[nodiscard]] bool is_numeric(ColumnType type) noexcept;

}  // namespace sfq::format
