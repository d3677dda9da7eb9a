// compiler.cpp — queries, names, operators and casts (functions are in compiler_functions.cpp).
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

std::string display_name(const std::vector<Ident>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('.');
    out += p.quoted ? "\"" + p.name + "\"" : p.name;
  }
  return out;
}

std::int64_t utf8_length(std::string_view s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

// ---- small helpers --------------------------------------------------------------------------

std::string type_spec(const SfType& t) {
  std::string s(1, kind_code(t.kind));
  switch (t.kind) {
    case TypeKind::fixed:
      s += std::to_string(t.precision) + "," + std::to_string(t.scale);
      break;
    case TypeKind::text:
    case TypeKind::binary:
      s += std::to_string(t.length);
      break;
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz:
      s += std::to_string(t.scale);
      break;
    case TypeKind::vector:
      s += (t.vector_of_int ? "i," : "f,") + std::to_string(t.vector_dimension);
      break;
    default:
      break;
  }
  return s;
}

SfType parse_type_spec(std::string_view spec) {
  if (spec.empty()) return SfType::text();
  auto kind = kind_from_code(spec[0]).value_or(TypeKind::text);
  std::string rest(spec.substr(1));
  SfType t = SfType::of(kind);
  switch (kind) {
    case TypeKind::fixed: {
      auto comma = rest.find(',');
      int p = std::atoi(rest.substr(0, comma).c_str());
      int s = comma == std::string::npos ? 0 : std::atoi(rest.substr(comma + 1).c_str());
      return SfType::fixed(p == 0 ? 38 : p, s);
    }
    case TypeKind::text:
      if (!rest.empty()) t.length = std::atoll(rest.c_str());
      break;
    case TypeKind::binary:
      if (!rest.empty()) t.length = std::atoll(rest.c_str());
      break;
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz:
      if (!rest.empty()) t.scale = std::atoi(rest.c_str());
      break;
    case TypeKind::vector:
      t.vector_of_int = !rest.empty() && rest[0] == 'i';
      if (rest.size() > 2) t.vector_dimension = std::atoi(rest.c_str() + 2);
      break;
    default:
      break;
  }
  return t;
}

std::string chunked_call(const std::string& fn, const std::string& prefix,
                         const std::vector<std::string>& items, std::size_t arity,
                         const std::string& merge) {
  constexpr std::size_t kMaxArgs = 120;
  std::size_t per_call = std::max<std::size_t>(1, (kMaxArgs - (prefix.empty() ? 0 : 1)) / arity);
  std::vector<std::string> calls;
  for (std::size_t start = 0; start < items.size() || calls.empty(); start += per_call) {
    std::string call = fn + "(" + prefix;
    bool first = prefix.empty();
    for (std::size_t i = start; i < std::min(items.size(), start + per_call); ++i) {
      if (!first) call += ", ";
      call += items[i];
      first = false;
    }
    calls.push_back(call + ")");
    if (items.empty()) break;
  }
  while (calls.size() > 1) {
    std::vector<std::string> merged;
    for (std::size_t start = 0; start < calls.size(); start += kMaxArgs) {
      std::string call = merge + "(";
      for (std::size_t i = start; i < std::min(calls.size(), start + kMaxArgs); ++i) {
        if (i > start) call += ", ";
        call += calls[i];
      }
      merged.push_back(call + ")");
    }
    calls = std::move(merged);
  }
  return calls.front();
}

std::string expression_column_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_ident = false;
  bool in_string = false;
  for (char c : text) {
    if (!in_string && c == '"') in_ident = !in_ident;
    if (!in_ident && c == '\'') in_string = !in_string;
    out.push_back(in_ident ? c : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  // A column reference written as "name" is called name.
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"' &&
      out.find('"', 1) == out.size() - 1) {
    return out.substr(1, out.size() - 2);
  }
  return out;
}

std::string Compiler::literal_sql(const Val& v) {
  switch (v.t) {
    case Val::T::null:
      return "NULL";
    case Val::T::integer:
      return std::to_string(v.i);
    case Val::T::real: {
      if (std::isnan(v.d)) return "'NaN'";
      if (std::isinf(v.d)) return v.d > 0 ? "1e999" : "-1e999";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      std::string s = buf;
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    case Val::T::text:
      return quote_string(v.s);
    case Val::T::blob:
      return "X'" + to_hex(v.s) + "'";
  }
  return "NULL";
}

CExpr Compiler::literal(const Val& v, const SfType& t) {
  CExpr e;
  e.sql = literal_sql(v);
  e.type = t;
  e.type.nullable = v.is_null();
  e.constant = v;
  return e;
}

std::string Compiler::column_name_of(const Expr& e) const {
  if (e.kind == ExprKind::column) return e.names.back().name;
  std::string_view text = env_.statement_text;
  if (e.pos.end > e.pos.begin && e.pos.end <= text.size()) {
    return expression_column_name(text.substr(e.pos.begin, e.pos.end - e.pos.begin));
  }
  return "?";
}

// ---- names -----------------------------------------------------------------------------------

Compiler::ResolvedName Compiler::resolve_name(const std::vector<Ident>& parts,
                                              const std::string& command) {
  ResolvedName r;
  const Session& s = env_.session;
  if (parts.size() == 3) {
    r.database = parts[0].name;
    r.schema = parts[1].name;
  } else if (parts.size() == 2) {
    if (s.database.empty()) throw SfError(no_current_database(command));
    r.database = s.database;
    r.schema = parts[0].name;
  } else {
    if (s.database.empty()) throw SfError(no_current_database(command));
    if (s.schema.empty()) throw SfError(no_current_schema(command));
    r.database = s.database;
    r.schema = s.schema;
  }
  r.name = parts.back().name;
  return r;
}

// The real server names what is missing: the database, else the schema (sqlState 02000), else
// the object (42S02).
SqlError Compiler::missing_object_error(const ResolvedName& r, std::string_view kind) {
  if (!env_.catalog->database(r.database)) return database_not_found(r.database);
  if (!env_.catalog->schema(r.database, r.schema))
    return schema_not_found(r.database + "." + r.schema);
  return object_not_found(r.qualified(), kind);
}

ObjectMeta Compiler::require_object(const std::vector<Ident>& parts, const std::string& command,
                                    std::string_view kind_for_message) {
  ResolvedName r = resolve_name(parts, command);
  auto meta = env_.catalog->object(r.database, r.schema, r.name);
  if (!meta) throw SfError(missing_object_error(r, kind_for_message));
  return *meta;
}

const Compiler::Cte* Compiler::find_cte(const std::string& name) const {
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end()) return &found->second;
  }
  return nullptr;
}

std::vector<Compiler::Column> Compiler::table_columns(const ObjectMeta& meta,
                                                      const std::string& alias) {
  std::vector<Column> out;
  for (const auto& c : meta.columns) {
    Column col;
    col.name = c.name;
    col.type = c.type;
    col.sql = quote_ident(alias) + "." + quote_ident(c.name);
    if (meta.foreign && (c.type.is_temporal() || c.type.kind == TypeKind::boolean)) {
      // A user's SQLite file keeps dates as text: read them in the engine's physical form.
      col.sql = "sf_norm(" + col.sql + ", '" + type_spec(c.type) + "')";
    }
    col.database = meta.database;
    col.schema = meta.schema;
    col.table = meta.name;
    out.push_back(std::move(col));
  }
  return out;
}

// ---- queries ---------------------------------------------------------------------------------

CompiledQuery Compiler::compile_query(const Query& query) {
  return compile_query_in(query, nullptr);
}

CompiledQuery Compiler::compile_subquery(const Query& q, Scope* outer) {
  return compile_query_in(q, outer);
}

