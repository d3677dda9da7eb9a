// text.hpp — the emulator's one home for small text helpers: ASCII case folding (keywords,
// identifiers, header names), trimming, glob matching and the one UTF-8 encoder. A leaf: it uses
// nothing but the standard library, and both the HTTP front and the engine use it. The client
// has its own (src/util/text.hpp): the emulator shares no code with it, by design.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace mock_snowflake::text {

/// `c` with a–z folded to A–Z (upper) or A–Z to a–z (lower); every other byte as it is, so UTF-8
/// passes through untouched whatever the locale.
[[nodiscard]] constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
[[nodiscard]] constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` with ASCII letters folded to upper or lower case.
[[nodiscard]] std::string upper(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);

/// True when `a` and `b` are equal ignoring ASCII case.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// `text` without leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

/// Glob match where `*` matches any run of characters (including none).
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

/// Appends the UTF-8 encoding of the code point `cp` (at most U+10FFFF) to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace mock_snowflake::text
