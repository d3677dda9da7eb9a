// test_cli_repl.cpp — the interactive session of the built `sfq` binary, driven through a
// pseudo-terminal the way a person types: multi-line input, history across two runs, Ctrl-C
// that cancels a running statement on the server and Ctrl-C that clears the prompt, !set
// format and psql's \x, the pager for tall results, and Ctrl-D.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>

#include <string>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

// The prompt shows where statements run: the connection names a database and a schema.
constexpr std::string_view kPrompt = "SNOWFLAKE_SAMPLE_DATA.TPCH_SF1> ";
constexpr std::string_view kUp = "\x1b[A";

// The prompt is on the screen and the line editor reads keys.
bool prompt(PtyProcess& pty) { return pty.expect(kPrompt) && pty.wait_for_raw_mode(); }

class CliRepl : public ::testing::Test {
 protected:
  ChildEnv env() const {
    ChildEnv e = account_.env();
    e.set("TERM", "xterm");
    e.set("SFQ_HISTORY", history_file());
    e.set("SFQ_PAGER", "");
    return e;
  }
  std::string history_file() const { return account_.dir().at("state/sfq/history"); }

  std::unique_ptr<PtyProcess> start(const ChildEnv& e, unsigned short rows = 40) {
    auto pty = std::make_unique<PtyProcess>(std::vector<std::string>{sfq_binary()}, e, rows);
    EXPECT_TRUE(prompt(*pty)) << pty->take();
    return pty;
  }

  CliAccount account_;
};

