// compiler_expr.cpp — expressions: literals, columns, bind parameters, variables, CASE, BETWEEN,
// IN, subqueries, IS [NOT] NULL / DISTINCT FROM, and ARRAY/OBJECT constructors.
#include "engine/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/errors.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

CExpr Compiler::compile_column(const Expr& e, Scope& scope) {
  const auto& names = e.names;
  std::string col_name = names.back().name;
  for (Scope* s = &scope; s != nullptr; s = s->parent) {
    const Column* found = nullptr;
    int matches = 0;
    for (const auto& rel : s->relations) {
      bool rel_ok = true;
      if (names.size() == 2) rel_ok = rel.alias == names[0].name;
      if (names.size() == 3) {
        rel_ok = !rel.alias_explicit && rel.schema == names[0].name && rel.table == names[1].name;
      }
      if (names.size() == 4) {
        rel_ok = !rel.alias_explicit && rel.database == names[0].name &&
                 rel.schema == names[1].name && rel.table == names[2].name;
      }
      if (!rel_ok) continue;
      for (const auto& c : rel.columns) {
        if (c.name != col_name) continue;
        if (c.hidden && names.size() == 1) continue;
        if (!found) found = &c;
        ++matches;
      }
    }
    if (matches > 1 && names.size() == 1) {
      throw SfError(ambiguous_column(e.pos.line, e.pos.column, col_name));
    }
    if (found) {
      CExpr out;
      out.sql = found->sql;
      out.type = found->type;
      out.database = found->database;
      out.schema = found->schema;
      out.table = found->table;
      return out;
    }
    // A select-list alias of this query level (lateral column alias).
    if (names.size() == 1 && s->aliases) {
      for (const auto& a : *s->aliases) {
        if (a.name == col_name) {
          CExpr out = a.expr;
          out.database.clear();
          out.schema.clear();
          out.table.clear();
          if (!out.constant) out.sql = "(" + out.sql + ")";
          return out;
        }
      }
    }
  }
  // seq.NEXTVAL
  if (names.size() >= 2 && names.back().name == "NEXTVAL" && !names.back().quoted &&
      env_.sequences) {
    std::vector<Ident> seq(names.begin(), names.end() - 1);
    ResolvedName r = resolve_name(seq, "SELECT");
    std::string key = SequenceRegistry::key(r.database, r.schema, r.name);
    if (env_.sequences->exists(key)) {
      CExpr out;
      out.sql = "sf_nextval(" + quote_string(key) + ")";
      out.type = SfType::fixed(38, 0, false);
      return out;
    }
  }
  throw SfError(invalid_identifier(e.pos.line, e.pos.column, display_name(names)));
}

