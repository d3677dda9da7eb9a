// json.cpp — parser and printers for the engine's semi-structured values.
#include "engine/json.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool parse(JsonValue& out) {
    skip();
    if (!value(out, 0)) return false;
    skip();
    return i_ == s_.size();
  }

 private:
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  bool value(JsonValue& out, int depth) {
    if (depth > 200 || i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = JsonValue::Kind::string;
      return string(out.text);
    }
    if (word("null")) {
      out = JsonValue::make_null();
      return true;
    }
    if (word("undefined")) {
      out = JsonValue::make_undefined();
      return true;
    }
    if (word("true")) {
      out = JsonValue::make_bool(true);
      return true;
    }
    if (word("false")) {
      out = JsonValue::make_bool(false);
      return true;
    }
    if (word("NaN")) {
      out.kind = JsonValue::Kind::number;
      out.text = "NaN";
      return true;
    }
    return number(out);
  }

  bool number(JsonValue& out) {
    std::size_t start = i_;
    if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) ++i_;
    if (word("Infinity")) {
      out.kind = JsonValue::Kind::number;
      out.text = s_[start] == '-' ? "-Infinity" : "Infinity";
      return true;
    }
    std::size_t digits = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_, ++digits;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_, ++digits;
    }
    if (digits == 0) return false;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      std::size_t exp = 0;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_, ++exp;
      if (exp == 0) return false;
    }
    out = JsonValue::make_number(s_.substr(start, i_ - start));
    return true;
  }

  bool hex4(unsigned& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  bool string(std::string& out) {
    ++i_;  // opening quote
    out.clear();
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned lo = 0;
            if (!hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          text::append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool array(JsonValue& out, int depth) {
    out = JsonValue::make_array();
    ++i_;
    skip();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      skip();
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      out.items.push_back(std::move(item));
      skip();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  bool object(JsonValue& out, int depth) {
    out = JsonValue::make_object();
    ++i_;
    skip();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      skip();
      if (i_ >= s_.size() || s_[i_] != '"') return false;
      std::string key;
      if (!string(key)) return false;
      skip();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      skip();
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      out.set(std::move(key), std::move(item));
      skip();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

void write(std::string& out, const JsonValue& v, bool pretty, int indent, JsonNumberStyle style) {
  auto newline = [&](int level) {
    if (!pretty) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (v.kind) {
    case JsonValue::Kind::null:
      out += "null";
      break;
    case JsonValue::Kind::undefined:
      out += "undefined";
      break;
    case JsonValue::Kind::boolean:
      out += v.boolean ? "true" : "false";
      break;
    case JsonValue::Kind::number:
      if (style == JsonNumberStyle::geometry) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.15e", std::strtod(v.text.c_str(), nullptr));
        out += buf;
      } else {
        out += v.text;
      }
      break;
    case JsonValue::Kind::string:
      out += json_quote(v.text);
      break;
    case JsonValue::Kind::array:
      if (v.items.empty()) {
        out += "[]";
        break;
      }
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(indent + 1);
        write(out, v.items[i], pretty, indent + 1, style);
      }
      newline(indent);
      out.push_back(']');
      break;
    case JsonValue::Kind::object:
      if (v.members.empty()) {
        out += "{}";
        break;
      }
      out.push_back('{');
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(indent + 1);
        out += json_quote(v.members[i].first);
        out += pretty ? ": " : ":";
        write(out, v.members[i].second, pretty, indent + 1, style);
      }
      newline(indent);
      out.push_back('}');
      break;
  }
}

bool is_plain_integer(std::string_view t) {
  std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  if (i >= t.size()) return false;
  for (; i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  return true;
}

}  // namespace

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

JsonValue JsonValue::make_number(std::string_view text) {
  JsonValue v;
  v.kind = Kind::number;
  if (is_plain_integer(text)) {
    // Integers keep every digit (NUMBER(38,0) values survive a round trip through a VARIANT).
    bool negative = text[0] == '-';
    std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
    while (i + 1 < text.size() && text[i] == '0') ++i;
    std::string digits(text.substr(i));
    if (digits.size() <= 38) {
      v.text = (negative && digits != "0" ? "-" : "") + digits;
      return v;
    }
  }
  return make_number(std::strtod(std::string(text).c_str(), nullptr));
}

JsonValue JsonValue::make_number(double d) {
  JsonValue v;
  v.kind = Kind::number;
  if (std::isnan(d)) {
    v.text = "NaN";
  } else if (std::isinf(d)) {
    v.text = d < 0 ? "-Infinity" : "Infinity";
  } else if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    v.text = std::string(buf) == "-0" ? "0" : buf;
  } else {
    v.text = format_double(d);
  }
  return v;
}

void JsonValue::set(std::string key, JsonValue value) {
  auto it = std::lower_bound(members.begin(), members.end(), key,
                             [](const auto& m, const std::string& k) { return m.first < k; });
  if (it != members.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    members.emplace(it, std::move(key), std::move(value));
  }
}

const JsonValue* JsonValue::get(std::string_view key) const {
  auto it = std::lower_bound(members.begin(), members.end(), key,
                             [](const auto& m, std::string_view k) { return m.first < k; });
  if (it != members.end() && it->first == key) return &it->second;
  return nullptr;
}

const JsonValue* JsonValue::get_ignore_case(std::string_view key) const {
  for (const auto& m : members) {
    if (m.first.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(m.first[i])) ==
             std::tolower(static_cast<unsigned char>(key[i]));
    }
    if (same) return &m.second;
  }
  return nullptr;
}

std::optional<JsonValue> parse_json(std::string_view text) {
  JsonValue v;
  Parser p(text);
  if (!p.parse(v)) return std::nullopt;
  return v;
}

std::string json_compact(const JsonValue& value) {
  std::string out;
  write(out, value, false, 0, JsonNumberStyle::plain);
  return out;
}

std::string json_pretty(const JsonValue& value, JsonNumberStyle numbers) {
  std::string out;
  write(out, value, true, 0, numbers);
  return out;
}

void append_json_quoted(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  // Characters that need no escape are copied in runs, not one by one.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s, run, s.size() - run);
  out.push_back('"');
}

std::string json_quote(std::string_view s) {
  std::string out;
  append_json_quoted(out, s);
  return out;
}

}  // namespace mock_snowflake::engine
