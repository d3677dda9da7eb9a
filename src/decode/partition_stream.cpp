// partition_stream.cpp — PartitionStream: a partition body in pieces → RowBatches of about
// slice_bytes of rows each (see the header).
#include "decode/partition_stream.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sfq::detail {
namespace {

// Every slice is decoded as `{"data":[` rows `]}`: the prefix sits at the window's start and the
// rows follow it; the closing `]}` is written over the boundary when the slice is cut.
constexpr std::string_view kPrefix = R"({"data":[)";
constexpr std::size_t kPrefixSize = kPrefix.size();
// Room at the end of the window for the closing `]}`.
constexpr std::size_t kTail = 2;
// The body's members other than the rows of `data` are kept for the final check, up to this.
constexpr std::size_t kMaxEnvelope = std::size_t{1} << 20;

// Bytes the state machine must look at inside the data array, outside strings.
constexpr std::array<bool, 256> kStructural = [] {
  std::array<bool, 256> table{};
  for (const unsigned char c : std::string_view("\"[]{},")) table[c] = true;
  return table;
}();

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

#if defined(__SSE2__)
// A block of 64 window bytes as bit masks: bit k stands for the block's byte k.
struct BlockMasks {
  std::uint64_t quotes = 0;       // `"`
  std::uint64_t backslashes = 0;  // `\`
  std::uint64_t structural = 0;   // `[`, `]`, `{`, `}` and `,`
};

BlockMasks classify(const char* p) noexcept {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  // `[` and `]` differ from `{` and `}` only in bit 5: with it set, one compare finds both.
  const __m128i bit5 = _mm_set1_epi8(0x20);
  BlockMasks masks;
  for (int k = 0; k < 4; ++k) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i folded = _mm_or_si128(bytes, bit5);
    const __m128i structural =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)),
                     _mm_cmpeq_epi8(bytes, comma));
    const auto bits = [](__m128i hits) {
      return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hits)));
    };
    masks.quotes |= bits(_mm_cmpeq_epi8(bytes, quote)) << (16 * k);
    masks.backslashes |= bits(_mm_cmpeq_epi8(bytes, backslash)) << (16 * k);
    masks.structural |= bits(structural) << (16 * k);
  }
  return masks;
}

// The bytes after a run of backslashes of odd length: the escaped ones that may matter (a quote
// there does not end its string; the backslashes a run escapes inside itself matter to no one).
// `carry` in: the block's first byte is escaped (the run before it was odd); out: the same for
// the next block.
//
// Adding a run's first bit to the mask carries through the run and lands on the byte after it;
// the run is odd when that byte's position and the run's start differ in parity. Runs starting
// at even and at odd positions are added separately so that each sum tells one parity.
std::uint64_t escaped_bytes(std::uint64_t backslashes, bool& carry) noexcept {
  constexpr std::uint64_t kEven = 0x5555555555555555ULL;  // bits 0, 2, 4, ...
  const std::uint64_t escaped_first = carry ? 1 : 0;
  const std::uint64_t runs = backslashes & ~escaped_first;  // an escaped backslash starts nothing
  const std::uint64_t starts = runs & ~(runs << 1);
  const std::uint64_t even_ends = (runs + (starts & kEven)) & ~runs;
  std::uint64_t odd_ends = 0;
  carry = __builtin_add_overflow(runs, starts & ~kEven, &odd_ends);  // odd start, 64 - s odd
  odd_ends &= ~runs;
  return escaped_first | (even_ends & ~kEven) | (odd_ends & kEven);
}

// The bytes inside strings — from an opening quote (included) to its closing quote (not) —
// given the quotes that open or close one and whether the block starts inside a string.
std::uint64_t string_bytes(std::uint64_t quotes, bool in_string) noexcept {
  std::uint64_t inside = quotes;  // bit k: the parity of the quotes at 0..k
  inside ^= inside << 1;
  inside ^= inside << 2;
  inside ^= inside << 4;
  inside ^= inside << 8;
  inside ^= inside << 16;
  inside ^= inside << 32;
  return in_string ? ~inside : inside;
}

// Whether [from, to) holds anything but whitespace.
bool has_content(const char* text, std::size_t from, std::size_t to) noexcept {
  for (; from < to; ++from) {
    if (!is_space(text[from])) return true;
  }
  return false;
}
#endif

}  // namespace

PartitionStream::PartitionStream(Options options) : options_(std::move(options)) {
  if (options_.slice_bytes < 64) options_.slice_bytes = 64;
  if (options_.gzip) gzip_ = std::make_unique<GzipStream>(options_.max_bytes);
  window_capacity_ = options_.slice_bytes + options_.slice_bytes / 8 + kPrefixSize + kTail;
  window_ = TextBuffer(window_capacity_);
  std::memcpy(window_.data(), kPrefix.data(), kPrefixSize);
  fill_ = scan_ = keep_ = kPrefixSize;
}

