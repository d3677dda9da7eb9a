// connect.cpp — see connect.hpp.
#include "cli/connect.hpp"

#include <utility>

#include "app/mock_session.hpp"
#include "config/environment.hpp"
#include "config/explain.hpp"
#include "config/resolve.hpp"

namespace sfq::cli {
namespace {

config::Overrides to_overrides(const ConnectionFlags& flags) {
  config::Overrides o;
  o.connection_name = flags.connection;
  o.config_file = flags.config_file;
  o.account = flags.account;
  o.user = flags.user;
  o.host = flags.host;
  o.port = flags.port;
  o.protocol = flags.protocol;
  o.role = flags.role;
  o.warehouse = flags.warehouse;
  o.database = flags.database;
  o.schema = flags.schema;
  o.authenticator = flags.authenticator;
  o.private_key_file = flags.private_key_file;
  o.token = flags.token;
  return o;
}

std::string describe(const ConnectionOptions& options, const std::string& name) {
  std::string text = "connection " + name + " (" + options.account;
  if (!options.user.empty()) text += " as " + options.user;
  return text + ")";
}

}  // namespace

Result<OpenedConnection> open_connection(const ConnectionFlags& flags, bool mock, bool trace_http) {
  OpenedConnection opened;
  if (mock) {
    auto session = app::MockSession::start();
    if (!session) return session.error();
    ConnectionOptions options = (*session)->connection();
    options.trace_http = trace_http;
    opened.description = "mock_snowflake at " + (*session)->base_url() +
                         " (sample data: SNOWFLAKE_SAMPLE_DATA.TPCH_SF1)";
    opened.session = std::make_unique<Session>(std::move(options), "mock", std::move(*session));
    return opened;
  }
  auto resolved =
      config::resolve_connection(to_overrides(flags), config::Environment::from_process());
  if (!resolved) return resolved.error();
  ConnectionOptions options = resolved->options;
  options.trace_http = trace_http;
  opened.warnings = resolved->warnings;
  opened.sfq_settings = resolved->sfq_settings;
  opened.settings_origin = resolved->config_path + " [sfq]";
  opened.description = describe(options, resolved->connection_name);
  opened.session = std::make_unique<Session>(std::move(options), resolved->connection_name);
  return opened;
}

Result<std::string> explain_connection(const ConnectionFlags& flags) {
  config::ResolveOptions resolve_options;
  resolve_options.allow_incomplete = true;
  auto resolved = config::resolve_connection(to_overrides(flags),
                                             config::Environment::from_process(), resolve_options);
  if (!resolved) return resolved.error();
  return config::explain(*resolved);
}

}  // namespace sfq::cli
