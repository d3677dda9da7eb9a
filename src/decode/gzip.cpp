// gzip.cpp — gunzip() on libdeflate: whole-buffer inflate, grow-and-retry when the size hint is
// wrong, concatenated members, a hard cap on the output; TextBuffer, mapped for large texts.
#include "decode/gzip.hpp"

#include <libdeflate.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

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

namespace {

std::size_t page_size() noexcept {
  static const std::size_t size = [] {
    const long value = ::sysconf(_SC_PAGESIZE);
    return value > 0 ? static_cast<std::size_t>(value) : std::size_t{4096};
  }();
  return size;
}

std::size_t round_up_to_page(std::size_t bytes) noexcept {
  const std::size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

}  // namespace

TextBuffer::TextBuffer(std::size_t capacity) : capacity_(capacity) {
  if (capacity + 1 >= kMapBytes) {
    const std::size_t length = round_up_to_page(capacity + 1);
    void* mapping =
        ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<char*>(mapping);
    mapped_bytes_ = length;
  } else {
    data_ = new char[capacity + 1];
  }
  data_[0] = '\0';
}

TextBuffer::TextBuffer(TextBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_bytes_(std::exchange(other.mapped_bytes_, 0)),
      released_(std::exchange(other.released_, 0)) {}

TextBuffer& TextBuffer::operator=(TextBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    mapped_bytes_ = std::exchange(other.mapped_bytes_, 0);
    released_ = std::exchange(other.released_, 0);
  }
  return *this;
}

TextBuffer::~TextBuffer() { reset(); }

void TextBuffer::reset() noexcept {
  if (data_ == nullptr) return;
  if (mapped_bytes_ != 0) {
    ::munmap(data_, mapped_bytes_);
  } else {
    delete[] data_;
  }
  data_ = nullptr;
  size_ = capacity_ = mapped_bytes_ = released_ = 0;
}

void TextBuffer::grow(std::size_t capacity, std::size_t keep) {
  const std::size_t kept = std::min(size_, keep);
  if (mapped_bytes_ != 0 && released_ == 0) {
    // The kernel moves the pages: no copy, and no second buffer while it does.
    const std::size_t length = round_up_to_page(capacity + 1);
    void* mapping = ::mremap(data_, mapped_bytes_, length, MREMAP_MAYMOVE);
    if (mapping == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<char*>(mapping);
    mapped_bytes_ = length;
    capacity_ = capacity;
  } else {
    TextBuffer larger(capacity);
    if (keep > 0) std::memcpy(larger.data_, data_, keep);
    *this = std::move(larger);
  }
  // Bytes past `keep` are the writer's until it calls set_size(), which terminates the text.
  size_ = kept;
  if (size_ == keep) data_[size_] = '\0';
}

std::size_t TextBuffer::release_before(const char* end) noexcept {
  if (mapped_bytes_ == 0 || end < data_ || end > data_ + capacity_) return 0;
  const std::size_t page = page_size();
  const auto upto = static_cast<std::size_t>(end - data_) / page * page;
  if (upto <= released_) return 0;
  if (::madvise(data_ + released_, upto - released_, MADV_DONTNEED) != 0) return 0;
  const std::size_t given = upto - released_;
  released_ = upto;
  return given;
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
