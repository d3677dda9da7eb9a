// Response parsing: parse_result_set on the documentation's ResultSet bodies and on real-shaped
// ones, decode_partition on gzip'd `{"data":[...]}` bodies, parse_status_body on every status
// body of the docs, and malformed or randomly mutated input, which must give protocol errors and
// never crash (run under ASan/UBSan).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "sfq/format.hpp"
#include "support/zlib_support.hpp"

namespace {

using sfq::ColumnMeta;
using sfq::ColumnType;
using sfq::ErrorCategory;
using sfq::RowBatch;
using sfq::detail::ColumnsPtr;
using sfq::detail::decode_partition;
using sfq::detail::parse_result_set;
using sfq::detail::parse_status_body;

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(SFQ_TEST_DATA_DIR) + "/sqlapi-docs/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using test_support::gzip;

struct ColumnSpec {
  std::string name, type;
  std::optional<std::int64_t> scale;
  std::string ext;
};

ColumnsPtr make_columns(const std::vector<ColumnSpec>& specs) {
  auto columns = std::make_shared<std::vector<std::shared_ptr<const ColumnMeta>>>();
  for (const auto& spec : specs) {
    auto meta = std::make_shared<ColumnMeta>();
    meta->name = spec.name;
    meta->wire_type = spec.type;
    meta->ext_type_name = spec.ext;
    meta->type = sfq::column_type_from_wire(spec.type, spec.ext);
    meta->scale = spec.scale;
    columns->push_back(meta);
  }
  return columns;
}

using Row = std::vector<std::optional<std::string>>;

// A later partition's body as the real server writes it: compact, rows separated by ",\n".
std::string partition_body(const std::vector<Row>& rows) {
  std::string body = "{\"data\":[";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r != 0) body += ",\n";
    body += '[';
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (c != 0) body += ',';
      if (rows[r][c]) {
        sfq::format::append_json_string(body, *rows[r][c]);
      } else {
        body += "null";
      }
    }
    body += ']';
  }
  return body + "]}";
}

// One JSON Lines record of a row, the way the CLI writes it.
std::string json_line(const RowBatch& batch, std::size_t row) {
  std::string out = "{";
  for (std::size_t c = 0; c < batch.columns.size(); ++c) {
    if (c != 0) out += ',';
    sfq::format::append_json_string(out, batch.columns[c].meta().name);
    out += ':';
    sfq::format::append_json(out, batch.columns[c], row);
  }
  return out + "}";
}

std::string text_line(const RowBatch& batch, std::size_t row) {
  std::string out;
  for (std::size_t c = 0; c < batch.columns.size(); ++c) {
    if (c != 0) out += '|';
    sfq::format::append_text(out, batch.columns[c], row);
  }
  return out;
}

// Every type of the all-types table, with the encodings the real server sends
// (docs/SQL_API_NOTES.md §6).
const std::vector<ColumnSpec> kAllTypes = {
    {"N38", "fixed", 0, ""},
    {"N10_2", "fixed", 2, ""},
    {"F", "real", std::nullopt, ""},
    {"S", "text", std::nullopt, ""},
    {"B", "binary", std::nullopt, ""},
    {"BOOL", "boolean", std::nullopt, ""},
    {"D", "date", std::nullopt, ""},
    {"T", "time", 9, ""},
    {"NTZ", "timestamp_ntz", 9, ""},
    {"LTZ", "timestamp_ltz", 9, ""},
    {"TZ", "timestamp_tz", 9, ""},
    {"V", "variant", std::nullopt, ""},
    {"A", "array", std::nullopt, ""},
    {"G", "object", std::nullopt, "GEOGRAPHY"},
    {"VEC", "vector", std::nullopt, ""},
};

const Row kAllTypesRow = {"12345678901234567890123456789012345678",
                          "12345678.91",
                          "1.5",
                          "héllo",
                          "DEADBEEF",
                          "true",
                          "20735",
                          "45296.123456789",
                          "1791549296.123456789",
                          "1791524096.123456789",
                          "1791524096.123456789 1860",
                          "{\n  \"a\": 1\n}",
                          "[\n  1,\n  \"x\",\n  undefined\n]",
                          "{\n  \"coordinates\": [\n    -122.35,\n    37.55\n  ],\n  \"type\": "
                          "\"Point\"\n}",
                          "[1.000000,2.000000,3.000000]"};

const std::string kAllTypesJson =
    "{\"N38\":12345678901234567890123456789012345678,\"N10_2\":12345678.91,\"F\":1.5,"
    "\"S\":\"héllo\",\"B\":\"DEADBEEF\",\"BOOL\":true,\"D\":\"2026-10-09\","
    "\"T\":\"12:34:56.123456789\",\"NTZ\":\"2026-10-09T12:34:56.123456789\","
    "\"LTZ\":\"2026-10-09T05:34:56.123456789Z\",\"TZ\":\"2026-10-09T12:34:56.123456789+07:00\","
    "\"V\":{\"a\":1},\"A\":[1,\"x\",null],\"G\":{\"coordinates\":[-122.35,37.55],"
    "\"type\":\"Point\"},\"VEC\":[1.000000,2.000000,3.000000]}";

Row null_row(std::size_t width) { return Row(width, std::nullopt); }

// ---- parse_result_set on the documentation's bodies ------------------------------------------

