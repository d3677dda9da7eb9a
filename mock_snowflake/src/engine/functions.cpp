// functions.cpp — SQLite UDFs, aggregates and virtual tables implementing Snowflake functions.
#include "engine/functions.hpp"

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
#include "engine/errors.hpp"
#include "engine/json.hpp"

namespace mock_snowflake::engine {
namespace {

// ---- plumbing -------------------------------------------------------------------------------

FunctionState* state_of(sqlite3_context* ctx) {
  return static_cast<FunctionState*>(sqlite3_user_data(ctx));
}

template <class F>
void guarded(sqlite3_context* ctx, F&& body) {
  try {
    body();
  } catch (const SfError& e) {
    std::string m = encode_udf_error(e.error());
    sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
  } catch (const std::exception& e) {
    std::string m = encode_udf_error(internal_error(e.what()));
    sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
  }
}

bool any_null(int argc, sqlite3_value** argv, int count = -1) {
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
         void (*fn)(sqlite3_context*, int, sqlite3_value**), bool deterministic = true) {
  int flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0);
  sqlite3_create_function_v2(db, name, argc, flags, state, fn, nullptr, nullptr, nullptr);
}

std::string upper_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// ---- UTF-8 ----------------------------------------------------------------------------------

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
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// Case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic: enough for the text
// that tests and demos use (SQLite's upper()/lower() only know ASCII).
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

// ---- deterministic pseudo-randomness --------------------------------------------------------

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// ---- temporal helpers -----------------------------------------------------------------------

struct Temporal {
  TypeKind kind = TypeKind::timestamp_ntz;
  std::int64_t wall = 0;  ///< wall-clock nanoseconds (date: midnight)
  int offset = 0;         ///< minutes, for tz
};

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

// Monday-based week start of a day number.
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

// ISO week number and ISO year of a day.
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

// ---- scalar functions -----------------------------------------------------------------------

void fn_cast_impl(sqlite3_context* ctx, int argc, sqlite3_value** argv, bool try_cast) {
  guarded(ctx, [&] {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
    SfType from = parse_type_spec(text_arg(argv[1]));
    SfType to = parse_type_spec(text_arg(argv[2]));
    try {
      val_to_result(ctx, cast_value(val_from_sqlite(argv[0]), from, to, state_of(ctx)->values));
    } catch (const SfError&) {
      if (!try_cast) throw;
      sqlite3_result_null(ctx);
    }
  });
}
void fn_cast(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_cast_impl(ctx, argc, argv, false);
}
void fn_try_cast(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_cast_impl(ctx, argc, argv, true);
}

void fn_norm(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    int type = sqlite3_value_type(argv[0]);
    if (type != SQLITE_TEXT) {
      sqlite3_result_value(ctx, argv[0]);
      return;
    }
    SfType to = parse_type_spec(text_arg(argv[1]));
    val_to_result(ctx,
                  cast_value(val_from_sqlite(argv[0]), SfType::text(), to, state_of(ctx)->values));
  });
}

void fn_div(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    double b = double_arg(argv[1]);
    if (b == 0) throw SfError(division_by_zero());
    sqlite3_result_double(ctx, double_arg(argv[0]) / b);
  });
}

void fn_mod(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER &&
        sqlite3_value_type(argv[1]) == SQLITE_INTEGER) {
      std::int64_t b = sqlite3_value_int64(argv[1]);
      if (b == 0) throw SfError(division_by_zero());
      if (b == -1) {
        sqlite3_result_int64(ctx, 0);
        return;
      }
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) % b);
      return;
    }
    double b = double_arg(argv[1]);
    if (b == 0) throw SfError(division_by_zero());
    sqlite3_result_double(ctx, std::fmod(double_arg(argv[0]), b));
  });
}

void fn_round(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    std::int64_t scale = int_arg(argv[1]);
    char mode = text_arg(argv[2])[0];
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER && scale >= 0) {
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
      return;
    }
    double x = double_arg(argv[0]);
    double f = std::pow(10.0, static_cast<double>(scale));
    double v = x * f;
    // Undo binary noise (1.005 * 100 = 100.49999...) before rounding, as decimal arithmetic would.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    v = std::strtod(buf, nullptr);
    double r = mode == 'R'   ? std::round(v)
               : mode == 'F' ? std::floor(v)
               : mode == 'C' ? std::ceil(v)
                             : std::trunc(v);
    r /= f;
    if (scale <= 0 && std::fabs(r) < 9.2e18) {
      sqlite3_result_int64(ctx, static_cast<std::int64_t>(r));
    } else {
      sqlite3_result_double(ctx, r);
    }
  });
}

void fn_sqrt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    double x = double_arg(argv[0]);
    if (x < 0) {
      sqlite3_result_text(ctx, "NaN", 3, SQLITE_STATIC);
      return;
    }
    sqlite3_result_double(ctx, std::sqrt(x));
  });
}

void fn_ln(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    double x = double_arg(argv[0]);
    if (x <= 0)
      throw SfError("100058", "22023",
                    "Invalid floating point operation: ln(" + format_double(x) + ")");
    sqlite3_result_double(ctx, std::log(x));
  });
}

void fn_cbrt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    sqlite3_result_double(ctx, std::cbrt(double_arg(argv[0])));
  });
}

void fn_factorial(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    std::int64_t n = int_arg(argv[0]);
    if (n < 0 || n > 33) throw SfError("100046", "22003", "Number out of representable range");
    double r = 1;
    for (std::int64_t i = 2; i <= n; ++i) r *= static_cast<double>(i);
    if (n <= 20) {
      std::int64_t v = 1;
      for (std::int64_t i = 2; i <= n; ++i) v *= i;
      sqlite3_result_int64(ctx, v);
    } else {
      sqlite3_result_double(ctx, r);
    }
  });
}

void fn_strip_number_format(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::string out;
    for (char c : s) {
      if (c == ',' || c == '$' || c == ' ') continue;
      out.push_back(c);
    }
    result_text(ctx, out);
  });
}

void fn_nextval(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = state_of(ctx);
    std::string key = text_arg(argv[0]);
    auto v = st->registry ? st->registry->next_value(key) : std::nullopt;
    if (!v)
      throw SfError("002003", "02000",
                    "SQL compilation error:\nSequence does not exist or not authorized.");
    sqlite3_result_int64(ctx, *v);
  });
}

void fn_seq(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = state_of(ctx);
  int id = sqlite3_value_int(argv[0]);
  std::int64_t& n = st->sequences[id];
  sqlite3_result_int64(ctx, n++);
}

void fn_random(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = state_of(ctx);
    int id = sqlite3_value_int(argv[1]);
    auto it = st->seeded.find(id);
    if (it == st->seeded.end()) {
      it = st->seeded.emplace(id, std::mt19937_64(static_cast<std::uint64_t>(int_arg(argv[0]))))
               .first;
    }
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(it->second()));
  });
}

void fn_uniform(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::uint64_t g = splitmix64(static_cast<std::uint64_t>(int_arg(argv[2])));
    if (sqlite3_value_int(argv[3]) != 0) {
      std::int64_t lo = int_arg(argv[0]);
      std::int64_t hi = int_arg(argv[1]);
      if (hi < lo) std::swap(lo, hi);
      auto span = static_cast<std::uint64_t>(hi - lo) + 1;
      sqlite3_result_int64(ctx, lo + static_cast<std::int64_t>(span == 0 ? g : g % span));
    } else {
      double lo = double_arg(argv[0]);
      double hi = double_arg(argv[1]);
      double f = static_cast<double>(g >> 11) / 9007199254740992.0;
      sqlite3_result_double(ctx, lo + (hi - lo) * f);
    }
  });
}

void fn_normal(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::uint64_t g = splitmix64(static_cast<std::uint64_t>(int_arg(argv[2])));
    double u1 = (static_cast<double>(g >> 11) + 1) / 9007199254740993.0;
    double u2 = static_cast<double>(splitmix64(g) >> 11) / 9007199254740992.0;
    double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.141592653589793 * u2);
    sqlite3_result_double(ctx, double_arg(argv[0]) + double_arg(argv[1]) * z);
  });
}

void fn_randstr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    static constexpr char kChars[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::int64_t n = int_arg(argv[0]);
    if (n < 0 || n > kMaxVarcharLength)
      throw SfError("100145", "22023", "RANDSTR length out of range");
    std::uint64_t x = static_cast<std::uint64_t>(int_arg(argv[1]));
    std::string out(static_cast<std::size_t>(n), '0');
    for (auto& c : out) {
      x = splitmix64(x);
      c = kChars[x % 62];
    }
    result_text(ctx, out);
  });
}

std::string digest(const std::string& algo, const std::string& data, int bits) {
  const EVP_MD* md = algo == "md5"    ? EVP_md5()
                     : algo == "sha1" ? EVP_sha1()
                     : bits == 224    ? EVP_sha224()
                     : bits == 384    ? EVP_sha384()
                     : bits == 512    ? EVP_sha512()
                                      : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

void fn_digest(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string algo = text_arg(argv[0]);
    int bits = static_cast<int>(int_arg(argv[2]));
    if (algo == "sha2" && bits != 224 && bits != 256 && bits != 384 && bits != 512) {
      throw SfError("100075", "22023",
                    "Invalid value " + std::to_string(bits) + " for SHA2 digest size");
    }
    std::string d = digest(algo, blob_or_text(argv[1]), bits);
    if (sqlite3_value_int(argv[3]) != 0) {
      sqlite3_result_blob64(ctx, d.data(), d.size(), SQLITE_TRANSIENT);
    } else {
      std::string hex = to_hex(d);
      for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result_text(ctx, hex);
    }
  });
}

void fn_hash(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < argc; ++i) {
    std::string s = sqlite3_value_type(argv[i]) == SQLITE_NULL ? std::string("\x01NULL")
                                                               : blob_or_text(argv[i]);
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xFF;
    h *= 0x100000001b3ULL;
  }
  sqlite3_result_int64(ctx, static_cast<std::int64_t>(splitmix64(h)));
}

void fn_uuid(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    unsigned char b[16];
    if (argc == 2) {
      // Version 5: SHA-1 of the namespace UUID and the name.
      std::string ns_text = text_arg(argv[0]);
      std::string hex;
      for (char c : ns_text) {
        if (c != '-') hex.push_back(c);
      }
      auto ns = from_hex(hex);
      if (!ns || ns->size() != 16)
        throw SfError("100148", "22023", "Invalid UUID namespace '" + ns_text + "'");
      std::string d = digest("sha1", *ns + text_arg(argv[1]), 0);
      std::memcpy(b, d.data(), 16);
      b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x50);
    } else {
      auto* st = state_of(ctx);
      std::uint64_t a = st->rng();
      std::uint64_t c = st->rng();
      std::memcpy(b, &a, 8);
      std::memcpy(b + 8, &c, 8);
      b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    }
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    std::string hex = to_hex(std::string(reinterpret_cast<char*>(b), 16));
    for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result_text(ctx, hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                         hex.substr(16, 4) + "-" + hex.substr(20));
  });
}

