// compiler_operators.cpp — operators (comparisons, arithmetic with Snowflake's NUMBER rules,
// intervals, ||), conversions between types, casts, `:` paths, LIKE and window clauses.
#include "engine/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/errors.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

// ---- operators -------------------------------------------------------------------------------

namespace {

bool comparable_same(const SfType& a, const SfType& b) {
  if (a.kind == b.kind) return true;
  if (a.is_numeric() && b.is_numeric()) return true;
  return a.kind == TypeKind::null || b.kind == TypeKind::null;
}

// Parses an INTERVAL literal ('1 day', '2 hours 30 minutes', '3 months') into (part, amount).
std::vector<std::pair<std::string, std::int64_t>> parse_interval(const std::string& text) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ','))
      ++i;
    if (i >= text.size()) break;
    bool negative = false;
    if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
    std::int64_t n = 0;
    bool any = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i++] - '0');
      any = true;
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++]))));
    }
    if (!any) n = 1;
    if (unit.empty()) unit = "SECOND";
    out.emplace_back(unit, negative ? -n : n);
  }
  return out;
}

}  // namespace

CExpr Compiler::compile_comparison(const std::string& op, CExpr a, CExpr b) {
  if (!comparable_same(a.type, b.type)) {
    const SfType& ta = a.type;
    const SfType& tb = b.type;
    if (ta.kind == TypeKind::text) {
      a = coerce(a, tb);
    } else if (tb.kind == TypeKind::text) {
      b = coerce(b, ta);
    } else if (ta.is_semi_structured() && !tb.is_semi_structured()) {
      a = coerce(a, tb);
    } else if (tb.is_semi_structured() && !ta.is_semi_structured()) {
      b = coerce(b, ta);
    } else if (ta.kind == TypeKind::date && tb.is_timestamp()) {
      a = coerce(a, tb);
    } else if (tb.kind == TypeKind::date && ta.is_timestamp()) {
      b = coerce(b, ta);
    } else if (ta.is_timestamp() && tb.is_timestamp()) {
      SfType ltz = SfType::temporal(TypeKind::timestamp_ltz);
      a = coerce(a, ltz);
      b = coerce(b, ltz);
    } else if (ta.kind == TypeKind::boolean && tb.is_numeric()) {
      b = to_boolean(b);
    } else if (tb.kind == TypeKind::boolean && ta.is_numeric()) {
      a = to_boolean(a);
    }
  } else if (a.type.kind == TypeKind::timestamp_tz && b.type.kind == TypeKind::timestamp_tz &&
             (op == "=" || op == "<>")) {
    // Equal instants with different offsets are equal.
    SfType ltz = SfType::temporal(TypeKind::timestamp_ltz);
    a = coerce(a, ltz);
    b = coerce(b, ltz);
  }
  CExpr out;
  out.sql = "(" + a.sql + " " + op + " " + b.sql + ")";
  out.type = SfType::of(TypeKind::boolean, a.type.nullable || b.type.nullable);
  out.aggregate = a.aggregate || b.aggregate;
  out.window = a.window || b.window;
  return out;
}

