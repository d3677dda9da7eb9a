// text_width.hpp — how many terminal columns text takes, for the table and vertical layouts.
//
// Widths are counted per extended grapheme cluster (utf8proc): East Asian wide and fullwidth
// characters and emoji take 2 columns, combining marks and zero-width joiners 0, so that an e
// with a combining accent, a ZWJ family emoji and a flag each count as one character of the
// right width. A cluster with the emoji presentation selector U+FE0F, or a pair of regional
// indicators, takes 2 columns, as terminals draw them.
//
// Cell text is made safe first: invalid UTF-8 becomes U+FFFD, and control characters (which a
// terminal would interpret: ESC sequences, tabs, carriage returns) are shown as escapes such as
// `\t` and `\x1b`. Newlines are kept; the table splits cells into lines at them.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sfq::cli {

/// Columns `text` takes on a terminal (valid UTF-8 without control characters expected; an
/// invalid byte counts 1).
[[nodiscard]] std::size_t display_width(std::string_view text);

/// The longest prefix of `text` that fits in `width` columns, cut between grapheme clusters,
/// followed by `ellipsis` ("…") when anything was cut (the ellipsis is counted in `width`). Returns
/// `text` unchanged when it fits.
[[nodiscard]] std::string truncate_to_width(std::string_view text, std::size_t width,
                                            std::string_view ellipsis = "\u2026");

/// `text` with invalid UTF-8 replaced by U+FFFD and control characters other than '\n'
/// replaced by visible escapes (`\t`, `\r`, `\x1b`, ...).
[[nodiscard]] std::string sanitize_for_terminal(std::string_view text);

}  // namespace sfq::cli