// LIKE with % and _ (code points), an optional escape, optional case folding.
bool like_match(const std::u32string& s, std::size_t si, const std::u32string& p, std::size_t pi,
                char32_t escape, int depth) {
  if (depth > 10000) return false;
  while (pi < p.size()) {
    char32_t c = p[pi];
    if (escape && c == escape && pi + 1 < p.size()) {
      if (si >= s.size() || s[si] != p[pi + 1]) return false;
      ++si;
      pi += 2;
      continue;
    }
    if (c == '%') {
      while (pi < p.size() && p[pi] == '%') ++pi;
      if (pi == p.size()) return true;
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (like_match(s, k, p, pi, escape, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (c != '_' && c != s[si]) return false;
    ++si;
    ++pi;
  }
  return si == s.size();
}

void fn_like(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    bool ci = sqlite3_value_int(argv[3]) != 0;
    std::string s = text_arg(argv[0]);
    std::string p = text_arg(argv[1]);
    if (ci) {
      s = utf8_lower(s);
      p = utf8_lower(p);
    }
    char32_t escape = 0;
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
      auto e = utf8_decode(text_arg(argv[2]));
      if (!e.empty()) escape = e[0];
    }
    sqlite3_result_int(ctx, like_match(utf8_decode(s), 0, utf8_decode(p), 0, escape, 0) ? 1 : 0);
  });
}

const std::regex& cached_regex(const std::string& pattern, const std::string& flags) {
  thread_local std::map<std::string, std::regex> cache;
  std::string key = flags + '\x1f' + pattern;
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() > 128) cache.clear();
  auto f = std::regex::ECMAScript;
  if (flags.find('i') != std::string::npos && flags.find('c') == std::string::npos)
    f |= std::regex::icase;
  if (flags.find('m') != std::string::npos) f |= std::regex::multiline;
  try {
    return cache.emplace(key, std::regex(pattern, f)).first->second;
  } catch (const std::regex_error&) {
    throw SfError("100048", "2201B", "Invalid regular expression: '" + pattern + "'");
  }
}

std::string regex_flags(int argc, sqlite3_value** argv, int index) {
  if (argc > index && sqlite3_value_type(argv[index]) != SQLITE_NULL) return text_arg(argv[index]);
  return "c";
}

void fn_rlike(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 2));
    sqlite3_result_int(ctx, std::regex_match(text_arg(argv[0]), re) ? 1 : 0);
  });
}

void fn_regexp_replace(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::string replacement = argc > 2 ? text_arg(argv[2]) : "";
    // Snowflake writes back-references as \1; std::regex wants $1.
    std::string fmt;
    for (std::size_t i = 0; i < replacement.size(); ++i) {
      if (replacement[i] == '\\' && i + 1 < replacement.size() &&
          std::isdigit(static_cast<unsigned char>(replacement[i + 1]))) {
        fmt += "$";
        fmt += replacement[++i];
      } else if (replacement[i] == '$') {
        fmt += "$$";
      } else {
        fmt += replacement[i];
      }
    }
    std::int64_t position = argc > 3 ? int_arg(argv[3]) : 1;
    std::int64_t occurrence = argc > 4 ? int_arg(argv[4]) : 0;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 5));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    if (start > s.size()) start = s.size();
    std::string prefix = s.substr(0, start);
    std::string rest = s.substr(start);
    if (occurrence == 0) {
      result_text(ctx, prefix + std::regex_replace(rest, re, fmt));
      return;
    }
    std::string out;
    auto begin = std::sregex_iterator(rest.begin(), rest.end(), re);
    std::int64_t n = 0;
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      if (++n == occurrence) {
        out = rest.substr(0, static_cast<std::size_t>(it->position())) + it->format(fmt);
        last = static_cast<std::size_t>(it->position() + it->length());
        out += rest.substr(last);
        result_text(ctx, prefix + out);
        return;
      }
    }
    result_text(ctx, s);
  });
}

void fn_regexp_substr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    std::int64_t occurrence = argc > 3 ? int_arg(argv[3]) : 1;
    std::string flags = regex_flags(argc, argv, 4);
    std::int64_t group =
        argc > 5 ? int_arg(argv[5]) : (flags.find('e') != std::string::npos ? 1 : 0);
    const std::regex& re = cached_regex(text_arg(argv[1]), flags);
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    if (start > s.size()) return sqlite3_result_null(ctx);
    std::string rest = s.substr(start);
    std::int64_t n = 0;
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), re); it != std::sregex_iterator();
         ++it) {
      if (++n == std::max<std::int64_t>(1, occurrence)) {
        if (static_cast<std::size_t>(group) >= it->size()) return sqlite3_result_null(ctx);
        result_text(ctx, (*it)[static_cast<std::size_t>(group)].str());
        return;
      }
    }
    sqlite3_result_null(ctx);
  });
}

void fn_regexp_count(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 3));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    std::string rest = start <= s.size() ? s.substr(start) : "";
    auto n =
        std::distance(std::sregex_iterator(rest.begin(), rest.end(), re), std::sregex_iterator());
    sqlite3_result_int64(ctx, n);
  });
}

void fn_regexp_instr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    std::int64_t occurrence = argc > 3 ? int_arg(argv[3]) : 1;
    std::int64_t option = argc > 4 ? int_arg(argv[4]) : 0;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 5));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    std::string rest = start <= s.size() ? s.substr(start) : "";
    std::int64_t n = 0;
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), re); it != std::sregex_iterator();
         ++it) {
      if (++n == std::max<std::int64_t>(1, occurrence)) {
        std::int64_t p =
            static_cast<std::int64_t>(start) + it->position() + 1 + (option ? it->length() : 0);
        sqlite3_result_int64(ctx, p);
        return;
      }
    }
    sqlite3_result_int64(ctx, 0);
  });
}

void fn_regexp_like(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_rlike(ctx, argc, argv);
}

void fn_upper(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, utf8_upper(text_arg(argv[0])));
}
void fn_lower(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, utf8_lower(text_arg(argv[0])));
}
void fn_initcap(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::u32string u = utf8_decode(text_arg(argv[0]));
  bool start = true;
  for (auto& c : u) {
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0 || (c >= '0' && c <= '9');
    c = start ? to_upper_cp(c) : to_lower_cp(c);
    start = !letter;
  }
  result_text(ctx, utf8_encode(u));
}
void fn_reverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::u32string u = utf8_decode(text_arg(argv[0]));
  std::reverse(u.begin(), u.end());
  result_text(ctx, utf8_encode(u));
}

void fn_substr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    bool binary = sqlite3_value_type(argv[0]) == SQLITE_BLOB;
    std::string raw = blob_or_text(argv[0]);
    std::int64_t start = int_arg(argv[1]);
    std::u32string u = binary ? std::u32string() : utf8_decode(raw);
    std::int64_t n =
        binary ? static_cast<std::int64_t>(raw.size()) : static_cast<std::int64_t>(u.size());
    std::int64_t from = start > 0    ? start - 1
                        : start == 0 ? 0
                                     : std::max<std::int64_t>(0, n + start);
    std::int64_t len = argc == 3 ? int_arg(argv[2]) : n;
    if (len < 0) len = 0;
    from = std::min(from, n);
    std::int64_t to = std::min(n, from + len);
    if (binary) {
      std::string out =
          raw.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
      sqlite3_result_blob64(ctx, out.data(), out.size(), SQLITE_TRANSIENT);
    } else {
      result_text(ctx, utf8_encode(u.substr(static_cast<std::size_t>(from),
                                            static_cast<std::size_t>(to - from))));
    }
  });
}

void fn_check_length(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    int type = sqlite3_value_type(argv[0]);
    if (type == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::int64_t limit = sqlite3_value_int64(argv[1]);
    std::string v = blob_or_text(argv[0]);
    auto length = type == SQLITE_BLOB ? static_cast<std::int64_t>(v.size())
                                      : static_cast<std::int64_t>(utf8_decode(v).size());
    if (length > limit) {
      throw SfError("100078", "22001",
                    "User character length limit (" + std::to_string(limit) +
                        ") exceeded by string '" + (type == SQLITE_BLOB ? to_hex(v) : v) + "'");
    }
    sqlite3_result_value(ctx, argv[0]);
  });
}

void fn_repeat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t n = int_arg(argv[1]);
    if (n <= 0 || s.empty()) return result_text(ctx, "");
    if (static_cast<std::uint64_t>(n) * s.size() > static_cast<std::uint64_t>(kMaxByteLength)) {
      throw SfError("100078", "22000", "String is too long");
    }
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) out += s;
    result_text(ctx, out);
  });
}

void pad(sqlite3_context* ctx, sqlite3_value** argv, bool left) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string s = utf8_decode(text_arg(argv[0]));
    std::int64_t n = std::max<std::int64_t>(0, int_arg(argv[1]));
    std::u32string p = utf8_decode(text_arg(argv[2]));
    if (static_cast<std::int64_t>(s.size()) >= n) {
      result_text(ctx, utf8_encode(s.substr(0, static_cast<std::size_t>(n))));
      return;
    }
    if (p.empty()) return result_text(ctx, utf8_encode(s));
    std::u32string fill;
    while (static_cast<std::int64_t>(fill.size() + s.size()) < n) fill += p;
    fill.resize(static_cast<std::size_t>(n) - s.size());
    result_text(ctx, utf8_encode(left ? fill + s : s + fill));
  });
}
void fn_lpad(sqlite3_context* ctx, int, sqlite3_value** argv) { pad(ctx, argv, true); }
void fn_rpad(sqlite3_context* ctx, int, sqlite3_value** argv) { pad(ctx, argv, false); }

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

void fn_split_part(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto parts = split_text(text_arg(argv[0]), text_arg(argv[1]));
    std::int64_t n = int_arg(argv[2]);
    if (n == 0) n = 1;
    std::int64_t size = static_cast<std::int64_t>(parts.size());
    std::int64_t idx = n > 0 ? n - 1 : size + n;
    if (idx < 0 || idx >= size) return result_text(ctx, "");
    result_text(ctx, parts[static_cast<std::size_t>(idx)]);
  });
}

void fn_split(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue arr = JsonValue::make_array();
    for (auto& p : split_text(text_arg(argv[0]), text_arg(argv[1])))
      arr.items.push_back(JsonValue::make_string(p));
    result_json(ctx, arr);
  });
}

std::vector<std::string> tokens_of(const std::string& s, const std::string& delims) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (delims.find(c) != std::string::npos) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void fn_strtok(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto toks = tokens_of(text_arg(argv[0]), text_arg(argv[1]));
    std::int64_t n = int_arg(argv[2]);
    if (n < 1 || n > static_cast<std::int64_t>(toks.size())) return sqlite3_result_null(ctx);
    result_text(ctx, toks[static_cast<std::size_t>(n - 1)]);
  });
}

void fn_strtok_to_array(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue arr = JsonValue::make_array();
    for (auto& t : tokens_of(text_arg(argv[0]), text_arg(argv[1])))
      arr.items.push_back(JsonValue::make_string(t));
    result_json(ctx, arr);
  });
}

