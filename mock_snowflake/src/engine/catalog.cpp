// catalog.cpp — catalog tables and lookups.
#include "engine/catalog.hpp"

#include <memory>

#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      throw SfError(internal_error("catalog: " + message));
    }
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SfError(internal_error(std::string("catalog: ") + sqlite3_errmsg(db_)));
  }
  std::string text(int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kObjectColumns =
    "database, schema, name, kind, sqlite_schema, sqlite_name, is_foreign, view_text, comment, "
    "cluster_by, owner, transient, created_ns";

ObjectMeta read_object(Stmt& s) {
  ObjectMeta m;
  m.database = s.text(0);
  m.schema = s.text(1);
  m.name = s.text(2);
  m.kind = s.text(3);
  m.sqlite_schema = s.text(4);
  m.sqlite_name = s.text(5);
  m.foreign = s.integer(6) != 0;
  m.view_text = s.text(7);
  m.comment = s.text(8);
  m.cluster_by = s.text(9);
  m.owner = s.text(10);
  m.transient = s.integer(11) != 0;
  m.created_ns = s.integer(12);
  return m;
}

}  // namespace

void exec_sql(sqlite3* db, std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    if (auto decoded = decode_udf_error(message)) throw SfError(*decoded);
    throw SfError(internal_error(message));
  }
}

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

void Catalog::create_tables(sqlite3* db) {
  exec_sql(db,
           "CREATE TABLE IF NOT EXISTS _sf_databases (name TEXT PRIMARY KEY, created_ns INTEGER, "
           "comment TEXT, owner TEXT, transient INTEGER);"
           "CREATE TABLE IF NOT EXISTS _sf_schemas (database TEXT, name TEXT, created_ns "
           "INTEGER, comment TEXT, owner TEXT, transient INTEGER, PRIMARY KEY (database, name));"
           "CREATE TABLE IF NOT EXISTS _sf_objects (database TEXT, schema TEXT, name TEXT, kind "
           "TEXT, sqlite_schema TEXT, sqlite_name TEXT, is_foreign INTEGER, view_text TEXT, "
           "comment TEXT, cluster_by TEXT, owner TEXT, transient INTEGER, created_ns INTEGER, "
           "PRIMARY KEY (database, schema, name));"
           "CREATE TABLE IF NOT EXISTS _sf_columns (database TEXT, schema TEXT, object TEXT, "
           "ordinal INTEGER, name TEXT, type TEXT, nullable INTEGER, default_text TEXT, comment "
           "TEXT, primary_key INTEGER, unique_key INTEGER, is_autoincrement INTEGER, "
           "PRIMARY KEY (database, schema, object, ordinal));");
}

