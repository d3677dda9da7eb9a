// request.cpp — statement submission bodies, URLs and headers.
#include "sqlapi/request.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <random>
#include <string_view>

#include "sfq/names.hpp"
#include "util/text.hpp"

namespace sfq::detail {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& writer, std::string_view key, std::string_view value) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_binding(Writer& writer, const BindValue& bind) {
  writer.StartObject();
  write_string(writer, "type", to_string(bind.type));
  writer.Key("value");
  auto write_value = [&writer](const std::optional<std::string>& value) {
    if (value) {
      writer.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
    } else {
      writer.Null();
    }
  };
  if (bind.is_array) {
    writer.StartArray();
    for (const auto& value : bind.values) write_value(value);
    writer.EndArray();
  } else if (bind.values.empty()) {
    writer.Null();
  } else {
    write_value(bind.values.front());
  }
  writer.EndObject();
}

using util::upper;

}  // namespace

std::string build_statement_body(const Statement& statement, const ConnectionOptions& options) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_string(writer, "statement", statement.sql);

  const auto timeout = statement.timeout.value_or(options.statement_timeout);
  if (statement.timeout || timeout.count() > 0) {
    writer.Key("timeout");
    writer.Int64(timeout.count());
  }
  auto context = [&writer](std::string_view key, const std::string& own,
                           const std::string& fallback) {
    const std::string& value = own.empty() ? fallback : own;
    if (!value.empty()) write_string(writer, key, normalize_identifier(value));
  };
  context("database", statement.database, options.database);
  context("schema", statement.schema, options.schema);
  context("warehouse", statement.warehouse, options.warehouse);
  context("role", statement.role, options.role);

  if (!statement.bindings.empty() || !statement.named_bindings.empty()) {
    writer.Key("bindings");
    writer.StartObject();
    for (std::size_t i = 0; i < statement.bindings.size(); ++i) {
      const std::string key = std::to_string(i + 1);
      writer.Key(key.c_str());
      write_binding(writer, statement.bindings[i]);
    }
    for (const auto& [name, bind] : statement.named_bindings) {
      writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
      write_binding(writer, bind);
    }
    writer.EndObject();
  }

  std::vector<std::pair<std::string, std::string>> parameters;
  for (const auto& [key, value] : statement.parameters) parameters.emplace_back(upper(key), value);
  if (statement.multi_statement_count) {
    parameters.emplace_back("MULTI_STATEMENT_COUNT",
                            std::to_string(*statement.multi_statement_count));
  }
  if (!statement.query_tag.empty()) parameters.emplace_back("QUERY_TAG", statement.query_tag);
  if (!parameters.empty()) {
    writer.Key("parameters");
    writer.StartObject();
    for (const auto& [key, value] : parameters) write_string(writer, key, value);
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string new_request_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t hi = dist(engine);
  std::uint64_t lo = dist(engine);
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  // 8-4-4-4-12 hex digits, written directly (snprintf was a tenth of the consumer thread's
  // time per statement in the churn benchmark).
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string text(36, '-');
  std::size_t at = 0;
  const auto put = [&](std::uint64_t bits, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      text[at++] = kHex[(bits >> shift) & 0xF];
    }
    ++at;  // over the dash
  };
  put(hi >> 32, 8);
  put((hi >> 16) & 0xFFFF, 4);
  put(hi & 0xFFFF, 4);
  put(lo >> 48, 4);
  put(lo & 0xFFFFFFFFFFFFULL, 12);
  return text;
}

std::string submit_url(std::string_view base_url, std::string_view request_id,
                       SubmitUrlFlags flags) {
  std::string url(base_url);
  url += "/api/v2/statements?requestId=";
  url += request_id;
  if (flags.retry) url += "&retry=true";
  if (flags.async) url += "&async=true";
  return url;
}

std::string status_url(std::string_view base_url, std::string_view handle, std::size_t partition) {
  std::string url(base_url);
  url += "/api/v2/statements/";
  url += handle;
  if (partition > 0) url += "?partition=" + std::to_string(partition);
  return url;
}

std::string cancel_url(std::string_view base_url, std::string_view handle) {
  std::string url(base_url);
  url += "/api/v2/statements/";
  url += handle;
  url += "/cancel";
  return url;
}

std::vector<std::string> common_headers(std::string_view authorization, std::string_view token_type,
                                        bool has_body) {
  std::vector<std::string> headers;
  headers.reserve(6);
  headers.push_back("Authorization: " + std::string(authorization));
  headers.push_back("X-Snowflake-Authorization-Token-Type: " + std::string(token_type));
  headers.emplace_back("Accept: application/json");
  headers.emplace_back("Accept-Encoding: gzip");
  if (has_body) {
    headers.emplace_back("Content-Type: application/json");
    // Without this, libcurl sends "Expect: 100-continue" for bodies over 1 KiB and waits for an
    // interim answer before sending the statement.
    headers.emplace_back("Expect:");
  }
  return headers;
}

std::string default_user_agent() { return std::string("sfq/") + SFQ_VERSION; }

}  // namespace sfq::detail
