// gunzip(): libdeflate against zlib-made gzip data — exact and wrong size hints, concatenated
// members, the output cap, and corrupt, truncated or non-gzip input as protocol errors.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
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

TEST(DecodeGzip, ConcatenatedMembersAndEmptyContent) {
  const std::string a = sample(70000, 2);
  const std::string b = sample(130000, 3);
  auto both = gunzip(gzip(a) + gzip(b, 1) + gzip(""), a.size() + b.size(), kCap);
  ASSERT_TRUE(both.ok()) << both.error().message();
  EXPECT_EQ(*both, a + b);
  auto unknown = gunzip(gzip(a) + gzip(b), 0, kCap);
  ASSERT_TRUE(unknown.ok()) << unknown.error().message();
  EXPECT_EQ(*unknown, a + b);
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

}  // namespace
