// test_cli_session.cpp — the session sfq keeps over the stateless SQL API, through the built
// `sfq` binary against mock_snowflake: USE sets the context of later statements (checked on the
// server, its errors Snowflake's own), ALTER SESSION parameters and SET variables carry over,
// BEGIN alone says what to do, and !begin … !commit / --single-request run a transaction and
// temporary tables in one request, in -q, -f, standard input and the REPL alike.
#include <gtest/gtest.h>

#include <string>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(CliSession, UseSetsTheContextOfLaterStatements) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header", "-q",
                          "use schema mockdb.public; select current_database(), "
                          "current_schema(); select count(*) > 0 from all_types"},
                         account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "MOCKDB,PUBLIC\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "true\n")) << r.out;
  EXPECT_FALSE(contains(r.err, "not supported")) << r.err;
}

TEST(CliSession, UseDatabaseThenUseSchemaAndTheSameFromStandardInput) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header"}, account.env(),
                         "USE DATABASE mockdb;\nUSE SCHEMA public;\n"
                         "select current_database() || '.' || current_schema();\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "MOCKDB.PUBLIC\n")) << r.out;
}

TEST(CliSession, AnUnknownDatabaseIsSnowflakesOwnErrorAndTheContextStays) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header", "--continue-on-error", "-q",
                          "use database nope_db; select current_database()"},
                         account.env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r.err;
  EXPECT_TRUE(contains(r.out, "SNOWFLAKE_SAMPLE_DATA\n")) << r.out;
}

TEST(CliSession, SetVariablesAreReplayedSoDollarNamesWork) {
  CliAccount account;
  const std::string script = account.dir().write_file(
      "vars.sql", "set x = 5;\nset y = $x * 2;\nselect $x + $y as total;\nunset y;\nselect $x;\n");
  const auto r = run_sfq({"--format", "csv", "--no-header", "-f", script}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "15\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "5\n")) << r.out;
}

TEST(CliSession, AnErrorAfterReplayedStatementsIsTheStatementsOwn) {
  CliAccount account;
  const auto r =
      run_sfq({"-q", "set x = 1; select nope_col from mockdb.public.all_types"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(contains(r.err, "sfq: error: SQL compilation error")) << r.err;
  EXPECT_TRUE(contains(r.err, "NOPE_COL")) << r.err;
  // Not the wrapper of the procedure that runs multi-statement requests.
  EXPECT_FALSE(contains(r.err, "JavaScript")) << r.err;
  EXPECT_FALSE(contains(r.err, "SYSTEM$MULTISTMT")) << r.err;
}

TEST(CliSession, AlterSessionTimezoneChangesHowLocalTimestampsShow) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header", "-q",
                          "alter session set timezone = 'Asia/Tokyo'; "
                          "select to_timestamp_ltz('2026-01-01 00:00:00 +00:00') as t"},
                         account.env().set("TZ", "UTC"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "2026-01-01 09:00:00+09:00")) << r.out;
}

TEST(CliSession, LocalTimestampsFollowTz) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header", "-q",
                          "select to_timestamp_ltz('2026-07-01 12:00:00.5 +00:00') as t"},
                         account.env().set("TZ", "Europe/Paris"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Summer time in Paris, and the fraction with the digits it needs rather than nine.
  EXPECT_EQ(r.out, "2026-07-01 14:00:00.500+02:00\n");
}

TEST(CliSession, BeginAloneSaysWhatTheSqlApiAllows) {
  CliAccount account;
  const auto r = run_sfq({"-q", "begin"}, account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "!begin")) << r.err;
  EXPECT_TRUE(contains(r.err, "--single-request")) << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u) << "nothing was sent";
}

TEST(CliSession, SingleRequestRunsTemporaryTablesAndShowsEveryResult) {
  CliAccount account;
  const auto r = run_sfq(
      {"--format", "csv", "--no-header", "--single-request", "-q",
       "create temporary table t (x int); insert into t values (1), (2); select sum(x) from t"},
      account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "successfully created")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n\n2\n\n3\n")) << r.out;  // rows inserted, then the sum
}

TEST(CliSession, BeginCommitInAScriptIsOneTransaction) {
  CliAccount account;
  const std::string script = account.dir().write_file(
      "tx.sql",
      "create table mockdb.public.tx_t (x int);\n"
      "!begin\ninsert into mockdb.public.tx_t values (1);\n"
      "insert into mockdb.public.tx_t values (2);\nselect count(*) from mockdb.public.tx_t;\n"
      "!commit\nselect sum(x) from mockdb.public.tx_t;\n");
  const auto r = run_sfq({"--format", "csv", "--no-header", "-f", script}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Each statement of the transaction shows its result, in order; then the one after it.
  EXPECT_TRUE(contains(r.out, "\n\n1\n\n1\n\n2\n\n3\n")) << r.out;
}

TEST(CliSession, BeginWithoutCommitSendsNothing) {
  CliAccount account;
  const auto r = run_sfq({"-f", "-"}, account.env(), "!begin\nselect 1;\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "!begin without !commit")) << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u);
}

TEST(CliSession, MockHonoursTheContextFlagsAndRejectsOtherConnections) {
  TempDir home;
  ChildEnv env(home.path());
  auto r = run_sfq({"--mock", "-d", "MOCKDB", "-s", "PUBLIC", "--format", "csv", "--no-header",
                    "-q", "select current_database() || '.' || current_schema()"},
                   env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "MOCKDB.PUBLIC\n");
  r = run_sfq({"--mock", "-c", "prod", "-q", "select 1"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "-c/--connection cannot be used with --mock")) << r.err;
}

}  // namespace
}  // namespace sfq::test_support
