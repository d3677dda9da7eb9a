// mock_snowflake/server.hpp — an in-process emulator of Snowflake's SQL API.
//
// Server listens on a loopback port (0 picks a free one) and answers /api/v2/statements the way
// the real service does: key-pair JWT / OAuth / programmatic-access-token authentication, the
// real response shapes and codes, asynchronous execution with polling, cancellation, timeouts,
// idempotent retries, multi-statement requests and partitioned results. Tests and `sfq --mock`
// start it in-process; the `mock-snowflake` executable wraps it for scripts (docs/MOCK.md).
//
// Faults (injected HTTP answers, latency) and counters make client retry and load behaviour
// observable from tests; the same controls are reachable over HTTP through the loopback-only
// admin endpoint (/__admin/...) when ServerOptions::admin_endpoint is set.
//
// Thread safety: start() and stop() from one owning thread; every other member from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mock_snowflake {

/// How a result is split into partitions. The real server sends a small first partition and
/// larger later ones (20 000 rows x 2 columns came back as 2063 / 4682 / 9404 / 3851 rows, a
/// first partition of about 100 KB); the defaults reproduce that shape. A partition closes when it
/// reaches its byte target or its row cap, whichever comes first; each later target is the previous
/// one times `growth`, capped.
struct PartitionPolicy {
  std::size_t first_partition_rows = 0;                ///< row cap of partition 0; 0 = none
  std::size_t first_partition_bytes = 100'000;         ///< JSON bytes of partition 0's rows
  double growth = 2.0;                                 ///< target multiplier per later partition
  std::size_t max_partition_rows = 0;                  ///< row cap of any partition; 0 = none
  std::size_t max_partition_bytes = 16 * 1024 * 1024;  ///< byte cap of any partition
};

/// What an injected fault does to a matching request.
enum class FaultKind {
  status,                ///< answer `status` (429, 500, 502, 503, 504, ...) with a JSON body
  close_before_headers,  ///< close the connection without sending a byte
  close_after_headers,   ///< send the real status line and headers, then close (no body)
  truncated_body,        ///< send the headers and half of the real body, then close
  invalid_json,          ///< answer 200 with a body that is not JSON
  slow_drip,             ///< send the real answer `drip_bytes` at a time every `drip_interval`
  blackhole,             ///< read the request, never answer; the connection stays open until
                         ///< the client gives up or the server stops
  silent_after,          ///< answer `answers` matching requests normally, then act as blackhole
  refuse,                ///< cut this connection and stop listening for `duration` (connects
                         ///< are refused), then listen again on the same port
  close_idle,            ///< answer normally (promising keep-alive), then drop the connection
                         ///< with a reset when the client sends its next request on it
  corrupt_gzip,          ///< the real answer gzip'd and correctly framed, its deflate stream
                         ///< corrupt
  connect_timeout,       ///< cut this connection; for `duration` new connects never complete
};

/// When a fault strikes a request that would run a statement.
enum class FaultWhen {
  before,  ///< instead of processing the request: nothing executes
  after,   ///< after the request was processed (the statement was accepted and ran for its sync
           ///< window): the client loses the real answer, so a retry must be idempotent
};

/// One entry of the fault queue. The next `count` requests that match `method` and `path` get
/// the fault; entries are consulted in the order they were added.
struct Fault {
  FaultKind kind = FaultKind::status;
  int status = 503;                ///< for FaultKind::status
  std::optional<int> retry_after;  ///< seconds; adds a `Retry-After` header (status faults)
  std::string body;                ///< status faults: replaces the default JSON body when set
  std::string method = "*";        ///< "POST", "GET" or "*"
  /// Glob (`*` matches anything) against the path, e.g. "/api/v2/statements" or
  /// "/api/v2/statements/*"; a pattern containing `?` is matched against path + query, e.g.
  /// "/api/v2/statements/*?partition=*".
  std::string path = "*";
  int count = 1;  ///< how many matching requests it strikes
  /// Default: `before` for status, close_before_headers, blackhole, silent_after, refuse and
  /// connect_timeout; the body-mangling kinds (close_after_headers, truncated_body,
  /// invalid_json, slow_drip, close_idle, corrupt_gzip) always act `after`.
  std::optional<FaultWhen> when;
  std::size_t drip_bytes = 16;                   ///< slow_drip: bytes per write
  std::chrono::milliseconds drip_interval{100};  ///< slow_drip: pause between writes
  int answers = 1;  ///< silent_after: matching requests answered before it strikes
  std::chrono::milliseconds duration{1000};  ///< refuse, connect_timeout: how long
};

