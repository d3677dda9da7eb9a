// main.cpp — the `mock-snowflake` executable: serves the emulator until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "mock_snowflake/server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mock-snowflake — a local emulator of Snowflake's SQL API", "mock-snowflake"};
  mock_snowflake::ServerOptions options;
  app.add_option("--port", options.port, "TCP port to listen on; 0 picks a free port")
      ->capture_default_str();
  app.add_option("--host", options.host, "address to bind")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // server threads inherit the mask

  mock_snowflake::Server server(options);
  std::string error;
  if (!server.start(error)) {
    std::cerr << "mock-snowflake: " << error << '\n';
    return 1;
  }
  std::cout << "mock-snowflake listening on " << server.base_url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}