TEST_F(CliRepl, MultiLineInputRunsAtTheSemicolon) {
  auto pty = start(env());
  pty->send("select\r");
  ASSERT_TRUE(pty->expect("  -> ")) << pty->take();
  pty->send("  41 + 1 as answer\r");
  ASSERT_TRUE(pty->expect("  -> ")) << pty->take();
  EXPECT_EQ(account_.server().counters().executions, 0u) << "nothing runs before the ';'";
  pty->send(";\r");
  ASSERT_TRUE(pty->expect("ANSWER")) << pty->take();
  ASSERT_TRUE(pty->expect("42")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");  // Ctrl-D
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, HistoryIsKeptAcrossRuns) {
  {
    auto pty = start(env());
    pty->send("select 'from the first run' as memory;\r");
    ASSERT_TRUE(pty->expect("│ from the first run │")) << pty->take();
    ASSERT_TRUE(prompt(*pty)) << pty->take();
    pty->send("!set timing=true\r");  // commands are remembered too
    ASSERT_TRUE(prompt(*pty)) << pty->take();
    pty->send("\x04");
    EXPECT_EQ(pty->wait_exit(), 0);
  }
  struct stat st {};
  ASSERT_EQ(::stat(history_file().c_str(), &st), 0) << "history written";
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "statements may hold secrets";
  const auto executions = account_.server().counters().executions;

  auto pty = start(env());
  // Two steps back: the previous run's statement; run it again.
  pty->send(std::string(kUp) + std::string(kUp) + "\r");
  ASSERT_TRUE(pty->expect("│ from the first run │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  EXPECT_EQ(account_.server().counters().executions, executions + 1);
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, CtrlCCancelsTheRunningStatementOnTheServerAndReturnsToThePrompt) {
  auto pty = start(env());
  pty->send("select system$wait(30);\r");
  ASSERT_TRUE(account_.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running >= 1; }, 30s));
  pty->send("\x03");  // Ctrl-C
  ASSERT_TRUE(pty->expect("cancelled")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  EXPECT_TRUE(account_.server().wait_until(
      [](const mock_snowflake::Counters& c) {
        std::uint64_t cancels = 0;
        for (const auto& [handle, n] : c.cancels_by_handle) cancels += n;
        return cancels >= 1 && c.statements_running == 0;
      },
      10s));
  // The session goes on.
  pty->send("select 'still here' as s;\r");
  ASSERT_TRUE(pty->expect("│ still here │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, CtrlCAtThePromptClearsTheInput) {
  auto pty = start(env());
  pty->send("select 'abandoned'");
  pty->send("\x03");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("select 'kept' as k;\r");
  ASSERT_TRUE(pty->expect("│ kept │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  EXPECT_EQ(account_.server().counters().executions, 1u) << "the abandoned text never ran";
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, SetFormatSwitchesTheOutputFormat) {
  auto pty = start(env());
  pty->send("!set format=csv\r");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("select 1 as a, 'x' as b;\r");
  ASSERT_TRUE(pty->expect("A,B\n1,x\n")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("!set format=nonsense\r");
  ASSERT_TRUE(pty->expect("sfq: error: setting format=nonsense is not valid")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("!exit\r");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, PsqlsBackslashXTogglesExpandedDisplayAndSaysSo) {
  auto pty = start(env());
  pty->send("\\x\r");
  ASSERT_TRUE(pty->expect("Expanded display is on.")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("select 1 as a;\r");
  ASSERT_TRUE(pty->expect("RECORD 1")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\\x\r");
  ASSERT_TRUE(pty->expect("Expanded display is off.")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\\q\r");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, TallResultsGoThroughThePager) {
  ChildEnv e = env();
  e.set("SFQ_PAGER", "sed s/^/PAGED:/");
  auto pty = start(e, 12);
  pty->send("select 'short' as s;\r");
  ASSERT_TRUE(pty->expect("│ short │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  EXPECT_EQ(pty->raw().find("PAGED:"), std::string::npos) << "a short result is not paged";
  pty->send("select seq4() as n from table(generator(rowcount => 50));\r");
  ASSERT_TRUE(pty->expect("PAGED:")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, CtrlCInsideThePagerBelongsToThePager) {
  ChildEnv e = env();
  // A pager still open when Ctrl-C comes (sed has written everything); the SIGINT ends it.
  e.set("SFQ_PAGER",
        "trap 'kill $! 2>/dev/null; exit 0' INT; sed s/^/PAGED:/; echo PAGER-WAITING; "
        "sleep 30 & wait");
  auto pty = start(e, 12);
  pty->send("select seq4() as n from table(generator(rowcount => 50));\r");
  ASSERT_TRUE(pty->expect("PAGER-WAITING")) << pty->take();
  pty->send("\x03");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  // The result was shown in full: nothing was cancelled, nothing failed.
  EXPECT_EQ(pty->raw().find("cancelled"), std::string::npos) << pty->raw();
  EXPECT_NE(pty->raw().find("PAGED:│ 49 │"), std::string::npos) << pty->raw();
  // The progress line stopped when the pager took the screen.
  const std::string raw = pty->raw();
  EXPECT_EQ(raw.find("of 50 rows", raw.find("PAGER-WAITING")), std::string::npos) << raw;
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, OnATerminalWideTablesFitAndAFooterAndProgressAreShown) {
  auto pty = start(env(), 40);  // 120 columns
  pty->send("select repeat('x', 300) as wide, 1 as n;\r");
  ASSERT_TRUE(pty->expect("┌")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  const std::string screen = strip_ansi(pty->raw());
  // Every line of the table fits in 120 columns; the long value ends with an ellipsis.
  std::size_t table_lines = 0;
  std::size_t from = screen.find("┌");
  while (from != std::string::npos && from < screen.size()) {
    const std::size_t end = screen.find('\n', from);
    const std::string line = screen.substr(from, end - from);
    if (line.rfind("│", 0) == 0 || line.rfind("┌", 0) == 0 || line.rfind("├", 0) == 0 ||
        line.rfind("└", 0) == 0) {
      ++table_lines;
      std::size_t columns = 0;
      for (const unsigned char c : line) columns += (c & 0xC0) != 0x80 ? 1 : 0;
      EXPECT_LE(columns, 120u) << line;
    }
    if (end == std::string::npos) break;
    from = end + 1;
  }
  EXPECT_GE(table_lines, 5u) << screen;
  EXPECT_NE(screen.find("x…"), std::string::npos) << screen;
  // The footer on stderr: rows, seconds, query id.
  EXPECT_NE(screen.find("1 row · "), std::string::npos) << screen;

  // A statement that takes a while shows the progress line on the terminal: running once the
  // server has answered the (asynchronous) submission.
  pty->send("select system$wait(5);\r");
  ASSERT_TRUE(pty->expect("· running")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, BackslashQExitAndQuitLeaveAndHelpHelps) {
  for (const std::string word : {"\\q", "exit", "quit;"}) {
    auto pty = start(env());
    pty->send("help\r");
    ASSERT_TRUE(pty->expect("!spool FILE")) << pty->take();
    ASSERT_TRUE(prompt(*pty)) << pty->take();
    pty->send(word + "\r");
    EXPECT_EQ(pty->wait_exit(), 0) << word;
    EXPECT_EQ(pty->raw().find("  -> "), std::string::npos) << "no continuation prompt: " << word;
  }
  EXPECT_EQ(account_.server().counters().executions, 0u);
}

TEST_F(CliRepl, CtrlCAtThePromptMovesToANewLine) {
  auto pty = start(env());
  pty->send("select 'abandoned'");
  pty->send("\x03");
  ASSERT_TRUE(pty->expect(std::string("select 'abandoned'^C\n") + std::string(kPrompt)))
      << pty->take();
  ASSERT_TRUE(pty->wait_for_raw_mode());
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, CtrlZSuspendsAndTheSessionGoesOnAfterwards) {
  auto pty = start(env());
  pty->send("\x1a");  // Ctrl-Z
  ASSERT_TRUE(pty->wait_stopped()) << pty->take();
  ::kill(pty->pid(), SIGCONT);
  pty->send("select 'back' as b;\r");
  ASSERT_TRUE(pty->expect("│ back │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, PromptShowsWhereStatementsRunAfterUse) {
  auto pty = start(env());
  pty->send("use schema mockdb.public;\r");
  ASSERT_TRUE(pty->expect("MOCKDB.PUBLIC> ")) << pty->take();
  ASSERT_TRUE(pty->wait_for_raw_mode());
  pty->send("select count(*) > 0 as here from all_types;\r");
  ASSERT_TRUE(pty->expect("│ true │")) << pty->take();
  ASSERT_TRUE(pty->expect("MOCKDB.PUBLIC> ")) << pty->take();
  pty->send("!begin\r");
  ASSERT_TRUE(pty->expect("MOCKDB.PUBLIC [0]> ")) << pty->take();
  pty->send("select 1 as one;\r");
  ASSERT_TRUE(pty->expect("MOCKDB.PUBLIC [1]> ")) << pty->take();
  pty->send("!commit\r");
  ASSERT_TRUE(pty->expect("│   1 │")) << pty->take();
  // Ctrl-D at the prompt, once the editor reads keys: a ^D the terminal sees in line mode is
  // an end-of-file that nobody may read before the editor switches modes.
  ASSERT_TRUE(pty->expect("MOCKDB.PUBLIC> ")) << pty->take();
  ASSERT_TRUE(pty->wait_for_raw_mode());
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, PromptShowsTheConfiguredRoleAndWarehouseFromTheStart) {
  // Written in lower case as people do; the prompt shows the names the server resolves.
  account_.write_connections("[default]\n" + account_.connection_toml() +
                             "role = \"sysadmin\"\nwarehouse = \"mock_wh\"\n");
  auto pty = std::make_unique<PtyProcess>(std::vector<std::string>{sfq_binary()}, env());
  constexpr std::string_view kFull = "SYSADMIN@MOCK_WH SNOWFLAKE_SAMPLE_DATA.TPCH_SF1> ";
  ASSERT_TRUE(pty->expect(kFull)) << pty->take();
  EXPECT_EQ(account_.server().counters().executions, 0u) << "from the configuration alone";
  ASSERT_TRUE(pty->wait_for_raw_mode());
  // The statements run where the prompt says.
  pty->send("select current_role() as r, current_warehouse() as w;\r");
  ASSERT_TRUE(pty->expect("│ SYSADMIN │ MOCK_WH │")) << pty->take();
  ASSERT_TRUE(pty->expect(kFull)) << pty->take();
  ASSERT_TRUE(pty->wait_for_raw_mode());
  pty->send("use role public;\r");
  ASSERT_TRUE(pty->expect("PUBLIC@MOCK_WH SNOWFLAKE_SAMPLE_DATA.TPCH_SF1> ")) << pty->take();
  ASSERT_TRUE(pty->wait_for_raw_mode());
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, TabCompletesKeywordsCommandsAndTableNames) {
  auto pty = start(env());
  pty->send("sel\t");
  ASSERT_TRUE(pty->expect("select ")) << pty->take();
  pty->send("* from nat\t");
  ASSERT_TRUE(pty->expect("nation ")) << pty->take();
  pty->send("limit 1;\r");
  ASSERT_TRUE(pty->expect("N_NATIONKEY")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  const auto executions = account_.server().counters().executions;
  pty->send("select * from reg\t");  // the names are cached: no new request
  ASSERT_TRUE(pty->expect("region ")) << pty->take();
  EXPECT_EQ(account_.server().counters().executions, executions);
  pty->send("\x03");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  // A database's schemas, then a schema's tables (another schema than the current one).
  pty->send("select count(*) as n from mockdb.pu\t");
  pty->send("\x7f.all_t\t");  // back over the space Tab added
  pty->send(";\r");
  ASSERT_TRUE(pty->expect("│ 5 │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("!sp\t");
  ASSERT_TRUE(pty->expect("!spool")) << pty->take();
  pty->send("\x03");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
}

TEST_F(CliRepl, SpoolSendsResultsToAFileUntilOff) {
  const std::string file = account_.dir().at("spool.txt");
  auto pty = start(env());
  pty->send("!spool " + file + "\r");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("select 'to the file' as s;\r");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("!spool off\r");
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("select 'to the screen' as s;\r");
  ASSERT_TRUE(pty->expect("│ to the screen │")) << pty->take();
  ASSERT_TRUE(prompt(*pty)) << pty->take();
  pty->send("\x04");
  EXPECT_EQ(pty->wait_exit(), 0);
  EXPECT_EQ(pty->raw().find("to the file │"), std::string::npos) << pty->raw();
  const std::string spooled = read_file(file);
  EXPECT_NE(spooled.find("to the file"), std::string::npos) << spooled;
  EXPECT_EQ(spooled.find("to the screen"), std::string::npos) << spooled;
}

TEST_F(CliRepl, KeygenAsksForThePassphraseWithoutEchoingIt) {
  TempDir keys;
  PtyProcess pty({sfq_binary(), "keygen", "--encrypt", "--out", keys.path()}, env());
  ASSERT_TRUE(pty.expect("Passphrase for the private key: ")) << pty.take();
  ASSERT_TRUE(pty.wait_for_echo_off());
  pty.send("s3cret-phrase\r");
  ASSERT_TRUE(pty.expect("Same passphrase again: ")) << pty.take();
  ASSERT_TRUE(pty.wait_for_echo_off());
  pty.send("s3cret-phrase\r");
  ASSERT_TRUE(pty.expect("ALTER USER")) << pty.take();
  EXPECT_EQ(pty.wait_exit(), 0);
  EXPECT_EQ(pty.raw().find("s3cret-phrase"), std::string::npos) << "echo is off";
  EXPECT_NE(read_file(keys.at("rsa_key.p8")).find("BEGIN ENCRYPTED PRIVATE KEY"),
            std::string::npos);
}

}  // namespace
}  // namespace sfq::test_support
