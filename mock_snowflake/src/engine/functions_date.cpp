// functions_date.cpp — Snowflake functions as SQLite UDFs: DATEADD, DATEDIFF, DATE_TRUNC,
// DATE_PART, parsing with formats, time zones and *_FROM_PARTS.
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/functions_support.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

using namespace udf;

void fn_dateadd(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    std::string part = text_arg(argv[0]);
    if (auto c = canonical_date_part(part)) part = *c;
    SfType type = parse_type_spec(text_arg(argv[3]));
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[2], type, vc);
    std::int64_t n = int_arg(argv[1]);
    if (part == "YEAR") {
      t.wall = add_months(t.wall, n * 12);
    } else if (part == "QUARTER") {
      t.wall = add_months(t.wall, n * 3);
    } else if (part == "MONTH") {
      t.wall = add_months(t.wall, n);
    } else {
      std::int64_t unit = unit_nanos(part);
      if (unit == 0) throw SfError("002010", "22023", "Invalid date/time part '" + part + "'");
      if (type.kind == TypeKind::timestamp_ltz && unit < kNanosPerDay) {
        // Sub-day units move the instant, whatever the local clock does.
        std::int64_t inst = local_to_instant(vc, t.wall) + n * unit;
        val_to_result(ctx, Val::integer(inst));
        return;
      }
      t.wall += n * unit;
    }
    val_to_result(ctx, store_temporal(t, vc));
  });
}

std::int64_t diff_parts(const Temporal& a, const Temporal& b, const std::string& part) {
  if (part == "YEAR")
    return civil_from_wall_nanos(b.wall).year - civil_from_wall_nanos(a.wall).year;
  if (part == "MONTH" || part == "QUARTER") {
    Civil ca = civil_from_wall_nanos(a.wall);
    Civil cb = civil_from_wall_nanos(b.wall);
    std::int64_t months = (cb.year * 12 + cb.month) - (ca.year * 12 + ca.month);
    if (part == "MONTH") return months;
    return (cb.year * 4 + (cb.month - 1) / 3) - (ca.year * 4 + (ca.month - 1) / 3);
  }
  if (part == "WEEK") {
    return (week_start(floor_div(b.wall, kNanosPerDay)) -
            week_start(floor_div(a.wall, kNanosPerDay))) /
           7;
  }
  std::int64_t unit = unit_nanos(part);
  if (unit == 0) throw SfError("002010", "22023", "Invalid date/time part '" + part + "'");
  return floor_div(b.wall, unit) - floor_div(a.wall, unit);
}

void fn_datediff(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(5, argv)) return sqlite3_result_null(ctx);
    std::string part = text_arg(argv[0]);
    if (auto c = canonical_date_part(part)) part = *c;
    const ValueContext& vc = state_of(ctx)->values;
    Temporal a = load_temporal(argv[1], parse_type_spec(text_arg(argv[2])), vc);
    Temporal b = load_temporal(argv[3], parse_type_spec(text_arg(argv[4])), vc);
    if (a.kind == TypeKind::timestamp_tz || b.kind == TypeKind::timestamp_tz) {
      // Compare zoned values on the UTC clock.
      a.wall -= static_cast<std::int64_t>(a.offset) * 60 * kNanosPerSecond;
      b.wall -= static_cast<std::int64_t>(b.offset) * 60 * kNanosPerSecond;
    }
    sqlite3_result_int64(ctx, diff_parts(a, b, part));
  });
}

void fn_date_trunc(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::string part = text_arg(argv[0]);
    if (auto c = canonical_date_part(part)) part = *c;
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[1], parse_type_spec(text_arg(argv[2])), vc);
    t.wall = trunc_wall(t.wall, part);
    val_to_result(ctx, store_temporal(t, vc));
  });
}