PartitionStream::~PartitionStream() = default;

Error PartitionStream::error(const std::string& message) const {
  return Error(ErrorCategory::protocol,
               "partition " + std::to_string(options_.partition) + ": " + message);
}

Result<bool> PartitionStream::fill_from(std::string_view& input) {
  const std::size_t room = window_.capacity() - kTail - fill_;
  if (room == 0 || input.empty()) return false;
  std::size_t added = 0;
  if (gzip_) {
    const std::size_t before = input.size();
    Result<std::size_t> written = gzip_->inflate(input, window_.data() + fill_, room);
    if (!written.ok()) return written.error();
    added = written.value();
    bytes_in_ += before - input.size();
    if (added == 0 && before == input.size()) return false;
  } else {
    added = std::min(room, input.size());
    if (text_bytes_ + added > options_.max_bytes) {
      return error("body is larger than the limit of " + std::to_string(options_.max_bytes) +
                   " bytes");
    }
    std::memcpy(window_.data() + fill_, input.data(), added);
    input.remove_prefix(added);
    bytes_in_ += added;
  }
  fill_ += added;
  text_bytes_ += added;
  return true;
}

// Called for every structural byte of every row: kept small enough to be inlined into both scans.
inline PartitionStream::DataStep PartitionStream::data_structural(char c, std::size_t i) {
  switch (c) {
    case '[':
    case '{':
      ++depth_;
      row_content_ = true;
      return DataStep::go_on;
    case '}':
      if (depth_ <= 2) return DataStep::stray_brace;
      --depth_;
      return DataStep::go_on;
    case ']':
      if (depth_ > 2) {
        --depth_;
        return DataStep::go_on;
      }
      return close_data(i);
    case ',':
      if (depth_ != 2) return DataStep::go_on;
      if (!row_content_) return DataStep::missing_before_comma;
      ++rows_scanned_;
      row_content_ = false;
      if (rows_scanned_ <= options_.skip_rows) {
        keep_ = i + 1;  // an already delivered row: dropped
      } else {
        ++rows_pending_;
        boundary_ = i;
        rows_before_boundary_ = rows_pending_;
      }
      return DataStep::go_on;
    default:
      return DataStep::go_on;
  }
}

PartitionStream::DataStep PartitionStream::close_data(std::size_t i) {
  // The last row (if any) ends here.
  if (!row_content_ && rows_scanned_ > 0) return DataStep::missing_before_bracket;
  depth_ = 1;
  phase_ = Phase::after_data;
  envelope_ += "[]";
  if (row_content_) {
    ++rows_scanned_;
    if (rows_scanned_ <= options_.skip_rows) {
      keep_ = i;
    } else {
      ++rows_pending_;
    }
  }
  row_content_ = false;
  boundary_ = i;
  rows_before_boundary_ = rows_pending_;
  return DataStep::data_ends;
}

Error PartitionStream::data_error(DataStep step, std::size_t i, std::size_t end) const {
  const std::string at = " at byte " + std::to_string(text_bytes_ - (end - i));
  switch (step) {
    case DataStep::stray_brace:
      return error("body is not valid JSON: unexpected `}`" + at);
    case DataStep::missing_before_bracket:
      return error("body is not valid JSON: a missing value before `]`" + at);
    case DataStep::missing_before_comma:
      return error("body is not valid JSON: a missing value before `,`" + at);
    case DataStep::go_on:
    case DataStep::data_ends:
      break;
  }
  return error("body is not valid JSON" + at);
}

#if defined(__SSE2__)
PartitionStream::DataStep PartitionStream::scan_block(const char* text, std::size_t from,
                                                      std::size_t& at) {
  const BlockMasks masks = classify(text + from);
  bool carry = escape_;
  const std::uint64_t escaped = escaped_bytes(masks.backslashes, carry);
  const std::uint64_t inside = string_bytes(masks.quotes & ~escaped, in_string_);
  std::uint64_t events = masks.structural & ~inside;
  // Between rows (depth 2), anything but whitespace begins a row: the bytes between two events
  // are looked at only then, which is rarely more than a newline.
  std::size_t gap = from;
  while (events != 0) {
    const std::size_t i = from + static_cast<std::size_t>(__builtin_ctzll(events));
    events &= events - 1;
    if (depth_ == 2 && !row_content_) row_content_ = has_content(text, gap, i);
    gap = i + 1;
    const DataStep step = data_structural(text[i], i);
    if (step != DataStep::go_on) {
      // An event is never inside a string, nor escaped.
      in_string_ = false;
      escape_ = false;
      at = i;
      return step;
    }
  }
  if (depth_ == 2 && !row_content_) row_content_ = has_content(text, gap, from + kBlock);
  in_string_ = (inside >> 63) != 0;
  // A backslash outside strings escapes nothing (it is not JSON: the decoder refuses it).
  escape_ = carry && in_string_;
  return DataStep::go_on;
}
#endif

