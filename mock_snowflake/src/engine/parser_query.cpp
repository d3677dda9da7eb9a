// parser_query.cpp — the Parser's queries: WITH, SELECT, set operations, VALUES, ORDER BY/LIMIT,
// FROM and joins.
#include <set>
#include <string>
#include <vector>

#include "engine/parser_internal.hpp"

namespace mock_snowflake::engine {

// ---- queries ---------------------------------------------------------------------------
QueryPtr Parser::query() {
  DepthGuard guard(*this);
  SourcePos p = pos_of(peek());
  std::vector<Cte> with;
  bool recursive = false;
  if (accept_kw("WITH")) {
    if (accept_kw("RECURSIVE")) recursive = true;
    do {
      Cte c;
      c.name = ident();
      if (accept_op("(")) {
        do {
          c.columns.push_back(ident());
        } while (accept_op(","));
        expect_op(")");
      }
      expect_kw("AS");
      expect_op("(");
      c.query = query();
      expect_op(")");
      with.push_back(std::move(c));
    } while (accept_op(","));
  }
  QueryPtr q = set_expression();
  if (!with.empty()) {
    if (!q->with.empty()) {
      // WITH ... (WITH ... SELECT): keep both lists, outer first.
      for (auto& c : q->with) with.push_back(std::move(c));
    }
    q->with = std::move(with);
    q->recursive = recursive;
  }
  order_limit(*q);
  q->pos = p;
  finish(q->pos);
  return q;
}

void Parser::order_limit(Query& q) {
  if (at_kw("ORDER") && at_kw("BY", 1)) {
    if (!q.order_by.empty() || q.limit) {
      // An ORDER BY after a parenthesised query that already had one: wrap it.
    }
    next();
    next();
    q.order_by = order_items();
  }
  if (accept_kw("LIMIT")) {
    q.limit = expr();
    if (accept_kw("OFFSET")) q.offset = expr();
  } else if (at_kw("OFFSET")) {
    next();
    q.offset = expr();
    if (!accept_kw("ROWS")) accept_kw("ROW");
  }
  if (accept_kw("FETCH")) {
    if (!accept_kw("FIRST")) accept_kw("NEXT");
    q.limit = expr();
    if (!accept_kw("ROWS")) accept_kw("ROW");
    accept_kw("ONLY");
  }
}

std::vector<OrderItem> Parser::order_items() {
  std::vector<OrderItem> items;
  do {
    OrderItem o;
    o.expr = expr();
    if (accept_kw("DESC")) {
      o.descending = true;
    } else {
      accept_kw("ASC");
    }
    if (accept_kw("NULLS")) {
      if (accept_kw("FIRST")) {
        o.nulls_first = true;
      } else {
        expect_kw("LAST");
        o.nulls_first = false;
      }
    }
    items.push_back(std::move(o));
  } while (accept_op(","));
  return items;
}

QueryPtr Parser::set_expression() {
  QueryPtr left = set_term();
  for (;;) {
    std::string op;
    if (at_kw("UNION")) {
      op = "UNION";
    } else if (at_kw("EXCEPT") || at_kw("MINUS")) {
      op = "EXCEPT";
    } else if (at_kw("INTERSECT")) {
      op = "INTERSECT";
    } else {
      break;
    }
    next();
    bool all = false;
    if (accept_kw("ALL")) {
      all = true;
    } else {
      accept_kw("DISTINCT");
    }
    if (accept_kw("BY")) expect_kw("NAME");
    QueryPtr right = set_term();
    auto q = std::make_unique<Query>();
    q->kind = Query::Kind::set_operation;
    q->pos = left->pos;
    q->left = std::move(left);
    q->right = std::move(right);
    q->set_op = op;
    q->set_all = all;
    left = std::move(q);
  }
  return left;
}

QueryPtr Parser::set_term() {
  if (at_op("(")) {
    next();
    QueryPtr inner = query();
    expect_op(")");
    return inner;
  }
  if (at_kw("VALUES")) {
    auto q = std::make_unique<Query>();
    q->kind = Query::Kind::values;
    q->pos = pos_of(peek());
    next();
    q->values = values_rows();
    return q;
  }
  return select_core();
}

std::vector<std::vector<ExprPtr>> Parser::values_rows() {
  std::vector<std::vector<ExprPtr>> rows;
  do {
    expect_op("(");
    std::vector<ExprPtr> row;
    do {
      if (accept_kw("DEFAULT")) {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::function;
        e->text = "$DEFAULT";
        row.push_back(std::move(e));
      } else {
        row.push_back(expr());
      }
    } while (accept_op(","));
    expect_op(")");
    rows.push_back(std::move(row));
  } while (accept_op(","));
  return rows;
}

QueryPtr Parser::select_core() {
  auto q = std::make_unique<Query>();
  q->kind = Query::Kind::select;
  q->pos = pos_of(peek());
  expect_kw("SELECT");
  auto s = std::make_unique<Select>();
  if (accept_kw("DISTINCT")) {
    s->distinct = true;
  } else {
    accept_kw("ALL");
  }
  if (accept_kw("TOP")) s->top = primary();
  do {
    s->items.push_back(select_item());
  } while (accept_op(","));
  if (accept_kw("FROM")) s->from = from_clause();
  if (accept_kw("WHERE")) s->where = expr();
  if (at_kw("GROUP") && at_kw("BY", 1)) {
    next();
    next();
    if (accept_kw("ALL")) {
      s->group_by_all = true;
    } else {
      bool wrapped = false;
      if (at_kw("GROUPING") || at_kw("ROLLUP") || at_kw("CUBE")) {
        throw SfError(unsupported_feature("GROUP BY " + peek().text));
      }
      (void)wrapped;
      do {
        s->group_by.push_back(expr());
      } while (accept_op(","));
    }
  }
  if (accept_kw("HAVING")) s->having = expr();
  if (accept_kw("QUALIFY")) s->qualify = expr();
  q->select = std::move(s);
  finish(q->pos);
  return q;
}

SelectItem Parser::select_item() {
  SelectItem item;
  if (at_op("*")) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::star;
    e->pos = pos_of(next());
    finish(e->pos);
    item.expr = std::move(e);
  } else if (is_name_token(peek()) && at_op(".", 1) &&
             (at_op("*", 2) || (is_name_token(peek(2)) && at_op(".", 3) && at_op("*", 4)))) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::star;
    e->pos = pos_of(peek());
    e->names.push_back(ident());
    expect_op(".");
    if (!at_op("*")) {
      e->names.push_back(ident());
      expect_op(".");
    }
    expect_op("*");
    finish(e->pos);
    item.expr = std::move(e);
  } else {
    item.expr = expr();
    item.alias = optional_alias();
    return item;
  }
  if (accept_kw("EXCLUDE")) {
    if (accept_op("(")) {
      do {
        item.exclude.push_back(ident());
      } while (accept_op(","));
      expect_op(")");
    } else {
      item.exclude.push_back(ident());
    }
  }
  return item;
}

