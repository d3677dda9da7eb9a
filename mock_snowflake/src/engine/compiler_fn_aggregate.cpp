// compiler_fn_aggregate.cpp — the compilers of Snowflake's aggregate and window functions.
// Each is registered by name in the function table (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

struct AggregateFns : FnCall {
  CExpr fn_count() {
    std::string sql;
    if (argc == 1 && A[0]->kind == ExprKind::star) {
      sql = "count(*)";
    } else {
      if (argc < 1) throw fail_args();
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < argc; ++i) {
        if (A[i]->kind == ExprKind::star) {
          parts.push_back("1");
          continue;
        }
        parts.push_back(arg(i).sql);
      }
      if (parts.size() == 1) {
        sql = std::string("count(") + (e.distinct ? "DISTINCT " : "") + parts[0] + ")";
      } else {
        // COUNT(a, b) counts rows where every argument is non-NULL.
        std::string cond;
        for (auto& p : parts) cond += (cond.empty() ? "" : " AND ") + p + " IS NOT NULL";
        if (e.distinct) {
          sql =
              "count(DISTINCT CASE WHEN " + cond + " THEN sf_hash(" + join(parts, ", ") + ") END)";
        } else {
          sql = "count(CASE WHEN " + cond + " THEN 1 END)";
        }
      }
    }
    CExpr out = make(sql, SfType::fixed(18, 0, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_count_if() {
    need(1, 1);
    CExpr c = to_boolean(arg(0));
    CExpr out = make("count(CASE WHEN " + c.sql + " THEN 1 END)", SfType::fixed(18, 0, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_sum() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, a.type.scale) : SfType::real();
    std::string fn = a.type.kind == TypeKind::fixed ? "sf_sum(" : "sum(";
    CExpr out = make(fn + (e.distinct ? "DISTINCT " : "") + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_avg() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = SfType::real();
    if (a.type.kind == TypeKind::fixed) {
      int sc = std::max(a.type.scale, std::min(a.type.scale + 6, 12));
      t = SfType::fixed(38, sc);
    }
    CExpr out = make(std::string("avg(") + (e.distinct ? "DISTINCT " : "") + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_min_max() {
    need(1, 1);
    CExpr a = arg(0);
    SfType t = a.type;
    t.nullable = true;
    std::string fn = name == "MAX" ? "max(" : "min(";
    CExpr out = make(fn + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_max_by() {
    need(2, 2);
    CExpr v = arg(0);
    CExpr k = arg(1);
    SfType t = v.type;
    t.nullable = true;
    CExpr out = make(
        std::string(name == "MAX_BY" ? "sf_max_by(" : "sf_min_by(") + v.sql + ", " + k.sql + ")",
        t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_percentile() {
    std::string value_sql;
    std::string fraction = "0.5";
    SfType t;
    if (name == "MEDIAN") {
      need(1, 1);
      CExpr a = to_number(arg(0));
      value_sql = a.sql;
      t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, std::min(37, a.type.scale + 3))
                                         : SfType::real();
    } else {
      need(1, 1);
      if (e.within_group.size() != 1) throw fail_args();
      fraction = to_number(arg(0)).sql;
      CExpr a = to_number(compile_expr(*e.within_group[0].expr, scope));
      value_sql = a.sql;
      t = name == "PERCENTILE_DISC"
              ? a.type
              : (a.type.kind == TypeKind::fixed ? SfType::fixed(38, std::min(37, a.type.scale + 3))
                                                : SfType::real());
      if (e.within_group[0].descending) fraction = "(1 - " + fraction + ")";
    }
    t.nullable = true;
    CExpr out = make(std::string("sf_percentile(") + value_sql + ", " + fraction + ", " +
                         (name == "PERCENTILE_DISC" ? "1" : "0") + ")",
                     t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_mode() {
    need(1, 1);
    CExpr a = arg(0);
    SfType t = a.type;
    t.nullable = true;
    CExpr out = make("sf_mode(" + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_variance_family() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    bool pop = name.find("POP") != std::string::npos;
    bool stddev = name.rfind("STDDEV", 0) == 0;
    SfType t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, 6) : SfType::real();
    CExpr out = make(
        "sf_variance(" + a.sql + ", " + (pop ? "1" : "0") + ", " + (stddev ? "1" : "0") + ")", t);
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_bool_agg() {
    need(1, 1);
    CExpr b = to_boolean(arg(0));
    CExpr out = make(std::string(name == "BOOLAND_AGG" ? "min(" : "max(") + b.sql + ")",
                     SfType::of(TypeKind::boolean));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_approx_count_distinct() {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(arg(i).sql);
    std::string v = parts.size() == 1 ? parts[0] : "sf_hash(" + join(parts, ", ") + ")";
    CExpr out = make("count(DISTINCT " + v + ")", SfType::fixed(18, 0, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_listagg() {
    need(1, 2);
    CExpr v = to_text(arg(0));
    std::string sep = argc == 2 ? to_text(arg(1)).sql : "''";
    std::string sql = "sf_listagg(" + v.sql + ", " + sep + ", " + (e.distinct ? "1" : "0");
    for (const auto& o : e.within_group) {
      CExpr k = compile_expr(*o.expr, scope);
      sql += ", " + k.sql + ", " + (o.descending ? "1" : "0");
    }
    CExpr out = make(sql + ")", SfType::text(kMaxVarcharLength, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_array_agg() {
    need(1, 1);
    CExpr v = to_json(arg(0));
    bool distinct = e.distinct || name == "ARRAY_UNIQUE_AGG";
    std::string sql = "sf_array_agg(" + v.sql + ", " + (distinct ? "1" : "0");
    for (const auto& o : e.within_group) {
      CExpr k = compile_expr(*o.expr, scope);
      sql += ", " + k.sql + ", " + (o.descending ? "1" : "0");
    }
    CExpr out = make(sql + ")", SfType::of(TypeKind::array, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_object_agg() {
    need(2, 2);
    CExpr k = to_text(arg(0));
    CExpr v = to_json(arg(1));
    CExpr out =
        make("sf_object_agg(" + k.sql + ", " + v.sql + ")", SfType::of(TypeKind::object, false));
    out.aggregate = true;
    return with_window(out);
  }

  CExpr fn_ranking() {
    if (!e.over) {
      throw SfError(compilation_error("Window function " + name + " requires an OVER clause"));
    }
    std::string sql = name == "ROW_NUMBER"     ? "row_number()"
                      : name == "RANK"         ? "rank()"
                      : name == "DENSE_RANK"   ? "dense_rank()"
                      : name == "PERCENT_RANK" ? "percent_rank()"
                      : name == "CUME_DIST"    ? "cume_dist()"
                                               : "ntile(" + to_number(arg(0)).sql + ")";
    SfType t = (name == "PERCENT_RANK" || name == "CUME_DIST") ? SfType::real(false)
                                                               : SfType::fixed(38, 0, false);
    return with_window(make(sql, t));
  }

  CExpr fn_offset_window() {
    if (!e.over) {
      throw SfError(compilation_error("Window function " + name + " requires an OVER clause"));
    }
    need(1, 3);
    CExpr v = arg(0);
    SfType t = v.type;
    t.nullable = true;
    std::vector<std::string> parts{v.sql};
    for (std::size_t i = 1; i < argc; ++i) {
      CExpr x = arg(i);
      parts.push_back(i == 2 ? coerce(x, v.type).sql : x.sql);
    }
    std::string fn = name == "LAG"           ? "lag"
                     : name == "LEAD"        ? "lead"
                     : name == "FIRST_VALUE" ? "first_value"
                     : name == "LAST_VALUE"  ? "last_value"
                                             : "nth_value";
    CExpr out = make(fn + "(" + join(parts, ", ") + ")", t);
    out = with_window(out);
    if ((name == "FIRST_VALUE" || name == "LAST_VALUE") && e.over && !e.over->order_by.empty() &&
        e.over->frame.empty()) {
      // Snowflake's default frame for these is the whole partition.
      out.sql.insert(out.sql.size() - 1,
                     " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING");
    }
    return out;
  }

  CExpr fn_ratio_to_report() {
    need(1, 1);
    if (!e.over) throw SfError(compilation_error("RATIO_TO_REPORT requires an OVER clause"));
    CExpr v = to_number(arg(0));
    std::string partition;
    if (!e.over->partition_by.empty()) {
      std::vector<std::string> ps;
      for (const auto& p : e.over->partition_by) ps.push_back(compile_expr(*p, scope).sql);
      partition = "PARTITION BY " + join(ps, ", ");
    }
    SfType t = v.type.kind == TypeKind::fixed ? SfType::fixed(38, std::max(6, v.type.scale))
                                              : SfType::real();
    CExpr out = make("sf_div(" + v.sql + ", sum(" + v.sql + ") OVER (" + partition + "))", t);
    out.window = true;
    return out;
  }
};

}  // namespace

void add_aggregate_functions(FnTable& table) {
  using F = AggregateFns;
  add<F, &F::fn_count>(table, {"COUNT"});
  add<F, &F::fn_count_if>(table, {"COUNT_IF"});
  add<F, &F::fn_sum>(table, {"SUM", "SUM_REAL"});
  add<F, &F::fn_avg>(table, {"AVG", "AVG_REAL"});
  add<F, &F::fn_min_max>(table, {"MIN", "MAX", "ANY_VALUE"});
  add<F, &F::fn_max_by>(table, {"MAX_BY", "MIN_BY"});
  add<F, &F::fn_percentile>(table, {"MEDIAN", "PERCENTILE_CONT", "PERCENTILE_DISC"});
  add<F, &F::fn_mode>(table, {"MODE"});
  add<F, &F::fn_variance_family>(table, {"STDDEV", "STDDEV_SAMP", "STDDEV_POP", "VARIANCE",
                                         "VAR_SAMP", "VAR_POP", "VARIANCE_SAMP", "VARIANCE_POP"});
  add<F, &F::fn_bool_agg>(table, {"BOOLAND_AGG", "BOOLOR_AGG"});
  add<F, &F::fn_approx_count_distinct>(table, {"APPROX_COUNT_DISTINCT", "HLL"});
  add<F, &F::fn_listagg>(table, {"LISTAGG", "STRING_AGG", "GROUP_CONCAT"});
  add<F, &F::fn_array_agg>(table, {"ARRAY_AGG", "ARRAYAGG", "ARRAY_UNIQUE_AGG"});
  add<F, &F::fn_object_agg>(table, {"OBJECT_AGG"});
  add<F, &F::fn_ranking>(
      table, {"ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE"});
  add<F, &F::fn_offset_window>(table, {"LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE"});
  add<F, &F::fn_ratio_to_report>(table, {"RATIO_TO_REPORT"});
}

}  // namespace mock_snowflake::engine
