// partition_stream.hpp (internal) — decoding one result partition as its body arrives, in
// slices of rows, so that neither the whole body nor its whole text nor all its columns are ever
// held at once.
//
// A later partition's body is `{"data":[[row],[row],...]}` (other top-level members allowed),
// gzip'd or not. PartitionStream is fed the body in pieces of any size. It inflates them
// (GzipStream, decode/gzip.hpp) into a window of about `slice_bytes`, finds where rows end with
// a small state machine (nesting depth, inside a string, after a backslash — all carried across
// pieces), and every time the window holds about `slice_bytes` of complete rows it
// decodes them with decode_owned_partition (decode/result_parser.hpp), wrapped as
// `{"data":[` rows `]}`, into one RowBatch. The rest of the body (everything but the rows of the
// `data` array) is kept aside and checked at the end by the same decoder, so a body is accepted
// or refused as decode_partition would, with the same words; and at the end the partition's
// row count is checked against its rowCount when that is known.
//
// The state machine reads whole blocks of 64 bytes at once where SSE2 is there: masks of the
// block's quotes, backslashes and brackets/braces/commas tell which quotes are escaped and which
// bytes lie inside strings without a branch per byte, and only the brackets, braces and commas
// outside strings are then taken one by one. What is left at the window's end (under 64 bytes)
// goes a byte at a time, with the same state.
//
// `skip_rows` drops the partition's first rows without decoding them: a fetch retried after some
// rows of the partition were already delivered starts the body again and goes on where the last
// attempt left off.
//
// Not thread-safe: one owner at a time (a decode job and its continuations run one after the
// other).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "sfq/error.hpp"
#include "sfq/value.hpp"

namespace sfq::detail {

class PartitionStream {
 public:
  /// About this much row text goes into one batch (a single larger row makes a larger one). Its
  /// window (this plus an eighth) stays just under TextBuffer::kMapBytes, so windows come from
  /// malloc, never mapped by TextBuffer itself; each one, once its rows are decoded, is the next
  /// (spare_), so its pages are faulted in once per partition rather than once per batch.
  static constexpr std::size_t kDefaultSliceBytes = std::size_t{896} << 10;

  struct Options {
    ColumnsPtr columns;
    std::size_t partition = 0;
    std::uint64_t first_row = 0;  ///< the partition's first row in the whole result
    /// The partition's rowCount, when partitionInfo gives it: checked at the end.
    std::optional<std::uint64_t> expected_rows;
    bool gzip = false;  ///< the body is gzip'd (Content-Encoding: gzip)
    std::uint64_t max_bytes = std::uint64_t{512} * 1024 * 1024;  ///< the inflated body's limit
    std::size_t slice_bytes = kDefaultSliceBytes;
    std::uint64_t skip_rows = 0;  ///< leading rows dropped (already delivered)
  };

  explicit PartitionStream(Options options);
  ~PartitionStream();
  PartitionStream(const PartitionStream&) = delete;
  PartitionStream& operator=(const PartitionStream&) = delete;

  /// Takes bytes from the front of `input` (removing them) until a batch is ready or `input` is
  /// used up. A batch, or nullopt when `input` is used up without completing one. Errors
  /// (ErrorCategory::protocol, naming the partition) end the stream.
  [[nodiscard]] Result<std::optional<RowBatch>> next(std::string_view& input);
  /// The body has ended: the last batch (nullopt when no rows were left), after checking the
  /// body's shape, that it did not end early, and its row count. Call repeatedly until it
  /// returns nullopt (a large remainder may still make more than one batch).
  [[nodiscard]] Result<std::optional<RowBatch>> finish();

  /// Rows handed out in batches so far (skipped rows not included).
  [[nodiscard]] std::uint64_t rows_delivered() const noexcept { return rows_delivered_; }
  /// Compressed (or identity) bytes taken so far.
  [[nodiscard]] std::uint64_t bytes_in() const noexcept { return bytes_in_; }

