// compiler_fn_context.cpp — the compilers of Snowflake's session context (CURRENT_*), the parser's
// internal forms, and system functions (SYSTEM$WAIT, SYSTEM$TYPEOF, GET_DDL). Each is registered by
// name in the function table (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

const char* kVersion = "9.1.0";

struct ContextFns : FnCall {
  // The real rowType of a context function: text of the largest length, nullable.
  CExpr context_text(const std::string& value) {
    CExpr out = literal(value.empty() ? Val::null() : Val::text(value),
                        SfType::text(kComputedVarcharLength));
    out.type.nullable = true;
    return out;
  }

  CExpr fn_current_account() { return context_text(s.account); }

  CExpr fn_current_organization_name() { return context_text("MOCKORG"); }

  CExpr fn_current_user() { return context_text(s.user); }

  CExpr fn_current_role() { return context_text(s.role.empty() ? "PUBLIC" : s.role); }

  CExpr fn_current_database() { return context_text(s.database); }

  CExpr fn_current_schema() { return context_text(s.database.empty() ? "" : s.schema); }

  CExpr fn_current_warehouse() { return context_text(s.warehouse); }

  CExpr fn_current_version() { return context_text(kVersion); }

  CExpr fn_current_client() { return context_text("mock_snowflake"); }

  CExpr fn_current_region() { return context_text("AWS_US_WEST_2"); }

  CExpr fn_current_session() { return context_text("1"); }

  CExpr fn_current_statement() { return context_text(env_.statement_text); }

  CExpr fn_current_ip_address() { return context_text("127.0.0.1"); }

  CExpr fn_current_transaction() {
    return env_.in_transaction ? context_text("1") : literal(Val::null(), SfType::text());
  }

  CExpr fn_last_query_id() { return literal(Val::null(), SfType::text()); }

  CExpr fn_current_schemas() {
    return context_text(s.database.empty() ? "[]" : "[\"" + s.database + "." + s.schema + "\"]");
  }

  CExpr fn_current_available_roles() {
    return context_text("[\"" + (s.role.empty() ? std::string("PUBLIC") : s.role) + "\"]");
  }

  CExpr fn_current_date() {
    std::int64_t wall =
        env_.now_ns + static_cast<std::int64_t>(zone_offset_minutes(env_.values, env_.now_ns)) *
                          60 * kNanosPerSecond;
    return literal(Val::integer(floor_div(wall, kNanosPerDay)), SfType::of(TypeKind::date, false));
  }

  CExpr fn_current_time() {
    std::int64_t wall =
        env_.now_ns + static_cast<std::int64_t>(zone_offset_minutes(env_.values, env_.now_ns)) *
                          60 * kNanosPerSecond;
    return literal(Val::integer(floor_mod(wall, kNanosPerDay)),
                   SfType::temporal(TypeKind::time, 9, false));
  }

  CExpr fn_current_timestamp() {
    int scale = 9;
    if (argc == 1 && A[0]->kind == ExprKind::number) scale = std::atoi(A[0]->text.c_str());
    std::int64_t unit = 1;
    for (int i = scale; i < 9; ++i) unit *= 10;
    return literal(Val::integer(floor_div(env_.now_ns, unit) * unit),
                   SfType::temporal(TypeKind::timestamp_ltz, 9, false));
  }

  CExpr fn_sysdate() {
    return literal(Val::integer(env_.now_ns), SfType::temporal(TypeKind::timestamp_ntz, 9, false));
  }

  CExpr fn_internal_is_true() {
    CExpr b = to_boolean(arg(0));
    std::string cmp = name == "$IS_TRUE" ? "1" : "0";
    std::string sql = "(coalesce(" + b.sql + " = " + cmp + ", 0))";
    if (e.negated) sql = "(NOT " + sql + ")";
    return make(sql, SfType::of(TypeKind::boolean, false), {&b});
  }

  CExpr fn_internal_default() {
    throw SfError(compilation_error("DEFAULT is only valid in INSERT"));
  }

  // SYSTEM$WAIT's answer once run_waits has waited (connection.cpp).
  CExpr fn_internal_waited() {
    return literal(Val::text(A[0]->text), SfType::text(kComputedVarcharLength, false));
  }

