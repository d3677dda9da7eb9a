// json.cpp — JSON text building and RapidJSON accessors for the MCP server.
#include "mcp/json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "sfq/format.hpp"
#include "util/text.hpp"

namespace sfq::mcp::json {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

void append_string(std::string& out, std::string_view text) {
  // The library's escaper: the same JSON strings as sfq's query results, with ill-formed UTF-8
  // replaced by U+FFFD.
  sfq::format::append_json_string(out, text);
}

std::string quote(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = util::utf8_sequence_length(text, i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Step back over continuation bytes to the start of the sequence that would be split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0u) == 0x80u) --end;
  return text.substr(0, end);
}

void JsonBuilder::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonBuilder& JsonBuilder::begin_object() {
  before_value();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonBuilder& JsonBuilder::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

JsonBuilder& JsonBuilder::begin_array() {
  before_value();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonBuilder& JsonBuilder::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

JsonBuilder& JsonBuilder::key(std::string_view name) {
  before_value();
  append_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonBuilder& JsonBuilder::string(std::string_view value) {
  before_value();
  append_string(out_, value);
  return *this;
}

JsonBuilder& JsonBuilder::number(std::int64_t value) {
  before_value();
  out_.append(std::to_string(value));
  return *this;
}

JsonBuilder& JsonBuilder::unsigned_number(std::uint64_t value) {
  before_value();
  out_.append(std::to_string(value));
  return *this;
}

JsonBuilder& JsonBuilder::boolean(bool value) {
  before_value();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonBuilder& JsonBuilder::null() {
  before_value();
  out_.append("null");
  return *this;
}

JsonBuilder& JsonBuilder::raw(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

JsonBuilder& JsonBuilder::string_or_null(const std::optional<std::string>& value) {
  return value ? string(*value) : null();
}

std::optional<std::string> duplicate_key(const rapidjson::Value& value) {
  std::vector<const rapidjson::Value*> pending{&value};
  std::vector<std::string_view> keys;
  while (!pending.empty()) {
    const rapidjson::Value* current = pending.back();
    pending.pop_back();
    if (current->IsArray()) {
      for (const auto& element : current->GetArray()) {
        if (element.IsObject() || element.IsArray()) pending.push_back(&element);
      }
    } else if (current->IsObject()) {
      keys.clear();
      for (const auto& member : current->GetObject()) {
        keys.emplace_back(member.name.GetString(), member.name.GetStringLength());
        if (member.value.IsObject() || member.value.IsArray()) pending.push_back(&member.value);
      }
      std::sort(keys.begin(), keys.end());
      const auto twice = std::adjacent_find(keys.begin(), keys.end());
      if (twice != keys.end()) return std::string(*twice);
    }
  }
  return std::nullopt;
}

std::string to_string(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const rapidjson::Value* member(const rapidjson::Value* object, std::string_view name) {
  if (object == nullptr || !object->IsObject()) return nullptr;
  const auto it = object->FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == object->MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> string_member(const rapidjson::Value* object, std::string_view name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

}  // namespace sfq::mcp::json
