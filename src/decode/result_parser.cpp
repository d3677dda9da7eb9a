// result_parser.cpp — ResultSet metadata through a RapidJSON DOM (it is small and its field order
// varies), partition rows through RapidJSON's SAX reader; both feed the same RowDecoder, which
// hands every cell to a ColumnBuilder.
#include "decode/result_parser.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>

#include "decode/column_builder.hpp"
#include "decode/partition_scanner.hpp"
#include "util/text.hpp"

namespace sfq::detail {
namespace {

// Numbers are read as their text: exact for cells, and metadata integers accept both 4 and "4".
// Iterative parsing: no nesting depth in a body can exhaust the stack.
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

Error protocol_error(std::string message) {
  return Error(ErrorCategory::protocol, std::move(message));
}

// Rows of one partition → a RowBatch, cell by cell, for the DOM and the SAX path alike. The first
// error stops decoding and is kept.
class RowDecoder {
 public:
  RowDecoder(const ColumnsPtr& columns, std::size_t partition, std::uint64_t first_row)
      : partition_(partition) {
    batch_.partition = partition;
    batch_.first_row = first_row;
    if (columns) {
      batch_.columns.reserve(columns->size());
      for (const auto& meta : *columns) batch_.columns.emplace_back(meta);
    }
    // Builders refer to the columns: the vector is complete before the first builder exists.
    builders_.reserve(batch_.columns.size());
    for (std::size_t i = 0; i < batch_.columns.size(); ++i) {
      builders_.emplace_back(batch_.columns[i], i);
    }
  }

  void reserve(std::size_t rows) {
    for (auto& builder : builders_) builder.reserve(rows);
  }
  [[nodiscard]] std::size_t width() const noexcept { return builders_.size(); }
  /// Shares `bytes` of text room among the columns kept as text.
  void reserve_text(std::size_t bytes) {
    const auto text_columns = static_cast<std::size_t>(std::count_if(
        builders_.begin(), builders_.end(), [](const ColumnBuilder& b) { return b.text_typed(); }));
    if (text_columns == 0) return;
    for (auto& builder : builders_) builder.reserve_text(bytes / text_columns);
  }

  /// The partition scanner appends to the builders itself, then reports the complete rows;
  /// what it appended of a row it stopped inside is dropped.
  std::vector<ColumnBuilder>& builders() noexcept { return builders_; }
  void scanned(std::size_t rows) {
    batch_.rows += rows;
    for (auto& builder : builders_) builder.truncate(batch_.rows);
  }

  bool begin_row() {
    column_ = 0;
    return true;
  }

  bool cell(std::string_view text) {
    if (!check_width()) return false;
    Status status = builders_[column_].append(text, result_row());
    if (!status.ok()) return fail(status.error().message());
    ++column_;
    return true;
  }

  bool null_cell() {
    if (!check_width()) return false;
    builders_[column_++].append_null();
    return true;
  }

  bool end_row() {
    if (column_ != builders_.size()) return wrong_width(column_);
    ++batch_.rows;
    return true;
  }

  bool fail(const std::string& message) {
    if (!error_) {
      error_ = protocol_error("partition " + std::to_string(partition_) + ": " + message);
    }
    return false;
  }

  [[nodiscard]] std::uint64_t result_row() const noexcept { return batch_.first_row + batch_.rows; }
  [[nodiscard]] const std::optional<Error>& error() const noexcept { return error_; }
  RowBatch finish() { return std::move(batch_); }

 private:
  bool check_width() { return column_ < builders_.size() ? true : wrong_width(column_ + 1); }

  bool wrong_width(std::size_t cells) {
    return fail("row " + std::to_string(result_row()) + " has " +
                (cells > builders_.size() ? "more than " + std::to_string(builders_.size())
                                          : std::to_string(cells)) +
                " cells, expected " + std::to_string(builders_.size()));
  }

