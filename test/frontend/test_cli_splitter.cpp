// test_cli_splitter.cpp — the statement splitter shared by -q, -f, stdin, !source and the REPL,
// and client-side variable substitution.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/splitter.hpp"
#include "cli/variables.hpp"

namespace sfq::cli {
namespace {

using Kind = ScriptItem::Kind;

std::vector<std::string> statements(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& item : split_script(text)) {
    out.push_back(item.kind == Kind::command ? "!" + item.text : item.text);
  }
  return out;
}

using Texts = std::vector<std::string>;

TEST(CliSplitter, SplitsAtSemicolonsAndTrims) {
  EXPECT_EQ(statements("select 1; select 2;\n  select 3  "),
            (Texts{"select 1", "select 2", "select 3"}));
  EXPECT_EQ(statements(";;  ; \n"), Texts{});
  EXPECT_EQ(statements(""), Texts{});
}

TEST(CliSplitter, SingleQuotesWithBothEscapes) {
  EXPECT_EQ(statements("select 'a;b'; select 'it''s;'; select 'x\\';y'; select 2"),
            (Texts{"select 'a;b'", "select 'it''s;'", "select 'x\\';y'", "select 2"}));
  // A backslash escapes the next character, itself included.
  EXPECT_EQ(statements("select 'a\\\\'; select 2"), (Texts{"select 'a\\\\'", "select 2"}));
}

TEST(CliSplitter, DoubleQuotedIdentifiers) {
  EXPECT_EQ(statements("select 1 as \"a;\"\"b\"; select 2"),
            (Texts{"select 1 as \"a;\"\"b\"", "select 2"}));
}

TEST(CliSplitter, Comments) {
  EXPECT_EQ(statements("select 1 -- not here;\n + 1; // nor here;\nselect /* ; */ 2;"),
            (Texts{"select 1 -- not here;\n + 1", "select /* ; */ 2"}));
  // Leading comments are dropped; a statement of comments only is no statement.
  EXPECT_EQ(statements("-- header\n/* block\n; */\nselect 1;\n-- trailer\n"), Texts{"select 1"});
  // A division and a minus are not comments.
  EXPECT_EQ(statements("select 4/2 - 1;"), Texts{"select 4/2 - 1"});
}

TEST(CliSplitter, DollarQuotedBodies) {
  const std::string body =
      "create procedure p() returns int language sql as $$ begin let x := 1; return x; end $$";
  EXPECT_EQ(statements(body + "; call p();"), (Texts{body, "call p()"}));
  // $$ inside an identifier is not a body: SYSTEM$WAIT, A$$B.
  EXPECT_EQ(statements("select system$wait(1); select a$$b from t; select 3"),
            (Texts{"select system$wait(1)", "select a$$b from t", "select 3"}));
  EXPECT_EQ(statements("select $$a ' \" -- ; /*$$, 'x';"), Texts{"select $$a ' \" -- ; /*$$, 'x'"});
}

TEST(CliSplitter, ClientCommandsOnTheirOwnLine) {
  EXPECT_EQ(statements("!set format=csv\nselect 1;\n  !source other.sql;\nselect\n!= 2;"),
            (Texts{"!set format=csv", "select 1", "!source other.sql", "select\n!= 2"}));
  // Not at the start of a line: plain SQL.
  EXPECT_EQ(statements("select 1 !set\n;"), Texts{"select 1 !set"});
  // The last line needs no newline.
  EXPECT_EQ(statements("select 1;\n!exit"), (Texts{"select 1", "!exit"}));
}

TEST(CliSplitter, PsqlMetaCommandsAreCommandLinesThatKeepTheirBackslash) {
  const auto items = split_script("\\x\nselect 1;\n  \\dt *nat*;\nselect\n\\d t;\n\\q");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0], (ScriptItem{Kind::command, "\\x", 1}));
  EXPECT_EQ(items[2], (ScriptItem{Kind::command, "\\dt *nat*", 3}));
  // Inside a statement a backslash line is the statement's (Snowflake has no such SQL anyway).
  EXPECT_EQ(items[3], (ScriptItem{Kind::statement, "select\n\\d t", 4}));
  EXPECT_EQ(items[4], (ScriptItem{Kind::command, "\\q", 6}));
  // duckdb's dot commands likewise; a dot inside a statement is SQL's.
  EXPECT_EQ(statements(".mode csv\nselect t.a\n.b from t;\n.quit"),
            (Texts{"!.mode csv", "select t.a\n.b from t", "!.quit"}));
}

