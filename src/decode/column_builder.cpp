// column_builder.cpp — wire text → typed Column storage. The parsers here are the hot path of
// result decoding: no floating point for fixed or time values, no allocation per cell (text goes
// straight into the column's arena), one pass over each cell.
#include "decode/column_builder.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>

#include "decode/json_text.hpp"
#include "util/text.hpp"

namespace sfq::detail {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<int64_t>::max());
// The magnitude of INT64_MIN.
constexpr std::uint64_t kInt64MinMagnitude = kInt64Max + 1;
// timestamp_tz offsets are sent as minutes + 1440; the server's range is 720..2160 (±12 h). Up to
// ±24 h is accepted so that an unusual zone never fails a result.
constexpr std::int64_t kTzOffsetBias = 1440;
constexpr std::int64_t kTzOffsetMaxWire = 2 * kTzOffsetBias;
// The reference's `data` example sends timestamps as integer nanoseconds ("1565481394123000000")
// while every real server sends seconds with a fraction. An integer of 16 or more digits would be
// a year past 300 million as seconds, so such a value is read as nanoseconds.
constexpr std::size_t kMinNanosecondDigits = 16;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using util::iequals;

// Multiplies by ten and adds a digit; sets `overflow` instead of wrapping.
void accumulate(std::uint64_t& acc, unsigned digit, bool& overflow) noexcept {
  if (overflow) return;
  if (acc > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
    overflow = true;
    return;
  }
  acc = acc * 10 + digit;
}

// Any 19 decimal digits fit in a uint64 (10^19 - 1 < 2^64), so only longer runs need checks.
constexpr std::size_t kUncheckedDigits = 19;

// Appends the digits of s[begin, end) (all digits) to `acc`; sets `overflow` past uint64.
void accumulate_span(std::string_view s, std::size_t begin, std::size_t end, std::uint64_t& acc,
                     bool& overflow) noexcept {
  if (acc == 0 && end - begin <= kUncheckedDigits) {
    for (std::size_t i = begin; i < end; ++i) acc = acc * 10 + static_cast<unsigned>(s[i] - '0');
    return;
  }
  for (std::size_t i = begin; i < end; ++i) {
    accumulate(acc, static_cast<unsigned>(s[i] - '0'), overflow);
  }
}