  std::size_t partition_;
  RowBatch batch_;
  std::vector<ColumnBuilder> builders_;
  std::size_t column_ = 0;
  std::optional<Error> error_;
};

// ---- SAX: later partitions -------------------------------------------------------------------

// `{"data":[[cell,...],...]}`; every other member is skipped whatever it holds.
class PartitionHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PartitionHandler> {
 public:
  /// `resumed`: the text starts with kResumePrefix, whose one empty row stands for the rows the
  /// partition scanner read and is not a row of the result.
  PartitionHandler(RowDecoder& rows, bool resumed) : rows_(rows), phantom_row_(resumed) {}

  bool Null() { return scalar(std::nullopt); }
  bool Bool(bool value) { return scalar(value ? "true" : "false"); }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    last_text_ = text;
    return scalar(std::string_view(text, length));
  }
  // With kParseNumbersAsStringsFlag numbers arrive here (via the base class) as their text.
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (skip_depth_ == 0 && state_ == State::in_root) {
      next_is_data_ = std::string_view(text, length) == "data";
    }
    return true;
  }

  bool StartObject() {
    if (skip_depth_ > 0) return ++skip_depth_, true;
    switch (state_) {
      case State::before_root:
        state_ = State::in_root;
        return true;
      case State::in_root:
        if (next_is_data_) return rows_.fail("`data` is not an array");
        skip_depth_ = 1;
        return true;
      case State::in_data:
        return not_a_row();
      case State::in_row:
        return rows_.fail("row " + std::to_string(rows_.result_row()) +
                          " has an object where a cell belongs");
      case State::after_root:
        break;
    }
    return rows_.fail("unexpected object after the body");
  }

  bool EndObject(rapidjson::SizeType /*members*/) {
    if (skip_depth_ > 0) return --skip_depth_, true;
    state_ = State::after_root;
    return true;
  }

  bool StartArray() {
    if (skip_depth_ > 0) return ++skip_depth_, true;
    switch (state_) {
      case State::before_root:
        return rows_.fail("body is not a JSON object");
      case State::in_root:
        if (!next_is_data_) {
          skip_depth_ = 1;
          return true;
        }
        if (data_seen_) return rows_.fail("`data` appears twice");
        data_seen_ = true;
        next_is_data_ = false;
        state_ = State::in_data;
        return true;
      case State::in_data:
        state_ = State::in_row;
        return rows_.begin_row();
      case State::in_row:
        return rows_.fail("row " + std::to_string(rows_.result_row()) +
                          " has an array where a cell belongs");
      case State::after_root:
        break;
    }
    return rows_.fail("unexpected array after the body");
  }

  bool EndArray(rapidjson::SizeType /*elements*/) {
    if (skip_depth_ > 0) return --skip_depth_, true;
    if (state_ == State::in_row) {
      state_ = State::in_data;
      if (phantom_row_) {
        phantom_row_ = false;
        return true;
      }
      if (text_ != nullptr && last_text_ - released_to_ >= kReleaseStep) release_text();
      return rows_.end_row();
    }
    state_ = State::in_root;  // the end of `data`
    return true;
  }

  [[nodiscard]] bool data_seen() const noexcept { return data_seen_; }

  /// Parsing `text` in place: the text before the last cell read is dead (in-situ parsing writes
  /// each string where it starts, and the builders copied every earlier cell), so its pages are
  /// handed back as parsing goes.
  void release_as_parsed(TextBuffer& text, const char* from) noexcept {
    text_ = &text;
    released_to_ = from;
    last_text_ = from;
  }

 private:
  // Pages are handed back in steps of this many bytes: few system calls, little held.
  static constexpr std::ptrdiff_t kReleaseStep = std::ptrdiff_t{1} << 20;

  void release_text() noexcept {
    text_->release_before(last_text_);
    released_to_ = last_text_;
  }
  enum class State { before_root, in_root, in_data, in_row, after_root };

  bool scalar(std::optional<std::string_view> text) {
    if (skip_depth_ > 0) return true;
    switch (state_) {
      case State::before_root:
        return rows_.fail("body is not a JSON object");
      case State::in_root:
        if (next_is_data_) {
          if (text) return rows_.fail("`data` is not an array");
          data_seen_ = true;  // "data": null — no rows
          next_is_data_ = false;
        }
        return true;
      case State::in_data:
        return not_a_row();
      case State::in_row:
        return text ? rows_.cell(*text) : rows_.null_cell();
      case State::after_root:
        break;
    }
    return rows_.fail("unexpected value after the body");
  }