CExpr Compiler::compile_binary(const Expr& e, Scope& scope) {
  const std::string& op = e.op;
  if (op == "AND" || op == "OR") {
    CExpr a = to_boolean(compile_expr(*e.args[0], scope));
    CExpr b = to_boolean(compile_expr(*e.args[1], scope));
    CExpr out;
    out.sql = "(" + a.sql + " " + op + " " + b.sql + ")";
    out.type = SfType::of(TypeKind::boolean, a.type.nullable || b.type.nullable);
    out.aggregate = a.aggregate || b.aggregate;
    out.window = a.window || b.window;
    return out;
  }
  // date/timestamp +/- INTERVAL
  if ((op == "+" || op == "-") && e.args[1]->kind == ExprKind::interval) {
    CExpr a = compile_expr(*e.args[0], scope);
    if (a.type.kind == TypeKind::text) a = coerce(a, SfType::temporal(TypeKind::timestamp_ntz));
    SfType result = a.type;
    std::string sql = a.sql;
    for (const auto& [unit, amount] : parse_interval(e.args[1]->text)) {
      std::int64_t n = op == "-" ? -amount : amount;
      bool time_unit = unit.rfind("HOUR", 0) == 0 || unit.rfind("MINUTE", 0) == 0 ||
                       unit.rfind("SECOND", 0) == 0 || unit.rfind("MILLI", 0) == 0 ||
                       unit.rfind("MICRO", 0) == 0 || unit.rfind("NANO", 0) == 0 || unit == "H" ||
                       unit == "M" || unit == "S" || unit == "MS" || unit == "NS";
      if (result.kind == TypeKind::date && time_unit) {
        sql = "sf_cast(" + sql + ", 'D', 'W9')";
        result = SfType::temporal(TypeKind::timestamp_ntz);
      }
      sql = "sf_dateadd(" + quote_string(unit) + ", " + std::to_string(n) + ", " + sql + ", '" +
            type_spec(result) + "')";
    }
    CExpr out;
    out.sql = sql;
    out.type = result;
    out.aggregate = a.aggregate;
    return out;
  }
  CExpr a = compile_expr(*e.args[0], scope);
  CExpr b = compile_expr(*e.args[1], scope);
  bool aggregate = a.aggregate || b.aggregate;
  bool window = a.window || b.window;
  bool nullable = a.type.nullable || b.type.nullable;
  if (op == "=" || op == "<>" || op == "<" || op == ">" || op == "<=" || op == ">=") {
    return compile_comparison(op, a, b);
  }
  CExpr out;
  out.aggregate = aggregate;
  out.window = window;
  if (op == "||") {
    CExpr ta = to_text(a);
    CExpr tb = to_text(b);
    out.sql = "(" + ta.sql + " || " + tb.sql + ")";
    out.type = SfType::text(
        std::min<std::int64_t>(kMaxVarcharLength, ta.type.length + tb.type.length), nullable);
    return out;
  }
  // Date arithmetic.
  const SfType& ta = a.type;
  const SfType& tb = b.type;
  if ((op == "+" || op == "-") && ta.kind == TypeKind::date &&
      (tb.is_numeric() || tb.kind == TypeKind::text)) {
    CExpr n = to_number(b);
    out.sql = "(" + a.sql + " " + op + " CAST(" + n.sql + " AS INTEGER))";
    out.type = SfType::of(TypeKind::date, nullable);
    return out;
  }
  if (op == "+" && tb.kind == TypeKind::date && ta.is_numeric()) {
    out.sql = "(" + b.sql + " + CAST(" + a.sql + " AS INTEGER))";
    out.type = SfType::of(TypeKind::date, nullable);
    return out;
  }
  if (op == "-" && ta.kind == TypeKind::date && tb.kind == TypeKind::date) {
    out.sql = "(" + a.sql + " - " + b.sql + ")";
    out.type = SfType::fixed(9, 0, nullable);
    return out;
  }
  if ((op == "+" || op == "-") && ta.is_timestamp() && tb.is_numeric()) {
    CExpr n = to_number(b);
    out.sql = "sf_dateadd('DAY', " + std::string(op == "-" ? "-" : "") + "(" + n.sql + "), " +
              a.sql + ", '" + type_spec(ta) + "')";
    out.type = ta;
    out.type.nullable = nullable;
    return out;
  }
  if (op == "-" && ta.is_timestamp() && tb.is_timestamp()) {
    out.sql = "sf_datediff('DAY', " + b.sql + ", '" + type_spec(tb) + "', " + a.sql + ", '" +
              type_spec(ta) + "')";
    out.type = SfType::fixed(18, 0, nullable);
    return out;
  }
  CExpr na = to_number(a);
  CExpr nb = to_number(b);
  const SfType& x = na.type;
  const SfType& y = nb.type;
  bool fixed = x.kind == TypeKind::fixed && y.kind == TypeKind::fixed;
  int l1 = x.precision - x.scale;
  int l2 = y.precision - y.scale;
  // Integers that may outgrow int64 are computed exactly (SQLite would turn them into doubles).
  auto exact = [&](const char* fn, int precision) {
    return fixed && x.scale == 0 && y.scale == 0 && precision > 18
               ? std::string(fn) + "(" + na.sql + ", " + nb.sql + ")"
               : std::string();
  };
  if (op == "+" || op == "-") {
    out.sql = "(" + na.sql + " " + op + " " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, y.scale);
      int l = std::max(l1, l2) + 1;
      out.type = SfType::fixed(std::min(38, l + s), s, nullable);
      std::string e2 = exact(op == "+" ? "sf_exact_add" : "sf_exact_sub", l + s);
      if (!e2.empty()) out.sql = e2;
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "*") {
    out.sql = "(" + na.sql + " * " + nb.sql + ")";
    if (fixed) {
      int s = std::min(x.scale + y.scale, std::max({x.scale, y.scale, 12}));
      int l = l1 + l2;
      out.type = SfType::fixed(std::min(38, l + s), s, nullable);
      std::string e2 = exact("sf_exact_mul", l + s);
      if (!e2.empty()) out.sql = e2;
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "/") {
    out.sql = "sf_div(" + na.sql + ", " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, std::min(x.scale + 6, 12));
      int l = l1 + y.scale;
      out.type = SfType::fixed(std::min(38, std::max(1, l + s)), s, nullable);
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "%") {
    out.sql = "sf_mod(" + na.sql + ", " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, y.scale);
      out.type = SfType::fixed(std::min(38, std::max(l1, l2) + s), s, nullable);
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  throw SfError(internal_error("unknown operator " + op));
}

