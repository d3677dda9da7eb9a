// cli_account.cpp — see cli_account.hpp.
#include "support/cli_account.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sfq/keys.hpp"

namespace sfq::test_support {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CliAccount::CliAccount(mock_snowflake::ServerOptions options) {
  auto keys = sfq::generate_key_pair(2048);
  if (!keys) throw std::runtime_error(keys.error().what());
  public_key_pem_ = keys->public_key_pem;
  options.public_keys_pem.push_back(keys->public_key_pem);
  if (options.sync_window == std::chrono::milliseconds(45'000)) {
    options.sync_window = std::chrono::milliseconds(2000);
  }
  server_ = std::make_unique<mock_snowflake::Server>(std::move(options));
  std::string error;
  if (!server_->start(error)) throw std::runtime_error("mock_snowflake: " + error);
  dir_.make_dir("home");
  key_file_ = dir_.write_file("home/.snowflake/rsa_key.p8", keys->private_key_pem, 0600);
  ::chmod(snowflake_dir().c_str(), 0700);
  write_connections("[default]\n" + connection_toml());
}

CliAccount::~CliAccount() { server_->stop(); }

std::string CliAccount::connection_toml() const {
  return "account = \"MOCKACCOUNT\"\n"
         "user = \"MOCKUSER\"\n"
         "host = \"127.0.0.1\"\n"
         "port = " +
         std::to_string(port()) +
         "\n"
         "protocol = \"http\"\n"
         "authenticator = \"SNOWFLAKE_JWT\"\n"
         "private_key_file = \"" +
         key_file_ +
         "\"\n"
         "database = \"SNOWFLAKE_SAMPLE_DATA\"\n"
         "schema = \"TPCH_SF1\"\n";
}

void CliAccount::write_connections(std::string_view toml, unsigned mode) const {
  dir_.write_file("home/.snowflake/connections.toml", toml, mode);
}

ChildEnv CliAccount::env() const { return ChildEnv(home()); }

std::string sfq_binary() { return SFQ_BINARY; }

ProcessResult run_sfq(const std::vector<std::string>& args, const ChildEnv& env,
                      std::optional<std::string> stdin_text) {
  ProcessOptions options;
  options.args.push_back(sfq_binary());
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.stdin_text = std::move(stdin_text);
  return run_process(options, env);
}

}  // namespace sfq::test_support
