// functions_semistructured.cpp — Snowflake functions as SQLite UDFs: JSON text: PARSE_JSON,
// OBJECT_/ARRAY_ construction and access, TYPEOF, IS_*.
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

namespace mock_snowflake::engine {
namespace {

using namespace udf;

void fn_parse_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string t = text_arg(argv[0]);
    auto j = parse_json(t);
    if (!j) throw SfError("100069", "22P02", "Error parsing JSON: " + t);
    result_json(ctx, *j);
  });
}

void fn_try_parse_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto j = parse_json(text_arg(argv[0]));
  if (!j) return sqlite3_result_null(ctx);
  result_json(ctx, *j);
}

void fn_to_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    SfType type = parse_type_spec(text_arg(argv[1]));
    result_json(ctx, value_to_json(val_from_sqlite(argv[0]), type, state_of(ctx)->values));
  });
}

void fn_json_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    result_text(ctx, json_compact(json_arg(argv[0])));
  });
}

void fn_json_as_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue j = json_arg(argv[0]);
    if (j.kind == JsonValue::Kind::null || j.kind == JsonValue::Kind::undefined)
      return sqlite3_result_null(ctx);
    result_text(ctx, j.kind == JsonValue::Kind::string ? j.text : json_compact(j));
  });
}

void fn_object_construct(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    bool keep_null = sqlite3_value_int(argv[0]) != 0;
    JsonValue obj = JsonValue::make_object();
    for (int i = 1; i + 1 < argc; i += 2) {
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
      if (sqlite3_value_type(argv[i + 1]) == SQLITE_NULL) {
        if (keep_null) obj.set(text_arg(argv[i]), JsonValue::make_null());
        continue;
      }
      obj.set(text_arg(argv[i]), json_arg(argv[i + 1]));
    }
    result_json(ctx, obj);
  });
}

void fn_array_construct(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) arr.items.push_back(json_arg(argv[i]));
    result_json(ctx, arr);
  });
}

void fn_array_construct_compact(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) {
      JsonValue v = json_arg(argv[i]);
      if (v.kind == JsonValue::Kind::undefined || v.kind == JsonValue::Kind::null) continue;
      arr.items.push_back(std::move(v));
    }
    result_json(ctx, arr);
  });
}

// The compiler splits OBJECT_CONSTRUCT / ARRAY_CONSTRUCT calls with more arguments than SQLite
// allows per function call into chunks; these two glue the chunks back together.
void fn_object_merge(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue obj = JsonValue::make_object();
    for (int i = 0; i < argc; ++i) {
      JsonValue part = json_arg(argv[i]);
      for (auto& [key, value] : part.members) obj.set(key, std::move(value));
    }
    result_json(ctx, obj);
  });
}

void fn_array_concat(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    JsonValue arr = JsonValue::make_array();
    for (int i = 0; i < argc; ++i) {
      JsonValue part = json_arg(argv[i]);
      for (auto& item : part.items) arr.items.push_back(std::move(item));
    }
    result_json(ctx, arr);
  });
}

bool json_equal(const JsonValue& a, const JsonValue& b) {
  return json_compact(a) == json_compact(b);
}

// Compares JSON values for sorting: numbers numerically, then by text.
bool json_less(const JsonValue& a, const JsonValue& b) {
  if (a.kind == JsonValue::Kind::number && b.kind == JsonValue::Kind::number) {
    return std::strtod(a.text.c_str(), nullptr) < std::strtod(b.text.c_str(), nullptr);
  }
  if (a.kind != b.kind) return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  return json_compact(a) < json_compact(b);
}

template <class F>
void array_fn(sqlite3_context* ctx, sqlite3_value** argv, F&& f) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue a = json_arg(argv[0]);
    if (a.kind != JsonValue::Kind::array) return sqlite3_result_null(ctx);
    f(a);
  });
}

void fn_array_size(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(a.items.size()));
  });
}

void fn_array_contains(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    JsonValue a = json_arg(argv[1]);
    bool found = false;
    for (const auto& item : a.items) found = found || json_equal(item, v);
    sqlite3_result_int(ctx, found ? 1 : 0);
  });
}

void fn_array_position(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    JsonValue a = json_arg(argv[1]);
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (json_equal(a.items[i], v)) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(i));
    }
    sqlite3_result_null(ctx);
  });
}

