// admin.cpp — the loopback-only admin endpoint (/__admin/*): counters, reset, faults, latency,
// keys and tokens, statement states (docs/MOCK.md "Admin").
#include <rapidjson/document.h>

#include <regex>

#include "engine/json.hpp"
#include "server_impl.hpp"

namespace mock_snowflake {

using detail::json_reply;
using detail::Reply;
using http::HttpRequest;

namespace {

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "::ffff:127.0.0.1";
}

}  // namespace

namespace detail {

std::string counters_json(const Counters& counters) {
  std::string out = "{\"requests\":{";
  bool first = true;
  for (const auto& [endpoint, statuses] : counters.requests) {
    if (!first) out += ",";
    first = false;
    engine::append_json_quoted(out, endpoint);
    out += ":{";
    bool first_status = true;
    for (const auto& [status, count] : statuses) {
      if (!first_status) out += ",";
      first_status = false;
      out += "\"" + std::to_string(status) + "\":" + std::to_string(count);
    }
    out += "}";
  }
  const auto map_json = [&out](const std::map<std::string, std::uint64_t>& map) {
    out += "{";
    bool first_entry = true;
    for (const auto& [name, count] : map) {
      if (!first_entry) out += ",";
      first_entry = false;
      engine::append_json_quoted(out, name);
      out += ":" + std::to_string(count);
    }
    out += "}";
  };
  out += "},\"executions\":" + std::to_string(counters.executions);
  out += ",\"executions_by_request_id\":";
  map_json(counters.executions_by_request_id);
  out += ",\"cancels_by_handle\":";
  map_json(counters.cancels_by_handle);
  out += ",\"statements_running\":" + std::to_string(counters.statements_running);
  out += ",\"statements_by_state\":";
  map_json(counters.statements_by_state);
  out += ",\"auth_failures\":";
  map_json(counters.auth_failures);
  out += ",\"faults_injected\":" + std::to_string(counters.faults_injected);
  out += ",\"in_flight_requests\":" + std::to_string(counters.in_flight_requests);
  out += ",\"max_in_flight_requests\":" + std::to_string(counters.max_in_flight_requests);
  out += ",\"statements_evicted\":" + std::to_string(counters.statements_evicted);
  out += ",\"user_agents\":";
  map_json(counters.user_agents);
  out += "}";
  return out;
}

}  // namespace detail