CompiledQuery Compiler::compile_query_in(const Query& q, Scope* outer) {
  std::string with_sql;
  bool pushed = false;
  if (!q.with.empty()) {
    ctes_.emplace_back();
    pushed = true;
    for (const auto& cte : q.with) {
      Cte info;
      info.sql_name = "cte" + std::to_string(next_id());
      CompiledQuery body;
      if (q.recursive && cte.query->kind == Query::Kind::set_operation) {
        // Register the anchor's columns first so the recursive part can refer to the CTE.
        CompiledQuery anchor = compile_query_in(*cte.query->left, outer);
        info.columns = anchor.columns;
        for (auto& c : info.columns) c.type.nullable = true;
        for (std::size_t i = 0; i < cte.columns.size() && i < info.columns.size(); ++i) {
          info.columns[i].name = cte.columns[i].name;
        }
        ctes_.back()[cte.name.name] = info;
        body = compile_query_in(*cte.query, outer);
      } else {
        body = compile_query_in(*cte.query, outer);
      }
      info.columns = body.columns;
      for (std::size_t i = 0; i < cte.columns.size() && i < info.columns.size(); ++i) {
        info.columns[i].name = cte.columns[i].name;
      }
      ctes_.back()[cte.name.name] = info;
      with_sql += with_sql.empty() ? (q.recursive ? "WITH RECURSIVE " : "WITH ") : ", ";
      with_sql += quote_ident(info.sql_name) + " AS (" + body.sql + ")";
    }
  }
  CompiledQuery out;
  try {
    switch (q.kind) {
      case Query::Kind::select:
        out = compile_select(q, outer);
        break;
      case Query::Kind::set_operation:
        out = compile_set_operation(q, outer);
        break;
      case Query::Kind::values:
        out = compile_values(q.values, outer);
        break;
    }
    if (q.kind != Query::Kind::select && (!q.order_by.empty() || q.limit || q.offset)) {
      // ORDER BY / LIMIT over the output columns of a set operation or VALUES.
      Scope scope;
      scope.parent = outer;
      Relation rel;
      rel.alias = "_q";
      for (std::size_t i = 0; i < out.columns.size(); ++i) {
        Column c;
        c.name = out.columns[i].name;
        c.type = out.columns[i].type;
        c.sql = "\"_q\".\"c" + std::to_string(i + 1) + "\"";
        rel.columns.push_back(c);
      }
      scope.relations.push_back(rel);
      std::string sql = "SELECT * FROM (" + out.sql + ") AS \"_q\"";
      if (!q.order_by.empty()) {
        // Positions refer to output columns.
        std::vector<std::string> terms;
        for (const auto& o : q.order_by) {
          std::string term;
          if (o.expr->kind == ExprKind::number && o.expr->text.find('.') == std::string::npos) {
            long k = std::atol(o.expr->text.c_str());
            if (k < 1 || static_cast<std::size_t>(k) > out.columns.size()) {
              throw SfError(compilation_error("ORDER BY position " + o.expr->text +
                                              " is not in select list"));
            }
            term = "\"c" + std::to_string(k) + "\"";
          } else {
            term = compile_expr(*o.expr, scope).sql;
          }
          term += o.descending ? " DESC" : " ASC";
          bool nulls_first = o.nulls_first.value_or(o.descending);
          term += nulls_first ? " NULLS FIRST" : " NULLS LAST";
          terms.push_back(term);
        }
        sql += " ORDER BY ";
        for (std::size_t i = 0; i < terms.size(); ++i) sql += (i ? ", " : "") + terms[i];
      }
      if (q.limit) sql += " LIMIT " + compile_expr(*q.limit, scope).sql;
      if (q.offset)
        sql += (q.limit ? " OFFSET " : " LIMIT -1 OFFSET ") + compile_expr(*q.offset, scope).sql;
      out.sql = sql;
    }
  } catch (...) {
    if (pushed) ctes_.pop_back();
    throw;
  }
  if (pushed) ctes_.pop_back();
  if (!with_sql.empty()) out.sql = with_sql + " " + out.sql;
  return out;
}

CompiledQuery Compiler::compile_values(const std::vector<std::vector<ExprPtr>>& rows,
                                       Scope* outer) {
  Scope scope;
  scope.parent = outer;
  std::vector<std::vector<CExpr>> compiled;
  std::size_t width = rows.empty() ? 0 : rows[0].size();
  std::vector<SfType> types(width, SfType::of(TypeKind::null, true));
  bool first = true;
  for (const auto& row : rows) {
    if (row.size() != width)
      throw SfError(compilation_error("Different number of values in the VALUES clause"));
    std::vector<CExpr> r;
    for (std::size_t i = 0; i < width; ++i) {
      CExpr c = compile_expr(*row[i], scope);
      types[i] = first ? c.type : common_type(types[i], c.type);
      r.push_back(std::move(c));
    }
    first = false;
    compiled.push_back(std::move(r));
  }
  CompiledQuery out;
  std::string sql;
  // A multi-row VALUES (SQLite's compound SELECTs stop at 500 terms), renamed c1, c2, ...
  for (std::size_t r = 0; r < compiled.size(); ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t i = 0; i < width; ++i) {
      if (i > 0) sql += ", ";
      sql += coerce(compiled[r][i], types[i]).sql;
    }
    sql += ")";
  }
  std::string list;
  for (std::size_t i = 0; i < width; ++i) {
    if (i > 0) list += ", ";
    list += "\"column" + std::to_string(i + 1) + "\" AS \"c" + std::to_string(i + 1) + "\"";
  }
  out.sql = "SELECT " + list + " FROM (VALUES " + sql + ")";
  for (std::size_t i = 0; i < width; ++i) {
    SfType t = types[i].kind == TypeKind::null ? SfType::text() : types[i];
    out.columns.push_back({"COLUMN" + std::to_string(i + 1), t, "", "", ""});
  }
  return out;
}

CompiledQuery Compiler::compile_set_operation(const Query& q, Scope* outer) {
  CompiledQuery left = compile_query_in(*q.left, outer);
  CompiledQuery right = compile_query_in(*q.right, outer);
  if (left.columns.size() != right.columns.size()) {
    throw SfError("001789", "42601",
                  "SQL compilation error:\ninvalid number of result columns for set operator "
                  "input branches, expected " +
                      std::to_string(left.columns.size()) + ", got " +
                      std::to_string(right.columns.size()) + " in branch 2");
  }
  CompiledQuery out;
  out.columns = left.columns;
  bool convert_left = false;
  bool convert_right = false;
  for (std::size_t i = 0; i < out.columns.size(); ++i) {
    SfType t = common_type(left.columns[i].type, right.columns[i].type);
    if (t.kind != left.columns[i].type.kind) convert_left = true;
    if (t.kind != right.columns[i].type.kind) convert_right = true;
    out.columns[i].type = t;
    if (left.columns[i].table != right.columns[i].table) {
      out.columns[i].database.clear();
      out.columns[i].schema.clear();
      out.columns[i].table.clear();
    }
  }
  // A plain SELECT goes into the compound as it is: a recursive CTE must see its own name in
  // the FROM of the compound's branch, not inside a subquery.
  auto plain = [](const Query& q) {
    return q.kind == Query::Kind::select && q.with.empty() && q.order_by.empty() && !q.limit &&
           !q.offset && !q.select->qualify;
  };
  auto side = [&](const CompiledQuery& cq, bool convert) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < cq.columns.size(); ++i) {
      if (i > 0) sql += ", ";
      CExpr c;
      c.sql = "\"c" + std::to_string(i + 1) + "\"";
      c.type = cq.columns[i].type;
      sql += (convert ? coerce(c, out.columns[i].type).sql : c.sql) + " AS \"c" +
             std::to_string(i + 1) + "\"";
    }
    return sql + " FROM (" + cq.sql + ")";
  };
  std::string op = q.set_op;
  if (q.set_all) op += " ALL";
  std::string left_sql = !convert_left && plain(*q.left) ? left.sql : side(left, convert_left);
  std::string right_sql =
      !convert_right && plain(*q.right) ? right.sql : side(right, convert_right);
  out.sql = left_sql + " " + op + " " + right_sql;
  return out;
}

