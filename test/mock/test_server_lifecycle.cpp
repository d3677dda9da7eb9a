// test_server_lifecycle.cpp — the statement lifecycle over HTTP: the sync window and 202,
// async=true, polling, statement timeouts, cancel, idempotent retries counted on the server,
// and multi-statement requests with their child handles.
#include <future>
#include <regex>

#include "support/mock_test_support.hpp"

namespace {

using mock_snowflake::Counters;
using mock_snowflake::StatementState;
using mock_test::HttpResult;
using mock_test::keys_of;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kAsyncMessage[] =
    "Asynchronous execution in progress. Use provided query id to perform query monitoring and "
    "management.";

class MockserverLifecycle : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    // Long enough for any quick statement on a loaded machine; tests that want a 202 shorten it.
    options.sync_window = seconds(30);
  }

  static void expect_query_status(const HttpResult& result, const std::string& handle = "") {
    ASSERT_EQ(result.status, 202) << result.body;
    const auto json = result.json();
    EXPECT_EQ(keys_of(json), (std::vector<std::string>{"code", "message", "statementHandle",
                                                       "statementStatusUrl"}));
    EXPECT_STREQ(json["code"].GetString(), "333334");
    EXPECT_STREQ(json["message"].GetString(), kAsyncMessage);
    const std::string h = json["statementHandle"].GetString();
    if (!handle.empty()) {
      EXPECT_EQ(h, handle);
    }
    EXPECT_EQ(json["statementStatusUrl"].GetString(), "/api/v2/statements/" + h);
  }

  std::string submit_async(const std::string& sql, const std::string& extra_query = "") {
    const HttpResult result = post_sql(sql, "?async=true" + extra_query);
    expect_query_status(result);
    return result.json()["statementHandle"].GetString();
  }

  bool wait_idle() {
    return server_->wait_until([](const Counters& c) { return c.statements_running == 0; },
                               seconds(30));
  }
};

TEST_F(MockserverLifecycle, SlowStatementAnswers202ThenPollsTo200) {
  server_->set_sync_window(milliseconds(300));
  const HttpResult first = post_sql("SELECT SYSTEM$WAIT(1)");
  expect_query_status(first);
  const std::string handle = first.json()["statementHandle"].GetString();
  const HttpResult done = wait_finished(handle);
  ASSERT_EQ(done.status, 200) << done.body;
  const auto json = done.json();
  EXPECT_STREQ(json["statementHandle"].GetString(), handle.c_str());
  EXPECT_EQ(json["resultSetMetaData"]["numRows"].GetInt(), 1);
  EXPECT_EQ(server_->statement_state(handle), StatementState::succeeded);
}

TEST_F(MockserverLifecycle, AsyncTrueAnswers202EvenForInstantStatements) {
  const std::string handle = submit_async("SELECT 1");
  const HttpResult done = wait_finished(handle);
  ASSERT_EQ(done.status, 200);
  EXPECT_STREQ(done.json()["data"][0][0].GetString(), "1");
}

TEST_F(MockserverLifecycle, PollsAnswerWhileAPostWaitsForItsWindow) {
  const std::string request_id = "0b1f3c52-7a9e-4d2b-9f00-000000000001";
  auto waiting = std::async(std::launch::async, [&] {
    return post_sql("SELECT SYSTEM$WAIT(60)", "?requestId=" + request_id);
  });
  ASSERT_TRUE(server_->wait_until([](const Counters& c) { return c.statements_running == 1; },
                                  seconds(30)));
  const auto handle = server_->statement_handle(request_id);
  ASSERT_TRUE(handle);
  // The POST is blocked in its sync window; other requests are served meanwhile.
  expect_query_status(get("/api/v2/statements/" + *handle), *handle);
  EXPECT_EQ(post_sql("SELECT 5").status, 200);
  // Cancelling releases the waiting POST with the cancellation.
  EXPECT_EQ(request("POST", "/api/v2/statements/" + *handle + "/cancel").status, 200);
  const HttpResult posted = waiting.get();
  ASSERT_EQ(posted.status, 422) << posted.body;
  EXPECT_STREQ(posted.json()["code"].GetString(), "000604");
  EXPECT_TRUE(wait_idle());
}

