// compiler_functions.cpp — Snowflake functions: their result types and their SQLite forms.
//
// Supported (besides the operators and casts in compiler.cpp):
//   context     CURRENT_ACCOUNT/_NAME, CURRENT_USER, CURRENT_ROLE, CURRENT_DATABASE,
//               CURRENT_SCHEMA, CURRENT_WAREHOUSE, CURRENT_VERSION, CURRENT_REGION,
//               CURRENT_SESSION, CURRENT_STATEMENT, CURRENT_TRANSACTION, LAST_QUERY_ID,
//               CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIMESTAMP, GETDATE,
//               SYSDATE, SYSTIMESTAMP
//   conditional IFF, IFNULL/NVL, NVL2, COALESCE, NULLIF, ZEROIFNULL, NULLIFZERO, DIV0,
//               DIV0NULL, EQUAL_NULL, DECODE, GREATEST, LEAST
//   numeric     ABS, CEIL, FLOOR, ROUND, TRUNC, MOD, POWER, SQRT, EXP, LN, LOG, SIGN, PI,
//               trigonometry, SQUARE, CBRT, FACTORIAL, BIT*, TO_NUMBER/TO_DECIMAL/TO_NUMERIC,
//               TO_DOUBLE (+ TRY_), RANDOM, UNIFORM, SEQ1/2/4/8, HASH
//   string      LENGTH/LEN, UPPER, LOWER, TRIM/LTRIM/RTRIM, SUBSTR/SUBSTRING, LEFT, RIGHT,
//               CONCAT, CONCAT_WS, REPLACE, REVERSE, REPEAT, LPAD, RPAD, SPLIT_PART, SPLIT,
//               STRTOK, INITCAP, CONTAINS, STARTSWITH, ENDSWITH, POSITION/CHARINDEX, ASCII,
//               CHR, TRANSLATE, REGEXP_REPLACE/SUBSTR/COUNT/LIKE/INSTR, EDITDISTANCE, SPACE,
//               HEX_ENCODE/DECODE, BASE64_ENCODE/DECODE, TO_CHAR/TO_VARCHAR, TO_BINARY, MD5,
//               SHA1, SHA2, UUID_STRING, RANDSTR, SOUNDEX
//   date/time   DATEADD/TIMEADD/TIMESTAMPADD, DATEDIFF/TIMEDIFF/TIMESTAMPDIFF, DATE_TRUNC,
//               TRUNC(date, part), DATE_PART, EXTRACT, YEAR ... SECOND, DAYOFWEEK(ISO),
//               DAYOFYEAR, WEEK(ISO), QUARTER, LAST_DAY, ADD_MONTHS, MONTHS_BETWEEN,
//               MONTHNAME, DAYNAME, NEXT_DAY, PREVIOUS_DAY, TO_DATE/DATE, TO_TIME/TIME,
//               TO_TIMESTAMP[_NTZ|_LTZ|_TZ] (+ TRY_), CONVERT_TIMEZONE, DATE_FROM_PARTS,
//               TIME_FROM_PARTS, TIMESTAMP_FROM_PARTS
//   semi-struct PARSE_JSON, TRY_PARSE_JSON, TO_VARIANT, TO_OBJECT, TO_ARRAY, TO_JSON,
//               OBJECT_CONSTRUCT(_KEEP_NULL), ARRAY_CONSTRUCT(_COMPACT), ARRAY_SIZE,
//               ARRAY_CONTAINS, ARRAY_POSITION, ARRAY_APPEND, ARRAY_PREPEND, ARRAY_CAT,
//               ARRAY_COMPACT, ARRAY_DISTINCT, ARRAY_SLICE, ARRAY_TO_STRING, OBJECT_KEYS,
//               OBJECT_INSERT, OBJECT_DELETE, GET, GET_PATH, GET_IGNORE_CASE, TYPEOF, IS_*,
//               AS_*, CHECK_JSON, JSON_EXTRACT_PATH_TEXT, STRIP_NULL_VALUE, `:` paths
//   geospatial  TO_GEOGRAPHY, TO_GEOMETRY, ST_MAKEPOINT/ST_POINT, ST_ASWKT, ST_ASGEOJSON
//   aggregate   COUNT, COUNT_IF, SUM, AVG, MIN, MAX, ANY_VALUE, MEDIAN, MODE, LISTAGG,
//               ARRAY_AGG, ARRAY_UNIQUE_AGG, OBJECT_AGG, STDDEV(_SAMP/_POP),
//               VARIANCE/VAR_SAMP/VAR_POP, BOOLAND_AGG, BOOLOR_AGG, APPROX_COUNT_DISTINCT,
//               PERCENTILE_CONT/DISC, MAX_BY, MIN_BY
//   window      ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD,
//               FIRST_VALUE, LAST_VALUE, NTH_VALUE, RATIO_TO_REPORT, and aggregates OVER (...)
//   system      SYSTEM$WAIT, SYSTEM$TYPEOF, GET_DDL; sequences: seq.NEXTVAL (compiler.cpp)
#include <algorithm>
#include <cctype>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"
#include "engine/functions.hpp"

