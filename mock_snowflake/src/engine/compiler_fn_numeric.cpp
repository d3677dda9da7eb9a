// compiler_fn_numeric.cpp — the compilers of Snowflake's numeric functions (rounding, arithmetic,
// bit operations, conversions to numbers, random values, HASH). Each is registered by name in the
// function table (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

struct NumericFns : FnCall {
  CExpr unary_real(const char* fn) {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make(std::string(fn) + "(" + a.sql + ")", SfType::real(a.type.nullable), {&a});
  }

  CExpr fn_abs() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("abs(" + a.sql + ")", a.type, {&a});
  }

  // TRUNC(x[, scale]) is numeric unless its second argument names a date part.
  bool numeric_trunc() const {
    return !(argc == 2 &&
             (A[1]->kind == ExprKind::string ||
              (A[1]->kind == ExprKind::column && canonical_date_part(A[1]->names.back().name))));
  }

  CExpr fn_trunc() { return numeric_trunc() ? fn_rounding() : compile_date_trunc(*this); }

  CExpr fn_rounding() {
    need(1, 2);
    CExpr a = to_number(arg(0));
    std::string scale_sql = "0";
    int scale = 0;
    if (argc == 2) {
      CExpr sc = to_number(arg(1));
      scale_sql = sc.sql;
      if (sc.constant && sc.constant->t == Val::T::integer)
        scale = static_cast<int>(sc.constant->i);
    }
    std::string mode = name == "ROUND" ? "'R'"
                                       : (name == "FLOOR"                           ? "'F'"
                                          : (name == "TRUNC" || name == "TRUNCATE") ? "'T'"
                                                                                    : "'C'");
    SfType t = a.type;
    if (t.kind == TypeKind::fixed) {
      int s2 = std::clamp(scale, 0, t.scale);
      int p = std::min(
          38, t.precision - t.scale + s2 + (name == "TRUNC" || name == "TRUNCATE" ? 0 : 1));
      t = SfType::fixed(p, s2, a.type.nullable);
    }
    return make("sf_round(" + a.sql + ", " + scale_sql + ", " + mode + ")", t, {&a});
  }

  CExpr fn_mod() {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    SfType t = a.type.kind == TypeKind::fixed && b.type.kind == TypeKind::fixed
                   ? SfType::fixed(std::max(a.type.precision, b.type.precision),
                                   std::max(a.type.scale, b.type.scale))
                   : SfType::real();
    t.nullable = any_nullable({&a, &b});
    return make("sf_mod(" + a.sql + ", " + b.sql + ")", t, {&a, &b});
  }

  CExpr fn_power() {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    return make("pow(" + a.sql + ", " + b.sql + ")", SfType::real(any_nullable({&a, &b})),
                {&a, &b});
  }

  CExpr fn_sqrt() { return unary_real("sf_sqrt"); }

  CExpr fn_exp() { return unary_real("exp"); }

  CExpr fn_ln() { return unary_real("sf_ln"); }

  CExpr fn_cbrt() { return unary_real("sf_cbrt"); }

  CExpr fn_trigonometric() {
    std::string fn = name;
    std::transform(fn.begin(), fn.end(), fn.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return unary_real(fn.c_str());
  }

  CExpr fn_atan2() {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    return make("atan2(" + a.sql + ", " + b.sql + ")", SfType::real(any_nullable({&a, &b})),
                {&a, &b});
  }

  CExpr fn_log() {
    need(2, 2);
    CExpr b = to_number(arg(0));
    CExpr x = to_number(arg(1));
    return make("(sf_ln(" + x.sql + ") / sf_ln(" + b.sql + "))",
                SfType::real(any_nullable({&b, &x})), {&b, &x});
  }

  CExpr fn_sign() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("sign(" + a.sql + ")", SfType::fixed(1, 0, a.type.nullable), {&a});
  }

  CExpr fn_pi() { return literal(Val::real(3.141592653589793), SfType::real(false)); }

  CExpr fn_square() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, std::min(37, a.type.scale * 2))
                                              : SfType::real();
    t.nullable = a.type.nullable;
    return make("(" + a.sql + " * " + a.sql + ")", t, {&a});
  }

  CExpr fn_factorial() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("sf_factorial(" + a.sql + ")", SfType::fixed(38, 0, a.type.nullable), {&a});
  }

  CExpr fn_bitwise() {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    std::string op = name == "BITAND"          ? "&"
                     : name == "BITOR"         ? "|"
                     : name == "BITSHIFTLEFT"  ? "<<"
                     : name == "BITSHIFTRIGHT" ? ">>"
                                               : "";
    std::string sql = op.empty()
                          ? "((" + a.sql + " | " + b.sql + ") - (" + a.sql + " & " + b.sql + "))"
                          : "(" + a.sql + " " + op + " " + b.sql + ")";
    return make(sql, SfType::fixed(38, 0, any_nullable({&a, &b})), {&a, &b});
  }

  CExpr fn_bitnot() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("(~" + a.sql + ")", SfType::fixed(38, 0, a.type.nullable), {&a});
  }

  CExpr fn_to_decimal() {
    need(1, 4);
    bool try_ = name.rfind("TRY_", 0) == 0;
    CExpr a = arg(0);
    int p = 38;
    int sc = 0;
    std::size_t next = 1;
    if (argc > 1 && A[1]->kind == ExprKind::string) next = 2;  // a format: ignored
    if (argc > next) p = std::atoi(A[next]->text.c_str());
    if (argc > next + 1) sc = std::atoi(A[next + 1]->text.c_str());
    if (a.type.kind == TypeKind::text && argc > 1 && A[1]->kind == ExprKind::string) {
      // Strip format decorations (thousands separators, currency) before the conversion.
      a = make("sf_strip_number_format(" + a.sql + ")", a.type, {&a});
    }
    CExpr out = cast_to(a, SfType::fixed(p, sc), try_);
    return out;
  }

  CExpr fn_to_double() {
    need(1, 2);
    return cast_to(arg(0), SfType::real(), name == "TRY_TO_DOUBLE");
  }

  CExpr fn_to_boolean() {
    need(1, 1);
    return cast_to(arg(0), SfType::of(TypeKind::boolean), name == "TRY_TO_BOOLEAN");
  }

  CExpr fn_random() {
    need(0, 1);
    if (argc == 0) return make("random()", SfType::fixed(19, 0, false));
    CExpr seed = to_number(arg(0));
    return make("sf_random(" + seed.sql + ", " + std::to_string(next_id()) + ")",
                SfType::fixed(19, 0, false), {&seed});
  }

  CExpr fn_uniform() {
    need(3, 3);
    CExpr lo = to_number(arg(0));
    CExpr hi = to_number(arg(1));
    CExpr gen = to_number(arg(2));
    bool integral = lo.type.is_integer() && hi.type.is_integer();
    SfType t = integral ? SfType::fixed(38, 0, false) : SfType::real(false);
    return make("sf_uniform(" + lo.sql + ", " + hi.sql + ", " + gen.sql + ", " +
                    (integral ? "1" : "0") + ")",
                t, {&lo, &hi, &gen});
  }

  CExpr fn_normal() {
    need(3, 3);
    CExpr m = to_number(arg(0));
    CExpr sd = to_number(arg(1));
    CExpr gen = to_number(arg(2));
    return make("sf_normal(" + m.sql + ", " + sd.sql + ", " + gen.sql + ")", SfType::real(false),
                {&m, &sd, &gen});
  }

  CExpr fn_seq() {
    need(0, 1);
    int precision = name == "SEQ1" ? 3 : name == "SEQ2" ? 5 : name == "SEQ4" ? 10 : 19;
    return make("sf_seq(" + std::to_string(next_id()) + ")", SfType::fixed(precision, 0, false));
  }

  CExpr fn_hash() {
    if (argc < 1) throw fail_args();
    std::vector<std::string> parts;
    CExpr out;
    for (std::size_t i = 0; i < argc; ++i) {
      if (A[i]->kind == ExprKind::star) {
        for (const auto& rel : scope.relations) {
          for (const auto& c : rel.columns) {
            if (!c.hidden) parts.push_back(c.sql);
          }
        }
        continue;
      }
      CExpr x = arg(i);
      out.aggregate = out.aggregate || x.aggregate;
      parts.push_back(to_text(x).sql);
    }
    out.sql = "sf_hash(" + join(parts, ", ") + ")";
    out.type = SfType::fixed(19, 0, false);
    return out;
  }
};

}  // namespace

