// parser.cpp — recursive-descent parser for Snowflake SQL statements: the statement forms (DML,
// DDL, SHOW/DESCRIBE, session commands). Queries are in parser_query.cpp, expressions in
// parser_expr.cpp; the Parser class is declared in parser_internal.hpp.
#include "engine/parser.hpp"

#include <set>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser_internal.hpp"

namespace mock_snowflake::engine {

const std::set<std::string, std::less<>>& reserved_words() {
  static const std::set<std::string, std::less<>> kWords = {
      "ALL",         "AND",    "ANY",     "AS",      "ASOF",     "BETWEEN",
      "BY",          "CASE",   "CONNECT", "CROSS",   "DISTINCT", "ELSE",
      "END",         "EXCEPT", "EXISTS",  "FETCH",   "FOR",      "FROM",
      "FULL",        "GROUP",  "HAVING",  "ILIKE",   "IN",       "INNER",
      "INTERSECT",   "INTO",   "IS",      "JOIN",    "LATERAL",  "LEFT",
      "LIKE",        "LIMIT",  "MINUS",   "NATURAL", "NOT",      "NULL",
      "OFFSET",      "ON",     "OR",      "ORDER",   "QUALIFY",  "REGEXP",
      "RIGHT",       "RLIKE",  "SAMPLE",  "SELECT",  "SET",      "START",
      "TABLESAMPLE", "THEN",   "UNION",   "USING",   "VALUES",   "WHEN",
      "WHERE",       "WINDOW", "WITH",    "PIVOT",   "UNPIVOT",  "MATCH_RECOGNIZE",
      "CHANGES",     "AT",     "BEFORE",
  };
  return kWords;
}

bool is_reserved(const Token& t) {
  return t.kind == TokenKind::identifier && reserved_words().count(t.text) > 0;
}

// ---- statements ------------------------------------------------------------------------
// EXPLAIN [USING TABULAR | TEXT | JSON] <query>
Statement Parser::explain() {
  expect_kw("EXPLAIN");
  Statement s;
  s.kind = Statement::Kind::explain;
  s.command = "EXPLAIN";
  if (accept_kw("USING")) {
    const Token& f = peek();
    if (!f.is_keyword("TABULAR") && !f.is_keyword("TEXT") && !f.is_keyword("JSON")) fail(f);
    s.explain_format = ident().name;
  }
  if (!(at_kw("SELECT") || at_kw("WITH") || at_op("(") || at_kw("VALUES"))) fail(peek());
  s.query = query();
  return s;
}

Statement Parser::statement_inner() {
  const Token& t = peek();
  if (t.kind == TokenKind::end) fail(t);
  if (at_kw("SELECT") || at_kw("WITH") || at_op("(") || at_kw("VALUES")) {
    Statement s;
    s.kind = Statement::Kind::query;
    s.command = "SELECT";
    s.query = query();
    return s;
  }
  if (at_kw("EXPLAIN")) return explain();
  if (at_kw("INSERT")) return insert();
  if (at_kw("UPDATE")) return update();
  if (at_kw("DELETE")) return remove();
  if (at_kw("MERGE")) return merge();
  if (at_kw("CREATE")) return create();
  if (at_kw("DROP")) return drop();
  if (at_kw("TRUNCATE")) return truncate();
  if (at_kw("ALTER")) return alter();
  if (at_kw("USE")) return use();
  if (at_kw("BEGIN") || at_kw("START")) {
    next();
    if (peek(0).is_keyword("TRANSACTION") || peek(0).is_keyword("WORK")) next();
    if (accept_kw("NAME")) ident();
    Statement s;
    s.kind = Statement::Kind::begin;
    s.command = "TRANSACTION_BEGIN";
    return s;
  }
  if (at_kw("COMMIT") || at_kw("ROLLBACK")) {
    bool commit = at_kw("COMMIT");
    next();
    accept_kw("WORK");
    Statement s;
    s.kind = commit ? Statement::Kind::commit : Statement::Kind::rollback;
    s.command = commit ? "TRANSACTION_COMMIT" : "TRANSACTION_ROLLBACK";
    return s;
  }
  if (at_kw("SHOW")) return show();
  if (at_kw("DESCRIBE") || at_kw("DESC")) return describe();
  if (at_kw("SET")) return set_variable();
  if (at_kw("UNSET")) {
    next();
    Statement s;
    s.kind = Statement::Kind::unset_variable;
    s.command = "UNSET";
    if (accept_op("(")) {
      do {
        s.unset_names.push_back(ident().name);
      } while (accept_op(","));
      expect_op(")");
    } else {
      s.unset_names.push_back(ident().name);
    }
    return s;
  }
  if (at_kw("COMMENT")) {
    // COMMENT [IF EXISTS] ON <kind> <name> IS '<text>'
    next();
    if (accept_kw("IF")) expect_kw("EXISTS");
    expect_kw("ON");
    Statement s;
    s.kind = Statement::Kind::comment_on;
    s.command = "COMMENT";
    s.object_kind = ident().name;
    if (s.object_kind == "COLUMN") {
      s.name = qualified_name();
      if (at_op(".")) {
        next();
        s.name.push_back(ident());
      }
    } else {
      s.name = qualified_name();
    }
    expect_kw("IS");
    s.comment = string_literal();
    return s;
  }
  fail(t);
}

std::string Parser::object_kind_word() {
  // TABLE, VIEW, DATABASE, SCHEMA, WAREHOUSE, ROLE, SEQUENCE, STAGE, FILE FORMAT, ...
  const Token& t = peek();
  if (t.kind != TokenKind::identifier) fail(t);
  next();
  std::string kind = t.text;
  if ((kind == "FILE" && at_kw("FORMAT")) || (kind == "MATERIALIZED" && at_kw("VIEW")) ||
      (kind == "DYNAMIC" && at_kw("TABLE")) || (kind == "EXTERNAL" && at_kw("TABLE"))) {
    kind += " " + next().text;
  }
  return kind;
}

Statement Parser::create() {
  expect_kw("CREATE");
  Statement s;
  if (accept_kw("OR")) {
    expect_kw("REPLACE");
    s.or_replace = true;
  }
  // Modifiers.
  for (;;) {
    if (accept_kw("TRANSIENT")) {
      s.transient = true;
    } else if (accept_kw("TEMPORARY") || accept_kw("TEMP") || accept_kw("VOLATILE")) {
      s.temporary = true;
    } else if (at_kw("LOCAL") || at_kw("GLOBAL")) {
      next();
    } else if (accept_kw("SECURE") || accept_kw("RECURSIVE")) {
    } else {
      break;
    }
  }
  s.object_kind = object_kind_word();
  s.command = "CREATE " + s.object_kind;
  if (accept_kw("IF")) {
    expect_kw("NOT");
    expect_kw("EXISTS");
    s.if_not_exists = true;
  }
  if (s.object_kind == "INDEX") throw SfError(unsupported_feature("SECONDARY INDEX"));
  if (s.object_kind == "MATERIALIZED VIEW") {
    throw SfError(unsupported_feature("MATERIALIZED VIEWS"));
  }
  s.name = qualified_name();
  if (s.object_kind == "TABLE") {
    s.kind = Statement::Kind::create_table;
    if (at_kw("LIKE") || at_kw("CLONE")) {
      s.clone = next().text == "CLONE";
      s.like_table = qualified_name();
      // CLONE ... AT / BEFORE (time travel) clones the current data.
      if ((at_kw("AT") || at_kw("BEFORE")) && at_op("(", 1)) {
        next();
        skip_parenthesised();
      }
      return s;
    }
    if (accept_op("(")) {
      do {
        if (at_kw("PRIMARY") || at_kw("UNIQUE") || at_kw("FOREIGN") || at_kw("CONSTRAINT")) {
          skip_constraint();
          continue;
        }
        s.columns.push_back(column_def());
      } while (accept_op(","));
      expect_op(")");
    }
    table_options(s);
    if (accept_kw("AS")) s.query = query();
    if (s.columns.empty() && !s.query) fail(peek());
    return s;
  }
  if (s.object_kind == "VIEW") {
    s.kind = Statement::Kind::create_view;
    if (accept_op("(")) {
      do {
        s.view_columns.push_back(ident());
        if (accept_kw("COMMENT")) string_literal();
      } while (accept_op(","));
      expect_op(")");
    }
    table_options(s);
    expect_kw("AS");
    std::size_t start = peek().begin;
    s.query = query();
    std::size_t stop = tokens_[pos_ > 0 ? pos_ - 1 : 0].end;
    s.view_text = std::string(sql_.substr(start, stop - start));
    return s;
  }
  if (s.object_kind == "SEQUENCE") {
    s.kind = Statement::Kind::create_sequence;
    auto signed_number = [&] {
      bool negative = accept_op("-");
      long long v = integer_literal();
      return negative ? -v : v;
    };
    for (;;) {
      if (accept_kw("START")) {
        accept_kw("WITH");
        accept_op("=");
        s.sequence_start = signed_number();
      } else if (accept_kw("INCREMENT")) {
        accept_kw("BY");
        accept_op("=");
        s.sequence_increment = signed_number();
      } else if (accept_kw("COMMENT")) {
        accept_op("=");
        s.comment = string_literal();
      } else if (accept_kw("ORDER") || accept_kw("NOORDER")) {
      } else {
        break;
      }
    }
    return s;
  }
  if (s.object_kind == "DATABASE" || s.object_kind == "SCHEMA") {
    s.kind = s.object_kind == "DATABASE" ? Statement::Kind::create_database
                                         : Statement::Kind::create_schema;
    if (accept_kw("CLONE")) qualified_name();
    table_options(s);
    return s;
  }
  // Warehouses, roles and the like have no effect on the emulator's data.
  s.kind = Statement::Kind::noop;
  skip_to_end();
  return s;
}

void Parser::skip_to_end() {
  while (peek().kind != TokenKind::end && !at_op(";")) next();
}

void Parser::skip_parenthesised() {
  expect_op("(");
  int depth = 1;
  while (depth > 0) {
    if (peek().kind == TokenKind::end) fail(peek());
    if (at_op("(")) ++depth;
    if (at_op(")")) --depth;
    next();
  }
}

void Parser::skip_constraint() {
  if (accept_kw("CONSTRAINT")) ident();
  if (accept_kw("PRIMARY") || accept_kw("FOREIGN"))
    expect_kw("KEY");
  else
    accept_kw("UNIQUE");
  if (at_op("(")) skip_parenthesised();
  if (accept_kw("REFERENCES")) {
    qualified_name();
    if (at_op("(")) skip_parenthesised();
  }
}

void Parser::table_options(Statement& s) {
  for (;;) {
    if (accept_kw("COMMENT")) {
      accept_op("=");
      s.comment = string_literal();
    } else if (at_kw("CLUSTER")) {
      next();
      expect_kw("BY");
      std::size_t start = peek().begin;
      skip_parenthesised();
      s.cluster_by = "LINEAR" + std::string(sql_.substr(start, tokens_[pos_ - 1].end - start));
    } else if (at_kw("DATA_RETENTION_TIME_IN_DAYS") || at_kw("CHANGE_TRACKING") ||
               at_kw("DEFAULT_DDL_COLLATION") || at_kw("MAX_DATA_EXTENSION_TIME_IN_DAYS") ||
               at_kw("ENABLE_SCHEMA_EVOLUTION")) {
      next();
      accept_op("=");
      next();
    } else if (accept_kw("COPY")) {
      expect_kw("GRANTS");
    } else if (accept_kw("WITH")) {
      // WITH TAG (...) / WITH ROW ACCESS POLICY ...
      while (!at_kw("AS") && peek().kind != TokenKind::end && !at_op(";")) {
        if (at_op("(")) {
          skip_parenthesised();
        } else {
          next();
        }
      }
    } else {
      return;
    }
  }
}

std::string Parser::type_name() {
  std::size_t start = peek().begin;
  const Token& first = peek();
  if (first.kind != TokenKind::identifier) fail(first);
  next();
  std::string word = first.text;
  if (word == "DOUBLE" && at_kw("PRECISION")) next();
  if ((word == "CHARACTER" || word == "CHAR" || word == "NCHAR") && at_kw("VARYING")) next();
  if (word == "TIMESTAMP" && (at_kw("WITH") || at_kw("WITHOUT"))) {
    next();
    accept_kw("LOCAL");
    expect_kw("TIME");
    expect_kw("ZONE");
  }
  if (at_op("(")) skip_parenthesised();
  std::size_t stop = tokens_[pos_ - 1].end;
  return std::string(sql_.substr(start, stop - start));
}

ColumnDef Parser::column_def() {
  ColumnDef c;
  c.name = ident();
  c.type_name = type_name();
  for (;;) {
    if (accept_kw("NOT")) {
      expect_kw("NULL");
      c.not_null = true;
    } else if (accept_kw("NULL")) {
    } else if (accept_kw("PRIMARY")) {
      expect_kw("KEY");
      c.primary_key = true;
      c.not_null = true;
    } else if (accept_kw("UNIQUE")) {
      c.unique = true;
    } else if (accept_kw("DEFAULT")) {
      std::size_t start = peek().begin;
      c.default_value = expr();
      c.default_text = std::string(sql_.substr(start, tokens_[pos_ - 1].end - start));
    } else if (accept_kw("AUTOINCREMENT") || accept_kw("IDENTITY")) {
      c.autoincrement = true;
      if (at_op("(")) skip_parenthesised();
      if (accept_kw("START")) next();
      if (accept_kw("INCREMENT")) next();
      accept_kw("ORDER");
      accept_kw("NOORDER");
    } else if (accept_kw("COMMENT")) {
      c.comment = string_literal();
    } else if (accept_kw("COLLATE")) {
      string_literal();
    } else if (accept_kw("REFERENCES")) {
      qualified_name();
      if (at_op("(")) skip_parenthesised();
    } else if (accept_kw("CONSTRAINT")) {
      ident();
    } else if (accept_kw("WITH")) {
      // WITH MASKING POLICY p / WITH TAG (...)
      while (!at_op(",") && !at_op(")") && peek().kind != TokenKind::end) {
        if (at_op("(")) {
          skip_parenthesised();
        } else {
          next();
        }
      }
    } else {
      break;
    }
  }
  return c;
}

Statement Parser::drop() {
  expect_kw("DROP");
  Statement s;
  s.kind = Statement::Kind::drop;
  s.object_kind = object_kind_word();
  s.command = "DROP " + s.object_kind;
  if (accept_kw("IF")) {
    expect_kw("EXISTS");
    s.if_exists = true;
  }
  s.name = qualified_name();
  accept_kw("CASCADE");
  accept_kw("RESTRICT");
  return s;
}

Statement Parser::truncate() {
  expect_kw("TRUNCATE");
  accept_kw("TABLE");
  Statement s;
  s.kind = Statement::Kind::truncate;
  s.command = "TRUNCATE TABLE";
  if (accept_kw("IF")) {
    expect_kw("EXISTS");
    s.if_exists = true;
  }
  s.name = qualified_name();
  return s;
}

Statement Parser::alter() {
  expect_kw("ALTER");
  Statement s;
  if (accept_kw("SESSION")) {
    s.kind = Statement::Kind::alter_session;
    s.command = "ALTER_SESSION";
    if (accept_kw("SET")) {
      do {
        std::string key = ident().name;
        expect_op("=");
        s.settings.emplace_back(key, expr());
      } while (accept_op(",") || (is_name_token(peek()) && at_op("=", 1)));
    } else {
      expect_kw("UNSET");
      do {
        s.unset_names.push_back(ident().name);
      } while (accept_op(","));
    }
    return s;
  }
  s.object_kind = object_kind_word();
  s.command = "ALTER " + s.object_kind;
  if (s.object_kind != "TABLE" && s.object_kind != "VIEW") {
    s.kind = Statement::Kind::noop;
    skip_to_end();
    return s;
  }
  s.kind = Statement::Kind::alter_table;
  if (accept_kw("IF")) {
    expect_kw("EXISTS");
    s.if_exists = true;
  }
  s.name = qualified_name();
  if (accept_kw("ADD")) {
    accept_kw("COLUMN");
    if (accept_kw("IF")) {
      expect_kw("NOT");
      expect_kw("EXISTS");
      s.if_not_exists = true;
    }
    s.alter_action = "ADD COLUMN";
    do {
      s.columns.push_back(column_def());
    } while (accept_op(",") && (accept_kw("COLUMN") || true));
  } else if (accept_kw("DROP")) {
    accept_kw("COLUMN");
    if (accept_kw("IF")) {
      expect_kw("EXISTS");
      s.if_exists = true;
    }
    s.alter_action = "DROP COLUMN";
    do {
      ColumnDef c;
      c.name = ident();
      s.columns.push_back(std::move(c));
    } while (accept_op(","));
  } else if (accept_kw("RENAME")) {
    if (accept_kw("COLUMN")) {
      s.alter_action = "RENAME COLUMN";
      s.old_column = ident();
      expect_kw("TO");
      ColumnDef c;
      c.name = ident();
      s.columns.push_back(std::move(c));
    } else {
      expect_kw("TO");
      s.alter_action = "RENAME TO";
      s.new_name = qualified_name();
    }
  } else if (accept_kw("SET")) {
    s.alter_action = "SET";
    if (accept_kw("COMMENT")) {
      accept_op("=");
      s.comment = string_literal();
      s.alter_action = "SET COMMENT";
    } else {
      skip_to_end();
    }
  } else {
    s.alter_action = "OTHER";
    skip_to_end();
  }
  return s;
}

Statement Parser::use() {
  expect_kw("USE");
  Statement s;
  s.kind = Statement::Kind::use;
  s.command = "USE";
  if (at_kw("DATABASE") || at_kw("SCHEMA") || at_kw("WAREHOUSE") || at_kw("ROLE")) {
    s.object_kind = next().text;
  } else if (at_kw("SECONDARY")) {
    next();
    expect_kw("ROLES");
    s.object_kind = "SECONDARY ROLES";
    skip_to_end();
    return s;
  }
  s.name = qualified_name();
  return s;
}

Statement Parser::show() {
  expect_kw("SHOW");
  Statement s;
  s.kind = Statement::Kind::show;
  s.command = "SHOW";
  if (accept_kw("TERSE")) s.terse = true;
  const Token& what = peek();
  if (what.kind != TokenKind::identifier) fail(what);
  next();
  s.show_what = what.text;
  if (s.show_what == "USER" || s.show_what == "PRIMARY" || s.show_what == "IMPORTED") {
    // SHOW USER FUNCTIONS / SHOW PRIMARY KEYS
    s.show_what += " " + next().text;
  }
  accept_kw("HISTORY");
  for (;;) {
    if (accept_kw("LIKE")) {
      s.like = string_literal();
    } else if (accept_kw("IN")) {
      if (accept_kw("ACCOUNT")) {
        s.in_kind = "ACCOUNT";
      } else if (at_kw("DATABASE") || at_kw("SCHEMA") || at_kw("TABLE") || at_kw("VIEW")) {
        s.in_kind = next().text;
        if (is_name_token(peek()) && !at_kw("LIKE") && !at_kw("STARTS") && !at_kw("LIMIT")) {
          s.in_name = qualified_name();
        }
      } else {
        s.in_kind = "";
        s.in_name = qualified_name();
      }
    } else if (accept_kw("STARTS")) {
      expect_kw("WITH");
      s.starts_with = string_literal();
    } else if (accept_kw("LIMIT")) {
      s.limit = integer_literal();
      if (accept_kw("FROM")) string_literal();
    } else {
      break;
    }
  }
  return s;
}

Statement Parser::describe() {
  next();
  Statement s;
  s.kind = Statement::Kind::describe;
  s.command = "DESCRIBE";
  s.object_kind = "TABLE";
  if (at_kw("TABLE") || at_kw("VIEW") || at_kw("DATABASE") || at_kw("SCHEMA") || at_kw("USER")) {
    s.object_kind = next().text;
  }
  if (s.object_kind == "USER") {
    s.name = {ident()};  // a user is an account-level object: one part
    return s;
  }
  s.name = qualified_name();
  if (accept_kw("TYPE")) {
    expect_op("=");
    next();
  }
  return s;
}

Statement Parser::set_variable() {
  expect_kw("SET");
  Statement s;
  s.kind = Statement::Kind::set_variable;
  s.command = "SET";
  if (accept_op("(")) {
    std::vector<std::string> names;
    do {
      names.push_back(ident().name);
    } while (accept_op(","));
    expect_op(")");
    expect_op("=");
    expect_op("(");
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) expect_op(",");
      s.settings.emplace_back(names[i], expr());
    }
    expect_op(")");
    return s;
  }
  std::string name = ident().name;
  expect_op("=");
  s.settings.emplace_back(name, expr());
  return s;
}

