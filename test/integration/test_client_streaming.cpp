// Streaming: a result of a million rows is consumed batch by batch while the client's memory
// stays bounded by its prefetch window, whatever the row count. The emulator runs as a separate
// process so that this process's peak RSS measures the client alone.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
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
    key_file_ = ::testing::TempDir() + "sfq_streaming_key.pub";
    std::ofstream(key_file_) << test_key_pair().public_key_pem;
    mock_ = std::make_unique<MockProcess>(
        MOCK_SNOWFLAKE_BINARY,
        std::vector<std::string>{"--public-key", key_file_, "--no-sample-data",
                                 "--max-partition-rows", "20000", "--partition-rows", "2000"});
  }
  void TearDown() override {
    mock_.reset();
    std::remove(key_file_.c_str());
  }

  StreamRun stream(std::uint64_t rows) {
    ConnectionOptions options;
    options.account = "MOCKACCOUNT";
    options.user = "MOCKUSER";
    options.host = "127.0.0.1";
    options.port = mock_->port();
    options.protocol = "http";
    options.private_key_pem = Secret(test_key_pair().private_key_pem);
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

  std::string key_file_;
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
// count: with partitions of about 400 kB (estimated at twice that: text and columns) and a budget
// of 2 MB, two partitions are held and a third is fetched only once one is taken; with the
// default budget (64 MiB) the same query fetches every partition without being consumed.
TEST(StreamingBudget, BoundsTheBytesHeldAheadOfTheConsumer) {
  const std::string key_file = ::testing::TempDir() + "sfq_budget_key.pub";
  std::ofstream(key_file) << test_key_pair().public_key_pem;
  MockProcess mock(MOCK_SNOWFLAKE_BINARY,
                   {"--public-key", key_file, "--no-sample-data", "--partition-bytes", "400000",
                    "--partition-growth", "1", "--max-partition-bytes", "400000"});
  auto connect = [&](std::uint64_t budget) {
    ConnectionOptions options;
    options.account = "MOCKACCOUNT";
    options.user = "MOCKUSER";
    options.host = "127.0.0.1";
    options.port = mock.port();
    options.protocol = "http";
    options.private_key_pem = Secret(test_key_pair().private_key_pem);
    options.prefetch_partitions = 100;  // not the bound here
    options.streaming_budget_bytes = budget;
    return std::make_unique<Client>(options);
  };
  const Statement statement(
      "select seq8() as n, randstr(40, random()) as s from table(generator(rowcount => 60000))");
  // Waits (a hang guard, not a timing check) until `want` partitions were decoded.
  auto wait_received = [](Query& query, std::size_t want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (query.progress().partitions_received < want &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return query.progress().partitions_received;
  };

  auto small = connect(2'000'000);
  Query query = small->submit(statement);
  ASSERT_EQ(wait_received(query, 2), 2U);
  const std::size_t total = query.progress().partitions_total;
  ASSERT_GE(total, 6U) << "the emulator's partitions are larger than asked for";
  // Nothing more arrives while the two are held (given ample time to).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(query.progress().partitions_received, 2U);
  // Taking one lets exactly one more in.
  auto first = query.next_batch();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(wait_received(query, 3), 3U);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(query.progress().partitions_received, 3U);
  // Every row still arrives, in order.
  std::uint64_t rows = first->rows;
  while (auto batch = query.next_batch()) {
    EXPECT_EQ(batch->columns[0].int64_value(0), static_cast<std::int64_t>(rows));
    rows += batch->rows;
  }
  EXPECT_EQ(rows, 60000U);

  // The default budget holds the whole result (a few MB) without a consumer.
  auto large = connect(0);
  Query all = large->submit(statement);
  EXPECT_EQ(wait_received(all, total), total);
  std::remove(key_file.c_str());
}

}  // namespace
}  // namespace sfq::testing