std::size_t skip_digits(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

enum class FixedParse { exact, big, malformed };

constexpr std::size_t kFastFixedDigits = 18;  // 10^18 - 1 fits an int64 with room to spare
constexpr std::array<std::uint64_t, kFastFixedDigits + 1> kPowersOfTen = [] {
  std::array<std::uint64_t, kFastFixedDigits + 1> powers{};
  std::uint64_t power = 1;
  for (auto& p : powers) {
    p = power;
    power *= 10;
  }
  return powers;
}();

// The common case of parse_fixed in one pass: "[-+]digits[.digits]" with no more fraction digits
// than the scale and at most 18 digits once scaled, so that nothing can overflow. False: not
// such a value (parse_fixed then decides what it is).
bool parse_fixed_fast(std::string_view s, int scale, std::int64_t& out) noexcept {
  const char* p = s.data();
  const char* const end = p + s.size();
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  const char* const int_begin = p;
  std::uint64_t acc = 0;  // wraps harmlessly when there are too many digits: rejected below
  while (p != end && is_digit(*p)) acc = acc * 10 + static_cast<unsigned>(*p++ - '0');
  const auto int_digits = static_cast<std::size_t>(p - int_begin);
  const auto scale_digits = static_cast<std::size_t>(scale);
  if (int_digits == 0 || int_digits + scale_digits > kFastFixedDigits) return false;
  std::size_t fraction_digits = 0;
  if (p != end) {
    if (*p != '.') return false;
    const char* const fraction_begin = ++p;
    while (p != end && is_digit(*p)) acc = acc * 10 + static_cast<unsigned>(*p++ - '0');
    fraction_digits = static_cast<std::size_t>(p - fraction_begin);
    if (p != end || fraction_digits == 0 || fraction_digits > scale_digits) return false;
  }
  acc *= kPowersOfTen[scale_digits - fraction_digits];
  out = negative ? -static_cast<std::int64_t>(acc) : static_cast<std::int64_t>(acc);
  return true;
}

// "[-+]digits[.digits]" at `scale` → unscaled int64. `big` when the value is a decimal but not an
// int64 at that scale (too many digits, or non-zero digits beyond the scale).
FixedParse parse_fixed(std::string_view s, int scale, std::int64_t& out) noexcept {
  if (parse_fixed_fast(s, scale, out)) return FixedParse::exact;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::size_t int_begin = i;
  const std::size_t int_end = skip_digits(s, i);
  std::size_t fraction_begin = int_end;
  std::size_t fraction_end = int_end;
  if (int_end < s.size() && s[int_end] == '.') {
    fraction_begin = int_end + 1;
    fraction_end = skip_digits(s, fraction_begin);
  }
  if (fraction_end != s.size() || (int_end == int_begin && fraction_end == fraction_begin)) {
    return FixedParse::malformed;
  }
  while (int_begin < int_end && s[int_begin] == '0') ++int_begin;  // leading zeros
  const auto scale_digits = static_cast<std::size_t>(scale);
  const std::size_t fraction_used = std::min(fraction_end - fraction_begin, scale_digits);
  for (std::size_t k = fraction_begin + fraction_used; k < fraction_end; ++k) {
    if (s[k] != '0') return FixedParse::big;  // more precision than the scale holds
  }
  if ((int_end - int_begin) + scale_digits > kUncheckedDigits + 1) return FixedParse::big;
  std::uint64_t acc = 0;
  bool overflow = false;
  accumulate_span(s, int_begin, int_end, acc, overflow);
  for (std::size_t k = fraction_begin; k < fraction_begin + fraction_used; ++k) {
    accumulate(acc, static_cast<unsigned>(s[k] - '0'), overflow);
  }
  for (std::size_t k = fraction_used; k < scale_digits; ++k) accumulate(acc, 0, overflow);
  if (overflow) return FixedParse::big;
  if (negative) {
    if (acc > kInt64MinMagnitude) return FixedParse::big;
    out = acc == kInt64MinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                    : -static_cast<std::int64_t>(acc);
  } else {
    if (acc > kInt64Max) return FixedParse::big;
    out = static_cast<std::int64_t>(acc);
  }
  return FixedParse::exact;
}

// Writes an already validated decimal as canonical JSON-number text: no '+', no leading zeros,
// at least `scale` fraction digits (all digits that were sent are kept).
void append_canonical_decimal(std::string& out, std::string_view s, int scale) {
  std::size_t i = 0;
  if (s[i] == '-' || s[i] == '+') {
    if (s[i] == '-') out.push_back('-');
    ++i;
  }
  std::size_t int_begin = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  std::string_view int_part = s.substr(int_begin, i - int_begin);
  while (int_part.size() > 1 && int_part.front() == '0') int_part.remove_prefix(1);
  if (int_part.empty()) int_part = "0";
  out.append(int_part);
  std::string_view fraction;
  if (i < s.size() && s[i] == '.') fraction = s.substr(i + 1);
  if (fraction.empty() && scale == 0) return;
  out.push_back('.');
  out.append(fraction);
  for (auto n = static_cast<int>(fraction.size()); n < scale; ++n) out.push_back('0');
}

// A double as std::from_chars reads it, plus a leading '+' and out-of-range exponents (±inf for
// overflow, ±0 for underflow) so that no finite-looking text is rejected.
bool parse_real(std::string_view s, double& out) noexcept {
  const char* begin = s.data();
  const char* end = begin + s.size();
  if (begin != end && *begin == '+') {
    ++begin;
    if (begin != end && *begin == '-') return false;
  }
  if (begin == end) return false;
  const auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ptr != end) return false;
  if (ec == std::errc::result_out_of_range) {
    const bool negative = *begin == '-';
    const std::string_view number(begin, static_cast<std::size_t>(end - begin));
    const auto exponent = number.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && exponent + 1 < number.size() &&
                      number[exponent + 1] == '-';
    if (tiny) {
      out = negative ? -0.0 : 0.0;
    } else {
      out = negative ? -std::numeric_limits<double>::infinity()
                     : std::numeric_limits<double>::infinity();
    }
    return true;
  }
  return ec == std::errc();
}

