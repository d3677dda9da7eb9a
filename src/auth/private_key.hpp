// private_key.hpp (internal) — loading the user's private key for key-pair authentication, and
// deriving what Snowflake needs from it: the public key and its fingerprint.
//
// Accepted: PKCS#8 PEM ("BEGIN PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY") as Snowflake's
// key-pair documentation makes them, and PKCS#1 ("BEGIN RSA PRIVATE KEY", optionally with a
// legacy "Proc-Type: 4,ENCRYPTED" header), which other connectors accept too. The key must be
// RSA of at least 2048 bits: the SQL API JWT is signed RS256.
//
// Every failure is an auth error naming where the key came from (the file path or the
// private_key_pem option) and what to do; no message ever contains a passphrase or key bytes.
//
// Thread safety: all functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/openssl.hpp"
#include "sfq/error.hpp"
#include "sfq/options.hpp"

namespace sfq::detail {

/// The environment variable that, when set and non-empty, overrides
/// ConnectionOptions::private_key_passphrase (as in SnowSQL and the Snowflake CLI).
inline constexpr std::string_view kPassphraseEnvVar = "PRIVATE_KEY_PASSPHRASE";

/// A passphrase together with where it came from, so errors can say which one was wrong.
struct Passphrase {
  Secret value;
  std::string_view source;  ///< "PRIVATE_KEY_PASSPHRASE" or "private_key_passphrase"; "" if none
};

/// The passphrase to use: $PRIVATE_KEY_PASSPHRASE when set and non-empty, else `configured`.
[[nodiscard]] Passphrase effective_passphrase(const Secret& configured);

/// Reads a key file (at most 1 MiB) into wiped memory. Errors name the path.
[[nodiscard]] Result<SecretBuffer> read_key_file(const std::string& path);

/// Parses PEM text holding a private key. `source` names it in errors ("private key file
/// '/home/me/rsa_key.p8'"); `passphrase_source` names the passphrase's origin in the
/// wrong-passphrase error. Only the parse: see check_jwt_signing_key for the RSA/size rules.
[[nodiscard]] Result<EvpPkeyPtr> parse_private_key_pem(std::string_view pem,
                                                       std::string_view passphrase,
                                                       std::string_view source,
                                                       std::string_view passphrase_source = {});

/// Accepts RSA keys of at least 2048 bits; anything else is an auth error that says why.
[[nodiscard]] Status check_jwt_signing_key(EVP_PKEY* key, std::string_view source);

/// The key-pair private key of `options`: private_key_pem when set, else private_key_file, with
/// the effective passphrase; checked with check_jwt_signing_key. A config error when neither
/// the PEM nor the file is set.
[[nodiscard]] Result<EvpPkeyPtr> load_private_key(const ConnectionOptions& options);

/// The DER SubjectPublicKeyInfo of the key's public half.
[[nodiscard]] Result<std::string> public_key_der(EVP_PKEY* key);

/// "SHA256:" + base64(SHA-256(DER SubjectPublicKeyInfo)), padded: what DESC USER shows as
/// RSA_PUBLIC_KEY_FP and what the JWT's `iss` carries.
[[nodiscard]] Result<std::string> public_key_fingerprint(EVP_PKEY* key);

/// The public half as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").
[[nodiscard]] Result<std::string> public_key_pem(EVP_PKEY* key);

/// The private key re-encoded as unencrypted PKCS#8 PEM, in wiped memory. For cpp-jwt, which
/// takes PEM text rather than an EVP_PKEY.
[[nodiscard]] Result<SecretBuffer> private_key_pkcs8_pem(EVP_PKEY* key);

}  // namespace sfq::detail
