// parser_expr.cpp — the Parser's expressions: operators by precedence, literals, function calls,
// CASE, casts, paths.
#include <set>
#include <string>
#include <vector>

#include "engine/parser_internal.hpp"

namespace mock_snowflake::engine {

// ---- expressions -----------------------------------------------------------------------
ExprPtr Parser::make(ExprKind kind, const SourcePos& p) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->pos = p;
  return e;
}

ExprPtr Parser::binary(std::string op, ExprPtr a, ExprPtr b) {
  auto e = make(ExprKind::binary, a->pos);
  e->op = std::move(op);
  e->pos.end = b->pos.end;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

ExprPtr Parser::expr() { return or_expr(); }

ExprPtr Parser::or_expr() {
  DepthGuard guard(*this);
  ExprPtr e = and_expr();
  while (accept_kw("OR")) e = binary("OR", std::move(e), and_expr());
  return e;
}

ExprPtr Parser::and_expr() {
  ExprPtr e = not_expr();
  while (accept_kw("AND")) e = binary("AND", std::move(e), not_expr());
  return e;
}

ExprPtr Parser::not_expr() {
  DepthGuard guard(*this);
  if (at_kw("NOT")) {
    SourcePos p = pos_of(next());
    ExprPtr inner = not_expr();
    auto e = make(ExprKind::unary, p);
    e->op = "NOT";
    e->pos.end = inner->pos.end;
    e->args.push_back(std::move(inner));
    return e;
  }
  return comparison();
}

ExprPtr Parser::comparison() {
  ExprPtr left = additive();
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::op &&
        (t.text == "=" || t.text == "<>" || t.text == "!=" || t.text == "<" || t.text == ">" ||
         t.text == "<=" || t.text == ">=")) {
      std::string op = t.text == "!=" ? "<>" : t.text;
      next();
      if ((at_kw("ANY") || at_kw("ALL") || at_kw("SOME")) && at_op("(", 1)) {
        // x = ANY (subquery)
        std::string quant = next().text;
        expect_op("(");
        auto e = make(ExprKind::in_query, left->pos);
        e->quantifier = quant == "SOME" ? "ANY" : quant;
        e->op = op;
        e->query = query();
        expect_op(")");
        e->args.push_back(std::move(left));
        finish(e->pos);
        left = std::move(e);
        continue;
      }
      left = binary(op, std::move(left), additive());
      continue;
    }
    if (at_kw("IS")) {
      next();
      bool negated = accept_kw("NOT");
      if (accept_kw("NULL")) {
        auto e = make(ExprKind::is_null, left->pos);
        e->negated = negated;
        e->args.push_back(std::move(left));
        finish(e->pos);
        left = std::move(e);
        continue;
      }
      if (accept_kw("DISTINCT")) {
        expect_kw("FROM");
        auto e = make(ExprKind::is_distinct, left->pos);
        e->negated = negated;
        e->args.push_back(std::move(left));
        e->args.push_back(additive());
        finish(e->pos);
        left = std::move(e);
        continue;
      }
      if (at_kw("TRUE") || at_kw("FALSE")) {
        // x IS [NOT] TRUE  ==  x IS [NOT] DISTINCT-ish; modelled as equality with NULL -> false.
        bool value = next().text == "TRUE";
        auto e = make(ExprKind::function, left->pos);
        e->text = value ? "$IS_TRUE" : "$IS_FALSE";
        e->negated = negated;
        e->args.push_back(std::move(left));
        finish(e->pos);
        left = std::move(e);
        continue;
      }
      fail(peek());
    }
    bool negated = false;
    std::size_t save = pos_;
    if (at_kw("NOT") && (at_kw("BETWEEN", 1) || at_kw("IN", 1) || at_kw("LIKE", 1) ||
                         at_kw("ILIKE", 1) || at_kw("RLIKE", 1) || at_kw("REGEXP", 1))) {
      next();
      negated = true;
    }
    if (accept_kw("BETWEEN")) {
      auto e = make(ExprKind::between, left->pos);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(additive());
      expect_kw("AND");
      e->args.push_back(additive());
      finish(e->pos);
      left = std::move(e);
      continue;
    }
    if (accept_kw("IN")) {
      expect_op("(");
      if (at_kw("SELECT") || at_kw("WITH")) {
        auto e = make(ExprKind::in_query, left->pos);
        e->negated = negated;
        e->op = "=";
        e->quantifier = "ANY";
        e->query = query();
        expect_op(")");
        e->args.push_back(std::move(left));
        finish(e->pos);
        left = std::move(e);
        continue;
      }
      auto e = make(ExprKind::in_list, left->pos);
      e->negated = negated;
      e->args.push_back(std::move(left));
      if (!at_op(")")) {
        do {
          e->args.push_back(expr());
        } while (accept_op(","));
      }
      expect_op(")");
      finish(e->pos);
      left = std::move(e);
      continue;
    }
    if (at_kw("LIKE") || at_kw("ILIKE") || at_kw("RLIKE") || at_kw("REGEXP")) {
      auto e = make(ExprKind::like, left->pos);
      e->op = next().text;
      if (e->op == "REGEXP") e->op = "RLIKE";
      e->negated = negated;
      e->args.push_back(std::move(left));
      if ((at_kw("ANY") || at_kw("ALL")) && at_op("(", 1)) {
        e->quantifier = next().text;
        expect_op("(");
        do {
          e->args.push_back(expr());
        } while (accept_op(","));
        expect_op(")");
      } else {
        e->args.push_back(additive());
      }
      if (accept_kw("ESCAPE")) {
        e->text = "ESCAPE";
        e->else_expr = additive();
      }
      finish(e->pos);
      left = std::move(e);
      continue;
    }
    pos_ = save;
    break;
  }
  return left;
}

