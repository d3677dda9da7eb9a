// json_string.cpp — append_json_string: JSON string literals from arbitrary bytes. Valid UTF-8 is
// copied as is; each maximal ill-formed subsequence (Unicode §3.9, the W3C/WHATWG practice)
// becomes one U+FFFD, so the output is always valid UTF-8 and valid JSON.
#include <array>

#include "sfq/format.hpp"

namespace sfq::format {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
constexpr char kHexDigits[] = "0123456789abcdef";

bool in(unsigned char c, unsigned char low, unsigned char high) noexcept {
  return c >= low && c <= high;
}

// The length of the well-formed UTF-8 sequence at text[i] (lead byte >= 0x80), or 0 and in
// `skip` the length of the ill-formed subsequence to replace.
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::size_t& skip) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (in(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // no overlong forms
    if (lead == 0xED) second_high = 0x9F;  // no surrogates
  } else if (in(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // no overlong forms
    if (lead == 0xF4) second_high = 0x8F;  // nothing above U+10FFFF
  } else {
    skip = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k < length && i + k < text.size(); ++k) {
    const bool ok = k == 1 ? in(byte(k), second_low, second_high) : in(byte(k), 0x80, 0xBF);
    if (!ok) break;
  }
  if (k == length) return length;
  skip = k;
  return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  auto flush = [&] { out.append(text.substr(run, i - run)); };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t skip = 0;
      const std::size_t length = utf8_sequence(text, i, skip);
      if (length != 0) {
        i += length;
        continue;
      }
      flush();
      out.append(kReplacement);
      i += skip;
      run = i;
      continue;
    }
    flush();
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
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
      default:
        out += "\\u00";
        out.push_back(kHexDigits[c >> 4]);
        out.push_back(kHexDigits[c & 0x0F]);
        break;
    }
    ++i;
    run = i;
  }
  flush();
  out.push_back('"');
}

}  // namespace sfq::format
