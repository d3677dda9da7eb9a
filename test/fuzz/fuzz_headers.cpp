// fuzz_headers.cpp — libFuzzer target: the response headers the client interprets. Today that is
// Retry-After (parse_retry_after in src/sqlapi/retry.hpp) and the backoff it feeds; the SQL API's
// `Link` header is not read by the client (it builds partition URLs itself), so there is no Link
// parser to fuzz. Properties: an accepted Retry-After is a non-negative number of seconds written
// as digits (blanks around allowed) that the backoff honours exactly, and a backoff without one
// never exceeds the policy's cap.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "sqlapi/retry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto seconds = sfq::detail::parse_retry_after(header);
  if (!seconds) return 0;
  if (*seconds < 0) std::abort();
  bool digit = false;
  for (const char c : header) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != ' ') {
      std::abort();  // only digits and blanks
    }
  }
  if (!digit) std::abort();
  const sfq::detail::BackoffPolicy policy;
  for (const int attempt : {0, 5, 1000}) {
    // A Retry-After is honoured exactly (never capped: the retry budget decides); without one
    // the jittered delay stays within the cap.
    if (sfq::detail::backoff_delay(policy, attempt, seconds) != std::chrono::seconds(*seconds)) {
      std::abort();
    }
    const auto delay = sfq::detail::backoff_delay(policy, attempt, std::nullopt);
    if (delay < std::chrono::milliseconds(0) || delay > policy.cap) std::abort();
  }
  return 0;
}
