// server.cpp — the HTTP front of the emulator (cpp-httplib).
#include "mock_snowflake/server.hpp"

#include <httplib.h>

#include <thread>

namespace mock_snowflake {

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  std::thread thread;
  int port = 0;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  Impl& impl = *impl_;
  impl.port =
      impl.options.port == 0
          ? impl.http.bind_to_any_port(impl.options.host)
          : (impl.http.bind_to_port(impl.options.host, impl.options.port) ? impl.options.port : -1);
  if (impl.port < 0) {
    error = "cannot listen on " + impl.options.host + ":" + std::to_string(impl.options.port);
    return false;
  }
  impl.thread = std::thread([&impl] { impl.http.listen_after_bind(); });
  return true;
}

void Server::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->http.stop();
  impl_->thread.join();
}

int Server::port() const { return impl_->port; }

std::string Server::base_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

}  // namespace mock_snowflake
