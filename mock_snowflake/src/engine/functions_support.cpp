// functions_support.cpp — the helpers the UDF families share (functions_support.hpp).
#include "engine/functions_support.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "text.hpp"

namespace mock_snowflake::engine::udf {

FunctionState* state_of(sqlite3_context* ctx) {
  return static_cast<FunctionState*>(sqlite3_user_data(ctx));
}

bool any_null(int argc, sqlite3_value** argv, int count) {
  int n = count < 0 ? argc : std::min(argc, count);
  for (int i = 0; i < n; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return true;
  }
  return false;
}

std::string text_arg(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string();
}

std::string blob_or_text(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_BLOB) {
    const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string();
  }
  return text_arg(v);
}

double double_arg(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_TEXT) {
    auto n = parse_number_text(text_arg(v), true);
    if (!n) throw SfError(numeric_not_recognized(text_arg(v)));
    return n->t == Val::T::integer ? static_cast<double>(n->i)
           : n->t == Val::T::real  ? n->d
                                   : std::strtod(n->s.c_str(), nullptr);
  }
  return sqlite3_value_double(v);
}

std::int64_t int_arg(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_INTEGER) return sqlite3_value_int64(v);
  return static_cast<std::int64_t>(std::llround(double_arg(v)));
}

void result_text(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void result_json(sqlite3_context* ctx, const JsonValue& j) { result_text(ctx, json_compact(j)); }

JsonValue json_arg(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return JsonValue::make_undefined();
  std::string t = text_arg(v);
  auto j = parse_json(t);
  if (!j) throw SfError("100069", "22P02", "Error parsing JSON: " + t);
  return *j;
}

void reg(sqlite3* db, const char* name, int argc, FunctionState* state,
         void (*fn)(sqlite3_context*, int, sqlite3_value**), bool deterministic) {
  int flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0);
  sqlite3_create_function_v2(db, name, argc, flags, state, fn, nullptr, nullptr, nullptr);
}

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    int n = 1;
    if (c >= 0xF0 && i + 3 < s.size() + 0) {
      cp = ((c & 0x07U) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3FU) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3FU) << 6) |
           (static_cast<unsigned char>(s[i + 3]) & 0x3FU);
      n = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0FU) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3FU) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3FU);
      n = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1FU) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3FU);
      n = 2;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) text::append_utf8(out, cp);
  return out;
}

char32_t to_upper_cp(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c >= 0x100 && c <= 0x17F && (c % 2 == 1) && c != 0x131 && c != 0x138 && c != 0x149)
    return c - 1;
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

char32_t to_lower_cp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F && (c % 2 == 0) && c != 0x130 && c != 0x138) return c + 1;
  if (c >= 0x391 && c <= 0x3A9) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

std::string utf8_upper(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = to_upper_cp(c);
  return utf8_encode(u);
}

std::string utf8_lower(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = to_lower_cp(c);
  return utf8_encode(u);
}

Temporal load_temporal(sqlite3_value* v, const SfType& t, const ValueContext& ctx) {
  Val x = val_from_sqlite(v);
  Temporal out;
  out.kind = t.kind;
  switch (t.kind) {
    case TypeKind::date:
      out.wall = cast_value(x, t, SfType::of(TypeKind::date), ctx).i * kNanosPerDay;
      break;
    case TypeKind::time:
      out.wall = cast_value(x, t, SfType::temporal(TypeKind::time), ctx).i;
      break;
    case TypeKind::timestamp_ntz:
      out.wall = cast_value(x, t, SfType::temporal(TypeKind::timestamp_ntz), ctx).i;
      break;
    case TypeKind::timestamp_ltz: {
      std::int64_t i = cast_value(x, t, SfType::temporal(TypeKind::timestamp_ltz), ctx).i;
      out.offset = zone_offset_minutes(ctx, i);
      out.wall = i + static_cast<std::int64_t>(out.offset) * 60 * kNanosPerSecond;
      break;
    }
    case TypeKind::timestamp_tz: {
      Val b = cast_value(x, t, SfType::temporal(TypeKind::timestamp_tz), ctx);
      std::int64_t inst = 0;
      tz_unpack(b.s, inst, out.offset);
      out.wall = inst + static_cast<std::int64_t>(out.offset) * 60 * kNanosPerSecond;
      break;
    }
    default: {
      // Text and others: read as TIMESTAMP_NTZ.
      out.kind = TypeKind::timestamp_ntz;
      out.wall = cast_value(x, t, SfType::temporal(TypeKind::timestamp_ntz), ctx).i;
      break;
    }
  }
  return out;
}

Val store_temporal(const Temporal& t, const ValueContext& ctx) {
  switch (t.kind) {
    case TypeKind::date:
      return Val::integer(floor_div(t.wall, kNanosPerDay));
    case TypeKind::time:
      return Val::integer(floor_mod(t.wall, kNanosPerDay));
    case TypeKind::timestamp_ltz:
      return Val::integer(local_to_instant(ctx, t.wall));
    case TypeKind::timestamp_tz:
      return Val::blob(
          tz_pack(t.wall - static_cast<std::int64_t>(t.offset) * 60 * kNanosPerSecond, t.offset));
    default:
      return Val::integer(t.wall);
  }
}

