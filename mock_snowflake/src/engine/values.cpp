// values.cpp — physical cells, casts between Snowflake types, and the wire encoding.
#include "engine/values.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

double pow10(int n) {
  double r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Digits before the decimal point of |value| (0 for |value| < 1).
int integer_digits(double d) {
  d = std::fabs(d);
  if (d < 1) return 0;
  return static_cast<int>(std::floor(std::log10(d))) + 1;
}

int integer_digits(std::int64_t i) {
  if (i == 0) return 0;
  int n = 0;
  // Avoid overflow on INT64_MIN by working with negative values.
  std::int64_t v = i > 0 ? -i : i;
  while (v != 0) {
    v /= 10;
    ++n;
  }
  return n;
}

[[noreturn]] void out_of_range(const std::string& text) {
  throw SfError("100039", "22003", "Numeric value '" + text + "' is out of range");
}

std::string default_format(TypeKind kind) {
  switch (kind) {
    case TypeKind::date:
      return "YYYY-MM-DD";
    case TypeKind::time:
      return "HH24:MI:SS";
    case TypeKind::timestamp_ntz:
      return "YYYY-MM-DD HH24:MI:SS.FF3";
    default:
      return "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM";
  }
}

// The session's output format for a kind; empty when none is set.
std::string session_format(TypeKind kind, const ValueContext& ctx) {
  switch (kind) {
    case TypeKind::date:
      return ctx.date_output_format;
    case TypeKind::time:
      return ctx.time_output_format;
    case TypeKind::timestamp_ntz:
      return !ctx.timestamp_ntz_output_format.empty() ? ctx.timestamp_ntz_output_format
                                                      : ctx.timestamp_output_format;
    case TypeKind::timestamp_ltz:
      return !ctx.timestamp_ltz_output_format.empty() ? ctx.timestamp_ltz_output_format
                                                      : ctx.timestamp_output_format;
    case TypeKind::timestamp_tz:
      return !ctx.timestamp_tz_output_format.empty() ? ctx.timestamp_tz_output_format
                                                     : ctx.timestamp_output_format;
    default:
      return {};
  }
}

double as_double(const Val& v) {
  switch (v.t) {
    case Val::T::integer:
      return static_cast<double>(v.i);
    case Val::T::real:
      return v.d;
    case Val::T::text:
    case Val::T::blob: {
      std::string t = lower(trim(v.s));
      if (t == "nan") return std::numeric_limits<double>::quiet_NaN();
      if (t == "inf" || t == "infinity") return std::numeric_limits<double>::infinity();
      if (t == "-inf" || t == "-infinity") return -std::numeric_limits<double>::infinity();
      return std::strtod(t.c_str(), nullptr);
    }
    default:
      return 0;
  }
}

bool text_is_big_integer(const Val& v) {
  if (v.t != Val::T::text || v.s.empty()) return false;
  std::size_t i = v.s[0] == '-' ? 1 : 0;
  if (i >= v.s.size()) return false;
  for (; i < v.s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(v.s[i]))) return false;
  }
  return true;
}

// Days since epoch of a DATE physical value (also ISO text from a user's SQLite file).
std::int64_t date_days(const Val& v) {
  switch (v.t) {
    case Val::T::integer:
      return v.i;
    case Val::T::real:
      return static_cast<std::int64_t>(std::floor(v.d));
    case Val::T::text: {
      auto p = parse_datetime_auto(v.s);
      if (!p || !p->has_date)
        throw SfError("100040", "22007", "Date '" + v.s + "' is not recognized");
      return days_from_civil(p->civil.year, p->civil.month, p->civil.day);
    }
    default:
      throw SfError("100040", "22007", "Date value is not recognized");
  }
}

// Nanoseconds of an NTZ/LTZ/TIME physical value (also ISO text from a user's SQLite file).
std::int64_t nanos_value(const Val& v, TypeKind kind) {
  switch (v.t) {
    case Val::T::integer:
      return v.i;
    case Val::T::real:
      return static_cast<std::int64_t>(v.d);
    case Val::T::text: {
      auto p = parse_datetime_auto(v.s);
      if (!p) throw SfError("100035", "22007", "Timestamp '" + v.s + "' is not recognized");
      if (kind == TypeKind::time) {
        return (static_cast<std::int64_t>(p->civil.hour) * 3600 + p->civil.minute * 60 +
                p->civil.second) *
                   kNanosPerSecond +
               p->civil.nanos;
      }
      std::int64_t wall = wall_nanos_from_civil(p->civil);
      if (p->offset_minutes)
        wall -= static_cast<std::int64_t>(*p->offset_minutes) * 60 * kNanosPerSecond;
      return wall;
    }
    default:
      throw SfError("100035", "22007", "Timestamp value is not recognized");
  }
}

