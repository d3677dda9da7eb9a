// functions_aggregate.cpp — Snowflake functions as SQLite UDFs: aggregates: exact SUM, LISTAGG,
// ARRAY_AGG, OBJECT_AGG, percentiles, variance, MODE, MAX_BY/MIN_BY.
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

// Aggregate state lives on the heap; the SQLite aggregate context holds a pointer to it.
template <class T>
T* agg_state(sqlite3_context* ctx, bool create) {
  auto** slot =
      static_cast<T**>(sqlite3_aggregate_context(ctx, create ? static_cast<int>(sizeof(T*)) : 0));
  if (!slot) return nullptr;
  if (!*slot && create) *slot = new T();
  return *slot;
}
template <class T>
void agg_free(sqlite3_context* ctx) {
  auto** slot = static_cast<T**>(sqlite3_aggregate_context(ctx, 0));
  if (slot && *slot) {
    delete *slot;
    *slot = nullptr;
  }
}

int compare_vals(const Val& a, const Val& b) {
  auto rank = [](const Val& v) {
    switch (v.t) {
      case Val::T::null:
        return 3;
      case Val::T::integer:
      case Val::T::real:
        return 0;
      case Val::T::text:
        return 1;
      case Val::T::blob:
        return 2;
    }
    return 3;
  };
  int ra = rank(a);
  int rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) {
    double x = a.t == Val::T::integer ? static_cast<double>(a.i) : a.d;
    double y = b.t == Val::T::integer ? static_cast<double>(b.i) : b.d;
    if (a.t == Val::T::integer && b.t == Val::T::integer) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra == 3) return 0;
  return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
}

// Collected values with sort keys (LISTAGG / ARRAY_AGG ... WITHIN GROUP (ORDER BY ...)).
struct OrderedCollector {
  struct Item {
    Val value;
    std::vector<Val> keys;
  };
  std::vector<Item> items;
  std::vector<bool> descending;
  std::string separator;
  bool distinct = false;

  void sort() {
    std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      for (std::size_t k = 0; k < a.keys.size() && k < descending.size(); ++k) {
        int c = compare_vals(a.keys[k], b.keys[k]);
        if (c != 0) return descending[k] ? c > 0 : c < 0;
      }
      return false;
    });
  }
};

void collect_step(sqlite3_context* ctx, int argc, sqlite3_value** argv, int fixed_args) {
  auto* st = agg_state<OrderedCollector>(ctx, true);
  if (!st) return;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  OrderedCollector::Item item;
  item.value = val_from_sqlite(argv[0]);
  for (int i = fixed_args; i + 1 < argc; i += 2) {
    item.keys.push_back(val_from_sqlite(argv[i]));
    if (static_cast<int>(st->descending.size()) < (i - fixed_args) / 2 + 1) {
      st->descending.push_back(sqlite3_value_int(argv[i + 1]) != 0);
    }
  }
  st->items.push_back(std::move(item));
}

void listagg_step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  collect_step(ctx, argc, argv, 3);
  if (auto* st = agg_state<OrderedCollector>(ctx, false)) {
    st->separator = sqlite3_value_type(argv[1]) == SQLITE_NULL ? "" : text_arg(argv[1]);
    st->distinct = sqlite3_value_int(argv[2]) != 0;
  }
}
void listagg_final(sqlite3_context* ctx) {
  auto* st = agg_state<OrderedCollector>(ctx, false);
  if (!st) {
    result_text(ctx, "");
    return;
  }
  st->sort();
  std::string out;
  std::set<std::string> seen;
  bool first = true;
  for (const auto& item : st->items) {
    if (st->distinct && !seen.insert(item.value.s).second) continue;
    if (!first) out += st->separator;
    first = false;
    out += item.value.t == Val::T::text      ? item.value.s
           : item.value.t == Val::T::integer ? std::to_string(item.value.i)
                                             : format_double(item.value.d);
  }
  result_text(ctx, out);
  agg_free<OrderedCollector>(ctx);
}