  bool not_a_row() {
    return rows_.fail("row " + std::to_string(rows_.result_row()) + " is not an array");
  }

  RowDecoder& rows_;
  TextBuffer* text_ = nullptr;
  const char* released_to_ = nullptr;
  const char* last_text_ = nullptr;
  State state_ = State::before_root;
  bool next_is_data_ = false;
  bool data_seen_ = false;
  bool phantom_row_ = false;
  int skip_depth_ = 0;
};

// Where the scanner stopped after some rows, RapidJSON goes on: these bytes, written just before
// that point (over text already read), put the reader in the state it would have reached there
// (inside `data`, after a row), and the handler in the matching one.
constexpr std::string_view kResumePrefix = R"({"data":[[])";

// ---- DOM: the ResultSet metadata ---------------------------------------------------------------

using Value = rapidjson::Value;

// Reads typed fields out of DOM objects, remembering the first field that has the wrong type.
class FieldReader {
 public:
  const Value* member(const Value& object, const char* key) {
    if (!object.IsObject()) return nullptr;
    const auto it = object.FindMember(key);
    return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }

  std::string string(const Value& object, const char* key, std::string_view where) {
    const Value* value = member(object, key);
    if (value == nullptr) return {};
    if (!value->IsString()) {  // numbers are strings too (kParseNumbersAsStringsFlag)
      wrong(where, key, "a string");
      return {};
    }
    return std::string(value->GetString(), value->GetStringLength());
  }

  std::optional<std::int64_t> integer(const Value& object, const char* key,
                                      std::string_view where) {
    const Value* value = member(object, key);
    if (value == nullptr) return std::nullopt;
    if (value->IsString()) {
      const std::string_view text(value->GetString(), value->GetStringLength());
      std::int64_t out = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return out;
    }
    wrong(where, key, "an integer");
    return std::nullopt;
  }

  std::optional<bool> boolean(const Value& object, const char* key, std::string_view where) {
    const Value* value = member(object, key);
    if (value == nullptr) return std::nullopt;
    if (value->IsBool()) return value->GetBool();
    if (value->IsString()) {
      const std::string text = util::lower({value->GetString(), value->GetStringLength()});
      if (text == "true") return true;
      if (text == "false") return false;
    }
    wrong(where, key, "a boolean");
    return std::nullopt;
  }

  void wrong(std::string_view where, std::string_view key, std::string_view expected) {
    if (!error_) {
      error_ = protocol_error(std::string(where) + "." + std::string(key) + " is not " +
                              std::string(expected));
    }
  }

  [[nodiscard]] const std::optional<Error>& error() const noexcept { return error_; }

 private:
  std::optional<Error> error_;
};

ColumnMeta read_column(FieldReader& fields, const Value& entry, const std::string& where) {
  ColumnMeta meta;
  meta.name = fields.string(entry, "name", where);
  const std::string type = fields.string(entry, "type", where);
  meta.wire_type = util::lower(type);
  meta.ext_type_name = fields.string(entry, "extTypeName", where);
  meta.type = column_type_from_wire(meta.wire_type, meta.ext_type_name);
  meta.precision = fields.integer(entry, "precision", where);
  meta.scale = fields.integer(entry, "scale", where);
  meta.length = fields.integer(entry, "length", where);
  meta.byte_length = fields.integer(entry, "byteLength", where);
  meta.nullable = fields.boolean(entry, "nullable", where).value_or(true);
  meta.database = fields.string(entry, "database", where);
  meta.schema = fields.string(entry, "schema", where);
  meta.table = fields.string(entry, "table", where);
  meta.collation = fields.string(entry, "collation", where);
  return meta;
}

