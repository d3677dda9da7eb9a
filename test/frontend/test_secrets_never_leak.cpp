// Secrets never leak: every front-end path — the CLI's success and each failure class, --debug
// and trace logging, `sfq config explain`, `sfq keygen`, `sfq mcp`'s tool results, errors and
// logs — runs with known secret values for every authenticator (key pair with and without a
// passphrase, OAuth, programmatic access token), with bad keys, wrong passphrases and wrong
// tokens, and against a server that echoes the request's Authorization header back in its error
// body. Every byte of stdout and stderr (the log is stderr) is searched for each secret: the
// tokens, the passphrases, the private keys' base64 bodies (each line, and every stretch of the
// joined body), the JWTs the server actually received, and anything shaped like a JWT.
//
// The table is the test: each row names the path, how it is run and the exit code that proves
// the path was taken (a row that stopped short of it would prove nothing).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sfq/keys.hpp"
#include "support/cli_account.hpp"
#include "support/mcp_pipe.hpp"
#include "support/raw_http_server.hpp"
#include "support/temp_dir.hpp"

namespace {

using sfq::mcp::testing::McpPipe;
using sfq::test_support::ChildEnv;
using sfq::test_support::CliAccount;
using sfq::test_support::ProcessResult;
using sfq::test_support::raw_response;
using sfq::test_support::RawHttpServer;
using sfq::test_support::RawRequest;
using sfq::test_support::read_file;
using sfq::test_support::run_sfq;
using sfq::test_support::ScopedEnv;

// The known secrets. The wrong ones are secrets too: a user who mistyped a passphrase or pasted
// the wrong token must not find it printed either.
const std::string kOauthToken = "sfqOAUTHsecret7Hq2Lx9Vb3Nk8Rz1Wd5Mf0Jc4Tp6Ys";
const std::string kWrongOauthToken = "sfqOAUTHwrong4Xe8Kp1Zr6Vn3Qb9Wm2Ht5Ly7Jd0Fg";
const std::string kPat = "sfqPATsecret3Gv8Nq1Xc6Bz9Lk2Wr5Tj0Mh4Pd7Sy";
const std::string kWrongPat = "sfqPATwrong9Df2Hs7Kx4Vq1Nb6Zm3Wr8Lc5Tg0Jy";
const std::string kPassphrase = "sfq-passphrase-Qz81Kd3hX";
const std::string kWrongPassphrase = "sfq-wrong-passphrase-Vm27xPq4";

/// Pieces of a PEM private key that must never be printed: each line of its base64 body, and
/// every 24-character stretch (at steps of 12) of the body joined, so that any leak of 36
/// characters or more, split into lines or not, is found.
std::vector<std::string> key_secrets(const std::string& pem) {
  std::vector<std::string> out;
  std::string joined;
  std::size_t start = 0;
  while (start < pem.size()) {
    std::size_t end = pem.find('\n', start);
    if (end == std::string::npos) end = pem.size();
    std::string line = pem.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    if (line.empty() || line.rfind("-----", 0) == 0 || line.find(':') != std::string::npos) {
      continue;  // the armour and the headers of a legacy encrypted PEM are not secret
    }
    if (line.size() >= 16) out.push_back(line);
    joined += line;
  }
  for (std::size_t at = 0; at + 24 <= joined.size(); at += 12) out.push_back(joined.substr(at, 24));
  return out;
}

/// Three base64url segments separated by dots, the first a JSON header ("eyJ" is `{"`), or
/// three long segments of any kind.
const std::regex& jwt_shape() {
  static const std::regex pattern(R"(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,})"
                                  R"(|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,})");
  return pattern;
}

/// Everything one path printed.
struct Printed {
  std::string path;
  std::string out;
  std::string err;
};

/// Collects the secrets (fixed ones, keys, the JWTs servers received) and the outputs.
class Audit {
 public:
  void secret(const std::string& value) {
    if (!value.empty()) secrets_.insert(value);
  }
  void key(const std::string& pem) {
    for (auto& piece : key_secrets(pem)) secrets_.insert(std::move(piece));
  }
  void printed(Printed p) {
    std::lock_guard lock(mutex_);
    printed_.push_back(std::move(p));
  }
  /// The Authorization header a server received: its credential is a secret.
  void authorization(const std::string& header) {
    std::lock_guard lock(mutex_);
    const auto space = header.find(' ');
    secrets_.insert(space == std::string::npos ? header : header.substr(space + 1));
  }