Statement Parser::insert() {
  expect_kw("INSERT");
  Statement s;
  s.kind = Statement::Kind::insert;
  s.command = "INSERT";
  if (accept_kw("OVERWRITE")) s.overwrite = true;
  if (at_kw("ALL") || at_kw("FIRST")) throw SfError(unsupported_feature("multi-table INSERT"));
  expect_kw("INTO");
  s.name = qualified_name();
  if (at_op("(") && !(at_kw("SELECT", 1) || at_kw("WITH", 1))) {
    next();
    do {
      s.insert_columns.push_back(ident());
    } while (accept_op(","));
    expect_op(")");
  }
  s.query = query();
  return s;
}

Statement Parser::update() {
  expect_kw("UPDATE");
  Statement s;
  s.kind = Statement::Kind::update;
  s.command = "UPDATE";
  s.name = qualified_name();
  if (!at_kw("SET")) s.alias = optional_alias();
  expect_kw("SET");
  do {
    Assignment a;
    std::vector<Ident> target = qualified_name();
    a.column = target.back();
    expect_op("=");
    a.value = expr();
    s.assignments.push_back(std::move(a));
  } while (accept_op(","));
  if (accept_kw("FROM")) s.from = from_clause();
  if (accept_kw("WHERE")) s.where = expr();
  return s;
}

