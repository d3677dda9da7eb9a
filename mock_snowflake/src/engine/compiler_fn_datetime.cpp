// compiler_fn_datetime.cpp — the compilers of Snowflake's date and time functions.
// Each is registered by name in the function table (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

static const std::set<std::string, std::less<>> kPartFunctions = {
    "YEAR",   "QUARTER",    "MONTH",      "WEEK",          "WEEKOFYEAR", "WEEKISO",
    "DAY",    "DAYOFMONTH", "DAYOFWEEK",  "DAYOFWEEKISO",  "DAYOFYEAR",  "HOUR",
    "MINUTE", "SECOND",     "YEAROFWEEK", "YEAROFWEEKISO", "NANOSECOND"};

struct DateTimeFns : FnCall {
  CExpr fn_dateadd() {
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

  CExpr fn_datediff() {
    need(3, 3);
    std::string part = part_arg(0);
    CExpr a = temporal_source(arg(1));
    CExpr b = temporal_source(arg(2));
    return make("sf_datediff('" + part + "', " + a.sql + ", '" + type_spec(a.type) + "', " + b.sql +
                    ", '" + type_spec(b.type) + "')",
                SfType::fixed(18, 0, any_nullable({&a, &b})), {&a, &b});
  }

  CExpr fn_date_trunc() {
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

  CExpr fn_date_part() {
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

  CExpr fn_last_day() {
    need(1, 2);
    CExpr x = temporal_source(arg(0));
    std::string part = argc == 2 ? part_arg(1) : "MONTH";
    return make("sf_last_day(" + x.sql + ", '" + type_spec(x.type) + "', '" + part + "')",
                SfType::of(TypeKind::date, x.type.nullable), {&x});
  }

  CExpr fn_add_months() {
    need(2, 2);
    CExpr x = temporal_source(arg(0));
    CExpr n = to_number(arg(1));
    return make("sf_dateadd('MONTH', " + n.sql + ", " + x.sql + ", '" + type_spec(x.type) + "')",
                x.type, {&x, &n});
  }

  CExpr fn_months_between() {
    need(2, 2);
    CExpr a = temporal_source(arg(0));
    CExpr b = temporal_source(arg(1));
    return make("sf_months_between(" + a.sql + ", '" + type_spec(a.type) + "', " + b.sql + ", '" +
                    type_spec(b.type) + "')",
                SfType::fixed(38, 6, any_nullable({&a, &b})), {&a, &b});
  }

  CExpr fn_monthname() {
    need(1, 1);
    CExpr x = temporal_source(arg(0));
    return make("sf_to_char(" + x.sql + ", '" + type_spec(x.type) + "', '" +
                    (name == "MONTHNAME" ? "MON" : "DY") + "')",
                SfType::text(3, x.type.nullable), {&x});
  }

  CExpr fn_next_day() {
    need(2, 2);
    CExpr x = temporal_source(arg(0));
    CExpr d = to_text(arg(1));
    return make("sf_next_day(" + x.sql + ", '" + type_spec(x.type) + "', " + d.sql + ", " +
                    (name == "NEXT_DAY" ? "1" : "-1") + ")",
                SfType::of(TypeKind::date, x.type.nullable), {&x});
  }

  CExpr conversion(const SfType& target, bool try_) {
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
  }

  CExpr fn_to_date() { return conversion(SfType::of(TypeKind::date), name == "TRY_TO_DATE"); }

  CExpr fn_to_time() { return conversion(SfType::temporal(TypeKind::time), name == "TRY_TO_TIME"); }

  CExpr fn_to_timestamp() {
    return conversion(SfType::temporal(TypeKind::timestamp_ntz), name.rfind("TRY_", 0) == 0);
  }

  CExpr fn_to_timestamp_ltz() {
    return conversion(SfType::temporal(TypeKind::timestamp_ltz), name.rfind("TRY_", 0) == 0);
  }

  CExpr fn_to_timestamp_tz() {
    return conversion(SfType::temporal(TypeKind::timestamp_tz), name.rfind("TRY_", 0) == 0);
  }

  CExpr fn_convert_timezone() {
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

  CExpr fn_date_from_parts() {
    need(3, 3);
    CExpr y = to_number(arg(0));
    CExpr m = to_number(arg(1));
    CExpr d = to_number(arg(2));
    return make("sf_date_from_parts(" + y.sql + ", " + m.sql + ", " + d.sql + ")",
                SfType::of(TypeKind::date, any_nullable({&y, &m, &d})), {&y, &m, &d});
  }

  CExpr fn_time_from_parts() {
    need(3, 4);
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(to_number(arg(i)).sql);
    while (parts.size() < 4) parts.push_back("0");
    return make("sf_time_from_parts(" + join(parts, ", ") + ")", SfType::temporal(TypeKind::time));
  }

  CExpr fn_timestamp_from_parts() {
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
};

}  // namespace

CExpr compile_date_trunc(FnCall& call) {
  DateTimeFns f{call};
  return f.fn_date_trunc();
}

void add_datetime_functions(FnTable& table) {
  using F = DateTimeFns;
  add<F, &F::fn_dateadd>(table, {"DATEADD", "TIMEADD", "TIMESTAMPADD"});
  add<F, &F::fn_datediff>(table, {"DATEDIFF", "TIMEDIFF", "TIMESTAMPDIFF"});
  add<F, &F::fn_date_trunc>(table, {"DATE_TRUNC", "TIME_SLICE"});
  for (const auto& n : kPartFunctions) add<F, &F::fn_date_part>(table, {n.c_str()});
  add<F, &F::fn_date_part>(table, {"DATE_PART", "EXTRACT"});
  add<F, &F::fn_last_day>(table, {"LAST_DAY"});
  add<F, &F::fn_add_months>(table, {"ADD_MONTHS"});
  add<F, &F::fn_months_between>(table, {"MONTHS_BETWEEN"});
  add<F, &F::fn_monthname>(table, {"MONTHNAME", "DAYNAME"});
  add<F, &F::fn_next_day>(table, {"NEXT_DAY", "PREVIOUS_DAY"});
  add<F, &F::fn_to_date>(table, {"TO_DATE", "DATE", "TRY_TO_DATE"});
  add<F, &F::fn_to_time>(table, {"TO_TIME", "TIME", "TRY_TO_TIME"});
  add<F, &F::fn_to_timestamp>(table, {"TO_TIMESTAMP", "TO_TIMESTAMP_NTZ", "TRY_TO_TIMESTAMP",
                                      "TRY_TO_TIMESTAMP_NTZ", "TIMESTAMP"});
  add<F, &F::fn_to_timestamp_ltz>(table, {"TO_TIMESTAMP_LTZ", "TRY_TO_TIMESTAMP_LTZ"});
  add<F, &F::fn_to_timestamp_tz>(table, {"TO_TIMESTAMP_TZ", "TRY_TO_TIMESTAMP_TZ"});
  add<F, &F::fn_convert_timezone>(table, {"CONVERT_TIMEZONE"});
  add<F, &F::fn_date_from_parts>(table, {"DATE_FROM_PARTS", "DATEFROMPARTS"});
  add<F, &F::fn_time_from_parts>(table, {"TIME_FROM_PARTS", "TIMEFROMPARTS"});
  add<F, &F::fn_timestamp_from_parts>(
      table, {"TIMESTAMP_FROM_PARTS", "TIMESTAMP_NTZ_FROM_PARTS", "TIMESTAMPFROMPARTS",
              "TIMESTAMP_LTZ_FROM_PARTS", "TIMESTAMP_TZ_FROM_PARTS"});
}

}  // namespace mock_snowflake::engine
