// auth_support.hpp — helpers for the auth tests, written against OpenSSL directly so that what
// they compute (keys, fingerprints, signature checks, base64url) is independent of libsfq's own
// code: a bug in the library cannot hide behind the same bug here.
#pragma once

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace sfq_test {

/// Sets (or unsets) an environment variable for the lifetime of the object, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// A clock the test moves by hand; safe to read from many threads.
class ManualClock {
 public:
  explicit ManualClock(std::int64_t seconds_since_epoch)
      : ns_(seconds_since_epoch * 1'000'000'000LL) {}
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns_.load())));
  }
  void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }

 private:
  std::atomic<std::int64_t> ns_;
};

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string key_path(std::string_view name) {
  return std::string(SFQ_TEST_DATA_DIR) + "/keys/" + std::string(name);
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

/// An RSA key made by OpenSSL directly.
inline Pkey openssl_rsa_key(unsigned bits) { return Pkey(EVP_RSA_gen(bits)); }

/// PKCS#8 PEM; encrypted with `cipher` and `passphrase` when a cipher is given.
inline std::string openssl_pkcs8_pem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr,
                                     const std::string& passphrase = {}) {
  Bio bio(BIO_new(BIO_s_mem()));
  const int ok =
      cipher == nullptr
          ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
          : PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher, passphrase.data(),
                                          static_cast<int>(passphrase.size()), nullptr, nullptr);
  EXPECT_EQ(ok, 1);
  return bio_text(bio.get());
}

/// PKCS#1 ("BEGIN RSA PRIVATE KEY").
inline std::string openssl_pkcs1_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(
      PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
      1);
  return bio_text(bio.get());
}

inline Pkey read_public_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

inline Pkey read_private_pem(const std::string& pem, const std::string& passphrase = {}) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(passphrase.c_str())));
}

/// "SHA256:" + base64(SHA-256(i2d_PUBKEY)), computed step by step with OpenSSL.
inline std::string openssl_fingerprint(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int der_size = i2d_PUBKEY(key, &der);
  EXPECT_GT(der_size, 0);
  unsigned char digest[32];
  unsigned int digest_size = 0;
  EXPECT_EQ(EVP_Digest(der, static_cast<std::size_t>(der_size), digest, &digest_size, EVP_sha256(),
                       nullptr),
            1);
  OPENSSL_free(der);
  unsigned char b64[64] = {};
  const int b64_size = EVP_EncodeBlock(b64, digest, static_cast<int>(digest_size));
  return "SHA256:" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(b64_size));
}

/// RFC 4648 §5 base64url without padding, decoded by hand.
inline std::optional<std::string> base64url_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if (count >= 6) return std::nullopt;  // a dangling character cannot encode a byte
  return out;
}

/// Verifies an RS256 (RSASSA-PKCS1-v1_5 + SHA-256) signature over `signed_text`.
inline bool verify_rs256(EVP_PKEY* public_key, std::string_view signed_text,
                         std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) != 1) {
    return false;
  }
  return EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size()) == 1;
}

}  // namespace sfq_test
