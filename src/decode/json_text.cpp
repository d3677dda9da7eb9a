// json_text.cpp — the one-pass validating minifier for semi-structured values. A small state
// machine over tokens; containers are remembered one bit per level (object or array).
#include "decode/json_text.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

#include "util/text.hpp"

namespace sfq::detail {
namespace {

bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }

bool is_hex(unsigned char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The length of the well-formed UTF-8 sequence at p[0] (a byte >= 0x80), 0 when ill-formed.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) noexcept {
  return util::utf8_sequence_length(
      std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)), 0);
}

// Nesting: one bit per level, 64 levels in a word, deeper ones in a vector (rare).
class ContainerStack {
 public:
  void push(bool object) {
    if (depth_ < 64) {
      bits_ = object ? bits_ | (std::uint64_t{1} << depth_) : bits_ & ~(std::uint64_t{1} << depth_);
    } else {
      overflow_.push_back(object);
    }
    ++depth_;
  }
  void pop() {
    --depth_;
    if (depth_ >= 64) overflow_.pop_back();
  }
  [[nodiscard]] bool empty() const noexcept { return depth_ == 0; }
  [[nodiscard]] bool top_is_object() const noexcept {
    const std::size_t top = depth_ - 1;
    return top < 64 ? (bits_ >> top & 1U) != 0 : overflow_.back();
  }

 private:
  std::uint64_t bits_ = 0;
  std::size_t depth_ = 0;
  std::vector<bool> overflow_;
};

enum class Expect { value, value_or_end, key, key_or_end, colon, comma_or_end, done };

}  // namespace

std::size_t minify_snowflake_json(std::string_view text, char* out) noexcept {
  constexpr std::size_t kInvalid = std::string_view::npos;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  char* o = out;
  ContainerStack stack;
  Expect expect = Expect::value;

  // The tokens are copied byte by byte as they are checked: most are a few bytes long, where a
  // memcpy call per token costs more than the copy.

  // Copies a string token (p at its opening quote); false when it is not a valid JSON string.
  auto copy_string = [&]() -> bool {
    *o++ = '"';
    ++p;
    while (p < end) {
      const unsigned char c = *p;
      if (c == '"') {
        *o++ = '"';
        ++p;
        return true;
      }
      if (c == '\\') {
        if (end - p < 2) return false;
        const unsigned char e = p[1];
        if (e == 'u') {
          if (end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5])) {
            return false;
          }
          for (int k = 0; k < 6; ++k) *o++ = static_cast<char>(p[k]);
          p += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
          *o++ = '\\';
          *o++ = static_cast<char>(e);
          p += 2;
        } else {
          return false;
        }
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        *o++ = static_cast<char>(c);
        ++p;
      } else {
        const std::size_t length = utf8_length(p, end);
        if (length == 0) return false;
        for (std::size_t k = 0; k < length; ++k) *o++ = static_cast<char>(p[k]);
        p += length;
      }
    }
    return false;
  };

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  auto copy_number = [&]() -> bool {
    auto digits = [&] {
      const unsigned char* begin = p;
      while (p < end && is_digit(*p)) *o++ = static_cast<char>(*p++);
      return p != begin;
    };
    if (*p == '-') *o++ = static_cast<char>(*p++);
    if (p < end && *p == '0') {
      *o++ = static_cast<char>(*p++);
    } else if (!digits()) {
      return false;
    }
    if (p < end && *p == '.') {
      *o++ = static_cast<char>(*p++);
      if (!digits()) return false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      *o++ = static_cast<char>(*p++);
      if (p < end && (*p == '+' || *p == '-')) *o++ = static_cast<char>(*p++);
      if (!digits()) return false;
    }
    return true;
  };

  auto literal = [&]() -> bool {
    const unsigned char* start = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) ++p;
    const std::string_view word(reinterpret_cast<const char*>(start),
                                static_cast<std::size_t>(p - start));
    if (word == "true") {
      std::memcpy(o, "true", 4);
      o += 4;
    } else if (word == "false") {
      std::memcpy(o, "false", 5);
      o += 5;
    } else if (word == "null" || word == "undefined") {
      std::memcpy(o, "null", 4);
      o += 4;
    } else {
      return false;
    }
    return true;
  };

  auto after_value = [&] { expect = stack.empty() ? Expect::done : Expect::comma_or_end; };

  while (p < end) {
    const unsigned char c = *p;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      ++p;
      continue;
    }
    switch (expect) {
      case Expect::value:
      case Expect::value_or_end:
        if (c == ']' && expect == Expect::value_or_end) {
          *o++ = ']';
          ++p;
          stack.pop();
          after_value();
        } else if (c == '{' || c == '[') {
          *o++ = static_cast<char>(c);
          ++p;
          stack.push(c == '{');
          expect = c == '{' ? Expect::key_or_end : Expect::value_or_end;
        } else if (c == '"') {
          if (!copy_string()) return kInvalid;
          after_value();
        } else if (c == '-' || is_digit(c)) {
          if (!copy_number()) return kInvalid;
          after_value();
        } else {
          if (!literal()) return kInvalid;
          after_value();
        }
        break;
      case Expect::key:
      case Expect::key_or_end:
        if (c == '}' && expect == Expect::key_or_end) {
          *o++ = '}';
          ++p;
          stack.pop();
          after_value();
        } else if (c == '"') {
          if (!copy_string()) return kInvalid;
          expect = Expect::colon;
        } else {
          return kInvalid;
        }
        break;
      case Expect::colon:
        if (c != ':') return kInvalid;
        *o++ = ':';
        ++p;
        expect = Expect::value;
        break;
      case Expect::comma_or_end:
        if (c == ',') {
          *o++ = ',';
          ++p;
          expect = stack.top_is_object() ? Expect::key : Expect::value;
        } else if (c == (stack.top_is_object() ? static_cast<unsigned char>('}')
                                               : static_cast<unsigned char>(']'))) {
          *o++ = static_cast<char>(c);
          ++p;
          stack.pop();
          after_value();
        } else {
          return kInvalid;
        }
        break;
      case Expect::done:
        return kInvalid;
    }
  }
  return expect == Expect::done ? static_cast<std::size_t>(o - out) : kInvalid;
}

}  // namespace sfq::detail
