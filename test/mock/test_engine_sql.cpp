// test_engine_sql.cpp — the Snowflake dialect: namespaces and identifier quoting, views,
// grouping rules and exact arithmetic. Function values, error codes and query shapes are data:
// test/data/sqllogic/*.test, run by test_engine_sqllogic.cpp.
#include "test_engine_helpers.hpp"

using namespace engine_test;

TEST(EngineSql, NamespacesOneTwoAndThreePartNames) {
  auto c = connect();
  for (const char* sql : {"SELECT COUNT(*) FROM region", "SELECT COUNT(*) FROM tpch_sf1.region",
                          "SELECT COUNT(*) FROM snowflake_sample_data.tpch_sf1.region",
                          "SELECT COUNT(*) FROM \"SNOWFLAKE_SAMPLE_DATA\".\"TPCH_SF1\".\"REGION\"",
                          "SELECT COUNT(*) FROM Snowflake_Sample_Data.Tpch_Sf1.Region r"}) {
    Result r = run(*c, sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << describe(r);
    EXPECT_EQ(r.scalar(), "5") << sql;
  }
  // A quoted lower-case name is another object.
  Result quoted = run(*c, "SELECT COUNT(*) FROM \"region\"");
  EXPECT_EQ(quoted.error_code(), "002003");
  EXPECT_EQ(quoted.error_message(),
            "SQL compilation error:\nObject 'SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.region' does not exist "
            "or not authorized.");
}

TEST(EngineSql, QualifiedColumnReferences) {
  auto c = connect();
  Result r = run(
      *c,
      "SELECT region.r_name, tpch_sf1.region.r_regionkey, n.n_name FROM region JOIN nation n ON "
      "n.n_regionkey = region.r_regionkey WHERE n.n_name = 'FRANCE'");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.rows.size(), 1U);
  EXPECT_EQ(r.rows[0], (Row{"EUROPE", "3", "FRANCE"}));
}

TEST(EngineSql, QuotedIdentifiersKeepTheirCase) {
  auto c = connect(sample_session());
  Result made =
      run(*c, "CREATE OR REPLACE TABLE MOCKDB.PUBLIC.\"MixedCase\" (\"Id\" INT, plain INT)");
  ASSERT_TRUE(made.ok()) << describe(made);
  ASSERT_TRUE(run(*c, "INSERT INTO MOCKDB.PUBLIC.\"MixedCase\" VALUES (1, 2)").ok());
  Result r = run(*c, "SELECT \"Id\", plain, PLAIN, \"PLAIN\" FROM MOCKDB.PUBLIC.\"MixedCase\"");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).name, "Id");
  EXPECT_EQ(r.col(0).table, "MixedCase");
  EXPECT_EQ(r.rows[0], (Row{"1", "2", "2", "2"}));
  Result wrong = run(*c, "SELECT id FROM MOCKDB.PUBLIC.\"MixedCase\"");
  EXPECT_EQ(wrong.error_code(), "000904");
  EXPECT_EQ(run(*c, "SELECT 1 FROM MOCKDB.PUBLIC.mixedcase").error_code(), "002003");
  EXPECT_TRUE(run(*c, "DROP TABLE MOCKDB.PUBLIC.\"MixedCase\"").ok());
}

TEST(EngineSql, NoCurrentDatabase) {
  Session s = sample_session();
  s.database.clear();
  s.schema.clear();
  auto c = connect(s);
  Result r = run(*c, "SELECT * FROM region");
  EXPECT_EQ(r.error_code(), "090105");
  EXPECT_EQ(r.outcome.error->sql_state, "22000");
  EXPECT_EQ(
      r.error_message(),
      "Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', "
      "or use a qualified name.");
  // Fully qualified names and statements that need no database still work.
  EXPECT_TRUE(run(*c, "SELECT COUNT(*) FROM snowflake_sample_data.tpch_sf1.region").ok());
  EXPECT_EQ(run(*c, "SELECT 1").scalar(), "1");
  Session no_schema = sample_session();
  no_schema.schema.clear();
  auto d = connect(no_schema);
  EXPECT_EQ(run(*d, "SELECT * FROM region").error_code(), "090106");
  EXPECT_TRUE(run(*d, "SELECT COUNT(*) FROM tpch_sf1.region").ok());
}

