// jwt_verifier.cpp — key-pair JWT verification with OpenSSL (RS256/384/512) and RapidJSON.
#include "jwt_verifier.hpp"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <rapidjson/document.h>

#include <optional>

#include "base64.hpp"
#include "sha256.hpp"
#include "text.hpp"

namespace mock_snowflake::detail {
namespace {

std::shared_ptr<EVP_PKEY> load_public_key(std::string_view pem) {
  // The decoder reads SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") and PKCS#1 ("BEGIN RSA PUBLIC
  // KEY") alike, which is what users paste from `openssl rsa -pubout` and friends.
  EVP_PKEY* key = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> decoder(
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr, OSSL_KEYMGMT_SELECT_PUBLIC_KEY,
                                    nullptr, nullptr),
      &OSSL_DECODER_CTX_free);
  if (!decoder) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t length = pem.size();
  if (OSSL_DECODER_from_data(decoder.get(), &data, &length) != 1 || key == nullptr) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return {key, &EVP_PKEY_free};
}

std::string public_key_der(EVP_PKEY* key) {
  const int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return {};
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key, &out);
  return der;
}

std::string key_fingerprint(EVP_PKEY* key) {
  const std::string der = public_key_der(key);
  if (der.empty()) return {};
  return base64_encode(sha256(der));
}

std::optional<rapidjson::Document> parse_json_part(std::string_view part) {
  auto decoded = base64_decode(part);
  if (!decoded) return std::nullopt;
  rapidjson::Document document;
  document.Parse(decoded->data(), decoded->size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  return document;
}

std::optional<std::string> string_claim(const rapidjson::Document& document, const char* name) {
  const auto it = document.FindMember(name);
  if (it == document.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

/// A NumericDate in seconds or milliseconds (the documentation allows both), as milliseconds.
std::optional<std::int64_t> time_claim_ms(const rapidjson::Document& document, const char* name) {
  const auto it = document.FindMember(name);
  if (it == document.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  const double value = it->value.GetDouble();
  // 1e11 seconds is the year 5138 while 1e11 milliseconds is 1973: anything above is millis.
  constexpr double kMillisThreshold = 1e11;
  return static_cast<std::int64_t>(value >= kMillisThreshold ? value : value * 1000.0);
}

JwtCheck reject(std::string reason) { return JwtCheck{false, std::move(reason)}; }

}  // namespace

void ServiceClock::set_base(std::function<time_point()> base) { base_ = std::move(base); }

void ServiceClock::set_offset(std::chrono::seconds offset) { offset_seconds_ = offset.count(); }

std::chrono::seconds ServiceClock::offset() const {
  return std::chrono::seconds(offset_seconds_.load());
}

ServiceClock::time_point ServiceClock::now() const {
  const time_point base = base_ ? base_() : std::chrono::system_clock::now();
  return base + offset();
}

std::int64_t ServiceClock::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
}

JwtVerifier::JwtVerifier(std::string account, std::string user, std::chrono::seconds clock_skew)
    : account_(text::upper(account)), user_(text::upper(user)), clock_skew_(clock_skew) {}

bool JwtVerifier::set_key(int slot, std::string_view pem, std::string& error) {
  if (slot != 1 && slot != 2) {
    error = "public key slot must be 1 or 2";
    return false;
  }
  auto key = load_public_key(pem);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    error = "not a PEM RSA public key";
    return false;
  }
  std::string fp = key_fingerprint(key.get());
  std::string der = base64_encode(public_key_der(key.get()));
  std::lock_guard lock(mutex_);
  keys_[static_cast<std::size_t>(slot - 1)] = Key{std::move(key), std::move(fp), std::move(der)};
  return true;
}

void JwtVerifier::clear_key(int slot) {
  if (slot != 1 && slot != 2) return;
  std::lock_guard lock(mutex_);
  keys_[static_cast<std::size_t>(slot - 1)] = Key{};
}

JwtVerifier::Registered JwtVerifier::registered(int slot) const {
  if (slot != 1 && slot != 2) return {};
  std::lock_guard lock(mutex_);
  const Key& key = keys_[static_cast<std::size_t>(slot - 1)];
  if (!key.key) return {};
  return {key.der_base64, "SHA256:" + key.fingerprint};
}

std::string JwtVerifier::fingerprint(std::string_view pem) {
  auto key = load_public_key(pem);
  if (!key) return {};
  return "SHA256:" + key_fingerprint(key.get());
}

bool JwtVerifier::looks_like_jwt(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return false;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return false;
  }
  return parse_json_part(token.substr(0, first)).has_value();
}

