// request.cpp — POST body parsing with RapidJSON, the checks before a statement is created, and
// their admin resources.
#include "request.hpp"

#include <rapidjson/document.h>

#include <charconv>
#include <cmath>

#include "engine/json.hpp"
#include "responses.hpp"
#include "text.hpp"

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
    const std::string name = text::lower({it->name.GetString(), it->name.GetStringLength()});
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
    const std::string name = text::lower({it->name.GetString(), it->name.GetStringLength()});
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
        out.parameters[text::upper(
            {parameter->name.GetString(), parameter->name.GetStringLength()})] = std::move(*text);
      }
    }
  }
  if (!has_statement || text::trim(out.statement).empty()) return RequestError::empty_statement;
  return RequestError::none;
}

RoleGrants::RoleGrants(const std::vector<std::string>& roles) : roles_(roles.begin(), roles.end()) {
  roles_.erase("");
}

void RoleGrants::grant(const std::string& role) {
  if (role.empty()) return;
  std::lock_guard lock(mutex_);
  roles_.insert(role);
}

void RoleGrants::revoke(const std::string& role) {
  std::lock_guard lock(mutex_);
  roles_.erase(role);
}

bool RoleGrants::granted(const std::string& role) const {
  std::lock_guard lock(mutex_);
  return roles_.count(role) != 0;
}

std::vector<std::string> RoleGrants::list() const {
  std::lock_guard lock(mutex_);
  return {roles_.begin(), roles_.end()};
}

std::optional<Answer> refuse_submission(RequestError parsed, const StatementRequest& request,
                                        const RoleGrants& roles) {
  if (parsed == RequestError::invalid_payload) {
    return Answer{400, error_body("390142", "Incoming request does not contain a valid payload.")};
  }
  // A request that names no role runs as the user's default role, which is always granted.
  if (!request.role.empty() && !roles.granted(request.role)) {
    return Answer{400, role_not_granted_body(request.role)};
  }
  if (parsed == RequestError::empty_statement) return Answer{400, empty_statement_body()};
  return std::nullopt;
}

namespace {

std::string admin_error(std::string_view message) {
  std::string body = "{\"error\":";
  engine::append_json_quoted(body, message);
  return body + "}";
}

std::string roles_json(const RoleGrants& roles) {
  std::string body = "{\"roles\":[";
  bool first = true;
  for (const auto& role : roles.list()) {
    if (!first) body += ",";
    first = false;
    engine::append_json_quoted(body, role);
  }
  return body + "]}";
}

/// Applies `document[name]` (an array of role names) with `apply`; false when it is malformed.
template <class Apply>
bool each_role(const rapidjson::Document& document, const char* name, Apply&& apply) {
  const auto it = document.FindMember(name);
  if (it == document.MemberEnd()) return true;
  if (!it->value.IsArray()) return false;
  for (const auto& role : it->value.GetArray()) {
    if (!role.IsString() || role.GetStringLength() == 0) return false;
  }
  for (const auto& role : it->value.GetArray()) {
    apply(std::string(role.GetString(), role.GetStringLength()));
  }
  return true;
}

}  // namespace

std::optional<Answer> fidelity_admin(std::string_view method, std::string_view path,
                                     std::string_view body, RoleGrants& roles,
                                     ServiceClock& clock) {
  if (path != "/__admin/roles" && path != "/__admin/clock") return std::nullopt;
  const bool is_roles = path == "/__admin/roles";
  if (method == "GET") {
    if (is_roles) return Answer{200, roles_json(roles)};
    return Answer{200, "{\"skew_seconds\":" + std::to_string(clock.offset().count()) + "}"};
  }
  if (method != "POST") return Answer{405, ""};
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) {
    return Answer{400, admin_error("the body must be a JSON object")};
  }
  if (is_roles) {
    // Validate both lists before changing anything.
    const auto noop = [](const std::string&) {};
    if (!each_role(document, "grant", noop) || !each_role(document, "revoke", noop)) {
      return Answer{400, admin_error("grant and revoke are arrays of role names")};
    }
    (void)each_role(document, "grant", [&](const std::string& role) { roles.grant(role); });
    (void)each_role(document, "revoke", [&](const std::string& role) { roles.revoke(role); });
    return Answer{200, roles_json(roles)};
  }
  const auto it = document.FindMember("skew_seconds");
  if (it == document.MemberEnd() || !it->value.IsInt64()) {
    return Answer{400, admin_error("skew_seconds must be an integer (seconds, may be negative)")};
  }
  clock.set_offset(std::chrono::seconds(it->value.GetInt64()));
  return Answer{200, "{\"skew_seconds\":" + std::to_string(clock.offset().count()) + "}"};
}

}  // namespace mock_snowflake::detail
