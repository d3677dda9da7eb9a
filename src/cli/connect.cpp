// connect.cpp — see connect.hpp.
#include "cli/connect.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <tuple>
#include <utility>

#include "cli/keygen.hpp"
#include "config/environment.hpp"
#include "config/explain.hpp"
#include "config/resolve.hpp"
#include "mock_session/mock_session.hpp"

namespace sfq::cli {
namespace {

// How long the CLI retries a request that has not reached the server (refused, host not found,
// connect timeout): long enough for a few quick retries of a blip, short enough that a wrong
// host or port, or a server that is down, is reported in about two seconds instead of after the
// library's five minutes. docs/CLI.md "Exit codes" documents it.
constexpr std::chrono::milliseconds kConnectRetryBudget{2000};

// A --*-timeout flag under --mock, which resolves no configuration: seconds, as in the files.
Status apply_seconds(const std::optional<std::string>& flag, std::string_view name,
                     std::chrono::milliseconds& target) {
  if (!flag) return {};
  const std::string& text = *flag;
  char* end = nullptr;
  errno = 0;
  const double seconds = text.empty() ? -1.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(seconds) ||
      seconds < 0 || seconds > 365.0 * 24 * 3600) {
    return Error(ErrorCategory::config, std::string(name) + " \"" + text + "\" from flag --" +
                                            std::string(name) +
                                            " is not a number of seconds (>= 0)");
  }
  const auto ms = std::chrono::milliseconds(std::llround(seconds * 1000.0));
  if (ms.count() > 0) target = ms;
  return {};
}

std::string describe(const ConnectionOptions& options, const std::string& name) {
  std::string text = "connection " + name + " (" + options.account;
  if (!options.user.empty()) text += " as " + options.user;
  return text + ")";
}

// An encrypted key without a passphrase, on a terminal: ask for it, as ssh does.
void ask_passphrase_if_needed(ConnectionOptions& options, InterruptWatcher* interrupts) {
  if (interrupts == nullptr || options.auth != AuthMethod::key_pair ||
      !options.private_key_pem.empty() || options.private_key_file.empty() ||
      !options.private_key_passphrase.empty() || ::isatty(STDIN_FILENO) != 1) {
    return;
  }
  std::ifstream in(options.private_key_file);
  std::string head(256, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.find("BEGIN ENCRYPTED PRIVATE KEY") == std::string::npos) return;
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) return;
  auto phrase = ask_hidden(tty, "Passphrase for " + options.private_key_file + ": ", *interrupts);
  ::close(tty);
  if (phrase && !phrase->empty()) options.private_key_passphrase = Secret(std::move(*phrase));
}

}  // namespace

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
  o.connect_timeout = flags.connect_timeout;
  o.request_timeout = flags.request_timeout;
  o.total_timeout = flags.total_timeout;
  o.insecure_skip_tls_verify = flags.insecure_skip_tls_verify;
  return o;
}

Result<OpenedConnection> open_connection(const ConnectionFlags& flags, bool mock, bool trace_http,
                                         InterruptWatcher* interrupts) {
  OpenedConnection opened;
  if (mock) {
    auto session = mock_session::MockSession::start();
    if (!session) return session.error();
    ConnectionOptions options = (*session)->connection();
    options.trace_http = trace_http;
    options.connect_retry_timeout = kConnectRetryBudget;
    // The namespace, role and warehouse flags apply to the emulator as to any account.
    if (flags.database) options.database = *flags.database;
    if (flags.schema) options.schema = *flags.schema;
    if (flags.warehouse) options.warehouse = *flags.warehouse;
    if (flags.role) options.role = *flags.role;
    for (const auto& [flag, name, target] :
         {std::tuple{&flags.connect_timeout, "connect_timeout", &options.connect_timeout},
          std::tuple{&flags.request_timeout, "request_timeout", &options.request_timeout},
          std::tuple{&flags.total_timeout, "total_timeout", &options.total_timeout}}) {
      if (auto status = apply_seconds(*flag, name, *target); !status.ok()) return status.error();
    }
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
  options.connect_retry_timeout = kConnectRetryBudget;
  ask_passphrase_if_needed(options, interrupts);
  opened.warnings = resolved->warnings;
  if (auto insecure = config::insecure_tls_warning(*resolved)) opened.warnings.push_back(*insecure);
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
