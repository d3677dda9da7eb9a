// timeutil_format.cpp — Snowflake's date and time text: parsing with the AUTO rules and with an
// explicit format (YYYY, MM, MON, DD, HH24, MI, SS, FF, TZH, TZM, ...), and formatting.
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

constexpr std::array<const char*, 12> kMonthShort = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 12> kMonthLong = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kDayShort = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 7> kDayLong = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                 "Thursday", "Friday", "Saturday"};

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

}  // namespace

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
  std::string f = text::lower(format);
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
