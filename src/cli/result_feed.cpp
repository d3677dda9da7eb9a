// result_feed.cpp — see result_feed.hpp.
#include "cli/result_feed.hpp"

#include "sfq/format.hpp"

namespace sfq::cli {

std::vector<ColumnInfo> column_infos(const std::vector<ColumnMeta>& columns) {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& column : columns) names.push_back(column.name);
  const std::vector<std::string> keys = unique_names(names);
  std::vector<ColumnInfo> infos;
  infos.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    ColumnInfo info;
    info.name = columns[i].name;
    format::append_json_string(info.json_key, keys[i]);
    info.numeric = format::is_numeric(columns[i].type);
    infos.push_back(std::move(info));
  }
  return infos;
}

void ResultFeeder::write(const RowBatch& batch, std::size_t first, std::size_t count) {
  const bool json = writer_.cell_form() == ResultWriter::CellForm::json;
  const std::size_t width = batch.columns.size();
  for (std::size_t row = first; row < first + count && row < batch.rows; ++row) {
    // Cells are formatted into one arena, then viewed: no allocation per cell once warm.
    arena_.clear();
    ends_.clear();
    for (const Column& column : batch.columns) {
      if (json) {
        format::append_json(arena_, column, row);
      } else if (!column.is_null(row)) {
        format::append_text(arena_, column, row);
      }
      ends_.push_back(arena_.size());
    }
    cells_.clear();
    std::size_t begin = 0;
    for (std::size_t c = 0; c < width; ++c) {
      const bool null = batch.columns[c].is_null(row);
      cells_.push_back(Cell{std::string_view(arena_).substr(begin, ends_[c] - begin), null});
      begin = ends_[c];
    }
    writer_.row(cells_);
  }
  writer_.flush();
}

}  // namespace sfq::cli