TEST_F(MockserverLifecycle, TimeoutOnPostIs408) {
  server_->set_sync_window(seconds(60));
  const HttpResult result =
      post_statement(R"json({"statement":"SELECT SYSTEM$WAIT(60)","timeout":1})json");
  ASSERT_EQ(result.status, 408) << result.body;
  const auto json = result.json();
  EXPECT_STREQ(json["code"].GetString(), "000630");
  EXPECT_STREQ(json["sqlState"].GetString(), "57014");
  EXPECT_STREQ(json["message"].GetString(),
               "Statement reached its statement or warehouse timeout of 1 second(s) and was "
               "canceled.");
  const std::string handle = json["statementHandle"].GetString();
  EXPECT_EQ(server_->statement_state(handle), StatementState::timed_out);
  const HttpResult later = get("/api/v2/statements/" + handle);
  ASSERT_EQ(later.status, 422);
  EXPECT_STREQ(later.json()["code"].GetString(), "000630");
  EXPECT_TRUE(wait_idle()) << "the engine was told to stop";
}

TEST_F(MockserverLifecycle, TimeoutAfterAsyncSubmitIs422OnPoll) {
  const HttpResult submitted = post_statement(
      R"json({"statement":"SELECT SYSTEM$WAIT(60)","timeout":"1"})json", "?async=true");
  expect_query_status(submitted);
  const HttpResult done = wait_finished(submitted.json()["statementHandle"].GetString());
  ASSERT_EQ(done.status, 422) << done.body;
  EXPECT_STREQ(done.json()["code"].GetString(), "000630");
}

TEST_F(MockserverLifecycle, CancelRunningStatement) {
  const std::string handle = submit_async("SELECT SYSTEM$WAIT(60)");
  ASSERT_TRUE(server_->wait_until([](const Counters& c) { return c.statements_running == 1; },
                                  seconds(30)));
  const HttpResult cancelled = request("POST", "/api/v2/statements/" + handle + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  const auto json = cancelled.json();
  EXPECT_EQ(keys_of(json), (std::vector<std::string>{"code", "sqlState", "message",
                                                     "statementHandle", "statementStatusUrl"}));
  EXPECT_STREQ(json["code"].GetString(), "000604");
  EXPECT_STREQ(json["sqlState"].GetString(), "57014");
  EXPECT_STREQ(json["message"].GetString(), "SQL execution canceled");
  // Reality: the legacy path without /v2 (the reference example shows /api/v2/...).
  EXPECT_EQ(json["statementStatusUrl"].GetString(), "/api/statements/" + handle);
  const HttpResult later = get("/api/v2/statements/" + handle);
  ASSERT_EQ(later.status, 422);
  EXPECT_STREQ(later.json()["code"].GetString(), "000604");
  EXPECT_STREQ(later.json()["sqlState"].GetString(), "57014");
  EXPECT_EQ(server_->statement_state(handle), StatementState::cancelled);
  EXPECT_EQ(server_->counters().cancels_by_handle.at(handle), 1u);
  EXPECT_TRUE(wait_idle()) << "the engine stopped the statement";
}

// SYSTEM$WAIT waits on a timer, not on a statement thread: with a pool of one thread, quick
// statements still run while long waits are held, and the waits still answer and cancel as before.
class OneStatementThread : public MockserverLifecycle {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    MockserverLifecycle::configure(options);
    options.max_threads = 1;
  }
};

TEST_F(OneStatementThread, WaitingStatementsHoldNoThread) {
  std::vector<std::string> waiting;
  for (int i = 0; i < 3; ++i) waiting.push_back(submit_async("SELECT SYSTEM$WAIT(60)"));
  // Were a wait holding the only thread, this would queue behind it for a minute (and the
  // 30 s sync window would answer 202).
  const HttpResult quick = post_sql("SELECT 1");
  ASSERT_EQ(quick.status, 200) << quick.body;
  for (const auto& handle : waiting) {
    EXPECT_EQ(get("/api/v2/statements/" + handle).status, 202) << "still running";
  }
  const HttpResult short_wait = post_sql("SELECT SYSTEM$WAIT(20, 'MILLISECONDS') AS W");
  ASSERT_EQ(short_wait.status, 200) << short_wait.body;
  EXPECT_STREQ(short_wait.json()["data"][0][0].GetString(), "waited 20 milliseconds");
  for (const auto& handle : waiting) {
    ASSERT_EQ(request("POST", "/api/v2/statements/" + handle + "/cancel").status, 200);
    const HttpResult later = get("/api/v2/statements/" + handle);
    ASSERT_EQ(later.status, 422) << later.body;
    EXPECT_STREQ(later.json()["code"].GetString(), "000604");
  }
  EXPECT_TRUE(wait_idle());
}