CompiledQuery Compiler::compile_select(const Query& q, Scope* outer) {
  const Select& sel = *q.select;
  Scope scope;
  scope.parent = outer;
  std::string from_sql;
  if (sel.from) from_sql = compile_from(*sel.from, scope);

  struct Item {
    CExpr expr;
    std::string name;
    bool plain_column = false;  ///< a bare column reference (or from *)
    SourcePos pos;
  };
  std::vector<Item> items;
  std::vector<SelectAlias> aliases;
  scope.aliases = &aliases;
  for (const auto& it : sel.items) {
    const Expr& e = *it.expr;
    if (e.kind == ExprKind::star) {
      bool matched = false;
      for (const auto& rel : scope.relations) {
        if (!e.names.empty()) {
          bool ok = false;
          if (e.names.size() == 1) ok = rel.alias == e.names[0].name;
          if (e.names.size() == 2) {
            ok = !rel.alias_explicit && rel.schema == e.names[0].name &&
                 rel.table == e.names[1].name;
          }
          if (!ok) continue;
        }
        matched = true;
        for (const auto& col : rel.columns) {
          if (col.hidden) continue;
          bool excluded = false;
          for (const auto& x : it.exclude) excluded = excluded || x.name == col.name;
          if (excluded) continue;
          CExpr c;
          c.sql = col.sql;
          c.type = col.type;
          c.database = col.database;
          c.schema = col.schema;
          c.table = col.table;
          items.push_back({c, col.name, true, e.pos});
        }
      }
      if (!matched) {
        if (e.names.empty()) {
          throw SfError(compilation_error("SELECT with no columns"));
        }
        throw SfError(invalid_identifier(e.pos.line, e.pos.column, display_name(e.names)));
      }
      continue;
    }
    CExpr c = compile_expr(e, scope);
    std::string name = it.alias ? it.alias->name : column_name_of(e);
    if (it.alias) aliases.push_back({name, c});
    items.push_back({c, name, e.kind == ExprKind::column && !c.constant, e.pos});
  }

  std::string where_sql;
  if (sel.where) where_sql = to_boolean(compile_expr(*sel.where, scope)).sql;

  std::vector<std::string> group_terms;
  bool grouped = false;
  if (sel.group_by_all) {
    grouped = true;
    for (const auto& item : items) {
      if (!item.expr.aggregate && !item.expr.constant && !item.expr.window) {
        group_terms.push_back(item.expr.sql);
      }
    }
  }
  for (const auto& g : sel.group_by) {
    grouped = true;
    if (g->kind == ExprKind::number && g->text.find('.') == std::string::npos) {
      long k = std::atol(g->text.c_str());
      if (k < 1 || static_cast<std::size_t>(k) > items.size()) {
        throw SfError(compilation_error("GROUP BY position " + g->text + " is not in select list"));
      }
      group_terms.push_back(items[static_cast<std::size_t>(k - 1)].expr.sql);
      continue;
    }
    group_terms.push_back(compile_expr(*g, scope).sql);
  }
  std::string having_sql;
  if (sel.having) having_sql = to_boolean(compile_expr(*sel.having, scope)).sql;
  std::string qualify_sql;
  if (sel.qualify) qualify_sql = to_boolean(compile_expr(*sel.qualify, scope)).sql;

  bool any_aggregate = grouped || !having_sql.empty();
  for (const auto& item : items) any_aggregate = any_aggregate || item.expr.aggregate;
  if (any_aggregate) {
    // A bare column of an aggregated query must be grouped (Snowflake refuses what SQLite would
    // answer with an arbitrary row's value). Only bare columns are checked, never expressions.
    for (const auto& item : items) {
      if (!item.plain_column) continue;
      auto bare = [](const std::string& sql) {
        return sql.size() > 2 && sql.front() == '(' && sql.back() == ')'
                   ? sql.substr(1, sql.size() - 2)
                   : sql;
      };
      bool found = false;
      for (const auto& g : group_terms) found = found || bare(g) == bare(item.expr.sql);
      if (found) continue;
      std::string shown;
      for (char ch : item.expr.sql) {
        if (ch != '"') shown.push_back(ch);
      }
      throw SfError("000979", "42601",
                    "SQL compilation error: error line " + std::to_string(item.pos.line) +
                        " at position " + std::to_string(item.pos.column) + "\n'" + shown +
                        "' is not a valid group by expression");
    }
  }

  // ORDER BY terms.
  std::vector<std::string> order_terms;
  std::vector<std::string> order_exprs;  // for the QUALIFY wrapper
  for (const auto& o : q.order_by) {
    std::string term;
    const Expr& oe = *o.expr;
    if (oe.kind == ExprKind::number && oe.text.find('.') == std::string::npos) {
      long k = std::atol(oe.text.c_str());
      if (k < 1 || static_cast<std::size_t>(k) > items.size()) {
        throw SfError(compilation_error("ORDER BY position " + oe.text + " is not in select list"));
      }
      term = items[static_cast<std::size_t>(k - 1)].expr.sql;
    } else {
      bool done = false;
      if (oe.kind == ExprKind::column && oe.names.size() == 1) {
        for (const auto& item : items) {
          if (item.name == oe.names[0].name) {
            // An output column name wins over a FROM column of the same name only when it is an
            // alias of a different expression; both give the same SQL otherwise.
            term = item.expr.sql;
            done = true;
            break;
          }
        }
      }
      if (!done) term = compile_expr(oe, scope).sql;
    }
    order_exprs.push_back(term);
    std::string dir = o.descending ? " DESC" : " ASC";
    bool nulls_first = o.nulls_first.value_or(o.descending);
    order_terms.push_back(term + dir + (nulls_first ? " NULLS FIRST" : " NULLS LAST"));
  }
  std::string limit_sql;
  if (sel.top) limit_sql = " LIMIT " + compile_expr(*sel.top, scope).sql;
  if (q.limit) limit_sql = " LIMIT " + to_number(compile_expr(*q.limit, scope)).sql;
  if (q.offset) {
    if (limit_sql.empty()) limit_sql = " LIMIT -1";
    limit_sql += " OFFSET " + to_number(compile_expr(*q.offset, scope)).sql;
  }

  CompiledQuery out;
  std::string select_list;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) select_list += ", ";
    select_list += items[i].expr.sql + " AS \"c" + std::to_string(i + 1) + "\"";
    SfType t = items[i].expr.type;
    if (t.kind == TypeKind::null) {
      t = SfType::text();
      t.nullable = true;
    }
    out.columns.push_back(
        {items[i].name, t, items[i].expr.database, items[i].expr.schema, items[i].expr.table});
  }
  if (items.empty()) throw SfError(compilation_error("SELECT with no columns"));
  std::string body = "SELECT ";
  if (sel.distinct) body += "DISTINCT ";
  if (qualify_sql.empty()) {
    body += select_list;
    if (!from_sql.empty()) body += " FROM " + from_sql;
    if (!where_sql.empty()) body += " WHERE " + where_sql;
    if (!group_terms.empty()) {
      body += " GROUP BY ";
      for (std::size_t i = 0; i < group_terms.size(); ++i) body += (i ? ", " : "") + group_terms[i];
    } else if (grouped && any_aggregate) {
      // GROUP BY ALL with only aggregates: one group.
    }
    if (!having_sql.empty()) body += " HAVING " + having_sql;
    if (!order_terms.empty()) {
      body += " ORDER BY ";
      for (std::size_t i = 0; i < order_terms.size(); ++i) body += (i ? ", " : "") + order_terms[i];
    }
    body += limit_sql;
    out.sql = body;
    return out;
  }
  // QUALIFY: filter on window results computed in an inner query.
  std::string inner = "SELECT " + select_list + ", " + qualify_sql + " AS \"_qualify\"";
  for (std::size_t i = 0; i < order_exprs.size(); ++i) {
    inner += ", " + order_exprs[i] + " AS \"_o" + std::to_string(i + 1) + "\"";
  }
  if (!from_sql.empty()) inner += " FROM " + from_sql;
  if (!where_sql.empty()) inner += " WHERE " + where_sql;
  if (!group_terms.empty()) {
    inner += " GROUP BY ";
    for (std::size_t i = 0; i < group_terms.size(); ++i) inner += (i ? ", " : "") + group_terms[i];
  }
  if (!having_sql.empty()) inner += " HAVING " + having_sql;
  std::string outer_list;
  for (std::size_t i = 0; i < items.size(); ++i) {
    outer_list += (i ? ", " : "") + std::string("\"c") + std::to_string(i + 1) + "\"";
  }
  std::string sql = std::string("SELECT ") + (sel.distinct ? "DISTINCT " : "") + outer_list +
                    " FROM (" + inner + ") WHERE \"_qualify\"";
  if (!order_terms.empty()) {
    sql += " ORDER BY ";
    for (std::size_t i = 0; i < q.order_by.size(); ++i) {
      const auto& o = q.order_by[i];
      bool nulls_first = o.nulls_first.value_or(o.descending);
      sql += (i ? ", " : "") + std::string("\"_o") + std::to_string(i + 1) + "\"" +
             (o.descending ? " DESC" : " ASC") + (nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
  }
  sql += limit_sql;
  out.sql = sql;
  return out;
}

// ---- FROM ------------------------------------------------------------------------------------

std::string Compiler::compile_from(const TableRef& t, Scope& scope) {
  switch (t.kind) {
    case TableRef::Kind::named:
      return compile_named_table(t, scope);
    case TableRef::Kind::subquery: {
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
    case TableRef::Kind::values: {
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
    case TableRef::Kind::join: {
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
                    std::find(using_names.begin(), using_names.end(), rc.name) ==
                        using_names.end()) {
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
    case TableRef::Kind::function: {
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
        std::string sql = "sf_flatten(" + in.sql + ", " + path_sql + ", " + outer_sql + ", " +
                          rec_sql + ", " + mode_sql + ") AS " + a;
        scope.relations.push_back(std::move(rel));
        return sql;
      }
      if (f.text == "SPLIT_TO_TABLE") {
        if (f.args.size() != 2)
          throw SfError(compilation_error("SPLIT_TO_TABLE takes 2 arguments"));
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
  }
  return {};
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

// ---- expressions -----------------------------------------------------------------------------

CExpr Compiler::compile_column(const Expr& e, Scope& scope) {
  const auto& names = e.names;
  std::string col_name = names.back().name;
  for (Scope* s = &scope; s != nullptr; s = s->parent) {
    const Column* found = nullptr;
    int matches = 0;
    for (const auto& rel : s->relations) {
      bool rel_ok = true;
      if (names.size() == 2) rel_ok = rel.alias == names[0].name;
      if (names.size() == 3) {
        rel_ok = !rel.alias_explicit && rel.schema == names[0].name && rel.table == names[1].name;
      }
      if (names.size() == 4) {
        rel_ok = !rel.alias_explicit && rel.database == names[0].name &&
                 rel.schema == names[1].name && rel.table == names[2].name;
      }
      if (!rel_ok) continue;
      for (const auto& c : rel.columns) {
        if (c.name != col_name) continue;
        if (c.hidden && names.size() == 1) continue;
        if (!found) found = &c;
        ++matches;
      }
    }
    if (matches > 1 && names.size() == 1) {
      throw SfError(ambiguous_column(e.pos.line, e.pos.column, col_name));
    }
    if (found) {
      CExpr out;
      out.sql = found->sql;
      out.type = found->type;
      out.database = found->database;
      out.schema = found->schema;
      out.table = found->table;
      return out;
    }
    // A select-list alias of this query level (lateral column alias).
    if (names.size() == 1 && s->aliases) {
      for (const auto& a : *s->aliases) {
        if (a.name == col_name) {
          CExpr out = a.expr;
          out.database.clear();
          out.schema.clear();
          out.table.clear();
          if (!out.constant) out.sql = "(" + out.sql + ")";
          return out;
        }
      }
    }
  }
  // seq.NEXTVAL
  if (names.size() >= 2 && names.back().name == "NEXTVAL" && !names.back().quoted &&
      env_.sequences) {
    std::vector<Ident> seq(names.begin(), names.end() - 1);
    ResolvedName r = resolve_name(seq, "SELECT");
    std::string key = SequenceRegistry::key(r.database, r.schema, r.name);
    if (env_.sequences->exists(key)) {
      CExpr out;
      out.sql = "sf_nextval(" + quote_string(key) + ")";
      out.type = SfType::fixed(38, 0, false);
      return out;
    }
  }
  throw SfError(invalid_identifier(e.pos.line, e.pos.column, display_name(names)));
}

CExpr Compiler::compile_param(const Expr& e) {
  std::string key = e.text;
  const Bind* bind = nullptr;
  if (env_.bindings) {
    auto it = env_.bindings->find(key);
    if (it != env_.bindings->end()) bind = &it->second;
  }
  if (!bind) {
    std::string shown = e.param_index > 0 ? "?" : ":" + key;
    throw SfError("002049", "42601",
                  "SQL compilation error: error line " + std::to_string(e.pos.line) +
                      " at position " + std::to_string(e.pos.column) + "\nBind variable " + shown +
                      " not set.");
  }
  std::size_t index = 0;
  for (; index < param_keys_.size(); ++index) {
    if (param_keys_[index] == key) break;
  }
  if (index == param_keys_.size()) param_keys_.push_back(key);
  CExpr out;
  out.sql = "?" + std::to_string(index + 1);
  std::string type = bind->type;
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::optional<std::string> first;
  bool any_null = false;
  for (const auto& v : bind->values) {
    if (!v) {
      any_null = true;
    } else if (!first) {
      first = v;
    }
  }
  if (type == "FIXED") {
    int digits = 1;
    int scale = 0;
    if (first) {
      auto dot = first->find('.');
      std::string whole = first->substr(0, dot);
      digits = 0;
      for (char c : whole) digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      if (dot != std::string::npos) scale = static_cast<int>(first->size() - dot - 1);
      digits = std::max(1, digits + scale);
    }
    out.type = SfType::fixed(std::min(38, digits), scale);
  } else if (type == "REAL" || type == "DECFLOAT") {
    out.type = SfType::real();
  } else if (type == "TEXT") {
    out.type =
        SfType::text(first ? std::max<std::int64_t>(1, utf8_length(*first)) : kMaxVarcharLength);
  } else if (type == "BINARY") {
    out.type = SfType::binary(
        first ? std::max<std::int64_t>(1, static_cast<std::int64_t>(first->size() / 2))
              : kMaxBinaryLength);
  } else if (type == "BOOLEAN") {
    out.type = SfType::of(TypeKind::boolean);
  } else if (type == "DATE") {
    out.type = SfType::of(TypeKind::date);
  } else if (type == "TIME") {
    out.type = SfType::temporal(TypeKind::time);
  } else if (type == "TIMESTAMP_NTZ") {
    out.type = SfType::temporal(TypeKind::timestamp_ntz);
  } else if (type == "TIMESTAMP_LTZ") {
    out.type = SfType::temporal(TypeKind::timestamp_ltz);
  } else if (type == "TIMESTAMP_TZ") {
    out.type = SfType::temporal(TypeKind::timestamp_tz);
  } else {
    out.type = SfType::text();
  }
  out.type.nullable = any_null || !first;
  return out;
}

CExpr Compiler::compile_standalone(const Expr& e) {
  Scope scope;
  return compile_expr(e, scope);
}

CExpr Compiler::compile_expr(const Expr& e, Scope& scope) {
  switch (e.kind) {
    case ExprKind::number: {
      const std::string& t = e.text;
      bool negative = !t.empty() && t[0] == '-';
      std::string digits = negative ? t.substr(1) : t;
      if (digits.find_first_of("eE") != std::string::npos) {
        return literal(Val::real(std::strtod(t.c_str(), nullptr)), SfType::real(false));
      }
      auto dot = digits.find('.');
      std::string whole = dot == std::string::npos ? digits : digits.substr(0, dot);
      std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
      std::size_t z = 0;
      while (z < whole.size() && whole[z] == '0') ++z;
      whole.erase(0, z);
      int scale = static_cast<int>(frac.size());
      int precision = std::max<int>(1, static_cast<int>(whole.size() + frac.size()));
      if (precision > 38) {
        return literal(Val::real(std::strtod(t.c_str(), nullptr)), SfType::real(false));
      }
      auto v = parse_number_text(t, false);
      Val value = v ? *v : Val::real(std::strtod(t.c_str(), nullptr));
      if (scale > 0) {
        // Up to 15 significant digits a double is exact enough; beyond, keep the decimal text.
        value = precision > 15 ? Val::text(t) : Val::real(std::strtod(t.c_str(), nullptr));
      }
      return literal(value, SfType::fixed(precision, scale, false));
    }
    case ExprKind::string:
      return literal(Val::text(e.text),
                     SfType::text(std::max<std::int64_t>(1, utf8_length(e.text)), false));
    case ExprKind::boolean:
      return literal(Val::integer(e.text == "TRUE" ? 1 : 0), SfType::of(TypeKind::boolean, false));
    case ExprKind::null:
      return literal(Val::null(), SfType::of(TypeKind::null, true));
    case ExprKind::typed_literal: {
      auto type = parse_type_name(e.type_name);
      CExpr s = literal(Val::text(e.text),
                        SfType::text(std::max<std::int64_t>(1, utf8_length(e.text)), false));
      return cast_to(s, type.value_or(SfType::text()));
    }
    case ExprKind::interval:
      throw SfError(compilation_error(
          "An INTERVAL can only be added to or subtracted from a date or timestamp"));
    case ExprKind::column:
      return compile_column(e, scope);
    case ExprKind::star:
      throw SfError(syntax_error(e.pos.line, e.pos.column, "*"));
    case ExprKind::param:
      return compile_param(e);
    case ExprKind::variable: {
      if (!e.text.empty() && std::all_of(e.text.begin(), e.text.end(), [](char ch) {
            return std::isdigit(static_cast<unsigned char>(ch));
          })) {
        // $n: the n-th column of the FROM clause.
        std::size_t n = static_cast<std::size_t>(std::atol(e.text.c_str()));
        std::size_t k = 0;
        for (const auto& rel : scope.relations) {
          for (const auto& col : rel.columns) {
            if (col.hidden) continue;
            if (++k == n) {
              CExpr out;
              out.sql = col.sql;
              out.type = col.type;
              return out;
            }
          }
        }
        throw SfError(invalid_identifier(e.pos.line, e.pos.column, "$" + e.text));
      }
      auto it = env_.variables.find(e.text);
      if (it == env_.variables.end()) {
        throw SfError("002211", "02000",
                      "SQL compilation error: error line " + std::to_string(e.pos.line) +
                          " at position " + std::to_string(e.pos.column) + "\nSession variable '$" +
                          e.text + "' does not exist");
      }
      CExpr out;
      out.sql = it->second;
      out.type = env_.variable_types.count(e.text) ? env_.variable_types[e.text] : SfType::text();
      return out;
    }
    case ExprKind::unary: {
      CExpr a = compile_expr(*e.args[0], scope);
      if (e.op == "NOT") {
        CExpr b = to_boolean(a);
        CExpr out;
        out.sql = "(NOT " + b.sql + ")";
        out.type = SfType::of(TypeKind::boolean, b.type.nullable);
        out.aggregate = a.aggregate;
        out.window = a.window;
        return out;
      }
      CExpr n = to_number(a);
      CExpr out = n;
      out.constant.reset();
      out.database.clear();
      out.schema.clear();
      out.table.clear();
      out.sql = e.op == "-" ? "(-" + n.sql + ")" : n.sql;
      return out;
    }
    case ExprKind::binary:
      return compile_binary(e, scope);
    case ExprKind::function:
      return compile_function(e, scope);
    case ExprKind::cast:
      return compile_cast(e, scope);
    case ExprKind::case_when: {
      std::optional<CExpr> operand;
      if (e.args[0]) operand = compile_expr(*e.args[0], scope);
      std::vector<CExpr> whens;
      std::vector<CExpr> thens;
      SfType result = SfType::of(TypeKind::null);
      bool first = true;
      bool aggregate = operand && operand->aggregate;
      bool window = operand && operand->window;
      for (std::size_t i = 0; i < e.whens.size(); ++i) {
        CExpr w = compile_expr(*e.whens[i], scope);
        if (operand) {
          w = compile_comparison("=", *operand, w);
        } else {
          w = to_boolean(w);
        }
        CExpr th = compile_expr(*e.thens[i], scope);
        result = first ? th.type : common_type(result, th.type);
        first = false;
        aggregate = aggregate || w.aggregate || th.aggregate;
        window = window || w.window || th.window;
        whens.push_back(std::move(w));
        thens.push_back(std::move(th));
      }
      std::optional<CExpr> else_expr;
      if (e.else_expr) {
        else_expr = compile_expr(*e.else_expr, scope);
        result = common_type(result, else_expr->type);
        aggregate = aggregate || else_expr->aggregate;
        window = window || else_expr->window;
      } else {
        result.nullable = true;
      }
      std::string sql = "CASE";
      for (std::size_t i = 0; i < whens.size(); ++i) {
        sql += " WHEN " + whens[i].sql + " THEN " + coerce(thens[i], result).sql;
      }
      if (else_expr) sql += " ELSE " + coerce(*else_expr, result).sql;
      sql += " END";
      CExpr out;
      out.sql = sql;
      out.type = result.kind == TypeKind::null ? SfType::of(TypeKind::null) : result;
      out.aggregate = aggregate;
      out.window = window;
      return out;
    }
    case ExprKind::between: {
      CExpr v = compile_expr(*e.args[0], scope);
      CExpr lo = compile_expr(*e.args[1], scope);
      CExpr hi = compile_expr(*e.args[2], scope);
      CExpr a = compile_comparison(">=", v, lo);
      CExpr b = compile_comparison("<=", v, hi);
      CExpr out;
      out.sql = std::string("(") + (e.negated ? "NOT " : "") + "(" + a.sql + " AND " + b.sql + "))";
      out.type =
          SfType::of(TypeKind::boolean, v.type.nullable || lo.type.nullable || hi.type.nullable);
      out.aggregate = v.aggregate || lo.aggregate || hi.aggregate;
      out.window = v.window || lo.window || hi.window;
      return out;
    }
    case ExprKind::in_list: {
      CExpr v = compile_expr(*e.args[0], scope);
      std::string list;
      bool nullable = v.type.nullable;
      bool aggregate = v.aggregate;
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        CExpr item = compile_expr(*e.args[i], scope);
        nullable = nullable || item.type.nullable;
        aggregate = aggregate || item.aggregate;
        // Convert the item to the value's type (as the comparison would).
        CExpr cmp = compile_comparison("=", v, item);
        (void)cmp;
        SfType target = v.type;
        if (v.type.kind == TypeKind::text && item.type.kind != TypeKind::text &&
            item.type.kind != TypeKind::null) {
          target = item.type;
        }
        CExpr conv = item.type.kind == target.kind ? item : coerce(item, target);
        list += (i > 1 ? ", " : "") + conv.sql;
      }
      CExpr value = v;
      if (e.args.size() > 1) {
        CExpr first_item = compile_expr(*e.args[1], scope);
        if (v.type.kind == TypeKind::text && first_item.type.kind != TypeKind::text &&
            first_item.type.kind != TypeKind::null) {
          value = coerce(v, first_item.type);
        }
      }
      CExpr out;
      out.sql = "(" + value.sql + (e.negated ? " NOT IN (" : " IN (") + list + "))";
      out.type = SfType::of(TypeKind::boolean, nullable);
      out.aggregate = aggregate;
      return out;
    }
    case ExprKind::in_query: {
      CExpr v = compile_expr(*e.args[0], scope);
      CompiledQuery cq = compile_subquery(*e.query, &scope);
      if (cq.columns.size() != 1) {
        throw SfError(compilation_error("Subquery in IN must return exactly one column"));
      }
      CExpr col;
      col.sql = "\"_in\".\"c1\"";
      col.type = cq.columns[0].type;
      CExpr out;
      out.type = SfType::of(TypeKind::boolean, true);
      out.aggregate = v.aggregate;
      if (e.op == "=" && e.quantifier == "ANY") {
        CExpr conv = cq.columns[0].type.kind == v.type.kind ? col : coerce(col, v.type);
        out.sql = "(" + v.sql + (e.negated ? " NOT IN (" : " IN (") + "SELECT " + conv.sql +
                  " FROM (" + cq.sql + ") AS \"_in\"))";
        return out;
      }
      CExpr cmp = compile_comparison(e.op, v, col);
      if (e.quantifier == "ALL") {
        out.sql = "(NOT EXISTS (SELECT 1 FROM (" + cq.sql + ") AS \"_in\" WHERE NOT coalesce(" +
                  cmp.sql + ", 0)))";
      } else {
        out.sql = "(EXISTS (SELECT 1 FROM (" + cq.sql + ") AS \"_in\" WHERE " + cmp.sql + "))";
      }
      if (e.negated) out.sql = "(NOT " + out.sql + ")";
      return out;
    }
    case ExprKind::exists: {
      CompiledQuery cq = compile_subquery(*e.query, &scope);
      CExpr out;
      out.sql = std::string("(") + (e.negated ? "NOT " : "") + "EXISTS (" + cq.sql + "))";
      out.type = SfType::of(TypeKind::boolean, false);
      return out;
    }
    case ExprKind::scalar_query: {
      CompiledQuery cq = compile_subquery(*e.query, &scope);
      if (cq.columns.size() != 1) {
        throw SfError(compilation_error("Subquery must return exactly one column"));
      }
      CExpr out;
      out.sql = "(SELECT \"c1\" FROM (" + cq.sql + "))";
      out.type = cq.columns[0].type;
      out.type.nullable = true;
      return out;
    }
    case ExprKind::is_null: {
      CExpr a = compile_expr(*e.args[0], scope);
      CExpr out;
      out.sql = "(" + a.sql + (e.negated ? " IS NOT NULL)" : " IS NULL)");
      out.type = SfType::of(TypeKind::boolean, false);
      out.aggregate = a.aggregate;
      out.window = a.window;
      return out;
    }
    case ExprKind::is_distinct: {
      CExpr a = compile_expr(*e.args[0], scope);
      CExpr b = compile_expr(*e.args[1], scope);
      CExpr eq = compile_comparison("=", a, b);  // for the coercions
      std::string lhs = eq.sql.substr(1, eq.sql.size() - 2);
      auto pos = lhs.find(" = ");
      CExpr out;
      out.sql =
          "(" + lhs.substr(0, pos) + (e.negated ? " IS " : " IS NOT ") + lhs.substr(pos + 3) + ")";
      out.type = SfType::of(TypeKind::boolean, false);
      out.aggregate = a.aggregate || b.aggregate;
      return out;
    }
    case ExprKind::like:
      return compile_like(e, scope);
    case ExprKind::path:
      return compile_path(e, scope);
    case ExprKind::array: {
      std::vector<std::string> items;
      bool aggregate = false;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        CExpr a = to_json(compile_expr(*e.args[i], scope));
        aggregate = aggregate || a.aggregate;
        items.push_back(a.sql);
      }
      CExpr out;
      out.sql = chunked_call("sf_array_construct", "", items, 1, "sf_array_concat");
      out.type = SfType::of(TypeKind::array, false);
      out.aggregate = aggregate;
      return out;
    }
    case ExprKind::object: {
      std::vector<std::string> items;
      bool aggregate = false;
      for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
        CExpr k = to_text(compile_expr(*e.args[i], scope));
        CExpr v = to_json(compile_expr(*e.args[i + 1], scope));
        aggregate = aggregate || k.aggregate || v.aggregate;
        items.push_back(k.sql + ", " + v.sql);
      }
      CExpr out;
      out.sql = chunked_call("sf_object_construct", "0", items, 2, "sf_object_merge");
      out.type = SfType::of(TypeKind::object, false);
      out.aggregate = aggregate;
      return out;
    }
    case ExprKind::lambda:
      throw SfError(compilation_error("A lambda expression is only valid as a function argument"));
  }
  throw SfError(internal_error("unknown expression"));
}

// ---- operators -------------------------------------------------------------------------------

namespace {

bool comparable_same(const SfType& a, const SfType& b) {
  if (a.kind == b.kind) return true;
  if (a.is_numeric() && b.is_numeric()) return true;
  return a.kind == TypeKind::null || b.kind == TypeKind::null;
}

// Parses an INTERVAL literal ('1 day', '2 hours 30 minutes', '3 months') into (part, amount).
std::vector<std::pair<std::string, std::int64_t>> parse_interval(const std::string& text) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ','))
      ++i;
    if (i >= text.size()) break;
    bool negative = false;
    if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
    std::int64_t n = 0;
    bool any = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i++] - '0');
      any = true;
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++]))));
    }
    if (!any) n = 1;
    if (unit.empty()) unit = "SECOND";
    out.emplace_back(unit, negative ? -n : n);
  }
  return out;
}

}  // namespace

