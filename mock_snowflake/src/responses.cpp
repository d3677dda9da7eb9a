// responses.cpp — builds the SQL API's JSON bodies with a small writer that prints them the
// way the real service does (see responses.hpp).
#include "responses.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "engine/json.hpp"
#include "text.hpp"
#include "uuid.hpp"

namespace mock_snowflake::detail {
namespace {

/// Streams JSON in the real service's pretty format. Objects indent their members by two spaces
/// per object level (arrays add none), arrays stay on one line.
class Writer {
 public:
  void StartObject() {
    before_value();
    out_ += '{';
    levels_.push_back(Level{true, true});
    ++object_depth_;
  }
  void EndObject() {
    --object_depth_;
    if (levels_.back().empty) {
      out_ += " }";
    } else {
      out_ += '\n';
      out_.append(2 * object_depth_, ' ');
      out_ += '}';
    }
    levels_.pop_back();
  }
  void StartArray() {
    before_value();
    out_ += '[';
    levels_.push_back(Level{false, true});
  }
  void EndArray() {
    out_ += " ]";
    levels_.pop_back();
  }
  void Key(std::string_view name) {
    Level& level = levels_.back();
    out_ += level.empty ? "\n" : ",\n";
    level.empty = false;
    out_.append(2 * object_depth_, ' ');
    engine::append_json_quoted(out_, name);
    out_ += " : ";
  }
  void String(std::string_view value) {
    before_value();
    engine::append_json_quoted(out_, value);
  }
  void Int64(std::int64_t value) {
    before_value();
    out_ += std::to_string(value);
  }
  void Uint64(std::uint64_t value) {
    before_value();
    out_ += std::to_string(value);
  }
  void Bool(bool value) {
    before_value();
    out_ += value ? "true" : "false";
  }
  void Null() {
    before_value();
    out_ += "null";
  }
  /// The rows of partition 0 (compact) as the elements of the current array.
  void Rows(std::string_view compact_rows) {
    if (compact_rows.empty()) return;
    before_value();
    // append_pretty_rows writes the separators between rows itself.
    append_pretty_rows(out_, compact_rows);
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  struct Level {
    bool object;
    bool empty;
  };
  void before_value() {
    if (levels_.empty() || levels_.back().object) return;  // after Key() or at the top
    out_ += levels_.back().empty ? " " : ", ";
    levels_.back().empty = false;
  }

  std::string out_;
  std::vector<Level> levels_;
  std::size_t object_depth_ = 0;
};

void key(Writer& writer, std::string_view name) { writer.Key(name); }

void string(Writer& writer, std::string_view value) { writer.String(value); }

void optional_int(Writer& writer, const std::optional<std::int64_t>& value) {
  if (value) {
    writer.Int64(*value);
  } else {
    writer.Null();
  }
}

void column(Writer& writer, const engine::ColumnInfo& info) {
  // Key order as in the documentation's full response examples (which are real responses).
  writer.StartObject();
  key(writer, "name");
  string(writer, info.name);
  key(writer, "database");
  string(writer, info.database);
  key(writer, "schema");
  string(writer, info.schema);
  key(writer, "table");
  string(writer, info.table);
  key(writer, "scale");
  optional_int(writer, info.scale);
  key(writer, "precision");
  optional_int(writer, info.precision);
  key(writer, "length");
  optional_int(writer, info.length);
  key(writer, "type");
  string(writer, text::lower(info.type));
  if (!info.ext_type_name.empty()) {
    key(writer, "extTypeName");
    string(writer, info.ext_type_name);
  }
  key(writer, "nullable");
  writer.Bool(info.nullable);
  key(writer, "byteLength");
  optional_int(writer, info.byte_length);
  key(writer, "collation");
  if (info.collation) {
    string(writer, *info.collation);
  } else {
    writer.Null();
  }
  writer.EndObject();
}

std::string status_url(const std::string& handle) { return "/api/v2/statements/" + handle; }

}  // namespace

std::string result_set_body(const std::string& handle, std::int64_t created_on,
                            const ResultData& result, const std::vector<std::string>& child_handles,
                            const std::string& request_id) {
  Writer writer;
  writer.StartObject();
  key(writer, "resultSetMetaData");
  writer.StartObject();
  key(writer, "numRows");
  writer.Uint64(result.num_rows);
  key(writer, "format");
  string(writer, "jsonv2");
  key(writer, "partitionInfo");
  writer.StartArray();
  for (std::size_t i = 0; i < result.partitions.size(); ++i) {
    const auto& partition = result.partitions[i];
    writer.StartObject();
    key(writer, "rowCount");
    writer.Uint64(partition.rows);
    key(writer, "uncompressedSize");
    writer.Uint64(partition.uncompressed_size);
    // Partition 0 of a multi-partition result carries its compressed size too, as the real
    // service's partitionInfo does; a lone partition has none.
    if (result.partitions.size() > 1) {
      key(writer, "compressedSize");
      writer.Uint64(partition.compressed_size);
    }
    writer.EndObject();
  }
  writer.EndArray();
  key(writer, "rowType");
  writer.StartArray();
  for (const auto& info : result.columns) column(writer, info);
  writer.EndArray();
  writer.EndObject();
  key(writer, "data");
  writer.StartArray();
  if (!result.partitions.empty()) writer.Rows(result.partitions.front().bytes);
  writer.EndArray();
  key(writer, "code");
  string(writer, "090001");
  if (!child_handles.empty()) {
    key(writer, "statementHandles");
    writer.StartArray();
    for (const auto& child : child_handles) string(writer, child);
    writer.EndArray();
  }
  key(writer, "statementStatusUrl");
  string(writer, status_url(handle) + "?requestId=" + request_id);
  key(writer, "requestId");
  string(writer, request_id);
  key(writer, "sqlState");
  string(writer, "00000");
  key(writer, "statementHandle");
  string(writer, handle);
  key(writer, "message");
  string(writer, "Statement executed successfully.");
  key(writer, "createdOn");
  writer.Int64(created_on);
  if (result.stats) {
    const auto& stats = *result.stats;
    if (stats.inserted != 0 || stats.updated != 0 || stats.deleted != 0 || stats.duplicates != 0) {
      key(writer, "stats");
      writer.StartObject();
      key(writer, "numRowsInserted");
      writer.Int64(stats.inserted);
      key(writer, "numRowsDeleted");
      writer.Int64(stats.deleted);
      key(writer, "numRowsUpdated");
      writer.Int64(stats.updated);
      key(writer, "numDmlDuplicates");
      writer.Int64(stats.duplicates);
      writer.EndObject();
    }
  }
  writer.EndObject();
  return writer.take();
}

std::string query_status_body(const std::string& handle) {
  Writer writer;
  writer.StartObject();
  key(writer, "code");
  string(writer, "333334");
  key(writer, "message");
  string(writer, kAsyncMessage);
  key(writer, "statementHandle");
  string(writer, handle);
  key(writer, "statementStatusUrl");
  string(writer, status_url(handle));
  writer.EndObject();
  return writer.take();
}

std::string failure_body(std::string_view code, std::string_view message,
                         std::string_view sql_state, const std::string& handle) {
  Writer writer;
  writer.StartObject();
  key(writer, "code");
  string(writer, code);
  key(writer, "message");
  string(writer, message);
  key(writer, "sqlState");
  string(writer, sql_state);
  key(writer, "statementHandle");
  string(writer, handle);
  writer.EndObject();
  return writer.take();
}

std::string error_body(std::string_view code, std::string_view message) {
  Writer writer;
  writer.StartObject();
  key(writer, "code");
  string(writer, code);
  key(writer, "message");
  string(writer, message);
  writer.EndObject();
  return writer.take();
}

std::string empty_statement_body() {
  Writer writer;
  writer.StartObject();
  key(writer, "code");
  string(writer, "000900");
  key(writer, "message");
  string(writer, "SQL compilation error:\nEmpty SQL statement.");
  key(writer, "sqlState");
  string(writer, "42601");
  key(writer, "statementHandle");
  writer.Null();
  writer.EndObject();
  return writer.take();
}

std::string role_not_granted_body(std::string_view role) {
  return error_body("390186", "Role '" + std::string(role) +
                                  "' specified in the connect string is not granted to this "
                                  "user. Contact your local system administrator, or attempt to "
                                  "login with another role, e.g. PUBLIC.");
}

void append_pretty_rows(std::string& out, std::string_view rows) {
  // Cells are JSON strings or null and rows are arrays, so only brackets, commas, strings and
  // bare scalars occur; separators are regenerated, whitespace outside strings dropped.
  std::vector<bool> empty;  // per open array: nothing written into it yet
  bool top_empty = true;
  const auto before_value = [&] {
    if (empty.empty()) {
      if (!top_empty) out += ", ";
      top_empty = false;
    } else {
      out += empty.back() ? " " : ", ";
      empty.back() = false;
    }
  };
  std::size_t i = 0;
  while (i < rows.size()) {
    const char c = rows[i];
    if (c == '[') {
      before_value();
      out += '[';
      empty.push_back(true);
      ++i;
    } else if (c == ']') {
      out += " ]";
      if (!empty.empty()) empty.pop_back();
      ++i;
    } else if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      ++i;
    } else if (c == '"') {
      std::size_t end = i + 1;
      while (end < rows.size() && rows[end] != '"') end += rows[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, rows.size());
      before_value();
      out.append(rows.substr(i, end - i));
      i = end;
    } else {
      std::size_t end = i;
      while (end < rows.size() && rows[end] != ',' && rows[end] != ']' && rows[end] != ' ' &&
             rows[end] != '\n') {
        ++end;
      }
      before_value();
      out.append(rows.substr(i, end - i));
      i = end;
    }
  }
}

std::string cancel_body(const std::string& handle) {
  Writer writer;
  writer.StartObject();
  key(writer, "code");
  string(writer, "000604");
  key(writer, "sqlState");
  string(writer, "57014");
  key(writer, "message");
  string(writer, "SQL execution canceled");
  key(writer, "statementHandle");
  string(writer, handle);
  // The real server answers the legacy path here, without /v2 (docs/SQL_API_NOTES.md §3).
  key(writer, "statementStatusUrl");
  string(writer, "/api/statements/" + handle);
  writer.EndObject();
  return writer.take();
}

std::string link_header(const std::string& handle, std::size_t current, std::size_t count) {
  const auto link = [&](std::size_t partition, std::string_view rel) {
    return "<" + status_url(handle) + "?requestId=" + make_uuid() +
           "&partition=" + std::to_string(partition) + ">; rel=\"" + std::string(rel) + "\"";
  };
  const std::size_t last = count == 0 ? 0 : count - 1;
  std::string header = link(0, "first");
  if (current > 0) header += "," + link(current - 1, "prev");
  if (current < last) header += "," + link(current + 1, "next");
  header += "," + link(last, "last");
  return header;
}

std::string timeout_message(int seconds) {
  return "Statement reached its statement or warehouse timeout of " + std::to_string(seconds) +
         " second(s) and was canceled.";
}

}  // namespace mock_snowflake::detail
