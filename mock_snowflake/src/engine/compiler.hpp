// compiler.hpp — turns a parsed Snowflake query or DML statement into one SQLite statement plus
// the Snowflake type of every result column. It resolves names against the catalog (with
// Snowflake's errors: 002003, 000904, 090105), infers types the way Snowflake does (NUMBER
// precision/scale rules for + - * /, COUNT -> NUMBER(18,0), ...), inserts the casts Snowflake
// applies implicitly, folds casts of literals at compile time, and maps the Snowflake functions
// onto SQLite built-ins or the engine's UDFs (functions.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/ast.hpp"
#include "engine/catalog.hpp"
#include "engine/engine.hpp"
#include "engine/functions.hpp"
#include "engine/types.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {

struct OutputColumn {
  std::string name;
  SfType type;
  std::string database;
  std::string schema;
  std::string table;
};

struct CompiledQuery {
  std::string sql;
  std::vector<OutputColumn> columns;
};

/// A compiled expression: SQLite SQL text in the engine's physical form, and its type.
struct CExpr {
  std::string sql;
  SfType type;
  bool aggregate = false;  ///< contains an aggregate outside any window
  bool window = false;
  std::optional<Val> constant;  ///< set for literals (and folded casts of literals)
  // Origin of a plain column reference (rowType database/schema/table).
  std::string database;
  std::string schema;
  std::string table;
};

/// What the compiler needs from the statement's surroundings.
struct CompileEnv {
  Catalog* catalog = nullptr;
  Session session;
  const Bindings* bindings = nullptr;
  ValueContext values;
  std::int64_t now_ns = 0;  ///< statement start, for CURRENT_TIMESTAMP & co
  std::string statement_text;
  std::map<std::string, std::string> variables;  ///< SET variables: name -> SQL literal text
  std::map<std::string, SfType> variable_types;
  bool in_transaction = false;
  SequenceRegistry* sequences = nullptr;
};

class Compiler {
 public:
  explicit Compiler(CompileEnv& env) : env_(env) {}

  CompiledQuery compile_query(const Query& query);

  /// The binding keys of the SQLite parameters ?1, ?2, ... in order.
  [[nodiscard]] const std::vector<std::string>& param_keys() const { return param_keys_; }

  // Object resolution (also used by DDL/SHOW): fills database/schema from the session.
  struct ResolvedName {
    std::string database;
    std::string schema;
    std::string name;
    [[nodiscard]] std::string qualified() const { return database + "." + schema + "." + name; }
  };
  ResolvedName resolve_name(const std::vector<Ident>& parts, const std::string& command);
  ObjectMeta require_object(const std::vector<Ident>& parts, const std::string& command,
                            std::string_view kind_for_message = "Object");
  SqlError missing_object_error(const ResolvedName& name, std::string_view kind);

  // DML: SQL statements to run in order (MERGE needs several), and their result shape.
  struct DmlPlan {
    struct Step {
      std::string sql;
      enum class Counts { inserted, updated, deleted, none } counts = Counts::none;
    };
    std::vector<Step> steps;
    std::vector<std::string> result_columns;  ///< "number of rows inserted", ...
  };
  DmlPlan compile_insert(const Statement& s);
  DmlPlan compile_update(const Statement& s);
  DmlPlan compile_delete(const Statement& s);
  DmlPlan compile_merge(const Statement& s);

  /// Compiles a scalar expression with no FROM (DEFAULT values, SET variables).
  CExpr compile_standalone(const Expr& e);

  /// Casts a compiled expression to a type (used by INSERT / CTAS column conversions).
  CExpr cast_to(const CExpr& e, const SfType& to, bool try_cast = false);
  /// A value written into a column: converted to its type, VARCHAR(n)/BINARY(n) limits checked.
  CExpr assign_to(const CExpr& e, const SfType& column);

  /// SQL literal of a physical value.
  static std::string literal_sql(const Val& v);

  // ---- internals shared with compiler_functions.cpp -----------------------------------
  struct Column {
    std::string name;
    SfType type;
    std::string sql;  ///< how to read it in SQL (alias-qualified, possibly normalised)
    std::string database;
    std::string schema;
    std::string table;
    bool hidden = false;  ///< not found by unqualified names or * (right side of USING)
  };
  struct Relation {
    std::string alias;
    bool alias_explicit = false;
    std::string database;
    std::string schema;
    std::string table;
    std::vector<Column> columns;
  };
  struct SelectAlias {
    std::string name;
    CExpr expr;
  };
  struct Scope {
    Scope* parent = nullptr;
    std::vector<Relation> relations;
    const std::vector<SelectAlias>* aliases = nullptr;
    bool aggregates_allowed = true;
  };

  CExpr compile_expr(const Expr& e, Scope& scope);
  CExpr compile_function(const Expr& e, Scope& scope);
  CExpr coerce(const CExpr& e, const SfType& to);
  CExpr to_text(const CExpr& e);
  CExpr to_number(const CExpr& e);
  CExpr to_boolean(const CExpr& e);
  CExpr to_json(const CExpr& e);  ///< physical JSON text of any value (TO_VARIANT)
  CExpr literal(const Val& v, const SfType& t);
  std::string window_sql(const WindowSpec& w, Scope& scope);
  std::string order_sql(const std::vector<OrderItem>& items, Scope& scope);
  CompiledQuery compile_subquery(const Query& q, Scope* outer);
  int next_id() { return ++id_counter_; }