void fn_position(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string needle = utf8_decode(text_arg(argv[0]));
    std::u32string hay = utf8_decode(text_arg(argv[1]));
    std::int64_t start = std::max<std::int64_t>(1, int_arg(argv[2]));
    if (start > static_cast<std::int64_t>(hay.size()) + 1) return sqlite3_result_int64(ctx, 0);
    auto pos = hay.find(needle, static_cast<std::size_t>(start - 1));
    sqlite3_result_int64(ctx, pos == std::u32string::npos ? 0 : static_cast<std::int64_t>(pos) + 1);
  });
}

void fn_translate(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string s = utf8_decode(text_arg(argv[0]));
    std::u32string from = utf8_decode(text_arg(argv[1]));
    std::u32string to = utf8_decode(text_arg(argv[2]));
    std::u32string out;
    for (char32_t c : s) {
      auto pos = from.find(c);
      if (pos == std::u32string::npos) {
        out.push_back(c);
      } else if (pos < to.size()) {
        out.push_back(to[pos]);
      }
    }
    result_text(ctx, utf8_encode(out));
  });
}

void fn_editdistance(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    std::u32string a = utf8_decode(text_arg(argv[0]));
    std::u32string b = utf8_decode(text_arg(argv[1]));
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        cur[j] =
            std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(prev[b.size()]));
  });
}

void fn_base64_encode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, to_base64(blob_or_text(argv[0])));
}

void fn_base64_decode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    auto bytes = from_base64(text_arg(argv[0]));
    if (!bytes)
      throw SfError(
          "100114", "22000",
          "The following string is not a legal base64-encoded value: '" + text_arg(argv[0]) + "'");
    sqlite3_result_blob64(ctx, bytes->data(), bytes->size(), SQLITE_TRANSIENT);
  });
}

void fn_hex_decode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    auto bytes = from_hex(text_arg(argv[0]));
    if (!bytes)
      throw SfError(
          "100115", "22000",
          "The following string is not a legal hex-encoded value: '" + text_arg(argv[0]) + "'");
    sqlite3_result_blob64(ctx, bytes->data(), bytes->size(), SQLITE_TRANSIENT);
  });
}

// Numeric TO_CHAR formats: 9 / 0 digits, '.', ',', '$', leading 'MI'/'S' ignored.
std::string format_number(double v, const std::string& fmt) {
  auto dot = fmt.find_first_of(".D");
  int scale = 0;
  if (dot != std::string::npos) {
    for (std::size_t i = dot + 1; i < fmt.size(); ++i)
      scale += (fmt[i] == '9' || fmt[i] == '0') ? 1 : 0;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f", scale, std::fabs(v));
  std::string digits = buf;
  std::string whole = digits.substr(0, digits.find('.'));
  std::string frac =
      digits.find('.') == std::string::npos ? "" : digits.substr(digits.find('.') + 1);
  if (fmt.find(',') != std::string::npos || fmt.find('G') != std::string::npos) {
    std::string grouped;
    int n = 0;
    for (auto it = whole.rbegin(); it != whole.rend(); ++it) {
      if (n > 0 && n % 3 == 0) grouped.insert(grouped.begin(), ',');
      grouped.insert(grouped.begin(), *it);
      ++n;
    }
    whole = grouped;
  }
  std::string out =
      (v < 0 ? "-" : "") + std::string(fmt.find('$') != std::string::npos ? "$" : "") + whole;
  if (scale > 0) out += "." + frac;
  return out;
}

void fn_to_char(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    SfType type = parse_type_spec(text_arg(argv[1]));
    std::string fmt = sqlite3_value_type(argv[2]) == SQLITE_NULL ? "" : text_arg(argv[2]);
    const ValueContext& vc = state_of(ctx)->values;
    if (type.kind == TypeKind::date || type.is_timestamp() || type.kind == TypeKind::time) {
      Temporal t = load_temporal(argv[0], type, vc);
      result_text(ctx, format_datetime(fmt, civil_from_wall_nanos(t.wall), t.offset));
      return;
    }
    if (type.is_numeric()) {
      result_text(ctx, format_number(double_arg(argv[0]), fmt));
      return;
    }
    if (type.kind == TypeKind::binary) {
      std::string f = upper_ascii(fmt);
      std::string bytes = blob_or_text(argv[0]);
      result_text(ctx, f == "BASE64"                 ? to_base64(bytes)
                       : f == "UTF-8" || f == "UTF8" ? bytes
                                                     : to_hex(bytes));
      return;
    }
    result_text(ctx, value_to_text(val_from_sqlite(argv[0]), type, vc));
  });
}

// ---- date functions ---------------------------------------------------------------------------

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
    bool end = upper_ascii(text_arg(argv[4])) == "END";
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
    std::string day = upper_ascii(text_arg(argv[2])).substr(0, 2);
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
                        upper_ascii(std::string(rowtype_name(to.kind))) + " with format '" + fmt +
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

// ---- semi-structured ---------------------------------------------------------------------------

void fn_parse_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string t = text_arg(argv[0]);
    auto j = parse_json(t);
    if (!j) throw SfError("100069", "22P02", "Error parsing JSON: " + t);
    result_json(ctx, *j);
  });
}

void fn_try_parse_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto j = parse_json(text_arg(argv[0]));
  if (!j) return sqlite3_result_null(ctx);
  result_json(ctx, *j);
}

void fn_to_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    SfType type = parse_type_spec(text_arg(argv[1]));
    result_json(ctx, value_to_json(val_from_sqlite(argv[0]), type, state_of(ctx)->values));
  });
}

void fn_json_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    result_text(ctx, json_compact(json_arg(argv[0])));
  });
}

void fn_json_as_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue j = json_arg(argv[0]);
    if (j.kind == JsonValue::Kind::null || j.kind == JsonValue::Kind::undefined)
      return sqlite3_result_null(ctx);
    result_text(ctx, j.kind == JsonValue::Kind::string ? j.text : json_compact(j));
  });
}

void fn_object_construct(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    bool keep_null = sqlite3_value_int(argv[0]) != 0;
    JsonValue obj = JsonValue::make_object();
    for (int i = 1; i + 1 < argc; i += 2) {
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
      if (sqlite3_value_type(argv[i + 1]) == SQLITE_NULL) {
        if (keep_null) obj.set(text_arg(argv[i]), JsonValue::make_null());
        continue;
      }
      obj.set(text_arg(argv[i]), json_arg(argv[i + 1]));
    }
    result_json(ctx, obj);
  });
}

void fn_array_construct(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) arr.items.push_back(json_arg(argv[i]));
    result_json(ctx, arr);
  });
}

void fn_array_construct_compact(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) {
      JsonValue v = json_arg(argv[i]);
      if (v.kind == JsonValue::Kind::undefined || v.kind == JsonValue::Kind::null) continue;
      arr.items.push_back(std::move(v));
    }
    result_json(ctx, arr);
  });
}

// The compiler splits OBJECT_CONSTRUCT / ARRAY_CONSTRUCT calls with more arguments than SQLite
// allows per function call into chunks; these two glue the chunks back together.
void fn_object_merge(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue obj = JsonValue::make_object();
    for (int i = 0; i < argc; ++i) {
      JsonValue part = json_arg(argv[i]);
      for (auto& [key, value] : part.members) obj.set(key, std::move(value));
    }
    result_json(ctx, obj);
  });
}

void fn_array_concat(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) {
      JsonValue part = json_arg(argv[i]);
      for (auto& item : part.items) arr.items.push_back(std::move(item));
    }
    result_json(ctx, arr);
  });
}

bool json_equal(const JsonValue& a, const JsonValue& b) {
  return json_compact(a) == json_compact(b);
}

// Compares JSON values for sorting: numbers numerically, then by text.
bool json_less(const JsonValue& a, const JsonValue& b) {
  if (a.kind == JsonValue::Kind::number && b.kind == JsonValue::Kind::number) {
    return std::strtod(a.text.c_str(), nullptr) < std::strtod(b.text.c_str(), nullptr);
  }
  if (a.kind != b.kind) return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  return json_compact(a) < json_compact(b);
}

template <class F>
void array_fn(sqlite3_context* ctx, sqlite3_value** argv, F&& f) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue a = json_arg(argv[0]);
    if (a.kind != JsonValue::Kind::array) return sqlite3_result_null(ctx);
    f(a);
  });
}

void fn_array_size(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(a.items.size()));
  });
}

void fn_array_contains(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    JsonValue a = json_arg(argv[1]);
    bool found = false;
    for (const auto& item : a.items) found = found || json_equal(item, v);
    sqlite3_result_int(ctx, found ? 1 : 0);
  });
}

void fn_array_position(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    JsonValue a = json_arg(argv[1]);
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (json_equal(a.items[i], v)) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(i));
    }
    sqlite3_result_null(ctx);
  });
}

