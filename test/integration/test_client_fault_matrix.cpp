// test_client_fault_matrix.cpp — the fault × operation matrix of docs/RELIABILITY.md, as data.
//
// One row per fault × operation (submit, poll, partition fetch, cancel). Each row names the
// emulator's fault in its --fault syntax (docs/MOCK.md), the client options it runs with, and
// what must happen: the operation succeeds with exactly one execution of the statement (the
// emulator's executions counter), or fails with the named typed error within its deadline (a
// cancel: the named outcome). Combinations that make no sense are rows too, with the reason,
// and are not run. Every case also checks that nothing leaks: the process's open file
// descriptors and libcurl easy handles are the same after the Client is gone as before it was
// made. Deadlines in the options are hang guards for the cases, never timing assertions.
#include <dirent.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/http_client.hpp"
#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;
using mock_snowflake::Counters;

constexpr auto kGuard = 60s;  // hang guard: every case ends far sooner

enum class Op { submit, poll, fetch, cancel };

const char* op_name(Op op) {
  switch (op) {
    case Op::submit:
      return "Submit";
    case Op::poll:
      return "Poll";
    case Op::fetch:
      return "Fetch";
    case Op::cancel:
      return "Cancel";
  }
  return "?";
}

// What a row expects.
enum class Expect {
  once,   // succeeds, the statement ran exactly once (a cancel: confirmed on the server)
  typed,  // fails with `category` (and `detail` when set); a cancel: `outcome`
  not_applicable,
};

struct Row {
  const char* fault;  // the fault's name in docs/RELIABILITY.md's table (a test name part)
  Op op;
  // The emulator fault in --fault syntax. Without `path=` the operation's own requests are
  // targeted (method and path added in front).
  const char* spec;
  Expect expect;
  std::optional<ErrorCategory> category = std::nullopt;
  std::optional<ErrorDetail> detail = std::nullopt;
  CancelOutcome outcome = CancelOutcome::cancelled_on_server;  // cancel rows
  std::chrono::milliseconds total_timeout{
      0};                    // the statement's deadline (Statement::total_timeout)
  const char* why_not = "";  // not_applicable rows
  int max_retries = 0;       // ConnectionOptions::max_retries; 0: the default
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.fault << " × " << op_name(row.op); }

// The requests each operation makes, as the emulator's fault targets.
std::string target_of(Op op) {
  switch (op) {
    case Op::submit:
      return "method=POST,path=/api/v2/statements,";
    case Op::poll:
      return "method=GET,path=/api/v2/statements/*,";
    case Op::fetch:
      return "method=GET,path=/api/v2/statements/*?*partition=*,";
    case Op::cancel:
      return "method=POST,path=/api/v2/statements/*/cancel,";
  }
  return "";
}

constexpr const char* kExpiredJwt =
    R"(kind=status,status=401,body={"code":"390144","message":"JWT token is invalid."})";
// Longer than any case: the emulator does not come back while the case runs.
constexpr const char* kRefusedPersistent = "kind=refuse,duration_ms=600000,count=1000";
constexpr const char* kExpiredJwtPersistent =
    R"(kind=status,status=401,count=1000,body={"code":"390144","message":"JWT token is invalid."})";

// Four rows of one fault that behaves alike on every operation.
#define SFQ_ALL_OPS(name, spec, ...)                                                \
  Row{name, Op::submit, spec, __VA_ARGS__}, Row{name, Op::poll, spec, __VA_ARGS__}, \
      Row{name, Op::fetch, spec, __VA_ARGS__}, Row {                                \
    name, Op::cancel, spec, __VA_ARGS__                                             \
  }

