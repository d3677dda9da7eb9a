// test_engine_metadata.cpp — SHOW, DESCRIBE, GET_DDL and INFORMATION_SCHEMA: the real column sets,
// their types, scoping (IN ...), LIKE / STARTS WITH / LIMIT / TERSE.
#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

std::vector<std::string> names(const Result& r) {
  std::vector<std::string> out;
  for (const auto& c : r.cols) out.push_back(c.name);
  return out;
}

std::vector<std::string> column(const Result& r, std::size_t i) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row.at(i).value_or("<NULL>"));
  return out;
}

}  // namespace

TEST(EngineMetadata, ShowTablesHasTheRealColumns) {
  auto c = connect();
  Result r = run(*c, "SHOW TABLES LIKE '%ORDER%'");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(names(r), (std::vector<std::string>{
                          "created_on",      "name",           "database_name",
                          "schema_name",     "kind",           "comment",
                          "cluster_by",      "rows",           "bytes",
                          "owner",           "retention_time", "automatic_clustering",
                          "change_tracking", "is_external",    "enable_schema_evolution",
                          "owner_role_type", "is_event",       "is_hybrid",
                          "is_iceberg",      "is_dynamic",     "is_immutable",
                          "is_interactive",  "row_timestamp",  "error_logging"}));
  EXPECT_EQ(r.col(0).type, "timestamp_ltz");
  EXPECT_EQ(r.col(0).scale, 3);
  EXPECT_EQ(r.col(1).length, 16777216);
  EXPECT_EQ(r.col(1).byte_length, 16777216);
  EXPECT_EQ(r.col(7).type, "fixed");
  EXPECT_EQ(column(r, 1), (std::vector<std::string>{"ORDERS"}));
  EXPECT_EQ(r.rows[0][7], "15000");
  EXPECT_EQ(r.rows[0][4], "TABLE");
  // created_on is epoch seconds with 3 fraction digits.
  const std::string& created = *r.rows[0][0];
  EXPECT_EQ(created.size() - created.find('.') - 1, 3U);
}

TEST(EngineMetadata, ShowScopesAndFilters) {
  auto c = connect();
  EXPECT_EQ(
      column(run(*c, "SHOW TABLES IN SCHEMA snowflake_sample_data.tpch_sf1 STARTS WITH 'PART'"), 1),
      (std::vector<std::string>{"PART", "PARTSUPP"}));
  EXPECT_EQ(run(*c, "SHOW TABLES IN DATABASE snowflake_sample_data LIMIT 2").rows.size(), 2U);
  EXPECT_EQ(column(run(*c, "SHOW TABLES IN ACCOUNT LIKE 'all_types'"), 2),
            (std::vector<std::string>{"MOCKDB"}));
  Result terse = run(*c, "SHOW TERSE TABLES LIKE 'REGION'");
  ASSERT_TRUE(terse.ok()) << describe(terse);
  EXPECT_EQ(names(terse), (std::vector<std::string>{"created_on", "name", "kind", "database_name",
                                                    "schema_name"}));
  EXPECT_EQ(column(run(*c, "SHOW VIEWS"), 1),
            (std::vector<std::string>{"CUSTOMER_SUMMARY", "ORDERS_BY_NATION"}));
  Result views = run(*c, "SHOW VIEWS LIKE 'orders%'");
  EXPECT_EQ(names(views),
            (std::vector<std::string>{"created_on", "name", "reserved", "database_name",
                                      "schema_name", "owner", "comment", "text", "is_secure",
                                      "is_materialized", "owner_role_type", "change_tracking"}));
  EXPECT_NE(views.rows.at(0)[7]->find("ORDERS o JOIN CUSTOMER"), std::string::npos);
  EXPECT_EQ(run(*c, "SHOW TABLES IN SCHEMA nosuch").error_code(), "002003");
}