void fn_array_append(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    a.items.push_back(json_arg(argv[1]));
    result_json(ctx, a);
  });
}
void fn_array_prepend(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    a.items.insert(a.items.begin(), json_arg(argv[1]));
    result_json(ctx, a);
  });
}
void fn_array_cat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    for (auto& item : b.items) a.items.push_back(item);
    result_json(ctx, a);
  });
}
void fn_array_compact(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      if (item.kind != JsonValue::Kind::undefined && item.kind != JsonValue::Kind::null)
        out.items.push_back(item);
    }
    result_json(ctx, out);
  });
}
void fn_array_distinct(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    std::set<std::string> seen;
    for (auto& item : a.items) {
      if (seen.insert(json_compact(item)).second) out.items.push_back(item);
    }
    result_json(ctx, out);
  });
}
void fn_array_slice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto n = static_cast<std::int64_t>(a.items.size());
    std::int64_t from = int_arg(argv[1]);
    std::int64_t to = int_arg(argv[2]);
    if (from < 0) from = std::max<std::int64_t>(0, n + from);
    if (to < 0) to = std::max<std::int64_t>(0, n + to);
    from = std::min(from, n);
    to = std::min(to, n);
    JsonValue out = JsonValue::make_array();
    for (std::int64_t i = from; i < to; ++i)
      out.items.push_back(a.items[static_cast<std::size_t>(i)]);
    result_json(ctx, out);
  });
}
void fn_array_reverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    std::reverse(a.items.begin(), a.items.end());
    result_json(ctx, a);
  });
}
void fn_array_sort(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    bool ascending = argc < 2 || sqlite3_value_int(argv[1]) != 0;
    bool nulls_first = argc >= 3 ? sqlite3_value_int(argv[2]) != 0 : !ascending;
    std::vector<JsonValue> nulls;
    std::vector<JsonValue> values;
    for (auto& item : a.items) {
      (item.kind == JsonValue::Kind::undefined || item.kind == JsonValue::Kind::null ? nulls
                                                                                     : values)
          .push_back(item);
    }
    std::stable_sort(values.begin(), values.end(), json_less);
    if (!ascending) std::reverse(values.begin(), values.end());
    a.items.clear();
    if (nulls_first) a.items = nulls;
    for (auto& v : values) a.items.push_back(v);
    if (!nulls_first) {
      for (auto& v : nulls) a.items.push_back(v);
    }
    result_json(ctx, a);
  });
}
void array_extreme(sqlite3_context* ctx, sqlite3_value** argv, bool max) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    const JsonValue* best = nullptr;
    for (const auto& item : a.items) {
      if (item.kind == JsonValue::Kind::undefined || item.kind == JsonValue::Kind::null) continue;
      if (!best || (max ? json_less(*best, item) : json_less(item, *best))) best = &item;
    }
    if (!best) return sqlite3_result_null(ctx);
    result_json(ctx, *best);
  });
}
void fn_array_min(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_extreme(ctx, argv, false);
}
void fn_array_max(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_extreme(ctx, argv, true);
}
void fn_array_intersection(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::multiset<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      auto it = pool.find(json_compact(item));
      if (it != pool.end()) {
        out.items.push_back(item);
        pool.erase(it);
      }
    }
    result_json(ctx, out);
  });
}
void fn_array_except(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::multiset<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      auto it = pool.find(json_compact(item));
      if (it != pool.end()) {
        pool.erase(it);
      } else {
        out.items.push_back(item);
      }
    }
    result_json(ctx, out);
  });
}
void fn_arrays_overlap(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::set<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    bool overlap = false;
    for (auto& item : a.items) overlap = overlap || pool.count(json_compact(item)) > 0;
    sqlite3_result_int(ctx, overlap ? 1 : 0);
  });
}
void fn_array_flatten(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      if (item.kind != JsonValue::Kind::array)
        throw SfError("100107", "22000", "Not an array: " + json_compact(item));
      for (auto& inner : item.items) out.items.push_back(inner);
    }
    result_json(ctx, out);
  });
}
void fn_array_generate_range(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    std::int64_t from = int_arg(argv[0]);
    std::int64_t to = int_arg(argv[1]);
    std::int64_t step = argc > 2 ? int_arg(argv[2]) : 1;
    if (step == 0) throw SfError("100108", "22023", "ARRAY_GENERATE_RANGE step must not be 0");
    JsonValue out = JsonValue::make_array();
    for (std::int64_t i = from; step > 0 ? i < to : i > to; i += step) {
      out.items.push_back(JsonValue::make_number(std::to_string(i)));
      if (out.items.size() > 10000000) break;
    }
    result_json(ctx, out);
  });
}
void fn_array_to_string(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string sep = text_arg(argv[1]);
    std::string out;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (i > 0) out += sep;
      const auto& item = a.items[i];
      if (item.kind == JsonValue::Kind::string) {
        out += item.text;
      } else if (item.kind != JsonValue::Kind::undefined && item.kind != JsonValue::Kind::null) {
        out += json_compact(item);
      }
    }
    result_text(ctx, out);
  });
}

void fn_object_keys(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    JsonValue out = JsonValue::make_array();
    for (const auto& m : o.members) out.items.push_back(JsonValue::make_string(m.first));
    result_json(ctx, out);
  });
}

void fn_object_insert(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    std::string key = text_arg(argv[1]);
    bool update = argc > 3 && sqlite3_value_int(argv[3]) != 0;
    if (o.get(key) && !update) {
      throw SfError("100069", "22000", "Duplicate field key '" + key + "'");
    }
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) o.set(key, json_arg(argv[2]));
    result_json(ctx, o);
  });
}

void fn_object_delete(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    for (int i = 1; i < argc; ++i) {
      std::string key = text_arg(argv[i]);
      o.members.erase(std::remove_if(o.members.begin(), o.members.end(),
                                     [&](const auto& m) { return m.first == key; }),
                      o.members.end());
    }
    result_json(ctx, o);
  });
}

void fn_object_pick(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    JsonValue out = JsonValue::make_object();
    for (int i = 1; i < argc; ++i) {
      std::string key = text_arg(argv[i]);
      if (const JsonValue* v = o.get(key)) out.set(key, *v);
    }
    result_json(ctx, out);
  });
}

// v[key] / v[index] for one path step.
const JsonValue* json_step(const JsonValue& v, sqlite3_value* key, bool ignore_case) {
  int t = sqlite3_value_type(key);
  if ((t == SQLITE_INTEGER || t == SQLITE_FLOAT) && v.kind == JsonValue::Kind::array) {
    std::int64_t i = sqlite3_value_int64(key);
    if (i < 0 || i >= static_cast<std::int64_t>(v.items.size())) return nullptr;
    return &v.items[static_cast<std::size_t>(i)];
  }
  if (v.kind != JsonValue::Kind::object) return nullptr;
  std::string k = text_arg(key);
  return ignore_case ? v.get_ignore_case(k) : v.get(k);
}

void get_impl(sqlite3_context* ctx, sqlite3_value** argv, bool ignore_case) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    const JsonValue* r = json_step(v, argv[1], ignore_case);
    if (!r || r->kind == JsonValue::Kind::undefined) return sqlite3_result_null(ctx);
    result_json(ctx, *r);
  });
}
void fn_get(sqlite3_context* ctx, int, sqlite3_value** argv) { get_impl(ctx, argv, false); }
void fn_get_ignore_case(sqlite3_context* ctx, int, sqlite3_value** argv) {
  get_impl(ctx, argv, true);
}

void fn_get_path(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    std::string path = text_arg(argv[1]);
    const JsonValue* cur = &v;
    std::size_t i = 0;
    while (cur && i < path.size()) {
      if (path[i] == '.') {
        ++i;
        continue;
      }
      if (path[i] == '[') {
        auto close = path.find(']', i);
        if (close == std::string::npos)
          throw SfError("100070", "22000", "Invalid path '" + path + "'");
        std::string inner = path.substr(i + 1, close - i - 1);
        i = close + 1;
        if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
          std::string key = inner.substr(1, inner.size() - 2);
          cur = cur->kind == JsonValue::Kind::object ? cur->get(key) : nullptr;
        } else {
          std::int64_t idx = std::atoll(inner.c_str());
          cur = cur->kind == JsonValue::Kind::array && idx >= 0 &&
                        idx < static_cast<std::int64_t>(cur->items.size())
                    ? &cur->items[static_cast<std::size_t>(idx)]
                    : nullptr;
        }
        continue;
      }
      std::string key;
      if (path[i] == '"') {
        auto close = path.find('"', i + 1);
        key = path.substr(i + 1, close - i - 1);
        i = close == std::string::npos ? path.size() : close + 1;
      } else {
        while (i < path.size() && path[i] != '.' && path[i] != '[') key.push_back(path[i++]);
      }
      cur = cur->kind == JsonValue::Kind::object ? cur->get(key) : nullptr;
    }
    if (!cur || cur->kind == JsonValue::Kind::undefined) return sqlite3_result_null(ctx);
    result_json(ctx, *cur);
  });
}

std::string json_type_name(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::null:
      return "NULL_VALUE";
    case JsonValue::Kind::undefined:
      return "NULL_VALUE";
    case JsonValue::Kind::boolean:
      return "BOOLEAN";
    case JsonValue::Kind::number:
      if (v.text.find_first_of(".eEINa") == std::string::npos) return "INTEGER";
      return v.text.find_first_of("eEINa") == std::string::npos ? "DECIMAL" : "DOUBLE";
    case JsonValue::Kind::string:
      return "VARCHAR";
    case JsonValue::Kind::array:
      return "ARRAY";
    case JsonValue::Kind::object:
      return "OBJECT";
  }
  return "VARCHAR";
}

void fn_typeof(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    result_text(ctx, json_type_name(json_arg(argv[0])));
  });
}

void fn_is_kind(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string want = text_arg(argv[1]);
    std::string got = json_type_name(json_arg(argv[0]));
    bool ok = got == want || (want == "DECIMAL" && got == "INTEGER") ||
              (want == "DOUBLE" && (got == "INTEGER" || got == "DECIMAL"));
    sqlite3_result_int(ctx, ok ? 1 : 0);
  });
}

void fn_strip_null_value(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    if (v.kind == JsonValue::Kind::null) return sqlite3_result_null(ctx);
    result_json(ctx, v);
  });
}

void fn_check_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (parse_json(text_arg(argv[0]))) return sqlite3_result_null(ctx);
  result_text(ctx, "incomplete object value, pos " + std::to_string(sqlite3_value_bytes(argv[0])));
}

// ---- geospatial (points, lines and polygons from WKT; GeoJSON text inside) --------------------

JsonValue parse_wkt(const std::string& wkt) {
  std::string s = upper_ascii(wkt);
  std::size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto word = [&] {
    skip();
    std::string w;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) w.push_back(s[i++]);
    return w;
  };
  auto number = [&] {
    skip();
    std::size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                            s[i] == '+' || s[i] == '.' || s[i] == 'E')) {
      ++i;
    }
    return JsonValue::make_number(s.substr(start, i - start));
  };
  auto expect = [&](char c) {
    skip();
    if (i >= s.size() || s[i] != c)
      throw SfError("100205", "22023", "Error parsing Geo input: " + wkt);
    ++i;
  };
  auto point = [&] {
    JsonValue p = JsonValue::make_array();
    p.items.push_back(number());
    p.items.push_back(number());
    return p;
  };
  auto points = [&] {
    JsonValue list = JsonValue::make_array();
    expect('(');
    for (;;) {
      list.items.push_back(point());
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    expect(')');
    return list;
  };
  std::string kind = word();
  JsonValue out = JsonValue::make_object();
  if (kind == "POINT") {
    expect('(');
    out.set("coordinates", point());
    expect(')');
    out.set("type", JsonValue::make_string("Point"));
  } else if (kind == "LINESTRING") {
    out.set("coordinates", points());
    out.set("type", JsonValue::make_string("LineString"));
  } else if (kind == "POLYGON") {
    JsonValue rings = JsonValue::make_array();
    expect('(');
    for (;;) {
      rings.items.push_back(points());
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    expect(')');
    out.set("coordinates", rings);
    out.set("type", JsonValue::make_string("Polygon"));
  } else {
    throw SfError("100205", "22023", "Error parsing Geo input: " + wkt);
  }
  return out;
}

void fn_to_geo(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string t = text_arg(argv[0]);
    auto j = parse_json(t);
    if (j && j->kind == JsonValue::Kind::object) return result_json(ctx, *j);
    result_json(ctx, parse_wkt(t));
  });
}

void fn_make_point(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue out = JsonValue::make_object();
    JsonValue p = JsonValue::make_array();
    p.items.push_back(JsonValue::make_number(double_arg(argv[0])));
    p.items.push_back(JsonValue::make_number(double_arg(argv[1])));
    out.set("coordinates", p);
    out.set("type", JsonValue::make_string("Point"));
    result_json(ctx, out);
  });
}

