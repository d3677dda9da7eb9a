// util.hpp — leaf helpers of the emulator: identifiers, encodings, gzip, JSON text, time.
//
// All functions are thread-safe (random identifiers use a per-thread generator).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mock_snowflake::detail {

/// A random RFC 4122 version-4 UUID, lowercase ("9c8671e3-9d0a-47a3-998e-9f01472d6435").
[[nodiscard]] std::string make_uuid();

/// A statement handle shaped like the real ones ("01bc2a3f-0000-4a1b-0000-0001a2b3c4d5"); the
/// last group carries a process-wide sequence number so handles never repeat.
[[nodiscard]] std::string make_statement_handle();

/// gzip (RFC 1952) of `data`.
[[nodiscard]] std::string gzip(std::string_view data);
/// Inflates a gzip or zlib stream; nullopt when it is not one.
[[nodiscard]] std::optional<std::string> gunzip(std::string_view data);

[[nodiscard]] std::string base64_encode(std::string_view data);  ///< standard, padded
/// Standard or URL-safe alphabet, padding optional; nullopt on a character outside both.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);
[[nodiscard]] std::string sha256(std::string_view data);  ///< raw 32 bytes

/// Appends `text` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view text);

/// Milliseconds since the epoch (the `createdOn` field).
[[nodiscard]] std::int64_t now_ms();

}  // namespace mock_snowflake::detail
