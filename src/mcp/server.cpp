// server.cpp — the read loop and the orderly shutdown of `sfq mcp`.
#include "mcp/server.hpp"

#include <chrono>
#include <optional>
#include <string>

#include "mcp/executor.hpp"
#include "mcp/transport.hpp"
#include "sfq/log.hpp"

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
        // stays bounded (see Output). One that has also closed our input and still reads
        // nothing for the drain timeout has gone: we stop as on a stop signal.
        std::optional<std::chrono::steady_clock::time_point> gone_at;
        while (output.over_cap() && !reader.should_stop()) {
          if (reader.input_closed()) {
            const auto now = std::chrono::steady_clock::now();
            if (!gone_at) gone_at = now + config.output_drain_timeout;
            if (now >= *gone_at) break;
          }
          output.wait_below_cap(std::chrono::milliseconds(50));
        }
        if (gone_at && output.over_cap()) {
          status = LineReader::Status::stopped;
          break;
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
  output.close(config.output_drain_timeout);
  if (output.abandoned()) {
    log_message(LogLevel::warn, "sfq mcp: the client read nothing for " +
                                    std::to_string(config.output_drain_timeout.count()) +
                                    " ms at shutdown; " + std::to_string(output.dropped()) +
                                    " queued message(s) were dropped");
  }
  return 0;
}

}  // namespace sfq::mcp
