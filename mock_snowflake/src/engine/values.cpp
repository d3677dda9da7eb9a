// values.cpp — physical cells (SQLite values, binding, TIMESTAMP_TZ packing), numbers as text,
// hex and base64, and the helpers values_cast.cpp shares (values_internal.hpp).
#include "engine/values.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/errors.hpp"
#include "engine/values_internal.hpp"

namespace mock_snowflake::engine {
namespace values_detail {

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

}  // namespace values_detail

using namespace values_detail;

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
  std::string t(trim(text));
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
  std::string t(trim(text));
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

}  // namespace mock_snowflake::engine