TEST(DecodeResultSet, DocsSinglePartition) {
  auto parsed = parse_result_set(read_fixture("resp_200_select_single_partition.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  const auto& meta = parsed->meta;
  EXPECT_EQ(meta.code, "090001");
  EXPECT_EQ(meta.sql_state, "00000");
  EXPECT_EQ(meta.message, "Statement executed successfully.");
  EXPECT_EQ(meta.statement_handle, "{handle}");
  EXPECT_EQ(meta.request_id, "{id3}") << "taken from statementStatusUrl";
  EXPECT_EQ(meta.created_on_ms, 1620151584132);
  EXPECT_EQ(meta.total_rows, 4U);
  ASSERT_EQ(meta.partitions.size(), 1U);
  EXPECT_EQ(meta.partitions[0].row_count, 4U);
  EXPECT_EQ(meta.partitions[0].uncompressed_size, 1438U);
  EXPECT_EQ(meta.partitions[0].compressed_size, 0U);
  EXPECT_FALSE(meta.stats.has_value());
  EXPECT_TRUE(meta.child_handles.empty());

  ASSERT_EQ(meta.columns.size(), 2U);
  EXPECT_EQ(meta.columns[0].name, "COLUMN1");
  EXPECT_EQ(meta.columns[0].type, ColumnType::text);
  EXPECT_EQ(meta.columns[0].length, 4);
  EXPECT_EQ(meta.columns[0].byte_length, 16);
  EXPECT_FALSE(meta.columns[0].scale.has_value());
  EXPECT_FALSE(meta.columns[0].nullable);
  EXPECT_EQ(meta.columns[1].type, ColumnType::fixed);
  EXPECT_EQ(meta.columns[1].precision, 1);
  EXPECT_EQ(meta.columns[1].scale, 0);
  EXPECT_EQ(meta.columns[1].table, "\"VALUES\"");
  ASSERT_EQ(parsed->columns->size(), 2U);
  EXPECT_EQ((*parsed->columns)[1]->name, "COLUMN2");

  const RowBatch& batch = parsed->first_batch;
  EXPECT_EQ(batch.partition, 0U);
  EXPECT_EQ(batch.first_row, 0U);
  ASSERT_EQ(batch.rows, 4U);
  for (std::size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(batch.columns[0].text_value(r), "test");
    EXPECT_EQ(batch.columns[1].int64_value(r), static_cast<std::int64_t>(r + 2));
  }
  EXPECT_EQ(json_line(batch, 3), "{\"COLUMN1\":\"test\",\"COLUMN2\":5}");
  EXPECT_GT(batch.memory_bytes(), 0U);
}

TEST(DecodeResultSet, DocsMultiPartitionAndGetPartition) {
  for (const char* name :
       {"resp_200_select_multi_partition.json", "resp_200_get_partition_example.json"}) {
    auto parsed = parse_result_set(read_fixture(name));
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().message();
    ASSERT_EQ(parsed->meta.partitions.size(), 2U) << name;
    EXPECT_EQ(parsed->meta.partitions[1].row_count, 43746U);
    EXPECT_EQ(parsed->meta.partitions[1].uncompressed_size, 43748274U);
    EXPECT_EQ(parsed->meta.partitions[1].compressed_size, 746323U);
    ASSERT_EQ(parsed->meta.columns.size(), 2U);
    EXPECT_EQ(parsed->meta.columns[0].name, "SEQ8()");
    EXPECT_EQ(parsed->meta.columns[1].name, "RANDSTR(1000, RANDOM())");
    EXPECT_EQ(parsed->first_batch.rows, 2U) << "the docs shorten data; it is decoded as sent";
  }
  auto multi = parse_result_set(read_fixture("resp_200_select_multi_partition.json"));
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi->meta.total_rows, 56090U);
  EXPECT_EQ(text_line(multi->first_batch, 1), "98|ZugTcURrcy....");
}

TEST(DecodeResultSet, DocsMultiStatementParent) {
  auto parsed = parse_result_set(read_fixture("resp_200_multi_statement.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->meta.child_handles,
            (std::vector<std::string>{"{handle1}", "{handle2}", "{handle3}"}));
  ASSERT_EQ(parsed->first_batch.rows, 1U);
  EXPECT_EQ(parsed->first_batch.columns[0].meta().name, "multiple statement execution");
  EXPECT_EQ(parsed->first_batch.columns[0].text_value(0),
            "Multiple statements executed successfully.");
}

// The handling-responses example has formatted timestamps and no rowType: columns are made up
// and every value is kept as the text that was sent.
TEST(DecodeResultSet, DocsExampleWithoutRowTypeKeepsText) {
  auto parsed =
      parse_result_set(read_fixture("resp_200_handling_responses_partitioninfo_example.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->meta.columns.size(), 4U);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(parsed->meta.columns[i].name, "COLUMN" + std::to_string(i + 1));
    EXPECT_EQ(parsed->meta.columns[i].type, ColumnType::unknown);
  }
  EXPECT_EQ(parsed->meta.total_rows, 50000U);
  EXPECT_EQ(parsed->meta.partitions.size(), 2U);
  ASSERT_EQ(parsed->first_batch.rows, 4U);
  EXPECT_EQ(text_line(parsed->first_batch, 0),
            "customer1|1234 A Avenue|98765|2021-01-20 12:34:56.03459878");
  EXPECT_EQ(json_line(parsed->first_batch, 3),
            "{\"COLUMN1\":\"customer4\",\"COLUMN2\":\"64646 D Circle\",\"COLUMN3\":\"98765\","
            "\"COLUMN4\":\"2021-08-03 13:43:23.0\"}");
}

TEST(DecodeResultSet, StatusBodiesAreNotResultSets) {
  for (const char* name : {"resp_422_compilation_error.json", "resp_202_post.json",
                           "resp_200_cancel.json", "resp_429_too_many_requests.json"}) {
    auto parsed = parse_result_set(read_fixture(name));
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.error().category(), ErrorCategory::protocol);
    EXPECT_NE(parsed.error().message().find("neither resultSetMetaData nor data"),
              std::string::npos);
  }
}

// ---- parse_result_set on real-shaped bodies ---------------------------------------------------

std::string row_type_json(const std::vector<ColumnSpec>& specs) {
  std::string out = "[";
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i != 0) out += ',';
    out += "{\"name\":";
    sfq::format::append_json_string(out, specs[i].name);
    out += ",\"database\":\"DBMETA\",\"schema\":\"PUBLIC\",\"table\":\"T\",\"collation\":null,";
    out += "\"precision\":" + std::string(specs[i].type == "fixed" ? "38" : "null") + ",";
    out += "\"scale\":" + (specs[i].scale ? std::to_string(*specs[i].scale) : "null") + ",";
    out +=
        "\"nullable\":true,\"byteLength\":null,\"length\":null,\"type\":\"" + specs[i].type + "\"";
    if (!specs[i].ext.empty()) out += ",\"extTypeName\":\"" + specs[i].ext + "\"";
    out += "}";
  }
  return out + "]";
}

