// authenticator.cpp — key-pair JWT minting and caching; static OAuth / PAT bearer tokens.
#include "auth/authenticator.hpp"

#include <cstdlib>
#include <exception>
#include <jwt/jwt.hpp>
#include <utility>

#include "auth/private_key.hpp"
#include "sfq/log.hpp"
#include "sfq/names.hpp"
#include "util/log.hpp"

namespace sfq::detail {
namespace {

constexpr std::string_view kBearer = "Bearer ";
constexpr std::chrono::seconds kMaxLifetime = std::chrono::minutes(60);

Clock system_clock_or(Clock clock) {
  if (clock) return clock;
  return [] { return std::chrono::system_clock::now(); };
}

Status check_settings(const JwtSettings& settings) {
  if (settings.lifetime <= std::chrono::seconds::zero() || settings.lifetime > kMaxLifetime) {
    return Error(ErrorCategory::config,
                 "JWT lifetime must be between 1 second and 60 minutes (Snowflake ignores "
                 "anything longer than one hour)");
  }
  if (settings.refresh_margin < std::chrono::seconds::zero() ||
      settings.refresh_margin >= settings.lifetime) {
    return Error(ErrorCategory::config,
                 "JWT refresh margin must be at least 0 and shorter than the lifetime");
  }
  return {};
}

}  // namespace

Authenticator::~Authenticator() = default;

Result<std::unique_ptr<Authenticator>> Authenticator::create(const ConnectionOptions& options,
                                                             Clock clock, JwtSettings settings) {
  std::unique_ptr<Authenticator> auth(new Authenticator());
  auth->clock_ = system_clock_or(std::move(clock));
  // Whatever prints an error or a log line from now on masks these, even when a server echoes
  // them back (see redact()).
  register_secret(options.token.reveal());
  register_secret(options.private_key_passphrase.reveal());
  if (const char* passphrase = std::getenv("PRIVATE_KEY_PASSPHRASE")) register_secret(passphrase);

  switch (options.auth) {
    case AuthMethod::oauth:
    case AuthMethod::programmatic_access_token: {
      const bool oauth = options.auth == AuthMethod::oauth;
      if (options.token.empty()) {
        return Error(ErrorCategory::config,
                     std::string(oauth ? "OAuth" : "programmatic access token") +
                         " authentication needs a token: set token");
      }
      auth->token_type_ = oauth ? kTokenTypeOauth : kTokenTypePat;
      auth->identity_ = oauth ? "OAuth token" : "programmatic access token";
      auth->header_ =
          std::make_shared<const std::string>(std::string(kBearer) + options.token.reveal());
      return auth;
    }
    case AuthMethod::key_pair:
      break;
  }

  if (Status ok = check_settings(settings); !ok) return ok.error();
  const std::string account = jwt_account_name(options.account);
  if (account.empty()) {
    return Error(ErrorCategory::config,
                 "key-pair authentication needs the account: set account (e.g. myorg-myaccount)");
  }
  if (options.user.empty()) {
    return Error(ErrorCategory::config,
                 "key-pair authentication needs the user: set user to the Snowflake user name");
  }
  Result<EvpPkeyPtr> key = load_private_key(options);
  if (!key) return key.error();
  Result<std::string> fingerprint = public_key_fingerprint(key->get());
  if (!fingerprint) return fingerprint.error();
  Result<SecretBuffer> pem = private_key_pkcs8_pem(key->get());
  if (!pem) return pem.error();

  auth->token_type_ = kTokenTypeKeyPair;
  auth->settings_ = settings;
  auth->subject_ = account + "." + jwt_user_name(options.user);
  auth->issuer_ = auth->subject_ + "." + *fingerprint;
  auth->identity_ = "JWT for " + auth->subject_ + ", public key " + *fingerprint;
  auth->signing_key_ = std::make_unique<SecretBuffer>(std::move(*pem));
  SFQ_LOG_DEBUG("key-pair authentication as {} (public key {})", auth->subject_, *fingerprint);
  return auth;
}

Result<std::string> Authenticator::authorization() {
  auto shared = shared_authorization();
  if (!shared) return shared.error();
  return *shared.value();
}

Result<std::shared_ptr<const std::string>> Authenticator::shared_authorization() {
  if (!signing_key_) return header_;  // static token: immutable after create()
  const std::scoped_lock lock(mutex_);
  const auto now = clock_();
  if (token_.empty() || now >= refresh_at_) {
    if (Status minted = mint_locked(now); !minted) return minted.error();
  }
  return header_;
}

void Authenticator::invalidate(std::string_view rejected) {
  if (!signing_key_) return;
  if (rejected.substr(0, kBearer.size()) == kBearer) rejected.remove_prefix(kBearer.size());
  const std::scoped_lock lock(mutex_);
  if (token_.empty()) return;  // already dropped; the next authorization() mints
  if (!rejected.empty()) {
    // Only the cached token can be dropped, and only once: a re-mint within the same second
    // yields the very same bytes (same claims, deterministic RS256), and the late callers that
    // still report the old token must not cause another mint.
    if (rejected != token_ || rejected == last_rejected_) return;
    last_rejected_.assign(rejected);
  }
  token_.clear();
  header_.reset();
}

Status Authenticator::mint_locked(std::chrono::system_clock::time_point now) {
  const auto iat = std::chrono::floor<std::chrono::seconds>(now);
  const auto exp = iat + settings_.lifetime;
  std::string token;
  try {
    jwt::jwt_object object{jwt::params::algorithm("RS256")};
    // cpp-jwt keeps the PEM in a std::string; overwrite it in place (same length, so the buffer
    // is reused) before the object frees it, whichever way this block is left. The zeros are
    // allocated up front so the guard's destructor never allocates. cpp-jwt also copies the key
    // into a temporary of its own while signing, which cannot be wiped from here: the price of
    // its PEM-text interface, paid once per mint.
    const std::string zeros(signing_key_->size(), '\0');
    struct WipeSecret {
      jwt::jwt_object& object;
      const std::string& zeros;
      ~WipeSecret() { object.secret(zeros); }
    } wipe{object, zeros};
    object.secret(signing_key_->view());
    object.add_claim("iss", issuer_);
    object.add_claim("sub", subject_);
    object.add_claim("iat", static_cast<std::int64_t>(iat.time_since_epoch().count()));
    object.add_claim("exp", static_cast<std::int64_t>(exp.time_since_epoch().count()));
    std::error_code error;
    token = object.signature(error);
    // cpp-jwt leaves OpenSSL's error queue as it is; drain it so nothing stale reaches libcurl's
    // TLS code on this thread.
    const std::string openssl_reason = take_openssl_error();
    if (error) {
      return Error(ErrorCategory::auth,
                   "cannot sign the key-pair JWT: " + error.message() +
                       (openssl_reason.empty() ? "" : " [OpenSSL: " + openssl_reason + "]"));
    }
  } catch (const std::exception& e) {
    // nlohmann-json throws for a user name that is not valid UTF-8; cpp-jwt for allocation.
    return Error(ErrorCategory::auth, std::string("cannot build the key-pair JWT: ") + e.what());
  }
  token_ = std::move(token);
  header_ = std::make_shared<const std::string>(std::string(kBearer) + token_);
  refresh_at_ = iat + settings_.lifetime - settings_.refresh_margin;
  mints_.fetch_add(1, std::memory_order_relaxed);
  SFQ_LOG_DEBUG("minted a key-pair JWT for {}, valid {} s", subject_, settings_.lifetime.count());
  return {};
}

}  // namespace sfq::detail
