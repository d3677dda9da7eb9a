// TLS certificate verification through the built `sfq` binary and `sfq mcp`, against the
// emulator serving HTTPS with a self-signed certificate made here: verification is on by
// default and an untrusted certificate fails with a message naming the fix; ca_file naming the
// certificate makes it trusted, for queries and for `sfq connection test`; insecure_skip_tls_verify
// (flag, key or SNOWFLAKE_ variable) turns verification off and is warned about on stderr on every
// run, whatever the log level. A client on the wrong scheme is told so: HTTPS to a plain-HTTP
// server names protocol = "http", plain HTTP to an HTTPS server shows the server's answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "support/check_report.hpp"
#include "support/cli_account.hpp"
#include "support/mcp_pipe.hpp"
#include "support/net_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using sfq::mcp::testing::McpPipe;
using sfq::test_support::CliAccount;
using sfq::test_support::run_sfq;
using sfq::test_support::ScopedEnv;
using sfq::test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kWarning = "TLS certificate verification is OFF";

/// The emulator on HTTPS with a certificate nobody trusts, and a CLI account for it.
class TlsAccount {
 public:
  TlsAccount()
      : files_(),
        certificate_(sfq::test_support::self_signed_certificate(files_)),
        account_(options()) {}

  [[nodiscard]] CliAccount& account() { return account_; }
  [[nodiscard]] const std::string& certificate() const { return certificate_.first; }

 private:
  mock_snowflake::ServerOptions options() const {
    mock_snowflake::ServerOptions o;
    o.tls_cert_file = certificate_.first;
    o.tls_key_file = certificate_.second;
    return o;
  }

  TempDir files_;
  std::pair<std::string, std::string> certificate_;
  CliAccount account_;
};

TEST(TlsVerification, TheEmulatorServesHttps) {
  TlsAccount tls;
  EXPECT_EQ(tls.account().server().base_url().rfind("https://", 0), 0u);
}

TEST(TlsVerification, AnUntrustedCertificateFailsWithTheFixNamed) {
  TlsAccount tls;
  const auto r = run_sfq({"--protocol", "https", "-q", "select 1"}, tls.account().env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("certificate is not trusted"));
  EXPECT_THAT(r.err, HasSubstr("ca_file"));
  EXPECT_THAT(r.err, Not(HasSubstr(kWarning)));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(tls.account().server().counters().executions, 0u);
}

TEST(TlsVerification, HttpsToAPlainHttpServerSaysToSetProtocolHttp) {
  CliAccount plain;
  const auto r = run_sfq({"--protocol", "https", "-q", "select 1"}, plain.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("does not speak TLS on this port"));
  EXPECT_THAT(r.err, HasSubstr("set protocol = \"http\""));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(plain.server().counters().executions, 0u);

  const auto check = run_sfq({"connection", "test", "--protocol", "https"}, plain.env());
  EXPECT_TRUE(sfq::test_support::failed(check.out, "tls")) << check.out;
  EXPECT_THAT(check.out, HasSubstr("set protocol = \"http\"")) << check.out;
}

TEST(TlsVerification, PlainHttpToAnHttpsServerShowsWhatTheServerSaid) {
  TlsAccount tls;
  const auto r = run_sfq({"--protocol", "http", "-q", "select 1"}, tls.account().env());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("HTTP 400 while submitting the statement: This port serves HTTPS"));
  EXPECT_THAT(r.err, HasSubstr("use https://"));
  EXPECT_THAT(r.err, Not(HasSubstr("(HTTP 400)"))) << "the status is said once";
  EXPECT_EQ(tls.account().server().counters().executions, 0u);
}

