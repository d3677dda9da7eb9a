// Streaming: a result of a million rows is consumed batch by batch while the client's memory
// stays bounded by its prefetch window, whatever the row count. The emulator runs as a separate
// process so that this process's peak RSS measures the client alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"
#include "support/mock_process.hpp"

// ASan keeps freed memory in a quarantine (256 MiB by default) which would show up as RSS
// growth proportional to the allocations made, not to what is live. Keep it small here.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=4"; }

namespace sfq::testing {
namespace {

struct StreamRun {
  std::uint64_t rows = 0;
  std::size_t batches = 0;
  std::size_t peak_growth = 0;
  std::size_t max_batch_bytes = 0;
};

class Streaming : public ::testing::Test {
 protected:
  void SetUp() override {
    mock_ = std::make_unique<MockProcess>(
        MOCK_SNOWFLAKE_BINARY,
        std::vector<std::string>{"--public-key", key_file_.path(), "--no-sample-data",
                                 "--max-partition-rows", "20000", "--partition-rows", "2000"});
  }
  void TearDown() override { mock_.reset(); }

  StreamRun stream(std::uint64_t rows) {
    ConnectionOptions options = options_for_port(mock_->port());
    options.prefetch_partitions = 3;
    options.decode_threads = 2;
    Client client(options);
    (void)client.execute("select 1");  // warm up: connections, token, threads
    StreamRun run;
    EXPECT_TRUE(reset_peak_rss());
    const std::size_t baseline = peak_rss_bytes();
    Query query = client.submit(
        Statement("select seq8() as n, randstr(24, random()) as s, uniform(1, 1000, random()) as u "
                  "from table(generator(rowcount => " +
                  std::to_string(rows) + "))"));
    std::int64_t expected = 0;
    while (auto batch = query.next_batch()) {
      for (std::size_t r = 0; r < batch->rows; ++r) {
        if (batch->columns[0].int64_value(r) != expected++) {
          ADD_FAILURE() << "row " << expected - 1 << " out of order";
          return run;
        }
      }
      run.rows += batch->rows;
      ++run.batches;
      run.max_batch_bytes = std::max(run.max_batch_bytes, batch->memory_bytes());
    }
    run.peak_growth = peak_rss_bytes() - baseline;
    return run;
  }

