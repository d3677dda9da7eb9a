// functions_string.cpp — Snowflake functions as SQLite UDFs: LIKE, regular expressions, case
// mapping, padding, splitting, encodings and TO_CHAR.
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
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

using namespace udf;

// LIKE with % and _ (code points), an optional escape, optional case folding.
bool like_match(const std::u32string& s, std::size_t si, const std::u32string& p, std::size_t pi,
                char32_t escape, int depth) {
  if (depth > 10000) return false;
  while (pi < p.size()) {
    char32_t c = p[pi];
    if (escape && c == escape && pi + 1 < p.size()) {
      if (si >= s.size() || s[si] != p[pi + 1]) return false;
      ++si;
      pi += 2;
      continue;
    }
    if (c == '%') {
      while (pi < p.size() && p[pi] == '%') ++pi;
      if (pi == p.size()) return true;
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (like_match(s, k, p, pi, escape, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (c != '_' && c != s[si]) return false;
    ++si;
    ++pi;
  }
  return si == s.size();
}

void fn_like(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    bool ci = sqlite3_value_int(argv[3]) != 0;
    std::string s = text_arg(argv[0]);
    std::string p = text_arg(argv[1]);
    if (ci) {
      s = utf8_lower(s);
      p = utf8_lower(p);
    }
    char32_t escape = 0;
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
      auto e = utf8_decode(text_arg(argv[2]));
      if (!e.empty()) escape = e[0];
    }
    sqlite3_result_int(ctx, like_match(utf8_decode(s), 0, utf8_decode(p), 0, escape, 0) ? 1 : 0);
  });
}

const std::regex& cached_regex(const std::string& pattern, const std::string& flags) {
  thread_local std::map<std::string, std::regex> cache;
  std::string key = flags + '\x1f' + pattern;
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() > 128) cache.clear();
  auto f = std::regex::ECMAScript;
  if (flags.find('i') != std::string::npos && flags.find('c') == std::string::npos)
    f |= std::regex::icase;
  if (flags.find('m') != std::string::npos) f |= std::regex::multiline;
  try {
    return cache.emplace(key, std::regex(pattern, f)).first->second;
  } catch (const std::regex_error&) {
    throw SfError("100048", "2201B", "Invalid regular expression: '" + pattern + "'");
  }
}

std::string regex_flags(int argc, sqlite3_value** argv, int index) {
  if (argc > index && sqlite3_value_type(argv[index]) != SQLITE_NULL) return text_arg(argv[index]);
  return "c";
}

void fn_rlike(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 2));
    sqlite3_result_int(ctx, std::regex_match(text_arg(argv[0]), re) ? 1 : 0);
  });
}

void fn_regexp_replace(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::string replacement = argc > 2 ? text_arg(argv[2]) : "";
    // Snowflake writes back-references as \1; std::regex wants $1.
    std::string fmt;
    for (std::size_t i = 0; i < replacement.size(); ++i) {
      if (replacement[i] == '\\' && i + 1 < replacement.size() &&
          std::isdigit(static_cast<unsigned char>(replacement[i + 1]))) {
        fmt += "$";
        fmt += replacement[++i];
      } else if (replacement[i] == '$') {
        fmt += "$$";
      } else {
        fmt += replacement[i];
      }
    }
    std::int64_t position = argc > 3 ? int_arg(argv[3]) : 1;
    std::int64_t occurrence = argc > 4 ? int_arg(argv[4]) : 0;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 5));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    if (start > s.size()) start = s.size();
    std::string prefix = s.substr(0, start);
    std::string rest = s.substr(start);
    if (occurrence == 0) {
      result_text(ctx, prefix + std::regex_replace(rest, re, fmt));
      return;
    }
    std::string out;
    auto begin = std::sregex_iterator(rest.begin(), rest.end(), re);
    std::int64_t n = 0;
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      if (++n == occurrence) {
        out = rest.substr(0, static_cast<std::size_t>(it->position())) + it->format(fmt);
        last = static_cast<std::size_t>(it->position() + it->length());
        out += rest.substr(last);
        result_text(ctx, prefix + out);
        return;
      }
    }
    result_text(ctx, s);
  });
}

