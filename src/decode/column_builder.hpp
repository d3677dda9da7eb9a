// column_builder.hpp (internal) — detail::ColumnBuilder, the one place that turns Snowflake's wire
// text into typed Column storage (the encodings of docs/SQL_API_NOTES.md §6).
//
// A builder holds a reference to one Column and appends cells to it in row order; it owns
// nothing. Builders and their columns are confined to one thread (a decode worker) until the
// finished RowBatch is handed over; a finished Column is immutable.
//
// Per cell:
//   * JSON null → SQL NULL; the text "null" is SQL NULL too, except in text, unknown and JSON-typed
//     columns, where it is a legitimate value (it is what `nullable=false` sends for NULL).
//   * fixed     "[-+]digits[.digits]" → int64 unscaled by the column scale, no floating point;
//               values that do not fit (or have more non-zero fraction digits than the scale) are
//               kept exactly as canonical decimal text and flagged (is_big_decimal).
//   * real      any std::from_chars double, plus NaN/inf/-inf/Infinity and a leading '+';
//               out-of-range exponents become ±inf or ±0.
//   * boolean   true/false/1/0, any case.
//   * date      "[-]days";  time "seconds[.fraction]" (any number of fraction digits);
//     timestamp_ntz/ltz "[-]seconds[.fraction]" (an integer of 16+ digits: nanoseconds, as in the
//     reference's example); timestamp_tz the same + " " + (offset minutes + 1440);
//     binary    hex, either case.
//               Any other text in these types is what output-format parameters produce: it is
//               kept as raw text (is_raw_text) instead of failing the result.
//   * JSON types: bare `undefined` outside strings → `null`, whitespace outside strings removed;
//               text that is then not one valid JSON value (in valid UTF-8) is kept as raw text.
//   * decfloat, text, unknown: the text as sent.
// A cell that cannot be read as its type (fixed, real, boolean) is a protocol error that names
// the column, the result row and the value (truncated).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfq/error.hpp"
#include "sfq/value.hpp"

namespace sfq::detail {

/// `text` quoted for an error message: at most `max_bytes` bytes (never cut inside a UTF-8
/// sequence, "…" marks a cut), control characters shown as '?'. Bodies are never quoted whole.
[[nodiscard]] std::string quote_snippet(std::string_view text, std::size_t max_bytes = 48);

struct ColumnBuilder {
 public:
  /// Appends to `column` (usually empty; its meta must be set). `index` is the column's position
  /// in rowType, used in error messages.
  ColumnBuilder(Column& column, std::size_t index);

  /// Reserves room for `rows` more rows of fixed-size storage.
  void reserve(std::size_t rows);
  /// Reserves room for `bytes` more bytes of text, for a column stored as text (none other).
  void reserve_text(std::size_t bytes);
  /// True for a column whose every cell is kept as text (strings, binary, JSON types).
  [[nodiscard]] bool text_typed() const noexcept;

  /// Appends a SQL NULL.
  void append_null();

  /// Appends one cell sent as text. `result_row` (the row's index in the whole result) is only
  /// used in the error message. On error nothing is appended.
  [[nodiscard]] Status append(std::string_view cell, std::uint64_t result_row);

  /// True for a JSON-typed column (variant, object, array, vector, geo types).
  [[nodiscard]] bool json_typed() const noexcept { return json_typed_; }

  /// JSON-typed columns: appends a cell whose minified form (what append() would store for it)
  /// the caller has already made.
  void append_minified_json(std::string_view minified);

  /// Drops the rows from `rows` on (rows <= rows()), leaving the column as if they had never
  /// been appended (the partition scanner's rows it stopped inside).
  void truncate(std::size_t rows);

  /// The number of rows appended so far.
  [[nodiscard]] std::size_t rows() const noexcept { return column_.nulls_.size(); }

 private:
  // Storage helpers; each keeps every vector in use at rows() (+1 for text offsets).
  void push_flag(bool raw);
  void push_text_offset();
  void ensure_text();
  void push_typed_zero();
  void append_raw_text(std::string_view cell);
  void append_text(std::string_view cell);
  [[nodiscard]] bool append_fixed(std::string_view cell);
  void append_json(std::string_view cell);
  [[nodiscard]] Status malformed(std::string_view cell, std::uint64_t result_row) const;

  Column& column_;
  std::size_t index_;
  ColumnType type_;
  int scale_;  // fixed: the column scale, clamped to 0..38
  bool json_typed_;
};

}  // namespace sfq::detail
