// timeutil.cpp — calendar arithmetic and time zones (fixed offsets, TZif files with their POSIX
// footer rules). Parsing and formatting dates and times is in timeutil_format.cpp.
#include "engine/timeutil.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

class FixedZone : public TimeZone {
 public:
  FixedZone(std::string name, int offset_seconds) : offset_(offset_seconds) {
    name_ = std::move(name);
  }
  [[nodiscard]] int offset_at_utc(std::int64_t /*utc_seconds*/) const override { return offset_; }

 private:
  int offset_;
};

// A POSIX TZ rule such as "PST8PDT,M3.2.0,M11.1.0" (the TZif footer), used beyond the last
// transition of the file. Only the Mm.w.d form is supported, which every IANA zone uses today.
struct PosixRule {
  bool valid = false;
  int std_offset = 0;  // seconds east of UTC
  int dst_offset = 0;
  bool has_dst = false;
  int start_month = 0, start_week = 0, start_day = 0, start_time = 7200;
  int end_month = 0, end_week = 0, end_day = 0, end_time = 7200;
};

bool parse_posix_name(std::string_view s, std::size_t& i) {
  if (i < s.size() && s[i] == '<') {
    auto close = s.find('>', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
    return true;
  }
  std::size_t start = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  return i - start >= 3;
}

bool parse_posix_offset(std::string_view s, std::size_t& i, int& seconds) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') sign = -1;
    ++i;
  }
  int parts[3] = {0, 0, 0};
  int n = 0;
  while (n < 3) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) break;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    parts[n++] = v;
    if (i < s.size() && s[i] == ':') {
      ++i;
    } else {
      break;
    }
  }
  if (n == 0) return false;
  seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool parse_posix_date(std::string_view s, std::size_t& i, int& month, int& week, int& day,
                      int& time) {
  if (i >= s.size() || s[i] != 'M') return false;
  ++i;
  int vals[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    int v = 0;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    vals[k] = v;
    if (k < 2) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  month = vals[0];
  week = vals[1];
  day = vals[2];
  time = 7200;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!parse_posix_offset(s, i, time)) return false;
  }
  return true;
}

PosixRule parse_posix(std::string_view s) {
  PosixRule r;
  std::size_t i = 0;
  if (!parse_posix_name(s, i)) return r;
  int off = 0;
  if (!parse_posix_offset(s, i, off)) return r;
  r.std_offset = -off;
  if (i >= s.size()) {
    r.valid = true;
    return r;
  }
  if (!parse_posix_name(s, i)) return r;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    if (!parse_posix_offset(s, i, off)) return r;
    r.dst_offset = -off;
  }
  if (i >= s.size() || s[i] != ',') return r;
  ++i;
  if (!parse_posix_date(s, i, r.start_month, r.start_week, r.start_day, r.start_time)) return r;
  if (i >= s.size() || s[i] != ',') return r;
  ++i;
  if (!parse_posix_date(s, i, r.end_month, r.end_week, r.end_day, r.end_time)) return r;
  r.valid = true;
  return r;
}

// Day (days since epoch) of the w-th weekday d of month m in year y (w == 5: last).
std::int64_t posix_rule_day(std::int64_t year, int month, int week, int wday) {
  std::int64_t first = days_from_civil(year, month, 1);
  int first_wday = weekday_from_days(first);
  int delta = (wday - first_wday + 7) % 7;
  std::int64_t day = first + delta + (week - 1) * 7;
  std::int64_t last = first + days_in_month(year, month) - 1;
  while (day > last) day -= 7;
  return day;
}

