// partition_scanner.cpp — the fast reader of `{"data":[[...],...]}` bodies (see the header). A
// hand-written loop over rows and cells; strings are searched 16 bytes at a time with SSE2 where
// the compiler targets it. Anything it does not expect ends the scan (RapidJSON reads the rest).
#include "decode/partition_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sfq::detail {
namespace {

// Pages of a mapped body are handed back in steps of this many bytes (as the RapidJSON reader
// does): few system calls, little held.
constexpr std::ptrdiff_t kReleaseStep = std::ptrdiff_t{1} << 20;

constexpr std::string_view kOpening = R"({"data":[)";

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A byte that ends the plain run of a string: its closing quote, an escape, or a control
// character (which JSON does not allow raw, NUL included).
bool is_special(char c) noexcept {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// The first special byte in [p, end), or end.
const char* find_special(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1F);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(chunk, control_max), chunk));  // byte <= 0x1F
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
#endif
  while (p < end && !is_special(*p)) ++p;
  return p;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (p + 4 <= end checked by the caller); -1 when they are not.
long hex4(const char* p) noexcept {
  long value = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = hex_digit(p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Writes code point `cp` as UTF-8 at `out`; returns the bytes written (1 to 4).
std::size_t put_utf8(char* out, unsigned long cp) noexcept {
  if (cp <= 0x7F) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp <= 0x7FF) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp <= 0xFFFF) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// The byte an escape letter stands for ('u' and invalid letters: 0).
constexpr std::array<char, 128> kEscapes = [] {
  std::array<char, 128> table{};
  table['"'] = '"';
  table['\\'] = '\\';
  table['/'] = '/';
  table['b'] = '\b';
  table['f'] = '\f';
  table['n'] = '\n';
  table['r'] = '\r';
  table['t'] = '\t';
  return table;
}();

// A string's text with its escapes decoded, in a buffer reused from cell to cell.
class Unescaper {
 public:
  // Decodes the rest of a string whose plain run [start, p) ended at a backslash (p). Returns
  // the position after the closing quote and sets `cell`, or nullptr where anything is not a
  // plain, well-formed JSON string (RapidJSON then decides).
  const char* run(const char* start, const char* p, const char* end, std::string_view& cell) {
    std::size_t n = 0;
    copy(n, start, p, end);
    while (true) {
      // p is at a backslash.
      if (end - p < 2) return nullptr;
      const auto letter = static_cast<unsigned char>(p[1]);
      room(n, 4);
      if (letter != 'u') {
        const char byte = letter < kEscapes.size() ? kEscapes[letter] : '\0';
        if (byte == '\0') return nullptr;
        buffer_[n++] = byte;
        p += 2;
      } else {
        if (end - p < 6) return nullptr;
        long cp = hex4(p + 2);
        if (cp < 0) return nullptr;
        p += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // Only a well-formed pair; anything else (a lone half) is RapidJSON's to judge.
          if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return nullptr;
          const long low = hex4(p + 2);
          if (low < 0xDC00 || low > 0xDFFF) return nullptr;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          p += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return nullptr;
        }
        n += put_utf8(buffer_.data() + n, static_cast<unsigned long>(cp));
      }
      const char* stop = find_special(p, end);
      if (stop == end) return nullptr;
      copy(n, p, stop, end);
      if (*stop == '"') {
        cell = std::string_view(buffer_.data(), n);
        return stop + 1;
      }
      if (*stop != '\\') return nullptr;
      p = stop;
    }
  }

 private:
  // Makes room for `more` bytes after the first n.
  void room(std::size_t n, std::size_t more) {
    if (n + more > buffer_.size()) buffer_.resize(std::max(2 * buffer_.size(), n + more + 256));
  }

  // Appends [from, to) (inside a body that goes on to `end`) after the first n bytes.
  void copy(std::size_t& n, const char* from, const char* to, const char* end) {
    const auto length = static_cast<std::size_t>(to - from);
    room(n, length + 16);
#if defined(__SSE2__)
    if (length <= 16 && end - from >= 16) {  // most runs between escapes are short
      _mm_storeu_si128(reinterpret_cast<__m128i*>(buffer_.data() + n),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(from)));
      n += length;
      return;
    }
#else
    (void)end;
#endif
    std::memcpy(buffer_.data() + n, from, length);
    n += length;
  }

  std::string buffer_;
};

