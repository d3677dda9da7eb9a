// timeutil.cpp — calendar arithmetic, TZif time zones and Snowflake date/time formats.
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

namespace mock_snowflake::engine {
namespace {

constexpr std::array<const char*, 12> kMonthShort = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 12> kMonthLong = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kDayShort = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 7> kDayLong = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                 "Thursday", "Friday", "Saturday"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ieq_prefix(std::string_view text, std::size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[pos + i])) !=
        std::toupper(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

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
  std::string key = lower(name);
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
      r.by_lower.emplace(lower(rel), rel);
    }
  }
  auto path = r.by_lower.find(key);
  if (path == r.by_lower.end()) return nullptr;
  std::shared_ptr<const TimeZone> zone =
      TzifZone::load(std::string(kZoneDir) + "/" + path->second, path->second);
  if (zone) r.cache.emplace(key, zone);
  return zone;
}

namespace {

// Reads up to `max` digits; returns the count read.
int read_digits(std::string_view s, std::size_t& i, int max, std::int64_t& value) {
  int n = 0;
  value = 0;
  while (n < max && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    value = value * 10 + (s[i] - '0');
    ++i;
    ++n;
  }
  return n;
}

bool read_fraction(std::string_view s, std::size_t& i, std::int64_t& nanos) {
  std::int64_t v = 0;
  int digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (digits < 9) {
      v = v * 10 + (s[i] - '0');
      ++digits;
    }
    ++i;
  }
  if (digits == 0) return false;
  while (digits < 9) {
    v *= 10;
    ++digits;
  }
  nanos = v;
  return true;
}

bool valid_civil(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= days_in_month(c.year, c.month) &&
         c.hour >= 0 && c.hour <= 23 && c.minute >= 0 && c.minute <= 59 && c.second >= 0 &&
         c.second <= 59;
}

std::optional<int> month_from_name(std::string_view s, std::size_t& i) {
  for (int m = 0; m < 12; ++m) {
    if (ieq_prefix(s, i, kMonthLong[m])) {
      i += std::string_view(kMonthLong[m]).size();
      return m + 1;
    }
  }
  for (int m = 0; m < 12; ++m) {
    if (ieq_prefix(s, i, kMonthShort[m])) {
      i += 3;
      return m + 1;
    }
  }
  return std::nullopt;
}

void skip_spaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

// Parses HH:MI[:SS[.FF]] at i.
bool parse_clock(std::string_view s, std::size_t& i, Civil& c) {
  std::int64_t v = 0;
  if (read_digits(s, i, 2, v) == 0) return false;
  c.hour = static_cast<int>(v);
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (read_digits(s, i, 2, v) != 2) return false;
  c.minute = static_cast<int>(v);
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (read_digits(s, i, 2, v) != 2) return false;
    c.second = static_cast<int>(v);
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      if (!read_fraction(s, i, c.nanos)) return false;
    }
  }
  return true;
}

// Parses a zone suffix: Z, +hh, +hhmm, +hh:mm, or an IANA name (resolved later by callers).
bool parse_zone_suffix(std::string_view s, std::size_t& i, std::optional<int>& offset) {
  skip_spaces(s, i);
  if (i >= s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') {
    offset = 0;
    ++i;
    return true;
  }
  if (ieq_prefix(s, i, "UTC") || ieq_prefix(s, i, "GMT")) {
    i += 3;
    if (i >= s.size()) {
      offset = 0;
      return true;
    }
  }
  if (s[i] == '+' || s[i] == '-') {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    std::int64_t h = 0;
    std::int64_t m = 0;
    int n = read_digits(s, i, 2, h);
    if (n == 0) return false;
    if (i < s.size() && s[i] == ':') ++i;
    read_digits(s, i, 2, m);
    if (h > 14 || m > 59) return false;
    offset = sign * static_cast<int>(h * 60 + m);
    return true;
  }
  return false;
}

}  // namespace