void fn_time_slice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[0], parse_type_spec(text_arg(argv[3])), vc);
    std::int64_t n = std::max<std::int64_t>(1, int_arg(argv[1]));
    std::string part = text_arg(argv[2]);
    bool end = text::upper(text_arg(argv[4])) == "END";
    if (part == "YEAR" || part == "QUARTER" || part == "MONTH") {
      std::int64_t months = part == "YEAR" ? 12 * n : part == "QUARTER" ? 3 * n : n;
      Civil c = civil_from_wall_nanos(t.wall);
      std::int64_t index = c.year * 12 + c.month - 1 - (1970 * 12);
      std::int64_t slot = floor_div(index, months) * months + (end ? months : 0) + 1970 * 12;
      Civil s;
      s.year = floor_div(slot, 12);
      s.month = static_cast<int>(floor_mod(slot, 12)) + 1;
      t.wall = wall_nanos_from_civil(s);
    } else {
      std::int64_t unit = unit_nanos(part) * n;
      if (unit == 0) throw SfError("002010", "22023", "Invalid date/time part '" + part + "'");
      t.wall = floor_div(t.wall, unit) * unit + (end ? unit : 0);
    }
    val_to_result(ctx, store_temporal(t, vc));
  });
}

void fn_date_part(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::string part = text_arg(argv[0]);
    if (auto c = canonical_date_part(part)) part = *c;
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[1], parse_type_spec(text_arg(argv[2])), vc);
    sqlite3_result_int64(ctx, date_part(t, part));
  });
}

void fn_last_day(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[0], parse_type_spec(text_arg(argv[1])), vc);
    std::string part = text_arg(argv[2]);
    if (auto c = canonical_date_part(part)) part = *c;
    std::int64_t start = trunc_wall(t.wall, part);
    std::int64_t next = part == "WEEK"      ? start + 7 * kNanosPerDay
                        : part == "YEAR"    ? add_months(start, 12)
                        : part == "QUARTER" ? add_months(start, 3)
                                            : add_months(start, 1);
    sqlite3_result_int64(ctx, floor_div(next, kNanosPerDay) - 1);
  });
}

void fn_months_between(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    const ValueContext& vc = state_of(ctx)->values;
    Temporal a = load_temporal(argv[0], parse_type_spec(text_arg(argv[1])), vc);
    Temporal b = load_temporal(argv[2], parse_type_spec(text_arg(argv[3])), vc);
    Civil ca = civil_from_wall_nanos(a.wall);
    Civil cb = civil_from_wall_nanos(b.wall);
    double months = static_cast<double>((ca.year - cb.year) * 12 + (ca.month - cb.month));
    bool both_last =
        ca.day == days_in_month(ca.year, ca.month) && cb.day == days_in_month(cb.year, cb.month);
    if (ca.day != cb.day && !both_last) months += (ca.day - cb.day) / 31.0;
    sqlite3_result_double(ctx, months);
  });
}

void fn_next_day(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    const ValueContext& vc = state_of(ctx)->values;
    Temporal t = load_temporal(argv[0], parse_type_spec(text_arg(argv[1])), vc);
    std::string day = text::upper(text_arg(argv[2])).substr(0, 2);
    static const char* kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    int target = -1;
    for (int i = 0; i < 7; ++i) {
      if (day == kDays[i]) target = i;
    }
    if (target < 0)
      throw SfError("100040", "22007", "Invalid day of week '" + text_arg(argv[2]) + "'");
    std::int64_t days = floor_div(t.wall, kNanosPerDay);
    int dir = sqlite3_value_int(argv[3]);
    int wd = weekday_from_days(days);
    int delta = dir > 0 ? ((target - wd + 7) % 7) : -((wd - target + 7) % 7);
    if (delta == 0) delta = dir > 0 ? 7 : -7;
    sqlite3_result_int64(ctx, days + delta);
  });
}

