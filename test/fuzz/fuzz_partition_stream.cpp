// fuzz_partition_stream.cpp — libFuzzer target: a later partition's body fed to PartitionStream
// (src/decode/partition_stream.hpp) in random pieces and cut into random slice sizes, plain or
// gzip'd, against decode_partition on the whole body: both must accept the same bodies and find
// the same rows.
//
// Input: a selector byte (column set, gzip or not), a byte for the slice size, a byte seeding
// the split points, then the body.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "decode/partition_stream.hpp"
#include "decode/result_parser.hpp"
#include "decode_support.hpp"

namespace {

using sfq::detail::ColumnsPtr;
using sfq::detail::PartitionStream;

constexpr std::array<std::string_view, 2> kRowTypes = {
    R"([{"name":"N","type":"fixed","precision":38,"scale":0,"nullable":true},
        {"name":"T","type":"text","length":16777216,"nullable":true}])",
    R"([{"name":"V","type":"variant","nullable":true},
        {"name":"R","type":"real","nullable":true},
        {"name":"B","type":"boolean","nullable":true}])",
};

using sfq::fuzz::columns_of;
using sfq::fuzz::gzip;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::array<ColumnsPtr, 2> column_sets = {columns_of(kRowTypes[0]),
                                                        columns_of(kRowTypes[1])};
  if (size < 3) return 0;
  const ColumnsPtr& columns = column_sets[data[0] % column_sets.size()];
  const bool gzipped = (data[0] / 2) % 2 == 1;
  const std::string_view body(reinterpret_cast<const char*>(data) + 3, size - 3);
  const auto whole = sfq::detail::decode_partition(body, columns, 1, 0);

  PartitionStream::Options options;
  options.columns = columns;
  options.partition = 1;
  options.gzip = gzipped;
  options.slice_bytes = 64 + std::size_t{data[1]} * 8;
  PartitionStream stream(options);
  const std::string input = gzipped ? gzip(body) : std::string(body);
  std::mt19937 random(data[2]);
  std::uint64_t rows = 0;
  // Counts the rows of every batch `step` gives until it has none; false on an error.
  const auto drain = [&rows](auto step) {
    while (true) {
      auto batch = step();
      if (!batch.ok()) return false;
      if (!batch.value()) return true;
      rows += batch.value()->rows;
    }
  };
  bool ok = true;
  for (std::size_t from = 0; ok && from < input.size();) {
    const std::size_t length = std::min<std::size_t>(input.size() - from, 1 + random() % 300);
    std::string_view piece(input.data() + from, length);
    from += length;
    ok = drain([&] { return stream.next(piece); });
    if (ok && !piece.empty()) std::abort();  // next() takes every byte
  }
  if (ok) ok = drain([&] { return stream.finish(); });
  // The same verdict and the same rows as the whole body.
  if (ok != whole.ok()) std::abort();
  if (ok && rows != whole->rows) std::abort();
  return 0;
}
