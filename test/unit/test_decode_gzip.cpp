// gunzip(): libdeflate against zlib-made gzip data — exact and wrong size hints, concatenated
// members, the output cap, and corrupt, truncated or non-gzip input as protocol errors; and
// GzipStream (ISA-L) fed in pieces, with the same results and errors.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "decode/gzip.hpp"
#include "support/zlib_support.hpp"

namespace {

using sfq::detail::gunzip;

using test_support::gzip;

std::string sample(std::size_t size, unsigned seed) {
  // Compressible but not trivial: JSON-ish rows with random digits.
  std::mt19937 random(seed);
  std::string out = "{\"data\":[";
  while (out.size() < size) {
    out += "[\"" + std::to_string(random()) + "\",\"text " + std::to_string(random() % 1000) +
           "\",null],\n";
  }
  out.resize(size);
  return out;
}

constexpr std::uint64_t kCap = 64ULL << 20;

TEST(DecodeGzip, InflatesWithAnySizeHint) {
  const std::string original = sample(300000, 1);
  const std::string compressed = gzip(original);
  struct Case {
    const char* name;
    std::uint64_t hint;
  };
  const std::vector<Case> cases = {
      {"exact", original.size()},
      {"unknown", 0},
      {"too small", 10},
      {"much too small", 1},
      {"too large", 10000000},
      {"off by one", original.size() - 1},
      {"one more", original.size() + 1},
  };
  for (const auto& c : cases) {
    auto result = gunzip(compressed, c.hint, kCap);
    ASSERT_TRUE(result.ok()) << c.name << ": " << result.error().message();
    EXPECT_EQ(*result, original) << c.name;
    // The decode workers' variant (no zero-fill): the same bytes, NUL-terminated.
    auto buffer = sfq::detail::gunzip_buffer(compressed, c.hint, kCap);
    ASSERT_TRUE(buffer.ok()) << c.name << ": " << buffer.error().message();
    EXPECT_EQ(buffer->view(), original) << c.name;
    EXPECT_EQ(buffer->data()[buffer->size()], '\0') << c.name;
  }
}

TEST(DecodeGzip, LargeTextIsMappedAndGrowsWithoutLosingBytes) {
  // From TextBuffer::kMapBytes on the text is mapped; a hint too small grows it (a malloc'd
  // buffer copied into a mapping, then the mapping remapped larger).
  const std::string original = sample((std::size_t{3} << 19) + 12345, 6);
  const std::string compressed = gzip(original);
  for (const std::uint64_t hint : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 20,
                                   std::uint64_t{original.size()}, std::uint64_t{40} << 20}) {
    auto buffer = sfq::detail::gunzip_buffer(compressed, hint, kCap);
    ASSERT_TRUE(buffer.ok()) << hint << ": " << buffer.error().message();
    EXPECT_TRUE(buffer->mapped()) << hint;
    EXPECT_EQ(buffer->view(), original) << hint;
    EXPECT_EQ(buffer->data()[buffer->size()], '\0') << hint;
  }
}

// How many of the pages of [begin, begin + length) are resident (mincore).
std::size_t resident_pages(const char* begin, std::size_t length) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((length + page - 1) / page);
  EXPECT_EQ(::mincore(const_cast<char*>(begin), length, pages.data()), 0);
  std::size_t resident = 0;
  for (const unsigned char p : pages) resident += p & 1U;
  return resident;
}

TEST(DecodeGzip, TextBufferHandsBackWholePagesBeforeAPoint) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t size = std::size_t{4} << 20;
  sfq::detail::TextBuffer buffer(size);
  ASSERT_TRUE(buffer.mapped());
  std::memset(buffer.data(), 'x', size);
  buffer.set_size(size);
  EXPECT_EQ(resident_pages(buffer.data(), size), size / page);
  EXPECT_EQ(buffer.release_before(buffer.data() + 10), 0U) << "less than a page";
  const std::size_t cut = (std::size_t{2} << 20) + 100;
  const std::size_t kept_from = cut / page * page;
  EXPECT_EQ(buffer.release_before(buffer.data() + cut), kept_from);
  EXPECT_EQ(buffer.release_before(buffer.data() + cut), 0U) << "already given back";
  EXPECT_EQ(resident_pages(buffer.data(), kept_from), 0U);
  // From the page holding the cut on, nothing changed.
  EXPECT_EQ(std::string_view(buffer.data() + kept_from, size - kept_from),
            std::string(size - kept_from, 'x'));
  EXPECT_EQ(buffer.data()[size], '\0');
  // A move carries the mapping.
  sfq::detail::TextBuffer moved(std::move(buffer));
  EXPECT_TRUE(moved.mapped());
  EXPECT_EQ(moved.size(), size);
  EXPECT_EQ(moved.release_before(moved.data() + size), size - kept_from);
  // A small buffer comes from malloc and is never touched.
  sfq::detail::TextBuffer small(1000);
  EXPECT_FALSE(small.mapped());
  std::memset(small.data(), 'y', 1000);
  small.set_size(1000);
  EXPECT_EQ(small.release_before(small.data() + 1000), 0U);
  EXPECT_EQ(small.view(), std::string(1000, 'y'));
}

