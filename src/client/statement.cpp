// statement.cpp — BindValue factories: values into the SQL API's binding wire forms.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "sfq/client.hpp"
#include "sfq/statement.hpp"

namespace sfq {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

BindValue single(BindType type, std::string value) {
  BindValue bind;
  bind.type = type;
  bind.values.emplace_back(std::move(value));
  return bind;
}

// seconds * 10^9 + nanos as exact decimal text, without overflow for any representable seconds.
std::string nanos_since_epoch(const Timestamp& ts) {
  std::int64_t seconds = ts.seconds;
  std::int64_t nanos = ts.nanos;
  bool negative = false;
  if (seconds < 0) {
    negative = true;
    // -(|seconds| * 1e9 - nanos) = -((|seconds| - 1) * 1e9 + (1e9 - nanos)) when nanos > 0.
    if (nanos > 0) {
      seconds = -(seconds + 1);
      nanos = kNanosPerSecond - nanos;
    } else {
      seconds = -seconds;
    }
  }
  std::string text;
  if (seconds != 0) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(nanos));
    text = std::to_string(seconds) + digits;
  } else {
    text = std::to_string(nanos);
  }
  if (negative && text != "0") text.insert(text.begin(), '-');
  return text;
}

}  // namespace

std::string_view to_string(BindType type) noexcept {
  switch (type) {
    case BindType::fixed:
      return "FIXED";
    case BindType::real:
      return "REAL";
    case BindType::decfloat:
      return "DECFLOAT";
    case BindType::text:
      return "TEXT";
    case BindType::binary:
      return "BINARY";
    case BindType::boolean:
      return "BOOLEAN";
    case BindType::date:
      return "DATE";
    case BindType::time:
      return "TIME";
    case BindType::timestamp_ntz:
      return "TIMESTAMP_NTZ";
    case BindType::timestamp_ltz:
      return "TIMESTAMP_LTZ";
    case BindType::timestamp_tz:
      return "TIMESTAMP_TZ";
  }
  return "TEXT";
}

std::string_view to_string(QueryState state) noexcept {
  switch (state) {
    case QueryState::queued:
      return "queued";
    case QueryState::running:
      return "running";
    case QueryState::fetching:
      return "fetching";
    case QueryState::succeeded:
      return "succeeded";
    case QueryState::failed:
      return "failed";
    case QueryState::cancelled:
      return "cancelled";
  }
  return "unknown";
}

BindValue BindValue::null(BindType type) {
  BindValue bind;
  bind.type = type;
  bind.values.emplace_back(std::nullopt);
  return bind;
}

BindValue BindValue::integer(std::int64_t value) {
  return single(BindType::fixed, std::to_string(value));
}

BindValue BindValue::decimal(std::string digits) {
  return single(BindType::fixed, std::move(digits));
}

BindValue BindValue::real(double value) {
  if (std::isnan(value)) return single(BindType::real, "NaN");
  if (std::isinf(value)) return single(BindType::real, value > 0 ? "Infinity" : "-Infinity");
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return single(BindType::real, ec == std::errc() ? std::string(buffer, end) : "0");
}

BindValue BindValue::text(std::string value) { return single(BindType::text, std::move(value)); }

BindValue BindValue::boolean(bool value) {
  return single(BindType::boolean, value ? "true" : "false");
}

BindValue BindValue::binary(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0F]);
  }
  return single(BindType::binary, std::move(hex));
}

BindValue BindValue::date(std::int32_t days_since_epoch) {
  // The API takes DATE bindings as milliseconds since the epoch.
  return single(BindType::date,
                std::to_string(static_cast<std::int64_t>(days_since_epoch) * 86'400'000LL));
}

BindValue BindValue::time(std::int64_t nanos_since_midnight) {
  return single(BindType::time, std::to_string(nanos_since_midnight));
}

BindValue BindValue::timestamp_ntz(Timestamp wall_clock) {
  return single(BindType::timestamp_ntz, nanos_since_epoch(wall_clock));
}

BindValue BindValue::timestamp_ltz(Timestamp instant) {
  return single(BindType::timestamp_ltz, nanos_since_epoch(instant));
}

BindValue BindValue::timestamp_tz(Timestamp instant_with_offset) {
  return single(BindType::timestamp_tz,
                nanos_since_epoch(instant_with_offset) + " " +
                    std::to_string(instant_with_offset.offset_minutes + 1440));
}

BindValue BindValue::array(BindType type, std::vector<std::optional<std::string>> values) {
  BindValue bind;
  bind.type = type;
  bind.values = std::move(values);
  bind.is_array = true;
  return bind;
}

}  // namespace sfq
