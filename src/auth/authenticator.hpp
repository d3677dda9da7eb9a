// authenticator.hpp (internal) — the Authorization header of every SQL API request.
//
// Key pair: a JWT signed RS256 with the user's private key, claims as Snowflake documents them
// (iss "ACCOUNT.USER.SHA256:<fingerprint>", sub "ACCOUNT.USER", iat, exp). An RSA signature
// costs about 217 µs here — the price of nine kept-alive requests — so a token is minted once
// and reused until less than `refresh_margin` of its lifetime is left (by default minted for
// 59 minutes and renewed after 54, like the documentation's sample; Snowflake caps a JWT at one
// hour). After a 401 with code 390144 the caller calls invalidate() with the rejected token and
// asks again: however many requests were rejected together, exactly one new token is minted.
//
// OAuth and programmatic access tokens are static bearer tokens; they are never renewed.
//
// Thread safety: every member function may be called from any thread at any time. Minting
// happens under a mutex, so callers arriving while a token is being minted wait for that token
// rather than minting their own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/openssl.hpp"
#include "sfq/error.hpp"
#include "sfq/options.hpp"

namespace sfq::detail {

/// Wall-clock time source: JWT iat/exp are wall-clock seconds. Must be callable from any thread.
using Clock = std::function<std::chrono::system_clock::time_point()>;

/// Token lifetime settings for key-pair JWTs (tests shorten them; production keeps the defaults).
struct JwtSettings {
  /// exp - iat. Must be in (0, 60 min]: the server never honours more than one hour.
  std::chrono::seconds lifetime{std::chrono::minutes(59)};
  /// A cached token is re-minted once less than this is left. Must be in [0, lifetime).
  std::chrono::seconds refresh_margin{std::chrono::minutes(5)};
};

/// The value of X-Snowflake-Authorization-Token-Type for each method.
inline constexpr std::string_view kTokenTypeKeyPair = "KEYPAIR_JWT";
inline constexpr std::string_view kTokenTypeOauth = "OAUTH";
inline constexpr std::string_view kTokenTypePat = "PROGRAMMATIC_ACCESS_TOKEN";

class Authenticator {
 public:
  /// Loads and checks the credentials of `options` (the key, or the token). Config errors for
  /// missing options, auth errors for unusable keys. `clock` defaults to the system clock.
  [[nodiscard]] static Result<std::unique_ptr<Authenticator>> create(
      const ConnectionOptions& options, Clock clock = {}, JwtSettings settings = {});

  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  /// The Authorization header value, "Bearer <token>". Key pair: the cached JWT, minted first
  /// when there is none or it is within the refresh margin of expiry.
  [[nodiscard]] Result<std::string> authorization();
  /// The same value, shared rather than copied: the pointer stays the same until the token
  /// changes, so a caller can keep what it built from it (a request's header list) until then.
  [[nodiscard]] Result<std::shared_ptr<const std::string>> shared_authorization();

  /// "KEYPAIR_JWT", "OAUTH" or "PROGRAMMATIC_ACCESS_TOKEN": send it as
  /// X-Snowflake-Authorization-Token-Type (the server's default differs between its docs).
  [[nodiscard]] std::string_view token_type() const noexcept { return token_type_; }

  /// The server rejected `rejected` (the token, or the whole "Bearer <token>" value): drop it
  /// so the next authorization() mints a new one. A token that is no longer the cached one, or
  /// was already invalidated, is ignored, which is what makes concurrent rejections cost one
  /// mint. An empty argument drops the cached token unconditionally. No effect for static
  /// tokens.
  void invalidate(std::string_view rejected);

  /// How many JWTs have been minted (0 for static tokens).
  [[nodiscard]] std::uint64_t mints() const noexcept {
    return mints_.load(std::memory_order_relaxed);
  }

  /// Whether invalidate() can lead to a different token (key pair: yes; OAuth/PAT: no, so a
  /// 401 is final).
  [[nodiscard]] bool renewable() const noexcept { return signing_key_ != nullptr; }

  /// Who the credentials claim to be, for error messages after a 401: for key pair
  /// "JWT for MYORG-MYACCT.MYUSER, public key SHA256:<fp>", so a user can compare with
  /// DESC USER; for tokens "OAuth token" / "programmatic access token". Never secret.
  [[nodiscard]] const std::string& identity() const noexcept { return identity_; }

  /// Key pair only: the claims the JWT carries ("" for static tokens).
  [[nodiscard]] const std::string& issuer() const noexcept { return issuer_; }
  [[nodiscard]] const std::string& subject() const noexcept { return subject_; }

 private:
  Authenticator() = default;
  // Mints a JWT issued at `now`; caller holds mutex_.
  [[nodiscard]] Status mint_locked(std::chrono::system_clock::time_point now);

  std::string_view token_type_;
  std::string identity_;
  std::string issuer_;
  std::string subject_;
  Clock clock_;
  JwtSettings settings_;
  // Key pair: the key as unencrypted PKCS#8 PEM for cpp-jwt; null for static tokens.
  std::unique_ptr<SecretBuffer> signing_key_;

  mutable std::mutex mutex_;
  // "Bearer <token>"; for static tokens set once and never changed. Replaced (never modified)
  // when a token is minted, so values handed out stay valid and equal pointers mean equal tokens.
  std::shared_ptr<const std::string> header_;
  std::string token_;  // the JWT alone, to compare with invalidate()'s argument
  std::chrono::system_clock::time_point refresh_at_{};
  std::string last_rejected_;
  std::atomic<std::uint64_t> mints_{0};
};

}  // namespace sfq::detail