 private:
  enum class Phase : std::uint8_t { before_data, in_data, after_data };
  // What a byte inside a JSON string is: text, part of an escape (`\` and the byte after it),
  // or the closing quote.
  enum class StringByte : std::uint8_t { text, escape, end };

  // Takes one byte inside a string (in_string_): follows escapes, and leaves the string at its
  // closing quote.
  StringByte string_byte(char c) noexcept {
    if (escape_) {
      escape_ = false;
      return StringByte::escape;
    }
    if (c == '\\') {
      escape_ = true;
      return StringByte::escape;
    }
    if (c == '"') {
      in_string_ = false;
      return StringByte::end;
    }
    return StringByte::text;
  }

  // What a structural byte of the data array (outside strings) did.
  enum class DataStep : std::uint8_t {
    go_on,
    data_ends,  // the `]` that closes the data array
    stray_brace,
    missing_before_bracket,
    missing_before_comma,
  };
  // Bytes looked at together by scan_block.
  static constexpr std::size_t kBlock = 64;

  // Takes `[`, `]`, `{`, `}` or `,` of the data array, outside strings, at window offset i.
  DataStep data_structural(char c, std::size_t i);
  // The `]` that closes the data array, at window offset i.
  DataStep close_data(std::size_t i);
  // The error for a DataStep that refuses the body, at window offset i (scanned up to `end`).
  [[nodiscard]] Error data_error(DataStep step, std::size_t i, std::size_t end) const;
  // Scans the kBlock window bytes from `from`, inside the data array, by bit masks of the
  // block's quotes, backslashes and structural bytes: only the structural bytes outside strings
  // are then looked at one by one. On anything but go_on, `at` is the byte it stopped at.
  DataStep scan_block(const char* text, std::size_t from, std::size_t& at);

  // Fills the window from `input`; false when nothing could be added.
  Result<bool> fill_from(std::string_view& input);
  // Runs the state machine over window bytes [scan_, fill_).
  Status scan();
  // Whether a batch should be cut now (`ending`: the body is complete).
  [[nodiscard]] bool slice_ready(bool ending) const noexcept;
  // Cuts the rows before the last boundary into a batch; the rest moves to a new window.
  Result<std::optional<RowBatch>> cut();
  // Moves the kept bytes [keep_, fill_) to just after the prefix.
  void compact();
  Error error(const std::string& message) const;

  Options options_;
  std::unique_ptr<GzipStream> gzip_;
  TextBuffer window_;
  // The last slice's buffer once its rows are decoded, when it is a fresh window's size and not
  // mapped: the next window. Reused, its pages are not faulted in again for every batch (the
  // sfq executable maps every malloc block from 256 KiB on, src/cli/main.cpp).
  TextBuffer spare_;
  std::size_t fill_ = 0;      // bytes of the window in use
  std::size_t scan_ = 0;      // scanned up to here
  std::size_t keep_ = 0;      // row text kept from here (before: envelope or skipped rows)
  std::size_t boundary_ = 0;  // the last row boundary (`,` or the closing `]`); 0 = none
  std::size_t rows_before_boundary_ = 0;  // complete rows in [keep_, boundary_)
  std::size_t rows_pending_ = 0;          // complete rows in [keep_, scan_)

  // The state machine.
  Phase phase_ = Phase::before_data;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool row_content_ = false;  // a row has begun since the last boundary
  // Top level (depth 1), before the data array: is the next string a key, is it "data".
  bool expect_key_ = false;
  bool key_is_data_ = false;
  bool after_data_key_ = false;  // "data" and its ':' seen, the value comes next
  std::size_t key_length_ = 0;
  bool key_matches_ = false;

  std::string envelope_;  // the body without the data array's rows
  std::uint64_t rows_scanned_ = 0;
  std::uint64_t rows_delivered_ = 0;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t text_bytes_ = 0;
  std::size_t window_capacity_ = 0;  // a fresh window's size
  bool input_ended_ = false;
  bool checked_ = false;
  bool failed_ = false;
};

}  // namespace sfq::detail