TEST(EngineSql, CommentsAndTrailingSemicolon) {
  auto c = connect();
  EXPECT_EQ(run(*c, "/* a comment */ SELECT 1 -- and another").scalar(), "1");
  EXPECT_EQ(run(*c, "SELECT 1;").scalar(), "1");
  EXPECT_EQ(run(*c, "// slash comment\nSELECT $$it's$$").scalar(), "it's");
  EXPECT_EQ(run(*c, "SELECT 'a\\'b', 'c''d'").rows[0], (Row{"a'b", "c'd"}));
}

TEST(EngineSql, AggregatesAndWindows) {
  auto c = connect();
  Result r = run(
      *c,
      "SELECT r_name, COUNT(*) AS n, LISTAGG(n_name, '|') WITHIN GROUP (ORDER BY n_name) AS names, "
      "COUNT_IF(n_name LIKE 'A%') AS a_count, MEDIAN(n_nationkey) AS med, "
      "ARRAY_AGG(n_nationkey) WITHIN GROUP (ORDER BY n_nationkey)::STRING AS keys "
      "FROM region JOIN nation ON n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name LIMIT "
      "1");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.rows[0], (Row{"AFRICA", "5", "ALGERIA|ETHIOPIA|KENYA|MOROCCO|MOZAMBIQUE", "1",
                            "14.000", "[0,5,14,15,16]"}));
  Result w = run(
      *c,
      "SELECT n_name, ROW_NUMBER() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS rn, "
      "RANK() OVER (ORDER BY n_regionkey) AS rk, RATIO_TO_REPORT(n_nationkey) OVER () AS ratio, "
      "LAG(n_name) OVER (ORDER BY n_nationkey) AS prev, "
      "SUM(n_nationkey) OVER (ORDER BY n_nationkey ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT "
      "ROW) AS running "
      "FROM nation ORDER BY n_nationkey LIMIT 2");
  ASSERT_TRUE(w.ok()) << describe(w);
  EXPECT_EQ(w.rows[0][0], "ALGERIA");
  EXPECT_EQ(w.rows[1][4], "ALGERIA");
  EXPECT_EQ(w.rows[1][5], "1");
  EXPECT_EQ(w.rows[1][3], "0.003333");
  Result q = run(
      *c,
      "SELECT n_regionkey, n_name FROM nation QUALIFY ROW_NUMBER() OVER (PARTITION BY n_regionkey "
      "ORDER BY n_name DESC) = 1 ORDER BY n_regionkey");
  ASSERT_TRUE(q.ok()) << describe(q);
  ASSERT_EQ(q.rows.size(), 5U);
  EXPECT_EQ(q.rows[0], (Row{"0", "MOZAMBIQUE"}));
}

TEST(EngineSql, ViewsExpandInTheirOwnNamespace) {
  Session s = sample_session();
  s.database = "MOCKDB";
  s.schema = "PUBLIC";
  auto c = connect(s);
  Result r = run(*c,
                 "SELECT nation, order_count FROM snowflake_sample_data.tpch_sf1.orders_by_nation "
                 "ORDER BY 2 DESC LIMIT 1");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).table, "ORDERS_BY_NATION");
  Result total =
      run(*c, "SELECT SUM(order_count) FROM snowflake_sample_data.tpch_sf1.orders_by_nation");
  EXPECT_EQ(total.scalar(), "15000");
}

TEST(EngineSql, DeepNestingIsASyntaxErrorNotACrash) {
  auto c = connect();
  std::string deep = "SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_EQ(run(*c, deep).error_code(), "001003");
  std::string nots = "SELECT ";
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  nots += "TRUE";
  EXPECT_EQ(run(*c, nots).error_code(), "001003");
  std::string fine = "SELECT " + std::string(300, '(') + "1" + std::string(300, ')');
  EXPECT_EQ(run(*c, fine).scalar(), "1");
}

