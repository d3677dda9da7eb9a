// compiler_fn_conditional.cpp — the compilers of Snowflake's conditional functions (IFF, NVL,
// COALESCE, DECODE, GREATEST, ...). Each is registered by name in the function table
// (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

struct ConditionalFns : FnCall {
  CExpr fn_iff() {
    need(3, 3);
    CExpr c = to_boolean(arg(0));
    CExpr a = arg(1);
    CExpr b = arg(2);
    SfType t = common_type(a.type, b.type);
    return make(
        "CASE WHEN " + c.sql + " THEN " + coerce(a, t).sql + " ELSE " + coerce(b, t).sql + " END",
        t, {&c, &a, &b});
  }

  CExpr fn_nvl() {
    if (argc < 1 || ((name != "COALESCE") && argc != 2)) throw fail_args();
    std::vector<CExpr> xs;
    SfType t = SfType::of(TypeKind::null);
    bool nullable = true;
    for (std::size_t i = 0; i < argc; ++i) {
      xs.push_back(arg(i));
      t = i == 0 ? xs.back().type : common_type(t, xs.back().type);
      nullable = nullable && xs.back().type.nullable;
    }
    t.nullable = nullable;
    std::vector<std::string> parts;
    CExpr out;
    for (auto& x : xs) {
      parts.push_back(coerce(x, t).sql);
      out.aggregate = out.aggregate || x.aggregate;
      out.window = out.window || x.window;
    }
    out.sql = argc == 1 ? parts[0] : "coalesce(" + join(parts, ", ") + ")";
    out.type = t;
    return out;
  }

  CExpr fn_nvl2() {
    need(3, 3);
    CExpr a = arg(0);
    CExpr b = arg(1);
    CExpr c = arg(2);
    SfType t = common_type(b.type, c.type);
    return make("CASE WHEN " + a.sql + " IS NOT NULL THEN " + coerce(b, t).sql + " ELSE " +
                    coerce(c, t).sql + " END",
                t, {&a, &b, &c});
  }

  CExpr fn_nullif() {
    need(2, 2);
    CExpr a = arg(0);
    CExpr b = arg(1);
    CExpr cmp = compile_comparison("=", a, b);
    SfType t = a.type;
    t.nullable = true;
    return make("CASE WHEN " + cmp.sql + " THEN NULL ELSE " + a.sql + " END", t, {&a, &b});
  }

  CExpr fn_zeroifnull() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type;
    t.nullable = false;
    return make("coalesce(" + a.sql + ", 0)", t, {&a});
  }

  CExpr fn_nullifzero() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type;
    t.nullable = true;
    return make("nullif(" + a.sql + ", 0)", t, {&a});
  }

  CExpr fn_div0() {
    need(2, 2);
    Expr fake;
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    SfType t = SfType::real(any_nullable({&a, &b}));
    if (a.type.kind == TypeKind::fixed && b.type.kind == TypeKind::fixed) {
      int sc = std::max(a.type.scale, std::min(a.type.scale + 6, 12));
      t = SfType::fixed(std::min(38, a.type.precision - a.type.scale + b.type.scale + sc), sc,
                        any_nullable({&a, &b}));
    }
    std::string zero = name == "DIV0" ? b.sql + " = 0" : "coalesce(" + b.sql + ", 0) = 0";
    return make("CASE WHEN " + zero + " THEN 0 ELSE sf_div(" + a.sql + ", " + b.sql + ") END", t,
                {&a, &b});
  }

  CExpr fn_equal_null() {
    need(2, 2);
    CExpr cmp = compile_comparison("=", arg(0), arg(1));
    std::string inner = cmp.sql.substr(1, cmp.sql.size() - 2);
    auto pos = inner.find(" = ");
    return make("(" + inner.substr(0, pos) + " IS " + inner.substr(pos + 3) + ")",
                SfType::of(TypeKind::boolean, false), {&cmp});
  }

  CExpr fn_decode() {
    if (argc < 3) throw fail_args();
    CExpr subject = arg(0);
    std::vector<std::pair<CExpr, CExpr>> pairs;
    SfType t = SfType::of(TypeKind::null);
    bool first = true;
    std::size_t i = 1;
    for (; i + 1 < argc; i += 2) {
      CExpr k = arg(i);
      CExpr v = arg(i + 1);
      t = first ? v.type : common_type(t, v.type);
      first = false;
      pairs.emplace_back(std::move(k), std::move(v));
    }
    std::optional<CExpr> fallback;
    if (i < argc) {
      fallback = arg(i);
      t = common_type(t, fallback->type);
    } else {
      t.nullable = true;
    }
    std::string sql = "CASE";
    for (auto& [k, v] : pairs) {
      CExpr cmp = compile_comparison("=", subject, k);
      std::string inner = cmp.sql.substr(1, cmp.sql.size() - 2);
      auto pos = inner.find(" = ");
      sql += " WHEN (" + inner.substr(0, pos) + " IS " + inner.substr(pos + 3) + ") THEN " +
             coerce(v, t).sql;
    }
    if (fallback) sql += " ELSE " + coerce(*fallback, t).sql;
    return make(sql + " END", t, {&subject});
  }

  CExpr fn_greatest() {
    if (argc < 1) throw fail_args();
    std::vector<CExpr> xs;
    SfType t = SfType::of(TypeKind::null);
    for (std::size_t i = 0; i < argc; ++i) {
      xs.push_back(arg(i));
      t = i == 0 ? xs.back().type : common_type(t, xs.back().type);
    }
    std::vector<std::string> parts;
    for (auto& x : xs) parts.push_back(coerce(x, t).sql);
    if (argc == 1) return make(parts[0], t, {&xs[0]});
    return make(std::string(name == "GREATEST" ? "max(" : "min(") + join(parts, ", ") + ")", t,
                {&xs[0]});
  }
};

}  // namespace

void add_conditional_functions(FnTable& table) {
  using F = ConditionalFns;
  add<F, &F::fn_iff>(table, {"IFF", "IF"});
  add<F, &F::fn_nvl>(table, {"NVL", "IFNULL", "COALESCE"});
  add<F, &F::fn_nvl2>(table, {"NVL2"});
  add<F, &F::fn_nullif>(table, {"NULLIF"});
  add<F, &F::fn_zeroifnull>(table, {"ZEROIFNULL"});
  add<F, &F::fn_nullifzero>(table, {"NULLIFZERO"});
  add<F, &F::fn_div0>(table, {"DIV0", "DIV0NULL"});
  add<F, &F::fn_equal_null>(table, {"EQUAL_NULL"});
  add<F, &F::fn_decode>(table, {"DECODE"});
  add<F, &F::fn_greatest>(table, {"GREATEST", "LEAST"});
}

}  // namespace mock_snowflake::engine