void array_agg_step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  collect_step(ctx, argc, argv, 2);
  if (auto* st = agg_state<OrderedCollector>(ctx, false))
    st->distinct = sqlite3_value_int(argv[1]) != 0;
}
void array_agg_final(sqlite3_context* ctx) {
  guarded(ctx, [&] {
    auto* st = agg_state<OrderedCollector>(ctx, false);
    JsonValue arr = JsonValue::make_array();
    if (st) {
      st->sort();
      std::set<std::string> seen;
      for (const auto& item : st->items) {
        auto j = parse_json(item.value.s);
        if (!j) continue;
        if (st->distinct && !seen.insert(json_compact(*j)).second) continue;
        arr.items.push_back(*j);
      }
    }
    result_json(ctx, arr);
  });
  agg_free<OrderedCollector>(ctx);
}

struct ObjectAgg {
  JsonValue object = JsonValue::make_object();
};
void object_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<ObjectAgg>(ctx, true);
    if (!st || any_null(2, argv)) return;
    st->object.set(text_arg(argv[0]), json_arg(argv[1]));
  });
}
void object_agg_final(sqlite3_context* ctx) {
  auto* st = agg_state<ObjectAgg>(ctx, false);
  result_json(ctx, st ? st->object : JsonValue::make_object());
  agg_free<ObjectAgg>(ctx);
}

struct Numbers {
  std::vector<double> values;
  std::vector<Val> raw;
  double fraction = 0.5;
  bool discrete = false;
  bool pop = false;
  bool stddev = false;
};
void percentile_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<Numbers>(ctx, true);
    if (!st) return;
    st->fraction = double_arg(argv[1]);
    st->discrete = sqlite3_value_int(argv[2]) != 0;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    st->values.push_back(double_arg(argv[0]));
  });
}
void percentile_final(sqlite3_context* ctx) {
  auto* st = agg_state<Numbers>(ctx, false);
  if (!st || st->values.empty()) {
    sqlite3_result_null(ctx);
    agg_free<Numbers>(ctx);
    return;
  }
  auto& v = st->values;
  std::sort(v.begin(), v.end());
  double f = std::clamp(st->fraction, 0.0, 1.0);
  if (st->discrete) {
    std::size_t idx = static_cast<std::size_t>(std::ceil(f * static_cast<double>(v.size())));
    idx = idx == 0 ? 0 : idx - 1;
    sqlite3_result_double(ctx, v[std::min(idx, v.size() - 1)]);
  } else {
    double pos = f * static_cast<double>(v.size() - 1);
    auto lo = static_cast<std::size_t>(std::floor(pos));
    auto hi = static_cast<std::size_t>(std::ceil(pos));
    sqlite3_result_double(ctx, v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo)));
  }
  agg_free<Numbers>(ctx);
}

void variance_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = agg_state<Numbers>(ctx, true);
    if (!st) return;
    st->pop = sqlite3_value_int(argv[1]) != 0;
    st->stddev = sqlite3_value_int(argv[2]) != 0;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    st->values.push_back(double_arg(argv[0]));
  });
}
void variance_final(sqlite3_context* ctx) {
  auto* st = agg_state<Numbers>(ctx, false);
  std::size_t n = st ? st->values.size() : 0;
  if (!st || n == 0 || (!st->pop && n < 2)) {
    sqlite3_result_null(ctx);
    agg_free<Numbers>(ctx);
    return;
  }
  double mean = 0;
  for (double x : st->values) mean += x;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double x : st->values) ss += (x - mean) * (x - mean);
  double var = ss / static_cast<double>(st->pop ? n : n - 1);
  sqlite3_result_double(ctx, st->stddev ? std::sqrt(var) : var);
  agg_free<Numbers>(ctx);
}

struct Modes {
  std::vector<Val> values;
};
void mode_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = agg_state<Modes>(ctx, true);
  if (!st || sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  st->values.push_back(val_from_sqlite(argv[0]));
}
void mode_final(sqlite3_context* ctx) {
  auto* st = agg_state<Modes>(ctx, false);
  if (!st || st->values.empty()) {
    sqlite3_result_null(ctx);
    agg_free<Modes>(ctx);
    return;
  }
  auto& v = st->values;
  std::stable_sort(v.begin(), v.end(),
                   [](const Val& a, const Val& b) { return compare_vals(a, b) < 0; });
  std::size_t best = 0;
  std::size_t best_count = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j < v.size() && compare_vals(v[i], v[j]) == 0) ++j;
    if (j - i > best_count) {
      best = i;
      best_count = j - i;
    }
    i = j;
  }
  val_to_result(ctx, v[best]);
  agg_free<Modes>(ctx);
}

