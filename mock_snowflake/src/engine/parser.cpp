// parser.cpp — recursive-descent parser for Snowflake SQL statements.
#include "engine/parser.hpp"

#include <set>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/lexer.hpp"

namespace mock_snowflake::engine {
namespace {

// Words that end an expression or a select item, so they can never be an implicit alias.
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
  Statement statement_inner() {
    const Token& t = peek();
    if (t.kind == TokenKind::end) fail(t);
    if (at_kw("SELECT") || at_kw("WITH") || at_op("(") || at_kw("VALUES")) {
      Statement s;
      s.kind = Statement::Kind::query;
      s.command = "SELECT";
      s.query = query();
      return s;
    }
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

  std::string object_kind_word() {
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

  Statement create() {
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

  void skip_to_end() {
    while (peek().kind != TokenKind::end && !at_op(";")) next();
  }

  void skip_parenthesised() {
    expect_op("(");
    int depth = 1;
    while (depth > 0) {
      if (peek().kind == TokenKind::end) fail(peek());
      if (at_op("(")) ++depth;
      if (at_op(")")) --depth;
      next();
    }
  }

  void skip_constraint() {
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

  void table_options(Statement& s) {
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

  std::string type_name() {
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

  ColumnDef column_def() {
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

  Statement drop() {
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

  Statement truncate() {
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

  Statement alter() {
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

  Statement use() {
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

  Statement show() {
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

  Statement describe() {
    next();
    Statement s;
    s.kind = Statement::Kind::describe;
    s.command = "DESCRIBE";
    s.object_kind = "TABLE";
    if (at_kw("TABLE") || at_kw("VIEW") || at_kw("DATABASE") || at_kw("SCHEMA")) {
      s.object_kind = next().text;
    }
    s.name = qualified_name();
    if (accept_kw("TYPE")) {
      expect_op("=");
      next();
    }
    return s;
  }

  Statement set_variable() {
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

  Statement insert() {
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

  Statement update() {
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

  Statement remove() {
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

  Statement merge() {
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

  // ---- queries ---------------------------------------------------------------------------
  QueryPtr query() {
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

  void order_limit(Query& q) {
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

  std::vector<OrderItem> order_items() {
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

  QueryPtr set_expression() {
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

  QueryPtr set_term() {
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

  std::vector<std::vector<ExprPtr>> values_rows() {
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

  QueryPtr select_core() {
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

  SelectItem select_item() {
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

  TableRefPtr from_clause() {
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

  TableRefPtr table_ref() {
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

  void table_alias(TableRef& t) {
    t.alias = optional_alias();
    if (t.alias && at_op("(")) {
      next();
      do {
        t.column_aliases.push_back(ident());
      } while (accept_op(","));
      expect_op(")");
    }
  }

  TableRefPtr table_primary() {
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

  // ---- expressions -----------------------------------------------------------------------
  ExprPtr make(ExprKind kind, const SourcePos& p) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = p;
    return e;
  }

  ExprPtr binary(std::string op, ExprPtr a, ExprPtr b) {
    auto e = make(ExprKind::binary, a->pos);
    e->op = std::move(op);
    e->pos.end = b->pos.end;
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

 public:
  ExprPtr expr() { return or_expr(); }

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

  ExprPtr or_expr() {
    DepthGuard guard(*this);
    ExprPtr e = and_expr();
    while (accept_kw("OR")) e = binary("OR", std::move(e), and_expr());
    return e;
  }

  ExprPtr and_expr() {
    ExprPtr e = not_expr();
    while (accept_kw("AND")) e = binary("AND", std::move(e), not_expr());
    return e;
  }

  ExprPtr not_expr() {
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

  ExprPtr comparison() {
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

  ExprPtr additive() {
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

  ExprPtr multiplicative() {
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

  ExprPtr unary() {
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

  ExprPtr postfix() {
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

  ExprPtr wrap_path(ExprPtr base) {
    auto p = make(ExprKind::path, base->pos);
    p->args.push_back(std::move(base));
    return p;
  }

  void window(Expr& e) {
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

  ExprPtr function_call(const Token& name_token, std::string name) {
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

  ExprPtr primary() {
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
    if (t.is_op(":") &&
        (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::number ||
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

  ExprPtr name_or_call() {
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
           k == "LOCALTIMESTAMP" || k == "LOCALTIME" || k == "CURRENT_USER" ||
           k == "CURRENT_ROLE") &&
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

  ExprPtr case_expr() {
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

  std::string_view sql_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int param_count_ = 0;
  int depth_ = 0;
};

}  // namespace

Statement parse_statement(std::string_view sql) {
  Parser p(sql);
  return p.statement();
}

QueryPtr parse_query_text(std::string_view sql) {
  Parser p(sql);
  return p.whole_query();
}

}  // namespace mock_snowflake::engine
