// test_cli_meta_commands.cpp — psql's backslash commands and duckdb's dot commands translated
// into sfq's own client commands or into the Snowflake statement that answers the same question
// (src/cli/meta_commands.hpp). Through the built binary: test_cli_scripts.cpp.
#include <gtest/gtest.h>

#include <string>

#include "cli/meta_commands.hpp"

namespace sfq::cli {
namespace {

using Kind = MetaCommand::Kind;

MetaCommand translate(std::string_view line, bool expanded_on = false, bool timing_on = true) {
  return translate_meta_command(line, expanded_on, timing_on);
}

void expect(const MetaCommand& got, Kind kind, const std::string& text) {
  EXPECT_EQ(got.kind, kind) << got.text;
  EXPECT_EQ(got.text, text);
}

TEST(CliPsqlCommands, ClientCommands) {
  expect(translate("\\q"), Kind::command, "quit");
  expect(translate("\\?"), Kind::command, "help");
  expect(translate("\\i /tmp/a b.sql"), Kind::command, "source /tmp/a b.sql");
  expect(translate("\\include x.sql"), Kind::command, "source x.sql");
  expect(translate("\\o out.txt"), Kind::command, "spool out.txt");
  expect(translate("\\o"), Kind::command, "spool off");
  expect(translate("\\echo  two  words "), Kind::command, "print two  words");
}

TEST(CliPsqlCommands, ExpandedAndTimingToggleWhenAlone) {
  expect(translate("\\x", false), Kind::command, "set expanded=on");
  expect(translate("\\x", true), Kind::command, "set expanded=off");
  expect(translate("\\x AUTO"), Kind::command, "set expanded=auto");
  expect(translate("\\x off", false), Kind::command, "set expanded=off");
  expect(translate("\\timing", false, true), Kind::command, "set timing=off");
  expect(translate("\\timing", false, false), Kind::command, "set timing=on");
  expect(translate("\\timing on"), Kind::command, "set timing=on");
  EXPECT_EQ(translate("\\x", false).note, "Expanded display is on.");
  EXPECT_EQ(translate("\\x auto").note, "Expanded display is used automatically.");
  EXPECT_EQ(translate("\\timing", false, true).note, "Timing is off.");
  EXPECT_EQ(translate("\\q").note, "");
  EXPECT_EQ(translate("\\timing auto").kind, Kind::unknown);
  EXPECT_EQ(translate("\\x maybe").kind, Kind::unknown);
}

TEST(CliPsqlCommands, DescribeAndListAsShowStatements) {
  expect(translate("\\d"), Kind::statement, "SHOW OBJECTS");
  expect(translate("\\d mydb.public.t"), Kind::statement, "DESCRIBE TABLE mydb.public.t");
  expect(translate("\\d+ t"), Kind::statement, "DESCRIBE TABLE t");
  expect(translate("\\dt"), Kind::statement, "SHOW TABLES");
  expect(translate("\\dt+ *nat?on*"), Kind::statement, "SHOW TABLES LIKE '%nat_on%'");
  expect(translate("\\dv v*"), Kind::statement, "SHOW VIEWS LIKE 'v%'");
  expect(translate("\\dn"), Kind::statement, "SHOW SCHEMAS");
  expect(translate("\\l"), Kind::statement, "SHOW DATABASES");
  // The pattern cannot end the literal.
  expect(translate("\\dt a'b\\c"), Kind::statement, "SHOW TABLES LIKE 'a''b\\\\c'");
}

TEST(CliPsqlCommands, ConnectSwitchesTheDatabaseAndConninfoSaysWhereTheSessionIs) {
  expect(translate("\\c otherdb"), Kind::statement, "USE DATABASE otherdb");
  expect(translate("\\connect  \"My Db\" "), Kind::statement, "USE DATABASE \"My Db\"");
  const std::string info =
      "SELECT CURRENT_ACCOUNT(), CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), "
      "CURRENT_DATABASE(), CURRENT_SCHEMA()";
  expect(translate("\\conninfo"), Kind::statement, info);
  expect(translate("\\c"), Kind::statement, info);
  // psql's user, host and port: another connection, which sfq names in its configuration.
  const MetaCommand other = translate("\\c otherdb bob");
  EXPECT_EQ(other.kind, Kind::unknown);
  EXPECT_NE(other.text.find("!connect NAME"), std::string::npos) << other.text;
}

TEST(CliPsqlCommands, OthersAreRefusedWithTheListOfKnownOnes) {
  for (const char* line : {"\\pset format csv", "\\copy t from x.csv", "\\", "\\i"}) {
    const MetaCommand got = translate(line);
    EXPECT_EQ(got.kind, Kind::unknown) << line;
  }
  EXPECT_NE(translate("\\pset").text.find("\\timing"), std::string::npos);
  EXPECT_NE(translate("\\pset").text.find("\\conninfo"), std::string::npos);
  EXPECT_NE(translate("\\pset").text.find("!help"), std::string::npos);
}

TEST(CliDuckdbCommands, ClientCommands) {
  expect(translate(".quit"), Kind::command, "quit");
  expect(translate(".exit"), Kind::command, "quit");
  expect(translate(".help"), Kind::command, "help");
  expect(translate(".read setup.sql"), Kind::command, "source setup.sql");
  expect(translate(".output out.csv"), Kind::command, "spool out.csv");
  expect(translate(".output"), Kind::command, "spool off");
  expect(translate(".print hi"), Kind::command, "print hi");
  expect(translate(".timer on"), Kind::command, "set timing=on");
  expect(translate(".headers off"), Kind::command, "set header=off");
  expect(translate(".nullvalue (null)"), Kind::command, "set null_display=(null)");
  expect(translate(".maxrows 20"), Kind::command, "set max_rows=20");
  EXPECT_EQ(translate(".timer").kind, Kind::unknown) << "needs on or off, as in duckdb";
  EXPECT_EQ(translate(".timer on").note, "") << "duckdb says nothing";
}

TEST(CliDuckdbCommands, ModesAsFormats) {
  expect(translate(".mode csv"), Kind::command, "set format=csv");
  expect(translate(".mode duckbox"), Kind::command, "set format=table");
  expect(translate(".mode BOX"), Kind::command, "set format=table");
  expect(translate(".mode line"), Kind::command, "set format=vertical");
  expect(translate(".mode tabs"), Kind::command, "set format=tsv");
  expect(translate(".mode jsonlines"), Kind::command, "set format=jsonl");
  expect(translate(".mode markdown"), Kind::command, "set format=markdown");
  expect(translate(".mode"), Kind::command, "set");
  const MetaCommand html = translate(".mode html");
  EXPECT_EQ(html.kind, Kind::unknown);
  EXPECT_NE(html.text.find("jsonlines"), std::string::npos) << html.text;
}

TEST(CliDuckdbCommands, TablesTakesALikePatternAsItIs) {
  expect(translate(".tables"), Kind::statement, "SHOW TABLES");
  expect(translate(".tables n%"), Kind::statement, "SHOW TABLES LIKE 'n%'");
  expect(translate(".tables *"), Kind::statement, "SHOW TABLES LIKE '*'");
}

TEST(CliDuckdbCommands, OthersAreRefusedWithTheListOfKnownOnes) {
  const MetaCommand got = translate(".schema nation");
  EXPECT_EQ(got.kind, Kind::unknown);
  EXPECT_NE(got.text.find(".mode"), std::string::npos) << got.text;
  EXPECT_NE(got.text.find("!help"), std::string::npos) << got.text;
}

}  // namespace
}  // namespace sfq::cli
