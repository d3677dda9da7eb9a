// test_engine_sql.cpp — the Snowflake dialect where C++ says it better than data: quoted
// identifiers (rowType table names), aggregates and windows, views in their own namespace, deep
// nesting and wide constructors built in code. Names, grouping, arithmetic, function values, error
// codes and query shapes are data: test/data/sqllogic/*.test (test_engine_sqllogic.cpp).
#include "test_engine_helpers.hpp"

using namespace engine_test;

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