// ---- conversions -----------------------------------------------------------------------------

CExpr Compiler::cast_to(const CExpr& e, const SfType& to, bool try_cast) {
  SfType target = to;
  target.nullable = e.type.nullable || try_cast;
  if (e.constant) {
    try {
      Val v = cast_value(*e.constant, e.type.kind == TypeKind::null ? SfType::text() : e.type, to,
                         env_.values);
      CExpr out = literal(v, target);
      out.type.nullable = v.is_null();
      return out;
    } catch (const SfError&) {
      if (try_cast) return literal(Val::null(), target);
      // Keep the error for run time, where Snowflake reports it too.
    }
  }
  CExpr out;
  out.aggregate = e.aggregate;
  out.window = e.window;
  out.type = target;
  if (e.type.kind == TypeKind::null) {
    out.sql = e.sql;
    return out;
  }
  bool noop = false;
  if (e.type.kind == to.kind) {
    switch (to.kind) {
      case TypeKind::fixed:
        noop = to.scale >= e.type.scale &&
               (to.precision - to.scale) >= (e.type.precision - e.type.scale);
        break;
      case TypeKind::text:
        noop = to.length >= e.type.length || true;
        break;
      case TypeKind::time:
      case TypeKind::timestamp_ntz:
      case TypeKind::timestamp_ltz:
      case TypeKind::timestamp_tz:
        noop = to.scale >= e.type.scale;
        break;
      default:
        noop = true;
    }
  }
  if (noop) {
    out.sql = e.sql;
    return out;
  }
  out.sql = std::string(try_cast ? "sf_try_cast(" : "sf_cast(") + e.sql + ", '" +
            type_spec(e.type) + "', '" + type_spec(to) + "')";
  return out;
}

CExpr Compiler::assign_to(const CExpr& e, const SfType& column) {
  CExpr out = e.type.kind == column.kind ? coerce(e, column) : cast_to(e, column);
  bool limited = (column.kind == TypeKind::text && column.length < kMaxVarcharLength) ||
                 (column.kind == TypeKind::binary && column.length < kMaxBinaryLength);
  if (limited && (e.type.kind != column.kind || e.type.length > column.length)) {
    out.sql = "sf_check_length(" + out.sql + ", " + std::to_string(column.length) + ")";
  }
  out.type = column;
  out.type.nullable = e.type.nullable;
  return out;
}

CExpr Compiler::coerce(const CExpr& e, const SfType& to) {
  if (to.kind == TypeKind::null) return e;
  if (e.type.kind == to.kind) {
    CExpr out = e;
    if (to.kind == TypeKind::fixed && to.scale < e.type.scale) return cast_to(e, to);
    return out;
  }
  if (e.type.is_numeric() && to.is_numeric()) {
    CExpr out = e;
    out.type = to;
    out.type.nullable = e.type.nullable;
    if (to.kind == TypeKind::fixed) return cast_to(e, to);
    return out;
  }
  return cast_to(e, to);
}

CExpr Compiler::to_text(const CExpr& e) {
  if (e.type.kind == TypeKind::text) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::text();
    return out;
  }
  SfType t = SfType::text();
  if (e.type.kind == TypeKind::fixed) t.length = e.type.precision + 2;
  CExpr out = cast_to(e, SfType::text());
  out.type.length = t.length;
  return out;
}

CExpr Compiler::to_number(const CExpr& e) {
  if (e.type.is_numeric()) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::fixed(38, 0);
    return out;
  }
  if (e.constant && e.type.kind == TypeKind::text) {
    auto n = parse_number_text(e.constant->s, true);
    if (!n) throw SfError(numeric_not_recognized(e.constant->s));
    if (n->t == Val::T::real) {
      std::string t = e.constant->s;
      auto dot = t.find('.');
      int scale = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
      if (t.find_first_of("eE") == std::string::npos && scale <= 37) {
        return literal(*n, SfType::fixed(38, scale, false));
      }
      return literal(*n, SfType::real(false));
    }
    return literal(*n, SfType::fixed(38, 0, false));
  }
  if (e.type.kind == TypeKind::boolean) return cast_to(e, SfType::fixed(1, 0));
  return cast_to(e, SfType::real());
}

CExpr Compiler::to_boolean(const CExpr& e) {
  if (e.type.kind == TypeKind::boolean) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::of(TypeKind::boolean);
    return out;
  }
  return cast_to(e, SfType::of(TypeKind::boolean));
}

