// lexer.cpp — tokenizer and statement splitter for Snowflake SQL.
#include "engine/lexer.hpp"

#include <cctype>

namespace mock_snowflake::engine {
namespace {

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool ident_part(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Tracks line/column while scanning.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  [[nodiscard]] bool done() const { return pos_ >= s_.size(); }
  [[nodiscard]] char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }
  void advance(std::size_t n = 1) {
    for (std::size_t i = 0; i < n && pos_ < s_.size(); ++i) {
      if (s_[pos_] == '\n') {
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
      ++pos_;
    }
  }
  [[nodiscard]] std::size_t pos() const { return pos_; }
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] int column() const { return column_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 0;
};

// Skips whitespace and comments. Returns false on an unterminated block comment.
bool skip_blank(Cursor& c) {
  while (!c.done()) {
    char ch = c.peek();
    if (std::isspace(static_cast<unsigned char>(ch))) {
      c.advance();
    } else if ((ch == '-' && c.peek(1) == '-') || (ch == '/' && c.peek(1) == '/')) {
      while (!c.done() && c.peek() != '\n') c.advance();
    } else if (ch == '/' && c.peek(1) == '*') {
      c.advance(2);
      while (!c.done() && !(c.peek() == '*' && c.peek(1) == '/')) c.advance();
      if (c.done()) return false;
      c.advance(2);
    } else {
      return true;
    }
  }
  return true;
}

// The token readers tokenize() dispatches to; each starts at the token's first character. Those
// returning bool answer false for an unterminated token.
bool lex_quoted_identifier(Cursor& c, Token& t) {
  t.kind = TokenKind::quoted_identifier;
  c.advance();
  bool closed = false;
  while (!c.done()) {
    if (c.peek() == '"') {
      if (c.peek(1) == '"') {
        t.text.push_back('"');
        c.advance(2);
        continue;
      }
      c.advance();
      closed = true;
      break;
    }
    t.text.push_back(c.peek());
    c.advance();
  }
  return closed;
}

// '...' with '' and backslash escapes.
bool lex_string(Cursor& c, Token& t, std::string_view sql) {
  t.kind = TokenKind::string;
  c.advance();
  bool closed = false;
  while (!c.done()) {
    char x = c.peek();
    if (x == '\'') {
      if (c.peek(1) == '\'') {
        t.text.push_back('\'');
        c.advance(2);
        continue;
      }
      c.advance();
      closed = true;
      break;
    }
    if (x == '\\' && c.pos() + 1 < sql.size()) {
      char e = c.peek(1);
      c.advance(2);
      switch (e) {
        case 'n':
          t.text.push_back('\n');
          break;
        case 't':
          t.text.push_back('\t');
          break;
        case 'r':
          t.text.push_back('\r');
          break;
        case 'b':
          t.text.push_back('\b');
          break;
        case 'f':
          t.text.push_back('\f');
          break;
        case '0':
          t.text.push_back('\0');
          break;
        default:
          t.text.push_back(e);
          break;
      }
      continue;
    }
    t.text.push_back(x);
    c.advance();
  }
  return closed;
}

// $$...$$ (no escapes).
bool lex_dollar_string(Cursor& c, Token& t) {
  t.kind = TokenKind::string;
  c.advance(2);
  bool closed = false;
  while (!c.done()) {
    if (c.peek() == '$' && c.peek(1) == '$') {
      c.advance(2);
      closed = true;
      break;
    }
    t.text.push_back(c.peek());
    c.advance();
  }
  return closed;
}

// Digits, an optional fraction and an optional exponent.
void lex_number(Cursor& c, Token& t) {
  t.kind = TokenKind::number;
  while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
    t.text.push_back(c.peek());
    c.advance();
  }
  if (c.peek() == '.' && c.peek(1) != '.') {
    t.text.push_back('.');
    c.advance();
    while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
      t.text.push_back(c.peek());
      c.advance();
    }
  }
  if ((c.peek() == 'e' || c.peek() == 'E') &&
      (std::isdigit(static_cast<unsigned char>(c.peek(1))) ||
       ((c.peek(1) == '+' || c.peek(1) == '-') &&
        std::isdigit(static_cast<unsigned char>(c.peek(2)))))) {
    t.text.push_back('e');
    c.advance();
    if (c.peek() == '+' || c.peek() == '-') {
      t.text.push_back(c.peek());
      c.advance();
    }
    while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
      t.text.push_back(c.peek());
      c.advance();
    }
  }
}