struct TzParts {
  std::int64_t instant = 0;
  int offset = 0;
};

TzParts tz_parts(const Val& v, const ValueContext& ctx) {
  TzParts p;
  if (v.t == Val::T::blob && tz_unpack(v.s, p.instant, p.offset)) return p;
  if (v.t == Val::T::text) {
    auto parsed = parse_datetime_auto(v.s);
    if (!parsed) throw SfError("100035", "22007", "Timestamp '" + v.s + "' is not recognized");
    std::int64_t wall = wall_nanos_from_civil(parsed->civil);
    if (parsed->offset_minutes) {
      p.offset = *parsed->offset_minutes;
      p.instant = wall - static_cast<std::int64_t>(p.offset) * 60 * kNanosPerSecond;
    } else {
      p.instant = local_to_instant(ctx, wall);
      p.offset = zone_offset_minutes(ctx, p.instant);
    }
    return p;
  }
  if (v.t == Val::T::integer) {
    p.instant = v.i;
    p.offset = zone_offset_minutes(ctx, v.i);
    return p;
  }
  throw SfError("100035", "22007", "Timestamp value is not recognized");
}

// Wall-clock nanoseconds of any date/timestamp value.
std::int64_t wall_nanos(const Val& v, TypeKind kind, const ValueContext& ctx) {
  switch (kind) {
    case TypeKind::date:
      return date_days(v) * kNanosPerDay;
    case TypeKind::timestamp_ntz:
      return nanos_value(v, kind);
    case TypeKind::timestamp_ltz: {
      std::int64_t i = nanos_value(v, kind);
      return i + static_cast<std::int64_t>(zone_offset_minutes(ctx, i)) * 60 * kNanosPerSecond;
    }
    case TypeKind::timestamp_tz: {
      auto p = tz_parts(v, ctx);
      return p.instant + static_cast<std::int64_t>(p.offset) * 60 * kNanosPerSecond;
    }
    default:
      return 0;
  }
}

// The UTC instant of any date/timestamp value.
std::int64_t instant_nanos(const Val& v, TypeKind kind, const ValueContext& ctx) {
  switch (kind) {
    case TypeKind::date:
      return local_to_instant(ctx, date_days(v) * kNanosPerDay);
    case TypeKind::timestamp_ntz:
      return local_to_instant(ctx, nanos_value(v, kind));
    case TypeKind::timestamp_ltz:
      return nanos_value(v, kind);
    case TypeKind::timestamp_tz:
      return tz_parts(v, ctx).instant;
    default:
      return 0;
  }
}

std::int64_t truncate_nanos(std::int64_t ns, int scale) {
  if (scale >= 9) return ns;
  std::int64_t unit = 1;
  for (int i = scale; i < 9; ++i) unit *= 10;
  return floor_div(ns, unit) * unit;
}

std::string epoch_text(std::int64_t ns, int scale) {
  bool negative = ns < 0;
  // |ns| as unsigned to survive INT64_MIN.
  std::uint64_t mag =
      negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  std::uint64_t secs = mag / 1000000000ULL;
  std::uint64_t frac = mag % 1000000000ULL;
  std::string out = negative ? "-" : "";
  out += std::to_string(secs);
  if (scale > 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09llu", static_cast<unsigned long long>(frac));
    out.push_back('.');
    out.append(buf, static_cast<std::size_t>(std::min(scale, 9)));
  }
  return out;
}

Val parse_bool_text(const std::string& text) {
  std::string t = lower(trim(text));
  if (t == "true" || t == "t" || t == "yes" || t == "y" || t == "on" || t == "1") {
    return Val::integer(1);
  }
  if (t == "false" || t == "f" || t == "no" || t == "n" || t == "off" || t == "0") {
    return Val::integer(0);
  }
  throw SfError("100037", "22018", "Boolean value '" + text + "' is not recognized");
}

