// cursor.hpp — the opaque `next_cursor` of a truncated result: which connection, which
// statement handle, the next row and the page size, so that fetch_results reads the next page
// of the same result (from Snowflake's result cache, without running the statement again).
//
// The text is base64url of a small JSON object with a version field, a '.', and base64url of
// an HMAC-SHA256 (truncated to 128 bits) of that text under a random key made when the server
// starts. Decoding checks the signature and every field, so a cursor an agent invented,
// altered (another handle, another offset) or kept from an earlier run of the server is refused
// as invalid params; an agent then runs the query again.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfq::mcp {

struct ResultCursor {
  std::string connection;
  std::string statement_handle;
  std::uint64_t offset = 0;     ///< the next row to return
  std::uint64_t page_size = 0;  ///< rows per page the agent asked for
};

[[nodiscard]] std::string encode_cursor(const ResultCursor& cursor);

/// The cursor, or nullopt with `error` saying what is wrong.
[[nodiscard]] std::optional<ResultCursor> decode_cursor(std::string_view text, std::string& error);

/// True when `handle` looks like a statement handle (letters, digits, '-' and '_', ≤ 128).
[[nodiscard]] bool valid_statement_handle(std::string_view handle);

}  // namespace sfq::mcp