  CompileEnv& env() { return env_; }

  /// True once a compiled statement reads a table or view (which needs a warehouse).
  [[nodiscard]] bool scans_tables() const { return scans_tables_; }

 private:
  CompiledQuery compile_query_in(const Query& q, Scope* outer);
  CompiledQuery compile_select(const Query& q, Scope* outer);
  struct OutputItem {
    CExpr expr;
    std::string name;
    bool plain_column = false;  ///< a bare column reference (or from *)
    SourcePos pos;
  };
  std::vector<OutputItem> select_items(const Select& sel, Scope& scope,
                                       std::vector<SelectAlias>& aliases);
  std::vector<std::string> group_terms(const Select& sel, Scope& scope,
                                       const std::vector<OutputItem>& items, bool& grouped);
  void check_grouping(const std::vector<OutputItem>& items,
                      const std::vector<std::string>& group_terms);
  void order_terms(const Query& q, Scope& scope, const std::vector<OutputItem>& items,
                   std::vector<std::string>& order_terms, std::vector<std::string>& order_exprs);
  CompiledQuery compile_values(const std::vector<std::vector<ExprPtr>>& rows, Scope* outer);
  CompiledQuery compile_set_operation(const Query& q, Scope* outer);
  std::string compile_from(const TableRef& t, Scope& scope);
  std::string compile_named_table(const TableRef& t, Scope& scope);
  std::string compile_subquery_ref(const TableRef& t, Scope& scope);
  std::string compile_values_ref(const TableRef& t, Scope& scope);
  std::string compile_join(const TableRef& t, Scope& scope);
  std::string compile_table_function(const TableRef& t, Scope& scope);
  CExpr compile_column(const Expr& e, Scope& scope);
  CExpr compile_binary(const Expr& e, Scope& scope);
  CExpr compile_comparison(const std::string& op, CExpr a, CExpr b);
  CExpr compile_cast(const Expr& e, Scope& scope);
  CExpr compile_param(const Expr& e);
  CExpr compile_path(const Expr& e, Scope& scope);
  CExpr compile_like(const Expr& e, Scope& scope);
  // The expression kinds compile_expr dispatches to.
  CExpr compile_number_literal(const Expr& e, Scope& scope);
  CExpr compile_variable(const Expr& e, Scope& scope);
  CExpr compile_unary(const Expr& e, Scope& scope);
  CExpr compile_case(const Expr& e, Scope& scope);
  CExpr compile_between(const Expr& e, Scope& scope);
  CExpr compile_in_list(const Expr& e, Scope& scope);
  CExpr compile_in_query(const Expr& e, Scope& scope);
  CExpr compile_exists(const Expr& e, Scope& scope);
  CExpr compile_scalar_query(const Expr& e, Scope& scope);
  CExpr compile_is_null(const Expr& e, Scope& scope);
  CExpr compile_is_distinct(const Expr& e, Scope& scope);
  CExpr compile_array_constructor(const Expr& e, Scope& scope);
  CExpr compile_object_constructor(const Expr& e, Scope& scope);
  std::string column_name_of(const Expr& e) const;
  std::vector<Column> table_columns(const ObjectMeta& meta, const std::string& alias);
  std::string information_schema_sql(const std::string& database, const std::string& view,
                                     std::vector<Column>& columns, const std::string& alias);
  DmlPlan::Step insert_from_query(const ObjectMeta& target, const std::vector<int>& positions,
                                  const CompiledQuery& source, const std::string& where_extra);

  struct Cte {
    std::string sql_name;
    std::vector<OutputColumn> columns;
  };
  const Cte* find_cte(const std::string& name) const;

  friend struct FnCall;

  CompileEnv& env_;
  std::vector<std::string> param_keys_;
  std::vector<std::map<std::string, Cte>> ctes_;
  int id_counter_ = 0;
  int view_depth_ = 0;
  bool scans_tables_ = false;
};

/// The spec string that tells UDFs a type: kind code + parameters ("N38,2", "S25", "W9").
std::string type_spec(const SfType& t);
SfType parse_type_spec(std::string_view spec);

/// `fn(prefix, items...)` within SQLite's limit of 127 arguments per call: a long item list is
/// split into calls combined by the variadic `merge` function. Each item is `arity` arguments.
std::string chunked_call(const std::string& fn, const std::string& prefix,
                         const std::vector<std::string>& items, std::size_t arity,
                         const std::string& merge);

/// A dotted object name as written, for messages.
std::string display_name(const std::vector<Ident>& parts);
/// Number of UTF-8 code points in a text.
std::int64_t utf8_length(std::string_view s);

/// Snowflake's name for an unaliased expression: its text, upper-cased outside quotes.
std::string expression_column_name(std::string_view text);

}  // namespace mock_snowflake::engine
