// Tests of the read-only statement classifier behind `execute_query`: a large table of
// legitimate reads that must be accepted and of writes, multi-statement texts and disguises
// (comments, quotes, $$ bodies, backslash escapes, Unicode look-alikes, invisible characters)
// that must be rejected.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcp/classifier.hpp"

namespace {

using sfq::mcp::classify_read_only;
using sfq::mcp::StatementKind;

struct Case {
  std::string sql;
  StatementKind kind = StatementKind::select;
};

// Reads that must be accepted, with the kind they must be classified as.
const std::vector<Case>& accepted() {
  static const std::vector<Case> cases = {
      {"SELECT 1"},
      {"select 1"},
      {"SeLeCt 1;"},
      {"SELECT 1;;;"},
      {";SELECT 1"},
      {"  \n\t SELECT 1  \n"},
      {"SELECT 1 -- trailing comment"},
      {"SELECT 1 -- trailing comment\n;"},
      {"-- leading comment\nSELECT 1"},
      {"/* leading */ SELECT 1"},
      {"SELECT /* inline */ 1"},
      {"SELECT 1 /* ; DELETE FROM t; */"},
      {"SELECT 'DELETE FROM t; DROP TABLE u'"},
      {"SELECT 'it''s'"},
      {"SELECT 'a\\\\' AS backslash"},
      {"SELECT $$ DELETE FROM t; $$ AS body"},
      {"SELECT \"DELETE\" FROM \"INSERT\""},
      {"SELECT \"weird \"\" name; DROP\" FROM t"},
      {"SELECT * FROM SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.ORDERS LIMIT 10"},
      {"SELECT o_orderkey, o_totalprice FROM orders WHERE o_comment LIKE '%update%'"},
      {"SELECT update_time, deleted, inserted_by, created_on FROM audit"},
      {"SELECT REPLACE(name, 'a', 'b'), GET(obj, 'k'), LIST_AGG FROM t"},
      {"SELECT t.set, t.use, t.grant FROM t"},
      {"SELECT COUNT(*) FROM t GROUP BY 1 HAVING COUNT(*) > 1 ORDER BY 1 DESC"},
      {"SELECT * FROM t1 JOIN t2 USING (id) UNION ALL SELECT * FROM t3"},
      {"SELECT * FROM t MINUS SELECT * FROM u"},
      {"SELECT * FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1"},
      {"SELECT v:field::string, v['k'] FROM t, LATERAL FLATTEN(input => v:arr) f"},
      {"SELECT FILTER(arr, x -> x > 1) FROM t"},
      {"SELECT $1, $2 FROM VALUES (1, 2), (3, 4)"},
      {"SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))"},
      {"SELECT * FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY())"},
      {"SELECT * FROM IDENTIFIER('MYDB.PUBLIC.T')"},
      {"SELECT SYSTEM$WAIT(1)"},
      {"select system$typeof(1)"},
      {"SELECT SYSTEM$CLUSTERING_INFORMATION('t')"},
      {"SELECT 1e10, .5, 1.5E-3, 0.0"},
      {"SELECT '日本語', \"列名\" FROM \"表\""},
      {"SELECT 'Ｓｅｌｅｃｔ in fullwidth inside a string'"},
      {"SELECT 1 -- comment with ünïcödé and a zero\u200Bwidth space"},
      {"/* ＤＥＬＥＴＥ in a comment */ SELECT 1"},
      {"(SELECT 1)"},
      {"((SELECT 1) UNION (SELECT 2))"},
      {"SELECT * FROM t AT(OFFSET => -60)"},
      {"SELECT * FROM t CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => '2024-01-01'::timestamp)"},
      {"SELECT * FROM t SAMPLE (10 ROWS)"},
      {"SELECT * FROM t MATCH_RECOGNIZE(ORDER BY a PATTERN (x+) DEFINE x AS a > 0)"},
      {"SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE c = 'x;y')"},
      {"SELECT CURRENT_ROLE(), CURRENT_DATABASE(), CURRENT_SCHEMA()"},
      {"SELECT seq.NEXTVAL"},
      {"SELECT 1 FROM t WHERE x = 'value with -- dashes and /* stars */'"},
      {"WITH x AS (SELECT 1 AS a) SELECT * FROM x", StatementKind::with_select},
      {"with x as (select 1), y as (select * from x) select * from y", StatementKind::with_select},
      {"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n "
       "FROM r",
       StatementKind::with_select},
      {"WITH \"quoted cte\" AS (SELECT 1) SELECT * FROM \"quoted cte\"",
       StatementKind::with_select},
      {"WITH x AS ((SELECT 1)) (SELECT * FROM x)", StatementKind::with_select},
      {"WITH x AS (WITH y AS (SELECT 1) SELECT * FROM y) SELECT * FROM x",
       StatementKind::with_select},
      {"WITH x AS (SELECT 'DELETE FROM t') SELECT * FROM x", StatementKind::with_select},
      {"SHOW DATABASES", StatementKind::show},
      {"show tables in schema snowflake_sample_data.tpch_sf1", StatementKind::show},
      {"SHOW TERSE SCHEMAS LIKE 'TP%' IN DATABASE snowflake_sample_data", StatementKind::show},
      {"SHOW GRANTS TO ROLE analyst", StatementKind::show},
      {"SHOW PARAMETERS LIKE 'QUERY_TAG' IN SESSION", StatementKind::show},
      {"DESCRIBE TABLE orders", StatementKind::describe},
      {"DESC TABLE orders", StatementKind::describe},
      {"describe view v", StatementKind::describe},
      {"DESC RESULT LAST_QUERY_ID()", StatementKind::describe},
      {"EXPLAIN SELECT * FROM orders", StatementKind::explain},
      {"EXPLAIN USING TEXT SELECT 1", StatementKind::explain},
      {"explain using json with x as (select 1) select * from x", StatementKind::explain},
  };
  return cases;
}

// Everything that must be rejected.
const std::vector<std::string>& rejected() {
  static const std::vector<std::string> cases = {
      // Plain writes and other verbs.
      "INSERT INTO t VALUES (1)", "insert into t select * from u", "UPDATE t SET a = 1",
      "DELETE FROM t", "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE",
      "TRUNCATE TABLE t", "DROP TABLE t", "UNDROP TABLE t", "CREATE TABLE t (a INT)",
      "CREATE TABLE t AS SELECT * FROM u", "CREATE OR REPLACE TABLE t AS SELECT 1",
      "CREATE VIEW v AS SELECT 1", "CREATE TEMPORARY TABLE t AS SELECT 1",
      "ALTER TABLE t ADD COLUMN b INT", "ALTER SESSION SET QUERY_TAG = 'x'",
      "ALTER USER me SET RSA_PUBLIC_KEY = 'x'", "ALTER WAREHOUSE wh RESUME",
      "GRANT SELECT ON t TO ROLE r", "REVOKE SELECT ON t FROM ROLE r", "USE ROLE ACCOUNTADMIN",
      "USE DATABASE d", "USE SECONDARY ROLES ALL", "SET x = 1", "UNSET x", "CALL my_procedure()",
      "call system$wait(1)", "EXECUTE IMMEDIATE 'DELETE FROM t'",
      "EXECUTE IMMEDIATE $$ BEGIN DELETE FROM t; END; $$", "EXECUTE TASK t",
      "COPY INTO t FROM @stage", "COPY INTO @stage FROM (SELECT * FROM t)",
      "PUT file:///tmp/x @stage", "GET @stage/file file:///tmp/", "REMOVE @stage/x", "RM @stage",
      "LIST @stage", "BEGIN", "BEGIN DELETE FROM t; END", "DECLARE x INT; BEGIN SELECT 1; END",
      "COMMIT", "ROLLBACK", "COMMENT ON TABLE t IS 'x'", "VALUES (1)", "$$ DELETE FROM t $$",
      "'SELECT 1'", "\"SELECT\" 1",
      // Several statements, however hidden.
      "SELECT 1; DELETE FROM t", "SELECT 1; SELECT 2", "SELECT 1;\nDROP TABLE t;",
      "SELECT 1 -- comment\n; DELETE FROM t", "SELECT 1 /* comment */; DELETE FROM t",
      // Found by fuzzing: `$$` inside a name, which a reader may take for a $$ string.
      "SELECT $ID$$ x9 $$x; !!!!!$$", "SELECT a$$ x $$; DELETE FROM t --$$",
      "SELECT 'a'; DELETE FROM t; SELECT 'b'", "SELECT $$x$$; DELETE FROM t",
      "SELECT \"a\"; DELETE FROM t", "SHOW TABLES; DROP TABLE t", "EXPLAIN SELECT 1; DELETE FROM t",
      // Comments and quotes that hide or fake statement boundaries.
      "/* SELECT 1 */ DELETE FROM t", "-- SELECT 1\nDELETE FROM t", "SELECT 1 /* unterminated",
      "SELECT 'unterminated", "SELECT $$unterminated", "SELECT \"unterminated",
      "SELECT 1 /* outer /* inner */ ; DELETE FROM t; /* */", "SELECT 'a\\'; DELETE FROM t; --'",
      "SELECT 'a\\'; DELETE FROM t; SELECT '", "SELECT 1 --\r; DELETE FROM t",
      "-- comment\rDELETE FROM t\nSELECT 1", "SELECT 1 // ; DELETE FROM t\n",
      // Texts that lex differently under the plausible readings are refused even when one
      // reading is harmless: a backslash-escaped quote, `//` before a semicolon.
      "SELECT 1 // a comment; DROP TABLE t", "SELECT 'back\\'slash-escaped quote' AS s",
      "// comment\nDELETE FROM t", "", "   ", "-- only a comment", "/* only a comment */", ";;",
      // Read verbs wrapping writes.
      "EXPLAIN DELETE FROM t", "EXPLAIN INSERT INTO t SELECT 1",
      "EXPLAIN USING TEXT UPDATE t SET a = 1", "EXPLAIN", "WITH x AS (SELECT 1) DELETE FROM t",
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
      "WITH x AS (SELECT 1) UPDATE t SET a = 1",
      "WITH x AS (SELECT 1) MERGE INTO t USING x ON 1 = 1 WHEN MATCHED THEN DELETE",
      "WITH x AS (DELETE FROM t) SELECT 1", "WITH x AS (INSERT INTO t VALUES (1)) SELECT 1",
      "WITH p AS PROCEDURE () RETURNS INT LANGUAGE SQL AS $$ BEGIN RETURN 1; END $$ CALL p()",
      "WITH x AS (SELECT 1", "WITH x (a AS (SELECT 1) SELECT 1", "WITH SELECT 1", "(DELETE FROM t)",
      "((SELECT 1)); DELETE FROM t",
      // State-changing functions and other side effects inside a SELECT.
      "SELECT SYSTEM$CANCEL_ALL_QUERIES(123)", "SELECT SYSTEM$CANCEL_QUERY('01b2')",
      "SELECT system$abort_session(1)", "SELECT SYSTEM$ABORT_TRANSACTION(1)",
      "SELECT SYSTEM$SET_RETURN_VALUE('x')", "SELECT SYSTEM$PIPE_FORCE_RESUME('p')",
      "SELECT SYSTEM$USER_TASK_CANCEL_ONGOING_EXECUTIONS('t')",
      "SELECT SYSTEM$GLOBAL_ACCOUNT_SET_PARAMETER('a', 'b', 'c')",
      "SELECT SYSTEM$SHOW_OAUTH_CLIENT_SECRETS('i')",
      "SELECT 1 WHERE SYSTEM$CANCEL_ALL_QUERIES(1) = 'x'",
      "WITH x AS (SELECT SYSTEM$ABORT_SESSION(1)) SELECT * FROM x",
      "SELECT IDENTIFIER('SYSTEM$CANCEL_ALL_QUERIES')(1)", "SELECT IDENTIFIER($fn)(1)",
      "SELECT * FROM t FOR UPDATE", "SHOW TABLES ->> DELETE FROM t", "SELECT 1 ->> SELECT 2",
      // Unicode look-alikes and invisible characters outside quotes.
      "ＳＥＬＥＣＴ 1", "ＤＥＬＥＴＥ FROM t",
      "S\u0415LECT 1",  // Cyrillic capital IE for E
      "SELECT 1; DEL\u0415TE FROM t",
      "\u0405ELECT 1",   // Cyrillic DZE for S
      "SEL\u200BECT 1",  // zero-width space inside the keyword
      "\u200BSELECT 1",  // zero-width space before it
      "\uFEFFSELECT 1",  // byte-order mark
      "SELECT\u00A01",   // no-break space
      "SELECT 1\u2028; DELETE FROM t",
      "SELECT 1 \u037E DELETE FROM t",  // Greek question mark looks like ';'
      "SELECT 1 ；DELETE FROM t",       // fullwidth semicolon
      "DELETE\u00A0FROM t", "SELECT 1\x01", std::string("SELECT 1\0; DELETE FROM t", 25),
      "SELECT '\xff'",      // invalid UTF-8 anywhere
      "SELECT '\xc0\xaf'",  // overlong encoding
  };
  return cases;
}

TEST(mcp_classifier, AcceptsEveryLegitimateRead) {
  for (const auto& c : accepted()) {
    const auto result = classify_read_only(c.sql);
    EXPECT_TRUE(result.allowed) << c.sql << "\n  reason: " << result.reason;
    if (result.allowed) {
      EXPECT_EQ(result.kind, c.kind) << c.sql;
    }
    EXPECT_TRUE(result.reason.empty()) << c.sql;
  }
}

TEST(mcp_classifier, RejectsEveryWriteAndEveryDisguise) {
  for (const auto& sql : rejected()) {
    const auto result = classify_read_only(sql);
    EXPECT_FALSE(result.allowed) << "accepted: " << sql;
    EXPECT_FALSE(result.reason.empty()) << sql;
  }
}

TEST(mcp_classifier, TheTablesAreLarge) {
  // The acceptance criterion asks for a large adversarial table; keep it that way.
  EXPECT_GE(accepted().size(), 60u);
  EXPECT_GE(rejected().size(), 120u);
}

TEST(mcp_classifier, ReasonsAreActionable) {
  const auto write = classify_read_only("DELETE FROM t");
  EXPECT_NE(write.reason.find("DELETE"), std::string::npos) << write.reason;
  EXPECT_NE(write.reason.find("--allow-write"), std::string::npos) << write.reason;
  EXPECT_NE(write.reason.find("execute_statement"), std::string::npos) << write.reason;

  const auto several = classify_read_only("SELECT 1; SELECT 2");
  EXPECT_NE(several.reason.find("2 statements"), std::string::npos) << several.reason;

  const auto lookalike = classify_read_only("ＳＥＬＥＣＴ 1");
  EXPECT_NE(lookalike.reason.find("non-ASCII"), std::string::npos) << lookalike.reason;

  const auto copy = classify_read_only("COPY INTO t FROM @s");
  EXPECT_NE(copy.reason.find("COPY INTO"), std::string::npos) << copy.reason;

  const auto system = classify_read_only("SELECT SYSTEM$CANCEL_ALL_QUERIES(1)");
  EXPECT_NE(system.reason.find("SYSTEM$CANCEL_ALL_QUERIES"), std::string::npos) << system.reason;
}

TEST(mcp_classifier, EveryRejectedWriteIsRejectedWhateverComesAround) {
  // Each write, decorated with leading comments, whitespace and a trailing semicolon, stays
  // rejected; each accepted read, decorated the same way, stays accepted.
  const std::vector<std::string> decorations = {"%s", "  %s  ", "/* c */ %s;", "-- c\n%s\n",
                                                "\n\t%s ;  -- end"};
  auto decorate = [](const std::string& pattern, const std::string& sql) {
    std::string out = pattern;
    out.replace(out.find("%s"), 2, sql);
    return out;
  };
  for (const auto& pattern : decorations) {
    for (const std::string sql : {"DELETE FROM t", "CALL p()", "USE ROLE r", "PUT file://x @s",
                                  "GRANT ROLE r TO USER u", "EXECUTE IMMEDIATE 'x'"}) {
      EXPECT_FALSE(classify_read_only(decorate(pattern, sql)).allowed) << decorate(pattern, sql);
    }
    for (const std::string sql : {"SELECT 1", "SHOW TABLES", "DESCRIBE TABLE t"}) {
      EXPECT_TRUE(classify_read_only(decorate(pattern, sql)).allowed) << decorate(pattern, sql);
    }
  }
}

}  // namespace
