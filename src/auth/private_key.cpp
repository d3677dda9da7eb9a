// private_key.cpp — PEM private key loading, checks, public key and fingerprint.
#include "auth/private_key.hpp"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "util/log.hpp"

namespace sfq::detail {
namespace {

// A key file is a few kilobytes; anything this large is not a key, and reading it whole would be
// an unbounded allocation.
constexpr std::size_t kMaxKeyFileBytes = std::size_t{1} << 20;
constexpr int kMinRsaBits = 2048;

Error auth_error(std::string_view source, std::string_view what) {
  std::string message(source);
  message += ": ";
  message += what;
  return Error(ErrorCategory::auth, std::move(message));
}

std::string errno_text(int code) { return std::system_category().message(code); }

// What OpenSSL's passphrase callback saw: whether the key asked for a passphrase at all tells an
// encrypted key from a malformed one without guessing from the PEM label.
struct PassphraseRequest {
  std::string_view passphrase;
  bool asked = false;
  bool too_long = false;
};

extern "C" int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user) {
  auto* request = static_cast<PassphraseRequest*>(user);
  request->asked = true;
  if (request->passphrase.empty()) return -1;  // never fall back to a terminal prompt
  if (size < 0 || request->passphrase.size() > static_cast<std::size_t>(size)) {
    request->too_long = true;
    return -1;
  }
  std::memcpy(buffer, request->passphrase.data(), request->passphrase.size());
  return static_cast<int>(request->passphrase.size());
}

// The label of the first PEM block ("PRIVATE KEY", "PUBLIC KEY", ...), "" when there is none.
// Errors quote it, so only a short label of capitals, digits and spaces counts: a "label" that
// runs on to a later "-----" would quote the key text in between (found by fuzzing).
std::string_view first_pem_label(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  const std::size_t begin = pem.find(kBegin);
  if (begin == std::string_view::npos) return {};
  const std::size_t label_start = begin + kBegin.size();
  const std::size_t label_end = pem.find("-----", label_start);
  if (label_end == std::string_view::npos || label_end - label_start > 64) return {};
  const std::string_view label = pem.substr(label_start, label_end - label_start);
  for (const char c : label) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) return {};
  }
  return label;
}

// Why text that OpenSSL could not read as a private key is not one, as specifically as the PEM
// label allows.
std::string not_a_private_key(std::string_view pem) {
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos) {
    const std::string_view label = first_pem_label(pem);
    if (label.find("PUBLIC KEY") != std::string_view::npos) {
      return "holds a public key, not a private key (key-pair authentication needs the private "
             "key; the public key is what ALTER USER ... SET RSA_PUBLIC_KEY takes)";
    }
    if (!label.empty()) {
      return "holds a PEM '" + std::string(label) +
             "' block, not a private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN "
             "ENCRYPTED PRIVATE KEY-----)";
    }
    return "not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN "
           "ENCRYPTED PRIVATE KEY-----)";
  }
  if (pem.find("BEGIN OPENSSH PRIVATE KEY") != std::string_view::npos) {
    return "OpenSSH private keys are not supported: convert the key to PKCS#8 "
           "(ssh-keygen -p -m PKCS8 -f <file>) or generate one as Snowflake documents "
           "(openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt)";
  }
  return "the PEM private key is malformed or of an unsupported format";
}

}  // namespace

Passphrase effective_passphrase(const Secret& configured) {
  // Read once per Authenticator, on the creating thread; nothing in libsfq calls setenv.
  const char* from_env = std::getenv(std::string(kPassphraseEnvVar).c_str());
  if (from_env != nullptr && *from_env != '\0') {
    return {Secret(from_env), kPassphraseEnvVar};
  }
  if (!configured.empty()) return {configured, "private_key_passphrase"};
  return {};
}

Result<SecretBuffer> read_key_file(const std::string& path) {
  const std::string source = "private key file '" + path + "'";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int code = errno;
    return auth_error(source, "cannot be opened: " + errno_text(code) +
                                  " (set private_key_file to the PKCS#8 PEM file holding the "
                                  "user's private key)");
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};

  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int code = errno;
    return auth_error(source, "cannot be read: " + errno_text(code));
  }
  if (!S_ISREG(info.st_mode)) return auth_error(source, "is not a regular file");
  if (static_cast<std::uint64_t>(info.st_size) > kMaxKeyFileBytes) {
    return auth_error(source, "is larger than 1 MiB, which no PEM private key is");
  }

  // One byte more than the size fstat reported, so a file that grew meanwhile is still noticed.
  SecretBuffer buffer(static_cast<std::size_t>(info.st_size) + 1);
  std::size_t used = 0;
  while (used < buffer.size()) {
    const ssize_t got = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int code = errno;
      return auth_error(source, "cannot be read: " + errno_text(code));
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  if (used == buffer.size()) return auth_error(source, "changed while it was being read");
  buffer.truncate(used);
  if (buffer.empty()) return auth_error(source, "is empty");
  return buffer;
}

