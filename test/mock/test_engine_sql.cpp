// test_engine_sql.cpp — the Snowflake dialect: namespaces and identifier quoting, the compilation
// errors with their real codes and positions, and the functions (table-driven).
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

struct ErrorCase {
  const char* sql;
  const char* code;
  const char* state;
  const char* message;  // exact, or "" to skip
};

extern const ErrorCase kErrors[];
extern const std::size_t kErrorCount;

TEST(EngineSql, ErrorCodesStatesAndMessages) {
  auto c = connect();
  for (std::size_t i = 0; i < kErrorCount; ++i) {
    const ErrorCase& k = kErrors[i];
    SCOPED_TRACE(k.sql);
    Result r = run(*c, k.sql);
    ASSERT_FALSE(r.ok()) << k.sql;
    EXPECT_EQ(r.outcome.error->code, k.code) << k.sql << ": " << r.error_message();
    EXPECT_EQ(r.outcome.error->sql_state, k.state) << k.sql;
    if (*k.message) {
      EXPECT_EQ(r.outcome.error->message, k.message) << k.sql;
    }
  }
}

extern const ErrorCase kErrors[] = {
    {"SELEC 1", "001003", "42000",
     "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'."},
    {"SELECT * FROM", "001003", "42000",
     "SQL compilation error:\nsyntax error line 1 at position 13 unexpected '<EOF>'."},
    {"SELECT 1 FROM region WHERE", "001003", "42000", ""},
    {"SELECT (1", "001003", "42000", ""},
    {"SELECT 'unterminated", "001003", "42000", ""},
    {"SELECT * FROM dbimp_it_nosuch", "002003", "42S02",
     "SQL compilation error:\nObject 'SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.DBIMP_IT_NOSUCH' does not "
     "exist or not authorized."},
    {"SELECT * FROM nosuchdb.s.t", "002003", "02000",
     "SQL compilation error:\nDatabase 'NOSUCHDB' does not exist or not authorized."},
    {"SELECT * FROM snowflake_sample_data.nosuch.t", "002003", "02000",
     "SQL compilation error:\nSchema 'SNOWFLAKE_SAMPLE_DATA.NOSUCH' does not exist or not "
     "authorized."},
    {"SELECT afaf FROM region", "000904", "42000",
     "SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF'"},
    {"SELECT r.nope FROM region r", "000904", "42000",
     "SQL compilation error: error line 1 at position 7\ninvalid identifier 'R.NOPE'"},
    {"SELECT n_name\nFROM nation\nWHERE bogus = 1", "000904", "42000",
     "SQL compilation error: error line 3 at position 6\ninvalid identifier 'BOGUS'"},
    {"SELECT 1/0", "100051", "22012", "Division by zero"},
    {"SELECT 'abc'::NUMBER", "100038", "22018", "Numeric value 'abc' is not recognized"},
    {"SELECT NO_SUCH_FUNCTION(1)", "002140", "42601", ""},
    {"SELECT r_regionkey FROM region JOIN nation ON n_regionkey = r_regionkey JOIN region r2 ON "
     "true",
     "002028", "42601", ""},
};

const std::size_t kErrorCount = sizeof(kErrors) / sizeof(kErrors[0]);

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

struct FnCase {
  const char* expr;
  const char* value;  // "<NULL>" for SQL NULL
};

extern const FnCase kFunctions[];
extern const std::size_t kFunctionCount;

TEST(EngineSql, FunctionValues) {
  auto c = connect();
  for (std::size_t i = 0; i < kFunctionCount; ++i) {
    const FnCase& k = kFunctions[i];
    Result r = run(*c, std::string("SELECT ") + k.expr);
    EXPECT_TRUE(r.ok()) << k.expr << ": " << describe(r);
    EXPECT_EQ(r.scalar(), k.value) << k.expr;
  }
}

