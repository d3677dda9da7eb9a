// responses.cpp — builds the SQL API's JSON bodies with RapidJSON's writer.
#include "responses.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util.hpp"

namespace mock_snowflake::detail {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(Writer& writer, std::string_view name) {
  writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

void string(Writer& writer, std::string_view value) {
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

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
  string(writer, to_lower(info.type));
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
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
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
    if (i > 0) {
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
  std::string data = "[";
  if (!result.partitions.empty()) data += result.partitions.front().bytes;
  data += "]";
  writer.RawValue(data.data(), data.size(), rapidjson::kArrayType);
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
  return {buffer.GetString(), buffer.GetSize()};
}

std::string query_status_body(const std::string& handle) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
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
  return {buffer.GetString(), buffer.GetSize()};
}

std::string failure_body(std::string_view code, std::string_view message,
                         std::string_view sql_state, const std::string& handle) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
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
  return {buffer.GetString(), buffer.GetSize()};
}

std::string error_body(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "code");
  string(writer, code);
  key(writer, "message");
  string(writer, message);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string cancel_body(const std::string& handle) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "code");
  string(writer, "000604");
  key(writer, "sqlState");
  string(writer, "57014");
  key(writer, "message");
  string(writer, "SQL execution canceled");
  key(writer, "statementHandle");
  string(writer, handle);
  // The real server answers the legacy path here, without /v2 (DBIMP-073).
  key(writer, "statementStatusUrl");
  string(writer, "/api/statements/" + handle);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
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
