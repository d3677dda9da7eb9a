// PartitionStream (src/decode/partition_stream.hpp): a partition body fed in pieces, plain or
// gzip'd, split at every byte, decoded in slices — the same rows as decode_partition on the whole
// body, with the same acceptance and errors, the row count checked, skipped rows dropped.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "decode/gzip.hpp"
#include "decode/partition_stream.hpp"
#include "decode/result_parser.hpp"
#include "support/zlib_support.hpp"

namespace {

using sfq::RowBatch;
using sfq::detail::ColumnsPtr;
using sfq::detail::PartitionStream;

ColumnsPtr columns() {
  static const ColumnsPtr cols = [] {
    const std::string body =
        R"({"resultSetMetaData":{"numRows":0,"format":"jsonv2","rowType":[)"
        R"({"name":"N","type":"fixed","precision":38,"scale":0,"nullable":true},)"
        R"({"name":"T","type":"text","length":100,"nullable":true}]},"data":[]})";
    auto parsed = sfq::detail::parse_result_set(body);
    EXPECT_TRUE(parsed.ok());
    return parsed->columns;
  }();
  return cols;
}

// The rows of a result as "N|T" lines (NULL as "-").
std::vector<std::string> cells(const std::vector<RowBatch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (std::size_t r = 0; r < b.rows; ++r) {
      const auto& n = b.columns[0];
      const auto& t = b.columns[1];
      out.push_back((n.is_null(r) ? std::string("-") : std::to_string(n.int64_value(r))) + "|" +
                    (t.is_null(r) ? std::string("-") : std::string(t.text_value(r))));
    }
  }
  return out;
}

struct Outcome {
  std::vector<RowBatch> batches;
  std::optional<sfq::Error> error;
};

// Feeds `body` split at `splits` (ascending offsets), then finishes.
Outcome stream(std::string_view body, const std::vector<std::size_t>& splits,
               PartitionStream::Options options) {
  options.columns = columns();
  PartitionStream s(options);
  Outcome out;
  std::size_t from = 0;
  std::vector<std::size_t> cuts = splits;
  cuts.push_back(body.size());
  for (const std::size_t to : cuts) {
    std::string_view piece = body.substr(from, to - from);
    from = to;
    while (true) {
      auto batch = s.next(piece);
      if (!batch.ok()) {
        out.error = batch.error();
        return out;
      }
      if (!batch.value()) break;
      out.batches.push_back(std::move(*batch.value()));
    }
    EXPECT_TRUE(piece.empty());
  }
  while (true) {
    auto batch = s.finish();
    if (!batch.ok()) {
      out.error = batch.error();
      return out;
    }
    if (!batch.value()) break;
    out.batches.push_back(std::move(*batch.value()));
  }
  return out;
}

std::vector<std::string> reference(std::string_view body) {
  auto batch = sfq::detail::decode_partition(body, columns(), 3, 100);
  EXPECT_TRUE(batch.ok()) << batch.error().message();
  std::vector<RowBatch> batches;
  batches.push_back(std::move(batch).value());
  return cells(batches);
}

// Rows whose strings hold every character the state machine cares about.
const std::string kTricky =
    R"({"data":[[1,"a\"b"],[2,"\\"],[3,"]"],[4,"["],[5,"},{"],[null,"\\\""],)"
    R"([7,null],[8,"x\\\\"],[9,"[[,]]"]]})";

TEST(PartitionStream, EverySplitOfAPlainBody) {
  const auto expected = reference(kTricky);
  ASSERT_EQ(expected.size(), 9U);
  for (std::size_t at = 0; at <= kTricky.size(); ++at) {
    for (const std::size_t slice : {std::size_t{64}, std::size_t{1} << 20}) {
      PartitionStream::Options o;
      o.partition = 3;
      o.first_row = 100;
      o.expected_rows = 9;
      o.slice_bytes = slice;
      Outcome out = stream(kTricky, {at}, o);
      ASSERT_FALSE(out.error) << at << ": " << out.error->message();
      EXPECT_EQ(cells(out.batches), expected) << "split at " << at;
      std::uint64_t row = 100;
      for (const auto& b : out.batches) {
        EXPECT_EQ(b.partition, 3U);
        EXPECT_EQ(b.first_row, row);
        row += b.rows;
      }
    }
  }
}

