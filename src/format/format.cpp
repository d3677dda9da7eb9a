// format.cpp — display text and JSON values of decoded cells (the rules are in sfq/format.hpp).
// Pure functions; no locale, no floating point for decimals, dates or times.
#include "sfq/format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace sfq::format {
namespace {

constexpr int kDefaultFractionDigits = 9;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr char kHexDigits[] = "0123456789ABCDEF";

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t r = a % b;  // never overflows, unlike a - floor_div(a, b) * b
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

// Fraction digits of a time or timestamp column: its scale, 9 when rowType has none.
int fraction_digits(const Column& column) noexcept {
  const std::int64_t scale = column.meta().scale.value_or(kDefaultFractionDigits);
  return static_cast<int>(scale < 0 ? 0 : (scale > 9 ? 9 : scale));
}

void append_unsigned(std::string& out, std::uint64_t value, int min_digits) {
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  (void)ec;  // 24 bytes always hold a uint64
  for (auto n = static_cast<int>(end - buffer.data()); n < min_digits; ++n) out.push_back('0');
  out.append(buffer.data(), end);
}

void append_two(std::string& out, std::int64_t value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// Howard Hinnant's civil_from_days, with the 400-year era split first so that no intermediate
// value can overflow for any int64 day count.
struct Civil {
  std::int64_t year;
  int month;
  int day;
};

Civil civil_from_days(std::int64_t days) noexcept {
  constexpr std::int64_t kDaysPerEra = 146'097;
  // Days since 0000-03-01 = days + 719468, split into eras without forming that sum.
  std::int64_t era = floor_div(days, kDaysPerEra);
  std::int64_t doe = floor_mod(days, kDaysPerEra) + 719'468;
  era += doe / kDaysPerEra;
  doe %= kDaysPerEra;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

void append_year(std::string& out, std::int64_t year) {
  if (year >= 0 && year <= 9999) {
    append_unsigned(out, static_cast<std::uint64_t>(year), 4);
  } else if (year > 9999) {
    out.push_back('+');
    append_unsigned(out, static_cast<std::uint64_t>(year), 4);
  } else {
    out.push_back('-');
    append_unsigned(out, 0 - static_cast<std::uint64_t>(year), 4);
  }
}

void append_date(std::string& out, std::int64_t days) {
  const Civil civil = civil_from_days(days);
  append_year(out, civil.year);
  out.push_back('-');
  append_two(out, civil.month);
  out.push_back('-');
  append_two(out, civil.day);
}

void append_fraction(std::string& out, std::int64_t nanos, int scale) {
  if (scale <= 0) return;
  std::array<char, 9> digits{};
  for (int i = 8; i >= 0; --i) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + nanos % 10);
    nanos /= 10;
  }
  out.push_back('.');
  out.append(digits.data(), static_cast<std::size_t>(scale > 9 ? 9 : scale));
}

// HH:MM:SS[.f…] of a non-negative nanosecond count; hours past 23 are written as they are.
void append_clock(std::string& out, std::uint64_t nanos, int scale) {
  const std::uint64_t seconds = nanos / kNanosPerSecond;
  const std::uint64_t hours = seconds / 3600;
  if (hours < 100) {
    append_two(out, static_cast<std::int64_t>(hours));
  } else {
    append_unsigned(out, hours, 2);
  }
  out.push_back(':');
  append_two(out, static_cast<std::int64_t>(seconds / 60 % 60));
  out.push_back(':');
  append_two(out, static_cast<std::int64_t>(seconds % 60));
  append_fraction(out, static_cast<std::int64_t>(nanos % kNanosPerSecond), scale);
}

void append_time(std::string& out, std::int64_t nanos_since_midnight, int scale) {
  if (nanos_since_midnight < 0) {
    out.push_back('-');
    append_clock(out, 0 - static_cast<std::uint64_t>(nanos_since_midnight), scale);
  } else {
    append_clock(out, static_cast<std::uint64_t>(nanos_since_midnight), scale);
  }
}

void append_timestamp(std::string& out, const Timestamp& wall, int scale, char separator) {
  append_date(out, floor_div(wall.seconds, kSecondsPerDay));
  out.push_back(separator);
  const std::int64_t nanos = wall.nanos < 0 || wall.nanos >= kNanosPerSecond ? 0 : wall.nanos;
  const auto second_of_day = static_cast<std::uint64_t>(floor_mod(wall.seconds, kSecondsPerDay));
  append_clock(out, second_of_day * kNanosPerSecond + static_cast<std::uint64_t>(nanos), scale);
}

void append_offset(std::string& out, std::int32_t minutes) {
  out.push_back(minutes < 0 ? '-' : '+');
  const std::int64_t magnitude = minutes < 0 ? -static_cast<std::int64_t>(minutes) : minutes;
  append_two(out, magnitude / 60 % 100);
  out.push_back(':');
  append_two(out, magnitude % 60);
}

// A timestamp_tz's wall clock: the UTC instant moved by its offset.
Timestamp local_wall_clock(const Timestamp& instant) noexcept {
  Timestamp wall = instant;
  std::int64_t shifted = 0;
  if (!__builtin_add_overflow(instant.seconds, std::int64_t{instant.offset_minutes} * 60,
                              &shifted)) {
    wall.seconds = shifted;
  }
  return wall;
}

// The shortest text that reads back as the same double; NaN and ±inf by name.
void append_real(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
  } else {
    std::array<char, 32> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    (void)ec;  // 32 bytes hold any shortest double
    out.append(buffer.data(), end);
  }
}