/// Parses a fault from "key=value,key=value" (the --fault flag): kind=status|close_before_headers|
/// close_after_headers|truncated_body|invalid_json|slow_drip|blackhole|silent_after|refuse|
/// close_idle|corrupt_gzip|connect_timeout, status=N, retry_after=S, method=M, path=GLOB, count=N,
/// when=before|after, drip_bytes=N, drip_ms=N, answers=N, duration_ms=N, body=TEXT (last: takes
/// the rest of the string). Returns nullopt with a message in `error` when it cannot.
[[nodiscard]] std::optional<Fault> parse_fault_spec(std::string_view spec, std::string& error);

/// Everything the server is configured with. Defaults are those of the real service where it
/// has one.
struct ServerOptions {
  std::string host = "127.0.0.1";       ///< address to bind; loopback by default
  int port = 0;                         ///< 0 picks a free port
  std::string account = "MOCKACCOUNT";  ///< the JWT `iss`/`sub` account (compared uppercase)
  std::string user = "MOCKUSER";        ///< the JWT user (compared uppercase)
  /// PEM public keys (SubjectPublicKeyInfo "BEGIN PUBLIC KEY" or PKCS#1 "BEGIN RSA PUBLIC
  /// KEY"): element 0 is the RSA_PUBLIC_KEY slot, element 1 RSA_PUBLIC_KEY_2. More than two is
  /// an error at start().
  std::vector<std::string> public_keys_pem;
  /// The user's DEFAULT_NAMESPACE / DEFAULT_WAREHOUSE / DEFAULT_ROLE: the session context of a
  /// request that names none. Empty: no current database (statements on unqualified names
  /// fail as on the real service for a user without defaults). The warehouse defaults to the
  /// account's one warehouse; empty, a statement that reads tables or writes fails with 000606
  /// unless the request names a warehouse.
  std::string default_database;
  std::string default_schema;
  std::string default_warehouse = "MOCK_WH";
  std::string default_role;
  /// The account's warehouses besides the default one (names compared exactly, as the real
  /// service compares them with SHOW WAREHOUSES'). A request naming a warehouse that does not
  /// exist runs without one: CURRENT_WAREHOUSE() is NULL and a statement that needs a warehouse
  /// fails with 000606, as when none is named (docs/MOCK.md, "Behaviour").
  std::vector<std::string> warehouses{"MOCK_WH"};
  std::vector<std::string> oauth_tokens;                ///< accepted OAuth access tokens
  std::vector<std::string> programmatic_access_tokens;  ///< accepted PATs
  std::string tls_cert_file;  ///< with tls_key_file: serve HTTPS instead of HTTP
  std::string tls_key_file;
  /// How long a POST waits for its statement before answering 202 (the real server: 45 s).
  std::chrono::milliseconds sync_window{45'000};
  std::chrono::milliseconds request_latency{0};    ///< added before every API request
  std::chrono::milliseconds statement_latency{0};  ///< added before every statement runs
  PartitionPolicy partitions;
  bool sample_data = true;         ///< seed SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 and the all-types table
  std::string db_file;             ///< serve this SQLite file too
  std::string csv_dir;             ///< load every *.csv in it as a table
  bool admin_endpoint = false;     ///< serve /__admin/* to loopback clients (docs/MOCK.md)
  bool verbose = false;            ///< log every request on stderr
  std::size_t max_threads = 4096;  ///< cap of the growing statement pool
  /// Finished statements' results are kept (for GETs) within these bounds; the oldest go first,
  /// and the newest stays until another finishes even when it alone is over them.
  std::size_t result_cache_bytes = 512u * 1024u * 1024u;
  std::size_t max_statements = 20'000;
  std::chrono::seconds jwt_clock_skew{60};  ///< how far in the future a JWT `iat` may be
  /// The clock JWT validity is checked against and `createdOn` stamped from (clock_offset is
  /// added to it); tests move it to avoid waiting an hour. Empty: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  std::vector<Fault> faults;  ///< queued at start

  // --- session checks and the service's clock (mock_snowflake/src/request.hpp) ---
  /// Roles granted to the user: a request naming another role answers 400 390186. The
  /// default role is granted as well. Changeable at run time through /__admin/roles.
  std::vector<std::string> granted_roles{"PUBLIC", "SYSADMIN", "ACCOUNTADMIN"};
  /// How far the emulator's clock runs off the real one (positive: ahead; --clock-skew-seconds).
  /// Not to be confused with jwt_clock_skew, the tolerance for a JWT `iat`. JWT validity and
  /// `createdOn` use the shifted clock, so a client's token looks expired or not yet valid as
  /// it would to a server with a skewed clock. Changeable at run time through /__admin/clock.
  std::chrono::seconds clock_offset{0};
};

/// A statement's lifecycle state as the server sees it.
enum class StatementState { running, succeeded, failed, cancelled, timed_out };
[[nodiscard]] std::string_view to_string(StatementState state);

/// What the server has seen; a consistent snapshot.
struct Counters {
  /// Keyed by endpoint — "POST /api/v2/statements", "GET /api/v2/statements/{handle}",
  /// "POST /api/v2/statements/{handle}/cancel", "admin", "other" — then by HTTP status (0 when
  /// an injected fault closed the connection before a status was sent).
  std::map<std::string, std::map<int, std::uint64_t>> requests;
  std::map<std::string, std::uint64_t> executions_by_request_id;  ///< client-sent requestIds
  std::uint64_t executions = 0;  ///< statements started (multi-statement: the parent)
  std::map<std::string, std::uint64_t> cancels_by_handle;  ///< cancel requests per known handle
  std::uint64_t statements_running = 0;  ///< statements whose engine call has not returned
  std::map<std::string, std::uint64_t> statements_by_state;  ///< over the statements kept
  std::map<std::string, std::uint64_t> auth_failures;        ///< by reason (never told to clients)
  std::uint64_t faults_injected = 0;
  std::uint64_t in_flight_requests = 0;      ///< requests being handled right now
  std::uint64_t max_in_flight_requests = 0;  ///< high-water mark since start/reset
  std::uint64_t statements_evicted = 0;      ///< results dropped to bound memory
  /// Requests (the admin endpoint's aside) by their User-Agent, which the API docs require: ""
  /// when absent, the values joined by " | " when sent more than once. At most 64 different
  /// ones; later new ones count under "(others)".
  std::map<std::string, std::uint64_t> user_agents;