CExpr Compiler::compile_param(const Expr& e) {
  std::string key = e.text;
  const Bind* bind = nullptr;
  if (env_.bindings) {
    auto it = env_.bindings->find(key);
    if (it != env_.bindings->end()) bind = &it->second;
  }
  if (!bind) {
    std::string shown = e.param_index > 0 ? "?" : ":" + key;
    throw SfError("002049", "42601",
                  "SQL compilation error: error line " + std::to_string(e.pos.line) +
                      " at position " + std::to_string(e.pos.column) + "\nBind variable " + shown +
                      " not set.");
  }
  std::size_t index = 0;
  for (; index < param_keys_.size(); ++index) {
    if (param_keys_[index] == key) break;
  }
  if (index == param_keys_.size()) param_keys_.push_back(key);
  CExpr out;
  out.sql = "?" + std::to_string(index + 1);
  std::string type = bind->type;
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::optional<std::string> first;
  bool any_null = false;
  for (const auto& v : bind->values) {
    if (!v) {
      any_null = true;
    } else if (!first) {
      first = v;
    }
  }
  if (type == "FIXED") {
    int digits = 1;
    int scale = 0;
    if (first) {
      auto dot = first->find('.');
      std::string whole = first->substr(0, dot);
      digits = 0;
      for (char c : whole) digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      if (dot != std::string::npos) scale = static_cast<int>(first->size() - dot - 1);
      digits = std::max(1, digits + scale);
    }
    out.type = SfType::fixed(std::min(38, digits), scale);
  } else if (type == "REAL" || type == "DECFLOAT") {
    out.type = SfType::real();
  } else if (type == "TEXT") {
    out.type =
        SfType::text(first ? std::max<std::int64_t>(1, utf8_length(*first)) : kMaxVarcharLength);
  } else if (type == "BINARY") {
    out.type = SfType::binary(
        first ? std::max<std::int64_t>(1, static_cast<std::int64_t>(first->size() / 2))
              : kMaxBinaryLength);
  } else if (type == "BOOLEAN") {
    out.type = SfType::of(TypeKind::boolean);
  } else if (type == "DATE") {
    out.type = SfType::of(TypeKind::date);
  } else if (type == "TIME") {
    out.type = SfType::temporal(TypeKind::time);
  } else if (type == "TIMESTAMP_NTZ") {
    out.type = SfType::temporal(TypeKind::timestamp_ntz);
  } else if (type == "TIMESTAMP_LTZ") {
    out.type = SfType::temporal(TypeKind::timestamp_ltz);
  } else if (type == "TIMESTAMP_TZ") {
    out.type = SfType::temporal(TypeKind::timestamp_tz);
  } else {
    out.type = SfType::text();
  }
  out.type.nullable = any_null || !first;
  return out;
}

CExpr Compiler::compile_standalone(const Expr& e) {
  Scope scope;
  return compile_expr(e, scope);
}

CExpr Compiler::compile_expr(const Expr& e, Scope& scope) {
  switch (e.kind) {
    case ExprKind::number:
      return compile_number_literal(e, scope);
    case ExprKind::string:
      return literal(Val::text(e.text),
                     SfType::text(std::max<std::int64_t>(1, utf8_length(e.text)), false));
    case ExprKind::boolean:
      return literal(Val::integer(e.text == "TRUE" ? 1 : 0), SfType::of(TypeKind::boolean, false));
    case ExprKind::null:
      return literal(Val::null(), SfType::of(TypeKind::null, true));
    case ExprKind::typed_literal: {
      auto type = parse_type_name(e.type_name);
      CExpr s = literal(Val::text(e.text),
                        SfType::text(std::max<std::int64_t>(1, utf8_length(e.text)), false));
      return cast_to(s, type.value_or(SfType::text()));
    }
    case ExprKind::interval:
      throw SfError(compilation_error(
          "An INTERVAL can only be added to or subtracted from a date or timestamp"));
    case ExprKind::column:
      return compile_column(e, scope);
    case ExprKind::star:
      throw SfError(syntax_error(e.pos.line, e.pos.column, "*"));
    case ExprKind::param:
      return compile_param(e);
    case ExprKind::variable:
      return compile_variable(e, scope);
    case ExprKind::unary:
      return compile_unary(e, scope);
    case ExprKind::binary:
      return compile_binary(e, scope);
    case ExprKind::function:
      return compile_function(e, scope);
    case ExprKind::cast:
      return compile_cast(e, scope);
    case ExprKind::case_when:
      return compile_case(e, scope);
    case ExprKind::between:
      return compile_between(e, scope);
    case ExprKind::in_list:
      return compile_in_list(e, scope);
    case ExprKind::in_query:
      return compile_in_query(e, scope);
    case ExprKind::exists:
      return compile_exists(e, scope);
    case ExprKind::scalar_query:
      return compile_scalar_query(e, scope);
    case ExprKind::is_null:
      return compile_is_null(e, scope);
    case ExprKind::is_distinct:
      return compile_is_distinct(e, scope);
    case ExprKind::like:
      return compile_like(e, scope);
    case ExprKind::path:
      return compile_path(e, scope);
    case ExprKind::array:
      return compile_array_constructor(e, scope);
    case ExprKind::object:
      return compile_object_constructor(e, scope);
    case ExprKind::lambda:
      throw SfError(compilation_error("A lambda expression is only valid as a function argument"));
  }
  throw SfError(internal_error("unknown expression"));
}