// One- and two-character operators and punctuation.
void lex_operator(Cursor& c, Token& t, char ch) {
  t.kind = TokenKind::op;
  static constexpr std::string_view kTwo[] = {"::", "||", "<=", ">=", "<>", "!=", "=>", "->"};
  bool matched = false;
  for (auto two : kTwo) {
    if (ch == two[0] && c.peek(1) == two[1]) {
      t.text = std::string(two);
      c.advance(2);
      matched = true;
      break;
    }
  }
  if (!matched) {
    t.text = std::string(1, ch);
    c.advance();
  }
}

}  // namespace

bool tokenize(std::string_view sql, std::vector<Token>& tokens, LexError& error) {
  Cursor c(sql);
  tokens.clear();
  for (;;) {
    if (!skip_blank(c)) {
      error = {"unterminated comment", c.line(), c.column(), c.pos()};
      return false;
    }
    Token t;
    t.begin = c.pos();
    t.line = c.line();
    t.column = c.column();
    if (c.done()) {
      t.kind = TokenKind::end;
      t.end = c.pos();
      tokens.push_back(std::move(t));
      return true;
    }
    char ch = c.peek();
    if (ident_start(ch)) {
      t.kind = TokenKind::identifier;
      while (!c.done() && ident_part(c.peek())) {
        t.text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek()))));
        c.advance();
      }
    } else if (ch == '"') {
      if (!lex_quoted_identifier(c, t)) {
        error = {"unterminated quoted identifier", t.line, t.column, t.begin};
        return false;
      }
    } else if (ch == '\'') {
      if (!lex_string(c, t, sql)) {
        error = {"unterminated string", t.line, t.column, t.begin};
        return false;
      }
    } else if (ch == '$' && c.peek(1) == '$') {
      if (!lex_dollar_string(c, t)) {
        error = {"unterminated $$ string", t.line, t.column, t.begin};
        return false;
      }
    } else if (ch == '$' && (ident_part(c.peek(1)))) {
      t.kind = TokenKind::variable;
      c.advance();
      while (!c.done() && ident_part(c.peek())) {
        t.text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek()))));
        c.advance();
      }
    } else if (std::isdigit(static_cast<unsigned char>(ch)) ||
               (ch == '.' && std::isdigit(static_cast<unsigned char>(c.peek(1))))) {
      lex_number(c, t);
    } else if (ch == '?') {
      t.kind = TokenKind::param;
      t.text = "?";
      c.advance();
    } else {
      lex_operator(c, t, ch);
    }
    t.end = c.pos();
    tokens.push_back(std::move(t));
  }
}

std::vector<std::string> split_sql(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t i = 0;
  auto flush = [&](std::size_t stop) {
    std::string_view piece = sql.substr(start, stop - start);
    if (!is_blank_sql(piece)) {
      // Trim surrounding whitespace, keep comments inside (they are part of the text).
      std::size_t b = 0;
      std::size_t e = piece.size();
      while (b < e && std::isspace(static_cast<unsigned char>(piece[b]))) ++b;
      while (e > b && std::isspace(static_cast<unsigned char>(piece[e - 1]))) --e;
      out.emplace_back(piece.substr(b, e - b));
    }
  };
  while (i < sql.size()) {
    char ch = sql[i];
    if (ch == '\'') {
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '\\') {
          i += 2;
          continue;
        }
        if (sql[i] == '\'') {
          if (i + 1 < sql.size() && sql[i + 1] == '\'') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if (ch == '"') {
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if (ch == '$' && i + 1 < sql.size() && sql[i + 1] == '$') {
      auto close = sql.find("$$", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else if ((ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') ||
               (ch == '/' && i + 1 < sql.size() && sql[i + 1] == '/')) {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (ch == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (ch == ';') {
      flush(i);
      ++i;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < sql.size()) flush(sql.size());
  return out;
}

bool is_blank_sql(std::string_view sql) {
  Cursor c(sql);
  if (!skip_blank(c)) return false;
  return c.done();
}

}  // namespace mock_snowflake::engine
