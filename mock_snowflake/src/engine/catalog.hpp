// catalog.hpp — Snowflake's namespaces (database -> schema -> table/view) kept in catalog tables
// of the engine's own SQLite file, so that DDL is transactional and every pooled SQLite
// connection sees the same objects.
//
// Storage design: every Snowflake database lives in ONE SQLite file (the engine's temporary
// store, WAL mode) rather than one attached file per database, because this SQLite is built
// with at most 10 attached databases and CREATE DATABASE must not run out. A Snowflake table
// DB.SCHEMA.T is the SQLite table "DB.SCHEMA.T" of that file (a numeric suffix is added in the
// unlikely case of a clash); its columns carry their Snowflake names exactly. The catalog maps
// (database, schema, name) to that SQLite name and records the declared Snowflake types, which
// SQLite cannot keep faithfully. A view stores its Snowflake text and is expanded (compiled
// again, in the view's own namespace) wherever it is used. The user's --db file is ATTACHed as
// `userdb` and its tables are catalog entries pointing into it ("foreign" tables).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.hpp"

namespace mock_snowflake::engine {

struct ColumnMeta {
  std::string name;
  SfType type;
  std::string default_text;  ///< as written in CREATE TABLE, "" for none
  std::string comment;
  bool primary_key = false;
  bool unique_key = false;
  bool autoincrement = false;
};

struct DatabaseMeta {
  std::string name;
  std::int64_t created_ns = 0;
  std::string comment;
  std::string owner;
  bool transient = false;
};

struct SchemaMeta {
  std::string database;
  std::string name;
  std::int64_t created_ns = 0;
  std::string comment;
  std::string owner;
  bool transient = false;
};

struct ObjectMeta {
  std::string database;
  std::string schema;
  std::string name;
  std::string kind;  ///< TABLE or VIEW
  std::string sqlite_schema = "main";
  std::string sqlite_name;
  bool foreign = false;  ///< a table of the user's --db file (values in that file's own forms)
  std::string view_text;
  std::string comment;
  std::string cluster_by;
  std::string owner;
  bool transient = false;
  std::int64_t created_ns = 0;
  std::vector<ColumnMeta> columns;

  [[nodiscard]] std::string qualified() const { return database + "." + schema + "." + name; }
};

/// Catalog access through one SQLite connection. Not thread-safe; one per pooled connection.
class Catalog {
 public:
  explicit Catalog(sqlite3* db) : db_(db) {}

  /// Creates the catalog tables (once, on the engine's file).
  static void create_tables(sqlite3* db);

  std::optional<DatabaseMeta> database(std::string_view name);
  std::vector<DatabaseMeta> databases();
  std::optional<SchemaMeta> schema(std::string_view database, std::string_view name);
  std::vector<SchemaMeta> schemas(std::optional<std::string_view> database);
  std::optional<ObjectMeta> object(std::string_view database, std::string_view schema,
                                   std::string_view name);
  /// Objects filtered by database / schema / kind (empty = any), ordered by name.
  std::vector<ObjectMeta> objects(std::string_view database, std::string_view schema,
                                  std::string_view kind, bool with_columns);

  void add_database(const DatabaseMeta& meta);
  void add_schema(const SchemaMeta& meta);
  /// Records an object and its columns; the SQLite table must already exist (or be a view).
  void add_object(const ObjectMeta& meta);
  void drop_object(std::string_view database, std::string_view schema, std::string_view name);
  void drop_schema(std::string_view database, std::string_view name);
  void drop_database(std::string_view name);
  void set_columns(const ObjectMeta& meta);
  void rename_object(const ObjectMeta& meta, std::string_view database, std::string_view schema,
                     std::string_view name);
  void set_comment(const ObjectMeta& meta, std::string_view comment);

  /// A fresh SQLite table name for DB.SCHEMA.NAME in the main file.
  std::string new_sqlite_name(std::string_view database, std::string_view schema,
                              std::string_view name);

  sqlite3* db() const { return db_; }

 private:
  std::vector<ColumnMeta> load_columns(std::string_view database, std::string_view schema,
                                       std::string_view name);
  sqlite3* db_;
};

/// Runs SQL that returns no rows; throws SfError on failure.
void exec_sql(sqlite3* db, std::string_view sql);

/// "name" with embedded quotes doubled.
std::string quote_ident(std::string_view name);
/// 'text' with embedded quotes doubled.
std::string quote_string(std::string_view text);

}  // namespace mock_snowflake::engine