Val number_to_fixed(const Val& n, int precision, int scale, const std::string& original) {
  int max_digits = precision - scale;
  switch (n.t) {
    case Val::T::integer:
      if (integer_digits(n.i) > max_digits) out_of_range(original);
      return n;
    case Val::T::real: {
      double d = n.d;
      if (std::isnan(d) || std::isinf(d)) out_of_range(original);
      double f = pow10(scale);
      double r = std::round(d * f) / f;
      if (integer_digits(r) > max_digits) out_of_range(original);
      if (scale == 0 && std::fabs(r) < 9.2e18) return Val::integer(static_cast<std::int64_t>(r));
      return Val::real(r);
    }
    case Val::T::text: {
      // Exact decimal text (beyond int64, or beyond what a double keeps).
      auto exact = round_decimal_text(n.s, scale);
      if (!exact) return Val::real(std::strtod(n.s.c_str(), nullptr));
      std::string whole = exact->substr(0, exact->find('.'));
      if (!whole.empty() && whole[0] == '-') whole.erase(0, 1);
      if (whole == "0") whole.clear();
      if (static_cast<int>(whole.size()) > max_digits) out_of_range(original);
      if (scale == 0) {
        auto as_int = parse_number_text(*exact, false);
        if (as_int && as_int->t == Val::T::integer) return *as_int;
        return Val::text(*exact);
      }
      std::size_t significant = exact->find_first_not_of("-0.");
      std::size_t sig_digits = 0;
      for (std::size_t k = significant == std::string::npos ? exact->size() : significant;
           k < exact->size(); ++k) {
        sig_digits += std::isdigit(static_cast<unsigned char>((*exact)[k])) ? 1 : 0;
      }
      if (sig_digits <= 15) return Val::real(std::strtod(exact->c_str(), nullptr));
      return Val::text(*exact);
    }
    default:
      return Val::null();
  }
}

}  // namespace

Val val_from_sqlite(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return Val::integer(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return Val::real(sqlite3_value_double(v));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      int n = sqlite3_value_bytes(v);
      return Val::text(p ? std::string(p, static_cast<std::size_t>(n)) : std::string());
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
      int n = sqlite3_value_bytes(v);
      return Val::blob(p ? std::string(p, static_cast<std::size_t>(n)) : std::string());
    }
    default:
      return Val::null();
  }
}

Val val_from_column(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return Val::integer(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
      return Val::real(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      int n = sqlite3_column_bytes(stmt, column);
      return Val::text(p ? std::string(p, static_cast<std::size_t>(n)) : std::string());
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      int n = sqlite3_column_bytes(stmt, column);
      return Val::blob(p ? std::string(p, static_cast<std::size_t>(n)) : std::string());
    }
    default:
      return Val::null();
  }
}

