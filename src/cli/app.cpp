// app.cpp — the `sfq` command line.
#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "sfq/log.hpp"

namespace sfq::cli {

int run(int argc, char** argv) {
  CLI::App app{"sfq — query Snowflake from a terminal, a script or an AI agent", "sfq"};
  app.set_version_flag("--version", std::string("sfq ") + SFQ_VERSION);
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "log verbosity on stderr: trace, debug, info, warn, error, off "
                 "(default warn; also SFQ_LOG)");
  CLI11_PARSE(app, argc, argv);

  if (auto status = configure_logging_from_env(); !status) {
    std::cerr << "sfq: " << status.error().what() << '\n';
    return 2;
  }
  if (!log_level.empty()) {
    const auto level = parse_log_level(log_level);
    if (!level) {
      std::cerr << "sfq: --log-level " << log_level
                << " is not a log level; use trace, debug, info, warn, error or off\n";
      return 2;
    }
    set_log_level(*level);
  }
  std::cout << app.help();
  return 0;
}

}  // namespace sfq::cli
