// functions_table.cpp — Snowflake functions as SQLite UDFs: table functions as SQLite virtual
// tables: GENERATOR, FLATTEN, SPLIT_TO_TABLE.
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

// TABLE(GENERATOR(ROWCOUNT => n, TIMELIMIT => s)): rows produced one at a time, so that a result
// of millions of rows streams in constant memory. SEQ4()/SEQ8() are counters (sf_seq).
// xOpen and xClose of the table functions: each cursor type starts with its sqlite3_vtab_cursor
// `base`.
template <class Cursor>
int cursor_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) Cursor();
  if (!c) return SQLITE_NOMEM;
  *out = &c->base;
  return SQLITE_OK;
}
template <class Cursor>
int cursor_close(sqlite3_vtab_cursor* cur) {
  delete reinterpret_cast<Cursor*>(cur);
  return SQLITE_OK;
}

struct GeneratorCursor {
  sqlite3_vtab_cursor base{};
  std::int64_t row = 0;
  std::int64_t count = 0;
  std::chrono::steady_clock::time_point deadline{};
  bool has_deadline = false;
};

int gen_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc =
      sqlite3_declare_vtab(db, "CREATE TABLE x(value INTEGER, rowcount HIDDEN, timelimit HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int gen_disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab);
  return SQLITE_OK;
}
int gen_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  int argv_index = 0;
  int mask = 0;
  for (int pass = 1; pass <= 2; ++pass) {
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ || c.iColumn != pass) continue;
      info->aConstraintUsage[i].argvIndex = ++argv_index;
      info->aConstraintUsage[i].omit = 1;
      mask |= pass;
    }
  }
  info->idxNum = mask;
  info->estimatedCost = 1000;
  return SQLITE_OK;
}
int gen_filter(sqlite3_vtab_cursor* cur, int idx_num, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  c->row = 0;
  c->count = -1;
  c->has_deadline = false;
  int a = 0;
  if ((idx_num & 1) && a < argc) c->count = sqlite3_value_int64(argv[a++]);
  if ((idx_num & 2) && a < argc) {
    double secs = sqlite3_value_double(argv[a++]);
    if (secs > 0) {
      c->has_deadline = true;
      c->deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<std::int64_t>(secs * 1e6));
    }
  }
  if (c->count < 0 && !c->has_deadline) c->count = 0;
  return SQLITE_OK;
}
int gen_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<GeneratorCursor*>(cur)->row++;
  return SQLITE_OK;
}
int gen_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  if (c->count >= 0 && c->row >= c->count) return 1;
  if (c->has_deadline && (c->row % 1024) == 0 && std::chrono::steady_clock::now() >= c->deadline)
    return 1;
  return 0;
}
int gen_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<GeneratorCursor*>(cur);
  if (i == 0)
    sqlite3_result_int64(ctx, c->row);
  else
    sqlite3_result_null(ctx);
  return SQLITE_OK;
}
int gen_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = reinterpret_cast<GeneratorCursor*>(cur)->row;
  return SQLITE_OK;
}

sqlite3_module make_module(
    int (*connect)(sqlite3*, void*, int, const char* const*, sqlite3_vtab**, char**),
    int (*best)(sqlite3_vtab*, sqlite3_index_info*),
    int (*open)(sqlite3_vtab*, sqlite3_vtab_cursor**), int (*close)(sqlite3_vtab_cursor*),
    int (*filter)(sqlite3_vtab_cursor*, int, const char*, int, sqlite3_value**),
    int (*next)(sqlite3_vtab_cursor*), int (*eof)(sqlite3_vtab_cursor*),
    int (*column)(sqlite3_vtab_cursor*, sqlite3_context*, int),
    int (*rowid)(sqlite3_vtab_cursor*, sqlite_int64*)) {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only
  m.xConnect = connect;
  m.xBestIndex = best;
  m.xDisconnect = gen_disconnect;
  m.xDestroy = gen_disconnect;
  m.xOpen = open;
  m.xClose = close;
  m.xFilter = filter;
  m.xNext = next;
  m.xEof = eof;
  m.xColumn = column;
  m.xRowid = rowid;
  return m;
}