void fn_regexp_substr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    std::int64_t occurrence = argc > 3 ? int_arg(argv[3]) : 1;
    std::string flags = regex_flags(argc, argv, 4);
    std::int64_t group =
        argc > 5 ? int_arg(argv[5]) : (flags.find('e') != std::string::npos ? 1 : 0);
    const std::regex& re = cached_regex(text_arg(argv[1]), flags);
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    if (start > s.size()) return sqlite3_result_null(ctx);
    std::string rest = s.substr(start);
    std::int64_t n = 0;
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), re); it != std::sregex_iterator();
         ++it) {
      if (++n == std::max<std::int64_t>(1, occurrence)) {
        if (static_cast<std::size_t>(group) >= it->size()) return sqlite3_result_null(ctx);
        result_text(ctx, (*it)[static_cast<std::size_t>(group)].str());
        return;
      }
    }
    sqlite3_result_null(ctx);
  });
}

void fn_regexp_count(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 3));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    std::string rest = start <= s.size() ? s.substr(start) : "";
    auto n =
        std::distance(std::sregex_iterator(rest.begin(), rest.end(), re), std::sregex_iterator());
    sqlite3_result_int64(ctx, n);
  });
}

void fn_regexp_instr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(std::min(argc, 2), argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t position = argc > 2 ? int_arg(argv[2]) : 1;
    std::int64_t occurrence = argc > 3 ? int_arg(argv[3]) : 1;
    std::int64_t option = argc > 4 ? int_arg(argv[4]) : 0;
    const std::regex& re = cached_regex(text_arg(argv[1]), regex_flags(argc, argv, 5));
    std::size_t start = static_cast<std::size_t>(std::max<std::int64_t>(1, position) - 1);
    std::string rest = start <= s.size() ? s.substr(start) : "";
    std::int64_t n = 0;
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), re); it != std::sregex_iterator();
         ++it) {
      if (++n == std::max<std::int64_t>(1, occurrence)) {
        std::int64_t p =
            static_cast<std::int64_t>(start) + it->position() + 1 + (option ? it->length() : 0);
        sqlite3_result_int64(ctx, p);
        return;
      }
    }
    sqlite3_result_int64(ctx, 0);
  });
}

void fn_regexp_like(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_rlike(ctx, argc, argv);
}

void fn_upper(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, utf8_upper(text_arg(argv[0])));
}
void fn_lower(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, utf8_lower(text_arg(argv[0])));
}
void fn_initcap(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::u32string u = utf8_decode(text_arg(argv[0]));
  bool start = true;
  for (auto& c : u) {
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0 || (c >= '0' && c <= '9');
    c = start ? to_upper_cp(c) : to_lower_cp(c);
    start = !letter;
  }
  result_text(ctx, utf8_encode(u));
}
void fn_reverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::u32string u = utf8_decode(text_arg(argv[0]));
  std::reverse(u.begin(), u.end());
  result_text(ctx, utf8_encode(u));
}

void fn_substr(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(argc, argv)) return sqlite3_result_null(ctx);
    bool binary = sqlite3_value_type(argv[0]) == SQLITE_BLOB;
    std::string raw = blob_or_text(argv[0]);
    std::int64_t start = int_arg(argv[1]);
    std::u32string u = binary ? std::u32string() : utf8_decode(raw);
    std::int64_t n =
        binary ? static_cast<std::int64_t>(raw.size()) : static_cast<std::int64_t>(u.size());
    std::int64_t from = start > 0    ? start - 1
                        : start == 0 ? 0
                                     : std::max<std::int64_t>(0, n + start);
    std::int64_t len = argc == 3 ? int_arg(argv[2]) : n;
    if (len < 0) len = 0;
    from = std::min(from, n);
    std::int64_t to = std::min(n, from + len);
    if (binary) {
      std::string out =
          raw.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
      sqlite3_result_blob64(ctx, out.data(), out.size(), SQLITE_TRANSIENT);
    } else {
      result_text(ctx, utf8_encode(u.substr(static_cast<std::size_t>(from),
                                            static_cast<std::size_t>(to - from))));
    }
  });
}

