// Tests of the read-only statement classifier behind `execute_query`: a large table of
// legitimate reads that must be accepted and of writes, multi-statement texts and disguises
// (comments, quotes, $$ bodies, backslash escapes, backticks, pipe chains, quoted and escaped
// SYSTEM$ names, procedures in FROM, Unicode look-alikes, invisible characters, deep nesting)
// that must be rejected, including every example the red team of the hostile-input issue found;
// the refusal messages, which name their own reason and fix only; large texts of every costly
// shape; and, through a real session, the red team's deep query next to other calls.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcp/classifier.hpp"
#include "mcp/json.hpp"
#include "support/mcp_fake_backend.hpp"
#include "support/mcp_pipe.hpp"

namespace {

using sfq::mcp::classify_read_only;
using sfq::mcp::kMaxNesting;
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
      // Snowflake's documented lexing, followed exactly: a backslash escapes the next character
      // of a '…' string, so each of these is one SELECT of one string.
      {"SELECT 'it\\'s'"},
      {"select 'it\\'s' AS s, 'x' AS t"},
      {"SELECT 'back\\'slash-escaped quote' AS s"},
      {"SELECT 'a\\'; DELETE FROM t; --'"},
      {"SELECT 'a\\'; DELETE FROM t; SELECT '"},
      {"SELECT 'tab\\there \\x41 \\u0041 \\101 \\\\'"},
      {"SELECT \"a\"\" ->> DELETE FROM t --\" FROM t"},  // "" inside a quoted identifier
      {"SELECT $$ it's a body with -- and /* and ' and \\ $$"},
      // `//` is a documented line comment, like `--`.
      {"SELECT 1 // a comment; DROP TABLE t"},
      {"SELECT 1 // ; DELETE FROM t\n"},
      // Characters that may end a line, inside a comment, followed only by blanks: every
      // reading agrees.
      {"SELECT 1 -- trailing\r\n"},
      {"-- leading\r\nSELECT 1"},
      {"SELECT 1 -- trailing\r"},
      {"SELECT 1 -- c\u2028  \nFROM t"},
      {"SELECT 1 -- c\x0c\t\n"},
      // Pipe chains made only of reads.
      {"SELECT 1 ->> SELECT 2"},
      {"SHOW TABLES ->> SELECT \"name\" FROM $1 WHERE \"rows\" > 0", StatementKind::show},
      {"SHOW WAREHOUSES ->> SELECT * FROM $1 ->> SELECT COUNT(*) FROM $2", StatementKind::show},
      // SYSTEM$ functions that only read; SYSTEM$WAIT within a minute.
      {"SELECT SYSTEM$WAIT(60)"},
      {"SELECT SYSTEM$WAIT(500, 'MILLISECONDS')"},
      {"SELECT SYSTEM$WAIT(1, 'minutes')"},
      {"SELECT SYSTEM$WAIT(1), 3 AS I"},
      {"SELECT SYSTEM$WAIT(30), SYSTEM$WAIT(30000, 'MILLISECONDS')"},
      {"SELECT \"SYSTEM$TYPEOF\"(1)"},
      {"SELECT SYSTEM$GET_PRIVATELINK_CONFIG()"},
      {"SELECT SYSTEM$GET_SERVICE_STATUS('svc')"},
      {"SELECT SYSTEM$SHOW_ACTIVE_BEHAVIOR_CHANGE_BUNDLES()"},
      {"SELECT SYSTEM$DATABASE_REFRESH_PROGRESS('db')"},
      // Built-in table functions and INFORMATION_SCHEMA's where a table is expected.
      {"SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 10))"},
      {"SELECT * FROM TABLE(SPLIT_TO_TABLE('a,b', ','))"},
      {"SELECT * FROM TABLE(MYDB.INFORMATION_SCHEMA.QUERY_HISTORY())"},
      {"SELECT * FROM t1, TABLE(FLATTEN(input => t1.v)) f"},
      {"SELECT a, UPPER(b) FROM t, u WHERE f(a) = 1 GROUP BY a, g(b) ORDER BY a, h(b)"},
      {"SELECT (SELECT MAX(a) FROM t), f(x), g(y) FROM u"},
      {"SELECT EXTRACT(YEAR FROM TO_DATE('2024-01-01')), TRIM(BOTH 'x' FROM f(s)) FROM t"},
      {"SELECT * FROM t WHERE EXTRACT(YEAR FROM CURRENT_DATE()) > 2000"},
      {"SELECT * FROM (t1 JOIN t2 ON UPPER(t1.a) = t2.a)"},
      {"SELECT * FROM VALUES (1, ABS(-2)), (3, 4)"},
      {"SELECT * FROM t AT(TIMESTAMP => TO_TIMESTAMP_LTZ('2024-01-01'))"},
      {"SELECT * FROM (SELECT UPPER(a) FROM t), (SELECT LOWER(b), 1 FROM u)"},
      {"SELECT * FROM (SELECT 1) x, LATERAL FLATTEN(input => x.v) f, t2 AT(OFFSET => -1)"},
      // Names from variables, and stage listings.
      {"SELECT * FROM IDENTIFIER($t)"},
      {"SELECT * FROM IDENTIFIER('mydb.public.t') WHERE a = 1"},
      {"LIST @~", StatementKind::list},
      {"list @my_stage", StatementKind::list},
      {"LS @mydb.public.my_stage/path/ PATTERN = '.*[.]csv'", StatementKind::list},
      {"LIST @%mytable", StatementKind::list},
      {"SELECT $1 FROM @my_stage/data.csv (FILE_FORMAT => 'csv')"},
  };
  return cases;
}

