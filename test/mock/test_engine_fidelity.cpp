// test_engine_fidelity.cpp — SQL a user or an agent types first, answered as the real service
// answers it: EXPLAIN's plan table, GET_DDL with bound arguments, the INSERT string function, the
// length and nullability of computed text columns, "Z" for a zero offset, and 000606 for a
// statement that needs a warehouse in a session without one.
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

std::string cell(const Result& r, std::size_t row, std::size_t col) {
  return r.rows.at(row).at(col).value_or("<NULL>");
}

Session without_warehouse() {
  Session s = sample_session();
  s.warehouse.clear();
  return s;
}

}  // namespace

TEST(EngineFidelity, ExplainAnswersSnowflakesPlanTable) {
  auto c = connect();
  Result r = run(*c,
                 "EXPLAIN SELECT r_name FROM region WHERE r_regionkey > 1 "
                 "ORDER BY r_name LIMIT 3");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(names(r), (std::vector<std::string>{"step", "id", "parent", "operation", "objects",
                                                "alias", "expressions", "partitionsTotal",
                                                "partitionsAssigned", "bytesAssigned"}));
  for (std::size_t i : {0U, 1U, 2U, 7U, 8U, 9U}) {
    EXPECT_EQ(r.col(i).type, "fixed") << r.col(i).name;
    EXPECT_EQ(r.col(i).scale, 0) << r.col(i).name;
  }
  for (std::size_t i : {3U, 4U, 5U, 6U}) EXPECT_EQ(r.col(i).type, "text") << r.col(i).name;

  ASSERT_EQ(r.rows.size(), 5U);
  // The GlobalStats row first: no step, id or parent; the totals of the scans.
  EXPECT_EQ(r.rows[0][0], std::nullopt);
  EXPECT_EQ(cell(r, 0, 3), "GlobalStats");
  EXPECT_EQ(cell(r, 0, 7), "1");
  EXPECT_EQ(cell(r, 0, 8), "1");
  EXPECT_EQ(cell(r, 0, 9), cell(r, 4, 9));
  EXPECT_GT(std::stoll(cell(r, 0, 9)), 0);

  // Then Result -> SortWithLimit -> Filter -> TableScan, each the parent of the next.
  const std::vector<std::string> operations = {"Result", "SortWithLimit", "Filter", "TableScan"};
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const std::size_t row = i + 1;
    EXPECT_EQ(cell(r, row, 0), "1");
    EXPECT_EQ(cell(r, row, 1), std::to_string(i));
    EXPECT_EQ(cell(r, row, 2), i == 0 ? "<NULL>" : std::to_string(i - 1));
    EXPECT_EQ(cell(r, row, 3), operations[i]);
  }
  EXPECT_EQ(cell(r, 1, 6), "REGION.R_NAME");
  EXPECT_EQ(cell(r, 2, 6), "sortKey: [R_NAME ASC NULLS LAST], rowCount: 3");
  EXPECT_EQ(cell(r, 3, 6), "R_REGIONKEY > 1");
  EXPECT_EQ(cell(r, 4, 4), "SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.REGION");
  EXPECT_EQ(cell(r, 4, 6), "R_REGIONKEY, R_NAME, R_COMMENT");
  EXPECT_EQ(cell(r, 4, 7), "1");
  // Only scans carry partition figures.
  EXPECT_EQ(r.rows[1][7], std::nullopt);
}

