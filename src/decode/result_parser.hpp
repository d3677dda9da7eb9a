// result_parser.hpp (internal) — reading SQL API response bodies: the 200 ResultSet with
// partition 0, later partitions (`{"data":[...]}`), and the status bodies of 202/408/422/4xx/5xx.
//
// Every function is a pure function of its input and may run on any thread (the statement layer
// runs them on decode workers). Nothing here keeps a reference to the input text. Malformed input
// is an ErrorCategory::protocol error whose message says what is wrong and where (partition, row,
// column, byte offset) and quotes at most a short piece of the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/gzip.hpp"
#include "sfq/error.hpp"
#include "sfq/result.hpp"
#include "sfq/value.hpp"

namespace sfq::detail {

/// The column metadata of a result, shared by every batch of it.
using ColumnsPtr = std::shared_ptr<const std::vector<std::shared_ptr<const ColumnMeta>>>;

/// A 200 ResultSet body: the metadata of the whole result and partition 0's rows.
struct ParsedResultSet {
  ResultMeta meta;
  ColumnsPtr columns;    ///< the same columns as meta.columns, shared with every batch
  RowBatch first_batch;  ///< partition 0 (partition = 0, first_row = 0)
};

/// Parses a whole 200 ResultSet body (metadata + partition 0 `data`). Field order does not
/// matter. `decode_rows` limits how many rows of partition 0 are decoded (the rest are skipped;
/// meta.partitions still describes them all).
///   * `resultSetMetaData.rowType` absent: a multi-statement parent or the docs' formatted
///     example. With no rows there are no columns; with rows, columns of type `unknown` (kept as
///     text) named COLUMN1..N are made up from the first row's width.
///   * `partitionInfo` absent: one partition of numRows rows (numRows absent: the rows in `data`).
///   * `stats`: top level, else inside resultSetMetaData; the fourth counter is read from
///     `numDmlDuplicates` or `numDuplicateRowsUpdated`.
///   * A body with neither `resultSetMetaData` nor `data` is not a ResultSet: protocol error.
[[nodiscard]] Result<ParsedResultSet> parse_result_set(
    std::string_view json, std::size_t decode_rows = std::numeric_limits<std::size_t>::max());

/// Decodes a later partition's body, `{"data":[[...],...]}` (already inflated), with a SAX reader
/// straight into typed columns: no DOM, no string per cell. Other top-level members are skipped.
/// `first_row` is the index of the partition's first row in the whole result. Errors: not JSON,
/// no `data` array, a row that is not an array or has the wrong number of cells, a nested value
/// in a cell, a cell that cannot be read as its column's type.
[[nodiscard]] Result<RowBatch> decode_partition(std::string_view json, const ColumnsPtr& columns,
                                                std::size_t partition, std::uint64_t first_row);

/// decode_partition for a body the caller hands over (e.g. gunzip's output): parsed in place,
/// without the copy decode_partition makes. `expected_rows` (the partition's rowCount, 0 =
/// unknown) sizes the columns up front.
[[nodiscard]] Result<RowBatch> decode_owned_partition(std::string json, const ColumnsPtr& columns,
                                                      std::size_t partition,
                                                      std::uint64_t first_row,
                                                      std::uint64_t expected_rows = 0);
/// The same for gunzip_buffer's output (decode/gzip.hpp), which is never zero-filled.
[[nodiscard]] Result<RowBatch> decode_owned_partition(TextBuffer json, const ColumnsPtr& columns,
                                                      std::size_t partition,
                                                      std::uint64_t first_row,
                                                      std::uint64_t expected_rows = 0);
/// The same, leaving the buffer to the caller, to be filled again: its text is rewritten, and a
/// mapped buffer's parsed pages are given back (TextBuffer::release_before).
[[nodiscard]] Result<RowBatch> decode_partition_in(TextBuffer& json, const ColumnsPtr& columns,
                                                   std::size_t partition, std::uint64_t first_row,
                                                   std::uint64_t expected_rows = 0);

/// Which reader decodes a partition body. `scanner` (what every function above uses): the fast
/// partition scanner (decode/partition_scanner.hpp), then RapidJSON from wherever the scanner
/// stopped; `rapidjson`: RapidJSON's SAX reader alone. Both give the same batch or the same error.
enum class PartitionReader { scanner, rapidjson };

/// decode_partition with the reader chosen (tests and fuzzing compare the two).
/// `scanned_rows`, when given, receives how many rows the scanner read (0 with `rapidjson`).
[[nodiscard]] Result<RowBatch> decode_partition_with(PartitionReader reader, std::string_view json,
                                                     const ColumnsPtr& columns,
                                                     std::size_t partition, std::uint64_t first_row,
                                                     std::size_t* scanned_rows = nullptr);

/// The fields of a QueryStatus / QueryFailureStatus / CancelStatus or plain error body
/// (`{"code":..., "message":...}`). Missing fields stay empty.
struct StatusBody {
  std::string code, message, sql_state, statement_handle, statement_status_url;
  std::int64_t created_on = 0;
};

/// Parses a status body. Errors (protocol) when the body is not a JSON object — e.g. an HTML page
/// from a proxy; the message quotes its first bytes so the caller can wrap it with the status.
[[nodiscard]] Result<StatusBody> parse_status_body(std::string_view json);

}  // namespace sfq::detail
