// functions.hpp — the SQLite user functions, aggregates and table-valued functions that give the
// engine Snowflake's functions (sf_cast, sf_dateadd, sf_like, sf_median, sf_generator, ...).
// Every UDF catches its exceptions and reports them with sqlite3_result_error, carrying the
// Snowflake error code in the message (errors.hpp), because nothing may throw through SQLite.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "engine/engine.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {

/// Per-connection state the UDFs read; the executor resets it for each statement.
struct FunctionState {
  CancelToken* cancel = nullptr;
  ValueContext values;
  std::int64_t now_ns = 0;
  std::map<int, std::int64_t> sequences;  ///< SEQn() counters by call site
  std::map<int, std::mt19937_64> seeded;  ///< RANDOM(seed) generators by call site
  std::mt19937_64 rng{std::random_device{}()};

  void reset_statement() {
    sequences.clear();
    seeded.clear();
  }
};

/// Registers every UDF, aggregate and virtual table on a connection.
void register_functions(sqlite3* db, FunctionState* state);

/// Canonical name of a date/time part (YEAR, MONTH, DAY, HOUR, ..., EPOCH_SECOND) or nullopt.
std::optional<std::string> canonical_date_part(std::string_view part);

}  // namespace mock_snowflake::engine
