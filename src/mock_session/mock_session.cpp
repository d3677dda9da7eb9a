// mock_session.cpp — see mock_session.hpp.
#include "mock_session/mock_session.hpp"

#include <mock_snowflake/server.hpp>

#include "sfq/keys.hpp"

namespace sfq::mock_session {

Result<std::unique_ptr<MockSession>> MockSession::start(MockSessionOptions options) {
  auto keys = generate_key_pair(2048);
  if (!keys) return keys.error().with_context("--mock: cannot generate a key pair");

  mock_snowflake::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = 0;
  server_options.public_keys_pem.push_back(keys->public_key_pem);
  server_options.sample_data = options.sample_data;
  server_options.result_cache_bytes = options.result_cache_bytes;

  std::unique_ptr<MockSession> session(new MockSession());
  session->server_ = std::make_unique<mock_snowflake::Server>(std::move(server_options));
  std::string error;
  if (!session->server_->start(error)) {
    return Error(ErrorCategory::transport, "--mock: cannot start mock_snowflake: " + error);
  }

  ConnectionOptions& c = session->connection_;
  c.account = "MOCKACCOUNT";
  c.user = "MOCKUSER";
  c.host = "127.0.0.1";
  c.port = session->server_->port();
  c.protocol = "http";
  c.database = "SNOWFLAKE_SAMPLE_DATA";
  c.schema = "TPCH_SF1";
  c.auth = AuthMethod::key_pair;
  c.private_key_pem = Secret(std::move(keys->private_key_pem));
  return session;
}

MockSession::~MockSession() {
  if (server_) server_->stop();
}

std::string MockSession::base_url() const { return server_->base_url(); }

}  // namespace sfq::mock_session