void fn_array_append(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    a.items.push_back(json_arg(argv[1]));
    result_json(ctx, a);
  });
}
void fn_array_prepend(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    a.items.insert(a.items.begin(), json_arg(argv[1]));
    result_json(ctx, a);
  });
}
void fn_array_cat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    for (auto& item : b.items) a.items.push_back(item);
    result_json(ctx, a);
  });
}
void fn_array_compact(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      if (item.kind != JsonValue::Kind::undefined && item.kind != JsonValue::Kind::null)
        out.items.push_back(item);
    }
    result_json(ctx, out);
  });
}
void fn_array_distinct(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    std::set<std::string> seen;
    for (auto& item : a.items) {
      if (seen.insert(json_compact(item)).second) out.items.push_back(item);
    }
    result_json(ctx, out);
  });
}
void fn_array_slice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto n = static_cast<std::int64_t>(a.items.size());
    std::int64_t from = int_arg(argv[1]);
    std::int64_t to = int_arg(argv[2]);
    if (from < 0) from = std::max<std::int64_t>(0, n + from);
    if (to < 0) to = std::max<std::int64_t>(0, n + to);
    from = std::min(from, n);
    to = std::min(to, n);
    JsonValue out = JsonValue::make_array();
    for (std::int64_t i = from; i < to; ++i)
      out.items.push_back(a.items[static_cast<std::size_t>(i)]);
    result_json(ctx, out);
  });
}
void fn_array_reverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    std::reverse(a.items.begin(), a.items.end());
    result_json(ctx, a);
  });
}
void fn_array_sort(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    bool ascending = argc < 2 || sqlite3_value_int(argv[1]) != 0;
    bool nulls_first = argc >= 3 ? sqlite3_value_int(argv[2]) != 0 : !ascending;
    std::vector<JsonValue> nulls;
    std::vector<JsonValue> values;
    for (auto& item : a.items) {
      (item.kind == JsonValue::Kind::undefined || item.kind == JsonValue::Kind::null ? nulls
                                                                                     : values)
          .push_back(item);
    }
    std::stable_sort(values.begin(), values.end(), json_less);
    if (!ascending) std::reverse(values.begin(), values.end());
    a.items.clear();
    if (nulls_first) a.items = nulls;
    for (auto& v : values) a.items.push_back(v);
    if (!nulls_first) {
      for (auto& v : nulls) a.items.push_back(v);
    }
    result_json(ctx, a);
  });
}
void array_extreme(sqlite3_context* ctx, sqlite3_value** argv, bool max) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    const JsonValue* best = nullptr;
    for (const auto& item : a.items) {
      if (item.kind == JsonValue::Kind::undefined || item.kind == JsonValue::Kind::null) continue;
      if (!best || (max ? json_less(*best, item) : json_less(item, *best))) best = &item;
    }
    if (!best) return sqlite3_result_null(ctx);
    result_json(ctx, *best);
  });
}
void fn_array_min(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_extreme(ctx, argv, false);
}
void fn_array_max(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_extreme(ctx, argv, true);
}
void fn_array_intersection(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::multiset<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      auto it = pool.find(json_compact(item));
      if (it != pool.end()) {
        out.items.push_back(item);
        pool.erase(it);
      }
    }
    result_json(ctx, out);
  });
}
void fn_array_except(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::multiset<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      auto it = pool.find(json_compact(item));
      if (it != pool.end()) {
        pool.erase(it);
      } else {
        out.items.push_back(item);
      }
    }
    result_json(ctx, out);
  });
}
void fn_arrays_overlap(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue b = json_arg(argv[1]);
    std::set<std::string> pool;
    for (auto& item : b.items) pool.insert(json_compact(item));
    bool overlap = false;
    for (auto& item : a.items) overlap = overlap || pool.count(json_compact(item)) > 0;
    sqlite3_result_int(ctx, overlap ? 1 : 0);
  });
}
void fn_array_flatten(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    JsonValue out = JsonValue::make_array();
    for (auto& item : a.items) {
      if (item.kind != JsonValue::Kind::array)
        throw SfError("100107", "22000", "Not an array: " + json_compact(item));
      for (auto& inner : item.items) out.items.push_back(inner);
    }
    result_json(ctx, out);
  });
}
void fn_array_generate_range(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    std::int64_t from = int_arg(argv[0]);
    std::int64_t to = int_arg(argv[1]);
    std::int64_t step = argc > 2 ? int_arg(argv[2]) : 1;
    if (step == 0) throw SfError("100108", "22023", "ARRAY_GENERATE_RANGE step must not be 0");
    JsonValue out = JsonValue::make_array();
    for (std::int64_t i = from; step > 0 ? i < to : i > to; i += step) {
      out.items.push_back(JsonValue::make_number(std::to_string(i)));
      if (out.items.size() > 10000000) break;
    }
    result_json(ctx, out);
  });
}
void fn_array_to_string(sqlite3_context* ctx, int, sqlite3_value** argv) {
  array_fn(ctx, argv, [&](JsonValue& a) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string sep = text_arg(argv[1]);
    std::string out;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (i > 0) out += sep;
      const auto& item = a.items[i];
      if (item.kind == JsonValue::Kind::string) {
        out += item.text;
      } else if (item.kind != JsonValue::Kind::undefined && item.kind != JsonValue::Kind::null) {
        out += json_compact(item);
      }
    }
    result_text(ctx, out);
  });
}

