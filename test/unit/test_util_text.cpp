// test_util_text.cpp — the client's shared text helpers (src/util/text.hpp): ASCII case folding
// that leaves UTF-8 alone, trimming, and the one UTF-8 validator with its repair lengths.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "util/text.hpp"

namespace {

using namespace std::string_view_literals;

TEST(UtilText, CaseFoldingTouchesOnlyAsciiLetters) {
  EXPECT_EQ(sfq::util::upper("select élan_1$"), "SELECT éLAN_1$");
  EXPECT_EQ(sfq::util::lower("SELECT ÉLAN_1$"), "select Élan_1$");
  EXPECT_EQ(sfq::util::upper('q'), 'Q');
  EXPECT_EQ(sfq::util::lower('@'), '@');
  // Bytes >= 0x80 are never folded, whatever the locale says.
  EXPECT_EQ(sfq::util::upper("\xE9\xC9"), "\xE9\xC9");
}

TEST(UtilText, IequalsAndIstartsWith) {
  EXPECT_TRUE(sfq::util::iequals("Content-Encoding", "content-encoding"));
  EXPECT_FALSE(sfq::util::iequals("gzip", "gzip "));
  EXPECT_FALSE(sfq::util::iequals("\xC3\xA9", "\xC3\x89"));  // é and É differ outside ASCII
  EXPECT_TRUE(sfq::util::istarts_with("HTTPS://host", "https://"));
  EXPECT_FALSE(sfq::util::istarts_with("http", "https://"));
}

TEST(UtilText, TrimRemovesAsciiWhiteSpaceOnly) {
  EXPECT_EQ(sfq::util::trim(" \t\r\n\v\fvalue \n"), "value");
  EXPECT_EQ(sfq::util::trim("\xC2\xA0x"), "\xC2\xA0x");  // NO-BREAK SPACE is not ASCII
  EXPECT_EQ(sfq::util::trim("   "), "");
}

struct Utf8Case {
  std::string_view bytes;
  std::size_t length;      // of the sequence at 0; 0 when ill-formed
  std::size_t ill_formed;  // bytes one U+FFFD replaces when length is 0
};

TEST(UtilText, Utf8SequenceLength) {
  const Utf8Case cases[] = {
      {"a"sv, 1, 0},
      {"\xC3\xA9"sv, 2, 0},
      {"\xE2\x82\xAC"sv, 3, 0},
      {"\xF0\x9F\x98\x80"sv, 4, 0},
      {"\xF4\x8F\xBF\xBF"sv, 4, 0},  // U+10FFFF
      {"\x80"sv, 0, 1},              // a lone continuation byte
      {"\xC0\xAF"sv, 0, 1},          // overlong lead
      {"\xE0\x80\x80"sv, 0, 1},      // overlong three-byte form
      {"\xED\xA0\x80"sv, 0, 1},      // a surrogate
      {"\xF4\x90\x80\x80"sv, 0, 1},  // above U+10FFFF
      {"\xF5\x80"sv, 0, 1},
      {"\xE2\x82"sv, 0, 2},   // cut by the end of the text
      {"\xE2\x82x"sv, 0, 2},  // cut by an ASCII byte
      {"\xF0\x9F\x98"sv, 0, 3},
  };
  for (const Utf8Case& c : cases) {
    std::size_t ill_formed = 0;
    EXPECT_EQ(sfq::util::utf8_sequence_length(c.bytes, 0, &ill_formed), c.length)
        << testing::PrintToString(std::string(c.bytes));
    if (c.length == 0) {
      EXPECT_EQ(ill_formed, c.ill_formed);
    }
    EXPECT_EQ(sfq::util::utf8_sequence_length(c.bytes, 0), c.length);
  }
  // An offset inside a longer text.
  EXPECT_EQ(sfq::util::utf8_sequence_length("ab\xC3\xA9"sv, 2), 2U);
}

}  // namespace