TableRefPtr Parser::from_clause() {
  TableRefPtr left = table_ref();
  while (accept_op(",")) {
    TableRefPtr right = table_ref();
    auto j = std::make_unique<TableRef>();
    j->kind = TableRef::Kind::join;
    j->join_type = "CROSS";
    j->pos = left->pos;
    j->left = std::move(left);
    j->right = std::move(right);
    left = std::move(j);
  }
  return left;
}

TableRefPtr Parser::table_ref() {
  TableRefPtr left = table_primary();
  for (;;) {
    bool natural = false;
    std::string type;
    std::size_t save = pos_;
    if (accept_kw("NATURAL")) natural = true;
    if (accept_kw("INNER")) {
      type = "INNER";
    } else if (accept_kw("LEFT")) {
      accept_kw("OUTER");
      type = "LEFT";
    } else if (accept_kw("RIGHT")) {
      accept_kw("OUTER");
      type = "RIGHT";
    } else if (accept_kw("FULL")) {
      accept_kw("OUTER");
      type = "FULL";
    } else if (accept_kw("CROSS")) {
      type = "CROSS";
    } else if (at_kw("JOIN")) {
      type = "INNER";
    }
    if (type.empty()) {
      pos_ = save;
      break;
    }
    expect_kw("JOIN");
    auto j = std::make_unique<TableRef>();
    j->kind = TableRef::Kind::join;
    j->pos = left->pos;
    j->join_type = type;
    j->natural = natural;
    j->left = std::move(left);
    j->right = table_primary();
    if (accept_kw("ON")) {
      j->on = expr();
    } else if (accept_kw("USING")) {
      expect_op("(");
      do {
        j->using_columns.push_back(ident());
      } while (accept_op(","));
      expect_op(")");
    }
    left = std::move(j);
  }
  return left;
}

void Parser::table_alias(TableRef& t) {
  t.alias = optional_alias();
  if (t.alias && at_op("(")) {
    next();
    do {
      t.column_aliases.push_back(ident());
    } while (accept_op(","));
    expect_op(")");
  }
}

TableRefPtr Parser::table_primary() {
  auto t = std::make_unique<TableRef>();
  t->pos = pos_of(peek());
  if (accept_kw("LATERAL")) {
    t->lateral = true;
    if (at_op("(")) {
      next();
      t->kind = TableRef::Kind::subquery;
      t->query = query();
      expect_op(")");
    } else {
      t->kind = TableRef::Kind::function;
      t->function = primary();
    }
    table_alias(*t);
    return t;
  }
  if (at_kw("TABLE") && at_op("(", 1)) {
    next();
    next();
    t->kind = TableRef::Kind::function;
    t->function = expr();
    expect_op(")");
    table_alias(*t);
    return t;
  }
  if (at_op("(")) {
    next();
    if (at_kw("SELECT") || at_kw("WITH") || at_kw("VALUES") || at_op("(")) {
      t->kind = TableRef::Kind::subquery;
      t->query = query();
      expect_op(")");
      table_alias(*t);
      return t;
    }
    TableRefPtr inner = from_clause();
    expect_op(")");
    return inner;
  }
  if (at_kw("VALUES")) {
    next();
    t->kind = TableRef::Kind::values;
    t->rows = values_rows();
    table_alias(*t);
    return t;
  }
  if (is_name_token(peek()) && at_op("(", 1) && peek().is_keyword("FLATTEN")) {
    t->kind = TableRef::Kind::function;
    t->function = primary();
    table_alias(*t);
    return t;
  }
  t->kind = TableRef::Kind::named;
  t->name = qualified_name();
  // Time travel and sampling clauses do not change what the emulator returns.
  if ((at_kw("AT") || at_kw("BEFORE")) && at_op("(", 1)) {
    next();
    skip_parenthesised();
  }
  if (at_kw("CHANGES") && at_op("(", 1)) {
    next();
    skip_parenthesised();
  }
  table_alias(*t);
  if (at_kw("SAMPLE") || at_kw("TABLESAMPLE")) {
    next();
    if (at_kw("BERNOULLI") || at_kw("ROW") || at_kw("SYSTEM") || at_kw("BLOCK")) next();
    skip_parenthesised();
    if (at_kw("SEED") || at_kw("REPEATABLE")) {
      next();
      skip_parenthesised();
    }
  }
  return t;
}

}  // namespace mock_snowflake::engine