std::optional<DatabaseMeta> Catalog::database(std::string_view name) {
  Stmt s(db_,
         "SELECT name, created_ns, comment, owner, transient FROM _sf_databases WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return DatabaseMeta{s.text(0), s.integer(1), s.text(2), s.text(3), s.integer(4) != 0};
}

std::vector<DatabaseMeta> Catalog::databases() {
  Stmt s(db_,
         "SELECT name, created_ns, comment, owner, transient FROM _sf_databases ORDER BY name");
  std::vector<DatabaseMeta> out;
  while (s.step()) {
    out.push_back({s.text(0), s.integer(1), s.text(2), s.text(3), s.integer(4) != 0});
  }
  return out;
}

std::optional<SchemaMeta> Catalog::schema(std::string_view database, std::string_view name) {
  Stmt s(db_,
         "SELECT database, name, created_ns, comment, owner, transient FROM _sf_schemas WHERE "
         "database = ? AND name = ?");
  s.bind(1, database).bind(2, name);
  if (!s.step()) return std::nullopt;
  return SchemaMeta{s.text(0), s.text(1), s.integer(2), s.text(3), s.text(4), s.integer(5) != 0};
}

std::vector<SchemaMeta> Catalog::schemas(std::optional<std::string_view> database) {
  std::unique_ptr<Stmt> s;
  if (database) {
    s = std::make_unique<Stmt>(db_,
                               "SELECT database, name, created_ns, comment, owner, transient FROM "
                               "_sf_schemas WHERE database = ? ORDER BY name");
    s->bind(1, *database);
  } else {
    s = std::make_unique<Stmt>(db_,
                               "SELECT database, name, created_ns, comment, owner, transient FROM "
                               "_sf_schemas ORDER BY database, name");
  }
  std::vector<SchemaMeta> out;
  while (s->step()) {
    out.push_back(
        {s->text(0), s->text(1), s->integer(2), s->text(3), s->text(4), s->integer(5) != 0});
  }
  return out;
}

std::vector<ColumnMeta> Catalog::load_columns(std::string_view database, std::string_view schema,
                                              std::string_view name) {
  Stmt s(db_,
         "SELECT name, type, nullable, default_text, comment, primary_key, unique_key, "
         "is_autoincrement FROM _sf_columns WHERE database = ? AND schema = ? AND object = ? ORDER "
         "BY ordinal");
  s.bind(1, database).bind(2, schema).bind(3, name);
  std::vector<ColumnMeta> out;
  while (s.step()) {
    ColumnMeta c;
    c.name = s.text(0);
    c.type = parse_type_name(s.text(1)).value_or(SfType::text());
    c.type.nullable = s.integer(2) != 0;
    c.default_text = s.text(3);
    c.comment = s.text(4);
    c.primary_key = s.integer(5) != 0;
    c.unique_key = s.integer(6) != 0;
    c.autoincrement = s.integer(7) != 0;
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<ObjectMeta> Catalog::object(std::string_view database, std::string_view schema,
                                          std::string_view name) {
  Stmt s(db_, std::string("SELECT ") + kObjectColumns +
                  " FROM _sf_objects WHERE database = ? AND schema = ? AND name = ?");
  s.bind(1, database).bind(2, schema).bind(3, name);
  if (!s.step()) return std::nullopt;
  ObjectMeta m = read_object(s);
  m.columns = load_columns(database, schema, name);
  return m;
}

std::vector<ObjectMeta> Catalog::objects(std::string_view database, std::string_view schema,
                                         std::string_view kind, bool with_columns) {
  Stmt s(db_, std::string("SELECT ") + kObjectColumns +
                  " FROM _sf_objects WHERE (?1 = '' OR database = ?1) AND (?2 = '' OR schema = "
                  "?2) AND (?3 = '' OR kind = ?3) ORDER BY database, schema, name");
  s.bind(1, database).bind(2, schema).bind(3, kind);
  std::vector<ObjectMeta> out;
  while (s.step()) out.push_back(read_object(s));
  if (with_columns) {
    for (auto& m : out) m.columns = load_columns(m.database, m.schema, m.name);
  }
  return out;
}

void Catalog::add_database(const DatabaseMeta& meta) {
  Stmt s(db_, "INSERT INTO _sf_databases VALUES (?, ?, ?, ?, ?)");
  s.bind(1, meta.name).bind(2, meta.created_ns).bind(3, meta.comment).bind(4, meta.owner);
  s.bind(5, static_cast<std::int64_t>(meta.transient));
  s.step();
}

void Catalog::add_schema(const SchemaMeta& meta) {
  Stmt s(db_, "INSERT INTO _sf_schemas VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, meta.database).bind(2, meta.name).bind(3, meta.created_ns).bind(4, meta.comment);
  s.bind(5, meta.owner).bind(6, static_cast<std::int64_t>(meta.transient));
  s.step();
}

void Catalog::set_columns(const ObjectMeta& meta) {
  {
    Stmt d(db_, "DELETE FROM _sf_columns WHERE database = ? AND schema = ? AND object = ?");
    d.bind(1, meta.database).bind(2, meta.schema).bind(3, meta.name);
    d.step();
  }
  Stmt one(db_, "INSERT INTO _sf_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::int64_t ordinal = 0;
  for (const auto& col : meta.columns) {
    one.reset();
    one.bind(1, meta.database).bind(2, meta.schema).bind(3, meta.name).bind(4, ++ordinal);
    one.bind(5, col.name).bind(6, type_ddl(col.type));
    one.bind(7, static_cast<std::int64_t>(col.type.nullable));
    one.bind(8, col.default_text).bind(9, col.comment);
    one.bind(10, static_cast<std::int64_t>(col.primary_key));
    one.bind(11, static_cast<std::int64_t>(col.unique_key));
    one.bind(12, static_cast<std::int64_t>(col.autoincrement));
    one.step();
  }
}

void Catalog::add_object(const ObjectMeta& meta) {
  Stmt s(db_, "INSERT INTO _sf_objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, meta.database).bind(2, meta.schema).bind(3, meta.name).bind(4, meta.kind);
  s.bind(5, meta.sqlite_schema).bind(6, meta.sqlite_name);
  s.bind(7, static_cast<std::int64_t>(meta.foreign)).bind(8, meta.view_text);
  s.bind(9, meta.comment).bind(10, meta.cluster_by).bind(11, meta.owner);
  s.bind(12, static_cast<std::int64_t>(meta.transient)).bind(13, meta.created_ns);
  s.step();
  set_columns(meta);
}

void Catalog::drop_object(std::string_view database, std::string_view schema,
                          std::string_view name) {
  Stmt o(db_, "DELETE FROM _sf_objects WHERE database = ? AND schema = ? AND name = ?");
  o.bind(1, database).bind(2, schema).bind(3, name);
  o.step();
  Stmt c(db_, "DELETE FROM _sf_columns WHERE database = ? AND schema = ? AND object = ?");
  c.bind(1, database).bind(2, schema).bind(3, name);
  c.step();
}

void Catalog::drop_schema(std::string_view database, std::string_view name) {
  Stmt s(db_, "DELETE FROM _sf_schemas WHERE database = ? AND name = ?");
  s.bind(1, database).bind(2, name);
  s.step();
}

void Catalog::drop_database(std::string_view name) {
  Stmt s(db_, "DELETE FROM _sf_databases WHERE name = ?");
  s.bind(1, name);
  s.step();
}

void Catalog::rename_object(const ObjectMeta& meta, std::string_view database,
                            std::string_view schema, std::string_view name) {
  Stmt o(db_,
         "UPDATE _sf_objects SET database = ?, schema = ?, name = ? WHERE database = ? AND "
         "schema = ? AND name = ?");
  o.bind(1, database).bind(2, schema).bind(3, name);
  o.bind(4, meta.database).bind(5, meta.schema).bind(6, meta.name);
  o.step();
  Stmt c(db_,
         "UPDATE _sf_columns SET database = ?, schema = ?, object = ? WHERE database = ? AND "
         "schema = ? AND object = ?");
  c.bind(1, database).bind(2, schema).bind(3, name);
  c.bind(4, meta.database).bind(5, meta.schema).bind(6, meta.name);
  c.step();
}

void Catalog::set_comment(const ObjectMeta& meta, std::string_view comment) {
  Stmt o(db_, "UPDATE _sf_objects SET comment = ? WHERE database = ? AND schema = ? AND name = ?");
  o.bind(1, comment).bind(2, meta.database).bind(3, meta.schema).bind(4, meta.name);
  o.step();
}

std::string Catalog::new_sqlite_name(std::string_view database, std::string_view schema,
                                     std::string_view name) {
  std::string base = std::string(database) + "." + std::string(schema) + "." + std::string(name);
  for (int n = 1;; ++n) {
    std::string candidate = n == 1 ? base : base + "#" + std::to_string(n);
    Stmt s(db_, "SELECT 1 FROM main.sqlite_master WHERE name = ? COLLATE NOCASE");
    s.bind(1, candidate);
    if (!s.step()) return candidate;
  }
}

}  // namespace mock_snowflake::engine