std::string data_json(const std::vector<Row>& rows) {
  const std::string body = partition_body(rows);  // {"data":[...]}
  return body.substr(8, body.size() - 9);
}

// The real server's field order (metadata first), and the same body with the order reversed.
std::string result_body(const std::vector<ColumnSpec>& specs, const std::vector<Row>& rows,
                        bool reversed, const std::string& extra = {}) {
  const std::string meta =
      "\"resultSetMetaData\":{\"numRows\":" + std::to_string(rows.size()) +
      ",\"format\":\"jsonv2\",\"partitionInfo\":[{\"rowCount\":" + std::to_string(rows.size()) +
      ",\"uncompressedSize\":1234}],\"rowType\":" + row_type_json(specs) + "}";
  const std::string data = "\"data\":" + data_json(rows);
  const std::string tail =
      "\"code\":\"090001\",\"statementStatusUrl\":\"/api/v2/statements/01c7?requestId=r-1\","
      "\"requestId\":\"r-1\",\"sqlState\":\"00000\",\"statementHandle\":\"01c7\",\"message\":"
      "\"Statement executed successfully.\",\"createdOn\":1791549296123" +
      extra;
  return reversed ? "{" + tail + "," + data + "," + meta + "}"
                  : "{" + meta + "," + data + "," + tail + "}";
}

TEST(DecodeResultSet, AllTypesInEitherFieldOrder) {
  const std::vector<Row> rows = {kAllTypesRow, null_row(kAllTypes.size())};
  for (const bool reversed : {false, true}) {
    auto parsed = parse_result_set(result_body(kAllTypes, rows, reversed));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->meta.request_id, "r-1");
    EXPECT_EQ(parsed->meta.statement_handle, "01c7");
    EXPECT_EQ(parsed->meta.created_on_ms, 1791549296123);
    EXPECT_EQ(parsed->meta.columns[13].type, ColumnType::geography);
    EXPECT_EQ(parsed->meta.columns[13].ext_type_name, "GEOGRAPHY");
    EXPECT_EQ(parsed->meta.columns[0].database, "DBMETA");
    ASSERT_EQ(parsed->first_batch.rows, 2U);
    EXPECT_EQ(json_line(parsed->first_batch, 0), kAllTypesJson);
    for (std::size_t c = 0; c < kAllTypes.size(); ++c) {
      EXPECT_TRUE(parsed->first_batch.columns[c].is_null(1));
    }
  }
}

TEST(DecodeResultSet, UppercaseRowTypeFromTheReference) {
  const std::string body =
      "{\"data\":[[\"1\",\"42\",\"acme\",null,\"98765\",\"1565481394.123\"]],"
      "\"resultSetMetaData\":{\"rowType\":" +
      read_fixture("obj_rowtype_array_example.json") + "}}";
  auto parsed = parse_result_set(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->meta.columns.size(), 6U);
  EXPECT_EQ(parsed->meta.columns[0].type, ColumnType::fixed);
  EXPECT_EQ(parsed->meta.columns[0].wire_type, "fixed");
  EXPECT_EQ(parsed->meta.columns[5].type, ColumnType::timestamp_ntz);
  EXPECT_EQ(parsed->meta.total_rows, 1U) << "numRows absent: the rows in data";
  ASSERT_EQ(parsed->meta.partitions.size(), 1U) << "partitionInfo absent: one partition";
  EXPECT_EQ(parsed->meta.partitions[0].row_count, 1U);
  EXPECT_EQ(text_line(parsed->first_batch, 0), "1|42|acme|NULL|98765|2019-08-10 23:56:34.123");
}

