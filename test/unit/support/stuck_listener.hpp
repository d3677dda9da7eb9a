// stuck_listener.hpp — a loopback listener that never accepts, its backlog filled by other
// connections, so that the kernel drops further handshakes: a connect to port() neither succeeds
// nor fails until the client's connect timeout. For the unit and integration tests of connecting.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace test_support {

class StuckListener {
 public:
  StuckListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ok_ = listener_ >= 0 && ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
          ::listen(listener_, 0) == 0 &&
          ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    EXPECT_TRUE(ok_) << "the stuck listener could not be set up";
    port_ = ntohs(address.sin_port);
    for (int i = 0; i < 4 && ok_; ++i) {
      const int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      (void)::connect(filler, reinterpret_cast<sockaddr*>(&address), length);
      fillers_.push_back(filler);
    }
  }
  ~StuckListener() {
    for (const int filler : fillers_) ::close(filler);
    if (listener_ >= 0) ::close(listener_);
  }
  StuckListener(const StuckListener&) = delete;
  StuckListener& operator=(const StuckListener&) = delete;

  /// False when the listener could not be set up (the constructor has reported why).
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  int listener_ = -1;
  bool ok_ = false;
  std::uint16_t port_ = 0;
  std::vector<int> fillers_;
};

}  // namespace test_support
