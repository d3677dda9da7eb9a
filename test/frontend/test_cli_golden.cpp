// test_cli_golden.cpp — every output format of the built `sfq` binary on the mock's all-types
// table (every Snowflake type, NULLs, NaN and ±inf), compared byte for byte with the reviewed
// files in test/data/golden/cli/. SFQ_UPDATE_GOLDEN=1 rewrites them (review the diff!).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"

namespace sfq::test_support {
namespace {

constexpr const char* kAllTypes = "select * from mockdb.public.all_types order by id";

std::string golden_path(const std::string& name) {
  return std::string(SFQ_TEST_DATA_DIR) + "/golden/cli/" + name;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_path(name);
  const char* update = std::getenv("SFQ_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << actual;
    ASSERT_TRUE(file.good()) << "cannot write " << path;
    GTEST_SKIP() << "rewrote " << path;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with SFQ_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, expected) << "output differs from " << path;
}

class CliGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(CliGolden, AllTypesTableInEveryFormat) {
  const std::string format = GetParam();
  TempDir home;  // --mock needs nothing from HOME
  const ProcessResult r =
      run_sfq({"--mock", "--format", format, "-q", kAllTypes},
              ChildEnv(home.path()).set("TZ", "UTC"));  // TIMESTAMP_LTZ shows in TZ's zone
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "nothing on stderr when it is not a terminal";
  expect_golden("all_types." + format, r.out);
}

INSTANTIATE_TEST_SUITE_P(Formats, CliGolden,
                         ::testing::Values("table", "csv", "tsv", "json", "jsonl", "markdown",
                                           "vertical"),
                         [](const auto& info) { return info.param; });

TEST(CliGoldenScript, DdlDmlAndQueriesPrintTheirResultsInOrder) {
  TempDir home;
  const std::string script =
      "-- a script as a user writes it\n"
      "create table mockdb.public.t (id number, name varchar);\n"
      "insert into mockdb.public.t values (1, 'one'), (2, 'two; with a semicolon');\n"
      "/* a comment; with a semicolon */\n"
      "select * from mockdb.public.t order by id;\n"
      "update mockdb.public.t set name = 'uno' where id = 1;\n"
      "select name from mockdb.public.t where id = 1\n";
  const ProcessResult r = run_sfq({"--mock", "-f", "-"}, ChildEnv(home.path()), script);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("script.table", r.out);
}

TEST(CliGoldenScript, UnicodeWidthsInTables) {
  TempDir home;
  const ProcessResult r =
      run_sfq({"--mock", "-q",
               "select 'abc' as ascii, '中文字' as wide, 'e\xCC\x81te\xCC\x81' as combining, "
               "'😀 ok' as emoji, 'x' as \"ｗｉｄｅ\" union all "
               "select 'a', 'b', 'c', 'd', 'longer value'"},
              ChildEnv(home.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("unicode.table", r.out);
}

}  // namespace
}  // namespace sfq::test_support
