// raw_client.hpp — what the benchmarks' raw clients (the libcurl designs that do not use libsfq:
// bench_concurrency's baselines, bench_emulator) share: CPU pinning, the descriptor limit, a
// key pair with a key-pair JWT for the emulator's default account and user, and medians.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace sfq::bench {

/// Pins the calling process to one CPU (as `taskset -c CPU` does).
inline void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

/// Raises the open-descriptor limit to its hard maximum (thousands of connections).
inline void raise_descriptor_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

/// Base64 of `data`; with `url`, the URL-safe alphabet without padding (JWT segments).
inline std::string base64(const unsigned char* data, std::size_t size, bool url) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  if (!url) return out;
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

inline std::string base64url(const std::string& text) {
  return base64(reinterpret_cast<const unsigned char*>(text.data()), text.size(), true);
}

/// A fresh RSA key pair and an "Authorization: Bearer <JWT>" value for the emulator's default
/// account and user (MOCKACCOUNT.MOCKUSER), valid for 59 minutes.
struct Credentials {
  std::string public_pem;
  std::string private_pem;
  std::string authorization;
};

inline Credentials make_credentials() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (key == nullptr) throw std::runtime_error("cannot generate an RSA key");
  Credentials credentials;
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
    std::string text(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return text;
  };
  credentials.public_pem = pem([&](BIO* bio) { PEM_write_bio_PUBKEY(bio, key); });
  credentials.private_pem = pem(
      [&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
  unsigned char* der = nullptr;
  const int der_size = i2d_PUBKEY(key, &der);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(der, static_cast<std::size_t>(der_size), digest, &digest_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  const std::string fingerprint = "SHA256:" + base64(digest, digest_size, false);
  const long long now = static_cast<long long>(std::time(nullptr));
  const std::string header = base64url(R"({"alg":"RS256","typ":"JWT"})");
  const std::string claims =
      base64url(R"({"iss":"MOCKACCOUNT.MOCKUSER.)" + fingerprint +
                R"(","sub":"MOCKACCOUNT.MOCKUSER","iat":)" + std::to_string(now) + R"(,"exp":)" +
                std::to_string(now + 59 * 60) + "}");
  const std::string signing_input = header + "." + claims;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t signature_size = 0;
  EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(context, nullptr, &signature_size,
                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                 signing_input.size());
  std::vector<unsigned char> signature(signature_size);
  EVP_DigestSign(context, signature.data(), &signature_size,
                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                 signing_input.size());
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  credentials.authorization =
      "Bearer " + signing_input + "." + base64(signature.data(), signature_size, true);
  return credentials;
}

/// The median of `values` (0 when empty).
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace sfq::bench
