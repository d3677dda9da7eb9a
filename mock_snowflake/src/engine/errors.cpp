// errors.cpp — Snowflake error codes and message texts.
#include "engine/errors.hpp"

namespace mock_snowflake::engine {

std::string encode_udf_error(const SqlError& error) {
  std::string out(1, kUdfErrorMark);
  out += error.code;
  out.push_back(kUdfErrorMark);
  out += error.sql_state;
  out.push_back(kUdfErrorMark);
  out += error.message;
  return out;
}

std::optional<SqlError> decode_udf_error(std::string_view message) {
  auto first = message.find(kUdfErrorMark);
  if (first == std::string_view::npos) return std::nullopt;
  auto second = message.find(kUdfErrorMark, first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto third = message.find(kUdfErrorMark, second + 1);
  if (third == std::string_view::npos) return std::nullopt;
  return SqlError{std::string(message.substr(first + 1, second - first - 1)),
                  std::string(message.substr(second + 1, third - second - 1)),
                  std::string(message.substr(third + 1))};
}

SqlError syntax_error(int line, int column, std::string_view near) {
  return {"001003", "42000",
          "SQL compilation error:\nsyntax error line " + std::to_string(line) + " at position " +
              std::to_string(column) + " unexpected '" + std::string(near) + "'."};
}

SqlError syntax_error_eof(int line, int column) {
  return {"001003", "42000",
          "SQL compilation error:\nsyntax error line " + std::to_string(line) + " at position " +
              std::to_string(column) + " unexpected '<EOF>'."};
}

SqlError object_not_found(std::string_view qualified_name, std::string_view kind) {
  return {"002003", "42S02",
          "SQL compilation error:\n" + std::string(kind) + " '" + std::string(qualified_name) +
              "' does not exist or not authorized."};
}

SqlError schema_not_found(std::string_view qualified_name) {
  return {"002003", "02000",
          "SQL compilation error:\nSchema '" + std::string(qualified_name) +
              "' does not exist or not authorized."};
}

SqlError database_not_found(std::string_view name) {
  return {"002003", "02000",
          "SQL compilation error:\nDatabase '" + std::string(name) +
              "' does not exist or not authorized."};
}

SqlError invalid_identifier(int line, int column, std::string_view name) {
  return {"000904", "42000",
          "SQL compilation error: error line " + std::to_string(line) + " at position " +
              std::to_string(column) + "\ninvalid identifier '" + std::string(name) + "'"};
}

SqlError ambiguous_column(int line, int column, std::string_view name) {
  return {"002028", "42601",
          "SQL compilation error: error line " + std::to_string(line) + " at position " +
              std::to_string(column) + "\nambiguous column name '" + std::string(name) + "'"};
}

SqlError already_exists(std::string_view kind, std::string_view name) {
  return {"002002", "42710",
          "SQL compilation error:\n" + std::string(kind) + " '" + std::string(name) +
              "' already exists."};
}

SqlError no_current_database(std::string_view command) {
  return {"090105", "22000",
          "Cannot perform " + std::string(command) +
              ". This session does not have a current database. Call 'USE DATABASE', or use a "
              "qualified name."};
}

SqlError no_current_schema(std::string_view command) {
  return {"090106", "22000",
          "Cannot perform " + std::string(command) +
              ". This session does not have a current schema. Call 'USE SCHEMA', or use a "
              "qualified name."};
}

SqlError unsupported_command(std::string_view command) {
  return {"391911", "0A000", "Command not supported by SQL API: " + std::string(command)};
}

SqlError unsupported_feature(std::string_view feature) {
  return {"000002", "0A000", "Unsupported feature '" + std::string(feature) + "'."};
}

SqlError compilation_error(std::string_view text) {
  return {"002140", "42601", "SQL compilation error:\n" + std::string(text)};
}

SqlError numeric_not_recognized(std::string_view value) {
  return {"100038", "22018", "Numeric value '" + std::string(value) + "' is not recognized"};
}

SqlError division_by_zero() { return {"100051", "22012", "Division by zero"}; }

SqlError cancelled_error() { return {"000604", "57014", "SQL execution canceled"}; }

SqlError no_warehouse_error() {
  return {"000606", "57P03",
          "No active warehouse selected in the current session.  Select an active warehouse with "
          "the 'use warehouse' command."};
}

SqlError timeout_error(long long seconds) {
  return {"000630", "57014",
          "Statement reached its statement or warehouse timeout of " + std::to_string(seconds) +
              " second(s) and was canceled."};
}

SqlError internal_error(std::string_view text) {
  return {"000603", "XX000", "SQL execution internal error:\n" + std::string(text)};
}

SqlError unknown_function(int line, int column, std::string_view name) {
  return {"002140", "42601",
          "SQL compilation error: error line " + std::to_string(line) + " at position " +
              std::to_string(column) + "\nUnknown function " + std::string(name)};
}

}  // namespace mock_snowflake::engine