void fn_object_keys(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    JsonValue out = JsonValue::make_array();
    for (const auto& m : o.members) out.items.push_back(JsonValue::make_string(m.first));
    result_json(ctx, out);
  });
}

void fn_object_insert(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    std::string key = text_arg(argv[1]);
    bool update = argc > 3 && sqlite3_value_int(argv[3]) != 0;
    if (o.get(key) && !update) {
      throw SfError("100069", "22000", "Duplicate field key '" + key + "'");
    }
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) o.set(key, json_arg(argv[2]));
    result_json(ctx, o);
  });
}

void fn_object_delete(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    for (int i = 1; i < argc; ++i) {
      std::string key = text_arg(argv[i]);
      o.members.erase(std::remove_if(o.members.begin(), o.members.end(),
                                     [&](const auto& m) { return m.first == key; }),
                      o.members.end());
    }
    result_json(ctx, o);
  });
}

void fn_object_pick(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue o = json_arg(argv[0]);
    JsonValue out = JsonValue::make_object();
    for (int i = 1; i < argc; ++i) {
      std::string key = text_arg(argv[i]);
      if (const JsonValue* v = o.get(key)) out.set(key, *v);
    }
    result_json(ctx, out);
  });
}

// v[key] / v[index] for one path step.
const JsonValue* json_step(const JsonValue& v, sqlite3_value* key, bool ignore_case) {
  int t = sqlite3_value_type(key);
  if ((t == SQLITE_INTEGER || t == SQLITE_FLOAT) && v.kind == JsonValue::Kind::array) {
    std::int64_t i = sqlite3_value_int64(key);
    if (i < 0 || i >= static_cast<std::int64_t>(v.items.size())) return nullptr;
    return &v.items[static_cast<std::size_t>(i)];
  }
  if (v.kind != JsonValue::Kind::object) return nullptr;
  std::string k = text_arg(key);
  return ignore_case ? v.get_ignore_case(k) : v.get(k);
}

void get_impl(sqlite3_context* ctx, sqlite3_value** argv, bool ignore_case) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    const JsonValue* r = json_step(v, argv[1], ignore_case);
    if (!r || r->kind == JsonValue::Kind::undefined) return sqlite3_result_null(ctx);
    result_json(ctx, *r);
  });
}
void fn_get(sqlite3_context* ctx, int, sqlite3_value** argv) { get_impl(ctx, argv, false); }
void fn_get_ignore_case(sqlite3_context* ctx, int, sqlite3_value** argv) {
  get_impl(ctx, argv, true);
}

void fn_get_path(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    std::string path = text_arg(argv[1]);
    const JsonValue* cur = &v;
    std::size_t i = 0;
    while (cur && i < path.size()) {
      if (path[i] == '.') {
        ++i;
        continue;
      }
      if (path[i] == '[') {
        auto close = path.find(']', i);
        if (close == std::string::npos)
          throw SfError("100070", "22000", "Invalid path '" + path + "'");
        std::string inner = path.substr(i + 1, close - i - 1);
        i = close + 1;
        if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
          std::string key = inner.substr(1, inner.size() - 2);
          cur = cur->kind == JsonValue::Kind::object ? cur->get(key) : nullptr;
        } else {
          std::int64_t idx = std::atoll(inner.c_str());
          cur = cur->kind == JsonValue::Kind::array && idx >= 0 &&
                        idx < static_cast<std::int64_t>(cur->items.size())
                    ? &cur->items[static_cast<std::size_t>(idx)]
                    : nullptr;
        }
        continue;
      }
      std::string key;
      if (path[i] == '"') {
        auto close = path.find('"', i + 1);
        key = path.substr(i + 1, close - i - 1);
        i = close == std::string::npos ? path.size() : close + 1;
      } else {
        while (i < path.size() && path[i] != '.' && path[i] != '[') key.push_back(path[i++]);
      }
      cur = cur->kind == JsonValue::Kind::object ? cur->get(key) : nullptr;
    }
    if (!cur || cur->kind == JsonValue::Kind::undefined) return sqlite3_result_null(ctx);
    result_json(ctx, *cur);
  });
}

