// backend.hpp — what the MCP server needs from Snowflake, as an interface: run a statement (or
// follow an earlier one by handle) and get back one bounded page of formatted rows, with progress
// along the way; cancel a statement by handle.
//
// The server and its tools are written against this interface only. SfqBackend
// (sfq_backend.hpp) implements it with libsfq's asynchronous sfq::Client; tests may substitute a
// scripted fake. A page is formatted by the backend (JSON text per cell, exact numbers, from
// sfq::format) so that everything above it handles text only.
//
// Threads: run() and cancel_statement() return at once; their callbacks run on backend threads
// and must only hand work over (the server posts them to its executor). `done` is called exactly
// once per run(), also after cancel(), as long as the caller holds the returned Execution (a
// statement nobody holds any more reports to nobody).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sfq/error.hpp"
#include "sfq/statement.hpp"

namespace sfq::mcp {

struct ResultColumn {
  std::string name;
  std::string type;  ///< sfq's lower-case type name: fixed, real, text, timestamp_tz, variant, …
  bool nullable = true;
  std::optional<std::int64_t> precision;
  std::optional<std::int64_t> scale;
  std::optional<std::int64_t> length;
};

/// One bounded slice of a result, formatted.
struct ResultPage {
  /// Why the page stopped before the end of the result.
  enum class Cut : std::uint8_t { none, row_limit, byte_limit };

  std::string statement_handle;
  std::vector<ResultColumn> columns;
  std::size_t row_count = 0;
  /// row_count × columns cells, row-major: the JSON value (numbers exact, `null` for NULL).
  std::vector<std::string> json;
  /// The same cells as display text ("" for NULL; see `null`).
  std::vector<std::string> text;
  /// The same cells: 1 for SQL NULL.
  std::vector<std::uint8_t> null;
  std::uint64_t first_row = 0;   ///< index of the page's first row in the whole result
  std::uint64_t total_rows = 0;  ///< rows in the whole result
  Cut cut = Cut::none;
  bool cells_truncated = false;  ///< a cell longer than the cell cap was shortened
  /// "succeeded", or "running" in the answer of a query_status that stopped waiting.
  std::string state = "succeeded";
  std::optional<std::int64_t> rows_affected;  ///< DML: inserted + updated + deleted

  [[nodiscard]] bool more() const noexcept { return first_row + row_count < total_rows; }
};

struct PageLimits {
  std::size_t max_rows = 100;
  std::size_t max_bytes = 128 * 1024;     ///< JSON bytes of the page's cells
  std::size_t max_cell_bytes = 8 * 1024;  ///< longer cells are shortened
};

struct RunRequest {
  std::string connection;       ///< a configured connection name
  sfq::Statement statement;     ///< submitted unless attach_handle is set
  std::string attach_handle;    ///< follow this earlier statement instead
  std::uint64_t start_row = 0;  ///< attach: the first row wanted
  /// false: no rows, only the outcome (metadata, or the statement's error).
  bool fetch_rows = true;
  PageLimits limits;
};

struct StatementProgress {
  std::string state;  ///< queued, running, fetching, …
  std::chrono::milliseconds elapsed{0};
  std::uint64_t rows_received = 0;
  std::uint64_t total_rows = 0;
  std::string statement_handle;
};

/// A statement started by run().
class Execution {
 public:
  virtual ~Execution() = default;
  /// Stops it and cancels it on the server; `done` still follows (with a cancelled error).
  virtual void cancel() = 0;
  /// Stops reporting without cancelling anything on the server: `done` is not called any more.
  /// For requests that only watch a statement (query_status).
  virtual void abandon() = 0;
};

/// What asking the server to cancel a statement achieved, as far as the backend can tell.
struct CancelOutcome {
  enum class Kind : std::uint8_t {
    /// The server accepted the request; whether the statement stopped is not known yet (the
    /// caller confirms it by following the statement).
    requested,
    cancelled,         ///< the statement was running and is now cancelled
    already_finished,  ///< the statement had ended before the request (nothing was cancelled)
  };
  Kind kind = Kind::requested;
  /// Its final state when known: succeeded, failed or cancelled.
  std::string state;
};

/// Connection defaults a tool needs to resolve names: the configured database and schema
/// (empty when the connection leaves them to the user's defaults).
struct ConnectionNamespace {
  std::string database;
  std::string schema;
};

class Backend {
 public:
  using ProgressFn = std::function<void(const StatementProgress&)>;
  using DoneFn = std::function<void(sfq::Result<ResultPage>)>;
  using CancelFn = std::function<void(sfq::Result<CancelOutcome>)>;

  virtual ~Backend() = default;

  /// Starts a statement. Connection and login problems arrive through `done` as errors.
  virtual std::shared_ptr<Execution> run(RunRequest request, ProgressFn progress, DoneFn done) = 0;

  /// Asks the server to cancel a statement by handle. An error means the request failed (the
  /// statement may still run); an unknown handle is an error with Snowflake's code 000709.
  virtual void cancel_statement(const std::string& connection, const std::string& handle,
                                CancelFn done) = 0;

  /// The connection's configured database and schema. May wait for the connection's options
  /// (--mock: until the emulator runs); call it from the executor, never from the reader.
  virtual ConnectionNamespace connection_namespace(const std::string& /*connection*/) { return {}; }

  /// Cancels whatever still runs (on the server too) and releases the connections. Blocks
  /// briefly; called once, at exit.
  virtual void shutdown() = 0;
};

}  // namespace sfq::mcp
