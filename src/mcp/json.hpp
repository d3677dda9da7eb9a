// json.hpp — small JSON helpers for the MCP server: a string builder that writes compact JSON
// (and embeds ready-made JSON text, such as cell values formatted by sfq::format, verbatim),
// typed accessors over RapidJSON values, and the duplicate-key check every received message
// passes (RapidJSON keeps both members of `{"a":1,"a":2}`, and readers disagree about which one
// counts, so such a message is refused rather than read one way here and another elsewhere).
//
// Every string written goes through append_string(), which escapes control characters and
// replaces invalid UTF-8 with U+FFFD, so the output is always valid JSON whatever the database
// or the client sent.
//
// Thread safety: JsonBuilder is a value used by one thread; the free functions are pure.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfq::mcp::json {

/// Appends `text` as a JSON string literal, quotes included.
void append_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
[[nodiscard]] std::string quote(std::string_view text);

/// `text` with invalid UTF-8 sequences replaced by U+FFFD.
[[nodiscard]] std::string valid_utf8(std::string_view text);

/// The longest prefix of `text` of at most `max_bytes` bytes that does not split a UTF-8
/// sequence.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

/// Builds compact JSON text. Commas are placed automatically; keys are given before values
/// inside objects.
class JsonBuilder {
 public:
  JsonBuilder& begin_object();
  JsonBuilder& end_object();
  JsonBuilder& begin_array();
  JsonBuilder& end_array();
  JsonBuilder& key(std::string_view name);
  JsonBuilder& string(std::string_view value);
  JsonBuilder& number(std::int64_t value);
  JsonBuilder& unsigned_number(std::uint64_t value);
  JsonBuilder& boolean(bool value);
  JsonBuilder& null();
  /// Inserts ready-made JSON text as one value.
  JsonBuilder& raw(std::string_view json);
  /// Optional string: the value, or null.
  JsonBuilder& string_or_null(const std::optional<std::string>& value);

  [[nodiscard]] const std::string& str() const noexcept { return out_; }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

/// A key that appears more than once in one object anywhere inside `value` (objects nested in
/// objects and arrays included), or nullopt. Iterative: the depth of nesting costs no stack.
[[nodiscard]] std::optional<std::string> duplicate_key(const rapidjson::Value& value);

/// Serialises a RapidJSON value compactly.
[[nodiscard]] std::string to_string(const rapidjson::Value& value);

/// The member `name` of `object`, or nullptr when `object` is not an object or has no such
/// member.
[[nodiscard]] const rapidjson::Value* member(const rapidjson::Value* object, std::string_view name);

/// The string member `name`, if it is a string.
[[nodiscard]] std::optional<std::string> string_member(const rapidjson::Value* object,
                                                       std::string_view name);

}  // namespace sfq::mcp::json
