// Partitions streamed from the wire (src/sqlapi/statement_machine.cpp, PartitionFetch): faults
// in the middle of a partition body (cut, dripped, corrupt, closed after the headers) end with
// every row delivered exactly once, in order; a consumer that stops longer than the stall
// timeout pauses the transfer without making it "stall"; cancelling mid-partition ends cleanly.
// The emulator runs as a separate process, with partitions of ~3 MB (several batches each).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"
#include "support/mock_process.hpp"

namespace sfq::testing {
namespace {

constexpr std::uint64_t kRows = 100'000;

class PartitionStreaming : public ::testing::Test {
 protected:
  std::unique_ptr<MockProcess> start_mock(const std::string& fault) {
    std::vector<std::string> args = {"--public-key",
                                     key_file_.path(),
                                     "--no-sample-data",
                                     "--partition-bytes",
                                     "3000000",
                                     "--partition-growth",
                                     "1",
                                     "--max-partition-bytes",
                                     "3000000"};
    if (!fault.empty()) {
      args.push_back("--fault");
      args.push_back(fault);
    }
    return std::make_unique<MockProcess>(MOCK_SNOWFLAKE_BINARY, args);
  }

  static ConnectionOptions options_for(const MockProcess& mock) {
    ConnectionOptions options = options_for_port(mock.port());
    options.decode_threads = 2;
    options.stall_timeout = std::chrono::seconds(5);
    return options;
  }

  static Statement statement() {
    return Statement(
        "select seq8() as n, randstr(60, random()) as s from table(generator(rowcount => " +
        std::to_string(kRows) + "))");
  }

  // Takes every batch; checks that row n is the n-th row received, exactly once, in order.
  static std::uint64_t drain(Query& query, std::size_t* batches = nullptr) {
    std::uint64_t next = 0;
    while (auto batch = query.next_batch()) {
      EXPECT_EQ(batch->first_row, next);
      for (std::size_t r = 0; r < batch->rows; ++r) {
        if (batch->columns[0].int64_value(r) != static_cast<std::int64_t>(next + r)) {
          ADD_FAILURE() << "row " << next + r << " holds " << batch->columns[0].int64_value(r);
          return next;
        }
      }
      next += batch->rows;
      if (batches != nullptr) ++*batches;
    }
    return next;
  }

