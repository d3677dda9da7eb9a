// compiler_dml.cpp — INSERT / UPDATE / DELETE / MERGE, INFORMATION_SCHEMA views and GET_DDL.
//
// Values reach a table already converted to the column's type (the compiler inserts the casts),
// so the SQLite tables are created without affinity and keep exactly what the engine stores.
// MERGE has no SQLite equivalent: it runs as UPDATE ... FROM / DELETE ... WHERE EXISTS /
// INSERT ... WHERE NOT EXISTS steps inside the statement's transaction.
#include <algorithm>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"
#include "engine/parser.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

std::string table_sql(const ObjectMeta& m) {
  return quote_ident(m.sqlite_schema) + "." + quote_ident(m.sqlite_name);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

int column_index(const ObjectMeta& m, const std::string& name) {
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    if (m.columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// The value a column takes when an INSERT does not name it: its DEFAULT (or the next
// AUTOINCREMENT value), else NULL.
// `row_number` is the SQL of the inserted row's 1-based position (for AUTOINCREMENT).
std::string default_sql(Compiler& c, const ObjectMeta& m, std::size_t i, const std::string& target,
                        const std::string& row_number = "row_number() OVER ()") {
  const ColumnMeta& col = m.columns[i];
  if (col.autoincrement) {
    std::string sql = "((SELECT coalesce(max(" + quote_ident(col.name) + "), 0) FROM ";
    sql += target;
    sql += ") + ";
    sql += row_number;
    sql += ")";
    return sql;
  }
  if (col.default_text.empty()) return "NULL";
  QueryPtr q = parse_query_text("SELECT " + col.default_text);
  const Expr& e = *q->select->items[0].expr;
  CompileEnv& env = c.env();
  std::string saved = env.statement_text;
  env.statement_text = "SELECT " + col.default_text;
  CExpr v = c.compile_standalone(e);
  env.statement_text = saved;
  return c.assign_to(v, col.type).sql;
}

}  // namespace

Compiler::DmlPlan::Step Compiler::insert_from_query(const ObjectMeta& target,
                                                    const std::vector<int>& positions,
                                                    const CompiledQuery& source,
                                                    const std::string& where_extra) {
  std::vector<std::string> names;
  std::vector<std::string> values;
  std::vector<bool> given(target.columns.size(), false);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const ColumnMeta& col = target.columns[static_cast<std::size_t>(positions[i])];
    given[static_cast<std::size_t>(positions[i])] = true;
    CExpr v;
    v.sql = "\"_src\".\"c" + std::to_string(i + 1) + "\"";
    v.type = source.columns[i].type;
    names.push_back(quote_ident(col.name));
    values.push_back(assign_to(v, col.type).sql);
  }
  std::string target_sql = table_sql(target);
  for (std::size_t i = 0; i < target.columns.size(); ++i) {
    if (given[i]) continue;
    const ColumnMeta& col = target.columns[i];
    if (col.default_text.empty() && !col.autoincrement) continue;
    names.push_back(quote_ident(col.name));
    values.push_back(default_sql(*this, target, i, target_sql));
  }
  DmlPlan::Step step;
  step.counts = DmlPlan::Step::Counts::inserted;
  step.sql = "INSERT INTO " + target_sql + " (" + join(names, ", ") + ") SELECT " +
             join(values, ", ") + " FROM (" + source.sql + ") AS \"_src\"" +
             (where_extra.empty() ? "" : " WHERE " + where_extra);
  return step;
}

Compiler::DmlPlan Compiler::compile_insert(const Statement& s) {
  ObjectMeta target = require_object(s.name, "INSERT", "Table");
  if (target.kind != "TABLE") {
    throw SfError(compilation_error("Cannot insert into a view: " + target.qualified()));
  }
  std::vector<int> positions;
  if (s.insert_columns.empty()) {
    for (std::size_t i = 0; i < target.columns.size(); ++i)
      positions.push_back(static_cast<int>(i));
  } else {
    for (const auto& c : s.insert_columns) {
      int idx = column_index(target, c.name);
      if (idx < 0) throw SfError(invalid_identifier(c.line, c.column, c.name));
      positions.push_back(idx);
    }
  }
  DmlPlan plan;
  plan.result_columns = {"number of rows inserted"};
  if (s.overwrite) {
    plan.steps.push_back({"DELETE FROM " + table_sql(target), DmlPlan::Step::Counts::none});
  }
  const Query& q = *s.query;
  if (q.kind == Query::Kind::values && q.with.empty() && q.order_by.empty() && !q.limit) {
    // VALUES rows: each value converted to its column's type; DEFAULT allowed.
    std::string target_sql = table_sql(target);
    std::vector<std::string> names;
    for (int p : positions)
      names.push_back(quote_ident(target.columns[static_cast<std::size_t>(p)].name));
    std::vector<std::size_t> extra;
    for (std::size_t i = 0; i < target.columns.size(); ++i) {
      if (std::find(positions.begin(), positions.end(), static_cast<int>(i)) != positions.end())
        continue;
      if (target.columns[i].default_text.empty() && !target.columns[i].autoincrement) continue;
      extra.push_back(i);
      names.push_back(quote_ident(target.columns[i].name));
    }
    std::string rows;
    Scope scope;
    for (std::size_t r = 0; r < q.values.size(); ++r) {
      const auto& row = q.values[r];
      if (row.size() != positions.size()) {
        throw SfError("002020", "21S01",
                      "SQL compilation error:\nInsert value list does not match column list "
                      "expecting " +
                          std::to_string(positions.size()) + " but got " +
                          std::to_string(row.size()));
      }
      std::vector<std::string> values;
      for (std::size_t i = 0; i < row.size(); ++i) {
        std::size_t col = static_cast<std::size_t>(positions[i]);
        if (row[i]->kind == ExprKind::function && row[i]->text == "$DEFAULT") {
          values.push_back(default_sql(*this, target, col, target_sql, std::to_string(r + 1)));
          continue;
        }
        CExpr v = compile_expr(*row[i], scope);
        values.push_back(assign_to(v, target.columns[col].type).sql);
      }
      for (std::size_t i : extra) {
        values.push_back(default_sql(*this, target, i, target_sql, std::to_string(r + 1)));
      }
      // A multi-row VALUES, not a compound SELECT: SQLite limits compounds to 500 terms.
      if (r) rows += ", ";
      rows += "(" + join(values, ", ") + ")";
    }
    DmlPlan::Step step;
    step.counts = DmlPlan::Step::Counts::inserted;
    step.sql = "INSERT INTO " + target_sql + " (" + join(names, ", ") + ") VALUES " + rows;
    plan.steps.push_back(std::move(step));
    return plan;
  }
  CompiledQuery source = compile_query(q);
  if (source.columns.size() != positions.size()) {
    throw SfError(
        "002020", "21S01",
        "SQL compilation error:\nInsert value list does not match column list expecting " +
            std::to_string(positions.size()) + " but got " + std::to_string(source.columns.size()));
  }
  plan.steps.push_back(insert_from_query(target, positions, source, ""));
  return plan;
}

Compiler::DmlPlan Compiler::compile_update(const Statement& s) {
  ObjectMeta target = require_object(s.name, "UPDATE", "Table");
  if (target.kind != "TABLE") throw SfError(compilation_error("Cannot update a view"));
  Scope scope;
  Relation rel;
  rel.alias = s.alias ? s.alias->name : target.name;
  rel.alias_explicit = s.alias.has_value();
  rel.database = target.database;
  rel.schema = target.schema;
  rel.table = target.name;
  rel.columns = table_columns(target, rel.alias);
  scope.relations.push_back(rel);
  std::string from_sql;
  if (s.from) from_sql = compile_from(*s.from, scope);
  std::vector<std::string> sets;
  for (const auto& a : s.assignments) {
    int idx = column_index(target, a.column.name);
    if (idx < 0) throw SfError(invalid_identifier(a.column.line, a.column.column, a.column.name));
    CExpr v = compile_expr(*a.value, scope);
    sets.push_back(quote_ident(a.column.name) + " = " +
                   assign_to(v, target.columns[static_cast<std::size_t>(idx)].type).sql);
  }
  std::string sql =
      "UPDATE " + table_sql(target) + " AS " + quote_ident(rel.alias) + " SET " + join(sets, ", ");
  if (!from_sql.empty()) sql += " FROM " + from_sql;
  if (s.where) sql += " WHERE " + to_boolean(compile_expr(*s.where, scope)).sql;
  DmlPlan plan;
  plan.result_columns = {"number of rows updated", "number of multi-joined rows updated"};
  plan.steps.push_back({sql, DmlPlan::Step::Counts::updated});
  return plan;
}

Compiler::DmlPlan Compiler::compile_delete(const Statement& s) {
  ObjectMeta target = require_object(s.name, "DELETE", "Table");
  if (target.kind != "TABLE") throw SfError(compilation_error("Cannot delete from a view"));
  Scope scope;
  Relation rel;
  rel.alias = s.alias ? s.alias->name : target.name;
  rel.alias_explicit = s.alias.has_value();
  rel.database = target.database;
  rel.schema = target.schema;
  rel.table = target.name;
  rel.columns = table_columns(target, rel.alias);
  scope.relations.push_back(rel);
  std::string sql = "DELETE FROM " + table_sql(target) + " AS " + quote_ident(rel.alias);
  if (s.from) {
    std::string using_sql = compile_from(*s.from, scope);
    std::string cond = s.where ? to_boolean(compile_expr(*s.where, scope)).sql : "1";
    sql += " WHERE EXISTS (SELECT 1 FROM " + using_sql + " WHERE " + cond + ")";
  } else if (s.where) {
    sql += " WHERE " + to_boolean(compile_expr(*s.where, scope)).sql;
  }
  DmlPlan plan;
  plan.result_columns = {"number of rows deleted"};
  plan.steps.push_back({sql, DmlPlan::Step::Counts::deleted});
  return plan;
}

Compiler::DmlPlan Compiler::compile_merge(const Statement& s) {
  ObjectMeta target = require_object(s.name, "MERGE", "Table");
  std::string target_alias = s.alias ? s.alias->name : target.name;
  std::string target_sql = table_sql(target);

  // A scope with the target and the source, for the ON condition and the clauses.
  auto make_scope = [&](Scope& scope, std::string& source_sql) {
    Relation rel;
    rel.alias = target_alias;
    rel.alias_explicit = s.alias.has_value();
    rel.database = target.database;
    rel.schema = target.schema;
    rel.table = target.name;
    rel.columns = table_columns(target, target_alias);
    scope.relations.push_back(rel);
    source_sql = compile_from(*s.from, scope);
  };

  DmlPlan plan;
  bool has_insert = false;
  bool has_update = false;
  bool has_delete = false;
  std::vector<std::string> previous_matched;  // conditions of earlier WHEN MATCHED clauses
  std::vector<DmlPlan::Step> prepare;         // runs first
  std::vector<DmlPlan::Step> inserts;         // runs last
  for (const auto& clause : s.merge_clauses) {
    Scope scope;
    std::string source_sql;
    make_scope(scope, source_sql);
    std::string on = to_boolean(compile_expr(*s.where, scope)).sql;
    std::string cond =
        clause.condition ? to_boolean(compile_expr(*clause.condition, scope)).sql : "";
    if (clause.matched) {
      std::string match = on + (cond.empty() ? "" : " AND " + cond);
      std::string exclude;
      for (const auto& p : previous_matched) exclude += " AND NOT coalesce(" + p + ", 0)";
      previous_matched.push_back("(" + match + ")");
      if (clause.action == MergeClause::Action::update) {
        has_update = true;
        std::vector<std::string> sets;
        for (const auto& a : clause.assignments) {
          int idx = column_index(target, a.column.name);
          if (idx < 0)
            throw SfError(invalid_identifier(a.column.line, a.column.column, a.column.name));
          CExpr v = compile_expr(*a.value, scope);
          sets.push_back(quote_ident(a.column.name) + " = " +
                         assign_to(v, target.columns[static_cast<std::size_t>(idx)].type).sql);
        }
        plan.steps.push_back({"UPDATE " + target_sql + " AS " + quote_ident(target_alias) +
                                  " SET " + join(sets, ", ") + " FROM " + source_sql + " WHERE " +
                                  match + exclude,
                              DmlPlan::Step::Counts::updated});
      } else {
        has_delete = true;
        plan.steps.push_back({"DELETE FROM " + target_sql + " AS " + quote_ident(target_alias) +
                                  " WHERE EXISTS (SELECT 1 FROM " + source_sql + " WHERE " + match +
                                  exclude + ")",
                              DmlPlan::Step::Counts::deleted});
      }
      continue;
    }
    // WHEN NOT MATCHED THEN INSERT: source rows with no target row satisfying ON.
    has_insert = true;
    Scope source_scope;
    std::string src_sql = compile_from(*s.from, source_scope);
    std::vector<int> positions;
    if (clause.insert_columns.empty()) {
      for (std::size_t i = 0; i < target.columns.size(); ++i)
        positions.push_back(static_cast<int>(i));
    } else {
      for (const auto& c : clause.insert_columns) {
        int idx = column_index(target, c.name);
        if (idx < 0) throw SfError(invalid_identifier(c.line, c.column, c.name));
        positions.push_back(idx);
      }
    }
    if (positions.size() != clause.insert_values.size()) {
      throw SfError(compilation_error("Insert value list does not match column list"));
    }
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const ColumnMeta& col = target.columns[static_cast<std::size_t>(positions[i])];
      names.push_back(quote_ident(col.name));
      values.push_back(
          assign_to(compile_expr(*clause.insert_values[i], source_scope), col.type).sql);
    }
    for (std::size_t i = 0; i < target.columns.size(); ++i) {
      if (std::find(positions.begin(), positions.end(), static_cast<int>(i)) != positions.end()) {
        continue;
      }
      if (target.columns[i].default_text.empty() && !target.columns[i].autoincrement) continue;
      names.push_back(quote_ident(target.columns[i].name));
      values.push_back(default_sql(*this, target, i, target_sql));
    }
    std::string insert_cond =
        clause.condition ? to_boolean(compile_expr(*clause.condition, source_scope)).sql : "1";
    // Rows to insert are chosen before any clause changes the target (the real MERGE decides
    // every row against the original table), then inserted after the updates and deletes.
    std::string temp = "temp.\"_merge_insert" + std::to_string(inserts.size()) + "\"";
    std::string select = "SELECT " + join(values, ", ") + " FROM " + src_sql + " WHERE " +
                         insert_cond + " AND NOT EXISTS (SELECT 1 FROM " + target_sql + " AS " +
                         quote_ident(target_alias) + " WHERE " + on + ")";
    prepare.push_back({"DROP TABLE IF EXISTS " + temp, DmlPlan::Step::Counts::none});
    prepare.push_back(
        {"CREATE TEMP TABLE " + temp.substr(5) + " AS " + select, DmlPlan::Step::Counts::none});
    inserts.push_back(
        {"INSERT INTO " + target_sql + " (" + join(names, ", ") + ") SELECT * FROM " + temp,
         DmlPlan::Step::Counts::inserted});
    inserts.push_back({"DROP TABLE " + temp, DmlPlan::Step::Counts::none});
  }
  std::vector<DmlPlan::Step> steps = std::move(prepare);
  for (auto& st : plan.steps) steps.push_back(std::move(st));
  for (auto& st : inserts) steps.push_back(std::move(st));
  plan.steps = std::move(steps);
  if (has_insert) plan.result_columns.push_back("number of rows inserted");
  if (has_update) plan.result_columns.push_back("number of rows updated");
  if (has_delete) plan.result_columns.push_back("number of rows deleted");
  return plan;
}

