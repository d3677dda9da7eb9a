// test_client_pretty_bodies.cpp — libsfq decodes the emulator's pretty-printed first responses
// and error bodies (the real service's format: newlines, indentation, `"key" : value`) as well
// as the compact later partitions: a result over several partitions, gzip'd or not, SQL and
// session errors, an expired token, and a statement answered 202 and then polled.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;

class PrettyBodies : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.sync_window = 2s;
    options.partitions.first_partition_rows = 100;
    options.partitions.max_partition_rows = 400;
  }
};

TEST_F(PrettyBodies, ResultOverSeveralPartitionsDecodes) {
  Client client_ = client();
  const QueryResult result = client_.execute(
      "select seq4() as n, iff(seq4() % 3 = 0, null, 'v' || seq4()) as s "
      "from table(generator(rowcount => 1000))");
  ASSERT_EQ(result.row_count(), 1000U);
  ASSERT_GE(result.meta.partitions.size(), 3U);
  std::int64_t expected = 0;
  for (const auto& batch : result.batches) {
    for (std::size_t r = 0; r < batch.rows; ++r, ++expected) {
      ASSERT_EQ(batch.columns[0].int64_value(r), expected);
      ASSERT_EQ(batch.columns[1].is_null(r), expected % 3 == 0) << expected;
    }
  }
  EXPECT_EQ(expected, 1000);
}

TEST_F(PrettyBodies, SqlErrorDecodes) {
  Client client_ = client();
  try {
    (void)client_.execute("select afaf");
    FAIL() << "expected a compilation error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::server);
    EXPECT_EQ(error.code(), "000904");
    EXPECT_EQ(error.sql_state(), "42000");
    EXPECT_FALSE(error.statement_handle().empty());
    EXPECT_EQ(error.http_status(), 422);
    EXPECT_NE(error.message().find("invalid identifier 'AFAF'"), std::string::npos)
        << error.message();
  }
}

TEST_F(PrettyBodies, RoleNotGrantedDecodesWithoutSqlStateOrHandle) {
  Client client_ = client();
  Statement statement("select 1");
  statement.role = "NOT_GRANTED";
  try {
    (void)client_.execute(statement);
    FAIL() << "expected the role to be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "390186");
    EXPECT_EQ(error.http_status(), 400);
    EXPECT_TRUE(error.sql_state().empty());
    EXPECT_TRUE(error.statement_handle().empty());
    EXPECT_NE(error.message().find("Role 'NOT_GRANTED' specified in the connect string is not "
                                   "granted to this user"),
              std::string::npos)
        << error.message();
  }
  EXPECT_EQ(server().counters().executions, 0U);
}

class SkewedServer : public MockTest {
 protected:
  // The server's clock runs two hours ahead: every token the client mints is past its
  // one-hour lifetime there.
  void configure(mock_snowflake::ServerOptions& options) override {
    options.clock_offset = std::chrono::hours(2);
  }
};

TEST_F(SkewedServer, ExpiredTokenIsAnAuthError) {
  Client client_ = client([](ConnectionOptions& o) { o.max_retries = 1; });
  try {
    (void)client_.execute("select 1");
    FAIL() << "expected the token to be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::auth);
    EXPECT_EQ(error.code(), "390144");
    EXPECT_EQ(error.http_status(), 401);
  }
  EXPECT_GE(server().counters().auth_failures.count("jwt_lifetime") +
                server().counters().auth_failures.count("jwt_expired"),
            1U);
}

class PrettyPolling : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.sync_window = 20ms; }
};

TEST_F(PrettyPolling, Accepted202ThenPolledResultDecodes) {
  Client client_ = client();
  const QueryResult result =
      client_.execute("select system$wait(300, 'MILLISECONDS') as w, 'five' as five");
  EXPECT_EQ(rows_as_text(result).at(0).at(1), "five");
  const auto counters = server().counters();
  EXPECT_EQ(counters.requests_with("POST /api/v2/statements", 202), 1U) << "the POST was a 202";
  EXPECT_GE(counters.requests_with("GET /api/v2/statements/{handle}", 200), 1U);

  // A failure found while polling decodes too.
  try {
    (void)client_.execute("select system$wait(300, 'MILLISECONDS'), 1/0");
    FAIL() << "expected division by zero";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::server);
    EXPECT_FALSE(error.code().empty());
  }
}

}  // namespace
}  // namespace sfq::testing
