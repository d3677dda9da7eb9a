// writers.hpp — the seven output formats of sfq: table, csv, tsv, json, jsonl, markdown,
// vertical.
//
// A ResultWriter receives one result as a sequence of rows of already formatted cells (display
// text from sfq::format::append_text, or JSON values from sfq::format::append_json, as its
// cell_form() asks; result_feed.hpp does that conversion from RowBatches) and writes text to a
// TextSink. Writers never format values themselves; they lay them out.
//
// Memory: csv, tsv, json, jsonl and vertical hold nothing beyond the row being written, and
// hand their text to the sink at every flush() (the caller flushes after each batch), so a
// result of any size streams in flat memory. table and markdown need column widths: they buffer
// the first `layout_rows` rows (default 1 000, and at most `layout_bytes` of text), decide the
// widths from them, and stream every later row with those widths. A later text cell that is
// wider is truncated with "…" when the table fits a terminal (max_width > 0) and printed whole,
// overflowing its column, when output is piped, so that nothing is lost. Numbers, dates, times
// and timestamps are never cut: on a terminal too narrow for every column, whole middle columns
// give way to one "…" column (or, with auto_vertical, the result becomes vertical records).
//
// Format details:
//   csv       RFC 4180 quoting (fields with , " CR or LF are quoted, " doubled); lines end with
//             LF. NULL is an empty unquoted field and the empty string is "" (as PostgreSQL
//             writes CSV), unless --null-display is given.
//   tsv       tab separated; \t \n \r and \ in values are written as \t \n \r \\; NULL is \N
//             (PostgreSQL's and ClickHouse's convention) unless --null-display is given.
//   json      one array per result, one object per line: [\n{"A":1},\n{"A":2}\n]; keys are the
//             column names (a repeated name gets _2, _3, ...); values type-faithful.
//   jsonl     one object per line, nothing else.
//   markdown  a GitHub table; | escaped, newlines as <br>, numbers right-aligned.
//   vertical  `-[ RECORD n ]-` blocks of `name | value` lines, as psql's expanded mode.
//   table     box drawing; numbers right-aligned; NULL shown as --null-display (default NULL),
//             dimmed when `color`; multi-line values take several lines.
//
// Thread safety: a writer is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sfq::cli {

enum class OutputFormat : std::uint8_t { table, csv, tsv, json, jsonl, markdown, vertical };

/// "table", "csv", ... or nullopt.
[[nodiscard]] std::optional<OutputFormat> parse_output_format(std::string_view name);
[[nodiscard]] std::string_view to_string(OutputFormat format) noexcept;
/// "table, csv, tsv, json, jsonl, markdown, vertical", for help and error messages.
[[nodiscard]] std::string_view output_format_names() noexcept;

struct WriterOptions {
  OutputFormat format = OutputFormat::table;
  /// Text for SQL NULL; unset means the format's default (see the file comment).
  std::optional<std::string> null_display;
  /// Column names first (table, csv, tsv; markdown always has its header row).
  bool header = true;
  /// table: the terminal width to fit in; 0 = no limit (output is not a terminal).
  std::size_t max_width = 0;
  /// table, vertical: dim NULLs with an ANSI escape (output is a color terminal).
  bool color = false;
  /// table: ASCII lines (+-|) instead of box drawing, and `~` for cut text.
  bool ascii = false;
  /// table: vertical records instead (expanded on).
  bool vertical = false;
  /// table: vertical records when the table is wider than max_width (expanded auto).
  bool auto_vertical = false;
  /// table, markdown: rows (and bytes of cell text) buffered to decide column widths.
  std::size_t layout_rows = 1000;
  std::size_t layout_bytes = std::size_t{32} * 1024 * 1024;
};

/// What a writer knows of a column.
struct ColumnInfo {
  std::string name;
  std::string json_key;  ///< the name as a JSON string literal, quotes included (json, jsonl)
  bool numeric = false;  ///< right-aligned (sfq::format::is_numeric)
  bool exact = false;    ///< never cut on a terminal: numbers, dates, times, booleans, binary
};

/// One formatted cell: display text or a JSON value, as the writer's cell_form() asks.
struct Cell {
  std::string_view text;
  bool null = false;
};

/// Where writers put their text.
class TextSink {
 public:
  virtual ~TextSink() = default;
  virtual void write(std::string_view text) = 0;
};

/// A TextSink that keeps everything (tests, small outputs).
class StringSink final : public TextSink {
 public:
  void write(std::string_view text) override { text_.append(text); }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

class ResultWriter {
 public:
  enum class CellForm : std::uint8_t { display, json };

  virtual ~ResultWriter() = default;
  [[nodiscard]] virtual CellForm cell_form() const noexcept = 0;
  /// Starts a result.
  virtual void begin(std::vector<ColumnInfo> columns) = 0;
  /// One row: one cell per column.
  virtual void row(std::span<const Cell> cells) = 0;
  /// Hands the text written so far to the sink (the caller calls it after every batch).
  virtual void flush() = 0;
  /// Ends the result and flushes.
  virtual void end() = 0;
};

/// The writer for `options.format`, writing to `sink` (which must outlive it).
[[nodiscard]] std::unique_ptr<ResultWriter> make_writer(const WriterOptions& options,
                                                        TextSink& sink);

/// What goes between two results of one run: a blank line for every format but json and jsonl.
[[nodiscard]] std::string_view result_separator(OutputFormat format) noexcept;

/// Column names made unique for JSON keys: the second "A" becomes "A_2", and so on.
[[nodiscard]] std::vector<std::string> unique_names(const std::vector<std::string>& names);

}  // namespace sfq::cli