std::optional<ParsedDateTime> parse_datetime_auto(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  ParsedDateTime r;
  std::size_t i = 0;
  std::int64_t v = 0;
  // Time only: HH:MI[:SS[.FF]]
  {
    std::size_t j = 0;
    Civil c;
    if (parse_clock(s, j, c) && j == s.size() && s.find(':') <= 2) {
      if (!valid_civil(c)) return std::nullopt;
      r.civil.hour = c.hour;
      r.civil.minute = c.minute;
      r.civil.second = c.second;
      r.civil.nanos = c.nanos;
      r.has_time = true;
      return r;
    }
  }
  // Skip an optional weekday name ("Fri, 09 Oct 2026 ...").
  for (const char* day : kDayShort) {
    if (ieq_prefix(s, 0, day) && s.size() > 4 && (s[3] == ',' || s[3] == ' ')) {
      i = 3;
      if (s[i] == ',') ++i;
      skip_spaces(s, i);
      break;
    }
  }
  std::size_t start = i;
  int n = read_digits(s, i, 9, v);
  if (n >= 4 && i < s.size() && (s[i] == '-' || s[i] == '/')) {
    // YYYY-MM-DD
    char sep = s[i];
    r.civil.year = v;
    ++i;
    if (read_digits(s, i, 2, v) == 0) return std::nullopt;
    r.civil.month = static_cast<int>(v);
    if (i >= s.size() || s[i] != sep) return std::nullopt;
    ++i;
    if (read_digits(s, i, 2, v) == 0) return std::nullopt;
    r.civil.day = static_cast<int>(v);
  } else if (n > 0 && n <= 2 && i < s.size() && s[i] == '/') {
    // MM/DD/YYYY
    r.civil.month = static_cast<int>(v);
    ++i;
    if (read_digits(s, i, 2, v) == 0) return std::nullopt;
    r.civil.day = static_cast<int>(v);
    if (i >= s.size() || s[i] != '/') return std::nullopt;
    ++i;
    if (read_digits(s, i, 4, v) != 4) return std::nullopt;
    r.civil.year = v;
  } else if (n > 0 && n <= 2 && i < s.size() && (s[i] == '-' || s[i] == ' ')) {
    // DD-MON-YYYY or DD Mon YYYY
    char sep = s[i];
    r.civil.day = static_cast<int>(v);
    ++i;
    auto m = month_from_name(s, i);
    if (!m || i >= s.size() || s[i] != sep) return std::nullopt;
    r.civil.month = *m;
    ++i;
    if (read_digits(s, i, 4, v) != 4) return std::nullopt;
    r.civil.year = v;
  } else {
    (void)start;
    return std::nullopt;
  }
  r.has_date = true;
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    std::size_t j = i + 1;
    skip_spaces(s, j);
    Civil c;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && parse_clock(s, j, c)) {
      r.civil.hour = c.hour;
      r.civil.minute = c.minute;
      r.civil.second = c.second;
      r.civil.nanos = c.nanos;
      r.has_time = true;
      i = j;
      if (!parse_zone_suffix(s, i, r.offset_minutes)) return std::nullopt;
    }
  }
  skip_spaces(s, i);
  if (i != s.size()) return std::nullopt;
  if (!valid_civil(r.civil)) return std::nullopt;
  return r;
}

