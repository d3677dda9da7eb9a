// test_engine_dml.cpp — DML and DDL result shapes and stats (as the real server answers them),
// statements the SQL API refuses outside multi-statement requests, and session changes through a
// multi-statement Connection (USE, ALTER SESSION, BEGIN ... COMMIT / ROLLBACK, SET variables).
#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

Session mockdb_session() {
  Session s = sample_session();
  s.database = "MOCKDB";
  s.schema = "PUBLIC";
  return s;
}

void expect_status(const Result& r, const std::string& status) {
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.cols.size(), 1U);
  EXPECT_EQ(r.col(0).name, "status");
  EXPECT_EQ(r.col(0).type, "text");
  EXPECT_EQ(r.col(0).length, 16777216);
  EXPECT_EQ(r.col(0).byte_length, 16777216);
  EXPECT_EQ(r.scalar(), status);
}

void expect_counts(const Result& r, const std::vector<std::string>& names, const Row& values) {
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.cols.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(r.col(i).name, names[i]);
    EXPECT_EQ(r.col(i).type, "fixed");
    EXPECT_EQ(r.col(i).precision, 19);
    EXPECT_EQ(r.col(i).scale, 0);
    EXPECT_FALSE(r.col(i).nullable);
  }
  ASSERT_EQ(r.rows.size(), 1U);
  EXPECT_EQ(r.rows[0], values);
}

}  // namespace

TEST(EngineDml, TableLifecycleAndResultShapes) {
  auto c = connect(mockdb_session());
  run(*c, "DROP TABLE IF EXISTS dml_rows");
  expect_status(run(*c, "CREATE TABLE dml_rows (id NUMBER, name VARCHAR)"),
                "Table DML_ROWS successfully created.");
  expect_status(run(*c, "CREATE TABLE IF NOT EXISTS dml_rows (id NUMBER)"),
                "DML_ROWS already exists, statement succeeded.");
  Result dup = run(*c, "CREATE TABLE dml_rows (id NUMBER)");
  EXPECT_EQ(dup.error_code(), "002002");

  Result ins = run(*c, "INSERT INTO dml_rows VALUES (2,'b'),(3,'c')");
  expect_counts(ins, {"number of rows inserted"}, {"2"});
  ASSERT_TRUE(ins.outcome.stats);
  EXPECT_EQ(ins.outcome.stats->inserted, 2);
  EXPECT_EQ(ins.outcome.stats->updated, 0);

  Result upd = run(*c, "UPDATE dml_rows SET name = 'z' WHERE id < 3");
  expect_counts(upd, {"number of rows updated", "number of multi-joined rows updated"}, {"1", "0"});
  ASSERT_TRUE(upd.outcome.stats);
  EXPECT_EQ(upd.outcome.stats->updated, 1);

  Result none = run(*c, "UPDATE dml_rows SET name = 'q' WHERE id > 100");
  expect_counts(none, {"number of rows updated", "number of multi-joined rows updated"},
                {"0", "0"});
  EXPECT_FALSE(none.outcome.stats) << "no stats when no row changed";

  Result merge = run(*c,
                     "MERGE INTO dml_rows t USING (SELECT 2 AS id, 'm' AS name) s ON t.id = s.id "
                     "WHEN MATCHED THEN UPDATE SET name = s.name");
  expect_counts(merge, {"number of rows updated"}, {"1"});

  Result merge2 = run(*c,
                      "MERGE INTO dml_rows t USING (SELECT column1 AS id, column2 AS name FROM "
                      "VALUES (3, 'x'), (9, 'n')) s "
                      "ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (id, "
                      "name) VALUES (s.id, s.name)");
  expect_counts(merge2, {"number of rows inserted", "number of rows deleted"}, {"1", "1"});

  Result del = run(*c, "DELETE FROM dml_rows WHERE id = 9");
  expect_counts(del, {"number of rows deleted"}, {"1"});
  EXPECT_EQ(del.outcome.stats->deleted, 1);

  Result rows = run(*c, "SELECT id, name FROM dml_rows ORDER BY id");
  ASSERT_TRUE(rows.ok()) << describe(rows);
  EXPECT_EQ(rows.rows, (std::vector<Row>{{"2", "m"}}));

  Result trunc = run(*c, "TRUNCATE TABLE dml_rows");
  expect_status(trunc, "Statement executed successfully.");
  ASSERT_TRUE(trunc.outcome.stats);
  EXPECT_EQ(trunc.outcome.stats->deleted, 1);

  expect_status(run(*c, "DROP TABLE dml_rows"), "DML_ROWS successfully dropped.");
  expect_status(run(*c, "DROP TABLE IF EXISTS dml_rows"),
                "Drop statement executed successfully (DML_ROWS already dropped).");
  Result missing = run(*c, "DROP TABLE dml_rows");
  EXPECT_EQ(missing.error_code(), "002003");
}