// ---- INFORMATION_SCHEMA ------------------------------------------------------------------------

std::string Compiler::information_schema_sql(const std::string& database, const std::string& view,
                                             std::vector<Column>& columns,
                                             const std::string& alias) {
  struct Col {
    const char* name;
    SfType type;
    std::string sql;
  };
  std::vector<Col> cols;
  std::string from;
  std::string db = quote_string(database);
  auto text = [](const char* n, std::string sql) { return Col{n, SfType::text(), std::move(sql)}; };
  auto num = [](const char* n, std::string sql) {
    return Col{n, SfType::fixed(38, 0), std::move(sql)};
  };
  auto ts = [](const char* n, std::string sql) {
    return Col{n, SfType::temporal(TypeKind::timestamp_ltz, 9), std::move(sql)};
  };
  std::string role = quote_string(env_.session.role.empty() ? "PUBLIC" : env_.session.role);
  if (view == "TABLES") {
    from = " FROM _sf_objects AS o WHERE o.database = " + db;
    cols = {
        text("TABLE_CATALOG", "o.database"),
        text("TABLE_SCHEMA", "o.schema"),
        text("TABLE_NAME", "o.name"),
        text("TABLE_OWNER", "coalesce(nullif(o.owner, ''), " + role + ")"),
        text("TABLE_TYPE", "CASE o.kind WHEN 'VIEW' THEN 'VIEW' ELSE 'BASE TABLE' END"),
        text("IS_TRANSIENT",
             "CASE WHEN o.kind = 'VIEW' THEN NULL WHEN o.transient THEN 'YES' ELSE 'NO' END"),
        text("CLUSTERING_KEY", "nullif(o.cluster_by, '')"),
        num("ROW_COUNT",
            "CASE WHEN o.kind = 'TABLE' THEN sf_row_count(o.sqlite_schema, o.sqlite_name) END"),
        num("BYTES",
            "CASE WHEN o.kind = 'TABLE' THEN sf_table_bytes(o.sqlite_schema, o.sqlite_name) END"),
        num("RETENTION_TIME", "CASE WHEN o.kind = 'TABLE' THEN 1 END"),
        text("SELF_REFERENCING_COLUMN_NAME", "NULL"),
        text("REFERENCE_GENERATION", "NULL"),
        text("USER_DEFINED_TYPE_CATALOG", "NULL"),
        text("USER_DEFINED_TYPE_SCHEMA", "NULL"),
        text("USER_DEFINED_TYPE_NAME", "NULL"),
        text("IS_INSERTABLE_INTO", "CASE o.kind WHEN 'VIEW' THEN 'NO' ELSE 'YES' END"),
        text("IS_TYPED", "'NO'"),
        text("COMMIT_ACTION", "NULL"),
        ts("CREATED", "o.created_ns"),
        ts("LAST_ALTERED", "o.created_ns"),
        ts("LAST_DDL", "o.created_ns"),
        text("LAST_DDL_BY", quote_string(env_.session.user)),
        text("AUTO_CLUSTERING_ON", "CASE WHEN o.kind = 'TABLE' THEN 'NO' END"),
        text("COMMENT", "nullif(o.comment, '')"),
        text("IS_TEMPORARY", "'NO'"),
        text("IS_ICEBERG", "'NO'"),
        text("IS_DYNAMIC", "'NO'"),
        text("IS_IMMUTABLE", "'NO'"),
        text("IS_HYBRID", "'NO'")};
  } else if (view == "COLUMNS") {
    from =
        " FROM _sf_columns AS c JOIN _sf_objects AS o ON o.database = c.database AND o.schema = "
        "c.schema AND o.name = c.object WHERE c.database = " +
        db;
    auto info = [](const char* field) {
      return std::string("sf_type_info(c.type, '") + field + "')";
    };
    cols = {text("TABLE_CATALOG", "c.database"),
            text("TABLE_SCHEMA", "c.schema"),
            text("TABLE_NAME", "c.object"),
            text("COLUMN_NAME", "c.name"),
            num("ORDINAL_POSITION", "c.ordinal"),
            text("COLUMN_DEFAULT", "nullif(c.default_text, '')"),
            text("IS_NULLABLE", "CASE WHEN c.nullable THEN 'YES' ELSE 'NO' END"),
            text("DATA_TYPE", info("DATA_TYPE")),
            num("CHARACTER_MAXIMUM_LENGTH", info("CHARACTER_MAXIMUM_LENGTH")),
            num("CHARACTER_OCTET_LENGTH", info("CHARACTER_OCTET_LENGTH")),
            num("NUMERIC_PRECISION", info("NUMERIC_PRECISION")),
            num("NUMERIC_PRECISION_RADIX", info("NUMERIC_PRECISION_RADIX")),
            num("NUMERIC_SCALE", info("NUMERIC_SCALE")),
            num("DATETIME_PRECISION", info("DATETIME_PRECISION")),
            text("INTERVAL_TYPE", "NULL"),
            num("INTERVAL_PRECISION", "NULL"),
            text("CHARACTER_SET_CATALOG", "NULL"),
            text("CHARACTER_SET_SCHEMA", "NULL"),
            text("CHARACTER_SET_NAME", "NULL"),
            text("COLLATION_CATALOG", "NULL"),
            text("COLLATION_SCHEMA", "NULL"),
            text("COLLATION_NAME", "NULL"),
            text("DOMAIN_CATALOG", "NULL"),
            text("DOMAIN_SCHEMA", "NULL"),
            text("DOMAIN_NAME", "NULL"),
            text("UDT_CATALOG", "NULL"),
            text("UDT_SCHEMA", "NULL"),
            text("UDT_NAME", "NULL"),
            text("SCOPE_CATALOG", "NULL"),
            text("SCOPE_SCHEMA", "NULL"),
            text("SCOPE_NAME", "NULL"),
            num("MAXIMUM_CARDINALITY", "NULL"),
            text("DTD_IDENTIFIER", "NULL"),
            text("IS_SELF_REFERENCING", "'NO'"),
            text("IS_IDENTITY", "CASE WHEN c.is_autoincrement THEN 'YES' ELSE 'NO' END"),
            text("IDENTITY_GENERATION", "NULL"),
            text("IDENTITY_START", "CASE WHEN c.is_autoincrement THEN '1' END"),
            text("IDENTITY_INCREMENT", "CASE WHEN c.is_autoincrement THEN '1' END"),
            text("IDENTITY_MAXIMUM", "NULL"),
            text("IDENTITY_MINIMUM", "NULL"),
            text("IDENTITY_CYCLE", "CASE WHEN c.is_autoincrement THEN 'NO' END"),
            text("IDENTITY_ORDERED", "CASE WHEN c.is_autoincrement THEN 'YES' END"),
            text("SCHEMA_EVOLUTION_RECORD", "NULL"),
            text("COMMENT", "nullif(c.comment, '')")};
  } else if (view == "SCHEMATA") {
    from =
        " FROM (SELECT database, name, created_ns, comment, owner, transient FROM _sf_schemas "
        "WHERE database = " +
        db + " UNION ALL SELECT " + db +
        ", 'INFORMATION_SCHEMA', (SELECT created_ns FROM _sf_databases WHERE name = " + db +
        "), 'Views describing the contents of schemas in this database', '', 0) AS s";
    cols = {text("CATALOG_NAME", "s.database"),
            text("SCHEMA_NAME", "s.name"),
            text("SCHEMA_OWNER",
                 "CASE WHEN s.name = 'INFORMATION_SCHEMA' THEN NULL ELSE coalesce(nullif(s.owner, "
                 "''), " +
                     role + ") END"),
            text("IS_TRANSIENT", "CASE WHEN s.transient THEN 'YES' ELSE 'NO' END"),
            text("IS_MANAGED_ACCESS", "'NO'"),
            num("RETENTION_TIME", "1"),
            text("DEFAULT_CHARACTER_SET_CATALOG", "NULL"),
            text("DEFAULT_CHARACTER_SET_SCHEMA", "NULL"),
            text("DEFAULT_CHARACTER_SET_NAME", "NULL"),
            text("SQL_PATH", "NULL"),
            ts("CREATED", "s.created_ns"),
            ts("LAST_ALTERED", "s.created_ns"),
            text("COMMENT", "nullif(s.comment, '')"),
            text("REPLICABLE_WITH_FAILOVER_GROUPS", "'NO'"),
            text("OWNER_ROLE_TYPE",
                 "CASE WHEN s.name = 'INFORMATION_SCHEMA' THEN NULL ELSE 'ROLE' END")};
  } else if (view == "VIEWS") {
    from = " FROM _sf_objects AS o WHERE o.kind = 'VIEW' AND o.database = " + db;
    cols = {text("TABLE_CATALOG", "o.database"),
            text("TABLE_SCHEMA", "o.schema"),
            text("TABLE_NAME", "o.name"),
            text("TABLE_OWNER", "coalesce(nullif(o.owner, ''), " + role + ")"),
            text("VIEW_DEFINITION",
                 "'create or replace view ' || o.name || ' as ' || o.view_text || ';'"),
            text("CHECK_OPTION", "'NONE'"),
            text("IS_UPDATABLE", "'NO'"),
            text("INSERTABLE_INTO", "'NO'"),
            text("IS_SECURE", "'NO'"),
            ts("CREATED", "o.created_ns"),
            ts("LAST_ALTERED", "o.created_ns"),
            ts("LAST_DDL", "o.created_ns"),
            text("LAST_DDL_BY", quote_string(env_.session.user)),
            text("COMMENT", "nullif(o.comment, '')")};
  } else if (view == "DATABASES") {
    from = " FROM _sf_databases AS d";
    cols = {text("DATABASE_NAME", "d.name"),
            text("DATABASE_OWNER", "coalesce(nullif(d.owner, ''), " + role + ")"),
            text("IS_TRANSIENT", "CASE WHEN d.transient THEN 'YES' ELSE 'NO' END"),
            text("COMMENT", "nullif(d.comment, '')"),
            ts("CREATED", "d.created_ns"),
            ts("LAST_ALTERED", "d.created_ns"),
            num("RETENTION_TIME", "1"),
            text("TYPE", "'STANDARD'"),
            text("OWNER_ROLE_TYPE", "'ROLE'")};
  } else {
    return {};
  }
  std::vector<std::string> select;
  for (const auto& c : cols) {
    select.push_back(c.sql + " AS " + quote_ident(c.name));
    Column col;
    col.name = c.name;
    col.type = c.type;
    col.sql = quote_ident(alias) + "." + quote_ident(c.name);
    col.database = database;
    col.schema = "INFORMATION_SCHEMA";
    col.table = view;
    columns.push_back(std::move(col));
  }
  return "(SELECT " + join(select, ", ") + from + ") AS " + quote_ident(alias);
}