TEST(DecodeResultSet, DmlStatsWhereverAndHoweverTheyAreSent) {
  struct Case {
    const char* name;
    std::string extra;   // appended to the top level
    std::string nested;  // put into resultSetMetaData
    std::optional<sfq::DmlStats> expected;
  };
  const std::vector<Case> cases = {
      {"real: top level, numDmlDuplicates",
       ",\"stats\":{\"numRowsInserted\":2,\"numRowsDeleted\":0,\"numRowsUpdated\":0,"
       "\"numDmlDuplicates\":1}",
       "", sfq::DmlStats{2, 0, 0, 1}},
      {"reference: nested, numDuplicateRowsUpdated", "",
       ",\"stats\":{\"numRowsInserted\":0,\"numRowsDeleted\":3,\"numRowsUpdated\":4,"
       "\"numDuplicateRowsUpdated\":5}",
       sfq::DmlStats{0, 4, 3, 5}},
      {"top level wins", ",\"stats\":{\"numRowsUpdated\":\"7\"}",
       ",\"stats\":{\"numRowsUpdated\":8}", sfq::DmlStats{0, 7, 0, 0}},
      {"none", "", "", std::nullopt},
  };
  for (const auto& c : cases) {
    const std::string body =
        "{\"resultSetMetaData\":{\"numRows\":1,\"rowType\":[{\"name\":\"number of rows "
        "inserted\",\"type\":\"fixed\",\"precision\":19,\"scale\":0,\"nullable\":false}]" +
        c.nested + "},\"data\":[[\"2\"]],\"code\":\"090001\"" + c.extra + "}";
    auto parsed = parse_result_set(body);
    ASSERT_TRUE(parsed.ok()) << c.name << ": " << parsed.error().message();
    ASSERT_EQ(parsed->meta.stats.has_value(), c.expected.has_value()) << c.name;
    if (c.expected) {
      EXPECT_EQ(parsed->meta.stats->rows_inserted, c.expected->rows_inserted) << c.name;
      EXPECT_EQ(parsed->meta.stats->rows_updated, c.expected->rows_updated) << c.name;
      EXPECT_EQ(parsed->meta.stats->rows_deleted, c.expected->rows_deleted) << c.name;
      EXPECT_EQ(parsed->meta.stats->duplicates, c.expected->duplicates) << c.name;
    }
    EXPECT_EQ(json_line(parsed->first_batch, 0), "{\"number of rows inserted\":2}");
  }
}

TEST(DecodeResultSet, DecodeRowsLimitsPartitionZero) {
  const std::vector<Row> rows(5, Row{"1", "x"});
  const std::vector<ColumnSpec> specs = {{"A", "fixed", 0, ""}, {"B", "text", std::nullopt, ""}};
  for (const std::size_t limit : {std::size_t{0}, std::size_t{2}, std::size_t{5}, std::size_t{9}}) {
    auto parsed = parse_result_set(result_body(specs, rows, false), limit);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->first_batch.rows, std::min<std::size_t>(limit, 5));
    EXPECT_EQ(parsed->first_batch.columns.size(), 2U);
    EXPECT_EQ(parsed->first_batch.columns[0].size(), parsed->first_batch.rows);
    EXPECT_EQ(parsed->meta.total_rows, 5U);
  }
}

TEST(DecodeResultSet, MalformedBodiesAreProtocolErrors) {
  const std::vector<ColumnSpec> specs = {{"A", "fixed", 2, ""}, {"B", "text", std::nullopt, ""}};
  const std::string good = result_body(specs, {{"1.5", "x"}, {"2", "y"}}, false);
  struct Case {
    const char* name;
    std::string body;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty", "", "not valid JSON"},
      {"HTML", "<html><body>502 Bad Gateway</body></html>", "not valid JSON"},
      {"NUL byte", std::string("{\"data\":[]}\0", 12), "a NUL byte at byte 11"},
      {"truncated", good.substr(0, good.size() / 2), "not valid JSON"},
      {"array", "[1,2]", "not a JSON object"},
      {"empty object", "{}", "neither resultSetMetaData nor data"},
      {"data not an array", "{\"data\":5}", "data is not an array"},
      {"meta not an object", "{\"resultSetMetaData\":[]}", "resultSetMetaData is not an object"},
      {"rowType not an array", "{\"resultSetMetaData\":{\"rowType\":{}}}",
       "rowType is not an array"},
      {"rowType entry not an object", "{\"resultSetMetaData\":{\"rowType\":[1]}}",
       "rowType[0] is not an object"},
      {"numRows not a number", "{\"resultSetMetaData\":{\"numRows\":\"many\"}}",
       "numRows is not an integer"},
      {"negative rowCount", "{\"resultSetMetaData\":{\"partitionInfo\":[{\"rowCount\":-1}]}}",
       "rowCount is not a count"},
      {"scale not a number",
       "{\"resultSetMetaData\":{\"rowType\":[{\"name\":\"A\",\"type\":\"fixed\",\"scale\":\"x\"}]}"
       "}",
       "rowType[0].scale is not an integer"},
      {"statementHandles not strings", "{\"data\":[],\"statementHandles\":[null]}",
       "statementHandles has a non-string entry"},
      {"bad number", result_body(specs, {{"1.5", "x"}, {"1,5", "y"}}, false),
       "partition 0: column 1 \"A\" (fixed), row 1: cannot read \"1,5\" as fixed"},
      {"too few cells", result_body(specs, {{"1"}}, false), "row 0 has 1 cells, expected 2"},
      {"too many cells", result_body(specs, {{"1", "x", "z"}}, false),
       "row 0 has more than 2 cells, expected 2"},
      {"nested cell",
       "{\"resultSetMetaData\":{\"rowType\":" + row_type_json(specs) + "},\"data\":[[[1],\"x\"]]}",
       "row 0 has an array where a cell belongs"},
      {"row not an array",
       "{\"resultSetMetaData\":{\"rowType\":" + row_type_json(specs) + "},\"data\":[\"x\"]}",
       "row 0 is not an array"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_result_set(c.body);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.error().category(), ErrorCategory::protocol) << c.name;
    EXPECT_NE(parsed.error().message().find(c.message), std::string::npos)
        << c.name << ": " << parsed.error().message();
    EXPECT_LT(parsed.error().message().size(), 300U) << c.name;
  }
}

