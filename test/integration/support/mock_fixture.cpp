// mock_fixture.cpp — the in-process emulator fixture for libsfq's integration tests.
#include "support/mock_fixture.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "sfq/format.hpp"

namespace sfq::testing {

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

const KeyPair& test_key_pair() {
  // The committed test key (test/data/keys): generating a 2048-bit key in every test process
  // would cost more than the tests themselves under the sanitizers.
  static const KeyPair pair = [] {
    KeyPair keys;
    keys.private_key_pem = read_file(std::string(SFQ_TEST_DATA_DIR) + "/keys/rsa_2048.p8");
    keys.public_key_pem = read_file(std::string(SFQ_TEST_DATA_DIR) + "/keys/rsa_2048.pub");
    auto fingerprint = public_key_fingerprint(keys.public_key_pem);
    if (!fingerprint.ok()) throw fingerprint.error();
    keys.fingerprint = fingerprint.value();
    return keys;
  }();
  return pair;
}

ConnectionOptions options_for_port(int port) {
  ConnectionOptions options;
  options.account = "MOCKACCOUNT";
  options.user = "MOCKUSER";
  options.host = "127.0.0.1";
  options.port = port;
  options.protocol = "http";
  options.private_key_pem = Secret(test_key_pair().private_key_pem);
  return options;
}

ConnectionOptions options_for(const mock_snowflake::Server& server) {
  ConnectionOptions options = options_for_port(server.port());
  options.max_retries = 5;
  return options;
}

PublicKeyFile::PublicKeyFile(const std::string& tag)
    : path_(::testing::TempDir() + "sfq_" + tag + "_key_" + std::to_string(::getpid()) + ".pub") {
  std::ofstream out(path_);
  out << test_key_pair().public_key_pem;
  if (!out) throw std::runtime_error("cannot write " + path_);
}

PublicKeyFile::~PublicKeyFile() { std::remove(path_.c_str()); }

void MockTest::SetUp() {
  mock_snowflake::ServerOptions options;
  options.public_keys_pem.push_back(test_key_pair().public_key_pem);
  // Seeding TPC-H costs a second or two under the sanitizers; tests that query it turn it on.
  options.sample_data = false;
  configure(options);
  server_ = std::make_unique<mock_snowflake::Server>(std::move(options));
  std::string error;
  ASSERT_TRUE(server_->start(error)) << error;
}

void MockTest::TearDown() {
  if (server_) server_->stop();
}

std::vector<std::vector<std::string>> rows_as_text(const QueryResult& result) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& batch : result.batches) {
    for (std::size_t r = 0; r < batch.rows; ++r) {
      std::vector<std::string> row;
      for (const auto& column : batch.columns) {
        std::string cell;
        format::append_text(cell, column, r);
        row.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace sfq::testing

// cpp-httplib (the emulator's HTTP server) is a prebuilt, uninstrumented library: ThreadSanitizer
// cannot see the initialisation of its function-local statics and reports races that are not
// there. Our own code, the emulator's included, stays fully checked.
extern "C" const char* __tsan_default_suppressions() { return "race:libcpp-httplib.so\n"; }