const std::vector<Row>& matrix() {
  static const std::vector<Row> rows = {
      SFQ_ALL_OPS("TooManyRequests", "kind=status,status=429,count=2", Expect::once),
      SFQ_ALL_OPS("TooManyRequestsRetryAfter", "kind=status,status=429,retry_after=1",
                  Expect::once),
      SFQ_ALL_OPS("InternalError", "kind=status,status=500,count=2", Expect::once),
      // `when=after`: a submission's statement runs, then its answer is lost.
      Row{"BadGateway", Op::submit, "kind=status,status=502,when=after,count=2", Expect::once},
      Row{"BadGateway", Op::poll, "kind=status,status=502,count=2", Expect::once},
      Row{"BadGateway", Op::fetch, "kind=status,status=502,count=2", Expect::once},
      Row{"BadGateway", Op::cancel, "kind=status,status=502,count=2", Expect::once},
      SFQ_ALL_OPS("Unavailable", "kind=status,status=503,count=2", Expect::once),
      Row{"GatewayTimeout", Op::submit, "kind=status,status=504,when=after,count=2", Expect::once},
      Row{"GatewayTimeout", Op::poll, "kind=status,status=504,count=2", Expect::once},
      Row{"GatewayTimeout", Op::fetch, "kind=status,status=504,count=2", Expect::once},
      Row{"GatewayTimeout", Op::cancel, "kind=status,status=504,count=2", Expect::once},
      // Throttling is retried until the request's time budget (retry_timeout) is spent.
      Row{"Persistent503", Op::submit, "kind=status,status=503,count=1000", Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"Persistent503", Op::poll, "kind=status,status=503,count=1000", Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"Persistent503", Op::fetch, "kind=status,status=503,count=1000", Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"Persistent503", Op::cancel, "kind=status,status=503,count=1000", Expect::typed,
          std::nullopt, std::nullopt, CancelOutcome::not_confirmed},
      SFQ_ALL_OPS("ResetBeforeHeaders", "kind=close_before_headers,count=2", Expect::once),
      // The request was processed (a submission's statement ran), then the connection closed
      // before the answer. On a reused keep-alive connection libcurl resends such a request by
      // itself, so every submission attempt carries retry=true, the first one too.
      SFQ_ALL_OPS("ResetBeforeHeadersAfterRunning", "kind=close_before_headers,when=after",
                  Expect::once),
      SFQ_ALL_OPS("ResetMidBody", "kind=truncated_body,count=2", Expect::once),
      SFQ_ALL_OPS("CorruptGzip", "kind=corrupt_gzip,count=2", Expect::once),
      SFQ_ALL_OPS("InvalidJsonOnce", "kind=invalid_json", Expect::once),
      // Asked for again max_retries times (2 here, to keep the case short), then given up.
      Row{"InvalidJsonPersistent", Op::submit, "kind=invalid_json,count=1000", Expect::typed,
          ErrorCategory::protocol, std::nullopt, CancelOutcome::cancelled_on_server, 0ms, "", 2},
      Row{"InvalidJsonPersistent", Op::poll, "kind=invalid_json,count=1000", Expect::typed,
          ErrorCategory::protocol, std::nullopt, CancelOutcome::cancelled_on_server, 0ms, "", 2},
      Row{"InvalidJsonPersistent", Op::fetch, "kind=invalid_json,count=1000", Expect::typed,
          ErrorCategory::protocol, std::nullopt, CancelOutcome::cancelled_on_server, 0ms, "", 2},
      // The cancel's answer is 200 whatever its body says: the server did cancel.
      Row{"InvalidJsonPersistent", Op::cancel, "kind=invalid_json,count=1000", Expect::once},
      SFQ_ALL_OPS("SlowDrip", "kind=slow_drip,drip_bytes=64,drip_ms=5", Expect::once),
      // Never stalls (a few bytes every 200 ms), never finishes within the deadline.
      Row{"SlowDripPastTheDeadline", Op::submit,
          "kind=slow_drip,drip_bytes=4,drip_ms=200,count=1000", Expect::typed,
          ErrorCategory::timeout, ErrorDetail::client_deadline, CancelOutcome::cancelled_on_server,
          1s},
      Row{"SlowDripPastTheDeadline", Op::poll, "kind=slow_drip,drip_bytes=4,drip_ms=200,count=1000",
          Expect::typed, ErrorCategory::timeout, ErrorDetail::client_deadline,
          CancelOutcome::cancelled_on_server, 1s},
      Row{"SlowDripPastTheDeadline", Op::fetch,
          "kind=slow_drip,drip_bytes=4,drip_ms=200,count=1000", Expect::typed,
          ErrorCategory::timeout, ErrorDetail::client_deadline, CancelOutcome::cancelled_on_server,
          1s},
      // A cancel has a deadline of its own (retry_timeout here): its attempts time out.
      Row{"SlowDripPastTheDeadline", Op::cancel,
          "kind=slow_drip,drip_bytes=4,drip_ms=200,count=1000", Expect::typed, std::nullopt,
          std::nullopt, CancelOutcome::not_confirmed},
      // Submissions: the attempt timeout; the others: stall detection. Then a retry.
      SFQ_ALL_OPS("Blackhole", "kind=blackhole", Expect::once),
      Row{"SilentAfter202", Op::submit, "", Expect::not_applicable, std::nullopt, std::nullopt,
          CancelOutcome::cancelled_on_server, 0ms,
          "the submission is the request answered 202; its own silence is the Blackhole row"},
      Row{"SilentAfter202", Op::poll, "kind=silent_after,answers=1,path=/api/v2/statements*",
          Expect::once},
      Row{"SilentAfter202", Op::fetch, "", Expect::not_applicable, std::nullopt, std::nullopt,
          CancelOutcome::cancelled_on_server, 0ms,
          "a partition is fetched only after a 200; a silent fetch is the Blackhole row"},
      Row{"SilentAfter202", Op::cancel, "", Expect::not_applicable, std::nullopt, std::nullopt,
          CancelOutcome::cancelled_on_server, 0ms,
          "a cancel goes through its own lane whatever the polls do; a silent cancel is the "
          "Blackhole row"},
      // The connection is reset when reused: by the request after the one that struck it.
      Row{"KeepAliveClose", Op::submit, "kind=close_idle,method=POST,path=/api/v2/statements",
          Expect::once},
      Row{"KeepAliveClose", Op::poll, "kind=close_idle,method=POST,path=/api/v2/statements",
          Expect::once},
      Row{"KeepAliveClose", Op::fetch, "kind=close_idle,method=POST,path=/api/v2/statements",
          Expect::once},
      Row{"KeepAliveClose", Op::cancel, "kind=close_idle,method=GET,path=/api/v2/statements/*",
          Expect::once},
      // Refused for 300 ms, then listening again: the retries get through.
      SFQ_ALL_OPS("ConnectionRefused", "kind=refuse,duration_ms=300", Expect::once),
      // The emulator goes away for good once the operation starts (after the submission was
      // answered, for all but the submit row): every request of the operation is cut without an
      // answer and every new connect is refused. The request fails once its time budget
      // (retry_timeout) is spent; a poll or fetch names the statement the server accepted and
      // is not `cannot_connect`; a cancel is not confirmed.
      // Submit: the first attempt goes out on the warm-up's keep-alive connection and is cut;
      // libcurl resends it by itself on a new connection, which is refused, and reports only
      // the refusal. The request did leave (CURLOPT_PREREQFUNCTION saw it), so the error is not
      // `cannot_connect`: the server may have the statement (here `refuse` strikes before it
      // runs, but the client cannot know that).
      Row{"ConnectionRefusedPersistent", Op::submit, kRefusedPersistent, Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"ConnectionRefusedPersistent", Op::poll, kRefusedPersistent, Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"ConnectionRefusedPersistent", Op::fetch, kRefusedPersistent, Expect::typed,
          ErrorCategory::transport, ErrorDetail::none},
      Row{"ConnectionRefusedPersistent", Op::cancel, kRefusedPersistent, Expect::typed,
          std::nullopt, std::nullopt, CancelOutcome::not_confirmed},
      // New connects neither complete nor fail for half a second: connect_timeout, then retries.
      SFQ_ALL_OPS("ConnectTimeout", "kind=connect_timeout,duration_ms=500", Expect::once),
      // The token is rejected as invalid once (what the service answers for an expired one):
      // a new one is minted and the request sent again.
      SFQ_ALL_OPS("ExpiredJwt", kExpiredJwt, Expect::once),
      Row{"ExpiredJwtPersistent", Op::submit, kExpiredJwtPersistent, Expect::typed,
          ErrorCategory::auth},
      Row{"ExpiredJwtPersistent", Op::poll, kExpiredJwtPersistent, Expect::typed,
          ErrorCategory::auth},
      Row{"ExpiredJwtPersistent", Op::fetch, kExpiredJwtPersistent, Expect::typed,
          ErrorCategory::auth},
      Row{"ExpiredJwtPersistent", Op::cancel, kExpiredJwtPersistent, Expect::typed, std::nullopt,
          std::nullopt, CancelOutcome::not_confirmed},
  };
  return rows;
}
#undef SFQ_ALL_OPS