Status PartitionStream::scan() {
  char* const text = window_.data();
  std::size_t i = scan_;
  const std::size_t end = fill_;
  while (i < end) {
    if (phase_ == Phase::in_data) {
      // The hot loop: rows of the data array (depth 2 = between rows).
#if defined(__SSE2__)
      // Whole blocks of 64 bytes by their masks; the rest a byte at a time below.
      while (i + kBlock <= end) {
        std::size_t at = 0;
        const DataStep step = scan_block(text, i, at);
        if (step == DataStep::go_on) {
          i += kBlock;
          continue;
        }
        if (step != DataStep::data_ends) return data_error(step, at, end);
        i = at + 1;
        goto next_phase;
      }
#endif
      for (; i < end; ++i) {
#if defined(__SSE2__)
        if (in_string_ && !escape_) {
          // Inside a string only `"` and `\` matter: skip 16 bytes at a time to the next one.
          const __m128i quote = _mm_set1_epi8('"');
          const __m128i backslash = _mm_set1_epi8('\\');
          while (i + 16 <= end) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
            const int hits = _mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
            if (hits != 0) {
              i += static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
              break;
            }
            i += 16;
          }
          if (i >= end) break;
        }
#endif
        const char c = text[i];
        if (in_string_) {
          (void)string_byte(c);
          continue;
        }
        if (!kStructural[static_cast<unsigned char>(c)]) {
          if (depth_ == 2 && !is_space(c)) row_content_ = true;
          continue;
        }
        if (c == '"') {
          in_string_ = true;
          row_content_ = true;
          continue;
        }
        const DataStep step = data_structural(c, i);
        if (step == DataStep::go_on) continue;
        if (step != DataStep::data_ends) return data_error(step, i, end);
        ++i;
        goto next_phase;
      }
      break;
    }
  next_phase:
    if (i >= end) break;
    // Outside the data array: everything goes to the envelope, checked at the end.
    const std::size_t from = i;
    for (; i < end && phase_ != Phase::in_data; ++i) {
      const char c = text[i];
      if (in_string_) {
        const StringByte kind = string_byte(c);
        if (!expect_key_ || kind == StringByte::escape) continue;
        if (kind == StringByte::end) {
          expect_key_ = false;
          key_is_data_ = key_matches_ && key_length_ == 4;
        } else {
          key_matches_ = key_matches_ && key_length_ < 4 && c == "data"[key_length_];
          ++key_length_;
        }
        continue;
      }
      if (is_space(c)) continue;
      if (phase_ == Phase::before_data && depth_ == 1 && after_data_key_) {
        after_data_key_ = false;
        if (c == '[') {
          // The rows start after this bracket.
          envelope_.append(text + from, i - from);
          phase_ = Phase::in_data;
          depth_ = 2;
          keep_ = i + 1;
          row_content_ = false;
          ++i;
          break;
        }
      }
      switch (c) {
        case '"':
          in_string_ = true;
          if (depth_ == 1 && expect_key_) {
            key_length_ = 0;
            key_matches_ = true;
          }
          break;
        case '{':
        case '[':
          ++depth_;
          expect_key_ = depth_ == 1 && c == '{';
          break;
        case '}':
        case ']':
          --depth_;
          break;
        case ',':
          expect_key_ = depth_ == 1;
          break;
        case ':':
          if (depth_ == 1 && key_is_data_) after_data_key_ = true;
          key_is_data_ = false;
          break;
        default:
          break;
      }
    }
    if (phase_ != Phase::in_data) {
      envelope_.append(text + from, i - from);
      if (phase_ == Phase::before_data) keep_ = i;
    }
    if (envelope_.size() > kMaxEnvelope) {
      return error("the body's members other than `data` exceed " + std::to_string(kMaxEnvelope) +
                   " bytes");
    }
  }
  scan_ = i;
  if (phase_ == Phase::after_data && boundary_ == 0) {
    // Nothing of the rows is left in the window: only envelope bytes, already kept aside.
    fill_ = scan_ = keep_ = kPrefixSize;
  }
  return {};
}

bool PartitionStream::slice_ready(bool ending) const noexcept {
  if (boundary_ == 0) return false;
  if (ending || phase_ == Phase::after_data) return true;
  return boundary_ - keep_ >= options_.slice_bytes;
}

void PartitionStream::compact() {
  if (keep_ <= kPrefixSize) return;
  const std::size_t shift = keep_ - kPrefixSize;
  std::memmove(window_.data() + kPrefixSize, window_.data() + keep_, fill_ - keep_);
  fill_ -= shift;
  scan_ -= shift;
  if (boundary_ != 0) boundary_ -= shift;
  keep_ = kPrefixSize;
}

