// show.cpp — SHOW DATABASES | SCHEMAS | TABLES | VIEWS | COLUMNS | OBJECTS and DESCRIBE
// TABLE | VIEW | USER, answered from the catalog with the real servers' column sets (2026: SHOW
// TABLES has 24 columns, DESCRIBE TABLE 13; text columns are 16777216/16777216, created_on is
// TIMESTAMP_LTZ(3)).
#include <algorithm>
#include <cctype>

#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {
namespace {

using Row = std::vector<std::optional<std::string>>;

ColumnInfo created_on_column(const char* name = "created_on") {
  ColumnInfo c;
  c.name = name;
  c.type = "timestamp_ltz";
  c.precision = 0;
  c.scale = 3;
  c.nullable = true;
  return c;
}

ColumnInfo number_column(const char* name) {
  ColumnInfo c;
  c.name = name;
  c.type = "fixed";
  c.precision = 38;
  c.scale = 0;
  c.nullable = true;
  return c;
}

std::string created_text(std::int64_t ns) {
  std::int64_t ms = floor_div(ns, 1000000);
  std::string s = std::to_string(floor_div(ms, 1000));
  char buf[32];
  std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(floor_mod(ms, 1000)));
  return s + buf;
}

// SHOW ... LIKE: case-insensitive, % and _ wildcards.
bool like_ci(const std::string& s, const std::string& p, std::size_t si = 0, std::size_t pi = 0) {
  while (pi < p.size()) {
    if (p[pi] == '%') {
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (like_ci(s, p, k, pi + 1)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (p[pi] != '_' && std::toupper(static_cast<unsigned char>(p[pi])) !=
                            std::toupper(static_cast<unsigned char>(s[si]))) {
      return false;
    }
    ++si;
    ++pi;
  }
  return si == s.size();
}

bool keep(const Statement& s, const std::string& name) {
  if (s.like && !like_ci(name, *s.like)) return false;
  if (s.starts_with && name.rfind(*s.starts_with, 0) != 0) return false;
  return true;
}

void limit(const Statement& s, std::vector<Row>& rows) {
  if (s.limit && static_cast<std::size_t>(*s.limit) < rows.size())
    rows.resize(static_cast<std::size_t>(*s.limit));
}

SqlError missing(Catalog& catalog, const std::string& database, const std::string& schema,
                 const std::string& name, std::string_view kind) {
  if (!catalog.database(database)) return database_not_found(database);
  if (!catalog.schema(database, schema)) return schema_not_found(database + "." + schema);
  return object_not_found(database + "." + schema + "." + name, kind);
}

std::string owner_of(const std::string& owner) { return owner.empty() ? "ACCOUNTADMIN" : owner; }

// The (database, schema) scope of SHOW ... [IN ...].
struct ShowScope {
  std::string database;  // "" = every database
  std::string schema;    // "" = every schema of the database(s)
};

ShowScope scope_of(const Statement& s, const Session& session, Catalog& catalog,
                   bool schema_level) {
  ShowScope scope;
  std::string kind = s.in_kind;
  if (kind == "ACCOUNT") return scope;
  if (kind.empty() && s.in_name.empty()) {
    // No IN: the current schema, else the current database, else the account.
    scope.database = session.database;
    if (schema_level) scope.schema = session.schema;
    if (!scope.database.empty() && !catalog.database(scope.database)) {
      throw SfError(database_not_found(scope.database));
    }
    return scope;
  }
  if (kind == "DATABASE") {
    scope.database = s.in_name.empty() ? session.database : s.in_name.back().name;
    if (scope.database.empty()) throw SfError(no_current_database("SHOW"));
    if (!catalog.database(scope.database)) throw SfError(database_not_found(scope.database));
    return scope;
  }
  // SCHEMA (explicit, or a bare name: db.schema or schema)
  if (s.in_name.size() >= 2) {
    scope.database = s.in_name[0].name;
    scope.schema = s.in_name[1].name;
  } else if (s.in_name.size() == 1) {
    if (kind.empty() && catalog.database(s.in_name[0].name)) {
      scope.database = s.in_name[0].name;
      return scope;
    }
    scope.database = session.database;
    scope.schema = s.in_name[0].name;
  } else {
    scope.database = session.database;
    scope.schema = session.schema;
  }
  if (scope.database.empty()) throw SfError(no_current_database("SHOW"));
  if (!catalog.schema(scope.database, scope.schema)) {
    throw SfError(schema_not_found(scope.database + "." + scope.schema));
  }
  return scope;
}

SmallResult terse(const Statement& s, std::vector<Row> rows) {
  SmallResult r;
  r.columns = {created_on_column(), show_text_column("name"), show_text_column("kind"),
               show_text_column("database_name"), show_text_column("schema_name")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

SmallResult show_databases(Catalog& catalog, const Statement& s, const Session& session) {
  std::vector<Row> rows;
  std::vector<Row> terse_rows;
  for (const auto& d : catalog.databases()) {
    if (!keep(s, d.name)) continue;
    rows.push_back({created_text(d.created_ns), d.name, "N", d.name == session.database ? "Y" : "N",
                    "", owner_of(d.owner), d.comment, d.transient ? "TRANSIENT" : "", "1",
                    "STANDARD", std::nullopt, "ROLE"});
    terse_rows.push_back(
        {created_text(d.created_ns), d.name, std::nullopt, std::nullopt, std::nullopt});
  }
  if (s.terse) return terse(s, terse_rows);
  SmallResult r;
  r.columns = {created_on_column(),
               show_text_column("name"),
               show_text_column("is_default"),
               show_text_column("is_current"),
               show_text_column("origin"),
               show_text_column("owner"),
               show_text_column("comment"),
               show_text_column("options"),
               show_text_column("retention_time"),
               show_text_column("kind"),
               show_text_column("budget"),
               show_text_column("owner_role_type")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

SmallResult show_schemas(Catalog& catalog, const Statement& s, const Session& session) {
  ShowScope scope = scope_of(s, session, catalog, false);
  if (s.in_kind.empty() && s.in_name.empty() && scope.database.empty()) {
    throw SfError(no_current_database("SHOW SCHEMAS"));
  }
  std::vector<std::string> dbs;
  if (scope.database.empty()) {
    for (const auto& d : catalog.databases()) dbs.push_back(d.name);
  } else {
    dbs.push_back(scope.database);
  }
  std::vector<Row> rows;
  std::vector<Row> terse_rows;
  for (const auto& db : dbs) {
    auto schemas = catalog.schemas(std::string_view(db));
    auto created = catalog.database(db) ? catalog.database(db)->created_ns : 0;
    SchemaMeta info{db,      "INFORMATION_SCHEMA",
                    created, "Views describing the contents of schemas in this database",
                    "",      false};
    schemas.push_back(info);
    std::sort(schemas.begin(), schemas.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& sc : schemas) {
      if (!keep(s, sc.name)) continue;
      bool info_schema = sc.name == "INFORMATION_SCHEMA";
      bool current = db == session.database && sc.name == session.schema;
      rows.push_back(
          {created_text(sc.created_ns), sc.name, "N", current ? "Y" : "N", db,
           info_schema ? "" : owner_of(sc.owner), sc.comment, sc.transient ? "TRANSIENT" : "", "1",
           info_schema ? std::optional<std::string>() : std::optional<std::string>("ROLE"),
           std::nullopt});
      terse_rows.push_back({created_text(sc.created_ns), sc.name, std::nullopt, db, std::nullopt});
    }
  }
  if (s.terse) return terse(s, terse_rows);
  SmallResult r;
  r.columns = {created_on_column(),
               show_text_column("name"),
               show_text_column("is_default"),
               show_text_column("is_current"),
               show_text_column("database_name"),
               show_text_column("owner"),
               show_text_column("comment"),
               show_text_column("options"),
               show_text_column("retention_time"),
               show_text_column("owner_role_type"),
               show_text_column("budget")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

std::vector<ObjectMeta> scoped_objects(Catalog& catalog, const Statement& s, const Session& session,
                                       const std::string& kind) {
  ShowScope scope = scope_of(s, session, catalog, true);
  auto objects = catalog.objects(scope.database, scope.schema, kind, false);
  std::vector<ObjectMeta> out;
  for (auto& o : objects) {
    if (keep(s, o.name)) out.push_back(std::move(o));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

SmallResult show_tables(Catalog& catalog, const Statement& s, const Session& session,
                        bool objects) {
  auto list = scoped_objects(catalog, s, session, objects ? "" : "TABLE");
  std::vector<Row> rows;
  std::vector<Row> terse_rows;
  for (const auto& m : list) {
    bool table = m.kind == "TABLE";
    std::int64_t n = table ? count_rows(catalog, m) : 0;
    std::string bytes = std::to_string(n == 0 ? 0 : ((n * 64 + 4095) / 4096) * 4096);
    std::string kind = table ? (m.transient ? "TRANSIENT" : "TABLE") : "VIEW";
    if (objects) {
      rows.push_back({created_text(m.created_ns), m.name, m.database, m.schema, kind, m.comment,
                      m.cluster_by, std::to_string(n), bytes, owner_of(m.owner), "1", "ROLE"});
    } else {
      rows.push_back({created_text(m.created_ns),
                      m.name,
                      m.database,
                      m.schema,
                      kind,
                      m.comment,
                      m.cluster_by,
                      std::to_string(n),
                      bytes,
                      owner_of(m.owner),
                      "1",
                      "OFF",
                      "OFF",
                      "N",
                      "N",
                      "ROLE",
                      "N",
                      "N",
                      "N",
                      "N",
                      "N",
                      "N",
                      "OFF",
                      "OFF"});
    }
    terse_rows.push_back({created_text(m.created_ns), m.name, kind, m.database, m.schema});
  }
  if (s.terse) return terse(s, terse_rows);
  SmallResult r;
  if (objects) {
    r.columns = {created_on_column(),
                 show_text_column("name"),
                 show_text_column("database_name"),
                 show_text_column("schema_name"),
                 show_text_column("kind"),
                 show_text_column("comment"),
                 show_text_column("cluster_by"),
                 number_column("rows"),
                 number_column("bytes"),
                 show_text_column("owner"),
                 show_text_column("retention_time"),
                 show_text_column("owner_role_type")};
  } else {
    r.columns = {created_on_column(),
                 show_text_column("name"),
                 show_text_column("database_name"),
                 show_text_column("schema_name"),
                 show_text_column("kind"),
                 show_text_column("comment"),
                 show_text_column("cluster_by"),
                 number_column("rows"),
                 number_column("bytes"),
                 show_text_column("owner"),
                 show_text_column("retention_time"),
                 show_text_column("automatic_clustering"),
                 show_text_column("change_tracking"),
                 show_text_column("is_external"),
                 show_text_column("enable_schema_evolution"),
                 show_text_column("owner_role_type"),
                 show_text_column("is_event"),
                 show_text_column("is_hybrid"),
                 show_text_column("is_iceberg"),
                 show_text_column("is_dynamic"),
                 show_text_column("is_immutable"),
                 show_text_column("is_interactive"),
                 show_text_column("row_timestamp"),
                 show_text_column("error_logging")};
  }
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

SmallResult show_views(Catalog& catalog, const Statement& s, const Session& session) {
  auto list = scoped_objects(catalog, s, session, "VIEW");
  std::vector<Row> rows;
  std::vector<Row> terse_rows;
  for (const auto& m : list) {
    rows.push_back({created_text(m.created_ns), m.name, "", m.database, m.schema, owner_of(m.owner),
                    m.comment, "create or replace view " + m.name + " as " + m.view_text + ";",
                    "false", "false", "ROLE", "OFF"});
    terse_rows.push_back({created_text(m.created_ns), m.name, "VIEW", m.database, m.schema});
  }
  if (s.terse) return terse(s, terse_rows);
  SmallResult r;
  r.columns = {created_on_column(),
               show_text_column("name"),
               show_text_column("reserved"),
               show_text_column("database_name"),
               show_text_column("schema_name"),
               show_text_column("owner"),
               show_text_column("comment"),
               show_text_column("text"),
               show_text_column("is_secure"),
               show_text_column("is_materialized"),
               show_text_column("owner_role_type"),
               show_text_column("change_tracking")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

SmallResult show_columns(Catalog& catalog, const Statement& s, const Session& session) {
  std::vector<ObjectMeta> list;
  if (s.in_kind == "TABLE" || s.in_kind == "VIEW") {
    std::string database = session.database;
    std::string schema = session.schema;
    const auto& n = s.in_name;
    if (n.empty()) throw SfError(compilation_error("SHOW COLUMNS IN TABLE needs a table name"));
    if (n.size() == 3) {
      database = n[0].name;
      schema = n[1].name;
    } else if (n.size() == 2) {
      schema = n[0].name;
    }
    if (database.empty()) throw SfError(no_current_database("SHOW COLUMNS"));
    auto m = catalog.object(database, schema, n.back().name);
    if (!m) throw SfError(missing(catalog, database, schema, n.back().name, "Table"));
    list.push_back(*m);
  } else {
    ShowScope scope = scope_of(s, session, catalog, true);
    list = catalog.objects(scope.database, scope.schema, "", true);
  }
  std::vector<Row> rows;
  for (const auto& m : list) {
    for (const auto& c : m.columns) {
      if (!keep(s, c.name)) continue;
      rows.push_back({m.name, m.schema, c.name, type_json(c.type),
                      c.type.nullable ? "true" : "false", c.default_text, "COLUMN", "", c.comment,
                      m.database, c.autoincrement ? "IDENTITY START 1 INCREMENT 1 NOORDER" : "",
                      std::nullopt});
    }
  }
  SmallResult r;
  r.columns = {show_text_column("table_name"),    show_text_column("schema_name"),
               show_text_column("column_name"),   show_text_column("data_type"),
               show_text_column("null?"),         show_text_column("default"),
               show_text_column("kind"),          show_text_column("expression"),
               show_text_column("comment"),       show_text_column("database_name"),
               show_text_column("autoincrement"), show_text_column("schema_evolution_record")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

SmallResult show_warehouses(const Statement& s, const Session& session) {
  std::string name = session.warehouse.empty() ? "MOCK_WH" : session.warehouse;
  std::vector<Row> rows;
  if (keep(s, name)) {
    rows.push_back({name, "STARTED", "STANDARD", "X-Small", "1", "1", "0", "0", "0", "Y", "N",
                    session.role.empty() ? "ACCOUNTADMIN" : session.role, ""});
  }
  SmallResult r;
  r.columns = {show_text_column("name"),
               show_text_column("state"),
               show_text_column("type"),
               show_text_column("size"),
               show_text_column("min_cluster_count"),
               show_text_column("max_cluster_count"),
               show_text_column("started_clusters"),
               show_text_column("running"),
               show_text_column("queued"),
               show_text_column("is_default"),
               show_text_column("is_current"),
               show_text_column("owner"),
               show_text_column("comment")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

}  // namespace

std::int64_t count_rows(Catalog& catalog, const ObjectMeta& m) {
  std::string sql =
      "SELECT count(*) FROM " + quote_ident(m.sqlite_schema) + "." + quote_ident(m.sqlite_name);
  sqlite3_stmt* stmt = nullptr;
  std::int64_t n = 0;
  if (sqlite3_prepare_v2(catalog.db(), sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return n;
}

SmallResult show_sequences(Catalog& catalog, const Statement& s, const Session& session,
                           SequenceRegistry& sequences) {
  ShowScope scope = scope_of(s, session, catalog, true);
  std::string prefix;
  if (!scope.database.empty()) {
    prefix = scope.database + '\x1f';
    if (!scope.schema.empty()) prefix += scope.schema + '\x1f';
  }
  std::vector<Row> rows;
  for (const auto& [key, seq] : sequences.list(prefix)) {
    auto first = key.find('\x1f');
    auto second = key.find('\x1f', first + 1);
    std::string name = key.substr(second + 1);
    if (!keep(s, name)) continue;
    rows.push_back({created_text(seq.created_ns), name, key.substr(0, first),
                    key.substr(first + 1, second - first - 1), std::to_string(seq.next),
                    std::to_string(seq.increment), "ACCOUNTADMIN", seq.comment, "N", "ROLE"});
  }
  SmallResult r;
  r.columns = {created_on_column(),
               show_text_column("name"),
               show_text_column("database_name"),
               show_text_column("schema_name"),
               number_column("next_value"),
               number_column("interval"),
               show_text_column("owner"),
               show_text_column("comment"),
               show_text_column("ordered"),
               show_text_column("owner_role_type")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

// The session parameters the SQL API accepts, with Snowflake's defaults.
SmallResult show_parameters(const Statement& s, const Session& session) {
  struct Param {
    const char* key;
    const char* default_value;
    const char* type;
    const char* description;
  };
  static const Param kParams[] = {
      {"BINARY_OUTPUT_FORMAT", "HEX", "STRING", "Display format for binary values."},
      {"DATE_OUTPUT_FORMAT", "YYYY-MM-DD", "STRING", "Display format for dates."},
      {"QUERY_TAG", "", "STRING", "String (up to 4096 characters) used to tag statements."},
      {"STATEMENT_TIMEOUT_IN_SECONDS", "172800", "NUMBER", "Timeout in seconds for statements."},
      {"TIMESTAMP_LTZ_OUTPUT_FORMAT", "", "STRING", "Display format for TIMESTAMP_LTZ values."},
      {"TIMESTAMP_NTZ_OUTPUT_FORMAT", "YYYY-MM-DD HH24:MI:SS.FF3", "STRING",
       "Display format for TIMESTAMP_NTZ values."},
      {"TIMESTAMP_OUTPUT_FORMAT", "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", "STRING",
       "Default display format for all timestamp types."},
      {"TIMESTAMP_TZ_OUTPUT_FORMAT", "", "STRING", "Display format for TIMESTAMP_TZ values."},
      {"TIME_OUTPUT_FORMAT", "HH24:MI:SS", "STRING", "Display format for times."},
      {"TIMEZONE", "America/Los_Angeles", "STRING", "Time zone of the session."},
      {"USE_CACHED_RESULT", "true", "BOOLEAN", "Whether to reuse persisted query results."},
  };
  std::vector<Row> rows;
  for (const Param& p : kParams) {
    if (!keep(s, p.key)) continue;
    auto it = session.parameters.find(p.key);
    bool set = it != session.parameters.end();
    rows.push_back({p.key, set ? it->second : p.default_value, p.default_value,
                    set ? "SESSION" : "", p.description, p.type});
  }
  SmallResult r;
  r.columns = {show_text_column("key"),         show_text_column("value"),
               show_text_column("default"),     show_text_column("level"),
               show_text_column("description"), show_text_column("type")};
  limit(s, rows);
  r.rows = std::move(rows);
  return r;
}

// DESCRIBE USER: one row per property (property, value, default, description), every cell text
// and "null" for an unset property, as the real service answers. The emulator has one user, the
// session's; its key slots are the keys registered with the emulator (ServerOptions, admin
// endpoint).
namespace {
SmallResult describe_user(const Statement& s, const Session& session) {
  std::string user;
  for (const char c : session.user) {
    user.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  const Ident& name = s.name.back();
  if (name.name != user) {
    throw SfError(SqlError{
        "002003", "02000",
        "SQL compilation error:\nUser '" + name.name + "' does not exist or not authorized."});
  }
  const auto& p = session.user_properties;
  auto or_null = [](const std::string& value) { return value.empty() ? "null" : value; };
  struct Property {
    const char* name;
    std::string value;
    const char* default_value;
    const char* description;
  };
  const std::vector<Property> properties = {
      {"NAME", user, "null", "the user's name"},
      {"COMMENT", "null", "null", "a comment on the user"},
      {"DISPLAY_NAME", user, "null", "the name shown for the user"},
      {"TYPE", "null", "null", "PERSON, SERVICE or LEGACY_SERVICE"},
      {"LOGIN_NAME", user, "null", "the name the user logs in with"},
      {"FIRST_NAME", "null", "null", "first name"},
      {"MIDDLE_NAME", "null", "null", "middle name"},
      {"LAST_NAME", "null", "null", "last name"},
      {"EMAIL", "null", "null", "e-mail address"},
      {"PASSWORD", "null", "null", "the user's password (never shown)"},
      {"MUST_CHANGE_PASSWORD", "false", "false", "a password change is due at the next login"},
      {"DISABLED", "false", "false", "the user cannot log in"},
      {"SNOWFLAKE_LOCK", "false", "false", "the user is locked by the service"},
      {"SNOWFLAKE_SUPPORT", "false", "false", "support may act as this user"},
      {"DAYS_TO_EXPIRY", "null", "null", "days until the user expires"},
      {"MINS_TO_UNLOCK", "null", "null", "minutes until a temporary lock ends"},
      {"DEFAULT_WAREHOUSE", or_null(p.default_warehouse), "null", "the session's warehouse"},
      {"DEFAULT_NAMESPACE", or_null(p.default_namespace), "null",
       "the session's database (and schema)"},
      {"DEFAULT_ROLE", or_null(p.default_role), "null", "the session's role"},
      {"DEFAULT_SECONDARY_ROLES", "null", "null", "the session's secondary roles"},
      {"EXT_AUTHN_DUO", "false", "false", "Duo multi-factor authentication is enrolled"},
      {"EXT_AUTHN_UID", "null", "null", "the user's Duo identifier"},
      {"HAS_MFA", "false", "false", "multi-factor authentication is enrolled"},
      {"MINS_TO_BYPASS_MFA", "null", "null", "minutes left of a multi-factor bypass"},
      {"MINS_TO_BYPASS_NETWORK_POLICY", "null", "null", "minutes left of a network policy bypass"},
      {"RSA_PUBLIC_KEY", or_null(p.rsa_public_key), "null", "the first registered public key"},
      {"RSA_PUBLIC_KEY_FP", or_null(p.rsa_public_key_fp), "null",
       "SHA-256 fingerprint of the first public key"},
      {"RSA_PUBLIC_KEY_2", or_null(p.rsa_public_key_2), "null", "the second registered public key"},
      {"RSA_PUBLIC_KEY_2_FP", or_null(p.rsa_public_key_2_fp), "null",
       "SHA-256 fingerprint of the second public key"},
      {"PASSWORD_LAST_SET_TIME", "null", "null", "when the password was last set"},
      {"CUSTOM_LANDING_PAGE_URL", "null", "null", "the page the web interface opens with"},
      {"CUSTOM_LANDING_PAGE_URL_FLUSH_NEXT_UI_LOAD", "false", "false",
       "the landing page is applied at the next web interface load"},
  };
  SmallResult r;
  r.columns = {show_text_column("property"), show_text_column("value"), show_text_column("default"),
               show_text_column("description")};
  for (const auto& property : properties) {
    r.rows.push_back({std::string(property.name), property.value,
                      std::string(property.default_value), std::string(property.description)});
  }
  return r;
}
}  // namespace

SmallResult run_show(Catalog& catalog, const Statement& s, const Session& session,
                     SequenceRegistry& sequences) {
  const std::string& what = s.show_what;
  if (what == "PARAMETERS") return show_parameters(s, session);
  if (what == "SEQUENCES") return show_sequences(catalog, s, session, sequences);
  if (what == "DATABASES") return show_databases(catalog, s, session);
  if (what == "SCHEMAS") return show_schemas(catalog, s, session);
  if (what == "TABLES") return show_tables(catalog, s, session, false);
  if (what == "OBJECTS") return show_tables(catalog, s, session, true);
  if (what == "VIEWS") return show_views(catalog, s, session);
  if (what == "COLUMNS") return show_columns(catalog, s, session);
  if (what == "WAREHOUSES") return show_warehouses(s, session);
  throw SfError(unsupported_feature("SHOW " + what));
}

SmallResult run_describe(Catalog& catalog, const Statement& s, const Session& session) {
  if (s.object_kind == "USER") return describe_user(s, session);
  if (s.object_kind == "DATABASE" || s.object_kind == "SCHEMA") {
    // DESCRIBE DATABASE lists its schemas, DESCRIBE SCHEMA its objects.
    SmallResult r;
    r.columns = {created_on_column(), show_text_column("name"), show_text_column("kind")};
    if (s.object_kind == "DATABASE") {
      std::string db = s.name.back().name;
      if (!catalog.database(db)) throw SfError(database_not_found(db));
      for (const auto& sc : catalog.schemas(std::string_view(db))) {
        r.rows.push_back({created_text(sc.created_ns), sc.name, "SCHEMA"});
      }
      return r;
    }
    std::string db = s.name.size() == 2 ? s.name[0].name : session.database;
    if (db.empty()) throw SfError(no_current_database("DESCRIBE"));
    if (!catalog.schema(db, s.name.back().name)) {
      throw SfError(missing(catalog, db, s.name.back().name, "", "Schema"));
    }
    for (const auto& o : catalog.objects(db, s.name.back().name, "", false)) {
      r.rows.push_back({created_text(o.created_ns), o.name, o.kind});
    }
    return r;
  }
  std::string database = session.database;
  std::string schema = session.schema;
  const auto& n = s.name;
  if (n.size() == 3) {
    database = n[0].name;
    schema = n[1].name;
  } else if (n.size() == 2) {
    schema = n[0].name;
  }
  if (database.empty()) throw SfError(no_current_database("DESCRIBE"));
  if (n.size() == 1 && schema.empty()) throw SfError(no_current_schema("DESCRIBE"));
  auto m = catalog.object(database, schema, n.back().name);
  if (!m)
    throw SfError(missing(catalog, database, schema, n.back().name,
                          s.object_kind == "VIEW" ? "View" : "Table"));
  SmallResult r;
  ColumnInfo privacy;
  privacy.name = "privacy domain";
  privacy.type = "object";
  privacy.nullable = true;
  r.columns = {show_text_column("name"),         show_text_column("type"),
               show_text_column("kind"),         show_text_column("null?"),
               show_text_column("default"),      show_text_column("primary key"),
               show_text_column("unique key"),   show_text_column("check"),
               show_text_column("expression"),   show_text_column("comment"),
               show_text_column("policy name"),  privacy,
               show_text_column("write default")};
  for (const auto& c : m->columns) {
    std::optional<std::string> def;
    if (!c.default_text.empty()) def = c.default_text;
    if (c.autoincrement) def = "IDENTITY START 1 INCREMENT 1 NOORDER";
    std::optional<std::string> comment;
    if (!c.comment.empty()) comment = c.comment;
    r.rows.push_back({c.name, type_ddl(c.type), "COLUMN", c.type.nullable ? "Y" : "N", def,
                      c.primary_key ? "Y" : "N", c.unique_key ? "Y" : "N", std::nullopt,
                      std::nullopt, comment, std::nullopt, std::nullopt, std::nullopt});
  }
  return r;
}

}  // namespace mock_snowflake::engine