TEST(EngineMetadata, ShowDatabasesAndSchemas) {
  auto c = connect();
  Result dbs = run(*c, "SHOW DATABASES");
  ASSERT_TRUE(dbs.ok()) << describe(dbs);
  EXPECT_EQ(names(dbs),
            (std::vector<std::string>{"created_on", "name", "is_default", "is_current", "origin",
                                      "owner", "comment", "options", "retention_time", "kind",
                                      "budget", "owner_role_type"}));
  auto all = column(dbs, 1);
  EXPECT_NE(std::find(all.begin(), all.end(), "SNOWFLAKE_SAMPLE_DATA"), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), "MOCKDB"), all.end());
  Result current = run(*c, "SHOW DATABASES LIKE 'snowflake%'");
  EXPECT_EQ(current.rows.at(0)[3], "Y");
  Result schemas = run(*c, "SHOW SCHEMAS IN DATABASE snowflake_sample_data");
  ASSERT_TRUE(schemas.ok()) << describe(schemas);
  EXPECT_EQ(names(schemas),
            (std::vector<std::string>{"created_on", "name", "is_default", "is_current",
                                      "database_name", "owner", "comment", "options",
                                      "retention_time", "owner_role_type", "budget"}));
  EXPECT_EQ(column(schemas, 1),
            (std::vector<std::string>{"INFORMATION_SCHEMA", "PUBLIC", "TPCH_SF1"}));
  EXPECT_EQ(column(schemas, 3), (std::vector<std::string>{"N", "N", "Y"}));
}

TEST(EngineMetadata, ShowColumns) {
  auto c = connect();
  Result r = run(*c, "SHOW COLUMNS IN TABLE region");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(names(r), (std::vector<std::string>{"table_name", "schema_name", "column_name",
                                                "data_type", "null?", "default", "kind",
                                                "expression", "comment", "database_name",
                                                "autoincrement", "schema_evolution_record"}));
  ASSERT_EQ(r.rows.size(), 3U);
  EXPECT_EQ(r.rows[0][2], "R_REGIONKEY");
  EXPECT_EQ(r.rows[0][3], R"({"type":"FIXED","precision":38,"scale":0,"nullable":false})");
  EXPECT_EQ(r.rows[0][4], "false");
  EXPECT_EQ(r.rows[1][3],
            R"({"type":"TEXT","length":25,"byteLength":100,"nullable":false,"fixed":false})");
  EXPECT_EQ(r.rows[2][4], "true");
  EXPECT_EQ(r.rows[0][6], "COLUMN");
  EXPECT_EQ(run(*c, "SHOW COLUMNS LIKE 'o_order%' IN SCHEMA tpch_sf1").rows.size(), 4U);
}