namespace {

// One element of a format string.
struct FormatElement {
  enum class Kind {
    literal,
    yyyy,
    yy,
    mm,
    mon,
    mmmm,
    dd,
    dy,
    day,
    hh24,
    hh12,
    ampm,
    mi,
    ss,
    ff,
    tzh,
    tzm,
  } kind = Kind::literal;
  std::string text;  // literal text
  int digits = 9;    // FF digits
};

std::vector<FormatElement> compile_format(std::string_view f) {
  std::vector<FormatElement> out;
  std::size_t i = 0;
  auto lit = [&](std::string t) {
    if (!out.empty() && out.back().kind == FormatElement::Kind::literal) {
      out.back().text += t;
    } else {
      FormatElement e;
      e.text = std::move(t);
      out.push_back(std::move(e));
    }
  };
  auto add = [&](FormatElement::Kind k, std::size_t len, int digits = 9) {
    FormatElement e;
    e.kind = k;
    e.digits = digits;
    out.push_back(e);
    i += len;
  };
  using K = FormatElement::Kind;
  while (i < f.size()) {
    if (f[i] == '"') {
      auto close = f.find('"', i + 1);
      if (close == std::string_view::npos) close = f.size();
      lit(std::string(f.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (ieq_prefix(f, i, "YYYY")) {
      add(K::yyyy, 4);
    } else if (ieq_prefix(f, i, "YY")) {
      add(K::yy, 2);
    } else if (ieq_prefix(f, i, "MMMM")) {
      add(K::mmmm, 4);
    } else if (ieq_prefix(f, i, "MON")) {
      add(K::mon, 3);
    } else if (ieq_prefix(f, i, "MM")) {
      add(K::mm, 2);
    } else if (ieq_prefix(f, i, "MI")) {
      add(K::mi, 2);
    } else if (ieq_prefix(f, i, "DD")) {
      add(K::dd, 2);
    } else if (ieq_prefix(f, i, "DY")) {
      add(K::dy, 2);
    } else if (ieq_prefix(f, i, "DAY")) {
      add(K::day, 3);
    } else if (ieq_prefix(f, i, "HH24")) {
      add(K::hh24, 4);
    } else if (ieq_prefix(f, i, "HH12")) {
      add(K::hh12, 4);
    } else if (ieq_prefix(f, i, "HH")) {
      add(K::hh24, 2);
    } else if (ieq_prefix(f, i, "AM") || ieq_prefix(f, i, "PM")) {
      add(K::ampm, 2);
    } else if (ieq_prefix(f, i, "SS")) {
      add(K::ss, 2);
    } else if (ieq_prefix(f, i, "FF")) {
      int digits = 9;
      std::size_t len = 2;
      if (i + 2 < f.size() && std::isdigit(static_cast<unsigned char>(f[i + 2]))) {
        digits = f[i + 2] - '0';
        len = 3;
      }
      add(K::ff, len, digits);
    } else if (ieq_prefix(f, i, "TZH")) {
      add(K::tzh, 3);
    } else if (ieq_prefix(f, i, "TZM")) {
      add(K::tzm, 3);
    } else {
      lit(std::string(1, f[i]));
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string format_datetime(std::string_view format, const Civil& c, int offset_minutes) {
  std::string out;
  char buf[32];
  using K = FormatElement::Kind;
  std::int64_t days = days_from_civil(c.year, c.month, c.day);
  auto elements = compile_format(format);
  for (std::size_t k = 0; k < elements.size(); ++k) {
    const auto& e = elements[k];
    if (e.kind == K::tzh && offset_minutes == 0) {
      // A zero offset written as hours and minutes (TZHTZM, TZH:TZM) is Snowflake's "Z".
      std::size_t m = k + 1;
      if (m < elements.size() && elements[m].kind == K::literal && elements[m].text == ":") ++m;
      if (m < elements.size() && elements[m].kind == K::tzm) {
        out += 'Z';
        k = m;
        continue;
      }
    }
    switch (e.kind) {
      case K::literal:
        out += e.text;
        break;
      case K::yyyy:
        std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(c.year));
        out += buf;
        break;
      case K::yy:
        std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(floor_mod(c.year, 100)));
        out += buf;
        break;
      case K::mm:
        std::snprintf(buf, sizeof buf, "%02d", c.month);
        out += buf;
        break;
      case K::mon:
        out += kMonthShort[c.month - 1];
        break;
      case K::mmmm:
        out += kMonthLong[c.month - 1];
        break;
      case K::dd:
        std::snprintf(buf, sizeof buf, "%02d", c.day);
        out += buf;
        break;
      case K::dy:
        out += kDayShort[weekday_from_days(days)];
        break;
      case K::day:
        out += kDayLong[weekday_from_days(days)];
        break;
      case K::hh24:
        std::snprintf(buf, sizeof buf, "%02d", c.hour);
        out += buf;
        break;
      case K::hh12: {
        int h = c.hour % 12;
        std::snprintf(buf, sizeof buf, "%02d", h == 0 ? 12 : h);
        out += buf;
        break;
      }
      case K::ampm:
        out += c.hour < 12 ? "AM" : "PM";
        break;
      case K::mi:
        std::snprintf(buf, sizeof buf, "%02d", c.minute);
        out += buf;
        break;
      case K::ss:
        std::snprintf(buf, sizeof buf, "%02d", c.second);
        out += buf;
        break;
      case K::ff: {
        std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(c.nanos));
        out.append(buf, static_cast<std::size_t>(e.digits));
        break;
      }
      case K::tzh: {
        int off = offset_minutes;
        std::snprintf(buf, sizeof buf, "%c%02d", off < 0 ? '-' : '+', std::abs(off) / 60);
        out += buf;
        break;
      }
      case K::tzm:
        std::snprintf(buf, sizeof buf, "%02d", std::abs(offset_minutes) % 60);
        out += buf;
        break;
    }
  }
  return out;
}

std::optional<ParsedDateTime> parse_datetime_format(std::string_view text,
                                                    std::string_view format) {
  std::string f = lower(format);
  if (f == "auto") return parse_datetime_auto(text);
  ParsedDateTime r;
  std::size_t i = 0;
  std::string_view s = text;
  bool pm = false;
  bool has_ampm = false;
  using K = FormatElement::Kind;
  for (const auto& e : compile_format(format)) {
    std::int64_t v = 0;
    switch (e.kind) {
      case K::literal:
        for (char ch : e.text) {
          if (std::isspace(static_cast<unsigned char>(ch))) {
            skip_spaces(s, i);
            continue;
          }
          if (i >= s.size() || std::toupper(static_cast<unsigned char>(s[i])) !=
                                   std::toupper(static_cast<unsigned char>(ch))) {
            return std::nullopt;
          }
          ++i;
        }
        break;
      case K::yyyy:
        if (read_digits(s, i, 4, v) == 0) return std::nullopt;
        r.civil.year = v;
        r.has_date = true;
        break;
      case K::yy:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.year = v < 70 ? 2000 + v : 1900 + v;
        r.has_date = true;
        break;
      case K::mm:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.month = static_cast<int>(v);
        r.has_date = true;
        break;
      case K::mon:
      case K::mmmm: {
        auto m = month_from_name(s, i);
        if (!m) return std::nullopt;
        r.civil.month = *m;
        r.has_date = true;
        break;
      }
      case K::dd:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.day = static_cast<int>(v);
        r.has_date = true;
        break;
      case K::dy:
      case K::day: {
        bool ok = false;
        for (int d = 0; d < 7 && !ok; ++d) {
          if (ieq_prefix(s, i, kDayLong[d])) {
            i += std::string_view(kDayLong[d]).size();
            ok = true;
          } else if (ieq_prefix(s, i, kDayShort[d])) {
            i += 3;
            ok = true;
          }
        }
        if (!ok) return std::nullopt;
        break;
      }
      case K::hh24:
      case K::hh12:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.hour = static_cast<int>(v);
        r.has_time = true;
        break;
      case K::ampm:
        if (ieq_prefix(s, i, "PM")) {
          pm = true;
        } else if (!ieq_prefix(s, i, "AM")) {
          return std::nullopt;
        }
        has_ampm = true;
        i += 2;
        break;
      case K::mi:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.minute = static_cast<int>(v);
        r.has_time = true;
        break;
      case K::ss:
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.civil.second = static_cast<int>(v);
        r.has_time = true;
        break;
      case K::ff:
        if (!read_fraction(s, i, r.civil.nanos)) return std::nullopt;
        break;
      case K::tzh: {
        if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return std::nullopt;
        int sign = s[i] == '-' ? -1 : 1;
        ++i;
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        r.offset_minutes = sign * static_cast<int>(v) * 60;
        break;
      }
      case K::tzm: {
        if (i < s.size() && s[i] == ':') ++i;
        if (read_digits(s, i, 2, v) == 0) return std::nullopt;
        int base = r.offset_minutes.value_or(0);
        r.offset_minutes = base < 0 ? base - static_cast<int>(v) : base + static_cast<int>(v);
        break;
      }
    }
  }
  skip_spaces(s, i);
  if (i != s.size()) return std::nullopt;
  if (has_ampm) {
    if (r.civil.hour < 1 || r.civil.hour > 12) return std::nullopt;
    r.civil.hour = r.civil.hour % 12 + (pm ? 12 : 0);
  }
  if (!valid_civil(r.civil)) return std::nullopt;
  return r;
}

}  // namespace mock_snowflake::engine
