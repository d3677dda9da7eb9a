// test_engine_fidelity.cpp — what test/data/sqllogic/fidelity.test cannot say as data: EXPLAIN's
// TEXT and JSON forms, GET_DDL with bound arguments, the byte lengths of computed text columns,
// and CURRENT_TIMESTAMP's "Z" under TIMEZONE=UTC.
#include <algorithm>

#include "engine/json.hpp"
#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

Bind text_bind(std::optional<std::string> value) {
  Bind b;
  b.type = "TEXT";
  b.values.push_back(std::move(value));
  return b;
}

std::vector<std::string> names(const Result& r) {
  std::vector<std::string> out;
  for (const auto& c : r.cols) out.push_back(c.name);
  return out;
}

}  // namespace

TEST(EngineFidelity, ExplainTextAndJsonForms) {
  auto c = connect();
  Result text = run(*c, "EXPLAIN USING TEXT SELECT * FROM region");
  ASSERT_TRUE(text.ok()) << describe(text);
  ASSERT_EQ(names(text), (std::vector<std::string>{"content"}));
  const std::string t = text.scalar();
  EXPECT_EQ(t.rfind("GlobalStats:\n    partitionsTotal=1\n", 0), 0U) << t;
  EXPECT_NE(t.find("->TableScan  SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.REGION"), std::string::npos) << t;

  Result json = run(*c, "EXPLAIN USING JSON SELECT * FROM region");
  ASSERT_TRUE(json.ok()) << describe(json);
  auto parsed = mock_snowflake::engine::parse_json(json.scalar());
  ASSERT_TRUE(parsed.has_value()) << json.scalar();
  EXPECT_NE(json.scalar().find(R"("operation":"TableScan")"), std::string::npos);
  EXPECT_NE(json.scalar().find(R"("GlobalStats":{"partitionsTotal":1)"), std::string::npos);
}

TEST(EngineFidelity, GetDdlTakesBoundArguments) {
  auto c = connect();
  Result literal = run(*c, "SELECT GET_DDL('TABLE', 'region')");
  ASSERT_TRUE(literal.ok()) << describe(literal);
  Result bound = run(*c, "SELECT GET_DDL('TABLE', ?)", {{"1", text_bind("region")}});
  ASSERT_TRUE(bound.ok()) << describe(bound);
  EXPECT_EQ(bound.scalar(), literal.scalar());
  EXPECT_NE(bound.scalar().find("create or replace TABLE REGION"), std::string::npos)
      << bound.scalar();

  Result both = run(*c, "SELECT GET_DDL(?, ?)",
                    {{"1", text_bind("VIEW")}, {"2", text_bind("ORDERS_BY_NATION")}});
  ASSERT_TRUE(both.ok()) << describe(both);
  EXPECT_NE(both.scalar().find("ORDERS_BY_NATION"), std::string::npos) << both.scalar();

  Result named = run(*c, "SELECT GET_DDL('TABLE', :t)", {{"t", text_bind("nation")}});
  ASSERT_TRUE(named.ok()) << describe(named);

  EXPECT_EQ(run(*c, "SELECT GET_DDL('TABLE', ?)", {{"1", text_bind("nosuch")}}).error_code(),
            "002003");
  EXPECT_EQ(run(*c, "SELECT GET_DDL('TABLE', ?)", {{"1", text_bind(std::nullopt)}}).error_code(),
            "001044");
}

TEST(EngineFidelity, ComputedTextColumnsReportTheLargestLength) {
  auto c = connect();
  Result r = run(*c,
                 "SELECT CURRENT_USER(), CURRENT_ROLE(), 'x'::STRING, CAST(1 AS VARCHAR), "
                 "SYSTEM$WAIT(1, 'MILLISECONDS'), 'x'::VARCHAR(5), r_name::TEXT "
                 "FROM region LIMIT 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.col(i).length, 134217728) << r.col(i).name;
    EXPECT_EQ(r.col(i).byte_length, 134217728) << r.col(i).name;
  }
  EXPECT_EQ(r.col(5).length, 5);
  EXPECT_EQ(r.col(6).length, 134217728);
  // The context functions may be NULL (no current database, ...), as the real rowType says.
  EXPECT_TRUE(r.col(0).nullable);
  EXPECT_TRUE(r.col(1).nullable);
  EXPECT_FALSE(r.col(4).nullable);

  // A declared VARCHAR column keeps 16777216.
  Result declared = run(*c, "SELECT S FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 1");
  ASSERT_TRUE(declared.ok()) << describe(declared);
  EXPECT_EQ(declared.col(0).length, 16777216);
}

TEST(EngineFidelity, CurrentTimestampUnderUtcEndsInZ) {
  Session utc = sample_session();
  utc.parameters["TIMEZONE"] = "UTC";
  auto c = connect(utc);
  Result r = run(*c, "SELECT CURRENT_TIMESTAMP()::STRING");
  ASSERT_TRUE(r.ok()) << describe(r);
  const std::string now = r.scalar();
  ASSERT_GE(now.size(), 2U);
  EXPECT_EQ(now.substr(now.size() - 2), " Z") << now;
}