struct ByState {
  bool have = false;
  Val value;
  Val key;
};
void by_step(sqlite3_context* ctx, sqlite3_value** argv, bool max) {
  auto* st = agg_state<ByState>(ctx, true);
  if (!st || sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
  Val k = val_from_sqlite(argv[1]);
  if (!st->have || (max ? compare_vals(k, st->key) > 0 : compare_vals(k, st->key) < 0)) {
    st->have = true;
    st->key = k;
    st->value = val_from_sqlite(argv[0]);
  }
}
void max_by_step(sqlite3_context* ctx, int, sqlite3_value** argv) { by_step(ctx, argv, true); }
void min_by_step(sqlite3_context* ctx, int, sqlite3_value** argv) { by_step(ctx, argv, false); }
void by_final(sqlite3_context* ctx) {
  auto* st = agg_state<ByState>(ctx, false);
  if (!st || !st->have) {
    sqlite3_result_null(ctx);
  } else {
    val_to_result(ctx, st->value);
  }
  agg_free<ByState>(ctx);
}

// SUM for NUMBER: exact in 128 bits (SQLite's sum() fails past int64), falling back to a double
// once a non-integer value is seen. Also a window function (xInverse subtracts).
// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

struct SumState {
  Int128 integer = 0;
  double real = 0;
  bool any_real = false;
  std::int64_t count = 0;
};

std::string int128_text(Int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    int d = static_cast<int>(v % 10);
    digits.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

void sum_add(sqlite3_context* ctx, sqlite3_value* v, int sign) {
  // Heap state (aligned for Int128; SQLite's aggregate context is only 8-byte aligned).
  auto* st = agg_state<SumState>(ctx, true);
  if (!st || sqlite3_value_type(v) == SQLITE_NULL) return;
  st->count += sign;
  if (sqlite3_value_type(v) == SQLITE_INTEGER) {
    st->integer += static_cast<Int128>(sqlite3_value_int64(v)) * sign;
    return;
  }
  if (sqlite3_value_type(v) == SQLITE_TEXT) {
    std::string t = text_arg(v);
    auto n = parse_number_text(t, true);
    if (n && n->t == Val::T::text) {
      // A big integer beyond int64.
      Int128 acc = 0;
      bool negative = n->s[0] == '-';
      for (char ch : n->s) {
        if (ch >= '0' && ch <= '9') acc = acc * 10 + (ch - '0');
      }
      st->integer += (negative ? -acc : acc) * sign;
      return;
    }
    if (n && n->t == Val::T::integer) {
      st->integer += static_cast<Int128>(n->i) * sign;
      return;
    }
    st->any_real = true;
    st->real += (n ? (n->t == Val::T::real ? n->d : 0.0) : std::strtod(t.c_str(), nullptr)) * sign;
    return;
  }
  st->any_real = true;
  st->real += sqlite3_value_double(v) * sign;
}

// Exact integer arithmetic for NUMBER(p,0) beyond 18 digits: 128 bits, INTEGER when it fits,
// else decimal text; non-integers fall back to doubles.
std::optional<Int128> int128_of(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_INTEGER) return static_cast<Int128>(sqlite3_value_int64(v));
  if (sqlite3_value_type(v) != SQLITE_TEXT) return std::nullopt;
  auto n = parse_number_text(text_arg(v), false);
  if (!n) return std::nullopt;
  if (n->t == Val::T::integer) return static_cast<Int128>(n->i);
  if (n->t != Val::T::text) return std::nullopt;
  Int128 acc = 0;
  for (char ch : n->s) {
    if (ch >= '0' && ch <= '9') acc = acc * 10 + (ch - '0');
  }
  return n->s[0] == '-' ? -acc : acc;
}

void int128_result(sqlite3_context* ctx, Int128 v) {
  if (v >= std::numeric_limits<std::int64_t>::min() &&
      v <= std::numeric_limits<std::int64_t>::max()) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(v));
    return;
  }
  std::string text = int128_text(v);
  if (text.size() - (text[0] == '-' ? 1 : 0) > 38) {
    throw SfError(
        "100046", "22003",
        "Number out of representable range: type FIXED[SB16](38,0){not null}, value " + text);
  }
  result_text(ctx, text);
}