Statement Parser::remove() {
  expect_kw("DELETE");
  expect_kw("FROM");
  Statement s;
  s.kind = Statement::Kind::remove;
  s.command = "DELETE";
  s.name = qualified_name();
  if (!at_kw("USING") && !at_kw("WHERE")) s.alias = optional_alias();
  if (accept_kw("USING")) s.from = from_clause();
  if (accept_kw("WHERE")) s.where = expr();
  return s;
}

Statement Parser::merge() {
  expect_kw("MERGE");
  expect_kw("INTO");
  Statement s;
  s.kind = Statement::Kind::merge;
  s.command = "MERGE";
  s.name = qualified_name();
  if (!at_kw("USING")) s.alias = optional_alias();
  expect_kw("USING");
  s.from = table_primary();
  expect_kw("ON");
  s.where = expr();
  while (accept_kw("WHEN")) {
    MergeClause c;
    if (accept_kw("NOT")) c.matched = false;
    expect_kw("MATCHED");
    if (accept_kw("AND")) c.condition = expr();
    expect_kw("THEN");
    if (accept_kw("UPDATE")) {
      c.action = MergeClause::Action::update;
      expect_kw("SET");
      do {
        Assignment a;
        std::vector<Ident> target = qualified_name();
        a.column = target.back();
        expect_op("=");
        a.value = expr();
        c.assignments.push_back(std::move(a));
      } while (accept_op(","));
    } else if (accept_kw("DELETE")) {
      c.action = MergeClause::Action::remove;
    } else {
      expect_kw("INSERT");
      c.action = MergeClause::Action::insert;
      if (accept_op("(")) {
        do {
          c.insert_columns.push_back(ident());
        } while (accept_op(","));
        expect_op(")");
      }
      expect_kw("VALUES");
      expect_op("(");
      do {
        c.insert_values.push_back(expr());
      } while (accept_op(","));
      expect_op(")");
    }
    s.merge_clauses.push_back(std::move(c));
  }
  if (s.merge_clauses.empty()) fail(peek());
  return s;
}

Statement parse_statement(std::string_view sql) {
  Parser p(sql);
  return p.statement();
}

QueryPtr parse_query_text(std::string_view sql) {
  Parser p(sql);
  return p.whole_query();
}

}  // namespace mock_snowflake::engine
