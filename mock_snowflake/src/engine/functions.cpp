// functions.cpp — the sequence registry, date-part names, and the registration of every UDF family
// (functions_*.cpp) on a SQLite connection.
#include "engine/functions.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/functions_support.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {

std::string SequenceRegistry::key(std::string_view database, std::string_view schema,
                                  std::string_view name) {
  std::string k(database);
  k.push_back('\x1f');
  k += schema;
  k.push_back('\x1f');
  k += name;
  return k;
}

bool SequenceRegistry::create(const std::string& key, const Sequence& sequence, bool replace) {
  std::lock_guard lock(mutex_);
  if (!replace && sequences_.count(key)) return false;
  sequences_[key] = sequence;
  return true;
}

bool SequenceRegistry::drop(const std::string& key) {
  std::lock_guard lock(mutex_);
  return sequences_.erase(key) > 0;
}

bool SequenceRegistry::exists(const std::string& key) {
  std::lock_guard lock(mutex_);
  return sequences_.count(key) > 0;
}

std::optional<std::int64_t> SequenceRegistry::next_value(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = sequences_.find(key);
  if (it == sequences_.end()) return std::nullopt;
  std::int64_t v = it->second.next;
  it->second.next += it->second.increment;
  return v;
}

std::vector<std::pair<std::string, SequenceRegistry::Sequence>> SequenceRegistry::list(
    const std::string& prefix) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, Sequence>> out;
  for (auto it = sequences_.lower_bound(prefix);
       it != sequences_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

std::optional<std::string> canonical_date_part(std::string_view part_in) {
  std::string p = text::upper(std::string(part_in));
  static const std::map<std::string, std::string, std::less<>> kParts = {
      {"YEAR", "YEAR"},
      {"Y", "YEAR"},
      {"YY", "YEAR"},
      {"YYY", "YEAR"},
      {"YYYY", "YEAR"},
      {"YR", "YEAR"},
      {"YEARS", "YEAR"},
      {"YRS", "YEAR"},
      {"QUARTER", "QUARTER"},
      {"Q", "QUARTER"},
      {"QTR", "QUARTER"},
      {"QTRS", "QUARTER"},
      {"QUARTERS", "QUARTER"},
      {"MONTH", "MONTH"},
      {"MM", "MONTH"},
      {"MON", "MONTH"},
      {"MONS", "MONTH"},
      {"MONTHS", "MONTH"},
      {"WEEK", "WEEK"},
      {"W", "WEEK"},
      {"WK", "WEEK"},
      {"WEEKOFYEAR", "WEEK"},
      {"WOY", "WEEK"},
      {"WY", "WEEK"},
      {"WEEKS", "WEEK"},
      {"WEEKISO", "WEEKISO"},
      {"WEEK_ISO", "WEEKISO"},
      {"WEEKOFYEARISO", "WEEKISO"},
      {"WEEKOFYEAR_ISO", "WEEKISO"},
      {"DAY", "DAY"},
      {"D", "DAY"},
      {"DD", "DAY"},
      {"DAYS", "DAY"},
      {"DAYOFMONTH", "DAY"},
      {"DAYOFWEEK", "DAYOFWEEK"},
      {"WEEKDAY", "DAYOFWEEK"},
      {"DOW", "DAYOFWEEK"},
      {"DW", "DAYOFWEEK"},
      {"DAYOFWEEKISO", "DAYOFWEEKISO"},
      {"WEEKDAY_ISO", "DAYOFWEEKISO"},
      {"DOW_ISO", "DAYOFWEEKISO"},
      {"DW_ISO", "DAYOFWEEKISO"},
      {"DAYOFYEAR", "DAYOFYEAR"},
      {"YEARDAY", "DAYOFYEAR"},
      {"DOY", "DAYOFYEAR"},
      {"DY", "DAYOFYEAR"},
      {"YEAROFWEEK", "YEAROFWEEK"},
      {"YEAROFWEEKISO", "YEAROFWEEKISO"},
      {"HOUR", "HOUR"},
      {"H", "HOUR"},
      {"HH", "HOUR"},
      {"HR", "HOUR"},
      {"HOURS", "HOUR"},
      {"HRS", "HOUR"},
      {"MINUTE", "MINUTE"},
      {"M", "MINUTE"},
      {"MI", "MINUTE"},
      {"MIN", "MINUTE"},
      {"MINUTES", "MINUTE"},
      {"MINS", "MINUTE"},
      {"SECOND", "SECOND"},
      {"S", "SECOND"},
      {"SEC", "SECOND"},
      {"SECONDS", "SECOND"},
      {"SECS", "SECOND"},
      {"MILLISECOND", "MILLISECOND"},
      {"MS", "MILLISECOND"},
      {"MSEC", "MILLISECOND"},
      {"MILLISECONDS", "MILLISECOND"},
      {"MICROSECOND", "MICROSECOND"},
      {"US", "MICROSECOND"},
      {"USEC", "MICROSECOND"},
      {"MICROSECONDS", "MICROSECOND"},
      {"NANOSECOND", "NANOSECOND"},
      {"NS", "NANOSECOND"},
      {"NSEC", "NANOSECOND"},
      {"NANOSEC", "NANOSECOND"},
      {"NSECOND", "NANOSECOND"},
      {"NANOSECONDS", "NANOSECOND"},
      {"NANOSECS", "NANOSECOND"},
      {"NSECONDS", "NANOSECOND"},
      {"EPOCH_SECOND", "EPOCH_SECOND"},
      {"EPOCH", "EPOCH_SECOND"},
      {"EPOCH_SECONDS", "EPOCH_SECOND"},
      {"EPOCH_MILLISECOND", "EPOCH_MILLISECOND"},
      {"EPOCH_MILLISECONDS", "EPOCH_MILLISECOND"},
      {"EPOCH_MICROSECOND", "EPOCH_MICROSECOND"},
      {"EPOCH_MICROSECONDS", "EPOCH_MICROSECOND"},
      {"EPOCH_NANOSECOND", "EPOCH_NANOSECOND"},
      {"EPOCH_NANOSECONDS", "EPOCH_NANOSECOND"},
      {"TIMEZONE_HOUR", "TIMEZONE_HOUR"},
      {"TZH", "TIMEZONE_HOUR"},
      {"TIMEZONE_MINUTE", "TIMEZONE_MINUTE"},
      {"TZM", "TIMEZONE_MINUTE"}};
  auto it = kParts.find(p);
  if (it == kParts.end()) return std::nullopt;
  return it->second;
}

void register_functions(sqlite3* db, FunctionState* st) {
  register_numeric_functions(db, st);
  register_string_functions(db, st);
  register_date_functions(db, st);
  register_semistructured_functions(db, st);
  register_geo_functions(db, st);
  register_system_functions(db, st);
  register_aggregate_functions(db, st);
  register_table_functions(db, st);
}

}  // namespace mock_snowflake::engine
