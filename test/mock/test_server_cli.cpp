// test_server_cli.cpp — the `mock-snowflake` executable (its one listening line, --help, flags,
// SIGTERM/SIGINT shutdown) and HTTPS with a certificate generated in the test, both in-process
// and through the executable.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include "support/mock_test_support.hpp"
#include "support/self_signed_certificate.hpp"

extern char** environ;

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::filesystem::path temp_dir() {
  static const std::filesystem::path kDir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "mock-cli-XXXXXX").string();
    return std::filesystem::path(mkdtemp(pattern.data()));
  }();
  return kDir;
}

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = temp_dir() / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

/// A running mock-snowflake process with its stdout piped.
class Process {
 public:
  explicit Process(std::vector<std::string> args) {
    args.insert(args.begin(), MOCK_SNOWFLAKE_BINARY);
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string log = (temp_dir() / "stderr.log").string();
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    stdout_fd_ = out[0];
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// Reads stdout until `lines` newlines arrived, EOF or the timeout.
  std::string read_stdout(std::size_t lines, milliseconds timeout = seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (static_cast<std::size_t>(std::count(out_.begin(), out_.end(), '\n')) < lines) {
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd entry{stdout_fd_, POLLIN, 0};
      if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      out_.append(buffer, static_cast<std::size_t>(n));
    }
    return out_;
  }

  /// Everything stdout still had until EOF.
  std::string read_rest(milliseconds timeout = seconds(60)) {
    return read_stdout(static_cast<std::size_t>(-1), timeout);
  }

  /// Waits for the exit; the status or -1 on timeout.
  int wait_exit(milliseconds timeout = seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(milliseconds(10));  // polling for the exit, not synchronising
    }
    return -1;
  }

  void signal(int number) const { ::kill(pid_, number); }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string out_;
  bool exited_ = false;
};

/// A self-signed certificate for 127.0.0.1 and its key, as PEM files.
std::pair<std::string, std::string> make_certificate() {
  const auto pem = sfq::test_support::self_signed_certificate_pem();
  return {write_temp("cert.pem", pem.certificate), write_temp("key.pem", pem.key)};
}

const mock_test::RsaKey& user_key() {
  static const mock_test::RsaKey kKey = mock_test::RsaKey::generate();
  return kKey;
}

int port_from(const std::string& line, const std::string& scheme) {
  std::smatch match;
  const std::regex pattern("mock-snowflake listening on " + scheme + R"(://127\.0\.0\.1:(\d+)\n)");
  if (!std::regex_match(line, match, pattern)) return -1;
  return std::stoi(match[1].str());
}

TEST(MockserverCli, HelpDocumentsEveryFlag) {
  Process process({"--help"});
  const std::string help = process.read_rest();
  EXPECT_EQ(process.wait_exit(), 0);
  for (const char* flag : {"--port",
                           "--host",
                           "--account",
                           "--user",
                           "--default-database",
                           "--default-schema",
                           "--default-warehouse",
                           "--default-role",
                           "--warehouse",
                           "--public-key",
                           "--oauth-token",
                           "--pat",
                           "--tls-cert",
                           "--tls-key",
                           "--sync-window",
                           "--latency",
                           "--statement-latency",
                           "--db",
                           "--csv",
                           "--no-sample-data",
                           "--partition-rows",
                           "--partition-bytes",
                           "--partition-growth",
                           "--max-partition-rows",
                           "--max-partition-bytes",
                           "--admin",
                           "--no-admin",
                           "--fault",
                           "--max-threads",
                           "--result-cache-mb",
                           "--max-statements",
                           "--verbose",
                           "--help"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag << " missing from --help";
  }
}

TEST(MockserverCli, PrintsOneListeningLineServesAndStopsOnSigterm) {
  const std::string key_file = write_temp("user.pub", user_key().public_pem());
  Process process({"--port", "0", "--public-key", key_file, "--sync-window", "30000"});
  const std::string first = process.read_stdout(1);
  const int port = port_from(first, "http");
  ASSERT_GT(port, 0) << first;
  httplib::Client client("127.0.0.1", port);
  auto result = client.Post("/api/v2/statements",
                            {{"Authorization", "Bearer " + mock_test::mint_jwt(user_key())}},
                            R"({"statement":"SELECT 1"})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  auto admin = client.Get("/__admin/counters");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200) << "the executable serves the admin endpoint by default";
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(), 0);
  EXPECT_EQ(process.read_rest(), first) << "exactly one line on stdout";
}

TEST(MockserverCli, StopsOnSigintAndHonoursFlags) {
  Process process({"--account", "ACME", "--user", "ALICE", "--oauth-token", "tok-a", "--pat",
                   "pat-b", "--no-admin", "--fault",
                   "kind=status,status=503,method=POST,path=/api/v2/statements"});
  const int port = port_from(process.read_stdout(1), "http");
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  const auto post = [&](const std::string& token) {
    auto result = client.Post("/api/v2/statements", {{"Authorization", "Bearer " + token}},
                              R"({"statement":"SELECT 1"})", "application/json");
    return result ? result->status : 0;
  };
  EXPECT_EQ(post("tok-a"), 503) << "the --fault strikes first";
  EXPECT_EQ(post("tok-a"), 200);
  EXPECT_EQ(post("pat-b"), 200);
  EXPECT_EQ(post("tok-c"), 401);
  mock_test::JwtClaims claims;
  claims.account = "ACME";
  claims.user = "ALICE";
  EXPECT_EQ(post(mock_test::mint_jwt(user_key(), claims)), 401) << "no key registered";
  auto admin = client.Get("/__admin/counters");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 404) << "--no-admin";
  process.signal(SIGINT);
  EXPECT_EQ(process.wait_exit(), 0);
}

