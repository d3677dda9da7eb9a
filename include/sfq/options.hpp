// sfq/options.hpp — how to reach and authenticate to a Snowflake account.
//
// ConnectionOptions is a plain value: fill in the fields (each documents its default), then hand
// it to sfq::Client. Secrets are held in sfq::Secret, which never prints its content, so printing
// the options (to_string) is always safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq {

/// A string that must never be printed or logged: private key text, passphrases, tokens.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  /// The secret itself, for the code that must send or use it.
  [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  /// "****" when set, "" when empty.
  [[nodiscard]] std::string masked() const { return value_.empty() ? std::string() : "****"; }

  friend std::ostream& operator<<(std::ostream& out, const Secret& secret) {
    return out << secret.masked();
  }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

enum class AuthMethod : std::uint8_t {
  key_pair,                   ///< KEYPAIR_JWT: a JWT signed with the user's RSA private key
  oauth,                      ///< OAUTH: an OAuth access token
  programmatic_access_token,  ///< PROGRAMMATIC_ACCESS_TOKEN
};

/// "key_pair", "oauth", "programmatic_access_token".
[[nodiscard]] std::string_view to_string(AuthMethod method) noexcept;

struct ConnectionOptions {
  // --- where -------------------------------------------------------------------------------
  /// Account identifier, e.g. "myorg-myaccount" or "xy12345.eu-central-1". Required for key-pair
  /// auth (the JWT names it) and to derive `host` when that is empty.
  std::string account;
  /// User name. Required for key-pair auth.
  std::string user;
  /// Host name; default "<account>.snowflakecomputing.com".
  std::string host;
  /// TCP port; 0 = the protocol's default (443 for https, 80 for http).
  int port = 0;
  /// "https" (default) or "http" (the local emulator).
  std::string protocol = "https";

  // --- session defaults (each statement may override) -------------------------------------
  std::string role;       ///< empty: the user's default role
  std::string warehouse;  ///< empty: the user's default warehouse
  std::string database;   ///< empty: the user's default namespace
  std::string schema;     ///< empty: the user's default namespace

  // --- authentication ---------------------------------------------------------------------
  AuthMethod auth = AuthMethod::key_pair;
  /// Key pair: a PKCS#8 PEM file (unencrypted or encrypted). Used when private_key_pem is empty.
  std::string private_key_file;
  /// Key pair: the PEM text itself, instead of a file.
  Secret private_key_pem;
  /// Passphrase of an encrypted key. The PRIVATE_KEY_PASSPHRASE environment variable, when set,
  /// wins (as in Snowflake's own tools).
  Secret private_key_passphrase;
  /// OAuth access token or programmatic access token.
  Secret token;

  // --- behaviour --------------------------------------------------------------------------
  /// Sent as User-Agent; default "sfq/<version>".
  std::string user_agent;
  // Timeouts and retries (docs/RELIABILITY.md has the whole policy). Every request is retried
  // with the same requestId (and retry=true) after a jittered exponential backoff, so nothing
  // runs twice; an attempt that fails to connect, times out or stalls is retried like a 503.
  /// TCP + TLS connect timeout of one attempt (a failed connect is retried: nothing reached the
  /// server). sfq's configuration key: connect_timeout (seconds).
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  /// Limit of one attempt of any request; 0 = the defaults per kind: submissions 90 s (the
  /// service holds a submission up to 45 s before answering 202), polls, cancels and the
  /// cancel probe 60 s, partition fetches none (the stall timeout guards them). Keep it above
  /// 45 s unless statements are submitted with async.
  std::chrono::milliseconds request_timeout{0};
  /// An attempt that receives no byte for this long is abandoned and retried (rounded up to
  /// whole seconds). Applies to polls, partition fetches, cancels; not to submissions, which the
  /// server holds silently. 0 = never.
  std::chrono::milliseconds stall_timeout{std::chrono::seconds(30)};
  /// How long one request keeps being retried (from its first attempt) before the failure is
  /// reported, within the statement's deadline. The default lets throttling (429, 503) pass.
  /// This is also the default deadline for a submission to be answered at all. 0 = 5 minutes.
  std::chrono::milliseconds retry_timeout{0};
  /// How long a request keeps being retried while none of its attempts has reached the server
  /// (refused, name lookup failed, connect timeout), from its first attempt; 0 = retry_timeout
  /// alone. An interactive program sets a short one so that a wrong host or port fails fast.
  std::chrono::milliseconds connect_retry_timeout{0};
  /// Server-side statement timeout sent with each statement; 0 = the account's default.
  std::chrono::seconds statement_timeout{0};
  /// Client-side deadline for a whole statement (submission, polling, every partition); when it
  /// runs out the statement is cancelled on the server and fails with a timeout error whose
  /// detail is ErrorDetail::client_deadline. 0 = none (each request is still bounded by
  /// retry_timeout). sfq's configuration key: total_timeout (seconds).
  std::chrono::milliseconds total_timeout{0};
  /// Most retries of one request after failures other than throttling: 500, 502, 504,
  /// connection errors, timeouts, stalls. Throttling (429, 503) is retried for as long as
  /// retry_timeout allows.
  int max_retries = 7;
  /// Lanes: submissions, polls and cancels, and partition fetches each have their own limit of
  /// HTTP requests in flight and their own queue, so a cancel, a poll or a partition fetch never
  /// waits behind submissions the server holds (up to 45 s each).
  /// Most submissions in flight at once; more wait in a queue. 0 = 256.
  int max_in_flight = 0;
  /// Most polls, cancels and cancel probes in flight at once (each kind its own lane). 0 = 256.
  int max_control_in_flight = 0;
  /// Most partition fetches in flight at once. 0 = 256.
  int max_fetches_in_flight = 0;
  /// Decode worker threads; 0 = the number of cores this process may run on (its CPU affinity,
  /// e.g. `taskset` or a container's cpuset), at least 1.
  int decode_threads = 0;
  /// Partitions fetched ahead of the consumer per query (memory bound for streaming). 0 = 4.
  int prefetch_partitions = 0;
  /// Streaming budget: the bytes one query may hold ahead of its consumer, counted as they are:
  /// decoded batches not yet taken (RowBatch::memory_bytes), plus for each partition being
  /// fetched and decoded the compressed body waiting to be decoded (at most about 1 MiB: the
  /// transfer pauses past that) and its text window (about 1 MiB). Partitions arrive as they
  /// stream, decoded in batches of about 1 MiB of text; past the budget a query stops decoding
  /// and fetching until the consumer takes batches (one partition is always allowed). Applies
  /// together with prefetch_partitions. 0 = 4 MiB (with the batch the consumer holds and the
  /// process itself, `sfq -q … --format csv` stays near 25 MB whatever the result's size).
  std::uint64_t streaming_budget_bytes = 0;
  /// Largest response body accepted, compressed or not (a typed error beyond). 0 = 512 MiB.
  std::uint64_t max_response_bytes = 0;
  /// Trusted CA certificates (PEM). Empty: the system store. sfq's configuration key: ca_file.
  std::string ca_file;
  /// Do NOT verify the server's certificate and host name. Only for test servers with
  /// self-made certificates: anyone on the network path could then read the credentials and
  /// the data. The front ends warn on every run that sets it (key insecure_skip_tls_verify,
  /// flag --insecure-skip-tls-verify, SNOWFLAKE_INSECURE_SKIP_TLS_VERIFY).
  bool insecure_skip_tls_verify = false;
  /// Log every HTTP exchange at debug level (secrets redacted).
  bool trace_http = false;

  /// The URL prefix requests go to, e.g. "https://myorg-myaccount.snowflakecomputing.com".
  [[nodiscard]] std::string base_url() const;
  /// Checks required fields and values; a config error names the field and the fix.
  [[nodiscard]] Status validate() const;
  /// Every field, one per line, secrets masked.
  [[nodiscard]] std::string to_string() const;
};

/// The system store's CA bundle file: libcurl's compiled-in bundle when it is readable, else "".
/// With `ca_file` empty, libsfq verifies servers against libcurl's compiled-in CA directory when
/// there is one (hashed, as Debian's /etc/ssl/certs: each CA read once per Client, when a
/// connection first needs it) and this bundle (read once per Client, and only when a server's
/// chain has no possible anchor in the directory); without a directory against this bundle
/// alone (parsed once per Client); without either against libcurl's own defaults. Any thread.
[[nodiscard]] std::string default_ca_bundle();

/// The system store's hashed CA directory: libcurl's compiled-in one when it is a readable
/// directory, else "" (see default_ca_bundle() for how the two are used). Any thread.
[[nodiscard]] std::string default_ca_directory();

}  // namespace sfq
