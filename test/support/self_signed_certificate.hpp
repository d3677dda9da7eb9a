// self_signed_certificate.hpp — a self-signed TLS certificate for 127.0.0.1, made with OpenSSL
// for tests that serve HTTPS from the emulator: trusted by nobody unless named as a CA file.
// Shared by the test folders (test/<folder>/ programs see test/ on their include path).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>
#include <utility>

namespace sfq::test_support {

struct CertificatePem {
  std::string certificate;  ///< PEM "CERTIFICATE"
  std::string key;          ///< PEM PKCS#8 private key (RSA-2048)
};

/// A certificate for 127.0.0.1 (CN and subjectAltName IP:127.0.0.1 and DNS:localhost, so host
/// checks pass; basicConstraints CA:TRUE, so it can be named as a CA file), valid from a minute
/// ago for a day, and its key.
inline CertificatePem self_signed_certificate_pem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(cert, key, EVP_sha256());
  auto pem_of = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
    std::string text(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return text;
  };
  CertificatePem pem;
  pem.certificate = pem_of([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
  pem.key = pem_of(
      [&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace sfq::test_support
