// test_mock_gzip.cpp — the emulator's gzip (ISA-L) read back by zlib, as clients read it: empty,
// tiny, repetitive, incompressible and partition-sized bodies.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "gzip.hpp"
#include "support/mock_test_support.hpp"

namespace {

using mock_snowflake::detail::gzip;

std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(generator() & 0xff);
  return out;
}

/// Rows as the emulator writes them: `[["0","k3Jd…"],["1","…"]…]` with random text of `width`.
std::string rows_json(std::size_t bytes, std::size_t width) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::mt19937_64 generator(7);
  std::string out = R"({"data":[)";
  for (std::size_t row = 0; out.size() < bytes; ++row) {
    out += "[\"" + std::to_string(row) + "\",\"";
    for (std::size_t i = 0; i < width; ++i) out += kAlphabet[generator() % 62];
    out += "\"],";
  }
  out.back() = ']';
  out += '}';
  return out;
}

void expect_round_trip(const std::string& data) {
  const std::string zipped = gzip(data);
  ASSERT_GE(zipped.size(), 18u) << "a gzip member has a 10-byte header and an 8-byte trailer";
  EXPECT_EQ(static_cast<unsigned char>(zipped[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped[1]), 0x8b);
  EXPECT_EQ(zipped[3], 0) << "no optional header fields: the corrupt_gzip fault finds the first "
                             "deflate block right after a 10-byte header";
  // zlib checks the trailer's CRC-32 and length as it inflates.
  EXPECT_EQ(mock_test::gunzip(zipped), data);
}

TEST(MockGzip, EmptyAndTinyBodiesAreWholeGzipMembers) {
  expect_round_trip("");
  expect_round_trip("x");
  expect_round_trip(R"({"code":"090001","message":"Statement executed successfully."})");
}

TEST(MockGzip, RepetitiveJsonShrinks) {
  std::string data;
  while (data.size() < 300'000) data += R"(["1","BUILDING","regular deposits sleep"],)";
  expect_round_trip(data);
  EXPECT_LT(gzip(data).size(), data.size() / 20);
}

TEST(MockGzip, IncompressibleBytesStayWithinTheirSize) {
  for (const std::size_t n : {std::size_t{100}, std::size_t{70'000}, std::size_t{3'000'000}}) {
    const std::string data = random_bytes(n, n);
    expect_round_trip(data);
    EXPECT_LE(gzip(data).size(), n + n / 1024 + 1024) << n;
  }
}

TEST(MockGzip, PartitionSizedRowsRoundTripAndKeepNoSpareCapacity) {
  // The emulator's largest partition (16 MiB of JSON), random text as RANDSTR makes it: the
  // compressed partition is held until the statement expires, so spare capacity would be held
  // with it.
  const std::string data = rows_json(std::size_t{16} << 20, 200);
  const std::string zipped = gzip(data);
  EXPECT_EQ(mock_test::gunzip(zipped), data);
  EXPECT_LT(zipped.size(), data.size() * 4 / 5) << "62 symbols need under 6 bits of 8";
  EXPECT_LE(zipped.capacity(), zipped.size() + 4096);
}

}  // namespace