std::string json_type_name(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::null:
      return "NULL_VALUE";
    case JsonValue::Kind::undefined:
      return "NULL_VALUE";
    case JsonValue::Kind::boolean:
      return "BOOLEAN";
    case JsonValue::Kind::number:
      if (v.text.find_first_of(".eEINa") == std::string::npos) return "INTEGER";
      return v.text.find_first_of("eEINa") == std::string::npos ? "DECIMAL" : "DOUBLE";
    case JsonValue::Kind::string:
      return "VARCHAR";
    case JsonValue::Kind::array:
      return "ARRAY";
    case JsonValue::Kind::object:
      return "OBJECT";
  }
  return "VARCHAR";
}

void fn_typeof(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    result_text(ctx, json_type_name(json_arg(argv[0])));
  });
}

void fn_is_kind(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string want = text_arg(argv[1]);
    std::string got = json_type_name(json_arg(argv[0]));
    bool ok = got == want || (want == "DECIMAL" && got == "INTEGER") ||
              (want == "DOUBLE" && (got == "INTEGER" || got == "DECIMAL"));
    sqlite3_result_int(ctx, ok ? 1 : 0);
  });
}

void fn_strip_null_value(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue v = json_arg(argv[0]);
    if (v.kind == JsonValue::Kind::null) return sqlite3_result_null(ctx);
    result_json(ctx, v);
  });
}

void fn_check_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (parse_json(text_arg(argv[0]))) return sqlite3_result_null(ctx);
  result_text(ctx, "incomplete object value, pos " + std::to_string(sqlite3_value_bytes(argv[0])));
}

}  // namespace

void register_semistructured_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_parse_json", 1, st, fn_parse_json);
  reg(db, "sf_try_parse_json", 1, st, fn_try_parse_json);
  reg(db, "sf_to_json", 2, st, fn_to_json);
  reg(db, "sf_json_text", 1, st, fn_json_text);
  reg(db, "sf_json_as_text", 1, st, fn_json_as_text);
  reg(db, "sf_object_construct", -1, st, fn_object_construct);
  reg(db, "sf_array_construct", -1, st, fn_array_construct);
  reg(db, "sf_array_construct_compact", -1, st, fn_array_construct_compact);
  reg(db, "sf_object_merge", -1, st, fn_object_merge);
  reg(db, "sf_array_concat", -1, st, fn_array_concat);
  reg(db, "sf_array_size", 1, st, fn_array_size);
  reg(db, "sf_array_contains", 2, st, fn_array_contains);
  reg(db, "sf_array_position", 2, st, fn_array_position);
  reg(db, "sf_array_append", 2, st, fn_array_append);
  reg(db, "sf_array_prepend", 2, st, fn_array_prepend);
  reg(db, "sf_array_cat", 2, st, fn_array_cat);
  reg(db, "sf_array_compact", 1, st, fn_array_compact);
  reg(db, "sf_array_distinct", 1, st, fn_array_distinct);
  reg(db, "sf_array_slice", 3, st, fn_array_slice);
  reg(db, "sf_array_reverse", 1, st, fn_array_reverse);
  reg(db, "sf_array_sort", -1, st, fn_array_sort);
  reg(db, "sf_array_min", 1, st, fn_array_min);
  reg(db, "sf_array_max", 1, st, fn_array_max);
  reg(db, "sf_array_intersection", 2, st, fn_array_intersection);
  reg(db, "sf_arrays_overlap", 2, st, fn_arrays_overlap);
  reg(db, "sf_array_except", 2, st, fn_array_except);
  reg(db, "sf_array_flatten", 1, st, fn_array_flatten);
  reg(db, "sf_array_generate_range", -1, st, fn_array_generate_range);
  reg(db, "sf_array_to_string", 2, st, fn_array_to_string);
  reg(db, "sf_object_keys", 1, st, fn_object_keys);
  reg(db, "sf_object_insert", -1, st, fn_object_insert);
  reg(db, "sf_object_delete", -1, st, fn_object_delete);
  reg(db, "sf_object_pick", -1, st, fn_object_pick);
  reg(db, "sf_get", 2, st, fn_get);
  reg(db, "sf_get_ignore_case", 2, st, fn_get_ignore_case);
  reg(db, "sf_get_path", 2, st, fn_get_path);
  reg(db, "sf_typeof", 1, st, fn_typeof);
  reg(db, "sf_is_kind", 2, st, fn_is_kind);
  reg(db, "sf_strip_null_value", 1, st, fn_strip_null_value);
  reg(db, "sf_check_json", 1, st, fn_check_json);
}

}  // namespace mock_snowflake::engine