  /// Searches every byte of every output for every secret and for JWT shapes.
  void check() const {
    std::lock_guard lock(mutex_);
    ASSERT_GT(secrets_.size(), 100u) << "the audit lost its secrets";
    for (const auto& p : printed_) {
      for (const auto& [stream, text] :
           {std::pair{"stdout", &p.out}, std::pair{"stderr", &p.err}}) {
        for (const auto& s : secrets_) {
          const auto at = text->find(s);
          if (at != std::string::npos) {
            ADD_FAILURE() << p.path << ": " << stream << " contains the secret \""
                          << s.substr(0, 12) << "…\": …" << text->substr(at < 80 ? 0 : at - 80, 200)
                          << "…";
          }
        }
        std::smatch match;
        if (std::regex_search(*text, match, jwt_shape())) {
          ADD_FAILURE() << p.path << ": " << stream
                        << " contains a JWT-shaped string: " << match.str().substr(0, 40) << "…";
        }
      }
    }
  }

  [[nodiscard]] std::size_t paths() const {
    std::lock_guard lock(mutex_);
    return printed_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> secrets_;
  std::vector<Printed> printed_;
};

/// One row: a run of the `sfq` binary.
struct CliCase {
  CliCase(std::string path_, std::vector<std::string> args_,
          std::map<std::string, std::string> env_, std::string connections_, int exit_code_,
          std::optional<std::string> stdin_text_ = std::nullopt)
      : path(std::move(path_)),
        args(std::move(args_)),
        env(std::move(env_)),
        connections(std::move(connections_)),
        exit_code(exit_code_),
        stdin_text(std::move(stdin_text_)) {}
  std::string path;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  ///< on top of the account's HOME
  std::string connections;  ///< connections.toml's [default] table ("" = the account's key pair)
  int exit_code = 0;
  std::optional<std::string> stdin_text;
};

/// A wrong key: another key pair's PEM, well-formed but not registered.
std::string other_key_pem() {
  auto keys = sfq::generate_key_pair(2048);
  if (!keys) throw std::runtime_error(keys.error().what());
  return keys->private_key_pem;
}

class SecretsNeverLeak : public ::testing::Test {
 protected:
  SecretsNeverLeak() : account_(options()) {}

  static mock_snowflake::ServerOptions options() {
    mock_snowflake::ServerOptions o;
    o.oauth_tokens = {kOauthToken};
    o.programmatic_access_tokens = {kPat};
    return o;
  }

  /// The [default] table with the key-pair lines replaced by `auth`.
  std::string table(const std::string& auth, int port = 0) const {
    const std::string base = account_.connection_toml();
    std::string out;
    std::size_t start = 0;
    while (start < base.size()) {
      const std::size_t end = base.find('\n', start);
      const std::string line = base.substr(start, end - start + 1);
      start = end + 1;
      if (line.rfind("authenticator", 0) == 0 || line.rfind("private_key_file", 0) == 0) continue;
      if (port != 0 && line.rfind("port", 0) == 0) {
        out += "port = " + std::to_string(port) + "\n";
        continue;
      }
      out += line;
    }
    return out + auth;
  }

  void run_cli(const CliCase& c) {
    SCOPED_TRACE(c.path);
    account_.write_connections(
        "[default]\n" + (c.connections.empty() ? account_.connection_toml() : c.connections));
    ChildEnv env = account_.env();
    for (const auto& [name, value] : c.env) env.set(name, value);
    const ProcessResult r = run_sfq(c.args, env, c.stdin_text);
    EXPECT_EQ(r.exit_code, c.exit_code)
        << c.path << "\nstdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 2000);
    audit_.printed({"sfq " + c.path, r.out, r.err});
  }