// Everything that must be rejected.
const std::vector<std::string>& rejected() {
  static const std::vector<std::string> cases = {
      // Plain writes and other verbs.
      // Found by fuzzing: `$$` inside a name, which a reader may take for a $$ string.
      "SELECT $ID$$ x9 $$x; !!!!!$$",
      "SELECT a$$ x $$; DELETE FROM t --$$",
      "INSERT INTO t VALUES (1)",
      "insert into t select * from u",
      "UPDATE t SET a = 1",
      "DELETE FROM t",
      "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE",
      "TRUNCATE TABLE t",
      "DROP TABLE t",
      "UNDROP TABLE t",
      "CREATE TABLE t (a INT)",
      "CREATE TABLE t AS SELECT * FROM u",
      "CREATE OR REPLACE TABLE t AS SELECT 1",
      "CREATE VIEW v AS SELECT 1",
      "CREATE TEMPORARY TABLE t AS SELECT 1",
      "ALTER TABLE t ADD COLUMN b INT",
      "ALTER SESSION SET QUERY_TAG = 'x'",
      "ALTER USER me SET RSA_PUBLIC_KEY = 'x'",
      "ALTER WAREHOUSE wh RESUME",
      "GRANT SELECT ON t TO ROLE r",
      "REVOKE SELECT ON t FROM ROLE r",
      "USE ROLE ACCOUNTADMIN",
      "USE DATABASE d",
      "USE SECONDARY ROLES ALL",
      "SET x = 1",
      "UNSET x",
      "CALL my_procedure()",
      "call system$wait(1)",
      "EXECUTE IMMEDIATE 'DELETE FROM t'",
      "EXECUTE IMMEDIATE $$ BEGIN DELETE FROM t; END; $$",
      "EXECUTE TASK t",
      "COPY INTO t FROM @stage",
      "COPY INTO @stage FROM (SELECT * FROM t)",
      "PUT file:///tmp/x @stage",
      "GET @stage/file file:///tmp/",
      "REMOVE @stage/x",
      "RM @stage",
      "BEGIN",
      "BEGIN DELETE FROM t; END",
      "DECLARE x INT; BEGIN SELECT 1; END",
      "COMMIT",
      "ROLLBACK",
      "COMMENT ON TABLE t IS 'x'",
      "VALUES (1)",
      "$$ DELETE FROM t $$",
      "'SELECT 1'",
      "\"SELECT\" 1",
      // Several statements, however hidden.
      "SELECT 1; DELETE FROM t",
      "SELECT 1; SELECT 2",
      "SELECT 1;\nDROP TABLE t;",
      "SELECT 1 -- comment\n; DELETE FROM t",
      "SELECT 1 /* comment */; DELETE FROM t",
      "SELECT 'a'; DELETE FROM t; SELECT 'b'",
      "SELECT $$x$$; DELETE FROM t",
      "SELECT \"a\"; DELETE FROM t",
      "SHOW TABLES; DROP TABLE t",
      "EXPLAIN SELECT 1; DELETE FROM t",
      // Comments and quotes that hide or fake statement boundaries.
      "/* SELECT 1 */ DELETE FROM t",
      "-- SELECT 1\nDELETE FROM t",
      "SELECT 1 /* unterminated",
      "SELECT 'unterminated",
      "SELECT $$unterminated",
      "SELECT \"unterminated",
      "SELECT 1 /* outer /* inner */ ; DELETE FROM t; /* */",
      "SELECT 1 --\r; DELETE FROM t",
      "-- comment\rDELETE FROM t\nSELECT 1",
      "// comment\nDELETE FROM t",
      "",
      "   ",
      "-- only a comment",
      "/* only a comment */",
      ";;",
      // Read verbs wrapping writes.
      "EXPLAIN DELETE FROM t",
      "EXPLAIN INSERT INTO t SELECT 1",
      "EXPLAIN USING TEXT UPDATE t SET a = 1",
      "EXPLAIN",
      "WITH x AS (SELECT 1) DELETE FROM t",
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
      "WITH x AS (SELECT 1) UPDATE t SET a = 1",
      "WITH x AS (SELECT 1) MERGE INTO t USING x ON 1 = 1 WHEN MATCHED THEN DELETE",
      "WITH x AS (DELETE FROM t) SELECT 1",
      "WITH x AS (INSERT INTO t VALUES (1)) SELECT 1",
      "WITH p AS PROCEDURE () RETURNS INT LANGUAGE SQL AS $$ BEGIN RETURN 1; END $$ CALL p()",
      "WITH x AS (SELECT 1",
      "WITH x (a AS (SELECT 1) SELECT 1",
      "WITH SELECT 1",
      "(DELETE FROM t)",
      "((SELECT 1)); DELETE FROM t",
      // State-changing functions and other side effects inside a SELECT.
      "SELECT SYSTEM$CANCEL_ALL_QUERIES(123)",
      "SELECT SYSTEM$CANCEL_QUERY('01b2')",
      "SELECT system$abort_session(1)",
      "SELECT SYSTEM$ABORT_TRANSACTION(1)",
      "SELECT SYSTEM$SET_RETURN_VALUE('x')",
      "SELECT SYSTEM$PIPE_FORCE_RESUME('p')",
      "SELECT SYSTEM$USER_TASK_CANCEL_ONGOING_EXECUTIONS('t')",
      "SELECT SYSTEM$GLOBAL_ACCOUNT_SET_PARAMETER('a', 'b', 'c')",
      "SELECT SYSTEM$SHOW_OAUTH_CLIENT_SECRETS('i')",
      "SELECT 1 WHERE SYSTEM$CANCEL_ALL_QUERIES(1) = 'x'",
      "WITH x AS (SELECT SYSTEM$ABORT_SESSION(1)) SELECT * FROM x",
      "SELECT IDENTIFIER('SYSTEM$CANCEL_ALL_QUERIES')(1)",
      "SELECT IDENTIFIER($fn)(1)",
      "SELECT * FROM t FOR UPDATE",
      "SHOW TABLES ->> DELETE FROM t",
      // Unicode look-alikes and invisible characters outside quotes.
      "ＳＥＬＥＣＴ 1",
      "ＤＥＬＥＴＥ FROM t",
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
      "DELETE\u00A0FROM t",
      "SELECT 1\x01",
      std::string("SELECT 1\0; DELETE FROM t", 25),
      "SELECT '\xff'",      // invalid UTF-8 anywhere
      "SELECT '\xc0\xaf'",  // overlong encoding

      // --- Red team, finding 2: lexing that could disagree with Snowflake's -----------------
      // A backtick is not a quote here, and is refused outside quotes wherever it stands.
      "SELECT 1 AS `'` ->> DELETE FROM t --'",
      "SELECT `a` FROM t",
      "SELECT 1 AS `x`",
      "SELECT 1 AS `--` ->> DELETE FROM t",
      "SELECT '`' AS a, ` ->> DELETE FROM t",
      // Pipe chains: every part must be a read.
      "SELECT 1 ->> DELETE FROM t",
      "SHOW TABLES ->> DROP TABLE t",
      "SELECT 1 ->> SELECT 2 ->> UPDATE t SET a = 1",
      "SELECT 1->>DELETE FROM t",
      "SELECT 1 ->> CALL p()",
      "->> SELECT 1",
      "SELECT 1 ->>",
      "SELECT 1 ->> ->> SELECT 2",
      "SELECT (SELECT 1 ->> SELECT 2)",
      "WITH x AS (SELECT 1 ->> DELETE FROM t) SELECT 1",
      "EXPLAIN SELECT 1 ->> DELETE FROM t",
      // A character that may end a line inside a `--` or `//` comment, followed by more text.
      "SELECT 1 --\u2028->> DELETE FROM t",
      "SELECT 1 --\u2029->> DELETE FROM t",
      "SELECT 1 --\xC2\x85->> DELETE FROM t",
      "SELECT 1 --\x0b->> DELETE FROM t",
      "SELECT 1 --\x0c->> DELETE FROM t",
      "SELECT 1 --\r->> DELETE FROM t",
      "SELECT 1 // x\u2028->> DELETE FROM t",
      "SELECT 1 // x\r; DELETE FROM t",
      "SELECT 1 -- a\u2028 b\n",
      "-- c\u2028DELETE FROM t\nSELECT 1",
      // Other control characters in a comment, or outside quotes.
      "SELECT 1 --\x1b->> DELETE FROM t",
      "SELECT 1 --\x7f->> DELETE FROM t",
      "SELECT 1 --\x01\n",
      std::string("SELECT 1 /* \0 */", 16),
      std::string("SELECT 1 --\0\n->> DELETE", 23),
      std::string("SELECT '\0'", 10),
      "SELECT\x0b"
      "1",
      "SELECT\x0c"
      "1",
      "SELECT 1\x1b",
      "SELECT 1 -- \xC2\x80 C1 control\n",
      // Block comments: nesting is uncertain, so an inner `/*` is refused.
      "SELECT 1 /* a /* b */ ->> DELETE FROM t /* */",
      "/* /* */ */ SELECT 1",
      "SELECT 1 /*/ ->> DELETE FROM t --*/",
      "/*/ */ SELECT 1",
      "SELECT 4 //* x */ 2 ->> DELETE FROM t",
      "SELECT 1 //*\n",
      // Strings, identifiers and $$ bodies whose extent another reader could see differently.
      "SELECT 'it\\'s' ->> DELETE FROM t",
      "SELECT 'unterminated \\'",
      "SELECT \"a\\\" ->> DELETE FROM t --\"",
      "SELECT r'\\' ->> DELETE FROM t --'",
      "SELECT x'\\' ->> DELETE FROM t --'",
      "SELECT $$a$$$ ->> DELETE FROM t --$$",
      "SELECT $$$a$$ ->> DELETE FROM t",
      "SELECT 1$$ ->> DELETE FROM t --$$",
      "SELECT a$$, '$$ ->> DELETE FROM t --'",
      "SELECT $a$ ' $a$ ->> DELETE FROM t --'",
      "SELECT 1 # '\n->> DELETE FROM t --'",
      "SELECT 1 \\ DELETE FROM t",
      // Stage references whose end is uncertain.
      "SELECT * FROM @s/'x ->> DELETE FROM t --'",
      "SELECT * FROM @s/x->> DELETE FROM t",
      "SELECT * FROM @s//x ->> DELETE FROM t",
      "SELECT * FROM @s/x--y",
      // Found by fuzzing: `$$` inside a stage reference, which a reader may take for a $$
      // string.
      "SELECT * FROM @s$$ ->> DELETE FROM t --$$",
      "LIST @s$$x$$",
      "LIST @s/*'*/",
      "LIST @\"my stage\"",
      // LIST only in its plain form.
      "LIST",
      "LIST @s PATTERN = '.*' DELETE FROM t",
      "LIST @s; DELETE FROM t",
      "LIST @s ->> DELETE FROM t",
      "LIST 'x'",

      // --- Red team, finding 3: SYSTEM$ names however spelled ---------------------------------
      "select \"SYSTEM$CANCEL_ALL_QUERIES\"(1)",
      "select \"system$cancel_all_queries\"(1)",
      "SELECT \"SYSTEM$ABORT_SESSION\"(1)",
      "SELECT PUBLIC.\"SYSTEM$CANCEL_QUERY\"('x')",
      "SELECT system$cancel_all_queries  /* c */ (1)",
      "SELECT SYSTEM$CANCEL_ALL_QUERIES",
      "SELECT * FROM IDENTIFIER('SYSTEM$CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER('SYSTEM\\x24CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER('SYSTEM\\u0024CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER('SYSTEM\\044CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER('SYSTEM\\$CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER('\"system$cancel_all_queries\"')",
      "SELECT * FROM IDENTIFIER('S\\x59STEM$CANCEL_ALL_QUERIES')",
      "SELECT * FROM IDENTIFIER($$SYSTEM$CANCEL_ALL_QUERIES$$)",
      "SELECT IDENTIFIER('SYSTEM\\x24CANCEL_ALL_QUERIES')(1)",
      "SELECT IDENTIFIER('f')(1)",
      "SELECT * FROM TABLE(IDENTIFIER($p)(1))",
      "SELECT * FROM IDENTIFIER('a' || 'b')",
      "SELECT * FROM IDENTIFIER()",
      "SELECT * FROM IDENTIFIER('my\\x5ftable')",
      "SELECT * FROM IDENTIFIER('S\\131STEM\\x24WAIT')",
      "SELECT * FROM TABLE(\"SYSTEM$CANCEL_ALL_QUERIES\"(1))",
      // A function called where a table is expected could be a stored procedure.
      "SELECT * FROM TABLE(my_proc())",
      "SELECT * FROM TABLE(db.sch.my_proc(1))",
      "SELECT * FROM my_proc()",
      "SELECT * FROM t, LATERAL my_proc(t.a)",
      "SELECT * FROM t JOIN TABLE(p()) x ON TRUE",
      "SELECT * FROM t1, p(1)",
      "SELECT * FROM TABLE(sch.FLATTEN(input => 1))",
      "SELECT * FROM TABLE(\"FLATTEN\"(1))",
      "SELECT * FROM t1 JOIN t2 ON t1.a = t2.a, p(2)",
      "WITH x AS (SELECT * FROM TABLE(p())) SELECT * FROM x",
      "SELECT * FROM (SELECT * FROM TABLE(p()))",
      "SELECT * FROM (SELECT 1) x, p(1)",
      "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM p())",
      "SELECT * FROM t1 CROSS JOIN p(1)",
      "SELECT * FROM t1 , /* c */ p(1)",
      "SELECT * FROM \"MY_PROC\"(1)",
      "SELECT * FROM TABLE(TO_QUERY('DELETE FROM t'))",
      "SELECT a FROM t UNION SELECT b FROM u, p(1)",
      "SELECT * FROM (p(1))",
      "SELECT * FROM ((p(1)))",
      "SELECT * FROM t1 JOIN (t2 JOIN p(1) ON TRUE) ON TRUE",
      "SELECT * FROM (t1, p(1))",
      "SELECT * FROM t1, (p(1))",
      // SYSTEM$WAIT only with a literal wait of at most a minute.
      "SELECT SYSTEM$WAIT(3600)",
      "SELECT SYSTEM$WAIT(61)",
      "SELECT SYSTEM$WAIT(1, 'HOURS')",
      "SELECT SYSTEM$WAIT(2, 'MINUTES')",
      "SELECT SYSTEM$WAIT(x)",
      "SELECT SYSTEM$WAIT(1.5)",
      "SELECT SYSTEM$WAIT(1, 'FORTNIGHTS')",
      "SELECT SYSTEM$WAIT(99999999999999999999)",
      "SELECT SYSTEM$WAIT(1, 'SECONDS', 3)",
      "SELECT \"SYSTEM$WAIT\"(3600)",
      "SELECT SYSTEM$WAIT(60001, 'MILLISECONDS')",
      // … in all, and without a FROM that would call it once per row.
      "SELECT SYSTEM$WAIT(1) FROM TABLE(GENERATOR(ROWCOUNT => 3600))",
      "SELECT SYSTEM$WAIT(60) FROM t",
      "SELECT SYSTEM$WAIT(0) FROM t",
      "SELECT SYSTEM$WAIT(60), SYSTEM$WAIT(60)",
      "SELECT SYSTEM$WAIT(60) UNION ALL SELECT SYSTEM$WAIT(60)",
      "SELECT SYSTEM$WAIT(40) ->> SELECT SYSTEM$WAIT(40)",
      "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3600) SELECT "
      "SYSTEM$WAIT(1) FROM r",
      "WITH r AS (SELECT SYSTEM$WAIT(1)) SELECT * FROM r, TABLE(GENERATOR(ROWCOUNT => 99))",
      // Refused deliberately: a leading BOM and a no-break space outside quotes.
      "\uFEFFSELECT 1 FROM t",
      "SELECT\u00A01 FROM t",

      // --- Red team, finding 1: nesting -------------------------------------------------------
      "SELECT " + std::string(kMaxNesting + 1, '(') + "1" + std::string(kMaxNesting + 1, ')'),
      "SELECT (1",
      "SELECT 1)",
      ")(",
      "SELECT (1; DELETE FROM t)",
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

/// `levels` nested `WITH a AS (…)`: WITH a AS (WITH a AS (SELECT 1) SELECT 1) SELECT 1.
std::string nested_with(std::size_t levels) {
  std::string sql;
  for (std::size_t i = 0; i < levels; ++i) sql += "WITH a AS (";
  sql += "SELECT 1";
  for (std::size_t i = 0; i < levels; ++i) sql += ") SELECT 1";
  return sql;
}

TEST(mcp_classifier, NestingUpToTheCapIsReadAndDeeperIsRefusedWithoutCrashing) {
  const auto at_cap = classify_read_only(nested_with(kMaxNesting));
  EXPECT_TRUE(at_cap.allowed) << at_cap.reason;
  EXPECT_EQ(at_cap.kind, StatementKind::with_select);
  const auto parens = classify_read_only("SELECT " + std::string(kMaxNesting, '(') + "1" +
                                         std::string(kMaxNesting, ')'));
  EXPECT_TRUE(parens.allowed) << parens.reason;

  // The red team's crash: ~46 000 levels (~506 KB) overflowed the old recursive classifier.
  const std::string crash = nested_with(46'000);
  ASSERT_LT(crash.size(), std::size_t{1} << 20);
  const auto refused = classify_read_only(crash);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NE(refused.reason.find("levels deep"), std::string::npos) << refused.reason;
  EXPECT_EQ(refused.reason.find("--allow-write"), std::string::npos) << refused.reason;
}

TEST(mcp_classifier, TheRedTeamsDeepQueryNeitherKillsTheServerNorHoldsUpOtherCalls) {
  // Through a real session: classification runs on the server's executor, so a costly one
  // would delay every other call queued behind it.
  sfq::mcp::testing::FakeBackend backend;
  sfq::mcp::testing::FakeResult one;
  one.columns = {sfq::mcp::testing::column("N", "fixed")};
  one.rows = {{"1"}};
  backend.on("SELECT 1", one);
  sfq::mcp::ServerConfig config;
  config.version = "9.9.9";
  config.connections = {"main"};
  sfq::mcp::testing::McpPipe mcp(config, backend);
  auto call = [](int id, const std::string& sql) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
           R"(,"method":"tools/call","params":{"name":"execute_query","arguments":{"query":)" +
           sfq::mcp::json::quote(sql) + "}}}";
  };
  std::string select_list = "SELECT 1";
  while (select_list.size() + 3 < (std::size_t{1} << 20)) select_list += ", 1";
  mcp.send(call(1, nested_with(46'000)));
  mcp.send(call(2, select_list));
  mcp.send(call(3, nested_with(46'000)));
  // Each answer comes (the default wait is a generous hang guard, not a timing assertion).
  const auto pong = mcp.request(R"({"jsonrpc":"2.0","id":4,"method":"ping"})", "4");
  EXPECT_TRUE(pong["result"].IsObject());
  for (const std::string id : {"1", "3"}) {
    const auto refused = mcp.response(id);
    ASSERT_TRUE(refused) << id;
    const std::string text = (*refused)["result"]["content"][0]["text"].GetString();
    EXPECT_TRUE((*refused)["result"]["isError"].GetBool());
    EXPECT_NE(text.find("levels deep"), std::string::npos) << text;
  }
  const auto read = mcp.response("2");
  ASSERT_TRUE(read);
  EXPECT_FALSE((*read)["result"]["isError"].GetBool());
  EXPECT_EQ(backend.requests().size(), 1u);
}

TEST(mcp_classifier, EveryShapeOfALargeTextIsClassified) {
  // Large inputs built to be as costly as possible for each part of the classifier: they must
  // simply finish, with the right verdict. (The work is linear in the text; the time each shape
  // takes at the 1 MiB query cap is measured outside the tests and recorded in docs/MCP.md.)
  constexpr std::size_t kCap = std::size_t{128} << 10;
  auto fill = [&](std::string head, const std::string& unit, const std::string& tail) {
    while (head.size() + unit.size() + tail.size() <= kCap) head += unit;
    return head + tail;
  };
  struct Big {
    std::string sql;
    bool allowed;
  };
  const std::vector<Big> cases = {
      {fill("SELECT 1", ", 1", ""), true},
      {fill("SELECT 1 FROM t", ", t", ""), true},
      {fill("SELECT ", "f(1)+", "1"), true},
      {fill("SELECT * FROM t1", ", TABLE(FLATTEN(x))", ""), true},
      {fill("SELECT * FROM t", " JOIN TABLE(GENERATOR(ROWCOUNT => 1)) ON TRUE", ""), true},
      {fill("SELECT a", ".a", " FROM t"), true},
      {fill("SELECT '", "x", "'"), true},
      {fill("SELECT '", "\\'", "'"), true},
      {fill("SELECT $$", "x", "$$"), true},
      {fill("SELECT \"", "x", "\""), true},
      {fill("SELECT 1 -- ", "x", ""), true},
      {fill("SELECT 1 /* ", "x", " */"), true},
      {fill("SELECT 1 ", "-- c\r\n", ""), true},
      {fill("SELECT 1", " ->> SELECT 1", ""), true},
      {fill("WITH a AS (SELECT 1)", ", a AS (SELECT 1)", " SELECT 1"), true},
      {fill("SELECT 1", ";", ""), true},
      {fill("", "SELECT 1;", ""), false},
      {fill("", "(", ""), false},
      {fill("SELECT ", "((((((((((1))))))))))+", "1"), true},
      {fill("SELECT 1 -- \xE2\x80\xA8", " ", ""), true},
      {fill("SELECT IDENTIFIER('", "\\x41", "')(1)"), false},
      {fill("SELECT * FROM a", ".a", "(1)"), false},
      {fill("SELECT * FROM IDENTIFIER('", "\\x41", "')"), false},  // escapes refused
      {fill("SELECT * FROM IDENTIFIER('", "A", "')"), true},
  };
  for (const auto& c : cases) {
    const auto result = classify_read_only(c.sql);
    EXPECT_EQ(result.allowed, c.allowed) << c.sql.substr(0, 80) << "\n  " << result.reason;
  }
}

TEST(mcp_classifier, RefusalsNameTheirOwnReasonAndFixOnly) {
  struct Expectation {
    std::string sql;
    std::string says;  // the reason or fix must contain this
    bool write_hint;   // whether --allow-write is mentioned
  };
  const std::vector<Expectation> cases = {
      {"DELETE FROM t", "DELETE statement", true},
      {"WITH x AS (SELECT 1) DELETE FROM t", "DELETE", true},
      {"SELECT SYSTEM$CANCEL_ALL_QUERIES(1)", "SYSTEM$CANCEL_ALL_QUERIES", true},
      {"select \"system$abort_session\"(1)", "SYSTEM$ABORT_SESSION", true},
      {"SELECT * FROM IDENTIFIER('SYSTEM\\x24ABORT_SESSION')", "SYSTEM$ABORT_SESSION", true},
      {"SELECT * FROM TABLE(my_proc())", "MY_PROC", true},
      {"SELECT 1 ->> DELETE FROM t", "DELETE", true},
      {"SELECT 1; SELECT 2", "one statement per call", false},
      {"SELECT 1 AS `x`", "backtick", false},
      {"SELECT 1 --\u2028->> DELETE FROM t", "U+2028", false},
      {"SELECT 1 --\r; DELETE FROM t", "U+000D", false},
      {"SELECT 'open", "unterminated string", false},
      {"SELECT SYSTEM$WAIT(3600)", "60 seconds", false},
      {"\uFEFFSELECT 1", "byte-order mark", false},
      {"SELECT\u00A01", "no-break space", false},
      {"ＳＥＬＥＣＴ 1", "U+FF33", false},
      {"SELECT 1 /* a /* b */", "inside a block comment", false},
      {nested_with(kMaxNesting + 1), "levels deep", false},
      {"SELECT (1", "parentheses", false},
      {"", "no statement", false},
      {"SELECT '\xff'", "UTF-8", false},
      {"SELECT IDENTIFIER('f')(1)", "IDENTIFIER", false},
      {"SELECT * FROM t FOR UPDATE", "FOR UPDATE", false},
      {"LIST @s PATTERN", "LIST @stage", false},
  };
  for (const auto& c : cases) {
    const auto result = classify_read_only(c.sql);
    ASSERT_FALSE(result.allowed) << c.sql;
    EXPECT_EQ(result.reason.rfind("The statement was refused: ", 0), 0u) << result.reason;
    EXPECT_NE(result.reason.find(c.says), std::string::npos) << c.sql << "\n  " << result.reason;
    EXPECT_EQ(result.reason.find("--allow-write") != std::string::npos, c.write_hint)
        << c.sql << "\n  " << result.reason;
  }
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