void fn_geo_to_wkt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue g = json_arg(argv[0]);
    const JsonValue* type = g.get("type");
    const JsonValue* coords = g.get("coordinates");
    if (!type || !coords) return sqlite3_result_null(ctx);
    auto pt = [](const JsonValue& p) {
      return p.items.size() >= 2 ? p.items[0].text + " " + p.items[1].text : std::string();
    };
    auto list = [&](const JsonValue& l) {
      std::string out = "(";
      for (std::size_t i = 0; i < l.items.size(); ++i) {
        if (i) out += ',';
        out += pt(l.items[i]);
      }
      out += ')';
      return out;
    };
    std::string out;
    if (type->text == "Point") {
      out = "POINT(" + pt(*coords) + ")";
    } else if (type->text == "LineString") {
      out = "LINESTRING" + list(*coords);
    } else {
      out = "POLYGON(";
      for (std::size_t i = 0; i < coords->items.size(); ++i)
        out += (i ? "," : "") + list(coords->items[i]);
      out += ")";
    }
    result_text(ctx, out);
  });
}

void fn_geo_coordinate(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue g = json_arg(argv[0]);
    const JsonValue* coords = g.get("coordinates");
    int idx = sqlite3_value_int(argv[1]);
    if (!coords || coords->items.size() < 2) return sqlite3_result_null(ctx);
    sqlite3_result_double(
        ctx, std::strtod(coords->items[static_cast<std::size_t>(idx)].text.c_str(), nullptr));
  });
}

// ---- system -------------------------------------------------------------------------------------

void fn_system_wait(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    double amount = double_arg(argv[0]);
    std::string unit = upper_ascii(text_arg(argv[1]));
    double seconds = amount;
    if (unit.rfind("MILLI", 0) == 0) seconds = amount / 1000;
    if (unit.rfind("MINUTE", 0) == 0) seconds = amount * 60;
    if (unit.rfind("HOUR", 0) == 0) seconds = amount * 3600;
    auto* st = state_of(ctx);
    auto duration = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
    if (st->cancel && !st->cancel->sleep_for(duration)) {
      throw SfError(st->cancel->reason() == CancelToken::Reason::timeout ? timeout_error(0)
                                                                         : cancelled_error());
    }
    std::string u = unit;
    for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result_text(ctx, "waited " + format_double(amount) + " " + u);
  });
}

void fn_row_count(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    std::string sql = "SELECT count(*) FROM " + quote_ident(text_arg(argv[0])) + "." +
                      quote_ident(text_arg(argv[1]));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return sqlite3_result_null(ctx);
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      sqlite3_result_int64(ctx, sqlite3_column_int64(stmt, 0));
    } else {
      sqlite3_result_null(ctx);
    }
    sqlite3_finalize(stmt);
  });
}

void fn_table_bytes(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    std::string sql = "SELECT coalesce(sum(pgsize), 0) FROM dbstat(" +
                      quote_string(text_arg(argv[0])) +
                      ") WHERE name = " + quote_string(text_arg(argv[1]));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return sqlite3_result_int64(ctx, 0);
    }
    sqlite3_result_int64(ctx, sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0);
    sqlite3_finalize(stmt);
  });
}

void fn_type_info(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto t = parse_type_name(text_arg(argv[0]));
    if (!t) return sqlite3_result_null(ctx);
    std::string field = text_arg(argv[1]);
    if (field == "DATA_TYPE") return result_text(ctx, info_schema_type_name(*t));
    if (field == "CHARACTER_MAXIMUM_LENGTH") {
      if (t->kind == TypeKind::text || t->kind == TypeKind::binary)
        return sqlite3_result_int64(ctx, t->length);
      return sqlite3_result_null(ctx);
    }
    if (field == "CHARACTER_OCTET_LENGTH") {
      if (t->kind == TypeKind::text)
        return sqlite3_result_int64(ctx, std::min(t->length * 4, kMaxByteLength));
      if (t->kind == TypeKind::binary) return sqlite3_result_int64(ctx, t->length);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_PRECISION") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, t->precision);
      if (t->kind == TypeKind::real) return sqlite3_result_int64(ctx, 53);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_PRECISION_RADIX") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, 10);
      if (t->kind == TypeKind::real) return sqlite3_result_int64(ctx, 2);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_SCALE") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, t->scale);
      return sqlite3_result_null(ctx);
    }
    if (field == "DATETIME_PRECISION") {
      if (t->kind == TypeKind::time || t->is_timestamp())
        return sqlite3_result_int64(ctx, t->scale);
      if (t->kind == TypeKind::date) return sqlite3_result_int64(ctx, 0);
      return sqlite3_result_null(ctx);
    }
    sqlite3_result_null(ctx);
  });
}

// ---- aggregates ---------------------------------------------------------------------------------

// Aggregate state lives on the heap; the SQLite aggregate context holds a pointer to it.
template <class T>
T* agg_state(sqlite3_context* ctx, bool create) {
  auto** slot =
      static_cast<T**>(sqlite3_aggregate_context(ctx, create ? static_cast<int>(sizeof(T*)) : 0));
  if (!slot) return nullptr;
  if (!*slot && create) *slot = new T();
  return *slot;
}
template <class T>
void agg_free(sqlite3_context* ctx) {
  auto** slot = static_cast<T**>(sqlite3_aggregate_context(ctx, 0));
  if (slot && *slot) {
    delete *slot;
    *slot = nullptr;
  }
}

int compare_vals(const Val& a, const Val& b) {
  auto rank = [](const Val& v) {
    switch (v.t) {
      case Val::T::null:
        return 3;
      case Val::T::integer:
      case Val::T::real:
        return 0;
      case Val::T::text:
        return 1;
      case Val::T::blob:
        return 2;
    }
    return 3;
  };
  int ra = rank(a);
  int rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) {
    double x = a.t == Val::T::integer ? static_cast<double>(a.i) : a.d;
    double y = b.t == Val::T::integer ? static_cast<double>(b.i) : b.d;
    if (a.t == Val::T::integer && b.t == Val::T::integer) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra == 3) return 0;
  return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
}

// Collected values with sort keys (LISTAGG / ARRAY_AGG ... WITHIN GROUP (ORDER BY ...)).
struct OrderedCollector {
  struct Item {
    Val value;
    std::vector<Val> keys;
  };
  std::vector<Item> items;
  std::vector<bool> descending;
  std::string separator;
  bool distinct = false;

  void sort() {
    std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      for (std::size_t k = 0; k < a.keys.size() && k < descending.size(); ++k) {
        int c = compare_vals(a.keys[k], b.keys[k]);
        if (c != 0) return descending[k] ? c > 0 : c < 0;
      }
      return false;
    });
  }
};

void collect_step(sqlite3_context* ctx, int argc, sqlite3_value** argv, int fixed_args) {
  auto* st = agg_state<OrderedCollector>(ctx, true);
  if (!st) return;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  OrderedCollector::Item item;
  item.value = val_from_sqlite(argv[0]);
  for (int i = fixed_args; i + 1 < argc; i += 2) {
    item.keys.push_back(val_from_sqlite(argv[i]));
    if (static_cast<int>(st->descending.size()) < (i - fixed_args) / 2 + 1) {
      st->descending.push_back(sqlite3_value_int(argv[i + 1]) != 0);
    }
  }
  st->items.push_back(std::move(item));
}

void listagg_step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  collect_step(ctx, argc, argv, 3);
  if (auto* st = agg_state<OrderedCollector>(ctx, false)) {
    st->separator = sqlite3_value_type(argv[1]) == SQLITE_NULL ? "" : text_arg(argv[1]);
    st->distinct = sqlite3_value_int(argv[2]) != 0;
  }
}
void listagg_final(sqlite3_context* ctx) {
  auto* st = agg_state<OrderedCollector>(ctx, false);
  if (!st) {
    result_text(ctx, "");
    return;
  }
  st->sort();
  std::string out;
  std::set<std::string> seen;
  bool first = true;
  for (const auto& item : st->items) {
    if (st->distinct && !seen.insert(item.value.s).second) continue;
    if (!first) out += st->separator;
    first = false;
    out += item.value.t == Val::T::text      ? item.value.s
           : item.value.t == Val::T::integer ? std::to_string(item.value.i)
                                             : format_double(item.value.d);
  }
  result_text(ctx, out);
  agg_free<OrderedCollector>(ctx);
}

void array_agg_step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  collect_step(ctx, argc, argv, 2);
  if (auto* st = agg_state<OrderedCollector>(ctx, false))
    st->distinct = sqlite3_value_int(argv[1]) != 0;
}
void array_agg_final(sqlite3_context* ctx) {
  guarded(ctx, [&] {
    auto* st = agg_state<OrderedCollector>(ctx, false);
    JsonValue arr = JsonValue::make_array();
    if (st) {
      st->sort();
      std::set<std::string> seen;
      for (const auto& item : st->items) {
        auto j = parse_json(item.value.s);
        if (!j) continue;
        if (st->distinct && !seen.insert(json_compact(*j)).second) continue;
        arr.items.push_back(*j);
      }
    }
    result_json(ctx, arr);
  });
  agg_free<OrderedCollector>(ctx);
}

struct ObjectAgg {
  JsonValue object = JsonValue::make_object();
};
void object_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<ObjectAgg>(ctx, true);
    if (!st || any_null(2, argv)) return;
    st->object.set(text_arg(argv[0]), json_arg(argv[1]));
  });
}
void object_agg_final(sqlite3_context* ctx) {
  auto* st = agg_state<ObjectAgg>(ctx, false);
  result_json(ctx, st ? st->object : JsonValue::make_object());
  agg_free<ObjectAgg>(ctx);
}

struct Numbers {
  std::vector<double> values;
  std::vector<Val> raw;
  double fraction = 0.5;
  bool discrete = false;
  bool pop = false;
  bool stddev = false;
};
void percentile_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<Numbers>(ctx, true);
    if (!st) return;
    st->fraction = double_arg(argv[1]);
    st->discrete = sqlite3_value_int(argv[2]) != 0;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    st->values.push_back(double_arg(argv[0]));
  });
}
void percentile_final(sqlite3_context* ctx) {
  auto* st = agg_state<Numbers>(ctx, false);
  if (!st || st->values.empty()) {
    sqlite3_result_null(ctx);
    agg_free<Numbers>(ctx);
    return;
  }
  auto& v = st->values;
  std::sort(v.begin(), v.end());
  double f = std::clamp(st->fraction, 0.0, 1.0);
  if (st->discrete) {
    std::size_t idx = static_cast<std::size_t>(std::ceil(f * static_cast<double>(v.size())));
    idx = idx == 0 ? 0 : idx - 1;
    sqlite3_result_double(ctx, v[std::min(idx, v.size() - 1)]);
  } else {
    double pos = f * static_cast<double>(v.size() - 1);
    auto lo = static_cast<std::size_t>(std::floor(pos));
    auto hi = static_cast<std::size_t>(std::ceil(pos));
    sqlite3_result_double(ctx, v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo)));
  }
  agg_free<Numbers>(ctx);
}

