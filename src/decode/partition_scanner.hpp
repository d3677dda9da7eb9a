// partition_scanner.hpp (internal) — the fast reader of a later partition's body in the layout the
// server writes: `{"data":[["cell",null,...],\n[...],...]}`, every cell a JSON string or null.
//
// It reads rows straight into the ColumnBuilders, without a generic JSON parser: a vector search
// for the end of each string, escapes decoded only where a backslash is seen. It never rewrites
// the text and never reports an error itself: at the first thing it does not expect (another
// member, a number or boolean cell, a wrong cell count, a cell its column cannot read, bad JSON,
// a NUL...) it stops and says how far it got, and result_parser.cpp reads the rest with RapidJSON,
// which decides what the body means and words any error. So both readers always agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "decode/column_builder.hpp"
#include "decode/gzip.hpp"

namespace sfq::detail {

struct PartitionScan {
  std::size_t rows = 0;          ///< complete rows appended to the builders
  const char* resume = nullptr;  ///< just past the last complete row's `]` (when rows > 0)
  bool finished = false;         ///< the whole body was read: the batch is complete
};

/// Scans the body [begin, end) (followed by a NUL). Complete rows are appended to `builders`
/// (one per column); a row the scanner stops inside may have left some of its cells appended
/// (the caller truncates the builders to `rows`). `first_row` is the result row of the first
/// row (for the builders' messages). When `owner` is a mapped buffer holding the body, its pages
/// before the row being read are handed back as the scan goes.
[[nodiscard]] PartitionScan scan_partition(const char* begin, const char* end,
                                           std::vector<ColumnBuilder>& builders,
                                           std::uint64_t first_row, TextBuffer* owner);

}  // namespace sfq::detail
