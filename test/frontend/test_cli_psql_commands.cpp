// test_cli_psql_commands.cpp — psql's backslash meta-commands translated into sfq's own client
// commands or into the Snowflake statement that answers the same question
// (src/cli/psql_commands.hpp). Through the built binary: test_cli_scripts.cpp.
#include <gtest/gtest.h>

#include <string>

#include "cli/psql_commands.hpp"

namespace sfq::cli {
namespace {

using Kind = MetaCommand::Kind;

MetaCommand translate(std::string_view line, bool expanded_on = false, bool timing_on = true) {
  return translate_psql_command(line, expanded_on, timing_on);
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

TEST(CliPsqlCommands, OthersAreRefusedWithTheListOfKnownOnes) {
  for (const char* line : {"\\c otherdb", "\\pset format csv", "\\", "\\i"}) {
    const MetaCommand got = translate(line);
    EXPECT_EQ(got.kind, Kind::unknown) << line;
  }
  EXPECT_NE(translate("\\conninfo").text.find("\\timing"), std::string::npos);
  EXPECT_NE(translate("\\conninfo").text.find("!help"), std::string::npos);
}

}  // namespace
}  // namespace sfq::cli