TEST(DecodeGzip, ConcatenatedMembersAndEmptyContent) {
  const std::string a = sample(70000, 2);
  const std::string b = sample(130000, 3);
  auto both = gunzip(gzip(a) + gzip(b, 1) + gzip(""), a.size() + b.size(), kCap);
  ASSERT_TRUE(both.ok()) << both.error().message();
  EXPECT_EQ(*both, a + b);
  auto unknown = gunzip(gzip(a) + gzip(b), 0, kCap);
  ASSERT_TRUE(unknown.ok()) << unknown.error().message();
  EXPECT_EQ(*unknown, a + b);
  // Without a hint the buffer starts at the last member's size (its trailer): one byte here.
  auto short_tail = gunzip(gzip(a) + gzip("x"), 0, kCap);
  ASSERT_TRUE(short_tail.ok()) << short_tail.error().message();
  EXPECT_EQ(*short_tail, a + "x");
  auto small = gunzip(gzip("select 1"), 0, kCap);
  ASSERT_TRUE(small.ok()) << small.error().message();
  EXPECT_EQ(*small, "select 1");
  // Growing a buffer keeps the members already inflated (a hint far too small).
  auto buffer = sfq::detail::gunzip_buffer(gzip(a) + gzip(b, 1) + gzip(""), 1, kCap);
  ASSERT_TRUE(buffer.ok()) << buffer.error().message();
  EXPECT_EQ(buffer->view(), a + b);
  auto empty = gunzip(gzip(""), 0, kCap);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(DecodeGzip, BadInputIsAProtocolError) {
  const std::string original = sample(50000, 4);
  const std::string good = gzip(original);
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
  std::string bad_crc = good;
  bad_crc[good.size() - 6] = static_cast<char>(bad_crc[good.size() - 6] ^ 1);
  struct Case {
    const char* name;
    std::string input;
    std::uint64_t cap;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty", "", kCap, "empty"},
      {"plain JSON", "{\"data\":[]}", kCap, "not gzip"},
      {"truncated", good.substr(0, good.size() / 2), kCap, "corrupt"},
      {"header only", good.substr(0, 10), kCap, "corrupt"},
      {"corrupt deflate data", flipped, kCap, "corrupt"},
      {"bad checksum", bad_crc, kCap, "corrupt"},
      {"trailing garbage", good + "garbage", kCap, "unexpected bytes"},
      {"over the cap", good, original.size() - 1, "limit"},
      {"zero cap", good, 0, "limit"},
  };
  for (const auto& c : cases) {
    auto result = gunzip(c.input, original.size(), c.cap);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.error().category(), sfq::ErrorCategory::protocol) << c.name;
    EXPECT_NE(result.error().message().find(c.message), std::string::npos)
        << c.name << ": " << result.error().message();
    auto buffer = sfq::detail::gunzip_buffer(c.input, original.size(), c.cap);
    ASSERT_FALSE(buffer.ok()) << c.name;
    EXPECT_EQ(buffer.error().message(), result.error().message()) << c.name;
  }
  // Exactly at the cap is fine.
  auto at_cap = gunzip(good, 0, original.size());
  ASSERT_TRUE(at_cap.ok()) << at_cap.error().message();
  EXPECT_EQ(*at_cap, original);
}

TEST(DecodeGzip, RandomCorruptionNeverCrashes) {
  const std::string good = gzip(sample(20000, 5));
  std::mt19937 random(42);
  int failures = 0;
  for (int i = 0; i < 500; ++i) {
    std::string input = good;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      input[random() % input.size()] = static_cast<char>(random());
    }
    if (random() % 3 == 0) input.resize(random() % input.size());
    auto result = gunzip(input, 0, 1 << 20);
    if (!result.ok()) {
      ++failures;
      EXPECT_EQ(result.error().category(), sfq::ErrorCategory::protocol);
    }
  }
  EXPECT_GT(failures, 400) << "the CRC-32 check catches nearly every corruption";
}

