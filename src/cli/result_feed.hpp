// result_feed.hpp — from libsfq's typed results to a ResultWriter's formatted cells: column
// names and alignment from the metadata, and each cell through sfq::format (append_text for
// display formats, append_json for json/jsonl), so that every front end shows values the same
// way.
//
// Thread safety: one feeder per writer, on one thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cli/writers.hpp"
#include "sfq/value.hpp"

namespace sfq::cli {

/// The writer's view of the columns (JSON keys made unique).
[[nodiscard]] std::vector<ColumnInfo> column_infos(const std::vector<ColumnMeta>& columns);

class ResultFeeder {
 public:
  explicit ResultFeeder(ResultWriter& writer) : writer_(writer) {}

  /// Writes rows [first, first + count) of `batch`.
  void write(const RowBatch& batch, std::size_t first, std::size_t count);

 private:
  ResultWriter& writer_;
  std::string arena_;
  std::vector<std::size_t> ends_;
  std::vector<Cell> cells_;
};

}  // namespace sfq::cli
