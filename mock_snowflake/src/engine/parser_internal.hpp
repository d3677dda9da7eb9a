// parser_internal.hpp — the Parser class behind parse_statement (parser.hpp), shared by its files:
// parser.cpp (statements: DML, DDL, SHOW, session commands), parser_query.cpp (queries, FROM,
// joins) and parser_expr.cpp (expressions). Internal to the engine.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ast.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"

namespace mock_snowflake::engine {

/// Words that end an expression or a select item, so they can never be an implicit alias.
const std::set<std::string, std::less<>>& reserved_words();
bool is_reserved(const Token& t);

class Parser {
 public:
  explicit Parser(std::string_view sql) : sql_(sql) {
    LexError error;
    if (!tokenize(sql, tokens_, error)) {
      // Name the unterminated token by its first characters, as the real parser does.
      std::string_view rest = sql.substr(std::min(error.offset, sql.size()));
      rest = rest.substr(0, std::min<std::size_t>(rest.find('\n'), 32));
      if (rest.empty()) throw SfError(syntax_error_eof(error.line, error.column));
      throw SfError(syntax_error(error.line, error.column, rest));
    }
  }

  Statement statement() {
    Statement s = statement_inner();
    accept_op(";");
    if (peek().kind != TokenKind::end) fail(peek());
    return s;
  }

  QueryPtr whole_query() {
    QueryPtr q = query();
    accept_op(";");
    if (peek().kind != TokenKind::end) fail(peek());
    return q;
  }

 private:
  // ---- token helpers -------------------------------------------------------------------
  const Token& peek(std::size_t k = 0) const {
    std::size_t i = std::min(pos_ + k, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool at_kw(std::string_view k, std::size_t ahead = 0) const { return peek(ahead).is_keyword(k); }
  bool at_op(std::string_view o, std::size_t ahead = 0) const { return peek(ahead).is_op(o); }
  bool accept_kw(std::string_view k) {
    if (!at_kw(k)) return false;
    next();
    return true;
  }
  bool accept_op(std::string_view o) {
    if (!at_op(o)) return false;
    next();
    return true;
  }
  void expect_kw(std::string_view k) {
    if (!accept_kw(k)) fail(peek());
  }
  void expect_op(std::string_view o) {
    if (!accept_op(o)) fail(peek());
  }
  std::string raw(const Token& t) const {
    return std::string(sql_.substr(t.begin, t.end - t.begin));
  }
  [[noreturn]] void fail(const Token& t) const {
    if (t.kind == TokenKind::end) throw SfError(syntax_error_eof(t.line, t.column));
    throw SfError(syntax_error(t.line, t.column, raw(t)));
  }
  SourcePos pos_of(const Token& t) const { return {t.line, t.column, t.begin, t.end}; }
  void finish(SourcePos& p) const {
    // The span ends at the end of the last consumed token.
    std::size_t last = pos_ == 0 ? 0 : pos_ - 1;
    if (tokens_[pos_].kind == TokenKind::end && pos_ > 0 && tokens_[pos_ - 1].end <= p.begin) {
      last = pos_;
    }
    p.end = std::max(p.begin, tokens_[last].end);
  }

  bool is_name_token(const Token& t) const {
    return t.kind == TokenKind::identifier || t.kind == TokenKind::quoted_identifier;
  }

  Ident ident() {
    const Token& t = peek();
    if (!is_name_token(t)) fail(t);
    next();
    return Ident{t.text, t.kind == TokenKind::quoted_identifier, t.line, t.column};
  }

  // Any identifier, including reserved words, for positions where keywords are names.
  Ident any_ident() { return ident(); }

  std::vector<Ident> qualified_name() {
    std::vector<Ident> parts;
    parts.push_back(ident());
    while (at_op(".")) {
      next();
      parts.push_back(ident());
    }
    if (parts.size() > 3) fail(peek());
    return parts;
  }

  std::optional<Ident> optional_alias() {
    if (accept_kw("AS")) return ident();
    const Token& t = peek();
    if (t.kind == TokenKind::quoted_identifier ||
        (t.kind == TokenKind::identifier && !is_reserved(t))) {
      return ident();
    }
    return std::nullopt;
  }

  std::string string_literal() {
    const Token& t = peek();
    if (t.kind != TokenKind::string) fail(t);
    next();
    return t.text;
  }

  long long integer_literal() {
    const Token& t = peek();
    if (t.kind != TokenKind::number) fail(t);
    next();
    try {
      return std::stoll(t.text);
    } catch (...) {
      fail(t);
    }
  }

  // ---- statements ------------------------------------------------------------------------
  Statement statement_inner();
  Statement explain();

  std::string object_kind_word();

  Statement create();

  void skip_to_end();

  void skip_parenthesised();

  void skip_constraint();

  void table_options(Statement& s);

  std::string type_name();

  ColumnDef column_def();

  Statement drop();

  Statement truncate();

  Statement alter();

  Statement use();

  Statement show();

  Statement describe();

  Statement set_variable();

  Statement insert();

  Statement update();

  Statement remove();

  Statement merge();

  // ---- queries ---------------------------------------------------------------------------
  QueryPtr query();

  void order_limit(Query& q);

  std::vector<OrderItem> order_items();

  QueryPtr set_expression();

  QueryPtr set_term();

  std::vector<std::vector<ExprPtr>> values_rows();

  QueryPtr select_core();

  SelectItem select_item();

  TableRefPtr from_clause();

  TableRefPtr table_ref();

  void table_alias(TableRef& t);

  TableRefPtr table_primary();

  // ---- expressions -----------------------------------------------------------------------
  ExprPtr make(ExprKind kind, const SourcePos& p);

  ExprPtr binary(std::string op, ExprPtr a, ExprPtr b);

 public:
  ExprPtr expr();

 private:
  // Deeply nested input must fail as a syntax error, not exhaust the stack.
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth) parser.fail(parser.peek());
    }
    ~DepthGuard() { --parser.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& parser;
  };
  static constexpr int kMaxDepth = 1000;

  ExprPtr or_expr();

  ExprPtr and_expr();

  ExprPtr not_expr();

  ExprPtr comparison();

  ExprPtr additive();

  ExprPtr multiplicative();

  ExprPtr unary();

  ExprPtr postfix();

  ExprPtr wrap_path(ExprPtr base);

  void window(Expr& e);

  ExprPtr function_call(const Token& name_token, std::string name);

  ExprPtr primary();

  ExprPtr name_or_call();

  ExprPtr case_expr();

  std::string_view sql_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int param_count_ = 0;
  int depth_ = 0;
};

}  // namespace mock_snowflake::engine