int posix_offset_at(const PosixRule& r, std::int64_t utc) {
  if (!r.has_dst) return r.std_offset;
  std::int64_t y = 0;
  int m = 0;
  int d = 0;
  civil_from_days(floor_div(utc + r.std_offset, 86400), y, m, d);
  // DST start is given in standard local time, its end in daylight local time.
  std::int64_t start = posix_rule_day(y, r.start_month, r.start_week, r.start_day) * 86400 +
                       r.start_time - r.std_offset;
  std::int64_t end =
      posix_rule_day(y, r.end_month, r.end_week, r.end_day) * 86400 + r.end_time - r.dst_offset;
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? r.dst_offset : r.std_offset;
}

class TzifZone : public TimeZone {
 public:
  static std::shared_ptr<TzifZone> load(const std::string& path, std::string name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto zone = std::make_shared<TzifZone>();
    zone->name_ = std::move(name);
    if (!zone->parse(data)) return nullptr;
    return zone;
  }

  [[nodiscard]] int offset_at_utc(std::int64_t utc) const override {
    if (transitions_.empty() || utc < transitions_.front()) {
      if (transitions_.empty() && footer_.valid) return posix_offset_at(footer_, utc);
      return initial_offset_;
    }
    if (utc >= transitions_.back() && footer_.valid) return posix_offset_at(footer_, utc);
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
    std::size_t idx = static_cast<std::size_t>(it - transitions_.begin()) - 1;
    return offsets_[idx];
  }

 private:
  static std::int64_t be(const unsigned char* p, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
    if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }

  bool parse(const std::string& data) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t size = data.size();
    if (size < 44 || data.compare(0, 4, "TZif") != 0) return false;
    char version = data[4];
    auto counts = [&](std::size_t at, std::int64_t c[6]) {
      for (int i = 0; i < 6; ++i) c[i] = be(p + at + 20 + i * 4, 4);
    };
    std::int64_t c[6];
    counts(0, c);
    // c: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    std::size_t pos = 44;
    int time_size = 4;
    if (version >= '2') {
      std::size_t v1 =
          static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
      pos = 44 + v1;
      if (pos + 44 > size || data.compare(pos, 4, "TZif") != 0) return false;
      counts(pos, c);
      pos += 44;
      time_size = 8;
    }
    std::size_t timecnt = static_cast<std::size_t>(c[3]);
    std::size_t typecnt = static_cast<std::size_t>(c[4]);
    std::size_t need = timecnt * time_size + timecnt + typecnt * 6;
    if (pos + need > size || typecnt == 0) return false;
    std::vector<std::int64_t> times(timecnt);
    for (std::size_t i = 0; i < timecnt; ++i) times[i] = be(p + pos + i * time_size, time_size);
    pos += timecnt * time_size;
    std::vector<int> idx(timecnt);
    for (std::size_t i = 0; i < timecnt; ++i) idx[i] = p[pos + i];
    pos += timecnt;
    std::vector<int> type_offsets(typecnt);
    std::vector<bool> type_dst(typecnt);
    for (std::size_t i = 0; i < typecnt; ++i) {
      type_offsets[i] = static_cast<int>(be(p + pos + i * 6, 4));
      type_dst[i] = p[pos + i * 6 + 4] != 0;
    }
    pos += typecnt * 6;
    initial_offset_ = type_offsets[0];
    for (std::size_t i = 0; i < typecnt; ++i) {
      if (!type_dst[i]) {
        initial_offset_ = type_offsets[i];
        break;
      }
    }
    transitions_ = times;
    offsets_.resize(timecnt);
    for (std::size_t i = 0; i < timecnt; ++i) {
      if (static_cast<std::size_t>(idx[i]) >= typecnt) return false;
      offsets_[i] = type_offsets[idx[i]];
    }
    if (version >= '2') {
      pos += static_cast<std::size_t>(c[5] + c[2] * 12 + c[1] + c[0]);
      if (pos < size && data[pos] == '\n') {
        auto end = data.find('\n', pos + 1);
        if (end != std::string::npos) footer_ = parse_posix(data.substr(pos + 1, end - pos - 1));
      }
    }
    return true;
  }

  std::vector<std::int64_t> transitions_;
  std::vector<int> offsets_;
  int initial_offset_ = 0;
  PosixRule footer_;
};

