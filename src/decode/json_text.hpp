// json_text.hpp (internal) — Snowflake's semi-structured text made into compact, valid JSON.
//
// VARIANT, OBJECT, ARRAY, VECTOR and the geo types arrive pretty-printed, with SQL NULL elements
// written as a bare `undefined` (not JSON). One pass validates the text against the JSON grammar
// (RFC 8259, UTF-8 included), drops the whitespace between tokens and writes `undefined` as
// `null`; strings are copied byte for byte, so "undefined" inside a string stays. No recursion and
// no allocation: depth is tracked in a caller-provided stack only when nesting exceeds 64 levels.
// Pure function; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace sfq::detail {

/// Writes the minified form of `text` to `out` (which must have room for text.size() bytes: the
/// output is never longer) and returns its length, or std::string_view::npos when `text` is not
/// one JSON value (after `undefined` → `null`).
[[nodiscard]] std::size_t minify_snowflake_json(std::string_view text, char* out) noexcept;

}  // namespace sfq::detail
