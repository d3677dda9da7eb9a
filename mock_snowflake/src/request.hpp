// request.hpp — parses the body of POST /api/v2/statements.
//
// Field names and `parameters` keys are case-insensitive (clients send both `query_tag` and
// `MULTI_STATEMENT_COUNT`), parameter values may be strings or numbers, and unknown fields are
// ignored (Airflow still sends `resultSetMetaData` and `pageSize`). Pure; thread-safe.
//
// Also here: what the service checks about a parsed submission before it creates a statement
// (the role must be granted to the user, the statement must not be empty), the roles granted to
// the emulator's one user, and the admin resources that change those checks at run time.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"
#include "jwt_verifier.hpp"

namespace mock_snowflake::detail {

struct StatementRequest {
  std::string statement;
  std::optional<std::int64_t> timeout;  ///< seconds; 0 = the maximum
  std::string database;
  std::string schema;
  std::string warehouse;
  std::string role;
  engine::Bindings bindings;
  std::map<std::string, std::string> parameters;  ///< keys uppercase
};

enum class RequestError {
  none,
  invalid_payload,  ///< 400 390142: not JSON, not an object, or a field of the wrong type
  empty_statement,  ///< 400 000900
};

[[nodiscard]] RequestError parse_statement_request(std::string_view body, StatementRequest& out);

/// The roles granted to the user (compared exactly: the request's `role` is case-sensitive and
/// unquoted names are uppercase, as in SHOW ROLES). Thread-safe.
class RoleGrants {
 public:
  explicit RoleGrants(const std::vector<std::string>& roles = {});
  void grant(const std::string& role);
  void revoke(const std::string& role);
  [[nodiscard]] bool granted(const std::string& role) const;
  [[nodiscard]] std::vector<std::string> list() const;  ///< sorted

 private:
  mutable std::mutex mutex_;
  std::set<std::string> roles_;
};

/// An HTTP status and JSON body: a submission refused before it runs, or an admin answer.
struct Answer {
  int status = 400;
  std::string body;
};

/// What the service answers a parsed submission it will not run, in the real order of checks:
/// an unreadable payload (400 390142), a role not granted (400 390186: the session is set up
/// before the SQL is compiled), then a missing or blank statement (400 000900). nullopt: run it.
[[nodiscard]] std::optional<Answer> refuse_submission(RequestError parsed,
                                                      const StatementRequest& request,
                                                      const RoleGrants& roles);

/// The admin resources of these checks (docs/MOCK.md, "Admin endpoint"):
///   GET  /__admin/roles  -> {"roles":[...]}
///   POST /__admin/roles  {"grant":["R"],"revoke":["S"]} -> {"roles":[...]}
///   GET  /__admin/clock  -> {"skew_seconds":N}
///   POST /__admin/clock  {"skew_seconds":N} -> {"skew_seconds":N}
/// nullopt when `path` is none of them; 400/405 answers for bad bodies or methods.
[[nodiscard]] std::optional<Answer> fidelity_admin(std::string_view method, std::string_view path,
                                                   std::string_view body, RoleGrants& roles,
                                                   ServiceClock& clock);

}  // namespace mock_snowflake::detail