// ---- decode_partition --------------------------------------------------------------------------

TEST(DecodePartition, GzippedBodyWithRowsSeparatedByCommaNewline) {
  const ColumnsPtr columns = make_columns(kAllTypes);
  std::vector<Row> rows = {kAllTypesRow, null_row(kAllTypes.size()), kAllTypesRow};
  rows[2][1] = "-0.50";
  rows[2][6] = "-25567";
  rows[2][8] = "-2208988800.000000000";
  rows[2][10] = "1616173619.000000000 960";
  rows[2][11] = "[\"undefined\", undefined]";
  const std::string body = partition_body(rows);
  ASSERT_NE(body.find("],\n["), std::string::npos);
  const std::string compressed = gzip(body);

  auto inflated = sfq::detail::gunzip(compressed, body.size(), 1 << 20);
  ASSERT_TRUE(inflated.ok()) << inflated.error().message();
  auto batch = decode_partition(*inflated, columns, 7, 1000);
  ASSERT_TRUE(batch.ok()) << batch.error().message();
  EXPECT_EQ(batch->partition, 7U);
  EXPECT_EQ(batch->first_row, 1000U);
  ASSERT_EQ(batch->rows, 3U);
  ASSERT_EQ(batch->columns.size(), kAllTypes.size());
  for (const auto& column : batch->columns) EXPECT_EQ(column.size(), 3U);
  EXPECT_EQ(json_line(*batch, 0), kAllTypesJson);
  for (std::size_t c = 0; c < kAllTypes.size(); ++c) EXPECT_TRUE(batch->columns[c].is_null(1));
  const RowBatch& b = *batch;
  EXPECT_EQ(b.columns[1].decimal_string(2), "-0.50");
  std::string json;
  sfq::format::append_json(json, b.columns[6], 2);
  sfq::format::append_json(json, b.columns[8], 2);
  sfq::format::append_json(json, b.columns[10], 2);
  sfq::format::append_json(json, b.columns[11], 2);
  EXPECT_EQ(json,
            "\"1900-01-01\"\"1900-01-01T00:00:00.000000000\""
            "\"2021-03-19T09:06:59.000000000-08:00\"[\"undefined\",null]");
}

TEST(DecodePartition, ReferenceNanosecondExample) {
  const ColumnsPtr columns = make_columns({{"NAME", "text", std::nullopt, ""},
                                           {"ADDRESS", "text", std::nullopt, ""},
                                           {"ZIP", "text", std::nullopt, ""},
                                           {"CREATED", "timestamp_ntz", 9, ""}});
  auto batch = decode_partition(
      "{\"data\":" + read_fixture("obj_data_example_nanosecond_timestamps.json") + "}", columns, 1,
      0);
  ASSERT_TRUE(batch.ok()) << batch.error().message();
  ASSERT_EQ(batch->rows, 4U);
  EXPECT_EQ(text_line(*batch, 0), "customer1|1234 A Avenue|98765|2019-08-10 23:56:34.123000000");
  EXPECT_EQ(text_line(*batch, 2), "customer3|8777 C Blvd|98765|2019-08-12 10:23:51.999999999");
}

TEST(DecodePartition, BodyShapes) {
  const ColumnsPtr columns = make_columns({{"A", "fixed", 0, ""}, {"B", "text", std::nullopt, ""}});
  struct Case {
    const char* name;
    std::string body;
    std::size_t rows;
    std::string first_row;  // text_line of row 0, when rows > 0
  };
  const std::vector<Case> cases = {
      {"compact", "{\"data\":[[\"1\",\"a\"],[\"2\",\"b\"]]}", 2, "1|a"},
      {"pretty", "{\n  \"data\" : [ [ \"1\", \"a\" ],\n [ null, null ] ]\n}\n", 2, "1|a"},
      {"other members skipped",
       "{\"meta\":{\"data\":[[1]],\"x\":[{\"data\":1}]},\"data\":[[\"1\",\"a\"]],\"n\":[1,[2]],"
       "\"s\":\"data\"}",
       1, "1|a"},
      {"no rows", "{\"data\":[]}", 0, ""},
      {"data null", "{\"data\":null}", 0, ""},
      {"numbers and booleans as cells", "{\"data\":[[12345678901234567890123,true]]}", 1,
       "12345678901234567890123|true"},
      {"escapes in strings", "{\"data\":[[\"-1\",\"a\\\"b\\u00e9\\n\"]]}", 1, "-1|a\"bé\n"},
  };
  for (const auto& c : cases) {
    auto batch = decode_partition(c.body, columns, 2, 50);
    ASSERT_TRUE(batch.ok()) << c.name << ": " << batch.error().message();
    ASSERT_EQ(batch->rows, c.rows) << c.name;
    if (c.rows > 0) {
      EXPECT_EQ(text_line(*batch, 0), c.first_row) << c.name;
    }
  }
}