namespace mock_snowflake::engine {
namespace {

const char* kVersion = "9.1.0";

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

std::string compile_get_ddl(Compiler& c, const std::string& kind, const std::string& name);

CExpr Compiler::compile_function(const Expr& e, Scope& scope) {
  const std::string& name = e.text;
  const auto& A = e.args;
  auto argc = A.size();
  auto fail_args = [&]() -> SfError {
    return SfError("001044", "42P13",
                   "SQL compilation error: error line " + std::to_string(e.pos.line) +
                       " at position " + std::to_string(e.pos.column) +
                       "\nInvalid argument types for function '" + name + "'");
  };
  auto need = [&](std::size_t lo, std::size_t hi) {
    if (argc < lo || argc > hi) throw fail_args();
  };
  auto arg = [&](std::size_t i) { return compile_expr(*A[i], scope); };
  auto make = [&](std::string sql, SfType type, std::initializer_list<const CExpr*> from = {}) {
    CExpr out;
    out.sql = std::move(sql);
    out.type = type;
    for (const CExpr* f : from) {
      out.aggregate = out.aggregate || f->aggregate;
      out.window = out.window || f->window;
    }
    return out;
  };
  auto any_nullable = [](std::initializer_list<const CExpr*> xs) {
    bool n = false;
    for (const CExpr* x : xs) n = n || x->type.nullable;
    return n;
  };
  auto text_literal = [&](const std::string& s) {
    return literal(Val::text(s), SfType::text(kMaxVarcharLength, false));
  };
  // A date/time part given as an identifier (DATEADD(day, ...)) or a string ('day').
  auto part_arg = [&](std::size_t i) -> std::string {
    const Expr& p = *A[i];
    std::string raw;
    if (p.kind == ExprKind::column && p.names.size() == 1) {
      raw = p.names[0].name;
    } else if (p.kind == ExprKind::string) {
      raw = p.text;
    } else {
      throw fail_args();
    }
    auto canonical = canonical_date_part(raw);
    if (!canonical) {
      throw SfError(
          "002010", "22023",
          "SQL compilation error:\nInvalid date/time part '" + raw + "' for function " + name);
    }
    return *canonical;
  };
  auto with_window = [&](CExpr out) {
    if (e.over) {
      out.sql += ' ';
      out.sql += window_sql(*e.over, scope);
      out.aggregate = false;
      out.window = true;
    }
    return out;
  };
  auto temporal_source = [&](CExpr x) {
    if (x.type.kind == TypeKind::text) return coerce(x, SfType::temporal(TypeKind::timestamp_ntz));
    return x;
  };

  // ---- context ----
  const Session& s = env_.session;
  auto context_text = [&](const std::string& value) -> CExpr {
    if (value.empty()) return literal(Val::null(), SfType::text());
    return literal(Val::text(value), SfType::text(kMaxVarcharLength, false));
  };
  if (name == "CURRENT_ACCOUNT" || name == "CURRENT_ACCOUNT_NAME") return context_text(s.account);
  if (name == "CURRENT_ORGANIZATION_NAME") return context_text("MOCKORG");
  if (name == "CURRENT_USER") return context_text(s.user);
  if (name == "CURRENT_ROLE") return context_text(s.role.empty() ? "PUBLIC" : s.role);
  if (name == "CURRENT_DATABASE") return context_text(s.database);
  if (name == "CURRENT_SCHEMA") return context_text(s.database.empty() ? "" : s.schema);
  if (name == "CURRENT_WAREHOUSE") return context_text(s.warehouse);
  if (name == "CURRENT_VERSION") return context_text(kVersion);
  if (name == "CURRENT_CLIENT") return context_text("mock_snowflake");
  if (name == "CURRENT_REGION") return context_text("AWS_US_WEST_2");
  if (name == "CURRENT_SESSION") return context_text("1");
  if (name == "CURRENT_STATEMENT") return context_text(env_.statement_text);
  if (name == "CURRENT_IP_ADDRESS") return context_text("127.0.0.1");
  if (name == "CURRENT_TRANSACTION") {
    return env_.in_transaction ? context_text("1") : literal(Val::null(), SfType::text());
  }
  if (name == "LAST_QUERY_ID") return literal(Val::null(), SfType::text());
  if (name == "CURRENT_SCHEMAS") {
    return context_text(s.database.empty() ? "[]" : "[\"" + s.database + "." + s.schema + "\"]");
  }
  if (name == "CURRENT_AVAILABLE_ROLES") {
    return context_text("[\"" + (s.role.empty() ? std::string("PUBLIC") : s.role) + "\"]");
  }
  if (name == "CURRENT_DATE") {
    std::int64_t wall =
        env_.now_ns + static_cast<std::int64_t>(zone_offset_minutes(env_.values, env_.now_ns)) *
                          60 * kNanosPerSecond;
    return literal(Val::integer(floor_div(wall, kNanosPerDay)), SfType::of(TypeKind::date, false));
  }
  if (name == "CURRENT_TIME" || name == "LOCALTIME") {
    std::int64_t wall =
        env_.now_ns + static_cast<std::int64_t>(zone_offset_minutes(env_.values, env_.now_ns)) *
                          60 * kNanosPerSecond;
    return literal(Val::integer(floor_mod(wall, kNanosPerDay)),
                   SfType::temporal(TypeKind::time, 9, false));
  }
  if (name == "CURRENT_TIMESTAMP" || name == "LOCALTIMESTAMP" || name == "GETDATE" ||
      name == "SYSTIMESTAMP") {
    int scale = 9;
    if (argc == 1 && A[0]->kind == ExprKind::number) scale = std::atoi(A[0]->text.c_str());
    std::int64_t unit = 1;
    for (int i = scale; i < 9; ++i) unit *= 10;
    return literal(Val::integer(floor_div(env_.now_ns, unit) * unit),
                   SfType::temporal(TypeKind::timestamp_ltz, 9, false));
  }
  if (name == "SYSDATE") {
    return literal(Val::integer(env_.now_ns), SfType::temporal(TypeKind::timestamp_ntz, 9, false));
  }

  // ---- internal forms from the parser ----
  if (name == "$IS_TRUE" || name == "$IS_FALSE") {
    CExpr b = to_boolean(arg(0));
    std::string cmp = name == "$IS_TRUE" ? "1" : "0";
    std::string sql = "(coalesce(" + b.sql + " = " + cmp + ", 0))";
    if (e.negated) sql = "(NOT " + sql + ")";
    return make(sql, SfType::of(TypeKind::boolean, false), {&b});
  }
  if (name == "$DEFAULT") throw SfError(compilation_error("DEFAULT is only valid in INSERT"));
  if (name == "$WAITED") return text_literal(A[0]->text);

  // ---- conditional ----
  if (name == "IFF" || name == "IF") {
    need(3, 3);
    CExpr c = to_boolean(arg(0));
    CExpr a = arg(1);
    CExpr b = arg(2);
    SfType t = common_type(a.type, b.type);
    return make(
        "CASE WHEN " + c.sql + " THEN " + coerce(a, t).sql + " ELSE " + coerce(b, t).sql + " END",
        t, {&c, &a, &b});
  }
  if (name == "NVL" || name == "IFNULL" || name == "COALESCE") {
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
  if (name == "NVL2") {
    need(3, 3);
    CExpr a = arg(0);
    CExpr b = arg(1);
    CExpr c = arg(2);
    SfType t = common_type(b.type, c.type);
    return make("CASE WHEN " + a.sql + " IS NOT NULL THEN " + coerce(b, t).sql + " ELSE " +
                    coerce(c, t).sql + " END",
                t, {&a, &b, &c});
  }
  if (name == "NULLIF") {
    need(2, 2);
    CExpr a = arg(0);
    CExpr b = arg(1);
    CExpr cmp = compile_comparison("=", a, b);
    SfType t = a.type;
    t.nullable = true;
    return make("CASE WHEN " + cmp.sql + " THEN NULL ELSE " + a.sql + " END", t, {&a, &b});
  }
  if (name == "ZEROIFNULL") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type;
    t.nullable = false;
    return make("coalesce(" + a.sql + ", 0)", t, {&a});
  }
  if (name == "NULLIFZERO") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type;
    t.nullable = true;
    return make("nullif(" + a.sql + ", 0)", t, {&a});
  }
  if (name == "DIV0" || name == "DIV0NULL") {
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
  if (name == "EQUAL_NULL") {
    need(2, 2);
    CExpr cmp = compile_comparison("=", arg(0), arg(1));
    std::string inner = cmp.sql.substr(1, cmp.sql.size() - 2);
    auto pos = inner.find(" = ");
    return make("(" + inner.substr(0, pos) + " IS " + inner.substr(pos + 3) + ")",
                SfType::of(TypeKind::boolean, false), {&cmp});
  }
  if (name == "DECODE") {
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
  if (name == "GREATEST" || name == "LEAST") {
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

  // ---- aggregates ----
  if (name == "COUNT") {
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
  if (name == "COUNT_IF") {
    need(1, 1);
    CExpr c = to_boolean(arg(0));
    CExpr out = make("count(CASE WHEN " + c.sql + " THEN 1 END)", SfType::fixed(18, 0, false));
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "SUM" || name == "SUM_REAL") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, a.type.scale) : SfType::real();
    std::string fn = a.type.kind == TypeKind::fixed ? "sf_sum(" : "sum(";
    CExpr out = make(fn + (e.distinct ? "DISTINCT " : "") + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "AVG" || name == "AVG_REAL") {
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
  if (name == "MIN" || name == "MAX" || name == "ANY_VALUE") {
    need(1, 1);
    CExpr a = arg(0);
    SfType t = a.type;
    t.nullable = true;
    std::string fn = name == "MAX" ? "max(" : "min(";
    CExpr out = make(fn + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "MAX_BY" || name == "MIN_BY") {
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
  if (name == "MEDIAN" || name == "PERCENTILE_CONT" || name == "PERCENTILE_DISC") {
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
  if (name == "MODE") {
    need(1, 1);
    CExpr a = arg(0);
    SfType t = a.type;
    t.nullable = true;
    CExpr out = make("sf_mode(" + a.sql + ")", t);
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "STDDEV" || name == "STDDEV_SAMP" || name == "STDDEV_POP" || name == "VARIANCE" ||
      name == "VAR_SAMP" || name == "VAR_POP" || name == "VARIANCE_SAMP" ||
      name == "VARIANCE_POP") {
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
  if (name == "BOOLAND_AGG" || name == "BOOLOR_AGG") {
    need(1, 1);
    CExpr b = to_boolean(arg(0));
    CExpr out = make(std::string(name == "BOOLAND_AGG" ? "min(" : "max(") + b.sql + ")",
                     SfType::of(TypeKind::boolean));
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "APPROX_COUNT_DISTINCT" || name == "HLL") {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(arg(i).sql);
    std::string v = parts.size() == 1 ? parts[0] : "sf_hash(" + join(parts, ", ") + ")";
    CExpr out = make("count(DISTINCT " + v + ")", SfType::fixed(18, 0, false));
    out.aggregate = true;
    return with_window(out);
  }
  if (name == "LISTAGG" || name == "STRING_AGG" || name == "GROUP_CONCAT") {
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
  if (name == "ARRAY_AGG" || name == "ARRAYAGG" || name == "ARRAY_UNIQUE_AGG") {
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
  if (name == "OBJECT_AGG") {
    need(2, 2);
    CExpr k = to_text(arg(0));
    CExpr v = to_json(arg(1));
    CExpr out =
        make("sf_object_agg(" + k.sql + ", " + v.sql + ")", SfType::of(TypeKind::object, false));
    out.aggregate = true;
    return with_window(out);
  }

  // ---- window ----
  if (name == "ROW_NUMBER" || name == "RANK" || name == "DENSE_RANK" || name == "PERCENT_RANK" ||
      name == "CUME_DIST" || name == "NTILE") {
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
  if (name == "LAG" || name == "LEAD" || name == "FIRST_VALUE" || name == "LAST_VALUE" ||
      name == "NTH_VALUE") {
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
  if (name == "RATIO_TO_REPORT") {
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

  // ---- numeric ----
  auto unary_real = [&](const char* fn) {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make(std::string(fn) + "(" + a.sql + ")", SfType::real(a.type.nullable), {&a});
  };
  if (name == "ABS") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("abs(" + a.sql + ")", a.type, {&a});
  }
  if (name == "CEIL" || name == "CEILING" || name == "FLOOR" || name == "ROUND" ||
      name == "TRUNCATE" ||
      (name == "TRUNC" && !(argc == 2 && (A[1]->kind == ExprKind::string ||
                                          (A[1]->kind == ExprKind::column &&
                                           canonical_date_part(A[1]->names.back().name)))))) {
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
  if (name == "MOD") {
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
  if (name == "POWER" || name == "POW") {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    return make("pow(" + a.sql + ", " + b.sql + ")", SfType::real(any_nullable({&a, &b})),
                {&a, &b});
  }
  if (name == "SQRT") return unary_real("sf_sqrt");
  if (name == "EXP") return unary_real("exp");
  if (name == "LN") return unary_real("sf_ln");
  if (name == "CBRT") return unary_real("sf_cbrt");
  if (name == "SIN" || name == "COS" || name == "TAN" || name == "ASIN" || name == "ACOS" ||
      name == "ATAN" || name == "SINH" || name == "COSH" || name == "TANH" || name == "DEGREES" ||
      name == "RADIANS") {
    std::string fn = name;
    std::transform(fn.begin(), fn.end(), fn.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return unary_real(fn.c_str());
  }
  if (name == "ATAN2") {
    need(2, 2);
    CExpr a = to_number(arg(0));
    CExpr b = to_number(arg(1));
    return make("atan2(" + a.sql + ", " + b.sql + ")", SfType::real(any_nullable({&a, &b})),
                {&a, &b});
  }
  if (name == "LOG") {
    need(2, 2);
    CExpr b = to_number(arg(0));
    CExpr x = to_number(arg(1));
    return make("(sf_ln(" + x.sql + ") / sf_ln(" + b.sql + "))",
                SfType::real(any_nullable({&b, &x})), {&b, &x});
  }
  if (name == "SIGN") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("sign(" + a.sql + ")", SfType::fixed(1, 0, a.type.nullable), {&a});
  }
  if (name == "PI") return literal(Val::real(3.141592653589793), SfType::real(false));
  if (name == "SQUARE") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    SfType t = a.type.kind == TypeKind::fixed ? SfType::fixed(38, std::min(37, a.type.scale * 2))
                                              : SfType::real();
    t.nullable = a.type.nullable;
    return make("(" + a.sql + " * " + a.sql + ")", t, {&a});
  }
  if (name == "FACTORIAL") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("sf_factorial(" + a.sql + ")", SfType::fixed(38, 0, a.type.nullable), {&a});
  }
  if (name == "BITAND" || name == "BITOR" || name == "BITXOR" || name == "BITSHIFTLEFT" ||
      name == "BITSHIFTRIGHT") {
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
  if (name == "BITNOT") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("(~" + a.sql + ")", SfType::fixed(38, 0, a.type.nullable), {&a});
  }
  if (name == "TO_NUMBER" || name == "TO_DECIMAL" || name == "TO_NUMERIC" ||
      name == "TRY_TO_NUMBER" || name == "TRY_TO_DECIMAL" || name == "TRY_TO_NUMERIC") {
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
  if (name == "TO_DOUBLE" || name == "TRY_TO_DOUBLE") {
    need(1, 2);
    return cast_to(arg(0), SfType::real(), name == "TRY_TO_DOUBLE");
  }
  if (name == "TO_BOOLEAN" || name == "TRY_TO_BOOLEAN") {
    need(1, 1);
    return cast_to(arg(0), SfType::of(TypeKind::boolean), name == "TRY_TO_BOOLEAN");
  }
  if (name == "RANDOM") {
    need(0, 1);
    if (argc == 0) return make("random()", SfType::fixed(19, 0, false));
    CExpr seed = to_number(arg(0));
    return make("sf_random(" + seed.sql + ", " + std::to_string(next_id()) + ")",
                SfType::fixed(19, 0, false), {&seed});
  }
  if (name == "UNIFORM") {
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
  if (name == "NORMAL") {
    need(3, 3);
    CExpr m = to_number(arg(0));
    CExpr sd = to_number(arg(1));
    CExpr gen = to_number(arg(2));
    return make("sf_normal(" + m.sql + ", " + sd.sql + ", " + gen.sql + ")", SfType::real(false),
                {&m, &sd, &gen});
  }
  if (name == "SEQ1" || name == "SEQ2" || name == "SEQ4" || name == "SEQ8") {
    need(0, 1);
    int precision = name == "SEQ1" ? 3 : name == "SEQ2" ? 5 : name == "SEQ4" ? 10 : 19;
    return make("sf_seq(" + std::to_string(next_id()) + ")", SfType::fixed(precision, 0, false));
  }
  if (name == "HASH") {
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

  // ---- strings ----
  if (name == "LENGTH" || name == "LEN" || name == "CHAR_LENGTH" || name == "CHARACTER_LENGTH") {
    need(1, 1);
    CExpr a = arg(0);
    if (a.type.kind == TypeKind::binary)
      return make("length(" + a.sql + ")", SfType::fixed(18, 0, a.type.nullable), {&a});
    a = to_text(a);
    return make("length(" + a.sql + ")", SfType::fixed(18, 0, a.type.nullable), {&a});
  }
  if (name == "OCTET_LENGTH") {
    need(1, 1);
    CExpr a = arg(0);
    return make("length(CAST(" + a.sql + " AS BLOB))", SfType::fixed(18, 0, a.type.nullable), {&a});
  }
  if (name == "UPPER" || name == "LOWER" || name == "INITCAP" || name == "REVERSE") {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string fn = name == "UPPER"     ? "sf_upper"
                     : name == "LOWER"   ? "sf_lower"
                     : name == "INITCAP" ? "sf_initcap"
                                         : "sf_reverse";
    return make(fn + "(" + a.sql + ")", a.type, {&a});
  }
  if (name == "TRIM" || name == "LTRIM" || name == "RTRIM") {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string fn = name == "TRIM" ? "trim(" : name == "LTRIM" ? "ltrim(" : "rtrim(";
    std::string chars = argc == 2 ? ", " + to_text(arg(1)).sql : "";
    return make(fn + a.sql + chars + ")", a.type, {&a});
  }
  if (name == "SUBSTR" || name == "SUBSTRING") {
    need(2, 3);
    CExpr a = arg(0);
    if (a.type.kind != TypeKind::binary) a = to_text(a);
    CExpr start = to_number(arg(1));
    std::string sql = "sf_substr(" + a.sql + ", " + start.sql;
    if (argc == 3) sql += ", " + to_number(arg(2)).sql;
    return make(sql + ")", a.type, {&a});
  }
  if (name == "LEFT" || name == "RIGHT") {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    std::string sql = name == "LEFT" ? "substr(" + a.sql + ", 1, " + n.sql + ")"
                                     : "CASE WHEN " + n.sql + " <= 0 THEN '' ELSE substr(" + a.sql +
                                           ", -(" + n.sql + ")) END";
    return make(sql, a.type, {&a, &n});
  }
  if (name == "CONCAT" || name == "CONCAT_WS") {
    if (argc < 1) throw fail_args();
    std::vector<std::string> parts;
    std::int64_t len = 0;
    bool nullable = false;
    bool binary = true;
    std::vector<CExpr> xs;
    for (std::size_t i = 0; i < argc; ++i) {
      xs.push_back(arg(i));
      binary = binary && xs.back().type.kind == TypeKind::binary;
    }
    CExpr out;
    for (auto& x : xs) {
      CExpr t = binary ? x : to_text(x);
      parts.push_back(t.sql);
      len += t.type.length;
      nullable = nullable || t.type.nullable;
      out.aggregate = out.aggregate || t.aggregate;
      out.window = out.window || t.window;
    }
    if (name == "CONCAT_WS") {
      std::string sep = parts[0];
      std::vector<std::string> rest(parts.begin() + 1, parts.end());
      out.sql = "(" + join(rest, " || " + sep + " || ") + ")";
    } else {
      out.sql = "(" + join(parts, " || ") + ")";
    }
    if (binary) {
      out.sql = "CAST(" + out.sql + " AS BLOB)";
      out.type = SfType::binary(std::min<std::int64_t>(len, kMaxBinaryLength), nullable);
    } else {
      out.type = SfType::text(std::min<std::int64_t>(len, kMaxVarcharLength), nullable);
    }
    return out;
  }
  if (name == "REPLACE") {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr f = to_text(arg(1));
    std::string r = argc == 3 ? to_text(arg(2)).sql : "''";
    return make("replace(" + a.sql + ", " + f.sql + ", " + r + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }
  if (name == "REPEAT") {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    return make("sf_repeat(" + a.sql + ", " + n.sql + ")",
                SfType::text(kMaxByteLength, any_nullable({&a, &n})), {&a, &n});
  }
  if (name == "SPACE") {
    need(1, 1);
    CExpr n = to_number(arg(0));
    return make("sf_repeat(' ', " + n.sql + ")", SfType::text(kMaxVarcharLength, n.type.nullable),
                {&n});
  }
  if (name == "LPAD" || name == "RPAD") {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    std::string pad = argc == 3 ? to_text(arg(2)).sql : "' '";
    std::int64_t len = kMaxVarcharLength;
    if (n.constant && n.constant->t == Val::T::integer)
      len = std::max<std::int64_t>(1, n.constant->i);
    return make(std::string(name == "LPAD" ? "sf_lpad(" : "sf_rpad(") + a.sql + ", " + n.sql +
                    ", " + pad + ")",
                SfType::text(len, any_nullable({&a, &n})), {&a, &n});
  }
  if (name == "SPLIT_PART") {
    need(3, 3);
    CExpr a = to_text(arg(0));
    CExpr d = to_text(arg(1));
    CExpr n = to_number(arg(2));
    return make("sf_split_part(" + a.sql + ", " + d.sql + ", " + n.sql + ")",
                SfType::text(a.type.length, any_nullable({&a, &d, &n})), {&a});
  }
  if (name == "SPLIT") {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr d = to_text(arg(1));
    return make("sf_split(" + a.sql + ", " + d.sql + ")",
                SfType::of(TypeKind::array, any_nullable({&a, &d})), {&a});
  }
  if (name == "STRTOK") {
    need(1, 3);
    CExpr a = to_text(arg(0));
    std::string d = argc > 1 ? to_text(arg(1)).sql : "' '";
    std::string n = argc > 2 ? to_number(arg(2)).sql : "1";
    return make("sf_strtok(" + a.sql + ", " + d + ", " + n + ")", SfType::text(a.type.length),
                {&a});
  }
  if (name == "STRTOK_TO_ARRAY") {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string d = argc > 1 ? to_text(arg(1)).sql : "' '";
    return make("sf_strtok_to_array(" + a.sql + ", " + d + ")", SfType::of(TypeKind::array), {&a});
  }
  if (name == "CONTAINS" || name == "STARTSWITH" || name == "ENDSWITH") {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr b = to_text(arg(1));
    std::string sql = name == "CONTAINS" ? "(instr(" + a.sql + ", " + b.sql + ") > 0)"
                      : name == "STARTSWITH"
                          ? "(substr(" + a.sql + ", 1, length(" + b.sql + ")) = " + b.sql + ")"
                          : "(" + b.sql + " = '' OR substr(" + a.sql + ", -length(" + b.sql +
                                ")) = " + b.sql + ")";
    return make(sql, SfType::of(TypeKind::boolean, any_nullable({&a, &b})), {&a, &b});
  }
  if (name == "POSITION" || name == "CHARINDEX") {
    need(2, 3);
    CExpr needle = to_text(arg(0));
    CExpr hay = to_text(arg(1));
    std::string start = argc == 3 ? to_number(arg(2)).sql : "1";
    return make("sf_position(" + needle.sql + ", " + hay.sql + ", " + start + ")",
                SfType::fixed(18, 0, any_nullable({&needle, &hay})), {&needle, &hay});
  }
  if (name == "ASCII") {
    need(1, 1);
    CExpr a = to_text(arg(0));
    return make("unicode(" + a.sql + ")", SfType::fixed(10, 0, a.type.nullable), {&a});
  }
  if (name == "CHR" || name == "CHAR") {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("char(" + a.sql + ")", SfType::text(1, a.type.nullable), {&a});
  }
  if (name == "TRANSLATE") {
    need(3, 3);
    CExpr a = to_text(arg(0));
    CExpr f = to_text(arg(1));
    CExpr t = to_text(arg(2));
    return make("sf_translate(" + a.sql + ", " + f.sql + ", " + t.sql + ")", a.type, {&a});
  }
  if (name == "REGEXP_REPLACE" || name == "REGEXP_SUBSTR" || name == "REGEXP_COUNT" ||
      name == "REGEXP_INSTR" || name == "REGEXP_LIKE" || name == "RLIKE") {
    need(2, 7);
    std::vector<std::string> parts;
    CExpr a = to_text(arg(0));
    parts.push_back(a.sql);
    for (std::size_t i = 1; i < argc; ++i) {
      CExpr x = arg(i);
      parts.push_back(x.type.kind == TypeKind::text ? x.sql : to_text(x).sql);
    }
    std::string fn = name == "REGEXP_REPLACE"  ? "sf_regexp_replace"
                     : name == "REGEXP_SUBSTR" ? "sf_regexp_substr"
                     : name == "REGEXP_COUNT"  ? "sf_regexp_count"
                     : name == "REGEXP_INSTR"  ? "sf_regexp_instr"
                                               : "sf_regexp_like";
    SfType t = name == "REGEXP_REPLACE"                     ? SfType::text(kMaxVarcharLength)
               : name == "REGEXP_SUBSTR"                    ? SfType::text(a.type.length)
               : (name == "REGEXP_LIKE" || name == "RLIKE") ? SfType::of(TypeKind::boolean)
                                                            : SfType::fixed(18, 0);
    return make(fn + "(" + join(parts, ", ") + ")", t, {&a});
  }
  if (name == "EDITDISTANCE") {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr b = to_text(arg(1));
    return make("sf_editdistance(" + a.sql + ", " + b.sql + ")",
                SfType::fixed(18, 0, any_nullable({&a, &b})), {&a, &b});
  }
  if (name == "SOUNDEX") {
    need(1, 1);
    CExpr a = to_text(arg(0));
    return make("soundex(" + a.sql + ")", SfType::text(4, a.type.nullable), {&a});
  }
  if (name == "HEX_ENCODE" || name == "BASE64_ENCODE") {
    need(1, 3);
    CExpr a = arg(0);
    std::string sql =
        name == "HEX_ENCODE"
            ? "hex(" + (a.type.kind == TypeKind::binary ? a.sql : to_text(a).sql) + ")"
            : "sf_base64_encode(" + (a.type.kind == TypeKind::binary ? a.sql : to_text(a).sql) +
                  ")";
    return make(sql, SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }
  if (name == "HEX_DECODE_STRING" || name == "BASE64_DECODE_STRING" ||
      name == "HEX_DECODE_BINARY" || name == "BASE64_DECODE_BINARY" ||
      name == "TRY_HEX_DECODE_STRING" || name == "TRY_BASE64_DECODE_STRING") {
    need(1, 2);
    CExpr a = to_text(arg(0));
    bool hex = name.find("HEX") != std::string::npos;
    bool binary = name.find("BINARY") != std::string::npos;
    std::string sql = std::string(hex ? "sf_hex_decode(" : "sf_base64_decode(") + a.sql + ")";
    if (!binary) sql = "CAST(" + sql + " AS TEXT)";
    return make(sql, binary ? SfType::binary() : SfType::text(), {&a});
  }
  if (name == "TO_BINARY" || name == "TRY_TO_BINARY") {
    need(1, 2);
    CExpr a = arg(0);
    std::string fmt = argc == 2 && A[1]->kind == ExprKind::string ? A[1]->text : "HEX";
    std::transform(fmt.begin(), fmt.end(), fmt.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (a.type.kind == TypeKind::binary) return a;
    a = to_text(a);
    if (fmt == "UTF-8" || fmt == "UTF8")
      return make("CAST(" + a.sql + " AS BLOB)", SfType::binary(), {&a});
    if (fmt == "BASE64") return make("sf_base64_decode(" + a.sql + ")", SfType::binary(), {&a});
    return cast_to(a, SfType::binary(), name == "TRY_TO_BINARY");
  }
  if (name == "MD5" || name == "MD5_HEX" || name == "SHA1" || name == "SHA1_HEX" ||
      name == "SHA2" || name == "SHA2_HEX" || name == "MD5_BINARY" || name == "SHA1_BINARY" ||
      name == "SHA2_BINARY") {
    need(1, 2);
    CExpr a = arg(0);
    if (a.type.kind != TypeKind::binary) a = to_text(a);
    std::string algo = name.rfind("MD5", 0) == 0    ? "md5"
                       : name.rfind("SHA1", 0) == 0 ? "sha1"
                                                    : "sha2";
    std::string bits = argc == 2 ? to_number(arg(1)).sql : "256";
    bool binary = name.find("BINARY") != std::string::npos;
    std::int64_t len = algo == "md5" ? 32 : algo == "sha1" ? 40 : 128;
    return make(
        "sf_digest('" + algo + "', " + a.sql + ", " + bits + ", " + (binary ? "1" : "0") + ")",
        binary ? SfType::binary(len / 2, a.type.nullable) : SfType::text(len, a.type.nullable),
        {&a});
  }
  if (name == "UUID_STRING") {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(to_text(arg(i)).sql);
    return make("sf_uuid(" + join(parts, ", ") + ")", SfType::text(36, false));
  }
  if (name == "RANDSTR") {
    need(2, 2);
    CExpr n = to_number(arg(0));
    CExpr gen = to_number(arg(1));
    return make("sf_randstr(" + n.sql + ", " + gen.sql + ")",
                SfType::text(kMaxVarcharLength, false), {&n, &gen});
  }
  if (name == "TO_CHAR" || name == "TO_VARCHAR") {
    need(1, 2);
    CExpr a = arg(0);
    if (argc == 1) {
      CExpr out = to_text(a);
      out.type.length = kMaxVarcharLength;
      return out;
    }
    CExpr fmt = to_text(arg(1));
    return make("sf_to_char(" + a.sql + ", '" + type_spec(a.type) + "', " + fmt.sql + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }
  if (name == "COLLATE") {
    need(2, 2);
    return arg(0);
  }

  // ---- date / time ----
  if (name == "DATEADD" || name == "TIMEADD" || name == "TIMESTAMPADD") {
    need(3, 3);
    std::string part = part_arg(0);
    CExpr n = to_number(arg(1));
    CExpr x = temporal_source(arg(2));
    SfType t = x.type;
    bool time_part = part == "HOUR" || part == "MINUTE" || part == "SECOND" ||
                     part == "MILLISECOND" || part == "MICROSECOND" || part == "NANOSECOND";
    std::string src = x.sql;
    if (t.kind == TypeKind::date && time_part) {
      src = "sf_cast(" + src + ", 'D', 'W9')";
      t = SfType::temporal(TypeKind::timestamp_ntz);
    }
    t.nullable = any_nullable({&n, &x});
    return make("sf_dateadd('" + part + "', " + n.sql + ", " + src + ", '" + type_spec(t) + "')", t,
                {&n, &x});
  }
  if (name == "DATEDIFF" || name == "TIMEDIFF" || name == "TIMESTAMPDIFF") {
    need(3, 3);
    std::string part = part_arg(0);
    CExpr a = temporal_source(arg(1));
    CExpr b = temporal_source(arg(2));
    return make("sf_datediff('" + part + "', " + a.sql + ", '" + type_spec(a.type) + "', " + b.sql +
                    ", '" + type_spec(b.type) + "')",
                SfType::fixed(18, 0, any_nullable({&a, &b})), {&a, &b});
  }
  if (name == "DATE_TRUNC" || name == "TRUNC" || name == "TIME_SLICE") {
    need(2, 4);
    std::string part;
    CExpr x;
    if (name == "DATE_TRUNC") {
      part = part_arg(0);
      x = temporal_source(arg(1));
    } else if (name == "TRUNC") {
      part = part_arg(1);
      x = temporal_source(arg(0));
    } else {
      // TIME_SLICE(expr, n, part [, START|END])
      x = temporal_source(arg(0));
      CExpr n = to_number(arg(1));
      part = part_arg(2);
      std::string edge = argc == 4 && A[3]->kind == ExprKind::string ? A[3]->text : "START";
      return make("sf_time_slice(" + x.sql + ", " + n.sql + ", '" + part + "', '" +
                      type_spec(x.type) + "', '" + edge + "')",
                  x.type, {&x});
    }
    return make("sf_date_trunc('" + part + "', " + x.sql + ", '" + type_spec(x.type) + "')", x.type,
                {&x});
  }
  static const std::set<std::string, std::less<>> kPartFunctions = {
      "YEAR",   "QUARTER",    "MONTH",      "WEEK",          "WEEKOFYEAR", "WEEKISO",
      "DAY",    "DAYOFMONTH", "DAYOFWEEK",  "DAYOFWEEKISO",  "DAYOFYEAR",  "HOUR",
      "MINUTE", "SECOND",     "YEAROFWEEK", "YEAROFWEEKISO", "NANOSECOND"};
  if (name == "DATE_PART" || name == "EXTRACT" || kPartFunctions.count(name) > 0) {
    std::string part;
    CExpr x;
    if (name == "DATE_PART" || name == "EXTRACT") {
      need(2, 2);
      part = part_arg(0);
      x = temporal_source(arg(1));
    } else {
      need(1, 1);
      part = *canonical_date_part(name);
      x = temporal_source(arg(0));
    }
    return make("sf_date_part('" + part + "', " + x.sql + ", '" + type_spec(x.type) + "')",
                SfType::fixed(part.rfind("EPOCH", 0) == 0 ? 38 : 9, 0, x.type.nullable), {&x});
  }
  if (name == "LAST_DAY") {
    need(1, 2);
    CExpr x = temporal_source(arg(0));
    std::string part = argc == 2 ? part_arg(1) : "MONTH";
    return make("sf_last_day(" + x.sql + ", '" + type_spec(x.type) + "', '" + part + "')",
                SfType::of(TypeKind::date, x.type.nullable), {&x});
  }
  if (name == "ADD_MONTHS") {
    need(2, 2);
    CExpr x = temporal_source(arg(0));
    CExpr n = to_number(arg(1));
    return make("sf_dateadd('MONTH', " + n.sql + ", " + x.sql + ", '" + type_spec(x.type) + "')",
                x.type, {&x, &n});
  }
  if (name == "MONTHS_BETWEEN") {
    need(2, 2);
    CExpr a = temporal_source(arg(0));
    CExpr b = temporal_source(arg(1));
    return make("sf_months_between(" + a.sql + ", '" + type_spec(a.type) + "', " + b.sql + ", '" +
                    type_spec(b.type) + "')",
                SfType::fixed(38, 6, any_nullable({&a, &b})), {&a, &b});
  }
  if (name == "MONTHNAME" || name == "DAYNAME") {
    need(1, 1);
    CExpr x = temporal_source(arg(0));
    return make("sf_to_char(" + x.sql + ", '" + type_spec(x.type) + "', '" +
                    (name == "MONTHNAME" ? "MON" : "DY") + "')",
                SfType::text(3, x.type.nullable), {&x});
  }
  if (name == "NEXT_DAY" || name == "PREVIOUS_DAY") {
    need(2, 2);
    CExpr x = temporal_source(arg(0));
    CExpr d = to_text(arg(1));
    return make("sf_next_day(" + x.sql + ", '" + type_spec(x.type) + "', " + d.sql + ", " +
                    (name == "NEXT_DAY" ? "1" : "-1") + ")",
                SfType::of(TypeKind::date, x.type.nullable), {&x});
  }
  auto conversion = [&](const SfType& target, bool try_) -> CExpr {
    need(1, 2);
    CExpr x = arg(0);
    SfType t = target;
    if (argc == 2) {
      CExpr second = arg(1);
      if (second.type.kind == TypeKind::text && x.type.kind == TypeKind::text) {
        return make(std::string(try_ ? "sf_try_parse_with_format(" : "sf_parse_with_format(") +
                        x.sql + ", " + second.sql + ", '" + type_spec(t) + "')",
                    SfType{t.kind, t.precision, t.scale, t.length, true, 0, false}, {&x});
      }
      if (second.type.is_numeric() && x.type.is_numeric()) {
        return make("sf_epoch_to(" + x.sql + ", " + second.sql + ", '" + type_spec(t) + "')", t,
                    {&x});
      }
    }
    return cast_to(x, t, try_);
  };
  if (name == "TO_DATE" || name == "DATE" || name == "TRY_TO_DATE") {
    return conversion(SfType::of(TypeKind::date), name == "TRY_TO_DATE");
  }
  if (name == "TO_TIME" || name == "TIME" || name == "TRY_TO_TIME") {
    return conversion(SfType::temporal(TypeKind::time), name == "TRY_TO_TIME");
  }
  if (name == "TO_TIMESTAMP" || name == "TO_TIMESTAMP_NTZ" || name == "TRY_TO_TIMESTAMP" ||
      name == "TRY_TO_TIMESTAMP_NTZ" || name == "TIMESTAMP") {
    return conversion(SfType::temporal(TypeKind::timestamp_ntz), name.rfind("TRY_", 0) == 0);
  }
  if (name == "TO_TIMESTAMP_LTZ" || name == "TRY_TO_TIMESTAMP_LTZ") {
    return conversion(SfType::temporal(TypeKind::timestamp_ltz), name.rfind("TRY_", 0) == 0);
  }
  if (name == "TO_TIMESTAMP_TZ" || name == "TRY_TO_TIMESTAMP_TZ") {
    return conversion(SfType::temporal(TypeKind::timestamp_tz), name.rfind("TRY_", 0) == 0);
  }
  if (name == "CONVERT_TIMEZONE") {
    need(2, 3);
    if (argc == 2) {
      CExpr tz = to_text(arg(0));
      CExpr x = temporal_source(arg(1));
      return make(
          "sf_convert_timezone(NULL, " + tz.sql + ", " + x.sql + ", '" + type_spec(x.type) + "')",
          SfType::temporal(TypeKind::timestamp_tz, 9, x.type.nullable), {&x});
    }
    CExpr src = to_text(arg(0));
    CExpr dst = to_text(arg(1));
    CExpr x = temporal_source(arg(2));
    return make("sf_convert_timezone(" + src.sql + ", " + dst.sql + ", " + x.sql + ", '" +
                    type_spec(x.type) + "')",
                SfType::temporal(TypeKind::timestamp_ntz, 9, x.type.nullable), {&x});
  }
  if (name == "DATE_FROM_PARTS" || name == "DATEFROMPARTS") {
    need(3, 3);
    CExpr y = to_number(arg(0));
    CExpr m = to_number(arg(1));
    CExpr d = to_number(arg(2));
    return make("sf_date_from_parts(" + y.sql + ", " + m.sql + ", " + d.sql + ")",
                SfType::of(TypeKind::date, any_nullable({&y, &m, &d})), {&y, &m, &d});
  }
  if (name == "TIME_FROM_PARTS" || name == "TIMEFROMPARTS") {
    need(3, 4);
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(to_number(arg(i)).sql);
    while (parts.size() < 4) parts.push_back("0");
    return make("sf_time_from_parts(" + join(parts, ", ") + ")", SfType::temporal(TypeKind::time));
  }
  if (name == "TIMESTAMP_FROM_PARTS" || name == "TIMESTAMP_NTZ_FROM_PARTS" ||
      name == "TIMESTAMPFROMPARTS" || name == "TIMESTAMP_LTZ_FROM_PARTS" ||
      name == "TIMESTAMP_TZ_FROM_PARTS") {
    if (argc == 2) {
      CExpr d = arg(0);
      CExpr t = arg(1);
      return make("sf_timestamp_from_date_time(" + d.sql + ", " + t.sql + ")",
                  SfType::temporal(TypeKind::timestamp_ntz));
    }
    need(6, 8);
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < std::min<std::size_t>(argc, 7); ++i)
      parts.push_back(to_number(arg(i)).sql);
    while (parts.size() < 7) parts.push_back("0");
    SfType t = name == "TIMESTAMP_LTZ_FROM_PARTS"  ? SfType::temporal(TypeKind::timestamp_ltz)
               : name == "TIMESTAMP_TZ_FROM_PARTS" ? SfType::temporal(TypeKind::timestamp_tz)
                                                   : SfType::temporal(TypeKind::timestamp_ntz);
    std::string zone = argc == 8 ? to_text(arg(7)).sql : "NULL";
    return make(
        "sf_timestamp_from_parts(" + join(parts, ", ") + ", " + zone + ", '" + type_spec(t) + "')",
        t);
  }

  // ---- semi-structured ----
  if (name == "PARSE_JSON" || name == "TRY_PARSE_JSON") {
    need(1, 2);
    CExpr a = to_text(arg(0));
    if (a.constant && a.constant->t == Val::T::text) {
      auto j = parse_json(a.constant->s);
      if (j) return literal(Val::text(json_compact(*j)), SfType::of(TypeKind::variant, false));
      if (name == "TRY_PARSE_JSON") return literal(Val::null(), SfType::of(TypeKind::variant));
    }
    return make(
        std::string(name == "PARSE_JSON" ? "sf_parse_json(" : "sf_try_parse_json(") + a.sql + ")",
        SfType::of(TypeKind::variant, a.type.nullable || name == "TRY_PARSE_JSON"), {&a});
  }
  if (name == "TO_VARIANT") {
    need(1, 1);
    CExpr out = to_json(arg(0));
    out.type.kind = TypeKind::variant;
    return out;
  }
  if (name == "TO_OBJECT" || name == "TO_ARRAY") {
    need(1, 1);
    CExpr a = arg(0);
    if (name == "TO_ARRAY" && !a.type.is_semi_structured()) {
      CExpr j = to_json(a);
      return make(
          "CASE WHEN " + j.sql + " IS NULL THEN NULL ELSE sf_array_construct(" + j.sql + ") END",
          SfType::of(TypeKind::array, a.type.nullable), {&a});
    }
    return cast_to(a, SfType::of(name == "TO_OBJECT" ? TypeKind::object : TypeKind::array));
  }
  if (name == "TO_JSON") {
    need(1, 1);
    CExpr a = to_json(arg(0));
    return make("sf_json_text(" + a.sql + ")", SfType::text(kMaxVarcharLength, a.type.nullable),
                {&a});
  }
  if (name == "OBJECT_CONSTRUCT" || name == "OBJECT_CONSTRUCT_KEEP_NULL") {
    std::vector<std::string> items;
    CExpr out;
    if (argc == 1 && A[0]->kind == ExprKind::star) {
      for (const auto& rel : scope.relations) {
        for (const auto& c : rel.columns) {
          if (c.hidden) continue;
          CExpr col;
          col.sql = c.sql;
          col.type = c.type;
          items.push_back(quote_string(c.name) + ", " + to_json(col).sql);
        }
      }
    } else {
      if (argc % 2 != 0) throw fail_args();
      for (std::size_t i = 0; i < argc; i += 2) {
        CExpr k = to_text(arg(i));
        CExpr v = to_json(arg(i + 1));
        out.aggregate = out.aggregate || k.aggregate || v.aggregate;
        out.window = out.window || k.window || v.window;
        items.push_back(k.sql + ", " + v.sql);
      }
    }
    out.sql = chunked_call("sf_object_construct", name == "OBJECT_CONSTRUCT_KEEP_NULL" ? "1" : "0",
                           items, 2, "sf_object_merge");
    out.type = SfType::of(TypeKind::object, false);
    return out;
  }
  if (name == "ARRAY_CONSTRUCT" || name == "ARRAY_CONSTRUCT_COMPACT") {
    std::vector<std::string> items;
    CExpr out;
    for (std::size_t i = 0; i < argc; ++i) {
      CExpr v = to_json(arg(i));
      out.aggregate = out.aggregate || v.aggregate;
      out.window = out.window || v.window;
      items.push_back(v.sql);
    }
    out.sql = chunked_call(
        name == "ARRAY_CONSTRUCT" ? "sf_array_construct" : "sf_array_construct_compact", "", items,
        1, "sf_array_concat");
    out.type = SfType::of(TypeKind::array, false);
    return out;
  }
  auto json_fn = [&](const std::string& fn, std::size_t lo, std::size_t hi, const SfType& t,
                     std::vector<int> json_args) {
    need(lo, hi);
    std::vector<std::string> parts;
    CExpr out;
    bool nullable = false;
    for (std::size_t i = 0; i < argc; ++i) {
      CExpr x = arg(i);
      bool as_json =
          std::find(json_args.begin(), json_args.end(), static_cast<int>(i)) != json_args.end();
      CExpr conv = as_json ? to_json(x) : x;
      if (!as_json && conv.type.kind == TypeKind::boolean) conv = to_number(conv);
      nullable = nullable || x.type.nullable;
      out.aggregate = out.aggregate || x.aggregate;
      parts.push_back(conv.sql);
    }
    out.sql = fn + "(" + join(parts, ", ") + ")";
    out.type = t;
    out.type.nullable = true;
    return out;
  };
  if (name == "ARRAY_SIZE") return json_fn("sf_array_size", 1, 1, SfType::fixed(9, 0), {0});
  if (name == "ARRAY_CONTAINS")
    return json_fn("sf_array_contains", 2, 2, SfType::of(TypeKind::boolean), {0, 1});
  if (name == "ARRAY_POSITION")
    return json_fn("sf_array_position", 2, 2, SfType::fixed(9, 0), {0, 1});
  if (name == "ARRAY_APPEND")
    return json_fn("sf_array_append", 2, 2, SfType::of(TypeKind::array), {0, 1});
  if (name == "ARRAY_PREPEND")
    return json_fn("sf_array_prepend", 2, 2, SfType::of(TypeKind::array), {0, 1});
  if (name == "ARRAY_CAT")
    return json_fn("sf_array_cat", 2, 2, SfType::of(TypeKind::array), {0, 1});
  if (name == "ARRAY_COMPACT")
    return json_fn("sf_array_compact", 1, 1, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_DISTINCT")
    return json_fn("sf_array_distinct", 1, 1, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_SLICE")
    return json_fn("sf_array_slice", 3, 3, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_REVERSE")
    return json_fn("sf_array_reverse", 1, 1, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_SORT") return json_fn("sf_array_sort", 1, 3, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_MIN") return json_fn("sf_array_min", 1, 1, SfType::of(TypeKind::variant), {0});
  if (name == "ARRAY_MAX") return json_fn("sf_array_max", 1, 1, SfType::of(TypeKind::variant), {0});
  if (name == "ARRAY_INTERSECTION")
    return json_fn("sf_array_intersection", 2, 2, SfType::of(TypeKind::array), {0, 1});
  if (name == "ARRAYS_OVERLAP")
    return json_fn("sf_arrays_overlap", 2, 2, SfType::of(TypeKind::boolean), {0, 1});
  if (name == "ARRAY_EXCEPT")
    return json_fn("sf_array_except", 2, 2, SfType::of(TypeKind::array), {0, 1});
  if (name == "ARRAY_FLATTEN")
    return json_fn("sf_array_flatten", 1, 1, SfType::of(TypeKind::array), {0});
  if (name == "ARRAY_GENERATE_RANGE")
    return json_fn("sf_array_generate_range", 2, 3, SfType::of(TypeKind::array), {});
  if (name == "ARRAY_TO_STRING") {
    need(2, 2);
    CExpr a = to_json(arg(0));
    CExpr sep = to_text(arg(1));
    return make("sf_array_to_string(" + a.sql + ", " + sep.sql + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }
  if (name == "OBJECT_KEYS")
    return json_fn("sf_object_keys", 1, 1, SfType::of(TypeKind::array), {0});
  if (name == "OBJECT_INSERT")
    return json_fn("sf_object_insert", 3, 4, SfType::of(TypeKind::object), {0, 2});
  if (name == "OBJECT_DELETE")
    return json_fn("sf_object_delete", 2, 64, SfType::of(TypeKind::object), {0});
  if (name == "OBJECT_PICK")
    return json_fn("sf_object_pick", 2, 64, SfType::of(TypeKind::object), {0});
  if (name == "GET") return json_fn("sf_get", 2, 2, SfType::of(TypeKind::variant), {0});
  if (name == "GET_IGNORE_CASE")
    return json_fn("sf_get_ignore_case", 2, 2, SfType::of(TypeKind::variant), {0});
  if (name == "GET_PATH" || name == "JSON_EXTRACT_PATH_TEXT") {
    need(2, 2);
    CExpr a = arg(0);
    CExpr p = to_text(arg(1));
    if (name == "JSON_EXTRACT_PATH_TEXT") {
      CExpr src = a.type.is_json() ? a
                                   : make("sf_try_parse_json(" + to_text(a).sql + ")",
                                          SfType::of(TypeKind::variant), {&a});
      return make("sf_json_as_text(sf_get_path(" + src.sql + ", " + p.sql + "))", SfType::text(),
                  {&a});
    }
    CExpr src = to_json(a);
    return make("sf_get_path(" + src.sql + ", " + p.sql + ")", SfType::of(TypeKind::variant), {&a});
  }
  if (name == "TYPEOF") return json_fn("sf_typeof", 1, 1, SfType::text(30), {0});
  if (name == "STRIP_NULL_VALUE")
    return json_fn("sf_strip_null_value", 1, 1, SfType::of(TypeKind::variant), {0});
  if (name == "CHECK_JSON") {
    need(1, 1);
    CExpr a = arg(0);
    return make("sf_check_json(" + (a.type.is_json() ? a.sql : to_text(a).sql) + ")",
                SfType::text(), {&a});
  }
  static const std::map<std::string, std::string, std::less<>> kIsFunctions = {
      {"IS_ARRAY", "ARRAY"},          {"IS_OBJECT", "OBJECT"}, {"IS_INTEGER", "INTEGER"},
      {"IS_DECIMAL", "DECIMAL"},      {"IS_DOUBLE", "DOUBLE"}, {"IS_REAL", "DOUBLE"},
      {"IS_VARCHAR", "VARCHAR"},      {"IS_CHAR", "VARCHAR"},  {"IS_BOOLEAN", "BOOLEAN"},
      {"IS_NULL_VALUE", "NULL_VALUE"}};
  if (auto it = kIsFunctions.find(name); it != kIsFunctions.end()) {
    need(1, 1);
    CExpr a = to_json(arg(0));
    return make("sf_is_kind(" + a.sql + ", '" + it->second + "')",
                SfType::of(TypeKind::boolean, a.type.nullable), {&a});
  }
  static const std::map<std::string, SfType, std::less<>> kAsFunctions = {
      {"AS_VARCHAR", SfType::text()},
      {"AS_CHAR", SfType::text()},
      {"AS_INTEGER", SfType::fixed(38, 0)},
      {"AS_NUMBER", SfType::fixed(38, 0)},
      {"AS_DECIMAL", SfType::fixed(38, 0)},
      {"AS_DOUBLE", SfType::real()},
      {"AS_REAL", SfType::real()},
      {"AS_BOOLEAN", SfType::of(TypeKind::boolean)},
      {"AS_ARRAY", SfType::of(TypeKind::array)},
      {"AS_OBJECT", SfType::of(TypeKind::object)},
      {"AS_DATE", SfType::of(TypeKind::date)}};
  if (auto it = kAsFunctions.find(name); it != kAsFunctions.end()) {
    need(1, 3);
    CExpr a = to_json(arg(0));
    return make("sf_try_cast(" + a.sql + ", 'V', '" + type_spec(it->second) + "')", it->second,
                {&a});
  }

  // ---- geospatial ----
  if (name == "TO_GEOGRAPHY" || name == "TO_GEOMETRY" || name == "ST_GEOGRAPHYFROMWKT" ||
      name == "ST_GEOGFROMTEXT" || name == "ST_GEOMETRYFROMWKT" || name == "ST_GEOMFROMTEXT" ||
      name == "TRY_TO_GEOGRAPHY" || name == "TRY_TO_GEOMETRY") {
    need(1, 2);
    bool geometry = name.find("GEOM") != std::string::npos;
    CExpr a = arg(0);
    if (!a.type.is_json()) a = to_text(a);
    return make("sf_to_geo(" + a.sql + ")",
                SfType::of(geometry ? TypeKind::geometry : TypeKind::geography, a.type.nullable),
                {&a});
  }
  if (name == "ST_MAKEPOINT" || name == "ST_POINT") {
    need(2, 2);
    CExpr x = to_number(arg(0));
    CExpr y = to_number(arg(1));
    return make("sf_make_point(" + x.sql + ", " + y.sql + ")", SfType::of(TypeKind::geography),
                {&x, &y});
  }
  if (name == "ST_ASWKT" || name == "ST_ASTEXT" || name == "ST_ASGEOJSON") {
    need(1, 1);
    CExpr g = arg(0);
    if (name == "ST_ASGEOJSON") return make(g.sql, SfType::of(TypeKind::object), {&g});
    return make("sf_geo_to_wkt(" + g.sql + ")", SfType::text(), {&g});
  }
  if (name == "ST_X" || name == "ST_Y") {
    need(1, 1);
    CExpr g = arg(0);
    return make("sf_geo_coordinate(" + g.sql + ", " + (name == "ST_X" ? "0" : "1") + ")",
                SfType::real(), {&g});
  }

  // ---- system ----
  if (name == "SYSTEM$WAIT") {
    need(1, 2);
    CExpr n = to_number(arg(0));
    std::string unit = argc == 2 ? to_text(arg(1)).sql : "'SECONDS'";
    return make("sf_system_wait(" + n.sql + ", " + unit + ")",
                SfType::text(kMaxVarcharLength, false), {&n});
  }
  if (name == "SYSTEM$TYPEOF") {
    need(1, 1);
    CExpr a = arg(0);
    std::string t = type_ddl(a.type);
    return literal(Val::text(t + "[SB" +
                             std::to_string(a.type.kind == TypeKind::fixed
                                                ? std::min(16, a.type.precision / 2 + 1)
                                                : 16) +
                             "]"),
                   SfType::text(kMaxVarcharLength, false));
  }
  if (name == "GET_DDL") {
    need(2, 3);
    if (A[0]->kind != ExprKind::string || A[1]->kind != ExprKind::string) throw fail_args();
    return text_literal(compile_get_ddl(*this, A[0]->text, A[1]->text));
  }
  if (name == "SYSTEM$CLUSTERING_INFORMATION" || name == "SYSTEM$LAST_CHANGE_COMMIT_TIME") {
    return literal(Val::null(), SfType::text());
  }

  throw SfError(unknown_function(e.pos.line, e.pos.column, name));
}

}  // namespace mock_snowflake::engine
