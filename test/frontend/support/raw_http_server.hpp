// raw_http_server.hpp — a tiny HTTP/1.1 server on a loopback socket for the few tests that need
// an answer no emulator gives: a server that echoes the request's Authorization header in an
// error body, or one whose header block is of an exact size. One thread accepts and serves one
// request per connection (Connection: close); the test's handler turns the request into the
// whole response, bytes as sent. Header-only so that only the tests that use it include it.
//
// Thread safety: the handler runs on the server's thread; requests() may be read from any.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sfq::test_support {

struct RawRequest {
  std::string request_line;                    ///< "POST /api/v2/statements?... HTTP/1.1"
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
};

/// A response with `status`, the given extra header lines ("Name: value"), and `body`.
inline std::string raw_response(int status, const std::string& body,
                                const std::vector<std::string>& headers = {}) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n";
  for (const auto& line : headers) out += line + "\r\n";
  return out + "\r\n" + body;
}

class RawHttpServer {
 public:
  using Handler = std::function<std::string(const RawRequest&)>;

  explicit RawHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error("socket failed");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 64) != 0) {
      throw std::runtime_error("bind/listen failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~RawHttpServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  RawHttpServer(const RawHttpServer&) = delete;
  RawHttpServer& operator=(const RawHttpServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::size_t requests() const { return requests_; }

 private:
  void run() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) continue;
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      serve(client);
      ::close(client);
    }
  }

  // Reads one request (headers, then Content-Length bytes of body) and writes the answer.
  void serve(int client) {
    std::string data;
    char buffer[16384];
    std::size_t header_end = std::string::npos;
    RawRequest request;
    std::size_t body_length = 0;
    while (true) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          parse_head(data.substr(0, header_end), request);
          const auto length = request.headers.find("content-length");
          if (length != request.headers.end()) body_length = std::stoul(length->second);
        }
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + body_length) break;
      pollfd ready{client, POLLIN, 0};
      if (::poll(&ready, 1, 10'000) <= 0) return;
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    request.body = data.substr(header_end + 4, body_length);
    ++requests_;
    const std::string response = handler_(request);
    std::size_t sent = 0;
    while (sent < response.size()) {
      const ssize_t n =
          ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(client, SHUT_WR);
    // Let the client read everything before the close (a close with unread input resets).
    pollfd ready{client, POLLIN, 0};
    while (::poll(&ready, 1, 2000) > 0 && ::recv(client, buffer, sizeof buffer, 0) > 0) {
    }
  }

  static void parse_head(const std::string& head, RawRequest& request) {
    std::size_t start = 0;
    bool first = true;
    while (start <= head.size()) {
      std::size_t end = head.find("\r\n", start);
      if (end == std::string::npos) end = head.size();
      const std::string line = head.substr(start, end - start);
      if (first) {
        request.request_line = line;
        first = false;
      } else if (const auto colon = line.find(':'); colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers[name] = value;
      }
      start = end + 2;
    }
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> requests_{0};
  std::thread thread_;
};

}  // namespace sfq::test_support