void variance_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<Numbers>(ctx, true);
    if (!st) return;
    st->pop = sqlite3_value_int(argv[1]) != 0;
    st->stddev = sqlite3_value_int(argv[2]) != 0;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    st->values.push_back(double_arg(argv[0]));
  });
}
void variance_final(sqlite3_context* ctx) {
  auto* st = agg_state<Numbers>(ctx, false);
  std::size_t n = st ? st->values.size() : 0;
  if (!st || n == 0 || (!st->pop && n < 2)) {
    sqlite3_result_null(ctx);
    agg_free<Numbers>(ctx);
    return;
  }
  double mean = 0;
  for (double x : st->values) mean += x;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double x : st->values) ss += (x - mean) * (x - mean);
  double var = ss / static_cast<double>(st->pop ? n : n - 1);
  sqlite3_result_double(ctx, st->stddev ? std::sqrt(var) : var);
  agg_free<Numbers>(ctx);
}

struct Modes {
  std::vector<Val> values;
};
void mode_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = agg_state<Modes>(ctx, true);
  if (!st || sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  st->values.push_back(val_from_sqlite(argv[0]));
}
void mode_final(sqlite3_context* ctx) {
  auto* st = agg_state<Modes>(ctx, false);
  if (!st || st->values.empty()) {
    sqlite3_result_null(ctx);
    agg_free<Modes>(ctx);
    return;
  }
  auto& v = st->values;
  std::stable_sort(v.begin(), v.end(),
                   [](const Val& a, const Val& b) { return compare_vals(a, b) < 0; });
  std::size_t best = 0;
  std::size_t best_count = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j < v.size() && compare_vals(v[i], v[j]) == 0) ++j;
    if (j - i > best_count) {
      best = i;
      best_count = j - i;
    }
    i = j;
  }
  val_to_result(ctx, v[best]);
  agg_free<Modes>(ctx);
}

struct ByState {
  bool have = false;
  Val value;
  Val key;
};
void by_step(sqlite3_context* ctx, sqlite3_value** argv, bool max) {
  auto* st = agg_state<ByState>(ctx, true);
  if (!st || sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
  Val k = val_from_sqlite(argv[1]);
  if (!st->have || (max ? compare_vals(k, st->key) > 0 : compare_vals(k, st->key) < 0)) {
    st->have = true;
    st->key = k;
    st->value = val_from_sqlite(argv[0]);
  }
}
void max_by_step(sqlite3_context* ctx, int, sqlite3_value** argv) { by_step(ctx, argv, true); }
void min_by_step(sqlite3_context* ctx, int, sqlite3_value** argv) { by_step(ctx, argv, false); }
void by_final(sqlite3_context* ctx) {
  auto* st = agg_state<ByState>(ctx, false);
  if (!st || !st->have) {
    sqlite3_result_null(ctx);
  } else {
    val_to_result(ctx, st->value);
  }
  agg_free<ByState>(ctx);
}

// SUM for NUMBER: exact in 128 bits (SQLite's sum() fails past int64), falling back to a double
// once a non-integer value is seen. Also a window function (xInverse subtracts).
// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

struct SumState {
  Int128 integer = 0;
  double real = 0;
  bool any_real = false;
  std::int64_t count = 0;
};

std::string int128_text(Int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    int d = static_cast<int>(v % 10);
    digits.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

void sum_add(sqlite3_context* ctx, sqlite3_value* v, int sign) {
  // Heap state (aligned for Int128; SQLite's aggregate context is only 8-byte aligned).
  auto* st = agg_state<SumState>(ctx, true);
  if (!st || sqlite3_value_type(v) == SQLITE_NULL) return;
  st->count += sign;
  if (sqlite3_value_type(v) == SQLITE_INTEGER) {
    st->integer += static_cast<Int128>(sqlite3_value_int64(v)) * sign;
    return;
  }
  if (sqlite3_value_type(v) == SQLITE_TEXT) {
    std::string t = text_arg(v);
    auto n = parse_number_text(t, true);
    if (n && n->t == Val::T::text) {
      // A big integer beyond int64.
      Int128 acc = 0;
      bool negative = n->s[0] == '-';
      for (char ch : n->s) {
        if (ch >= '0' && ch <= '9') acc = acc * 10 + (ch - '0');
      }
      st->integer += (negative ? -acc : acc) * sign;
      return;
    }
    if (n && n->t == Val::T::integer) {
      st->integer += static_cast<Int128>(n->i) * sign;
      return;
    }
    st->any_real = true;
    st->real += (n ? (n->t == Val::T::real ? n->d : 0.0) : std::strtod(t.c_str(), nullptr)) * sign;
    return;
  }
  st->any_real = true;
  st->real += sqlite3_value_double(v) * sign;
}

// Exact integer arithmetic for NUMBER(p,0) beyond 18 digits: 128 bits, INTEGER when it fits,
// else decimal text; non-integers fall back to doubles.
std::optional<Int128> int128_of(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_INTEGER) return static_cast<Int128>(sqlite3_value_int64(v));
  if (sqlite3_value_type(v) != SQLITE_TEXT) return std::nullopt;
  auto n = parse_number_text(text_arg(v), false);
  if (!n) return std::nullopt;
  if (n->t == Val::T::integer) return static_cast<Int128>(n->i);
  if (n->t != Val::T::text) return std::nullopt;
  Int128 acc = 0;
  for (char ch : n->s) {
    if (ch >= '0' && ch <= '9') acc = acc * 10 + (ch - '0');
  }
  return n->s[0] == '-' ? -acc : acc;
}

void int128_result(sqlite3_context* ctx, Int128 v) {
  if (v >= std::numeric_limits<std::int64_t>::min() &&
      v <= std::numeric_limits<std::int64_t>::max()) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(v));
    return;
  }
  std::string text = int128_text(v);
  if (text.size() - (text[0] == '-' ? 1 : 0) > 38) {
    throw SfError(
        "100046", "22003",
        "Number out of representable range: type FIXED[SB16](38,0){not null}, value " + text);
  }
  result_text(ctx, text);
}

void exact_arith(sqlite3_context* ctx, sqlite3_value** argv, char op) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    auto a = int128_of(argv[0]);
    auto b = int128_of(argv[1]);
    if (a && b) {
      // |a|, |b| < 1.7e38: a sum fits; a product is checked against the 38-digit limit.
      if (op == '+') return int128_result(ctx, *a + *b);
      if (op == '-') return int128_result(ctx, *a - *b);
      Int128 limit = 1;
      for (int i = 0; i < 38; ++i) limit *= 10;
      Int128 ma = *a < 0 ? -*a : *a;
      Int128 mb = *b < 0 ? -*b : *b;
      if (ma != 0 && mb > limit / ma) {
        throw SfError("100046", "22003",
                      "Number out of representable range: type FIXED[SB16](38,0){not null}");
      }
      return int128_result(ctx, *a * *b);
    }
    double x = double_arg(argv[0]);
    double y = double_arg(argv[1]);
    sqlite3_result_double(ctx, op == '+' ? x + y : op == '-' ? x - y : x * y);
  });
}
void fn_exact_add(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '+'); }
void fn_exact_sub(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '-'); }
void fn_exact_mul(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '*'); }

void sum_step(sqlite3_context* ctx, int, sqlite3_value** argv) { sum_add(ctx, argv[0], 1); }
void sum_inverse(sqlite3_context* ctx, int, sqlite3_value** argv) { sum_add(ctx, argv[0], -1); }
void sum_value(sqlite3_context* ctx) {
  auto* st = agg_state<SumState>(ctx, false);
  if (!st || st->count == 0) {
    sqlite3_result_null(ctx);
    return;
  }
  if (st->any_real) {
    sqlite3_result_double(ctx, st->real + static_cast<double>(st->integer));
    return;
  }
  if (st->integer >= std::numeric_limits<std::int64_t>::min() &&
      st->integer <= std::numeric_limits<std::int64_t>::max()) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(st->integer));
    return;
  }
  result_text(ctx, int128_text(st->integer));
}

void sum_final(sqlite3_context* ctx) {
  sum_value(ctx);
  agg_free<SumState>(ctx);
}

void reg_agg(sqlite3* db, const char* name, int argc, FunctionState* state,
             void (*step)(sqlite3_context*, int, sqlite3_value**),
             void (*final)(sqlite3_context*)) {
  sqlite3_create_function_v2(db, name, argc, SQLITE_UTF8, state, nullptr, step, final, nullptr);
}

// ---- virtual tables
// -------------------------------------------------------------------------------

// TABLE(GENERATOR(ROWCOUNT => n, TIMELIMIT => s)): rows produced one at a time, so that a result
// of millions of rows streams in constant memory. SEQ4()/SEQ8() are counters (sf_seq).
// xOpen and xClose of the table functions: each cursor type starts with its sqlite3_vtab_cursor
// `base`.
template <class Cursor>
int cursor_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) Cursor();
  if (!c) return SQLITE_NOMEM;
  *out = &c->base;
  return SQLITE_OK;
}
template <class Cursor>
int cursor_close(sqlite3_vtab_cursor* cur) {
  delete reinterpret_cast<Cursor*>(cur);
  return SQLITE_OK;
}

struct GeneratorCursor {
  sqlite3_vtab_cursor base{};
  std::int64_t row = 0;
  std::int64_t count = 0;
  std::chrono::steady_clock::time_point deadline{};
  bool has_deadline = false;
};

int gen_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc =
      sqlite3_declare_vtab(db, "CREATE TABLE x(value INTEGER, rowcount HIDDEN, timelimit HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int gen_disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab);
  return SQLITE_OK;
}
int gen_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  int argv_index = 0;
  int mask = 0;
  for (int pass = 1; pass <= 2; ++pass) {
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ || c.iColumn != pass) continue;
      info->aConstraintUsage[i].argvIndex = ++argv_index;
      info->aConstraintUsage[i].omit = 1;
      mask |= pass;
    }
  }
  info->idxNum = mask;
  info->estimatedCost = 1000;
  return SQLITE_OK;
}
int gen_filter(sqlite3_vtab_cursor* cur, int idx_num, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  c->row = 0;
  c->count = -1;
  c->has_deadline = false;
  int a = 0;
  if ((idx_num & 1) && a < argc) c->count = sqlite3_value_int64(argv[a++]);
  if ((idx_num & 2) && a < argc) {
    double secs = sqlite3_value_double(argv[a++]);
    if (secs > 0) {
      c->has_deadline = true;
      c->deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<std::int64_t>(secs * 1e6));
    }
  }
  if (c->count < 0 && !c->has_deadline) c->count = 0;
  return SQLITE_OK;
}
int gen_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<GeneratorCursor*>(cur)->row++;
  return SQLITE_OK;
}
int gen_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  if (c->count >= 0 && c->row >= c->count) return 1;
  if (c->has_deadline && (c->row % 1024) == 0 && std::chrono::steady_clock::now() >= c->deadline)
    return 1;
  return 0;
}
int gen_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  if (i == 0)
    sqlite3_result_int64(ctx, c->row);
  else
    sqlite3_result_null(ctx);
  return SQLITE_OK;
}
int gen_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = reinterpret_cast<GeneratorCursor*>(cur)->row;
  return SQLITE_OK;
}

