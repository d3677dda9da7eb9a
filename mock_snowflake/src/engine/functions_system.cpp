// functions_system.cpp — Snowflake functions as SQLite UDFs: SYSTEM$WAIT, row counts and sizes of
// tables, type information and exact integer arithmetic.
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/functions_support.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

using namespace udf;

void fn_system_wait(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    double amount = double_arg(argv[0]);
    std::string unit = text::upper(text_arg(argv[1]));
    double seconds = amount;
    if (unit.rfind("MILLI", 0) == 0) seconds = amount / 1000;
    if (unit.rfind("MINUTE", 0) == 0) seconds = amount * 60;
    if (unit.rfind("HOUR", 0) == 0) seconds = amount * 3600;
    auto* st = state_of(ctx);
    auto duration = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
    if (st->cancel && !st->cancel->sleep_for(duration)) {
      throw SfError(st->cancel->reason() == CancelToken::Reason::timeout ? timeout_error(0)
                                                                         : cancelled_error());
    }
    const std::string u = text::lower(unit);
    result_text(ctx, "waited " + format_double(amount) + " " + u);
  });
}

void fn_row_count(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    std::string sql = "SELECT count(*) FROM " + quote_ident(text_arg(argv[0])) + "." +
                      quote_ident(text_arg(argv[1]));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return sqlite3_result_null(ctx);
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      sqlite3_result_int64(ctx, sqlite3_column_int64(stmt, 0));
    } else {
      sqlite3_result_null(ctx);
    }
    sqlite3_finalize(stmt);
  });
}

void fn_table_bytes(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    sqlite3* db = sqlite3_context_db_handle(ctx);
    std::string sql = "SELECT coalesce(sum(pgsize), 0) FROM dbstat(" +
                      quote_string(text_arg(argv[0])) +
                      ") WHERE name = " + quote_string(text_arg(argv[1]));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return sqlite3_result_int64(ctx, 0);
    }
    sqlite3_result_int64(ctx, sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0);
    sqlite3_finalize(stmt);
  });
}

void fn_type_info(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto t = parse_type_name(text_arg(argv[0]));
    if (!t) return sqlite3_result_null(ctx);
    std::string field = text_arg(argv[1]);
    if (field == "DATA_TYPE") return result_text(ctx, info_schema_type_name(*t));
    if (field == "CHARACTER_MAXIMUM_LENGTH") {
      if (t->kind == TypeKind::text || t->kind == TypeKind::binary)
        return sqlite3_result_int64(ctx, t->length);
      return sqlite3_result_null(ctx);
    }
    if (field == "CHARACTER_OCTET_LENGTH") {
      if (t->kind == TypeKind::text)
        return sqlite3_result_int64(ctx, std::min(t->length * 4, kMaxByteLength));
      if (t->kind == TypeKind::binary) return sqlite3_result_int64(ctx, t->length);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_PRECISION") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, t->precision);
      if (t->kind == TypeKind::real) return sqlite3_result_int64(ctx, 53);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_PRECISION_RADIX") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, 10);
      if (t->kind == TypeKind::real) return sqlite3_result_int64(ctx, 2);
      return sqlite3_result_null(ctx);
    }
    if (field == "NUMERIC_SCALE") {
      if (t->kind == TypeKind::fixed) return sqlite3_result_int64(ctx, t->scale);
      return sqlite3_result_null(ctx);
    }
    if (field == "DATETIME_PRECISION") {
      if (t->kind == TypeKind::time || t->is_timestamp())
        return sqlite3_result_int64(ctx, t->scale);
      if (t->kind == TypeKind::date) return sqlite3_result_int64(ctx, 0);
      return sqlite3_result_null(ctx);
    }
    sqlite3_result_null(ctx);
  });
}

}  // namespace

void register_system_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_system_wait", 2, st, fn_system_wait, false);
  reg(db, "sf_row_count", 2, st, fn_row_count, false);
  reg(db, "sf_table_bytes", 2, st, fn_table_bytes, false);
  reg(db, "sf_type_info", 2, st, fn_type_info);
}

}  // namespace mock_snowflake::engine
