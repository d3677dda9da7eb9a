// compiler_from.cpp — the FROM clause: tables, views (compiled again in their own namespace),
// CTEs, joins, subqueries, VALUES, table functions and INFORMATION_SCHEMA.
#include "engine/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/errors.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {
namespace {

constexpr int kMaxViewDepth = 32;

}  // namespace

std::string Compiler::compile_from(const TableRef& t, Scope& scope) {
  switch (t.kind) {
    case TableRef::Kind::named:
      return compile_named_table(t, scope);
    case TableRef::Kind::subquery:
      return compile_subquery_ref(t, scope);
    case TableRef::Kind::values:
      return compile_values_ref(t, scope);
    case TableRef::Kind::join:
      return compile_join(t, scope);
    case TableRef::Kind::function:
      return compile_table_function(t, scope);
  }
  return {};
}

std::string Compiler::compile_subquery_ref(const TableRef& t, Scope& scope) {
  CompiledQuery cq = compile_subquery(*t.query, t.lateral ? &scope : scope.parent);
  Relation rel;
  rel.alias = t.alias ? t.alias->name : "_sub" + std::to_string(next_id());
  rel.alias_explicit = t.alias.has_value();
  for (std::size_t i = 0; i < cq.columns.size(); ++i) {
    Column c;
    c.name = i < t.column_aliases.size() ? t.column_aliases[i].name : cq.columns[i].name;
    c.type = cq.columns[i].type;
    c.sql = quote_ident(rel.alias) + ".\"c" + std::to_string(i + 1) + "\"";
    c.database = cq.columns[i].database;
    c.schema = cq.columns[i].schema;
    c.table = cq.columns[i].table;
    rel.columns.push_back(std::move(c));
  }
  std::string sql = "(" + cq.sql + ") AS " + quote_ident(rel.alias);
  scope.relations.push_back(std::move(rel));
  return sql;
}

std::string Compiler::compile_values_ref(const TableRef& t, Scope& scope) {
  CompiledQuery cq = compile_values(t.rows, scope.parent);
  Relation rel;
  rel.alias = t.alias ? t.alias->name : "_values" + std::to_string(next_id());
  rel.alias_explicit = t.alias.has_value();
  for (std::size_t i = 0; i < cq.columns.size(); ++i) {
    Column c;
    c.name = i < t.column_aliases.size() ? t.column_aliases[i].name : cq.columns[i].name;
    c.type = cq.columns[i].type;
    c.sql = quote_ident(rel.alias) + ".\"c" + std::to_string(i + 1) + "\"";
    rel.columns.push_back(std::move(c));
  }
  std::string sql = "(" + cq.sql + ") AS " + quote_ident(rel.alias);
  scope.relations.push_back(std::move(rel));
  return sql;
}

std::string Compiler::compile_join(const TableRef& t, Scope& scope) {
  std::string left = compile_from(*t.left, scope);
  std::size_t left_end = scope.relations.size();
  std::string right = compile_from(*t.right, scope);
  std::size_t right_end = scope.relations.size();
  std::string type = t.join_type;
  std::string cond;
  std::vector<std::string> using_names;
  for (const auto& u : t.using_columns) using_names.push_back(u.name);
  if (t.natural) {
    for (std::size_t r = left_end; r < right_end; ++r) {
      for (const auto& rc : scope.relations[r].columns) {
        for (std::size_t l = 0; l < left_end; ++l) {
          for (const auto& lc : scope.relations[l].columns) {
            if (lc.name == rc.name && !lc.hidden &&
                std::find(using_names.begin(), using_names.end(), rc.name) == using_names.end()) {
              using_names.push_back(rc.name);
            }
          }
        }
      }
    }
  }
  for (const auto& name : using_names) {
    const Column* lc = nullptr;
    Column* rc = nullptr;
    for (std::size_t l = 0; l < left_end && !lc; ++l) {
      for (const auto& c : scope.relations[l].columns) {
        if (c.name == name && !c.hidden) lc = &c;
      }
    }
    for (std::size_t r = left_end; r < right_end && !rc; ++r) {
      for (auto& c : scope.relations[r].columns) {
        if (c.name == name) rc = &c;
      }
    }
    if (!lc || !rc) throw SfError(invalid_identifier(t.pos.line, t.pos.column, name));
    CExpr a;
    a.sql = lc->sql;
    a.type = lc->type;
    CExpr b;
    b.sql = rc->sql;
    b.type = rc->type;
    std::string eq = compile_comparison("=", a, b).sql;
    cond += cond.empty() ? eq : " AND " + eq;
    rc->hidden = true;
  }
  if (t.on) {
    std::string on = to_boolean(compile_expr(*t.on, scope)).sql;
    cond += cond.empty() ? on : " AND " + on;
  }
  if (type == "LEFT" || type == "FULL") {
    for (std::size_t r = left_end; r < right_end; ++r) {
      for (auto& c : scope.relations[r].columns) c.type.nullable = true;
    }
  }
  if (type == "RIGHT" || type == "FULL") {
    for (std::size_t l = 0; l < left_end; ++l) {
      for (auto& c : scope.relations[l].columns) c.type.nullable = true;
    }
  }
  std::string keyword = type == "LEFT"    ? " LEFT JOIN "
                        : type == "RIGHT" ? " RIGHT JOIN "
                        : type == "FULL"  ? " FULL JOIN "
                        : type == "CROSS" ? " JOIN "
                                          : " JOIN ";
  return left + keyword + right + (cond.empty() ? "" : " ON " + cond);
}

