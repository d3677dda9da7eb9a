// test_engine_bindings.cpp — the request's `bindings`: every type with the value formats the SQL
// API documents (DATE in milliseconds, TIME/TIMESTAMP in nanoseconds, TIMESTAMP_TZ with an
// offset), NULLs, named and numbered placeholders, array bindings, and every binding error.
#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

Bind scalar(const char* type, std::optional<std::string> value) {
  Bind b;
  b.type = type;
  b.values.push_back(std::move(value));
  return b;
}

Bind array(const char* type, std::vector<std::optional<std::string>> values) {
  Bind b;
  b.type = type;
  b.values = std::move(values);
  b.is_array = true;
  return b;
}

struct BindCase {
  const char* type;
  std::optional<std::string> value;
  const char* row_type;
  const char* wire;  // "<NULL>" for SQL NULL
};

}  // namespace

extern const BindCase kBindCases[];
extern const std::size_t kBindCaseCount;

TEST(EngineBindings, EveryTypeRoundTrips) {
  auto c = connect();
  for (std::size_t i = 0; i < kBindCaseCount; ++i) {
    const BindCase& k = kBindCases[i];
    SCOPED_TRACE(k.type);
    Result r = run(*c, "SELECT ?", {{"1", scalar(k.type, k.value)}});
    if (!(r.ok())) {
      ADD_FAILURE() << k.type << ": " << describe(r);
      continue;
    }
    EXPECT_EQ(r.col(0).name, "?");
    EXPECT_EQ(r.col(0).type, k.row_type) << k.type;
    EXPECT_EQ(r.scalar(), k.wire) << k.type;
  }
}

extern const BindCase kBindCases[] = {
    {"FIXED", "42", "fixed", "42"},
    {"FIXED", "-12.50", "fixed", "-12.50"},
    {"REAL", "1.5", "real", "1.5"},
    {"REAL", "NaN", "real", "NaN"},
    {"REAL", "Infinity", "real", "inf"},
    {"REAL", "-Infinity", "real", "-inf"},
    {"DECFLOAT", "3.25", "real", "3.25"},
    {"TEXT", "h\xC3\xA9", "text", "h\xC3\xA9"},
    {"TEXT", std::nullopt, "text", "<NULL>"},
    {"BOOLEAN", "true", "boolean", "true"},
    {"BOOLEAN", "0", "boolean", "false"},
    {"BINARY", "DEADBEEF", "binary", "DEADBEEF"},
    {"DATE", "1791504000000", "date", "20735"},
    {"TIME", "45296123456789", "time", "45296.123456789"},
    {"TIMESTAMP_NTZ", "1791549296123456789", "timestamp_ntz", "1791549296.123456789"},
    {"TIMESTAMP_LTZ", "1791549296123456789", "timestamp_ltz", "1791549296.123456789"},
    {"TIMESTAMP_TZ", "1791549296123456789 1860", "timestamp_tz", "1791549296.123456789 1860"},
    {"FIXED", std::nullopt, "fixed", "<NULL>"},
};

const std::size_t kBindCaseCount = sizeof(kBindCases) / sizeof(kBindCases[0]);

TEST(EngineBindings, FixedBindingHasLiteralPrecision) {
  auto c = connect();
  Result r = run(*c, "SELECT ?", {{"1", scalar("FIXED", "42")}});
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).precision, 2);
  EXPECT_EQ(r.col(0).scale, 0);
  EXPECT_FALSE(r.col(0).nullable);
}

TEST(EngineBindings, NamedAndNumberedPlaceholders) {
  auto c = connect();
  Result twice = run(*c, "SELECT :1, :1", {{"1", scalar("FIXED", "7")}});
  ASSERT_TRUE(twice.ok()) << describe(twice);
  EXPECT_EQ(twice.rows[0], (Row{"7", "7"}));
  Result named = run(*c, "SELECT :a + 1", {{"a", scalar("FIXED", "7")}});
  ASSERT_TRUE(named.ok()) << describe(named);
  EXPECT_EQ(named.scalar(), "8");
  Result filter = run(*c, "SELECT n_name FROM nation WHERE n_nationkey = ? AND n_regionkey = ?",
                      {{"1", scalar("FIXED", "6")}, {"2", scalar("TEXT", "3")}});
  ASSERT_TRUE(filter.ok()) << describe(filter);
  EXPECT_EQ(filter.scalar(), "FRANCE");
  Result text_date = run(*c, "SELECT COUNT(*) FROM orders WHERE o_orderdate < ?",
                         {{"1", scalar("TEXT", "1992-01-01")}});
  EXPECT_EQ(text_date.scalar(), "0");
  Result extra = run(*c, "SELECT ?", {{"1", scalar("FIXED", "1")}, {"2", scalar("FIXED", "2")}});
  EXPECT_EQ(extra.scalar(), "1") << "extra bindings are ignored";
}