TEST(TlsVerification, CaFileNamingTheCertificateMakesItTrusted) {
  TlsAccount tls;
  const auto r = run_sfq({"--protocol", "https", "--format", "csv", "-q", "select 41 + 1 as n"},
                         tls.account().env().set("SNOWFLAKE_CA_FILE", tls.certificate()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "N\n42\n");
  EXPECT_THAT(r.err, Not(HasSubstr(kWarning)));
}

TEST(TlsVerification, ConnectionTestTrustsTheCaFileAsQueriesDo) {
  TlsAccount tls;
  const auto r = run_sfq({"connection", "test", "--protocol", "https"},
                         tls.account().env().set("SNOWFLAKE_CA_FILE", tls.certificate()));
  EXPECT_TRUE(sfq::test_support::passed(r.out, "tls")) << r.out << r.err;
  EXPECT_TRUE(sfq::test_support::passed(r.out, "login")) << r.out;
}

TEST(TlsVerification, TheFlagTurnsVerificationOffAndIsWarnedAbout) {
  TlsAccount tls;
  const auto r = run_sfq({"--protocol", "https", "--insecure-skip-tls-verify", "--log-level",
                          "error", "--format", "csv", "-q", "select 42 as n"},
                         tls.account().env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "N\n42\n");
  EXPECT_THAT(r.err, HasSubstr(kWarning));
  EXPECT_THAT(r.err, HasSubstr("flag --insecure-skip-tls-verify"));
}

TEST(TlsVerification, ConnectionTestFailsTheTlsStepWhileVerificationIsOff) {
  TlsAccount tls;
  // Verification on: the certificate is named as untrusted.
  const auto on = run_sfq({"connection", "test", "--protocol", "https"}, tls.account().env());
  EXPECT_EQ(on.exit_code, 3) << on.out << on.err;
  EXPECT_THAT(on.out, HasSubstr("is not trusted"));
  // Off: sfq connects and logs in, but the TLS step says nothing was verified, and why.
  const auto off =
      run_sfq({"connection", "test", "--protocol", "https", "--insecure-skip-tls-verify"},
              tls.account().env());
  EXPECT_EQ(off.exit_code, 3) << off.out << off.err;
  EXPECT_THAT(off.out, HasSubstr("NOT verified: verification is turned off (flag "
                                 "--insecure-skip-tls-verify)"));
  EXPECT_THAT(off.out, HasSubstr("✓ login"));
  EXPECT_THAT(off.out, HasSubstr("ca_file"));
}

TEST(TlsVerification, TheKeyAndTheVariableTurnItOffTooAndFalseKeepsItOn) {
  TlsAccount tls;
  CliAccount& account = tls.account();
  account.write_connections("[default]\n" + account.connection_toml() +
                            "insecure_skip_tls_verify = true\n");
  auto r = run_sfq({"--protocol", "https", "-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(kWarning));
  EXPECT_THAT(r.err, HasSubstr("connections.toml"));

  account.write_connections("[default]\n" + account.connection_toml() +
                            "insecure_skip_tls_verify = false\n");
  r = run_sfq({"--protocol", "https", "-q", "select 1"}, account.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("certificate is not trusted"));

  account.write_connections("[default]\n" + account.connection_toml());
  r = run_sfq({"--protocol", "https", "-q", "select 1"},
              account.env().set("SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY", "true"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(kWarning));
  EXPECT_THAT(r.err, HasSubstr("SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY"));

  r = run_sfq({"--protocol", "https", "-q", "select 1"},
              account.env().set("SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY", "maybe"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("insecure_skip_tls_verify \"maybe\""));
  EXPECT_THAT(r.err, HasSubstr("not true or false"));
}

TEST(TlsVerification, ConfigExplainShowsWhereVerificationWasTurnedOff) {
  TlsAccount tls;
  const auto r = run_sfq({"config", "explain", "--insecure-skip-tls-verify"}, tls.account().env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("insecure_skip_tls_verify"));
  EXPECT_THAT(r.out, HasSubstr("flag --insecure-skip-tls-verify"));
}

/// `sfq mcp` with the account's HOME, a tool call, and what it answered and logged.
struct McpRun {
  std::string tool_text;
  bool is_error = true;
  std::string log;
};

McpRun call_mcp(CliAccount& account, const std::vector<std::pair<std::string, std::string>>& env) {
  ScopedEnv scoped;
  scoped.isolate_from_user_configuration();
  scoped.set("HOME", account.home());
  for (const auto& [name, value] : env) scoped.set(name, value);
  // The connection is https (the emulator's), with warnings off in the log level: the warning
  // about verification must be written anyway.
  scoped.set("SNOWFLAKE_CONNECTIONS_DEFAULT_PROTOCOL", "https");
  McpPipe mcp({SFQ_BINARY, "mcp", "--log-level", "error"});
  mcp.request(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"tls-test","version":"1"}}})",
      "1");
  auto answer = mcp.request(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_query",)"
      R"("arguments":{"query":"SELECT 4242 AS N"}}})",
      "2");
  McpRun run;
  run.is_error = answer["result"]["isError"].GetBool();
  run.tool_text = sfq::mcp::testing::to_json(answer["result"]);
  mcp.close_input();
  EXPECT_TRUE(mcp.wait_exit(std::chrono::seconds(30)));
  run.log = mcp.stderr_text();
  return run;
}

TEST(TlsVerification, McpToolCallsFailOnAnUntrustedCertificateWithTheFixNamed) {
  TlsAccount tls;
  const McpRun run = call_mcp(tls.account(), {});
  EXPECT_TRUE(run.is_error) << run.tool_text;
  EXPECT_THAT(run.tool_text, HasSubstr("certificate is not trusted"));
  EXPECT_THAT(run.tool_text, HasSubstr("ca_file"));
  EXPECT_THAT(run.log, Not(HasSubstr(kWarning)));
}

TEST(TlsVerification, McpWithVerificationOffWorksAndWarnsInItsLog) {
  TlsAccount tls;
  const McpRun run = call_mcp(tls.account(), {{"SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY", "true"}});
  EXPECT_FALSE(run.is_error) << run.tool_text;
  EXPECT_THAT(run.tool_text, HasSubstr("4242"));
  EXPECT_THAT(run.log, HasSubstr(kWarning));
}

}  // namespace