std::size_t open_fds() {
  std::size_t count = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir) != nullptr) ++count;
    ::closedir(dir);
  }
  return count;
}

class FaultMatrix : public MockTest, public ::testing::WithParamInterface<Row> {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.partitions.first_partition_rows = 50;
    options.partitions.max_partition_rows = 200;
  }

  void inject(const Row& row) {
    std::string spec = row.spec;
    if (spec.find("path=") == std::string::npos) spec = target_of(row.op) + spec;
    std::string error;
    const auto fault = mock_snowflake::parse_fault_spec(spec, error);
    ASSERT_TRUE(fault.has_value()) << spec << ": " << error;
    server().inject_fault(*fault);
  }

  ConnectionOptions options_for(const Row& row) const {
    // Short limits keep the cases that wait one out short: an attempt that is never answered
    // (request_timeout), a stall (stall_timeout: whole seconds, 1 is the least) and a budget
    // of retries (retry_timeout; above the 1 s a Retry-After row asks for).
    ConnectionOptions options = connection();
    options.connect_timeout = 200ms;
    options.request_timeout = 1s;
    options.stall_timeout = 1s;
    options.retry_timeout = 1500ms;
    if (row.max_retries > 0) options.max_retries = row.max_retries;
    // One fetch at a time: every fetch then reuses the one connection a fault cuts.
    options.prefetch_partitions = 1;
    return options;
  }

  // The row's statement, with the row's deadline (only it: the warm-up has none).
  static Statement statement_for(const Row& row, std::string sql) {
    Statement statement(std::move(sql));
    if (row.total_timeout.count() > 0) statement.total_timeout = row.total_timeout;
    return statement;
  }

  // Reads one statement's result within the hang guard (taking each batch as it comes, so the
  // fetch window moves): the result, or the error it ended with.
  static Result<QueryResult> run(Query& query) {
    const auto guard = std::chrono::steady_clock::now() + kGuard;
    try {
      QueryResult result;
      while (auto batch = query.next_batch_until(guard))
        result.batches.push_back(*std::move(batch));
      result.meta = query.metadata();
      return result;
    } catch (const Error& error) {
      if (std::chrono::steady_clock::now() >= guard) {
        return Error(ErrorCategory::cancelled, "the case hung past its guard");
      }
      return error;
    }
  }

  void check_failure(const Row& row, const Result<QueryResult>& result) {
    ASSERT_FALSE(result.ok()) << "expected a typed error";
    const Error& error = result.error();
    EXPECT_EQ(std::string(error.what()).find("hung past its guard"), std::string::npos);
    if (row.category) {
      EXPECT_EQ(error.category(), *row.category) << error.what();
    }
    if (row.detail) {
      EXPECT_EQ(error.detail(), *row.detail) << error.what();
    }
    if (row.detail == ErrorDetail::client_deadline) {
      EXPECT_NE(error.message().find("deadline"), std::string::npos) << error.what();
    }
  }

  void submit_case(Client& c, const Row& row) {
    // A statement first, so that the faulted submissions reuse its keep-alive connection, as
    // most submissions of a busy client do.
    const QueryResult warm_up = c.execute("select 0 as warm_up");
    ASSERT_EQ(rows_as_text(warm_up).at(0).at(0), "0");
    inject(row);
    // Two statements one after the other: the second reuses the first one's connection (what
    // the KeepAliveClose row needs); the first meets every other fault.
    for (int i = 0; i < 2; ++i) {
      Statement statement = statement_for(row, "select 40 + " + std::to_string(i) + " as answer");
      Query query = c.submit(statement);
      const Result<QueryResult> result = run(query);
      const auto executions = server().counters().executions_of(query.request_id());
      if (row.expect == Expect::typed) {
        check_failure(row, result);
        EXPECT_LE(executions, 1U);
        return;
      }
      ASSERT_TRUE(result.ok()) << result.error().what();
      EXPECT_EQ(rows_as_text(result.value()).at(0).at(0), std::to_string(40 + i));
      EXPECT_EQ(executions, 1U);
    }
  }

  void poll_case(Client& c, const Row& row) {
    server().set_sync_window(30ms);  // answers 202: the statement is polled
    inject(row);
    Query query =
        c.submit(statement_for(row, "select system$wait(100, 'MILLISECONDS') as w, 5 as five"));
    const Result<QueryResult> result = run(query);
    EXPECT_EQ(server().counters().executions_of(query.request_id()), 1U);
    if (row.expect == Expect::typed) {
      check_failure(row, result);
      return;
    }
    ASSERT_TRUE(result.ok()) << result.error().what();
    EXPECT_EQ(rows_as_text(result.value()).at(0).at(1), "5");
  }

  void fetch_case(Client& c, const Row& row) {
    inject(row);
    Query query =
        c.submit(statement_for(row, "select seq4() as n from table(generator(rowcount => 2000))"));
    const Result<QueryResult> result = run(query);
    EXPECT_EQ(server().counters().executions_of(query.request_id()), 1U);
    if (row.expect == Expect::typed) {
      check_failure(row, result);
      return;
    }
    ASSERT_TRUE(result.ok()) << result.error().what();
    ASSERT_EQ(result.value().row_count(), 2000U);
    ASSERT_GE(result.value().meta.partitions.size(), 3U) << "the fetches were exercised";
    std::int64_t expected = 0;
    for (const auto& batch : result.value().batches) {
      for (std::size_t r = 0; r < batch.rows; ++r) {
        ASSERT_EQ(batch.columns[0].int64_value(r), expected++);
      }
    }
  }

  void cancel_case(Client& c, const Row& row) {
    server().set_sync_window(50ms);
    Query query = c.submit(Statement("select system$wait(30) as w"));
    ASSERT_TRUE(eventually([&] { return query.state() == QueryState::running; }, kGuard));
    inject(row);
    const std::shared_future<CancelResult> future = query.cancel();
    ASSERT_EQ(future.wait_for(kGuard), std::future_status::ready) << "no cancel outcome";
    const CancelResult result = future.get();
    const CancelOutcome expected =
        row.expect == Expect::once ? CancelOutcome::cancelled_on_server : row.outcome;
    EXPECT_EQ(result.outcome, expected)
        << to_string(result.outcome) << ": " << (result.error ? result.error->what() : "");
    EXPECT_EQ(server().counters().executions_of(query.request_id()), 1U);
    if (result.outcome == CancelOutcome::not_confirmed) {
      EXPECT_TRUE(result.error.has_value()) << "an unconfirmed cancel says why";
    }
    if (expected == CancelOutcome::cancelled_on_server) {
      EXPECT_TRUE(eventually([&] {
        return server().statement_state(query.statement_handle()) ==
               mock_snowflake::StatementState::cancelled;
      }));
    }
  }
};

