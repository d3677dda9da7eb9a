// Table tests of the retry policy's pure functions (src/sqlapi/retry.hpp) and of the statement
// request builder (src/sqlapi/request.hpp): every row is one input and its expected answer.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sqlapi/request.hpp"
#include "sqlapi/retry.hpp"

namespace sfq::detail {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct ClassifyRow {
  RequestKind kind;
  int status;
  const char* code;
  Verdict expected;
};

TEST(sqlapi_retry, ClassifyStatuses) {
  const std::vector<ClassifyRow> rows = {
      {RequestKind::submit, 0, "", Verdict::retry},
      {RequestKind::submit, 200, "", Verdict::done},
      {RequestKind::submit, 202, "", Verdict::done},
      {RequestKind::submit, 408, "", Verdict::done},
      {RequestKind::submit, 422, "", Verdict::done},
      {RequestKind::submit, 400, "", Verdict::fail},
      {RequestKind::submit, 403, "", Verdict::fail},
      {RequestKind::submit, 404, "", Verdict::fail},
      {RequestKind::submit, 401, "390144", Verdict::reauth},
      {RequestKind::poll, 401, "390318", Verdict::reauth},
      {RequestKind::cancel, 401, "390112", Verdict::reauth},
      {RequestKind::submit, 401, "390100", Verdict::fail},
      {RequestKind::submit, 401, "", Verdict::fail},
      {RequestKind::submit, 429, "", Verdict::throttled},
      {RequestKind::partition, 429, "", Verdict::throttled},
      {RequestKind::cancel, 429, "", Verdict::throttled},
      {RequestKind::probe, 429, "", Verdict::throttled},
      {RequestKind::poll, 429, "", Verdict::still_running},
      {RequestKind::submit, 503, "", Verdict::throttled},
      {RequestKind::poll, 503, "", Verdict::throttled},
      {RequestKind::submit, 500, "", Verdict::retry},
      {RequestKind::partition, 502, "", Verdict::retry},
      {RequestKind::cancel, 504, "", Verdict::retry},
      {RequestKind::submit, 501, "", Verdict::fail},
      {RequestKind::submit, 505, "", Verdict::fail},
  };
  for (const ClassifyRow& row : rows) {
    EXPECT_EQ(classify(row.kind, row.status, row.code), row.expected)
        << "kind " << static_cast<int>(row.kind) << ", HTTP " << row.status << ", code "
        << row.code;
  }
}

TEST(sqlapi_retry, ClassifyAttemptErrors) {
  struct Row {
    Error error;
    Verdict expected;
  };
  const std::vector<Row> rows = {
      {Error(ErrorCategory::transport, "refused", ErrorDetail::cannot_connect), Verdict::retry},
      {Error(ErrorCategory::transport, "reset"), Verdict::retry},
      {Error(ErrorCategory::transport, "untrusted", ErrorDetail::untrusted_certificate),
       Verdict::fail},
      {Error(ErrorCategory::timeout, "timed out"), Verdict::retry},
      {Error(ErrorCategory::timeout, "stalled", ErrorDetail::stalled), Verdict::retry},
      {Error(ErrorCategory::protocol, "body over the limit"), Verdict::fail},
      {Error(ErrorCategory::auth, "no key"), Verdict::fail},
      {Error(ErrorCategory::cancelled, "cancelled"), Verdict::fail},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(classify_error(row.error), row.expected) << row.error.what();
  }
}

TEST(sqlapi_retry, BackoffStaysWithinItsJitterRange) {
  const BackoffPolicy policy{100ms, 16000ms};
  struct Row {
    int attempt;
    std::chrono::milliseconds low;
    std::chrono::milliseconds high;
  };
  const std::vector<Row> rows = {
      {0, 50ms, 100ms},   {1, 50ms, 200ms},   {2, 50ms, 400ms},    {5, 50ms, 3200ms},
      {7, 50ms, 12800ms}, {8, 50ms, 16000ms}, {30, 50ms, 16000ms}, {-1, 50ms, 100ms},
  };
  for (const Row& row : rows) {
    std::chrono::milliseconds smallest = row.high;
    std::chrono::milliseconds largest = row.low;
    for (int i = 0; i < 500; ++i) {
      const auto delay = backoff_delay(policy, row.attempt, std::nullopt);
      ASSERT_GE(delay, row.low) << "attempt " << row.attempt;
      ASSERT_LE(delay, row.high) << "attempt " << row.attempt;
      smallest = std::min(smallest, delay);
      largest = std::max(largest, delay);
    }
    if (row.high - row.low >= 100ms) {
      EXPECT_LT(smallest, largest) << "attempt " << row.attempt << ": the delay is jittered";
    }
  }
}

TEST(sqlapi_retry, RetryAfterIsHonouredExactlyAndNeverCapped) {
  const BackoffPolicy policy{100ms, 16000ms};
  struct Row {
    int seconds;
    std::chrono::milliseconds expected;
  };
  const std::vector<Row> rows = {
      {0, 0ms}, {1, 1000ms}, {8, 8000ms}, {30, 30000ms}, {600, 600000ms}};
  for (const Row& row : rows) {
    for (int attempt : {0, 3, 12}) {
      EXPECT_EQ(backoff_delay(policy, attempt, row.seconds), row.expected)
          << row.seconds << " s at attempt " << attempt;
    }
  }
}

TEST(sqlapi_retry, ParseRetryAfter) {
  struct Row {
    const char* header;
    std::optional<int> expected;
  };
  const std::vector<Row> rows = {
      {"5", 5},
      {"0", 0},
      {"  30 ", 30},
      {"120", 120},
      {"", std::nullopt},
      {"-1", std::nullopt},
      {"1.5", std::nullopt},
      {"abc", std::nullopt},
      {"5s", std::nullopt},
      {"Wed, 21 Oct 2015 07:28:00 GMT", std::nullopt},
      {"99999999999999", std::nullopt},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(parse_retry_after(row.header), row.expected) << "'" << row.header << "'";
  }
}

TEST(sqlapi_retry, MayRetryWithinTheBudget) {
  const Clock::time_point now = Clock::now();
  struct Row {
    const char* name;
    std::chrono::milliseconds delay;
    std::chrono::milliseconds budget_left;
    int retries;
    int max_retries;
    bool throttled;
    bool expected;
  };
  const std::vector<Row> rows = {
      {"first retry", 100ms, 10s, 0, 7, false, true},
      {"count spent", 100ms, 10s, 7, 7, false, false},
      {"no retries allowed", 100ms, 10s, 0, 0, false, false},
      {"throttling ignores the count", 100ms, 10s, 50, 7, true, true},
      {"delay past the budget", 11s, 10s, 0, 7, false, false},
      {"throttled delay past the budget", 11s, 10s, 0, 7, true, false},
      {"Retry-After within the budget", 30s, 60s, 0, 7, true, true},
      {"budget gone", 0ms, 0ms, 0, 7, true, false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(may_retry(now, row.delay, now + row.budget_left, row.retries, row.max_retries,
                        row.throttled),
              row.expected)
        << row.name;
  }
  EXPECT_TRUE(may_retry(now, 16s, Clock::time_point::max(), 0, 7, false)) << "no deadline";
}

TEST(sqlapi_retry, PollDelayIsFourPercentOfTheStatementsAgeWithinItsBounds) {
  const std::vector<std::pair<std::chrono::milliseconds, std::chrono::milliseconds>> rows = {
      {0ms, 25ms},  {100ms, 25ms}, {625ms, 25ms}, {650ms, 26ms}, {1000ms, 40ms}, {3000ms, 120ms},
      {10s, 400ms}, {20s, 800ms},  {25s, 1000ms}, {45s, 1000ms}, {-5ms, 25ms},   {24h, 1000ms}};
  for (const auto& [elapsed, expected] : rows) {
    EXPECT_EQ(poll_delay(elapsed), expected) << elapsed.count() << " ms";
  }
  EXPECT_EQ(poll_delay(60s, 300ms), 300ms);
  // The promise: a statement that ends just after a poll is seen within max(25 ms, 4 %) plus
  // the next poll's round trip (1 % of its time is left for that round trip).
  for (auto elapsed = 0ms; elapsed < 120s; elapsed += 7ms) {
    const auto delay = poll_delay(elapsed);
    EXPECT_LE(delay.count(), std::max<std::int64_t>(25, (elapsed + delay).count() / 25))
        << elapsed.count();
  }
}

TEST(sqlapi_request, StatementBodies) {
  ConnectionOptions defaults;
  ConnectionOptions with_context;
  with_context.database = "analytics";
  with_context.schema = "\"Mixed\"";
  with_context.warehouse = "wh";
  with_context.role = "r";
  with_context.statement_timeout = 60s;
  struct Row {
    const char* name;
    Statement statement;
    const ConnectionOptions* options;
    const char* expected;
  };
  Statement bound("select ?, :n");
  bound.bind(BindValue::integer(42)).bind("n", BindValue::text("x"));
  Statement overrides("select 1");
  overrides.database = "db2";
  overrides.timeout = 0s;
  overrides.query_tag = "tag";
  overrides.multi_statement_count = 0;
  overrides.parameters["timezone"] = "UTC";
  const std::vector<Row> rows = {
      {"plain", Statement("select 1"), &defaults, R"({"statement":"select 1"})"},
      {"escaped", Statement("select '\"'\n"), &defaults, R"({"statement":"select '\"'\n"})"},
      {"context", Statement("select 1"), &with_context,
       R"({"statement":"select 1","timeout":60,"database":"ANALYTICS","schema":"Mixed",)"
       R"("warehouse":"WH","role":"R"})"},
      {"bindings", bound, &defaults,
       R"({"statement":"select ?, :n","bindings":{"1":{"type":"FIXED","value":"42"},)"
       R"("n":{"type":"TEXT","value":"x"}}})"},
      {"overrides", overrides, &with_context,
       R"({"statement":"select 1","timeout":0,"database":"DB2","schema":"Mixed",)"
       R"("warehouse":"WH","role":"R","parameters":{"TIMEZONE":"UTC",)"
       R"("MULTI_STATEMENT_COUNT":"0","QUERY_TAG":"tag"}})"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(build_statement_body(row.statement, *row.options), row.expected) << row.name;
  }
}

TEST(sqlapi_request, SubmitUrls) {
  const std::string base = "http://127.0.0.1:1";
  EXPECT_EQ(submit_url(base, "id", {false, false}), base + "/api/v2/statements?requestId=id");
  EXPECT_EQ(submit_url(base, "id", {true, false}),
            base + "/api/v2/statements?requestId=id&retry=true");
  EXPECT_EQ(submit_url(base, "id", {true, true}),
            base + "/api/v2/statements?requestId=id&retry=true&async=true");
  EXPECT_EQ(cancel_url(base, "h"), base + "/api/v2/statements/h/cancel");
  EXPECT_EQ(status_url(base, "h", 3), base + "/api/v2/statements/h?partition=3");
}

TEST(sqlapi_request, RequestIdsAreVersion4Uuids) {
  // 8-4-4-4-12 lower-case hex digits, version 4, the RFC 4122 variant; never the same twice.
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  std::set<char> digits;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_request_id();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
    digits.insert(id.begin(), id.end());
  }
  // Every hex digit turns up somewhere (no digit stuck, no nibble skipped), and the dashes.
  EXPECT_EQ(digits.size(), 17U);
}

}  // namespace
}  // namespace sfq::detail
