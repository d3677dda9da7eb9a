// mock_snowflake/server.hpp — an in-process emulator of Snowflake's SQL API.
//
// Server listens on a loopback port (0 picks a free one) and answers /api/v2/statements the way
// the real service does. Tests and `sfq --mock` start it in-process; the `mock-snowflake`
// executable wraps it for scripts.
//
// Thread safety: start() and stop() from one owning thread; the accessors from any thread.
#pragma once

#include <memory>
#include <string>

namespace mock_snowflake {

struct ServerOptions {
  std::string host = "127.0.0.1";  ///< address to bind; loopback by default
  int port = 0;                    ///< 0 picks a free port
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts serving on background threads. Returns false, with a message in
  /// `error`, when the address cannot be bound.
  [[nodiscard]] bool start(std::string& error);

  /// Stops serving and joins the background threads. Idempotent.
  void stop();

  /// The bound port (valid after start()).
  [[nodiscard]] int port() const;

  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_snowflake
