// test_cli_session_state.cpp — how the CLI reads session statements (session_state.hpp): which
// statements set the context, become request parameters, are replayed, or are transactions,
// and the request built from the kept session.
#include <gtest/gtest.h>

#include <string>

#include "cli/session_state.hpp"

namespace sfq::cli {
namespace {

using Kind = SessionStatement::Kind;

TEST(CliSessionState, ClassifiesSessionStatements) {
  EXPECT_EQ(classify_statement("use schema mockdb.public").kind, Kind::use);
  EXPECT_EQ(classify_statement("  USE mockdb.public").kind, Kind::use);
  EXPECT_EQ(classify_statement("use warehouse \"My WH\"").kind, Kind::use);
  EXPECT_EQ(classify_statement("use secondary roles all").kind, Kind::replay);
  EXPECT_EQ(classify_statement("set x = 5").kind, Kind::replay);
  EXPECT_EQ(classify_statement("SET (a, b) = (1, 2)").kind, Kind::replay);
  EXPECT_EQ(classify_statement("unset x").kind, Kind::replay);
  EXPECT_EQ(classify_statement("select 1").kind, Kind::other);
  EXPECT_EQ(classify_statement("-- set x = 1\nselect 1").kind, Kind::other);
  EXPECT_EQ(classify_statement("alter table t add column c int").kind, Kind::other);
  EXPECT_EQ(classify_statement("update t set x = 1").kind, Kind::other);
}

TEST(CliSessionState, TransactionsButNotScriptingBlocks) {
  for (const char* sql : {"begin", "BEGIN TRANSACTION", "begin work", "start transaction",
                          "begin name t1", "commit", "COMMIT WORK", "rollback"}) {
    EXPECT_EQ(classify_statement(sql).kind, Kind::transaction) << sql;
  }
  EXPECT_EQ(classify_statement("begin return 1; end").kind, Kind::other);
  EXPECT_EQ(classify_statement("BEGIN\n  LET x := 1;\nEND").kind, Kind::other);
  EXPECT_EQ(classify_statement("start").kind, Kind::other);
}

TEST(CliSessionState, AlterSessionOfRequestParametersIsParsed) {
  const auto set = classify_statement(
      "alter session set TIMEZONE = 'America/Los_Angeles', query_tag='it''s' "
      "date_output_format = \"x\"");
  // A quoted name is not a parameter value sfq can read: replayed as written.
  EXPECT_EQ(set.kind, Kind::replay);
  const auto plain =
      classify_statement("alter session set TIMEZONE = 'America/Los_Angeles', query_tag='it''s'");
  ASSERT_EQ(plain.kind, Kind::parameters);
  ASSERT_EQ(plain.parameters.size(), 2u);
  EXPECT_EQ(plain.parameters[0].first, "TIMEZONE");
  EXPECT_EQ(plain.parameters[0].second, "America/Los_Angeles");
  EXPECT_EQ(plain.parameters[1].first, "QUERY_TAG");
  EXPECT_EQ(plain.parameters[1].second, "it's");
  const auto unset = classify_statement("ALTER SESSION UNSET timezone, query_tag");
  ASSERT_EQ(unset.kind, Kind::parameters);
  EXPECT_FALSE(unset.parameters[0].second.has_value());
  EXPECT_EQ(classify_statement("alter session set week_start = 1").kind, Kind::replay);
  EXPECT_EQ(classify_statement("alter session set timezone = 'UTC', week_start = 1").kind,
            Kind::replay);
}

TEST(CliSessionState, TheRequestCarriesContextParametersAndReplays) {
  SessionState state;
  state.database = "DB";
  state.schema = "S";
  state.role = "R";
  state.parameters["TIMEZONE"] = "UTC";
  Statement one = state.request({"select 1"});
  EXPECT_EQ(one.sql, "select 1");
  EXPECT_FALSE(one.multi_statement_count.has_value());
  EXPECT_EQ(one.database, "DB");
  EXPECT_EQ(one.parameters.at("TIMEZONE"), "UTC");
  EXPECT_EQ(state.where(), "R DB.S");
  state.warehouse = "WH";
  EXPECT_EQ(state.where(), "R@WH DB.S");

  state.replay = {"set x = 5", "alter session set week_start = 1"};
  Statement replayed = state.request({"select $x"});
  EXPECT_EQ(replayed.sql, "set x = 5;\nalter session set week_start = 1;\nselect $x");
  EXPECT_EQ(replayed.multi_statement_count, 3);
}

}  // namespace
}  // namespace sfq::cli
