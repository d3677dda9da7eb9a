// keys.cpp — the public key-pair helpers of sfq/keys.hpp (generation, fingerprints).
#include "sfq/keys.hpp"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cctype>
#include <climits>

#include "auth/openssl.hpp"
#include "auth/private_key.hpp"

namespace sfq {
namespace {

constexpr int kMinBits = 2048;
// Beyond this, generation takes minutes and nothing gains from it.
constexpr int kMaxBits = 16384;

Error auth_error(std::string message) { return Error(ErrorCategory::auth, std::move(message)); }

// Reads a SubjectPublicKeyInfo given as PEM, or as the bare base64 body that
// ALTER USER ... SET RSA_PUBLIC_KEY takes and DESC USER shows.
Result<detail::EvpPkeyPtr> parse_public_key(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    if (text.find("PRIVATE KEY-----") != std::string_view::npos) {
      return auth_error(
          "public_key_fingerprint: this is a private key; pass its public key (see "
          "public_key_from_private)");
    }
    detail::BioPtr bio = detail::memory_bio(text);
    detail::EvpPkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
    const std::string reason = detail::take_openssl_error();
    if (!key) {
      return auth_error(
          "public_key_fingerprint: not a PEM public key (expected -----BEGIN "
          "PUBLIC KEY-----)" +
          (reason.empty() ? std::string() : " [OpenSSL: " + reason + "]"));
    }
    return key;
  }
  std::string der;
  if (!detail::base64_decode(text, der) || der.size() > static_cast<std::size_t>(LONG_MAX)) {
    return auth_error("public_key_fingerprint: not a PEM public key nor its base64 body");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  detail::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(der.size())));
  detail::take_openssl_error();
  if (!key) return auth_error("public_key_fingerprint: the base64 text is not a public key");
  return key;
}

}  // namespace

std::string KeyPair::public_key_base64() const {
  // The lines between the BEGIN and END delimiters, joined; without delimiters, the text itself
  // with whitespace removed.
  std::string_view body = public_key_pem;
  if (const std::size_t begin = body.find("-----BEGIN"); begin != std::string_view::npos) {
    const std::size_t line_end = body.find('\n', begin);
    body = line_end == std::string_view::npos ? std::string_view() : body.substr(line_end + 1);
    if (const std::size_t end = body.find("-----END"); end != std::string_view::npos) {
      body = body.substr(0, end);
    }
  }
  std::string out;
  out.reserve(body.size());
  for (const char c : body) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) out.push_back(c);
  }
  return out;
}

Result<KeyPair> generate_key_pair(int bits, std::string_view passphrase) {
  if (bits < kMinBits || bits > kMaxBits) {
    return auth_error(
        "generate_key_pair: RSA keys must have 2048 to 16384 bits (Snowflake "
        "requires at least 2048), got " +
        std::to_string(bits));
  }
  if (passphrase.size() > static_cast<std::size_t>(INT_MAX)) {
    return auth_error("generate_key_pair: the passphrase is too long");
  }
  detail::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return auth_error("generate_key_pair: RSA key generation failed: " +
                      detail::take_openssl_error());
  }
  const detail::EvpPkeyPtr key(raw);

  // Encrypted keys: PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, OpenSSL 3's default) and
  // AES-256-CBC, which Snowflake's connectors and `openssl pkcs8` all read.
  detail::BioPtr bio(BIO_new(BIO_s_secmem()));
  const bool written =
      bio && (passphrase.empty() ? PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr,
                                                            0, nullptr, nullptr) == 1
                                 : PEM_write_bio_PKCS8PrivateKey(
                                       bio.get(), key.get(), EVP_aes_256_cbc(), passphrase.data(),
                                       static_cast<int>(passphrase.size()), nullptr, nullptr) == 1);
  if (!written) {
    return auth_error("generate_key_pair: cannot write the private key: " +
                      detail::take_openssl_error());
  }

  KeyPair pair;
  pair.private_key_pem = std::string(detail::bio_contents(bio.get()));
  Result<std::string> public_pem = detail::public_key_pem(key.get());
  if (!public_pem) return public_pem.error();
  pair.public_key_pem = std::move(*public_pem);
  Result<std::string> fingerprint = detail::public_key_fingerprint(key.get());
  if (!fingerprint) return fingerprint.error();
  pair.fingerprint = std::move(*fingerprint);
  return pair;
}

Result<std::string> public_key_fingerprint(std::string_view public_key_pem) {
  Result<detail::EvpPkeyPtr> key = parse_public_key(public_key_pem);
  if (!key) return key.error();
  return detail::public_key_fingerprint(key->get());
}

Result<std::string> public_key_from_private(std::string_view private_key_pem,
                                            std::string_view passphrase) {
  Result<detail::EvpPkeyPtr> key =
      detail::parse_private_key_pem(private_key_pem, passphrase, "public_key_from_private");
  if (!key) return key.error();
  return detail::public_key_pem(key->get());
}

}  // namespace sfq