ExprPtr Parser::additive() {
  ExprPtr e = multiplicative();
  for (;;) {
    if (at_op("+") || at_op("-") || at_op("||")) {
      std::string op = next().text;
      e = binary(op, std::move(e), multiplicative());
    } else {
      return e;
    }
  }
}

ExprPtr Parser::multiplicative() {
  ExprPtr e = unary();
  for (;;) {
    if (at_op("*") || at_op("/") || at_op("%")) {
      std::string op = next().text;
      e = binary(op, std::move(e), unary());
    } else {
      return e;
    }
  }
}

ExprPtr Parser::unary() {
  DepthGuard guard(*this);
  if (at_op("-") || at_op("+")) {
    SourcePos p = pos_of(next());
    std::string op = tokens_[pos_ - 1].text;
    ExprPtr inner = unary();
    // Fold a sign into a number literal so that -1 is a literal (precision 1, like Snowflake).
    if (inner->kind == ExprKind::number && op == "-") {
      inner->text = "-" + inner->text;
      inner->pos.begin = p.begin;
      inner->pos.line = p.line;
      inner->pos.column = p.column;
      return inner;
    }
    auto e = make(ExprKind::unary, p);
    e->op = op;
    e->pos.end = inner->pos.end;
    e->args.push_back(std::move(inner));
    return e;
  }
  return postfix();
}

ExprPtr Parser::postfix() {
  ExprPtr e = primary();
  for (;;) {
    if (at_op("::")) {
      next();
      auto c = make(ExprKind::cast, e->pos);
      c->type_name = type_name();
      c->args.push_back(std::move(e));
      finish(c->pos);
      e = std::move(c);
    } else if (at_op(":") && (is_name_token(peek(1)) || peek(1).kind == TokenKind::string)) {
      next();
      ExprPtr p = e->kind == ExprKind::path ? std::move(e) : wrap_path(std::move(e));
      PathStep step;
      const Token& t = next();
      step.field = t.text;
      if (t.kind == TokenKind::identifier) step.field = raw(t);  // paths keep their case
      p->path.push_back(std::move(step));
      finish(p->pos);
      e = std::move(p);
    } else if (at_op("[")) {
      next();
      ExprPtr p = e->kind == ExprKind::path ? std::move(e) : wrap_path(std::move(e));
      PathStep step;
      step.is_index = true;
      step.index = expr();
      expect_op("]");
      p->path.push_back(std::move(step));
      finish(p->pos);
      e = std::move(p);
    } else if (e->kind == ExprKind::path && at_op(".") && is_name_token(peek(1))) {
      next();
      PathStep step;
      const Token& t = next();
      step.field = t.kind == TokenKind::identifier ? raw(t) : t.text;
      e->path.push_back(std::move(step));
      finish(e->pos);
    } else {
      return e;
    }
  }
}

ExprPtr Parser::wrap_path(ExprPtr base) {
  auto p = make(ExprKind::path, base->pos);
  p->args.push_back(std::move(base));
  return p;
}

void Parser::window(Expr& e) {
  auto w = std::make_unique<WindowSpec>();
  expect_op("(");
  if (at_kw("PARTITION")) {
    next();
    expect_kw("BY");
    do {
      w->partition_by.push_back(expr());
    } while (accept_op(","));
  }
  if (at_kw("ORDER")) {
    next();
    expect_kw("BY");
    w->order_by = order_items();
  }
  if (at_kw("ROWS") || at_kw("RANGE")) {
    std::string frame;
    int depth = 0;
    while (!(depth == 0 && at_op(")"))) {
      if (peek().kind == TokenKind::end) fail(peek());
      if (at_op("(")) ++depth;
      if (at_op(")")) --depth;
      if (!frame.empty()) frame.push_back(' ');
      frame += peek().kind == TokenKind::identifier ? peek().text : raw(peek());
      next();
    }
    w->frame = frame;
  }
  expect_op(")");
  e.over = std::move(w);
}

