// mock_session.hpp — `--mock` for the front ends (sfq and sfq mcp): an in-process
// mock_snowflake::Server on an ephemeral loopback port, and the ConnectionOptions that reach it
// exactly as a real account is reached — over HTTP, authenticated with a key-pair JWT, results
// in partitions — so that `sfq --mock` exercises the same code path as production.
//
// A fresh RSA key pair is generated for every session (sfq::generate_key_pair) and registered
// for the mock's user; the private key stays in memory (ConnectionOptions::private_key_pem).
// Nothing is read from or written to the file system: `sfq --mock` works with an empty HOME
// and no configuration at all. The mock holds its sample data (SNOWFLAKE_SAMPLE_DATA.TPCH_SF1
// and the all-types table) in memory.
//
// Thread safety: start() and destruction from one thread; the server runs on its own threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "sfq/error.hpp"
#include "sfq/options.hpp"

namespace mock_snowflake {
class Server;
}

namespace sfq::mock_session {

struct MockSessionOptions {
  bool sample_data = true;  ///< seed SNOWFLAKE_SAMPLE_DATA and the all-types table
  /// Results kept by the mock for their partitions to be fetched; bounds its memory.
  std::size_t result_cache_bytes = std::size_t{256} * 1024 * 1024;
};

class MockSession {
 public:
  /// Generates the key pair, starts the server and returns the session; an error when either
  /// fails.
  [[nodiscard]] static Result<std::unique_ptr<MockSession>> start(MockSessionOptions options = {});

  /// Stops the server (statements still running are cancelled).
  ~MockSession();
  MockSession(const MockSession&) = delete;
  MockSession& operator=(const MockSession&) = delete;

  /// How to reach the mock: http://127.0.0.1:<port>, account MOCKACCOUNT, user MOCKUSER, key-pair
  /// authentication with the session's private key, and SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 as the
  /// default namespace.
  [[nodiscard]] const ConnectionOptions& connection() const noexcept { return connection_; }

  /// The server, for tests and diagnostics (counters, faults).
  [[nodiscard]] mock_snowflake::Server& server() noexcept { return *server_; }

  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string base_url() const;

 private:
  MockSession() = default;

  std::unique_ptr<mock_snowflake::Server> server_;
  ConnectionOptions connection_;
};

}  // namespace sfq::mock_session
