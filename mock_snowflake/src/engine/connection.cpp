// connection.cpp — ConnectionImpl (connection.hpp): statement dispatch, queries, DML, SYSTEM$WAIT,
// transactions, temporary tables and streaming rows into the sink.
#include "engine/connection.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {

SmallResult status_result(const std::string& message) {
  SmallResult r;
  r.columns.push_back(show_text_column("status"));
  r.rows.push_back({message});
  return r;
}

// Session parameters that shape values.
ValueContext value_context(const Session& s) {
  ValueContext v;
  auto param = [&](const char* key) -> std::string {
    auto it = s.parameters.find(key);
    if (it == s.parameters.end()) return {};
    if (text::upper(it->second) == "AUTO" && std::string(key) != "TIMEZONE") return {};
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

ConnectionImpl::~ConnectionImpl() {
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

Outcome ConnectionImpl::execute(std::string_view sql, const Bindings& bindings, CancelToken& cancel,
                                RowSink& sink) {
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

CompileEnv ConnectionImpl::make_env(PooledDb& db, const Bindings* bindings, std::string_view sql) {
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

namespace {

/// The seconds a constant SYSTEM$WAIT(n [, unit]) call waits, with its unit in lower case; nullopt
/// when `e` is not such a call. Throws the real errors for a bad unit or a negative time.
std::optional<std::pair<double, std::string>> constant_wait(const Expr& e) {
  if (e.kind != ExprKind::function || e.text != "SYSTEM$WAIT" || e.args.empty() ||
      e.args.size() > 2)
    return std::nullopt;
  auto amount = literal_number(*e.args[0]);
  if (!amount) return std::nullopt;
  std::string unit = "SECONDS";
  if (e.args.size() == 2) {
    if (e.args[1]->kind != ExprKind::string) return std::nullopt;
    unit = text::upper(e.args[1]->text);
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
  return std::make_pair(seconds, text::lower(unit));
}

std::chrono::nanoseconds wait_duration(double seconds) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
}

/// True for statements that run() refuses before any SYSTEM$WAIT: PUT, GET, empty text.
bool refused_before_waits(std::string_view sql) {
  std::vector<Token> tokens;
  LexError lex_error;
  if (!tokenize(sql, tokens, lex_error) || tokens.empty()) return false;
  return tokens[0].is_keyword("PUT") || tokens[0].is_keyword("GET") ||
         tokens[0].kind == TokenKind::end;
}

}  // namespace

std::chrono::nanoseconds Engine::planned_wait(std::string_view sql) {
  std::chrono::nanoseconds total{0};
  try {
    if (refused_before_waits(sql)) return total;
    Statement st = parse_statement(sql);
    using K = Statement::Kind;
    if (st.kind == K::use || st.kind == K::begin || st.kind == K::commit ||
        st.kind == K::rollback || st.kind == K::alter_session || st.kind == K::set_variable ||
        st.kind == K::unset_variable) {
      return total;  // refused outside a multi-statement request, before waiting
    }
    visit_statement(st, [&](Expr& e) {
      if (const auto wait = constant_wait(e)) total += wait_duration(wait->first);
    });
  } catch (const std::exception&) {
    // A statement that fails to parse, or a wait with a bad unit: run() fails at that point, and
    // only the waits before it (counted so far) are waited for.
  }
  return total;
}

void ConnectionImpl::run_waits(Statement& st, CancelToken& cancel) {
  visit_statement(st, [&](Expr& e) {
    const auto wait = constant_wait(e);
    if (!wait) return;
    const auto remaining = cancel.consume_prepaid(wait_duration(wait->first));
    if (cancel.cancelled() || (remaining.count() > 0 && !cancel.sleep_for(remaining))) {
      throw SfError(cancel_error(cancel, session_));
    }
    const double amount = *literal_number(*e.args[0]);
    // The result, as a VARCHAR like the real function's.
    e.kind = ExprKind::function;
    e.text = "$WAITED";
    e.args.clear();
    auto value = std::make_unique<Expr>();
    value->kind = ExprKind::string;
    value->text = "waited " + format_double(amount) + " " + wait->second;
    e.args.push_back(std::move(value));
  });
}

sqlite3_stmt* ConnectionImpl::prepare(sqlite3* db, const std::string& sql) {
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

[[noreturn]] void ConnectionImpl::step_failed(sqlite3* db, int rc, CancelToken& cancel) {
  if (rc == SQLITE_INTERRUPT || cancel.cancelled()) throw SfError(cancel_error(cancel, session_));
  std::string message = sqlite3_errmsg(db);
  if (auto decoded = decode_udf_error(message)) throw SfError(*decoded);
  if (message.rfind("NOT NULL constraint failed", 0) == 0) {
    throw SfError("100072", "22000", "NULL result in a non-nullable column");
  }
  throw SfError(internal_error(message));
}

Outcome ConnectionImpl::run_query(const Statement& st, std::string_view sql,
                                  const Bindings& bindings, CancelToken& cancel, RowSink& sink) {
  with_db(cancel, false, [&](PooledDb& db) {
    CompileEnv env = make_env(db, &bindings, sql);
    Compiler compiler(env);
    CompiledQuery cq = compiler.compile_query(*st.query);
    if (compiler.scans_tables()) require_warehouse();
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

Outcome ConnectionImpl::run_dml(const Statement& st, std::string_view sql, const Bindings& bindings,
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
    require_warehouse();
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

void ConnectionImpl::require_warehouse() const {
  if (session_.warehouse.empty()) throw SfError(no_warehouse_error());
}

Outcome ConnectionImpl::run(std::string_view sql, const Bindings& bindings, CancelToken& cancel,
                            RowSink& sink) {
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
  if (session_command && !session_.multi_statement) throw SfError(unsupported_command(st.command));
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
    case K::explain: {
      SmallResult r;
      with_db(cancel, false, [&](PooledDb& db) {
        CompileEnv env = make_env(db, &bindings, sql);
        Compiler compiler(env);
        r = run_explain(*db.catalog, compiler, st, sql);
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

void ConnectionImpl::drop_temporary_tables() noexcept {
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

}  // namespace mock_snowflake::engine
