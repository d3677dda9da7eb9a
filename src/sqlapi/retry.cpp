// retry.cpp — retry verdicts, backoff delays and the retry budget.
#include "sqlapi/retry.hpp"

#include <algorithm>
#include <charconv>
#include <random>

namespace sfq::detail {

Verdict classify(RequestKind kind, int http_status, std::string_view snowflake_code) {
  switch (http_status) {
    case 0:  // transport error: the request may or may not have arrived; retry=true covers it
      return Verdict::retry;
    case 200:
    case 202:
    case 408:
    case 422:
      return Verdict::done;
    case 401:
      // 390144 "JWT token is invalid", 390318 / 390112 token expired variants.
      if (snowflake_code == "390144" || snowflake_code == "390318" || snowflake_code == "390112") {
        return Verdict::reauth;
      }
      return Verdict::fail;
    case 429:
      return kind == RequestKind::poll ? Verdict::still_running : Verdict::throttled;
    case 503:
      return Verdict::throttled;
    case 500:
    case 502:
    case 504:
      return Verdict::retry;
    default:
      return Verdict::fail;
  }
}

Verdict classify_error(const Error& error) {
  // Trying again cannot make a certificate trusted.
  if (error.detail() == ErrorDetail::untrusted_certificate) return Verdict::fail;
  switch (error.category()) {
    case ErrorCategory::transport:  // cannot connect, reset, broken connection
    case ErrorCategory::timeout:    // the attempt timed out or stalled
      return Verdict::retry;
    default:  // protocol (a body over the size limit), auth, ...: trying again cannot help
      return Verdict::fail;
  }
}

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int attempt,
                                        std::optional<int> retry_after_seconds) {
  if (retry_after_seconds) {
    return std::chrono::milliseconds(std::chrono::seconds(std::max(*retry_after_seconds, 0)));
  }
  const int shift = std::clamp(attempt, 0, 20);
  const auto ceiling = std::min<std::int64_t>(policy.cap.count(), policy.base.count() << shift);
  const auto floor = std::min<std::int64_t>(policy.base.count() / 2, ceiling);
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> dist(floor, ceiling);
  return std::chrono::milliseconds(dist(engine));
}

std::optional<int> parse_retry_after(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  // delay-seconds is 1*DIGIT (RFC 9110 §10.2.3): no sign, not even "-0" (found by fuzzing).
  if (header.empty() || header.front() < '0' || header.front() > '9') return std::nullopt;
  int seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) {
    return std::nullopt;
  }
  return seconds;
}

bool may_retry(std::chrono::steady_clock::time_point now, std::chrono::milliseconds delay,
               std::chrono::steady_clock::time_point give_up_at, int retries_so_far,
               int max_retries, bool throttled) {
  if (!throttled && retries_so_far >= max_retries) return false;
  return now + delay < give_up_at;
}

std::chrono::milliseconds poll_delay(std::chrono::milliseconds elapsed,
                                     std::chrono::milliseconds cap) {
  constexpr std::chrono::milliseconds kFloor{25};
  return std::max(kFloor, std::min(cap, elapsed / 25));
}

}  // namespace sfq::detail
