// fuzz_pem.cpp — libFuzzer target: the private-key loader (src/auth/private_key.hpp) on any text
// a user could put in private_key_file or private_key_pem, with and without a passphrase.
// Properties: no crash, leak or UB; a rejected key's error message never contains the
// passphrase; an accepted key yields its public key and fingerprint.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/private_key.hpp"

namespace {

constexpr std::string_view kPassphrase = "fuzz-Passphrase-7Qx";

void check(std::string_view pem, std::string_view passphrase) {
  auto key = sfq::detail::parse_private_key_pem(pem, passphrase, "private key file 'fuzz.p8'",
                                                "private_key_passphrase");
  if (!key.ok()) {
    if (key.error().message().find(kPassphrase) != std::string::npos) {
      std::fprintf(stderr, "the passphrase leaked into: %s\n", key.error().message().c_str());
      std::abort();
    }
    return;
  }
  const auto checked = sfq::detail::check_jwt_signing_key(key->get(), "fuzz");
  if (!checked.ok()) return;
  if (!sfq::detail::public_key_fingerprint(key->get()).ok()) std::abort();
  if (!sfq::detail::public_key_pem(key->get()).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view pem(reinterpret_cast<const char*>(data), size);
  check(pem, "");
  check(pem, kPassphrase);
  return 0;
}