TEST(EngineDml, InsertConvertsToColumnTypesAndAppliesDefaults) {
  auto c = connect(mockdb_session());
  ASSERT_TRUE(
      run(*c,
          "CREATE OR REPLACE TABLE typed (id INT AUTOINCREMENT, d DATE, ts TIMESTAMP_NTZ, amount "
          "NUMBER(10,2) "
          "DEFAULT 1.5, flag BOOLEAN DEFAULT TRUE, note VARCHAR(5) DEFAULT 'none', v VARIANT)")
          .ok());
  ASSERT_TRUE(run(*c,
                  "INSERT INTO typed (d, ts, v) VALUES ('2024-01-02', '2024-01-02 03:04:05', "
                  "PARSE_JSON('[1]'))")
                  .ok());
  ASSERT_TRUE(
      run(*c, "INSERT INTO typed (d, amount, flag) SELECT '2024-01-03', 2.257, 'false'").ok());
  ASSERT_TRUE(run(*c, "INSERT INTO typed (d, note) VALUES (DEFAULT, DEFAULT)").ok());
  Result r = run(*c, "SELECT id, d, ts, amount, flag, note, v FROM typed ORDER BY id");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.rows.size(), 3U);
  EXPECT_EQ(r.rows[0],
            (Row{"1", "19724", "1704164645.000000000", "1.50", "true", "none", "[\n  1\n]"}));
  EXPECT_EQ(r.rows[1], (Row{"2", "19725", std::nullopt, "2.26", "false", "none", std::nullopt}));
  EXPECT_EQ(r.rows[2][0], "3");
  EXPECT_EQ(r.rows[2][1], std::nullopt);
  Result bad = run(*c, "INSERT INTO typed (d) VALUES ('not a date')");
  EXPECT_EQ(bad.error_code(), "100040");
  Result count = run(*c, "SELECT COUNT(*) FROM typed");
  EXPECT_EQ(count.scalar(), "3") << "a failed INSERT leaves no row";
  Result wrong_count = run(*c, "INSERT INTO typed (d, ts) VALUES ('2024-01-01')");
  EXPECT_EQ(wrong_count.error_code(), "002020");
  ASSERT_TRUE(run(*c, "DROP TABLE typed").ok());
}

TEST(EngineDml, CtasViewsSchemasAndDatabases) {
  auto c = connect(mockdb_session());
  run(*c, "DROP DATABASE IF EXISTS DDL_DB");
  expect_status(run(*c, "CREATE DATABASE ddl_db"), "Database DDL_DB successfully created.");
  // The new database becomes current, with its PUBLIC schema.
  EXPECT_EQ(c->session().database, "DDL_DB");
  EXPECT_EQ(c->session().schema, "PUBLIC");
  expect_status(run(*c, "CREATE SCHEMA ddl_db.extra"), "Schema EXTRA successfully created.");
  expect_status(run(*c,
                    "CREATE TABLE ddl_db.extra.asia AS SELECT n_nationkey, n_name FROM "
                    "snowflake_sample_data.tpch_sf1.nation n "
                    "JOIN snowflake_sample_data.tpch_sf1.region r ON r.r_regionkey = n.n_regionkey "
                    "WHERE r.r_name = 'ASIA'"),
                "Table ASIA successfully created.");
  Result d = run(*c, "DESCRIBE TABLE ddl_db.extra.asia");
  ASSERT_TRUE(d.ok()) << describe(d);
  EXPECT_EQ(d.rows[0][1], "NUMBER(38,0)");
  EXPECT_EQ(d.rows[1][1], "VARCHAR(25)");
  expect_status(run(*c, "CREATE VIEW ddl_db.extra.asia_names AS SELECT n_name FROM asia"),
                "View ASIA_NAMES successfully created.");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM ddl_db.extra.asia_names").scalar(), "5");
  expect_status(
      run(*c,
          "CREATE OR REPLACE VIEW ddl_db.extra.asia_names AS SELECT n_name, n_nationkey FROM asia"),
      "View ASIA_NAMES successfully created.");
  EXPECT_EQ(run(*c, "SELECT COUNT(n_nationkey) FROM ddl_db.extra.asia_names").scalar(), "5");
  Result as_table = run(*c, "DROP TABLE ddl_db.extra.asia_names");
  EXPECT_EQ(as_table.error_code(), "002203");
  expect_status(run(*c, "ALTER TABLE ddl_db.extra.asia ADD COLUMN note VARCHAR DEFAULT 'n/a'"),
                "Statement executed successfully.");
  EXPECT_EQ(run(*c, "SELECT MIN(note) FROM ddl_db.extra.asia").scalar(), "n/a");
  expect_status(run(*c, "ALTER TABLE ddl_db.extra.asia RENAME COLUMN note TO remark"),
                "Statement executed successfully.");
  EXPECT_EQ(run(*c, "SELECT COUNT(remark) FROM ddl_db.extra.asia").scalar(), "5");
  expect_status(run(*c, "ALTER TABLE ddl_db.extra.asia DROP COLUMN remark"),
                "Statement executed successfully.");
  expect_status(run(*c, "ALTER TABLE ddl_db.extra.asia RENAME TO ddl_db.extra.asia2"),
                "Statement executed successfully.");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM ddl_db.extra.asia2").scalar(), "5");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM ddl_db.extra.asia").error_code(), "002003");
  expect_status(run(*c, "DROP SCHEMA ddl_db.extra"), "EXTRA successfully dropped.");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM ddl_db.extra.asia2").error_code(), "002003");
  expect_status(run(*c, "DROP DATABASE ddl_db"), "DDL_DB successfully dropped.");
  EXPECT_EQ(run(*c, "CREATE TABLE nosuchdb.public.t (a INT)").error_code(), "002003");
}

