// retry.hpp — what to do with an HTTP answer, and how long to wait before trying again.
//
// The SQL API's documented advice: retry 429, 500, 502, 503 and 504 with jittered exponential
// backoff, resubmitting with the same requestId and retry=true so that nothing runs twice;
// a 429 while polling a running statement means "still running". Transport errors (reset,
// refused, timed out) are retried the same way. Pure functions plus a per-thread RNG.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace sfq::detail {

enum class RequestKind { submit, poll, partition, cancel };

enum class Verdict {
  done,           ///< a final answer (200, 202, 408, 422, ...): interpret the body
  retry,          ///< transient: back off and send the same request again
  still_running,  ///< a 429 while polling: schedule the next poll
  reauth,         ///< 401 with an expired/invalid JWT: mint a new token once and resend
  fail,           ///< not retryable
};

/// The verdict for an HTTP status (0 = transport error) of a request of `kind`.
/// `snowflake_code` is the body's "code" when known ("390144" for an invalid JWT).
[[nodiscard]] Verdict classify(RequestKind kind, int http_status, std::string_view snowflake_code);

struct BackoffPolicy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{8000};
};

/// Full-jitter exponential backoff: a uniform delay in [base/2, min(cap, base * 2^attempt)],
/// or Retry-After (seconds, capped) when the server gave one. attempt counts from 0.
[[nodiscard]] std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int attempt,
                                                      std::optional<int> retry_after_seconds);

/// Parses a Retry-After header given in seconds (HTTP dates are ignored).
[[nodiscard]] std::optional<int> parse_retry_after(std::string_view header);

/// Poll interval while a statement runs: 25 ms, doubling, capped at `cap`.
[[nodiscard]] std::chrono::milliseconds poll_delay(
    int poll_count, std::chrono::milliseconds cap = std::chrono::milliseconds(1000));

}  // namespace sfq::detail
