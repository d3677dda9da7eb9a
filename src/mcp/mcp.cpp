// mcp.cpp — `sfq mcp`: parses the command line, resolves the connections, and serves MCP on
// stdin/stdout until stdin closes.
#include "mcp/mcp.hpp"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <iostream>
#include <memory>
#include <string_view>

#include "config/environment.hpp"
#include "config/resolve.hpp"
#include "mcp/install.hpp"
#include "mcp/options.hpp"
#include "mcp/server.hpp"
#include "mcp/sfq_backend.hpp"
#include "mock_session/mock_session.hpp"
#include "sfq/log.hpp"

namespace sfq::mcp {

namespace {

// How long a tool call's statement keeps retrying while none of its attempts reaches the server
// (connection refused, host not found, connect timeout). The library's five minutes suit a batch
// job; an agent waits on the call, and a desktop client gives up on a tool call long before
// that. Ten seconds rides out a blip (a VPN reconnecting, a proxy restarting) and then says what
// is wrong. docs/MCP.md "Timeouts and retries" documents it.
constexpr std::chrono::milliseconds kConnectRetryBudget{10000};

/// The connections to serve, resolved the way the CLI resolves them (connections.toml,
/// config.toml, SNOWFLAKE_* variables). Resolution problems do not stop the server: they become
/// the error of every tool call on that connection, so the agent and its user see how to fix
/// them, and initialize is answered all the same.
std::vector<ConnectionConfig> resolve_connections(const McpOptions& options) {
  const config::Environment environment = config::Environment::from_process();
  std::vector<std::optional<std::string>> requested;
  for (const auto& name : options.connections) requested.emplace_back(name);
  if (requested.empty()) requested.emplace_back(std::nullopt);  // the default connection
  std::vector<ConnectionConfig> connections;
  for (const auto& name : requested) {
    config::Overrides overrides;
    overrides.connection_name = name;
    overrides.config_file = options.config_file;
    auto resolved = config::resolve_connection(overrides, environment);
    ConnectionConfig connection;
    if (resolved.ok()) {
      connection.name = name.value_or(resolved.value().connection_name);
      connection.options = std::move(resolved.value().options);
      if (connection.options->user_agent.empty()) {
        connection.options->user_agent = std::string("sfq-mcp/") + SFQ_VERSION;
      }
      connection.options->connect_retry_timeout = kConnectRetryBudget;
      for (const auto& warning : resolved.value().warnings) {
        log_message(LogLevel::warn, "sfq mcp: connection '" + connection.name + "': " + warning);
      }
      // Written whatever the log level: turning verification off is never silent.
      if (auto insecure = config::insecure_tls_warning(resolved.value())) {
        std::cerr << "sfq mcp: warning: connection '" << connection.name << "': " << *insecure
                  << '\n';
      }
    } else {
      connection.name = name.value_or("default");
      connection.problem = resolved.error();
    }
    if (connection.name.empty()) connection.name = "default";
    connections.push_back(std::move(connection));
  }
  return connections;
}

}  // namespace

int run(int argc, char** argv) {
  // `sfq mcp install …` edits an assistant's configuration (install.hpp); it serves nothing.
  if (argc > 1 && std::string_view(argv[1]) == "install") return run_install(argc - 1, argv + 1);
  // A client that goes away must not kill us mid-write: EPIPE ends the session instead.
  std::signal(SIGPIPE, SIG_IGN);
  ParsedOptions parsed = parse_options(argc, argv);
  if (!parsed.options) {
    std::cout << parsed.output;
    if (!parsed.error.empty()) std::cerr << parsed.error << '\n';
    return parsed.exit_code;
  }
  McpOptions& options = *parsed.options;
  if (auto status = configure_logging_from_env(); !status) {
    std::cerr << "sfq mcp: " << status.error().what() << '\n';
    return 2;
  }
  if (options.log_level) {
    const auto level = parse_log_level(*options.log_level);
    if (!level) {
      std::cerr << "sfq mcp: --log-level " << *options.log_level
                << " is not a log level; use trace, debug, info, warn, error or off\n";
      return 2;
    }
    set_log_level(*level);
  }
  // SIGTERM and SIGINT (clients send them after closing stdin, people press Ctrl-C) end the
  // session like end of input does, so running statements are cancelled on Snowflake first.
  // Blocked before any thread starts (the emulator's too), so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const int stop_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  // --mock: the in-process emulator with its sample data, reached over loopback HTTP with a
  // fresh key pair exactly like an account. It starts on a thread of its own so that initialize
  // is answered at once; the first tool call waits for it. Declared before the backend, so it
  // outlives the clients that talk to it.
  std::shared_future<Result<std::unique_ptr<mock_session::MockSession>>> mock;
  std::vector<ConnectionConfig> connections;
  if (options.mock) {
    mock =
        std::async(std::launch::async, [] { return mock_session::MockSession::start(); }).share();
    ConnectionConfig connection;
    connection.name = "mock";
    connection.provide = [mock]() -> Result<ConnectionOptions> {
      const auto& session = mock.get();
      if (!session) {
        return Error(ErrorCategory::config,
                     "cannot start the emulator: " + std::string(session.error().what()));
      }
      log_message(LogLevel::info, "sfq mcp: serving mock_snowflake at " + (*session)->base_url());
      ConnectionOptions connection_options = (*session)->connection();
      connection_options.user_agent = std::string("sfq-mcp/") + SFQ_VERSION;
      connection_options.connect_retry_timeout = kConnectRetryBudget;
      return connection_options;
    };
    connections.push_back(std::move(connection));
  } else {
    connections = resolve_connections(options);
  }
  options.server.connections.clear();
  for (const auto& connection : connections) {
    if (connection.problem) {
      log_message(LogLevel::warn, "sfq mcp: connection '" + connection.name +
                                      "' cannot be used: " + connection.problem->what());
    }
    options.server.connections.push_back(connection.name);
  }
  int status = 0;
  {
    SfqBackend backend(std::move(connections));
    status = serve(options.server, backend, 0, 1, stop_fd);
  }
  if (stop_fd >= 0) ::close(stop_fd);
  return status;
}

}  // namespace sfq::mcp