ExprPtr Parser::function_call(const Token& name_token, std::string name) {
  auto e = make(ExprKind::function, pos_of(name_token));
  e->text = std::move(name);
  expect_op("(");
  if (e->text == "EXTRACT") {
    // EXTRACT(part FROM expr)
    auto part = make(ExprKind::string, pos_of(peek()));
    const Token& t = next();
    part->text = t.kind == TokenKind::string ? t.text : t.text;
    e->args.push_back(std::move(part));
    if (!accept_kw("FROM")) expect_op(",");
    e->args.push_back(expr());
    expect_op(")");
    finish(e->pos);
    return e;
  }
  if (e->text == "POSITION" && !at_op(")")) {
    ExprPtr a = additive();
    if (accept_kw("IN")) {
      e->args.push_back(std::move(a));
      e->args.push_back(expr());
      expect_op(")");
      finish(e->pos);
      return e;
    }
    e->args.push_back(std::move(a));
    while (accept_op(",")) e->args.push_back(expr());
    expect_op(")");
    finish(e->pos);
    return e;
  }
  if (accept_kw("DISTINCT")) {
    e->distinct = true;
  } else {
    accept_kw("ALL");
  }
  if (at_op("*")) {
    auto star = make(ExprKind::star, pos_of(next()));
    e->args.push_back(std::move(star));
  } else if (!at_op(")")) {
    do {
      if (is_name_token(peek()) && at_op("=>", 1)) {
        e->arg_names.resize(e->args.size());
        e->arg_names.push_back(ident().name);
        next();
        e->args.push_back(expr());
        continue;
      }
      if (is_name_token(peek()) && at_op("->", 1)) {
        auto lambda = make(ExprKind::lambda, pos_of(peek()));
        lambda->arg_names.push_back(ident().name);
        next();
        lambda->args.push_back(expr());
        finish(lambda->pos);
        e->args.push_back(std::move(lambda));
        continue;
      }
      e->args.push_back(expr());
      if (at_kw("IGNORE") && at_kw("NULLS", 1)) {
        next();
        next();
        e->ignore_nulls = true;
      } else if (at_kw("RESPECT") && at_kw("NULLS", 1)) {
        next();
        next();
      }
    } while (accept_op(","));
  }
  if (accept_kw("ORDER")) {
    // ARRAY_AGG(x ORDER BY y) style, as WITHIN GROUP.
    expect_kw("BY");
    e->within_group = order_items();
  }
  expect_op(")");
  if (!e->arg_names.empty()) e->arg_names.resize(e->args.size());
  if (at_kw("IGNORE") && at_kw("NULLS", 1)) {
    next();
    next();
    e->ignore_nulls = true;
  } else if (at_kw("RESPECT") && at_kw("NULLS", 1)) {
    next();
    next();
  }
  if (at_kw("WITHIN") && at_kw("GROUP", 1)) {
    next();
    next();
    expect_op("(");
    expect_kw("ORDER");
    expect_kw("BY");
    e->within_group = order_items();
    expect_op(")");
  }
  if (accept_kw("OVER")) window(*e);
  finish(e->pos);
  return e;
}

ExprPtr Parser::primary() {
  const Token& t = peek();
  SourcePos p = pos_of(t);
  switch (t.kind) {
    case TokenKind::number: {
      next();
      auto e = make(ExprKind::number, p);
      e->text = t.text;
      finish(e->pos);
      return e;
    }
    case TokenKind::string: {
      next();
      auto e = make(ExprKind::string, p);
      e->text = t.text;
      finish(e->pos);
      return e;
    }
    case TokenKind::param: {
      next();
      auto e = make(ExprKind::param, p);
      e->param_index = ++param_count_;
      e->text = std::to_string(e->param_index);
      finish(e->pos);
      return e;
    }
    case TokenKind::variable: {
      next();
      auto e = make(ExprKind::variable, p);
      e->text = t.text;
      finish(e->pos);
      return e;
    }
    case TokenKind::op:
      break;
    case TokenKind::end:
      fail(t);
    case TokenKind::identifier:
    case TokenKind::quoted_identifier:
      return name_or_call();
  }
  if (t.is_op("(")) {
    next();
    if (at_kw("SELECT") || at_kw("WITH")) {
      auto e = make(ExprKind::scalar_query, p);
      e->query = query();
      expect_op(")");
      finish(e->pos);
      return e;
    }
    ExprPtr inner = expr();
    expect_op(")");
    // Keep the parentheses in the span (for column names such as "(A+B)*2").
    inner->pos.begin = std::min(inner->pos.begin, p.begin);
    finish(inner->pos);
    if (inner->pos.begin != p.begin) inner->pos.begin = p.begin;
    inner->pos.line = p.line;
    inner->pos.column = p.column;
    return inner;
  }
  if (t.is_op(":") && (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::number ||
                       peek(1).kind == TokenKind::quoted_identifier)) {
    next();
    const Token& n = next();
    auto e = make(ExprKind::param, p);
    // Binding keys are matched as written (":a" binds "a").
    e->text = n.kind == TokenKind::identifier ? raw(n) : n.text;
    finish(e->pos);
    return e;
  }
  if (t.is_op("[")) {
    next();
    auto e = make(ExprKind::array, p);
    if (!at_op("]")) {
      do {
        e->args.push_back(expr());
      } while (accept_op(","));
    }
    expect_op("]");
    finish(e->pos);
    return e;
  }
  if (t.is_op("{")) {
    next();
    auto e = make(ExprKind::object, p);
    if (!at_op("}")) {
      do {
        e->args.push_back(expr());
        expect_op(":");
        e->args.push_back(expr());
      } while (accept_op(","));
    }
    expect_op("}");
    finish(e->pos);
    return e;
  }
  fail(t);
}

