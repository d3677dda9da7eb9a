// identifiers.hpp — turning names an agent typed into Snowflake identifiers, safely.
//
// Snowflake stores unquoted identifiers in upper case and matches them case-insensitively; a
// quoted identifier is exact. So a name given as `orders` or `Orders` means ORDERS, a name
// given in double quotes (`"Orders"`) means exactly Orders, and a name that could not be written
// unquoted (spaces, dashes, non-ASCII) is taken exactly as given. Generated SQL always uses the
// quoted form, so nothing an agent types is ever read as SQL.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfq::mcp {

/// The identifier an input names (see the file comment), or nullopt with `error` set.
[[nodiscard]] std::optional<std::string> normalize_identifier(std::string_view input,
                                                              std::string& error);

/// `"name"` with embedded double quotes doubled.
[[nodiscard]] std::string quote_identifier(std::string_view name);

/// Splits `a.b.c` (dots inside double quotes do not split) into 1–3 normalized parts.
[[nodiscard]] std::optional<std::vector<std::string>> split_qualified_name(std::string_view input,
                                                                           std::string& error);

/// SQL LIKE matching (`%` any run, `_` one character, `\` escapes), ASCII case-insensitive.
[[nodiscard]] bool like_match(std::string_view pattern, std::string_view text);

}  // namespace sfq::mcp