TEST(DecodePartition, OwnedBodiesDecodeTheSame) {
  const ColumnsPtr columns = make_columns(kAllTypes);
  const std::string body = partition_body({kAllTypesRow, null_row(kAllTypes.size())});
  auto borrowed = decode_partition(body, columns, 4, 8);
  auto owned = sfq::detail::decode_owned_partition(body, columns, 4, 8);
  ASSERT_TRUE(borrowed.ok() && owned.ok());
  ASSERT_EQ(owned->rows, 2U);
  for (std::size_t r = 0; r < 2; ++r) EXPECT_EQ(json_line(*owned, r), json_line(*borrowed, r));
  EXPECT_EQ(json_line(*owned, 0), kAllTypesJson);
  // gunzip_buffer's output, with a right, a too small and an absurd rowCount hint.
  for (const std::uint64_t hint : {std::uint64_t{2}, std::uint64_t{1}, std::uint64_t{1} << 40}) {
    sfq::detail::TextBuffer text(body.size());
    std::memcpy(text.data(), body.data(), body.size());
    text.set_size(body.size());
    auto from_buffer = sfq::detail::decode_owned_partition(std::move(text), columns, 4, 8, hint);
    ASSERT_TRUE(from_buffer.ok()) << hint << ": " << from_buffer.error().message();
    ASSERT_EQ(from_buffer->rows, 2U) << hint;
    for (std::size_t r = 0; r < 2; ++r) {
      EXPECT_EQ(json_line(*from_buffer, r), json_line(*borrowed, r)) << hint;
    }
  }
  // A buffer never filled (a default TextBuffer) is an empty body, not a crash.
  EXPECT_FALSE(sfq::detail::decode_owned_partition(sfq::detail::TextBuffer(), columns, 4, 8).ok());
}

TEST(DecodePartition, LargeMappedBodyHandsBackItsTextAndDecodesTheSame) {
  // Over 2 MiB: the text is a mapped buffer whose pages are handed back while it is parsed
  // (every MiB). Rows mix escapes (strings rewritten in place), nulls and every type, so that
  // the cells around each release point must still be read whole.
  const ColumnsPtr columns = make_columns(kAllTypes);
  std::vector<Row> rows;
  std::mt19937 random(7);
  std::size_t bytes = 0;
  for (std::size_t i = 0; bytes < (std::size_t{5} << 19); ++i) {
    Row row = i % 11 == 0 ? null_row(kAllTypes.size()) : kAllTypesRow;
    if (row[3]) {
      *row[3] =
          "row " + std::to_string(i) + " \"quoted\"\t\\ " +
          std::string(static_cast<std::size_t>(random() % 4000), 'a' + static_cast<char>(i % 26));
    }
    if (row[0]) *row[0] = std::to_string(random());
    bytes += 400 + (row[3] ? row[3]->size() : 0);  // about what the row takes in the body
    rows.push_back(std::move(row));
  }
  const std::string body = partition_body(rows);
  sfq::detail::TextBuffer text(body.size());
  ASSERT_TRUE(text.mapped());
  std::memcpy(text.data(), body.data(), body.size());
  text.set_size(body.size());
  auto mapped = sfq::detail::decode_owned_partition(std::move(text), columns, 2, 100, rows.size());
  auto copied = decode_partition(body, columns, 2, 100);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message();
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  ASSERT_EQ(mapped->rows, rows.size());
  ASSERT_EQ(copied->rows, rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ(json_line(*mapped, r), json_line(*copied, r)) << "row " << r;
  }
  EXPECT_EQ(text_line(*mapped, 1).substr(0, 40), text_line(*copied, 1).substr(0, 40));
  EXPECT_EQ(mapped->columns[3].text_value(1).substr(0, 17), "row 1 \"quoted\"\t\\ ");
}

