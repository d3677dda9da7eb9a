// statement_store.cpp — partition building and the bounded statement store.
#include "statement_store.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/json.hpp"
#include "gzip.hpp"
#include "uuid.hpp"

namespace mock_snowflake::detail {

namespace {
/// What a later partition's body opens with (it closes with `]}`).
constexpr std::string_view kLaterPartitionPrefix = "{\"data\":[";
}  // namespace

std::size_t ResultData::bytes() const {
  std::size_t total = 0;
  for (const auto& partition : partitions) total += partition.bytes.size();
  return total + 256 * columns.size();
}

ResultBuilder::ResultBuilder(const PartitionPolicy& policy, bool nullable)
    : policy_(policy),
      nullable_(nullable),
      target_bytes_(static_cast<double>(std::max<std::size_t>(policy.first_partition_bytes, 1))),
      target_rows_(policy.first_partition_rows) {}

void ResultBuilder::columns(std::vector<engine::ColumnInfo> columns) {
  result_.columns = std::move(columns);
}

void ResultBuilder::row(std::vector<std::optional<std::string>>&& cells) {
  if (current_rows_ > 0) {
    current_ += ",\n";  // the real server separates rows this way
  } else if (!result_.partitions.empty()) {
    current_ += kLaterPartitionPrefix;  // a later partition's body is gzip'd as it is built
  }
  current_.push_back('[');
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) current_.push_back(',');
    first = false;
    if (cell) {
      engine::append_json_quoted(current_, *cell);
    } else {
      current_ += nullable_ ? "null" : "\"null\"";
    }
  }
  current_.push_back(']');
  ++current_rows_;
  ++result_.num_rows;
  const bool rows_full =
      (target_rows_ != 0 && current_rows_ >= target_rows_) ||
      (policy_.max_partition_rows != 0 && current_rows_ >= policy_.max_partition_rows);
  if (rows_full || static_cast<double>(current_.size()) >= target_bytes_) close_partition();
}

void ResultBuilder::close_partition() {
  PartitionData partition;
  partition.rows = current_rows_;
  if (result_.partitions.empty()) {
    partition.uncompressed_size = current_.size() + 2;  // with the enclosing brackets
    partition.bytes = std::exchange(current_, std::string());
  } else {
    current_ += "]}";
    partition.uncompressed_size = current_.size();
    partition.bytes = gzip(current_);
    partition.compressed_size = partition.bytes.size();
    // The buffer is kept for the next partition (as large or larger): built once, not grown
    // again by doubling, copied and faulted in for every partition.
    current_.clear();
  }
  result_.partitions.push_back(std::move(partition));
  current_rows_ = 0;
  // Later partitions grow, as the real server's do, up to the caps.
  const double max_bytes =
      static_cast<double>(std::max<std::size_t>(policy_.max_partition_bytes, 1));
  target_bytes_ = std::min(target_bytes_ * std::max(policy_.growth, 1.0), max_bytes);
  if (target_rows_ != 0) {
    target_rows_ =
        static_cast<std::size_t>(static_cast<double>(target_rows_) * std::max(policy_.growth, 1.0));
    if (policy_.max_partition_rows != 0) {
      target_rows_ = std::min(target_rows_, policy_.max_partition_rows);
    }
  }
}

ResultData ResultBuilder::finish() {
  // Partition 0 always exists, even for an empty result; later ones only when they hold rows.
  if (current_rows_ > 0 || result_.partitions.empty()) close_partition();
  if (result_.partitions.size() > 1) {
    // The real partitionInfo gives partition 0 a compressedSize too when more follow.
    PartitionData& first = result_.partitions.front();
    std::string body;
    body.reserve(first.bytes.size() + kLaterPartitionPrefix.size() + 2);
    body += kLaterPartitionPrefix;
    body += first.bytes;
    body += "]}";
    first.compressed_size = gzip(body).size();
  }
  return std::move(result_);
}

Statement::Statement(std::string handle_in, std::string request_id_in, std::int64_t created_on_in)
    : handle(std::move(handle_in)),
      request_id(std::move(request_id_in)),
      submission_request_id(request_id.empty() ? make_uuid() : request_id),
      created_on(created_on_in) {}

bool Statement::finish(StatementState to) {
  if (state != StatementState::running) return false;
  state = to;
  changed.notify_all();
  return true;
}

StatementStore::StatementStore(std::size_t max_bytes, std::size_t max_statements,
                               const ServiceClock* clock)
    : max_bytes_(max_bytes),
      max_statements_(std::max<std::size_t>(max_statements, 1)),
      clock_(clock) {}

std::shared_ptr<Statement> StatementStore::create(const std::string& request_id) {
  auto statement =
      std::make_shared<Statement>(make_statement_handle(), request_id,
                                  clock_ != nullptr ? clock_->now_ms() : ServiceClock().now_ms());
  std::lock_guard lock(mutex_);
  by_handle_.emplace(statement->handle, statement);
  if (!request_id.empty()) by_request_id_[request_id] = statement->handle;
  return statement;
}

std::shared_ptr<Statement> StatementStore::find(const std::string& handle) const {
  std::lock_guard lock(mutex_);
  const auto it = by_handle_.find(handle);
  return it == by_handle_.end() ? nullptr : it->second;
}

std::shared_ptr<Statement> StatementStore::find_by_request_id(const std::string& request_id) const {
  std::lock_guard lock(mutex_);
  const auto it = by_request_id_.find(request_id);
  if (it == by_request_id_.end()) return nullptr;
  const auto statement = by_handle_.find(it->second);
  return statement == by_handle_.end() ? nullptr : statement->second;
}

std::size_t StatementStore::finished(const std::shared_ptr<Statement>& statement) {
  std::size_t bytes = 0;
  {
    std::lock_guard statement_lock(statement->mutex);
    bytes = statement->result.bytes() + 512;
  }
  std::lock_guard lock(mutex_);
  finished_order_.emplace_back(statement->handle, bytes);
  finished_bytes_ += bytes;
  std::size_t evicted = 0;
  // The result that just finished stays, even alone over the bounds: a result larger than the
  // whole cache is still read to its end (the real service keeps results for a day). Memory is
  // bounded by the cache plus the newest result.
  while (finished_order_.size() > 1 &&
         (finished_bytes_ > max_bytes_ || by_handle_.size() > max_statements_)) {
    auto [handle, size] = finished_order_.front();
    finished_order_.pop_front();
    finished_bytes_ -= size;
    const auto it = by_handle_.find(handle);
    if (it == by_handle_.end()) continue;
    const auto request = by_request_id_.find(it->second->request_id);
    if (request != by_request_id_.end() && request->second == handle) {
      by_request_id_.erase(request);
    }
    by_handle_.erase(it);
    ++evicted;
  }
  return evicted;
}

std::map<std::string, std::uint64_t> StatementStore::count_by_state() const {
  std::map<std::string, std::uint64_t> counts;
  std::lock_guard lock(mutex_);
  for (const auto& [handle, statement] : by_handle_) {
    std::lock_guard statement_lock(statement->mutex);
    ++counts[std::string(to_string(statement->state))];
  }
  return counts;
}

std::vector<std::shared_ptr<Statement>> StatementStore::running() const {
  std::vector<std::shared_ptr<Statement>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [handle, statement] : by_handle_) {
    std::lock_guard statement_lock(statement->mutex);
    if (statement->state == StatementState::running) out.push_back(statement);
  }
  return out;
}

}  // namespace mock_snowflake::detail