void val_to_result(sqlite3_context* ctx, const Val& v) {
  switch (v.t) {
    case Val::T::null:
      sqlite3_result_null(ctx);
      break;
    case Val::T::integer:
      sqlite3_result_int64(ctx, v.i);
      break;
    case Val::T::real:
      if (std::isnan(v.d)) {
        sqlite3_result_text(ctx, "NaN", 3, SQLITE_STATIC);
      } else {
        sqlite3_result_double(ctx, v.d);
      }
      break;
    case Val::T::text:
      sqlite3_result_text64(ctx, v.s.data(), v.s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    case Val::T::blob:
      sqlite3_result_blob64(ctx, v.s.data(), v.s.size(), SQLITE_TRANSIENT);
      break;
  }
}

int val_bind(sqlite3_stmt* stmt, int index, const Val& v) {
  switch (v.t) {
    case Val::T::null:
      return sqlite3_bind_null(stmt, index);
    case Val::T::integer:
      return sqlite3_bind_int64(stmt, index, v.i);
    case Val::T::real:
      if (std::isnan(v.d)) return sqlite3_bind_text(stmt, index, "NaN", 3, SQLITE_STATIC);
      return sqlite3_bind_double(stmt, index, v.d);
    case Val::T::text:
      return sqlite3_bind_text64(stmt, index, v.s.data(), v.s.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    case Val::T::blob:
      return sqlite3_bind_blob64(stmt, index, v.s.data(), v.s.size(), SQLITE_TRANSIENT);
  }
  return SQLITE_MISUSE;
}

std::string tz_pack(std::int64_t instant_nanos, int offset_minutes) {
  std::string out(10, '\0');
  auto u = static_cast<std::uint64_t>(instant_nanos) ^ (1ULL << 63);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((u >> (56 - 8 * i)) & 0xFF);
  auto o = static_cast<std::uint16_t>(offset_minutes + 1440);
  out[8] = static_cast<char>(o >> 8);
  out[9] = static_cast<char>(o & 0xFF);
  return out;
}

bool tz_unpack(std::string_view blob, std::int64_t& instant_nanos, int& offset_minutes) {
  if (blob.size() != 10) return false;
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(blob[i]);
  instant_nanos = static_cast<std::int64_t>(u ^ (1ULL << 63));
  offset_minutes =
      ((static_cast<unsigned char>(blob[8]) << 8) | static_cast<unsigned char>(blob[9])) - 1440;
  return true;
}

int zone_offset_minutes(const ValueContext& ctx, std::int64_t instant_nanos) {
  return ctx.tz->offset_at_utc(floor_div(instant_nanos, kNanosPerSecond)) / 60;
}

std::int64_t local_to_instant(const ValueContext& ctx, std::int64_t wall_nanos) {
  int off = ctx.tz->offset_for_local(floor_div(wall_nanos, kNanosPerSecond));
  return wall_nanos - static_cast<std::int64_t>(off) * kNanosPerSecond;
}

std::optional<Val> parse_number_text(std::string_view text, bool allow_special_floats) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  if (allow_special_floats) {
    std::string l = lower(t);
    if (l == "nan") return Val::real(std::numeric_limits<double>::quiet_NaN());
    if (l == "inf" || l == "infinity" || l == "+inf" || l == "+infinity") {
      return Val::real(std::numeric_limits<double>::infinity());
    }
    if (l == "-inf" || l == "-infinity") return Val::real(-std::numeric_limits<double>::infinity());
  }
  std::size_t i = 0;
  bool negative = false;
  if (t[i] == '+' || t[i] == '-') {
    negative = t[i] == '-';
    ++i;
  }
  std::size_t digits = 0;
  std::string int_part;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
    int_part.push_back(t[i]);
    ++i;
    ++digits;
  }
  bool decimal = false;
  if (i < t.size() && t[i] == '.') {
    decimal = true;
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    decimal = true;
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    std::size_t exp = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++exp;
    if (exp == 0) return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  if (!decimal) {
    std::size_t z = 0;
    while (z + 1 < int_part.size() && int_part[z] == '0') ++z;
    int_part.erase(0, z);
    if (int_part.size() <= 18) {
      std::int64_t v = std::stoll(int_part);
      return Val::integer(negative ? -v : v);
    }
    if (int_part.size() == 19) {
      errno = 0;
      long long v = std::strtoll((negative ? "-" + int_part : int_part).c_str(), nullptr, 10);
      if (errno == 0) return Val::integer(v);
    }
    if (int_part.size() <= 38) return Val::text((negative ? "-" : "") + int_part);
  }
  return Val::real(std::strtod(t.c_str(), nullptr));
}

std::int64_t epoch_number_to_nanos(double value, std::optional<int> scale) {
  if (scale) {
    double unit = pow10(9 - std::clamp(*scale, 0, 9));
    return static_cast<std::int64_t>(std::llround(value * unit));
  }
  double a = std::fabs(value);
  // Snowflake's heuristic for integers: < 31536000000 seconds, < 31536000000000 milliseconds,
  // < 31536000000000000 microseconds, otherwise nanoseconds.
  if (a < 31536000000.0) return static_cast<std::int64_t>(std::llround(value * 1e9));
  if (a < 31536000000000.0) return static_cast<std::int64_t>(std::llround(value * 1e6));
  if (a < 31536000000000000.0) return static_cast<std::int64_t>(std::llround(value * 1e3));
  return static_cast<std::int64_t>(value);
}

std::optional<std::string> round_decimal_text(std::string_view text, int scale) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (t[0] == '+' || t[0] == '-') {
    negative = t[0] == '-';
    ++i;
  }
  std::string whole;
  std::string frac;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) whole.push_back(t[i++]);
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) frac.push_back(t[i++]);
  }
  if (i != t.size() || (whole.empty() && frac.empty())) return std::nullopt;
  if (whole.empty()) whole = "0";
  bool round_up =
      static_cast<int>(frac.size()) > scale && frac[static_cast<std::size_t>(scale)] >= '5';
  frac.resize(static_cast<std::size_t>(scale), '0');
  std::string digits = whole + frac;
  if (round_up) {
    int k = static_cast<int>(digits.size()) - 1;
    while (k >= 0 && digits[static_cast<std::size_t>(k)] == '9')
      digits[static_cast<std::size_t>(k--)] = '0';
    if (k < 0) {
      digits.insert(digits.begin(), '1');
    } else {
      ++digits[static_cast<std::size_t>(k)];
    }
  }
  std::string int_part = digits.substr(0, digits.size() - static_cast<std::size_t>(scale));
  std::size_t z = 0;
  while (z + 1 < int_part.size() && int_part[z] == '0') ++z;
  int_part.erase(0, z);
  std::string out = int_part;
  if (scale > 0) out += "." + digits.substr(digits.size() - static_cast<std::size_t>(scale));
  if (negative && out.find_first_not_of("0.") != std::string::npos) out.insert(out.begin(), '-');
  return out;
}

