// gzip.hpp (internal) — inflating gzip'd response bodies: whole buffers with libdeflate, and
// streams in pieces with ISA-L (GzipStream).
//
// Partitions after the first arrive with `Content-Encoding: gzip` and stay compressed on the I/O
// thread; a decode worker inflates them. Small whole bodies (the first response, status bodies)
// go through gunzip(): libdeflate inflates whole buffers, so the output is sized up front (from
// a hint, else the trailer); when that is wrong the buffer grows and the member is inflated
// again, never past `max_size`. Partitions go through GzipStream (decode/partition_stream.hpp):
// ISA-L's inflater takes the body in pieces and writes into a small window, so neither the whole
// compressed body nor its whole text has to be held (and it inflates faster than libdeflate
// here). Every function is thread-safe (each thread keeps its own libdeflate decompressor).
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

/// Inflated text owned by a decode worker: a buffer that is never zero-filled first (the
/// inflater writes every byte it reports; a std::string would be zeroed on resize), always
/// followed by a NUL so it can be parsed in place. Buffers of kMapBytes or more are mapped from
/// the system directly rather than taken from malloc: growing one remaps it without a copy,
/// freeing one returns it to the system at once (whatever malloc's thresholds), and the decoder
/// hands back the pages of text it has finished with while it parses (release_before), so that a
/// partition does not hold its whole text and its whole columns at the same time.
class TextBuffer {
 public:
  /// Buffers from this size on are mapped (smaller ones come from malloc).
  static constexpr std::size_t kMapBytes = std::size_t{1} << 20;

  TextBuffer() = default;
  /// Room for `capacity` bytes plus the NUL; the contents are indeterminate until written.
  explicit TextBuffer(std::size_t capacity);
  TextBuffer(TextBuffer&& other) noexcept;
  TextBuffer& operator=(TextBuffer&& other) noexcept;
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;
  ~TextBuffer();

  [[nodiscard]] char* data() noexcept { return data_; }
  [[nodiscard]] const char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_, size_}; }
  /// True when the buffer is mapped (release_before can give pages back).
  [[nodiscard]] bool mapped() const noexcept { return mapped_bytes_ != 0; }
  /// Marks the first `size` bytes (≤ capacity) as the text and terminates it.
  void set_size(std::size_t size) noexcept {
    size_ = size;
    data_[size] = '\0';
  }
  /// A larger buffer holding the first `keep` bytes of this one (what follows them is the
  /// writer's to fill; set_size() then marks the text).
  void grow(std::size_t capacity, std::size_t keep);
  /// Gives the whole pages before `end` (a pointer into the buffer) back to the system: the
  /// caller promises never to read those bytes again. A mapped buffer's pages read as zero
  /// afterwards; an unmapped buffer is left as it is. Returns the bytes given back.
  std::size_t release_before(const char* end) noexcept;

 private:
  void reset() noexcept;

  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t mapped_bytes_ = 0;  // the mapping's length; 0 = from malloc (or empty)
  std::size_t released_ = 0;      // bytes from data_ already given back
};

/// Inflates gzip data given in pieces of any size (ISA-L's streaming inflater): one member or
/// several concatenated. The same kinds of errors as gunzip() (ErrorCategory::protocol): not gzip,
/// corrupt data, a body that ends inside a member (finish()), output past `max_size`. After an
/// error the stream stays failed. Not thread-safe; one per body.
class GzipStream {
 public:
  explicit GzipStream(std::uint64_t max_size);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  /// Inflates from the front of `input` into `out` (at most `room` bytes), removing what it
  /// consumed from `input`; returns the bytes written. It stops when `input` is used up or `out`
  /// is full, so call again while either has something left.
  [[nodiscard]] Result<std::size_t> inflate(std::string_view& input, char* out, std::size_t room);
  /// The body ended: an error unless it ended right after a complete member.
  [[nodiscard]] Status finish() const;
  [[nodiscard]] std::uint64_t bytes_in() const noexcept { return in_total_; }
  [[nodiscard]] std::uint64_t bytes_out() const noexcept { return out_total_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint64_t max_size_;
  std::uint64_t in_total_ = 0;
  std::uint64_t out_total_ = 0;
  std::uint64_t member_start_ = 0;  // input offset of the current member
  bool member_done_ = false;        // the last member ended; the next byte starts a new one
  bool started_ = false;            // any member begun
  std::string error_;               // set once failed
};

/// gunzip() into a TextBuffer: the same checks and errors, without zero-filling the output
/// (what a decode worker uses for partitions of many megabytes).
[[nodiscard]] Result<TextBuffer> gunzip_buffer(std::string_view compressed,
                                               std::uint64_t expected_size, std::uint64_t max_size);

}  // namespace sfq::detail