void fn_check_length(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    int type = sqlite3_value_type(argv[0]);
    if (type == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::int64_t limit = sqlite3_value_int64(argv[1]);
    std::string v = blob_or_text(argv[0]);
    auto length = type == SQLITE_BLOB ? static_cast<std::int64_t>(v.size())
                                      : static_cast<std::int64_t>(utf8_decode(v).size());
    if (length > limit) {
      throw SfError("100078", "22001",
                    "User character length limit (" + std::to_string(limit) +
                        ") exceeded by string '" + (type == SQLITE_BLOB ? to_hex(v) : v) + "'");
    }
    sqlite3_result_value(ctx, argv[0]);
  });
}

void fn_repeat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::int64_t n = int_arg(argv[1]);
    if (n <= 0 || s.empty()) return result_text(ctx, "");
    if (static_cast<std::uint64_t>(n) * s.size() > static_cast<std::uint64_t>(kMaxByteLength)) {
      throw SfError("100078", "22000", "String is too long");
    }
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) out += s;
    result_text(ctx, out);
  });
}

void pad(sqlite3_context* ctx, sqlite3_value** argv, bool left) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string s = utf8_decode(text_arg(argv[0]));
    std::int64_t n = std::max<std::int64_t>(0, int_arg(argv[1]));
    std::u32string p = utf8_decode(text_arg(argv[2]));
    if (static_cast<std::int64_t>(s.size()) >= n) {
      result_text(ctx, utf8_encode(s.substr(0, static_cast<std::size_t>(n))));
      return;
    }
    if (p.empty()) return result_text(ctx, utf8_encode(s));
    std::u32string fill;
    while (static_cast<std::int64_t>(fill.size() + s.size()) < n) fill += p;
    fill.resize(static_cast<std::size_t>(n) - s.size());
    result_text(ctx, utf8_encode(left ? fill + s : s + fill));
  });
}
void fn_lpad(sqlite3_context* ctx, int, sqlite3_value** argv) { pad(ctx, argv, true); }
void fn_rpad(sqlite3_context* ctx, int, sqlite3_value** argv) { pad(ctx, argv, false); }

void fn_split_part(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto parts = split_text(text_arg(argv[0]), text_arg(argv[1]));
    std::int64_t n = int_arg(argv[2]);
    if (n == 0) n = 1;
    std::int64_t size = static_cast<std::int64_t>(parts.size());
    std::int64_t idx = n > 0 ? n - 1 : size + n;
    if (idx < 0 || idx >= size) return result_text(ctx, "");
    result_text(ctx, parts[static_cast<std::size_t>(idx)]);
  });
}

void fn_split(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue arr = JsonValue::make_array();
    for (auto& p : split_text(text_arg(argv[0]), text_arg(argv[1])))
      arr.items.push_back(JsonValue::make_string(p));
    result_json(ctx, arr);
  });
}

std::vector<std::string> tokens_of(const std::string& s, const std::string& delims) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (delims.find(c) != std::string::npos) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void fn_strtok(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    auto toks = tokens_of(text_arg(argv[0]), text_arg(argv[1]));
    std::int64_t n = int_arg(argv[2]);
    if (n < 1 || n > static_cast<std::int64_t>(toks.size())) return sqlite3_result_null(ctx);
    result_text(ctx, toks[static_cast<std::size_t>(n - 1)]);
  });
}