CExpr Compiler::compile_comparison(const std::string& op, CExpr a, CExpr b) {
  if (!comparable_same(a.type, b.type)) {
    const SfType& ta = a.type;
    const SfType& tb = b.type;
    if (ta.kind == TypeKind::text) {
      a = coerce(a, tb);
    } else if (tb.kind == TypeKind::text) {
      b = coerce(b, ta);
    } else if (ta.is_semi_structured() && !tb.is_semi_structured()) {
      a = coerce(a, tb);
    } else if (tb.is_semi_structured() && !ta.is_semi_structured()) {
      b = coerce(b, ta);
    } else if (ta.kind == TypeKind::date && tb.is_timestamp()) {
      a = coerce(a, tb);
    } else if (tb.kind == TypeKind::date && ta.is_timestamp()) {
      b = coerce(b, ta);
    } else if (ta.is_timestamp() && tb.is_timestamp()) {
      SfType ltz = SfType::temporal(TypeKind::timestamp_ltz);
      a = coerce(a, ltz);
      b = coerce(b, ltz);
    } else if (ta.kind == TypeKind::boolean && tb.is_numeric()) {
      b = to_boolean(b);
    } else if (tb.kind == TypeKind::boolean && ta.is_numeric()) {
      a = to_boolean(a);
    }
  } else if (a.type.kind == TypeKind::timestamp_tz && b.type.kind == TypeKind::timestamp_tz &&
             (op == "=" || op == "<>")) {
    // Equal instants with different offsets are equal.
    SfType ltz = SfType::temporal(TypeKind::timestamp_ltz);
    a = coerce(a, ltz);
    b = coerce(b, ltz);
  }
  CExpr out;
  out.sql = "(" + a.sql + " " + op + " " + b.sql + ")";
  out.type = SfType::of(TypeKind::boolean, a.type.nullable || b.type.nullable);
  out.aggregate = a.aggregate || b.aggregate;
  out.window = a.window || b.window;
  return out;
}