void append_hex(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + bytes.size() * 2);
  for (const char byte : bytes) {
    const auto b = static_cast<unsigned char>(byte);
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0F]);
  }
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) noexcept {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - begin;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// Everything but the quoting: `json` says whether strings become JSON literals.
void append_value(std::string& out, const Column& column, std::size_t row, bool json,
                  char separator) {
  auto append_string = [&](std::string_view text) {
    if (json) {
      append_json_string(out, text);
    } else {
      out.append(text);
    }
  };
  const ColumnType type = column.type();
  if (column.is_raw_text(row)) {
    // Big fixed decimals are canonical decimal text: still numbers. Anything else kept as text
    // (output-format parameters, JSON that is not JSON) is shown as the server sent it.
    if (type == ColumnType::fixed) {
      out.append(column.text_value(row));
    } else {
      append_string(column.text_value(row));
    }
    return;
  }
  switch (type) {
    case ColumnType::fixed:
      out += column.decimal_string(row);
      return;
    case ColumnType::real: {
      const double value = column.double_value(row);
      if (json && !std::isfinite(value)) {
        out.push_back('"');
        append_real(out, value);
        out.push_back('"');
      } else {
        append_real(out, value);
      }
      return;
    }
    case ColumnType::decfloat: {
      const std::string_view text = column.text_value(row);
      if (json && !is_json_number(text)) {
        append_json_string(out, text);
      } else {
        out.append(text);
      }
      return;
    }
    case ColumnType::boolean:
      out += column.bool_value(row) ? "true" : "false";
      return;
    case ColumnType::binary:
      if (json) out.push_back('"');
      append_hex(out, column.text_value(row));
      if (json) out.push_back('"');
      return;
    case ColumnType::date:
      if (json) out.push_back('"');
      append_date(out, column.int64_value(row));
      if (json) out.push_back('"');
      return;
    case ColumnType::time:
      if (json) out.push_back('"');
      append_time(out, column.int64_value(row), fraction_digits(column));
      if (json) out.push_back('"');
      return;
    case ColumnType::timestamp_ntz:
    case ColumnType::timestamp_ltz:
    case ColumnType::timestamp_tz: {
      if (json) out.push_back('"');
      const Timestamp value = column.timestamp_value(row);
      const bool tz = type == ColumnType::timestamp_tz;
      append_timestamp(out, tz ? local_wall_clock(value) : value, fraction_digits(column),
                       separator);
      if (type == ColumnType::timestamp_ltz) out.push_back('Z');
      if (tz) append_offset(out, value.offset_minutes);
      if (json) out.push_back('"');
      return;
    }
    case ColumnType::variant:
    case ColumnType::object:
    case ColumnType::array:
    case ColumnType::vector:
    case ColumnType::geography:
    case ColumnType::geometry:
      // Decoding left minified, valid JSON (undefined → null): nested as it is.
      out.append(column.text_value(row));
      return;
    case ColumnType::text:
    case ColumnType::unknown:
      append_string(column.text_value(row));
      return;
  }
}

}  // namespace

void append_json(std::string& out, const Column& column, std::size_t row) {
  if (column.is_null(row)) {
    out += "null";
    return;
  }
  append_value(out, column, row, true, 'T');
}

void append_text(std::string& out, const Column& column, std::size_t row,
                 std::string_view null_text) {
  if (column.is_null(row)) {
    out.append(null_text);
    return;
  }
  append_value(out, column, row, false, ' ');
}

std::string iso_date(std::int64_t days_since_epoch) {
  std::string out;
  append_date(out, days_since_epoch);
  return out;
}

std::string iso_time(std::int64_t nanos_since_midnight, int scale) {
  std::string out;
  append_time(out, nanos_since_midnight, scale);
  return out;
}

std::string iso_timestamp(const Timestamp& wall_clock, int scale, char separator) {
  std::string out;
  append_timestamp(out, wall_clock, scale, separator);
  return out;
}

bool is_numeric(ColumnType type) noexcept {
  return type == ColumnType::fixed || type == ColumnType::real || type == ColumnType::decfloat;
}

}  // namespace sfq::format
