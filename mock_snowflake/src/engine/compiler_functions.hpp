// compiler_functions.hpp — how the compiler maps Snowflake functions: a table from function name
// to the function that compiles a call (its SQLite form and Snowflake result type), filled by one
// file per family (compiler_fn_*.cpp). Internal to the engine.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {

/// One function call being compiled, with the helpers every family uses. A family derives a
/// struct with no data from it, so its member functions read `name`, `A`, `arg(i)`, `need(lo,
/// hi)` and the compiler's operations as plain names.
struct FnCall {
  Compiler& c;
  const Expr& e;
  Compiler::Scope& scope;
  const std::string& name;        ///< upper-cased function name
  const std::vector<ExprPtr>& A;  ///< the argument expressions
  std::size_t argc;               ///< A.size()
  CompileEnv& env_;               ///< the compiler's environment
  const Session& s;               ///< env_.session

  /// 001044 "Invalid argument types for function '<name>'" at the call's position.
  [[nodiscard]] SfError fail_args() const;
  /// Throws fail_args() unless lo <= argc <= hi.
  void need(std::size_t lo, std::size_t hi) const;
  /// Compiles argument i in the call's scope.
  CExpr arg(std::size_t i);
  /// An expression of SQL text and type, aggregate/window when any of `from` is.
  static CExpr make(std::string sql, SfType type, std::initializer_list<const CExpr*> from = {});
  static bool any_nullable(std::initializer_list<const CExpr*> xs);
  /// A VARCHAR literal (not nullable).
  CExpr text_literal(const std::string& text);
  /// A date/time part given as an identifier (DATEADD(day, ...)) or a string ('day').
  std::string part_arg(std::size_t i);
  /// Appends the call's OVER (...) clause when it has one.
  CExpr with_window(CExpr out);
  /// Argument i as text known at compile time: a string literal or a bound value; nullopt for
  /// anything else (including a NULL or an array binding).
  std::optional<std::string> constant_text(std::size_t i) const;
  /// Text read as TIMESTAMP_NTZ; other values unchanged.
  CExpr temporal_source(CExpr x);

  // The compiler's operations, under their own names.
  CExpr compile_expr(const Expr& x, Compiler::Scope& sc) { return c.compile_expr(x, sc); }
  CExpr compile_comparison(const std::string& op, CExpr a, CExpr b) {
    return c.compile_comparison(op, std::move(a), std::move(b));
  }
  CExpr coerce(const CExpr& x, const SfType& to) { return c.coerce(x, to); }
  CExpr cast_to(const CExpr& x, const SfType& to, bool try_cast = false) {
    return c.cast_to(x, to, try_cast);
  }
  CExpr to_text(const CExpr& x) { return c.to_text(x); }
  CExpr to_number(const CExpr& x) { return c.to_number(x); }
  CExpr to_boolean(const CExpr& x) { return c.to_boolean(x); }
  CExpr to_json(const CExpr& x) { return c.to_json(x); }
  CExpr literal(const Val& v, const SfType& t) { return c.literal(v, t); }
  std::string window_sql(const WindowSpec& w, Compiler::Scope& sc) { return c.window_sql(w, sc); }
  std::string order_sql(const std::vector<OrderItem>& items, Compiler::Scope& sc) {
    return c.order_sql(items, sc);
  }
  int next_id() { return c.next_id(); }
};

using FnCompiler = CExpr (*)(FnCall&);
using FnTable = std::unordered_map<std::string, FnCompiler>;

/// Registers `Family::*Method` under each name; the first registration of a name wins.
template <class Family, CExpr (Family::*Method)()>
void add(FnTable& table, std::initializer_list<const char*> names) {
  FnCompiler fn = [](FnCall& call) {
    Family family{call};
    return (family.*Method)();
  };
  for (const char* n : names) table.emplace(n, fn);
}

inline std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// The families, in the order they are registered.
void add_context_functions(FnTable& table);
void add_conditional_functions(FnTable& table);
void add_aggregate_functions(FnTable& table);
void add_numeric_functions(FnTable& table);
void add_string_functions(FnTable& table);
void add_datetime_functions(FnTable& table);
void add_semistructured_functions(FnTable& table);

/// DATE_TRUNC / TRUNC(date, part) / TIME_SLICE (compiler_fn_datetime.cpp), for TRUNC's dispatch.
CExpr compile_date_trunc(FnCall& call);
/// GET_DDL's text (compiler_dml.cpp).
std::string compile_get_ddl(Compiler& c, const std::string& kind, const std::string& name);

}  // namespace mock_snowflake::engine
