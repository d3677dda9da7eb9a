// engine.cpp — Engine and Connection: the SQLite pool, statement dispatch (queries, DML, DDL,
// session commands), bindings, SYSTEM$WAIT, cancellation, and streaming rows into the sink.
#include "engine/engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

#include "engine/compiler.hpp"
#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

// ---- pool -----------------------------------------------------------------------------------

PooledDb::~PooledDb() {
  if (db) sqlite3_close_v2(db);
}

namespace {

int progress_handler(void* arg) {
  auto* state = static_cast<FunctionState*>(arg);
  return state->cancel && state->cancel->cancelled() ? 1 : 0;
}

// Waits for SQLite's write lock in small steps on the statement's CancelToken, so that a
// statement queued behind a writer still stops promptly when cancelled (sqlite3_busy_timeout
// would sleep through the cancel).
int busy_handler(void* arg, int attempts) {
  constexpr int kMaxAttempts = 6000;  // about a minute
  auto* state = static_cast<FunctionState*>(arg);
  if (attempts >= kMaxAttempts) return 0;
  if (state->cancel) return state->cancel->sleep_for(std::chrono::milliseconds(10)) ? 1 : 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return 1;
}

void set_pragmas(sqlite3* db) {
  exec_sql(db,
           "PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8000; "
           "PRAGMA mmap_size = 268435456; PRAGMA foreign_keys = OFF;");
}

}  // namespace

DbPool::DbPool(std::string path, std::string user_db_path)
    : path_(std::move(path)), user_db_path_(std::move(user_db_path)) {}

DbPool::~DbPool() = default;

std::unique_ptr<PooledDb> DbPool::open() {
  auto p = std::make_unique<PooledDb>();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &p->db, flags, nullptr) != SQLITE_OK) {
    std::string message = p->db ? sqlite3_errmsg(p->db) : "out of memory";
    throw std::runtime_error("mock_snowflake: cannot open the engine database " + path_ + ": " +
                             message);
  }
  set_pragmas(p->db);
  if (!user_db_path_.empty()) {
    exec_sql(p->db, "ATTACH DATABASE " + quote_string(user_db_path_) + " AS " + kUserDbAlias);
  }
  p->state = std::make_unique<FunctionState>();
  p->state->registry = &sequences;
  p->catalog = std::make_unique<Catalog>(p->db);
  register_functions(p->db, p->state.get());
  sqlite3_progress_handler(p->db, 2000, progress_handler, p->state.get());
  sqlite3_busy_handler(p->db, busy_handler, p->state.get());
  return p;
}

std::unique_ptr<PooledDb> DbPool::acquire(CancelToken* cancel) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto p = std::move(idle_.back());
      idle_.pop_back();
      return p;
    }
    if (open_count_ < kMaxPoolSize) {
      ++open_count_;
      lock.unlock();
      try {
        return open();
      } catch (...) {
        lock.lock();
        --open_count_;
        throw;
      }
    }
    if (cancel && cancel->cancelled()) return nullptr;
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void DbPool::release(std::unique_ptr<PooledDb> db) {
  if (!db) return;
  db->state->cancel = nullptr;
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  cv_.notify_one();
}

void deliver(const SmallResult& r, RowSink& sink) {
  sink.columns(r.columns);
  for (const auto& row : r.rows) {
    auto copy = row;
    sink.row(std::move(copy));
  }
}

std::int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string identifier_from_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) || c == '_' ? static_cast<char>(std::toupper(u)) : '_');
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(out.begin(), '_');
  return out;
}

// ---- engine ---------------------------------------------------------------------------------

struct Engine::Impl {
  EngineOptions options;
  std::filesystem::path dir;
  std::string path;
  std::unique_ptr<DbPool> pool;
  std::int64_t created_ns = 0;