CExpr Compiler::to_json(const CExpr& e) {
  if (e.type.is_json()) return e;
  if (e.constant) {
    JsonValue j = value_to_json(*e.constant, e.type, env_.values);
    if (j.kind == JsonValue::Kind::undefined)
      return literal(Val::null(), SfType::of(TypeKind::variant));
    return literal(Val::text(json_compact(j)), SfType::of(TypeKind::variant, false));
  }
  CExpr out;
  out.sql = "sf_to_json(" + e.sql + ", '" + type_spec(e.type) + "')";
  out.type = SfType::of(TypeKind::variant, e.type.nullable);
  out.aggregate = e.aggregate;
  out.window = e.window;
  return out;
}

CExpr Compiler::compile_cast(const Expr& e, Scope& scope) {
  CExpr a = compile_expr(*e.args[0], scope);
  auto type = parse_type_name(e.type_name);
  if (!type) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + e.type_name + "'.");
  }
  if (type->kind == TypeKind::text && e.type_name.find('(') == std::string::npos &&
      type->length == kMaxVarcharLength) {
    // Snowflake reports text it computes with the largest length (a column keeps 16777216).
    type->length = kComputedVarcharLength;
  }
  CExpr out = cast_to(a, *type, e.try_cast);
  // Snowflake reports a cast to VECTOR as nullable whatever its operand.
  if (type->kind == TypeKind::vector) out.type.nullable = true;
  out.database.clear();
  out.schema.clear();
  out.table.clear();
  return out;
}

CExpr Compiler::compile_path(const Expr& e, Scope& scope) {
  CExpr base = compile_expr(*e.args[0], scope);
  if (!base.type.is_json()) {
    if (base.type.kind == TypeKind::text) {
      base.sql = "sf_parse_json(" + base.sql + ")";
      base.type = SfType::of(TypeKind::variant);
    } else {
      throw SfError("000904", "42000",
                    "SQL compilation error: error line " + std::to_string(e.pos.line) +
                        " at position " + std::to_string(e.pos.column) +
                        "\ninvalid type for a path expression");
    }
  }
  std::string sql = base.sql;
  bool aggregate = base.aggregate;
  for (const auto& step : e.path) {
    if (step.is_index) {
      CExpr idx = compile_expr(*step.index, scope);
      aggregate = aggregate || idx.aggregate;
      sql = "sf_get(" + sql + ", " + idx.sql + ")";
    } else {
      sql = "sf_get(" + sql + ", " + quote_string(step.field) + ")";
    }
  }
  CExpr out;
  out.sql = sql;
  out.type = SfType::of(TypeKind::variant, true);
  out.aggregate = aggregate;
  return out;
}

CExpr Compiler::compile_like(const Expr& e, Scope& scope) {
  CExpr v = to_text(compile_expr(*e.args[0], scope));
  std::string escape = "NULL";
  if (e.else_expr) escape = to_text(compile_expr(*e.else_expr, scope)).sql;
  std::vector<std::string> terms;
  bool nullable = v.type.nullable;
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    CExpr p = to_text(compile_expr(*e.args[i], scope));
    nullable = nullable || p.type.nullable;
    if (e.op == "RLIKE") {
      terms.push_back("sf_rlike(" + v.sql + ", " + p.sql + ", 'c')");
    } else {
      terms.push_back("sf_like(" + v.sql + ", " + p.sql + ", " + escape + ", " +
                      (e.op == "ILIKE" ? "1" : "0") + ")");
    }
  }
  std::string joined;
  std::string glue = e.quantifier == "ALL" ? " AND " : " OR ";
  for (std::size_t i = 0; i < terms.size(); ++i) joined += (i ? glue : "") + terms[i];
  CExpr out;
  out.sql = std::string("(") + (e.negated ? "NOT " : "") + "(" + joined + "))";
  out.type = SfType::of(TypeKind::boolean, nullable);
  out.aggregate = v.aggregate;
  return out;
}

std::string Compiler::window_sql(const WindowSpec& w, Scope& scope) {
  std::string sql = "OVER (";
  if (!w.partition_by.empty()) {
    sql += "PARTITION BY ";
    for (std::size_t i = 0; i < w.partition_by.size(); ++i) {
      sql += (i ? ", " : "") + compile_expr(*w.partition_by[i], scope).sql;
    }
  }
  if (!w.order_by.empty()) {
    if (!w.partition_by.empty()) sql += " ";
    sql += "ORDER BY " + order_sql(w.order_by, scope);
  }
  if (!w.frame.empty()) sql += " " + w.frame;
  return sql + ")";
}

std::string Compiler::order_sql(const std::vector<OrderItem>& items, Scope& scope) {
  std::string sql;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& o = items[i];
    bool nulls_first = o.nulls_first.value_or(o.descending);
    sql += (i ? ", " : "") + compile_expr(*o.expr, scope).sql + (o.descending ? " DESC" : " ASC") +
           (nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return sql;
}

}  // namespace mock_snowflake::engine
