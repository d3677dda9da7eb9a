// test_engine_warehouse_http.cpp — the warehouse a statement needs, over HTTP: a user without a
// default warehouse gets the real 422 000606 for a query that reads a table unless the request
// names a warehouse, while constant SELECTs and SHOW still answer; the default user has one; a
// request naming a warehouse that does not exist runs without one.
#include "support/mock_test_support.hpp"

namespace {

using mock_test::HttpResult;

std::string body(const std::string& statement, const std::string& warehouse = "") {
  std::string b = R"({"statement":")" + statement + R"(")";
  if (!warehouse.empty()) b += R"(,"warehouse":")" + warehouse + R"(")";
  return b + "}";
}

class NoDefaultWarehouse : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.default_warehouse.clear();
    options.default_database = "MOCKDB";
    options.default_schema = "PUBLIC";
  }
  void SetUp() override {
    MockServerTest::SetUp();
    // DDL needs no warehouse.
    const HttpResult r = post_statement(body("CREATE OR REPLACE TABLE T (A INT)"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(NoDefaultWarehouse, ReadingATableFailsWith000606) {
  const HttpResult r = post_statement(body("SELECT COUNT(*) FROM T"));
  ASSERT_EQ(r.status, 422) << r.body;
  const auto doc = r.json();
  EXPECT_STREQ(doc["code"].GetString(), "000606");
  EXPECT_STREQ(doc["sqlState"].GetString(), "57P03");
  EXPECT_STREQ(doc["message"].GetString(),
               "No active warehouse selected in the current session.  Select an active "
               "warehouse with the 'use warehouse' command.");
}

TEST_F(NoDefaultWarehouse, NamingAWarehouseInTheRequestRunsIt) {
  const HttpResult r = post_statement(body("SELECT COUNT(*) FROM T", "MOCK_WH"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_STREQ(doc["data"][0][0].GetString(), "0");
}

TEST_F(NoDefaultWarehouse, ConstantsAndMetadataNeedNone) {
  for (const char* sql :
       {"SELECT 1", "SHOW TABLES", "DESCRIBE TABLE T", "SELECT CURRENT_WAREHOUSE()"}) {
    const HttpResult r = post_statement(body(sql));
    EXPECT_EQ(r.status, 200) << sql << ": " << r.body;
  }
}

class DefaultWarehouse : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.default_database = "MOCKDB";
    options.default_schema = "PUBLIC";
  }
  void SetUp() override {
    MockServerTest::SetUp();
    const HttpResult r = post_statement(body("CREATE OR REPLACE TABLE T (A INT)"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(DefaultWarehouse, TheDefaultUserHasOne) {
  const HttpResult r = post_statement(body("SELECT CURRENT_WAREHOUSE(), COUNT(*) FROM T"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_STREQ(doc["data"][0][0].GetString(), "MOCK_WH");
}

class NamedWarehouses : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.default_database = "MOCKDB";
    options.default_schema = "PUBLIC";
    options.warehouses.push_back("OTHER_WH");
  }
  void SetUp() override {
    MockServerTest::SetUp();
    const HttpResult r = post_statement(body("CREATE OR REPLACE TABLE T (A INT)"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(NamedWarehouses, AnUnknownWarehouseLeavesTheSessionWithoutOne) {
  // Names are compared exactly: the lower-case spelling of MOCK_WH is another, unknown name.
  for (const char* name : {"NO_SUCH_WH", "mock_wh"}) {
    const HttpResult r = post_statement(body("SELECT COUNT(*) FROM T", name));
    ASSERT_EQ(r.status, 422) << name << ": " << r.body;
    EXPECT_STREQ(r.json()["code"].GetString(), "000606") << name;
    const HttpResult current = post_statement(body("SELECT CURRENT_WAREHOUSE()", name));
    ASSERT_EQ(current.status, 200) << name << ": " << current.body;
    EXPECT_TRUE(current.json()["data"][0][0].IsNull()) << name << ": " << current.body;
  }
}

TEST_F(NamedWarehouses, AnExistingWarehouseRunsTheStatement) {
  for (const char* name : {"MOCK_WH", "OTHER_WH"}) {
    const HttpResult r = post_statement(body("SELECT CURRENT_WAREHOUSE(), COUNT(*) FROM T", name));
    ASSERT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_STREQ(r.json()["data"][0][0].GetString(), name);
  }
}

}  // namespace
