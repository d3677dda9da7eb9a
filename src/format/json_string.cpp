// json_string.cpp — append_json_string: JSON string literals from arbitrary bytes. Valid UTF-8 is
// copied as is; each maximal ill-formed subsequence (Unicode §3.9, the W3C/WHATWG practice)
// becomes one U+FFFD, so the output is always valid UTF-8 and valid JSON.
#include <array>

#include "sfq/format.hpp"
#include "util/text.hpp"

namespace sfq::format {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
constexpr char kHexDigits[] = "0123456789abcdef";

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
      const std::size_t length = util::utf8_sequence_length(text, i, &skip);
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