TEST(CliSplitter, BackslashGEndsAStatementAndAsksForVerticalRecords) {
  const auto items =
      split_script("select 1 as a\\G select 'x\\G' as s;\nselect 2 -- \\G\n\\G\n\\G\nselect 3");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0], (ScriptItem{Kind::statement, "select 1 as a", 1, true}));
  EXPECT_EQ(items[1], (ScriptItem{Kind::statement, "select 'x\\G' as s", 1, false}));
  EXPECT_EQ(items[2], (ScriptItem{Kind::statement, "select 2 -- \\G", 2, true}));
  // A \G with no statement before it is a (psql-style) command line, and the last statement
  // needs no terminator.
  EXPECT_EQ(items[3], (ScriptItem{Kind::command, "\\G", 4, false}));
  EXPECT_EQ(items[4], (ScriptItem{Kind::statement, "select 3", 5, false}));
  // The input may be cut between the backslash and the G.
  StatementSplitter splitter;
  std::vector<ScriptItem> cut;
  splitter.feed("select 4\\", cut);
  EXPECT_TRUE(cut.empty());
  splitter.feed("G", cut);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_TRUE(cut[0].vertical);
}

TEST(CliSplitter, LineNumbers) {
  const auto items = split_script("\n\nselect 1;\n-- c\nselect\n2;\n!help\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].line, 3u);
  EXPECT_EQ(items[1].line, 5u);
  EXPECT_EQ(items[2].line, 7u);
  EXPECT_EQ(items[2].kind, Kind::command);
}

TEST(CliSplitter, PiecesMayCutAnythingAnywhere) {
  const std::string script =
      "select 'a;''b\\'c' as \"x;y\"; -- c;\nselect $$ ; $$ /* ; */ ;\n!set a=b\nselect 4/2 "
      "- 1; select a$$b";
  const auto whole = statements(script);
  ASSERT_EQ(whole.size(), 5u);
  // Every split of the text into two pieces, and one character at a time, gives the same items.
  for (std::size_t cut = 0; cut <= script.size(); ++cut) {
    StatementSplitter splitter;
    std::vector<ScriptItem> items;
    splitter.feed(std::string_view(script).substr(0, cut), items);
    splitter.feed(std::string_view(script).substr(cut), items);
    if (auto last = splitter.finish()) items.push_back(*last);
    Texts texts;
    for (const auto& item : items) {
      texts.push_back(item.kind == Kind::command ? "!" + item.text : item.text);
    }
    EXPECT_EQ(texts, whole) << "cut at " << cut;
  }
  StatementSplitter splitter;
  std::vector<ScriptItem> items;
  for (const char c : script) splitter.feed(std::string_view(&c, 1), items);
  if (auto last = splitter.finish()) items.push_back(*last);
  EXPECT_EQ(items.size(), whole.size());
}

TEST(CliSplitter, InStatementDrivesTheContinuationPrompt) {
  StatementSplitter splitter;
  std::vector<ScriptItem> items;
  splitter.feed("-- just a comment\n", items);
  EXPECT_FALSE(splitter.in_statement());
  splitter.feed("select 'multi\n", items);
  EXPECT_TRUE(splitter.in_statement());
  EXPECT_EQ(splitter.open_construct(), "'");
  splitter.feed("line';\n", items);
  EXPECT_FALSE(splitter.in_statement());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].text, "select 'multi\nline'");
  splitter.feed("select\n", items);
  EXPECT_TRUE(splitter.in_statement());
  splitter.reset();
  EXPECT_FALSE(splitter.in_statement());
  splitter.feed("select 2;\n", items);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].text, "select 2");
}

