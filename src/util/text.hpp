// text.hpp — the small ASCII text helpers every layer needs (case folding for keywords and
// setting names, trimming of user input). Locale-independent: bytes outside ASCII are kept as
// they are, so UTF-8 passes through untouched.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sfq::util {

/// `text` with A–Z folded to a–z.
[[nodiscard]] inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// True for the ASCII white space of user input: space, tab, CR, LF, VT, FF.
[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/// `text` without leading and trailing white space.
[[nodiscard]] constexpr std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace sfq::util