  CliAccount account_;
  Audit audit_;
};

TEST_F(SecretsNeverLeak, EveryFrontEndPathWithEveryAuthenticator) {
  const sfq::test_support::TempDir& dir = account_.dir();
  audit_.secret(kOauthToken);
  audit_.secret(kWrongOauthToken);
  audit_.secret(kPat);
  audit_.secret(kWrongPat);
  audit_.secret(kPassphrase);
  audit_.secret(kWrongPassphrase);
  audit_.key(read_file(account_.key_file()));

  // keygen, with and without a passphrase: its keys are secrets from now on.
  dir.make_dir("plain");
  dir.make_dir("encrypted");
  const std::string plain_dir = dir.at("plain");
  const std::string encrypted_dir = dir.at("encrypted");
  {
    ChildEnv env = account_.env();
    ProcessResult r = run_sfq({"keygen", "--out", plain_dir, "-u", "MOCKUSER"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    audit_.printed({"sfq keygen", r.out, r.err});
    env.set("PRIVATE_KEY_PASSPHRASE", kPassphrase);
    r = run_sfq({"keygen", "--encrypt", "--out", encrypted_dir}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    audit_.printed({"sfq keygen --encrypt", r.out, r.err});
  }
  const std::string plain_key = plain_dir + "/rsa_key.p8";
  const std::string encrypted_key = encrypted_dir + "/rsa_key.p8";
  audit_.key(read_file(plain_key));
  audit_.key(read_file(encrypted_key));
  std::string error;
  ASSERT_TRUE(account_.server().add_public_key(read_file(encrypted_dir + "/rsa_key.pub"), 2, error))
      << error;

  // Bad keys: another key pair's (not registered), a key cut in half, text that is no key.
  const std::string other_key = other_key_pem();
  audit_.key(other_key);
  const std::string other_key_file = dir.write_file("other.p8", other_key, 0600);
  const std::string own = read_file(account_.key_file());
  const std::string cut_key_file = dir.write_file("cut.p8", own.substr(0, own.size() / 2), 0600);
  const std::string garbage_key_file =
      dir.write_file("garbage.p8", "-----BEGIN PRIVATE KEY-----\n" + kPassphrase + "\n", 0600);
  const std::string token_file = dir.write_file("token.txt", kOauthToken + "\n", 0600);

  const std::string key_pair = "authenticator = \"SNOWFLAKE_JWT\"\n";
  const std::string encrypted = key_pair + "private_key_file = \"" + encrypted_key + "\"\n";
  const std::string oauth = "authenticator = \"OAUTH\"\n";
  const std::string pat = "authenticator = \"PROGRAMMATIC_ACCESS_TOKEN\"\n";
  const std::vector<std::string> query = {"--format", "csv", "-q", "select 42 as n"};
  auto with = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };

  std::vector<CliCase> cases = {
      // Key pair, no passphrase.
      {"key pair: success", query, {}, "", 0},
      {"key pair: success --debug", with({"--debug"}, query), {}, "", 0},
      {"key pair: success, trace log", with({"--log-level", "trace"}, query), {}, "", 0},
      {"key pair: SQL error", {"-q", "select * from no_such_table"}, {}, "", 5},
      {"key pair: SQL error --debug", {"--debug", "-q", "select * from no_such_table"}, {}, "", 5},
      {"key pair: statement through stdin", {"--debug"}, {}, "", 0, "select 1;\nselect 2;\n"},
      {"key pair: config explain", {"config", "explain"}, {}, "", 0},
      {"keygen's key (not registered)",
       with({"--debug"}, query),
       {},
       table(key_pair + "private_key_file = \"" + plain_key + "\"\n"),
       3},
      {"unknown connection", {"-c", "nope", "-q", "select 1"}, {}, "", 2},
      {"bad flag value", {"--connect-timeout", "soon", "-q", "select 1"}, {}, "", 2},
      {"cannot connect", with({"--port", "1", "--debug"}, query), {}, "", 3},
      {"key not registered",
       with({"--debug"}, query),
       {},
       table(key_pair + "private_key_file = \"" + other_key_file + "\"\n"),
       3},
      {"key cut in half",
       with({"--debug"}, query),
       {},
       table(key_pair + "private_key_file = \"" + cut_key_file + "\"\n"),
       3},
      {"not a key",
       with({"--debug"}, query),
       {},
       table(key_pair + "private_key_file = \"" + garbage_key_file + "\"\n"),
       3},
      {"key as text in the file (private_key_raw), not registered",
       with({"--debug"}, query),
       {},
       table(key_pair + "private_key_raw = \"\"\"\n" + other_key + "\"\"\"\n"),
       3},
      {"key as text: config explain",
       {"config", "explain"},
       {},
       table(key_pair + "private_key_raw = \"\"\"\n" + other_key + "\"\"\"\n"),
       0},
      // Key pair with a passphrase.
      {"passphrase from PRIVATE_KEY_PASSPHRASE",
       with({"--debug"}, query),
       {{"PRIVATE_KEY_PASSPHRASE", kPassphrase}},
       table(encrypted),
       0},
      {"passphrase in connections.toml",
       with({"--debug"}, query),
       {},
       table(encrypted + "private_key_file_pwd = \"" + kPassphrase + "\"\n"),
       0},
      {"passphrase: config explain",
       {"config", "explain"},
       {},
       table(encrypted + "private_key_file_pwd = \"" + kPassphrase + "\"\n"),
       0},
      {"passphrase: config explain, from the environment",
       {"config", "explain"},
       {{"PRIVATE_KEY_PASSPHRASE", kPassphrase}},
       table(encrypted),
       0},
      {"wrong passphrase",
       with({"--debug"}, query),
       {{"PRIVATE_KEY_PASSPHRASE", kWrongPassphrase}},
       table(encrypted),
       3},
      {"wrong passphrase in connections.toml",
       with({"--debug"}, query),
       {},
       table(encrypted + "private_key_file_pwd = \"" + kWrongPassphrase + "\"\n"),
       3},
      {"no passphrase for an encrypted key", query, {}, table(encrypted), 3},
      // OAuth.
      {"oauth: success",
       with({"--debug"}, query),
       {},
       table(oauth + "token = \"" + kOauthToken + "\"\n"),
       0},
      {"oauth: token flag",
       with({"--debug", "--authenticator", "OAUTH", "--token", kOauthToken}, query),
       {},
       table(""),
       0},
      {"oauth: token file",
       with({"--debug"}, query),
       {},
       table(oauth + "token_file_path = \"" + token_file + "\"\n"),
       0},
      {"oauth: token from SNOWFLAKE_TOKEN",
       with({"--debug"}, query),
       {{"SNOWFLAKE_TOKEN", kOauthToken}},
       table(oauth),
       0},
      {"oauth: wrong token",
       with({"--debug"}, query),
       {},
       table(oauth + "token = \"" + kWrongOauthToken + "\"\n"),
       3},
      {"oauth: SQL error",
       {"--debug", "-q", "select * from no_such_table"},
       {},
       table(oauth + "token = \"" + kOauthToken + "\"\n"),
       5},
      {"oauth: config explain",
       {"config", "explain"},
       {},
       table(oauth + "token = \"" + kOauthToken + "\"\n"),
       0},
      // Programmatic access token.
      {"pat: success", with({"--debug"}, query), {}, table(pat + "token = \"" + kPat + "\"\n"), 0},
      {"pat: wrong token",
       with({"--debug"}, query),
       {},
       table(pat + "token = \"" + kWrongPat + "\"\n"),
       3},
      {"pat: config explain",
       {"config", "explain"},
       {},
       table(pat + "token = \"" + kPat + "\"\n"),
       0},
      // Both configured: the unused one is reported, never shown.
      {"key pair with an unused token",
       {"config", "explain"},
       {},
       table(encrypted + "token = \"" + kPat + "\"\n"),
       0},
  };
  for (const auto& c : cases) run_cli(c);

  // A server that echoes the Authorization header back in its error bodies, as a header line,
  // as JSON and bare; once with 400 (final) and once with 500 (retried, then given up).
  for (const int status : {400, 500}) {
    RawHttpServer echo([&](const RawRequest& request) {
      const auto found = request.headers.find("authorization");
      const std::string header = found == request.headers.end() ? "" : found->second;
      audit_.authorization(header);
      const auto space = header.find(' ');
      const std::string credential = space == std::string::npos ? header : header.substr(space + 1);
      const std::string message = "Authorization: " + header + " was rejected; credential " +
                                  credential + " \\\"authorization\\\":\\\"" + header + "\\\"";
      return raw_response(status, R"({"code":"390100","message":")" + message +
                                      R"(","sqlState":"08001","echo":")" + credential + R"("})");
    });
    const std::string port = std::to_string(echo.port());
    const std::string s = std::to_string(status);
    const std::vector<CliCase> echoed = {
        {"echo " + s + ": key pair",
         {"--port", port, "-q", "select 1"},
         {},
         "",
         status == 400 ? 5 : 4},
        {"echo " + s + ": key pair --debug",
         {"--port", port, "--debug", "-q", "select 1"},
         {},
         "",
         status == 400 ? 5 : 4},
        {"echo " + s + ": passphrase",
         {"--port", port, "--debug", "-q", "select 1"},
         {{"PRIVATE_KEY_PASSPHRASE", kPassphrase}},
         table(encrypted),
         status == 400 ? 5 : 4},
        {"echo " + s + ": oauth",
         {"--port", port, "--debug", "-q", "select 1"},
         {},
         table(oauth + "token = \"" + kOauthToken + "\"\n"),
         status == 400 ? 5 : 4},
        {"echo " + s + ": pat",
         {"--port", port, "-q", "select 1"},
         {},
         table(pat + "token = \"" + kPat + "\"\n"),
         status == 400 ? 5 : 4},
        {"echo " + s + ": pat --debug",
         {"--port", port, "--debug", "-q", "select 1"},
         {},
         table(pat + "token = \"" + kPat + "\"\n"),
         status == 400 ? 5 : 4},
    };
    for (const auto& c : echoed) run_cli(c);
    EXPECT_GT(echo.requests(), 0u);
  }

  // `sfq mcp`: tool results and errors, its log (stderr) at debug level, each authenticator,
  // a connection it cannot use, and the echoing server.
  struct McpCase {
    std::string path;
    std::string connections;
    std::map<std::string, std::string> env;
    bool tools_fail = false;  ///< every tool call is expected to be an error
  };
  RawHttpServer echo([&](const RawRequest& request) {
    const auto found = request.headers.find("authorization");
    const std::string header = found == request.headers.end() ? "" : found->second;
    audit_.authorization(header);
    const auto space = header.find(' ');
    const std::string credential = space == std::string::npos ? header : header.substr(space + 1);
    return raw_response(400, R"({"code":"390100","message":"Authorization: )" + header +
                                 " rejected, credential " + credential + R"("})");
  });
  const std::vector<McpCase> mcp_cases = {
      {"mcp: key pair", account_.connection_toml(), {}, false},
      {"mcp: passphrase", table(encrypted), {{"PRIVATE_KEY_PASSPHRASE", kPassphrase}}, false},
      {"mcp: wrong passphrase",
       table(encrypted),
       {{"PRIVATE_KEY_PASSPHRASE", kWrongPassphrase}},
       true},
      {"mcp: oauth", table(oauth + "token = \"" + kOauthToken + "\"\n"), {}, false},
      {"mcp: wrong oauth token", table(oauth + "token = \"" + kWrongOauthToken + "\"\n"), {}, true},
      {"mcp: pat", table(pat + "token = \"" + kPat + "\"\n"), {}, false},
      {"mcp: key not registered",
       table(key_pair + "private_key_file = \"" + other_key_file + "\"\n"),
       {},
       true},
      {"mcp: not a key",
       table(key_pair + "private_key_file = \"" + garbage_key_file + "\"\n"),
       {},
       true},
      {"mcp: echoing server, key pair",
       table(key_pair + "private_key_file = \"" + account_.key_file() + "\"\n", echo.port()),
       {},
       true},
      {"mcp: echoing server, pat",
       table(pat + "token = \"" + kPat + "\"\n", echo.port()),
       {},
       true},
  };
  for (const auto& c : mcp_cases) {
    SCOPED_TRACE(c.path);
    account_.write_connections("[default]\n" + c.connections);
    ScopedEnv scoped;
    scoped.isolate_from_user_configuration();
    scoped.set("HOME", account_.home());
    scoped.set("SFQ_LOG", "trace");
    for (const auto& [name, value] : c.env) scoped.set(name, value);
    McpPipe mcp({SFQ_BINARY, "mcp", "--allow-write"});
    mcp.request(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
        R"("capabilities":{},"clientInfo":{"name":"secrets-test","version":"1"}}})",
        "0");
    mcp.send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    mcp.request(
        R"({"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"debug"}})",
        "\"lvl\"");
    const std::vector<std::pair<std::string, std::string>> calls = {
        {"1", R"({"name":"execute_query","arguments":{"query":"SELECT 42 AS N"}})"},
        {"2", R"({"name":"execute_query","arguments":{"query":"SELECT * FROM NO_SUCH_TABLE"}})"},
        {"3", R"({"name":"list_databases","arguments":{}})"},
        {"4",
         R"j({"name":"execute_statement","arguments":{"statement":"SELECT CURRENT_USER()"}})j"},
    };
    int failed = 0;
    for (const auto& [id, params] : calls) {
      auto answer = mcp.request(
          R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"tools/call","params":)" + params + "}",
          id);
      ASSERT_TRUE(answer.HasMember("result")) << sfq::mcp::testing::to_json(answer);
      if (answer["result"]["isError"].GetBool()) ++failed;
    }
    if (c.tools_fail) {
      EXPECT_EQ(failed, 4) << c.path;
    } else {
      EXPECT_EQ(failed, 1) << c.path << ": only the query of a missing table fails";
    }
    mcp.close_input();
    EXPECT_TRUE(mcp.wait_exit(std::chrono::seconds(60)));
    std::string out;
    for (const auto& line : mcp.lines()) out += line + "\n";
    audit_.printed({"sfq " + c.path, out, mcp.stderr_text()});
  }

  EXPECT_EQ(audit_.paths(), 2 + cases.size() + 12 + mcp_cases.size());
  audit_.check();
}

}  // namespace