  [[nodiscard]] std::uint64_t requests_with(const std::string& endpoint, int status) const;
  [[nodiscard]] std::uint64_t requests_to(const std::string& endpoint) const;
  [[nodiscard]] std::uint64_t executions_of(const std::string& request_id) const;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Creates the engine, binds and starts serving on background threads. Returns false, with a
  /// message in `error`, when a key, the TLS files, the data options or the address are unusable.
  /// A Server serves once: after stop(), start() fails (make a new Server instead).
  [[nodiscard]] bool start(std::string& error);

  /// Cancels running statements, closes every connection and joins the threads. Idempotent.
  void stop();

  /// The bound port (valid after start()).
  [[nodiscard]] int port() const;

  /// "http://127.0.0.1:PORT" (or https:// with TLS).
  [[nodiscard]] std::string base_url() const;

  // --- authentication (also usable while running) ---

  /// Registers a PEM public key in slot 1 (RSA_PUBLIC_KEY) or 2 (RSA_PUBLIC_KEY_2), replacing
  /// what was there. Returns false with a message when the PEM is not an RSA public key.
  [[nodiscard]] bool add_public_key(std::string_view pem, int slot, std::string& error);
  void remove_public_key(int slot);
  void add_oauth_token(std::string token);
  void add_programmatic_access_token(std::string token);

  /// "SHA256:<base64 of SHA-256 of the DER SubjectPublicKeyInfo>", as DESC USER shows it, or
  /// "" when the PEM is not a public key.
  [[nodiscard]] static std::string public_key_fingerprint(std::string_view pem);

  // --- faults and latency ---

  void inject_fault(Fault fault);
  void clear_faults();
  [[nodiscard]] std::size_t pending_faults() const;  ///< strikes left in the queue
  void set_request_latency(std::chrono::milliseconds latency);
  /// Also applies to statements already waiting: lowering it releases them.
  void set_statement_latency(std::chrono::milliseconds latency);
  void set_sync_window(std::chrono::milliseconds window);

  // --- observation ---

  [[nodiscard]] Counters counters() const;
  /// Zeroes the request, execution, cancel, auth and fault counters (statements are kept).
  void reset_counters();
  /// The state of a statement the server still holds, by handle (children of multi-statement
  /// requests included).
  [[nodiscard]] std::optional<StatementState> statement_state(const std::string& handle) const;
  /// The handle of the latest statement a client-sent requestId started, if the server still
  /// holds it (lets a test find a statement whose POST has not answered yet).
  [[nodiscard]] std::optional<std::string> statement_handle(const std::string& request_id) const;
  /// Waits until `predicate(counters())` holds or `timeout` passes; true when it held. Woken by
  /// every counter change, so tests can wait on server-side conditions without sleeping.
  [[nodiscard]] bool wait_until(const std::function<bool(const Counters&)>& predicate,
                                std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_snowflake
