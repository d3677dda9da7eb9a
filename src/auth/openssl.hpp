// openssl.hpp (internal) — RAII owners for the OpenSSL objects the auth layer uses, OpenSSL
// error-queue handling, base64, and SecretBuffer (key material that is wiped when released).
//
// Every OpenSSL object is owned by a unique_ptr with a deleter, so no early return can leak one.
// OpenSSL reports failures through a thread-local error queue; take_openssl_error() drains it so
// that a failure here never surfaces later as a bogus error in unrelated code (libcurl's TLS
// runs on the same thread).
//
// Thread safety: free functions are thread-safe; each object has one owner.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sfq::detail {

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free_all(bio); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

/// Empties this thread's OpenSSL error queue and returns the reason of the most recent error
/// ("bad decrypt", "unsupported"), or "" when the queue was empty. The reason strings come from
/// OpenSSL's tables and never contain key material or passphrases.
std::string take_openssl_error();

/// A read-only memory BIO over `data` (no copy: `data` must outlive the BIO).
BioPtr memory_bio(std::string_view data);

/// The bytes written so far to a memory BIO.
std::string_view bio_contents(BIO* bio);

/// Standard base64 (RFC 4648 §4) with '=' padding and no line breaks.
std::string base64_encode(std::string_view bytes);

/// Decodes standard base64, ignoring whitespace. Returns false on any other invalid input.
bool base64_decode(std::string_view text, std::string& out);

/// Owns bytes that must not outlive their use in readable memory: unencrypted key PEM, file
/// contents of a key file. The buffer has a fixed size and is overwritten with OPENSSL_cleanse
/// before it is freed. Move-only, so no stray copy is ever made by accident.
class SecretBuffer {
 public:
  SecretBuffer() = default;
  explicit SecretBuffer(std::size_t size);
  explicit SecretBuffer(std::string_view bytes);
  ~SecretBuffer();
  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;

  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_.get(), size_}; }
  /// Shortens the visible contents (after a short read); the tail is wiped at once.
  void truncate(std::size_t size) noexcept;

 private:
  void wipe() noexcept;

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace sfq::detail