  PublicKeyFile key_file_{"streaming"};
  std::unique_ptr<MockProcess> mock_;
};

TEST_F(Streaming, PeakMemoryDoesNotGrowWithTheRowCount) {
  const StreamRun small = stream(100'000);
  const StreamRun large = stream(1'000'000);
  ASSERT_EQ(small.rows, 100'000U);
  ASSERT_EQ(large.rows, 1'000'000U);
  EXPECT_GE(large.batches, 50U);
  // A million decoded rows take well over 40 MiB (columns are sized from each partition's
  // rowCount, so there is no slack); holding them would show. The bound allows for the prefetch
  // window (3 partitions of at most 20 000 rows) and allocator noise.
  const std::size_t decoded_total = large.max_batch_bytes * large.batches;
  EXPECT_GT(decoded_total, 40U << 20);
  EXPECT_LT(large.peak_growth, small.peak_growth + (24U << 20))
      << "peak RSS growth: 100k rows " << (small.peak_growth >> 20) << " MiB, 1M rows "
      << (large.peak_growth >> 20) << " MiB";
  EXPECT_LT(large.peak_growth, decoded_total / 2);
}

// The streaming budget bounds the bytes a query holds ahead of its consumer, not a partition
// count: with partitions of about 400 kB and a budget of 2 MB, a consumer that takes nothing
// leaves the query holding about the budget (never more than a batch beyond it) and the rest of
// the result unfetched; taking batches lets more in; with the default budget the same query
// fetches every partition without being consumed.
TEST(StreamingBudget, BoundsTheBytesHeldAheadOfTheConsumer) {
  const PublicKeyFile key_file("budget");
  MockProcess mock(MOCK_SNOWFLAKE_BINARY,
                   {"--public-key", key_file.path(), "--no-sample-data", "--partition-bytes",
                    "400000", "--partition-growth", "1", "--max-partition-bytes", "400000"});
  auto connect = [&](std::uint64_t budget) {
    ConnectionOptions options = options_for_port(mock.port());
    options.prefetch_partitions = 100;  // not the bound here
    options.streaming_budget_bytes = budget;
    return std::make_unique<Client>(options);
  };
  const Statement statement(
      "select seq8() as n, randstr(40, random()) as s from table(generator(rowcount => 60000))");
  // Waits until nothing more arrives for half a second (a hang guard of 60 s, not a timing
  // check); returns the progress then.
  auto settle = [](Query& query) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    QueryProgress last = query.progress();
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      QueryProgress now = query.progress();
      if (now.rows_received == last.rows_received && now.partitions_total > 0) return now;
      last = now;
    }
    return last;
  };

  constexpr std::uint64_t kBudget = 2'000'000;
  auto small = connect(kBudget);
  Query query = small->submit(statement);
  const QueryProgress held = settle(query);
  const std::size_t total = held.partitions_total;
  ASSERT_GE(total, 6U) << "the emulator's partitions are larger than asked for";
  EXPECT_GE(held.partitions_received, 2U);
  EXPECT_LT(held.partitions_received, total) << "the whole result was fetched ahead";
  EXPECT_GT(held.bytes_held, 0U);
  EXPECT_LE(held.bytes_held, kBudget + (1U << 20));
  // Taking batches lets more in.
  auto first = query.next_batch();
  ASSERT_TRUE(first.has_value());
  std::uint64_t rows = first->rows;
  std::size_t taken = 1;
  while (taken < held.partitions_received) {
    auto batch = query.next_batch();
    ASSERT_TRUE(batch.has_value());
    rows += batch->rows;
    taken += batch->partition == taken ? 1 : 0;
  }
  const QueryProgress more = settle(query);
  EXPECT_GT(more.partitions_received, held.partitions_received);
  EXPECT_LE(more.bytes_held, kBudget + (1U << 20));
  // Every row still arrives, in order.
  while (auto batch = query.next_batch()) {
    EXPECT_EQ(batch->columns[0].int64_value(0), static_cast<std::int64_t>(rows));
    EXPECT_EQ(batch->first_row, rows);
    rows += batch->rows;
  }
  EXPECT_EQ(rows, 60000U);

  // The default budget holds the whole result (a few MB) without a consumer.
  auto large = connect(0);
  Query all = large->submit(statement);
  EXPECT_EQ(settle(all).partitions_received, total);
}

// Partitions larger than a batch arrive as several batches each, in order, with the partition
// and first row of each right; a consumer that is slow (takes nothing for a while) keeps the
// query's held bytes near the budget even though a single partition is larger than the budget
// (partition 0, which comes whole with the first response, aside).
TEST(StreamingBudget, LargePartitionsArriveInSeveralBatches) {
  const PublicKeyFile key_file("slices");
  MockProcess mock(MOCK_SNOWFLAKE_BINARY,
                   {"--public-key", key_file.path(), "--no-sample-data", "--partition-bytes",
                    "6000000", "--partition-growth", "1", "--max-partition-bytes", "6000000"});
  ConnectionOptions options = options_for_port(mock.port());
  constexpr std::uint64_t kBudget = 3'000'000;
  options.streaming_budget_bytes = kBudget;
  options.decode_threads = 2;
  Client client(options);
  Query query = client.submit(Statement(
      "select seq8() as n, randstr(60, random()) as s from table(generator(rowcount => 250000))"));
  // Partition 0 comes whole with the first response. Once it is taken, nothing is taken for a
  // while: the decode jobs of the later partitions park.
  auto first = query.next_batch();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->partition, 0U);
  std::uint64_t rows = first->rows;
  std::uint64_t high = 0;
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    high = std::max(high, query.progress().bytes_held);
  }
  EXPECT_GT(high, 0U);
  EXPECT_LE(high, kBudget + (2U << 20));
  std::size_t batches = 1;
  std::size_t partition = 0;
  std::size_t partitions_seen = 1;
  while (auto batch = query.next_batch()) {
    ASSERT_GE(batch->partition, partition);
    if (batch->partition != partition) ++partitions_seen;
    partition = batch->partition;
    EXPECT_EQ(batch->first_row, rows);
    for (std::size_t r = 0; r < batch->rows; ++r) {
      ASSERT_EQ(batch->columns[0].int64_value(r), static_cast<std::int64_t>(rows + r));
    }
    rows += batch->rows;
    ++batches;
    high = std::max(high, query.progress().bytes_held);
  }
  EXPECT_EQ(rows, 250000U);
  const QueryProgress done = query.progress();
  EXPECT_EQ(done.state, QueryState::succeeded);
  EXPECT_EQ(done.partitions_received, done.partitions_total);
  EXPECT_EQ(partitions_seen, done.partitions_total);
  EXPECT_GT(batches, 2 * done.partitions_total) << "partitions of ~6 MB come in ~1 MB batches";
  EXPECT_LE(high, kBudget + (2U << 20));
}

}  // namespace
}  // namespace sfq::testing
