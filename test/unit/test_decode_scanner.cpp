// The partition scanner (src/decode/partition_scanner.cpp) against RapidJSON's SAX reader: on
// thousands of generated `{"data":[...]}` bodies — every column type, escapes (\uXXXX, surrogate
// pairs, lone halves), empty strings, nulls and "null" text, whitespace anywhere, wrong cell
// counts, numbers and booleans for cells, other members, bodies cut at every byte or with bytes
// changed — decode_partition (scanner first, RapidJSON from where it stops) and the RapidJSON
// reader alone must give the same batch or the same error, and regular bodies must really be read
// by the scanner.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "sfq/value.hpp"

namespace {

using sfq::ColumnMeta;
using sfq::RowBatch;
using sfq::detail::ColumnsPtr;
using sfq::detail::decode_partition_with;
using sfq::detail::PartitionReader;

struct Spec {
  const char* name;
  const char* type;
  std::optional<std::int64_t> scale;
  const char* ext = "";
};

const std::vector<Spec> kTypes = {
    {"N", "fixed", 0},           {"D2", "fixed", 2},
    {"R", "real", {}},           {"S", "text", {}},
    {"BIN", "binary", {}},       {"B", "boolean", {}},
    {"DT", "date", {}},          {"TM", "time", 9},
    {"NTZ", "timestamp_ntz", 9}, {"LTZ", "timestamp_ltz", 3},
    {"TZ", "timestamp_tz", 9},   {"V", "variant", {}},
    {"O", "object", {}},         {"A", "array", {}},
    {"VEC", "vector", {}},       {"G", "object", {}, "GEOGRAPHY"},
    {"DF", "decfloat", {}},      {"U", "mystery", {}},
};

ColumnsPtr columns_of(const std::vector<Spec>& specs) {
  auto columns = std::make_shared<std::vector<std::shared_ptr<const ColumnMeta>>>();
  for (const auto& spec : specs) {
    auto meta = std::make_shared<ColumnMeta>();
    meta->name = spec.name;
    meta->wire_type = spec.type;
    meta->ext_type_name = spec.ext;
    meta->type = sfq::column_type_from_wire(spec.type, spec.ext);
    meta->scale = spec.scale;
    columns->push_back(meta);
  }
  return columns;
}

bool is_timestamp(sfq::ColumnType type) {
  return type == sfq::ColumnType::timestamp_ntz || type == sfq::ColumnType::timestamp_ltz ||
         type == sfq::ColumnType::timestamp_tz;
}

// Equal batches: the same rows, and in every cell the same nullness, raw-text flag and value
// through every accessor (doubles bit for bit).
::testing::AssertionResult same_batch(const RowBatch& a, const RowBatch& b) {
  if (a.rows != b.rows || a.partition != b.partition || a.first_row != b.first_row ||
      a.columns.size() != b.columns.size()) {
    return ::testing::AssertionFailure() << "rows " << a.rows << " vs " << b.rows;
  }
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const auto& x = a.columns[c];
    const auto& y = b.columns[c];
    if (x.size() != a.rows || y.size() != b.rows) {
      return ::testing::AssertionFailure() << "column " << c << " size";
    }
    for (std::size_t r = 0; r < a.rows; ++r) {
      const bool same = x.is_null(r) == y.is_null(r) && x.is_raw_text(r) == y.is_raw_text(r) &&
                        x.int64_value(r) == y.int64_value(r) &&
                        std::bit_cast<std::uint64_t>(x.double_value(r)) ==
                            std::bit_cast<std::uint64_t>(y.double_value(r)) &&
                        x.text_value(r) == y.text_value(r) &&
                        (!is_timestamp(x.type()) || x.timestamp_value(r) == y.timestamp_value(r));
      if (!same) {
        return ::testing::AssertionFailure()
               << "column " << c << " row " << r << ": \"" << x.text_value(r) << "\" vs \""
               << y.text_value(r) << "\"";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Both readers on `body`: the same batch or the same error. Returns the rows the scanner read.
std::size_t expect_same(const std::string& body, const ColumnsPtr& columns) {
  std::size_t scanned = 0;
  const auto fast = decode_partition_with(PartitionReader::scanner, body, columns, 3, 70, &scanned);
  const auto slow = decode_partition_with(PartitionReader::rapidjson, body, columns, 3, 70);
  EXPECT_EQ(fast.ok(), slow.ok()) << body.substr(0, 300)
                                  << "\nscanner: " << (fast.ok() ? "ok" : fast.error().message())
                                  << "\nrapidjson: " << (slow.ok() ? "ok" : slow.error().message());
  if (fast.ok() && slow.ok()) {
    EXPECT_TRUE(same_batch(*fast, *slow)) << body.substr(0, 300);
  } else if (!fast.ok() && !slow.ok()) {
    EXPECT_EQ(fast.error().category(), slow.error().category());
    EXPECT_EQ(fast.error().message(), slow.error().message()) << body.substr(0, 300);
  }
  return scanned;
}

std::string escape_json(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      static const char* const hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// Cell values (already JSON string contents, i.e. escaped) for a column type: mostly valid,
// some not.
std::string cell_for(const std::string& type, std::mt19937_64& random) {
  const auto pick = [&](std::initializer_list<const char*> options) {
    return std::string(*(options.begin() + random() % options.size()));
  };
  const int odd = static_cast<int>(random() % 20);
  if (odd == 0) return "null";
  if (odd == 1) return "";
  if (odd == 2) return pick({"x", "1e5", "-", "+1", " 1", "1 ", "NaN", "0x10", "\\u0031"});
  if (type == "fixed") {
    return pick({"0", "-12", "+7", "123456789012345678901234567890", "1.50", "-0.01", "12.345",
                 "99999999999999999.99", "007", "1.", ".5", "9223372036854775807",
                 "-9223372036854775808", "18446744073709551616"});
  }
  if (type == "real") {
    return pick({"1.5", "-0", "1e308", "1e999", "-1e-999", "NaN", "inf", "-inf", "Infinity", "+2.5",
                 "3.14159265358979", "0.1"});
  }
  if (type == "boolean") return pick({"true", "FALSE", "1", "0", "True", "yes"});
  if (type == "date") return pick({"20735", "-3", "0", "09/10/2026", "99999999999"});
  if (type == "time") return pick({"45296.123456789", "0", "86399.9", "12:00:00", "1.1234567891"});
  if (type.starts_with("timestamp")) {
    const std::string offset = type == "timestamp_tz" ? pick({" 1860", " 1440", " 0", " 9999", ""})
                                                      : pick({"", "", "", " 1860"});
    return pick({"1791549296.123456789", "-1.25", "0", "1565481394123000000", "1791549296",
                 "2026-10-09 12:00:00", "1.", "-0.5"}) +
           offset;
  }
  if (type == "binary") return pick({"DEADBEEF", "deadbeef", "ABC", "XYZ0", "00"});
  if (type == "variant" || type == "object" || type == "array" || type == "vector") {
    // Pretty-printed values (minified straight from their escaped text), inner escapes of every
    // kind, and values that are not JSON (kept as raw text).
    return pick({R"({\n  \"a\": 1,\n  \"b\": [\n    undefined\n  ]\n})",
                 R"([1,2,3])",
                 R"(\"str\")",
                 R"({\"k\": \"\\u00e9\\n\"})",
                 R"({bad)",
                 "undefined",
                 "42",
                 R"([\n  \"\ud83d\ude00\",\n  null\n])",
                 R"({\"x\":tru})",
                 R"({\r\n\t\"q\\\"uote\\\\d\\/\\b\\f\\r\\t\" : -1.5e+3 , \"e\":{}, \"f\":[ ]})",
                 R"([\n  0,\n  -0.25,\n  1E-7,\n  true,\n  false,\n  null\n]  )",
                 R"([\n  1,\n]\n)",
                 R"({\"a\" 1})",
                 R"(1 2)",
                 R"([01])",
                 R"([1.])",
                 R"(\"\\x\")",
                 R"({\"\\u12\": 1})",
                 R"({\"\\u12ab\": 1})",
                 R"([\"tab\there\"])",
                 R"([\"caf\u00e9\"])",
                 "[\\\"h\xc3\xa9\\\"]",
                 R"(\n  \"lone\" \/ )",
                 R"({\n \"k\": [[[[[]]]]]\n})",
                 R"({\"a\":1}\n\n)",
                 R"({\"a\":1,})",
                 R"({\"a\"})",
                 R"(})",
                 R"(\u0020[1])",
                 R"([\"\u0041\"])",
                 R"([nulls])",
                 R"(tru)",
                 R"([-])",
                 R"([1e])",
                 R"({]})",
                 R"([\n  \"a\",\n  \"b\"\n]\n,)"});
  }
  // text, decfloat, unknown: anything a string can hold.
  switch (random() % 10) {
    case 0:
      return R"(\u00e9\u4e2d\ud83d\ude00)";  // 2-, 3- and 4-byte sequences
    case 1:
      return R"(tab\there \"quoted\" back\\slash \/ \b\f\r)";
    case 2:
      return "h\xc3\xa9llo w\xc3\xb6rld with a long enough run to cross sixteen bytes";
    case 3:
      return R"(lone \udc00 half)";
    case 4:
      return R"(high \ud800 alone)";
    case 5:
      return R"(\u0000nul inside)";
    case 6:
      return escape_json(std::string(static_cast<std::size_t>(random() % 70), 'q') + "\n" +
                         std::string(static_cast<std::size_t>(random() % 20), 'z'));
    default:
      return "plain " + std::to_string(random() % 100000);
  }
}

const char* space(std::mt19937_64& random, int odds) {
  if (odds <= 0 || random() % static_cast<unsigned>(odds) != 0) return "";
  static const char* const kSpaces[] = {" ", "\n", "\t", "\r\n", "  \n  "};
  return kSpaces[random() % 5];
}

// A body for `specs`; `oddity` (0..) picks what is irregular about it (0: nothing).
std::string make_body(const std::vector<Spec>& specs, std::size_t rows, int oddity,
                      std::mt19937_64& random) {
  const int ws = oddity == 1 ? 3 : 0;  // whitespace between tokens now and then
  std::string body = "{\"data\":[";
  if (oddity == 2) body = "{\"x\":[1,{\"data\":2}],\"data\":[";
  if (oddity == 3) body = "{ \"data\" : [";
  body += space(random, ws);
  for (std::size_t r = 0; r < rows; ++r) {
    if (r != 0) body += std::string(",") + (random() % 2 ? "\n" : "") + space(random, ws);
    body += '[';
    body += space(random, ws);
    std::size_t width = specs.size();
    if (oddity == 4 && random() % 8 == 0)
      width = random() % 2 != 0 || width == 0 ? width + 1 : width - 1;
    for (std::size_t c = 0; c < width; ++c) {
      if (c != 0) body += std::string(space(random, ws)) + "," + space(random, ws);
      const std::string type = c < specs.size() ? specs[c].type : "text";
      if (random() % 9 == 0) {
        body += "null";
      } else if (oddity == 5 && random() % 10 == 0) {
        body += (random() % 3 == 0) ? "true" : (random() % 2 ? "12.5" : "[1]");
      } else {
        body += '"' + cell_for(type, random) + '"';
      }
    }
    body += space(random, ws);
    body += ']';
  }
  body += space(random, ws);
  body += ']';
  if (oddity == 6) body += ",\"more\":{\"data\":[]},\"n\":1";
  if (oddity == 7) body += ",\"data\":[]";
  body += space(random, ws);
  body += '}';
  if (oddity == 8) body += random() % 2 ? " \n" : " x";
  return body;
}

TEST(DecodeScanner, GeneratedBodiesDecodeAlikeWithEitherReader) {
  std::mt19937_64 random(12);
  const ColumnsPtr all = columns_of(kTypes);
  std::size_t scanned_total = 0;
  for (int round = 0; round < 1500; ++round) {
    // A random subset of the types, in random order (and now and then no columns at all).
    std::vector<Spec> specs;
    const std::size_t width = round % 50 == 0 ? 0 : 1 + random() % 8;
    for (std::size_t i = 0; i < width; ++i) specs.push_back(kTypes[random() % kTypes.size()]);
    const int oddity = round % 3 == 0 ? 0 : static_cast<int>(random() % 9);
    const std::string body = make_body(specs, random() % 12, oddity, random);
    scanned_total += expect_same(body, columns_of(specs));
  }
  EXPECT_GT(scanned_total, 1000U);  // most regular bodies went through the scanner
}

TEST(DecodeScanner, PrettyPrintedJsonValuesDecodeAlike) {
  // Nesting around the 64 levels the one-pass minifier keeps in a word, pretty-printed.
  const ColumnsPtr columns = columns_of({{"V", "variant", {}}, {"A", "array", {}}});
  for (const int depth : {1, 2, 63, 64, 65, 66, 130}) {
    std::string value;
    for (int i = 0; i < depth; ++i) value += i % 2 != 0 ? R"({\n\"k\": )" : R"([\n )";
    value += "1";
    for (int i = depth - 1; i >= 0; --i) value += i % 2 != 0 ? R"(\n})" : R"(\n])";
    const std::string body = "{\"data\":[[\"" + value + "\",\"" + value + "\"]]}";
    SCOPED_TRACE(depth);
    EXPECT_EQ(expect_same(body, columns), 1U);
    const auto batch = decode_partition_with(PartitionReader::scanner, body, columns, 3, 70);
    ASSERT_TRUE(batch.ok());
    EXPECT_FALSE(batch->columns[0].is_raw_text(0));  // valid JSON, kept minified
    EXPECT_EQ(batch->columns[0].text_value(0).find('\n'), std::string_view::npos);
  }
}

TEST(DecodeScanner, RegularBodiesAreReadByTheScannerAlone) {
  const std::vector<std::string> texts = {
      R"(\u00e9\u4e2d\ud83d\ude00)",
      R"(tab\there \"quoted\" back\\slash \/ \b\f\r)",
      "h\xc3\xa9llo w\xc3\xb6rld with a long enough run to cross sixteen bytes",
      "",
      R"(\u0000nul inside)",
      "null",
      "short"};
  std::vector<Spec> specs = {
      {"N", "fixed", 0}, {"S", "text", {}}, {"TZ", "timestamp_tz", 9}, {"V", "variant", {}}};
  const ColumnsPtr columns = columns_of(specs);
  // Valid cells only, whitespace between rows: the scanner must read every row.
  std::string body = "{\"data\":[";
  for (int r = 0; r < 200; ++r) {
    if (r != 0) body += ",\n";
    body += "[\"" + std::to_string(r) + "\",\"" +
            texts[static_cast<std::size_t>(r) % texts.size()] + "\",\"" +
            std::to_string(1700000000 + r) + ".5 1500\",\"" + R"({\n  \"k\": [\n    )" +
            std::to_string(r) + R"(,\n    undefined\n  ]\n})" + "\"]";
  }
  body += "]}";
  EXPECT_EQ(expect_same(body, columns), 200U);
  EXPECT_EQ(expect_same("{\"data\":[]}", columns), 0U);
}

TEST(DecodeScanner, EveryTruncationAndEveryChangedByteDecodesAlike) {
  std::mt19937_64 random(99);
  const std::vector<Spec> specs = {{"N", "fixed", 2},
                                   {"S", "text", {}},
                                   {"V", "variant", {}},
                                   {"T", "timestamp_tz", 9},
                                   {"B", "boolean", {}}};
  const ColumnsPtr columns = columns_of(specs);
  const std::string body =
      "{\"data\":[[\"1.25\",\"a\\\"b\\u00e9\\ud83d\\ude00\",\"{\\n \\\"k\\\": undefined\\n}\","
      "\"1700000000.5 1500\",\"true\"],\n[null,\"\",\"[1, 2]\",null,\"0\"],\n[\"-3\",\"null\","
      "\"null\",\"null\",\"null\"]]}";
  ASSERT_EQ(expect_same(body, columns), 3U);
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_same(body.substr(0, cut), columns);
  }
  static const char kBytes[] = {'"',  '\\', ',', ']', '[', '{', '}',    ' ',
                                '\n', '\0', 'x', '1', 'u', 'n', '\x01', '\xff'};
  for (std::size_t at = 0; at < body.size(); ++at) {
    for (const char byte : kBytes) {
      std::string changed = body;
      changed[at] = byte;
      expect_same(changed, columns);
    }
    std::string removed = body;
    removed.erase(at, 1);
    expect_same(removed, columns);
  }
  (void)random;
}

TEST(DecodeScanner, MappedBodyStoppedAfterItsTextWasHandedBack) {
  // Several MiB of regular rows (the scanner hands pages back as it goes), then an irregular
  // tail: RapidJSON resumes after the last complete row and must reach the same result as
  // reading the copy alone, for an ending that is valid and for one that is an error.
  const std::vector<Spec> specs = {{"N", "fixed", 0}, {"S", "text", {}}, {"V", "variant", {}}};
  const ColumnsPtr columns = columns_of(specs);
  std::string rows;
  for (int r = 0; rows.size() < (std::size_t{3} << 20); ++r) {
    if (r != 0) rows += ",\n";
    rows += "[\"" + std::to_string(r) + "\",\"" + std::string(200, 'a' + r % 26) +
            "\",\"{\\\"r\\\": " + std::to_string(r) + "}\"]";
  }
  const std::vector<std::string> tails = {
      ",\n[\"1\", \"spaced\" ,null]]}",   // valid, with whitespace the scanner stops at
      ",\n[\"1\",\"x\",null]],\"x\":1}",  // valid, another member after data
      ",\n[\"1\",\"x\"]]}",               // a short row
      ",\n[\"z\",\"x\",null]]}",          // a cell its column cannot read
      ",\n[\"1\",\"x\",null]",            // cut short
      ",\n[\"1\",\"x\",nul]]}",           // not JSON
  };
  for (const auto& tail : tails) {
    SCOPED_TRACE(tail);
    const std::string body = "{\"data\":[" + rows + tail;
    sfq::detail::TextBuffer text(body.size());
    ASSERT_TRUE(text.mapped());
    std::memcpy(text.data(), body.data(), body.size());
    text.set_size(body.size());
    const auto mapped = sfq::detail::decode_owned_partition(std::move(text), columns, 3, 70);
    const auto alone = decode_partition_with(PartitionReader::rapidjson, body, columns, 3, 70);
    ASSERT_EQ(mapped.ok(), alone.ok())
        << (alone.ok() ? mapped.error().message() : alone.error().message());
    if (alone.ok()) {
      EXPECT_TRUE(same_batch(*mapped, *alone));
    } else {
      EXPECT_EQ(mapped.error().message(), alone.error().message());
    }
  }
}

}  // namespace