CExpr Compiler::compile_number_literal(const Expr& e, Scope& /*scope*/) {
  const std::string& t = e.text;
  bool negative = !t.empty() && t[0] == '-';
  std::string digits = negative ? t.substr(1) : t;
  if (digits.find_first_of("eE") != std::string::npos) {
    return literal(Val::real(std::strtod(t.c_str(), nullptr)), SfType::real(false));
  }
  auto dot = digits.find('.');
  std::string whole = dot == std::string::npos ? digits : digits.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  std::size_t z = 0;
  while (z < whole.size() && whole[z] == '0') ++z;
  whole.erase(0, z);
  int scale = static_cast<int>(frac.size());
  int precision = std::max<int>(1, static_cast<int>(whole.size() + frac.size()));
  if (precision > 38) {
    return literal(Val::real(std::strtod(t.c_str(), nullptr)), SfType::real(false));
  }
  auto v = parse_number_text(t, false);
  Val value = v ? *v : Val::real(std::strtod(t.c_str(), nullptr));
  if (scale > 0) {
    // Up to 15 significant digits a double is exact enough; beyond, keep the decimal text.
    value = precision > 15 ? Val::text(t) : Val::real(std::strtod(t.c_str(), nullptr));
  }
  return literal(value, SfType::fixed(precision, scale, false));
}

CExpr Compiler::compile_variable(const Expr& e, Scope& scope) {
  if (!e.text.empty() && std::all_of(e.text.begin(), e.text.end(), [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch));
      })) {
    // $n: the n-th column of the FROM clause.
    std::size_t n = static_cast<std::size_t>(std::atol(e.text.c_str()));
    std::size_t k = 0;
    for (const auto& rel : scope.relations) {
      for (const auto& col : rel.columns) {
        if (col.hidden) continue;
        if (++k == n) {
          CExpr out;
          out.sql = col.sql;
          out.type = col.type;
          return out;
        }
      }
    }
    throw SfError(invalid_identifier(e.pos.line, e.pos.column, "$" + e.text));
  }
  auto it = env_.variables.find(e.text);
  if (it == env_.variables.end()) {
    throw SfError("002211", "02000",
                  "SQL compilation error: error line " + std::to_string(e.pos.line) +
                      " at position " + std::to_string(e.pos.column) + "\nSession variable '$" +
                      e.text + "' does not exist");
  }
  CExpr out;
  out.sql = it->second;
  out.type = env_.variable_types.count(e.text) ? env_.variable_types[e.text] : SfType::text();
  return out;
}

CExpr Compiler::compile_unary(const Expr& e, Scope& scope) {
  CExpr a = compile_expr(*e.args[0], scope);
  if (e.op == "NOT") {
    CExpr b = to_boolean(a);
    CExpr out;
    out.sql = "(NOT " + b.sql + ")";
    out.type = SfType::of(TypeKind::boolean, b.type.nullable);
    out.aggregate = a.aggregate;
    out.window = a.window;
    return out;
  }
  CExpr n = to_number(a);
  CExpr out = n;
  out.constant.reset();
  out.database.clear();
  out.schema.clear();
  out.table.clear();
  out.sql = e.op == "-" ? "(-" + n.sql + ")" : n.sql;
  return out;
}

