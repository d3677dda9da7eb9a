// session.hpp — one connection of the CLI: the resolved ConnectionOptions and, created on first
// use, the sfq::Client that uses them (so that `sfq config explain`, `--help` and argument
// errors never start the client's threads). With --mock the session also owns the in-process
// emulator, which outlives the client.
//
// Thread safety: client() from the main thread; the Client itself is thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mock_session/mock_session.hpp"
#include "sfq/client.hpp"

namespace sfq::cli {

class Session {
 public:
  /// `name` labels the connection in messages ("prod", "mock").
  Session(ConnectionOptions options, std::string name,
          std::unique_ptr<mock_session::MockSession> mock = nullptr)
      : mock_(std::move(mock)), options_(std::move(options)), name_(std::move(name)) {}

  /// The client, created on first call; throws sfq::Error (config, auth) when the options or
  /// credentials are unusable.
  [[nodiscard]] Client& client() {
    if (!client_) client_.emplace(options_);
    return *client_;
  }
  [[nodiscard]] bool has_client() const noexcept { return client_.has_value(); }
  [[nodiscard]] const ConnectionOptions& options() const noexcept { return options_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] bool is_mock() const noexcept { return mock_ != nullptr; }

 private:
  // Declared first: destroyed last, after the client has said goodbye to it.
  std::unique_ptr<mock_session::MockSession> mock_;
  ConnectionOptions options_;
  std::string name_;
  std::optional<Client> client_;
};

}  // namespace sfq::cli