void exact_arith(sqlite3_context* ctx, sqlite3_value** argv, char op) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    auto a = int128_of(argv[0]);
    auto b = int128_of(argv[1]);
    if (a && b) {
      // |a|, |b| < 1.7e38: a sum fits; a product is checked against the 38-digit limit.
      if (op == '+') return int128_result(ctx, *a + *b);
      if (op == '-') return int128_result(ctx, *a - *b);
      Int128 limit = 1;
      for (int i = 0; i < 38; ++i) limit *= 10;
      Int128 ma = *a < 0 ? -*a : *a;
      Int128 mb = *b < 0 ? -*b : *b;
      if (ma != 0 && mb > limit / ma) {
        throw SfError("100046", "22003",
                      "Number out of representable range: type FIXED[SB16](38,0){not null}");
      }
      return int128_result(ctx, *a * *b);
    }
    double x = double_arg(argv[0]);
    double y = double_arg(argv[1]);
    sqlite3_result_double(ctx, op == '+' ? x + y : op == '-' ? x - y : x * y);
  });
}
void fn_exact_add(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '+'); }
void fn_exact_sub(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '-'); }
void fn_exact_mul(sqlite3_context* ctx, int, sqlite3_value** argv) { exact_arith(ctx, argv, '*'); }

void sum_step(sqlite3_context* ctx, int, sqlite3_value** argv) { sum_add(ctx, argv[0], 1); }
void sum_inverse(sqlite3_context* ctx, int, sqlite3_value** argv) { sum_add(ctx, argv[0], -1); }
void sum_value(sqlite3_context* ctx) {
  auto* st = agg_state<SumState>(ctx, false);
  if (!st || st->count == 0) {
    sqlite3_result_null(ctx);
    return;
  }
  if (st->any_real) {
    sqlite3_result_double(ctx, st->real + static_cast<double>(st->integer));
    return;
  }
  if (st->integer >= std::numeric_limits<std::int64_t>::min() &&
      st->integer <= std::numeric_limits<std::int64_t>::max()) {
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(st->integer));
    return;
  }
  result_text(ctx, int128_text(st->integer));
}

void sum_final(sqlite3_context* ctx) {
  sum_value(ctx);
  agg_free<SumState>(ctx);
}

void reg_agg(sqlite3* db, const char* name, int argc, FunctionState* state,
             void (*step)(sqlite3_context*, int, sqlite3_value**),
             void (*final)(sqlite3_context*)) {
  sqlite3_create_function_v2(db, name, argc, SQLITE_UTF8, state, nullptr, step, final, nullptr);
}

}  // namespace

void register_aggregate_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_exact_add", 2, st, fn_exact_add);
  reg(db, "sf_exact_sub", 2, st, fn_exact_sub);
  reg(db, "sf_exact_mul", 2, st, fn_exact_mul);
  sqlite3_create_window_function(db, "sf_sum", 1, SQLITE_UTF8, st, sum_step, sum_final, sum_value,
                                 sum_inverse, nullptr);
  reg_agg(db, "sf_listagg", -1, st, listagg_step, listagg_final);
  reg_agg(db, "sf_array_agg", -1, st, array_agg_step, array_agg_final);
  reg_agg(db, "sf_object_agg", 2, st, object_agg_step, object_agg_final);
  reg_agg(db, "sf_percentile", 3, st, percentile_step, percentile_final);
  reg_agg(db, "sf_variance", 3, st, variance_step, variance_final);
  reg_agg(db, "sf_mode", 1, st, mode_step, mode_final);
  reg_agg(db, "sf_max_by", 2, st, max_by_step, by_final);
  reg_agg(db, "sf_min_by", 2, st, min_by_step, by_final);
}

}  // namespace mock_snowflake::engine
