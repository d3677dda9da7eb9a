// net_fixtures.cpp — see net_fixtures.hpp.
#include "support/net_fixtures.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/self_signed_certificate.hpp"

namespace sfq::test_support {

int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::pair<std::string, std::string> self_signed_certificate(const TempDir& dir,
                                                            std::string_view stem) {
  const CertificatePem pem = self_signed_certificate_pem();
  const std::string prefix(stem);
  return {dir.write_file(prefix + "-cert.pem", pem.certificate, 0600),
          dir.write_file(prefix + "-key.pem", pem.key, 0600)};
}

}  // namespace sfq::test_support
