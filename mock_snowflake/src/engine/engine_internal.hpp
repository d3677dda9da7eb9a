// engine_internal.hpp — what the engine's files share: the pooled SQLite connections
// (engine_pool.cpp), small helpers for building results, SHOW/DESCRIBE (show.cpp) and the
// loaders of seeded data (seed.cpp).
//
// Pool policy: at most kMaxPoolSize SQLite connections are open; a statement holds one only
// while SQLite executes it (SYSTEM$WAIT with constant arguments runs before, holding nothing),
// and a request inside BEGIN ... COMMIT pins one until the transaction ends. A statement that
// finds every connection busy waits for one (polling its CancelToken).
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/ast.hpp"
#include "engine/catalog.hpp"
#include "engine/engine.hpp"
#include "engine/functions.hpp"

namespace mock_snowflake::engine {

inline constexpr int kMaxPoolSize = 16;
inline constexpr const char* kUserDbAlias = "userdb";

struct PooledDb {
  sqlite3* db = nullptr;
  std::unique_ptr<FunctionState> state;
  std::unique_ptr<Catalog> catalog;
  ~PooledDb();
};

class DbPool {
 public:
  DbPool(std::string path, std::string user_db_path);
  ~DbPool();
  /// Waits for a free connection; nullopt-like nullptr when `cancel` fires first.
  std::unique_ptr<PooledDb> acquire(CancelToken* cancel);
  void release(std::unique_ptr<PooledDb> db);
  /// Opens a connection outside the pool (seeding, setup).
  std::unique_ptr<PooledDb> open();

  /// The engine's sequences, shared by every connection.
  SequenceRegistry sequences;

 private:
  std::string path_;
  std::string user_db_path_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledDb>> idle_;
  int open_count_ = 0;
};

/// A result built in memory (SHOW, DESCRIBE, DDL status).
struct SmallResult {
  std::vector<ColumnInfo> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

void deliver(const SmallResult& r, RowSink& sink);

/// Current time in nanoseconds since the epoch.
std::int64_t now_nanos();

/// SHOW ... and DESCRIBE ..., answered from the catalog.
SmallResult run_show(Catalog& catalog, const Statement& s, const Session& session,
                     SequenceRegistry& sequences);
SmallResult run_describe(Catalog& catalog, const Statement& s, const Session& session);

/// Rows of a table (0 for a view), counted by SQLite.
std::int64_t count_rows(Catalog& catalog, const ObjectMeta& m);

class Compiler;
/// EXPLAIN: the query compiled (so errors are Snowflake's), then its plan (explain.cpp).
SmallResult run_explain(Catalog& catalog, Compiler& compiler, const Statement& s,
                        std::string_view sql);

/// Creates SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 (tables, filled) directly through SQLite.
void seed_tpch(sqlite3* db, Catalog& catalog, std::int64_t created_ns);
/// Loads every *.csv of a directory as tables of database CSV, schema PUBLIC.
void load_csv_dir(sqlite3* db, Catalog& catalog, const std::string& dir, std::int64_t created_ns);
/// Records the tables of the attached user database in the catalog; returns the database name.
std::string register_user_db(sqlite3* db, Catalog& catalog, const std::string& path,
                             std::int64_t created_ns);

/// Upper-cases and replaces characters that cannot appear in an unquoted identifier.
std::string identifier_from_text(const std::string& text);

}  // namespace mock_snowflake::engine
