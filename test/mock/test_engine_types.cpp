// test_engine_types.cpp — the wire encoding of every type and the rowType of every column, checked
// against the real server's recorded values, plus output-format parameters and the session time
// zone. Expression types and values are data: test/data/sqllogic/types.test.
#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

struct TypeCase {
  const char* column;
  const char* type;
  std::optional<std::int64_t> precision;
  std::optional<std::int64_t> scale;
  std::optional<std::int64_t> length;
  std::optional<std::int64_t> byte_length;
  const char* value;  // the real server's wire value for the seeded row
  const char* ext_type = "";
};

// MOCKDB.PUBLIC.ALL_TYPES row 1 holds the values of the real server's "every type" recording.
const TypeCase kTypes[] = {
    {"I", "fixed", 38, 0, std::nullopt, std::nullopt, "12345678901234567890123456789012345678"},
    {"N", "fixed", 10, 2, std::nullopt, std::nullopt, "12345678.91"},
    {"F", "real", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "1.5"},
    {"S", "text", std::nullopt, std::nullopt, 16777216, 67108864, "h\xC3\xA9llo"},
    {"B", "binary", std::nullopt, std::nullopt, 8388608, 8388608, "DEADBEEF"},
    {"BO", "boolean", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "true"},
    {"D", "date", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "20735"},
    {"TM", "time", 0, 9, std::nullopt, std::nullopt, "45296.123456789"},
    {"TN", "timestamp_ntz", 0, 9, std::nullopt, std::nullopt, "1791549296.123456789"},
    {"TL", "timestamp_ltz", 0, 9, std::nullopt, std::nullopt, "1791524096.123456789"},
    {"TZ", "timestamp_tz", 0, 9, std::nullopt, std::nullopt, "1791524096.123456789 1860"},
    {"V", "variant", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "{\n  \"a\": 1\n}"},
    {"O", "object", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "{\n  \"k\": \"v\"\n}"},
    {"A", "array", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
     "[\n  1,\n  \"x\",\n  undefined\n]"},
    {"G", "object", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
     "{\n  \"coordinates\": [\n    1,\n    2\n  ],\n  \"type\": \"Point\"\n}", "GEOGRAPHY"},
    {"GM", "object", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
     "{\n  \"coordinates\": [\n    3.000000000000000e+00,\n    4.000000000000000e+00\n  ],\n  "
     "\"type\": \"Point\"\n}",
     "GEOMETRY"},
    {"VE", "vector", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
     "[1.000000,2.000000,3.000000]"},
};

}  // namespace

TEST(EngineTypes, EveryTypeEncodesLikeTheRealServer) {
  auto c = connect();
  for (const TypeCase& k : kTypes) {
    SCOPED_TRACE(k.column);
    Result r =
        run(*c, std::string("SELECT ") + k.column + " FROM MOCKDB.PUBLIC.ALL_TYPES ORDER BY ID");
    if (!(r.ok())) {
      ADD_FAILURE() << describe(r);
      continue;
    }
    if ((r.cols.size()) != (1U)) {
      ADD_FAILURE() << "r.cols.size() is not " << 1U;
      continue;
    }
    const ColumnInfo& col = r.col(0);
    EXPECT_EQ(col.name, k.column);
    EXPECT_EQ(col.type, k.type);
    EXPECT_EQ(col.precision, k.precision);
    EXPECT_EQ(col.scale, k.scale);
    EXPECT_EQ(col.length, k.length);
    EXPECT_EQ(col.byte_length, k.byte_length);
    EXPECT_EQ(col.ext_type_name, k.ext_type);
    EXPECT_TRUE(col.nullable);
    if (col.ext_type_name.empty()) {
      EXPECT_EQ(col.database, "MOCKDB");
      EXPECT_EQ(col.schema, "PUBLIC");
      EXPECT_EQ(col.table, "ALL_TYPES");
    } else {
      // Geospatial columns come without their table, as on the real server.
      EXPECT_EQ(col.table, "");
    }
    if ((r.rows.size()) != (5U)) {
      ADD_FAILURE() << "r.rows.size() is not " << 5U;
      continue;
    }
    EXPECT_EQ(r.rows[0][0], k.value);
    // Row 5 is all NULL.
    EXPECT_EQ(r.rows[4][0], std::nullopt);
  }
}

TEST(EngineTypes, FloatSpecialValues) {
  auto c = connect();
  Result r = run(*c, "SELECT F FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID BETWEEN 2 AND 4 ORDER BY ID");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.rows.size(), 3U);
  EXPECT_EQ(r.rows[0][0], "NaN");
  EXPECT_EQ(r.rows[1][0], "inf");
  EXPECT_EQ(r.rows[2][0], "-inf");
  Result cast = run(*c, "SELECT 'NaN'::FLOAT, 'inf'::FLOAT, '-inf'::FLOAT");
  ASSERT_TRUE(cast.ok()) << describe(cast);
  EXPECT_EQ(cast.rows[0], (Row{"NaN", "inf", "-inf"}));
}

