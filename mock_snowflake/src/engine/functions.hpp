// functions.hpp — the SQLite user functions, aggregates and table-valued functions that give the
// engine Snowflake's functions (sf_cast, sf_dateadd, sf_like, sf_median, sf_generator, ...).
// Every UDF catches its exceptions and reports them with sqlite3_result_error, carrying the
// Snowflake error code in the message (errors.hpp), because nothing may throw through SQLite.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {

/// Sequences (CREATE SEQUENCE, seq.NEXTVAL): engine-wide, outside any transaction, like
/// Snowflake's (a rolled-back statement does not give its numbers back). Thread-safe.
class SequenceRegistry {
 public:
  struct Sequence {
    std::int64_t next = 1;
    std::int64_t increment = 1;
    std::int64_t created_ns = 0;
    std::string comment;
  };
  static std::string key(std::string_view database, std::string_view schema, std::string_view name);
  /// False when it exists and `replace` is false.
  bool create(const std::string& key, const Sequence& sequence, bool replace);
  bool drop(const std::string& key);
  bool exists(const std::string& key);
  std::optional<std::int64_t> next_value(const std::string& key);
  /// Sequences whose key starts with `prefix`, ordered by key.
  std::vector<std::pair<std::string, Sequence>> list(const std::string& prefix);

 private:
  std::mutex mutex_;
  std::map<std::string, Sequence> sequences_;
};

/// Per-connection state the UDFs read; the executor resets it for each statement.
struct FunctionState {
  SequenceRegistry* registry = nullptr;
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