TEST(PartitionStream, EverySplitOfAGzipBodyAndByteByByte) {
  const std::string compressed = test_support::gzip(kTricky);
  const auto expected = reference(kTricky);
  PartitionStream::Options o;
  o.partition = 3;
  o.first_row = 100;
  o.gzip = true;
  o.slice_bytes = 64;
  for (std::size_t at = 0; at <= compressed.size(); ++at) {
    Outcome out = stream(compressed, {at}, o);
    ASSERT_FALSE(out.error) << at << ": " << out.error->message();
    EXPECT_EQ(cells(out.batches), expected) << "split at " << at;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < compressed.size(); ++i) every.push_back(i);
  Outcome out = stream(compressed, every, o);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_EQ(cells(out.batches), expected);
  std::vector<std::size_t> plain_every;
  for (std::size_t i = 1; i < kTricky.size(); ++i) plain_every.push_back(i);
  o.gzip = false;
  out = stream(kTricky, plain_every, o);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_EQ(cells(out.batches), expected);
}

std::string big_body(std::size_t rows, unsigned seed, std::string_view before = "",
                     std::string_view after = "") {
  std::mt19937 random(seed);
  std::string body = "{" + std::string(before) + "\"data\":[\n";
  for (std::size_t i = 0; i < rows; ++i) {
    if (i) body += ",\n";
    std::string text;
    const std::size_t length = random() % 60;
    for (std::size_t k = 0; k < length; ++k) {
      const char c = "ab[]{},\"\\ x"[random() % 11];
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    body += "[\"" + std::to_string(i) + "\",\"" + text + "\"]";
  }
  body += "]" + std::string(after) + "}";
  return body;
}

TEST(PartitionStream, ManySlicesAndRandomSplitsMatchTheWholeBody) {
  const std::string body = big_body(5000, 7, R"("x":{"data":[1,2]},)", R"(,"y":["]"])");
  const std::string compressed = test_support::gzip(body) + test_support::gzip("");
  const auto expected = reference(body);
  ASSERT_EQ(expected.size(), 5000U);
  std::mt19937 random(3);
  for (int round = 0; round < 20; ++round) {
    const bool gz = round % 2 == 0;
    const std::string& input = gz ? compressed : body;
    std::vector<std::size_t> splits;
    for (std::size_t at = random() % 5000; at < input.size(); at += 1 + random() % 9000) {
      splits.push_back(at);
    }
    PartitionStream::Options o;
    o.partition = 3;
    o.first_row = 100;
    o.gzip = gz;
    o.expected_rows = 5000;
    o.slice_bytes = 1000 + random() % 20000;
    Outcome out = stream(input, splits, o);
    ASSERT_FALSE(out.error) << out.error->message();
    EXPECT_EQ(cells(out.batches), expected);
    EXPECT_GT(out.batches.size(), 5U);
  }
}

TEST(PartitionStream, SkipsRowsAlreadyDelivered) {
  const std::string body = big_body(300, 9);
  const auto all = reference(body);
  for (const std::uint64_t skip : {0UL, 1UL, 150UL, 299UL, 300UL}) {
    PartitionStream::Options o;
    o.partition = 3;
    o.first_row = 100;
    o.skip_rows = skip;
    o.expected_rows = 300;
    o.slice_bytes = 500;
    Outcome out = stream(body, {body.size() / 3}, o);
    ASSERT_FALSE(out.error) << out.error->message();
    EXPECT_EQ(cells(out.batches), std::vector<std::string>(all.begin() + skip, all.end()));
    if (!out.batches.empty()) {
      EXPECT_EQ(out.batches.front().first_row, 100 + skip);
    }
  }
}