// FLATTEN(INPUT => v, PATH => p, OUTER => b, RECURSIVE => b, MODE => m).
struct FlattenRow {
  std::optional<std::string> key;
  std::string path;
  std::optional<std::int64_t> index;
  std::optional<std::string> value;  // compact JSON
  std::optional<std::string> self;
};
struct FlattenCursor {
  sqlite3_vtab_cursor base{};
  std::vector<FlattenRow> rows;
  std::size_t pos = 0;
  std::int64_t seq = 0;
};
std::atomic<std::int64_t> g_flatten_seq{0};

int flatten_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db,
      "CREATE TABLE x(seq, key, path, idx, value, this, input HIDDEN, fpath HIDDEN, "
      "fouter HIDDEN, frecursive HIDDEN, fmode HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int hidden_best_index(sqlite3_index_info* info, int first_hidden, int count) {
  int mask = 0;
  for (int col = first_hidden; col < first_hidden + count; ++col) {
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn != col || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;
      info->aConstraintUsage[i].argvIndex = col - first_hidden + 1;
      info->aConstraintUsage[i].omit = 1;
      mask |= 1 << (col - first_hidden);
    }
  }
  if ((mask & ((1 << count) - 1)) != (1 << count) - 1) return SQLITE_CONSTRAINT;
  info->idxNum = mask;
  info->estimatedCost = 10;
  return SQLITE_OK;
}
int flatten_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  return hidden_best_index(info, 6, 5);
}
void flatten_into(const JsonValue& v, const std::string& path, bool recursive,
                  const std::string& mode, std::vector<FlattenRow>& rows) {
  std::string self = json_compact(v);
  if (v.kind == JsonValue::Kind::array && mode != "OBJECT") {
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      FlattenRow r;
      r.path = path + "[" + std::to_string(i) + "]";
      r.index = static_cast<std::int64_t>(i);
      if (v.items[i].kind != JsonValue::Kind::undefined) r.value = json_compact(v.items[i]);
      r.self = self;
      rows.push_back(r);
      if (recursive) flatten_into(v.items[i], r.path, true, mode, rows);
    }
  } else if (v.kind == JsonValue::Kind::object && mode != "ARRAY") {
    for (const auto& m : v.members) {
      FlattenRow r;
      r.key = m.first;
      r.path = path.empty() ? m.first : path + "." + m.first;
      r.value = json_compact(m.second);
      r.self = self;
      rows.push_back(r);
      if (recursive) flatten_into(m.second, r.path, true, mode, rows);
    }
  }
}
int flatten_filter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  c->rows.clear();
  c->pos = 0;
  c->seq = ++g_flatten_seq;
  if (argc < 5) return SQLITE_OK;
  bool outer = sqlite3_value_int(argv[2]) != 0;
  bool recursive = sqlite3_value_int(argv[3]) != 0;
  std::string mode = text::upper(text_arg(argv[4]));
  if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    auto j = parse_json(text_arg(argv[0]));
    if (j) {
      std::string path = text_arg(argv[1]);
      const JsonValue* base = &*j;
      if (!path.empty()) {
        // Only simple dotted paths here.
        for (auto& part : split_text(path, ".")) {
          base = base && base->kind == JsonValue::Kind::object ? base->get(part) : nullptr;
        }
      }
      if (base) flatten_into(*base, path, recursive, mode, c->rows);
    }
  }
  if (c->rows.empty() && outer) c->rows.push_back(FlattenRow{});
  return SQLITE_OK;
}
int flatten_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<FlattenCursor*>(cur)->pos++;
  return SQLITE_OK;
}
int flatten_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  return c->pos >= c->rows.size() ? 1 : 0;
}
int flatten_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<FlattenCursor*>(cur);
  const FlattenRow& r = c->rows[c->pos];
  auto text = [&](const std::optional<std::string>& s) {
    if (s) {
      sqlite3_result_text64(ctx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      sqlite3_result_null(ctx);
    }
  };
  switch (i) {
    case 0:
      sqlite3_result_int64(ctx, c->seq);
      break;
    case 1:
      text(r.key);
      break;
    case 2:
      text(r.path);
      break;
    case 3:
      if (r.index) {
        sqlite3_result_int64(ctx, *r.index);
      } else {
        sqlite3_result_null(ctx);
      }
      break;
    case 4:
      text(r.value);
      break;
    case 5:
      text(r.self);
      break;
    default:
      sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}
int flatten_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = static_cast<sqlite_int64>(reinterpret_cast<FlattenCursor*>(cur)->pos);
  return SQLITE_OK;
}