TEST(EngineDml, ApiOnlyStatementsAreRefusedAlone) {
  auto c = connect();
  struct Case {
    const char* sql;
    const char* message;
  };
  for (const Case& k :
       {Case{"USE DATABASE mockdb", "Command not supported by SQL API: USE"},
        Case{"USE SCHEMA public", "Command not supported by SQL API: USE"},
        Case{"BEGIN", "Command not supported by SQL API: TRANSACTION_BEGIN"},
        Case{"BEGIN TRANSACTION", "Command not supported by SQL API: TRANSACTION_BEGIN"},
        Case{"COMMIT", "Command not supported by SQL API: TRANSACTION_COMMIT"},
        Case{"ROLLBACK", "Command not supported by SQL API: TRANSACTION_ROLLBACK"},
        Case{"ALTER SESSION SET TIMEZONE = 'UTC'",
             "Command not supported by SQL API: ALTER_SESSION"},
        Case{"SET x = 1", "Command not supported by SQL API: SET"},
        Case{"PUT file:///tmp/none.csv @~/dbimp_it/", "Command not supported by SQL API: PUT"},
        Case{"GET @~/x file:///tmp/", "Command not supported by SQL API: GET"}}) {
    Result r = run(*c, k.sql);
    EXPECT_EQ(r.error_code(), "391911") << k.sql;
    EXPECT_EQ(r.outcome.error ? r.outcome.error->sql_state : "", "0A000") << k.sql;
    EXPECT_EQ(r.error_message(), k.message) << k.sql;
  }
  Session multi = sample_session();
  multi.multi_statement = true;
  auto m = connect(multi);
  EXPECT_EQ(run(*m, "PUT file:///tmp/none.csv @~/x").error_code(), "391911") << "PUT never runs";
}

