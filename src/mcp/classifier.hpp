// classifier.hpp — decides whether one SQL text is a read-only statement that `execute_query`
// may run: SELECT, WITH … SELECT, SHOW, DESCRIBE/DESC or EXPLAIN of a query, and nothing else.
//
// The classifier has its own tokenizer (comments, quoted strings and identifiers, `$$` bodies,
// backslash escapes) and fails closed: anything it cannot read with certainty is rejected —
// several statements, an unknown leading verb, an unterminated quote or comment, a character
// outside ASCII that is not inside a quoted string or identifier (so look-alike letters and
// invisible characters cannot hide a keyword), a `/*` inside a block comment, the `->>` flow
// operator, `FOR UPDATE`, and calls of SYSTEM$ functions that may change state.
//
// Where Snowflake's lexing rules could be read two ways (backslash escapes in strings, whether a
// lone CR ends a `--` comment, whether `//` starts a comment), the text is classified under every
// reading and accepted only when all of them accept it. The server sends MULTI_STATEMENT_COUNT=1
// with every read-only statement as a second, independent guard; the role remains the real
// security boundary.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfq::mcp {

enum class StatementKind : std::uint8_t { select, with_select, show, describe, explain };

[[nodiscard]] std::string_view to_string(StatementKind kind) noexcept;

struct Classification {
  bool allowed = false;
  StatementKind kind = StatementKind::select;  ///< meaningful when allowed
  /// When rejected: one or two sentences that say why and what to do instead.
  std::string reason;
};

/// Classifies `sql` for read-only execution.
[[nodiscard]] Classification classify_read_only(std::string_view sql);

}  // namespace sfq::mcp
