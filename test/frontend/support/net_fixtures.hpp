// net_fixtures.hpp — network fixtures the front-end tests share: a loopback port where nothing
// listens, and a self-signed TLS certificate for 127.0.0.1 that nobody trusts unless told to.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "support/temp_dir.hpp"

namespace sfq::test_support {

/// A loopback port that was free a moment ago: bound, then closed (0 if none could be bound).
[[nodiscard]] int closed_port();

/// A self-signed certificate for 127.0.0.1 (subjectAltName IP, basicConstraints CA, so that it
/// can be named as a CA file) and its RSA-2048 key, written as PEM files `<stem>-cert.pem` and
/// `<stem>-key.pem` (mode 0600) in `dir`: {certificate path, key path}.
[[nodiscard]] std::pair<std::string, std::string> self_signed_certificate(
    const TempDir& dir, std::string_view stem = "tls");

}  // namespace sfq::test_support