CExpr Compiler::compile_binary(const Expr& e, Scope& scope) {
  const std::string& op = e.op;
  if (op == "AND" || op == "OR") {
    CExpr a = to_boolean(compile_expr(*e.args[0], scope));
    CExpr b = to_boolean(compile_expr(*e.args[1], scope));
    CExpr out;
    out.sql = "(" + a.sql + " " + op + " " + b.sql + ")";
    out.type = SfType::of(TypeKind::boolean, a.type.nullable || b.type.nullable);
    out.aggregate = a.aggregate || b.aggregate;
    out.window = a.window || b.window;
    return out;
  }
  // date/timestamp +/- INTERVAL
  if ((op == "+" || op == "-") && e.args[1]->kind == ExprKind::interval) {
    CExpr a = compile_expr(*e.args[0], scope);
    if (a.type.kind == TypeKind::text) a = coerce(a, SfType::temporal(TypeKind::timestamp_ntz));
    SfType result = a.type;
    std::string sql = a.sql;
    for (const auto& [unit, amount] : parse_interval(e.args[1]->text)) {
      std::int64_t n = op == "-" ? -amount : amount;
      bool time_unit = unit.rfind("HOUR", 0) == 0 || unit.rfind("MINUTE", 0) == 0 ||
                       unit.rfind("SECOND", 0) == 0 || unit.rfind("MILLI", 0) == 0 ||
                       unit.rfind("MICRO", 0) == 0 || unit.rfind("NANO", 0) == 0 || unit == "H" ||
                       unit == "M" || unit == "S" || unit == "MS" || unit == "NS";
      if (result.kind == TypeKind::date && time_unit) {
        sql = "sf_cast(" + sql + ", 'D', 'W9')";
        result = SfType::temporal(TypeKind::timestamp_ntz);
      }
      sql = "sf_dateadd(" + quote_string(unit) + ", " + std::to_string(n) + ", " + sql + ", '" +
            type_spec(result) + "')";
    }
    CExpr out;
    out.sql = sql;
    out.type = result;
    out.aggregate = a.aggregate;
    return out;
  }
  CExpr a = compile_expr(*e.args[0], scope);
  CExpr b = compile_expr(*e.args[1], scope);
  bool aggregate = a.aggregate || b.aggregate;
  bool window = a.window || b.window;
  bool nullable = a.type.nullable || b.type.nullable;
  if (op == "=" || op == "<>" || op == "<" || op == ">" || op == "<=" || op == ">=") {
    return compile_comparison(op, a, b);
  }
  CExpr out;
  out.aggregate = aggregate;
  out.window = window;
  if (op == "||") {
    CExpr ta = to_text(a);
    CExpr tb = to_text(b);
    out.sql = "(" + ta.sql + " || " + tb.sql + ")";
    out.type = SfType::text(
        std::min<std::int64_t>(kMaxVarcharLength, ta.type.length + tb.type.length), nullable);
    return out;
  }
  // Date arithmetic.
  const SfType& ta = a.type;
  const SfType& tb = b.type;
  if ((op == "+" || op == "-") && ta.kind == TypeKind::date &&
      (tb.is_numeric() || tb.kind == TypeKind::text)) {
    CExpr n = to_number(b);
    out.sql = "(" + a.sql + " " + op + " CAST(" + n.sql + " AS INTEGER))";
    out.type = SfType::of(TypeKind::date, nullable);
    return out;
  }
  if (op == "+" && tb.kind == TypeKind::date && ta.is_numeric()) {
    out.sql = "(" + b.sql + " + CAST(" + a.sql + " AS INTEGER))";
    out.type = SfType::of(TypeKind::date, nullable);
    return out;
  }
  if (op == "-" && ta.kind == TypeKind::date && tb.kind == TypeKind::date) {
    out.sql = "(" + a.sql + " - " + b.sql + ")";
    out.type = SfType::fixed(9, 0, nullable);
    return out;
  }
  if ((op == "+" || op == "-") && ta.is_timestamp() && tb.is_numeric()) {
    CExpr n = to_number(b);
    out.sql = "sf_dateadd('DAY', " + std::string(op == "-" ? "-" : "") + "(" + n.sql + "), " +
              a.sql + ", '" + type_spec(ta) + "')";
    out.type = ta;
    out.type.nullable = nullable;
    return out;
  }
  if (op == "-" && ta.is_timestamp() && tb.is_timestamp()) {
    out.sql = "sf_datediff('DAY', " + b.sql + ", '" + type_spec(tb) + "', " + a.sql + ", '" +
              type_spec(ta) + "')";
    out.type = SfType::fixed(18, 0, nullable);
    return out;
  }
  CExpr na = to_number(a);
  CExpr nb = to_number(b);
  const SfType& x = na.type;
  const SfType& y = nb.type;
  bool fixed = x.kind == TypeKind::fixed && y.kind == TypeKind::fixed;
  int l1 = x.precision - x.scale;
  int l2 = y.precision - y.scale;
  // Integers that may outgrow int64 are computed exactly (SQLite would turn them into doubles).
  auto exact = [&](const char* fn, int precision) {
    return fixed && x.scale == 0 && y.scale == 0 && precision > 18
               ? std::string(fn) + "(" + na.sql + ", " + nb.sql + ")"
               : std::string();
  };
  if (op == "+" || op == "-") {
    out.sql = "(" + na.sql + " " + op + " " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, y.scale);
      int l = std::max(l1, l2) + 1;
      out.type = SfType::fixed(std::min(38, l + s), s, nullable);
      std::string e2 = exact(op == "+" ? "sf_exact_add" : "sf_exact_sub", l + s);
      if (!e2.empty()) out.sql = e2;
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "*") {
    out.sql = "(" + na.sql + " * " + nb.sql + ")";
    if (fixed) {
      int s = std::min(x.scale + y.scale, std::max({x.scale, y.scale, 12}));
      int l = l1 + l2;
      out.type = SfType::fixed(std::min(38, l + s), s, nullable);
      std::string e2 = exact("sf_exact_mul", l + s);
      if (!e2.empty()) out.sql = e2;
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "/") {
    out.sql = "sf_div(" + na.sql + ", " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, std::min(x.scale + 6, 12));
      int l = l1 + y.scale;
      out.type = SfType::fixed(std::min(38, std::max(1, l + s)), s, nullable);
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  if (op == "%") {
    out.sql = "sf_mod(" + na.sql + ", " + nb.sql + ")";
    if (fixed) {
      int s = std::max(x.scale, y.scale);
      out.type = SfType::fixed(std::min(38, std::max(l1, l2) + s), s, nullable);
    } else {
      out.type = SfType::real(nullable);
    }
    return out;
  }
  throw SfError(internal_error("unknown operator " + op));
}

