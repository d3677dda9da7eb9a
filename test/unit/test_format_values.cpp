// The formatting module's building blocks: ISO-8601 dates, times and timestamps, JSON string
// literals (escaping and invalid UTF-8), and which types read as numbers. Cell formatting per type
// is covered with the decoding tables in test_decode_values.cpp.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "sfq/format.hpp"

namespace {

using sfq::ColumnType;
using sfq::Timestamp;
namespace format = sfq::format;

TEST(FormatIsoDate, CivilFromDays) {
  struct Case {
    std::int64_t days;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {0, "1970-01-01"},          {-1, "1969-12-31"},        {20735, "2026-10-09"},
      {-25567, "1900-01-01"},     {19782, "2024-02-29"},     {19783, "2024-03-01"},
      {11016, "2000-02-29"},      {-25508, "1900-03-01"},    {-719162, "0001-01-01"},
      {-719163, "0000-12-31"},    {-719528, "0000-01-01"},   {-719529, "-0001-12-31"},
      {2932896, "9999-12-31"},    {2932897, "+10000-01-01"}, {-141427, "1582-10-15"},
      {-4371954, "-10001-12-31"}, {-2, "1969-12-30"},
  };
  for (const auto& c : cases) EXPECT_EQ(format::iso_date(c.days), c.expected) << c.days;
}

TEST(FormatIsoDate, ExtremeDayCountsDoNotOverflow) {
  // Values this large only come from corrupt data; what matters is a sane string and no UB.
  for (const std::int64_t days :
       {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
        std::numeric_limits<std::int64_t>::min() + 1}) {
    const std::string text = format::iso_date(days);
    ASSERT_FALSE(text.empty());
    EXPECT_TRUE(text[0] == '+' || text[0] == '-') << text;
    EXPECT_EQ(text.substr(text.size() - 6).find_first_not_of("0123456789-"), std::string::npos)
        << text;
  }
}

TEST(FormatIsoDate, EveryDayOfFourCenturiesRoundTripsThroughTheCalendar) {
  // Walk day by day from 1900-01-01 and compare with a calendar counted by hand.
  auto is_leap = [](std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t year = 1900;
  int month = 1;
  int day = 1;
  char expected[64];
  for (std::int64_t days = -25567; days < -25567 + 146097; ++days) {
    std::snprintf(expected, sizeof expected, "%04lld-%02d-%02d", static_cast<long long>(year),
                  month, day);
    ASSERT_EQ(format::iso_date(days), expected) << days;
    const int length = month_days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
    if (++day > length) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
}

TEST(FormatIsoTime, ScaleSetsFractionDigits) {
  struct Case {
    std::int64_t nanos;
    int scale;
    std::string expected;
  };
  const std::int64_t t = 45296123456789;  // 12:34:56.123456789
  const std::vector<Case> cases = {
      {t, 9, "12:34:56.123456789"},
      {t, 6, "12:34:56.123456"},
      {t, 3, "12:34:56.123"},
      {t, 1, "12:34:56.1"},
      {t, 0, "12:34:56"},
      {0, 9, "00:00:00.000000000"},
      {0, 0, "00:00:00"},
      {86399999999999, 9, "23:59:59.999999999"},
      {5000000, 3, "00:00:00.005"},
      {t, 12, "12:34:56.123456789"},  // more than 9 digits: nanoseconds are all there is
      {t, -1, "12:34:56"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format::iso_time(c.nanos, c.scale), c.expected) << c.nanos << " scale " << c.scale;
  }
}

TEST(FormatIsoTimestamp, WallClockWithSeparator) {
  struct Case {
    Timestamp wall;
    int scale;
    char separator;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{1791549296, 123456789, 0}, 9, 'T', "2026-10-09T12:34:56.123456789"},
      {{1791549296, 123456789, 0}, 3, ' ', "2026-10-09 12:34:56.123"},
      {{1791549296, 0, 0}, 0, 'T', "2026-10-09T12:34:56"},
      {{-2208988800, 0, 0}, 9, 'T', "1900-01-01T00:00:00.000000000"},
      {{-1, 500000000, 0}, 1, 'T', "1969-12-31T23:59:59.5"},
      {{0, 0, 0}, 0, ' ', "1970-01-01 00:00:00"},
      {{253402300799, 999999999, 0}, 9, 'T', "9999-12-31T23:59:59.999999999"},
      {{-62135596800, 0, 0}, 0, 'T', "0001-01-01T00:00:00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format::iso_timestamp(c.wall, c.scale, c.separator), c.expected) << c.wall.seconds;
  }
  // Extremes: no overflow, no UB.
  EXPECT_FALSE(
      format::iso_timestamp({std::numeric_limits<std::int64_t>::min(), 0, 0}, 9, 'T').empty());
  EXPECT_FALSE(
      format::iso_timestamp({std::numeric_limits<std::int64_t>::max(), 999999999, 0}, 9, 'T')
          .empty());
}

TEST(FormatJsonString, EscapesAndUtf8) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<Case> cases = {
      {"", "\"\""},
      {"plain", "\"plain\""},
      {"quote\" backslash\\ slash/", "\"quote\\\" backslash\\\\ slash/\""},
      {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
      {std::string("\x00\x01\x1f\x7f", 4), "\"\\u0000\\u0001\\u001f\x7f\""},
      {"héllo €𝄞", "\"héllo €𝄞\""},
      // Unicode 15 §3.9 Table 3-8: one U+FFFD per maximal ill-formed subpart.
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "\"a" + fffd + fffd + fffd + "b" + fffd + "c" + fffd + fffd + "d\""},
      {"\xC0\xAF", "\"" + fffd + fffd + "\""},                        // overlong '/'
      {"\xED\xA0\x80", "\"" + fffd + fffd + fffd + "\""},             // a surrogate
      {"\xF4\x90\x80\x80", "\"" + fffd + fffd + fffd + fffd + "\""},  // above U+10FFFF
      {"\xE2\x82", "\"" + fffd + "\""},                               // truncated at the end
      {"\xFF", "\"" + fffd + "\""},
      {"ok\xE2\x82\xAC\xE2\x82", "\"ok€" + fffd + "\""},
  };
  for (const auto& c : cases) {
    std::string out = "prefix:";
    format::append_json_string(out, c.input);
    EXPECT_EQ(out, "prefix:" + c.expected);
  }
}

TEST(FormatJsonString, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 random(20261009);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string input(static_cast<std::size_t>(length(random)), '\0');
    for (char& c : input) c = static_cast<char>(byte(random));
    std::string out;
    format::append_json_string(out, input);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str(), out.size());
    ASSERT_FALSE(doc.HasParseError()) << "input #" << i;
    ASSERT_TRUE(doc.IsString());
  }
}

TEST(FormatIsNumeric, OnlyNumberTypes) {
  EXPECT_TRUE(format::is_numeric(ColumnType::fixed));
  EXPECT_TRUE(format::is_numeric(ColumnType::real));
  EXPECT_TRUE(format::is_numeric(ColumnType::decfloat));
  for (const ColumnType type : {ColumnType::text, ColumnType::binary, ColumnType::boolean,
                                ColumnType::date, ColumnType::time, ColumnType::timestamp_tz,
                                ColumnType::variant, ColumnType::vector, ColumnType::unknown}) {
    EXPECT_FALSE(format::is_numeric(type)) << sfq::to_string(type);
  }
}

}  // namespace