TEST(DecodePartition, MalformedBodiesAreProtocolErrors) {
  const ColumnsPtr columns =
      make_columns({{"A", "fixed", 0, ""}, {"B", "boolean", std::nullopt, ""}});
  const std::string good = "{\"data\":[[\"1\",\"true\"],\n[\"2\",\"false\"]]}";
  struct Case {
    const char* name;
    std::string body;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty", "", "partition 3: body is not valid JSON"},
      {"truncated", good.substr(0, good.size() - 3), "is not valid JSON"},
      {"trailing garbage", good + "x", "is not valid JSON"},
      {"two roots", good + good, "is not valid JSON"},
      {"not an object", "[[\"1\",\"true\"]]", "body is not a JSON object"},
      {"scalar root", "\"data\"", "body is not a JSON object"},
      {"no data", "{\"rows\":[]}", "no `data` member"},
      {"data not an array", "{\"data\":{}}", "`data` is not an array"},
      {"data a string", "{\"data\":\"x\"}", "`data` is not an array"},
      {"data twice", "{\"data\":[],\"data\":[]}", "`data` appears twice"},
      {"row not an array", "{\"data\":[\"1\"]}", "row 100 is not an array"},
      {"row an object", "{\"data\":[{}]}", "row 100 is not an array"},
      {"too few cells", "{\"data\":[[\"1\",\"true\"],[\"2\"]]}", "row 101 has 1 cells, expected 2"},
      {"empty row", "{\"data\":[[]]}", "row 100 has 0 cells, expected 2"},
      {"too many cells", "{\"data\":[[\"1\",\"true\",\"x\"]]}",
       "row 100 has more than 2 cells, expected 2"},
      {"nested array", "{\"data\":[[\"1\",[\"true\"]]]}", "row 100 has an array where a cell"},
      {"nested object", "{\"data\":[[{},\"true\"]]}", "row 100 has an object where a cell"},
      {"bad number", "{\"data\":[[\"1\",\"true\"],[\"x1\",\"true\"]]}",
       "partition 3: column 1 \"A\" (fixed), row 101: cannot read \"x1\" as fixed"},
      {"NUL byte", std::string("{\"data\":[[\"1\",\"true\"]]}\0x", 25), "a NUL byte at byte 23"},
      {"NUL inside a string", std::string("{\"data\":[[\"1\0\",\"true\"]]}", 24),
       "a NUL byte at byte 12"},
      {"bad boolean", "{\"data\":[[\"1\",\"maybe\"]]}",
       "column 2 \"B\" (boolean), row 100: cannot read \"maybe\""},
  };
  for (const auto& c : cases) {
    auto batch = decode_partition(c.body, columns, 3, 100);
    ASSERT_FALSE(batch.ok()) << c.name;
    EXPECT_EQ(batch.error().category(), ErrorCategory::protocol) << c.name;
    EXPECT_NE(batch.error().message().find(c.message), std::string::npos)
        << c.name << ": " << batch.error().message();
  }
}

TEST(DecodePartition, DeepNestingCannotExhaustTheStack) {
  const ColumnsPtr columns = make_columns({{"V", "variant", std::nullopt, ""}});
  const std::string deep_value = std::string(200000, '[') + std::string(200000, ']');
  std::string cell;
  sfq::format::append_json_string(cell, deep_value);
  // In a cell's JSON text: valid, kept as JSON.
  auto in_cell = decode_partition("{\"data\":[[" + cell + "]]}", columns, 1, 0);
  ASSERT_TRUE(in_cell.ok()) << in_cell.error().message();
  EXPECT_FALSE(in_cell->columns[0].is_raw_text(0));
  EXPECT_EQ(in_cell->columns[0].text_value(0).size(), deep_value.size());
  // In a skipped member, and as a cell: skipped, and an error.
  auto skipped = decode_partition("{\"x\":" + deep_value + ",\"data\":[]}", columns, 1, 0);
  ASSERT_TRUE(skipped.ok()) << skipped.error().message();
  auto nested = decode_partition("{\"data\":[[" + deep_value + "]]}", columns, 1, 0);
  ASSERT_FALSE(nested.ok());
  auto unbalanced = decode_partition(std::string(200000, '['), columns, 1, 0);
  ASSERT_FALSE(unbalanced.ok());
  auto result = parse_result_set("{\"x\":" + deep_value + ",\"data\":[]}");
  ASSERT_TRUE(result.ok()) << result.error().message();
}

// ---- parse_status_body -------------------------------------------------------------------------

TEST(DecodeStatusBody, EveryDocsStatusBody) {
  struct Case {
    const char* file;
    std::string code, sql_state, handle, url, message_start;
  };
  const std::vector<Case> cases = {
      {"resp_202_post.json", "333334", "", "019c06a4-0000-df4f-0000-00100006589e",
       "/api/v2/statements/019c06a4-0000-df4f-0000-00100006589e", "Asynchronous execution"},
      {"resp_422_compilation_error.json", "000904", "42000", "019c0728-0000-df4f-0000-00100006606e",
       "", "SQL compilation error: error line 1"},
      {"resp_422_cancel_not_found.json", "000709", "02000", "019c07bc-0000-df4f-0000-001000067c3e",
       "", "Statement 019c07bc"},
      {"resp_422_multi_statement_failure.json", "100132", "P0000",
       "019d6e97-0502-317e-0000-096d0041f036", "", "JavaScript execution error"},
      {"resp_422_bind_value_not_recognized.json", "100037", "22018", "<ID>", "", "<bind type>"},
      {"resp_200_cancel.json", "000604", "57014", "019c07bc-0000-df4f-0000-001000067c3e",
       "/api/v2/statements/019c07bc-0000-df4f-0000-001000067c3e", "SQL execution canceled"},
      {"resp_400_invalid_payload.json", "390142", "", "", "", "Incoming request"},
      {"resp_401_invalid_oauth.json", "390303", "", "", "", "Invalid OAuth access token"},
      {"resp_429_too_many_requests.json", "390505", "", "", "", "Too many requests."},
  };
  for (const auto& c : cases) {
    auto body = parse_status_body(read_fixture(c.file));
    ASSERT_TRUE(body.ok()) << c.file << ": " << body.error().message();
    EXPECT_EQ(body->code, c.code) << c.file;
    EXPECT_EQ(body->sql_state, c.sql_state) << c.file;
    EXPECT_EQ(body->statement_handle, c.handle) << c.file;
    EXPECT_EQ(body->statement_status_url, c.url) << c.file;
    EXPECT_EQ(body->message.rfind(c.message_start, 0), 0U) << c.file << ": " << body->message;
  }
  auto with_code_zero = parse_status_body(read_fixture("obj_querystatus_example.json"));
  ASSERT_TRUE(with_code_zero.ok());
  EXPECT_EQ(with_code_zero->code, "0");
  EXPECT_EQ(with_code_zero->created_on, 0) << "absent";
  auto with_date = parse_status_body("{\"code\":\"333334\",\"createdOn\":1620151693299}");
  ASSERT_TRUE(with_date.ok());
  EXPECT_EQ(with_date->created_on, 1620151693299);
  auto real_408 = parse_status_body(
      "{\"code\":\"000630\",\"message\":\"Statement reached its statement or warehouse timeout of "
      "2 second(s) and was canceled.\",\"sqlState\":\"57014\",\"statementHandle\":\"01c7\"}");
  ASSERT_TRUE(real_408.ok());
  EXPECT_EQ(real_408->code, "000630");
  EXPECT_EQ(real_408->sql_state, "57014");
}

