// values_internal.hpp — helpers shared by values.cpp (physical cells, numbers, encodings) and
// values_cast.cpp (casts, text and JSON forms, the wire encoding). Internal to the engine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/errors.hpp"
#include "engine/values.hpp"
#include "text.hpp"

namespace mock_snowflake::engine::values_detail {

using text::lower;
using text::trim;
double pow10(int n);
// Digits before the decimal point of |value| (0 for |value| < 1).
int integer_digits(double d);
int integer_digits(std::int64_t i);
[[noreturn]] void out_of_range(const std::string& text);
std::string default_format(TypeKind kind);
// The session's output format for a kind; empty when none is set.
std::string session_format(TypeKind kind, const ValueContext& ctx);
double as_double(const Val& v);
bool text_is_big_integer(const Val& v);
// Days since epoch of a DATE physical value (also ISO text from a user's SQLite file).
std::int64_t date_days(const Val& v);
// Nanoseconds of an NTZ/LTZ/TIME physical value (also ISO text from a user's SQLite file).
std::int64_t nanos_value(const Val& v, TypeKind kind);
struct TzParts {
  std::int64_t instant = 0;
  int offset = 0;
};

TzParts tz_parts(const Val& v, const ValueContext& ctx);
// Wall-clock nanoseconds of any date/timestamp value.
std::int64_t wall_nanos(const Val& v, TypeKind kind, const ValueContext& ctx);
// The UTC instant of any date/timestamp value.
std::int64_t instant_nanos(const Val& v, TypeKind kind, const ValueContext& ctx);
std::int64_t truncate_nanos(std::int64_t ns, int scale);
std::string epoch_text(std::int64_t ns, int scale);
Val parse_bool_text(const std::string& text);
Val number_to_fixed(const Val& n, int precision, int scale, const std::string& original);

}  // namespace mock_snowflake::engine::values_detail