TEST(EngineDml, MultiStatementSessionChanges) {
  Session s = sample_session();
  s.multi_statement = true;
  auto c = connect(s);
  expect_status(run(*c, "USE DATABASE mockdb"), "Statement executed successfully.");
  EXPECT_EQ(c->session().database, "MOCKDB");
  EXPECT_EQ(c->session().schema, "PUBLIC");
  EXPECT_EQ(run(*c, "SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").rows[0],
            (Row{"MOCKDB", "PUBLIC"}));
  ASSERT_TRUE(run(*c, "USE SCHEMA snowflake_sample_data.tpch_sf1").ok());
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM region").scalar(), "5");
  ASSERT_TRUE(run(*c, "USE snowflake_sample_data").ok());
  EXPECT_EQ(c->session().schema, "PUBLIC");
  ASSERT_TRUE(run(*c, "USE WAREHOUSE other_wh").ok());
  ASSERT_TRUE(run(*c, "USE ROLE analyst").ok());
  EXPECT_EQ(run(*c, "SELECT CURRENT_WAREHOUSE(), CURRENT_ROLE()").rows[0],
            (Row{"OTHER_WH", "ANALYST"}));
  EXPECT_EQ(run(*c, "USE DATABASE no_such_db").error_code(), "002043");

  ASSERT_TRUE(
      run(*c, "ALTER SESSION SET TIMEZONE = 'UTC', DATE_OUTPUT_FORMAT = 'YYYY/MM/DD'").ok());
  EXPECT_EQ(c->session().parameters.at("TIMEZONE"), "UTC");
  Result now = run(*c, "SELECT CURRENT_TIMESTAMP()::STRING, '2024-05-17'::DATE");
  ASSERT_TRUE(now.ok()) << describe(now);
  EXPECT_EQ(now.rows[0][0]->substr(now.rows[0][0]->size() - 2), " Z");
  EXPECT_EQ(now.rows[0][1], "2024/05/17");
  ASSERT_TRUE(run(*c, "ALTER SESSION UNSET DATE_OUTPUT_FORMAT").ok());
  EXPECT_EQ(run(*c, "SELECT '2024-05-17'::DATE").scalar(), "19860");
  EXPECT_EQ(run(*c, "ALTER SESSION SET TIMEZONE = 'Mars/Base'").error_code(), "002037");

  ASSERT_TRUE(run(*c, "SET threshold = 20").ok());
  EXPECT_EQ(run(*c,
                "SELECT COUNT(*) FROM snowflake_sample_data.tpch_sf1.nation WHERE n_nationkey > "
                "$threshold")
                .scalar(),
            "4");
  ASSERT_TRUE(run(*c, "UNSET threshold").ok());
  EXPECT_EQ(run(*c, "SELECT $threshold").error_code(), "002211");
}

TEST(EngineDml, TransactionsCommitAndRollBack) {
  Session s = sample_session();
  s.database = "MOCKDB";
  s.schema = "PUBLIC";
  s.multi_statement = true;
  auto c = connect(s);
  ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE txn (id INT)").ok());
  ASSERT_TRUE(run(*c, "BEGIN").ok());
  ASSERT_TRUE(run(*c, "INSERT INTO txn VALUES (9)").ok());
  EXPECT_EQ(run(*c, "SELECT CURRENT_TRANSACTION() IS NOT NULL").scalar(), "true");
  ASSERT_TRUE(run(*c, "COMMIT").ok());
  ASSERT_TRUE(run(*c, "BEGIN").ok());
  ASSERT_TRUE(run(*c, "INSERT INTO txn VALUES (8)").ok());
  // Inside the transaction the row is visible to it; another connection does not see it.
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM txn").scalar(), "2");
  auto other = connect(mockdb_session());
  EXPECT_EQ(run(*other, "SELECT COUNT(*) FROM txn").scalar(), "1");
  ASSERT_TRUE(run(*c, "ROLLBACK").ok());
  EXPECT_EQ(run(*c, "SELECT id FROM txn").scalar(), "9");
  EXPECT_EQ(run(*c, "SELECT CURRENT_TRANSACTION()").scalar(), "<NULL>");
  // A connection destroyed inside a transaction rolls it back.
  {
    auto d = connect(s);
    ASSERT_TRUE(run(*d, "BEGIN").ok());
    ASSERT_TRUE(run(*d, "INSERT INTO txn VALUES (7)").ok());
  }
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM txn").scalar(), "1");
  ASSERT_TRUE(run(*c, "DROP TABLE txn").ok());
}

TEST(EngineDml, CloneCopiesRowsLikeCopiesStructureTemporaryTablesEndWithTheSession) {
  auto c = connect(mockdb_session());
  ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE src_rows (id INT, v VARCHAR)").ok());
  ASSERT_TRUE(run(*c, "INSERT INTO src_rows VALUES (1, 'a'), (2, 'b')").ok());
  expect_status(run(*c, "CREATE OR REPLACE TABLE cloned CLONE src_rows"),
                "Table CLONED successfully created.");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM cloned").scalar(), "2");
  ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE liked LIKE src_rows").ok());
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM liked").scalar(), "0");
  EXPECT_EQ(run(*c, "DESCRIBE TABLE liked").rows.size(), 2U);
  EXPECT_EQ(run(*c, "SELECT $2 FROM src_rows WHERE $1 = 2").scalar(), "b");
  {
    auto session = connect(mockdb_session());
    ASSERT_TRUE(run(*session, "CREATE TEMPORARY TABLE scratch_rows (id INT)").ok());
    ASSERT_TRUE(run(*session, "INSERT INTO scratch_rows VALUES (1)").ok());
    EXPECT_EQ(run(*session, "SELECT COUNT(*) FROM scratch_rows").scalar(), "1");
  }
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM scratch_rows").error_code(), "002003");
  for (const char* t : {"src_rows", "cloned", "liked"})
    ASSERT_TRUE(run(*c, std::string("DROP TABLE ") + t).ok());
}

