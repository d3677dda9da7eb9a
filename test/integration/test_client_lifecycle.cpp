// The statement lifecycle of sfq::Client against mock_snowflake over real sockets: 200 inline,
// 202 then polling, async=true, partitions, multi-statement, bindings, errors, timeouts,
// cancellation and token re-minting.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "sfq/client.hpp"
#include "sfq/format.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;
using mock_snowflake::Counters;

constexpr const char* kPost = "POST /api/v2/statements";
constexpr const char* kGet = "GET /api/v2/statements/{handle}";
constexpr const char* kCancel = "POST /api/v2/statements/{handle}/cancel";

class Lifecycle : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.sync_window = 2000ms; }
};

TEST_F(Lifecycle, SmallResultArrivesInline) {
  Client c = client();
  const QueryResult result = c.execute("select 1 as one, 'two' as two");
  EXPECT_EQ(result.meta.code, "090001");
  EXPECT_FALSE(result.meta.statement_handle.empty());
  ASSERT_EQ(result.meta.columns.size(), 2U);
  EXPECT_EQ(result.meta.columns[0].name, "ONE");
  EXPECT_EQ(result.meta.columns[0].type, ColumnType::fixed);
  EXPECT_EQ(result.meta.columns[1].type, ColumnType::text);
  EXPECT_EQ(rows_as_text(result), (std::vector<std::vector<std::string>>{{"1", "two"}}));
  const Counters counters = server().counters();
  EXPECT_EQ(counters.requests_with(kPost, 200), 1U);
  EXPECT_EQ(counters.requests_to(kGet), 0U) << "no poll for a result that came inline";
}

TEST_F(Lifecycle, SlowStatementIsPolledAfter202) {
  server().set_sync_window(50ms);
  Client c = client();
  const QueryResult result = c.execute("select system$wait(400, 'MILLISECONDS') as w, 7 as n");
  EXPECT_EQ(rows_as_text(result).at(0).at(1), "7");
  const Counters counters = server().counters();
  EXPECT_EQ(counters.requests_with(kPost, 202), 1U);
  EXPECT_GE(counters.requests_with(kGet, 202) + counters.requests_with(kGet, 200), 1U);
  EXPECT_EQ(counters.requests_with(kGet, 200), 1U);
}

// Every request says who sent it, once (the API docs require a User-Agent): "sfq/<version>" by
// default, the connection's user_agent when set — the submission, the polls and the cancel.
TEST_F(Lifecycle, EveryRequestCarriesOneUserAgent) {
  server().set_sync_window(50ms);
  const auto sql_api_requests = [](const Counters& counters) {
    std::uint64_t total = 0;
    for (const auto& [endpoint, by_status] : counters.requests) {
      if (endpoint == "admin") continue;
      for (const auto& [status, count] : by_status) total += count;
    }
    return total;
  };
  {
    Client c = client();
    (void)c.execute("select system$wait(300, 'MILLISECONDS')");
  }
  Counters counters = server().counters();
  ASSERT_EQ(counters.user_agents.size(), 1U);
  const auto& [agent, count] = *counters.user_agents.begin();
  EXPECT_EQ(agent.rfind("sfq/", 0), 0U) << agent;
  EXPECT_EQ(agent.find(" | "), std::string::npos) << "sent twice: " << agent;
  EXPECT_GE(counters.requests_to(kGet), 1U) << "the statement was polled";
  EXPECT_EQ(count, sql_api_requests(counters));

  server().reset_counters();
  {
    Client c = client([](ConnectionOptions& options) { options.user_agent = "custom-agent/2.0"; });
    Query query = c.submit(Statement("select system$wait(5, 'SECONDS')"));
    ASSERT_TRUE(
        server().wait_until([](const Counters& now) { return now.statements_running > 0; }, 10s));
    query.cancel().wait();
    EXPECT_THROW((void)query.result(), Error);
  }
  counters = server().counters();
  EXPECT_GE(counters.requests_to(kCancel), 1U);
  EXPECT_EQ(
      counters.user_agents,
      (std::map<std::string, std::uint64_t>{{"custom-agent/2.0", sql_api_requests(counters)}}));
}

TEST_F(Lifecycle, AsyncSubmissionAnswersAtOnceThenPolls) {
  Client c = client();
  Statement statement("select 42 as answer");
  statement.async = true;
  Query query = c.submit(statement);
  const QueryResult result = query.result();
  EXPECT_EQ(rows_as_text(result), (std::vector<std::vector<std::string>>{{"42"}}));
  EXPECT_EQ(server().counters().requests_with(kPost, 202), 1U);
  EXPECT_EQ(query.state(), QueryState::succeeded);
  EXPECT_EQ(query.statement_handle(), result.meta.statement_handle);
}

