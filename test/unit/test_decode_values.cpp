// Value decoding, one table per rowType type: the real server's wire text (docs/SQL_API_NOTES.md
// §6) → the decoded typed value → its JSON value → its display text. Also the column-type
// mapping, mixed columns (NULL, raw text and values interleaved) and malformed cells.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "decode/column_builder.hpp"
#include "sfq/format.hpp"
#include "sfq/value.hpp"

namespace {

using sfq::Column;
using sfq::ColumnMeta;
using sfq::ColumnType;
using sfq::detail::ColumnBuilder;

struct ValueCase {
  std::string type;  // rowType `type`
  std::optional<std::int64_t> scale;
  std::string ext;                  // rowType `extTypeName`
  std::optional<std::string> wire;  // std::nullopt: a JSON null cell
  std::string decoded;              // describe() of the decoded cell
  std::string json;                 // format::append_json
  std::string text;                 // format::append_text
};

void PrintTo(const ValueCase& c, std::ostream* os) {
  *os << c.type << "(" << (c.scale ? std::to_string(*c.scale) : "-") << ") "
      << (c.wire ? "\"" + *c.wire + "\"" : "null");
}

std::shared_ptr<const ColumnMeta> make_meta(const std::string& type,
                                            std::optional<std::int64_t> scale,
                                            const std::string& ext = {}) {
  auto meta = std::make_shared<ColumnMeta>();
  meta->name = "C";
  meta->wire_type = type;
  meta->ext_type_name = ext;
  meta->type = sfq::column_type_from_wire(type, ext);
  meta->scale = scale;
  return meta;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0x0F]);
  }
  return out;
}

// The typed value of a cell, independent of the formatter under test.
std::string describe(const Column& column, std::size_t row) {
  if (column.is_null(row)) return "NULL";
  const std::string text(column.text_value(row));
  if (column.is_raw_text(row)) return (column.is_big_decimal(row) ? "big " : "raw ") + text;
  switch (column.type()) {
    case ColumnType::fixed:
    case ColumnType::date:
    case ColumnType::time:
      return "int " + std::to_string(column.int64_value(row));
    case ColumnType::real: {
      const double value = column.double_value(row);
      if (std::isnan(value)) return "real nan";
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
      return "real " + std::string(buffer, end);
    }
    case ColumnType::boolean:
      return column.bool_value(row) ? "bool true" : "bool false";
    case ColumnType::timestamp_ntz:
    case ColumnType::timestamp_ltz:
    case ColumnType::timestamp_tz: {
      const sfq::Timestamp ts = column.timestamp_value(row);
      std::string out = "ts " + std::to_string(ts.seconds) + " " + std::to_string(ts.nanos);
      if (column.type() == ColumnType::timestamp_tz) out += " " + std::to_string(ts.offset_minutes);
      return out;
    }
    case ColumnType::binary:
      return "bytes " + hex(text);
    default:
      return "text " + text;
  }
}

bool is_valid_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  return !doc.HasParseError();
}

class DecodeValue : public ::testing::TestWithParam<ValueCase> {};

TEST_P(DecodeValue, WireToTypedToJsonToText) {
  const ValueCase& c = GetParam();
  Column column(make_meta(c.type, c.scale, c.ext));
  ColumnBuilder builder(column, 0);
  if (c.wire) {
    const sfq::Status status = builder.append(*c.wire, 0);
    ASSERT_TRUE(status.ok()) << status.error().message();
  } else {
    builder.append_null();
  }
  ASSERT_EQ(column.size(), 1U);
  EXPECT_EQ(describe(column, 0), c.decoded);
  std::string json;
  sfq::format::append_json(json, column, 0);
  EXPECT_EQ(json, c.json);
  EXPECT_TRUE(is_valid_json(json)) << json;
  std::string text;
  sfq::format::append_text(text, column, 0, "<null>");
  EXPECT_EQ(text, c.text);
}

const std::string kBig38 = "12345678901234567890123456789012345678";

