// connection_ddl.cpp — ConnectionImpl's DDL and session commands: CREATE/DROP/ALTER/COMMENT,
// USE, SET variables, ALTER SESSION.
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

std::string ConnectionImpl::sqlite_columns(const std::vector<ColumnMeta>& columns,
                                           bool constraints) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += quote_ident(columns[i].name);
    if (constraints && !columns[i].type.nullable) out += " NOT NULL";
  }
  return out;
}

void ConnectionImpl::drop_object(PooledDb& db, const ObjectMeta& m) {
  if (m.kind == "TABLE") {
    if (m.foreign) throw SfError(unsupported_feature("DROP of a table of the --db file"));
    exec_sql(db.db, "DROP TABLE IF EXISTS " + quote_ident(m.sqlite_schema) + "." +
                        quote_ident(m.sqlite_name));
  }
  db.catalog->drop_object(m.database, m.schema, m.name);
}

ColumnMeta ConnectionImpl::column_from_def(const ColumnDef& d) {
  auto type = parse_type_name(d.type_name);
  if (!type) {
    throw SfError(
        "002040", "42601",
        "SQL compilation error:\nUnsupported data type '" + text::upper(d.type_name) + "'.");
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

SmallResult ConnectionImpl::create_table(PooledDb& db, const Statement& st, std::string_view sql) {
  CompileEnv env = make_env(db, nullptr, sql);
  Compiler compiler(env);
  auto name = compiler.resolve_name(st.name, "CREATE TABLE");
  if (!db.catalog->database(name.database)) throw SfError(database_not_found(name.database));
  if (!db.catalog->schema(name.database, name.schema)) {
    throw SfError(schema_not_found(name.database + "." + name.schema));
  }
  if (auto existing = db.catalog->object(name.database, name.schema, name.name)) {
    if (st.if_not_exists) return status_result(name.name + " already exists, statement succeeded.");
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
    if (compiler.scans_tables()) require_warehouse();
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

SmallResult ConnectionImpl::create_view(PooledDb& db, const Statement& st, std::string_view sql) {
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
    if (st.if_not_exists) return status_result(name.name + " already exists, statement succeeded.");
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

SmallResult ConnectionImpl::create_database(PooledDb& db, const Statement& st) {
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

SmallResult ConnectionImpl::create_schema(PooledDb& db, const Statement& st) {
  std::string database = st.name.size() == 2 ? st.name[0].name : session_.database;
  if (database.empty()) throw SfError(no_current_database("CREATE SCHEMA"));
  if (!db.catalog->database(database)) throw SfError(database_not_found(database));
  std::string name = st.name.back().name;
  if (db.catalog->schema(database, name)) {
    if (st.if_not_exists) return status_result(name + " already exists, statement succeeded.");
    if (!st.or_replace) throw SfError(already_exists("Object", name));
    drop_schema(db, database, name);
  }
  db.catalog->add_schema({database, name, now_ns_, st.comment.value_or(""), owner(), st.transient});
  session_.database = database;
  session_.schema = name;
  return status_result("Schema " + name + " successfully created.");
}

SmallResult ConnectionImpl::create_sequence(PooledDb& db, const Statement& st,
                                            std::string_view sql) {
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

void ConnectionImpl::drop_schema(PooledDb& db, const std::string& database,
                                 const std::string& name) {
  for (const auto& m : db.catalog->objects(database, name, "", false)) drop_object(db, m);
  db.catalog->drop_schema(database, name);
}

void ConnectionImpl::drop_database(PooledDb& db, const std::string& name) {
  for (const auto& s : db.catalog->schemas(std::string_view(name))) drop_schema(db, name, s.name);
  db.catalog->drop_database(name);
}

std::string ConnectionImpl::owner() const {
  return session_.role.empty() ? "PUBLIC" : session_.role;
}

SmallResult ConnectionImpl::drop(PooledDb& db, const Statement& st, std::string_view sql) {
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

Outcome ConnectionImpl::truncate(PooledDb& db, const Statement& st, std::string_view sql,
                                 RowSink& sink) {
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

SmallResult ConnectionImpl::alter_table(PooledDb& db, const Statement& st, std::string_view sql) {
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
      exec_sql(db.db, "ALTER TABLE " + table + " RENAME COLUMN " + quote_ident(st.old_column.name) +
                          " TO " + quote_ident(to));
    }
    m.columns[static_cast<std::size_t>(i)].name = to;
  } else if (action == "RENAME TO") {
    auto target = compiler.resolve_name(st.new_name, "ALTER TABLE");
    if (db.catalog->object(target.database, target.schema, target.name)) {
      throw SfError(already_exists("Object", target.name));
    }
    db.catalog->rename_object(m, target.database, target.schema, target.name);
    if (m.kind == "TABLE" && !m.foreign) {
      std::string fresh = db.catalog->new_sqlite_name(target.database, target.schema, target.name);
      exec_sql(db.db, "ALTER TABLE " + table + " RENAME TO " + quote_ident(fresh));
      exec_sql(db.db, "UPDATE _sf_objects SET sqlite_name = " + quote_string(fresh) +
                          " WHERE database = " + quote_string(target.database) + " AND schema = " +
                          quote_string(target.schema) + " AND name = " + quote_string(target.name));
    }
    return status_result("Statement executed successfully.");
  } else if (action == "SET COMMENT") {
    db.catalog->set_comment(m, st.comment.value_or(""));
    return status_result("Statement executed successfully.");
  }
  db.catalog->set_columns(m);
  return status_result("Statement executed successfully.");
}

SmallResult ConnectionImpl::comment_on(PooledDb& db, const Statement& st, std::string_view sql) {
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

SmallResult ConnectionImpl::use(PooledDb& db, const Statement& st) {
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

SmallResult ConnectionImpl::set_variables(PooledDb& db, const Statement& st, std::string_view sql) {
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

SmallResult ConnectionImpl::alter_session(const Statement& st) {
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

}  // namespace mock_snowflake::engine
