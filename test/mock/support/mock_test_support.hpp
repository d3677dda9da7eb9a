// mock_test_support.hpp — shared helpers of the emulator's tests: RSA keys and JWTs minted with
// OpenSSL, a started Server fixture, a small HTTP client over loopback (cpp-httplib with
// decompression off, so tests see the bytes on the wire), a raw-socket client for malformed
// requests and cut connections, and waits on conditions with deadlines.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mock_snowflake/server.hpp"

namespace mock_test {

/// A freshly generated 2048-bit RSA key pair.
class RsaKey {
 public:
  static RsaKey generate();
  [[nodiscard]] const std::string& public_pem() const { return public_pem_; }
  [[nodiscard]] const std::string& private_pem() const { return private_pem_; }
  /// Base64 SHA-256 of the DER SubjectPublicKeyInfo, computed here independently of the mock.
  [[nodiscard]] std::string fingerprint() const;
  /// RS256 (or RS384/RS512) signature, raw bytes.
  [[nodiscard]] std::string sign(const std::string& data, const std::string& alg = "RS256") const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
  std::string public_pem_;
  std::string private_pem_;
};

struct JwtClaims {
  std::string account = "MOCKACCOUNT";
  std::string user = "MOCKUSER";
  std::optional<std::string> fingerprint;  ///< defaults to the signing key's
  std::int64_t iat = 0;                    ///< as written (seconds or milliseconds)
  std::int64_t exp = 0;
  std::string alg = "RS256";
};

[[nodiscard]] std::int64_t now_seconds();
/// A key-pair JWT signed by `key`; iat/exp default to now and now + 59 minutes.
[[nodiscard]] std::string mint_jwt(const RsaKey& key, JwtClaims claims = {});

[[nodiscard]] std::string base64url(const std::string& data);
[[nodiscard]] std::string gunzip(const std::string& data);  ///< fails the test when not gzip
[[nodiscard]] rapidjson::Document parse_json(const std::string& text);
/// Member names of a JSON object, in document order.
[[nodiscard]] std::vector<std::string> keys_of(const rapidjson::Value& object);
[[nodiscard]] std::string read_text_file(const std::string& path);
/// The fixture file under test/data/sqlapi-docs/.
[[nodiscard]] rapidjson::Document doc_fixture(const std::string& name);

/// Polls `condition` until it holds or `timeout` passes (for conditions outside the server;
/// server-side ones use Server::wait_until).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

struct HttpResult {
  int status = 0;  ///< 0: no answer
  httplib::Headers headers;
  std::string body;  ///< decoded (gunzip'd) when the answer was gzip'd
  std::string raw_body;
  bool gzipped = false;
  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] rapidjson::Document json() const { return parse_json(body); }
};

/// A started emulator with one registered key (slot 1) and a short sync window.
class MockServerTest : public ::testing::Test {
 protected:
  /// Subclasses adjust the options before the server starts.
  virtual void configure(mock_snowflake::ServerOptions& options) { (void)options; }
  void SetUp() override;
  void TearDown() override;

  /// A key shared by every test of the process (generation is slow under sanitizers).
  static const RsaKey& key();
  static const RsaKey& second_key();
  [[nodiscard]] std::string token() const { return mint_jwt(key()); }

  /// Sends a request with a valid JWT unless `headers` carries its own Authorization.
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "", httplib::Headers headers = {});
  HttpResult post_statement(const std::string& body, const std::string& query = "",
                            httplib::Headers headers = {});
  HttpResult post_sql(const std::string& sql, const std::string& query = "");
  HttpResult get(const std::string& target, httplib::Headers headers = {});

  /// Polls GET on `handle` until it is no longer 202.
  HttpResult wait_finished(const std::string& handle);

  mock_snowflake::ServerOptions options_;
  std::unique_ptr<mock_snowflake::Server> server_;
};

/// Writes `request` to a fresh loopback connection and reads until the peer closes (or
/// `timeout`). Returns every byte received.
std::string raw_exchange(int port, const std::string& request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

struct RawResponse {
  bool complete = false;  ///< status line, headers and the whole Content-Length body
  int status = 0;
  httplib::Headers headers;
  std::string body;
  std::size_t content_length = 0;
};
[[nodiscard]] RawResponse parse_raw(const std::string& bytes);

/// Raises RLIMIT_NOFILE to its hard limit (load tests open thousands of sockets).
void raise_descriptor_limit();

}  // namespace mock_test
