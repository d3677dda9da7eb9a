// Property test of the read-only classifier against an independent SQL reader, the emulator's
// (mock_snowflake's statement splitter and parser, which share no code with sfq): for a large,
// reproducible corpus of texts glued together from reads, writes, separators, comments, quotes,
// escapes and the characters the red team used, anything the classifier allows must be, for the
// emulator, exactly one statement that is a read (or one it cannot parse at all — its dialect is
// a subset). It must never be two statements, and never a write.
#include <gtest/gtest.h>

#include <array>
#include <exception>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lexer.hpp"
#include "engine/parser.hpp"
#include "mcp/classifier.hpp"

namespace {

using mock_snowflake::engine::Statement;

// Whole statements, reads and writes, in the emulator's dialect.
constexpr std::array<std::string_view, 24> kStatements = {
    "SELECT 1",
    "select a, b from t where c = 'x'",
    "SELECT * FROM t ORDER BY 1 LIMIT 5",
    "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
    "(SELECT 1)",
    "SHOW TABLES",
    "SHOW DATABASES",
    "DESCRIBE TABLE t",
    "DESC TABLE t",
    "SELECT COUNT(*) FROM t GROUP BY a",
    "DELETE FROM t",
    "INSERT INTO t VALUES (1)",
    "UPDATE t SET a = 1",
    "DROP TABLE t",
    "CREATE TABLE t (a INT)",
    "CREATE TABLE u AS SELECT 1 AS a",
    "TRUNCATE TABLE t",
    "USE DATABASE d",
    "SET x = 1",
    "ALTER SESSION SET QUERY_TAG = 'x'",
    "BEGIN",
    "COMMIT",
    "MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE",
    "COMMENT ON TABLE t IS 'x'",
};

// Pieces that change where statements, strings and comments begin and end.
constexpr std::array<std::string_view, 34> kGlue = {
    " ",
    "\n",
    ";",
    "; ",
    " -- c\n",
    " -- c",
    " // c\n",
    " /* c */ ",
    "/*",
    "*/",
    "'",
    "\"",
    "$$",
    "\\",
    "\\'",
    "''",
    "'it\\'s'",
    "'a''b'",
    "\"q\"\"x\"",
    "$$ ; $$",
    "--",
    "//",
    "\r",
    "\r\n",
    "\xE2\x80\xA8",
    "`",
    "->>",
    "#",
    ",",
    "(",
    ")",
    " AS ",
    "'; DELETE FROM t; '",
    "\"; DELETE FROM t; \"",
};

std::string generate(std::mt19937& random) {
  std::uniform_int_distribution<int> pieces(1, 7);
  std::uniform_int_distribution<std::size_t> statement(0, kStatements.size() - 1);
  std::uniform_int_distribution<std::size_t> glue(0, kGlue.size() - 1);
  std::bernoulli_distribution pick_statement(0.35);
  std::string sql;
  const int count = pieces(random);
  for (int i = 0; i < count; ++i) {
    sql += pick_statement(random) ? kStatements[statement(random)] : kGlue[glue(random)];
  }
  return sql;
}

bool is_read(const Statement& statement) {
  return statement.kind == Statement::Kind::query || statement.kind == Statement::Kind::show ||
         statement.kind == Statement::Kind::describe;
}

TEST(mcp_classifier_property, WhatItAllowsTheEmulatorReadsAsExactlyOneRead) {
  std::mt19937 random(20261206);  // fixed: a failure reproduces
  constexpr int kTexts = 10'000;
  int allowed = 0;
  int parsed_reads = 0;
  int refused_writes = 0;
  for (int n = 0; n < kTexts; ++n) {
    const std::string sql = generate(random);
    const auto verdict = sfq::mcp::classify_read_only(sql);
    const auto statements = mock_snowflake::engine::split_sql(sql);
    if (!verdict.allowed) {
      // Count the texts the emulator would run as a single write: the corpus must hold many,
      // or the property below would prove little.
      if (statements.size() == 1) {
        try {
          if (!is_read(mock_snowflake::engine::parse_statement(statements.front()))) {
            ++refused_writes;
          }
        } catch (const std::exception&) {
        }
      }
      continue;
    }
    ++allowed;
    ASSERT_EQ(statements.size(), 1u)
        << "allowed, but the emulator sees " << statements.size() << " statements: " << sql;
    try {
      const Statement statement = mock_snowflake::engine::parse_statement(statements.front());
      ASSERT_TRUE(is_read(statement))
          << "allowed, but the emulator parses a " << statement.command << ": " << sql;
      ++parsed_reads;
    } catch (const std::exception&) {
      // Outside the emulator's dialect (or not SQL at all): it would run nothing.
    }
  }
  // The corpus is varied enough to mean something.
  EXPECT_GT(allowed, 250);
  EXPECT_GT(parsed_reads, 250);
  EXPECT_GT(refused_writes, 250);
}

}  // namespace
