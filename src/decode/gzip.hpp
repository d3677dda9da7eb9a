// gzip.hpp (internal) — inflating gzip'd partition bodies with libdeflate.
//
// Partitions after the first arrive with `Content-Encoding: gzip` and stay compressed on the I/O
// thread; a decode worker inflates them here. libdeflate inflates whole buffers (about twice as
// fast as zlib), so the output is sized up front from partitionInfo's `uncompressedSize`; when
// that is missing or wrong the buffer grows and the member is inflated again, never past
// `max_size`. Every function is thread-safe (each thread keeps its own decompressor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

/// Inflated text owned by a decode worker: a heap buffer that is never zero-filled first (the
/// inflater writes every byte it reports; a std::string would be zeroed on resize), always
/// followed by a NUL so it can be parsed in place.
class TextBuffer {
 public:
  TextBuffer() = default;
  /// Room for `capacity` bytes plus the NUL; the contents are indeterminate until written.
  explicit TextBuffer(std::size_t capacity) : data_(new char[capacity + 1]), capacity_(capacity) {
    data_[0] = '\0';
  }
  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] const char* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_.get(), size_}; }
  /// Marks the first `size` bytes (≤ capacity) as the text and terminates it.
  void set_size(std::size_t size) noexcept {
    size_ = size;
    data_[size] = '\0';
  }
  /// A larger buffer holding the first `keep` bytes of this one (what follows them is the
  /// writer's to fill; set_size() then marks the text).
  void grow(std::size_t capacity, std::size_t keep);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// gunzip() into a TextBuffer: the same checks and errors, without zero-filling the output
/// (what a decode worker uses for partitions of many megabytes).
[[nodiscard]] Result<TextBuffer> gunzip_buffer(std::string_view compressed,
                                               std::uint64_t expected_size, std::uint64_t max_size);

}  // namespace sfq::detail
