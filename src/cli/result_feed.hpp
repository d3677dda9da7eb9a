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

#include "cli/display_zone.hpp"
#include "cli/writers.hpp"
#include "sfq/value.hpp"

namespace sfq::cli {

/// The writer's view of the columns (JSON keys made unique).
[[nodiscard]] std::vector<ColumnInfo> column_infos(const std::vector<ColumnMeta>& columns);

/// How display text (not JSON) shows times.
struct DisplayOptions {
  /// TIMESTAMP_LTZ in this zone, with its offset ("2026-03-01 09:30:00+09:00"); unset: in UTC
  /// with "Z", as the JSON form.
  const DisplayZone* zone = nullptr;
  /// Times and timestamps keep only the fraction digits the value needs, in groups of three
  /// (".5" shows as ".500", ".000000000" not at all), instead of all the type's scale gives.
  bool trim_fractions = true;
};

class ResultFeeder {
 public:
  explicit ResultFeeder(ResultWriter& writer, DisplayOptions display = {})
      : writer_(writer), display_(display) {}

  /// Writes rows [first, first + count) of `batch`.
  void write(const RowBatch& batch, std::size_t first, std::size_t count);

 private:
  void append_display(const Column& column, std::size_t row);

  ResultWriter& writer_;
  DisplayOptions display_;
  std::string arena_;
  std::vector<std::size_t> ends_;
  std::vector<Cell> cells_;
};

}  // namespace sfq::cli
