// engine.hpp — the emulator's SQL engine: Snowflake SQL executed for real on embedded SQLite.
//
// The HTTP layer (server.cpp and friends) owns requests, statement handles, partitions, async
// polling, cancellation and faults; the engine owns everything about SQL: namespaces, the
// Snowflake dialect, types and the exact wire encoding of every value. The boundary is this
// header.
//
// Thread safety: Engine is shared by all requests; Engine::connect() and Connection objects may
// be used from any thread, one Connection per thread at a time. Statements on different
// Connections run concurrently (readers never wait for each other; SYSTEM$WAIT holds no lock).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mock_snowflake::engine {

/// One result column, with everything the real server puts in `rowType`.
struct ColumnInfo {
  std::string name;
  std::string type;           ///< lowercase rowType type: fixed, real, text, binary, boolean, date,
                              ///< time, timestamp_ntz, timestamp_ltz, timestamp_tz, variant,
                              ///< object, array, vector
  std::string ext_type_name;  ///< "GEOGRAPHY" / "GEOMETRY", else empty (omitted on the wire)
  std::optional<std::int64_t> precision;    ///< null on the wire when absent
  std::optional<std::int64_t> scale;        ///< null on the wire when absent
  std::optional<std::int64_t> length;       ///< null on the wire when absent
  std::optional<std::int64_t> byte_length;  ///< null on the wire when absent
  bool nullable = true;
  std::string database;                  ///< "" for computed columns
  std::string schema;                    ///< "" for computed columns
  std::string table;                     ///< "" for computed columns
  std::optional<std::string> collation;  ///< null on the wire when absent
};

/// Rows changed by a DML statement (the response's top-level `stats`).
struct DmlStats {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t deleted = 0;
  std::int64_t duplicates = 0;  ///< `numDmlDuplicates`
};

/// A statement failure, as the server reports it in a 422 body.
struct SqlError {
  std::string code;       ///< e.g. "002003"
  std::string sql_state;  ///< e.g. "42S02"
  std::string message;    ///< e.g. "SQL compilation error:\nObject 'X' does not exist or not
                          ///< authorized."
};

/// The request's session: context fields and `parameters` (keys upper-cased by the caller).
/// Statements such as USE and ALTER SESSION inside a multi-statement request change it.
struct Session {
  std::string account;
  std::string user;
  std::string role;
  std::string warehouse;
  std::string database;
  std::string schema;
  std::map<std::string, std::string> parameters;  ///< TIMEZONE, QUERY_TAG, *_OUTPUT_FORMAT, ...
  /// The user's own properties, as DESCRIBE USER shows them (set by the HTTP layer; "" = unset).
  struct UserProperties {
    std::string default_role;
    std::string default_warehouse;
    std::string default_namespace;  ///< DATABASE or DATABASE.SCHEMA
    std::string rsa_public_key;     ///< base64 DER, the PEM body without its delimiters
    std::string rsa_public_key_fp;  ///< SHA256:<base64>
    std::string rsa_public_key_2;
    std::string rsa_public_key_2_fp;
  } user_properties;
  /// Set by the HTTP layer for the statements of a multi-statement request: only there do
  /// USE, BEGIN/COMMIT/ROLLBACK, ALTER SESSION and SET/UNSET run (alone they fail with 391911,
  /// as on the real SQL API).
  bool multi_statement = false;
};

/// One entry of the request's `bindings`: its type and value(s) exactly as sent. An array value
/// runs the statement once per element (batch insert).
struct Bind {
  std::string type;                                ///< FIXED, REAL, TEXT, DATE, ... (as sent)
  std::vector<std::optional<std::string>> values;  ///< one value, or the array elements
  bool is_array = false;
};
/// Keyed by "1", "2", ... for `?` placeholders, or by name for `:name`.
using Bindings = std::map<std::string, Bind>;

/// Cancellation and deadlines for a running statement. Long waits inside the engine
/// (SYSTEM$WAIT, row loops) poll or wait on this so that cancel and timeout stop them promptly.
class CancelToken {
 public:
  enum class Reason { none, cancelled, timeout };