bool JwtVerifier::key_registered(const std::shared_ptr<EVP_PKEY>& key) const {
  if (!key) return false;
  std::lock_guard lock(mutex_);
  for (const Key& slot : keys_) {
    if (slot.key == key) return true;
  }
  return false;
}

JwtCheck JwtVerifier::check_times(std::int64_t iat_ms, std::int64_t exp_ms,
                                  std::chrono::system_clock::time_point now) const {
  const std::int64_t now_millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t skew_millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_skew_).count();
  constexpr std::int64_t kMaxLifetimeMillis = 3600 * 1000;
  if (iat_ms - skew_millis > now_millis) return reject("not_yet_valid");
  if (now_millis >= exp_ms) return reject("expired");
  // "valid for at most one hour after the token is issued, even if you specify a longer
  // expiration time": a later exp is capped, not rejected up front.
  if (now_millis >= iat_ms + kMaxLifetimeMillis) return reject("lifetime");
  return JwtCheck{true, {}};
}

JwtCheck JwtVerifier::verify(std::string_view token,
                             std::chrono::system_clock::time_point now) const {
  {
    std::optional<Verified> known;
    {
      std::lock_guard lock(verified_mutex_);
      if (const auto it = verified_.find(std::string(token)); it != verified_.end()) {
        known = it->second;
      }
    }
    if (known && key_registered(known->key.lock())) {
      return check_times(known->iat_ms, known->exp_ms, now);
    }
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return reject("malformed");
  const auto header = parse_json_part(token.substr(0, first));
  const auto payload = parse_json_part(token.substr(first + 1, second - first - 1));
  const auto signature = base64_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return reject("malformed");

  const auto alg = string_claim(*header, "alg");
  const EVP_MD* digest = nullptr;
  if (alg == "RS256") {
    digest = EVP_sha256();
  } else if (alg == "RS384") {
    digest = EVP_sha384();
  } else if (alg == "RS512") {
    digest = EVP_sha512();
  } else {
    return reject("algorithm");
  }

  const auto iss = string_claim(*payload, "iss");
  const auto sub = string_claim(*payload, "sub");
  const auto iat = time_claim_ms(*payload, "iat");
  const auto exp = time_claim_ms(*payload, "exp");
  if (!iss || !sub || !iat || !exp) return reject("malformed");

  // iss = ACCOUNT.USER.SHA256:FP. The account never contains a dot (the documentation has
  // clients replace them), the user may (e-mail style names), so split at the first dot.
  const std::string upper_iss = text::upper(*iss);
  const auto fp_at = upper_iss.rfind(".SHA256:");
  if (fp_at == std::string::npos) return reject("malformed");
  const std::string principal = upper_iss.substr(0, fp_at);
  const std::string fp = iss->substr(fp_at + 8);
  const auto dot = principal.find('.');
  if (dot == std::string::npos) return reject("malformed");
  if (principal.substr(0, dot) != account_) return reject("account");
  if (principal.substr(dot + 1) != user_) return reject("user");
  if (text::upper(*sub) != principal) return reject("subject");

  std::shared_ptr<EVP_PKEY> key;
  {
    std::lock_guard lock(mutex_);
    for (const Key& candidate : keys_) {
      if (candidate.key && candidate.fingerprint == fp) key = candidate.key;
    }
  }
  if (!key) return reject("fingerprint");

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  const std::string_view signed_part = token.substr(0, second);
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(),
                       reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) != 1) {
    return reject("signature");
  }

  {
    // Only tokens that passed every check but the times are remembered.
    constexpr std::size_t kMaxRemembered = 4096;
    std::lock_guard lock(verified_mutex_);
    if (verified_.size() >= kMaxRemembered) verified_.clear();
    verified_[std::string(token)] = Verified{*iat, *exp, key};
  }
  return check_times(*iat, *exp, now);
}

}  // namespace mock_snowflake::detail
