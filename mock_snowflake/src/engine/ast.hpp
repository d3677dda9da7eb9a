// ast.hpp — the syntax tree of one Snowflake statement, as the parser builds it and the
// compiler (compiler.hpp) turns it into SQLite SQL. Every node keeps its source position (for
// "error line L at position P" messages) and its source span (an unaliased result column is
// named after the text of its expression, upper-cased, as Snowflake names it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mock_snowflake::engine {

/// An identifier: unquoted ones are already upper-cased; quoted ones are exact.
struct Ident {
  std::string name;
  bool quoted = false;
  int line = 1;
  int column = 0;
};

struct SourcePos {
  int line = 1;
  int column = 0;
  std::size_t begin = 0;  ///< byte span in the statement text
  std::size_t end = 0;
};

struct Expr;
struct Query;
using ExprPtr = std::unique_ptr<Expr>;
using QueryPtr = std::unique_ptr<Query>;

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;
};

struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::string frame;  ///< e.g. "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW" (passed through)
};

/// One step of a semi-structured path: v:a.b[0]['c'].
struct PathStep {
  bool is_index = false;
  std::string field;  ///< field name (exact case)
  ExprPtr index;      ///< index / bracketed key expression
};

enum class ExprKind {
  number,   ///< text = literal as written
  string,   ///< text = value
  boolean,  ///< text = TRUE / FALSE
  null,
  typed_literal,  ///< DATE '...', TIMESTAMP '...': type_name + text
  interval,       ///< INTERVAL '1 day': text
  column,         ///< names = [db.][schema.][table.]column
  star,           ///< [names.]* (select list, COUNT(*))
  param,          ///< ? (param_index) or :name (text)
  variable,       ///< $name: text
  unary,          ///< op: "-", "+", "NOT"
  binary,         ///< op: + - * / % || = <> < > <= >= AND OR
  function,       ///< text = upper-case name; args; arg_names; distinct; over; within_group
  cast,           ///< args[0] :: type_name; try_cast
  case_when,      ///< args[0] = operand or null; whens/thens; else in else_expr
  between,        ///< args: value, low, high; negated
  in_list,        ///< args[0] value, args[1..] list; negated
  in_query,       ///< args[0] value, query; negated
  exists,         ///< query; negated
  scalar_query,   ///< query
  is_null,        ///< args[0]; negated
  is_distinct,    ///< args[0], args[1]; negated (IS NOT DISTINCT FROM)
  like,           ///< op LIKE / ILIKE / RLIKE / REGEXP; args: value, pattern[, escape]; negated;
                  ///< quantifier "ANY"/"ALL" with args[1..] the patterns
  path,           ///< args[0] base; path steps
  array,          ///< [a, b]: args
  object,         ///< {'k': v}: args = k1, v1, k2, v2 ...
  lambda,         ///< x -> expr (higher-order functions): arg_names params, args[0] body
};

struct Expr {
  ExprKind kind = ExprKind::null;
  SourcePos pos;
  std::string text;  ///< literal text / function name / operator / parameter name
  std::string op;
  std::vector<ExprPtr> args;
  std::vector<std::string> arg_names;  ///< named arguments (ROWCOUNT => n); "" when positional
  std::vector<Ident> names;            ///< column / star qualifiers
  QueryPtr query;
  std::unique_ptr<WindowSpec> over;
  std::vector<OrderItem> within_group;
  std::vector<ExprPtr> whens;
  std::vector<ExprPtr> thens;
  ExprPtr else_expr;
  std::vector<PathStep> path;
  std::string type_name;  ///< cast target / typed literal type
  std::string quantifier;
  bool distinct = false;
  bool negated = false;
  bool try_cast = false;
  bool ignore_nulls = false;
  int param_index = 0;  ///< 1-based for `?`
};

struct SelectItem {
  ExprPtr expr;  ///< a star expression for `*` / `t.*`
  std::optional<Ident> alias;
  std::vector<Ident> exclude;  ///< * EXCLUDE (a, b)
};

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

struct TableRef {
  enum class Kind { named, subquery, join, function, values };
  Kind kind = Kind::named;
  SourcePos pos;
  std::vector<Ident> name;  ///< named: [db.][schema.]table
  std::optional<Ident> alias;
  std::vector<Ident> column_aliases;
  QueryPtr query;  ///< subquery
  TableRefPtr left;
  TableRefPtr right;
  std::string join_type;  ///< INNER, LEFT, RIGHT, FULL, CROSS
  bool natural = false;
  ExprPtr on;
  std::vector<Ident> using_columns;
  ExprPtr function;  ///< TABLE(GENERATOR(...)), FLATTEN(...)
  bool lateral = false;
  std::vector<std::vector<ExprPtr>> rows;  ///< VALUES
};

