// Retries against injected faults: every transient failure the emulator can produce is retried
// with the same requestId and retry=true, and the statement executes exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;
using mock_snowflake::Fault;
using mock_snowflake::FaultKind;
using mock_snowflake::FaultWhen;

struct FaultCase {
  const char* name;
  FaultKind kind;
  int status;
  std::optional<int> retry_after;
  std::optional<FaultWhen> when;
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class SubmitFaults : public MockTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(SubmitFaults, RetriedWithExactlyOneExecution) {
  const FaultCase& c = GetParam();
  Fault fault;
  fault.kind = c.kind;
  fault.status = c.status;
  fault.retry_after = c.retry_after;
  fault.when = c.when;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  // A slow drip delivers the answer (slowly): it is met once and nothing needs a retry.
  fault.count = c.kind == FaultKind::slow_drip ? 1 : 2;
  fault.drip_bytes = 64;
  fault.drip_interval = 5ms;
  server().inject_fault(fault);

  Client client_ = client();
  Statement statement("select 40 + 2 as answer");
  statement.request_id = "0b5a1c9e-7d1f-4c4e-8a55-3e1f2a9b6c70";
  const QueryResult result = client_.execute(statement);
  EXPECT_EQ(rows_as_text(result), (std::vector<std::vector<std::string>>{{"42"}}));
  EXPECT_EQ(server().counters().executions_of(statement.request_id), 1U);
  EXPECT_EQ(server().pending_faults(), 0U) << "both faults were met";
  if (c.kind != FaultKind::slow_drip) {
    EXPECT_GE(client_.stats().retries, 2U);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, SubmitFaults,
    ::testing::Values(
        FaultCase{"TooManyRequests", FaultKind::status, 429, std::nullopt, std::nullopt},
        FaultCase{"TooManyRequestsRetryAfter", FaultKind::status, 429, 1, std::nullopt},
        FaultCase{"InternalError", FaultKind::status, 500, std::nullopt, std::nullopt},
        FaultCase{"InternalErrorAfterRunning", FaultKind::status, 500, std::nullopt,
                  FaultWhen::after},
        FaultCase{"BadGateway", FaultKind::status, 502, std::nullopt, FaultWhen::after},
        FaultCase{"Unavailable", FaultKind::status, 503, std::nullopt, std::nullopt},
        FaultCase{"GatewayTimeout", FaultKind::status, 504, std::nullopt, FaultWhen::after},
        FaultCase{"ClosedBeforeHeaders", FaultKind::close_before_headers, 0, std::nullopt,
                  std::nullopt},
        FaultCase{"ClosedBeforeHeadersAfterRunning", FaultKind::close_before_headers, 0,
                  std::nullopt, FaultWhen::after},
        FaultCase{"ClosedAfterHeaders", FaultKind::close_after_headers, 0, std::nullopt,
                  std::nullopt},
        FaultCase{"TruncatedBody", FaultKind::truncated_body, 0, std::nullopt, std::nullopt},
        FaultCase{"InvalidJson", FaultKind::invalid_json, 0, std::nullopt, std::nullopt},
        FaultCase{"SlowDrip", FaultKind::slow_drip, 0, std::nullopt, std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

// Asynchronous submissions are answered 202 at once: a mangled 202 is asked for again.
class AsyncSubmitFaults : public MockTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(AsyncSubmitFaults, AnUnreadable202IsAskedForAgain) {
  const FaultCase& c = GetParam();
  Fault fault;
  fault.kind = c.kind;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.count = 2;
  server().inject_fault(fault);
  Client client_ = client();
  Statement statement("select 40 + 2 as answer");
  statement.async = true;
  Query query = client_.submit(statement);
  const QueryResult result = query.result();
  EXPECT_EQ(rows_as_text(result), (std::vector<std::vector<std::string>>{{"42"}}));
  EXPECT_EQ(server().counters().executions_of(query.request_id()), 1U);
  EXPECT_EQ(server().pending_faults(), 0U) << "both faults were met";
}

INSTANTIATE_TEST_SUITE_P(Kinds, AsyncSubmitFaults,
                         ::testing::Values(FaultCase{"TruncatedBody", FaultKind::truncated_body, 0,
                                                     std::nullopt, std::nullopt},
                                           FaultCase{"InvalidJson", FaultKind::invalid_json, 0,
                                                     std::nullopt, std::nullopt},
                                           FaultCase{"CorruptGzip", FaultKind::corrupt_gzip, 0,
                                                     std::nullopt, std::nullopt}),
                         [](const auto& info) { return std::string(info.param.name); });

class PartitionFaults : public MockTest, public ::testing::WithParamInterface<FaultCase> {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.partitions.first_partition_rows = 50;
    options.partitions.max_partition_rows = 200;
  }
};

TEST_P(PartitionFaults, PartitionFetchesAreRetried) {
  const FaultCase& c = GetParam();
  Fault fault;
  fault.kind = c.kind;
  fault.status = c.status;
  fault.retry_after = c.retry_after;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*?partition=*";
  fault.count = 3;
  server().inject_fault(fault);

  Client client_ = client();
  const QueryResult result =
      client_.execute("select seq4() as n from table(generator(rowcount => 2000))");
  ASSERT_EQ(result.row_count(), 2000U);
  std::int64_t expected = 0;
  for (const auto& batch : result.batches) {
    for (std::size_t r = 0; r < batch.rows; ++r) {
      ASSERT_EQ(batch.columns[0].int64_value(r), expected++);
    }
  }
  EXPECT_EQ(server().pending_faults(), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, PartitionFaults,
    ::testing::Values(
        FaultCase{"TooManyRequests", FaultKind::status, 429, std::nullopt, std::nullopt},
        FaultCase{"Unavailable", FaultKind::status, 503, std::nullopt, std::nullopt},
        FaultCase{"GatewayTimeout", FaultKind::status, 504, std::nullopt, std::nullopt},
        FaultCase{"ClosedBeforeHeaders", FaultKind::close_before_headers, 0, std::nullopt,
                  std::nullopt},
        FaultCase{"TruncatedBody", FaultKind::truncated_body, 0, std::nullopt, std::nullopt},
        FaultCase{"InvalidJson", FaultKind::invalid_json, 0, std::nullopt, std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

class PollFaults : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.sync_window = 30ms; }
};

TEST_F(PollFaults, A429WhilePollingMeansStillRunning) {
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 429;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*";
  fault.count = 3;
  server().inject_fault(fault);
  Client client_ = client();
  const QueryResult result =
      client_.execute("select system$wait(200, 'MILLISECONDS') as w, 5 as five");
  EXPECT_EQ(rows_as_text(result).at(0).at(1), "5");
  EXPECT_EQ(server().pending_faults(), 0U);
}

TEST_F(PollFaults, RetryCountRunsOutWithATransportError) {
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 500;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.count = 100;
  server().inject_fault(fault);
  Client client_ = client([](ConnectionOptions& o) { o.max_retries = 2; });
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected the retries to run out";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport);
    EXPECT_EQ(error.http_status(), 500);
    EXPECT_NE(std::string(error.what()).find("3 attempts"), std::string::npos) << error.what();
  }
  EXPECT_EQ(server().counters().requests_with("POST /api/v2/statements", 500), 3U);
}

TEST_F(PollFaults, ThrottlingIsRetriedUntilTheTimeBudgetNotACount) {
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 503;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.count = 1000;
  server().inject_fault(fault);
  Client client_ = client([](ConnectionOptions& o) {
    o.max_retries = 1;  // does not limit throttling
    o.retry_timeout = 2s;
  });
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected the time budget to run out";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport);
    EXPECT_EQ(error.http_status(), 503);
    EXPECT_NE(std::string(error.what()).find("gave up after"), std::string::npos) << error.what();
  }
  EXPECT_GT(server().counters().requests_with("POST /api/v2/statements", 503), 2U)
      << "more attempts than max_retries allows for other failures";
}

TEST_F(PollFaults, RetryAfterPastTheBudgetGivesUpAtOnce) {
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 429;
  fault.retry_after = 30;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.count = 10;
  server().inject_fault(fault);
  Client client_ = client([](ConnectionOptions& o) { o.retry_timeout = 5s; });
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected no retry: the server asked for 30 s, the budget is 5 s";
  } catch (const Error& error) {
    EXPECT_EQ(error.http_status(), 429);
    EXPECT_NE(std::string(error.what()).find("retry after 30 s"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(server().counters().requests_with("POST /api/v2/statements", 429), 1U)
      << "Retry-After is honoured, not shortened to a backoff";
}

TEST_F(PollFaults, A429WhilePollingHonoursRetryAfter) {
  // The server says "still running, ask again in 30 s": the client does not ask sooner, so the
  // statement's deadline (4 s) ends it after exactly one poll.
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 429;
  fault.retry_after = 30;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*";
  fault.count = 1000;
  server().inject_fault(fault);
  Client client_ = client([](ConnectionOptions& o) { o.total_timeout = 4s; });
  try {
    (void)client_.execute("select system$wait(20) as w");
    FAIL() << "expected the deadline";
  } catch (const Error& error) {
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline) << error.what();
  }
  const auto counters = server().counters();
  EXPECT_EQ(counters.requests_with("GET /api/v2/statements/{handle}", 429), 1U);
  EXPECT_EQ(counters.requests_to("GET /api/v2/statements/{handle}"), 1U)
      << "no poll before the 30 s the server asked for";
}

// Runs `select 1` under a deadline of 1 500 ms, which must end it: the error says that the
// deadline passed, and contains `cause` (what had gone wrong before).
void expect_the_deadline_of_1500ms(Client& client_, const std::string& cause) {
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected the deadline";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout) << error.what();
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline) << error.what();
    EXPECT_EQ(error.message().rfind("the statement did not finish within its deadline of 1500 ms "
                                    "(total_timeout)",
                                    0),
              0U)
        << error.what();
    EXPECT_NE(error.message().find(cause), std::string::npos)
        << "the error names what went wrong before: " << error.what();
  }
}

TEST_F(PollFaults, TheClientDeadlineErrorSaysTheDeadlinePassed) {
  // Throttled submissions: the client stops retrying when the next attempt would start after
  // the deadline, before the deadline's own timer fires. The error still says what happened,
  // the last failure kept as the cause.
  Fault fault;
  fault.kind = FaultKind::status;
  fault.status = 503;
  fault.method = "POST";
  fault.path = "/api/v2/statements";
  fault.count = 1000;
  server().inject_fault(fault);
  Client client_ = client([](ConnectionOptions& o) { o.total_timeout = 1500ms; });
  expect_the_deadline_of_1500ms(client_, "HTTP 503");
}

TEST_F(PollFaults, ADeadlineThatStrikesAnAttemptInFlightStillNamesTheEarlierFailure) {
  // The first submission is answered 503; its retry is never answered, so the deadline ends the
  // statement while that attempt is in flight (its timer or the attempt's own limit, whichever
  // fires first). The error still names the 503 that made the client retry.
  Fault throttled;
  throttled.kind = FaultKind::status;
  throttled.status = 503;
  throttled.method = "POST";
  throttled.path = "/api/v2/statements";
  server().inject_fault(throttled);
  Fault silent = throttled;
  silent.kind = FaultKind::blackhole;
  server().inject_fault(silent);
  Client client_ = client([](ConnectionOptions& o) { o.total_timeout = 1500ms; });
  expect_the_deadline_of_1500ms(client_, "an earlier attempt failed: HTTP 503");
  EXPECT_EQ(server().counters().requests_with("POST /api/v2/statements", 503), 1U);
}

TEST(ClientTransport, UnreachableServerIsATransportError) {
  ConnectionOptions options = options_for_port(1);  // nothing listens there
  options.max_retries = 1;
  Client client_(options);
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected a transport error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport);
    EXPECT_EQ(error.http_status(), 0);
  }
}

}  // namespace
}  // namespace sfq::testing
