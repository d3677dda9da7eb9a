// base64.hpp — base64 for the emulator's JWT checks (key fingerprints, token parts).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mock_snowflake::detail {

[[nodiscard]] std::string base64_encode(std::string_view data);  ///< standard, padded
/// Standard or URL-safe alphabet, padding optional; nullopt on a character outside both.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mock_snowflake::detail
