// lexer.hpp — the Snowflake SQL tokenizer: quoted strings (with backslash escapes and ''),
// "quoted identifiers", $$dollar strings$$, --, // and /* */ comments, ?, :name and $variable
// placeholders. Unquoted identifiers are folded to upper case here, once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mock_snowflake::engine {

enum class TokenKind {
  identifier,         ///< unquoted; `text` is upper-cased
  quoted_identifier,  ///< "..."; `text` is exactly as written (without the quotes)
  string,             ///< '...' or $$...$$; `text` is the value
  number,             ///< `text` as written
  op,                 ///< punctuation and operators: ( ) , . ; :: || <= >= <> != => ...
  param,              ///< `?`
  variable,           ///< $name (session variable) or $1; `text` is the name / number
  end,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
  std::size_t begin = 0;  ///< byte offset in the statement
  std::size_t end = 0;
  int line = 1;    ///< 1-based
  int column = 0;  ///< 0-based, as Snowflake's "position N"

  [[nodiscard]] bool is_op(std::string_view o) const { return kind == TokenKind::op && text == o; }
  /// An unquoted identifier equal to the (upper-case) keyword.
  [[nodiscard]] bool is_keyword(std::string_view k) const {
    return kind == TokenKind::identifier && text == k;
  }
};

struct LexError {
  std::string message;
  int line = 1;
  int column = 0;
  std::size_t offset = 0;  ///< where the offending token starts
};

/// Tokenizes one statement. On failure returns false and fills `error`.
bool tokenize(std::string_view sql, std::vector<Token>& tokens, LexError& error);

/// Splits a request into statements at top-level semicolons (see Engine::split_statements).
std::vector<std::string> split_sql(std::string_view sql);

/// True when the text holds nothing but whitespace and comments.
bool is_blank_sql(std::string_view sql);

}  // namespace mock_snowflake::engine