  ~Impl() {
    pool.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

namespace {

SmallResult status_result(const std::string& message) {
  SmallResult r;
  r.columns.push_back(show_text_column("status"));
  r.rows.push_back({message});
  return r;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Session parameters that shape values.
ValueContext value_context(const Session& s) {
  ValueContext v;
  auto param = [&](const char* key) -> std::string {
    auto it = s.parameters.find(key);
    if (it == s.parameters.end()) return {};
    if (upper(it->second) == "AUTO" && std::string(key) != "TIMEZONE") return {};
    return it->second;
  };
  std::string tz = param("TIMEZONE");
  if (tz.empty()) tz = "America/Los_Angeles";
  v.tz = TimeZone::find(tz);
  if (!v.tz) v.tz = TimeZone::utc();
  v.date_output_format = param("DATE_OUTPUT_FORMAT");
  v.time_output_format = param("TIME_OUTPUT_FORMAT");
  v.timestamp_output_format = param("TIMESTAMP_OUTPUT_FORMAT");
  v.timestamp_ntz_output_format = param("TIMESTAMP_NTZ_OUTPUT_FORMAT");
  v.timestamp_ltz_output_format = param("TIMESTAMP_LTZ_OUTPUT_FORMAT");
  v.timestamp_tz_output_format = param("TIMESTAMP_TZ_OUTPUT_FORMAT");
  v.binary_output_format = param("BINARY_OUTPUT_FORMAT");
  return v;
}

SqlError cancel_error(const CancelToken& cancel, const Session& session) {
  if (cancel.reason() == CancelToken::Reason::timeout) {
    long long seconds = 0;
    auto it = session.parameters.find("STATEMENT_TIMEOUT_IN_SECONDS");
    if (it != session.parameters.end()) seconds = std::atoll(it->second.c_str());
    return timeout_error(seconds);
  }
  return cancelled_error();
}

// Visits every expression of a statement (for SYSTEM$WAIT).
void visit_query(Query& q, const std::function<void(Expr&)>& f);
void visit_expr(Expr& e, const std::function<void(Expr&)>& f) {
  f(e);
  for (auto& a : e.args) {
    if (a) visit_expr(*a, f);
  }
  for (auto& w : e.whens) visit_expr(*w, f);
  for (auto& t : e.thens) visit_expr(*t, f);
  if (e.else_expr) visit_expr(*e.else_expr, f);
  if (e.query) visit_query(*e.query, f);
  for (auto& p : e.path) {
    if (p.index) visit_expr(*p.index, f);
  }
}
void visit_table(TableRef& t, const std::function<void(Expr&)>& f) {
  if (t.query) visit_query(*t.query, f);
  if (t.left) visit_table(*t.left, f);
  if (t.right) visit_table(*t.right, f);
  if (t.on) visit_expr(*t.on, f);
  if (t.function) visit_expr(*t.function, f);
  for (auto& row : t.rows) {
    for (auto& v : row) visit_expr(*v, f);
  }
}
void visit_query(Query& q, const std::function<void(Expr&)>& f) {
  for (auto& c : q.with) visit_query(*c.query, f);
  if (q.select) {
    auto& s = *q.select;
    for (auto& item : s.items) visit_expr(*item.expr, f);
    if (s.from) visit_table(*s.from, f);
    if (s.where) visit_expr(*s.where, f);
    for (auto& g : s.group_by) visit_expr(*g, f);
    if (s.having) visit_expr(*s.having, f);
    if (s.qualify) visit_expr(*s.qualify, f);
  }
  if (q.left) visit_query(*q.left, f);
  if (q.right) visit_query(*q.right, f);
  for (auto& row : q.values) {
    for (auto& v : row) visit_expr(*v, f);
  }
  for (auto& o : q.order_by) visit_expr(*o.expr, f);
}
void visit_statement(Statement& s, const std::function<void(Expr&)>& f) {
  if (s.query) visit_query(*s.query, f);
  for (auto& a : s.assignments) visit_expr(*a.value, f);
  if (s.from) visit_table(*s.from, f);
  if (s.where) visit_expr(*s.where, f);
  for (auto& [name, e] : s.settings) visit_expr(*e, f);
}

std::optional<double> literal_number(const Expr& e) {
  if (e.kind == ExprKind::number) return std::strtod(e.text.c_str(), nullptr);
  if (e.kind == ExprKind::string) {
    char* end = nullptr;
    double d = std::strtod(e.text.c_str(), &end);
    if (end && *end == '\0' && !e.text.empty()) return d;
  }
  return std::nullopt;
}

}  // namespace

// ---- bindings -------------------------------------------------------------------------------

namespace {

// The physical value of one binding element, with the real server's errors.
Val bind_value(const std::string& type_in, const std::optional<std::string>& value) {
  std::string type = upper(type_in);
  if (type == "VARIANT" || type == "OBJECT" || type == "ARRAY" || type == "GEOGRAPHY" ||
      type == "GEOMETRY" || type == "VECTOR" || type.empty()) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + type_in + "'.");
  }
  static const std::set<std::string> kKnown = {
      "FIXED", "REAL", "DECFLOAT",      "TEXT",          "BINARY",      "BOOLEAN",
      "DATE",  "TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ"};
  if (kKnown.count(type) == 0) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + type_in + "'.");
  }
  if (!value) return Val::null();
  const std::string& v = *value;
  auto not_recognized = [&]() {
    return SfError("100037", "22018", type + " value '" + v + "' is not recognized");
  };
  auto integer = [&](const std::string& text) -> std::int64_t {
    auto n = parse_number_text(text, false);
    if (!n || n->t != Val::T::integer) throw not_recognized();
    return n->i;
  };
  if (type == "FIXED" || type == "DECFLOAT") {
    auto n = parse_number_text(v, false);
    if (!n) {
      throw SfError(
          "002086", "22000",
          "SQL compilation error:\nInvalid bind value (" + v + ") for type (" + type + ").");
    }
    return *n;
  }
  if (type == "REAL") {
    if (v == "NaN") return Val::real(std::nan(""));
    if (v == "Infinity") return Val::real(HUGE_VAL);
    if (v == "-Infinity") return Val::real(-HUGE_VAL);
    auto n = parse_number_text(v, false);
    if (!n) {
      throw SfError(
          "002086", "22000",
          "SQL compilation error:\nInvalid bind value (" + v + ") for type (" + type + ").");
    }
    if (n->t == Val::T::integer) return Val::real(static_cast<double>(n->i));
    if (n->t == Val::T::text) return Val::real(std::strtod(n->s.c_str(), nullptr));
    return *n;
  }
  if (type == "TEXT") return Val::text(v);
  if (type == "BINARY") {
    auto bytes = from_hex(v);
    if (!bytes) throw not_recognized();
    return Val::blob(*bytes);
  }
  if (type == "BOOLEAN") {
    std::string l = upper(v);
    if (l == "TRUE" || l == "1") return Val::integer(1);
    if (l == "FALSE" || l == "0") return Val::integer(0);
    throw not_recognized();
  }
  if (type == "DATE") return Val::integer(floor_div(integer(v), 86400000));
  if (type == "TIME") {
    std::int64_t ns = integer(v);
    if (ns < 0 || ns >= kNanosPerDay) throw not_recognized();
    return Val::integer(ns);
  }
  if (type == "TIMESTAMP_NTZ" || type == "TIMESTAMP_LTZ") return Val::integer(integer(v));
  // TIMESTAMP_TZ: "<nanoseconds> <offset + 1440>"
  auto space = v.find(' ');
  if (space == std::string::npos) throw not_recognized();
  std::int64_t ns = integer(v.substr(0, space));
  std::int64_t offset = integer(v.substr(space + 1));
  if (offset < 0 || offset > 2880) throw not_recognized();
  return Val::blob(tz_pack(ns, static_cast<int>(offset) - 1440));
}

}  // namespace

// ---- connection -----------------------------------------------------------------------------

class ConnectionImpl : public Connection {
 public:
  ConnectionImpl(DbPool& pool, Session session) : pool_(pool), session_(std::move(session)) {}
  ~ConnectionImpl() override {
    drop_temporary_tables();
    if (pinned_) {
      try {
        exec_sql(pinned_->db, "ROLLBACK");
      } catch (...) {
        // The transaction may already be gone; the connection is still reusable.
      }
      pool_.release(std::move(pinned_));
    }
  }

  Outcome execute(std::string_view sql, const Bindings& bindings, CancelToken& cancel,
                  RowSink& sink) override {
    Outcome out;
    try {
      out = run(sql, bindings, cancel, sink);
    } catch (const SfError& e) {
      out.error = e.error();
    } catch (const std::exception& e) {
      out.error = internal_error(e.what());
    }
    if (out.error && cancel.cancelled() && out.error->code != "000630") {
      // Whatever failed first, a cancelled statement reports the cancellation.
      out.error = cancel_error(cancel, session_);
    }
    return out;
  }

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

  CompileEnv make_env(PooledDb& db, const Bindings* bindings, std::string_view sql) {
    CompileEnv env;
    env.catalog = db.catalog.get();
    env.session = session_;
    env.bindings = bindings;
    env.values = db.state->values;
    env.now_ns = now_ns_;
    env.statement_text = std::string(sql);
    env.variables = variables_;
    env.variable_types = variable_types_;
    env.in_transaction = pinned_ != nullptr;
    env.sequences = &pool_.sequences;
    return env;
  }