TEST(MockserverCli, RepeatedFaultFlagsQueueEveryFault) {
  // A second --fault must add to the first, not replace it.
  Process process({"--oauth-token", "tok", "--no-sample-data", "--fault",
                   "kind=status,status=503,method=POST,path=/api/v2/statements", "--fault",
                   "kind=status,status=429,method=POST,path=/api/v2/statements"});
  const int port = port_from(process.read_stdout(1), "http");
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  const auto post = [&] {
    auto result = client.Post("/api/v2/statements", {{"Authorization", "Bearer tok"}},
                              R"({"statement":"SELECT 1"})", "application/json");
    return result ? result->status : 0;
  };
  EXPECT_EQ(post(), 503) << "the first --fault strikes first";
  EXPECT_EQ(post(), 429) << "then the second";
  EXPECT_EQ(post(), 200);
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(), 0);
}

TEST(MockserverCli, ServesCsvFilesDefaultNamespaceAndOptionalSampleData) {
  const auto csv_dir = temp_dir() / "csv";
  std::filesystem::create_directories(csv_dir);
  std::ofstream(csv_dir / "people.csv") << "name,age\nada,36\nalan,41\n";
  Process process({"--oauth-token", "tok", "--csv", csv_dir.string(), "--no-sample-data",
                   "--default-database", "CSV", "--default-schema", "PUBLIC"});
  const int port = port_from(process.read_stdout(1), "http");
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  const auto post = [&](const std::string& sql) {
    return client.Post("/api/v2/statements", {{"Authorization", "Bearer tok"}},
                       "{\"statement\":\"" + sql + "\"}", "application/json");
  };
  auto counted = post("SELECT COUNT(*) FROM PEOPLE");  // unqualified: the default namespace
  ASSERT_TRUE(counted);
  ASSERT_EQ(counted->status, 200) << counted->body;
  EXPECT_STREQ(mock_test::parse_json(counted->body)["data"][0][0].GetString(), "2");
  auto sample = post("SELECT COUNT(*) FROM SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.REGION");
  ASSERT_TRUE(sample);
  EXPECT_EQ(sample->status, 422) << "--no-sample-data";
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(), 0);
}

TEST(MockserverCli, SeedsSampleDataByDefault) {
  Process process({"--oauth-token", "tok"});
  const int port = port_from(process.read_stdout(1), "http");
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto result =
      client.Post("/api/v2/statements", {{"Authorization", "Bearer tok"}},
                  R"({"statement":"SELECT COUNT(*) FROM SNOWFLAKE_SAMPLE_DATA.TPCH_SF1.REGION"})",
                  "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_STREQ(mock_test::parse_json(result->body)["data"][0][0].GetString(), "5");
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(), 0);
}