TEST(EngineBindings, ArraysInsertOneRowPerElement) {
  Session s = sample_session();
  s.database = "MOCKDB";
  s.schema = "PUBLIC";
  auto c = connect(s);
  ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE bound (id NUMBER, name VARCHAR, d DATE)").ok());
  Result ins = run(*c, "INSERT INTO bound VALUES (?, ?, ?)",
                   {{"1", array("FIXED", {"1", "2", "3"})},
                    {"2", array("TEXT", {"a", std::nullopt, "c"})},
                    {"3", array("DATE", {"0", "86400000", "1791504000000"})}});
  ASSERT_TRUE(ins.ok()) << describe(ins);
  EXPECT_EQ(ins.scalar(), "3");
  ASSERT_TRUE(ins.outcome.stats);
  EXPECT_EQ(ins.outcome.stats->inserted, 3);
  Result rows = run(*c, "SELECT id, name, d FROM bound ORDER BY id");
  EXPECT_EQ(rows.rows,
            (std::vector<Row>{{"1", "a", "0"}, {"2", std::nullopt, "1"}, {"3", "c", "20735"}}));
  Result mismatch = run(*c, "INSERT INTO bound (id, name) VALUES (?, ?)",
                        {{"1", array("FIXED", {"1", "2"})}, {"2", array("TEXT", {"a"})}});
  EXPECT_EQ(mismatch.error_code(), "002099");
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM bound").scalar(), "3");
  ASSERT_TRUE(run(*c, "DROP TABLE bound").ok());
}

struct BindError {
  const char* sql;
  const char* type;
  std::optional<std::string> value;
  const char* code;
  const char* state;
  const char* message;
};

extern const BindError kBindErrors[];
extern const std::size_t kBindErrorCount;

TEST(EngineBindings, ErrorsHaveTheRealCodes) {
  auto c = connect();
  for (std::size_t i = 0; i < kBindErrorCount; ++i) {
    const BindError& k = kBindErrors[i];
    SCOPED_TRACE(k.type);
    Result r = run(*c, k.sql, {{"1", scalar(k.type, k.value)}});
    ASSERT_FALSE(r.ok()) << k.type;
    EXPECT_EQ(r.outcome.error->code, k.code) << k.type << ": " << r.error_message();
    EXPECT_EQ(r.outcome.error->sql_state, k.state) << k.type;
    if (*k.message) {
      EXPECT_EQ(r.outcome.error->message, k.message) << k.type;
    }
  }
}

extern const BindError kBindErrors[] = {
    {"SELECT ?", "VARIANT", "{\"a\":1}", "002040", "42601",
     "SQL compilation error:\nUnsupported data type 'VARIANT'."},
    {"SELECT ?", "FIXED", "abc", "002086", "22000",
     "SQL compilation error:\nInvalid bind value (abc) for type (FIXED)."},
    {"SELECT ?", "REAL", "inf", "002086", "22000", ""},
    {"SELECT ?", "DATE", "2024-01-01", "100037", "22018",
     "DATE value '2024-01-01' is not recognized"},
    {"SELECT ?", "TIMESTAMP_NTZ", "yesterday", "100037", "22018",
     "TIMESTAMP_NTZ value 'yesterday' is not recognized"},
    {"SELECT ?", "TIMESTAMP_TZ", "1791549296123456789", "100037", "22018", ""},
    {"SELECT ?", "BOOLEAN", "maybe", "100037", "22018", "BOOLEAN value 'maybe' is not recognized"},
    {"SELECT ?", "BINARY", "XYZ", "100037", "22018", ""},
    {"SELECT ?, ?", "FIXED", "1", "002049", "42601",
     "SQL compilation error: error line 1 at position 10\nBind variable ? not set."},
    {"SELECT :name", "FIXED", "1", "002049", "42601", ""},
};

const std::size_t kBindErrorCount = sizeof(kBindErrors) / sizeof(kBindErrors[0]);