// A SYSTEM$WAIT on a computed value waits inside the engine and holds its statement thread. With
// more such statements than the pool's core of threads (2 x hardware threads, at least 4), the
// pool must grow, or a quick statement would queue behind them.
TEST_F(MockserverLifecycle, StatementsHoldingThreadsBeyondThePoolCoreDoNotBlockOthers) {
  std::vector<std::string> holding;
  for (int i = 0; i < 10; ++i) {
    holding.push_back(submit_async("SELECT SYSTEM$WAIT(A) FROM (SELECT 60 AS A)"));
  }
  ASSERT_TRUE(server_->wait_until([](const Counters& c) { return c.statements_running == 10; },
                                  seconds(30)));
  const HttpResult quick = post_sql("SELECT 1");
  ASSERT_EQ(quick.status, 200) << quick.body;
  for (const auto& handle : holding) {
    EXPECT_EQ(get("/api/v2/statements/" + handle).status, 202) << "still running";
    ASSERT_EQ(request("POST", "/api/v2/statements/" + handle + "/cancel").status, 200);
  }
  EXPECT_TRUE(wait_idle()) << "the engine stopped the waits";
}

TEST_F(MockserverLifecycle, CancelFinishedStatementIs200AndKeepsResult) {
  const std::string handle = post_sql("SELECT 1").json()["statementHandle"].GetString();
  EXPECT_EQ(request("POST", "/api/v2/statements/" + handle + "/cancel").status, 200);
  EXPECT_EQ(server_->statement_state(handle), StatementState::succeeded);
  EXPECT_EQ(get("/api/v2/statements/" + handle).status, 200);
}

TEST_F(MockserverLifecycle, CancelUnknownHandleIs422_000709) {
  const std::string handle = "019c07bc-0000-df4f-0000-001000067c3e";
  const HttpResult result = request("POST", "/api/v2/statements/" + handle + "/cancel");
  ASSERT_EQ(result.status, 422);
  const auto json = result.json();
  EXPECT_STREQ(json["code"].GetString(), "000709");
  EXPECT_EQ(json["message"].GetString(), "Statement " + handle + " not found");
  EXPECT_STREQ(json["sqlState"].GetString(), "02000");
  EXPECT_EQ(json["statementHandle"].GetString(), handle);
}

TEST_F(MockserverLifecycle, RetryWithSameRequestIdExecutesOnce) {
  const std::string id = "ea7b46ed-bdc1-4c32-9593-764fcad64e83";
  const HttpResult first = post_sql("SELECT 1", "?requestId=" + id);
  ASSERT_EQ(first.status, 200);
  const HttpResult retried = post_sql("SELECT 1", "?requestId=" + id + "&retry=true");
  ASSERT_EQ(retried.status, 200);
  EXPECT_STREQ(retried.json()["statementHandle"].GetString(),
               first.json()["statementHandle"].GetString());
  EXPECT_EQ(server_->counters().executions_of(id), 1u);
}

TEST_F(MockserverLifecycle, RepeatedRequestIdWithoutRetryRunsAgain) {
  const std::string id = "ea7b46ed-bdc1-4c32-9593-764fcad64e84";
  const HttpResult first = post_sql("SELECT 1", "?requestId=" + id);
  const HttpResult second = post_sql("SELECT 1", "?requestId=" + id);
  ASSERT_EQ(second.status, 200);
  EXPECT_STRNE(second.json()["statementHandle"].GetString(),
               first.json()["statementHandle"].GetString());
  EXPECT_EQ(server_->counters().executions_of(id), 2u);
}

TEST_F(MockserverLifecycle, RetryWhileRunningAnswersFromTheRunningStatement) {
  const std::string id = "ea7b46ed-bdc1-4c32-9593-764fcad64e85";
  server_->set_sync_window(milliseconds(300));
  const std::string handle = submit_async("SELECT SYSTEM$WAIT(60)", "&requestId=" + id);
  const HttpResult retried = post_sql("SELECT SYSTEM$WAIT(60)", "?requestId=" + id + "&retry=true");
  expect_query_status(retried, handle);
  EXPECT_EQ(server_->counters().executions_of(id), 1u);
  EXPECT_EQ(request("POST", "/api/v2/statements/" + handle + "/cancel").status, 200);
  const HttpResult after_cancel =
      post_sql("SELECT SYSTEM$WAIT(60)", "?requestId=" + id + "&retry=true");
  EXPECT_EQ(after_cancel.status, 422) << "answered from the cancelled statement";
  EXPECT_EQ(server_->counters().executions_of(id), 1u);
  EXPECT_TRUE(wait_idle());
}