// ---- conversions -----------------------------------------------------------------------------

CExpr Compiler::cast_to(const CExpr& e, const SfType& to, bool try_cast) {
  SfType target = to;
  target.nullable = e.type.nullable || try_cast;
  if (e.constant) {
    try {
      Val v = cast_value(*e.constant, e.type.kind == TypeKind::null ? SfType::text() : e.type, to,
                         env_.values);
      CExpr out = literal(v, target);
      out.type.nullable = v.is_null();
      return out;
    } catch (const SfError&) {
      if (try_cast) return literal(Val::null(), target);
      // Keep the error for run time, where Snowflake reports it too.
    }
  }
  CExpr out;
  out.aggregate = e.aggregate;
  out.window = e.window;
  out.type = target;
  if (e.type.kind == TypeKind::null) {
    out.sql = e.sql;
    return out;
  }
  bool noop = false;
  if (e.type.kind == to.kind) {
    switch (to.kind) {
      case TypeKind::fixed:
        noop = to.scale >= e.type.scale &&
               (to.precision - to.scale) >= (e.type.precision - e.type.scale);
        break;
      case TypeKind::text:
        noop = to.length >= e.type.length || true;
        break;
      case TypeKind::time:
      case TypeKind::timestamp_ntz:
      case TypeKind::timestamp_ltz:
      case TypeKind::timestamp_tz:
        noop = to.scale >= e.type.scale;
        break;
      default:
        noop = true;
    }
  }
  if (noop) {
    out.sql = e.sql;
    return out;
  }
  out.sql = std::string(try_cast ? "sf_try_cast(" : "sf_cast(") + e.sql + ", '" +
            type_spec(e.type) + "', '" + type_spec(to) + "')";
  return out;
}