TEST(EngineMetadata, DescribeTable) {
  auto c = connect();
  Result r = run(*c, "DESCRIBE TABLE MOCKDB.PUBLIC.ALL_TYPES");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(names(r),
            (std::vector<std::string>{"name", "type", "kind", "null?", "default", "primary key",
                                      "unique key", "check", "expression", "comment", "policy name",
                                      "privacy domain", "write default"}));
  EXPECT_EQ(r.col(11).type, "object");
  std::vector<std::string> types = column(r, 1);
  EXPECT_EQ(types, (std::vector<std::string>{
                       "NUMBER(38,0)", "NUMBER(38,0)", "NUMBER(10,2)", "FLOAT", "VARCHAR(16777216)",
                       "BINARY(8388608)", "BOOLEAN", "DATE", "TIME(9)", "TIMESTAMP_NTZ(9)",
                       "TIMESTAMP_LTZ(9)", "TIMESTAMP_TZ(9)", "VARIANT", "OBJECT", "ARRAY",
                       "GEOGRAPHY", "GEOMETRY", "VECTOR(FLOAT, 3)"}));
  EXPECT_EQ(r.rows[0],
            (Row{"ID", "NUMBER(38,0)", "COLUMN", "N", std::nullopt, "N", "N", std::nullopt,
                 std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(r.rows[1][3], "Y");
  Result view = run(*c, "DESC VIEW orders_by_nation");
  ASSERT_TRUE(view.ok()) << describe(view);
  EXPECT_EQ(column(view, 0), (std::vector<std::string>{"NATION", "ORDER_COUNT", "TOTAL_PRICE"}));
  EXPECT_EQ(run(*c, "DESCRIBE TABLE nosuch").error_code(), "002003");
}

TEST(EngineMetadata, GetDdl) {
  auto c = connect();
  Result r = run(*c, "SELECT GET_DDL('TABLE', 'snowflake_sample_data.tpch_sf1.region')");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.scalar(),
            "create or replace TABLE REGION (\n\tR_REGIONKEY NUMBER(38,0) NOT NULL,\n\tR_NAME "
            "VARCHAR(25) NOT NULL,\n"
            "\tR_COMMENT VARCHAR(152)\n);");
  Result v = run(*c, "SELECT GET_DDL('VIEW', 'ORDERS_BY_NATION')");
  ASSERT_TRUE(v.ok()) << describe(v);
  EXPECT_EQ(v.scalar().rfind("create or replace view ORDERS_BY_NATION as SELECT", 0), 0U);
  EXPECT_EQ(run(*c, "SELECT GET_DDL('TABLE', 'nosuch')").error_code(), "002003");
}

TEST(EngineMetadata, InformationSchema) {
  auto c = connect();
  Result tables = run(*c,
                      "SELECT table_catalog, table_schema, table_name, table_type, row_count FROM "
                      "snowflake_sample_data.information_schema.tables WHERE table_schema = "
                      "'TPCH_SF1' ORDER BY table_name");
  ASSERT_TRUE(tables.ok()) << describe(tables);
  EXPECT_EQ(tables.rows.size(), 10U);
  EXPECT_EQ(tables.rows[0],
            (Row{"SNOWFLAKE_SAMPLE_DATA", "TPCH_SF1", "CUSTOMER", "BASE TABLE", "1500"}));
  EXPECT_EQ(tables.rows[1],
            (Row{"SNOWFLAKE_SAMPLE_DATA", "TPCH_SF1", "CUSTOMER_SUMMARY", "VIEW", std::nullopt}));
  EXPECT_EQ(tables.col(4).type, "fixed");
  Result cols =
      run(*c,
          "SELECT column_name, ordinal_position, data_type, is_nullable, numeric_precision, "
          "numeric_scale, "
          "character_maximum_length FROM information_schema.columns WHERE table_name = 'CUSTOMER' "
          "ORDER BY ordinal_position");
  ASSERT_TRUE(cols.ok()) << describe(cols);
  ASSERT_EQ(cols.rows.size(), 8U);
  EXPECT_EQ(cols.rows[0], (Row{"C_CUSTKEY", "1", "NUMBER", "NO", "38", "0", std::nullopt}));
  EXPECT_EQ(cols.rows[1], (Row{"C_NAME", "2", "TEXT", "NO", std::nullopt, std::nullopt, "25"}));
  EXPECT_EQ(cols.rows[5], (Row{"C_ACCTBAL", "6", "NUMBER", "NO", "12", "2", std::nullopt}));
  Result schemata = run(*c, "SELECT schema_name FROM information_schema.schemata ORDER BY 1");
  EXPECT_EQ(column(schemata, 0),
            (std::vector<std::string>{"INFORMATION_SCHEMA", "PUBLIC", "TPCH_SF1"}));
  Result views = run(*c, "SELECT table_name FROM information_schema.views ORDER BY 1");
  EXPECT_EQ(column(views, 0), (std::vector<std::string>{"CUSTOMER_SUMMARY", "ORDERS_BY_NATION"}));
  Result dbs = run(
      *c, "SELECT database_name FROM information_schema.databases WHERE database_name = 'MOCKDB'");
  EXPECT_EQ(dbs.scalar(), "MOCKDB");
  Result all =
      run(*c, "SELECT * FROM mockdb.information_schema.tables WHERE table_name = 'ALL_TYPES'");
  ASSERT_TRUE(all.ok()) << describe(all);
  EXPECT_EQ(all.cols.size(), 29U);
  EXPECT_EQ(all.col(0).name, "TABLE_CATALOG");
  EXPECT_EQ(all.rows.size(), 1U);
}

TEST(EngineMetadata, ShowParametersAndDescribeContainers) {
  Session s = sample_session();
  s.parameters["TIMEZONE"] = "UTC";
  auto c = connect(s);
  Result params = run(*c, "SHOW PARAMETERS LIKE 'TIME%'");
  ASSERT_TRUE(params.ok()) << describe(params);
  EXPECT_EQ(names(params),
            (std::vector<std::string>{"key", "value", "default", "level", "description", "type"}));
  bool found = false;
  for (const auto& row : params.rows) {
    if (row[0] == "TIMEZONE") {
      found = true;
      EXPECT_EQ(row[1], "UTC");
      EXPECT_EQ(row[2], "America/Los_Angeles");
      EXPECT_EQ(row[3], "SESSION");
    }
  }
  EXPECT_TRUE(found);
  Result db = run(*c, "DESCRIBE DATABASE snowflake_sample_data");
  ASSERT_TRUE(db.ok()) << describe(db);
  EXPECT_EQ(names(db), (std::vector<std::string>{"created_on", "name", "kind"}));
  EXPECT_EQ(column(db, 1), (std::vector<std::string>{"PUBLIC", "TPCH_SF1"}));
  Result schema = run(*c, "DESC SCHEMA snowflake_sample_data.tpch_sf1");
  ASSERT_TRUE(schema.ok()) << describe(schema);
  EXPECT_EQ(schema.rows.size(), 10U);
  EXPECT_EQ(run(*c, "DESCRIBE DATABASE nosuch").error_code(), "002003");
}