Result<std::optional<RowBatch>> PartitionStream::cut() {
  compact();
  const std::size_t boundary = boundary_;
  const std::size_t rows = rows_before_boundary_;
  boundary_ = 0;
  rows_before_boundary_ = 0;
  rows_pending_ -= rows;
  // The next window: the prefix, then what follows the boundary (the next rows, in part).
  const std::size_t needed = std::max(window_capacity_, fill_ - boundary + kPrefixSize + kTail);
  TextBuffer next =
      spare_.capacity() >= needed ? std::exchange(spare_, TextBuffer()) : TextBuffer(needed);
  std::memcpy(next.data(), kPrefix.data(), kPrefixSize);
  std::size_t carried = 0;
  if (phase_ == Phase::in_data) {
    carried = fill_ - (boundary + 1);
    std::memcpy(next.data() + kPrefixSize, window_.data() + boundary + 1, carried);
  }
  const std::size_t scanned_after = phase_ == Phase::in_data ? scan_ - (boundary + 1) : 0;
  TextBuffer slice = std::exchange(window_, std::move(next));
  fill_ = kPrefixSize + carried;
  scan_ = kPrefixSize + scanned_after;
  keep_ = kPrefixSize;
  if (rows == 0) return std::optional<RowBatch>();
  slice.data()[boundary] = ']';
  slice.data()[boundary + 1] = '}';
  slice.set_size(boundary + 2);
  Result<RowBatch> batch =
      decode_partition_in(slice, options_.columns, options_.partition,
                          options_.first_row + options_.skip_rows + rows_delivered_, rows);
  if (!slice.mapped() && slice.capacity() == window_capacity_) spare_ = std::move(slice);
  if (!batch.ok()) {
    failed_ = true;
    return batch.error();
  }
  rows_delivered_ += batch.value().rows;
  return std::optional<RowBatch>(std::move(batch).value());
}

Result<std::optional<RowBatch>> PartitionStream::next(std::string_view& input) {
  if (failed_) return error("the stream already failed");
  const auto fail = [this](Error e) -> Result<std::optional<RowBatch>> {
    failed_ = true;
    return e;
  };
  while (true) {
    if (slice_ready(false)) {
      Result<std::optional<RowBatch>> batch = cut();
      if (!batch.ok() || batch.value().has_value()) return batch;
      continue;  // only skipped rows were cut
    }
    if (input.empty()) return std::optional<RowBatch>();
    if (fill_ + kTail >= window_.capacity()) {
      if (keep_ > kPrefixSize) {
        compact();
      } else if (boundary_ != 0) {
        Result<std::optional<RowBatch>> batch = cut();
        if (!batch.ok() || batch.value().has_value()) return batch;
      } else {
        // One row longer than the window: make room for it.
        window_.grow(window_.capacity() * 2, fill_);
      }
      continue;
    }
    Result<bool> added = fill_from(input);
    if (!added.ok()) return fail(added.error());
    if (!added.value()) {
      if (input.empty()) return std::optional<RowBatch>();
      return fail(error("the inflater made no progress"));
    }
    if (Status status = scan(); !status.ok()) return fail(status.error());
  }
}

Result<std::optional<RowBatch>> PartitionStream::finish() {
  if (failed_) return error("the stream already failed");
  const auto fail = [this](Error e) -> Result<std::optional<RowBatch>> {
    failed_ = true;
    return e;
  };
  if (!input_ended_) {
    input_ended_ = true;
    if (gzip_) {
      if (Status status = gzip_->finish(); !status.ok()) return fail(status.error());
    } else if (text_bytes_ == 0) {
      return fail(error("body is empty"));
    }
    if (phase_ == Phase::in_data) {
      return fail(error("the body ends inside the `data` array (truncated after " +
                        std::to_string(text_bytes_) + " bytes)"));
    }
  }
  if (boundary_ != 0) {
    Result<std::optional<RowBatch>> batch = cut();
    if (!batch.ok() || batch.value().has_value()) return batch;
  }
  if (checked_) return std::optional<RowBatch>();
  checked_ = true;
  // Everything but the rows, with an empty data array where they were: the decoder accepts or
  // refuses it as it would the whole body.
  Result<RowBatch> shape =
      decode_partition(envelope_, options_.columns, options_.partition, options_.first_row);
  std::string().swap(envelope_);
  if (!shape.ok()) return fail(shape.error());
  const std::uint64_t rows = options_.skip_rows + rows_delivered_;
  if (options_.expected_rows && rows != *options_.expected_rows) {
    return fail(error("the body holds " + std::to_string(rows) + " rows, but partitionInfo says " +
                      std::to_string(*options_.expected_rows) + " (rowCount)"));
  }
  return std::optional<RowBatch>();
}

}  // namespace sfq::detail
