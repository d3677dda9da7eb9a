// sfq/result.hpp — what a finished statement says about itself, and a materialised result.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfq/value.hpp"

namespace sfq {

/// Rows changed by DML (the response's `stats`).
struct DmlStats {
  std::int64_t rows_inserted = 0;
  std::int64_t rows_updated = 0;
  std::int64_t rows_deleted = 0;
  std::int64_t duplicates = 0;  ///< numDmlDuplicates (numDuplicateRowsUpdated in the reference)
};

/// One entry of `partitionInfo`.
struct PartitionInfo {
  std::uint64_t row_count = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t compressed_size = 0;  ///< 0 when not reported
};

/// The metadata of a finished statement (the first response, without its rows).
struct ResultMeta {
  std::string statement_handle;  ///< the query id
  std::string request_id;
  std::vector<ColumnMeta> columns;
  std::uint64_t total_rows = 0;  ///< numRows across all partitions
  std::vector<PartitionInfo> partitions;
  std::vector<std::string> child_handles;  ///< statementHandles of a multi-statement request
  std::optional<DmlStats> stats;
  std::string code;  ///< "090001" on success
  std::string sql_state;
  std::string message;
  std::int64_t created_on_ms = 0;
};

/// A whole result in memory: for small results and tests. Stream large ones with
/// Query::next_batch() instead.
struct QueryResult {
  ResultMeta meta;
  std::vector<RowBatch> batches;  ///< in row order; a partition may span several batches
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] std::uint64_t row_count() const noexcept {
    std::uint64_t rows = 0;
    for (const auto& batch : batches) rows += batch.rows;
    return rows;
  }
};

}  // namespace sfq
