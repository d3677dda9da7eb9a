// compiler_functions.cpp — Snowflake functions: the table from name to compiler and the helpers
// every family uses (compiler_functions.hpp); the families live in compiler_fn_*.cpp.
//
// Supported (besides the operators and casts in compiler_operators.cpp):
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
//               CONCAT, CONCAT_WS, REPLACE, INSERT, REVERSE, REPEAT, LPAD, RPAD, SPLIT_PART,
//               SPLIT, STRTOK, INITCAP, CONTAINS, STARTSWITH, ENDSWITH, POSITION/CHARINDEX, ASCII,
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
//   system      SYSTEM$WAIT, SYSTEM$TYPEOF, GET_DDL; sequences: seq.NEXTVAL (compiler_expr.cpp)

#include "engine/compiler_functions.hpp"

#include "engine/errors.hpp"
#include "engine/functions.hpp"

namespace mock_snowflake::engine {

SfError FnCall::fail_args() const {
  return SfError("001044", "42P13",
                 "SQL compilation error: error line " + std::to_string(e.pos.line) +
                     " at position " + std::to_string(e.pos.column) +
                     "\nInvalid argument types for function '" + name + "'");
}

void FnCall::need(std::size_t lo, std::size_t hi) const {
  if (argc < lo || argc > hi) throw fail_args();
}

CExpr FnCall::arg(std::size_t i) { return compile_expr(*A[i], scope); }

CExpr FnCall::make(std::string sql, SfType type, std::initializer_list<const CExpr*> from) {
  CExpr out;
  out.sql = std::move(sql);
  out.type = type;
  for (const CExpr* f : from) {
    out.aggregate = out.aggregate || f->aggregate;
    out.window = out.window || f->window;
  }
  return out;
}

bool FnCall::any_nullable(std::initializer_list<const CExpr*> xs) {
  bool n = false;
  for (const CExpr* x : xs) n = n || x->type.nullable;
  return n;
}

CExpr FnCall::text_literal(const std::string& text) {
  return literal(Val::text(text), SfType::text(kMaxVarcharLength, false));
}

std::string FnCall::part_arg(std::size_t i) {
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
}

CExpr FnCall::with_window(CExpr out) {
  if (e.over) {
    out.sql += ' ';
    out.sql += window_sql(*e.over, scope);
    out.aggregate = false;
    out.window = true;
  }
  return out;
}

std::optional<std::string> FnCall::constant_text(std::size_t i) const {
  const Expr& x = *A[i];
  if (x.kind == ExprKind::string) return x.text;
  if (x.kind != ExprKind::param || !env_.bindings) return std::nullopt;
  auto it = env_.bindings->find(x.text);
  if (it == env_.bindings->end() || it->second.is_array || it->second.values.size() != 1) {
    return std::nullopt;
  }
  return it->second.values[0];
}

CExpr FnCall::temporal_source(CExpr x) {
  if (x.type.kind == TypeKind::text) return coerce(x, SfType::temporal(TypeKind::timestamp_ntz));
  return x;
}

namespace {

const FnTable& function_table() {
  static const FnTable table = [] {
    FnTable t;
    add_context_functions(t);
    add_conditional_functions(t);
    add_aggregate_functions(t);
    add_numeric_functions(t);
    add_string_functions(t);
    add_datetime_functions(t);
    add_semistructured_functions(t);
    return t;
  }();
  return table;
}

}  // namespace

CExpr Compiler::compile_function(const Expr& e, Scope& scope) {
  const auto& table = function_table();
  auto it = table.find(e.text);
  if (it == table.end()) throw SfError(unknown_function(e.pos.line, e.pos.column, e.text));
  FnCall call{*this, e, scope, e.text, e.args, e.args.size(), env_, env_.session};
  return it->second(call);
}

}  // namespace mock_snowflake::engine
