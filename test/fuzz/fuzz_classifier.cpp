// fuzz_classifier.cpp — libFuzzer target: the MCP server's read-only classifier
// (src/mcp/classifier.hpp). Properties: it always returns (no crash, hang or UB), a rejection
// says why, and whatever it allows the emulator's SQL front end (mock_snowflake/src/engine's
// lexer and parser) sees as exactly one statement which, when the emulator can parse it at all,
// is a query, SHOW, DESCRIBE or EXPLAIN (of a query).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"
#include "mcp/classifier.hpp"

namespace {

[[noreturn]] void fail(std::string_view what, std::string_view sql) {
  std::fprintf(stderr, "classifier property broken: %.*s\nSQL: %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(sql.size()),
               sql.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  const sfq::mcp::Classification verdict = sfq::mcp::classify_read_only(sql);
  if (!verdict.allowed) {
    if (verdict.reason.empty()) fail("a rejection without a reason", sql);
    return 0;
  }
  namespace engine = mock_snowflake::engine;
  if (engine::split_sql(sql).size() != 1) fail("allowed, but the emulator splits it", sql);
  try {
    const engine::Statement statement = engine::parse_statement(sql);
    using Kind = engine::Statement::Kind;
    if (statement.kind != Kind::query && statement.kind != Kind::show &&
        statement.kind != Kind::describe && statement.kind != Kind::explain) {
      fail("allowed, but the emulator parses a statement that is not a read", sql);
    }
  } catch (const engine::SfError&) {
    // Beyond the emulator's SQL: nothing to compare.
  }
  return 0;
}
