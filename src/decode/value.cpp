// value.cpp — the out-of-line parts of sfq/value.hpp: type names, the wire-type mapping, exact
// decimal text and memory accounting. Pure functions of immutable values; any thread.
#include "sfq/value.hpp"

#include <array>
#include <utility>

#include "util/text.hpp"

namespace sfq {
namespace {

constexpr std::array<std::pair<ColumnType, std::string_view>, 18> kTypeNames{{
    {ColumnType::fixed, "fixed"},
    {ColumnType::real, "real"},
    {ColumnType::decfloat, "decfloat"},
    {ColumnType::text, "text"},
    {ColumnType::binary, "binary"},
    {ColumnType::boolean, "boolean"},
    {ColumnType::date, "date"},
    {ColumnType::time, "time"},
    {ColumnType::timestamp_ntz, "timestamp_ntz"},
    {ColumnType::timestamp_ltz, "timestamp_ltz"},
    {ColumnType::timestamp_tz, "timestamp_tz"},
    {ColumnType::variant, "variant"},
    {ColumnType::object, "object"},
    {ColumnType::array, "array"},
    {ColumnType::vector, "vector"},
    {ColumnType::geography, "geography"},
    {ColumnType::geometry, "geometry"},
    {ColumnType::unknown, "unknown"},
}};

using util::iequals;

template <typename T>
std::size_t capacity_bytes(const std::vector<T>& v) noexcept {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::string_view to_string(ColumnType type) noexcept {
  for (const auto& [candidate, name] : kTypeNames) {
    if (candidate == type) return name;
  }
  return "unknown";
}

ColumnType column_type_from_wire(std::string_view type, std::string_view ext_type_name) noexcept {
  // GEOGRAPHY and GEOMETRY arrive as `type: "object"` plus `extTypeName`; the extension name wins
  // whatever the base type says, so a future base type change does not lose them.
  if (iequals(ext_type_name, "geography")) return ColumnType::geography;
  if (iequals(ext_type_name, "geometry")) return ColumnType::geometry;
  for (const auto& [candidate, name] : kTypeNames) {
    if (candidate != ColumnType::unknown && iequals(type, name)) return candidate;
  }
  return ColumnType::unknown;
}

bool is_json_type(ColumnType type) noexcept {
  switch (type) {
    case ColumnType::variant:
    case ColumnType::object:
    case ColumnType::array:
    case ColumnType::vector:
    case ColumnType::geography:
    case ColumnType::geometry:
      return true;
    default:
      return false;
  }
}

std::string Column::decimal_string(std::size_t row) const {
  if (is_null(row)) return {};
  if (type() != ColumnType::fixed || is_big_decimal(row)) return std::string(text_value(row));
  const std::int64_t unscaled = ints_[row];
  const std::int64_t scale_meta = meta_->scale.value_or(0);
  const std::size_t scale =
      static_cast<std::size_t>(scale_meta < 0 ? 0 : (scale_meta > 38 ? 38 : scale_meta));
  // The magnitude as unsigned so that INT64_MIN has one.
  std::uint64_t magnitude = unscaled < 0 ? 0 - static_cast<std::uint64_t>(unscaled)
                                         : static_cast<std::uint64_t>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  while (digits.size() < scale + 1) digits.push_back('0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (unscaled < 0) out.push_back('-');
  for (std::size_t i = digits.size(); i-- > 0;) {
    out.push_back(digits[i]);
    if (i == scale && scale != 0) out.push_back('.');
  }
  return out;
}

std::size_t Column::memory_bytes() const noexcept {
  return sizeof(Column) + capacity_bytes(nulls_) + capacity_bytes(big_) + capacity_bytes(ints_) +
         capacity_bytes(nanos_) + capacity_bytes(offsets_) + capacity_bytes(reals_) +
         capacity_bytes(text_offsets_) + arena_.capacity();
}

std::size_t RowBatch::memory_bytes() const noexcept {
  std::size_t total = sizeof(RowBatch);
  for (const auto& column : columns) total += column.memory_bytes();
  return total;
}

}  // namespace sfq