std::optional<DmlStats> read_stats(FieldReader& fields, const Value& root,
                                   const Value* result_meta) {
  const Value* stats = fields.member(root, "stats");
  std::string where = "stats";
  if (stats == nullptr && result_meta != nullptr) {
    stats = fields.member(*result_meta, "stats");
    where = "resultSetMetaData.stats";
  }
  if (stats == nullptr) return std::nullopt;
  if (!stats->IsObject()) {
    fields.wrong("", where, "an object");
    return std::nullopt;
  }
  DmlStats out;
  out.rows_inserted = fields.integer(*stats, "numRowsInserted", where).value_or(0);
  out.rows_updated = fields.integer(*stats, "numRowsUpdated", where).value_or(0);
  out.rows_deleted = fields.integer(*stats, "numRowsDeleted", where).value_or(0);
  // The real server says numDmlDuplicates; the reference documents numDuplicateRowsUpdated.
  auto duplicates = fields.integer(*stats, "numDmlDuplicates", where);
  if (!duplicates) duplicates = fields.integer(*stats, "numDuplicateRowsUpdated", where);
  out.duplicates = duplicates.value_or(0);
  return out;
}

// `requestId` is undocumented; when it is missing, the status URL's query carries the same id.
std::string request_id_from_url(std::string_view url) {
  constexpr std::string_view kKey = "requestId=";
  std::size_t pos = url.find(kKey);
  while (pos != std::string_view::npos && pos != 0 && url[pos - 1] != '?' && url[pos - 1] != '&') {
    pos = url.find(kKey, pos + 1);
  }
  if (pos == std::string_view::npos) return {};
  const std::string_view rest = url.substr(pos + kKey.size());
  return std::string(rest.substr(0, rest.find('&')));
}

std::string parse_error_message(std::string_view what, rapidjson::ParseErrorCode code,
                                std::size_t offset, std::size_t size, std::string_view head) {
  return std::string(what) + " is not valid JSON: " + rapidjson::GetParseError_En(code) +
         " at byte " + std::to_string(offset) + " of " + std::to_string(size) +
         (head.empty() ? std::string() : " (body starts " + quote_snippet(head, 40) + ")");
}

std::string cell_text(const Value& cell) {
  if (cell.IsBool()) return cell.GetBool() ? "true" : "false";
  return {};
}

}  // namespace