void fn_strtok_to_array(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue arr = JsonValue::make_array();
    for (auto& t : tokens_of(text_arg(argv[0]), text_arg(argv[1])))
      arr.items.push_back(JsonValue::make_string(t));
    result_json(ctx, arr);
  });
}

void fn_position(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string needle = utf8_decode(text_arg(argv[0]));
    std::u32string hay = utf8_decode(text_arg(argv[1]));
    std::int64_t start = std::max<std::int64_t>(1, int_arg(argv[2]));
    if (start > static_cast<std::int64_t>(hay.size()) + 1) return sqlite3_result_int64(ctx, 0);
    auto pos = hay.find(needle, static_cast<std::size_t>(start - 1));
    sqlite3_result_int64(ctx, pos == std::u32string::npos ? 0 : static_cast<std::int64_t>(pos) + 1);
  });
}

void fn_translate(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::u32string s = utf8_decode(text_arg(argv[0]));
    std::u32string from = utf8_decode(text_arg(argv[1]));
    std::u32string to = utf8_decode(text_arg(argv[2]));
    std::u32string out;
    for (char32_t c : s) {
      auto pos = from.find(c);
      if (pos == std::u32string::npos) {
        out.push_back(c);
      } else if (pos < to.size()) {
        out.push_back(to[pos]);
      }
    }
    result_text(ctx, utf8_encode(out));
  });
}

// INSERT(base, pos, len, insert): replaces `len` characters of `base` from the 1-based `pos`
// (past the end: appends); a position below 1 counts as 1 and a negative length as 0.
void fn_insert(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(4, argv)) return sqlite3_result_null(ctx);
    std::u32string s = utf8_decode(text_arg(argv[0]));
    std::int64_t pos = std::max<std::int64_t>(int_arg(argv[1]), 1) - 1;
    std::int64_t len = std::max<std::int64_t>(int_arg(argv[2]), 0);
    auto start = std::min(static_cast<std::size_t>(pos), s.size());
    auto count = std::min(static_cast<std::size_t>(len), s.size() - start);
    s.replace(start, count, utf8_decode(text_arg(argv[3])));
    result_text(ctx, utf8_encode(s));
  });
}

void fn_editdistance(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    std::u32string a = utf8_decode(text_arg(argv[0]));
    std::u32string b = utf8_decode(text_arg(argv[1]));
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        cur[j] =
            std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(prev[b.size()]));
  });
}

void fn_base64_encode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_text(ctx, to_base64(blob_or_text(argv[0])));
}

void fn_base64_decode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    auto bytes = from_base64(text_arg(argv[0]));
    if (!bytes)
      throw SfError(
          "100114", "22000",
          "The following string is not a legal base64-encoded value: '" + text_arg(argv[0]) + "'");
    sqlite3_result_blob64(ctx, bytes->data(), bytes->size(), SQLITE_TRANSIENT);
  });
}

void fn_hex_decode(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    auto bytes = from_hex(text_arg(argv[0]));
    if (!bytes)
      throw SfError(
          "100115", "22000",
          "The following string is not a legal hex-encoded value: '" + text_arg(argv[0]) + "'");
    sqlite3_result_blob64(ctx, bytes->data(), bytes->size(), SQLITE_TRANSIENT);
  });
}

