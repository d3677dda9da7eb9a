// server.cpp — the read loop and the orderly shutdown of `sfq mcp`.
#include "mcp/server.hpp"

#include <string>

#include "mcp/executor.hpp"
#include "mcp/transport.hpp"

namespace sfq::mcp {

int serve(const ServerConfig& config, Backend& backend, int in_fd, int out_fd, int stop_fd) {
  Output output(out_fd);
  {
    Executor executor;
    {
      Session session(config, backend, output, executor);
      LineReader reader(in_fd, config.max_message_bytes, stop_fd);
      std::string line;
      while (!output.broken()) {
        const LineReader::Status status = reader.next(line);
        if (status == LineReader::Status::line) {
          session.handle_line(line);
        } else if (status == LineReader::Status::too_long) {
          session.handle_too_long();
        } else {
          break;
        }
      }
      // End of input (or a stop signal): nothing more will be asked. Cancel what runs — on
      // Snowflake too. The executor stops before the backend does, so that no handler can start a
      // statement on a backend that is shutting down; the backend then waits until the
      // cancellations are sent.
      session.finish_all();
      executor.stop();
      backend.shutdown();
    }
  }
  output.close();
  return 0;
}

}  // namespace sfq::mcp
