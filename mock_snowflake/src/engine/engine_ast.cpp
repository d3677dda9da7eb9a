// engine_ast.cpp — walks over a parsed statement's expressions (connection.hpp).
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

namespace mock_snowflake::engine {

namespace {

void visit_query(Query& q, const std::function<void(Expr&)>& f);

void visit_expr(Expr& e, const std::function<void(Expr&)>& f) {
  f(e);
  for (auto& a : e.args) {
    if (a) visit_expr(*a, f);
  }
  for (auto& w : e.whens) visit_expr(*w, f);
  for (auto& t : e.thens) visit_expr(*t, f);
  if (e.else_expr) visit_expr(*e.else_expr, f);
  if (e.query) visit_query(*e.query, f);
  for (auto& p : e.path) {
    if (p.index) visit_expr(*p.index, f);
  }
}
void visit_table(TableRef& t, const std::function<void(Expr&)>& f) {
  if (t.query) visit_query(*t.query, f);
  if (t.left) visit_table(*t.left, f);
  if (t.right) visit_table(*t.right, f);
  if (t.on) visit_expr(*t.on, f);
  if (t.function) visit_expr(*t.function, f);
  for (auto& row : t.rows) {
    for (auto& v : row) visit_expr(*v, f);
  }
}
void visit_query(Query& q, const std::function<void(Expr&)>& f) {
  for (auto& c : q.with) visit_query(*c.query, f);
  if (q.select) {
    auto& s = *q.select;
    for (auto& item : s.items) visit_expr(*item.expr, f);
    if (s.from) visit_table(*s.from, f);
    if (s.where) visit_expr(*s.where, f);
    for (auto& g : s.group_by) visit_expr(*g, f);
    if (s.having) visit_expr(*s.having, f);
    if (s.qualify) visit_expr(*s.qualify, f);
  }
  if (q.left) visit_query(*q.left, f);
  if (q.right) visit_query(*q.right, f);
  for (auto& row : q.values) {
    for (auto& v : row) visit_expr(*v, f);
  }
  for (auto& o : q.order_by) visit_expr(*o.expr, f);
}
}  // namespace

void visit_statement(Statement& s, const std::function<void(Expr&)>& f) {
  if (s.query) visit_query(*s.query, f);
  for (auto& a : s.assignments) visit_expr(*a.value, f);
  if (s.from) visit_table(*s.from, f);
  if (s.where) visit_expr(*s.where, f);
  for (auto& [name, e] : s.settings) visit_expr(*e, f);
}

std::optional<double> literal_number(const Expr& e) {
  if (e.kind == ExprKind::number) return std::strtod(e.text.c_str(), nullptr);
  if (e.kind == ExprKind::string) {
    char* end = nullptr;
    double d = std::strtod(e.text.c_str(), &end);
    if (end && *end == '\0' && !e.text.empty()) return d;
  }
  return std::nullopt;
}

}  // namespace mock_snowflake::engine
