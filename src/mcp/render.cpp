// render.cpp — structured JSON, CSV and markdown views of results, and tool result envelopes.
#include "mcp/render.hpp"

#include "mcp/json.hpp"
#include "util/text.hpp"

namespace sfq::mcp {

namespace {

using util::iequals;

void append_csv_field(std::string& out, const std::optional<std::string>& value) {
  if (!value) return;
  const bool quote = value->empty() || value->find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out.append(*value);
    return;
  }
  out.push_back('"');
  for (const char c : *value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_markdown_cell(std::string& out, std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '|') {
      out.append("\\|");
    } else if (c == '\n') {
      out.append("<br>");
    } else if (c == '\r') {
      if (i + 1 >= value.size() || value[i + 1] != '\n') out.append("<br>");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::optional<TextFormat> parse_text_format(std::string_view text) {
  if (text == "json") return TextFormat::json;
  if (text == "csv") return TextFormat::csv;
  if (text == "markdown") return TextFormat::markdown;
  return std::nullopt;
}

std::string sql_type_name(const ResultColumn& column) {
  const std::string& t = column.type;
  if (t == "fixed") {
    std::string name = "NUMBER";
    if (column.precision) {
      name += "(" + std::to_string(*column.precision) + "," +
              std::to_string(column.scale.value_or(0)) + ")";
    }
    return name;
  }
  if (t == "real") return "FLOAT";
  if (t == "text") return "VARCHAR";
  if (t == "decfloat") return "DECFLOAT";
  if (t == "time" && column.scale) return "TIME(" + std::to_string(*column.scale) + ")";
  std::string upper = util::upper(t);
  if ((t == "timestamp_ntz" || t == "timestamp_ltz" || t == "timestamp_tz") && column.scale) {
    upper += "(" + std::to_string(*column.scale) + ")";
  }
  return upper;
}

TextTable to_text_table(const ResultPage& page) {
  TextTable table;
  for (const auto& column : page.columns) table.headers.push_back(column.name);
  const std::size_t width = page.columns.size();
  table.rows.reserve(page.row_count);
  for (std::size_t r = 0; r < page.row_count; ++r) {
    std::vector<std::optional<std::string>> row;
    row.reserve(width);
    for (std::size_t c = 0; c < width; ++c) {
      const std::size_t i = r * width + c;
      if (page.null[i] != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(page.text[i]);
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string render_csv(const TextTable& table) {
  std::string out;
  for (std::size_t i = 0; i < table.headers.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_csv_field(out, table.headers[i]);
  }
  out.append("\r\n");
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_csv_field(out, row[i]);
    }
    out.append("\r\n");
  }
  return out;
}

std::string render_markdown(const TextTable& table) {
  std::string out = "|";
  for (const auto& header : table.headers) {
    out.push_back(' ');
    append_markdown_cell(out, header);
    out.append(" |");
  }
  out.append("\n|");
  for (std::size_t i = 0; i < table.headers.size(); ++i) out.append(" --- |");
  out.push_back('\n');
  for (const auto& row : table.rows) {
    out.push_back('|');
    for (const auto& cell : row) {
      out.push_back(' ');
      append_markdown_cell(out, cell ? std::string_view(*cell) : std::string_view("NULL"));
      out.append(" |");
    }
    out.push_back('\n');
  }
  return out;
}

std::optional<std::size_t> PageView::column(std::string_view name) const {
  for (std::size_t i = 0; i < page_.columns.size(); ++i) {
    if (iequals(page_.columns[i].name, name)) return i;
  }
  return std::nullopt;
}

std::optional<std::string> PageView::text(std::size_t row, std::string_view name) const {
  const auto index = column(name);
  if (!index || row >= page_.row_count) return std::nullopt;
  const std::size_t cell = row * page_.columns.size() + *index;
  if (page_.null[cell] != 0) return std::nullopt;
  return page_.text[cell];
}

bool PageView::flag(std::size_t row, std::string_view name) const {
  const auto value = text(row, name);
  return value && (iequals(*value, "Y") || iequals(*value, "true") || iequals(*value, "yes"));
}

std::string columns_json(const std::vector<ResultColumn>& columns) {
  json::JsonBuilder out;
  out.begin_array();
  for (const auto& column : columns) {
    out.begin_object()
        .key("name")
        .string(column.name)
        .key("type")
        .string(sql_type_name(column))
        .key("nullable")
        .boolean(column.nullable)
        .end_object();
  }
  out.end_array();
  return out.take();
}

bool double_holds_exactly(std::string_view number) {
  std::size_t i = 0;
  if (i < number.size() && (number[i] == '-' || number[i] == '+')) ++i;
  std::string digits;  // every digit of the mantissa, in order
  bool fraction = false;
  bool exponent = false;
  for (; i < number.size(); ++i) {
    const char c = number[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '.' && !fraction) {
      fraction = true;
    } else if (c == 'e' || c == 'E') {
      exponent = true;
      break;
    } else {
      return true;  // not a plain number: nothing to protect
    }
  }
  if (!fraction && !exponent) {
    // An integer: exact within ±2^53.
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return true;
    const std::string_view significant = std::string_view(digits).substr(first);
    constexpr std::string_view kTwoTo53 = "9007199254740992";
    return significant.size() < kTwoTo53.size() ||
           (significant.size() == kTwoTo53.size() && significant <= kTwoTo53);
  }
  // Otherwise at most 15 significant digits (leading zeros and trailing zeros do not count).
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;
  const std::size_t last = digits.find_last_not_of('0');
  return last - first + 1 <= 15;
}

std::string rows_json(const ResultPage& page) {
  std::string out = "[";
  const std::size_t width = page.columns.size();
  std::vector<std::uint8_t> exact_numbers(width, 0);
  for (std::size_t c = 0; c < width; ++c) {
    const std::string& type = page.columns[c].type;
    exact_numbers[c] = type == "fixed" || type == "decfloat" ? 1 : 0;
  }
  for (std::size_t r = 0; r < page.row_count; ++r) {
    if (r > 0) out.push_back(',');
    out.push_back('[');
    for (std::size_t c = 0; c < width; ++c) {
      if (c > 0) out.push_back(',');
      const std::string& cell = page.json[r * width + c];
      // JavaScript clients read JSON numbers as doubles: a NUMBER a double would round goes as a
      // string of its digits instead.
      if (exact_numbers[c] != 0 && !cell.empty() && cell.front() != '"' && cell != "null" &&
          !double_holds_exactly(cell)) {
        out.push_back('"');
        out.append(cell);
        out.push_back('"');
      } else {
        out.append(cell);
      }
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

std::string tool_result(std::optional<std::string_view> structured,
                        const std::vector<std::string>& texts) {
  json::JsonBuilder out;
  out.begin_object().key("content").begin_array();
  for (const auto& text : texts) {
    out.begin_object().key("type").string("text").key("text").string(text).end_object();
  }
  out.end_array();
  if (structured) out.key("structuredContent").raw(*structured);
  out.key("isError").boolean(false).end_object();
  return out.take();
}

std::string tool_error(std::string_view message) {
  json::JsonBuilder out;
  out.begin_object()
      .key("content")
      .begin_array()
      .begin_object()
      .key("type")
      .string("text")
      .key("text")
      .string(message)
      .end_object()
      .end_array()
      .key("isError")
      .boolean(true)
      .end_object();
  return out.take();
}

std::string render_text(TextFormat format, const std::string& structured,
                        const std::function<TextTable()>& table) {
  switch (format) {
    case TextFormat::csv:
      return render_csv(table());
    case TextFormat::markdown:
      return render_markdown(table());
    case TextFormat::json:
      break;
  }
  return structured;
}

}  // namespace sfq::mcp
