// Concurrency: many statements in flight from one thread on one client, served by one I/O
// thread; only that thread touches curl.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;

class Concurrency : public MockTest {};

TEST_F(Concurrency, AThousandStatementsHeldByTheServerAllComplete) {
  constexpr int kStatements = 1000;
  Client c = client([](ConnectionOptions& o) { o.max_in_flight = 1000; });
  std::vector<Query> queries;
  queries.reserve(kStatements);
  const auto submit_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kStatements; ++i) {
    queries.push_back(
        c.submit(Statement("select " + std::to_string(i) + " as i, system$wait(1) as w")));
  }
  const auto submit_time = std::chrono::steady_clock::now() - submit_start;
  (void)submit_time;  // measured by tools/bench, not asserted here
  for (int i = 0; i < kStatements; ++i) {
    const QueryResult result = queries[static_cast<std::size_t>(i)].result();
    ASSERT_EQ(result.row_count(), 1U);
    ASSERT_EQ(result.batches.at(0).columns.at(0).int64_value(0), i);
  }
  // Held a whole second each, so that even a sanitizer build that opens its connections slowly
  // has many in flight at once; one after another they would take 1 000 s.
  EXPECT_GE(server().counters().max_in_flight_requests, 100U)
      << "statements were served concurrently, not one after another";
  const ClientStats stats = c.stats();
  EXPECT_EQ(stats.curl_calls_off_loop_thread, 0U);
  EXPECT_EQ(stats.statements_submitted, static_cast<std::uint64_t>(kStatements));
  EXPECT_TRUE(eventually([&] { return c.stats().statements_in_flight == 0; }));
}

TEST_F(Concurrency, SubmitNeverWaitsForTheNetwork) {
  server().set_request_latency(2000ms);
  Client c = client();
  // submit() returns before the server has even answered the first request.
  Query query = c.submit(Statement("select 1"));
  EXPECT_NE(query.state(), QueryState::succeeded);
  query.cancel();
}

TEST_F(Concurrency, ManyThreadsShareOneClient) {
  Client c = client();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&c, &ok, t] {
      for (int i = 0; i < 10; ++i) {
        const QueryResult result = c.execute("select " + std::to_string(t * 100 + i) + " as v");
        if (result.batches.at(0).columns.at(0).int64_value(0) == t * 100 + i) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(c.stats().curl_calls_off_loop_thread, 0U);
}

}  // namespace
}  // namespace sfq::testing