sqlite3_module make_module(
    int (*connect)(sqlite3*, void*, int, const char* const*, sqlite3_vtab**, char**),
    int (*best)(sqlite3_vtab*, sqlite3_index_info*),
    int (*open)(sqlite3_vtab*, sqlite3_vtab_cursor**), int (*close)(sqlite3_vtab_cursor*),
    int (*filter)(sqlite3_vtab_cursor*, int, const char*, int, sqlite3_value**),
    int (*next)(sqlite3_vtab_cursor*), int (*eof)(sqlite3_vtab_cursor*),
    int (*column)(sqlite3_vtab_cursor*, sqlite3_context*, int),
    int (*rowid)(sqlite3_vtab_cursor*, sqlite_int64*)) {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only
  m.xConnect = connect;
  m.xBestIndex = best;
  m.xDisconnect = gen_disconnect;
  m.xDestroy = gen_disconnect;
  m.xOpen = open;
  m.xClose = close;
  m.xFilter = filter;
  m.xNext = next;
  m.xEof = eof;
  m.xColumn = column;
  m.xRowid = rowid;
  return m;
}

// FLATTEN(INPUT => v, PATH => p, OUTER => b, RECURSIVE => b, MODE => m).
struct FlattenRow {
  std::optional<std::string> key;
  std::string path;
  std::optional<std::int64_t> index;
  std::optional<std::string> value;  // compact JSON
  std::optional<std::string> self;
};
struct FlattenCursor {
  sqlite3_vtab_cursor base{};
  std::vector<FlattenRow> rows;
  std::size_t pos = 0;
  std::int64_t seq = 0;
};
std::atomic<std::int64_t> g_flatten_seq{0};

int flatten_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db,
      "CREATE TABLE x(seq, key, path, idx, value, this, input HIDDEN, fpath HIDDEN, "
      "fouter HIDDEN, frecursive HIDDEN, fmode HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int hidden_best_index(sqlite3_index_info* info, int first_hidden, int count) {
  int mask = 0;
  for (int col = first_hidden; col < first_hidden + count; ++col) {
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn != col || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;
      info->aConstraintUsage[i].argvIndex = col - first_hidden + 1;
      info->aConstraintUsage[i].omit = 1;
      mask |= 1 << (col - first_hidden);
    }
  }
  if ((mask & ((1 << count) - 1)) != (1 << count) - 1) return SQLITE_CONSTRAINT;
  info->idxNum = mask;
  info->estimatedCost = 10;
  return SQLITE_OK;
}
int flatten_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  return hidden_best_index(info, 6, 5);
}
void flatten_into(const JsonValue& v, const std::string& path, bool recursive,
                  const std::string& mode, std::vector<FlattenRow>& rows) {
  std::string self = json_compact(v);
  if (v.kind == JsonValue::Kind::array && mode != "OBJECT") {
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      FlattenRow r;
      r.path = path + "[" + std::to_string(i) + "]";
      r.index = static_cast<std::int64_t>(i);
      if (v.items[i].kind != JsonValue::Kind::undefined) r.value = json_compact(v.items[i]);
      r.self = self;
      rows.push_back(r);
      if (recursive) flatten_into(v.items[i], r.path, true, mode, rows);
    }
  } else if (v.kind == JsonValue::Kind::object && mode != "ARRAY") {
    for (const auto& m : v.members) {
      FlattenRow r;
      r.key = m.first;
      r.path = path.empty() ? m.first : path + "." + m.first;
      r.value = json_compact(m.second);
      r.self = self;
      rows.push_back(r);
      if (recursive) flatten_into(m.second, r.path, true, mode, rows);
    }
  }
}
int flatten_filter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  c->rows.clear();
  c->pos = 0;
  c->seq = ++g_flatten_seq;
  if (argc < 5) return SQLITE_OK;
  bool outer = sqlite3_value_int(argv[2]) != 0;
  bool recursive = sqlite3_value_int(argv[3]) != 0;
  std::string mode = upper_ascii(text_arg(argv[4]));
  if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    auto j = parse_json(text_arg(argv[0]));
    if (j) {
      std::string path = text_arg(argv[1]);
      const JsonValue* base = &*j;
      if (!path.empty()) {
        // Only simple dotted paths here.
        for (auto& part : split_text(path, ".")) {
          base = base && base->kind == JsonValue::Kind::object ? base->get(part) : nullptr;
        }
      }
      if (base) flatten_into(*base, path, recursive, mode, c->rows);
    }
  }
  if (c->rows.empty() && outer) c->rows.push_back(FlattenRow{});
  return SQLITE_OK;
}
int flatten_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<FlattenCursor*>(cur)->pos++;
  return SQLITE_OK;
}
int flatten_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  return c->pos >= c->rows.size() ? 1 : 0;
}
int flatten_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  const FlattenRow& r = c->rows[c->pos];
  auto text = [&](const std::optional<std::string>& s) {
    if (s) {
      sqlite3_result_text64(ctx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      sqlite3_result_null(ctx);
    }
  };
  switch (i) {
    case 0:
      sqlite3_result_int64(ctx, c->seq);
      break;
    case 1:
      text(r.key);
      break;
    case 2:
      text(r.path);
      break;
    case 3:
      if (r.index) {
        sqlite3_result_int64(ctx, *r.index);
      } else {
        sqlite3_result_null(ctx);
      }
      break;
    case 4:
      text(r.value);
      break;
    case 5:
      text(r.self);
      break;
    default:
      sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}
int flatten_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = static_cast<sqlite_int64>(reinterpret_cast<FlattenCursor*>(cur)->pos);
  return SQLITE_OK;
}

// SPLIT_TO_TABLE(string, delimiter).
struct SplitCursor {
  sqlite3_vtab_cursor base{};
  std::vector<std::string> parts;
  std::size_t pos = 0;
  std::int64_t seq = 0;
};
int split_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(seq, idx, value, input HIDDEN, delim HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int split_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  return hidden_best_index(info, 3, 2);
}
int split_filter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  c->parts.clear();
  c->pos = 0;
  c->seq = ++g_flatten_seq;
  if (argc >= 2 && sqlite3_value_type(argv[0]) != SQLITE_NULL &&
      sqlite3_value_type(argv[1]) != SQLITE_NULL) {
    c->parts = split_text(text_arg(argv[0]), text_arg(argv[1]));
  }
  return SQLITE_OK;
}
int split_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<SplitCursor*>(cur)->pos++;
  return SQLITE_OK;
}
int split_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  return c->pos >= c->parts.size() ? 1 : 0;
}
int split_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  if (i == 0) {
    sqlite3_result_int64(ctx, c->seq);
  } else if (i == 1) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(c->pos) + 1);
  } else if (i == 2) {
    const auto& s = c->parts[c->pos];
    sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } else {
    sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}
int split_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = static_cast<sqlite_int64>(reinterpret_cast<SplitCursor*>(cur)->pos);
  return SQLITE_OK;
}

const sqlite3_module& generator_module() {
  static const sqlite3_module m = make_module(
      gen_connect, gen_best_index, cursor_open<GeneratorCursor>, cursor_close<GeneratorCursor>,
      gen_filter, gen_next, gen_eof, gen_column, gen_rowid);
  return m;
}
const sqlite3_module& flatten_module() {
  static const sqlite3_module m = make_module(
      flatten_connect, flatten_best_index, cursor_open<FlattenCursor>, cursor_close<FlattenCursor>,
      flatten_filter, flatten_next, flatten_eof, flatten_column, flatten_rowid);
  return m;
}
const sqlite3_module& split_module() {
  static const sqlite3_module m = make_module(
      split_connect, split_best_index, cursor_open<SplitCursor>, cursor_close<SplitCursor>,
      split_filter, split_next, split_eof, split_column, split_rowid);
  return m;
}

}  // namespace

std::string SequenceRegistry::key(std::string_view database, std::string_view schema,
                                  std::string_view name) {
  std::string k(database);
  k.push_back('\x1f');
  k += schema;
  k.push_back('\x1f');
  k += name;
  return k;
}

bool SequenceRegistry::create(const std::string& key, const Sequence& sequence, bool replace) {
  std::lock_guard lock(mutex_);
  if (!replace && sequences_.count(key)) return false;
  sequences_[key] = sequence;
  return true;
}

bool SequenceRegistry::drop(const std::string& key) {
  std::lock_guard lock(mutex_);
  return sequences_.erase(key) > 0;
}

bool SequenceRegistry::exists(const std::string& key) {
  std::lock_guard lock(mutex_);
  return sequences_.count(key) > 0;
}

std::optional<std::int64_t> SequenceRegistry::next_value(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = sequences_.find(key);
  if (it == sequences_.end()) return std::nullopt;
  std::int64_t v = it->second.next;
  it->second.next += it->second.increment;
  return v;
}