  PublicKeyFile key_file_{"partition_stream"};
};

TEST_F(PartitionStreaming, FaultsMidBodyLoseAndRepeatNothing) {
  const std::string partitions = "method=GET,path=/api/v2/statements/*?*partition=*";
  const std::vector<std::string> faults = {
      "kind=truncated_body,count=2," + partitions,
      "kind=close_after_headers," + partitions,
      "kind=corrupt_gzip," + partitions,
      "kind=invalid_json," + partitions,
      "kind=slow_drip,drip_bytes=65536,drip_ms=1,count=2," + partitions,
  };
  for (const std::string& fault : faults) {
    SCOPED_TRACE(fault);
    auto mock = start_mock(fault);
    Client client(options_for(*mock));
    Query query = client.submit(statement());
    std::size_t batches = 0;
    EXPECT_EQ(drain(query, &batches), kRows);
    const QueryProgress progress = query.progress();
    EXPECT_EQ(progress.state, QueryState::succeeded);
    EXPECT_GE(progress.partitions_total, 3U);
    EXPECT_EQ(progress.partitions_received, progress.partitions_total);
    EXPECT_GT(batches, progress.partitions_total);
    if (fault.find("slow_drip") == std::string::npos) {
      EXPECT_GE(client.stats().retries, 1U) << "the fault did not strike";
    }
  }
}

// The consumer takes nothing for longer than the stall timeout: the decode job parks, the body
// waiting for it fills up and the transfer pauses. libcurl does not count a paused transfer as
// stalled, so nothing is retried and every row arrives.
TEST_F(PartitionStreaming, AConsumerPausingLongerThanTheStallTimeoutIsNoStall) {
  auto mock = start_mock("");
  ConnectionOptions options = options_for(*mock);
  options.stall_timeout = std::chrono::seconds(1);
  options.streaming_budget_bytes = 1'000'000;
  Client client(options);
  Query query = client.submit(statement());
  auto first = query.next_batch();
  ASSERT_TRUE(first.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  const QueryProgress waiting = query.progress();
  EXPECT_LT(waiting.partitions_received, waiting.partitions_total) << "nothing was held back";
  std::uint64_t rows = first->rows;
  while (auto batch = query.next_batch()) {
    ASSERT_EQ(batch->first_row, rows);
    ASSERT_EQ(batch->columns[0].int64_value(0), static_cast<std::int64_t>(rows));
    rows += batch->rows;
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(query.progress().state, QueryState::succeeded);
  EXPECT_EQ(client.stats().retries, 0U) << "a paused transfer was taken for a stalled one";
}

// Pushed to on_batch: a partition's batches come one call at a time, in row order, the query
// succeeding after the last; a slow callback holds the query to its budget (partition 0, which
// comes whole with the first response, aside).
TEST_F(PartitionStreaming, OnBatchGetsEveryBatchInOrder) {
  auto mock = start_mock("");
  ConnectionOptions options = options_for(*mock);
  options.streaming_budget_bytes = 1'000'000;
  Client client(options);
  struct Seen {
    std::mutex mutex;
    std::uint64_t next = 0;
    std::size_t batches = 0;
    bool in_order = true;
    std::uint64_t max_held = 0;
  };
  auto seen = std::make_shared<Seen>();
  SubmitOptions submit;
  Query* self = nullptr;
  submit.on_batch = [seen, &self](RowBatch&& batch) {
    std::lock_guard lock(seen->mutex);
    if (batch.first_row != seen->next ||
        (batch.rows > 0 &&
         batch.columns[0].int64_value(0) != static_cast<std::int64_t>(seen->next))) {
      seen->in_order = false;
    }
    seen->next += batch.rows;
    ++seen->batches;
    if (self != nullptr && batch.partition > 0)
      seen->max_held = std::max(seen->max_held, self->progress().bytes_held);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  Query query = client.submit(statement(), std::move(submit));
  {
    std::lock_guard lock(seen->mutex);
    self = &query;
  }
  ASSERT_TRUE(query.wait_done_until(std::chrono::steady_clock::now() + std::chrono::seconds(120)));
  {
    std::lock_guard lock(seen->mutex);
    self = nullptr;
    EXPECT_TRUE(seen->in_order);
    EXPECT_EQ(seen->next, kRows);
    EXPECT_GT(seen->batches, query.progress().partitions_total);
    EXPECT_LE(seen->max_held, 1'000'000U + (2U << 20));
  }
  EXPECT_EQ(query.progress().state, QueryState::succeeded);
}

// The Client goes away while a query's decode jobs are parked and its transfer paused (its
// Query handle outlives the Client): nothing hangs, nothing leaks (LeakSanitizer), and the
// handle reports the query as ended.
TEST_F(PartitionStreaming, DestroyingTheClientMidPartition) {
  auto mock = start_mock("");
  ConnectionOptions options = options_for(*mock);
  options.streaming_budget_bytes = 1'000'000;
  std::optional<Query> query;
  {
    Client client(options);
    query.emplace(client.submit(statement()));
    auto first = query->next_batch();
    ASSERT_TRUE(first.has_value());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (query->progress().bytes_held == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_NE(query->progress().state, QueryState::succeeded);
  EXPECT_THROW(
      {
        while (query->next_batch()) {
        }
      },
      Error);
}

TEST_F(PartitionStreaming, CancelMidPartition) {
  auto mock = start_mock("");
  ConnectionOptions options = options_for(*mock);
  options.streaming_budget_bytes = 1'000'000;
  Client client(options);
  for (int round = 0; round < 3; ++round) {
    Query query = client.submit(statement());
    // Into partition 1, which streams in several batches.
    std::optional<RowBatch> batch;
    do {
      batch = query.next_batch();
      ASSERT_TRUE(batch.has_value());
    } while (batch->partition < 1);
    if (round > 0) (void)query.next_batch();
    (void)query.cancel().get();
    EXPECT_EQ(query.progress().state, QueryState::cancelled);
    EXPECT_THROW(
        {
          while (query.next_batch()) {
          }
        },
        Error);
  }
  // The client still works.
  EXPECT_EQ(client.execute("select 1").row_count(), 1U);
}

}  // namespace
}  // namespace sfq::testing