// A JSON-typed cell sent pretty-printed (`"{\n  \"k\": [\n    1\n  ]\n}"`) minified straight from
// its escaped text, without decoding the escapes first: the same output as decoding them and then
// minify_snowflake_json (decode/json_text.hpp), in one pass. It takes what the server writes —
// whitespace as spaces and \n, \t, \r escapes, strings and keys in \" escapes, ASCII — and gives
// up (nullptr) on anything else, valid or not, which then goes the general way.
class EscapedJsonMinifier {
 public:
  // `p`: just after the cell's opening quote. Returns the position after its closing quote and
  // sets `minified`, or nullptr.
  const char* run(const char* p, const char* end, std::string_view& minified) {
    n_ = 0;
    depth_ = 0;
    stack_ = 0;
    expect_ = Expect::value;
    while (true) {
      if (p == end) return nullptr;
      const char c = *p;
      if (c == ' ') {
        ++p;
        continue;
      }
      if (c == '"') break;  // the cell's closing quote
      if (c == '\\') {
        if (end - p < 2) return nullptr;
        const char e = p[1];
        if (e == 'n' || e == 't' || e == 'r') {  // whitespace
          p += 2;
          continue;
        }
        if (e != '"') return nullptr;
        if (expect_ == Expect::value || expect_ == Expect::value_or_end) {
          p = string(p + 2, end);
          after_value();
        } else if (expect_ == Expect::key || expect_ == Expect::key_or_end) {
          p = string(p + 2, end);
          expect_ = Expect::colon;
        } else {
          return nullptr;
        }
        if (p == nullptr) return nullptr;
        continue;
      }
      p = token(p, end);
      if (p == nullptr) return nullptr;
    }
    if (expect_ != Expect::done) return nullptr;
    minified = std::string_view(buffer_.data(), n_);
    return p + 1;
  }

 private:
  enum class Expect { value, value_or_end, key, key_or_end, colon, comma_or_end, done };

  void put(char c) {
    if (n_ == buffer_.size()) buffer_.resize(2 * buffer_.size() + 256);
    buffer_[n_++] = c;
  }

  [[nodiscard]] bool top_is_object() const noexcept { return ((stack_ >> (depth_ - 1)) & 1U) != 0; }

  void after_value() { expect_ = depth_ == 0 ? Expect::done : Expect::comma_or_end; }

  // An inner string after its opening \" (p). Returns the position after its closing \".
  const char* string(const char* p, const char* end) {
    put('"');
    while (true) {
      if (p == end) return nullptr;
      const char c = *p;
      if (c == '\\') {
        if (end - p < 2) return nullptr;
        const char e = p[1];
        if (e == '"') {
          put('"');
          return p + 2;
        }
        if (e != '\\') return nullptr;  // e.g. \n: a raw control character in the inner string
        // An escape inside the inner string: `\\` then what it escapes.
        p += 2;
        if (p == end) return nullptr;
        const char x = *p;
        if (x == '\\') {
          if (end - p < 2 || (p[1] != '"' && p[1] != '\\')) return nullptr;
          put('\\');
          put(p[1]);
          p += 2;
        } else if (x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') {
          put('\\');
          put(x);
          ++p;
        } else if (x == 'u') {
          if (end - p < 5 || hex4(p + 1) < 0) return nullptr;
          put('\\');
          for (int k = 0; k < 5; ++k) put(p[k]);
          p += 5;
        } else {
          return nullptr;
        }
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80 ||
                 c == '"') {
        return nullptr;
      } else {
        put(c);
        ++p;
      }
    }
  }

  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  const char* digits(const char* p, const char* end) {
    const char* const begin = p;
    while (p < end && is_digit(*p)) put(*p++);
    return p != begin ? p : nullptr;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  const char* number(const char* p, const char* end) {
    if (*p == '-') put(*p++);
    if (p < end && *p == '0') {
      put(*p++);
    } else if ((p = digits(p, end)) == nullptr) {
      return nullptr;
    }
    if (p < end && *p == '.') {
      put(*p++);
      if ((p = digits(p, end)) == nullptr) return nullptr;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      put(*p++);
      if (p < end && (*p == '+' || *p == '-')) put(*p++);
      if ((p = digits(p, end)) == nullptr) return nullptr;
    }
    return p;
  }

  const char* literal(const char* p, const char* end) {
    const char* const begin = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) ++p;
    const std::string_view word(begin, static_cast<std::size_t>(p - begin));
    std::string_view emitted;
    if (word == "true" || word == "false" || word == "null") {
      emitted = word;
    } else if (word == "undefined") {
      emitted = "null";
    } else {
      return nullptr;
    }
    for (const char c : emitted) put(c);
    return p;
  }