TEST(MockserverCli, BadFlagsFail) {
  Process unknown({"--no-such-flag"});
  EXPECT_NE(unknown.wait_exit(), 0);
  Process bad_fault({"--fault", "kind=nope"});
  EXPECT_NE(bad_fault.wait_exit(), 0);
  const std::string not_a_key = write_temp("bad.pub", "not a key");
  Process bad_key({"--public-key", not_a_key});
  EXPECT_NE(bad_key.wait_exit(), 0);
  EXPECT_EQ(bad_key.read_rest(), "") << "no listening line when it cannot start";
}

TEST(MockserverCli, ServesHttpsWithAGivenCertificate) {
  const auto [cert, key] = make_certificate();
  const std::string key_file = write_temp("user2.pub", user_key().public_pem());
  Process process({"--tls-cert", cert, "--tls-key", key, "--public-key", key_file});
  const int port = port_from(process.read_stdout(1), "https");
  ASSERT_GT(port, 0);
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  auto result = client.Post("/api/v2/statements",
                            {{"Authorization", "Bearer " + mock_test::mint_jwt(user_key())}},
                            R"({"statement":"SELECT 1"})", "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(), 0);
}

/// An in-process emulator serving HTTPS with `cert` and `key`, user_key() registered.
std::unique_ptr<mock_snowflake::Server> tls_server(const std::string& cert,
                                                   const std::string& key) {
  mock_snowflake::ServerOptions options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  options.public_keys_pem = {user_key().public_pem()};
  auto server = std::make_unique<mock_snowflake::Server>(options);
  std::string error;
  EXPECT_TRUE(server->start(error)) << error;
  return server;
}

/// `SELECT 1` submitted over `client`.
httplib::Result post_select_1(httplib::SSLClient& client) {
  return client.Post("/api/v2/statements",
                     {{"Authorization", "Bearer " + mock_test::mint_jwt(user_key())}},
                     R"({"statement":"SELECT 1"})", "application/json");
}

TEST(MockserverTls, InProcessHttpsWithVerification) {
  const auto [cert, key] = make_certificate();
  const auto tls = tls_server(cert, key);
  mock_snowflake::Server& server = *tls;
  EXPECT_EQ(server.base_url().rfind("https://127.0.0.1:", 0), 0u);
  httplib::SSLClient client("127.0.0.1", server.port());
  client.set_ca_cert_path(cert.c_str());
  client.enable_server_certificate_verification(true);
  auto result = post_select_1(client);
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  // A TLS connection closed before the headers, found through the session.
  mock_snowflake::Fault fault;
  fault.kind = mock_snowflake::FaultKind::close_before_headers;
  server.inject_fault(fault);
  auto cut = client.Get("/api/v2/statements/x");
  EXPECT_FALSE(cut);
  server.stop();
}

TEST(MockserverTls, PlainHttpToTheHttpsPortIsAnsweredInPlainText) {
  const auto [cert, key] = make_certificate();
  const auto tls = tls_server(cert, key);
  mock_snowflake::Server& server = *tls;
  const auto response = mock_test::parse_raw(mock_test::raw_exchange(
      server.port(),
      "POST /api/v2/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 24\r\n\r\n{\"statement\":\"SELECT 1\"}",
      std::chrono::seconds(5)));
  EXPECT_EQ(response.status, 400);
  const auto type = response.headers.find("Content-Type");
  ASSERT_NE(type, response.headers.end());
  EXPECT_EQ(type->second, "text/plain");
  EXPECT_NE(response.body.find("use https://"), std::string::npos) << response.body;
  EXPECT_EQ(server.counters().executions, 0u);
  // TLS clients are served as before.
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  auto result = post_select_1(client);
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  server.stop();
}

TEST(MockserverTls, MissingOrBadTlsFilesFailToStart) {
  mock_snowflake::ServerOptions options;
  options.tls_cert_file = write_temp("empty.pem", "");
  options.tls_key_file = options.tls_cert_file;
  mock_snowflake::Server server(options);
  std::string error;
  EXPECT_FALSE(server.start(error));
  EXPECT_FALSE(error.empty());
  mock_snowflake::ServerOptions half;
  half.tls_cert_file = options.tls_cert_file;
  mock_snowflake::Server half_server(half);
  EXPECT_FALSE(half_server.start(error));
}

}  // namespace
