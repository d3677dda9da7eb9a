// session_state.hpp — the session sfq keeps on the client side. Every SQL API request is a
// session of its own: USE, ALTER SESSION, SET and transactions run only inside one
// (multi-statement) request. sfq therefore remembers them and sends them with every later
// statement:
//
//   USE [DATABASE|SCHEMA|WAREHOUSE|ROLE] x, USE x.y
//       the request's database/schema/warehouse/role fields (the names as the server resolved
//       them: the runner asks CURRENT_DATABASE() etc. in the same request as the USE);
//   ALTER SESSION SET/UNSET of a parameter the SQL API takes in `parameters` (TIMEZONE,
//       QUERY_TAG, the *_OUTPUT_FORMAT parameters, ...)
//       the request's `parameters`;
//   SET/UNSET variables, USE SECONDARY ROLES and ALTER SESSION of other parameters
//       replayed: sent, in order, ahead of each later statement in one multi-statement request.
//
// BEGIN/COMMIT/ROLLBACK are recognised so that the runner can say what to do instead.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfq/statement.hpp"

namespace sfq::cli {

/// What a statement means for the client-side session.
struct SessionStatement {
  enum class Kind : std::uint8_t {
    other,        ///< an ordinary statement
    use,          ///< USE [DATABASE|SCHEMA|WAREHOUSE|ROLE] name, USE db.schema
    parameters,   ///< ALTER SESSION SET/UNSET of parameters the SQL API takes per request
    replay,       ///< SET/UNSET variables, ALTER SESSION of other parameters, USE SECONDARY ROLES
    transaction,  ///< BEGIN, START TRANSACTION, COMMIT, ROLLBACK
  };
  Kind kind = Kind::other;
  std::string keyword;  ///< the command as written, upper-case ("USE", "BEGIN", "SET", ...)
  /// parameters: upper-case name and value (nullopt for UNSET).
  std::vector<std::pair<std::string, std::optional<std::string>>> parameters;
};

/// Classifies one statement (without its `;`).
[[nodiscard]] SessionStatement classify_statement(std::string_view sql);

/// Whether the SQL API takes this session parameter (upper-case name) in a request's
/// `parameters`.
[[nodiscard]] bool is_request_parameter(std::string_view name) noexcept;

struct SessionState {
  std::string database, schema, warehouse, role;
  std::map<std::string, std::string> parameters;  ///< upper-case names
  std::vector<std::string> replay;                ///< statements sent ahead of each statement

  /// A request for `statements` (one or more, run in order), with the context, the parameters
  /// and the replayed statements in front. The replayed statements come first: a result index
  /// i of `statements` is child replay.size() + i of the request.
  [[nodiscard]] Statement request(const std::vector<std::string>& statements) const;
  /// Whether the request for `count` statements is a multi-statement request.
  [[nodiscard]] bool multi(std::size_t count) const noexcept { return count + replay.size() > 1; }

  /// "ROLE@WAREHOUSE DATABASE.SCHEMA" with what is known; "" when nothing is.
  [[nodiscard]] std::string where() const;
};

}  // namespace sfq::cli