TEST(EngineFidelity, ExplainShowsJoinsAggregatesAndAliases) {
  auto c = connect();
  Result r = run(*c,
                 "EXPLAIN SELECT n.n_name, COUNT(*) FROM nation n JOIN region r "
                 "ON n.n_regionkey = r.r_regionkey GROUP BY n.n_name");
  ASSERT_TRUE(r.ok()) << describe(r);
  std::vector<std::string> ops;
  for (std::size_t i = 1; i < r.rows.size(); ++i) ops.push_back(cell(r, i, 3));
  EXPECT_EQ(ops, (std::vector<std::string>{"Result", "Aggregate", "InnerJoin", "TableScan",
                                           "TableScan"}));
  EXPECT_EQ(cell(r, 2, 6), "aggExprs: [COUNT(*)], groupKeys: [N.N_NAME]");
  EXPECT_EQ(cell(r, 3, 6), "joinKey: (N.N_REGIONKEY = R.R_REGIONKEY)");
  EXPECT_EQ(cell(r, 4, 5), "N");
  EXPECT_EQ(cell(r, 5, 4), "SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.REGION");
  EXPECT_EQ(cell(r, 0, 7), "2");
  // Both scans hang off the join.
  EXPECT_EQ(cell(r, 4, 2), cell(r, 3, 1));
  EXPECT_EQ(cell(r, 5, 2), cell(r, 3, 1));
}

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

TEST(EngineFidelity, ExplainCompilesTheQueryFirst) {
  auto c = connect();
  EXPECT_EQ(run(*c, "EXPLAIN SELECT * FROM no_such_table").error_code(), "002003");
  EXPECT_EQ(run(*c, "EXPLAIN SELECT no_such_column FROM region").error_code(), "000904");
  EXPECT_EQ(run(*c, "EXPLAIN DROP TABLE region").error_code(), "001003");
  EXPECT_EQ(run(*c, "EXPLAIN USING YAML SELECT 1").error_code(), "001003");
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
  EXPECT_EQ(run(*c, "SELECT GET_DDL('TABLE', r_name) FROM region").error_code(), "001044");
}

TEST(EngineFidelity, InsertStringFunction) {
  auto c = connect();
  struct Case {
    const char* sql;
    const char* expected;
  };
  const Case cases[] = {
      {"INSERT('abc', 1, 2, 'Z')", "Zc"},     {"INSERT('abcdef', 3, 2, 'zzz')", "abzzzef"},
      {"INSERT('abc', 2, 0, 'XY')", "aXYbc"}, {"INSERT('abc', 4, 5, 'd')", "abcd"},
      {"INSERT('abc', 10, 1, 'x')", "abcx"},  {"INSERT('h\xC3\xA9llo', 2, 1, 'e')", "hello"},
      {"INSERT(NULL, 1, 1, 'x')", "<NULL>"},  {"INSERT('abc', 1, NULL, 'x')", "<NULL>"},
  };
  for (const auto& k : cases) {
    Result r = run(*c, std::string("SELECT ") + k.sql);
    ASSERT_TRUE(r.ok()) << k.sql << ": " << describe(r);
    EXPECT_EQ(r.scalar(), k.expected) << k.sql;
    EXPECT_EQ(r.col(0).type, "text") << k.sql;
  }
  Result column = run(*c, "SELECT INSERT(r_name, 1, 1, '_') FROM region ORDER BY r_regionkey");
  ASSERT_TRUE(column.ok()) << describe(column);
  EXPECT_EQ(cell(column, 0, 0), "_FRICA");
  EXPECT_EQ(run(*c, "SELECT INSERT('abc', 1, 2)").error_code(), "001044");
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

TEST(EngineFidelity, ParseJsonAndVectorCastsAreNullable) {
  auto c = connect();
  Result r = run(*c, "SELECT PARSE_JSON('{\"a\": 1}'), [1, 2, 3]::VECTOR(FLOAT, 3)");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).type, "variant");
  EXPECT_TRUE(r.col(0).nullable);
  EXPECT_EQ(r.col(1).type, "vector");
  EXPECT_TRUE(r.col(1).nullable);
}

