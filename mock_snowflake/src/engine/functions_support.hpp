// functions_support.hpp — what the SQLite UDF families (functions_*.cpp) share: reading
// arguments and setting results, the guard that turns exceptions into SQLite errors carrying the
// Snowflake code, UTF-8 case mapping, and the date/time arithmetic of DATEADD, DATE_TRUNC and
// DATE_PART. Internal to the engine.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "engine/errors.hpp"
#include "engine/functions.hpp"
#include "engine/json.hpp"
#include "engine/timeutil.hpp"
#include "engine/types.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {

// The families, each registering its UDFs on a connection (register_functions calls them all).
void register_numeric_functions(sqlite3* db, FunctionState* st);
void register_string_functions(sqlite3* db, FunctionState* st);
void register_date_functions(sqlite3* db, FunctionState* st);
void register_semistructured_functions(sqlite3* db, FunctionState* st);
void register_geo_functions(sqlite3* db, FunctionState* st);
void register_system_functions(sqlite3* db, FunctionState* st);
void register_aggregate_functions(sqlite3* db, FunctionState* st);
void register_table_functions(sqlite3* db, FunctionState* st);

}  // namespace mock_snowflake::engine

namespace mock_snowflake::engine::udf {

/// The connection's FunctionState (the UDF's user data).
FunctionState* state_of(sqlite3_context* ctx);

/// Runs a UDF body; an exception becomes sqlite3_result_error with the Snowflake code inside.
template <class F>
void guarded(sqlite3_context* ctx, F&& body) {
  try {
    body();
  } catch (const SfError& e) {
    std::string m = encode_udf_error(e.error());
    sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
  } catch (const std::exception& e) {
    std::string m = encode_udf_error(internal_error(e.what()));
    sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
  }
}

/// True when one of the first `count` (all when -1) arguments is NULL.
bool any_null(int argc, sqlite3_value** argv, int count = -1);
// Argument readers: text, blob-or-text, number (text parsed as Snowflake does), integer,
// and JSON text (NULL is JSON undefined; bad JSON is error 100069).
std::string text_arg(sqlite3_value* v);
std::string blob_or_text(sqlite3_value* v);
double double_arg(sqlite3_value* v);
std::int64_t int_arg(sqlite3_value* v);
JsonValue json_arg(sqlite3_value* v);

void result_text(sqlite3_context* ctx, const std::string& s);
void result_json(sqlite3_context* ctx, const JsonValue& j);

/// Registers a scalar UDF (deterministic unless said otherwise).
void reg(sqlite3* db, const char* name, int argc, FunctionState* state,
         void (*fn)(sqlite3_context*, int, sqlite3_value**), bool deterministic = true);

std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);

// Case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic: enough for the text
// that tests and demos use (SQLite's upper()/lower() only know ASCII).
char32_t to_upper_cp(char32_t c);
char32_t to_lower_cp(char32_t c);

std::string utf8_upper(std::string_view s);
std::string utf8_lower(std::string_view s);

/// A deterministic 64-bit mix (HASH, seeded RANDOM): SplitMix64's step from state `x`, so
/// splitmix64(seed + i * 0x9E3779B97F4A7C15) is the i-th output of the generator seeded `seed`.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A date/time value as wall-clock nanoseconds and a UTC offset.
struct Temporal {
  TypeKind kind = TypeKind::timestamp_ntz;
  std::int64_t wall = 0;  ///< wall-clock nanoseconds (date: midnight)
  int offset = 0;         ///< minutes, for tz
};

Temporal load_temporal(sqlite3_value* v, const SfType& t, const ValueContext& ctx);
Val store_temporal(const Temporal& t, const ValueContext& ctx);

/// Nanoseconds in a fixed-length part (WEEK ... NANOSECOND); 0 for others.
std::int64_t unit_nanos(const std::string& part);
std::int64_t add_months(std::int64_t wall, std::int64_t months);

// Monday-based week start of a day number.
std::int64_t week_start(std::int64_t days);

/// Truncates to a date part (DATE_TRUNC); 002010 for an unknown part.
std::int64_t trunc_wall(std::int64_t wall, const std::string& part);

// ISO week number and ISO year of a day.
void iso_week(std::int64_t days, std::int64_t& iso_year, int& week);

/// DATE_PART of a value; 002010 for an unknown part.
std::int64_t date_part(const Temporal& t, const std::string& part);

/// SPLIT's pieces: `s` cut at every `d` (the whole text when `d` is empty).
std::vector<std::string> split_text(const std::string& s, const std::string& d);

}  // namespace mock_snowflake::engine::udf