class ManyPartitions : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.partitions.first_partition_rows = 100;
    options.partitions.max_partition_rows = 500;
    options.partitions.growth = 2.0;
  }
};

TEST_F(ManyPartitions, EveryPartitionArrivesCompleteAndInOrder) {
  Client c = client([](ConnectionOptions& o) { o.prefetch_partitions = 3; });
  Query query = c.submit(Statement(
      "select seq8() as n, randstr(12, random()) as s from table(generator(rowcount => 12000))"));
  const ResultMeta meta = query.metadata();
  ASSERT_GE(meta.partitions.size(), 20U) << "the emulator was asked for small partitions";
  EXPECT_EQ(meta.total_rows, 12000U);
  std::uint64_t expected_row = 0;
  std::size_t expected_partition = 0;
  while (auto batch = query.next_batch()) {
    EXPECT_EQ(batch->partition, expected_partition++);
    EXPECT_EQ(batch->first_row, expected_row);
    EXPECT_EQ(batch->rows, meta.partitions[batch->partition].row_count);
    for (std::size_t r = 0; r < batch->rows; ++r) {
      ASSERT_EQ(batch->columns[0].int64_value(r), static_cast<std::int64_t>(expected_row + r));
      ASSERT_EQ(batch->columns[1].text_value(r).size(), 12U);
    }
    expected_row += batch->rows;
  }
  EXPECT_EQ(expected_row, 12000U);
  EXPECT_EQ(expected_partition, meta.partitions.size());
  EXPECT_EQ(query.state(), QueryState::succeeded);
}

TEST_F(ManyPartitions, PushDeliveryKeepsOrderToo) {
  Client c = client();
  std::vector<std::size_t> partitions;
  std::uint64_t rows = 0;
  std::mutex mutex;
  SubmitOptions options;
  options.on_batch = [&](RowBatch&& batch) {
    std::lock_guard lock(mutex);
    partitions.push_back(batch.partition);
    rows += batch.rows;
  };
  std::atomic<int> completions{0};
  options.on_complete = [&](const Query&) { ++completions; };
  Query query =
      c.submit(Statement("select seq4() from table(generator(rowcount => 5000))"), options);
  ASSERT_TRUE(query.wait_done_until(std::chrono::steady_clock::now() + 30s));
  EXPECT_EQ(query.state(), QueryState::succeeded);
  std::lock_guard lock(mutex);
  EXPECT_EQ(rows, 5000U);
  for (std::size_t i = 0; i < partitions.size(); ++i) EXPECT_EQ(partitions[i], i);
  EXPECT_TRUE(eventually([&] { return completions.load() == 1; }));
}

TEST_F(Lifecycle, MultiStatementChildrenAreReadable) {
  Client c = client();
  Statement statement("select 1 as a; select 'x' as b, 2 as c");
  statement.multi_statement_count = 2;
  const QueryResult parent = c.execute(statement);
  ASSERT_EQ(parent.meta.child_handles.size(), 2U);
  EXPECT_EQ(
      rows_as_text(parent),
      (std::vector<std::vector<std::string>>{{"Multiple statements executed successfully."}}));
  const QueryResult first = c.attach(parent.meta.child_handles[0]).result();
  const QueryResult second = c.attach(parent.meta.child_handles[1]).result();
  EXPECT_EQ(rows_as_text(first), (std::vector<std::vector<std::string>>{{"1"}}));
  EXPECT_EQ(rows_as_text(second), (std::vector<std::vector<std::string>>{{"x", "2"}}));
}

TEST_F(Lifecycle, MultiStatementCountMismatchIsASqlError) {
  Client c = client();
  try {
    (void)c.execute("select 1; select 2");
    FAIL() << "two statements without MULTI_STATEMENT_COUNT must fail";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::server);
    EXPECT_EQ(error.code(), "000008");
    EXPECT_EQ(error.http_status(), 422);
  }
}

TEST_F(Lifecycle, SqlErrorCarriesCodeStateAndHandle) {
  Client c = client();
  try {
    (void)c.execute("select * from mockdb.public.no_such_table");
    FAIL() << "expected a SQL error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::server);
    EXPECT_EQ(error.code(), "002003");
    EXPECT_EQ(error.sql_state(), "42S02");
    EXPECT_EQ(error.http_status(), 422);
    EXPECT_FALSE(error.statement_handle().empty());
    EXPECT_NE(std::string(error.what()).find("002003"), std::string::npos);
  }
}

TEST_F(Lifecycle, StatementTimeoutIsATimeoutError) {
  Client c = client();
  Statement statement("select system$wait(10)");
  statement.timeout = 1s;
  try {
    (void)c.execute(statement);
    FAIL() << "expected the statement to time out";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout);
    EXPECT_EQ(error.code(), "000630");
    EXPECT_EQ(error.sql_state(), "57014");
  }
}

