// mock_fixture.hpp — starts mock_snowflake in-process with a key pair registered for its user,
// and gives the ConnectionOptions that reach it over loopback HTTP with a real JWT.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "mock_snowflake/server.hpp"
#include "sfq/client.hpp"
#include "sfq/keys.hpp"

namespace sfq::testing {

/// One RSA key pair per test program (generating one costs tens of milliseconds).
const KeyPair& test_key_pair();

/// Options for connecting as the emulator's user, with the test key pair, to an emulator on
/// 127.0.0.1:`port` over HTTP (a MockProcess, or a port nothing listens on); libsfq's defaults
/// otherwise.
ConnectionOptions options_for_port(int port);

/// Options for connecting to `server` as its user with the test key pair.
ConnectionOptions options_for(const mock_snowflake::Server& server);

/// The test key pair's public key in a file of its own, for a mock_snowflake child process's
/// `--public-key`; named for `tag` and this process (ctest runs the cases of one program as
/// parallel processes, which must not share it) and removed when this object goes.
class PublicKeyFile {
 public:
  explicit PublicKeyFile(const std::string& tag);
  ~PublicKeyFile();
  PublicKeyFile(const PublicKeyFile&) = delete;
  PublicKeyFile& operator=(const PublicKeyFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A fixture owning a started emulator. Tests adjust `mock_options()` in their constructor or
/// call restart() to change them.
class MockTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Options used by SetUp (override configure() to change them).
  virtual void configure(mock_snowflake::ServerOptions& /*options*/) {}

  mock_snowflake::Server& server() { return *server_; }
  ConnectionOptions connection() const { return options_for(*server_); }
  /// A client for the emulator, with `tweak` applied to the options first.
  template <typename Tweak>
  Client client(Tweak&& tweak) const {
    ConnectionOptions options = connection();
    tweak(options);
    return Client(std::move(options));
  }
  Client client() const { return Client(connection()); }

 private:
  std::unique_ptr<mock_snowflake::Server> server_;
};

/// Waits until `predicate()` holds (polling every few milliseconds) or `timeout` passes.
template <typename Predicate>
bool eventually(Predicate&& predicate,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

/// Every cell of a result as display text, row by row ("NULL" for NULL).
std::vector<std::vector<std::string>> rows_as_text(const QueryResult& result);

}  // namespace sfq::testing
