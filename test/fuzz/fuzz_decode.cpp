// fuzz_decode.cpp — libFuzzer target: later partitions as they arrive, plain or gzip'd, decoded
// into typed columns (src/decode/gzip.hpp, src/decode/result_parser.hpp).
//
// Input: one selector byte, then the body. The selector picks the result's columns (one of four
// sets covering every column type) and the path: the body inflated by gunzip() then decoded in
// place (what the decode pool does with gzip'd partitions), the body decoded as plain JSON, or
// the body gzip'd here and sent through both paths, which must agree. On plain bodies the two
// partition readers — the fast scanner with RapidJSON after it (what decode_partition does) and
// RapidJSON alone — must give the same batch, cell for cell, or the same error message.
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "decode_support.hpp"

namespace {

using sfq::detail::ColumnsPtr;

// rowType of each column set, as the first response would give it.
constexpr std::array<std::string_view, 4> kRowTypes = {
    R"([{"name":"N","type":"fixed","precision":38,"scale":0,"nullable":true},
        {"name":"D","type":"fixed","precision":38,"scale":2,"nullable":true},
        {"name":"R","type":"real","nullable":true},
        {"name":"T","type":"text","length":16777216,"nullable":true}])",
    R"([{"name":"B","type":"boolean","nullable":true},
        {"name":"DT","type":"date","nullable":true},
        {"name":"TM","type":"time","scale":9,"nullable":true},
        {"name":"NTZ","type":"timestamp_ntz","scale":9,"nullable":true},
        {"name":"LTZ","type":"timestamp_ltz","scale":3,"nullable":true},
        {"name":"TZ","type":"timestamp_tz","scale":9,"nullable":true}])",
    R"([{"name":"BIN","type":"binary","nullable":true},
        {"name":"V","type":"variant","nullable":true},
        {"name":"O","type":"object","nullable":true},
        {"name":"A","type":"array","nullable":true}])",
    R"([{"name":"DF","type":"decfloat","nullable":true},
        {"name":"VEC","type":"vector","nullable":true},
        {"name":"G","type":"object","extTypeName":"GEOGRAPHY","nullable":true},
        {"name":"F","type":"fixed","precision":10,"scale":5,"nullable":false}])",
};

using sfq::fuzz::columns_of;
using sfq::fuzz::gzip;

constexpr std::uint64_t kMaxInflated = 16u << 20;

bool is_timestamp(sfq::ColumnType type) {
  return type == sfq::ColumnType::timestamp_ntz || type == sfq::ColumnType::timestamp_ltz ||
         type == sfq::ColumnType::timestamp_tz;
}

// The same rows and, in every cell, the same nullness, raw-text flag and values.
bool same_batch(const sfq::RowBatch& a, const sfq::RowBatch& b) {
  if (a.rows != b.rows || a.columns.size() != b.columns.size()) return false;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const auto& x = a.columns[c];
    const auto& y = b.columns[c];
    if (x.size() != a.rows || y.size() != b.rows) return false;
    for (std::size_t r = 0; r < a.rows; ++r) {
      if (x.is_null(r) != y.is_null(r) || x.is_raw_text(r) != y.is_raw_text(r) ||
          x.int64_value(r) != y.int64_value(r) ||
          std::bit_cast<std::uint64_t>(x.double_value(r)) !=
              std::bit_cast<std::uint64_t>(y.double_value(r)) ||
          x.text_value(r) != y.text_value(r) ||
          (is_timestamp(x.type()) && x.timestamp_value(r) != y.timestamp_value(r))) {
        return false;
      }
    }
  }
  return true;
}

// Decodes `body` with both readers; aborts when they disagree. Returns decode_partition's result.
sfq::Result<sfq::RowBatch> decode_both_ways(std::string_view body, const ColumnsPtr& columns,
                                            std::size_t partition, std::uint64_t first_row) {
  using sfq::detail::PartitionReader;
  auto fast = sfq::detail::decode_partition_with(PartitionReader::scanner, body, columns, partition,
                                                 first_row);
  const auto slow = sfq::detail::decode_partition_with(PartitionReader::rapidjson, body, columns,
                                                       partition, first_row);
  if (fast.ok() != slow.ok()) std::abort();
  if (fast.ok() && !same_batch(*fast, *slow)) std::abort();
  if (!fast.ok() && fast.error().message() != slow.error().message()) std::abort();
  return fast;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::array<ColumnsPtr, 4> column_sets = {
      columns_of(kRowTypes[0]), columns_of(kRowTypes[1]), columns_of(kRowTypes[2]),
      columns_of(kRowTypes[3])};
  if (size == 0) return 0;
  const ColumnsPtr& columns = column_sets[data[0] % column_sets.size()];
  const int path = (data[0] / column_sets.size()) % 3;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (path == 0) {
    auto inflated = sfq::detail::gunzip(body, 0, kMaxInflated);
    if (!inflated.ok()) return 0;
    if (inflated->size() > kMaxInflated) std::abort();
    (void)sfq::detail::decode_owned_partition(std::move(*inflated), columns, 1, 0);
  } else if (path == 1) {
    auto batch = decode_both_ways(body, columns, 1, 0);
    if (batch.ok() && batch->columns.size() != columns->size()) std::abort();
  } else {
    const auto plain = decode_both_ways(body, columns, 2, 100);
    const std::string compressed = gzip(body);
    auto inflated = sfq::detail::gunzip(compressed, body.size(), kMaxInflated);
    if (body.size() <= kMaxInflated && !inflated.ok()) std::abort();  // our own gzip must inflate
    if (!inflated.ok()) return 0;
    if (*inflated != body) std::abort();
    const auto owned = sfq::detail::decode_owned_partition(std::move(*inflated), columns, 2, 100);
    // Both paths read the same text: they must agree on whether it is valid and on its size.
    if (plain.ok() != owned.ok()) std::abort();
    if (plain.ok() &&
        (plain->rows != owned->rows || plain->memory_bytes() != owned->memory_bytes()))
      std::abort();
  }
  return 0;
}