constexpr const char* kZoneDir = "/usr/share/zoneinfo";

struct ZoneRegistry {
  std::mutex mutex;
  bool scanned = false;
  std::map<std::string, std::string> by_lower;  // lower-case name -> relative path
  std::map<std::string, std::shared_ptr<const TimeZone>> cache;
};

ZoneRegistry& registry() {
  static ZoneRegistry r;
  return r;
}

std::optional<int> parse_offset_text(std::string_view s) {
  // +hh, +hhmm, +hh:mm (also with a leading "UTC"/"GMT").
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ':') continue;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    digits.push_back(s[i]);
  }
  if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
  int h = std::stoi(digits.substr(0, 2));
  int m = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
  if (h > 14 || m > 59) return std::nullopt;
  return sign * (h * 60 + m);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (m + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& year, int& month, int& day) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

int days_in_month(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[std::clamp(month, 1, 12) - 1];
}

int weekday_from_days(std::int64_t days) { return static_cast<int>(floor_mod(days + 4, 7)); }

Civil civil_from_wall_nanos(std::int64_t wall_nanos) {
  Civil c;
  std::int64_t days = floor_div(wall_nanos, kNanosPerDay);
  std::int64_t rest = wall_nanos - days * kNanosPerDay;
  civil_from_days(days, c.year, c.month, c.day);
  std::int64_t secs = rest / kNanosPerSecond;
  c.nanos = rest % kNanosPerSecond;
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>((secs / 60) % 60);
  c.second = static_cast<int>(secs % 60);
  return c;
}

std::int64_t wall_nanos_from_civil(const Civil& c) {
  std::int64_t days = days_from_civil(c.year, c.month, c.day);
  return days * kNanosPerDay +
         (static_cast<std::int64_t>(c.hour) * 3600 + c.minute * 60 + c.second) * kNanosPerSecond +
         c.nanos;
}

int TimeZone::offset_for_local(std::int64_t local_seconds) const {
  // The offsets in effect a day either side are the only candidates. An ambiguous local time
  // (clocks set back) takes the first occurrence, i.e. the larger offset; a skipped one (clocks
  // set forward) is read with the offset before the change, as Java-based servers do.
  int candidates[3] = {offset_at_utc(local_seconds - 86400), offset_at_utc(local_seconds),
                       offset_at_utc(local_seconds + 86400)};
  std::optional<int> best;
  for (int o : candidates) {
    if (offset_at_utc(local_seconds - o) == o && (!best || o > *best)) best = o;
  }
  if (best) return *best;
  return std::min({candidates[0], candidates[1], candidates[2]});
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static auto zone = std::make_shared<FixedZone>("UTC", 0);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view name_in) {
  std::string name(name_in);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.erase(0, 1);
  std::string key = text::lower(name);
  if (key == "utc" || key == "z" || key == "gmt" || key == "etc/utc" || key == "etc/gmt" ||
      key == "zulu" || key == "universal") {
    return utc();
  }
  if (auto off = parse_offset_text(name)) {
    return std::make_shared<FixedZone>(name, *off * 60);
  }
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (auto it = r.cache.find(key); it != r.cache.end()) return it->second;
  if (!r.scanned) {
    r.scanned = true;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(kZoneDir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) continue;
      std::string rel = std::filesystem::relative(it->path(), kZoneDir, ec).string();
      if (ec) continue;
      r.by_lower.emplace(text::lower(rel), rel);
    }
  }
  auto path = r.by_lower.find(key);
  if (path == r.by_lower.end()) return nullptr;
  std::shared_ptr<const TimeZone> zone =
      TzifZone::load(std::string(kZoneDir) + "/" + path->second, path->second);
  if (zone) r.cache.emplace(key, zone);
  return zone;
}

}  // namespace mock_snowflake::engine
