// auth.cpp — authenticates SQL API requests: key-pair JWT, OAuth access tokens and
// programmatic access tokens, with the real service's answers to each kind of failure.
#include <iostream>

#include "responses.hpp"
#include "server_impl.hpp"
#include "text.hpp"
#include "uuid.hpp"

namespace mock_snowflake {

using detail::json_reply;
using detail::Reply;
using http::HttpRequest;

std::optional<Reply> Server::Impl::authenticate(const HttpRequest& req) {
  const auto fail = [this](std::string reason) {
    update_counters([&](Counters& c) { ++c.auth_failures[reason]; });
    if (options.verbose) std::cerr << "mock-snowflake: authentication failed: " << reason << '\n';
  };
  if (!req.has_header("Authorization")) {
    fail("missing_header");
    // The reference says 401; the real server answers 400 390146 (docs/SQL_API_NOTES.md §3).
    return json_reply(400, detail::error_body("390146", "Authorization header is missing."));
  }
  const std::string header = req.header("Authorization");
  if (header.size() < 7 || !text::iequals(std::string_view(header).substr(0, 7), "Bearer ")) {
    fail("not_bearer");
    return json_reply(400, detail::error_body("390146", "Authorization header is missing."));
  }
  const std::string token(text::trim(std::string_view(header).substr(7)));
  std::string type = text::upper(text::trim(req.header("X-Snowflake-Authorization-Token-Type")));
  if (type.empty()) {
    // "Snowflake determines the token type by examining the token."
    if (detail::JwtVerifier::looks_like_jwt(token)) {
      type = "KEYPAIR_JWT";
    } else {
      std::lock_guard lock(tokens_mutex);
      type = pats.count(token) != 0 ? "PROGRAMMATIC_ACCESS_TOKEN" : "OAUTH";
    }
  }
  const auto invalid_oauth = [&token] {
    const std::string tail = token.size() > 8 ? token.substr(token.size() - 8) : token;
    return json_reply(401, detail::error_body("390303", "Invalid OAuth access token. ..." + tail));
  };
  if (type == "KEYPAIR_JWT") {
    const auto check = jwt->verify(token, now());
    if (check.ok) return std::nullopt;
    fail("jwt_" + check.reason);
    return json_reply(
        401, detail::error_body("390144", "JWT token is invalid. [" + detail::make_uuid() + "]"));
  }
  if (type == "OAUTH") {
    std::lock_guard lock(tokens_mutex);
    if (oauth_tokens.count(token) != 0) return std::nullopt;
    fail("oauth_unknown");
    return invalid_oauth();
  }
  if (type == "PROGRAMMATIC_ACCESS_TOKEN") {
    std::lock_guard lock(tokens_mutex);
    if (pats.count(token) != 0) return std::nullopt;
    fail("pat_unknown");
    return invalid_oauth();
  }
  fail("token_type");
  return invalid_oauth();
}

}  // namespace mock_snowflake