  void cancel(Reason reason = Reason::cancelled) {
    {
      std::lock_guard lock(mutex_);
      if (reason_ == Reason::none) reason_ = reason;
    }
    cv_.notify_all();
  }
  [[nodiscard]] Reason reason() const {
    std::lock_guard lock(mutex_);
    return reason_;
  }
  [[nodiscard]] bool cancelled() const { return reason() != Reason::none; }
  /// Sleeps up to `duration`; returns false early when cancelled.
  bool sleep_for(std::chrono::nanoseconds duration) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_for(lock, duration, [this] { return reason_ != Reason::none; });
  }
  /// Records that the statement's constant SYSTEM$WAITs (Engine::planned_wait) were already
  /// waited for, on a timer, before it was handed to the engine.
  void prepay_wait(std::chrono::nanoseconds waited) {
    std::lock_guard lock(mutex_);
    prepaid_ += waited;
  }
  /// The part of a `wanted` SYSTEM$WAIT not yet prepaid (consuming the prepaid time).
  std::chrono::nanoseconds consume_prepaid(std::chrono::nanoseconds wanted) {
    std::lock_guard lock(mutex_);
    const auto covered = std::min(wanted, prepaid_);
    prepaid_ -= covered;
    return wanted - covered;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  Reason reason_ = Reason::none;
  std::chrono::nanoseconds prepaid_{0};
};

/// Receives a result as it is produced, so that a result of millions of rows is never held as
/// objects. Cells arrive already encoded exactly as the real server encodes them
/// (values.hpp): a string, or nullopt for SQL NULL.
class RowSink {
 public:
  virtual ~RowSink() = default;
  /// Called exactly once per successful statement, before any row.
  virtual void columns(std::vector<ColumnInfo> columns) = 0;
  virtual void row(std::vector<std::optional<std::string>>&& cells) = 0;
};

/// What happened. On failure `error` is set and the sink may have received a partial result
/// that the caller discards.
struct Outcome {
  std::optional<SqlError> error;
  std::optional<DmlStats> stats;  ///< set by DML that changed rows
};

struct EngineOptions {
  bool seed_sample_data = true;  ///< SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 + the all-types table
  std::string db_file;           ///< serve this SQLite file (as a database named after it)
  std::string csv_dir;           ///< load every *.csv in it as a table
  std::string account = "MOCKACCOUNT";
  std::string user = "MOCKUSER";
};

class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs one statement (never several: the caller splits multi-statement requests with
  /// split_statements()). Blocks until done, cancelled or failed.
  virtual Outcome execute(std::string_view sql, const Bindings& bindings, CancelToken& cancel,
                          RowSink& sink) = 0;
  /// The session as statements left it (USE, ALTER SESSION).
  [[nodiscard]] virtual const Session& session() const = 0;
};

class Engine {
 public:
  /// Creates the databases (seeding the sample data takes well under a second, and
  /// later engines of the same program copy the first one's; engine.cpp). Throws
  /// std::runtime_error with a clear message when a --db file or --csv directory is unusable.
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// A session for one request (or one multi-statement request).
  [[nodiscard]] std::unique_ptr<Connection> connect(Session session);

  /// Splits a request's text into statements at top-level `;`, respecting quotes, quoted
  /// identifiers, comments and $$ bodies. Empty statements are dropped.
  [[nodiscard]] static std::vector<std::string> split_statements(std::string_view sql);

  /// How long the statement `sql` will wait in its constant SYSTEM$WAIT calls before it touches
  /// any data (0 when it has none, or when it fails before waiting). The server waits that long
  /// on a timer instead of a thread, then runs the statement with the wait prepaid
  /// (CancelToken::prepay_wait); the statement behaves exactly as if it had waited itself.
  [[nodiscard]] static std::chrono::nanoseconds planned_wait(std::string_view sql);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_snowflake::engine
