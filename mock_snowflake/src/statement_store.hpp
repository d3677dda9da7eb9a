// statement_store.hpp — statements, their results as partitions, and the store that keeps them.
//
// A Statement is created when a POST is accepted and lives until the store evicts it (oldest
// finished first, once the result bytes or the statement count exceed their bounds), so handles
// of finished statements stay readable for a long while but memory stays bounded.
//
// Results are built while the engine produces rows (ResultBuilder is the engine's RowSink): each
// row is serialised to JSON text at once, partition 0 is kept as text for the ResultSet body and
// every later partition is gzip'd as soon as it is complete, so a million-row result is never
// held as objects.
//
// Thread safety: Statement's mutable state is guarded by its `mutex`; StatementStore is
// internally synchronised. Lock order: a statement's mutex may be taken while holding the
// store's, never the reverse.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"
#include "jwt_verifier.hpp"
#include "mock_snowflake/server.hpp"

namespace mock_snowflake::detail {

struct PartitionData {
  std::uint64_t rows = 0;
  std::size_t uncompressed_size = 0;
  /// gzip'd size; for partition 0 (sent uncompressed inside the ResultSet) that of the same
  /// `{"data":[...]}` body, computed only when later partitions follow (0 otherwise).
  std::size_t compressed_size = 0;
  /// Partition 0: the rows as JSON array elements separated by ",\n" (no brackets).
  /// Later partitions: gzip of the whole `{"data":[...]}` body.
  std::string bytes;
};

struct ResultData {
  std::vector<engine::ColumnInfo> columns;
  std::vector<PartitionData> partitions;
  std::uint64_t num_rows = 0;
  std::optional<engine::DmlStats> stats;
  [[nodiscard]] std::size_t bytes() const;
};

/// The engine's RowSink: splits rows into partitions by PartitionPolicy.
class ResultBuilder final : public engine::RowSink {
 public:
  /// `nullable` false writes SQL NULL as the string "null" (POST ?nullable=false).
  ResultBuilder(const PartitionPolicy& policy, bool nullable);
  void columns(std::vector<engine::ColumnInfo> columns) override;
  void row(std::vector<std::optional<std::string>>&& cells) override;
  /// Closes the last partition and hands the result over.
  [[nodiscard]] ResultData finish();

 private:
  void close_partition();

  PartitionPolicy policy_;
  bool nullable_;
  ResultData result_;
  std::string current_;
  std::uint64_t current_rows_ = 0;
  double target_bytes_;
  std::size_t target_rows_;
};

struct Statement {
  Statement(std::string handle_in, std::string request_id_in, std::int64_t created_on_in);

  const std::string handle;
  const std::string request_id;  ///< as the client sent it; "" when it sent none
  /// The requestId the submission's answer carries: the client's, or one generated for it. A
  /// GET without its own requestId repeats it, as the real service does.
  const std::string submission_request_id;
  const std::int64_t created_on;
  engine::CancelToken cancel;
  int timeout_seconds = 0;  ///< 0: no deadline of its own

  mutable std::mutex mutex;
  std::condition_variable changed;  ///< notified on every state change
  StatementState state = StatementState::running;
  std::optional<engine::SqlError> error;   ///< failed
  ResultData result;                       ///< succeeded
  std::vector<std::string> child_handles;  ///< multi-statement parent
  bool multi = false;

  /// Moves a running statement to `to` (under `mutex`); false when it had already finished.
  bool finish(StatementState to);
};

class StatementStore {
 public:
  /// `clock` (outliving the store) stamps `createdOn`; null: the system clock.
  StatementStore(std::size_t max_bytes, std::size_t max_statements,
                 const ServiceClock* clock = nullptr);

  /// Registers a new running statement; also the latest statement of `request_id`.
  std::shared_ptr<Statement> create(const std::string& request_id);
  [[nodiscard]] std::shared_ptr<Statement> find(const std::string& handle) const;
  [[nodiscard]] std::shared_ptr<Statement> find_by_request_id(const std::string& request_id) const;
  /// Accounts a statement that just finished and evicts the oldest finished ones over bounds.
  /// Returns how many were evicted.
  std::size_t finished(const std::shared_ptr<Statement>& statement);
  [[nodiscard]] std::map<std::string, std::uint64_t> count_by_state() const;
  [[nodiscard]] std::vector<std::shared_ptr<Statement>> running() const;

 private:
  const std::size_t max_bytes_;
  const std::size_t max_statements_;
  const ServiceClock* clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Statement>> by_handle_;
  std::unordered_map<std::string, std::string> by_request_id_;
  std::list<std::pair<std::string, std::size_t>> finished_order_;  ///< handle, bytes; oldest first
  std::size_t finished_bytes_ = 0;
};

}  // namespace mock_snowflake::detail
