// retry.hpp — what to do with an HTTP answer or a failed attempt, how long to wait before trying
// again, and whether the time budget still allows it.
//
// The SQL API's documented advice: retry 429, 500, 502, 503 and 504 with jittered exponential
// backoff, resubmitting with the same requestId and retry=true so that nothing runs twice; a 429
// while polling a running statement means "still running". Failed attempts (cannot connect,
// reset, timed out, stalled) are retried the same way. Throttling (429, 503) is retried for as
// long as the time budget allows; other transient failures also count against max_retries.
// docs/RELIABILITY.md describes the policy. Pure functions plus a per-thread RNG.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq::detail {

enum class RequestKind {
  submit,     ///< POST a statement
  poll,       ///< GET a statement's status (and partition 0)
  partition,  ///< GET a partition > 0
  cancel,     ///< POST .../cancel
  probe,      ///< resubmit with retry=true&async=true to learn a handle (before a cancel)
};

enum class Verdict {
  done,           ///< a final answer (200, 202, 408, 422, ...): interpret the body
  retry,          ///< transient: back off and send the same request again
  throttled,      ///< 429 or 503: like retry, but limited by the time budget only
  still_running,  ///< a 429 while polling: schedule the next poll
  reauth,         ///< 401 with an expired/invalid JWT: mint a new token once and resend
  fail,           ///< not retryable
};

/// The verdict for an HTTP status of a request of `kind`. `snowflake_code` is the body's
/// "code" when known ("390144" for an invalid JWT).
[[nodiscard]] Verdict classify(RequestKind kind, int http_status, std::string_view snowflake_code);

/// The verdict for an attempt that got no HTTP answer: connection failures, timeouts and stalls
/// are retried; an oversized body or anything else is not.
[[nodiscard]] Verdict classify_error(const Error& error);

struct BackoffPolicy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{16000};
};

/// Full-jitter exponential backoff: a uniform delay in [base/2, min(cap, base * 2^attempt)],
/// or exactly Retry-After (seconds, never shortened or capped) when the server gave one.
/// attempt counts from 0.
[[nodiscard]] std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int attempt,
                                                      std::optional<int> retry_after_seconds);

/// Parses a Retry-After header given in seconds (HTTP dates are ignored).
[[nodiscard]] std::optional<int> parse_retry_after(std::string_view header);

/// Whether another attempt may start `delay` from `now`: it must start before `give_up_at` (the
/// earlier of the request's time budget and the statement's deadline), and, unless the failure
/// was throttling, `retries_so_far` must be below `max_retries`.
[[nodiscard]] bool may_retry(std::chrono::steady_clock::time_point now,
                             std::chrono::milliseconds delay,
                             std::chrono::steady_clock::time_point give_up_at, int retries_so_far,
                             int max_retries, bool throttled);

/// Poll interval while a statement runs: 4 % of the time since it was submitted, at least 25 ms
/// and at most `cap`. A statement that ends just after a poll is then seen at most
/// max(25 ms, 4 %) later plus the round trip of the poll that sees it, which keeps the whole
/// delay within max(25 ms, 5 %) whenever that round trip is under 1 % of the statement's time
/// (the 1 s cap holds at any length: past 25 s, 1 s is under 4 %), at the price of more polls
/// early on (about 40 for a statement of one second).
[[nodiscard]] std::chrono::milliseconds poll_delay(
    std::chrono::milliseconds elapsed,
    std::chrono::milliseconds cap = std::chrono::milliseconds(1000));

}  // namespace sfq::detail
