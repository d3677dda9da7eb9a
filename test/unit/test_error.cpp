// Unit tests for sfq::Error and sfq::Result.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "sfq/error.hpp"

namespace {

using sfq::Error;
using sfq::ErrorCategory;
using sfq::ErrorInfo;
using sfq::Result;
using sfq::Status;

TEST(Error, CarriesEveryField) {
  const Error error(ErrorInfo{ErrorCategory::server, "SQL compilation error", "001003", "42000",
                              "01b2c3d4-0000-0001-0000-000000000001", 422});
  EXPECT_EQ(error.category(), ErrorCategory::server);
  EXPECT_EQ(error.message(), "SQL compilation error");
  EXPECT_EQ(error.code(), "001003");
  EXPECT_EQ(error.sql_state(), "42000");
  EXPECT_EQ(error.statement_handle(), "01b2c3d4-0000-0001-0000-000000000001");
  EXPECT_EQ(error.http_status(), 422);
}

TEST(Error, WhatIsOneLineWithTheKnownDetails) {
  const Error full(
      ErrorInfo{ErrorCategory::server, "Object 'T' does not exist", "002003", "42S02", "h1", 422});
  EXPECT_STREQ(full.what(),
               "Object 'T' does not exist (code 002003, SQLSTATE 42S02, query id h1, HTTP 422)");

  const Error bare(ErrorCategory::transport, "connection refused");
  EXPECT_STREQ(bare.what(), "connection refused");

  const Error only_status(ErrorInfo{ErrorCategory::protocol, "unexpected body", "", "", "", 502});
  EXPECT_STREQ(only_status.what(), "unexpected body (HTTP 502)");

  // A message that opens with the status does not repeat it.
  const Error status_first(ErrorInfo{ErrorCategory::protocol,
                                     "HTTP 400 while submitting the statement", "", "", "", 400});
  EXPECT_STREQ(status_first.what(), "HTTP 400 while submitting the statement");
  const Error other_status(ErrorInfo{ErrorCategory::protocol,
                                     "HTTP 400 while submitting the statement", "", "", "", 404});
  EXPECT_STREQ(other_status.what(), "HTTP 400 while submitting the statement (HTTP 404)");

  const Error no_message(ErrorInfo{ErrorCategory::timeout, "", "000630", "", "", 0});
  EXPECT_STREQ(no_message.what(), "timeout error (code 000630)");
}

TEST(Error, CategoryNames) {
  EXPECT_EQ(sfq::to_string(ErrorCategory::config), "config");
  EXPECT_EQ(sfq::to_string(ErrorCategory::auth), "auth");
  EXPECT_EQ(sfq::to_string(ErrorCategory::transport), "transport");
  EXPECT_EQ(sfq::to_string(ErrorCategory::protocol), "protocol");
  EXPECT_EQ(sfq::to_string(ErrorCategory::server), "server");
  EXPECT_EQ(sfq::to_string(ErrorCategory::cancelled), "cancelled");
  EXPECT_EQ(sfq::to_string(ErrorCategory::timeout), "timeout");
}

TEST(Error, WithContextPrefixesTheMessageAndKeepsTheRest) {
  const Error error(ErrorInfo{ErrorCategory::auth, "bad decrypt", "", "", "", 0});
  const Error wrapped = error.with_context("cannot read /keys/rsa.p8");
  EXPECT_EQ(wrapped.message(), "cannot read /keys/rsa.p8: bad decrypt");
  EXPECT_EQ(wrapped.category(), ErrorCategory::auth);
  EXPECT_EQ(error.message(), "bad decrypt") << "the original is immutable";
}

TEST(Error, IsAnExceptionAndCopiesShareDetails) {
  const Error original(ErrorCategory::cancelled, "cancelled by user");
  try {
    throw original;
  } catch (const std::exception& caught) {
    EXPECT_STREQ(caught.what(), "cancelled by user");
  }
  const Error copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(&copy.info(), &original.info());
}

TEST(Error, CopiesAreSafeAcrossThreads) {
  const Error error(ErrorInfo{ErrorCategory::server, "boom", "100051", "22012", "h", 422});
  std::vector<std::thread> threads;
  std::vector<std::string> seen(8);
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i, error] {
      for (int n = 0; n < 1000; ++n) {
        const Error local = error;
        seen[i] = local.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& text : seen) EXPECT_EQ(text, error.what());
}

Result<int> parse_positive(int value) {
  if (value <= 0) return Error(ErrorCategory::config, "must be positive");
  return value;
}

TEST(Result, HoldsAValue) {
  const Result<int> result = parse_positive(7);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(result.value(), 7);
  EXPECT_EQ(*result, 7);
  EXPECT_EQ(result.value_or(3), 7);
}

TEST(Result, HoldsAnErrorAndThrowsItOnValue) {
  const Result<int> result = parse_positive(-1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::config);
  EXPECT_EQ(result.value_or(3), 3);
  try {
    (void)result.value();
    FAIL() << "value() on an error must throw";
  } catch (const Error& thrown) {
    EXPECT_EQ(thrown.message(), "must be positive");
  }
}

TEST(Result, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> result(std::make_unique<int>(42));
  std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 42);
}

TEST(Result, ArrowReachesMembers) {
  Result<std::string> result(std::string("hello"));
  EXPECT_EQ(result->size(), 5U);
}

TEST(Status, DefaultIsSuccess) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_NO_THROW(ok.value());

  const Status failed = Error(ErrorCategory::timeout, "deadline exceeded");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().category(), ErrorCategory::timeout);
  EXPECT_THROW(failed.value(), Error);
}

}  // namespace