// ---- GET_DDL -----------------------------------------------------------------------------------

std::string compile_get_ddl(Compiler& c, const std::string& kind_in, const std::string& name) {
  const std::string kind = text::upper(kind_in);
  // The name is an SQL identifier chain written inside a string.
  QueryPtr q = parse_query_text("SELECT * FROM " + name);
  const auto& parts = q->select->from->name;
  if (kind == "DATABASE" || kind == "SCHEMA") {
    std::string out = "create or replace " +
                      std::string(kind == "DATABASE" ? "database " : "schema ") +
                      parts.back().name + ";\n";
    return out;
  }
  ObjectMeta m = c.require_object(parts, "GET_DDL");
  if (m.kind == "VIEW" || kind == "VIEW") {
    if (m.kind != "VIEW") throw SfError(object_not_found(m.qualified()));
    return "create or replace view " + m.name + " as " + m.view_text + ";";
  }
  std::string out = "create or replace TABLE " + m.name + " (\n";
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& col = m.columns[i];
    out += "\t" + col.name + " " + type_ddl(col.type);
    if (!col.type.nullable) out += " NOT NULL";
    if (col.autoincrement) out += " autoincrement start 1 increment 1 noorder";
    if (!col.default_text.empty()) out += " DEFAULT " + col.default_text;
    if (!col.comment.empty()) out += " COMMENT '" + col.comment + "'";
    out += i + 1 < m.columns.size() ? ",\n" : "\n";
  }
  out += ")";
  if (!m.cluster_by.empty()) out += " cluster by " + m.cluster_by.substr(6);
  if (!m.comment.empty()) out += " COMMENT='" + m.comment + "'";
  out += ";";
  return out;
}

}  // namespace mock_snowflake::engine