CExpr Compiler::assign_to(const CExpr& e, const SfType& column) {
  CExpr out = e.type.kind == column.kind ? coerce(e, column) : cast_to(e, column);
  bool limited = (column.kind == TypeKind::text && column.length < kMaxVarcharLength) ||
                 (column.kind == TypeKind::binary && column.length < kMaxBinaryLength);
  if (limited && (e.type.kind != column.kind || e.type.length > column.length)) {
    out.sql = "sf_check_length(" + out.sql + ", " + std::to_string(column.length) + ")";
  }
  out.type = column;
  out.type.nullable = e.type.nullable;
  return out;
}

CExpr Compiler::coerce(const CExpr& e, const SfType& to) {
  if (to.kind == TypeKind::null) return e;
  if (e.type.kind == to.kind) {
    CExpr out = e;
    if (to.kind == TypeKind::fixed && to.scale < e.type.scale) return cast_to(e, to);
    return out;
  }
  if (e.type.is_numeric() && to.is_numeric()) {
    CExpr out = e;
    out.type = to;
    out.type.nullable = e.type.nullable;
    if (to.kind == TypeKind::fixed) return cast_to(e, to);
    return out;
  }
  return cast_to(e, to);
}

CExpr Compiler::to_text(const CExpr& e) {
  if (e.type.kind == TypeKind::text) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::text();
    return out;
  }
  SfType t = SfType::text();
  if (e.type.kind == TypeKind::fixed) t.length = e.type.precision + 2;
  CExpr out = cast_to(e, SfType::text());
  out.type.length = t.length;
  return out;
}