namespace {

// Decodes the `size` bytes at `json`: the partition scanner reads what it can where it lies,
// RapidJSON's SAX reader the rest (all of it with `reader` = rapidjson), parsing in situ so that
// strings without escapes are handed to the builders where they lie. `writable`: `json` itself,
// which may then be rewritten (it is followed by a NUL), or nullptr (RapidJSON gets a copy of its
// part). `owner`, when given, is the buffer holding `json`; its pages are handed back as they are
// parsed.
Result<RowBatch> decode_in_place(const char* json, std::size_t size, char* writable,
                                 const ColumnsPtr& columns, std::size_t partition,
                                 std::uint64_t first_row, std::uint64_t expected_rows,
                                 TextBuffer* owner = nullptr,
                                 PartitionReader reader_choice = PartitionReader::scanner,
                                 std::size_t* scanned_rows = nullptr) {
  // Kept for error messages: in-situ parsing rewrites the buffer.
  const std::string head(json, std::min<std::size_t>(size, 64));
  RowDecoder rows(columns, partition, first_row);
  // The partition's rowCount sizes the columns once instead of growing them row by row; a
  // wrong count costs only a reallocation (never more than the rows the bytes can hold).
  if (expected_rows > 0) {
    const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(expected_rows, size / 3));
    rows.reserve(count);
    // A streamed batch (decode/partition_stream.hpp, under TextBuffer::kMapBytes): the text its
    // cells can hold is the bytes less each row's brackets and separator and each cell's quotes
    // and comma. The text columns' arenas get that room at once (shared among them) instead of
    // doubling into it, copying what they hold at every step and faulting in fresh pages (a
    // batch grew its arena four times). Not for a whole partition: a reservation of megabytes
    // that the rows may not use would move glibc's mapping threshold for the process.
    const std::size_t syntax = count * (3 + 3 * std::max<std::size_t>(rows.width(), 1) - 1);
    if (size < TextBuffer::kMapBytes && size > syntax) rows.reserve_text(size - syntax);
  }
  const char* start = json;  // where RapidJSON starts reading
  if (scanned_rows != nullptr) *scanned_rows = 0;
  if (reader_choice == PartitionReader::scanner) {
    const PartitionScan scan = scan_partition(json, json + size, rows.builders(), first_row, owner);
    rows.scanned(scan.rows);
    if (scanned_rows != nullptr) *scanned_rows = scan.rows;
    if (scan.finished) return rows.finish();
    if (scan.rows > 0) {
      // scan.resume is past `{"data":[` and a row: there is room for the prefix before it.
      start = scan.resume - kResumePrefix.size();
    }
  }
  // Offsets in the text RapidJSON reads are `base` less than in the body.
  const auto base = static_cast<std::size_t>(start - json);
  // RapidJSON parses in situ: in the caller's buffer when it may be rewritten, else in a copy of
  // the part it reads (followed by a NUL, as std::string is).
  std::string copy;
  char* text = nullptr;
  if (writable != nullptr) {
    text = writable + base;
  } else {
    copy.assign(start, size - base);
    text = copy.data();
  }
  if (base != 0) std::memcpy(text, kResumePrefix.data(), kResumePrefix.size());
  PartitionHandler handler(rows, base != 0);
  if (owner != nullptr && owner->mapped()) handler.release_as_parsed(*owner, text);
  rapidjson::InsituStringStream input(text);
  rapidjson::Reader reader;
  reader.Parse<kParseFlags | rapidjson::kParseInsituFlag>(input, handler);
  // JSON never contains a raw NUL, and the in-situ stream takes one for the end of the text: a
  // NUL stops the parser with an error, or ends the text early. The parser has read every byte
  // before the point where it stopped, so a NUL can only lie from there on (and the bytes from
  // there on are as they were sent: in-situ parsing writes only behind that point).
  if (reader.HasParseError() || base + input.Tell() != size) {
    const std::size_t from =
        std::min(base + (reader.HasParseError() ? reader.GetErrorOffset() : input.Tell()), size);
    if (const void* nul = std::memchr(text + (from - base), '\0', size - from); nul != nullptr) {
      return protocol_error(
          "partition " + std::to_string(partition) +
          ": body is not valid JSON: a NUL byte at byte " +
          std::to_string(base + static_cast<std::size_t>(static_cast<const char*>(nul) - text)));
    }
  }
  if (rows.error()) return *rows.error();
  if (reader.HasParseError()) {
    return protocol_error("partition " + std::to_string(partition) + ": " +
                          parse_error_message("body", reader.GetParseErrorCode(),
                                              base + reader.GetErrorOffset(), size, head));
  }
  if (!handler.data_seen()) {
    return protocol_error("partition " + std::to_string(partition) + ": body has no `data` member");
  }
  return rows.finish();
}

}  // namespace

Result<RowBatch> decode_owned_partition(std::string json, const ColumnsPtr& columns,
                                        std::size_t partition, std::uint64_t first_row,
                                        std::uint64_t expected_rows) {
  return decode_in_place(json.data(), json.size(), json.data(), columns, partition, first_row,
                         expected_rows);
}

Result<RowBatch> decode_owned_partition(TextBuffer json, const ColumnsPtr& columns,
                                        std::size_t partition, std::uint64_t first_row,
                                        std::uint64_t expected_rows) {
  return decode_partition_in(json, columns, partition, first_row, expected_rows);
}

Result<RowBatch> decode_partition_in(TextBuffer& json, const ColumnsPtr& columns,
                                     std::size_t partition, std::uint64_t first_row,
                                     std::uint64_t expected_rows) {
  if (json.data() == nullptr)
    return decode_owned_partition(std::string(), columns, partition, first_row, expected_rows);
  return decode_in_place(json.data(), json.size(), json.data(), columns, partition, first_row,
                         expected_rows, &json);
}

Result<RowBatch> decode_partition_with(PartitionReader reader, std::string_view json,
                                       const ColumnsPtr& columns, std::size_t partition,
                                       std::uint64_t first_row, std::size_t* scanned_rows) {
  return decode_in_place(json.data(), json.size(), nullptr, columns, partition, first_row, 0,
                         nullptr, reader, scanned_rows);
}

