// sha256.hpp — SHA-256 for the emulator's public-key fingerprints (OpenSSL).
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace mock_snowflake::detail {

[[nodiscard]] std::string sha256(std::string_view data);  ///< raw 32 bytes

}  // namespace mock_snowflake::detail
