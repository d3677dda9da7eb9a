// compiler.cpp — the compiler's small helpers, name resolution and queries (SELECT, VALUES, set
// operations). FROM is in compiler_from.cpp, expressions in compiler_expr.cpp, operators and
// conversions in compiler_operators.cpp, functions in compiler_functions.cpp.
#include "engine/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/errors.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

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

std::vector<Compiler::OutputItem> Compiler::select_items(const Select& sel, Scope& scope,
                                                         std::vector<SelectAlias>& aliases) {
  std::vector<OutputItem> items;
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
  return items;
}

std::vector<std::string> Compiler::group_terms(const Select& sel, Scope& scope,
                                               const std::vector<OutputItem>& items,
                                               bool& grouped) {
  std::vector<std::string> group_terms;
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
  return group_terms;
}

// A bare column of an aggregated query must be grouped (Snowflake refuses what SQLite would
// answer with an arbitrary row's value). Only bare columns are checked, never expressions.
void Compiler::check_grouping(const std::vector<OutputItem>& items,
                              const std::vector<std::string>& group_terms) {
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

// ORDER BY: each term's SQL (`exprs`, for the QUALIFY wrapper) and with its direction (`terms`).
void Compiler::order_terms(const Query& q, Scope& scope, const std::vector<OutputItem>& items,
                           std::vector<std::string>& order_terms,
                           std::vector<std::string>& order_exprs) {
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
}

CompiledQuery Compiler::compile_select(const Query& q, Scope* outer) {
  const Select& sel = *q.select;
  Scope scope;
  scope.parent = outer;
  std::string from_sql;
  if (sel.from) from_sql = compile_from(*sel.from, scope);

  std::vector<SelectAlias> aliases;
  scope.aliases = &aliases;
  std::vector<OutputItem> items = select_items(sel, scope, aliases);

  std::string where_sql;
  if (sel.where) where_sql = to_boolean(compile_expr(*sel.where, scope)).sql;

  bool grouped = false;
  std::vector<std::string> group_terms = this->group_terms(sel, scope, items, grouped);
  std::string having_sql;
  if (sel.having) having_sql = to_boolean(compile_expr(*sel.having, scope)).sql;
  std::string qualify_sql;
  if (sel.qualify) qualify_sql = to_boolean(compile_expr(*sel.qualify, scope)).sql;

  bool any_aggregate = grouped || !having_sql.empty();
  for (const auto& item : items) any_aggregate = any_aggregate || item.expr.aggregate;
  if (any_aggregate) check_grouping(items, group_terms);

  std::vector<std::string> order_terms;
  std::vector<std::string> order_exprs;  // for the QUALIFY wrapper
  this->order_terms(q, scope, items, order_terms, order_exprs);
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

}  // namespace mock_snowflake::engine
