// gzip.cpp — gunzip() on libdeflate: whole-buffer inflate, grow-and-retry when the size hint is
// wrong, concatenated members, a hard cap on the output.
#include "decode/gzip.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace sfq::detail {
namespace {

// Deflate cannot expand data more than about 1032:1, so no size guess needs to exceed that; it
// keeps a corrupt size hint from allocating the whole cap at once.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::uint64_t kMinGuess = std::uint64_t{64} * 1024;
// The smallest gzip member: 10-byte header, an empty deflate block, 8-byte trailer.
constexpr std::size_t kMinMemberSize = 18;

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const noexcept { libdeflate_free_decompressor(d); }
};

// One decompressor per thread: allocating one costs more than inflating a small partition.
libdeflate_decompressor* thread_decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor(
      libdeflate_alloc_decompressor());
  return decompressor.get();
}

// ISIZE of the last member (the uncompressed size mod 2^32): a better guess than nothing.
std::uint64_t trailer_size(std::string_view data) noexcept {
  if (data.size() < kMinMemberSize) return 0;
  const auto* tail = reinterpret_cast<const unsigned char*>(data.data() + data.size() - 4);
  return static_cast<std::uint64_t>(tail[0]) | static_cast<std::uint64_t>(tail[1]) << 8 |
         static_cast<std::uint64_t>(tail[2]) << 16 | static_cast<std::uint64_t>(tail[3]) << 24;
}

Error protocol_error(std::string message) {
  return Error(ErrorCategory::protocol, std::move(message));
}

}  // namespace

bool is_gzip(std::string_view data) noexcept {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

void TextBuffer::grow(std::size_t capacity, std::size_t keep) {
  std::unique_ptr<char[]> larger(new char[capacity + 1]);
  if (keep > 0) std::memcpy(larger.get(), data_.get(), keep);
  data_ = std::move(larger);
  capacity_ = capacity;
  // Bytes past `keep` are the writer's until it calls set_size(), which terminates the text.
  size_ = std::min(size_, keep);
  if (size_ == keep) data_[size_] = '\0';
}

namespace {

// Where gunzip writes: a std::string (zero-filled by resize) or a TextBuffer (not).
struct StringOutput {
  std::string text;
  void reserve(std::size_t size) { text.resize(size); }
  char* data() { return text.data(); }
  [[nodiscard]] std::size_t capacity() const { return text.size(); }
  void grow(std::size_t size, std::size_t /*keep*/) { text.resize(size); }
  void finish(std::size_t produced) { text.resize(produced); }
};

struct BufferOutput {
  TextBuffer buffer;
  void reserve(std::size_t size) { buffer = TextBuffer(size); }
  char* data() { return buffer.data(); }
  [[nodiscard]] std::size_t capacity() const { return buffer.capacity(); }
  void grow(std::size_t size, std::size_t keep) { buffer.grow(size, keep); }
  void finish(std::size_t produced) { buffer.set_size(produced); }
};

template <typename Output>
Status inflate_into(std::string_view compressed, std::uint64_t expected_size,
                    std::uint64_t max_size, Output& out) {
  if (compressed.empty()) return protocol_error("gzip body is empty");
  if (!is_gzip(compressed)) return protocol_error("body is not gzip data (no gzip magic bytes)");
  libdeflate_decompressor* decompressor = thread_decompressor();
  if (decompressor == nullptr) {
    return protocol_error("cannot allocate a gzip decompressor");
  }

  const std::uint64_t ratio_cap = compressed.size() * kMaxDeflateRatio;
  std::uint64_t guess = expected_size != 0 ? expected_size : trailer_size(compressed);
  guess = std::max(guess, std::min<std::uint64_t>(kMinGuess, ratio_cap));
  guess = std::min({guess, ratio_cap, max_size});

  out.reserve(static_cast<std::size_t>(guess));
  std::size_t produced = 0;
  std::size_t consumed = 0;
  while (consumed < compressed.size()) {
    const std::string_view member = compressed.substr(consumed);
    if (consumed != 0 && !is_gzip(member)) {
      return protocol_error("corrupt gzip data: " + std::to_string(member.size()) +
                            " unexpected bytes after member ending at offset " +
                            std::to_string(consumed));
    }
    std::size_t in_used = 0;
    std::size_t out_used = 0;
    const libdeflate_result result = libdeflate_gzip_decompress_ex(
        decompressor, member.data(), member.size(), out.data() + produced,
        out.capacity() - produced, &in_used, &out_used);
    if (result == LIBDEFLATE_SUCCESS) {
      consumed += in_used;
      produced += out_used;
      continue;
    }
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
      if (out.capacity() >= max_size) {
        return protocol_error("gzip body inflates to more than the limit of " +
                              std::to_string(max_size) + " bytes");
      }
      const std::uint64_t grown =
          std::min<std::uint64_t>(std::max<std::uint64_t>(out.capacity() * 2, kMinGuess), max_size);
      out.grow(static_cast<std::size_t>(grown), produced);
      continue;  // inflate the same member again into the larger buffer
    }
    return protocol_error("corrupt gzip data in the member at offset " + std::to_string(consumed) +
                          " of " + std::to_string(compressed.size()) + " bytes");
  }
  out.finish(produced);
  return {};
}

}  // namespace

Result<std::string> gunzip(std::string_view compressed, std::uint64_t expected_size,
                           std::uint64_t max_size) {
  StringOutput out;
  if (Status status = inflate_into(compressed, expected_size, max_size, out); !status.ok()) {
    return status.error();
  }
  return std::move(out.text);
}

Result<TextBuffer> gunzip_buffer(std::string_view compressed, std::uint64_t expected_size,
                                 std::uint64_t max_size) {
  BufferOutput out;
  if (Status status = inflate_into(compressed, expected_size, max_size, out); !status.ok()) {
    return status.error();
  }
  return std::move(out.buffer);
}

}  // namespace sfq::detail