std::vector<std::pair<std::string, SequenceRegistry::Sequence>> SequenceRegistry::list(
    const std::string& prefix) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, Sequence>> out;
  for (auto it = sequences_.lower_bound(prefix);
       it != sequences_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

std::optional<std::string> canonical_date_part(std::string_view part_in) {
  std::string p = upper_ascii(std::string(part_in));
  static const std::map<std::string, std::string, std::less<>> kParts = {
      {"YEAR", "YEAR"},
      {"Y", "YEAR"},
      {"YY", "YEAR"},
      {"YYY", "YEAR"},
      {"YYYY", "YEAR"},
      {"YR", "YEAR"},
      {"YEARS", "YEAR"},
      {"YRS", "YEAR"},
      {"QUARTER", "QUARTER"},
      {"Q", "QUARTER"},
      {"QTR", "QUARTER"},
      {"QTRS", "QUARTER"},
      {"QUARTERS", "QUARTER"},
      {"MONTH", "MONTH"},
      {"MM", "MONTH"},
      {"MON", "MONTH"},
      {"MONS", "MONTH"},
      {"MONTHS", "MONTH"},
      {"WEEK", "WEEK"},
      {"W", "WEEK"},
      {"WK", "WEEK"},
      {"WEEKOFYEAR", "WEEK"},
      {"WOY", "WEEK"},
      {"WY", "WEEK"},
      {"WEEKS", "WEEK"},
      {"WEEKISO", "WEEKISO"},
      {"WEEK_ISO", "WEEKISO"},
      {"WEEKOFYEARISO", "WEEKISO"},
      {"WEEKOFYEAR_ISO", "WEEKISO"},
      {"DAY", "DAY"},
      {"D", "DAY"},
      {"DD", "DAY"},
      {"DAYS", "DAY"},
      {"DAYOFMONTH", "DAY"},
      {"DAYOFWEEK", "DAYOFWEEK"},
      {"WEEKDAY", "DAYOFWEEK"},
      {"DOW", "DAYOFWEEK"},
      {"DW", "DAYOFWEEK"},
      {"DAYOFWEEKISO", "DAYOFWEEKISO"},
      {"WEEKDAY_ISO", "DAYOFWEEKISO"},
      {"DOW_ISO", "DAYOFWEEKISO"},
      {"DW_ISO", "DAYOFWEEKISO"},
      {"DAYOFYEAR", "DAYOFYEAR"},
      {"YEARDAY", "DAYOFYEAR"},
      {"DOY", "DAYOFYEAR"},
      {"DY", "DAYOFYEAR"},
      {"YEAROFWEEK", "YEAROFWEEK"},
      {"YEAROFWEEKISO", "YEAROFWEEKISO"},
      {"HOUR", "HOUR"},
      {"H", "HOUR"},
      {"HH", "HOUR"},
      {"HR", "HOUR"},
      {"HOURS", "HOUR"},
      {"HRS", "HOUR"},
      {"MINUTE", "MINUTE"},
      {"M", "MINUTE"},
      {"MI", "MINUTE"},
      {"MIN", "MINUTE"},
      {"MINUTES", "MINUTE"},
      {"MINS", "MINUTE"},
      {"SECOND", "SECOND"},
      {"S", "SECOND"},
      {"SEC", "SECOND"},
      {"SECONDS", "SECOND"},
      {"SECS", "SECOND"},
      {"MILLISECOND", "MILLISECOND"},
      {"MS", "MILLISECOND"},
      {"MSEC", "MILLISECOND"},
      {"MILLISECONDS", "MILLISECOND"},
      {"MICROSECOND", "MICROSECOND"},
      {"US", "MICROSECOND"},
      {"USEC", "MICROSECOND"},
      {"MICROSECONDS", "MICROSECOND"},
      {"NANOSECOND", "NANOSECOND"},
      {"NS", "NANOSECOND"},
      {"NSEC", "NANOSECOND"},
      {"NANOSEC", "NANOSECOND"},
      {"NSECOND", "NANOSECOND"},
      {"NANOSECONDS", "NANOSECOND"},
      {"NANOSECS", "NANOSECOND"},
      {"NSECONDS", "NANOSECOND"},
      {"EPOCH_SECOND", "EPOCH_SECOND"},
      {"EPOCH", "EPOCH_SECOND"},
      {"EPOCH_SECONDS", "EPOCH_SECOND"},
      {"EPOCH_MILLISECOND", "EPOCH_MILLISECOND"},
      {"EPOCH_MILLISECONDS", "EPOCH_MILLISECOND"},
      {"EPOCH_MICROSECOND", "EPOCH_MICROSECOND"},
      {"EPOCH_MICROSECONDS", "EPOCH_MICROSECOND"},
      {"EPOCH_NANOSECOND", "EPOCH_NANOSECOND"},
      {"EPOCH_NANOSECONDS", "EPOCH_NANOSECOND"},
      {"TIMEZONE_HOUR", "TIMEZONE_HOUR"},
      {"TZH", "TIMEZONE_HOUR"},
      {"TIMEZONE_MINUTE", "TIMEZONE_MINUTE"},
      {"TZM", "TIMEZONE_MINUTE"}};
  auto it = kParts.find(p);
  if (it == kParts.end()) return std::nullopt;
  return it->second;
}

void register_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_cast", 3, st, fn_cast);
  reg(db, "sf_try_cast", 3, st, fn_try_cast);
  reg(db, "sf_norm", 2, st, fn_norm);
  reg(db, "sf_div", 2, st, fn_div);
  reg(db, "sf_mod", 2, st, fn_mod);
  reg(db, "sf_round", 3, st, fn_round);
  reg(db, "sf_sqrt", 1, st, fn_sqrt);
  reg(db, "sf_ln", 1, st, fn_ln);
  reg(db, "sf_cbrt", 1, st, fn_cbrt);
  reg(db, "sf_factorial", 1, st, fn_factorial);
  reg(db, "sf_strip_number_format", 1, st, fn_strip_number_format);
  reg(db, "sf_seq", 1, st, fn_seq, false);
  reg(db, "sf_nextval", 1, st, fn_nextval, false);
  reg(db, "sf_random", 2, st, fn_random, false);
  reg(db, "sf_uniform", 4, st, fn_uniform);
  reg(db, "sf_normal", 3, st, fn_normal);
  reg(db, "sf_randstr", 2, st, fn_randstr);
  reg(db, "sf_uuid", 0, st, fn_uuid, false);
  reg(db, "sf_uuid", 2, st, fn_uuid);
  reg(db, "sf_hash", -1, st, fn_hash);
  reg(db, "sf_digest", 4, st, fn_digest);
  reg(db, "sf_like", 4, st, fn_like);
  reg(db, "sf_rlike", 3, st, fn_rlike);
  reg(db, "sf_regexp_replace", -1, st, fn_regexp_replace);
  reg(db, "sf_regexp_substr", -1, st, fn_regexp_substr);
  reg(db, "sf_regexp_count", -1, st, fn_regexp_count);
  reg(db, "sf_regexp_instr", -1, st, fn_regexp_instr);
  reg(db, "sf_regexp_like", -1, st, fn_regexp_like);
  reg(db, "sf_upper", 1, st, fn_upper);
  reg(db, "sf_lower", 1, st, fn_lower);
  reg(db, "sf_initcap", 1, st, fn_initcap);
  reg(db, "sf_reverse", 1, st, fn_reverse);
  reg(db, "sf_substr", 2, st, fn_substr);
  reg(db, "sf_substr", 3, st, fn_substr);
  reg(db, "sf_repeat", 2, st, fn_repeat);
  reg(db, "sf_check_length", 2, st, fn_check_length);
  reg(db, "sf_lpad", 3, st, fn_lpad);
  reg(db, "sf_rpad", 3, st, fn_rpad);
  reg(db, "sf_split_part", 3, st, fn_split_part);
  reg(db, "sf_split", 2, st, fn_split);
  reg(db, "sf_strtok", 3, st, fn_strtok);
  reg(db, "sf_strtok_to_array", 2, st, fn_strtok_to_array);
  reg(db, "sf_position", 3, st, fn_position);
  reg(db, "sf_translate", 3, st, fn_translate);
  reg(db, "sf_editdistance", 2, st, fn_editdistance);
  reg(db, "sf_base64_encode", 1, st, fn_base64_encode);
  reg(db, "sf_base64_decode", 1, st, fn_base64_decode);
  reg(db, "sf_hex_decode", 1, st, fn_hex_decode);
  reg(db, "sf_to_char", 3, st, fn_to_char);
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
  reg(db, "sf_parse_json", 1, st, fn_parse_json);
  reg(db, "sf_try_parse_json", 1, st, fn_try_parse_json);
  reg(db, "sf_to_json", 2, st, fn_to_json);
  reg(db, "sf_json_text", 1, st, fn_json_text);
  reg(db, "sf_json_as_text", 1, st, fn_json_as_text);
  reg(db, "sf_object_construct", -1, st, fn_object_construct);
  reg(db, "sf_array_construct", -1, st, fn_array_construct);
  reg(db, "sf_array_construct_compact", -1, st, fn_array_construct_compact);
  reg(db, "sf_object_merge", -1, st, fn_object_merge);
  reg(db, "sf_array_concat", -1, st, fn_array_concat);
  reg(db, "sf_array_size", 1, st, fn_array_size);
  reg(db, "sf_array_contains", 2, st, fn_array_contains);
  reg(db, "sf_array_position", 2, st, fn_array_position);
  reg(db, "sf_array_append", 2, st, fn_array_append);
  reg(db, "sf_array_prepend", 2, st, fn_array_prepend);
  reg(db, "sf_array_cat", 2, st, fn_array_cat);
  reg(db, "sf_array_compact", 1, st, fn_array_compact);
  reg(db, "sf_array_distinct", 1, st, fn_array_distinct);
  reg(db, "sf_array_slice", 3, st, fn_array_slice);
  reg(db, "sf_array_reverse", 1, st, fn_array_reverse);
  reg(db, "sf_array_sort", -1, st, fn_array_sort);
  reg(db, "sf_array_min", 1, st, fn_array_min);
  reg(db, "sf_array_max", 1, st, fn_array_max);
  reg(db, "sf_array_intersection", 2, st, fn_array_intersection);
  reg(db, "sf_arrays_overlap", 2, st, fn_arrays_overlap);
  reg(db, "sf_array_except", 2, st, fn_array_except);
  reg(db, "sf_array_flatten", 1, st, fn_array_flatten);
  reg(db, "sf_array_generate_range", -1, st, fn_array_generate_range);
  reg(db, "sf_array_to_string", 2, st, fn_array_to_string);
  reg(db, "sf_object_keys", 1, st, fn_object_keys);
  reg(db, "sf_object_insert", -1, st, fn_object_insert);
  reg(db, "sf_object_delete", -1, st, fn_object_delete);
  reg(db, "sf_object_pick", -1, st, fn_object_pick);
  reg(db, "sf_get", 2, st, fn_get);
  reg(db, "sf_get_ignore_case", 2, st, fn_get_ignore_case);
  reg(db, "sf_get_path", 2, st, fn_get_path);
  reg(db, "sf_typeof", 1, st, fn_typeof);
  reg(db, "sf_is_kind", 2, st, fn_is_kind);
  reg(db, "sf_strip_null_value", 1, st, fn_strip_null_value);
  reg(db, "sf_check_json", 1, st, fn_check_json);
  reg(db, "sf_to_geo", 1, st, fn_to_geo);
  reg(db, "sf_make_point", 2, st, fn_make_point);
  reg(db, "sf_geo_to_wkt", 1, st, fn_geo_to_wkt);
  reg(db, "sf_geo_coordinate", 2, st, fn_geo_coordinate);
  reg(db, "sf_system_wait", 2, st, fn_system_wait, false);
  reg(db, "sf_row_count", 2, st, fn_row_count, false);
  reg(db, "sf_table_bytes", 2, st, fn_table_bytes, false);
  reg(db, "sf_type_info", 2, st, fn_type_info);
  reg(db, "sf_exact_add", 2, st, fn_exact_add);
  reg(db, "sf_exact_sub", 2, st, fn_exact_sub);
  reg(db, "sf_exact_mul", 2, st, fn_exact_mul);
  sqlite3_create_window_function(db, "sf_sum", 1, SQLITE_UTF8, st, sum_step, sum_final, sum_value,
                                 sum_inverse, nullptr);
  reg_agg(db, "sf_listagg", -1, st, listagg_step, listagg_final);
  reg_agg(db, "sf_array_agg", -1, st, array_agg_step, array_agg_final);
  reg_agg(db, "sf_object_agg", 2, st, object_agg_step, object_agg_final);
  reg_agg(db, "sf_percentile", 3, st, percentile_step, percentile_final);
  reg_agg(db, "sf_variance", 3, st, variance_step, variance_final);
  reg_agg(db, "sf_mode", 1, st, mode_step, mode_final);
  reg_agg(db, "sf_max_by", 2, st, max_by_step, by_final);
  reg_agg(db, "sf_min_by", 2, st, min_by_step, by_final);
  sqlite3_create_module_v2(db, "sf_generator", &generator_module(), nullptr, nullptr);
  sqlite3_create_module_v2(db, "sf_flatten", &flatten_module(), nullptr, nullptr);
  sqlite3_create_module_v2(db, "sf_split_to_table", &split_module(), nullptr, nullptr);
}

}  // namespace mock_snowflake::engine