// "[-]digits" → int64.
bool parse_int64(std::string_view s, std::int64_t& out) noexcept {
  const bool negative = !s.empty() && s[0] == '-';
  const std::size_t begin = negative ? 1 : 0;
  if (begin == s.size() || skip_digits(s, begin) != s.size()) return false;
  std::uint64_t acc = 0;
  bool overflow = false;
  accumulate_span(s, begin, s.size(), acc, overflow);
  if (overflow || acc > (negative ? kInt64MinMagnitude : kInt64Max)) return false;
  out = negative ? (acc == kInt64MinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                              : -static_cast<std::int64_t>(acc))
                 : static_cast<std::int64_t>(acc);
  return true;
}

// "[-]digits[.digits]" (seconds with any number of fraction digits) → magnitude in whole seconds
// and nanoseconds; fraction digits beyond 9 are truncated, fewer are padded. Stops at the end of
// `s` or at `pos` where something else begins (the caller checks what).
struct SecondsText {
  bool negative = false;
  bool has_fraction = false;
  std::size_t int_digits = 0;
  std::int64_t seconds = 0;  // magnitude
  std::int32_t nanos = 0;    // magnitude of the fraction
};

constexpr std::array<std::int32_t, 10> kFractionScale = {
    1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};

// One pass over the digits (the common case: at most 19 integer digits, which cannot overflow).
bool parse_seconds(std::string_view s, std::size_t& pos, bool allow_sign,
                   SecondsText& out) noexcept {
  const char* const begin = s.data();
  const char* const end = begin + s.size();
  const char* p = begin + pos;
  if (allow_sign && p < end && *p == '-') {
    out.negative = true;
    ++p;
  }
  const char* const int_begin = p;
  const char* const unchecked_end =
      end - p > static_cast<std::ptrdiff_t>(kUncheckedDigits) ? p + kUncheckedDigits : end;
  std::uint64_t acc = 0;
  while (p < unchecked_end && is_digit(*p)) acc = acc * 10 + static_cast<unsigned>(*p++ - '0');
  bool overflow = false;
  while (p < end && is_digit(*p)) accumulate(acc, static_cast<unsigned>(*p++ - '0'), overflow);
  if (p == int_begin || overflow || acc > kInt64Max) {
    pos = static_cast<std::size_t>(p - begin);
    return false;
  }
  out.int_digits = static_cast<std::size_t>(p - int_begin);
  out.seconds = static_cast<std::int64_t>(acc);
  std::int32_t fraction = 0;
  int fraction_digits = 0;
  if (p < end && *p == '.') {
    out.has_fraction = true;
    const char* const fraction_begin = ++p;
    for (; p < end && is_digit(*p); ++p) {
      if (fraction_digits < 9) {
        fraction = fraction * 10 + (*p - '0');
        ++fraction_digits;
      }
    }
    if (p == fraction_begin) {
      pos = static_cast<std::size_t>(p - begin);
      return false;
    }
  }
  out.nanos = fraction * kFractionScale[static_cast<std::size_t>(fraction_digits)];
  pos = static_cast<std::size_t>(p - begin);
  return true;
}