std::string Compiler::compile_table_function(const TableRef& t, Scope& scope) {
  const Expr& f = *t.function;
  if (f.kind != ExprKind::function) {
    throw SfError(syntax_error(t.pos.line, t.pos.column, "TABLE"));
  }
  Relation rel;
  rel.alias = t.alias ? t.alias->name : "_f" + std::to_string(next_id());
  rel.alias_explicit = t.alias.has_value();
  auto named_arg = [&](std::string_view name, std::size_t position) -> const Expr* {
    for (std::size_t i = 0; i < f.args.size(); ++i) {
      if (i < f.arg_names.size() && f.arg_names[i] == name) return f.args[i].get();
    }
    if (position < f.args.size() &&
        (f.arg_names.size() <= position || f.arg_names[position].empty())) {
      return f.args[position].get();
    }
    return nullptr;
  };
  if (f.text == "GENERATOR") {
    const Expr* rows = named_arg("ROWCOUNT", 99);
    const Expr* limit = named_arg("TIMELIMIT", 99);
    if (!rows && !limit) {
      throw SfError(compilation_error(
          "Invalid argument(s) for GENERATOR: ROWCOUNT or TIMELIMIT must be specified"));
    }
    std::string rows_sql = rows ? to_number(compile_expr(*rows, scope)).sql : "-1";
    std::string limit_sql = limit ? to_number(compile_expr(*limit, scope)).sql : "0";
    std::string sql =
        "sf_generator(" + rows_sql + ", " + limit_sql + ") AS " + quote_ident(rel.alias);
    scope.relations.push_back(std::move(rel));
    return sql;
  }
  if (f.text == "FLATTEN") {
    const Expr* input = named_arg("INPUT", 0);
    if (!input) throw SfError(compilation_error("FLATTEN requires INPUT"));
    CExpr in = to_json(compile_expr(*input, scope));
    const Expr* path = named_arg("PATH", 1);
    const Expr* outer_arg = named_arg("OUTER", 2);
    const Expr* recursive = named_arg("RECURSIVE", 3);
    const Expr* mode = named_arg("MODE", 4);
    std::string path_sql = path ? to_text(compile_expr(*path, scope)).sql : "''";
    std::string outer_sql = outer_arg ? to_boolean(compile_expr(*outer_arg, scope)).sql : "0";
    std::string rec_sql = recursive ? to_boolean(compile_expr(*recursive, scope)).sql : "0";
    std::string mode_sql = mode ? to_text(compile_expr(*mode, scope)).sql : "'BOTH'";
    std::string a = quote_ident(rel.alias);
    auto add = [&](const char* name, const SfType& type, const char* col) {
      Column c;
      c.name = name;
      c.type = type;
      c.sql = a + "." + col;
      rel.columns.push_back(c);
    };
    add("SEQ", SfType::fixed(38, 0), "seq");
    add("KEY", SfType::text(), "key");
    add("PATH", SfType::text(), "path");
    add("INDEX", SfType::fixed(38, 0), "idx");
    add("VALUE", SfType::of(TypeKind::variant), "value");
    add("THIS", SfType::of(TypeKind::variant), "this");
    std::string sql = "sf_flatten(" + in.sql + ", " + path_sql + ", " + outer_sql + ", " + rec_sql +
                      ", " + mode_sql + ") AS " + a;
    scope.relations.push_back(std::move(rel));
    return sql;
  }
  if (f.text == "SPLIT_TO_TABLE") {
    if (f.args.size() != 2) throw SfError(compilation_error("SPLIT_TO_TABLE takes 2 arguments"));
    std::string s = to_text(compile_expr(*f.args[0], scope)).sql;
    std::string d = to_text(compile_expr(*f.args[1], scope)).sql;
    std::string a = quote_ident(rel.alias);
    Column seq{"SEQ", SfType::fixed(38, 0), a + ".seq", "", "", "", false};
    Column idx{"INDEX", SfType::fixed(38, 0), a + ".idx", "", "", "", false};
    Column value{"VALUE", SfType::text(), a + ".value", "", "", "", false};
    rel.columns = {seq, idx, value};
    std::string sql = "sf_split_to_table(" + s + ", " + d + ") AS " + a;
    scope.relations.push_back(std::move(rel));
    return sql;
  }
  throw SfError(unknown_function(f.pos.line, f.pos.column, f.text));
}