TEST(DecodeStatusBody, ToleratesOddFieldsAndRejectsNonJson) {
  auto odd = parse_status_body("{\"code\":390505,\"message\":null,\"createdOn\":\"17\",\"x\":[]}");
  ASSERT_TRUE(odd.ok()) << odd.error().message();
  EXPECT_EQ(odd->code, "390505") << "numbers are read as their text";
  EXPECT_EQ(odd->message, "");
  EXPECT_EQ(odd->created_on, 17);
  auto empty_object = parse_status_body("{}");
  ASSERT_TRUE(empty_object.ok());
  EXPECT_EQ(empty_object->code, "");

  for (const std::string& body : {std::string(), std::string("<html>502 Bad Gateway</html>"),
                                  std::string("[1]"), std::string(5000, 'x')}) {
    auto parsed = parse_status_body(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().category(), ErrorCategory::protocol);
    EXPECT_NE(parsed.error().message().find("not a JSON object"), std::string::npos);
    EXPECT_LT(parsed.error().message().size(), 200U) << "never the whole body";
  }
}

// ---- random mutations --------------------------------------------------------------------------

std::string mutate(std::string input, std::mt19937& random) {
  static const std::string kAlphabet = "{}[],:\"\\ntrufalse0123456789.-eE \n undefined";
  const int edits = 1 + static_cast<int>(random() % 3);
  for (int e = 0; e < edits && !input.empty(); ++e) {
    const std::size_t at = random() % input.size();
    switch (random() % 5) {
      case 0:  // replace a byte
        input[at] = kAlphabet[random() % kAlphabet.size()];
        break;
      case 1:  // random byte
        input[at] = static_cast<char>(random());
        break;
      case 2:  // delete a range
        input.erase(at, random() % 16);
        break;
      case 3:  // duplicate a range
        input.insert(at, input.substr(random() % input.size(), random() % 24));
        break;
      default:  // truncate
        input.resize(at);
        break;
    }
  }
  return input;
}

// Every cell of a decoded batch formats to valid JSON, whatever the input was.
void expect_well_formed(const RowBatch& batch) {
  for (const auto& column : batch.columns) ASSERT_EQ(column.size(), batch.rows);
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const std::string line = json_line(batch, r);
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << line;
    (void)text_line(batch, r);
  }
}

TEST(DecodeMutation, RandomlyMutatedBodiesNeverCrash) {
  const ColumnsPtr columns = make_columns(kAllTypes);
  std::vector<Row> rows = {kAllTypesRow, null_row(kAllTypes.size()), kAllTypesRow};
  const std::string partition = partition_body(rows);
  const std::string result = result_body(kAllTypes, rows, false);
  const std::string compressed = gzip(partition);
  std::mt19937 random(4242);
  int ok = 0;
  int failed = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string body = mutate(i % 2 == 0 ? partition : result, random);
    if (i % 2 == 0) {
      auto batch = decode_partition(body, columns, 1, 10);
      if (batch.ok()) {
        ++ok;
        expect_well_formed(*batch);
      } else {
        ++failed;
        EXPECT_EQ(batch.error().category(), ErrorCategory::protocol);
        EXPECT_LT(batch.error().message().size(), 400U);
      }
    } else {
      auto parsed = parse_result_set(body);
      if (parsed.ok()) {
        ++ok;
        expect_well_formed(parsed->first_batch);
      } else {
        ++failed;
        EXPECT_EQ(parsed.error().category(), ErrorCategory::protocol);
        EXPECT_LT(parsed.error().message().size(), 400U);
      }
    }
    if (i % 10 == 0) {
      auto inflated = sfq::detail::gunzip(mutate(compressed, random), 0, 1 << 20);
      if (inflated.ok()) (void)decode_partition(*inflated, columns, 1, 0);
    }
  }
  // Both outcomes must occur, or the mutations test nothing.
  EXPECT_GT(ok, 100);
  EXPECT_GT(failed, 100);
}

}  // namespace
