// text.hpp — the one home of the client's small text helpers: ASCII case folding (keywords,
// setting names, identifiers, header names), trimming of user input, and the one UTF-8
// validator. Locale-independent: case folding touches only A–Z and a–z, so UTF-8 passes through
// untouched. Every layer of the client may use it; it uses nothing but the standard library.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sfq::util {

/// `c` with A–Z folded to a–z; every other byte as it is.
[[nodiscard]] constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `c` with a–z folded to A–Z; every other byte as it is.
[[nodiscard]] constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

/// `text` with A–Z folded to a–z.
[[nodiscard]] inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

/// `text` with a–z folded to A–Z.
[[nodiscard]] inline std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = upper(c);
  return out;
}

/// True when `a` and `b` are equal ignoring ASCII case.
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// True when `text` starts with `prefix`, ignoring ASCII case.
[[nodiscard]] constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
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

/// The length of the well-formed UTF-8 sequence that starts at text[i] (1 for an ASCII byte),
/// or 0 when the bytes there are ill-formed. Strict: no overlong forms, no surrogates, nothing
/// above U+10FFFF, no sequence cut by the end of `text`. When the result is 0 and `ill_formed`
/// is given, it receives the length of the maximal ill-formed subsequence there (at least 1):
/// the bytes one U+FFFD replaces when invalid input is repaired the way browsers do.
[[nodiscard]] constexpr std::size_t utf8_sequence_length(
    std::string_view text, std::size_t i, std::size_t* ill_formed = nullptr) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const auto in = [](unsigned char c, unsigned char low, unsigned char high) {
    return c >= low && c <= high;
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
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
    if (ill_formed != nullptr) *ill_formed = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k < length && i + k < text.size(); ++k) {
    const bool ok = k == 1 ? in(byte(k), second_low, second_high) : in(byte(k), 0x80, 0xBF);
    if (!ok) break;
  }
  if (k == length) return length;
  if (ill_formed != nullptr) *ill_formed = k;
  return 0;
}

}  // namespace sfq::util
