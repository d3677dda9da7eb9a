// sfq/keys.hpp — RSA key pairs for Snowflake's key-pair authentication.
#pragma once

#include <string>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq {

struct KeyPair {
  std::string private_key_pem;  ///< PKCS#8 PEM ("ENCRYPTED PRIVATE KEY" when a passphrase is set)
  std::string public_key_pem;   ///< SubjectPublicKeyInfo PEM
  std::string fingerprint;      ///< "SHA256:<base64>", as DESC USER shows RSA_PUBLIC_KEY_FP

  /// The public key as ALTER USER ... SET RSA_PUBLIC_KEY='...' wants it: the base64 body of the
  /// PEM without delimiters or line breaks.
  [[nodiscard]] std::string public_key_base64() const;
};

/// Generates an RSA key pair (bits >= 2048). With a passphrase the private key is encrypted
/// (PKCS#8, AES-256-CBC). Errors are auth errors.
[[nodiscard]] Result<KeyPair> generate_key_pair(int bits = 2048, std::string_view passphrase = {});

/// The fingerprint of a public key given as PEM ("SHA256:<base64 of SHA-256 of the DER
/// SubjectPublicKeyInfo>").
[[nodiscard]] Result<std::string> public_key_fingerprint(std::string_view public_key_pem);

/// Loads a private key (PKCS#8 PEM, encrypted or not; PKCS#1 accepted) and returns its public
/// key as PEM. A wrong or missing passphrase gives a clear auth error.
[[nodiscard]] Result<std::string> public_key_from_private(std::string_view private_key_pem,
                                                          std::string_view passphrase = {});

}  // namespace sfq