// Seconds text → a floor-normalised (seconds, nanos) pair: -1.25 s is (-2, 750 000 000).
void to_timestamp(const SecondsText& text, Timestamp& out) noexcept {
  if (!text.negative) {
    out.seconds = text.seconds;
    out.nanos = text.nanos;
  } else if (text.nanos == 0) {
    out.seconds = -text.seconds;
    out.nanos = 0;
  } else {
    out.seconds = -text.seconds - 1;
    out.nanos = static_cast<std::int32_t>(kNanosPerSecond - text.nanos);
  }
}

bool parse_time(std::string_view s, std::int64_t& nanos_of_day) noexcept {
  std::size_t pos = 0;
  SecondsText text;
  if (!parse_seconds(s, pos, false, text) || pos != s.size()) return false;
  if (text.seconds > std::numeric_limits<std::int64_t>::max() / kNanosPerSecond - 1) return false;
  nanos_of_day = text.seconds * kNanosPerSecond + text.nanos;
  return true;
}

bool parse_timestamp(std::string_view s, bool with_offset, Timestamp& out) noexcept {
  std::size_t pos = 0;
  SecondsText text;
  if (!parse_seconds(s, pos, true, text)) return false;
  if (!text.has_fraction && text.int_digits >= kMinNanosecondDigits) {
    text.nanos = static_cast<std::int32_t>(text.seconds % kNanosPerSecond);
    text.seconds /= kNanosPerSecond;
  }
  to_timestamp(text, out);
  if (!with_offset) return pos == s.size();
  if (pos == s.size() || s[pos] != ' ') return false;
  std::int64_t wire_offset = 0;
  if (!parse_int64(s.substr(pos + 1), wire_offset) || wire_offset < 0 ||
      wire_offset > kTzOffsetMaxWire) {
    return false;
  }
  out.offset_minutes = static_cast<std::int32_t>(wire_offset - kTzOffsetBias);
  return true;
}

bool null_text_means_null(ColumnType type) noexcept {
  return type != ColumnType::text && type != ColumnType::unknown && !is_json_type(type);
}

bool stores_text(ColumnType type) noexcept {
  return type == ColumnType::text || type == ColumnType::decfloat || type == ColumnType::unknown ||
         type == ColumnType::binary || is_json_type(type);
}

}  // namespace

std::string quote_snippet(std::string_view text, std::size_t max_bytes) {
  std::string out = "\"";
  std::size_t cut = text.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  }
  for (std::size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : text[i]);
  }
  out += cut < text.size() ? "\"…" : "\"";
  return out;
}

ColumnBuilder::ColumnBuilder(Column& column, std::size_t index)
    : column_(column),
      index_(index),
      type_(column.type()),
      scale_(0),
      json_typed_(is_json_type(column.type())) {
  const std::int64_t scale = column.meta().scale.value_or(0);
  scale_ = static_cast<int>(scale < 0 ? 0 : (scale > 38 ? 38 : scale));
  if (stores_text(type_)) ensure_text();
}

void ColumnBuilder::reserve(std::size_t rows) {
  const std::size_t total = column_.nulls_.size() + rows;
  column_.nulls_.reserve(total);
  switch (type_) {
    case ColumnType::fixed:
    case ColumnType::boolean:
    case ColumnType::date:
    case ColumnType::time:
      column_.ints_.reserve(total);
      break;
    case ColumnType::real:
      column_.reals_.reserve(total);
      break;
    case ColumnType::timestamp_tz:
      column_.offsets_.reserve(total);
      [[fallthrough]];
    case ColumnType::timestamp_ntz:
    case ColumnType::timestamp_ltz:
      column_.ints_.reserve(total);
      column_.nanos_.reserve(total);
      break;
    default:
      column_.text_offsets_.reserve(total + 1);
      break;
  }
}

bool ColumnBuilder::text_typed() const noexcept { return stores_text(type_); }

void ColumnBuilder::reserve_text(std::size_t bytes) {
  if (stores_text(type_)) column_.arena_.reserve(column_.arena_.size() + bytes);
}

