// sfq/value.hpp — result columns: their metadata and their decoded, typed values.
//
// Snowflake sends every cell as a string (or null) plus `rowType` metadata. libsfq decodes each
// partition once, on a decode worker, into a RowBatch of typed Columns:
//
//   fixed          int64 unscaled value when it fits (value = unscaled / 10^scale), otherwise the
//                  exact decimal text as sent (up to 38 digits are kept exactly)
//   decfloat       the exact decimal text as sent
//   real           double (NaN and ±inf included)
//   text           UTF-8 text
//   binary         the bytes (decoded from hex)
//   boolean        true / false
//   date           days since 1970-01-01
//   time           nanoseconds since midnight (metadata `scale` says how many digits matter)
//   timestamp_ntz  wall-clock seconds + nanoseconds, as if UTC
//   timestamp_ltz  UTC instant: seconds + nanoseconds since the epoch
//   timestamp_tz   UTC instant + the offset in minutes of its time zone
//   variant, object, array, vector, geography, geometry
//                  JSON text, with Snowflake's bare `undefined` turned into `null` so that it is
//                  always valid JSON, and minified (Snowflake pretty-prints it)
//
// "null" (the text) in a column of any type but text, unknown and the JSON types is SQL NULL: it
// is what `nullable=false` makes the server send. Values of the types whose text output-format
// parameters change (date, time, timestamps, binary) that are not in the default encoding are
// kept as text (is_raw_text) rather than failing the whole result.
//
// Columns and batches are immutable values once delivered; they may be read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfq {

enum class ColumnType : std::uint8_t {
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
  variant,
  object,
  array,
  vector,
  geography,
  geometry,
  unknown,  ///< a type this version does not know; values are kept as text
};

/// The lower-case wire name ("fixed", "timestamp_tz", ...; "geography"/"geometry" for the
/// extended object types).
[[nodiscard]] std::string_view to_string(ColumnType type) noexcept;

/// Maps rowType `type` (any case) and `extTypeName` to a ColumnType.
[[nodiscard]] ColumnType column_type_from_wire(std::string_view type,
                                               std::string_view ext_type_name = {}) noexcept;

/// True for the types whose values are JSON text (variant, object, array, vector, geo types).
[[nodiscard]] bool is_json_type(ColumnType type) noexcept;

/// One entry of `rowType`.
struct ColumnMeta {
  std::string name;
  ColumnType type = ColumnType::unknown;
  std::string wire_type;      ///< `type` as sent, lower-cased
  std::string ext_type_name;  ///< `extTypeName` (GEOGRAPHY, GEOMETRY) or empty
  std::optional<std::int64_t> precision;
  std::optional<std::int64_t> scale;
  std::optional<std::int64_t> length;
  std::optional<std::int64_t> byte_length;
  bool nullable = true;
  std::string database;  ///< empty for computed columns
  std::string schema;
  std::string table;
  std::string collation;
};

/// A point in time with nanosecond precision and no range limit that matters (years 1–9999).
struct Timestamp {
  std::int64_t seconds = 0;         ///< seconds since 1970-01-01T00:00:00 (UTC or wall clock)
  std::int32_t nanos = 0;           ///< 0..999 999 999
  std::int32_t offset_minutes = 0;  ///< timestamp_tz only: the zone's offset from UTC

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

namespace detail {
struct ColumnBuilder;
}

/// One column of a RowBatch. Accessors take a row index < size(); calling the accessor of
/// another type, or on a NULL cell, returns a zero value.
class Column {
 public:
  Column() = default;
  explicit Column(std::shared_ptr<const ColumnMeta> meta) : meta_(std::move(meta)) {}

  [[nodiscard]] const ColumnMeta& meta() const noexcept { return *meta_; }
  [[nodiscard]] ColumnType type() const noexcept { return meta_->type; }
  [[nodiscard]] std::size_t size() const noexcept { return nulls_.size(); }
  [[nodiscard]] bool is_null(std::size_t row) const noexcept { return nulls_[row] != 0; }

  /// fixed: true when the unscaled value did not fit in int64 and is kept as decimal text.
  [[nodiscard]] bool is_big_decimal(std::size_t row) const noexcept {
    return type() == ColumnType::fixed && is_raw_text(row);
  }
  /// True when the cell is kept as the text the server sent (text_value()) instead of its typed
  /// form: a big fixed decimal (is_big_decimal), a date/time/timestamp/binary value in a format
  /// set by output-format parameters (e.g. DATE_OUTPUT_FORMAT=DD/MM/YYYY sends "09/10/2026"), or
  /// a JSON-typed value that is not JSON. Front ends show such text as it is.
  [[nodiscard]] bool is_raw_text(std::size_t row) const noexcept {
    return !big_.empty() && big_[row] != 0;
  }
  /// fixed (unscaled, when !is_big_decimal), date (days), time (nanoseconds of day).
  [[nodiscard]] std::int64_t int64_value(std::size_t row) const noexcept {
    return ints_.empty() ? 0 : ints_[row];
  }
  /// boolean.
  [[nodiscard]] bool bool_value(std::size_t row) const noexcept {
    return !ints_.empty() && ints_[row] != 0;
  }
  /// real.
  [[nodiscard]] double double_value(std::size_t row) const noexcept {
    return reals_.empty() ? 0.0 : reals_[row];
  }
  /// text, the JSON types, decfloat, a big fixed decimal's text, binary's raw bytes, and the text
  /// of any is_raw_text() cell.
  [[nodiscard]] std::string_view text_value(std::size_t row) const noexcept {
    if (text_offsets_.empty()) return {};
    const std::size_t begin = text_offsets_[row];
    return std::string_view(arena_).substr(begin, text_offsets_[row + 1] - begin);
  }
  /// timestamp_ntz, timestamp_ltz, timestamp_tz.
  [[nodiscard]] Timestamp timestamp_value(std::size_t row) const noexcept {
    if (ints_.empty()) return {};
    return Timestamp{ints_[row], nanos_[row], offsets_.empty() ? 0 : offsets_[row]};
  }

  /// fixed: the exact decimal text with `scale` fraction digits ("-12.50"); decfloat: as sent.
  [[nodiscard]] std::string decimal_string(std::size_t row) const;

  /// Bytes held by this column (for memory accounting).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  friend struct detail::ColumnBuilder;

  std::shared_ptr<const ColumnMeta> meta_;
  std::vector<std::uint8_t> nulls_;          // 1 = SQL NULL; size() rows
  std::vector<std::uint8_t> big_;            // 1 = value kept as text (is_raw_text)
  std::vector<std::int64_t> ints_;           // fixed, boolean, date, time, timestamp seconds
  std::vector<std::int32_t> nanos_;          // timestamp nanoseconds
  std::vector<std::int32_t> offsets_;        // timestamp_tz offset minutes
  std::vector<double> reals_;                // real
  std::vector<std::uint64_t> text_offsets_;  // size()+1 offsets into arena_ when text is used
  std::string arena_;                        // text bytes of all rows
};

/// A decoded slice of a result: the rows of one partition (or part of one), in column form.
struct RowBatch {
  std::size_t partition = 0;    ///< which partition of the result the rows came from
  std::uint64_t first_row = 0;  ///< index of this batch's first row within the whole result
  std::size_t rows = 0;
  std::vector<Column> columns;

  [[nodiscard]] std::size_t memory_bytes() const noexcept;
};

}  // namespace sfq