  CExpr fn_system_wait() {
    need(1, 2);
    CExpr n = to_number(arg(0));
    std::string unit = argc == 2 ? to_text(arg(1)).sql : "'SECONDS'";
    return make("sf_system_wait(" + n.sql + ", " + unit + ")",
                SfType::text(kComputedVarcharLength, false), {&n});
  }

  CExpr fn_system_typeof() {
    need(1, 1);
    CExpr a = arg(0);
    std::string t = type_ddl(a.type);
    return literal(Val::text(t + "[SB" +
                             std::to_string(a.type.kind == TypeKind::fixed
                                                ? std::min(16, a.type.precision / 2 + 1)
                                                : 16) +
                             "]"),
                   SfType::text(kMaxVarcharLength, false));
  }

  CExpr fn_get_ddl() {
    need(2, 3);
    // The kind and name are needed at compile time: literals or bound values (sfq mcp binds them).
    auto kind = constant_text(0);
    auto object = constant_text(1);
    if (!kind || !object) throw fail_args();
    return text_literal(compile_get_ddl(c, *kind, *object));
  }

  CExpr fn_system_no_information() { return literal(Val::null(), SfType::text()); }
};

}  // namespace

void add_context_functions(FnTable& table) {
  using F = ContextFns;
  add<F, &F::fn_current_account>(table, {"CURRENT_ACCOUNT", "CURRENT_ACCOUNT_NAME"});
  add<F, &F::fn_current_organization_name>(table, {"CURRENT_ORGANIZATION_NAME"});
  add<F, &F::fn_current_user>(table, {"CURRENT_USER"});
  add<F, &F::fn_current_role>(table, {"CURRENT_ROLE"});
  add<F, &F::fn_current_database>(table, {"CURRENT_DATABASE"});
  add<F, &F::fn_current_schema>(table, {"CURRENT_SCHEMA"});
  add<F, &F::fn_current_warehouse>(table, {"CURRENT_WAREHOUSE"});
  add<F, &F::fn_current_version>(table, {"CURRENT_VERSION"});
  add<F, &F::fn_current_client>(table, {"CURRENT_CLIENT"});
  add<F, &F::fn_current_region>(table, {"CURRENT_REGION"});
  add<F, &F::fn_current_session>(table, {"CURRENT_SESSION"});
  add<F, &F::fn_current_statement>(table, {"CURRENT_STATEMENT"});
  add<F, &F::fn_current_ip_address>(table, {"CURRENT_IP_ADDRESS"});
  add<F, &F::fn_current_transaction>(table, {"CURRENT_TRANSACTION"});
  add<F, &F::fn_last_query_id>(table, {"LAST_QUERY_ID"});
  add<F, &F::fn_current_schemas>(table, {"CURRENT_SCHEMAS"});
  add<F, &F::fn_current_available_roles>(table, {"CURRENT_AVAILABLE_ROLES"});
  add<F, &F::fn_current_date>(table, {"CURRENT_DATE"});
  add<F, &F::fn_current_time>(table, {"CURRENT_TIME", "LOCALTIME"});
  add<F, &F::fn_current_timestamp>(
      table, {"CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "GETDATE", "SYSTIMESTAMP"});
  add<F, &F::fn_sysdate>(table, {"SYSDATE"});
  add<F, &F::fn_internal_is_true>(table, {"$IS_TRUE", "$IS_FALSE"});
  add<F, &F::fn_internal_default>(table, {"$DEFAULT"});
  add<F, &F::fn_internal_waited>(table, {"$WAITED"});
  add<F, &F::fn_system_wait>(table, {"SYSTEM$WAIT"});
  add<F, &F::fn_system_typeof>(table, {"SYSTEM$TYPEOF"});
  add<F, &F::fn_get_ddl>(table, {"GET_DDL"});
  add<F, &F::fn_system_no_information>(
      table, {"SYSTEM$CLUSTERING_INFORMATION", "SYSTEM$LAST_CHANGE_COMMIT_TIME"});
}

}  // namespace mock_snowflake::engine