void ColumnBuilder::truncate(std::size_t rows) {
  if (rows >= column_.nulls_.size()) return;
  auto cut = [rows](auto& values) {
    if (values.size() > rows) values.resize(rows);
  };
  cut(column_.nulls_);
  cut(column_.ints_);
  cut(column_.nanos_);
  cut(column_.offsets_);
  cut(column_.reals_);
  if (!column_.text_offsets_.empty()) {
    column_.text_offsets_.resize(rows + 1);
    column_.arena_.resize(column_.text_offsets_[rows]);
  }
  cut(column_.big_);
  // The raw-text flags (and, in a type that keeps no text, the text offsets) exist only once a
  // raw cell was appended: when the remaining rows have none, they go too.
  if (!column_.big_.empty() &&
      std::find(column_.big_.begin(), column_.big_.end(), 1) == column_.big_.end()) {
    column_.big_.clear();
    if (!stores_text(type_)) {
      column_.text_offsets_.clear();
      column_.arena_.clear();
    }
  }
}

void ColumnBuilder::ensure_text() {
  if (column_.text_offsets_.empty()) {
    column_.text_offsets_.assign(column_.nulls_.size() + 1, column_.arena_.size());
  }
}

// Inlined: called for every cell.
[[gnu::always_inline]] inline void ColumnBuilder::push_flag(bool raw) {
  if (raw) {
    if (column_.big_.empty()) column_.big_.assign(column_.nulls_.size(), 0);
    column_.big_.push_back(1);
  } else if (!column_.big_.empty()) {
    column_.big_.push_back(0);
  }
}

// Inlined: called for every cell.
[[gnu::always_inline]] inline void ColumnBuilder::push_text_offset() {
  if (!column_.text_offsets_.empty()) column_.text_offsets_.push_back(column_.arena_.size());
}

void ColumnBuilder::push_typed_zero() {
  switch (type_) {
    case ColumnType::fixed:
    case ColumnType::boolean:
    case ColumnType::date:
    case ColumnType::time:
      column_.ints_.push_back(0);
      break;
    case ColumnType::real:
      column_.reals_.push_back(0.0);
      break;
    case ColumnType::timestamp_tz:
      column_.offsets_.push_back(0);
      [[fallthrough]];
    case ColumnType::timestamp_ntz:
    case ColumnType::timestamp_ltz:
      column_.ints_.push_back(0);
      column_.nanos_.push_back(0);
      break;
    default:
      break;
  }
}

void ColumnBuilder::append_null() {
  push_typed_zero();
  push_flag(false);
  push_text_offset();
  column_.nulls_.push_back(1);
}

void ColumnBuilder::append_raw_text(std::string_view cell) {
  push_typed_zero();
  ensure_text();
  column_.arena_.append(cell);
  push_flag(true);
  push_text_offset();
  column_.nulls_.push_back(0);
}

// Inlined: called for every cell.
[[gnu::always_inline]] inline void ColumnBuilder::append_text(std::string_view cell) {
  column_.arena_.append(cell);
  push_flag(false);
  push_text_offset();
  column_.nulls_.push_back(0);
}

bool ColumnBuilder::append_fixed(std::string_view cell) {
  std::int64_t unscaled = 0;
  switch (parse_fixed(cell, scale_, unscaled)) {
    case FixedParse::exact:
      column_.ints_.push_back(unscaled);
      push_flag(false);
      push_text_offset();
      column_.nulls_.push_back(0);
      return true;
    case FixedParse::big:
      column_.ints_.push_back(0);
      ensure_text();
      append_canonical_decimal(column_.arena_, cell, scale_);
      push_flag(true);
      push_text_offset();
      column_.nulls_.push_back(0);
      return true;
    case FixedParse::malformed:
      break;
  }
  return false;
}

