// errors.hpp — Snowflake's error codes, SQL states and message texts, and the exception that
// carries one through the translator. UDFs cannot throw into SQLite, so they pass an error as
// an encoded message (kUdfErrorMark + code + mark + state + mark + text) that the executor
// decodes back into an SqlError.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace mock_snowflake::engine {

class SfError : public std::exception {
 public:
  explicit SfError(SqlError error) : error_(std::move(error)) {}
  SfError(std::string code, std::string state, std::string message)
      : error_{std::move(code), std::move(state), std::move(message)} {}
  [[nodiscard]] const char* what() const noexcept override { return error_.message.c_str(); }
  [[nodiscard]] const SqlError& error() const { return error_; }

 private:
  SqlError error_;
};

inline constexpr char kUdfErrorMark = '\x1e';

std::string encode_udf_error(const SqlError& error);
std::optional<SqlError> decode_udf_error(std::string_view message);

// The errors the engine reports, with the real codes and texts.
SqlError syntax_error(int line, int column, std::string_view near);
SqlError syntax_error_eof(int line, int column);
SqlError object_not_found(std::string_view qualified_name, std::string_view kind = "Object");
SqlError schema_not_found(std::string_view qualified_name);
SqlError database_not_found(std::string_view name);
SqlError invalid_identifier(int line, int column, std::string_view name);
SqlError ambiguous_column(int line, int column, std::string_view name);
SqlError already_exists(std::string_view kind, std::string_view name);
SqlError no_current_database(std::string_view command);
SqlError no_current_schema(std::string_view command);
SqlError unsupported_command(std::string_view command);
SqlError unsupported_feature(std::string_view feature);
SqlError compilation_error(std::string_view text);
SqlError numeric_not_recognized(std::string_view value);
SqlError division_by_zero();
SqlError cancelled_error();
/// 000606: a statement that needs a warehouse ran in a session without one.
SqlError no_warehouse_error();
SqlError timeout_error(long long seconds);
SqlError internal_error(std::string_view text);
SqlError unknown_function(int line, int column, std::string_view name);

}  // namespace mock_snowflake::engine