  // Anything but whitespace and strings, at p.
  const char* token(const char* p, const char* end) {
    const char c = *p;
    switch (expect_) {
      case Expect::value:
      case Expect::value_or_end:
        if (c == ']' && expect_ == Expect::value_or_end) {
          put(']');
          --depth_;
          after_value();
          return p + 1;
        }
        if (c == '{' || c == '[') {
          if (depth_ == 64) return nullptr;  // deeper: the general way
          put(c);
          stack_ = c == '{' ? stack_ | (std::uint64_t{1} << depth_)
                            : stack_ & ~(std::uint64_t{1} << depth_);
          ++depth_;
          expect_ = c == '{' ? Expect::key_or_end : Expect::value_or_end;
          return p + 1;
        }
        p = (c == '-' || is_digit(c)) ? number(p, end) : literal(p, end);
        if (p != nullptr) after_value();
        return p;
      case Expect::key_or_end:
        if (c != '}') return nullptr;
        put('}');
        --depth_;
        after_value();
        return p + 1;
      case Expect::colon:
        if (c != ':') return nullptr;
        put(':');
        expect_ = Expect::value;
        return p + 1;
      case Expect::comma_or_end:
        if (c == ',') {
          put(',');
          expect_ = top_is_object() ? Expect::key : Expect::value;
          return p + 1;
        }
        if (c != (top_is_object() ? '}' : ']')) return nullptr;
        put(c);
        --depth_;
        after_value();
        return p + 1;
      case Expect::key:
      case Expect::done:
        break;
    }
    return nullptr;
  }

  std::string buffer_;
  std::size_t n_ = 0;
  int depth_ = 0;
  std::uint64_t stack_ = 0;  // bit i: level i is an object
  Expect expect_ = Expect::value;
};

const char* skip_space(const char* p, const char* end) noexcept {
  while (p < end && is_space(*p)) ++p;
  return p;
}

}  // namespace

PartitionScan scan_partition(const char* begin, const char* end,
                             std::vector<ColumnBuilder>& builders, std::uint64_t first_row,
                             TextBuffer* owner) {
  PartitionScan scan;
  const auto size = static_cast<std::size_t>(end - begin);
  if (size < kOpening.size() || std::memcmp(begin, kOpening.data(), kOpening.size()) != 0) {
    return scan;
  }
  const bool release = owner != nullptr && owner->mapped();
  const char* released_to = begin;
  const std::size_t width = builders.size();
  Unescaper unescaper;
  EscapedJsonMinifier json_minifier;
  const char* p = skip_space(begin + kOpening.size(), end);
  if (p < end && *p == ']') {  // no rows
    ++p;
  } else {
    while (true) {
      // p: where a row belongs.
      if (p == end || *p != '[') return scan;
      p = skip_space(p + 1, end);
      const std::uint64_t result_row = first_row + scan.rows;
      for (std::size_t column = 0; column < width; ++column) {
        if (p == end) return scan;
        if (*p == '"') {
          const char* const start = p + 1;
          const char* stop = find_special(start, end);
          if (stop == end) return scan;
          std::string_view cell;
          bool minified = false;
          if (*stop == '"') {
            cell = std::string_view(start, static_cast<std::size_t>(stop - start));
            p = stop + 1;
          } else if (*stop == '\\') {
            // A JSON-typed value is minified from its escaped text where it can be.
            const char* after =
                builders[column].json_typed() ? json_minifier.run(start, end, cell) : nullptr;
            if (after != nullptr) {
              minified = true;
              p = after;
            } else {
              p = unescaper.run(start, stop, end, cell);
              if (p == nullptr) return scan;
            }
          } else {
            return scan;
          }
          if (minified) {
            builders[column].append_minified_json(cell);
          } else if (!builders[column].append(cell, result_row).ok()) {
            return scan;
          }
        } else if (end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
          builders[column].append_null();
          p += 4;
        } else {
          return scan;
        }
        if (p < end && is_space(*p)) p = skip_space(p, end);
        if (p == end) return scan;
        if (column + 1 < width) {
          if (*p != ',') return scan;
          p = skip_space(p + 1, end);
        }
      }
      if (p == end || *p != ']') return scan;
      ++p;
      ++scan.rows;
      scan.resume = p;
      if (release && p - released_to >= kReleaseStep) {
        // Every cell before this point is copied into the columns.
        owner->release_before(p);
        released_to = p;
      }
      p = skip_space(p, end);
      if (p == end) return scan;
      if (*p == ']') {
        ++p;
        break;
      }
      if (*p != ',') return scan;
      p = skip_space(p + 1, end);
    }
  }
  // After `data`: the end of the object, then nothing but whitespace.
  p = skip_space(p, end);
  if (p == end || *p != '}') return scan;
  p = skip_space(p + 1, end);
  scan.finished = p == end;
  return scan;
}

}  // namespace sfq::detail
