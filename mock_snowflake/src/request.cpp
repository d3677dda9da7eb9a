// request.cpp — POST body parsing with RapidJSON.
#include "request.hpp"

#include <rapidjson/document.h>

#include <charconv>
#include <cmath>

#include "util.hpp"

namespace mock_snowflake::detail {
namespace {

/// A scalar as text: strings as they are, numbers as written, booleans as true/false.
std::optional<std::string> scalar_text(const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsDouble()) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value.GetDouble());
    return std::string(buffer, result.ptr);
  }
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  return std::nullopt;
}

bool parse_bind(const rapidjson::Value& value, engine::Bind& bind) {
  if (!value.IsObject()) return false;
  for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
    const std::string name = to_lower({it->name.GetString(), it->name.GetStringLength()});
    if (name == "type") {
      if (!it->value.IsString()) return false;
      bind.type.assign(it->value.GetString(), it->value.GetStringLength());
    } else if (name == "value") {
      if (it->value.IsNull()) {
        bind.values.emplace_back(std::nullopt);
      } else if (it->value.IsArray()) {
        bind.is_array = true;
        for (const auto& element : it->value.GetArray()) {
          if (element.IsNull()) {
            bind.values.emplace_back(std::nullopt);
          } else if (auto text = scalar_text(element)) {
            bind.values.emplace_back(std::move(*text));
          } else {
            return false;
          }
        }
      } else if (auto text = scalar_text(it->value)) {
        bind.values.emplace_back(std::move(*text));
      } else {
        return false;
      }
    }
  }
  // A binding without a value binds NULL, like "value": null.
  if (bind.values.empty() && !bind.is_array) bind.values.emplace_back(std::nullopt);
  return true;
}

}  // namespace

RequestError parse_statement_request(std::string_view body, StatementRequest& out) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return RequestError::invalid_payload;
  bool has_statement = false;
  for (auto it = document.MemberBegin(); it != document.MemberEnd(); ++it) {
    const std::string name = to_lower({it->name.GetString(), it->name.GetStringLength()});
    const auto& value = it->value;
    if (name == "statement") {
      if (value.IsNull()) continue;
      if (!value.IsString()) return RequestError::invalid_payload;
      out.statement.assign(value.GetString(), value.GetStringLength());
      has_statement = true;
    } else if (name == "timeout") {
      if (value.IsNull()) continue;
      auto text = scalar_text(value);
      std::int64_t seconds = 0;
      if (!text) return RequestError::invalid_payload;
      const auto result = std::from_chars(text->data(), text->data() + text->size(), seconds);
      if (result.ec != std::errc() || result.ptr != text->data() + text->size() || seconds < 0) {
        return RequestError::invalid_payload;
      }
      out.timeout = seconds;
    } else if (name == "database" || name == "schema" || name == "warehouse" || name == "role") {
      if (value.IsNull()) continue;
      if (!value.IsString()) return RequestError::invalid_payload;
      std::string text(value.GetString(), value.GetStringLength());
      if (name == "database") {
        out.database = std::move(text);
      } else if (name == "schema") {
        out.schema = std::move(text);
      } else if (name == "warehouse") {
        out.warehouse = std::move(text);
      } else {
        out.role = std::move(text);
      }
    } else if (name == "bindings") {
      if (value.IsNull()) continue;
      if (!value.IsObject()) return RequestError::invalid_payload;
      for (auto bind = value.MemberBegin(); bind != value.MemberEnd(); ++bind) {
        engine::Bind parsed;
        if (!parse_bind(bind->value, parsed)) return RequestError::invalid_payload;
        out.bindings[std::string(bind->name.GetString(), bind->name.GetStringLength())] =
            std::move(parsed);
      }
    } else if (name == "parameters") {
      if (value.IsNull()) continue;
      if (!value.IsObject()) return RequestError::invalid_payload;
      for (auto parameter = value.MemberBegin(); parameter != value.MemberEnd(); ++parameter) {
        auto text = scalar_text(parameter->value);
        if (!text) return RequestError::invalid_payload;
        out.parameters[to_upper({parameter->name.GetString(), parameter->name.GetStringLength()})] =
            std::move(*text);
      }
    }
  }
  if (!has_statement || trim(out.statement).empty()) return RequestError::empty_statement;
  return RequestError::none;
}

}  // namespace mock_snowflake::detail