void parse_with_format(sqlite3_context* ctx, sqlite3_value** argv, bool try_) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    std::string text = text_arg(argv[0]);
    std::string fmt = text_arg(argv[1]);
    SfType to = parse_type_spec(text_arg(argv[2]));
    const ValueContext& vc = state_of(ctx)->values;
    auto p = parse_datetime_format(text, fmt);
    if (!p) {
      if (try_) return sqlite3_result_null(ctx);
      throw SfError("100096", "22007",
                    "Can't parse '" + text + "' as " +
                        text::upper(std::string(rowtype_name(to.kind))) + " with format '" + fmt +
                        "'");
    }
    Temporal t;
    t.kind = to.kind;
    t.wall = wall_nanos_from_civil(p->civil);
    if (to.kind == TypeKind::timestamp_ltz && p->offset_minutes) {
      val_to_result(ctx, Val::integer(t.wall - static_cast<std::int64_t>(*p->offset_minutes) * 60 *
                                                   kNanosPerSecond));
      return;
    }
    if (to.kind == TypeKind::timestamp_tz) {
      t.offset = p->offset_minutes ? *p->offset_minutes
                                   : zone_offset_minutes(vc, local_to_instant(vc, t.wall));
    }
    val_to_result(ctx, store_temporal(t, vc));
  });
}
void fn_parse_with_format(sqlite3_context* ctx, int, sqlite3_value** argv) {
  parse_with_format(ctx, argv, false);
}
void fn_try_parse_with_format(sqlite3_context* ctx, int, sqlite3_value** argv) {
  parse_with_format(ctx, argv, true);
}

void fn_epoch_to(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    int scale = static_cast<int>(std::clamp<std::int64_t>(int_arg(argv[1]), 0, 9));
    std::int64_t ns = 0;
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
      ns = sqlite3_value_int64(argv[0]);
      for (int i = scale; i < 9; ++i) ns *= 10;
    } else {
      ns = epoch_number_to_nanos(double_arg(argv[0]), scale);
    }
    SfType to = parse_type_spec(text_arg(argv[2]));
    const ValueContext& vc = state_of(ctx)->values;
    // An epoch is a UTC instant; as TIMESTAMP_NTZ it is the UTC wall clock.
    if (to.kind == TypeKind::timestamp_tz) {
      val_to_result(ctx, Val::blob(tz_pack(ns, zone_offset_minutes(vc, ns))));
    } else if (to.kind == TypeKind::date) {
      val_to_result(ctx, Val::integer(floor_div(ns, kNanosPerDay)));
    } else {
      val_to_result(ctx, Val::integer(ns));
    }
  });
}

void fn_convert_timezone(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv, 0) || sqlite3_value_type(argv[1]) == SQLITE_NULL ||
        sqlite3_value_type(argv[2]) == SQLITE_NULL) {
      return sqlite3_result_null(ctx);
    }
    const ValueContext& vc = state_of(ctx)->values;
    auto zone = [](const std::string& name) {
      auto z = TimeZone::find(name);
      if (!z) throw SfError("100094", "22000", "Unknown timezone: '" + name + "'");
      return z;
    };
    auto dst = zone(text_arg(argv[1]));
    SfType type = parse_type_spec(text_arg(argv[3]));
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      Temporal t = load_temporal(argv[2], type, vc);
      std::int64_t instant =
          t.kind == TypeKind::timestamp_ntz
              ? local_to_instant(vc, t.wall)
              : t.wall - static_cast<std::int64_t>(t.offset) * 60 * kNanosPerSecond;
      int off = dst->offset_at_utc(floor_div(instant, kNanosPerSecond)) / 60;
      val_to_result(ctx, Val::blob(tz_pack(instant, off)));
      return;
    }
    auto src = zone(text_arg(argv[0]));
    Temporal t = load_temporal(argv[2], type, vc);
    std::int64_t wall_secs = floor_div(t.wall, kNanosPerSecond);
    std::int64_t instant =
        t.wall - static_cast<std::int64_t>(src->offset_for_local(wall_secs)) * kNanosPerSecond;
    std::int64_t out = instant + static_cast<std::int64_t>(
                                     dst->offset_at_utc(floor_div(instant, kNanosPerSecond))) *
                                     kNanosPerSecond;
    val_to_result(ctx, Val::integer(out));
  });
}

