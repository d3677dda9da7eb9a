// timeutil.hpp — calendar arithmetic, IANA time zones (read from the system's TZif files, since
// libstdc++ 12 has no std::chrono::tzdb), and Snowflake's date/time format strings
// (YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM ...) for output, TO_CHAR and TO_DATE/TO_TIMESTAMP.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mock_snowflake::engine {

inline constexpr std::int64_t kNanosPerSecond = 1000000000LL;
inline constexpr std::int64_t kNanosPerDay = 86400LL * kNanosPerSecond;

std::int64_t days_from_civil(std::int64_t year, int month, int day);
void civil_from_days(std::int64_t days, std::int64_t& year, int& month, int& day);
int days_in_month(std::int64_t year, int month);
/// 0 = Sunday ... 6 = Saturday.
int weekday_from_days(std::int64_t days);

/// Floor division helpers for negative epoch values.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

/// Broken-down wall-clock time.
struct Civil {
  std::int64_t year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t nanos = 0;
};
Civil civil_from_wall_nanos(std::int64_t wall_nanos);
std::int64_t wall_nanos_from_civil(const Civil& c);

/// A time zone: fixed offset or IANA rules.
class TimeZone {
 public:
  virtual ~TimeZone() = default;
  /// Offset from UTC in seconds at the UTC instant.
  [[nodiscard]] virtual int offset_at_utc(std::int64_t utc_seconds) const = 0;
  /// Offset in seconds for a local wall-clock time (the earlier one when ambiguous).
  [[nodiscard]] int offset_for_local(std::int64_t local_seconds) const;
  [[nodiscard]] const std::string& name() const { return name_; }

  /// Finds a zone by name (case-insensitive IANA name, UTC/GMT/Z, or +hh:mm). nullptr if unknown.
  static std::shared_ptr<const TimeZone> find(std::string_view name);
  static std::shared_ptr<const TimeZone> utc();

 protected:
  std::string name_;
};

/// Parsed date/time text. Fields that the text did not contain are left at their defaults.
struct ParsedDateTime {
  Civil civil;
  bool has_date = false;
  bool has_time = false;
  std::optional<int> offset_minutes;  ///< when the text carried a zone
};

/// Snowflake AUTO detection: YYYY-MM-DD, YYYY-MM-DD[ T]HH24:MI[:SS[.FF]][ ]?[Z|+hh[:mm]],
/// HH24:MI[:SS[.FF]], DD-MON-YYYY, MM/DD/YYYY, and RFC-like "Mon, 09 Oct 2026 ...".
std::optional<ParsedDateTime> parse_datetime_auto(std::string_view text);

/// Parses with a Snowflake format string (YYYY, MM, MON, DD, HH24, HH12, AM, MI, SS, FF, TZH...).
std::optional<ParsedDateTime> parse_datetime_format(std::string_view text, std::string_view format);

std::string format_datetime(std::string_view format, const Civil& civil, int offset_minutes);

}  // namespace mock_snowflake::engine