std::int64_t unit_nanos(const std::string& part) {
  if (part == "HOUR") return 3600 * kNanosPerSecond;
  if (part == "MINUTE") return 60 * kNanosPerSecond;
  if (part == "SECOND") return kNanosPerSecond;
  if (part == "MILLISECOND") return 1000000;
  if (part == "MICROSECOND") return 1000;
  if (part == "NANOSECOND") return 1;
  if (part == "DAY") return kNanosPerDay;
  if (part == "WEEK") return 7 * kNanosPerDay;
  return 0;
}

std::int64_t add_months(std::int64_t wall, std::int64_t months) {
  Civil c = civil_from_wall_nanos(wall);
  std::int64_t total = c.year * 12 + (c.month - 1) + months;
  c.year = floor_div(total, 12);
  c.month = static_cast<int>(floor_mod(total, 12)) + 1;
  c.day = std::min(c.day, days_in_month(c.year, c.month));
  return wall_nanos_from_civil(c);
}

std::int64_t week_start(std::int64_t days) { return days - floor_mod(days + 3, 7); }

std::int64_t trunc_wall(std::int64_t wall, const std::string& part) {
  Civil c = civil_from_wall_nanos(wall);
  if (part == "YEAR") return days_from_civil(c.year, 1, 1) * kNanosPerDay;
  if (part == "QUARTER")
    return days_from_civil(c.year, ((c.month - 1) / 3) * 3 + 1, 1) * kNanosPerDay;
  if (part == "MONTH") return days_from_civil(c.year, c.month, 1) * kNanosPerDay;
  if (part == "WEEK" || part == "WEEKISO")
    return week_start(floor_div(wall, kNanosPerDay)) * kNanosPerDay;
  std::int64_t unit = unit_nanos(part);
  if (unit == 0) throw SfError("002010", "22023", "Invalid date/time part '" + part + "'");
  return floor_div(wall, unit) * unit;
}

void iso_week(std::int64_t days, std::int64_t& iso_year, int& week) {
  std::int64_t thursday = week_start(days) + 3;
  std::int64_t y = 0;
  int m = 0;
  int d = 0;
  civil_from_days(thursday, y, m, d);
  iso_year = y;
  std::int64_t jan1 = days_from_civil(y, 1, 1);
  week = static_cast<int>((thursday - jan1) / 7 + 1);
}

std::int64_t date_part(const Temporal& t, const std::string& part) {
  Civil c = civil_from_wall_nanos(t.wall);
  std::int64_t days = floor_div(t.wall, kNanosPerDay);
  if (part == "YEAR") return c.year;
  if (part == "QUARTER") return (c.month - 1) / 3 + 1;
  if (part == "MONTH") return c.month;
  if (part == "DAY") return c.day;
  if (part == "DAYOFWEEK") return weekday_from_days(days);
  if (part == "DAYOFWEEKISO") return (weekday_from_days(days) + 6) % 7 + 1;
  if (part == "DAYOFYEAR") return days - days_from_civil(c.year, 1, 1) + 1;
  if (part == "WEEK" || part == "WEEKISO") {
    std::int64_t y = 0;
    int w = 0;
    iso_week(days, y, w);
    return w;
  }
  if (part == "YEAROFWEEK" || part == "YEAROFWEEKISO") {
    std::int64_t y = 0;
    int w = 0;
    iso_week(days, y, w);
    return y;
  }
  if (part == "HOUR") return c.hour;
  if (part == "MINUTE") return c.minute;
  if (part == "SECOND") return c.second;
  if (part == "MILLISECOND") return c.nanos / 1000000;
  if (part == "MICROSECOND") return c.nanos / 1000;
  if (part == "NANOSECOND") return c.nanos;
  std::int64_t instant = t.wall - static_cast<std::int64_t>(t.offset) * 60 * kNanosPerSecond;
  if (part == "EPOCH_SECOND") return floor_div(instant, kNanosPerSecond);
  if (part == "EPOCH_MILLISECOND") return floor_div(instant, 1000000);
  if (part == "EPOCH_MICROSECOND") return floor_div(instant, 1000);
  if (part == "EPOCH_NANOSECOND") return instant;
  if (part == "TIMEZONE_HOUR") return t.offset / 60;
  if (part == "TIMEZONE_MINUTE") return t.offset % 60;
  throw SfError("002010", "22023", "Invalid date/time part '" + part + "'");
}

std::vector<std::string> split_text(const std::string& s, const std::string& d) {
  std::vector<std::string> parts;
  if (d.empty()) {
    parts.push_back(s);
    return parts;
  }
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(d, start);
    if (pos == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + d.size();
  }
}

}  // namespace mock_snowflake::engine::udf