std::string format_fixed(const Val& v, int scale) {
  switch (v.t) {
    case Val::T::integer: {
      std::string out = std::to_string(v.i);
      if (scale > 0) out += "." + std::string(static_cast<std::size_t>(scale), '0');
      return out;
    }
    case Val::T::real: {
      if (std::isnan(v.d) || std::isinf(v.d)) return format_double(v.d);
      char buf[400];
      std::string shortest = format_double(v.d);
      std::string out;
      if (shortest.find_first_of("eE") == std::string::npos) {
        // The shortest text that reads back as this double, padded: no binary noise digits.
        auto dot = shortest.find('.');
        std::size_t have = dot == std::string::npos ? 0 : shortest.size() - dot - 1;
        if (have <= static_cast<std::size_t>(scale)) {
          out = shortest;
          if (scale > 0) {
            if (dot == std::string::npos) out.push_back('.');
            out.append(static_cast<std::size_t>(scale) - have, '0');
          }
        }
      }
      if (out.empty()) {
        std::snprintf(buf, sizeof buf, "%.*f", scale, v.d);
        out = buf;
      }
      // -0.00 is 0.00.
      if (out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
      return out;
    }
    case Val::T::text:
    case Val::T::blob: {
      if (auto exact = round_decimal_text(v.s, scale)) return *exact;
      auto parsed = parse_number_text(v.s, true);
      if (!parsed) return v.s;
      return format_fixed(*parsed, scale);
    }
    default:
      return {};
  }
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int a = nibble(hex[i]);
    int b = nibble(hex[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out.push_back(static_cast<char>((a << 4) | b));
  }
  return out;
}

std::string to_base64(std::string_view bytes) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kTable[(v >> 18) & 63]);
    out.push_back(kTable[(v >> 12) & 63]);
    out.push_back(kTable[(v >> 6) & 63]);
    out.push_back(kTable[v & 63]);
    i += 3;
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kTable[(v >> 18) & 63]);
    out.push_back(kTable[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kTable[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+') v = 62;
    if (c == '/') v = 63;
    if (c == '=') break;
    if (v < 0) {
      if (std::isspace(static_cast<unsigned char>(c))) continue;
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string value_to_text(const Val& v, const SfType& from, const ValueContext& ctx) {
  switch (from.kind) {
    case TypeKind::fixed:
      return format_fixed(v, from.scale);
    case TypeKind::real:
      return format_double(as_double(v));
    case TypeKind::boolean:
      return as_double(v) != 0 ? "true" : "false";
    case TypeKind::binary:
      return v.t == Val::T::blob ? to_hex(v.s) : v.s;
    case TypeKind::date:
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz: {
      std::string fmt = session_format(from.kind, ctx);
      if (fmt.empty()) fmt = default_format(from.kind);
      int offset = 0;
      std::int64_t wall = 0;
      if (from.kind == TypeKind::time) {
        wall = nanos_value(v, TypeKind::time);
      } else if (from.kind == TypeKind::timestamp_tz) {
        auto p = tz_parts(v, ctx);
        offset = p.offset;
        wall = p.instant + static_cast<std::int64_t>(offset) * 60 * kNanosPerSecond;
      } else if (from.kind == TypeKind::timestamp_ltz) {
        std::int64_t i = nanos_value(v, from.kind);
        offset = zone_offset_minutes(ctx, i);
        wall = i + static_cast<std::int64_t>(offset) * 60 * kNanosPerSecond;
      } else {
        wall = wall_nanos(v, from.kind, ctx);
      }
      return format_datetime(fmt, civil_from_wall_nanos(wall), offset);
    }
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      if (j->kind == JsonValue::Kind::string) return j->text;
      return json_compact(*j);
    }
    default:
      if (v.t == Val::T::integer) return std::to_string(v.i);
      if (v.t == Val::T::real) return format_double(v.d);
      return v.s;
  }
}

JsonValue value_to_json(const Val& v, const SfType& from, const ValueContext& ctx) {
  if (v.is_null()) return JsonValue::make_undefined();
  switch (from.kind) {
    case TypeKind::fixed:
      if (v.t == Val::T::integer) return JsonValue::make_number(std::to_string(v.i));
      return JsonValue::make_number(format_fixed(v, from.scale));
    case TypeKind::real:
      return JsonValue::make_number(as_double(v));
    case TypeKind::boolean:
      return JsonValue::make_bool(as_double(v) != 0);
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array:
    case TypeKind::geography:
    case TypeKind::geometry:
    case TypeKind::vector: {
      auto j = parse_json(v.s);
      return j ? *j : JsonValue::make_string(v.s);
    }
    case TypeKind::null:
      return JsonValue::make_undefined();
    default:
      return JsonValue::make_string(value_to_text(v, from, ctx));
  }
}

Val json_to_value(const JsonValue& j, const SfType& to, const ValueContext& ctx) {
  if (j.kind == JsonValue::Kind::undefined) return Val::null();
  if (j.kind == JsonValue::Kind::null) {
    if (to.is_semi_structured()) return Val::text("null");
    return Val::null();
  }
  switch (to.kind) {
    case TypeKind::variant:
      return Val::text(json_compact(j));
    case TypeKind::object:
      if (j.kind != JsonValue::Kind::object) {
        throw SfError("002016", "22000",
                      "Failed to cast variant value " + json_compact(j) + " to OBJECT");
      }
      return Val::text(json_compact(j));
    case TypeKind::array:
      if (j.kind != JsonValue::Kind::array) {
        throw SfError("002016", "22000",
                      "Failed to cast variant value " + json_compact(j) + " to ARRAY");
      }
      return Val::text(json_compact(j));
    case TypeKind::text:
      if (j.kind == JsonValue::Kind::string) return Val::text(j.text);
      if (j.kind == JsonValue::Kind::boolean) return Val::text(j.boolean ? "true" : "false");
      if (j.kind == JsonValue::Kind::number) return Val::text(j.text);
      return Val::text(json_compact(j));
    case TypeKind::boolean:
      if (j.kind == JsonValue::Kind::boolean) return Val::integer(j.boolean ? 1 : 0);
      if (j.kind == JsonValue::Kind::number)
        return Val::integer(std::strtod(j.text.c_str(), nullptr) != 0);
      if (j.kind == JsonValue::Kind::string) return parse_bool_text(j.text);
      break;
    case TypeKind::fixed:
    case TypeKind::real:
    case TypeKind::date:
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz:
    case TypeKind::binary:
      if (j.kind == JsonValue::Kind::string) {
        return cast_value(Val::text(j.text), SfType::text(), to, ctx);
      }
      if (j.kind == JsonValue::Kind::number) {
        auto n = parse_number_text(j.text, true);
        if (n) {
          SfType from = n->t == Val::T::real ? SfType::real() : SfType::fixed(38, 0);
          return cast_value(*n, from, to, ctx);
        }
      }
      if (j.kind == JsonValue::Kind::boolean && to.is_numeric())
        return Val::integer(j.boolean ? 1 : 0);
      break;
    default:
      return Val::text(json_compact(j));
  }
  throw SfError("100071", "22000",
                "Failed to cast variant value " + json_compact(j) + " to " + type_ddl(to));
}

Val cast_value(const Val& v, const SfType& from, const SfType& to, const ValueContext& ctx) {
  if (v.is_null()) return Val::null();
  if (from.is_semi_structured() && !to.is_semi_structured()) {
    auto j = parse_json(v.s);
    if (!j) return Val::null();
    return json_to_value(*j, to, ctx);
  }
  switch (to.kind) {
    case TypeKind::fixed: {
      if (from.kind == TypeKind::fixed || from.kind == TypeKind::real) {
        Val n = v;
        if (v.t == Val::T::text && !text_is_big_integer(v) && !round_decimal_text(v.s, 0)) {
          auto p = parse_number_text(v.s, true);
          if (!p) throw SfError(numeric_not_recognized(v.s));
          n = *p;
        }
        return number_to_fixed(n, to.precision, to.scale, value_to_text(v, from, ctx));
      }
      if (from.kind == TypeKind::boolean) return Val::integer(as_double(v) != 0 ? 1 : 0);
      if (from.kind == TypeKind::text || from.kind == TypeKind::null) {
        std::string text = v.t == Val::T::text ? v.s : value_to_text(v, SfType::text(), ctx);
        auto p = parse_number_text(text, false);
        if (!p) throw SfError(numeric_not_recognized(text));
        if (p->t == Val::T::real && round_decimal_text(text, 0)) p = Val::text(trim(text));
        return number_to_fixed(*p, to.precision, to.scale, trim(text));
      }
      throw SfError(numeric_not_recognized(value_to_text(v, from, ctx)));
    }
    case TypeKind::real: {
      if (from.kind == TypeKind::fixed || from.kind == TypeKind::real ||
          from.kind == TypeKind::boolean) {
        double d = as_double(v);
        return Val::real(d);
      }
      if (from.kind == TypeKind::text || from.kind == TypeKind::null) {
        auto p = parse_number_text(v.s, true);
        if (!p) throw SfError(numeric_not_recognized(v.s));
        return Val::real(as_double(*p));
      }
      throw SfError(numeric_not_recognized(value_to_text(v, from, ctx)));
    }
    case TypeKind::text: {
      std::string s = from.kind == TypeKind::text ? v.s : value_to_text(v, from, ctx);
      if (static_cast<std::int64_t>(s.size()) > to.length && from.kind != TypeKind::text) {
        // Snowflake fails only when the text does not fit the declared length.
        throw SfError("100078", "22000", "String '" + s + "' is too long and would be truncated");
      }
      return Val::text(std::move(s));
    }
    case TypeKind::boolean: {
      if (from.kind == TypeKind::boolean) return Val::integer(as_double(v) != 0 ? 1 : 0);
      if (from.is_numeric()) return Val::integer(as_double(v) != 0 ? 1 : 0);
      if (from.kind == TypeKind::text) return parse_bool_text(v.s);
      break;
    }
    case TypeKind::binary: {
      if (from.kind == TypeKind::binary) return v.t == Val::T::blob ? v : Val::blob(v.s);
      if (from.kind == TypeKind::text) {
        auto bytes = from_hex(trim(v.s));
        if (!bytes) {
          throw SfError("100115", "22000",
                        "The following string is not a legal hex-encoded value: '" + v.s + "'");
        }
        return Val::blob(*bytes);
      }
      break;
    }
    case TypeKind::date: {
      if (from.kind == TypeKind::date) return Val::integer(date_days(v));
      if (from.is_timestamp()) {
        return Val::integer(floor_div(wall_nanos(v, from.kind, ctx), kNanosPerDay));
      }
      if (from.kind == TypeKind::text) {
        std::string t = trim(v.s);
        auto p = parse_datetime_auto(t);
        if (!p || !p->has_date) {
          // An all-digit string is seconds since the epoch.
          auto n = parse_number_text(t, false);
          if (n && n->t == Val::T::integer) {
            return Val::integer(floor_div(
                epoch_number_to_nanos(static_cast<double>(n->i), std::nullopt), kNanosPerDay));
          }
          throw SfError("100040", "22007", "Date '" + v.s + "' is not recognized");
        }
        return Val::integer(days_from_civil(p->civil.year, p->civil.month, p->civil.day));
      }
      if (from.is_numeric()) {
        return Val::integer(
            floor_div(epoch_number_to_nanos(as_double(v), std::nullopt), kNanosPerDay));
      }
      break;
    }
    case TypeKind::time: {
      if (from.kind == TypeKind::time)
        return Val::integer(truncate_nanos(nanos_value(v, TypeKind::time), to.scale));
      if (from.is_timestamp()) {
        return Val::integer(
            truncate_nanos(floor_mod(wall_nanos(v, from.kind, ctx), kNanosPerDay), to.scale));
      }
      if (from.kind == TypeKind::text) {
        auto p = parse_datetime_auto(v.s);
        if (!p || !p->has_time)
          throw SfError("100108", "22007", "Time '" + v.s + "' is not recognized");
        std::int64_t ns = (static_cast<std::int64_t>(p->civil.hour) * 3600 + p->civil.minute * 60 +
                           p->civil.second) *
                              kNanosPerSecond +
                          p->civil.nanos;
        return Val::integer(truncate_nanos(ns, to.scale));
      }
      break;
    }
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz: {
      std::int64_t wall = 0;
      std::optional<std::int64_t> instant;
      std::optional<int> offset;
      if (from.kind == TypeKind::date || from.is_timestamp()) {
        wall = wall_nanos(v, from.kind, ctx);
        if (from.kind == TypeKind::timestamp_ltz || from.kind == TypeKind::timestamp_tz) {
          instant = instant_nanos(v, from.kind, ctx);
        }
        if (from.kind == TypeKind::timestamp_tz) offset = tz_parts(v, ctx).offset;
      } else if (from.kind == TypeKind::text) {
        std::string t = trim(v.s);
        auto p = parse_datetime_auto(t);
        if (!p || !p->has_date) {
          auto n = parse_number_text(t, false);
          if (n && n->t == Val::T::integer) {
            std::int64_t ns = epoch_number_to_nanos(static_cast<double>(n->i), std::nullopt);
            wall = ns;
            instant = ns;
          } else {
            throw SfError("100035", "22007", "Timestamp '" + v.s + "' is not recognized");
          }
        } else {
          wall = wall_nanos_from_civil(p->civil);
          if (p->offset_minutes) {
            offset = *p->offset_minutes;
            instant = wall - static_cast<std::int64_t>(*offset) * 60 * kNanosPerSecond;
          }
        }
      } else if (from.is_numeric()) {
        std::int64_t ns = epoch_number_to_nanos(as_double(v), std::nullopt);
        wall = ns;
        instant = ns;
      } else {
        break;
      }
      if (to.kind == TypeKind::timestamp_ntz) {
        // Numbers are UTC epochs; a zoned text keeps its wall clock.
        return Val::integer(truncate_nanos(wall, to.scale));
      }
      std::int64_t inst = instant ? *instant : local_to_instant(ctx, wall);
      inst = truncate_nanos(inst, to.scale);
      if (to.kind == TypeKind::timestamp_ltz) return Val::integer(inst);
      int off = offset ? *offset : zone_offset_minutes(ctx, inst);
      return Val::blob(tz_pack(inst, off));
    }
    case TypeKind::variant:
      return Val::text(json_compact(value_to_json(v, from, ctx)));
    case TypeKind::object:
    case TypeKind::array: {
      JsonValue j = value_to_json(v, from, ctx);
      if (from.kind == TypeKind::text) {
        auto parsed = parse_json(v.s);
        if (parsed) j = *parsed;
      }
      bool ok = to.kind == TypeKind::object ? j.kind == JsonValue::Kind::object
                                            : j.kind == JsonValue::Kind::array;
      if (!ok) {
        throw SfError(
            "002016", "22000",
            "SQL compilation error:\nInvalid cast from " + type_ddl(from) + " to " + type_ddl(to));
      }
      return Val::text(json_compact(j));
    }
    case TypeKind::geography:
    case TypeKind::geometry:
    case TypeKind::vector:
      if (from.kind == to.kind || from.is_semi_structured() || from.kind == TypeKind::text) {
        auto j = parse_json(v.s);
        if (j) return Val::text(json_compact(*j));
      }
      break;
    case TypeKind::null:
      return v;
  }
  if (from.kind == to.kind) return v;
  throw SfError(
      "002016", "22000",
      "SQL compilation error:\nInvalid cast from " + type_ddl(from) + " to " + type_ddl(to));
}

std::optional<std::string> encode_wire(const Val& v, const SfType& type, const ValueContext& ctx) {
  if (v.is_null()) return std::nullopt;
  switch (type.kind) {
    case TypeKind::fixed:
      return format_fixed(v, type.scale);
    case TypeKind::real:
      return format_double(as_double(v));
    case TypeKind::text:
    case TypeKind::null:
      if (v.t == Val::T::text || v.t == Val::T::blob) return v.s;
      if (v.t == Val::T::integer) return std::to_string(v.i);
      return format_double(v.d);
    case TypeKind::binary: {
      if (v.t != Val::T::blob && v.t != Val::T::text) return std::nullopt;
      if (lower(ctx.binary_output_format) == "base64") return to_base64(v.s);
      return to_hex(v.s);
    }
    case TypeKind::boolean:
      if (v.t == Val::T::text) return parse_bool_text(v.s).i != 0 ? "true" : "false";
      return as_double(v) != 0 ? "true" : "false";
    case TypeKind::date: {
      if (!session_format(TypeKind::date, ctx).empty()) return value_to_text(v, type, ctx);
      return std::to_string(date_days(v));
    }
    case TypeKind::time: {
      if (!session_format(TypeKind::time, ctx).empty()) return value_to_text(v, type, ctx);
      return epoch_text(nanos_value(v, TypeKind::time), type.scale);
    }
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz: {
      if (!session_format(type.kind, ctx).empty()) return value_to_text(v, type, ctx);
      return epoch_text(nanos_value(v, type.kind), type.scale);
    }
    case TypeKind::timestamp_tz: {
      if (!session_format(type.kind, ctx).empty()) return value_to_text(v, type, ctx);
      auto p = tz_parts(v, ctx);
      return epoch_text(p.instant, type.scale) + " " + std::to_string(p.offset + 1440);
    }
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array:
    case TypeKind::geography: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      return json_pretty(*j);
    }
    case TypeKind::geometry: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      return json_pretty(*j, JsonNumberStyle::geometry);
    }
    case TypeKind::vector: {
      auto j = parse_json(v.s);
      if (!j || j->kind != JsonValue::Kind::array) return v.s;
      std::string out = "[";
      for (std::size_t i = 0; i < j->items.size(); ++i) {
        if (i > 0) out.push_back(',');
        double d = std::strtod(j->items[i].text.c_str(), nullptr);
        char buf[64];
        if (type.vector_of_int) {
          std::snprintf(buf, sizeof buf, "%.0f", d);
        } else {
          std::snprintf(buf, sizeof buf, "%f", d);
        }
        out += buf;
      }
      out.push_back(']');
      return out;
    }
  }
  return v.s;
}

}  // namespace mock_snowflake::engine
