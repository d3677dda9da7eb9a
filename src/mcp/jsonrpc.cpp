// jsonrpc.cpp — parsing and building JSON-RPC 2.0 messages for MCP.
#include "mcp/jsonrpc.hpp"

#include <rapidjson/error/en.h>

#include "mcp/json.hpp"

namespace sfq::mcp {

namespace {

// An empty object shared by messages without params (never modified).
const rapidjson::Value& empty_object() {
  static const rapidjson::Value value(rapidjson::kObjectType);
  return value;
}

Incoming invalid(int code, std::string message, std::string id = "null") {
  Incoming out;
  out.kind = Incoming::Kind::invalid;
  out.error_code = code;
  out.error_message = std::move(message);
  out.id = std::move(id);
  return out;
}

// True when arrays and objects in `text` nest deeper than `max_depth` (strings skipped). Linear,
// no allocation; the text need not be valid JSON (the parser judges that afterwards).
bool nests_deeper_than(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::string canonical_id(const rapidjson::Value& id) {
  if (id.IsString()) return json::quote(std::string_view(id.GetString(), id.GetStringLength()));
  if (id.IsInt64()) return std::to_string(id.GetInt64());
  if (id.IsUint64()) return std::to_string(id.GetUint64());
  return {};
}

Incoming parse_message(std::string_view line) {
  if (nests_deeper_than(line, kMaxJsonDepth)) {
    return invalid(kInvalidRequest, "Invalid Request: arrays and objects are nested more than " +
                                        std::to_string(kMaxJsonDepth) +
                                        " levels deep; MCP messages need far fewer");
  }
  auto document = std::make_shared<rapidjson::Document>();
  // Iterative parsing: a deeply nested line cannot exhaust the stack. Strings must be UTF-8.
  document->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      line.data(), line.size());
  if (document->HasParseError()) {
    return invalid(kParseError, std::string("Parse error: ") +
                                    rapidjson::GetParseError_En(document->GetParseError()) +
                                    " (at byte " + std::to_string(document->GetErrorOffset()) +
                                    ")");
  }
  if (document->IsArray()) {
    return invalid(kInvalidRequest,
                   "Invalid Request: JSON-RPC batches are not supported; send one message per "
                   "line");
  }
  if (!document->IsObject()) {
    return invalid(kInvalidRequest, "Invalid Request: a message must be a JSON object");
  }

  const rapidjson::Value* id_value = json::member(document.get(), "id");
  std::string id;
  if (id_value != nullptr) {
    id = canonical_id(*id_value);
    if (id.empty()) {
      return invalid(kInvalidRequest,
                     "Invalid Request: the id must be a string or an integer (not null)");
    }
  }
  const std::string reply_id = id.empty() ? "null" : id;
  if (const auto key = json::duplicate_key(*document)) {
    return invalid(kInvalidRequest,
                   "Invalid Request: the key " + json::quote(json::utf8_prefix(*key, 64)) +
                       " appears more than once in one object; send each key once",
                   *key == "id" ? "null" : reply_id);
  }

  const rapidjson::Value* version = json::member(document.get(), "jsonrpc");
  if (version == nullptr || !version->IsString() ||
      std::string_view(version->GetString(), version->GetStringLength()) != "2.0") {
    return invalid(kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"", reply_id);
  }

  const rapidjson::Value* method = json::member(document.get(), "method");
  if (method == nullptr) {
    if (!id.empty() && (json::member(document.get(), "result") != nullptr ||
                        json::member(document.get(), "error") != nullptr)) {
      Incoming out;
      out.kind = Incoming::Kind::response;
      out.id = id;
      out.document = std::move(document);
      return out;
    }
    return invalid(kInvalidRequest, "Invalid Request: the message has no \"method\"", reply_id);
  }
  if (!method->IsString()) {
    return invalid(kInvalidRequest, "Invalid Request: \"method\" must be a string", reply_id);
  }

  Incoming out;
  out.kind = id.empty() ? Incoming::Kind::notification : Incoming::Kind::request;
  out.id = reply_id;
  out.method.assign(method->GetString(), method->GetStringLength());
  const rapidjson::Value* params = json::member(document.get(), "params");
  if (params == nullptr) {
    out.params = &empty_object();
  } else if (params->IsObject()) {
    out.params = params;
  } else {
    Incoming bad =
        invalid(kInvalidParams, "Invalid params: \"params\" must be an object", reply_id);
    bad.method = out.method;
    // A notification with bad params is still a notification: it gets no answer.
    bad.kind = out.kind == Incoming::Kind::notification ? Incoming::Kind::notification
                                                        : Incoming::Kind::invalid;
    bad.params = &empty_object();
    bad.document = std::move(document);
    return bad;
  }
  out.document = std::move(document);
  return out;
}

std::string make_result(std::string_view id, std::string_view result_json) {
  std::string out;
  out.reserve(result_json.size() + id.size() + 32);
  out.append(R"({"jsonrpc":"2.0","id":)");
  out.append(id);
  out.append(R"(,"result":)");
  out.append(result_json);
  out.push_back('}');
  return out;
}

std::string make_error(std::string_view id, int code, std::string_view message,
                       std::string_view data_json) {
  std::string out(R"({"jsonrpc":"2.0","id":)");
  out.append(id);
  out.append(R"(,"error":{"code":)");
  out.append(std::to_string(code));
  out.append(R"(,"message":)");
  json::append_string(out, message);
  if (!data_json.empty()) {
    out.append(R"(,"data":)");
    out.append(data_json);
  }
  out.append("}}");
  return out;
}

std::string make_notification(std::string_view method, std::string_view params_json) {
  std::string out(R"({"jsonrpc":"2.0","method":)");
  json::append_string(out, method);
  out.append(R"(,"params":)");
  out.append(params_json);
  out.push_back('}');
  return out;
}

}  // namespace sfq::mcp
