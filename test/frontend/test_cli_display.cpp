// test_cli_display.cpp — what the built `sfq` binary shows on a terminal (a pseudo-terminal of a
// chosen width): tables that never cut numbers, dates or timestamps (whole middle columns give
// way to a "…" column, or --expanded auto turns to records), ASCII lines when the locale is not
// UTF-8, the query id on the progress line while a statement runs, and a footer time that does
// not count the time spent reading the pager.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

class CliDisplay : public ::testing::Test {
 protected:
  ChildEnv env() const {
    ChildEnv e = account_.env();
    e.set("TERM", "xterm");
    e.set("SFQ_PAGER", "");
    e.set("SFQ_HISTORY", "");
    return e;
  }
  // Runs `sql` with -q on a terminal `columns` wide; everything it printed.
  std::string screen(const std::string& sql, unsigned short columns, const ChildEnv& e,
                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args{sfq_binary(), "-q", sql};
    args.insert(args.end(), extra.begin(), extra.end());
    PtyProcess pty(args, e, 40, columns);
    EXPECT_EQ(pty.wait_exit(), 0) << pty.take();
    return pty.take();
  }
  CliAccount account_;
};

TEST_F(CliDisplay, NarrowTerminalsNeverCutNumbersOrDates) {
  const std::string out = screen(
      "select 207587.96::number(12,2) as price, 'a long text value that goes on and on' as "
      "comment, '1997-01-01'::date as shipped",
      48, env());
  EXPECT_TRUE(contains(out, "207587.96")) << out;
  EXPECT_TRUE(contains(out, "1997-01-01")) << out;
  EXPECT_TRUE(contains(out, "…")) << "the text is shortened instead:\n" << out;
  EXPECT_FALSE(contains(out, "on and on")) << out;
}

TEST_F(CliDisplay, WideTablesHideWholeMiddleColumns) {
  const std::string out = screen(
      "select l_orderkey, l_partkey, l_suppkey, l_linenumber, l_quantity, l_extendedprice, "
      "l_discount, l_tax, l_returnflag, l_linestatus, l_shipdate, l_commitdate, l_receiptdate, "
      "l_comment from lineitem order by l_orderkey limit 3",
      100, env());
  // The first and the last columns stay, a "…" column stands for those in between, and every
  // value shown is whole.
  EXPECT_TRUE(contains(out, "L_ORDERKEY")) << out;
  EXPECT_TRUE(contains(out, "L_COMMENT")) << out;
  EXPECT_TRUE(contains(out, "│ … │")) << out;
  for (std::size_t at = out.find("│"); at != std::string::npos; at = out.find("│", at + 1)) {
    // No number ends in an ellipsis.
    const std::size_t before = at >= 4 ? at - 4 : 0;
    const std::string piece = out.substr(before, 4);
    EXPECT_FALSE(piece.find("…") != std::string::npos &&
                 piece.find_first_of("0123456789") != std::string::npos)
        << out;
  }
}

TEST_F(CliDisplay, ExpandedAutoTurnsATooWideTableIntoRecords) {
  const std::string out = screen(
      "select l_orderkey, l_partkey, l_suppkey, l_linenumber, l_quantity, l_extendedprice, "
      "l_comment from lineitem order by l_orderkey limit 2",
      60, env(), {"--expanded", "auto"});
  EXPECT_TRUE(contains(out, "-[ RECORD 1 ]")) << out;
  EXPECT_TRUE(contains(out, "-[ RECORD 2 ]")) << out;
  const std::string always = screen("select 1 as a", 60, env(), {"--expanded", "on"});
  EXPECT_TRUE(contains(always, "-[ RECORD 1 ]")) << always;
  const std::string narrow = screen("select 1 as a", 60, env(), {"--expanded", "auto"});
  EXPECT_TRUE(contains(narrow, "┌")) << "a table that fits stays a table:\n" << narrow;
}

TEST_F(CliDisplay, AsciiLinesWhenTheLocaleIsNotUtf8) {
  ChildEnv e = env();
  e.set("LANG", "C");
  const std::string out = screen("select 1 as a, 'x' as b", 80, e);
  EXPECT_TRUE(contains(out, "+---+---+")) << out;
  EXPECT_TRUE(contains(out, "| 1 | x |")) << out;
  EXPECT_FALSE(contains(out, "┌")) << out;
  // The footer too is plain ASCII.
  EXPECT_TRUE(contains(out, "1 row - ")) << out;
  EXPECT_FALSE(contains(out, "·")) << out;
  const std::string asked = screen("select 1 as a", 80, env(), {"--box", "ascii"});
  EXPECT_TRUE(contains(asked, "+---+")) << asked;
}

TEST_F(CliDisplay, ProgressLineShowsTheQueryIdWhileTheStatementRuns) {
  PtyProcess pty({sfq_binary(), "-q", "select system$wait(4)"}, env(), 40, 160);
  // The query id follows the state while the statement still runs.
  ASSERT_TRUE(pty.expect("· running · ")) << pty.take();
  const std::string after = pty.take();
  const std::string id = after.substr(0, after.find_first_of(" \n"));
  EXPECT_GE(id.size(), 16u) << after;
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef-"), std::string::npos) << after;
  EXPECT_TRUE(account_.server().statement_state(id).has_value()) << "the server's own id: " << id;
  EXPECT_EQ(pty.wait_exit(), 0);
}

TEST_F(CliDisplay, FooterTimeExcludesTimeInThePager) {
  // A pager that says when it has the screen and then waits for a key before it reads. The
  // statement's time cannot be longer than everything that happened before the pager started;
  // the time the reader then spends in it must not be added.
  const std::string pager = account_.dir().write_file(
      "pager.sh",
      "#!/bin/sh\nprintf 'PAGER STARTED\\n' > /dev/tty\nread key < /dev/tty\n"
      "cat > /dev/null\n",
      0700);
  ChildEnv e = env();
  e.set("SFQ_PAGER", pager);
  const auto launched = std::chrono::steady_clock::now();
  PtyProcess pty({sfq_binary(), "-q", "select seq4() from table(generator(rowcount => 200))"}, e,
                 20, 80);
  ASSERT_TRUE(pty.expect("PAGER STARTED")) << pty.take();
  const double before_pager =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - launched).count();
  std::this_thread::sleep_for(1500ms);  // the person reading
  pty.send("\r");
  ASSERT_TRUE(pty.expect("200 rows · ")) << pty.take();
  const std::string rest = pty.take();
  const double seconds = std::stod(rest.substr(0, rest.find(' ')));
  EXPECT_LE(seconds, before_pager + 0.01) << rest;
  EXPECT_EQ(pty.wait_exit(), 0);
}

}  // namespace
}  // namespace sfq::test_support
