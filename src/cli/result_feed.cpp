// result_feed.cpp — see result_feed.hpp.
#include "cli/result_feed.hpp"

#include <algorithm>
#include <cstdio>

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
    switch (columns[i].type) {
      case ColumnType::text:
      case ColumnType::variant:
      case ColumnType::object:
      case ColumnType::array:
      case ColumnType::geography:
      case ColumnType::geometry:
      case ColumnType::binary:
      case ColumnType::vector:
      case ColumnType::unknown:
        info.exact = false;
        break;
      default:
        info.exact = true;  // numbers, booleans, dates, times, timestamps
        break;
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

namespace {

// Drops trailing groups of three zero digits from the fraction that starts at `dot` (and the
// dot itself when nothing is left): ".120000000" -> ".120", ".000000000" -> "".
void trim_fraction(std::string& text, std::size_t dot) {
  std::size_t end = dot + 1;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  std::size_t keep = end;
  while (keep - (dot + 1) >= 3 && text.compare(keep - 3, 3, "000") == 0) keep -= 3;
  if (keep == dot + 1) keep = dot;
  text.erase(keep, end - keep);
}

}  // namespace

void ResultFeeder::append_display(const Column& column, std::size_t row) {
  const ColumnType type = column.type();
  const bool timelike = type == ColumnType::time || type == ColumnType::timestamp_ntz ||
                        type == ColumnType::timestamp_ltz || type == ColumnType::timestamp_tz;
  if (!timelike || column.is_raw_text(row)) {
    format::append_text(arena_, column, row);
    return;
  }
  const std::size_t start = arena_.size();
  if (type == ColumnType::timestamp_ltz && display_.zone != nullptr) {
    const Timestamp instant = column.timestamp_value(row);
    Timestamp wall = instant;
    const std::int32_t offset = display_.zone->offset_at(instant.seconds);
    wall.seconds += offset;
    const std::int64_t scale = column.meta().scale.value_or(9);
    arena_ +=
        format::iso_timestamp(wall, static_cast<int>(std::clamp<std::int64_t>(scale, 0, 9)), ' ');
    const std::int32_t minutes = offset / 60;
    const std::int32_t magnitude = minutes < 0 ? -minutes : minutes;
    char zone[8];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", minutes < 0 ? '-' : '+', magnitude / 60 % 100,
                  magnitude % 60);
    arena_ += zone;
  } else {
    format::append_text(arena_, column, row);
  }
  if (!display_.trim_fractions) return;
  // The fraction follows the seconds: the first '.' after the time's second ':'.
  const std::size_t colon = arena_.find(':', start);
  if (colon == std::string::npos) return;
  const std::size_t dot = arena_.find('.', colon);
  if (dot != std::string::npos) trim_fraction(arena_, dot);
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
        append_display(column, row);
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