// GzipStream (ISA-L, in pieces): the same text as gunzip() whatever the split, for one member
// and for concatenated ones, into a small output window.
std::optional<std::string> stream_inflate(std::string_view input, std::size_t piece,
                                          std::size_t window, std::uint64_t cap,
                                          std::string* error = nullptr) {
  sfq::detail::GzipStream stream(cap);
  std::string out;
  std::string buffer(window, '\0');
  for (std::size_t at = 0; at < input.size() || input.empty(); at += piece) {
    std::string_view rest = input.substr(at, piece);
    do {
      auto written = stream.inflate(rest, buffer.data(), buffer.size());
      if (!written.ok()) {
        if (error != nullptr) *error = written.error().message();
        return std::nullopt;
      }
      out.append(buffer.data(), *written);
      if (*written == 0 && !rest.empty()) {
        if (error != nullptr) *error = "no progress";
        return std::nullopt;
      }
    } while (!rest.empty());
    if (input.empty()) break;
  }
  if (auto done = stream.finish(); !done.ok()) {
    if (error != nullptr) *error = done.error().message();
    return std::nullopt;
  }
  return out;
}

TEST(DecodeGzipStream, InflatesInAnyPiecesAndConcatenatedMembers) {
  const std::string a = sample(40000, 11);
  const std::string b = sample(3000, 12);
  const std::string one = gzip(a);
  const std::string two = gzip(a) + gzip(b) + gzip("");
  for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, one.size()}) {
    for (const std::size_t window : {std::size_t{1}, std::size_t{100}, std::size_t{65536}}) {
      if (piece == 1 && window == 1) continue;  // slow under sanitizers, nothing new
      std::string error;
      auto single = stream_inflate(one, piece, window, kCap, &error);
      ASSERT_TRUE(single.has_value()) << piece << "/" << window << ": " << error;
      EXPECT_EQ(*single, a);
      auto both = stream_inflate(two, piece, window, kCap, &error);
      ASSERT_TRUE(both.has_value()) << piece << "/" << window << ": " << error;
      EXPECT_EQ(*both, a + b);
    }
  }
  // Every split point of a small body.
  const std::string small = gzip("{\"data\":[[\"1\"]]}");
  for (std::size_t piece = 1; piece <= small.size(); ++piece) {
    auto out = stream_inflate(small, piece, 8, kCap);
    ASSERT_TRUE(out.has_value()) << piece;
    EXPECT_EQ(*out, "{\"data\":[[\"1\"]]}");
  }
}

TEST(DecodeGzipStream, RefusesWhatGunzipRefuses) {
  const std::string original = sample(50000, 4);
  const std::string good = gzip(original);
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
  std::string bad_crc = good;
  bad_crc[good.size() - 6] = static_cast<char>(bad_crc[good.size() - 6] ^ 1);
  struct Case {
    const char* name;
    std::string input;
    std::uint64_t cap;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty", "", kCap, "empty"},
      {"plain JSON", "{\"data\":[]}", kCap, "not gzip"},
      {"truncated", good.substr(0, good.size() / 2), kCap, "corrupt"},
      {"header only", good.substr(0, 10), kCap, "corrupt"},
      {"no trailer", good.substr(0, good.size() - 8), kCap, "corrupt"},
      {"corrupt deflate data", flipped, kCap, "corrupt"},
      {"bad checksum", bad_crc, kCap, "corrupt"},
      {"trailing garbage", good + "garbage", kCap, "unexpected bytes"},
      {"over the cap", good, original.size() - 1, "limit"},
      {"zero cap", good, 0, "limit"},
  };
  for (const auto& c : cases) {
    for (const std::size_t piece : {std::size_t{13}, std::size_t{1} << 20}) {
      std::string error;
      ASSERT_FALSE(stream_inflate(c.input, piece, 4096, c.cap, &error).has_value()) << c.name;
      EXPECT_NE(error.find(c.message), std::string::npos) << c.name << ": " << error;
    }
  }
  std::string error;
  auto at_cap = stream_inflate(good, 1000, 4096, original.size(), &error);
  ASSERT_TRUE(at_cap.has_value()) << error;
  EXPECT_EQ(*at_cap, original);
}

}  // namespace