  // SYSTEM$WAIT(n [, unit]) with constant arguments waits here, before the statement touches
  // SQLite, so that waiting statements hold no connection and no lock.
  void run_waits(Statement& st, CancelToken& cancel) {
    visit_statement(st, [&](Expr& e) {
      if (e.kind != ExprKind::function || e.text != "SYSTEM$WAIT" || e.args.empty() ||
          e.args.size() > 2)
        return;
      auto amount = literal_number(*e.args[0]);
      if (!amount) return;
      std::string unit = "SECONDS";
      if (e.args.size() == 2) {
        if (e.args[1]->kind != ExprKind::string) return;
        unit = upper(e.args[1]->text);
      }
      double seconds = *amount;
      if (unit.rfind("MILLI", 0) == 0) {
        seconds /= 1000;
      } else if (unit.rfind("MINUTE", 0) == 0) {
        seconds *= 60;
      } else if (unit.rfind("HOUR", 0) == 0) {
        seconds *= 3600;
      } else if (unit.rfind("SECOND", 0) != 0) {
        throw SfError("100095", "22023", "Invalid time unit '" + unit + "' for SYSTEM$WAIT");
      }
      if (seconds < 0) throw SfError("100095", "22023", "Invalid wait time for SYSTEM$WAIT");
      if (!cancel.sleep_for(std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9)))) {
        throw SfError(cancel_error(cancel, session_));
      }
      std::string u = unit;
      for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      // The result, as a VARCHAR like the real function's.
      e.kind = ExprKind::function;
      e.text = "$WAITED";
      e.args.clear();
      auto value = std::make_unique<Expr>();
      value->kind = ExprKind::string;
      value->text = "waited " + format_double(*amount) + " " + u;
      e.args.push_back(std::move(value));
    });
  }

  // Parameter values for each execution (one per array element).
  std::vector<std::vector<Val>> binding_rows(const std::vector<std::string>& keys,
                                             const Bindings& bindings) {
    std::size_t rows = 1;
    bool any_array = false;
    for (const auto& key : keys) {
      const Bind& b = bindings.at(key);
      if (!b.is_array) continue;
      if (any_array && b.values.size() != rows) {
        throw SfError("002099", "42601",
                      "SQL compilation error:\nBind variable arrays have different lengths.");
      }
      rows = b.values.size();
      any_array = true;
    }
    std::vector<std::vector<Val>> out(rows);
    for (const auto& key : keys) {
      const Bind& b = bindings.at(key);
      for (std::size_t r = 0; r < rows; ++r) {
        std::optional<std::string> v;
        if (b.is_array) {
          v = b.values[r];
        } else if (!b.values.empty()) {
          v = b.values[0];
        }
        out[r].push_back(bind_value(b.type, v));
      }
    }
    return out;
  }

  sqlite3_stmt* prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_finalize(stmt);
      if (auto decoded = decode_udf_error(message)) throw SfError(*decoded);
      // What SQLite refuses to prepare is, for the user, a compilation error.
      if (message.find("ambiguous column name") != std::string::npos) {
        throw SfError("002028", "42601", "SQL compilation error:\n" + message);
      }
      throw SfError(compilation_error(message));
    }
    return stmt;
  }

  [[noreturn]] void step_failed(sqlite3* db, int rc, CancelToken& cancel) {
    if (rc == SQLITE_INTERRUPT || cancel.cancelled()) throw SfError(cancel_error(cancel, session_));
    std::string message = sqlite3_errmsg(db);
    if (auto decoded = decode_udf_error(message)) throw SfError(*decoded);
    if (message.rfind("NOT NULL constraint failed", 0) == 0) {
      throw SfError("100072", "22000", "NULL result in a non-nullable column");
    }
    throw SfError(internal_error(message));
  }

  Outcome run_query(const Statement& st, std::string_view sql, const Bindings& bindings,
                    CancelToken& cancel, RowSink& sink) {
    with_db(cancel, false, [&](PooledDb& db) {
      CompileEnv env = make_env(db, &bindings, sql);
      Compiler compiler(env);
      CompiledQuery cq = compiler.compile_query(*st.query);
      auto rows = binding_rows(compiler.param_keys(), bindings);
      std::vector<ColumnInfo> infos;
      for (const auto& c : cq.columns) {
        infos.push_back(make_column_info(c.name, c.type, c.database, c.schema, c.table));
      }
      sink.columns(infos);
      sqlite3_stmt* stmt = prepare(db.db, cq.sql);
      std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
      const ValueContext& vc = db.state->values;
      std::size_t ncols = cq.columns.size();
      for (const auto& params : rows) {
        sqlite3_reset(stmt);
        for (std::size_t i = 0; i < params.size(); ++i)
          val_bind(stmt, static_cast<int>(i + 1), params[i]);
        std::uint64_t count = 0;
        for (;;) {
          int rc = sqlite3_step(stmt);
          if (rc == SQLITE_DONE) break;
          if (rc != SQLITE_ROW) step_failed(db.db, rc, cancel);
          std::vector<std::optional<std::string>> cells;
          cells.reserve(ncols);
          for (std::size_t i = 0; i < ncols; ++i) {
            cells.push_back(
                encode_wire(val_from_column(stmt, static_cast<int>(i)), cq.columns[i].type, vc));
          }
          sink.row(std::move(cells));
          if ((++count & 0xFFF) == 0 && cancel.cancelled())
            throw SfError(cancel_error(cancel, session_));
        }
      }
    });
    return {};
  }

  Outcome run_dml(const Statement& st, std::string_view sql, const Bindings& bindings,
                  CancelToken& cancel, RowSink& sink) {
    DmlStats stats;
    std::vector<std::int64_t> values;
    std::vector<std::string> names;
    with_db(cancel, true, [&](PooledDb& db) {
      CompileEnv env = make_env(db, &bindings, sql);
      Compiler compiler(env);
      Compiler::DmlPlan plan;
      switch (st.kind) {
        case Statement::Kind::insert:
          plan = compiler.compile_insert(st);
          break;
        case Statement::Kind::update:
          plan = compiler.compile_update(st);
          break;
        case Statement::Kind::remove:
          plan = compiler.compile_delete(st);
          break;
        default:
          plan = compiler.compile_merge(st);
          break;
      }
      auto rows = binding_rows(compiler.param_keys(), bindings);
      for (const auto& step : plan.steps) {
        sqlite3_stmt* stmt = prepare(db.db, step.sql);
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
        int nparams = sqlite3_bind_parameter_count(stmt);
        for (const auto& params : rows) {
          sqlite3_reset(stmt);
          sqlite3_clear_bindings(stmt);
          for (int i = 0; i < nparams && static_cast<std::size_t>(i) < params.size(); ++i) {
            val_bind(stmt, i + 1, params[static_cast<std::size_t>(i)]);
          }
          int rc = 0;
          while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
          }
          if (rc != SQLITE_DONE) step_failed(db.db, rc, cancel);
          std::int64_t changed = sqlite3_changes64(db.db);
          switch (step.counts) {
            case Compiler::DmlPlan::Step::Counts::inserted:
              stats.inserted += changed;
              break;
            case Compiler::DmlPlan::Step::Counts::updated:
              stats.updated += changed;
              break;
            case Compiler::DmlPlan::Step::Counts::deleted:
              stats.deleted += changed;
              break;
            case Compiler::DmlPlan::Step::Counts::none:
              break;
          }
        }
      }
      names = plan.result_columns;
    });
    for (const auto& n : names) {
      if (n == "number of rows inserted") values.push_back(stats.inserted);
      if (n == "number of rows updated") values.push_back(stats.updated);
      if (n == "number of rows deleted") values.push_back(stats.deleted);
      if (n == "number of multi-joined rows updated") values.push_back(0);
    }
    SmallResult r;
    std::vector<std::optional<std::string>> row;
    for (std::size_t i = 0; i < names.size(); ++i) {
      r.columns.push_back(make_column_info(names[i], SfType::fixed(19, 0, false)));
      row.push_back(std::to_string(values[i]));
    }
    r.rows.push_back(std::move(row));
    deliver(r, sink);
    Outcome out;
    if (stats.inserted || stats.updated || stats.deleted) out.stats = stats;
    return out;
  }

  // ---- DDL ----

  // Column list of a SQLite table; `constraints` adds NOT NULL (CREATE TABLE).
  std::string sqlite_columns(const std::vector<ColumnMeta>& columns, bool constraints = false) {
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ", ";
      out += quote_ident(columns[i].name);
      if (constraints && !columns[i].type.nullable) out += " NOT NULL";
    }
    return out;
  }

  // Drops an object's SQLite table (views have none) and its catalog entry.
  void drop_object(PooledDb& db, const ObjectMeta& m) {
    if (m.kind == "TABLE") {
      if (m.foreign) throw SfError(unsupported_feature("DROP of a table of the --db file"));
      exec_sql(db.db, "DROP TABLE IF EXISTS " + quote_ident(m.sqlite_schema) + "." +
                          quote_ident(m.sqlite_name));
    }
    db.catalog->drop_object(m.database, m.schema, m.name);
  }

  ColumnMeta column_from_def(const ColumnDef& d) {
    auto type = parse_type_name(d.type_name);
    if (!type) {
      throw SfError("002040", "42601",
                    "SQL compilation error:\nUnsupported data type '" + upper(d.type_name) + "'.");
    }
    ColumnMeta c;
    c.name = d.name.name;
    c.type = *type;
    c.type.nullable = !d.not_null;
    c.default_text = d.default_text;
    c.comment = d.comment.value_or("");
    c.primary_key = d.primary_key;
    c.unique_key = d.unique;
    c.autoincrement = d.autoincrement;
    return c;
  }

  SmallResult create_table(PooledDb& db, const Statement& st, std::string_view sql) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto name = compiler.resolve_name(st.name, "CREATE TABLE");
    if (!db.catalog->database(name.database)) throw SfError(database_not_found(name.database));
    if (!db.catalog->schema(name.database, name.schema)) {
      throw SfError(schema_not_found(name.database + "." + name.schema));
    }
    if (auto existing = db.catalog->object(name.database, name.schema, name.name)) {
      if (st.if_not_exists)
        return status_result(name.name + " already exists, statement succeeded.");
      if (!st.or_replace || existing->kind != "TABLE") {
        throw SfError(already_exists("Object", name.name));
      }
      drop_object(db, *existing);
    }
    ObjectMeta m;
    m.database = name.database;
    m.schema = name.schema;
    m.name = name.name;
    m.kind = "TABLE";
    m.sqlite_schema = "main";
    m.sqlite_name = db.catalog->new_sqlite_name(name.database, name.schema, name.name);
    m.comment = st.comment.value_or("");
    m.cluster_by = st.cluster_by;
    m.owner = session_.role.empty() ? "PUBLIC" : session_.role;
    m.transient = st.transient;
    m.created_ns = now_ns_;
    std::optional<CompiledQuery> source;
    std::optional<ObjectMeta> clone_of;
    if (!st.like_table.empty()) {
      ObjectMeta like = compiler.require_object(st.like_table, "CREATE TABLE");
      m.columns = like.columns;
      if (st.clone) clone_of = like;
    } else if (st.query) {
      source = compiler.compile_query(*st.query);
      if (!st.columns.empty() && st.columns.size() != source->columns.size()) {
        throw SfError(compilation_error("Invalid column definition list"));
      }
      for (std::size_t i = 0; i < source->columns.size(); ++i) {
        ColumnMeta c;
        if (!st.columns.empty()) {
          c = column_from_def(st.columns[i]);
          if (st.columns[i].type_name.empty()) c.type = source->columns[i].type;
        } else {
          c.name = source->columns[i].name;
          c.type = source->columns[i].type;
          if (c.type.kind == TypeKind::null) c.type = SfType::text();
        }
        m.columns.push_back(c);
      }
    } else {
      for (const auto& d : st.columns) m.columns.push_back(column_from_def(d));
    }
    std::set<std::string> seen;
    for (const auto& c : m.columns) {
      if (!seen.insert(c.name).second) {
        throw SfError("002025", "42S21",
                      "SQL compilation error:\nduplicate column name '" + c.name + "'");
      }
    }
    exec_sql(db.db, "CREATE TABLE " + quote_ident(m.sqlite_schema) + "." +
                        quote_ident(m.sqlite_name) + " (" + sqlite_columns(m.columns, true) + ")");
    db.catalog->add_object(m);
    if (st.temporary) temporary_.push_back({m.database, m.schema, m.name});
    if (clone_of && clone_of->kind == "TABLE") {
      exec_sql(db.db, "INSERT INTO " + quote_ident(m.sqlite_schema) + "." +
                          quote_ident(m.sqlite_name) + " SELECT " + sqlite_columns(m.columns) +
                          " FROM " + quote_ident(clone_of->sqlite_schema) + "." +
                          quote_ident(clone_of->sqlite_name));
    }
    if (source) {
      std::string sqlv = "INSERT INTO " + quote_ident(m.sqlite_schema) + "." +
                         quote_ident(m.sqlite_name) + " SELECT ";
      for (std::size_t i = 0; i < m.columns.size(); ++i) {
        CExpr v;
        v.sql = "\"c" + std::to_string(i + 1) + "\"";
        v.type = source->columns[i].type;
        sqlv += (i ? ", " : "") + compiler.coerce(v, m.columns[i].type).sql;
      }
      sqlv += " FROM (" + source->sql + ")";
      sqlite3_stmt* stmt = prepare(db.db, sqlv);
      std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
      int rc = 0;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) step_failed(db.db, rc, *current_cancel_);
    }
    return status_result("Table " + m.name + " successfully created.");
  }

  SmallResult create_view(PooledDb& db, const Statement& st, std::string_view sql) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto name = compiler.resolve_name(st.name, "CREATE VIEW");
    if (!db.catalog->schema(name.database, name.schema)) {
      throw SfError(schema_not_found(name.database + "." + name.schema));
    }
    // The body is compiled in the view's namespace (as it will be when used).
    env.session.database = name.database;
    env.session.schema = name.schema;
    Compiler body_compiler(env);
    CompiledQuery cq = body_compiler.compile_query(*st.query);
    if (auto existing = db.catalog->object(name.database, name.schema, name.name)) {
      if (st.if_not_exists)
        return status_result(name.name + " already exists, statement succeeded.");
      if (!st.or_replace || existing->kind != "VIEW")
        throw SfError(already_exists("Object", name.name));
      drop_object(db, *existing);
    }
    ObjectMeta m;
    m.database = name.database;
    m.schema = name.schema;
    m.name = name.name;
    m.kind = "VIEW";
    m.view_text = st.view_text;
    m.comment = st.comment.value_or("");
    m.owner = session_.role.empty() ? "PUBLIC" : session_.role;
    m.created_ns = now_ns_;
    for (std::size_t i = 0; i < cq.columns.size(); ++i) {
      ColumnMeta c;
      c.name = i < st.view_columns.size() ? st.view_columns[i].name : cq.columns[i].name;
      c.type = cq.columns[i].type;
      if (c.type.kind == TypeKind::null) c.type = SfType::text();
      m.columns.push_back(c);
    }
    db.catalog->add_object(m);
    return status_result("View " + m.name + " successfully created.");
  }

  SmallResult create_database(PooledDb& db, const Statement& st) {
    std::string name = st.name.back().name;
    if (db.catalog->database(name)) {
      if (st.if_not_exists) return status_result(name + " already exists, statement succeeded.");
      if (!st.or_replace) throw SfError(already_exists("Object", name));
      drop_database(db, name);
    }
    db.catalog->add_database({name, now_ns_, st.comment.value_or(""), owner(), st.transient});
    db.catalog->add_schema({name, "PUBLIC", now_ns_, "", owner(), st.transient});
    // Like Snowflake, the new database becomes the session's current one.
    session_.database = name;
    session_.schema = "PUBLIC";
    return status_result("Database " + name + " successfully created.");
  }

  SmallResult create_schema(PooledDb& db, const Statement& st) {
    std::string database = st.name.size() == 2 ? st.name[0].name : session_.database;
    if (database.empty()) throw SfError(no_current_database("CREATE SCHEMA"));
    if (!db.catalog->database(database)) throw SfError(database_not_found(database));
    std::string name = st.name.back().name;
    if (db.catalog->schema(database, name)) {
      if (st.if_not_exists) return status_result(name + " already exists, statement succeeded.");
      if (!st.or_replace) throw SfError(already_exists("Object", name));
      drop_schema(db, database, name);
    }
    db.catalog->add_schema(
        {database, name, now_ns_, st.comment.value_or(""), owner(), st.transient});
    session_.database = database;
    session_.schema = name;
    return status_result("Schema " + name + " successfully created.");
  }

  SmallResult create_sequence(PooledDb& db, const Statement& st, std::string_view sql) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto name = compiler.resolve_name(st.name, "CREATE SEQUENCE");
    if (!db.catalog->schema(name.database, name.schema)) {
      throw SfError(compiler.missing_object_error(name, "Schema"));
    }
    if (st.sequence_increment == 0)
      throw SfError(compilation_error("Sequence increment must not be 0"));
    std::string key = SequenceRegistry::key(name.database, name.schema, name.name);
    SequenceRegistry::Sequence seq{st.sequence_start, st.sequence_increment, now_ns_,
                                   st.comment.value_or("")};
    if (pool_.sequences.exists(key) && st.if_not_exists) {
      return status_result(name.name + " already exists, statement succeeded.");
    }
    if (!pool_.sequences.create(key, seq, st.or_replace))
      throw SfError(already_exists("Object", name.name));
    return status_result("Sequence " + name.name + " successfully created.");
  }

  void drop_schema(PooledDb& db, const std::string& database, const std::string& name) {
    for (const auto& m : db.catalog->objects(database, name, "", false)) drop_object(db, m);
    db.catalog->drop_schema(database, name);
  }

  void drop_database(PooledDb& db, const std::string& name) {
    for (const auto& s : db.catalog->schemas(std::string_view(name))) drop_schema(db, name, s.name);
    db.catalog->drop_database(name);
  }

  std::string owner() const { return session_.role.empty() ? "PUBLIC" : session_.role; }

  SmallResult drop(PooledDb& db, const Statement& st, std::string_view sql) {
    const std::string& kind = st.object_kind;
    std::string name = st.name.back().name;
    if (kind == "DATABASE") {
      if (!db.catalog->database(name)) {
        if (st.if_exists)
          return status_result("Drop statement executed successfully (" + name +
                               " already dropped).");
        throw SfError(database_not_found(name));
      }
      drop_database(db, name);
      if (session_.database == name) {
        session_.database.clear();
        session_.schema.clear();
      }
      return status_result(name + " successfully dropped.");
    }
    if (kind == "SCHEMA") {
      std::string database = st.name.size() == 2 ? st.name[0].name : session_.database;
      if (database.empty()) throw SfError(no_current_database("DROP SCHEMA"));
      if (!db.catalog->schema(database, name)) {
        if (st.if_exists)
          return status_result("Drop statement executed successfully (" + name +
                               " already dropped).");
        throw SfError(schema_not_found(database + "." + name));
      }
      drop_schema(db, database, name);
      if (session_.database == database && session_.schema == name) session_.schema.clear();
      return status_result(name + " successfully dropped.");
    }
    if (kind == "SEQUENCE") {
      CompileEnv env = make_env(db, nullptr, sql);
      Compiler compiler(env);
      auto resolved = compiler.resolve_name(st.name, "DROP SEQUENCE");
      if (!pool_.sequences.drop(
              SequenceRegistry::key(resolved.database, resolved.schema, resolved.name))) {
        if (st.if_exists) {
          return status_result("Drop statement executed successfully (" + resolved.name +
                               " already dropped).");
        }
        throw SfError(compiler.missing_object_error(resolved, "Sequence"));
      }
      return status_result(resolved.name + " successfully dropped.");
    }
    if (kind != "TABLE" && kind != "VIEW") {
      return status_result(name + " successfully dropped.");
    }
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto resolved = compiler.resolve_name(st.name, "DROP " + kind);
    auto m = db.catalog->object(resolved.database, resolved.schema, resolved.name);
    if (!m) {
      if (st.if_exists) {
        return status_result("Drop statement executed successfully (" + resolved.name +
                             " already dropped).");
      }
      throw SfError(compiler.missing_object_error(resolved, kind == "VIEW" ? "View" : "Table"));
    }
    if (m->kind != kind) {
      throw SfError("002203", "02000",
                    "SQL compilation error:\nObject found is of type '" + m->kind +
                        "', not specified type '" + kind + "'.");
    }
    drop_object(db, *m);
    return status_result(m->name + " successfully dropped.");
  }

  Outcome truncate(PooledDb& db, const Statement& st, std::string_view sql, RowSink& sink) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto resolved = compiler.resolve_name(st.name, "TRUNCATE TABLE");
    auto m = db.catalog->object(resolved.database, resolved.schema, resolved.name);
    if (!m) {
      if (st.if_exists) {
        deliver(status_result("Statement executed successfully."), sink);
        return {};
      }
      throw SfError(compiler.missing_object_error(resolved, "Table"));
    }
    exec_sql(db.db,
             "DELETE FROM " + quote_ident(m->sqlite_schema) + "." + quote_ident(m->sqlite_name));
    std::int64_t deleted = sqlite3_changes64(db.db);
    deliver(status_result("Statement executed successfully."), sink);
    Outcome out;
    if (deleted > 0) {
      out.stats = DmlStats{};
      out.stats->deleted = deleted;
    }
    return out;
  }

  SmallResult alter_table(PooledDb& db, const Statement& st, std::string_view sql) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    auto resolved = compiler.resolve_name(st.name, "ALTER TABLE");
    auto found = db.catalog->object(resolved.database, resolved.schema, resolved.name);
    if (!found) {
      if (st.if_exists) return status_result("Statement executed successfully.");
      throw SfError(compiler.missing_object_error(resolved, "Table"));
    }
    ObjectMeta m = *found;
    std::string table = quote_ident(m.sqlite_schema) + "." + quote_ident(m.sqlite_name);
    auto index_of = [&](const std::string& n) {
      for (std::size_t i = 0; i < m.columns.size(); ++i) {
        if (m.columns[i].name == n) return static_cast<int>(i);
      }
      return -1;
    };
    const std::string& action = st.alter_action;
    if (action == "ADD COLUMN") {
      for (const auto& d : st.columns) {
        ColumnMeta c = column_from_def(d);
        if (index_of(c.name) >= 0) {
          if (st.if_not_exists) continue;
          throw SfError("002025", "42S21",
                        "SQL compilation error:\ncolumn '" + c.name + "' already exists");
        }
        if (m.kind == "TABLE")
          exec_sql(db.db, "ALTER TABLE " + table + " ADD COLUMN " + quote_ident(c.name));
        m.columns.push_back(c);
        if (!c.default_text.empty() && m.kind == "TABLE") {
          QueryPtr q = parse_query_text("SELECT " + c.default_text);
          env.statement_text = "SELECT " + c.default_text;
          Compiler dc(env);
          CExpr v = dc.cast_to(dc.compile_standalone(*q->select->items[0].expr), c.type);
          exec_sql(db.db, "UPDATE " + table + " SET " + quote_ident(c.name) + " = " + v.sql);
        }
      }
    } else if (action == "DROP COLUMN") {
      for (const auto& d : st.columns) {
        int i = index_of(d.name.name);
        if (i < 0) {
          if (st.if_exists) continue;
          throw SfError(invalid_identifier(d.name.line, d.name.column, d.name.name));
        }
        if (m.kind == "TABLE")
          exec_sql(db.db, "ALTER TABLE " + table + " DROP COLUMN " + quote_ident(d.name.name));
        m.columns.erase(m.columns.begin() + i);
      }
    } else if (action == "RENAME COLUMN") {
      int i = index_of(st.old_column.name);
      if (i < 0)
        throw SfError(
            invalid_identifier(st.old_column.line, st.old_column.column, st.old_column.name));
      const std::string& to = st.columns[0].name.name;
      if (m.kind == "TABLE") {
        exec_sql(db.db, "ALTER TABLE " + table + " RENAME COLUMN " +
                            quote_ident(st.old_column.name) + " TO " + quote_ident(to));
      }
      m.columns[static_cast<std::size_t>(i)].name = to;
    } else if (action == "RENAME TO") {
      auto target = compiler.resolve_name(st.new_name, "ALTER TABLE");
      if (db.catalog->object(target.database, target.schema, target.name)) {
        throw SfError(already_exists("Object", target.name));
      }
      db.catalog->rename_object(m, target.database, target.schema, target.name);
      if (m.kind == "TABLE" && !m.foreign) {
        std::string fresh =
            db.catalog->new_sqlite_name(target.database, target.schema, target.name);
        exec_sql(db.db, "ALTER TABLE " + table + " RENAME TO " + quote_ident(fresh));
        exec_sql(db.db, "UPDATE _sf_objects SET sqlite_name = " + quote_string(fresh) +
                            " WHERE database = " + quote_string(target.database) +
                            " AND schema = " + quote_string(target.schema) +
                            " AND name = " + quote_string(target.name));
      }
      return status_result("Statement executed successfully.");
    } else if (action == "SET COMMENT") {
      db.catalog->set_comment(m, st.comment.value_or(""));
      return status_result("Statement executed successfully.");
    }
    db.catalog->set_columns(m);
    return status_result("Statement executed successfully.");
  }

  SmallResult comment_on(PooledDb& db, const Statement& st, std::string_view sql) {
    CompileEnv env = make_env(db, nullptr, sql);
    Compiler compiler(env);
    if (st.object_kind == "TABLE" || st.object_kind == "VIEW") {
      ObjectMeta m = compiler.require_object(st.name, "COMMENT");
      db.catalog->set_comment(m, st.comment.value_or(""));
    } else if (st.object_kind == "COLUMN") {
      std::vector<Ident> table(st.name.begin(), st.name.end() - 1);
      ObjectMeta m = compiler.require_object(table, "COMMENT");
      for (auto& c : m.columns) {
        if (c.name == st.name.back().name) c.comment = st.comment.value_or("");
      }
      db.catalog->set_columns(m);
    }
    return status_result("Statement executed successfully.");
  }

  SmallResult use(PooledDb& db, const Statement& st) {
    const std::string& kind = st.object_kind;
    auto missing = [] {
      return SfError(
          "002043", "02000",
          "SQL compilation error:\nObject does not exist, or operation cannot be performed.");
    };
    if (kind == "WAREHOUSE") {
      session_.warehouse = st.name.back().name;
    } else if (kind == "ROLE") {
      session_.role = st.name.back().name;
    } else if (kind == "SECONDARY ROLES") {
    } else if (kind == "SCHEMA" || (kind.empty() && st.name.size() == 2)) {
      std::string database = st.name.size() == 2 ? st.name[0].name : session_.database;
      if (database.empty()) throw SfError(no_current_database("USE SCHEMA"));
      if (!db.catalog->schema(database, st.name.back().name)) throw missing();
      session_.database = database;
      session_.schema = st.name.back().name;
    } else {
      std::string name = st.name.back().name;
      if (!db.catalog->database(name)) throw missing();
      session_.database = name;
      session_.schema = db.catalog->schema(name, "PUBLIC") ? "PUBLIC" : "";
    }
    return status_result("Statement executed successfully.");
  }

  SmallResult set_variables(PooledDb& db, const Statement& st, std::string_view sql) {
    for (const auto& [name, e] : st.settings) {
      CompileEnv env = make_env(db, nullptr, sql);
      Compiler compiler(env);
      CExpr v = compiler.compile_standalone(*e);
      sqlite3_stmt* stmt = prepare(db.db, "SELECT " + v.sql);
      std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_ROW) step_failed(db.db, rc, *current_cancel_);
      Val value = val_from_column(stmt, 0);
      variables_[name] = Compiler::literal_sql(value);
      variable_types_[name] = v.type;
    }
    return status_result("Statement executed successfully.");
  }

  SmallResult alter_session(const Statement& st) {
    for (const auto& [key, e] : st.settings) {
      std::string value;
      if (e->kind == ExprKind::string || e->kind == ExprKind::number ||
          e->kind == ExprKind::boolean) {
        value = e->text;
      } else if (e->kind == ExprKind::column && e->names.size() == 1) {
        value = e->names[0].name;
      } else {
        throw SfError(compilation_error("invalid value for parameter " + key));
      }
      if (key == "TIMEZONE" && !TimeZone::find(value)) {
        throw SfError(
            "002037", "22023",
            "SQL compilation error:\ninvalid value ['" + value + "'] for parameter 'TIMEZONE'");
      }
      session_.parameters[key] = value;
    }
    for (const auto& key : st.unset_names) session_.parameters.erase(key);
    return status_result("Statement executed successfully.");
  }

  Outcome run(std::string_view sql, const Bindings& bindings, CancelToken& cancel, RowSink& sink) {
    // Snowflake's clock functions have millisecond resolution.
    now_ns_ = now_nanos() / 1000000 * 1000000;
    current_cancel_ = &cancel;
    if (cancel.cancelled()) throw SfError(cancel_error(cancel, session_));
    // PUT and GET never run on the SQL API.
    {
      std::vector<Token> tokens;
      LexError lex_error;
      if (tokenize(sql, tokens, lex_error) && !tokens.empty()) {
        if (tokens[0].is_keyword("PUT")) throw SfError(unsupported_command("PUT"));
        if (tokens[0].is_keyword("GET")) throw SfError(unsupported_command("GET"));
        if (tokens[0].kind == TokenKind::end) {
          throw SfError("000900", "42601", "SQL compilation error:\nEmpty SQL statement.");
        }
      }
    }
    Statement st = parse_statement(sql);
    using K = Statement::Kind;
    bool session_command = st.kind == K::use || st.kind == K::begin || st.kind == K::commit ||
                           st.kind == K::rollback || st.kind == K::alter_session ||
                           st.kind == K::set_variable || st.kind == K::unset_variable;
    if (session_command && !session_.multi_statement)
      throw SfError(unsupported_command(st.command));
    run_waits(st, cancel);
    switch (st.kind) {
      case K::query:
        return run_query(st, sql, bindings, cancel, sink);
      case K::insert:
      case K::update:
      case K::remove:
      case K::merge:
        return run_dml(st, sql, bindings, cancel, sink);
      case K::show:
      case K::describe: {
        SmallResult r;
        with_db(cancel, false, [&](PooledDb& db) {
          r = st.kind == K::show ? run_show(*db.catalog, st, session_, pool_.sequences)
                                 : run_describe(*db.catalog, st, session_);
        });
        deliver(r, sink);
        return {};
      }
      case K::begin: {
        if (!pinned_) {
          pinned_ = pool_.acquire(&cancel);
          if (!pinned_) throw SfError(cancel_error(cancel, session_));
          try {
            exec_sql(pinned_->db, "BEGIN IMMEDIATE");
          } catch (...) {
            pool_.release(std::move(pinned_));
            throw;
          }
        }
        deliver(status_result("Statement executed successfully."), sink);
        return {};
      }
      case K::commit:
      case K::rollback: {
        if (pinned_) {
          auto db = std::move(pinned_);
          try {
            exec_sql(db->db, st.kind == K::commit ? "COMMIT" : "ROLLBACK");
          } catch (...) {
            sqlite3_exec(db->db, "ROLLBACK", nullptr, nullptr, nullptr);
            pool_.release(std::move(db));
            throw;
          }
          pool_.release(std::move(db));
        }
        deliver(status_result("Statement executed successfully."), sink);
        return {};
      }
      case K::alter_session:
        deliver(alter_session(st), sink);
        return {};
      case K::unset_variable:
        for (const auto& name : st.unset_names) {
          variables_.erase(name);
          variable_types_.erase(name);
        }
        deliver(status_result("Statement executed successfully."), sink);
        return {};
      case K::noop:
        deliver(status_result("Statement executed successfully."), sink);
        return {};
      case K::unsupported_api:
        throw SfError(unsupported_command(st.command));
      case K::truncate: {
        Outcome out;
        with_db(cancel, true, [&](PooledDb& db) { out = truncate(db, st, sql, sink); });
        return out;
      }
      default:
        break;
    }
    SmallResult r;
    with_db(cancel, true, [&](PooledDb& db) {
      switch (st.kind) {
        case K::create_table:
          r = create_table(db, st, sql);
          break;
        case K::create_view:
          r = create_view(db, st, sql);
          break;
        case K::create_database:
          r = create_database(db, st);
          break;
        case K::create_schema:
          r = create_schema(db, st);
          break;
        case K::create_sequence:
          r = create_sequence(db, st, sql);
          break;
        case K::drop:
          r = drop(db, st, sql);
          break;
        case K::alter_table:
          r = alter_table(db, st, sql);
          break;
        case K::use:
          r = use(db, st);
          break;
        case K::set_variable:
          r = set_variables(db, st, sql);
          break;
        case K::comment_on:
          r = comment_on(db, st, sql);
          break;
        default:
          throw SfError(unsupported_feature(st.command));
      }
    });
    deliver(r, sink);
    return {};
  }

  // Temporary tables live as long as the session (this Connection), as in Snowflake.
  void drop_temporary_tables() noexcept {
    if (temporary_.empty()) return;
    try {
      if (pinned_) {
        sqlite3_exec(pinned_->db, "ROLLBACK", nullptr, nullptr, nullptr);
        pool_.release(std::move(pinned_));
      }
      CancelToken token;
      with_db(token, true, [&](PooledDb& db) {
        for (const auto& t : temporary_) {
          if (auto m = db.catalog->object(t[0], t[1], t[2])) drop_object(db, *m);
        }
      });
    } catch (...) {
      // Best effort: the engine's store is temporary anyway.
    }
    temporary_.clear();
  }

  DbPool& pool_;
  Session session_;
  std::vector<std::array<std::string, 3>> temporary_;
  std::unique_ptr<PooledDb> pinned_;
  std::map<std::string, std::string> variables_;
  std::map<std::string, SfType> variable_types_;
  std::int64_t now_ns_ = 0;
  CancelToken* current_cancel_ = nullptr;
};