INSTANTIATE_TEST_SUITE_P(
    Fixed, DecodeValue,
    ::testing::Values(
        ValueCase{"fixed", 0, "", kBig38, "big " + kBig38, kBig38, kBig38},
        ValueCase{"fixed", 0, "", "-" + kBig38, "big -" + kBig38, "-" + kBig38, "-" + kBig38},
        ValueCase{"fixed", 2, "", "12345678.91", "int 1234567891", "12345678.91", "12345678.91"},
        ValueCase{"fixed", 2, "", "-0.50", "int -50", "-0.50", "-0.50"},
        ValueCase{"fixed", 2, "", "-0.00", "int 0", "0.00", "0.00"},
        ValueCase{"fixed", 2, "", "007.5", "int 750", "7.50", "7.50"},
        ValueCase{"fixed", 3, "", "1.5", "int 1500", "1.500", "1.500"},
        ValueCase{"fixed", 2, "", "1.230", "int 123", "1.23", "1.23"},
        ValueCase{"fixed", 2, "", "1.239", "big 1.239", "1.239", "1.239"},
        ValueCase{"fixed", 0, "", "+42", "int 42", "42", "42"},
        ValueCase{"fixed", std::nullopt, "", "19", "int 19", "19", "19"},
        ValueCase{"fixed", 0, "", "9223372036854775807", "int 9223372036854775807",
                  "9223372036854775807", "9223372036854775807"},
        ValueCase{"fixed", 0, "", "-9223372036854775808", "int -9223372036854775808",
                  "-9223372036854775808", "-9223372036854775808"},
        ValueCase{"fixed", 0, "", "9223372036854775808", "big 9223372036854775808",
                  "9223372036854775808", "9223372036854775808"},
        ValueCase{"fixed", 4, "", "-922337203685477.5808", "int -9223372036854775808",
                  "-922337203685477.5808", "-922337203685477.5808"},
        ValueCase{"fixed", 37, "", "0.1234567890123456789012345678901234567",
                  "big 0.1234567890123456789012345678901234567",
                  "0.1234567890123456789012345678901234567",
                  "0.1234567890123456789012345678901234567"},
        ValueCase{"fixed", 10, "", "-00012345678901234567.8", "big -12345678901234567.8000000000",
                  "-12345678901234567.8000000000", "-12345678901234567.8000000000"},
        ValueCase{"fixed", 0, "", std::nullopt, "NULL", "null", "<null>"},
        ValueCase{"fixed", 0, "", "null", "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    Real, DecodeValue,
    ::testing::Values(
        ValueCase{"real", std::nullopt, "", "1.5", "real 1.5", "1.5", "1.5"},
        ValueCase{"real", std::nullopt, "", "0.1", "real 0.1", "0.1", "0.1"},
        ValueCase{"real", std::nullopt, "", "123", "real 123", "123", "123"},
        ValueCase{"real", std::nullopt, "", "-0.0", "real -0", "-0", "-0"},
        ValueCase{"real", std::nullopt, "", "1.7976931348623157e308",
                  "real 1.7976931348623157e+308", "1.7976931348623157e+308",
                  "1.7976931348623157e+308"},
        ValueCase{"real", std::nullopt, "", "4.9e-324", "real 5e-324", "5e-324", "5e-324"},
        ValueCase{"real", std::nullopt, "", "1E-5", "real 1e-05", "1e-05", "1e-05"},
        ValueCase{"real", std::nullopt, "", "+2.5", "real 2.5", "2.5", "2.5"},
        ValueCase{"real", std::nullopt, "", "NaN", "real nan", "\"NaN\"", "NaN"},
        ValueCase{"real", std::nullopt, "", "inf", "real inf", "\"inf\"", "inf"},
        ValueCase{"real", std::nullopt, "", "-inf", "real -inf", "\"-inf\"", "-inf"},
        ValueCase{"real", std::nullopt, "", "Infinity", "real inf", "\"inf\"", "inf"},
        ValueCase{"real", std::nullopt, "", "-Infinity", "real -inf", "\"-inf\"", "-inf"},
        ValueCase{"real", std::nullopt, "", "1e400", "real inf", "\"inf\"", "inf"},
        ValueCase{"real", std::nullopt, "", "-1e-400", "real -0", "-0", "-0"},
        ValueCase{"real", std::nullopt, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(Decfloat, DecodeValue,
                         ::testing::Values(ValueCase{"decfloat", std::nullopt, "", "123.456",
                                                     "text 123.456", "123.456", "123.456"},
                                           ValueCase{"decfloat", std::nullopt, "", "1.23E+40",
                                                     "text 1.23E+40", "1.23E+40", "1.23E+40"},
                                           ValueCase{"decfloat", std::nullopt, "", "NaN",
                                                     "text NaN", "\"NaN\"", "NaN"}));

INSTANTIATE_TEST_SUITE_P(
    Text, DecodeValue,
    ::testing::Values(ValueCase{"text", std::nullopt, "", "héllo", "text héllo", "\"héllo\"",
                                "héllo"},
                      ValueCase{"text", std::nullopt, "", "", "text ", "\"\"", ""},
                      ValueCase{"text", std::nullopt, "", "a\"b\\c\nd", "text a\"b\\c\nd",
                                "\"a\\\"b\\\\c\\nd\"", "a\"b\\c\nd"},
                      // `nullable=false` sends NULL as "null", which in a text column cannot be
                      // told from the text.
                      ValueCase{"text", std::nullopt, "", "null", "text null", "\"null\"", "null"},
                      ValueCase{"text", std::nullopt, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    Binary, DecodeValue,
    ::testing::Values(ValueCase{"binary", std::nullopt, "", "DEADBEEF", "bytes DEADBEEF",
                                "\"DEADBEEF\"", "DEADBEEF"},
                      ValueCase{"binary", std::nullopt, "", "deadBEEF00", "bytes DEADBEEF00",
                                "\"DEADBEEF00\"", "DEADBEEF00"},
                      ValueCase{"binary", std::nullopt, "", "", "bytes ", "\"\"", ""},
                      // BINARY_OUTPUT_FORMAT=BASE64 ("ABC"): not hex, kept as sent.
                      ValueCase{"binary", std::nullopt, "", "QUJD", "raw QUJD", "\"QUJD\"", "QUJD"},
                      ValueCase{"binary", std::nullopt, "", "ABC", "raw ABC", "\"ABC\"", "ABC"},
                      ValueCase{"binary", std::nullopt, "", "null", "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    Boolean, DecodeValue,
    ::testing::Values(
        ValueCase{"boolean", std::nullopt, "", "true", "bool true", "true", "true"},
        ValueCase{"boolean", std::nullopt, "", "false", "bool false", "false", "false"},
        ValueCase{"boolean", std::nullopt, "", "TRUE", "bool true", "true", "true"},
        ValueCase{"boolean", std::nullopt, "", "False", "bool false", "false", "false"},
        ValueCase{"boolean", std::nullopt, "", "1", "bool true", "true", "true"},
        ValueCase{"boolean", std::nullopt, "", "0", "bool false", "false", "false"},
        ValueCase{"boolean", std::nullopt, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    Date, DecodeValue,
    ::testing::Values(
        ValueCase{"date", std::nullopt, "", "20735", "int 20735", "\"2026-10-09\"", "2026-10-09"},
        ValueCase{"date", std::nullopt, "", "-25567", "int -25567", "\"1900-01-01\"", "1900-01-01"},
        ValueCase{"date", std::nullopt, "", "0", "int 0", "\"1970-01-01\"", "1970-01-01"},
        ValueCase{"date", std::nullopt, "", "19782", "int 19782", "\"2024-02-29\"", "2024-02-29"},
        ValueCase{"date", std::nullopt, "", "-719162", "int -719162", "\"0001-01-01\"",
                  "0001-01-01"},
        ValueCase{"date", std::nullopt, "", "2932896", "int 2932896", "\"9999-12-31\"",
                  "9999-12-31"},
        // DATE_OUTPUT_FORMAT=DD/MM/YYYY: kept as sent.
        ValueCase{"date", std::nullopt, "", "09/10/2026", "raw 09/10/2026", "\"09/10/2026\"",
                  "09/10/2026"},
        ValueCase{"date", std::nullopt, "", "null", "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    Time, DecodeValue,
    ::testing::Values(
        ValueCase{"time", 9, "", "45296.123456789", "int 45296123456789", "\"12:34:56.123456789\"",
                  "12:34:56.123456789"},
        ValueCase{"time", std::nullopt, "", "82919.000000000", "int 82919000000000",
                  "\"23:01:59.000000000\"", "23:01:59.000000000"},
        ValueCase{"time", 0, "", "45296", "int 45296000000000", "\"12:34:56\"", "12:34:56"},
        ValueCase{"time", 3, "", "45296.123", "int 45296123000000", "\"12:34:56.123\"",
                  "12:34:56.123"},
        ValueCase{"time", 3, "", "45296.123456789", "int 45296123456789", "\"12:34:56.123\"",
                  "12:34:56.123"},
        ValueCase{"time", 9, "", "0.5", "int 500000000", "\"00:00:00.500000000\"",
                  "00:00:00.500000000"},
        ValueCase{"time", 9, "", "86399.9999999999999", "int 86399999999999",
                  "\"23:59:59.999999999\"", "23:59:59.999999999"},
        ValueCase{"time", 9, "", "12:34:56", "raw 12:34:56", "\"12:34:56\"", "12:34:56"},
        ValueCase{"time", 9, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    TimestampNtz, DecodeValue,
    ::testing::Values(
        ValueCase{"timestamp_ntz", 9, "", "1791549296.123456789", "ts 1791549296 123456789",
                  "\"2026-10-09T12:34:56.123456789\"", "2026-10-09 12:34:56.123456789"},
        ValueCase{"timestamp_ntz", 9, "", "-2208988800.000000000", "ts -2208988800 0",
                  "\"1900-01-01T00:00:00.000000000\"", "1900-01-01 00:00:00.000000000"},
        ValueCase{"timestamp_ntz", 1, "", "-1.5", "ts -2 500000000", "\"1969-12-31T23:59:58.5\"",
                  "1969-12-31 23:59:58.5"},
        ValueCase{"timestamp_ntz", 3, "", "1791549296.123", "ts 1791549296 123000000",
                  "\"2026-10-09T12:34:56.123\"", "2026-10-09 12:34:56.123"},
        ValueCase{"timestamp_ntz", 0, "", "1791549296", "ts 1791549296 0",
                  "\"2026-10-09T12:34:56\"", "2026-10-09 12:34:56"},
        ValueCase{"timestamp_ntz", 9, "", "1791549296.1", "ts 1791549296 100000000",
                  "\"2026-10-09T12:34:56.100000000\"", "2026-10-09 12:34:56.100000000"},
        ValueCase{"timestamp_ntz", 9, "", "1791549296.1234567891", "ts 1791549296 123456789",
                  "\"2026-10-09T12:34:56.123456789\"", "2026-10-09 12:34:56.123456789"},
        // The reference's `data` example: integer nanoseconds.
        ValueCase{"timestamp_ntz", 3, "", "1565481394123000000", "ts 1565481394 123000000",
                  "\"2019-08-10T23:56:34.123\"", "2019-08-10 23:56:34.123"},
        // TIMESTAMP_NTZ_OUTPUT_FORMAT set: kept as sent.
        ValueCase{"timestamp_ntz", 9, "", "2021-01-20 12:34:56.03459878",
                  "raw 2021-01-20 12:34:56.03459878", "\"2021-01-20 12:34:56.03459878\"",
                  "2021-01-20 12:34:56.03459878"},
        ValueCase{"timestamp_ntz", 9, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    TimestampLtz, DecodeValue,
    ::testing::Values(ValueCase{"timestamp_ltz", 9, "", "1791524096.123456789",
                                "ts 1791524096 123456789", "\"2026-10-09T05:34:56.123456789Z\"",
                                "2026-10-09 05:34:56.123456789Z"},
                      ValueCase{"timestamp_ltz", std::nullopt, "", "-2208988800.000000000",
                                "ts -2208988800 0", "\"1900-01-01T00:00:00.000000000Z\"",
                                "1900-01-01 00:00:00.000000000Z"},
                      ValueCase{"timestamp_ltz", 9, "", "null", "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    TimestampTz, DecodeValue,
    ::testing::Values(
        ValueCase{"timestamp_tz", 9, "", "1791524096.123456789 1860", "ts 1791524096 123456789 420",
                  "\"2026-10-09T12:34:56.123456789+07:00\"", "2026-10-09 12:34:56.123456789+07:00"},
        ValueCase{"timestamp_tz", 0, "", "1616173619.000000000 960", "ts 1616173619 0 -480",
                  "\"2021-03-19T09:06:59-08:00\"", "2021-03-19 09:06:59-08:00"},
        ValueCase{"timestamp_tz", 3, "", "1616173619.5 1770", "ts 1616173619 500000000 330",
                  "\"2021-03-19T22:36:59.500+05:30\"", "2021-03-19 22:36:59.500+05:30"},
        ValueCase{"timestamp_tz", 9, "", "-2208988800.000000000 1440", "ts -2208988800 0 0",
                  "\"1900-01-01T00:00:00.000000000+00:00\"", "1900-01-01 00:00:00.000000000+00:00"},
        ValueCase{"timestamp_tz", 9, "", "-0.25 720", "ts -1 750000000 -720",
                  "\"1969-12-31T11:59:59.750000000-12:00\"", "1969-12-31 11:59:59.750000000-12:00"},
        // No offset: not the default encoding, kept as sent.
        ValueCase{"timestamp_tz", 9, "", "1616173619.000000000", "raw 1616173619.000000000",
                  "\"1616173619.000000000\"", "1616173619.000000000"},
        ValueCase{"timestamp_tz", 9, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    SemiStructured, DecodeValue,
    ::testing::Values(
        ValueCase{"variant", std::nullopt, "", "{\n  \"a\": 1\n}", "text {\"a\":1}", "{\"a\":1}",
                  "{\"a\":1}"},
        ValueCase{"array", std::nullopt, "", "[\n  1,\n  \"x\",\n  undefined\n]",
                  "text [1,\"x\",null]", "[1,\"x\",null]", "[1,\"x\",null]"},
        ValueCase{"variant", std::nullopt, "", "[undefined, [undefined], {\"u\": undefined}]",
                  "text [null,[null],{\"u\":null}]", "[null,[null],{\"u\":null}]",
                  "[null,[null],{\"u\":null}]"},
        // "undefined" inside a string stays, escaped quotes included; spaces inside strings stay.
        ValueCase{"object", std::nullopt, "",
                  "{\n  \"k\": \"undefined\",\n  \"s\": \"a \\\" undefined \"\n}",
                  "text {\"k\":\"undefined\",\"s\":\"a \\\" undefined \"}",
                  "{\"k\":\"undefined\",\"s\":\"a \\\" undefined \"}",
                  "{\"k\":\"undefined\",\"s\":\"a \\\" undefined \"}"},
        ValueCase{"variant", std::nullopt, "", "\"undefined\"", "text \"undefined\"",
                  "\"undefined\"", "\"undefined\""},
        ValueCase{"variant", std::nullopt, "", "42", "text 42", "42", "42"},
        ValueCase{"variant", std::nullopt, "", "true", "text true", "true", "true"},
        // Unbalanced text is not JSON: kept as sent and emitted as a string.
        ValueCase{"variant", std::nullopt, "", "[1, 2", "raw [1, 2", "\"[1, 2\"", "[1, 2"},
        ValueCase{"variant", std::nullopt, "", "\"open", "raw \"open", "\"\\\"open\"", "\"open"},
        // Balanced but not JSON, and JSON in invalid UTF-8: kept as sent.
        ValueCase{"variant", std::nullopt, "", "{\"a\", 1}", "raw {\"a\", 1}", "\"{\\\"a\\\", 1}\"",
                  "{\"a\", 1}"},
        ValueCase{"array", std::nullopt, "", "[1,]", "raw [1,]", "\"[1,]\"", "[1,]"},
        ValueCase{"vector", std::nullopt, "", "[1.0.0]", "raw [1.0.0]", "\"[1.0.0]\"", "[1.0.0]"},
        ValueCase{"array", std::nullopt, "", "[\"\xff\"]", "raw [\"\xff\"]",
                  "\"[\\\"\xEF\xBF\xBD\\\"]\"", "[\"\xff\"]"},
        ValueCase{"variant", std::nullopt, "", "[1e300, -0.0, 123456789012345678901234567890]",
                  "text [1e300,-0.0,123456789012345678901234567890]",
                  "[1e300,-0.0,123456789012345678901234567890]",
                  "[1e300,-0.0,123456789012345678901234567890]"},
        ValueCase{"variant", std::nullopt, "", std::nullopt, "NULL", "null", "<null>"}));

INSTANTIATE_TEST_SUITE_P(
    GeoAndVector, DecodeValue,
    ::testing::Values(
        ValueCase{
            "object", std::nullopt, "GEOGRAPHY",
            "{\n  \"coordinates\": [\n    -122.35,\n    37.55\n  ],\n  \"type\": \"Point\"\n}",
            "text {\"coordinates\":[-122.35,37.55],\"type\":\"Point\"}",
            "{\"coordinates\":[-122.35,37.55],\"type\":\"Point\"}",
            "{\"coordinates\":[-122.35,37.55],\"type\":\"Point\"}"},
        ValueCase{
            "object", std::nullopt, "GEOMETRY",
            "{\n  \"coordinates\": [\n    3.000000000000000e+00,\n    4.000000000000000e+00\n  ],\n"
            "  \"type\": \"Point\"\n}",
            "text {\"coordinates\":[3.000000000000000e+00,4.000000000000000e+00],\"type\":"
            "\"Point\"}",
            "{\"coordinates\":[3.000000000000000e+00,4.000000000000000e+00],\"type\":\"Point\"}",
            "{\"coordinates\":[3.000000000000000e+00,4.000000000000000e+00],\"type\":\"Point\"}"},
        ValueCase{"vector", std::nullopt, "", "[1.000000,2.000000,3.000000]",
                  "text [1.000000,2.000000,3.000000]", "[1.000000,2.000000,3.000000]",
                  "[1.000000,2.000000,3.000000]"}));

INSTANTIATE_TEST_SUITE_P(Unknown, DecodeValue,
                         ::testing::Values(ValueCase{"interval_year_month", std::nullopt, "", "1-2",
                                                     "text 1-2", "\"1-2\"", "1-2"},
                                           ValueCase{"interval_year_month", std::nullopt, "",
                                                     "null", "text null", "\"null\"", "null"}));

TEST(DecodeColumnType, FromWireIgnoresCaseAndHonoursExtTypeName) {
  struct Case {
    std::string type, ext;
    ColumnType expected;
  };
  const std::vector<Case> cases = {
      {"fixed", "", ColumnType::fixed},
      {"FIXED", "", ColumnType::fixed},
      {"Real", "", ColumnType::real},
      {"TEXT", "", ColumnType::text},
      {"binary", "", ColumnType::binary},
      {"boolean", "", ColumnType::boolean},
      {"date", "", ColumnType::date},
      {"TIME", "", ColumnType::time},
      {"TIMESTAMP_NTZ", "", ColumnType::timestamp_ntz},
      {"timestamp_ltz", "", ColumnType::timestamp_ltz},
      {"timestamp_tz", "", ColumnType::timestamp_tz},
      {"variant", "", ColumnType::variant},
      {"object", "", ColumnType::object},
      {"array", "", ColumnType::array},
      {"vector", "", ColumnType::vector},
      {"decfloat", "", ColumnType::decfloat},
      {"object", "GEOGRAPHY", ColumnType::geography},
      {"object", "geometry", ColumnType::geometry},
      {"geography", "", ColumnType::geography},
      {"interval", "", ColumnType::unknown},
      {"", "", ColumnType::unknown},
      {"unknown", "", ColumnType::unknown},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(sfq::column_type_from_wire(c.type, c.ext), c.expected) << c.type << "/" << c.ext;
  }
  EXPECT_EQ(sfq::to_string(ColumnType::timestamp_tz), "timestamp_tz");
  EXPECT_EQ(sfq::to_string(ColumnType::geography), "geography");
  EXPECT_TRUE(sfq::is_json_type(ColumnType::vector));
  EXPECT_TRUE(sfq::is_json_type(ColumnType::geometry));
  EXPECT_FALSE(sfq::is_json_type(ColumnType::text));
}

// Rows of different kinds in one column keep every storage vector aligned.
TEST(DecodeColumn, MixedRowsStayAligned) {
  struct Case {
    std::string type;
    std::optional<std::int64_t> scale;
    std::vector<std::optional<std::string>> cells;
    std::vector<std::string> decoded;
  };
  const std::vector<Case> cases = {
      {"fixed",
       2,
       {"1.00", kBig38, std::nullopt, "-2.5", "99999999999999999999.99"},
       {"int 100", "big " + kBig38 + ".00", "NULL", "int -250", "big 99999999999999999999.99"}},
      {"date",
       std::nullopt,
       {"20735", std::nullopt, "09/10/2026", "-25567", "null"},
       {"int 20735", "NULL", "raw 09/10/2026", "int -25567", "NULL"}},
      {"binary",
       std::nullopt,
       {"DEAD", "xyz!", std::nullopt, "beef"},
       {"bytes DEAD", "raw xyz!", "NULL", "bytes BEEF"}},
      {"timestamp_tz",
       9,
       {"1.5 1500", "Mon, 19 Mar", std::nullopt, "2 1440"},
       {"ts 1 500000000 60", "raw Mon, 19 Mar", "NULL", "ts 2 0 0"}},
      {"variant",
       std::nullopt,
       {"[undefined]", "{oops", std::nullopt, "{}"},
       {"text [null]", "raw {oops", "NULL", "text {}"}},
  };
  for (const auto& c : cases) {
    Column column(make_meta(c.type, c.scale));
    ColumnBuilder builder(column, 0);
    builder.reserve(c.cells.size());
    for (std::size_t i = 0; i < c.cells.size(); ++i) {
      if (c.cells[i]) {
        ASSERT_TRUE(builder.append(*c.cells[i], i).ok()) << c.type << " row " << i;
      } else {
        builder.append_null();
      }
    }
    ASSERT_EQ(column.size(), c.cells.size());
    for (std::size_t i = 0; i < c.cells.size(); ++i) {
      EXPECT_EQ(describe(column, i), c.decoded[i]) << c.type << " row " << i;
    }
    EXPECT_GT(column.memory_bytes(), sizeof(Column));
  }
}

TEST(DecodeColumn, DecimalStringIsExact) {
  Column column(make_meta("fixed", 3));
  ColumnBuilder builder(column, 0);
  for (const char* cell : {"-9223372036854775.808", "0.001", "-0.001", "5", kBig38.c_str()}) {
    ASSERT_TRUE(builder.append(cell, 0).ok());
  }
  EXPECT_EQ(column.decimal_string(0), "-9223372036854775.808");
  EXPECT_EQ(column.decimal_string(1), "0.001");
  EXPECT_EQ(column.decimal_string(2), "-0.001");
  EXPECT_EQ(column.decimal_string(3), "5.000");
  EXPECT_EQ(column.decimal_string(4), kBig38 + ".000");
}

TEST(DecodeColumn, MalformedCellsNameColumnRowAndValue) {
  struct Case {
    std::string type;
    std::string cell;
  };
  const std::vector<Case> cases = {
      {"fixed", "12a"}, {"fixed", "1e5"}, {"fixed", ""},      {"fixed", "-"},   {"fixed", "1.2.3"},
      {"fixed", "."},   {"fixed", " 1"},  {"real", "abc"},    {"real", ""},     {"real", "1.5x"},
      {"real", "+-1"},  {"real", "0x10"}, {"boolean", "yes"}, {"boolean", "2"}, {"boolean", ""},
  };
  for (const auto& c : cases) {
    auto meta = std::make_shared<ColumnMeta>(*make_meta(c.type, 2));
    meta->name = "AMOUNT";
    Column column(meta);
    ColumnBuilder builder(column, 3);
    const sfq::Status status = builder.append(c.cell, 1234);
    ASSERT_FALSE(status.ok()) << c.type << " \"" << c.cell << "\"";
    EXPECT_EQ(status.error().category(), sfq::ErrorCategory::protocol);
    const std::string& message = status.error().message();
    EXPECT_NE(message.find("column 4 \"AMOUNT\""), std::string::npos) << message;
    EXPECT_NE(message.find("row 1234"), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + c.cell + "\""), std::string::npos) << message;
    EXPECT_EQ(column.size(), 0U) << "a failed cell appends nothing";
  }
}

TEST(DecodeColumn, LongMalformedValuesAreTruncatedInMessages) {
  Column column(make_meta("fixed", 0));
  ColumnBuilder builder(column, 0);
  const std::string cell = std::string(1000, '7') + "x";
  const sfq::Status status = builder.append(cell, 0);
  ASSERT_FALSE(status.ok());
  EXPECT_LT(status.error().message().size(), 200U);
  EXPECT_NE(status.error().message().find("…"), std::string::npos);

  // Never cut inside a UTF-8 sequence, control characters masked.
  const std::string quoted = sfq::detail::quote_snippet(std::string(47, 'a') + "é\n", 48);
  EXPECT_EQ(quoted, "\"" + std::string(47, 'a') + "\"…");
  EXPECT_EQ(sfq::detail::quote_snippet("a\nb", 48), "\"a?b\"");
}

}  // namespace
