// server.cpp — the read loop and the orderly shutdown of `sfq mcp`.
#include "mcp/server.hpp"

#include <chrono>
#include <string>

#include "mcp/executor.hpp"
#include "mcp/transport.hpp"

namespace sfq::mcp {

int serve(const ServerConfig& config, Backend& backend, int in_fd, int out_fd, int stop_fd) {
  Output output(out_fd, config.max_queued_output_bytes);
  {
    Executor executor;
    {
      Session session(config, backend, output, executor);
      LineReader reader(in_fd, config.max_message_bytes, stop_fd, out_fd);
      std::string line;
      LineReader::Status status = LineReader::Status::eof;
      while (!output.broken()) {
        // A client that stops reading its answers stops us reading its requests: queued output
        // stays bounded (see Output).
        while (output.over_cap() && !reader.should_stop()) {
          output.wait_below_cap(std::chrono::milliseconds(50));
        }
        status = reader.next(line);
        if (status == LineReader::Status::line) {
          session.handle_line(line);
        } else if (status == LineReader::Status::too_long) {
          session.handle_too_long();
        } else {
          break;
        }
      }
      if (status == LineReader::Status::eof && !output.broken()) {
        // End of input: nothing more will be asked, but everything already asked is answered
        // before we exit (subscriptions end with the input that opened them). A stop signal or
        // a closed stdout cuts the wait short.
        session.finish_subscriptions();
        session.wait_idle([&] { return output.broken() || reader.should_stop(); });
      }
      // Cancel what still runs — on Snowflake too. The executor stops before the backend does,
      // so that no handler can start a statement on a backend that is shutting down; the backend
      // then waits until the cancellations are sent.
      session.finish_all();
      executor.stop();
      backend.shutdown();
    }
  }
  output.close();
  return 0;
}

}  // namespace sfq::mcp