TEST_F(MockserverLifecycle, MultiStatementRunsEachAndExposesChildren) {
  const HttpResult result = post_statement(
      R"({"statement":"SELECT 1; SELECT 2","parameters":{"MULTI_STATEMENT_COUNT":"2"}})");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto json = result.json();
  EXPECT_EQ(keys_of(json),
            (std::vector<std::string>{"resultSetMetaData", "data", "code", "statementHandles",
                                      "statementStatusUrl", "requestId", "sqlState",
                                      "statementHandle", "message", "createdOn"}));
  EXPECT_STREQ(json["resultSetMetaData"]["rowType"][0]["name"].GetString(),
               "multiple statement execution");
  EXPECT_STREQ(json["resultSetMetaData"]["rowType"][0]["type"].GetString(), "text");
  EXPECT_STREQ(json["data"][0][0].GetString(), "Multiple statements executed successfully.");
  ASSERT_EQ(json["statementHandles"].Size(), 2u);
  for (unsigned i = 0; i < 2; ++i) {
    const std::string child = json["statementHandles"][i].GetString();
    const HttpResult child_result = get("/api/v2/statements/" + child);
    ASSERT_EQ(child_result.status, 200) << child_result.body;
    EXPECT_EQ(child_result.json()["data"][0][0].GetString(), std::to_string(i + 1));
  }
  const HttpResult parent =
      get("/api/v2/statements/" + std::string(json["statementHandle"].GetString()));
  ASSERT_EQ(parent.status, 200);
  EXPECT_EQ(parent.json()["statementHandles"].Size(), 2u);
}

TEST_F(MockserverLifecycle, MultiStatementCountZeroOrNumberAccepted) {
  EXPECT_EQ(
      post_statement(
          R"({"statement":"SELECT 1; SELECT 2; SELECT 3","parameters":{"multi_statement_count":0}})")
          .status,
      200);
  EXPECT_EQ(post_statement(
                R"({"statement":"SELECT 1; SELECT 2","parameters":{"MULTI_STATEMENT_COUNT":2}})")
                .status,
            200);
}

TEST_F(MockserverLifecycle, MultiStatementCountMismatchIs422_000008) {
  const HttpResult result = post_sql("SELECT 1; SELECT 2");
  ASSERT_EQ(result.status, 422);
  const auto json = result.json();
  EXPECT_STREQ(json["code"].GetString(), "000008");
  EXPECT_STREQ(json["sqlState"].GetString(), "0A000");
  EXPECT_STREQ(json["message"].GetString(),
               "Actual statement count 2 did not match the desired statement count 1.");
  EXPECT_EQ(server_->counters().executions, 0u) << "nothing ran";
  const HttpResult three = post_statement(
      R"({"statement":"SELECT 1; SELECT 2","parameters":{"MULTI_STATEMENT_COUNT":"3"}})");
  EXPECT_STREQ(three.json()["message"].GetString(),
               "Actual statement count 2 did not match the desired statement count 3.");
}

TEST_F(MockserverLifecycle, MultiStatementFailureKeepsEarlierChildren) {
  const HttpResult result =
      post_statement(R"({"statement":"SELECT 1;\nSELECT * FROM NO_SUCH_TABLE_X; SELECT 3",)"
                     R"("parameters":{"MULTI_STATEMENT_COUNT":"0"}})");
  ASSERT_EQ(result.status, 422) << result.body;
  const auto json = result.json();
  EXPECT_STREQ(json["code"].GetString(), "100132");
  EXPECT_STREQ(json["sqlState"].GetString(), "P0000");
  const std::string message = json["message"].GetString();
  EXPECT_EQ(message.rfind("JavaScript execution error: Uncaught Execution of multiple statements "
                          "failed on statement \"SELECT * FROM NO_SUCH_TABLE_X\" (at line 2, "
                          "position 0).",
                          0),
            0u)
      << message;
  // The parent's GET repeats the failure; its first child is readable.
  const std::string parent = json["statementHandle"].GetString();
  EXPECT_EQ(get("/api/v2/statements/" + parent).status, 422);
  EXPECT_EQ(server_->counters().statements_by_state.at("succeeded"), 1u);
  EXPECT_EQ(server_->counters().statements_by_state.at("failed"), 2u);
}

TEST_F(MockserverLifecycle, BindingsWithMultiStatementAre422) {
  const HttpResult result = post_statement(
      R"({"statement":"SELECT ?; SELECT 2","parameters":{"MULTI_STATEMENT_COUNT":"2"},)"
      R"("bindings":{"1":{"type":"FIXED","value":"1"}}})");
  ASSERT_EQ(result.status, 422);
  EXPECT_NE(std::string(result.json()["message"].GetString()).find("multi-statement"),
            std::string::npos);
}

}  // namespace
