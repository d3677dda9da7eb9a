// explain.cpp — EXPLAIN [USING TABULAR | TEXT | JSON] <query>: a plan shaped like Snowflake's,
// derived from the query's syntax tree. The tabular form has Snowflake's ten columns (step, id,
// parent, operation, objects, alias, expressions, partitionsTotal, partitionsAssigned,
// bytesAssigned): a GlobalStats row, then one row per operator from Result down to the
// TableScans. Every table counts as one partition; its bytes are estimated as SHOW TABLES does.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"
#include "engine/json.hpp"

namespace mock_snowflake::engine {
namespace {

struct PlanNode {
  int id = 0;
  std::optional<int> parent;
  std::string operation;
  std::string objects;
  std::string alias;
  std::string expressions;
  bool scan = false;
  std::int64_t bytes = 0;
};

const std::set<std::string, std::less<>>& aggregate_names() {
  static const std::set<std::string, std::less<>> kNames = {"COUNT",
                                                            "COUNT_IF",
                                                            "SUM",
                                                            "AVG",
                                                            "MIN",
                                                            "MAX",
                                                            "ANY_VALUE",
                                                            "MEDIAN",
                                                            "MODE",
                                                            "LISTAGG",
                                                            "ARRAY_AGG",
                                                            "OBJECT_AGG",
                                                            "STDDEV",
                                                            "STDDEV_SAMP",
                                                            "STDDEV_POP",
                                                            "VARIANCE",
                                                            "VAR_SAMP",
                                                            "VAR_POP",
                                                            "MAX_BY",
                                                            "MIN_BY",
                                                            "BOOLAND_AGG",
                                                            "BOOLOR_AGG",
                                                            "STRING_AGG",
                                                            "APPROX_COUNT_DISTINCT",
                                                            "HLL",
                                                            "ARRAYAGG",
                                                            "GROUP_CONCAT",
                                                            "PERCENTILE_CONT",
                                                            "PERCENTILE_DISC",
                                                            "ARRAY_UNIQUE_AGG"};
  return kNames;
}

std::string join_list(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

class PlanBuilder {
 public:
  PlanBuilder(Catalog& catalog, Compiler& compiler, std::string_view sql)
      : catalog_(catalog), compiler_(compiler), sql_(sql) {}

  void build(const Query& q, const CompiledQuery& compiled) {
    std::vector<std::string> result;
    for (const auto& c : compiled.columns) {
      result.push_back(c.table.empty() ? c.name : c.table + "." + c.name);
    }
    int root = add(std::nullopt, "Result", join_list(result));
    query(q, root);
  }

  std::vector<PlanNode> nodes;

 private:
  int add(std::optional<int> parent, std::string operation, std::string expressions = {}) {
    PlanNode n;
    n.id = static_cast<int>(nodes.size());
    n.parent = parent;
    n.operation = std::move(operation);
    n.expressions = std::move(expressions);
    nodes.push_back(std::move(n));
    return nodes.back().id;
  }

  // The expression as written, upper-cased outside quotes (Snowflake's column naming).
  std::string text(const Expr& e) const {
    if (e.pos.end > e.pos.begin && e.pos.end <= sql_.size()) {
      return expression_column_name(sql_.substr(e.pos.begin, e.pos.end - e.pos.begin));
    }
    return e.text;
  }

  static bool has_aggregate(const Expr& e) {
    if (e.kind == ExprKind::function && !e.over && aggregate_names().count(e.text) > 0) {
      return true;
    }
    for (const auto& a : e.args) {
      if (a && has_aggregate(*a)) return true;
    }
    for (const auto& w : e.whens) {
      if (has_aggregate(*w)) return true;
    }
    for (const auto& t : e.thens) {
      if (has_aggregate(*t)) return true;
    }
    return e.else_expr && has_aggregate(*e.else_expr);
  }

  static void aggregates_in(const Expr& e, std::vector<const Expr*>& out) {
    if (e.kind == ExprKind::function && !e.over && aggregate_names().count(e.text) > 0) {
      out.push_back(&e);
      return;
    }
    for (const auto& a : e.args) {
      if (a) aggregates_in(*a, out);
    }
    for (const auto& w : e.whens) aggregates_in(*w, out);
    for (const auto& t : e.thens) aggregates_in(*t, out);
    if (e.else_expr) aggregates_in(*e.else_expr, out);
  }

  void query(const Query& q, int parent) {
    for (const auto& c : q.with) ctes_.insert(c.name.name);
    int top = parent;
    std::vector<std::string> keys;
    for (const auto& o : q.order_by) {
      keys.push_back(text(*o.expr) + (o.descending ? " DESC" : " ASC") +
                     ((o.nulls_first.value_or(o.descending)) ? " NULLS FIRST" : " NULLS LAST"));
    }
    std::string count = q.limit ? "rowCount: " + text(*q.limit) : "";
    if (q.offset) count = "offset: " + text(*q.offset) + (count.empty() ? "" : ", " + count);
    if (!keys.empty() && !count.empty()) {
      top = add(top, "SortWithLimit", "sortKey: [" + join_list(keys) + "], " + count);
    } else if (!keys.empty()) {
      top = add(top, "Sort", "sortKey: [" + join_list(keys) + "]");
    } else if (!count.empty()) {
      top = add(top, "Limit", count);
    }
    switch (q.kind) {
      case Query::Kind::select:
        select(*q.select, top);
        break;
      case Query::Kind::values:
        add(top, "ValuesClause", "rowCount: " + std::to_string(q.values.size()));
        break;
      case Query::Kind::set_operation: {
        std::string op = q.set_op == "UNION"       ? "UnionAll"
                         : q.set_op == "INTERSECT" ? "Intersect"
                                                   : "Minus";
        if (q.set_op == "UNION" && !q.set_all) top = add(top, "Aggregate", "groupKeys: [*]");
        int node = add(top, op);
        query(*q.left, node);
        query(*q.right, node);
        break;
      }
    }
  }

  void select(const Select& s, int parent) {
    int top = parent;
    if (s.qualify) top = add(top, "Filter", text(*s.qualify));
    std::vector<std::string> group_keys;
    for (const auto& g : s.group_by) group_keys.push_back(text(*g));
    std::vector<const Expr*> aggs;
    for (const auto& item : s.items) aggregates_in(*item.expr, aggs);
    if (s.having) aggregates_in(*s.having, aggs);
    bool aggregate = !aggs.empty() || !group_keys.empty() || s.group_by_all;
    if (s.having) top = add(top, "Filter", text(*s.having));
    if (aggregate) {
      std::vector<std::string> agg_texts;
      for (const Expr* a : aggs) agg_texts.push_back(text(*a));
      std::string e;
      if (!agg_texts.empty()) e = "aggExprs: [" + join_list(agg_texts) + "]";
      if (!group_keys.empty()) {
        e += (e.empty() ? "" : ", ") + std::string("groupKeys: [") + join_list(group_keys) + "]";
      }
      top = add(top, "Aggregate", e);
    } else if (s.distinct) {
      std::vector<std::string> items;
      for (const auto& item : s.items) items.push_back(text(*item.expr));
      top = add(top, "Aggregate", "groupKeys: [" + join_list(items) + "]");
    }
    if (s.where) top = add(top, "Filter", text(*s.where));
    if (s.from) {
      table(*s.from, top);
    } else {
      add(top, "Generator", "rowCount: 1");
    }
  }

  void table(const TableRef& t, int parent) {
    switch (t.kind) {
      case TableRef::Kind::named:
        named_table(t, parent);
        return;
      case TableRef::Kind::subquery:
        query(*t.query, parent);
        return;
      case TableRef::Kind::values: {
        int id = add(parent, "ValuesClause", "rowCount: " + std::to_string(t.rows.size()));
        if (t.alias) nodes[static_cast<std::size_t>(id)].alias = t.alias->name;
        return;
      }
      case TableRef::Kind::function: {
        const std::string& fn = t.function ? t.function->text : std::string();
        std::string op = fn == "GENERATOR" ? "Generator"
                         : fn == "FLATTEN" ? "Flatten"
                                           : "TableFunction";
        int id = add(parent, op, t.function ? text(*t.function) : "");
        if (t.alias) nodes[static_cast<std::size_t>(id)].alias = t.alias->name;
        return;
      }
      case TableRef::Kind::join: {
        std::string type = t.join_type;
        std::string op = type == "LEFT"    ? "LeftOuterJoin"
                         : type == "RIGHT" ? "RightOuterJoin"
                         : type == "FULL"  ? "FullOuterJoin"
                         : type == "CROSS" || (!t.on && t.using_columns.empty() && !t.natural)
                             ? "CartesianJoin"
                             : "InnerJoin";
        std::string e;
        if (t.on) {
          e = "joinKey: (" + text(*t.on) + ")";
        } else if (!t.using_columns.empty()) {
          std::vector<std::string> cols;
          for (const auto& c : t.using_columns) cols.push_back(c.name);
          e = "joinKey: (" + join_list(cols) + ")";
        }
        int id = add(parent, op, e);
        if (t.left) table(*t.left, id);
        if (t.right) table(*t.right, id);
        return;
      }
    }
  }

  void named_table(const TableRef& t, int parent) {
    if (t.name.size() == 1 && ctes_.count(t.name[0].name) > 0) {
      int id = add(parent, "WithReference");
      nodes[static_cast<std::size_t>(id)].alias = t.alias ? t.alias->name : t.name[0].name;
      return;
    }
    int id = add(parent, "TableScan");
    PlanNode& n = nodes[static_cast<std::size_t>(id)];
    n.scan = true;
    if (t.alias) n.alias = t.alias->name;
    Compiler::ResolvedName r = compiler_.resolve_name(t.name, "SELECT");
    n.objects = r.qualified();
    if (auto meta = catalog_.object(r.database, r.schema, r.name)) {
      std::vector<std::string> cols;
      for (const auto& c : meta->columns) cols.push_back(c.name);
      n.expressions = join_list(cols);
      std::int64_t rows = meta->kind == "TABLE" ? count_rows(catalog_, *meta) : 0;
      n.bytes = rows == 0 ? 0 : ((rows * 64 + 4095) / 4096) * 4096;
    }
  }

  Catalog& catalog_;
  Compiler& compiler_;
  std::string_view sql_;
  std::set<std::string> ctes_;
};

std::optional<std::string> number_or_null(bool present, std::int64_t v) {
  if (!present) return std::nullopt;
  return std::to_string(v);
}

std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

struct Totals {
  std::int64_t partitions = 0;
  std::int64_t bytes = 0;
};

Totals totals_of(const std::vector<PlanNode>& nodes) {
  Totals t;
  for (const auto& n : nodes) {
    if (!n.scan) continue;
    t.partitions += 1;
    t.bytes += n.bytes;
  }
  return t;
}

SmallResult tabular(const std::vector<PlanNode>& nodes) {
  SmallResult r;
  auto number = [](const char* name) { return make_column_info(name, SfType::fixed(38, 0, true)); };
  auto text = [](const char* name) {
    return make_column_info(name, SfType::text(kComputedVarcharLength, true));
  };
  r.columns = {number("step"),
               number("id"),
               number("parent"),
               text("operation"),
               text("objects"),
               text("alias"),
               text("expressions"),
               number("partitionsTotal"),
               number("partitionsAssigned"),
               number("bytesAssigned")};
  Totals t = totals_of(nodes);
  r.rows.push_back({std::nullopt, std::nullopt, std::nullopt, std::string("GlobalStats"),
                    std::nullopt, std::nullopt, std::nullopt, std::to_string(t.partitions),
                    std::to_string(t.partitions), std::to_string(t.bytes)});
  for (const auto& n : nodes) {
    r.rows.push_back(
        {std::string("1"), std::to_string(n.id),
         n.parent ? std::optional<std::string>(std::to_string(*n.parent)) : std::nullopt,
         n.operation, text_or_null(n.objects), text_or_null(n.alias), text_or_null(n.expressions),
         number_or_null(n.scan, 1), number_or_null(n.scan, 1), number_or_null(n.scan, n.bytes)});
  }
  return r;
}

int depth_of(const std::vector<PlanNode>& nodes, const PlanNode& n) {
  int d = 0;
  for (auto p = n.parent; p; p = nodes[static_cast<std::size_t>(*p)].parent) ++d;
  return d;
}

SmallResult as_text(const std::vector<PlanNode>& nodes) {
  Totals t = totals_of(nodes);
  std::string out = "GlobalStats:\n    partitionsTotal=" + std::to_string(t.partitions) +
                    "\n    partitionsAssigned=" + std::to_string(t.partitions) +
                    "\n    bytesAssigned=" + std::to_string(t.bytes) + "\nOperations:\n";
  for (const auto& n : nodes) {
    std::string line = "1:" + std::to_string(n.id);
    line.resize(8, ' ');
    line += std::string(static_cast<std::size_t>(depth_of(nodes, n)) * 5, ' ') + "->" + n.operation;
    for (const std::string* part : {&n.objects, &n.expressions}) {
      if (!part->empty()) line += "  " + *part;
    }
    if (n.scan) {
      line +=
          "  {partitionsTotal=1, partitionsAssigned=1, bytesAssigned=" + std::to_string(n.bytes) +
          "}";
    }
    out += line + "\n";
  }
  SmallResult r;
  r.columns = {make_column_info("content", SfType::text(kComputedVarcharLength, true))};
  r.rows.push_back({out});
  return r;
}

SmallResult as_json(const std::vector<PlanNode>& nodes) {
  Totals t = totals_of(nodes);
  std::string out = R"({"GlobalStats":{"partitionsTotal":)" + std::to_string(t.partitions) +
                    R"(,"partitionsAssigned":)" + std::to_string(t.partitions) +
                    R"(,"bytesAssigned":)" + std::to_string(t.bytes) + R"(},"Operations":[[)";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const PlanNode& n = nodes[i];
    out += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(n.id);
    if (n.parent) out += R"(,"parent":)" + std::to_string(*n.parent);
    out += R"(,"operation":)" + json_quote(n.operation);
    if (!n.objects.empty()) out += R"(,"objects":[)" + json_quote(n.objects) + "]";
    if (!n.alias.empty()) out += R"(,"alias":)" + json_quote(n.alias);
    if (!n.expressions.empty()) out += R"(,"expressions":[)" + json_quote(n.expressions) + "]";
    if (n.scan) {
      out += R"(,"partitionsAssigned":1,"partitionsTotal":1,"bytesAssigned":)" +
             std::to_string(n.bytes);
    }
    out += "}";
  }
  out += "]]}";
  SmallResult r;
  r.columns = {make_column_info("content", SfType::text(kComputedVarcharLength, true))};
  r.rows.push_back({out});
  return r;
}

}  // namespace

SmallResult run_explain(Catalog& catalog, Compiler& compiler, const Statement& s,
                        std::string_view sql) {
  // Compiling first gives a bad query Snowflake's compilation error instead of a plan.
  CompiledQuery compiled = compiler.compile_query(*s.query);
  PlanBuilder builder(catalog, compiler, sql);
  builder.build(*s.query, compiled);
  if (s.explain_format == "TEXT") return as_text(builder.nodes);
  if (s.explain_format == "JSON") return as_json(builder.nodes);
  return tabular(builder.nodes);
}

}  // namespace mock_snowflake::engine
