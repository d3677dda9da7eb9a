// test_cli_scripts.cpp — scripts through the built `sfq` binary: -q/-f order, stdin, the
// splitter on real SQL, variables, !source and !set in files, --max-rows, NULL display, and
// `sfq keygen`, and psql's backslash commands.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "sfq/client.hpp"
#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

using namespace std::chrono_literals;

TEST(CliScripts, QueriesAndFilesRunInTheOrderGiven) {
  CliAccount account;
  const std::string file = account.dir().write_file("two.sql", "select 2 as n;\nselect 3 as n");
  const auto r = run_sfq({"--format", "csv", "--no-header", "-q", "select 1 as n", "-f", file, "-q",
                          "select 4 as n; select 5 as n"},
                         account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n\n2\n\n3\n\n4\n\n5\n");
}

TEST(CliScripts, StandardInputIsReadWhenItIsNotATerminal) {
  CliAccount account;
  const auto r = run_sfq({"--format", "jsonl"}, account.env(),
                         "select 'a;b' as s; -- comment;\nselect $$x;y$$ as s;\n"
                         "/* ; */ select 'it''s' as s");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"S\":\"a;b\"}\n{\"S\":\"x;y\"}\n{\"S\":\"it's\"}\n");
}

TEST(CliScripts, VariablesFromTheCommandLineAndFromTheScript) {
  CliAccount account;
  const auto r =
      run_sfq({"--format", "csv", "--no-header", "-D", "n=41", "-D", "Word=hello", "-f", "-"},
              account.env(),
              "select &n + 1;\nselect '<% word %>, &{WORD}';\n!define later=7\n"
              "select &later;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n\n\"hello, hello\"\n\n7\n");
}

TEST(CliScripts, SourceAndSetInsideAScript) {
  CliAccount account;
  const std::string inner = account.dir().write_file("inner.sql", "select 'inner' as w;\n");
  const auto r = run_sfq({"-f", "-"}, account.env(),
                         "!set format=csv\n!source " + inner + "\n!set header=false\nselect 2;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "W\ninner\n\n2\n");
}

TEST(CliScripts, PsqlMetaCommandsWorkAsPsqlUsersTypeThem) {
  CliAccount account;
  const std::string inner = account.dir().write_file("inner.sql", "select 'inner' as w;\n");
  const std::string spooled = account.dir().at("spooled.txt");
  const auto r = run_sfq({"--box", "ascii", "-f", "-"}, account.env(),
                         "\\x\nselect 1 as a;\n\\x off\n\\i " + inner + "\n\\o " + spooled +
                             "\nselect 2 as b;\n\\o\n\\dt *nat*\n\\echo done\n\\q\n"
                             "select 3 as c;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-[ RECORD 1 ]-"), std::string::npos) << r.out;  // \x
  EXPECT_NE(r.out.find("| inner |"), std::string::npos) << r.out;       // \x off, \i
  EXPECT_NE(r.out.find("NATION"), std::string::npos) << r.out;          // \dt *nat*
  EXPECT_EQ(r.out.find("REGION"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done\n"), std::string::npos) << r.out;  // \echo
  EXPECT_EQ(r.out.find("| B"), std::string::npos) << "\\o sends results to the file";
  EXPECT_NE(read_file(spooled).find("| B |"), std::string::npos) << read_file(spooled);
  EXPECT_EQ(r.out.find("| C"), std::string::npos) << "\\q ends the script";
}

TEST(CliScripts, PsqlConnectSwitchesTheDatabaseForTheStatementsThatFollow) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--no-header", "-f", "-"}, account.env(),
                         "use database MOCKDB;\nselect current_database();\n"
                         "\\c SNOWFLAKE_SAMPLE_DATA\nselect current_database();\n\\conninfo\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nMOCKDB\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nSNOWFLAKE_SAMPLE_DATA\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MOCKUSER,PUBLIC,MOCK_WH,SNOWFLAKE_SAMPLE_DATA,PUBLIC"), std::string::npos)
      << r.out;  // \conninfo
  // psql's \c DB USER is another connection: refused before anything reaches the server.
  const std::uint64_t before = account.server().counters().executions;
  const auto other = run_sfq({"-q", "\\c SNOWFLAKE_SAMPLE_DATA bob"}, account.env());
  EXPECT_EQ(other.exit_code, 1) << other.err;
  EXPECT_NE(other.err.find("!connect NAME"), std::string::npos) << other.err;
  EXPECT_EQ(account.server().counters().executions, before);
}

