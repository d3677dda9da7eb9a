// classifier.hpp — decides whether one SQL text is a read-only statement that `execute_query`
// may run: SELECT, WITH … SELECT, SHOW, DESCRIBE/DESC, EXPLAIN of a query, LIST of a stage, or
// a `->>` pipe chain made only of those, and nothing else.
//
// The classifier has its own tokenizer, which follows Snowflake's documented lexing exactly where
// it is certain (`''` and backslash escapes in '…' strings, `""` in "…" identifiers, `$$` bodies
// without escapes, `--`, `//` and `/* */` comments) and refuses the text wherever a plausible
// Snowflake reading could differ from its own: a line comment holding a character that may end a
// line (lone CR, VT, FF, U+0085, U+2028, U+2029) followed by more text, a `/*` inside a block
// comment, a backtick, `#` or backslash outside quotes, a backslash in a quoted identifier,
// `$$$`, `$name$`, any other control or non-ASCII character outside quotes. It then fails closed:
// several statements, an unknown leading verb, an unterminated quote or comment, `FOR UPDATE`,
// SYSTEM$ functions that may change state (names compared after Snowflake's normalisation:
// unquoted upper-cased, quoted and IDENTIFIER('…') names unescaped and upper-cased), a function
// called in FROM that is not one of Snowflake's built-in table functions (it could be a stored
// procedure), SYSTEM$WAIT beyond a minute, and parentheses nested deeper than kMaxNesting.
//
// Cost: one pass over the text and one over its tokens — linear in the input, with no recursion,
// so a 1 MiB text of any shape is classified in milliseconds. The server sends
// MULTI_STATEMENT_COUNT=1 with every read-only statement as a second, independent guard; the
// role remains the real security boundary.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sfq::mcp {

enum class StatementKind : std::uint8_t { select, with_select, show, describe, explain, list };

[[nodiscard]] std::string_view to_string(StatementKind kind) noexcept;

/// Deepest parenthesis nesting accepted (deeper texts are refused, saying so).
inline constexpr std::size_t kMaxNesting = 1000;

/// Longest wait SYSTEM$WAIT may ask for in a read-only statement, in seconds.
inline constexpr std::uint64_t kMaxSystemWaitSeconds = 60;

struct Classification {
  bool allowed = false;
  /// Meaningful when allowed; for a `->>` chain, the kind of its first statement.
  StatementKind kind = StatementKind::select;
  /// When rejected: "The statement was refused: <why>. <the one thing to do>". Only a refusal
  /// because the statement would (or could) change something mentions --allow-write.
  std::string reason;
};

/// Classifies `sql` for read-only execution.
[[nodiscard]] Classification classify_read_only(std::string_view sql);

}  // namespace sfq::mcp