// --- the cap of one statement (or command line) ------------------------------------------

// "select '<pad>'" of exactly `bytes` bytes.
std::string statement_of_size(std::size_t bytes) {
  return "select '" + std::string(bytes - 9, 'p') + "'";
}

TEST(CliSplitterCap, AStatementAtTheCapIsKeptAndOneByteMoreIsReportedAndSkipped) {
  constexpr std::size_t kCap = 100;
  const std::string at = statement_of_size(kCap);
  const std::string past = statement_of_size(kCap + 1);
  // Blanks around a statement are not part of it; a `;` inside the skipped one's quote does not
  // end it.
  std::string hidden = past;  // the same length, with a `;` inside its quote
  hidden[20] = ';';
  const std::string script = "select 1;\n  " + at + "  ;\n" + hidden + "\n;\nselect 2;";
  const auto items = split_script(script, kCap, 10);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].text, "select 1");
  EXPECT_EQ(items[1].text, at);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_EQ(items[2].kind, Kind::too_long);
  EXPECT_EQ(items[2].text, "statement");
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_EQ(items[3].text, "select 2");
  EXPECT_EQ(items[3].line, 5u);
  // The last statement of the input needs no `;`.
  const auto last = split_script("select 1;\n" + past, kCap, 10);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[1].kind, Kind::too_long);
  EXPECT_EQ(last[1].line, 2u);
}

TEST(CliSplitterCap, CommandLinesHaveTheSameCap) {
  const std::string line = "!define x=" + std::string(90, 'v');  // 100 bytes, 99 without the !
  auto items = split_script(line + "\n" + line + "vv\nselect 1;", 99, 10);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, Kind::command);
  EXPECT_EQ(items[1].kind, Kind::too_long);
  EXPECT_EQ(items[1].text, "command");
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_EQ(items[2].text, "select 1");
}

TEST(CliSplitterCap, BlanksAtTheEndAreHeldOnlyUpToTheAllowance) {
  const std::string at = statement_of_size(100);
  auto items = split_script(at + std::string(10, '\n') + ";", 100, 10);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].text, at);
  items = split_script(at + std::string(11, '\n') + ";select 2;", 100, 10);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, Kind::too_long);
  EXPECT_EQ(items[1].text, "select 2");
  EXPECT_EQ(items[1].line, 12u);
}

// A stream that never ends its statement is reported once it passes the cap, and from then on
// is read without being kept: what the splitter holds stays flat.
TEST(CliSplitterCap, AnEndlessStatementIsReportedPromptlyAndNotKept) {
  StatementSplitter splitter(1000, 100);
  std::vector<ScriptItem> items;
  const std::string chunk(4096, 'x');
  splitter.feed("select 1;\nselect ", items);
  ASSERT_EQ(items.size(), 1u);
  std::size_t fed = 0;
  std::size_t reported_after = 0;
  std::size_t most_held = 0;
  for (int i = 0; i < 512; ++i) {  // 2 MiB
    splitter.feed(chunk, items);
    fed += chunk.size();
    if (reported_after == 0 && items.size() == 2) reported_after = fed;
    most_held = std::max(most_held, splitter.held_bytes());
  }
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].kind, Kind::too_long);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_LE(reported_after, 1100u + chunk.size());
  EXPECT_LE(most_held, 1101u + chunk.size());
  EXPECT_TRUE(splitter.skipping());
  EXPECT_TRUE(splitter.in_statement());
  // A quote in the skipped text still hides a `;`; the statement ends at the next real one.
  splitter.feed("'a;b' ; select 3;", items);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].text, "select 3");
  EXPECT_FALSE(splitter.skipping());
  EXPECT_FALSE(splitter.finish().has_value());
}