void ColumnBuilder::append_json(std::string_view cell) {
  std::string& arena = column_.arena_;
  const std::size_t start = arena.size();
  arena.resize(start + cell.size());  // minified text is never longer
  const std::size_t length = minify_snowflake_json(cell, arena.data() + start);
  if (length == std::string_view::npos) {
    arena.resize(start);
    append_raw_text(cell);
    return;
  }
  arena.resize(start + length);
  push_flag(false);
  push_text_offset();
  column_.nulls_.push_back(0);
}

void ColumnBuilder::append_minified_json(std::string_view minified) {
  column_.arena_.append(minified);
  push_flag(false);
  push_text_offset();
  column_.nulls_.push_back(0);
}

Status ColumnBuilder::malformed(std::string_view cell, std::uint64_t result_row) const {
  std::string message = "column " + std::to_string(index_ + 1) + " \"" + column_.meta().name +
                        "\" (" + std::string(to_string(type_)) + "), row " +
                        std::to_string(result_row) + ": cannot read " + quote_snippet(cell) +
                        " as " + std::string(to_string(type_));
  return Error(ErrorCategory::protocol, std::move(message));
}

Status ColumnBuilder::append(std::string_view cell, std::uint64_t result_row) {
  if (cell == "null" && null_text_means_null(type_)) {
    append_null();
    return {};
  }
  switch (type_) {
    case ColumnType::fixed:
      if (!append_fixed(cell)) return malformed(cell, result_row);
      return {};
    case ColumnType::real: {
      double value = 0;
      if (!parse_real(cell, value)) return malformed(cell, result_row);
      column_.reals_.push_back(value);
      break;
    }
    case ColumnType::boolean: {
      std::int64_t value = 0;
      if (iequals(cell, "true") || cell == "1") {
        value = 1;
      } else if (!iequals(cell, "false") && cell != "0") {
        return malformed(cell, result_row);
      }
      column_.ints_.push_back(value);
      break;
    }
    case ColumnType::date:
    case ColumnType::time: {
      std::int64_t value = 0;
      const bool ok =
          type_ == ColumnType::date ? parse_int64(cell, value) : parse_time(cell, value);
      if (!ok) {
        append_raw_text(cell);
        return {};
      }
      column_.ints_.push_back(value);
      break;
    }
    case ColumnType::timestamp_ntz:
    case ColumnType::timestamp_ltz:
    case ColumnType::timestamp_tz: {
      Timestamp value;
      const bool with_offset = type_ == ColumnType::timestamp_tz;
      if (!parse_timestamp(cell, with_offset, value)) {
        append_raw_text(cell);
        return {};
      }
      column_.ints_.push_back(value.seconds);
      column_.nanos_.push_back(value.nanos);
      if (with_offset) column_.offsets_.push_back(value.offset_minutes);
      break;
    }
    case ColumnType::binary: {
      if (cell.size() % 2 != 0) {
        append_raw_text(cell);
        return {};
      }
      std::string& arena = column_.arena_;
      const std::size_t start = arena.size();
      arena.resize(start + cell.size() / 2);
      for (std::size_t i = 0; i < cell.size(); i += 2) {
        const int high = hex_value(cell[i]);
        const int low = hex_value(cell[i + 1]);
        if (high < 0 || low < 0) {
          arena.resize(start);
          append_raw_text(cell);
          return {};
        }
        arena[start + i / 2] = static_cast<char>((high << 4) | low);
      }
      break;
    }
    case ColumnType::variant:
    case ColumnType::object:
    case ColumnType::array:
    case ColumnType::vector:
    case ColumnType::geography:
    case ColumnType::geometry:
      append_json(cell);
      return {};
    case ColumnType::text:
    case ColumnType::decfloat:
    case ColumnType::unknown:
      append_text(cell);
      return {};
  }
  push_flag(false);
  push_text_offset();
  column_.nulls_.push_back(0);
  return {};
}

}  // namespace sfq::detail