TEST(EngineDml, ColumnConstraintsAreEnforced) {
  auto c = connect(mockdb_session());
  ASSERT_TRUE(
      run(*c, "CREATE OR REPLACE TABLE constrained (id INT NOT NULL, code VARCHAR(3))").ok());
  Result null_id = run(*c, "INSERT INTO constrained (code) VALUES ('abc')");
  EXPECT_EQ(null_id.error_code(), "100072");
  EXPECT_EQ(null_id.error_message(), "NULL result in a non-nullable column");
  Result too_long = run(*c, "INSERT INTO constrained VALUES (1, 'abcd')");
  EXPECT_EQ(too_long.error_code(), "100078");
  EXPECT_EQ(too_long.outcome.error ? too_long.outcome.error->sql_state : "", "22001");
  EXPECT_EQ(too_long.error_message(), "User character length limit (3) exceeded by string 'abcd'");
  EXPECT_TRUE(run(*c, "INSERT INTO constrained VALUES (1, 'h\xC3\xA9y')").ok())
      << "length counts characters";
  EXPECT_EQ(run(*c, "UPDATE constrained SET code = 'toolong'").error_code(), "100078");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM constrained").scalar(), "1");
  ASSERT_TRUE(run(*c, "DROP TABLE constrained").ok());
}

TEST(EngineDml, Sequences) {
  auto c = connect(mockdb_session());
  run(*c, "DROP SEQUENCE IF EXISTS ids");
  expect_status(run(*c, "CREATE SEQUENCE ids START = 10 INCREMENT BY 5"),
                "Sequence IDS successfully created.");
  Result two = run(*c, "SELECT ids.NEXTVAL, ids.nextval");
  ASSERT_TRUE(two.ok()) << describe(two);
  EXPECT_EQ(two.col(0).type, "fixed");
  EXPECT_EQ(two.rows[0], (Row{"10", "15"}));
  ASSERT_TRUE(
      run(*c, "CREATE OR REPLACE TABLE with_ids (id INT DEFAULT ids.NEXTVAL, v VARCHAR)").ok());
  ASSERT_TRUE(run(*c, "INSERT INTO with_ids (v) VALUES ('a'), ('b')").ok());
  EXPECT_EQ(run(*c, "SELECT LISTAGG(id, ',') WITHIN GROUP (ORDER BY id) FROM with_ids").scalar(),
            "20,25");
  Result shown = run(*c, "SHOW SEQUENCES LIKE 'IDS'");
  ASSERT_TRUE(shown.ok()) << describe(shown);
  ASSERT_EQ(shown.rows.size(), 1U);
  EXPECT_EQ(shown.rows[0][4], "30");
  EXPECT_EQ(shown.rows[0][5], "5");
  EXPECT_EQ(run(*c, "CREATE SEQUENCE ids").error_code(), "002002");
  expect_status(run(*c, "DROP SEQUENCE ids"), "IDS successfully dropped.");
  EXPECT_EQ(run(*c, "SELECT ids.NEXTVAL").error_code(), "000904");
  ASSERT_TRUE(run(*c, "DROP TABLE with_ids").ok());
}

TEST(EngineDml, ThousandsOfValuesRows) {
  auto c = connect(mockdb_session());
  ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE many (id INT, name VARCHAR)").ok());
  std::string insert = "INSERT INTO many VALUES ";
  std::string select = "SELECT COUNT(*), SUM(column1) FROM VALUES ";
  for (int i = 1; i <= 2000; ++i) {
    std::string row = "(" + std::to_string(i) + ", 'n" + std::to_string(i) + "')";
    insert += (i > 1 ? ", " : "") + row;
    select += (i > 1 ? ", " : "") + row;
  }
  Result ins = run(*c, insert);
  ASSERT_TRUE(ins.ok()) << describe(ins);
  EXPECT_EQ(ins.scalar(), "2000");
  EXPECT_EQ(run(*c, "SELECT COUNT(DISTINCT name) FROM many").scalar(), "2000");
  Result sel = run(*c, select);
  ASSERT_TRUE(sel.ok()) << describe(sel);
  EXPECT_EQ(sel.rows[0], (Row{"2000", "2001000"}));
  ASSERT_TRUE(run(*c, "DROP TABLE many").ok());
}
