// Unit tests for the logging controls: levels, SFQ_LOG, and redaction on the way to stderr.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sfq/log.hpp"

namespace {

class LogLevelEnv : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = sfq::log_level(); }
  void TearDown() override {
    unsetenv("SFQ_LOG");
    sfq::set_log_level(saved_);
  }
  sfq::LogLevel saved_ = sfq::LogLevel::warn;
};

TEST(LogLevel, ParsesNamesInAnyCase) {
  EXPECT_EQ(sfq::parse_log_level("trace"), sfq::LogLevel::trace);
  EXPECT_EQ(sfq::parse_log_level("DEBUG"), sfq::LogLevel::debug);
  EXPECT_EQ(sfq::parse_log_level("Info"), sfq::LogLevel::info);
  EXPECT_EQ(sfq::parse_log_level("warning"), sfq::LogLevel::warn);
  EXPECT_EQ(sfq::parse_log_level("error"), sfq::LogLevel::error);
  EXPECT_EQ(sfq::parse_log_level("off"), sfq::LogLevel::off);
  EXPECT_FALSE(sfq::parse_log_level("loud").has_value());
  EXPECT_FALSE(sfq::parse_log_level("").has_value());
}

TEST_F(LogLevelEnv, SetAndGetRoundTrip) {
  for (auto level : {sfq::LogLevel::trace, sfq::LogLevel::debug, sfq::LogLevel::info,
                     sfq::LogLevel::warn, sfq::LogLevel::error, sfq::LogLevel::off}) {
    sfq::set_log_level(level);
    EXPECT_EQ(sfq::log_level(), level) << sfq::to_string(level);
  }
}

TEST_F(LogLevelEnv, EnvironmentSetsTheLevel) {
  setenv("SFQ_LOG", "debug", 1);
  ASSERT_TRUE(sfq::configure_logging_from_env().ok());
  EXPECT_EQ(sfq::log_level(), sfq::LogLevel::debug);
}

TEST_F(LogLevelEnv, BadEnvironmentValueIsAConfigErrorAndChangesNothing) {
  sfq::set_log_level(sfq::LogLevel::error);
  setenv("SFQ_LOG", "chatty", 1);
  const sfq::Status status = sfq::configure_logging_from_env();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().category(), sfq::ErrorCategory::config);
  EXPECT_NE(std::string(status.error().what()).find("chatty"), std::string::npos);
  EXPECT_EQ(sfq::log_level(), sfq::LogLevel::error);
}

TEST_F(LogLevelEnv, MessagesGoToStderrRedacted) {
  sfq::set_log_level(sfq::LogLevel::info);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  sfq::log_message(sfq::LogLevel::info, "sending Authorization: Bearer abc.def.ghi");
  sfq::log_message(sfq::LogLevel::debug, "below the level");
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "") << "nothing may be logged to stdout";
  EXPECT_NE(err.find("Authorization: Bearer ****"), std::string::npos) << err;
  EXPECT_EQ(err.find("abc.def.ghi"), std::string::npos) << err;
  EXPECT_EQ(err.find("below the level"), std::string::npos) << err;
}

}  // namespace
