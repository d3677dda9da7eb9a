// render.hpp — how tool results look: the structured JSON of a result page, the same rows as
// compact CSV or a markdown table, tables of text for the metadata tools, and the CallToolResult
// envelope (content blocks, structuredContent, isError).
//
// Cell values come from the backend already formatted (exact numbers, ISO times); nothing here
// parses or reformats a value — except that a NUMBER a double cannot hold exactly is quoted in
// the structured rows, keeping its digits.
//
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/backend.hpp"

namespace sfq::mcp {

enum class TextFormat : std::uint8_t { json, csv, markdown };

[[nodiscard]] std::optional<TextFormat> parse_text_format(std::string_view text);

/// Snowflake's name for a column's type: NUMBER(38,0), VARCHAR, TIMESTAMP_TZ, VARIANT, …
[[nodiscard]] std::string sql_type_name(const ResultColumn& column);

/// A small table of text (NULL = nullopt) for metadata results and for the CSV/markdown views.
struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

[[nodiscard]] TextTable to_text_table(const ResultPage& page);
/// RFC 4180 CSV with a header line; NULL is an empty field, an empty string is "".
[[nodiscard]] std::string render_csv(const TextTable& table);
/// A GitHub-flavoured markdown table; NULL shows as NULL, `|` and newlines are escaped.
[[nodiscard]] std::string render_markdown(const TextTable& table);

/// The text block of a tool result in `format`: the structured JSON itself, or `table()` (only
/// called for csv and markdown) rendered.
[[nodiscard]] std::string render_text(TextFormat format, const std::string& structured,
                                      const std::function<TextTable()>& table);

/// Looks up cells of a page by column name (ASCII case-insensitive).
class PageView {
 public:
  explicit PageView(const ResultPage& page) : page_(page) {}
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
  /// Display text of a cell; nullopt for NULL or an unknown column.
  [[nodiscard]] std::optional<std::string> text(std::size_t row, std::string_view name) const;
  /// "Y"/"true" → true; anything else false.
  [[nodiscard]] bool flag(std::size_t row, std::string_view name) const;
  [[nodiscard]] std::size_t rows() const noexcept { return page_.row_count; }

 private:
  const ResultPage& page_;
};

/// The `columns` array of a structured result.
[[nodiscard]] std::string columns_json(const std::vector<ResultColumn>& columns);

/// True when a JSON number parses to a double with the same value: an integer within ±2^53, or
/// at most 15 significant digits.
[[nodiscard]] bool double_holds_exactly(std::string_view number);

/// The `rows` array: one array of JSON values per row. NUMBER values a double cannot hold
/// exactly are strings of their digits (JSON numbers are doubles to most clients).
[[nodiscard]] std::string rows_json(const ResultPage& page);

/// A CallToolResult: `texts` as text blocks, `structured` (JSON object), when given, as
/// structuredContent.
[[nodiscard]] std::string tool_result(std::optional<std::string_view> structured,
                                      const std::vector<std::string>& texts);

/// A CallToolResult with isError: true and `message` as its one text block.
[[nodiscard]] std::string tool_error(std::string_view message);

}  // namespace sfq::mcp