TEST(CliScripts, DuckdbDotCommandsWorkAsDuckdbUsersTypeThem) {
  CliAccount account;
  const auto r = run_sfq({"-f", "-"}, account.env(),
                         ".mode csv\n.nullvalue (null)\nselect null as a;\n.headers off\n"
                         ".tables NAT%\n.quit\nselect 3 as c;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 10), "A\n(null)\n\n") << r.out;
  EXPECT_NE(r.out.find(",NATION,"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("REGION"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\n3\n"), std::string::npos) << ".quit ends the script";
}

TEST(CliScripts, BackslashGShowsThatResultAsVerticalRecords) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "-f", "-"}, account.env(),
                         "select 1 as a, 'x' as b\\G\nselect 2 as c;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "-[ RECORD 1 ]-------\nA | 1\nB | x\n\nC\n2\n");
}

TEST(CliScripts, AnUnknownPsqlCommandIsRefusedWithoutReachingTheServer) {
  CliAccount account;
  const auto r = run_sfq({"-q", "\\pset format csv"}, account.env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("unknown command \\pset"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\\dt"), std::string::npos) << r.err;
  EXPECT_EQ(account.server().counters().executions, 0u);
}

TEST(CliScripts, MaxRowsStopsEarly) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "--max-rows", "3", "-q",
                          "select seq4() as n from table(generator(rowcount => 100000))"},
                         account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "N\n0\n1\n2\n");
}

TEST(CliScripts, NullDisplayAndConfigDefaults) {
  CliAccount account;
  account.dir().write_file("home/.snowflake/config.toml",
                           "[sfq]\nformat = \"csv\"\nnull_display = \"<null>\"\n");
  auto r = run_sfq({"-q", "select null as x, '' as y"}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "X,Y\n<null>,\"\"\n");
  // Flags win over config.toml.
  r = run_sfq({"--format", "tsv", "--null-display", "-", "-q", "select null as x"}, account.env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "X\n-\n");
}

TEST(CliScripts, DmlPrintsItsOneRowResult) {
  CliAccount account;
  const auto r = run_sfq({"--format", "csv", "-f", "-"}, account.env(),
                         "create table mockdb.public.k (i int);\n"
                         "insert into mockdb.public.k values (1), (2), (3);\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("number of rows inserted\n3\n"), std::string::npos) << r.out;
}

TEST(CliKeygen, WritesAPrivateKeyPairAndPrintsTheAlterUserStatement) {
  TempDir dir;
  const auto r = run_sfq({"keygen", "--out", dir.path(), "-u", "JDOE"}, ChildEnv(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"/rsa_key.p8", "/rsa_key.pub"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() + name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
  EXPECT_NE(read_file(dir.at("rsa_key.p8")).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(r.out.find("ALTER USER JDOE SET RSA_PUBLIC_KEY='MII"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Fingerprint: SHA256:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("PRIVATE KEY"), std::string::npos) << "the private key is not printed";
  // Never over existing keys.
  const auto again = run_sfq({"keygen", "--out", dir.path()}, ChildEnv(dir.path()));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

TEST(CliKeygen, MakesAMissingOutputDirectoryPrivateToItsOwner) {
  TempDir dir;
  const std::string out = dir.path() + "/new/keys";
  const auto r = run_sfq({"keygen", "--out", out}, ChildEnv(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(::stat((out + "/rsa_key.p8").c_str(), &st), 0);
  // A file in the way is a usage error, and nothing is written.
  const auto file = run_sfq({"keygen", "--out", out + "/rsa_key.p8"}, ChildEnv(dir.path()));
  EXPECT_EQ(file.exit_code, 2) << file.err;
  EXPECT_NE(file.err.find("is not a directory"), std::string::npos) << file.err;
}

TEST(CliKeygen, EncryptsWithThePassphraseFromTheEnvironment) {
  TempDir dir;
  ChildEnv env(dir.path());
  env.set("PRIVATE_KEY_PASSPHRASE", "correct horse");
  const auto r = run_sfq({"keygen", "--out", dir.path(), "--encrypt"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(dir.at("rsa_key.p8")).find("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            std::string::npos);
  EXPECT_EQ(r.out.find("correct horse"), std::string::npos);
  EXPECT_EQ(r.err.find("correct horse"), std::string::npos);
}

TEST(CliKeygen, TheGeneratedKeyAuthenticates) {
  CliAccount account;
  TempDir dir;
  ASSERT_EQ(run_sfq({"keygen", "--out", dir.path()}, ChildEnv(dir.path())).exit_code, 0);
  std::string error;
  ASSERT_TRUE(account.server().add_public_key(read_file(dir.at("rsa_key.pub")), 2, error)) << error;
  const auto r = run_sfq({"--private-key-file", dir.at("rsa_key.p8"), "--format", "csv",
                          "--no-header", "-q", "select 'in' as x"},
                         account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "in\n");
}

TEST(CliScripts, ConnectSwitchesConnections) {
  mock_snowflake::ServerOptions options;
  options.granted_roles = {"FIRST_ROLE", "OTHER_ROLE"};  // the user may take either role
  CliAccount account(options);
  const std::string base = account.connection_toml();
  account.write_connections("[default]\n" + base + "role = \"FIRST_ROLE\"\n[other]\n" + base +
                            "role = \"OTHER_ROLE\"\n");
  const auto r = run_sfq({"--format", "csv", "--no-header", "-f", "-"}, account.env(),
                         "select current_role();\n!connect other\nselect current_role();\n"
                         "!connect missing\n");
  EXPECT_EQ(r.out, "FIRST_ROLE\n\nOTHER_ROLE\n");
  EXPECT_EQ(r.exit_code, 2) << "an unknown connection is a configuration error";
  EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
}

TEST(CliScripts, AbortCancelsAStatementByItsQueryId) {
  CliAccount account;
  // A statement started elsewhere (here: by the test, through libsfq).
  sfq::ConnectionOptions options;
  options.account = "MOCKACCOUNT";
  options.user = "MOCKUSER";
  options.host = "127.0.0.1";
  options.port = account.port();
  options.protocol = "http";
  options.private_key_file = account.key_file();
  sfq::Client client(options);
  sfq::Statement statement("select system$wait(30)");
  statement.async = true;
  sfq::Query query = client.submit(statement);
  ASSERT_TRUE(account.server().wait_until(
      [](const mock_snowflake::Counters& c) { return c.statements_running >= 1; }, 30s));
  std::string handle;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((handle = query.statement_handle()).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    (void)query.wait_for(10ms);
  }
  ASSERT_FALSE(handle.empty());

  const auto r = run_sfq({"-q", "!abort " + handle}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "cancelled " + handle + "\n");
  EXPECT_TRUE(account.server().wait_until(
      [&](const mock_snowflake::Counters& c) {
        const auto it = c.cancels_by_handle.find(handle);
        return it != c.cancels_by_handle.end() && it->second >= 1;
      },
      10s));
  EXPECT_THROW((void)query.result(), sfq::Error) << "the statement was cancelled";
}

TEST(CliScripts, AReaderThatLeavesEarlyEndsTheRunQuietly) {
  CliAccount account;
  ProcessOptions options;
  options.args = {"/bin/bash", "-c",
                  "set -o pipefail; \"$0\" --format csv -q \"select seq4() from "
                  "table(generator(rowcount => 200000))\" | head -n 2",
                  sfq_binary()};
  const auto r = run_process(options, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SEQ4()\n0\n");
  EXPECT_EQ(r.err, "") << "no error for a closed pipe";
}

TEST(CliScripts, StatementTimeoutIsAnSqlError) {
  CliAccount account;
  account.write_connections("[default]\n" + account.connection_toml() + "statement_timeout = 1\n");
  const auto r = run_sfq({"-q", "select system$wait(20)"}, account.env());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.rfind("sfq: error: ", 0), 0u) << r.err;
}

TEST(CliScripts, McpIsDispatchedToTheMcpServer) {
  TempDir home;
  const auto r = run_sfq({"mcp", "--help"}, ChildEnv(home.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The MCP server's own help, not the CLI's: its flags, none of the CLI's output flags.
  EXPECT_NE(r.out.find("Usage: sfq mcp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--allow-write"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--format"), std::string::npos) << "not the CLI's help";
}

}  // namespace
}  // namespace sfq::test_support
