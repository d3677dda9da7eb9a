// gzip.hpp — gzip for the emulator's response bodies and partitions (ISA-L; zlib inflates).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mock_snowflake::detail {

/// gzip (RFC 1952) of `data`.
[[nodiscard]] std::string gzip(std::string_view data);
/// Inflates a gzip or zlib stream; nullopt when it is not one.
[[nodiscard]] std::optional<std::string> gunzip(std::string_view data);

}  // namespace mock_snowflake::detail