Reply Server::Impl::handle_admin(const HttpRequest& req) {
  if (!is_loopback(req.remote_addr)) {
    return json_reply(403, "{\"error\":\"the admin endpoint only answers loopback clients\"}");
  }
  const auto error = [](int status, const std::string& message) {
    std::string body = "{\"error\":";
    engine::append_json_quoted(body, message);
    body += "}";
    return json_reply(status, std::move(body));
  };
  const std::string& path = req.path;
  const std::string& method = req.method;
  if (auto answer = detail::fidelity_admin(method, path, req.body, *roles, service_clock)) {
    return json_reply(answer->status, std::move(answer->body));
  }
  if (path == "/__admin/counters" && method == "GET") {
    return json_reply(200, detail::counters_json(snapshot()));
  }
  if (path == "/__admin/reset" && method == "POST") {
    faults.clear();
    reset();
    return json_reply(200, "{\"ok\":true}");
  }
  if (path == "/__admin/faults") {
    if (method == "GET") {
      std::string body = "{\"faults\":[";
      bool first = true;
      for (const auto& fault : faults.list()) {
        if (!first) body += ",";
        first = false;
        detail::append_fault_json(body, fault);
      }
      body += "]}";
      return json_reply(200, std::move(body));
    }
    if (method == "DELETE") {
      faults.clear();
      return json_reply(200, "{\"pending\":0}");
    }
    if (method == "POST") {
      rapidjson::Document document;
      document.Parse(req.body.data(), req.body.size());
      if (document.HasParseError()) return error(400, "the body is not JSON");
      std::vector<Fault> parsed;
      std::string message;
      const auto add = [&](const rapidjson::Value& value) {
        auto fault = detail::fault_from_json(value, message);
        if (!fault) return false;
        parsed.push_back(std::move(*fault));
        return true;
      };
      if (document.IsArray()) {
        for (const auto& value : document.GetArray()) {
          if (!add(value)) return error(400, message);
        }
      } else if (!add(document)) {
        return error(400, message);
      }
      for (auto& fault : parsed) faults.push(std::move(fault));
      return json_reply(200, "{\"pending\":" + std::to_string(faults.pending()) + "}");
    }
    return json_reply(405, "");
  }
  if (path == "/__admin/latency" && method == "POST") {
    rapidjson::Document document;
    document.Parse(req.body.data(), req.body.size());
    if (document.HasParseError() || !document.IsObject()) {
      return error(400, "the body must be a JSON object");
    }
    const auto set = [&](const char* name, std::atomic<std::int64_t>& target) {
      const auto it = document.FindMember(name);
      if (it == document.MemberEnd()) return true;
      if (!it->value.IsInt64() || it->value.GetInt64() < 0) return false;
      target = it->value.GetInt64();
      return true;
    };
    if (!set("request_ms", request_latency_ms) || !set("statement_ms", statement_latency_ms) ||
        !set("sync_window_ms", sync_window_ms)) {
      return error(400, "latencies are non-negative integers (milliseconds)");
    }
    wake_delayed();
    return json_reply(200, "{\"request_ms\":" + std::to_string(request_latency_ms.load()) +
                               ",\"statement_ms\":" + std::to_string(statement_latency_ms.load()) +
                               ",\"sync_window_ms\":" + std::to_string(sync_window_ms.load()) +
                               "}");
  }
  if (path == "/__admin/keys" && method == "POST") {
    rapidjson::Document document;
    document.Parse(req.body.data(), req.body.size());
    if (document.HasParseError() || !document.IsObject()) {
      return error(400, "the body must be a JSON object");
    }
    std::string fingerprint;
    if (const auto pem = document.FindMember("public_key"); pem != document.MemberEnd()) {
      if (!pem->value.IsString()) return error(400, "public_key must be a PEM string");
      int slot = 1;
      if (const auto s = document.FindMember("slot"); s != document.MemberEnd()) {
        if (!s->value.IsInt()) return error(400, "slot must be 1 or 2");
        slot = s->value.GetInt();
      }
      std::string message;
      const std::string text(pem->value.GetString(), pem->value.GetStringLength());
      if (!jwt->set_key(slot, text, message)) return error(400, message);
      fingerprint = detail::JwtVerifier::fingerprint(text);
    }
    if (const auto t = document.FindMember("oauth_token"); t != document.MemberEnd()) {
      if (!t->value.IsString()) return error(400, "oauth_token must be a string");
      std::lock_guard lock(tokens_mutex);
      oauth_tokens.emplace(t->value.GetString(), t->value.GetStringLength());
    }
    if (const auto t = document.FindMember("pat"); t != document.MemberEnd()) {
      if (!t->value.IsString()) return error(400, "pat must be a string");
      std::lock_guard lock(tokens_mutex);
      pats.emplace(t->value.GetString(), t->value.GetStringLength());
    }
    std::string body = "{\"ok\":true";
    if (!fingerprint.empty()) {
      body += ",\"fingerprint\":";
      engine::append_json_quoted(body, fingerprint);
    }
    return json_reply(200, body + "}");
  }
  static const std::regex kStatementPath(R"(/__admin/statements/([^/]+))");
  std::smatch match;
  if (method == "GET" && std::regex_match(path, match, kStatementPath)) {
    const auto statement = store->find(match[1].str());
    if (!statement) return error(404, "no such statement");
    std::lock_guard lock(statement->mutex);
    return json_reply(200, "{\"handle\":\"" + statement->handle + "\",\"state\":\"" +
                               std::string(to_string(statement->state)) + "\"}");
  }
  return error(404, "no such admin resource");
}

}  // namespace mock_snowflake