CExpr Compiler::to_number(const CExpr& e) {
  if (e.type.is_numeric()) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::fixed(38, 0);
    return out;
  }
  if (e.constant && e.type.kind == TypeKind::text) {
    auto n = parse_number_text(e.constant->s, true);
    if (!n) throw SfError(numeric_not_recognized(e.constant->s));
    if (n->t == Val::T::real) {
      std::string t = e.constant->s;
      auto dot = t.find('.');
      int scale = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
      if (t.find_first_of("eE") == std::string::npos && scale <= 37) {
        return literal(*n, SfType::fixed(38, scale, false));
      }
      return literal(*n, SfType::real(false));
    }
    return literal(*n, SfType::fixed(38, 0, false));
  }
  if (e.type.kind == TypeKind::boolean) return cast_to(e, SfType::fixed(1, 0));
  return cast_to(e, SfType::real());
}

CExpr Compiler::to_boolean(const CExpr& e) {
  if (e.type.kind == TypeKind::boolean) return e;
  if (e.type.kind == TypeKind::null) {
    CExpr out = e;
    out.type = SfType::of(TypeKind::boolean);
    return out;
  }
  return cast_to(e, SfType::of(TypeKind::boolean));
}

CExpr Compiler::to_json(const CExpr& e) {
  if (e.type.is_json()) return e;
  if (e.constant) {
    JsonValue j = value_to_json(*e.constant, e.type, env_.values);
    if (j.kind == JsonValue::Kind::undefined)
      return literal(Val::null(), SfType::of(TypeKind::variant));
    return literal(Val::text(json_compact(j)), SfType::of(TypeKind::variant, false));
  }
  CExpr out;
  out.sql = "sf_to_json(" + e.sql + ", '" + type_spec(e.type) + "')";
  out.type = SfType::of(TypeKind::variant, e.type.nullable);
  out.aggregate = e.aggregate;
  out.window = e.window;
  return out;
}

CExpr Compiler::compile_cast(const Expr& e, Scope& scope) {
  CExpr a = compile_expr(*e.args[0], scope);
  auto type = parse_type_name(e.type_name);
  if (!type) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + e.type_name + "'.");
  }
  CExpr out = cast_to(a, *type, e.try_cast);
  out.database.clear();
  out.schema.clear();
  out.table.clear();
  return out;
}

CExpr Compiler::compile_path(const Expr& e, Scope& scope) {
  CExpr base = compile_expr(*e.args[0], scope);
  if (!base.type.is_json()) {
    if (base.type.kind == TypeKind::text) {
      base.sql = "sf_parse_json(" + base.sql + ")";
      base.type = SfType::of(TypeKind::variant);
    } else {
      throw SfError("000904", "42000",
                    "SQL compilation error: error line " + std::to_string(e.pos.line) +
                        " at position " + std::to_string(e.pos.column) +
                        "\ninvalid type for a path expression");
    }
  }
  std::string sql = base.sql;
  bool aggregate = base.aggregate;
  for (const auto& step : e.path) {
    if (step.is_index) {
      CExpr idx = compile_expr(*step.index, scope);
      aggregate = aggregate || idx.aggregate;
      sql = "sf_get(" + sql + ", " + idx.sql + ")";
    } else {
      sql = "sf_get(" + sql + ", " + quote_string(step.field) + ")";
    }
  }
  CExpr out;
  out.sql = sql;
  out.type = SfType::of(TypeKind::variant, true);
  out.aggregate = aggregate;
  return out;
}

CExpr Compiler::compile_like(const Expr& e, Scope& scope) {
  CExpr v = to_text(compile_expr(*e.args[0], scope));
  std::string escape = "NULL";
  if (e.else_expr) escape = to_text(compile_expr(*e.else_expr, scope)).sql;
  std::vector<std::string> terms;
  bool nullable = v.type.nullable;
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    CExpr p = to_text(compile_expr(*e.args[i], scope));
    nullable = nullable || p.type.nullable;
    if (e.op == "RLIKE") {
      terms.push_back("sf_rlike(" + v.sql + ", " + p.sql + ", 'c')");
    } else {
      terms.push_back("sf_like(" + v.sql + ", " + p.sql + ", " + escape + ", " +
                      (e.op == "ILIKE" ? "1" : "0") + ")");
    }
  }
  std::string joined;
  std::string glue = e.quantifier == "ALL" ? " AND " : " OR ";
  for (std::size_t i = 0; i < terms.size(); ++i) joined += (i ? glue : "") + terms[i];
  CExpr out;
  out.sql = std::string("(") + (e.negated ? "NOT " : "") + "(" + joined + "))";
  out.type = SfType::of(TypeKind::boolean, nullable);
  out.aggregate = v.aggregate;
  return out;
}

std::string Compiler::window_sql(const WindowSpec& w, Scope& scope) {
  std::string sql = "OVER (";
  if (!w.partition_by.empty()) {
    sql += "PARTITION BY ";
    for (std::size_t i = 0; i < w.partition_by.size(); ++i) {
      sql += (i ? ", " : "") + compile_expr(*w.partition_by[i], scope).sql;
    }
  }
  if (!w.order_by.empty()) {
    if (!w.partition_by.empty()) sql += " ";
    sql += "ORDER BY " + order_sql(w.order_by, scope);
  }
  if (!w.frame.empty()) sql += " " + w.frame;
  return sql + ")";
}

std::string Compiler::order_sql(const std::vector<OrderItem>& items, Scope& scope) {
  std::string sql;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& o = items[i];
    bool nulls_first = o.nulls_first.value_or(o.descending);
    sql += (i ? ", " : "") + compile_expr(*o.expr, scope).sql + (o.descending ? " DESC" : " ASC") +
           (nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return sql;
}

}  // namespace mock_snowflake::engine