Result<EvpPkeyPtr> parse_private_key_pem(std::string_view pem, std::string_view passphrase,
                                         std::string_view source,
                                         std::string_view passphrase_source) {
  BioPtr bio = memory_bio(pem);
  if (!bio) return auth_error(source, "cannot allocate a buffer for the key");
  PassphraseRequest request{passphrase};
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &request));
  const std::string reason = take_openssl_error();
  if (key) return key;

  if (request.asked && passphrase.empty()) {
    return auth_error(source,
                      "the private key is encrypted: set PRIVATE_KEY_PASSPHRASE or "
                      "private_key_passphrase");
  }
  if (request.too_long) return auth_error(source, "the passphrase is too long for OpenSSL");
  if (request.asked) {
    std::string what = "cannot decrypt the private key: wrong passphrase";
    if (!passphrase_source.empty()) {
      what += " (it came from ";
      what += passphrase_source;
      what += ")";
    }
    SFQ_LOG_DEBUG("private key decryption failed: {}", reason);
    return auth_error(source, what);
  }
  std::string what = not_a_private_key(pem);
  if (!reason.empty()) what += " [OpenSSL: " + reason + "]";
  return auth_error(source, what);
}

Status check_jwt_signing_key(EVP_PKEY* key, std::string_view source) {
  const int type = EVP_PKEY_get_base_id(key);
  if (type == EVP_PKEY_EC) {
    return auth_error(source,
                      "EC keys are not supported: sfq signs the SQL API's key-pair JWT with RS256, "
                      "which needs an RSA key of at least 2048 bits");
  }
  if (type != EVP_PKEY_RSA) {
    const char* name = EVP_PKEY_get0_type_name(key);
    return auth_error(source, std::string("a ") + (name != nullptr ? name : "non-RSA") +
                                  " key cannot sign the SQL API's RS256 JWT: use an RSA key of "
                                  "at least 2048 bits");
  }
  const int bits = EVP_PKEY_get_bits(key);
  if (bits < kMinRsaBits) {
    return auth_error(source, "the RSA key has " + std::to_string(bits) +
                                  " bits; Snowflake requires at least 2048 (openssl genrsa 2048 "
                                  "| openssl pkcs8 -topk8 -nocrypt)");
  }
  return {};
}

Result<EvpPkeyPtr> load_private_key(const ConnectionOptions& options) {
  const Passphrase passphrase = effective_passphrase(options.private_key_passphrase);
  auto checked = [](Result<EvpPkeyPtr> key, std::string_view source) -> Result<EvpPkeyPtr> {
    if (!key) return key;
    if (Status ok = check_jwt_signing_key(key->get(), source); !ok) return ok.error();
    return key;
  };
  if (!options.private_key_pem.empty()) {
    constexpr std::string_view kSource = "private_key_pem";
    return checked(parse_private_key_pem(options.private_key_pem.reveal(),
                                         passphrase.value.reveal(), kSource, passphrase.source),
                   kSource);
  }
  if (!options.private_key_file.empty()) {
    const std::string source = "private key file '" + options.private_key_file + "'";
    Result<SecretBuffer> text = read_key_file(options.private_key_file);
    if (!text) return text.error();
    return checked(
        parse_private_key_pem(text->view(), passphrase.value.reveal(), source, passphrase.source),
        source);
  }
  return Error(ErrorCategory::config,
               "key-pair authentication needs a private key: set private_key_file (a PKCS#8 PEM "
               "file) or private_key_pem");
}

Result<std::string> public_key_der(EVP_PKEY* key) {
  const int size = i2d_PUBKEY(key, nullptr);
  if (size <= 0) {
    return Error(ErrorCategory::auth, "cannot encode the public key: " + take_openssl_error());
  }
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(key, &out) != size) {
    return Error(ErrorCategory::auth, "cannot encode the public key: " + take_openssl_error());
  }
  return der;
}

Result<std::string> public_key_fingerprint(EVP_PKEY* key) {
  Result<std::string> der = public_key_der(key);
  if (!der) return der.error();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(der->data(), der->size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
    return Error(ErrorCategory::auth, "cannot hash the public key: " + take_openssl_error());
  }
  return "SHA256:" +
         base64_encode(std::string_view(reinterpret_cast<const char*>(digest), digest_size));
}

Result<std::string> public_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return Error(ErrorCategory::auth, "cannot write the public key: " + take_openssl_error());
  }
  return std::string(bio_contents(bio.get()));
}

Result<SecretBuffer> private_key_pkcs8_pem(EVP_PKEY* key) {
  // A secure-memory BIO: OpenSSL cleanses its buffer when it grows and when it is freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Error(ErrorCategory::auth, "cannot re-encode the private key: " + take_openssl_error());
  }
  return SecretBuffer(bio_contents(bio.get()));
}

}  // namespace sfq::detail