TEST_F(Lifecycle, CancelWhileRunningCancelsOnTheServer) {
  server().set_sync_window(50ms);
  Client c = client();
  Query query = c.submit(Statement("select system$wait(30)"));
  ASSERT_TRUE(eventually([&] { return query.state() == QueryState::running; }));
  const std::string handle = query.statement_handle();
  ASSERT_FALSE(handle.empty());
  query.cancel();
  EXPECT_THROW((void)query.next_batch(), Error);
  EXPECT_EQ(query.state(), QueryState::cancelled);
  ASSERT_TRUE(server().wait_until(
      [&](const Counters& counters) { return counters.cancels_by_handle.count(handle) > 0; }, 10s));
  ASSERT_TRUE(eventually([&] {
    return server().statement_state(handle) == mock_snowflake::StatementState::cancelled;
  }));
}

TEST_F(Lifecycle, CancelBeforeTheHandleIsKnownStillCancelsOnTheServer) {
  server().set_sync_window(45s);  // the POST is held: no handle until the statement ends
  Client c = client();
  Statement statement("select system$wait(30)");
  statement.request_id = "6f0c4a53-2d0b-4c55-9c35-0a2d7c7b1e11";
  Query query = c.submit(statement);
  ASSERT_TRUE(server().wait_until(
      [](const Counters& counters) { return counters.statements_running >= 1; }, 10s));
  query.cancel();
  EXPECT_EQ(query.state(), QueryState::cancelled);
  ASSERT_TRUE(server().wait_until(
      [](const Counters& counters) { return !counters.cancels_by_handle.empty(); }, 10s));
  const auto handle = server().statement_handle(statement.request_id);
  ASSERT_TRUE(handle.has_value());
  ASSERT_TRUE(eventually([&] {
    return server().statement_state(*handle) == mock_snowflake::StatementState::cancelled;
  }));
  EXPECT_EQ(server().counters().executions_of(statement.request_id), 1U)
      << "learning the handle must not run the statement again";
}

TEST_F(Lifecycle, DeadlineExpiryCancelsOnTheServer) {
  server().set_sync_window(50ms);
  Client c = client([](ConnectionOptions& o) { o.total_timeout = 300ms; });
  Query query = c.submit(Statement("select system$wait(30)"));
  try {
    (void)query.result();
    FAIL() << "expected the deadline to expire";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout);
  }
  ASSERT_TRUE(server().wait_until(
      [](const Counters& counters) { return !counters.cancels_by_handle.empty(); }, 10s));
}

TEST_F(Lifecycle, DmlReportsStats) {
  Client c = client();
  (void)c.execute("create or replace table mockdb.public.t_stats (a int)");
  const QueryResult inserted = c.execute("insert into mockdb.public.t_stats values (1), (2), (3)");
  ASSERT_TRUE(inserted.meta.stats.has_value());
  EXPECT_EQ(inserted.meta.stats->rows_inserted, 3);
  EXPECT_EQ(rows_as_text(inserted), (std::vector<std::vector<std::string>>{{"3"}}));
}

// The server's clock jumps two hours ahead for the next `skewed_reads_` JWT checks, so a token
// the client still considers fresh is rejected as expired.
TEST_F(Lifecycle, DroppingEveryHandleCancelsTheStatement) {
  server().set_sync_window(50ms);
  Client c = client();
  std::string handle;
  {
    Query query = c.submit(Statement("select system$wait(30)"));
    ASSERT_TRUE(eventually([&] { return query.state() == QueryState::running; }));
    handle = query.statement_handle();
    Query copy = query;  // copies share ownership: only the last one going cancels
  }
  ASSERT_TRUE(server().wait_until(
      [&](const Counters& counters) { return counters.cancels_by_handle.count(handle) > 0; }, 10s));
}

class ExpiringClock : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.clock = [this] {
      int left = skewed_reads_.load();
      while (left > 0 && !skewed_reads_.compare_exchange_weak(left, left - 1)) {
      }
      return std::chrono::system_clock::now() +
             (left > 0 ? std::chrono::hours(2) : std::chrono::hours(0));
    };
  }
  std::atomic<int> skewed_reads_{0};
};

TEST_F(ExpiringClock, ARejectedTokenIsMintedAgainAndTheRequestSucceeds) {
  Client c = client();
  (void)c.execute("select 1");
  EXPECT_EQ(c.stats().jwt_mints, 1U);
  skewed_reads_ = 1;
  const QueryResult result = c.execute("select 2");
  EXPECT_EQ(rows_as_text(result), (std::vector<std::vector<std::string>>{{"2"}}));
  EXPECT_EQ(c.stats().jwt_mints, 2U);
  EXPECT_EQ(server().counters().requests_with(kPost, 401), 1U);
}

}  // namespace
}  // namespace sfq::testing