CExpr Compiler::compile_case(const Expr& e, Scope& scope) {
  std::optional<CExpr> operand;
  if (e.args[0]) operand = compile_expr(*e.args[0], scope);
  std::vector<CExpr> whens;
  std::vector<CExpr> thens;
  SfType result = SfType::of(TypeKind::null);
  bool first = true;
  bool aggregate = operand && operand->aggregate;
  bool window = operand && operand->window;
  for (std::size_t i = 0; i < e.whens.size(); ++i) {
    CExpr w = compile_expr(*e.whens[i], scope);
    if (operand) {
      w = compile_comparison("=", *operand, w);
    } else {
      w = to_boolean(w);
    }
    CExpr th = compile_expr(*e.thens[i], scope);
    result = first ? th.type : common_type(result, th.type);
    first = false;
    aggregate = aggregate || w.aggregate || th.aggregate;
    window = window || w.window || th.window;
    whens.push_back(std::move(w));
    thens.push_back(std::move(th));
  }
  std::optional<CExpr> else_expr;
  if (e.else_expr) {
    else_expr = compile_expr(*e.else_expr, scope);
    result = common_type(result, else_expr->type);
    aggregate = aggregate || else_expr->aggregate;
    window = window || else_expr->window;
  } else {
    result.nullable = true;
  }
  std::string sql = "CASE";
  for (std::size_t i = 0; i < whens.size(); ++i) {
    sql += " WHEN " + whens[i].sql + " THEN " + coerce(thens[i], result).sql;
  }
  if (else_expr) sql += " ELSE " + coerce(*else_expr, result).sql;
  sql += " END";
  CExpr out;
  out.sql = sql;
  out.type = result.kind == TypeKind::null ? SfType::of(TypeKind::null) : result;
  out.aggregate = aggregate;
  out.window = window;
  return out;
}

CExpr Compiler::compile_between(const Expr& e, Scope& scope) {
  CExpr v = compile_expr(*e.args[0], scope);
  CExpr lo = compile_expr(*e.args[1], scope);
  CExpr hi = compile_expr(*e.args[2], scope);
  CExpr a = compile_comparison(">=", v, lo);
  CExpr b = compile_comparison("<=", v, hi);
  CExpr out;
  out.sql = std::string("(") + (e.negated ? "NOT " : "") + "(" + a.sql + " AND " + b.sql + "))";
  out.type = SfType::of(TypeKind::boolean, v.type.nullable || lo.type.nullable || hi.type.nullable);
  out.aggregate = v.aggregate || lo.aggregate || hi.aggregate;
  out.window = v.window || lo.window || hi.window;
  return out;
}

CExpr Compiler::compile_in_list(const Expr& e, Scope& scope) {
  CExpr v = compile_expr(*e.args[0], scope);
  std::string list;
  bool nullable = v.type.nullable;
  bool aggregate = v.aggregate;
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    CExpr item = compile_expr(*e.args[i], scope);
    nullable = nullable || item.type.nullable;
    aggregate = aggregate || item.aggregate;
    // Convert the item to the value's type (as the comparison would).
    CExpr cmp = compile_comparison("=", v, item);
    (void)cmp;
    SfType target = v.type;
    if (v.type.kind == TypeKind::text && item.type.kind != TypeKind::text &&
        item.type.kind != TypeKind::null) {
      target = item.type;
    }
    CExpr conv = item.type.kind == target.kind ? item : coerce(item, target);
    list += (i > 1 ? ", " : "") + conv.sql;
  }
  CExpr value = v;
  if (e.args.size() > 1) {
    CExpr first_item = compile_expr(*e.args[1], scope);
    if (v.type.kind == TypeKind::text && first_item.type.kind != TypeKind::text &&
        first_item.type.kind != TypeKind::null) {
      value = coerce(v, first_item.type);
    }
  }
  CExpr out;
  out.sql = "(" + value.sql + (e.negated ? " NOT IN (" : " IN (") + list + "))";
  out.type = SfType::of(TypeKind::boolean, nullable);
  out.aggregate = aggregate;
  return out;
}

