// jwt_verifier.hpp — verifies Snowflake key-pair JWTs the way the real service does.
//
// A token is accepted when: its header names RS256 (RS384/RS512 too), `iss` is
// "ACCOUNT.USER.SHA256:<fingerprint>" and `sub` is "ACCOUNT.USER" for the configured account and
// user (compared uppercase), the fingerprint selects one of the two registered key slots, the
// signature verifies with that key, and the clock lies in [iat - skew, min(exp, iat + 1 h)).
// `iat`/`exp` may be seconds or milliseconds. Every rejection carries a reason for the
// emulator's counters; clients only ever see "JWT token is invalid."
//
// ServiceClock is the emulator's idea of "now" that tokens are checked against and `createdOn`
// is stamped from: the system clock (or a test's) shifted by an offset that can change at run
// time, so a test can make the server's clock run ahead of or behind its clients'.
//
// Thread safety: all members may be called from any thread, except ServiceClock::set_base
// (before the server starts).
#pragma once

#include <openssl/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mock_snowflake::detail {

class ServiceClock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  /// The clock the offset is added to; empty: the system clock.
  void set_base(std::function<time_point()> base);
  void set_offset(std::chrono::seconds offset);
  [[nodiscard]] std::chrono::seconds offset() const;
  [[nodiscard]] time_point now() const;
  [[nodiscard]] std::int64_t now_ms() const;  ///< milliseconds since the epoch

 private:
  std::function<time_point()> base_;
  std::atomic<std::int64_t> offset_seconds_{0};
};

struct JwtCheck {
  bool ok = false;
  std::string reason;  ///< why it was rejected: malformed, algorithm, account, user, subject,
                       ///< fingerprint, signature, expired, lifetime, not_yet_valid
};

class JwtVerifier {
 public:
  JwtVerifier(std::string account, std::string user, std::chrono::seconds clock_skew);

  /// Registers `pem` in slot 1 or 2. False with a message when it is not an RSA public key.
  [[nodiscard]] bool set_key(int slot, std::string_view pem, std::string& error);
  void clear_key(int slot);

  /// What DESCRIBE USER shows for a slot: the key as base64 DER (the PEM body) and its
  /// "SHA256:<base64>" fingerprint; both empty when the slot is empty.
  struct Registered {
    std::string public_key_base64;
    std::string fingerprint;
  };
  [[nodiscard]] Registered registered(int slot) const;

  /// Checks `token` at time `now`. A token whose signature has been verified once is
  /// remembered (by its exact text, with its validity window and the key that verified it), so
  /// a client repeating its token pays for the RSA check once; the time checks run every time.
  [[nodiscard]] JwtCheck verify(std::string_view token,
                                std::chrono::system_clock::time_point now) const;

  /// "SHA256:<base64>" of the key's DER SubjectPublicKeyInfo; "" when `pem` is no public key.
  [[nodiscard]] static std::string fingerprint(std::string_view pem);

  /// True when `token` looks like a JWT (three base64url parts, the first a JSON header).
  [[nodiscard]] static bool looks_like_jwt(std::string_view token);

 private:
  struct Key {
    std::shared_ptr<EVP_PKEY> key;
    std::string fingerprint;  ///< base64 only, without "SHA256:"
    std::string der_base64;   ///< the public key, base64 of its DER SubjectPublicKeyInfo
  };
  /// A token whose claims and signature were verified: its times and the key that verified it.
  struct Verified {
    std::int64_t iat_ms = 0;
    std::int64_t exp_ms = 0;
    std::weak_ptr<EVP_PKEY> key;  ///< still registered in a slot, or the token is checked afresh
  };
  /// The time checks shared by fresh and remembered tokens.
  [[nodiscard]] JwtCheck check_times(std::int64_t iat_ms, std::int64_t exp_ms,
                                     std::chrono::system_clock::time_point now) const;
  [[nodiscard]] bool key_registered(const std::shared_ptr<EVP_PKEY>& key) const;

  std::string account_;  ///< uppercase
  std::string user_;     ///< uppercase
  std::chrono::seconds clock_skew_;
  mutable std::mutex mutex_;
  std::array<Key, 2> keys_;
  mutable std::mutex verified_mutex_;
  mutable std::unordered_map<std::string, Verified> verified_;  ///< bounded: cleared when full
};

}  // namespace mock_snowflake::detail
