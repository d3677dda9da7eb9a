// request.hpp — parses the body of POST /api/v2/statements.
//
// Field names and `parameters` keys are case-insensitive (clients send both `query_tag` and
// `MULTI_STATEMENT_COUNT`), parameter values may be strings or numbers, and unknown fields are
// ignored (Airflow still sends `resultSetMetaData` and `pageSize`). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

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

}  // namespace mock_snowflake::detail