TEST(PartitionStream, EmptyAndNullData) {
  for (const std::string body : {R"({"data":[]})", R"({"data":null})", R"( { "data" : [ ] } )",
                                 R"({"a":1,"data":[],"b":[[1]]})"}) {
    PartitionStream::Options o;
    o.expected_rows = 0;
    Outcome out = stream(body, {}, o);
    ASSERT_FALSE(out.error) << body << ": " << out.error->message();
    EXPECT_TRUE(cells(out.batches).empty()) << body;
  }
}

TEST(PartitionStream, RefusesWhatDecodePartitionRefuses) {
  const std::string good = big_body(50, 2);
  struct Case {
    std::string body;
    bool gzip;
    std::optional<std::uint64_t> rows;
    const char* message;
  };
  const std::string compressed = test_support::gzip(good);
  std::string flipped = compressed;
  flipped[compressed.size() / 2] = static_cast<char>(flipped[compressed.size() / 2] ^ 0x55);
  const std::vector<Case> cases = {
      {"", false, std::nullopt, "empty"},
      {"", true, std::nullopt, "empty"},
      {R"({"rows":[]})", false, std::nullopt, "no `data` member"},
      {R"([1,2])", false, std::nullopt, "not a JSON object"},
      {R"({"data":5})", false, std::nullopt, "`data` is not an array"},
      {R"({"data":[[1,"a"],5]})", false, std::nullopt, "not an array"},
      {R"({"data":[[1,"a","b"]]})", false, std::nullopt, "cells"},
      {R"({"data":[[1,"a"]],"data":[]})", false, std::nullopt, "twice"},
      {R"({"data":[[1,"a"]]} x)", false, std::nullopt, "partition 0"},
      {R"({"data":[[1,"a"]})", false, std::nullopt, "partition 0"},
      {R"({"data":[[1,"a"],)", false, std::nullopt, "truncated"},
      {R"({"data":[[1,"a"],]})", false, std::nullopt, "not valid JSON"},
      {R"({"data":[[1,"a"],,[2,"b"]]})", false, std::nullopt, "not valid JSON"},
      {R"({"data":[,[2,"b"]]})", false, std::nullopt, "not valid JSON"},
      {good.substr(0, good.size() / 2), false, std::nullopt, "truncated"},
      {good, false, 49, "rowCount"},
      {good, false, 51, "rowCount"},
      {compressed.substr(0, compressed.size() / 2), true, std::nullopt, "corrupt gzip"},
      {compressed.substr(0, compressed.size() - 3), true, std::nullopt, "corrupt gzip"},
      {flipped, true, std::nullopt, "corrupt gzip"},
      {compressed + "junk", true, std::nullopt, "unexpected bytes"},
      {good, true, std::nullopt, "not gzip"},
  };
  for (const auto& c : cases) {
    for (const std::size_t split : {std::size_t{0}, c.body.size() / 2}) {
      PartitionStream::Options o;
      o.gzip = c.gzip;
      o.expected_rows = c.rows;
      o.slice_bytes = 100;
      Outcome out = stream(c.body, {split}, o);
      ASSERT_TRUE(out.error) << c.body.substr(0, 60);
      EXPECT_EQ(out.error->category(), sfq::ErrorCategory::protocol);
      EXPECT_NE(out.error->message().find(c.message), std::string::npos)
          << c.message << " not in: " << out.error->message();
    }
  }
}

TEST(PartitionStream, OutputLimit) {
  const std::string body = big_body(2000, 4);
  for (const bool gz : {false, true}) {
    PartitionStream::Options o;
    o.gzip = gz;
    o.max_bytes = body.size() - 1;
    const std::string input = gz ? test_support::gzip(body) : body;
    Outcome out = stream(input, {}, o);
    ASSERT_TRUE(out.error);
    EXPECT_NE(out.error->message().find("limit"), std::string::npos) << out.error->message();
    o.max_bytes = body.size();
    out = stream(input, {}, o);
    ASSERT_FALSE(out.error) << out.error->message();
    EXPECT_EQ(cells(out.batches).size(), 2000U);
  }
}