TEST(CliSplitterCap, CommentsAndBlanksBetweenStatementsAreNeverKept) {
  for (const char* start : {"-- ", "// ", "/* ", "\n"}) {
    const std::string opener = start;
    StatementSplitter splitter(1000, 100);
    std::vector<ScriptItem> items;
    splitter.feed(opener, items);
    const std::string chunk(4096, opener == "\n" ? '\n' : 'c');
    std::size_t most_held = 0;
    for (int i = 0; i < 256; ++i) {
      splitter.feed(chunk, items);
      most_held = std::max(most_held, splitter.held_bytes());
    }
    EXPECT_LE(most_held, 1u) << opener;
    EXPECT_TRUE(items.empty()) << opener;
  }
}

TEST(CliSplitterCap, TheItemsDoNotDependOnHowTheInputIsCut) {
  const std::string script = "select 1;\n" + statement_of_size(40) + std::string(12, ' ') + ";\n!" +
                             std::string(50, 'c') + "\nselect '" + std::string(40, ';') + "' ;\n" +
                             statement_of_size(30) + ";";
  const auto whole = split_script(script, 40, 10);
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[1].kind, Kind::too_long);
  EXPECT_EQ(whole[2].kind, Kind::too_long);
  EXPECT_EQ(whole[3].kind, Kind::too_long);
  EXPECT_EQ(whole[4].kind, Kind::statement);
  for (std::size_t cut = 0; cut <= script.size(); ++cut) {
    StatementSplitter splitter(40, 10);
    std::vector<ScriptItem> items;
    splitter.feed(std::string_view(script).substr(0, cut), items);
    splitter.feed(std::string_view(script).substr(cut), items);
    if (auto last = splitter.finish()) items.push_back(*last);
    EXPECT_EQ(items, whole) << "cut at " << cut;
  }
}

TEST(CliVariables, DefineAndSubstituteAllThreeSyntaxes) {
  Variables vars;
  EXPECT_FALSE(vars.define("Table=orders").has_value());
  EXPECT_FALSE(vars.define("n = 10").has_value());
  std::string out;
  std::string error;
  ASSERT_TRUE(vars.substitute("select * from &table limit &{N}; -- <% table %>", out, error));
  EXPECT_EQ(out, "select * from orders limit 10; -- orders");
  ASSERT_TRUE(vars.substitute("select 'AT&&T', &table_x", out, error) == false);
  EXPECT_NE(error.find("&table_x"), std::string::npos);
  ASSERT_TRUE(vars.substitute("select 'AT&&T' & 1", out, error));
  EXPECT_EQ(out, "select 'AT&T' & 1");
}

TEST(CliVariables, AmpersandFormsNeedAVariableDefined) {
  Variables none;
  std::string out;
  std::string error;
  ASSERT_TRUE(none.substitute("select 'AT&T', '&&'", out, error));
  EXPECT_EQ(out, "select 'AT&T', '&&'");
  EXPECT_FALSE(none.substitute("select <% missing %>", out, error));
  EXPECT_NE(error.find("<% missing %>"), std::string::npos);
  // Not a reference: left alone.
  ASSERT_TRUE(none.substitute("select 1 <%= 2", out, error));
  EXPECT_EQ(out, "select 1 <%= 2");
}

TEST(CliVariables, RejectsBadDefinitions) {
  Variables vars;
  EXPECT_TRUE(vars.define("novalue").has_value());
  EXPECT_TRUE(vars.define("1x=2").has_value());
  EXPECT_TRUE(vars.define("=2").has_value());
  EXPECT_FALSE(vars.define("empty=").has_value());
  ASSERT_NE(vars.find("EMPTY"), nullptr);
  EXPECT_EQ(*vars.find("EMPTY"), "");
}

}  // namespace
}  // namespace sfq::cli
