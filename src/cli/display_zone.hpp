// display_zone.hpp — the time zone TIMESTAMP_LTZ values are shown in: the session's TIMEZONE
// parameter (ALTER SESSION SET TIMEZONE = 'Europe/Paris'), else the TZ environment variable,
// else the system's zone (/etc/localtime), as Snowflake's clients show local time.
//
// Named zones are read from the system's zoneinfo database (TZif files under
// /usr/share/zoneinfo, or $TZDIR). Without a session zone the C library's localtime_r answers,
// so TZ in any form it accepts works.
//
// Thread safety: a DisplayZone is immutable after construction; share it freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfq::cli {

class DisplayZone {
 public:
  /// The process's local zone (TZ, else the system's).
  static DisplayZone local();
  /// A zone by IANA name ("Asia/Tokyo", "UTC"); nullopt when the database has no such zone.
  static std::optional<DisplayZone> named(const std::string& name);

  /// The zone's offset from UTC, in seconds, at `utc_seconds` since the epoch.
  [[nodiscard]] std::int32_t offset_at(std::int64_t utc_seconds) const;

 private:
  bool local_ = true;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      // offset in force from transitions_[i]
  std::int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace sfq::cli