TEST_P(FaultMatrix, Case) {
  const Row& row = GetParam();
  const std::size_t fds_before = open_fds();
  const std::uint64_t handles_before = detail::live_easy_handles();
  {
    Client c(options_for(row));
    switch (row.op) {
      case Op::submit:
        submit_case(c, row);
        break;
      case Op::poll:
        poll_case(c, row);
        break;
      case Op::fetch:
        fetch_case(c, row);
        break;
      case Op::cancel:
        cancel_case(c, row);
        break;
    }
    if (row.expect == Expect::once && row.op != Op::cancel) {
      EXPECT_EQ(server().pending_faults(), 0U) << "the fault was met";
    }
    EXPECT_EQ(c.stats().curl_calls_off_loop_thread, 0U);
  }
  EXPECT_EQ(detail::live_easy_handles(), handles_before) << "an easy handle leaked";
  // The emulator closes its side of each connection once the client has closed its own.
  EXPECT_TRUE(eventually([&] { return open_fds() <= fds_before; }, 20s))
      << open_fds() << " descriptors open, " << fds_before << " before the client";
}

std::vector<Row> runnable_rows() {
  std::vector<Row> rows;
  for (const Row& row : matrix()) {
    if (row.expect != Expect::not_applicable) rows.push_back(row);
  }
  return rows;
}

INSTANTIATE_TEST_SUITE_P(Rows, FaultMatrix, ::testing::ValuesIn(runnable_rows()),
                         [](const auto& info) {
                           return std::string(info.param.fault) + "_" + op_name(info.param.op);
                         });

TEST(FaultMatrixTable, EveryFaultHasOneRowPerOperationAndEveryGapHasAReason) {
  std::set<std::string> faults;
  std::set<std::pair<std::string, Op>> seen;
  for (const Row& row : matrix()) {
    faults.insert(row.fault);
    EXPECT_TRUE(seen.emplace(row.fault, row.op).second)
        << row.fault << " × " << op_name(row.op) << " twice";
    if (row.expect == Expect::not_applicable) {
      EXPECT_GT(std::string(row.why_not).size(), 20U) << row.fault << " × " << op_name(row.op);
    } else {
      std::string error;
      EXPECT_TRUE(mock_snowflake::parse_fault_spec(row.spec, error).has_value())
          << row.spec << ": " << error;
    }
  }
  EXPECT_EQ(seen.size(), faults.size() * 4) << "a fault lacks a row for some operation";
  EXPECT_GE(faults.size(), 20U);
}

}  // namespace
}  // namespace sfq::testing
