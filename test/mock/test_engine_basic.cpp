// test_engine_basic.cpp — the engine end to end on the seeded data: plain SELECTs, rowType
// fields, namespaces and identifier quoting, the common errors.
#include "test_engine_helpers.hpp"

using namespace engine_test;

TEST(EngineBasic, SelectLiteralsHasRealRowType) {
  auto c = connect();
  Result r = run(*c, "SELECT 1 AS a, 'x' AS b");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.cols.size(), 2U);
  EXPECT_EQ(r.col(0).name, "A");
  EXPECT_EQ(r.col(0).type, "fixed");
  EXPECT_EQ(r.col(0).precision, 1);
  EXPECT_EQ(r.col(0).scale, 0);
  EXPECT_FALSE(r.col(0).nullable);
  EXPECT_EQ(r.col(1).type, "text");
  EXPECT_EQ(r.col(1).length, 1);
  EXPECT_EQ(r.col(1).byte_length, 4);
  EXPECT_EQ(r.col(1).database, "");
  ASSERT_EQ(r.rows.size(), 1U);
  EXPECT_EQ(r.rows[0][0], "1");
  EXPECT_EQ(r.rows[0][1], "x");
}

TEST(EngineBasic, SelectFromTpchCarriesTableOrigin) {
  auto c = connect();
  Result r =
      run(*c, "SELECT c_custkey, c_name, c_acctbal FROM customer ORDER BY c_custkey LIMIT 3");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.cols.size(), 3U);
  EXPECT_EQ(r.col(0).name, "C_CUSTKEY");
  EXPECT_EQ(r.col(0).type, "fixed");
  EXPECT_EQ(r.col(0).precision, 38);
  EXPECT_EQ(r.col(0).database, "SNOWFLAKE_SAMPLE_DATA");
  EXPECT_EQ(r.col(0).schema, "TPCH_SF1");
  EXPECT_EQ(r.col(0).table, "CUSTOMER");
  EXPECT_FALSE(r.col(0).nullable);
  EXPECT_EQ(r.col(1).length, 25);
  EXPECT_EQ(r.col(1).byte_length, 100);
  EXPECT_EQ(r.col(2).precision, 12);
  EXPECT_EQ(r.col(2).scale, 2);
  ASSERT_EQ(r.rows.size(), 3U);
  EXPECT_EQ(r.rows[0][0], "1");
  EXPECT_EQ(r.rows[0][1], "Customer#000000001");
  // Two fraction digits, always.
  const std::string& bal = *r.rows[0][2];
  ASSERT_NE(bal.find('.'), std::string::npos);
  EXPECT_EQ(bal.size() - bal.find('.') - 1, 2U);
}

TEST(EngineBasic, SeededRowCounts) {
  auto c = connect();
  struct Case {
    const char* table;
    long low;
    long high;
  };
  for (const Case& k : {Case{"REGION", 5, 5}, Case{"NATION", 25, 25}, Case{"CUSTOMER", 1500, 1500},
                        Case{"ORDERS", 15000, 15000}, Case{"LINEITEM", 50000, 70000}}) {
    Result r = run(*c, std::string("SELECT COUNT(*) FROM ") + k.table);
    ASSERT_TRUE(r.ok()) << k.table << ": " << describe(r);
    long n = std::stol(r.scalar());
    EXPECT_GE(n, k.low) << k.table;
    EXPECT_LE(n, k.high) << k.table;
    EXPECT_EQ(r.col(0).name, "COUNT(*)");
    EXPECT_EQ(r.col(0).precision, 18);
    EXPECT_FALSE(r.col(0).nullable);
  }
}