ExprPtr Parser::name_or_call() {
  const Token& t = peek();
  SourcePos p = pos_of(t);
  if (t.kind == TokenKind::identifier) {
    const std::string& k = t.text;
    if (k == "NULL") {
      next();
      auto e = make(ExprKind::null, p);
      finish(e->pos);
      return e;
    }
    if (k == "TRUE" || k == "FALSE") {
      next();
      auto e = make(ExprKind::boolean, p);
      e->text = k;
      finish(e->pos);
      return e;
    }
    if (k == "CASE") return case_expr();
    if ((k == "CAST" || k == "TRY_CAST") && at_op("(", 1)) {
      next();
      next();
      auto e = make(ExprKind::cast, p);
      e->try_cast = k == "TRY_CAST";
      e->args.push_back(expr());
      expect_kw("AS");
      e->type_name = type_name();
      expect_op(")");
      finish(e->pos);
      return e;
    }
    if (k == "EXISTS" && at_op("(", 1)) {
      next();
      next();
      auto e = make(ExprKind::exists, p);
      e->query = query();
      expect_op(")");
      finish(e->pos);
      return e;
    }
    if (k == "INTERVAL" && peek(1).kind == TokenKind::string) {
      next();
      auto e = make(ExprKind::interval, p);
      e->text = next().text;
      finish(e->pos);
      return e;
    }
    if ((k == "DATE" || k == "TIMESTAMP" || k == "TIME" || k == "TIMESTAMP_NTZ" ||
         k == "TIMESTAMP_LTZ" || k == "TIMESTAMP_TZ") &&
        peek(1).kind == TokenKind::string) {
      next();
      auto e = make(ExprKind::typed_literal, p);
      e->type_name = k;
      e->text = next().text;
      finish(e->pos);
      return e;
    }
    if ((k == "CURRENT_DATE" || k == "CURRENT_TIMESTAMP" || k == "CURRENT_TIME" ||
         k == "LOCALTIMESTAMP" || k == "LOCALTIME" || k == "CURRENT_USER" || k == "CURRENT_ROLE") &&
        !at_op("(", 1) && !at_op(".", 1)) {
      next();
      auto e = make(ExprKind::function, p);
      e->text = k;
      finish(e->pos);
      return e;
    }
    if (is_reserved(t) && !at_op("(", 1)) fail(t);
  }
  // [db.][schema.][table.]column, or a function call.
  std::vector<Ident> parts;
  parts.push_back(ident());
  if (at_op("(") && parts.back().quoted == false) {
    return function_call(t, parts.back().name);
  }
  while (at_op(".") && is_name_token(peek(1))) {
    next();
    parts.push_back(ident());
  }
  if (at_op("(") && parts.size() > 1) {
    // Qualified function: keep the last part as the name (e.g. SNOWFLAKE.CORTEX.X()).
    return function_call(t, parts.back().name);
  }
  auto e = make(ExprKind::column, p);
  e->names = std::move(parts);
  finish(e->pos);
  return e;
}

ExprPtr Parser::case_expr() {
  SourcePos p = pos_of(next());
  auto e = make(ExprKind::case_when, p);
  if (!at_kw("WHEN")) {
    e->args.push_back(expr());
  } else {
    e->args.push_back(nullptr);
  }
  while (accept_kw("WHEN")) {
    e->whens.push_back(expr());
    expect_kw("THEN");
    e->thens.push_back(expr());
  }
  if (e->whens.empty()) fail(peek());
  if (accept_kw("ELSE")) e->else_expr = expr();
  expect_kw("END");
  finish(e->pos);
  return e;
}

}  // namespace mock_snowflake::engine