Result<RowBatch> decode_partition(std::string_view json, const ColumnsPtr& columns,
                                  std::size_t partition, std::uint64_t first_row) {
  // The scanner reads the text where it lies; RapidJSON (parsing in situ made it about twice as
  // fast) gets a copy of whatever part of it the scanner leaves.
  return decode_in_place(json.data(), json.size(), nullptr, columns, partition, first_row, 0);
}

Result<ParsedResultSet> parse_result_set(std::string_view json, std::size_t decode_rows) {
  if (const std::size_t nul = json.find('\0'); nul != std::string_view::npos) {
    return protocol_error("result body is not valid JSON: a NUL byte at byte " +
                          std::to_string(nul));
  }
  // In-situ on a copy: the DOM's strings point into `buffer` instead of being copied one by one.
  std::string buffer(json);
  // The DOM's first chunk on the stack: a small answer (`select 1`'s is under 1 KiB) then
  // allocates no node memory at all, instead of a 64 KiB chunk it barely uses.
  alignas(16) char first_chunk[8192];
  rapidjson::MemoryPoolAllocator<> allocator(first_chunk, sizeof first_chunk);
  rapidjson::CrtAllocator stack_allocator;
  rapidjson::Document doc(&allocator, 1024, &stack_allocator);
  doc.ParseInsitu<kParseFlags>(buffer.data());
  if (doc.HasParseError()) {
    return protocol_error(parse_error_message("result body", doc.GetParseError(),
                                              doc.GetErrorOffset(), json.size(), json));
  }
  if (!doc.IsObject()) return protocol_error("result body is not a JSON object");

  FieldReader fields;
  const Value* result_meta = fields.member(doc, "resultSetMetaData");
  const Value* data = fields.member(doc, "data");
  if (result_meta == nullptr && data == nullptr) {
    return protocol_error("result body has neither resultSetMetaData nor data");
  }
  if (result_meta != nullptr && !result_meta->IsObject()) {
    return protocol_error("resultSetMetaData is not an object");
  }
  if (data != nullptr && !data->IsArray()) return protocol_error("data is not an array");

  ParsedResultSet parsed;
  ResultMeta& meta = parsed.meta;
  meta.statement_handle = fields.string(doc, "statementHandle", "result");
  meta.code = fields.string(doc, "code", "result");
  meta.sql_state = fields.string(doc, "sqlState", "result");
  meta.message = fields.string(doc, "message", "result");
  meta.created_on_ms = fields.integer(doc, "createdOn", "result").value_or(0);
  meta.request_id = fields.string(doc, "requestId", "result");
  if (meta.request_id.empty()) {
    meta.request_id = request_id_from_url(fields.string(doc, "statementStatusUrl", "result"));
  }
  if (const Value* handles = fields.member(doc, "statementHandles")) {
    if (!handles->IsArray()) return protocol_error("statementHandles is not an array");
    for (const auto& handle : handles->GetArray()) {
      if (!handle.IsString()) return protocol_error("statementHandles has a non-string entry");
      meta.child_handles.emplace_back(handle.GetString(), handle.GetStringLength());
    }
  }
  meta.stats = read_stats(fields, doc, result_meta);

  const std::size_t data_rows = data != nullptr ? data->Size() : 0;
  std::optional<std::int64_t> num_rows;
  const Value* row_type = nullptr;
  if (result_meta != nullptr) {
    num_rows = fields.integer(*result_meta, "numRows", "resultSetMetaData");
    row_type = fields.member(*result_meta, "rowType");
    if (row_type != nullptr && !row_type->IsArray()) {
      return protocol_error("resultSetMetaData.rowType is not an array");
    }
    if (const Value* partitions = fields.member(*result_meta, "partitionInfo")) {
      if (!partitions->IsArray()) {
        return protocol_error("resultSetMetaData.partitionInfo is not an array");
      }
      std::size_t index = 0;
      for (const auto& entry : partitions->GetArray()) {
        const std::string where =
            "resultSetMetaData.partitionInfo[" + std::to_string(index++) + "]";
        if (!entry.IsObject()) return protocol_error(where + " is not an object");
        PartitionInfo info;
        auto unsigned_field = [&](const char* key) -> std::uint64_t {
          const auto value = fields.integer(entry, key, where);
          if (value && *value < 0) fields.wrong(where, key, "a count");
          return value && *value > 0 ? static_cast<std::uint64_t>(*value) : 0;
        };
        info.row_count = unsigned_field("rowCount");
        info.uncompressed_size = unsigned_field("uncompressedSize");
        info.compressed_size = unsigned_field("compressedSize");
        meta.partitions.push_back(info);
      }
    }
  }
  if (num_rows && *num_rows < 0) fields.wrong("resultSetMetaData", "numRows", "a count");
  meta.total_rows = num_rows && *num_rows > 0 ? static_cast<std::uint64_t>(*num_rows)
                                              : (num_rows ? 0 : data_rows);
  if (meta.partitions.empty() &&
      (result_meta == nullptr || fields.member(*result_meta, "partitionInfo") == nullptr)) {
    meta.partitions.push_back(PartitionInfo{meta.total_rows, 0, 0});
  }

  auto columns = std::make_shared<std::vector<std::shared_ptr<const ColumnMeta>>>();
  if (row_type != nullptr) {
    std::size_t index = 0;
    for (const auto& entry : row_type->GetArray()) {
      const std::string where = "resultSetMetaData.rowType[" + std::to_string(index++) + "]";
      if (!entry.IsObject()) return protocol_error(where + " is not an object");
      columns->push_back(std::make_shared<const ColumnMeta>(read_column(fields, entry, where)));
    }
  } else if (data_rows > 0 && (*data)[0].IsArray()) {
    // No rowType (e.g. the docs' example with formatted values): keep every value as text.
    for (std::size_t i = 0; i < (*data)[0].Size(); ++i) {
      auto meta_entry = std::make_shared<ColumnMeta>();
      meta_entry->name = "COLUMN" + std::to_string(i + 1);
      columns->push_back(std::move(meta_entry));
    }
  }
  if (fields.error()) return *fields.error();
  for (const auto& column : *columns) meta.columns.push_back(*column);
  parsed.columns = columns;

  RowDecoder rows(parsed.columns, 0, 0);
  if (data != nullptr) {
    const std::size_t count = std::min(decode_rows, data_rows);
    rows.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const Value& row = (*data)[static_cast<rapidjson::SizeType>(i)];
      if (!row.IsArray()) {
        rows.fail("row " + std::to_string(i) + " is not an array");
        break;
      }
      bool ok = rows.begin_row();
      for (const auto& cell : row.GetArray()) {
        if (!ok) break;
        if (cell.IsString()) {
          ok = rows.cell(std::string_view(cell.GetString(), cell.GetStringLength()));
        } else if (cell.IsNull()) {
          ok = rows.null_cell();
        } else if (cell.IsBool()) {
          ok = rows.cell(cell_text(cell));
        } else {
          ok = rows.fail("row " + std::to_string(i) + " has " +
                         (cell.IsArray() ? "an array" : "an object") + " where a cell belongs");
        }
      }
      if (!ok || !rows.end_row()) break;
    }
  }
  if (rows.error()) return *rows.error();
  parsed.first_batch = rows.finish();
  return parsed;
}

Result<StatusBody> parse_status_body(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return protocol_error("status body is not a JSON object" +
                          (json.empty() ? std::string(" (empty body)")
                                        : " (body starts " + quote_snippet(json, 60) + ")"));
  }
  FieldReader fields;
  StatusBody body;
  // Be lenient: a status body is read to report an error, and a field of an odd type must not
  // hide the rest of it.
  auto text = [&](const char* key) {
    const Value* value = fields.member(doc, key);
    return value != nullptr && value->IsString()
               ? std::string(value->GetString(), value->GetStringLength())
               : std::string();
  };
  body.code = text("code");
  body.message = text("message");
  body.sql_state = text("sqlState");
  body.statement_handle = text("statementHandle");
  body.statement_status_url = text("statementStatusUrl");
  body.created_on = fields.integer(doc, "createdOn", "status").value_or(0);
  return body;
}

}  // namespace sfq::detail