void add_numeric_functions(FnTable& table) {
  using F = NumericFns;
  add<F, &F::fn_abs>(table, {"ABS"});
  add<F, &F::fn_rounding>(table, {"CEIL", "CEILING", "FLOOR", "ROUND", "TRUNCATE"});
  add<F, &F::fn_trunc>(table, {"TRUNC"});
  add<F, &F::fn_mod>(table, {"MOD"});
  add<F, &F::fn_power>(table, {"POWER", "POW"});
  add<F, &F::fn_sqrt>(table, {"SQRT"});
  add<F, &F::fn_exp>(table, {"EXP"});
  add<F, &F::fn_ln>(table, {"LN"});
  add<F, &F::fn_cbrt>(table, {"CBRT"});
  add<F, &F::fn_trigonometric>(table, {"SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "SINH", "COSH",
                                       "TANH", "DEGREES", "RADIANS"});
  add<F, &F::fn_atan2>(table, {"ATAN2"});
  add<F, &F::fn_log>(table, {"LOG"});
  add<F, &F::fn_sign>(table, {"SIGN"});
  add<F, &F::fn_pi>(table, {"PI"});
  add<F, &F::fn_square>(table, {"SQUARE"});
  add<F, &F::fn_factorial>(table, {"FACTORIAL"});
  add<F, &F::fn_bitwise>(table, {"BITAND", "BITOR", "BITXOR", "BITSHIFTLEFT", "BITSHIFTRIGHT"});
  add<F, &F::fn_bitnot>(table, {"BITNOT"});
  add<F, &F::fn_to_decimal>(table, {"TO_NUMBER", "TO_DECIMAL", "TO_NUMERIC", "TRY_TO_NUMBER",
                                    "TRY_TO_DECIMAL", "TRY_TO_NUMERIC"});
  add<F, &F::fn_to_double>(table, {"TO_DOUBLE", "TRY_TO_DOUBLE"});
  add<F, &F::fn_to_boolean>(table, {"TO_BOOLEAN", "TRY_TO_BOOLEAN"});
  add<F, &F::fn_random>(table, {"RANDOM"});
  add<F, &F::fn_uniform>(table, {"UNIFORM"});
  add<F, &F::fn_normal>(table, {"NORMAL"});
  add<F, &F::fn_seq>(table, {"SEQ1", "SEQ2", "SEQ4", "SEQ8"});
  add<F, &F::fn_hash>(table, {"HASH"});
}

}  // namespace mock_snowflake::engine