TEST(EngineTypes, ComputedColumnsCarryNoTable) {
  auto c = connect();
  Result r = run(*c, "SELECT r_regionkey + 1, r_name::STRING, r_name FROM region LIMIT 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.col(i).database, "") << r.col(i).name;
    EXPECT_EQ(r.col(i).table, "") << r.col(i).name;
  }
  EXPECT_EQ(r.col(2).table, "REGION");
}

TEST(EngineTypes, LiteralTypesFollowTheirDigits) {
  auto c = connect();
  Result r = run(*c, "SELECT 1, 123, 12345678.91, 'abc', NULL");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).precision, 1);
  EXPECT_EQ(r.col(1).precision, 3);
  EXPECT_EQ(r.col(2).precision, 10);
  EXPECT_EQ(r.col(2).scale, 2);
  EXPECT_EQ(r.col(3).length, 3);
  EXPECT_EQ(r.col(3).byte_length, 12);
  EXPECT_FALSE(r.col(0).nullable);
  EXPECT_TRUE(r.col(4).nullable);
  EXPECT_EQ(r.rows[0][4], std::nullopt);
}

TEST(EngineTypes, UnaliasedColumnsAreNamedAfterTheirText) {
  auto c = connect();
  Result r = run(*c,
                 "SELECT seq8(), randstr(3, random()), count(*), n_name, \"N_NAME\" FROM nation "
                 "GROUP BY n_name LIMIT 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).name, "SEQ8()");
  EXPECT_EQ(r.col(1).name, "RANDSTR(3, RANDOM())");
  EXPECT_EQ(r.col(2).name, "COUNT(*)");
  EXPECT_EQ(r.col(3).name, "N_NAME");
  EXPECT_EQ(r.col(4).name, "N_NAME");
  Result lower = run(*c, "SELECT 1 AS \"lower\", 2 AS a, 3 AS a");
  ASSERT_TRUE(lower.ok()) << describe(lower);
  EXPECT_EQ(lower.col(0).name, "lower");
  EXPECT_EQ(lower.col(1).name, "A");
  EXPECT_EQ(lower.col(2).name, "A");
}

TEST(EngineTypes, OutputFormatParametersChangeTextNotType) {
  Session s = sample_session();
  s.parameters["DATE_OUTPUT_FORMAT"] = "DD/MM/YYYY";
  s.parameters["TIMESTAMP_NTZ_OUTPUT_FORMAT"] = "YYYY-MM-DD\"T\"HH24:MI:SS.FF3";
  s.parameters["TIME_OUTPUT_FORMAT"] = "HH24:MI";
  auto c = connect(s);
  Result r = run(*c, "SELECT D, TN, TM FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).type, "date");
  EXPECT_EQ(r.rows[0][0], "09/10/2026");
  EXPECT_EQ(r.rows[0][1], "2026-10-09T12:34:56.123");
  EXPECT_EQ(r.rows[0][2], "12:34");
}

TEST(EngineTypes, TimezoneParameterShapesLocalTimes) {
  Session s = sample_session();
  s.parameters["TIMEZONE"] = "Asia/Jakarta";
  s.parameters["TIMESTAMP_LTZ_OUTPUT_FORMAT"] = "YYYY-MM-DD HH24:MI:SS TZHTZM";
  auto c = connect(s);
  Result r = run(*c,
                 "SELECT TL, TL::STRING, '2026-10-09 12:00:00'::TIMESTAMP_LTZ FROM "
                 "MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.rows[0][0], "2026-10-09 12:34:56 +0700");
  EXPECT_EQ(r.rows[0][1], "2026-10-09 12:34:56 +0700");
  EXPECT_EQ(r.rows[0][2], "2026-10-09 12:00:00 +0700");
  Session la = sample_session();
  auto d = connect(la);
  // Without a TIMEZONE parameter the session is in America/Los_Angeles, like the real default.
  Result pst =
      run(*d, "SELECT '2026-01-15 12:00:00'::TIMESTAMP_LTZ, '2026-07-15 12:00:00'::TIMESTAMP_TZ");
  ASSERT_TRUE(pst.ok()) << describe(pst);
  EXPECT_EQ(pst.rows[0][0], "1768507200.000000000");
  EXPECT_EQ(pst.rows[0][1], "1784142000.000000000 1020");
}

TEST(EngineTypes, CurrentTimestampIsLtzInTheSessionZone) {
  Session s = sample_session();
  s.parameters["TIMEZONE"] = "UTC";
  auto c = connect(s);
  Result r = run(*c, "SELECT CURRENT_TIMESTAMP(), CURRENT_TIMESTAMP()::STRING, CURRENT_DATE()");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).type, "timestamp_ltz");
  EXPECT_EQ(r.col(2).type, "date");
  const std::string& text = *r.rows[0][1];
  // A zero offset is written "Z", as the real service writes it under TIMEZONE=UTC.
  ASSERT_GE(text.size(), 2U);
  EXPECT_EQ(text.substr(text.size() - 2), " Z");
}
