// Tests of the Retry-After parser (src/sqlapi/retry.hpp): delay-seconds only, as digits, with
// blanks around; anything else (dates, signs, fractions, overflow) is ignored. The inputs below
// the first block came from fuzzing (test/fuzz/fuzz_headers.cpp).
#include <gtest/gtest.h>

#include "sqlapi/retry.hpp"

namespace {

using sfq::detail::parse_retry_after;

TEST(sqlapi_retry_after, AcceptsDelaySeconds) {
  EXPECT_EQ(parse_retry_after("5"), 5);
  EXPECT_EQ(parse_retry_after("  120 "), 120);
  EXPECT_EQ(parse_retry_after("0"), 0);
}

TEST(sqlapi_retry_after, IgnoresEverythingElse) {
  for (const char* header : {"", " ", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "+5", "1.5", "5s",
                             "99999999999999999999", "-0", "- 0"}) {
    EXPECT_FALSE(parse_retry_after(header).has_value()) << header;
  }
}

}  // namespace
