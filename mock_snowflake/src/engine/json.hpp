// json.hpp — the semi-structured values (VARIANT, OBJECT, ARRAY) of the engine.
//
// Inside SQLite a semi-structured value is compact, canonical JSON text: object keys sorted (as
// Snowflake stores them), numbers normalised, and an SQL NULL inside an array written as the
// bare word `undefined`, which is what the real server prints for it. No off-the-shelf JSON
// library reads that word, hence this small one. On the wire the value is pretty-printed with a
// two-space indent, exactly as the real server does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mock_snowflake::engine {

struct JsonValue {
  enum class Kind { null, undefined, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;  ///< number text (canonical) or the string's value
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  ///< sorted by key, unique

  static JsonValue make_null() { return {}; }
  static JsonValue make_undefined() {
    JsonValue v;
    v.kind = Kind::undefined;
    return v;
  }
  static JsonValue make_string(std::string s) {
    JsonValue v;
    v.kind = Kind::string;
    v.text = std::move(s);
    return v;
  }
  static JsonValue make_bool(bool b) {
    JsonValue v;
    v.kind = Kind::boolean;
    v.boolean = b;
    return v;
  }
  /// `text` must be a valid JSON number; it is normalised.
  static JsonValue make_number(std::string_view text);
  static JsonValue make_number(double d);
  static JsonValue make_array() {
    JsonValue v;
    v.kind = Kind::array;
    return v;
  }
  static JsonValue make_object() {
    JsonValue v;
    v.kind = Kind::object;
    return v;
  }

  /// Inserts or replaces a member, keeping the keys sorted.
  void set(std::string key, JsonValue value);
  [[nodiscard]] const JsonValue* get(std::string_view key) const;
  /// Case-insensitive lookup (GET_IGNORE_CASE).
  [[nodiscard]] const JsonValue* get_ignore_case(std::string_view key) const;
};

/// Parses JSON (also accepting `undefined`). Returns nullopt on a syntax error.
std::optional<JsonValue> parse_json(std::string_view text);

/// Compact canonical text: the physical form inside SQLite.
std::string json_compact(const JsonValue& value);

enum class JsonNumberStyle { plain, geometry };
/// Pretty text with a two-space indent: the wire form.
std::string json_pretty(const JsonValue& value, JsonNumberStyle numbers = JsonNumberStyle::plain);

/// Quotes and escapes a string as JSON.
std::string json_quote(std::string_view s);
/// Appends `s` quoted and escaped as JSON to `out`.
void append_json_quoted(std::string& out, std::string_view s);

/// Formats a double the shortest way that reads back to the same value (1.5, 0.1, 1e+20).
std::string format_double(double d);

}  // namespace mock_snowflake::engine