TEST(PartitionStream, ARowLargerThanTheWindow) {
  const std::string big(5000, 'z');
  const std::string body = R"({"data":[[1,"a"],[2,")" + big + R"("],[3,"c"]]})";
  PartitionStream::Options o;
  o.slice_bytes = 100;
  Outcome out = stream(body, {37, 400}, o);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_EQ(cells(out.batches), reference(body));
}

// Cells whose strings end in runs of backslashes of every length up to 11 — an escaped quote
// after the odd ones — followed by bytes that would end a row, at every offset within 64 bytes:
// the scanner reads whole 64-byte blocks at once, so every run meets a block's edge somewhere.
std::string escape_runs_body() {
  std::string body = "{\"data\":[";
  int row = 0;
  for (std::size_t pad = 0; pad < 70; ++pad) {
    for (int pairs = 0; pairs < 6; ++pairs) {
      for (const bool quote : {false, true}) {
        if (row > 0) body += ",";
        std::string text(pad, 'x');
        for (int k = 0; k < pairs; ++k) text += R"(\\)";
        if (quote) text += R"(\"],[\")";
        body += "[" + std::to_string(row++) + ",\"" + text + "\"]";
      }
    }
  }
  return body + "]}";
}

TEST(PartitionStream, BackslashRunsAcrossBlockEdges) {
  const std::string body = escape_runs_body();
  const auto expected = reference(body);
  ASSERT_EQ(expected.size(), 70U * 6 * 2);
  // Pieces of one size each time: the window's fill, and so where its blocks start, moves.
  for (const std::size_t piece :
       {std::size_t{1}, std::size_t{7}, std::size_t{63}, std::size_t{64}, std::size_t{65},
        std::size_t{127}, std::size_t{129}, std::size_t{1000}, body.size()}) {
    std::vector<std::size_t> splits;
    for (std::size_t at = piece; at < body.size(); at += piece) splits.push_back(at);
    for (const std::size_t slice : {std::size_t{64}, std::size_t{3000}, std::size_t{1} << 20}) {
      PartitionStream::Options o;
      o.partition = 3;
      o.first_row = 100;
      o.expected_rows = expected.size();
      o.slice_bytes = slice;
      Outcome out = stream(body, splits, o);
      ASSERT_FALSE(out.error) << piece << "/" << slice << ": " << out.error->message();
      EXPECT_EQ(cells(out.batches), expected) << "pieces of " << piece << ", slices of " << slice;
    }
  }
}

TEST(PartitionStream, ErrorsFarIntoTheBodyNameTheSameByteWhateverThePieces) {
  // The same refusal whether the bad byte is met in a whole block or one byte at a time.
  const std::string good = big_body(400, 5);
  const std::string rows = good.substr(0, good.rfind(']'));  // without the closing `]}`
  for (const std::string bad : {",]}", ",,[1,\"a\"]]}", ", ,[1,\"a\"]]}", "}]}", ",[1,\"a\"]}]}"}) {
    const std::string body = rows + bad;
    const auto whole = sfq::detail::decode_partition(body, columns(), 0, 0);
    ASSERT_FALSE(whole.ok()) << bad;
    PartitionStream::Options o;
    o.slice_bytes = 1 << 20;  // no batch is cut before the bad byte
    Outcome at_once = stream(body, {}, o);
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < body.size(); ++i) every.push_back(i);
    Outcome byte_by_byte = stream(body, every, o);
    ASSERT_TRUE(at_once.error) << bad;
    ASSERT_TRUE(byte_by_byte.error) << bad;
    EXPECT_EQ(at_once.error->message(), byte_by_byte.error->message()) << bad;
    EXPECT_NE(at_once.error->message().find("not valid JSON"), std::string::npos)
        << at_once.error->message();
  }
}

}  // namespace