extern const FnCase kFunctions[] = {
    // conditional
    {"IFF(1 < 2, 'yes', 'no')", "yes"},
    {"NVL(NULL, 'x')", "x"},
    {"IFNULL(NULL, 2)", "2"},
    {"NVL2(NULL, 'a', 'b')", "b"},
    {"COALESCE(NULL, NULL, 3)", "3"},
    {"NULLIF(1, 1)", "<NULL>"},
    {"ZEROIFNULL(NULL)", "0"},
    {"NULLIFZERO(0)", "<NULL>"},
    {"DIV0(1, 0)", "0.000000"},
    {"DIV0NULL(1, NULL)", "0.000000"},
    {"EQUAL_NULL(NULL, NULL)", "true"},
    {"DECODE(2, 1, 'one', 2, 'two', 'other')", "two"},
    {"DECODE(NULL, NULL, 'null matched', 'no')", "null matched"},
    {"GREATEST(1, 5, 3)", "5"},
    {"LEAST(4, 2, 8)", "2"},
    {"CASE WHEN 1 = 2 THEN 'a' WHEN 2 = 2 THEN 'b' END", "b"},
    {"CASE 3 WHEN 1 THEN 'one' ELSE 'many' END", "many"},
    {"1 BETWEEN 0 AND 2", "true"},
    {"3 IN (1, 2, 3)", "true"},
    {"'5' = 5", "true"},
    {"NULL IS NULL", "true"},
    {"1 IS DISTINCT FROM NULL", "true"},
    // numeric
    {"ROUND(2.5)", "3"},
    {"ROUND(1.005, 2)", "1.01"},
    {"ROUND(-2.5)", "-3"},
    {"FLOOR(-2.5)", "-3"},
    {"CEIL(2.1)", "3"},
    {"TRUNC(2.789, 1)", "2.7"},
    {"MOD(10, 3)", "1"},
    {"POWER(2, 10)", "1024"},
    {"SQRT(16)", "4"},
    {"ABS(-7)", "7"},
    {"SIGN(-3)", "-1"},
    {"TO_NUMBER('12.345', 10, 2)", "12.35"},
    {"TO_DECIMAL('1,234.5', '9,999.9', 10, 1)", "1234.5"},
    {"TO_DOUBLE('2.5')", "2.5"},
    {"UNIFORM(5, 5, RANDOM())", "5"},
    // strings
    {"LENGTH('h\xC3\xA9llo')", "5"},
    {"LEN('abc')", "3"},
    {"UPPER('h\xC3\xA9llo')", "H\xC3\x89LLO"},
    {"LOWER('ABC')", "abc"},
    {"INITCAP('hello wORLD')", "Hello World"},
    {"TRIM('  x  ')", "x"},
    {"LTRIM('xxy', 'x')", "y"},
    {"SUBSTR('snowflake', 5)", "flake"},
    {"SUBSTRING('snowflake', 1, 4)", "snow"},
    {"SUBSTR('snowflake', -5, 3)", "fla"},
    {"LEFT('snowflake', 4)", "snow"},
    {"RIGHT('snowflake', 5)", "flake"},
    {"CONCAT('a', 'b', 'c')", "abc"},
    {"CONCAT_WS('-', 'a', 'b')", "a-b"},
    {"'a' || 'b' || 1", "ab1"},
    {"'a' || NULL", "<NULL>"},
    {"REPLACE('abcabc', 'b', 'x')", "axcaxc"},
    {"REVERSE('abc')", "cba"},
    {"REPEAT('ab', 3)", "ababab"},
    {"LPAD('7', 3, '0')", "007"},
    {"RPAD('ab', 5, 'xy')", "abxyx"},
    {"SPLIT_PART('a,b,c', ',', 2)", "b"},
    {"SPLIT_PART('a,b,c', ',', -1)", "c"},
    {"STRTOK('a b  c', ' ', 3)", "c"},
    {"CONTAINS('snowflake', 'flake')", "true"},
    {"STARTSWITH('snowflake', 'snow')", "true"},
    {"ENDSWITH('snowflake', 'snow')", "false"},
    {"POSITION('fl', 'snowflake')", "5"},
    {"POSITION('fl' IN 'snowflake')", "5"},
    {"CHARINDEX('z', 'abc')", "0"},
    {"ASCII('A')", "65"},
    {"CHR(66)", "B"},
    {"TRANSLATE('abc', 'ab', 'x')", "xc"},
    {"REGEXP_REPLACE('a1b22c', '[0-9]+', '#')", "a#b#c"},
    {"REGEXP_SUBSTR('abc123def', '[0-9]+')", "123"},
    {"REGEXP_COUNT('a1b2c3', '[0-9]')", "3"},
    {"'abc' RLIKE 'a.c'", "true"},
    {"'Abc' ILIKE 'a%'", "true"},
    {"'Abc' LIKE 'a%'", "false"},
    {"'a_c' LIKE 'a\\\\_c' ESCAPE '\\\\'", "true"},
    {"'abc' LIKE ANY ('x%', 'a%')", "true"},
    {"EDITDISTANCE('kitten', 'sitting')", "3"},
    {"HEX_ENCODE('AB')", "4142"},
    {"BASE64_ENCODE('hello')", "aGVsbG8="},
    {"BASE64_DECODE_STRING('aGVsbG8=')", "hello"},
    {"MD5('a')", "0cc175b9c0f1b6a831c399e269772661"},
    {"SHA1('a')", "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"},
    {"SHA2('a')", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
    {"SHA2('a', 512) LIKE '1f40fc92%'", "true"},
    {"LENGTH(UUID_STRING())", "36"},
    {"UUID_STRING('fe971b24-9572-4005-b22f-351e9c09274d', 'foo')",
     "dc0b6f65-fca6-5b4b-9d37-ccc3fde1f3e2"},
    {"LENGTH(RANDSTR(12, 42))", "12"},
    {"RANDSTR(8, 7) = RANDSTR(8, 7)", "true"},
    {"HASH('a') = HASH('a')", "true"},
    {"TO_CHAR(1234.5, '9,999.00')", "1,234.50"},
    {"TO_VARCHAR(42)", "42"},
    // date / time
    {"DATEADD(day, 5, '2024-01-30'::DATE)", "19757"},
    {"DATEADD(month, 1, '2024-01-31'::DATE)::STRING", "2024-02-29"},
    {"DATEADD('year', -1, '2024-02-29'::DATE)::STRING", "2023-02-28"},
    {"DATEADD(hour, 2, '2024-01-01 23:00:00'::TIMESTAMP_NTZ)::STRING", "2024-01-02 01:00:00.000"},
    {"DATEADD(hour, 1, '2024-01-01'::DATE)::STRING", "2024-01-01 01:00:00.000"},
    {"'2024-01-01'::DATE + 31", "19754"},
    {"('2024-03-01'::DATE - '2024-02-01'::DATE)", "29"},
    {"DATEDIFF(day, '2024-01-01', '2024-03-01')", "60"},
    {"DATEDIFF(month, '2024-01-31'::DATE, '2024-02-01'::DATE)", "1"},
    {"DATEDIFF(year, '2023-12-31'::DATE, '2024-01-01'::DATE)", "1"},
    {"DATEDIFF(second, '2024-01-01 00:00:00'::TIMESTAMP, '2024-01-01 00:01:30'::TIMESTAMP)", "90"},
    {"DATE_TRUNC('month', '2024-05-17'::DATE)::STRING", "2024-05-01"},
    {"DATE_TRUNC('quarter', '2024-05-17'::DATE)::STRING", "2024-04-01"},
    {"DATE_TRUNC('week', '2024-05-17'::DATE)::STRING", "2024-05-13"},
    {"DATE_TRUNC('hour', '2024-05-17 10:45:12'::TIMESTAMP_NTZ)::STRING", "2024-05-17 10:00:00.000"},
    {"TRUNC('2024-05-17'::DATE, 'YEAR')::STRING", "2024-01-01"},
    {"YEAR('2024-05-17'::DATE)", "2024"},
    {"MONTH('2024-05-17'::DATE)", "5"},
    {"DAY('2024-05-17'::DATE)", "17"},
    {"DAYOFWEEK('2024-05-17'::DATE)", "5"},
    {"DAYOFWEEKISO('2024-05-19'::DATE)", "7"},
    {"DAYOFYEAR('2024-02-01'::DATE)", "32"},
    {"WEEK('2024-01-01'::DATE)", "1"},
    {"QUARTER('2024-05-17'::DATE)", "2"},
    {"HOUR('2024-05-17 13:04:05'::TIMESTAMP)", "13"},
    {"MINUTE('2024-05-17 13:04:05'::TIMESTAMP)", "4"},
    {"SECOND('2024-05-17 13:04:05'::TIMESTAMP)", "5"},
    {"EXTRACT(year FROM '2024-05-17'::DATE)", "2024"},
    {"DATE_PART('epoch_second', '1970-01-02 00:00:00'::TIMESTAMP_NTZ)", "86400"},
    {"LAST_DAY('2024-02-10'::DATE)::STRING", "2024-02-29"},
    {"ADD_MONTHS('2024-01-31'::DATE, 1)::STRING", "2024-02-29"},
    {"MONTHNAME('2024-05-17'::DATE)", "May"},
    {"DAYNAME('2024-05-17'::DATE)", "Fri"},
    {"NEXT_DAY('2024-05-17'::DATE, 'Monday')::STRING", "2024-05-20"},
    {"TO_DATE('2024-05-17')::STRING", "2024-05-17"},
    {"TO_DATE('17/05/2024', 'DD/MM/YYYY')::STRING", "2024-05-17"},
    {"TRY_TO_DATE('nope') IS NULL", "true"},
    {"DATE_FROM_PARTS(2024, 13, 1)::STRING", "2025-01-01"},
    {"TIME_FROM_PARTS(12, 34, 56)", "45296.000000000"},
    {"TIMESTAMP_FROM_PARTS(2024, 5, 17, 1, 2, 3)::STRING", "2024-05-17 01:02:03.000"},
    {"TO_TIMESTAMP('2024-05-17 13:04:05')", "1715951045.000000000"},
    {"TO_TIMESTAMP(1715951045)", "1715951045.000000000"},
    {"TO_TIMESTAMP(1715951045123, 3)", "1715951045.123000000"},
    {"TO_TIMESTAMP_NTZ('05/17/2024 01:02 PM', 'MM/DD/YYYY HH12:MI AM')::STRING",
     "2024-05-17 13:02:00.000"},
    {"TO_CHAR('2024-05-17 13:04:05'::TIMESTAMP_NTZ, 'YYYY/MM/DD HH24:MI:SS')",
     "2024/05/17 13:04:05"},
    {"TO_CHAR('2024-05-17'::DATE, 'DD MON YYYY')", "17 May 2024"},
    {"CONVERT_TIMEZONE('UTC', 'Asia/Tokyo', '2024-05-17 00:00:00'::TIMESTAMP_NTZ)::STRING",
     "2024-05-17 09:00:00.000"},
    {"CONVERT_TIMEZONE('America/New_York', '2024-05-17 12:00:00 +0000'::TIMESTAMP_TZ)::STRING",
     "2024-05-17 08:00:00.000 -0400"},
    {"'2024-05-17 10:00:00'::TIMESTAMP_NTZ + INTERVAL '1 day 2 hours'", "1716033600.000000000"},
    {"'2024-05-17'::DATE - INTERVAL '1 month'", "19830"},
    // semi-structured
    {"PARSE_JSON('{\"a\":{\"b\":[10,20]}}'):a.b[1]", "20"},
    {"PARSE_JSON('{\"a\":{\"b\":[10,20]}}')['a']['b'][0]", "10"},
    {"PARSE_JSON('{\"name\":\"Bob\"}'):name::STRING", "Bob"},
    {"PARSE_JSON('{\"name\":\"Bob\"}'):name = 'Bob'", "true"},
    {"PARSE_JSON('{\"n\":3}'):n::INT + 1", "4"},
    {"GET(PARSE_JSON('[1,2,3]'), 2)", "3"},
    {"GET_PATH(PARSE_JSON('{\"a\":{\"b\":1}}'), 'a.b')", "1"},
    {"ARRAY_SIZE(ARRAY_CONSTRUCT(1, 2, 3))", "3"},
    {"ARRAY_CONTAINS(2::VARIANT, ARRAY_CONSTRUCT(1, 2, 3))", "true"},
    {"ARRAY_TO_STRING(ARRAY_CONSTRUCT('a', 'b'), '-')", "a-b"},
    {"ARRAY_APPEND(ARRAY_CONSTRUCT(1), 2)::STRING", "[1,2]"},
    {"ARRAY_CAT(ARRAY_CONSTRUCT(1), ARRAY_CONSTRUCT(2))::STRING", "[1,2]"},
    {"ARRAY_SLICE(ARRAY_CONSTRUCT(1, 2, 3, 4), 1, 3)::STRING", "[2,3]"},
    {"ARRAY_DISTINCT(ARRAY_CONSTRUCT(1, 1, 2))::STRING", "[1,2]"},
    {"OBJECT_KEYS(OBJECT_CONSTRUCT('b', 1, 'a', 2))::STRING", "[\"a\",\"b\"]"},
    {"OBJECT_INSERT(OBJECT_CONSTRUCT('a', 1), 'b', 2)::STRING", "{\"a\":1,\"b\":2}"},
    {"TYPEOF(PARSE_JSON('1.5'))", "DECIMAL"},
    {"TYPEOF(PARSE_JSON('\"x\"'))", "VARCHAR"},
    {"IS_ARRAY(PARSE_JSON('[]'))", "true"},
    {"TO_JSON(PARSE_JSON('{\"b\":1,\"a\":2}'))", "{\"a\":2,\"b\":1}"},
    {"TRY_PARSE_JSON('{') IS NULL", "true"},
    {"SPLIT('a,b', ',')::STRING", "[\"a\",\"b\"]"},
    {"JSON_EXTRACT_PATH_TEXT('{\"a\":{\"b\":\"c\"}}', 'a.b')", "c"},
    {"ST_ASWKT(TO_GEOGRAPHY('POINT(1 2)'))", "POINT(1 2)"},
    // context
    {"CURRENT_DATABASE()", "SNOWFLAKE_SAMPLE_DATA"},
    {"CURRENT_SCHEMA()", "TPCH_SF1"},
    {"CURRENT_WAREHOUSE()", "MOCK_WH"},
    {"CURRENT_ROLE()", "SYSADMIN"},
    {"CURRENT_USER()", "MOCKUSER"},
    {"CURRENT_ACCOUNT()", "MOCKACCOUNT"},
    {"CURRENT_VERSION() IS NOT NULL", "true"},
    {"SYSTEM$TYPEOF(1)", "NUMBER(1,0)[SB1]"},
};

const std::size_t kFunctionCount = sizeof(kFunctions) / sizeof(kFunctions[0]);

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

TEST(EngineSql, QueryShapes) {
  auto c = connect();
  struct Case {
    const char* sql;
    std::size_t rows;
  };
  for (const Case& k : {
           Case{"SELECT TOP 3 n_name FROM nation", 3},
           Case{"SELECT n_name FROM nation LIMIT 2 OFFSET 23", 2},
           Case{"SELECT n_name FROM nation ORDER BY 1 FETCH FIRST 4 ROWS ONLY", 4},
           Case{"SELECT DISTINCT n_regionkey FROM nation", 5},
           Case{"SELECT n_regionkey, COUNT(*) FROM nation GROUP BY ALL", 5},
           Case{"SELECT n_regionkey AS k, COUNT(*) FROM nation GROUP BY k HAVING COUNT(*) = 5", 5},
           Case{"SELECT 1 UNION SELECT 1", 1},
           Case{"SELECT 1 UNION ALL SELECT 1", 2},
           Case{"SELECT n_regionkey FROM nation INTERSECT SELECT r_regionkey FROM region", 5},
           Case{"SELECT r_regionkey FROM region MINUS SELECT n_regionkey FROM nation WHERE "
                "n_regionkey < 3",
                2},
           Case{"WITH big AS (SELECT * FROM nation WHERE n_nationkey > 20) SELECT * FROM big", 4},
           Case{"WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) "
                "SELECT n FROM t",
                10},
           Case{"SELECT * FROM (SELECT n_name FROM nation) sub WHERE sub.n_name LIKE 'C%'", 2},
           Case{"SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region "
                "WHERE r_name = 'ASIA')",
                5},
           Case{"SELECT n_name FROM nation n WHERE EXISTS (SELECT 1 FROM region r WHERE "
                "r.r_regionkey = n.n_regionkey AND r.r_name = 'ASIA')",
                5},
           Case{"SELECT (SELECT MAX(r_regionkey) FROM region) AS m", 1},
           Case{"SELECT * FROM nation n LEFT JOIN region r ON r.r_regionkey = n.n_regionkey + 10",
                25},
           Case{"SELECT * FROM nation NATURAL JOIN nation n2", 25},
           Case{"SELECT * FROM region JOIN region r2 USING (r_regionkey)", 5},
           Case{"SELECT * FROM nation, region WHERE n_regionkey = r_regionkey", 25},
           Case{"SELECT * EXCLUDE (n_comment) FROM nation", 25},
           Case{"SELECT a + 1 AS b, b * 2 AS c FROM (SELECT 1 AS a)", 1},
           Case{"SELECT seq4() FROM TABLE(GENERATOR(ROWCOUNT => 7))", 7},
           Case{"SELECT f.value FROM TABLE(FLATTEN(INPUT => PARSE_JSON('[1,2,3]'))) f", 3},
           Case{"SELECT t.n, f.value FROM (SELECT PARSE_JSON('[1,2]') AS arr, 1 AS n) t, LATERAL "
                "FLATTEN(input => t.arr) f",
                2},
           Case{"SELECT * FROM TABLE(SPLIT_TO_TABLE('a,b,c', ','))", 3},
           Case{"SELECT column1 FROM VALUES (1), (2), (3)", 3},
           Case{"SELECT * FROM nation SAMPLE (10 ROWS)", 25},
       }) {
    Result r = run(*c, k.sql);
    ASSERT_TRUE(r.ok()) << k.sql << ": " << describe(r);
    EXPECT_EQ(r.rows.size(), k.rows) << k.sql;
  }
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