// SPLIT_TO_TABLE(string, delimiter).
struct SplitCursor {
  sqlite3_vtab_cursor base{};
  std::vector<std::string> parts;
  std::size_t pos = 0;
  std::int64_t seq = 0;
};
int split_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(seq, idx, value, input HIDDEN, delim HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  std::memset(*out, 0, sizeof(sqlite3_vtab));
  return SQLITE_OK;
}
int split_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  return hidden_best_index(info, 3, 2);
}
int split_filter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  c->parts.clear();
  c->pos = 0;
  c->seq = ++g_flatten_seq;
  if (argc >= 2 && sqlite3_value_type(argv[0]) != SQLITE_NULL &&
      sqlite3_value_type(argv[1]) != SQLITE_NULL) {
    c->parts = split_text(text_arg(argv[0]), text_arg(argv[1]));
  }
  return SQLITE_OK;
}
int split_next(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<SplitCursor*>(cur)->pos++;
  return SQLITE_OK;
}
int split_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  return c->pos >= c->parts.size() ? 1 : 0;
}
int split_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = reinterpret_cast<SplitCursor*>(cur);
  if (i == 0) {
    sqlite3_result_int64(ctx, c->seq);
  } else if (i == 1) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(c->pos) + 1);
  } else if (i == 2) {
    const auto& s = c->parts[c->pos];
    sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } else {
    sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}
int split_rowid(sqlite3_vtab_cursor* cur, sqlite_int64* rowid) {
  *rowid = static_cast<sqlite_int64>(reinterpret_cast<SplitCursor*>(cur)->pos);
  return SQLITE_OK;
}

const sqlite3_module& generator_module() {
  static const sqlite3_module m = make_module(
      gen_connect, gen_best_index, cursor_open<GeneratorCursor>, cursor_close<GeneratorCursor>,
      gen_filter, gen_next, gen_eof, gen_column, gen_rowid);
  return m;
}
const sqlite3_module& flatten_module() {
  static const sqlite3_module m = make_module(
      flatten_connect, flatten_best_index, cursor_open<FlattenCursor>, cursor_close<FlattenCursor>,
      flatten_filter, flatten_next, flatten_eof, flatten_column, flatten_rowid);
  return m;
}
const sqlite3_module& split_module() {
  static const sqlite3_module m = make_module(
      split_connect, split_best_index, cursor_open<SplitCursor>, cursor_close<SplitCursor>,
      split_filter, split_next, split_eof, split_column, split_rowid);
  return m;
}

}  // namespace

void register_table_functions(sqlite3* db, FunctionState* /*st*/) {
  sqlite3_create_module_v2(db, "sf_generator", &generator_module(), nullptr, nullptr);
  sqlite3_create_module_v2(db, "sf_flatten", &flatten_module(), nullptr, nullptr);
  sqlite3_create_module_v2(db, "sf_split_to_table", &split_module(), nullptr, nullptr);
}

}  // namespace mock_snowflake::engine
