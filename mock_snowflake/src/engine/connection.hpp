// connection.hpp — the engine's Connection: one client session running statements on the pooled
// SQLite connections. connection.cpp dispatches statements (queries, DML, SYSTEM$WAIT,
// transactions, session commands); connection_ddl.cpp runs DDL; engine_bindings.cpp turns
// request bindings into values; engine_ast.cpp walks statements.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {

/// A one-row "status" result (DDL, USE, ALTER SESSION, ...).
SmallResult status_result(const std::string& message);
/// The session parameters that shape values (time zone, output formats).
ValueContext value_context(const Session& s);
/// 000604 for a cancelled statement, 000630 (naming STATEMENT_TIMEOUT_IN_SECONDS) for a timeout.
SqlError cancel_error(const CancelToken& cancel, const Session& session);

/// Calls `f` on every expression of a statement, subqueries included (for SYSTEM$WAIT).
void visit_statement(Statement& s, const std::function<void(Expr&)>& f);
/// The value of a number literal, or of a string literal holding only a number.
std::optional<double> literal_number(const Expr& e);

/// The physical value of one binding element, with the real server's errors.
Val bind_value(const std::string& type_in, const std::optional<std::string>& value);
/// Parameter values for each execution (one per array element).
std::vector<std::vector<Val>> binding_rows(const std::vector<std::string>& keys,
                                           const Bindings& bindings);

class ConnectionImpl : public Connection {
 public:
  ConnectionImpl(DbPool& pool, Session session) : pool_(pool), session_(std::move(session)) {}
  ~ConnectionImpl() override;
  Outcome execute(std::string_view sql, const Bindings& bindings, CancelToken& cancel,
                  RowSink& sink) override;
  [[nodiscard]] const Session& session() const override { return session_; }

 private:
  // Runs `body` with a SQLite connection: the pinned one inside a transaction, else one from
  // the pool for just this statement. `write` wraps it in BEGIN IMMEDIATE ... COMMIT.
  template <class F>
  void with_db(CancelToken& cancel, bool write, F&& body) {
    PooledDb* db = pinned_.get();
    std::unique_ptr<PooledDb> borrowed;
    if (!db) {
      borrowed = pool_.acquire(&cancel);
      if (!borrowed) throw SfError(cancel_error(cancel, session_));
      db = borrowed.get();
    }
    db->state->cancel = &cancel;
    db->state->values = value_context(session_);
    db->state->now_ns = now_ns_;
    db->state->reset_statement();
    bool own_transaction = write && !pinned_;
    try {
      if (own_transaction) exec_sql(db->db, "BEGIN IMMEDIATE");
      body(*db);
      if (own_transaction) exec_sql(db->db, "COMMIT");
    } catch (...) {
      if (own_transaction) sqlite3_exec(db->db, "ROLLBACK", nullptr, nullptr, nullptr);
      db->state->cancel = nullptr;
      if (borrowed) pool_.release(std::move(borrowed));
      throw;
    }
    db->state->cancel = nullptr;
    if (borrowed) pool_.release(std::move(borrowed));
  }
  /// 000606 unless the session has a warehouse (statements that read tables or write need one).
  void require_warehouse() const;
  CompileEnv make_env(PooledDb& db, const Bindings* bindings, std::string_view sql);
  // SYSTEM$WAIT(n [, unit]) with constant arguments waits here, before the statement touches
  // SQLite, so that waiting statements hold no connection and no lock.
  void run_waits(Statement& st, CancelToken& cancel);
  sqlite3_stmt* prepare(sqlite3* db, const std::string& sql);
  [[noreturn]] void step_failed(sqlite3* db, int rc, CancelToken& cancel);
  Outcome run_query(const Statement& st, std::string_view sql, const Bindings& bindings,
                    CancelToken& cancel, RowSink& sink);
  Outcome run_dml(const Statement& st, std::string_view sql, const Bindings& bindings,
                  CancelToken& cancel, RowSink& sink);
  // ---- DDL ----
  // Column list of a SQLite table; `constraints` adds NOT NULL (CREATE TABLE).
  std::string sqlite_columns(const std::vector<ColumnMeta>& columns, bool constraints = false);
  // Drops an object's SQLite table (views have none) and its catalog entry.
  void drop_object(PooledDb& db, const ObjectMeta& m);
  ColumnMeta column_from_def(const ColumnDef& d);
  SmallResult create_table(PooledDb& db, const Statement& st, std::string_view sql);
  SmallResult create_view(PooledDb& db, const Statement& st, std::string_view sql);
  SmallResult create_database(PooledDb& db, const Statement& st);
  SmallResult create_schema(PooledDb& db, const Statement& st);
  SmallResult create_sequence(PooledDb& db, const Statement& st, std::string_view sql);
  void drop_schema(PooledDb& db, const std::string& database, const std::string& name);
  void drop_database(PooledDb& db, const std::string& name);
  std::string owner() const;
  SmallResult drop(PooledDb& db, const Statement& st, std::string_view sql);
  Outcome truncate(PooledDb& db, const Statement& st, std::string_view sql, RowSink& sink);
  SmallResult alter_table(PooledDb& db, const Statement& st, std::string_view sql);
  SmallResult comment_on(PooledDb& db, const Statement& st, std::string_view sql);
  SmallResult use(PooledDb& db, const Statement& st);
  SmallResult set_variables(PooledDb& db, const Statement& st, std::string_view sql);
  SmallResult alter_session(const Statement& st);
  Outcome run(std::string_view sql, const Bindings& bindings, CancelToken& cancel, RowSink& sink);
  // Temporary tables live as long as the session (this Connection), as in Snowflake.
  void drop_temporary_tables() noexcept;
  DbPool& pool_;
  Session session_;
  std::vector<std::array<std::string, 3>> temporary_;
  std::unique_ptr<PooledDb> pinned_;
  std::map<std::string, std::string> variables_;
  std::map<std::string, SfType> variable_types_;
  std::int64_t now_ns_ = 0;
  CancelToken* current_cancel_ = nullptr;
};

}  // namespace mock_snowflake::engine
