// gzip.hpp (internal) — inflating gzip'd partition bodies with libdeflate.
//
// Partitions after the first arrive with `Content-Encoding: gzip` and stay compressed on the I/O
// thread; a decode worker inflates them here. libdeflate inflates whole buffers (about twice as
// fast as zlib), so the output is sized up front from partitionInfo's `uncompressedSize`; when
// that is missing or wrong the buffer grows and the member is inflated again, never past
// `max_size`. Every function is thread-safe (each thread keeps its own decompressor).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq::detail {

/// True when `data` starts with the gzip magic bytes (1f 8b).
[[nodiscard]] bool is_gzip(std::string_view data) noexcept;

/// Inflates gzip data: one member or several concatenated (RFC 1952 §2.2). `expected_size` is the
/// uncompressed size when known (0 = unknown); the output never exceeds `max_size` bytes.
/// Errors (ErrorCategory::protocol): empty or non-gzip input, corrupt or truncated data, output
/// larger than `max_size`.
[[nodiscard]] Result<std::string> gunzip(std::string_view compressed, std::uint64_t expected_size,
                                         std::uint64_t max_size);

}  // namespace sfq::detail