struct Select {
  bool distinct = false;
  ExprPtr top;
  std::vector<SelectItem> items;
  TableRefPtr from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  bool group_by_all = false;
  ExprPtr having;
  ExprPtr qualify;
};

struct Cte {
  Ident name;
  std::vector<Ident> columns;
  QueryPtr query;
};

struct Query {
  enum class Kind { select, set_operation, values };
  Kind kind = Kind::select;
  SourcePos pos;
  std::vector<Cte> with;
  bool recursive = false;
  std::unique_ptr<Select> select;
  QueryPtr left;
  QueryPtr right;
  std::string set_op;  ///< UNION, INTERSECT, EXCEPT
  bool set_all = false;
  std::vector<std::vector<ExprPtr>> values;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

struct ColumnDef {
  Ident name;
  std::string type_name;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ExprPtr default_value;
  std::string default_text;  ///< as written
  std::optional<std::string> comment;
  bool autoincrement = false;
};

struct Assignment {
  Ident column;
  ExprPtr value;
};

struct MergeClause {
  bool matched = true;
  ExprPtr condition;
  enum class Action { update, remove, insert } action = Action::update;
  std::vector<Assignment> assignments;
  std::vector<Ident> insert_columns;
  std::vector<ExprPtr> insert_values;
};

struct Statement {
  enum class Kind {
    query,
    insert,
    update,
    remove,  ///< DELETE
    merge,
    create_table,
    create_view,
    create_database,
    create_schema,
    create_sequence,
    drop,
    truncate,
    alter_table,
    alter_session,
    use,
    begin,
    commit,
    rollback,
    show,
    describe,
    set_variable,
    unset_variable,
    unsupported_api,  ///< PUT / GET
    comment_on,
    noop,     ///< statements accepted and ignored (ALTER WAREHOUSE ...)
    explain,  ///< EXPLAIN [USING TABULAR | TEXT | JSON] <query>: query, explain_format
  };
  Kind kind = Kind::query;
  std::string command;  ///< SELECT, INSERT, CREATE TABLE ... (for messages)
  QueryPtr query;

  std::vector<Ident> name;  ///< the target object
  std::string object_kind;  ///< TABLE, VIEW, DATABASE, SCHEMA, WAREHOUSE, ROLE ...
  bool or_replace = false;
  bool if_not_exists = false;
  bool if_exists = false;
  bool transient = false;
  bool temporary = false;

  // CREATE TABLE
  std::vector<ColumnDef> columns;
  std::vector<Ident> like_table;  ///< CREATE TABLE t LIKE other / CLONE other
  bool clone = false;             ///< CLONE copies the rows too
  std::optional<std::string> comment;
  std::string cluster_by;
  std::string view_text;                   ///< CREATE VIEW's query as written
  std::string explain_format = "TABULAR";  ///< EXPLAIN USING ...
  std::int64_t sequence_start = 1;
  std::int64_t sequence_increment = 1;
  std::vector<Ident> view_columns;

  // INSERT
  std::vector<Ident> insert_columns;
  bool overwrite = false;

  // UPDATE / DELETE / MERGE
  std::optional<Ident> alias;
  std::vector<Assignment> assignments;
  TableRefPtr from;  ///< UPDATE ... FROM / DELETE ... USING / MERGE ... USING
  ExprPtr where;
  std::vector<MergeClause> merge_clauses;

  // ALTER TABLE
  std::string alter_action;  ///< ADD COLUMN, DROP COLUMN, RENAME TO, RENAME COLUMN, SET COMMENT
  std::vector<Ident> new_name;
  Ident old_column;

  // SHOW
  std::string show_what;  ///< DATABASES, SCHEMAS, TABLES, VIEWS, COLUMNS, OBJECTS, ...
  bool terse = false;
  std::optional<std::string> like;
  std::optional<std::string> starts_with;
  std::optional<long long> limit;
  std::string in_kind;  ///< ACCOUNT, DATABASE, SCHEMA, TABLE, VIEW ("" = current scope)
  std::vector<Ident> in_name;

  // ALTER SESSION / SET / UNSET
  std::vector<std::pair<std::string, ExprPtr>> settings;
  std::vector<std::string> unset_names;
};

}  // namespace mock_snowflake::engine