TEST(EngineSql, UngroupedColumnsAreRefused) {
  auto c = connect();
  Result r = run(*c, "SELECT n_name, COUNT(*) FROM nation");
  EXPECT_EQ(r.error_code(), "000979");
  EXPECT_EQ(r.error_message(),
            "SQL compilation error: error line 1 at position 7\n'NATION.N_NAME' is not a valid "
            "group by expression");
  EXPECT_EQ(run(*c, "SELECT n_name, n_regionkey FROM nation GROUP BY n_regionkey").error_code(),
            "000979");
  EXPECT_EQ(run(*c, "SELECT * FROM region GROUP BY r_name").error_code(), "000979");
  // Grouped columns, aliases, positions, GROUP BY ALL and expressions over aggregates are fine.
  for (const char* ok : {"SELECT n_regionkey, COUNT(*) FROM nation GROUP BY n_regionkey",
                         "SELECT n_regionkey AS k, COUNT(*) FROM nation GROUP BY k",
                         "SELECT n_regionkey, COUNT(*) FROM nation GROUP BY 1",
                         "SELECT n_regionkey, MAX(n_name) FROM nation GROUP BY ALL",
                         "SELECT COUNT(*) + 1 FROM nation",
                         "SELECT r.r_name, COUNT(*) FROM region r JOIN nation n ON n.n_regionkey = "
                         "r.r_regionkey GROUP BY r.r_name"}) {
    EXPECT_TRUE(run(*c, ok).ok()) << ok;
  }
}

TEST(EngineSql, SumIsExactBeyondInt64) {
  auto c = connect();
  Result big =
      run(*c, "SELECT SUM(seq8() * 10000000000000) FROM TABLE(GENERATOR(ROWCOUNT => 100000))");
  ASSERT_TRUE(big.ok()) << describe(big);
  EXPECT_EQ(big.scalar(), "49999500000000000000000");
  Result running = run(*c,
                       "SELECT SUM(n_nationkey) OVER (ORDER BY n_nationkey ROWS BETWEEN 1 "
                       "PRECEDING AND CURRENT ROW) "
                       "FROM nation ORDER BY n_nationkey LIMIT 3");
  ASSERT_TRUE(running.ok()) << describe(running);
  EXPECT_EQ(running.rows, (std::vector<Row>{{"0"}, {"1"}, {"3"}}));
  EXPECT_EQ(run(*c, "SELECT SUM(n_nationkey) FROM nation WHERE FALSE").scalar(), "<NULL>");
}

TEST(EngineSql, IntegerArithmeticIsExactTo38Digits) {
  auto c = connect();
  EXPECT_EQ(run(*c, "SELECT 9223372036854775807::NUMBER(38,0) + 1").scalar(),
            "9223372036854775808");
  EXPECT_EQ(run(*c,
                "SELECT seq8() * 100000000000000000000 FROM TABLE(GENERATOR(ROWCOUNT => 4)) ORDER "
                "BY 1 DESC LIMIT 1")
                .scalar(),
            "300000000000000000000");
  EXPECT_EQ(run(*c,
                "SELECT I - 12345678901234567890123456789012345677 FROM MOCKDB.PUBLIC.ALL_TYPES "
                "WHERE ID = 1")
                .scalar(),
            "1");
  EXPECT_EQ(run(*c, "SELECT I * 10 FROM MOCKDB.PUBLIC.ALL_TYPES WHERE ID = 1").error_code(),
            "100046");
}

TEST(EngineSql, WideConstructorsPassSqlitesArgumentLimit) {
  auto c = connect();
  std::string object = "SELECT ARRAY_SIZE(OBJECT_KEYS(OBJECT_CONSTRUCT(";
  std::string array = "SELECT ARRAY_SIZE(ARRAY_CONSTRUCT(";
  for (int i = 0; i < 300; ++i) {
    object += (i ? ", " : "") + std::string("'k") + std::to_string(i) + "', " + std::to_string(i);
    array += (i ? ", " : "") + std::to_string(i);
  }
  EXPECT_EQ(run(*c, object + ")))").scalar(), "300");
  EXPECT_EQ(run(*c, array + "))").scalar(), "300");
  // Order survives the chunking, for the bracket literal too.
  std::string literal = "SELECT [";
  for (int i = 0; i < 300; ++i) literal += (i ? ", " : "") + std::to_string(i);
  EXPECT_EQ(run(*c, literal + "][299]::INT, " + literal.substr(7) + "][130]::INT").rows[0],
            (Row{"299", "130"}));
  EXPECT_EQ(run(*c, "SELECT ARRAY_CONSTRUCT()::STRING, OBJECT_CONSTRUCT()::STRING").rows[0],
            (Row{"[]", "{}"}));
  EXPECT_EQ(run(*c, "SELECT OBJECT_CONSTRUCT(*):R_NAME::STRING FROM region WHERE r_regionkey = 0")
                .scalar(),
            "AFRICA");
}