void fn_date_from_parts(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::int64_t y = int_arg(argv[0]);
    std::int64_t m = int_arg(argv[1]) - 1;
    y += floor_div(m, 12);
    m = floor_mod(m, 12);
    sqlite3_result_int64(ctx,
                         days_from_civil(y, static_cast<int>(m) + 1, 1) + int_arg(argv[2]) - 1);
  });
}

void fn_time_from_parts(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    std::int64_t ns =
        (int_arg(argv[0]) * 3600 + int_arg(argv[1]) * 60 + int_arg(argv[2])) * kNanosPerSecond +
        int_arg(argv[3]);
    sqlite3_result_int64(ctx, floor_mod(ns, kNanosPerDay));
  });
}

void fn_timestamp_from_parts(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(7, argv)) return sqlite3_result_null(ctx);
    std::int64_t y = int_arg(argv[0]);
    std::int64_t m = int_arg(argv[1]) - 1;
    y += floor_div(m, 12);
    m = floor_mod(m, 12);
    std::int64_t days = days_from_civil(y, static_cast<int>(m) + 1, 1) + int_arg(argv[2]) - 1;
    std::int64_t wall =
        days * kNanosPerDay +
        (int_arg(argv[3]) * 3600 + int_arg(argv[4]) * 60 + int_arg(argv[5])) * kNanosPerSecond +
        int_arg(argv[6]);
    SfType to = parse_type_spec(text_arg(argv[8]));
    const ValueContext& vc = state_of(ctx)->values;
    if (to.kind == TypeKind::timestamp_ntz) return val_to_result(ctx, Val::integer(wall));
    ValueContext zoned = vc;
    if (sqlite3_value_type(argv[7]) != SQLITE_NULL) {
      auto z = TimeZone::find(text_arg(argv[7]));
      if (!z) throw SfError("100094", "22000", "Unknown timezone: '" + text_arg(argv[7]) + "'");
      zoned.tz = z;
    }
    std::int64_t instant = local_to_instant(zoned, wall);
    if (to.kind == TypeKind::timestamp_ltz) return val_to_result(ctx, Val::integer(instant));
    val_to_result(ctx, Val::blob(tz_pack(instant, zone_offset_minutes(zoned, instant))));
  });
}

void fn_timestamp_from_date_time(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    sqlite3_result_int64(
        ctx, sqlite3_value_int64(argv[0]) * kNanosPerDay + sqlite3_value_int64(argv[1]));
  });
}

}  // namespace

void register_date_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_dateadd", 4, st, fn_dateadd);
  reg(db, "sf_datediff", 5, st, fn_datediff);
  reg(db, "sf_date_trunc", 3, st, fn_date_trunc);
  reg(db, "sf_time_slice", 5, st, fn_time_slice);
  reg(db, "sf_date_part", 3, st, fn_date_part);
  reg(db, "sf_last_day", 3, st, fn_last_day);
  reg(db, "sf_months_between", 4, st, fn_months_between);
  reg(db, "sf_next_day", 4, st, fn_next_day);
  reg(db, "sf_parse_with_format", 3, st, fn_parse_with_format);
  reg(db, "sf_try_parse_with_format", 3, st, fn_try_parse_with_format);
  reg(db, "sf_epoch_to", 3, st, fn_epoch_to);
  reg(db, "sf_convert_timezone", 4, st, fn_convert_timezone);
  reg(db, "sf_date_from_parts", 3, st, fn_date_from_parts);
  reg(db, "sf_time_from_parts", 4, st, fn_time_from_parts);
  reg(db, "sf_timestamp_from_parts", 9, st, fn_timestamp_from_parts);
  reg(db, "sf_timestamp_from_date_time", 2, st, fn_timestamp_from_date_time);
}

}  // namespace mock_snowflake::engine