// Numeric TO_CHAR formats: 9 / 0 digits, '.', ',', '$', leading 'MI'/'S' ignored.
std::string format_number(double v, const std::string& fmt) {
  auto dot = fmt.find_first_of(".D");
  int scale = 0;
  if (dot != std::string::npos) {
    for (std::size_t i = dot + 1; i < fmt.size(); ++i)
      scale += (fmt[i] == '9' || fmt[i] == '0') ? 1 : 0;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f", scale, std::fabs(v));
  std::string digits = buf;
  std::string whole = digits.substr(0, digits.find('.'));
  std::string frac =
      digits.find('.') == std::string::npos ? "" : digits.substr(digits.find('.') + 1);
  if (fmt.find(',') != std::string::npos || fmt.find('G') != std::string::npos) {
    std::string grouped;
    int n = 0;
    for (auto it = whole.rbegin(); it != whole.rend(); ++it) {
      if (n > 0 && n % 3 == 0) grouped.insert(grouped.begin(), ',');
      grouped.insert(grouped.begin(), *it);
      ++n;
    }
    whole = grouped;
  }
  std::string out =
      (v < 0 ? "-" : "") + std::string(fmt.find('$') != std::string::npos ? "$" : "") + whole;
  if (scale > 0) out += "." + frac;
  return out;
}

void fn_to_char(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    SfType type = parse_type_spec(text_arg(argv[1]));
    std::string fmt = sqlite3_value_type(argv[2]) == SQLITE_NULL ? "" : text_arg(argv[2]);
    const ValueContext& vc = state_of(ctx)->values;
    if (type.kind == TypeKind::date || type.is_timestamp() || type.kind == TypeKind::time) {
      Temporal t = load_temporal(argv[0], type, vc);
      result_text(ctx, format_datetime(fmt, civil_from_wall_nanos(t.wall), t.offset));
      return;
    }
    if (type.is_numeric()) {
      result_text(ctx, format_number(double_arg(argv[0]), fmt));
      return;
    }
    if (type.kind == TypeKind::binary) {
      std::string f = text::upper(fmt);
      std::string bytes = blob_or_text(argv[0]);
      result_text(ctx, f == "BASE64"                 ? to_base64(bytes)
                       : f == "UTF-8" || f == "UTF8" ? bytes
                                                     : to_hex(bytes));
      return;
    }
    result_text(ctx, value_to_text(val_from_sqlite(argv[0]), type, vc));
  });
}

}  // namespace

void register_string_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_like", 4, st, fn_like);
  reg(db, "sf_rlike", 3, st, fn_rlike);
  reg(db, "sf_regexp_replace", -1, st, fn_regexp_replace);
  reg(db, "sf_regexp_substr", -1, st, fn_regexp_substr);
  reg(db, "sf_regexp_count", -1, st, fn_regexp_count);
  reg(db, "sf_regexp_instr", -1, st, fn_regexp_instr);
  reg(db, "sf_regexp_like", -1, st, fn_regexp_like);
  reg(db, "sf_upper", 1, st, fn_upper);
  reg(db, "sf_lower", 1, st, fn_lower);
  reg(db, "sf_initcap", 1, st, fn_initcap);
  reg(db, "sf_reverse", 1, st, fn_reverse);
  reg(db, "sf_substr", 2, st, fn_substr);
  reg(db, "sf_substr", 3, st, fn_substr);
  reg(db, "sf_repeat", 2, st, fn_repeat);
  reg(db, "sf_check_length", 2, st, fn_check_length);
  reg(db, "sf_lpad", 3, st, fn_lpad);
  reg(db, "sf_rpad", 3, st, fn_rpad);
  reg(db, "sf_split_part", 3, st, fn_split_part);
  reg(db, "sf_split", 2, st, fn_split);
  reg(db, "sf_strtok", 3, st, fn_strtok);
  reg(db, "sf_strtok_to_array", 2, st, fn_strtok_to_array);
  reg(db, "sf_position", 3, st, fn_position);
  reg(db, "sf_translate", 3, st, fn_translate);
  reg(db, "sf_insert", 4, st, fn_insert);
  reg(db, "sf_editdistance", 2, st, fn_editdistance);
  reg(db, "sf_base64_encode", 1, st, fn_base64_encode);
  reg(db, "sf_base64_decode", 1, st, fn_base64_decode);
  reg(db, "sf_hex_decode", 1, st, fn_hex_decode);
  reg(db, "sf_to_char", 3, st, fn_to_char);
}

}  // namespace mock_snowflake::engine