std::string Compiler::compile_named_table(const TableRef& t, Scope& scope) {
  if (t.name.size() == 1) {
    if (const Cte* cte = find_cte(t.name[0].name)) {
      Relation rel;
      rel.alias = t.alias ? t.alias->name : t.name[0].name;
      rel.alias_explicit = t.alias.has_value();
      rel.table = t.name[0].name;
      for (std::size_t i = 0; i < cte->columns.size(); ++i) {
        Column c;
        c.name = i < t.column_aliases.size() ? t.column_aliases[i].name : cte->columns[i].name;
        c.type = cte->columns[i].type;
        c.sql = quote_ident(rel.alias) + ".\"c" + std::to_string(i + 1) + "\"";
        c.database = cte->columns[i].database;
        c.schema = cte->columns[i].schema;
        c.table = cte->columns[i].table;
        rel.columns.push_back(std::move(c));
      }
      std::string sql = quote_ident(cte->sql_name) + " AS " + quote_ident(rel.alias);
      scope.relations.push_back(std::move(rel));
      return sql;
    }
  }
  ResolvedName r = resolve_name(t.name, "SELECT");
  Relation rel;
  rel.alias = t.alias ? t.alias->name : r.name;
  rel.alias_explicit = t.alias.has_value();
  rel.database = r.database;
  rel.schema = r.schema;
  rel.table = r.name;
  if (r.schema == "INFORMATION_SCHEMA") {
    if (!env_.catalog->database(r.database)) throw SfError(object_not_found(r.qualified()));
    std::string sql = information_schema_sql(r.database, r.name, rel.columns, rel.alias);
    if (sql.empty()) throw SfError(object_not_found(r.qualified()));
    scope.relations.push_back(std::move(rel));
    return sql;
  }
  auto meta = env_.catalog->object(r.database, r.schema, r.name);
  if (!meta) throw SfError(missing_object_error(r, "Object"));
  scans_tables_ = true;
  if (meta->kind == "VIEW") {
    if (++view_depth_ > kMaxViewDepth) {
      throw SfError(
          compilation_error("View definition for '" + meta->qualified() + "' is recursive"));
    }
    // A view's names resolve in the view's own database and schema.
    Session saved = env_.session;
    env_.session.database = meta->database;
    env_.session.schema = meta->schema;
    CompiledQuery cq;
    try {
      QueryPtr vq = parse_query_text(meta->view_text);
      auto saved_ctes = std::move(ctes_);
      ctes_.clear();
      try {
        cq = compile_query_in(*vq, nullptr);
      } catch (...) {
        ctes_ = std::move(saved_ctes);
        throw;
      }
      ctes_ = std::move(saved_ctes);
    } catch (...) {
      env_.session = saved;
      --view_depth_;
      throw;
    }
    env_.session = saved;
    --view_depth_;
    for (std::size_t i = 0; i < cq.columns.size(); ++i) {
      Column c;
      c.name = i < meta->columns.size() ? meta->columns[i].name : cq.columns[i].name;
      if (i < t.column_aliases.size()) c.name = t.column_aliases[i].name;
      c.type = cq.columns[i].type;
      c.sql = quote_ident(rel.alias) + ".\"c" + std::to_string(i + 1) + "\"";
      c.database = meta->database;
      c.schema = meta->schema;
      c.table = meta->name;
      rel.columns.push_back(std::move(c));
    }
    std::string sql = "(" + cq.sql + ") AS " + quote_ident(rel.alias);
    scope.relations.push_back(std::move(rel));
    return sql;
  }
  rel.columns = table_columns(*meta, rel.alias);
  for (std::size_t i = 0; i < t.column_aliases.size() && i < rel.columns.size(); ++i) {
    rel.columns[i].name = t.column_aliases[i].name;
  }
  std::string sql = quote_ident(meta->sqlite_schema) + "." + quote_ident(meta->sqlite_name) +
                    " AS " + quote_ident(rel.alias);
  scope.relations.push_back(std::move(rel));
  return sql;
}

}  // namespace mock_snowflake::engine
