// sfq_backend.hpp — the MCP server's Backend on libsfq: one asynchronous sfq::Client per named
// connection, created on first use (login is lazy: answering initialize never waits for
// Snowflake, and a connection that cannot log in fails only the calls that use it).
//
// Statements are submitted with callbacks: each decoded batch is formatted into the page on the
// decode thread (sfq::format::append_json, so numbers stay exact) until the row, byte or cell cap
// is reached, after which the transfer is stopped — later partitions are not downloaded and the
// result stays on the server for fetch_results.
//
// Ownership: the backend owns the Clients; an Execution shares its state with the Query's
// callbacks. shutdown() cancels running statements (on the server too) and destroys the Clients,
// after which run() fails every request.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mcp/backend.hpp"
#include "sfq/error.hpp"
#include "sfq/options.hpp"

namespace sfq {
class Client;
}

namespace sfq::mcp {

/// A configured connection: its options, or the configuration problem that prevents its use,
/// or a function that provides the options on first use (--mock: the emulator starts while the
/// server already answers initialize).
struct ConnectionConfig {
  std::string name;
  std::optional<sfq::ConnectionOptions> options;
  std::optional<sfq::Error> problem;
  std::function<sfq::Result<sfq::ConnectionOptions>()> provide;
};

class SfqBackend : public Backend {
 public:
  explicit SfqBackend(std::vector<ConnectionConfig> connections);
  ~SfqBackend() override;
  SfqBackend(const SfqBackend&) = delete;
  SfqBackend& operator=(const SfqBackend&) = delete;

  std::shared_ptr<Execution> run(RunRequest request, ProgressFn progress, DoneFn done) override;
  void cancel_statement(const std::string& connection, const std::string& handle,
                        CancelFn done) override;
  ConnectionNamespace connection_namespace(const std::string& connection) override;
  void shutdown() override;

 private:
  sfq::Result<std::shared_ptr<sfq::Client>> client(const std::string& name);

  std::mutex mutex_;
  std::vector<ConnectionConfig> connections_;
  std::map<std::string, std::shared_ptr<sfq::Client>> clients_;
  struct Helper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::vector<Helper> helpers_;  // cancel_statement waits
  bool shut_down_ = false;
};

}  // namespace sfq::mcp