// ---- Engine ---------------------------------------------------------------------------------

namespace {

// A sink that keeps nothing (setup statements).
class NullSink : public RowSink {
 public:
  void columns(std::vector<ColumnInfo>) override {}
  void row(std::vector<std::optional<std::string>>&&) override {}
};

void run_setup(Connection& c, const std::string& sql) {
  NullSink sink;
  CancelToken token;
  Outcome o = c.execute(sql, {}, token, sink);
  if (o.error) {
    throw std::runtime_error("mock_snowflake: setup statement failed: " + o.error->message + "\n" +
                             sql);
  }
}

}  // namespace

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->created_ns = now_nanos();
  std::string user_db;
  if (!impl_->options.db_file.empty()) {
    std::filesystem::path p(impl_->options.db_file);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      throw std::runtime_error("mock_snowflake: --db file '" + impl_->options.db_file +
                               "' does not exist");
    }
    sqlite3* probe = nullptr;
    int rc = sqlite3_open_v2(p.c_str(), &probe, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) {
      rc = sqlite3_exec(probe, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    std::string message = probe ? sqlite3_errmsg(probe) : "cannot open";
    sqlite3_close_v2(probe);
    if (rc != SQLITE_OK) {
      throw std::runtime_error("mock_snowflake: --db file '" + impl_->options.db_file +
                               "' is not a usable SQLite database: " + message);
    }
    user_db = std::filesystem::absolute(p).string();
  }
  if (!impl_->options.csv_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(impl_->options.csv_dir, ec)) {
      throw std::runtime_error("mock_snowflake: --csv directory '" + impl_->options.csv_dir +
                               "' does not exist");
    }
  }
  // The engine's own store: a fresh temporary file in WAL mode, removed with the engine.
  std::string tmpl = (std::filesystem::temp_directory_path() / "mock_snowflake-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mock_snowflake: cannot create a temporary directory");
  impl_->dir = buf.data();
  impl_->path = (impl_->dir / "engine.db").string();
  impl_->pool = std::make_unique<DbPool>(impl_->path, user_db);

  auto setup = impl_->pool->open();
  exec_sql(setup->db, "PRAGMA journal_mode = WAL");
  Catalog::create_tables(setup->db);
  std::int64_t t = impl_->created_ns;
  std::string role = "ACCOUNTADMIN";
  exec_sql(setup->db, "BEGIN");
  setup->catalog->add_database({"MOCKDB", t, "", role, false});
  setup->catalog->add_schema({"MOCKDB", "PUBLIC", t, "", role, false});
  if (impl_->options.seed_sample_data) {
    setup->catalog->add_database(
        {"SNOWFLAKE_SAMPLE_DATA", t, "TPC-H sample data (tiny scale)", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "PUBLIC", t, "", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "TPCH_SF1", t, "", role, false});
    seed_tpch(setup->db, *setup->catalog, t);
  }
  if (!user_db.empty()) register_user_db(setup->db, *setup->catalog, user_db, t);
  if (!impl_->options.csv_dir.empty())
    load_csv_dir(setup->db, *setup->catalog, impl_->options.csv_dir, t);
  exec_sql(setup->db, "COMMIT");
  impl_->pool->release(std::move(setup));

  if (impl_->options.seed_sample_data) {
    Session s;
    s.account = impl_->options.account;
    s.user = impl_->options.user;
    s.role = "ACCOUNTADMIN";
    s.database = "SNOWFLAKE_SAMPLE_DATA";
    s.schema = "TPCH_SF1";
    auto c = connect(s);
    run_setup(*c,
              "CREATE VIEW ORDERS_BY_NATION AS SELECT n.N_NAME AS NATION, COUNT(*) AS ORDER_COUNT, "
              "SUM(o.O_TOTALPRICE) AS TOTAL_PRICE FROM ORDERS o JOIN CUSTOMER c ON c.C_CUSTKEY = "
              "o.O_CUSTKEY JOIN NATION n ON n.N_NATIONKEY = c.C_NATIONKEY GROUP BY n.N_NAME");
    run_setup(*c,
              "CREATE VIEW CUSTOMER_SUMMARY AS SELECT c.C_CUSTKEY, c.C_NAME, r.R_NAME AS REGION, "
              "c.C_ACCTBAL FROM CUSTOMER c JOIN NATION n ON n.N_NATIONKEY = c.C_NATIONKEY JOIN "
              "REGION r ON r.R_REGIONKEY = n.N_REGIONKEY");
    // Every type, with the values of the real server's recordings, then a row of NULLs.
    run_setup(*c,
              "CREATE TABLE MOCKDB.PUBLIC.ALL_TYPES (ID NUMBER(38,0) NOT NULL, I NUMBER(38,0), "
              "N NUMBER(10,2), F FLOAT, S VARCHAR, B BINARY, BO BOOLEAN, D DATE, TM TIME(9), "
              "TN TIMESTAMP_NTZ(9), TL TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), V VARIANT, O OBJECT, "
              "A ARRAY, G GEOGRAPHY, GM GEOMETRY, VE VECTOR(FLOAT, 3))");
    run_setup(
        *c,
        "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES SELECT 1, "
        "12345678901234567890123456789012345678, 12345678.91, 1.5, 'héllo', "
        "TO_BINARY('DEADBEEF', 'HEX'), TRUE, '2026-10-09', '12:34:56.123456789', "
        "'2026-10-09 12:34:56.123456789', '2026-10-09 12:34:56.123456789 +0700', "
        "'2026-10-09 12:34:56.123456789 +0700', PARSE_JSON('{\"a\":1}'), "
        "OBJECT_CONSTRUCT('k', 'v'), ARRAY_CONSTRUCT(1, 'x', NULL), "
        "TO_GEOGRAPHY('POINT(1 2)'), TO_GEOMETRY('POINT(3 4)'), [1.0, 2.0, 3.0]::VECTOR(FLOAT, 3)");
    run_setup(*c,
              "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES (ID, F) VALUES (2, 'NaN'::FLOAT), "
              "(3, 'inf'::FLOAT), (4, '-inf'::FLOAT)");
    run_setup(*c, "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES (ID) VALUES (5)");
  }
}

Engine::~Engine() = default;

std::unique_ptr<Connection> Engine::connect(Session session) {
  if (session.account.empty()) session.account = impl_->options.account;
  if (session.user.empty()) session.user = impl_->options.user;
  return std::make_unique<ConnectionImpl>(*impl_->pool, std::move(session));
}

std::vector<std::string> Engine::split_statements(std::string_view sql) { return split_sql(sql); }

}  // namespace mock_snowflake::engine
