// identifiers.cpp — identifier normalization, quoting, qualified names and LIKE matching.
#include "mcp/identifiers.hpp"
#include "util/text.hpp"

namespace sfq::mcp {

namespace {

constexpr std::size_t kMaxIdentifier = 255;

bool simple_identifier(std::string_view text) {
  if (text.empty()) return false;
  const auto first = static_cast<unsigned char>(text.front());
  if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || first == '_')) {
    return false;
  }
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '$')) {
      return false;
    }
  }
  return true;
}

using util::lower;
using util::trim;

}  // namespace

std::optional<std::string> normalize_identifier(std::string_view input, std::string& error) {
  const std::string_view text = trim(input);
  if (text.empty()) {
    error = "a name must not be empty";
    return std::nullopt;
  }
  std::string name;
  if (text.front() == '"') {
    if (text.size() < 2 || text.back() != '"') {
      error = "a quoted name must end with a double quote";
      return std::nullopt;
    }
    const std::string_view inner = text.substr(1, text.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '"') {
        if (i + 1 < inner.size() && inner[i + 1] == '"') {
          name.push_back('"');
          ++i;
          continue;
        }
        error = "a double quote inside a quoted name must be doubled";
        return std::nullopt;
      }
      name.push_back(inner[i]);
    }
  } else if (simple_identifier(text)) {
    name = util::upper(text);
  } else {
    name.assign(text);
  }
  if (name.empty()) {
    error = "a name must not be empty";
    return std::nullopt;
  }
  if (name.size() > kMaxIdentifier) {
    error = "a name must not be longer than 255 bytes";
    return std::nullopt;
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      error = "a name must not contain control characters";
      return std::nullopt;
    }
  }
  return name;
}

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (const char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::optional<std::vector<std::string>> split_qualified_name(std::string_view input,
                                                             std::string& error) {
  std::vector<std::string_view> raw;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '"') quoted = !quoted;  // a doubled quote toggles twice: still inside
    if (input[i] == '.' && !quoted) {
      raw.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  raw.push_back(input.substr(start));
  if (quoted) {
    error = "a quoted name must end with a double quote";
    return std::nullopt;
  }
  if (raw.size() > 3) {
    error = "a qualified name has at most three parts: DATABASE.SCHEMA.NAME";
    return std::nullopt;
  }
  std::vector<std::string> parts;
  for (const auto part : raw) {
    auto name = normalize_identifier(part, error);
    if (!name) {
      error = "in \"" + std::string(input) + "\": " + error;
      return std::nullopt;
    }
    parts.push_back(std::move(*name));
  }
  return parts;
}

bool like_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching with backtracking to the last '%'.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char expected = pattern[p];
      std::size_t step = 1;
      bool any = expected == '_';
      if (expected == '\\' && p + 1 < pattern.size()) {
        expected = pattern[p + 1];
        step = 2;
        any = false;
      }
      if (any || lower(expected) == lower(text[t])) {
        p += step;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace sfq::mcp