TEST(EngineFidelity, ZeroOffsetIsWrittenZ) {
  Session utc = sample_session();
  utc.parameters["TIMEZONE"] = "UTC";
  auto c = connect(utc);
  Result r = run(*c,
                 "SELECT CURRENT_TIMESTAMP()::STRING, "
                 "'2024-05-17 12:00:00 +00:00'::TIMESTAMP_TZ::STRING, "
                 "'2024-05-17 12:00:00 +02:00'::TIMESTAMP_TZ::STRING, "
                 "TO_CHAR('2024-05-17 12:00:00 +00:00'::TIMESTAMP_TZ, 'HH24:MI TZH:TZM')");
  ASSERT_TRUE(r.ok()) << describe(r);
  const std::string now = cell(r, 0, 0);
  ASSERT_GE(now.size(), 2U);
  EXPECT_EQ(now.substr(now.size() - 2), " Z") << now;
  EXPECT_EQ(cell(r, 0, 1), "2024-05-17 12:00:00.000 Z");
  EXPECT_EQ(cell(r, 0, 2), "2024-05-17 12:00:00.000 +0200");
  EXPECT_EQ(cell(r, 0, 3), "12:00 Z");

  // Another zone keeps its numeric offset.
  Session la = sample_session();
  la.parameters["TIMEZONE"] = "America/Los_Angeles";
  auto l = connect(la);
  Result winter = run(*l, "SELECT '2024-01-17 12:00:00'::TIMESTAMP_LTZ::STRING");
  ASSERT_TRUE(winter.ok()) << describe(winter);
  EXPECT_EQ(winter.scalar(), "2024-01-17 12:00:00.000 -0800");
}

TEST(EngineFidelity, StatementsThatReadTablesNeedAWarehouse) {
  auto c = connect(without_warehouse());
  Result scan = run(*c, "SELECT COUNT(*) FROM region");
  EXPECT_EQ(scan.error_code(), "000606") << describe(scan);
  ASSERT_TRUE(scan.outcome.error.has_value());
  EXPECT_EQ(scan.outcome.error->sql_state, "57P03");
  EXPECT_EQ(scan.error_message(),
            "No active warehouse selected in the current session.  Select an active warehouse "
            "with the 'use warehouse' command.");
  // Views read tables too; a join of two, a subquery, and writes of every kind.
  EXPECT_EQ(run(*c, "SELECT * FROM orders_by_nation").error_code(), "000606");
  EXPECT_EQ(run(*c, "SELECT 1 WHERE EXISTS (SELECT 1 FROM nation)").error_code(), "000606");
  EXPECT_EQ(run(*c, "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES (ID) VALUES (99)").error_code(), "000606");
  EXPECT_EQ(run(*c, "DELETE FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 99").error_code(), "000606");
  EXPECT_EQ(run(*c, "CREATE TABLE MOCKDB.PUBLIC.NO_WH AS SELECT * FROM region").error_code(),
            "000606");
  // A compilation error is reported before the missing warehouse.
  EXPECT_EQ(run(*c, "SELECT * FROM no_such_table").error_code(), "002003");

  // What needs no warehouse still works: constants, context, metadata, DDL, EXPLAIN.
  for (const char* sql :
       {"SELECT 1", "SELECT CURRENT_USER(), CURRENT_WAREHOUSE()", "SHOW TABLES",
        "DESCRIBE TABLE region", "SELECT GET_DDL('TABLE', 'region')",
        "EXPLAIN SELECT * FROM region", "SELECT SEQ4() FROM TABLE(GENERATOR(ROWCOUNT => 2))",
        "SELECT table_name FROM INFORMATION_SCHEMA.TABLES LIMIT 1",
        "CREATE OR REPLACE TABLE MOCKDB.PUBLIC.NO_WH_DDL (A INT)",
        "DROP TABLE MOCKDB.PUBLIC.NO_WH_DDL"}) {
    Result ok = run(*c, sql);
    EXPECT_TRUE(ok.ok()) << sql << ": " << describe(ok);
  }
  EXPECT_EQ(run(*c, "SELECT CURRENT_WAREHOUSE()").scalar(), "<NULL>");
}

TEST(EngineFidelity, UseWarehouseLiftsTheRequirement) {
  Session s = without_warehouse();
  s.multi_statement = true;
  auto c = connect(s);
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM region").error_code(), "000606");
  ASSERT_TRUE(run(*c, "USE WAREHOUSE MOCK_WH").ok());
  Result r = run(*c, "SELECT COUNT(*) FROM region");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.scalar(), "5");
}
