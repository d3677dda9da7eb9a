// main.cpp — the `mock-snowflake` executable: serves the emulator until SIGINT or SIGTERM.
//
// stdout carries exactly one line, "mock-snowflake listening on <url>", once the server accepts
// connections, so scripts can wait for it; everything else goes to stderr.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "mock_snowflake/server.hpp"

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

/// A thousand concurrent clients need a thousand descriptors and more: use the hard limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mock-snowflake — a local emulator of Snowflake's SQL API (/api/v2/statements).\n"
      "Prints one line, 'mock-snowflake listening on URL', when ready; logs go to stderr.\n"
      "See docs/MOCK.md for the admin endpoint and the fault syntax.",
      "mock-snowflake"};
  mock_snowflake::ServerOptions options;
  options.admin_endpoint = true;
  std::vector<std::string> key_files;
  std::vector<std::string> fault_specs;
  long long sync_window_ms = options.sync_window.count();
  long long latency_ms = 0;
  long long statement_latency_ms = 0;
  std::size_t result_cache_mb = options.result_cache_bytes / (1024 * 1024);
  bool no_sample_data = false;
  std::vector<std::string> granted_roles;
  long long clock_skew_seconds = 0;

  app.add_option("--port", options.port, "TCP port to listen on; 0 picks a free port")
      ->capture_default_str();
  app.add_option("--host", options.host, "address to bind")->capture_default_str();
  app.add_option("--account", options.account, "account name the JWTs must carry")
      ->capture_default_str();
  app.add_option("--user", options.user, "user name the JWTs must carry")->capture_default_str();
  app.add_option("--default-database", options.default_database,
                 "the user's default database, used when a request names none");
  app.add_option("--default-schema", options.default_schema,
                 "the user's default schema, used when a request names no database");
  app.add_option("--default-warehouse", options.default_warehouse, "the user's default warehouse");
  app.add_option("--default-role", options.default_role, "the user's default role");
  std::vector<std::string> extra_warehouses;
  app.add_option("--warehouse", extra_warehouses,
                 "another warehouse of the account, besides MOCK_WH and --default-warehouse "
                 "(repeatable); a request naming an unknown one runs without a warehouse")
      ->expected(1)
      ->take_all();
  app.add_option("--public-key", key_files,
                 "PEM public key file of the user; give it twice for RSA_PUBLIC_KEY and "
                 "RSA_PUBLIC_KEY_2")
      ->expected(1)
      ->take_all()
      ->check(CLI::ExistingFile);
  app.add_option("--oauth-token", options.oauth_tokens, "accepted OAuth access token (repeatable)")
      ->expected(1)
      ->take_all();
  app.add_option("--pat", options.programmatic_access_tokens,
                 "accepted programmatic access token (repeatable)")
      ->expected(1)
      ->take_all();
  auto* cert = app.add_option("--tls-cert", options.tls_cert_file,
                              "PEM certificate: serve HTTPS (needs --tls-key)")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--tls-key", options.tls_key_file, "PEM private key of --tls-cert")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--sync-window", sync_window_ms,
                 "milliseconds a POST waits for its statement before answering 202")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--latency", latency_ms, "milliseconds added before every API request")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--statement-latency", statement_latency_ms,
                 "milliseconds added before every statement runs")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--db", options.db_file, "serve this SQLite database file too")
      ->check(CLI::ExistingFile);
  app.add_option("--csv", options.csv_dir, "load every *.csv file in this directory as a table")
      ->check(CLI::ExistingDirectory);
  app.add_flag("--no-sample-data", no_sample_data,
               "do not seed SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 and the all-types table");
  app.add_option("--partition-rows", options.partitions.first_partition_rows,
                 "row cap of the first result partition (0: none)")
      ->capture_default_str();
  app.add_option("--partition-bytes", options.partitions.first_partition_bytes,
                 "JSON bytes of the first result partition")
      ->capture_default_str();
  app.add_option("--partition-growth", options.partitions.growth,
                 "size factor from one partition to the next")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100.0));
  app.add_option("--max-partition-rows", options.partitions.max_partition_rows,
                 "row cap of every partition (0: none)")
      ->capture_default_str();
  app.add_option("--max-partition-bytes", options.partitions.max_partition_bytes,
                 "byte cap of every partition")
      ->capture_default_str();
  app.add_flag("--admin,!--no-admin", options.admin_endpoint,
               "serve the loopback-only admin endpoint /__admin/* (default: on)");
  app.add_option("--fault", fault_specs,
                 "queue a fault, e.g. 'kind=status,status=503,method=POST,"
                 "path=/api/v2/statements,count=2,when=after' (repeatable; docs/MOCK.md)")
      ->expected(1)
      ->take_all();
  app.add_option("--max-threads", options.max_threads,
                 "cap of the statement thread pool (connections take no thread)")
      ->capture_default_str();
  app.add_option("--result-cache-mb", result_cache_mb,
                 "megabytes of finished results kept for GETs (oldest dropped first; the newest "
                 "always stays)")
      ->capture_default_str();
  app.add_option("--max-statements", options.max_statements,
                 "finished statements kept for GETs (oldest dropped first)")
      ->capture_default_str();
  app.add_flag("--verbose", options.verbose, "log every request on stderr");
  // Session checks and the service's clock (docs/MOCK.md, "Behaviour").
  app.add_option("--role", granted_roles,
                 "grant this role to the user (repeatable; replaces the default grants "
                 "SYSADMIN and ACCOUNTADMIN; PUBLIC and --default-role are always granted)")
      ->expected(1)
      ->take_all();
  app.add_option("--clock-skew-seconds", clock_skew_seconds,
                 "run the emulator's clock this many seconds ahead (negative: behind) of the "
                 "real one, for JWT validity and createdOn")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.warehouses.insert(options.warehouses.end(), extra_warehouses.begin(),
                            extra_warehouses.end());

  if (key_files.size() > 2) {
    std::cerr << "mock-snowflake: --public-key may be given at most twice\n";
    return 2;
  }
  for (const auto& file : key_files) {
    std::string pem;
    if (!read_file(file, pem)) {
      std::cerr << "mock-snowflake: cannot read " << file << '\n';
      return 2;
    }
    options.public_keys_pem.push_back(std::move(pem));
  }
  for (const auto& spec : fault_specs) {
    std::string error;
    auto fault = mock_snowflake::parse_fault_spec(spec, error);
    if (!fault) {
      std::cerr << "mock-snowflake: --fault " << spec << ": " << error << '\n';
      return 2;
    }
    options.faults.push_back(std::move(*fault));
  }
  options.sample_data = !no_sample_data;
  options.sync_window = std::chrono::milliseconds(sync_window_ms);
  options.request_latency = std::chrono::milliseconds(latency_ms);
  options.statement_latency = std::chrono::milliseconds(statement_latency_ms);
  options.result_cache_bytes = result_cache_mb * 1024 * 1024;
  if (!granted_roles.empty()) {
    options.granted_roles = std::move(granted_roles);
    options.granted_roles.emplace_back("PUBLIC");
  }
  options.clock_offset = std::chrono::seconds(clock_skew_seconds);

  raise_descriptor_limit();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // server threads inherit the mask

  mock_snowflake::Server server(options);
  std::string error;
  if (!server.start(error)) {
    std::cerr << "mock-snowflake: " << error << '\n';
    return 1;
  }
  std::cout << "mock-snowflake listening on " << server.base_url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "mock-snowflake: stopping (" << (received == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  server.stop();
  return 0;
}
