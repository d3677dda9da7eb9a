// Tests of the `sfq mcp` command line: defaults, limits, connections and the refusals.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcp/options.hpp"

namespace {

sfq::mcp::ParsedOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "mcp");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return sfq::mcp::parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(mcp_options, DefaultsAreReadOnlyWithModestLimits) {
  const auto parsed = parse({});
  ASSERT_TRUE(parsed.options);
  const auto& o = *parsed.options;
  EXPECT_TRUE(o.connections.empty());
  EXPECT_FALSE(o.mock);
  EXPECT_FALSE(o.server.allow_write);
  EXPECT_EQ(o.server.limits.max_rows, 1000u);
  EXPECT_EQ(o.server.limits.max_result_bytes, 24u * 1024u);
  EXPECT_EQ(o.server.limits.default_timeout.count(), 120);
  EXPECT_EQ(o.server.limits.max_timeout.count(), 3600);
  EXPECT_EQ(o.server.max_message_bytes, 4u << 20);
  EXPECT_EQ(o.server.max_calls_in_flight, 64u);
  EXPECT_EQ(o.server.max_subscriptions, 16u);
  EXPECT_EQ(o.server.max_queued_output_bytes, 8u << 20);
}

TEST(mcp_options, EveryFlagIsTakenIntoAccount) {
  const auto parsed = parse({"--connection",
                             "prod",
                             "-c",
                             "dev",
                             "--allow-write",
                             "--max-rows",
                             "50",
                             "--max-result-bytes",
                             "65536",
                             "--max-cell-bytes",
                             "100",
                             "--statement-timeout",
                             "30",
                             "--max-statement-timeout",
                             "60",
                             "--max-message-bytes",
                             "8192",
                             "--progress-interval-ms",
                             "250",
                             "--max-calls-in-flight",
                             "7",
                             "--max-subscriptions",
                             "3",
                             "--max-queued-output-bytes",
                             "1048576",
                             "--config-file",
                             "/tmp/c.toml",
                             "--log-level",
                             "debug"});
  ASSERT_TRUE(parsed.options) << parsed.error;
  const auto& o = *parsed.options;
  EXPECT_EQ(o.connections, (std::vector<std::string>{"prod", "dev"}));
  EXPECT_TRUE(o.server.allow_write);
  EXPECT_EQ(o.server.limits.max_rows, 50u);
  EXPECT_EQ(o.server.limits.max_result_bytes, 65536u);
  EXPECT_EQ(o.server.limits.max_cell_bytes, 100u);
  EXPECT_EQ(o.server.limits.default_timeout.count(), 30);
  EXPECT_EQ(o.server.limits.max_timeout.count(), 60);
  EXPECT_EQ(o.server.max_message_bytes, 8192u);
  EXPECT_EQ(o.server.progress_interval.count(), 250);
  EXPECT_EQ(o.server.max_calls_in_flight, 7u);
  EXPECT_EQ(o.server.max_subscriptions, 3u);
  EXPECT_EQ(o.server.max_queued_output_bytes, 1048576u);
  EXPECT_EQ(o.config_file, "/tmp/c.toml");
  EXPECT_EQ(o.log_level, "debug");
}

TEST(mcp_options, ContradictionsAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--mock", "--connection", "prod"},
           {"--statement-timeout", "100", "--max-statement-timeout", "50"},
           {"--connection", "a", "--connection", "a"},
           {"--max-rows", "0"},
           {"--max-calls-in-flight", "0"},
           {"--max-queued-output-bytes", "1024"},
           {"--no-such-flag"},
       }) {
    const auto parsed = parse(args);
    EXPECT_FALSE(parsed.options) << args[0];
    EXPECT_EQ(parsed.exit_code, 2) << args[0];
    EXPECT_NE(parsed.error.find("sfq mcp"), std::string::npos) << parsed.error;
  }
}

TEST(mcp_options, HelpListsTheFlags) {
  const auto parsed = parse({"--help"});
  EXPECT_FALSE(parsed.options);
  EXPECT_EQ(parsed.exit_code, 0);
  for (const char* flag : {"--connection", "--mock", "--allow-write", "--max-rows",
                           "--statement-timeout", "--max-message-bytes", "--max-calls-in-flight",
                           "--max-subscriptions", "--max-queued-output-bytes"}) {
    EXPECT_NE(parsed.output.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
