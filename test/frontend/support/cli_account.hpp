// cli_account.hpp — a Snowflake account for end-to-end tests of the `sfq` binary: a
// mock_snowflake::Server running in the test process (so the test can read its counters and
// inject faults), a key pair registered for its user, and a fresh HOME whose
// ~/.snowflake/connections.toml points the binary at it.
//
// Thread safety: one per test.
#pragma once

#include <mock_snowflake/server.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {

/// Reads a whole file ("" when it cannot).
[[nodiscard]] std::string read_file(const std::string& path);

class CliAccount {
 public:
  /// Starts the mock (sync window 2 s: long statements answer 202 and are polled) and writes
  /// HOME/.snowflake/connections.toml with a [default] connection to it.
  explicit CliAccount(mock_snowflake::ServerOptions options = {});
  ~CliAccount();
  CliAccount(const CliAccount&) = delete;
  CliAccount& operator=(const CliAccount&) = delete;

  [[nodiscard]] mock_snowflake::Server& server() { return *server_; }
  [[nodiscard]] int port() const { return server_->port(); }
  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] std::string home() const { return dir_.at("home"); }
  [[nodiscard]] std::string snowflake_dir() const { return dir_.at("home/.snowflake"); }
  [[nodiscard]] const std::string& key_file() const { return key_file_; }
  [[nodiscard]] const std::string& public_key_pem() const { return public_key_pem_; }

  /// The connection table for this mock (no header), e.g. to write it under another name.
  [[nodiscard]] std::string connection_toml() const;
  /// Rewrites connections.toml.
  void write_connections(std::string_view toml, unsigned mode = 0600) const;

  /// HOME set; no other Snowflake configuration.
  [[nodiscard]] ChildEnv env() const;

 private:
  TempDir dir_;
  std::unique_ptr<mock_snowflake::Server> server_;
  std::string key_file_;
  std::string public_key_pem_;
};

/// The `sfq` binary under test, and a run of it with arguments.
[[nodiscard]] std::string sfq_binary();
[[nodiscard]] ProcessResult run_sfq(const std::vector<std::string>& args, const ChildEnv& env,
                                    std::optional<std::string> stdin_text = std::nullopt);

}  // namespace sfq::test_support
