// gzip.cpp — gunzip() on libdeflate: whole-buffer inflate, grow-and-retry when the size hint is
// wrong, concatenated members, a hard cap on the output; GzipStream on ISA-L's streaming
// inflater; TextBuffer, mapped for large texts.
#include "decode/gzip.hpp"

#include <isa-l/igzip_lib.h>
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
  // The caller's hint, else the trailer's ISIZE, which is exact for the usual single member: a
  // small answer gets a buffer its size, not a zero-filled 64 KiB one (whose memset and large
  // allocation cost a third as much as inflating `select 1`'s answer). With neither, or a
  // multi-member body, the buffer grows.
  std::uint64_t guess = expected_size != 0 ? expected_size : trailer_size(compressed);
  if (guess == 0) guess = std::min<std::uint64_t>(kMinGuess, ratio_cap);
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

struct GzipStream::State {
  inflate_state inflater;
};

GzipStream::GzipStream(std::uint64_t max_size)
    : state_(std::make_unique<State>()), max_size_(max_size) {
  isal_inflate_init(&state_->inflater);
  state_->inflater.crc_flag = ISAL_GZIP;
}

GzipStream::~GzipStream() = default;

Result<std::size_t> GzipStream::inflate(std::string_view& input, char* out, std::size_t room) {
  if (!error_.empty()) return protocol_error(error_);
  const auto failed = [this](std::string message) -> Result<std::size_t> {
    error_ = std::move(message);
    return protocol_error(error_);
  };
  std::size_t written = 0;
  inflate_state& s = state_->inflater;
  while (!input.empty() && written < room) {
    if (member_done_) {
      // Another member follows (RFC 1952 §2.2): it must start with the magic bytes. Its header
      // is checked by the inflater; a first byte that cannot start one is rejected here.
      if (static_cast<unsigned char>(input.front()) != 0x1f) {
        return failed("corrupt gzip data: " + std::to_string(input.size()) +
                      " unexpected bytes after member ending at offset " +
                      std::to_string(in_total_));
      }
      isal_inflate_reset(&s);
      s.crc_flag = ISAL_GZIP;
      member_done_ = false;
      member_start_ = in_total_;
    }
    if (!started_) {
      started_ = true;
      if (static_cast<unsigned char>(input.front()) != 0x1f ||
          (input.size() >= 2 && static_cast<unsigned char>(input[1]) != 0x8b)) {
        return failed("body is not gzip data (no gzip magic bytes)");
      }
    }
    // ISA-L counts in 32 bits: feed and fill at most 1 GiB at a time.
    constexpr std::size_t kStep = std::size_t{1} << 30;
    std::size_t allowed = std::min(room - written, kStep);
    if (out_total_ + allowed > max_size_ + 1) {
      allowed = static_cast<std::size_t>(max_size_ + 1 - out_total_);
    }
    const std::size_t in_size = std::min(input.size(), kStep);
    s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(input.data()));
    s.avail_in = static_cast<std::uint32_t>(in_size);
    s.next_out = reinterpret_cast<std::uint8_t*>(out + written);
    s.avail_out = static_cast<std::uint32_t>(allowed);
    const int rc = isal_inflate(&s);
    const std::size_t used = in_size - s.avail_in;
    const std::size_t produced = allowed - s.avail_out;
    input.remove_prefix(used);
    in_total_ += used;
    written += produced;
    out_total_ += produced;
    if (rc != ISAL_DECOMP_OK) {
      return failed("corrupt gzip data in the member at offset " + std::to_string(member_start_) +
                    (rc == ISAL_INCORRECT_CHECKSUM ? " (checksum mismatch)" : ""));
    }
    if (out_total_ > max_size_) {
      return failed("gzip body inflates to more than the limit of " + std::to_string(max_size_) +
                    " bytes");
    }
    if (s.block_state == ISAL_BLOCK_FINISH) {
      member_done_ = true;
    } else if (used == 0 && produced == 0) {
      break;  // needs more input than a piece holds (a header split across pieces)
    }
  }
  return written;
}

Status GzipStream::finish() const {
  if (!error_.empty()) return protocol_error(error_);
  if (!started_) return protocol_error("gzip body is empty");
  if (!member_done_) {
    return protocol_error("corrupt gzip data in the member at offset " +
                          std::to_string(member_start_) + ": the body ends inside it (truncated)");
  }
  return {};
}

}  // namespace sfq::detail