CExpr Compiler::compile_in_query(const Expr& e, Scope& scope) {
  CExpr v = compile_expr(*e.args[0], scope);
  CompiledQuery cq = compile_subquery(*e.query, &scope);
  if (cq.columns.size() != 1) {
    throw SfError(compilation_error("Subquery in IN must return exactly one column"));
  }
  CExpr col;
  col.sql = "\"_in\".\"c1\"";
  col.type = cq.columns[0].type;
  CExpr out;
  out.type = SfType::of(TypeKind::boolean, true);
  out.aggregate = v.aggregate;
  if (e.op == "=" && e.quantifier == "ANY") {
    CExpr conv = cq.columns[0].type.kind == v.type.kind ? col : coerce(col, v.type);
    out.sql = "(" + v.sql + (e.negated ? " NOT IN (" : " IN (") + "SELECT " + conv.sql + " FROM (" +
              cq.sql + ") AS \"_in\"))";
    return out;
  }
  CExpr cmp = compile_comparison(e.op, v, col);
  if (e.quantifier == "ALL") {
    out.sql = "(NOT EXISTS (SELECT 1 FROM (" + cq.sql + ") AS \"_in\" WHERE NOT coalesce(" +
              cmp.sql + ", 0)))";
  } else {
    out.sql = "(EXISTS (SELECT 1 FROM (" + cq.sql + ") AS \"_in\" WHERE " + cmp.sql + "))";
  }
  if (e.negated) out.sql = "(NOT " + out.sql + ")";
  return out;
}

CExpr Compiler::compile_exists(const Expr& e, Scope& scope) {
  CompiledQuery cq = compile_subquery(*e.query, &scope);
  CExpr out;
  out.sql = std::string("(") + (e.negated ? "NOT " : "") + "EXISTS (" + cq.sql + "))";
  out.type = SfType::of(TypeKind::boolean, false);
  return out;
}

CExpr Compiler::compile_scalar_query(const Expr& e, Scope& scope) {
  CompiledQuery cq = compile_subquery(*e.query, &scope);
  if (cq.columns.size() != 1) {
    throw SfError(compilation_error("Subquery must return exactly one column"));
  }
  CExpr out;
  out.sql = "(SELECT \"c1\" FROM (" + cq.sql + "))";
  out.type = cq.columns[0].type;
  out.type.nullable = true;
  return out;
}

CExpr Compiler::compile_is_null(const Expr& e, Scope& scope) {
  CExpr a = compile_expr(*e.args[0], scope);
  CExpr out;
  out.sql = "(" + a.sql + (e.negated ? " IS NOT NULL)" : " IS NULL)");
  out.type = SfType::of(TypeKind::boolean, false);
  out.aggregate = a.aggregate;
  out.window = a.window;
  return out;
}

CExpr Compiler::compile_is_distinct(const Expr& e, Scope& scope) {
  CExpr a = compile_expr(*e.args[0], scope);
  CExpr b = compile_expr(*e.args[1], scope);
  CExpr eq = compile_comparison("=", a, b);  // for the coercions
  std::string lhs = eq.sql.substr(1, eq.sql.size() - 2);
  auto pos = lhs.find(" = ");
  CExpr out;
  out.sql =
      "(" + lhs.substr(0, pos) + (e.negated ? " IS " : " IS NOT ") + lhs.substr(pos + 3) + ")";
  out.type = SfType::of(TypeKind::boolean, false);
  out.aggregate = a.aggregate || b.aggregate;
  return out;
}

CExpr Compiler::compile_array_constructor(const Expr& e, Scope& scope) {
  std::vector<std::string> items;
  bool aggregate = false;
  for (std::size_t i = 0; i < e.args.size(); ++i) {
    CExpr a = to_json(compile_expr(*e.args[i], scope));
    aggregate = aggregate || a.aggregate;
    items.push_back(a.sql);
  }
  CExpr out;
  out.sql = chunked_call("sf_array_construct", "", items, 1, "sf_array_concat");
  out.type = SfType::of(TypeKind::array, false);
  out.aggregate = aggregate;
  return out;
}

CExpr Compiler::compile_object_constructor(const Expr& e, Scope& scope) {
  std::vector<std::string> items;
  bool aggregate = false;
  for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
    CExpr k = to_text(compile_expr(*e.args[i], scope));
    CExpr v = to_json(compile_expr(*e.args[i + 1], scope));
    aggregate = aggregate || k.aggregate || v.aggregate;
    items.push_back(k.sql + ", " + v.sql);
  }
  CExpr out;
  out.sql = chunked_call("sf_object_construct", "0", items, 2, "sf_object_merge");
  out.type = SfType::of(TypeKind::object, false);
  out.aggregate = aggregate;
  return out;
}

}  // namespace mock_snowflake::engine
