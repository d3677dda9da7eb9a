// render.cpp — structured JSON, CSV and markdown views of results, and tool result envelopes.
#include "mcp/render.hpp"

#include "mcp/json.hpp"

namespace sfq::mcp {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

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
  std::string upper = t;
  for (auto& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
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

std::string rows_json(const ResultPage& page) {
  std::string out = "[";
  const std::size_t width = page.columns.size();
  for (std::size_t r = 0; r < page.row_count; ++r) {
    if (r > 0) out.push_back(',');
    out.push_back('[');
    for (std::size_t c = 0; c < width; ++c) {
      if (c > 0) out.push_back(',');
      out.append(page.json[r * width + c]);
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

std::string tool_result(std::string_view structured, const std::vector<std::string>& texts) {
  json::JsonBuilder out;
  out.begin_object().key("content").begin_array();
  for (const auto& text : texts) {
    out.begin_object().key("type").string("text").key("text").string(text).end_object();
  }
  out.end_array()
      .key("structuredContent")
      .raw(structured)
      .key("isError")
      .boolean(false)
      .end_object();
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
