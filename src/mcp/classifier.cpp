// classifier.cpp — the read-only statement classifier: a small Snowflake lexer that refuses
// wherever Snowflake's reading could differ from its own, an allow-list of leading verbs, and
// checks over every token of the statement. Linear in the input; no recursion.
#include "mcp/classifier.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "mcp/json.hpp"
#include "util/text.hpp"

namespace sfq::mcp {

std::string_view to_string(StatementKind kind) noexcept {
  switch (kind) {
    case StatementKind::select:
      return "SELECT";
    case StatementKind::with_select:
      return "WITH … SELECT";
    case StatementKind::show:
      return "SHOW";
    case StatementKind::describe:
      return "DESCRIBE";
    case StatementKind::explain:
      return "EXPLAIN";
    case StatementKind::list:
      return "LIST";
  }
  return "?";
}

namespace {

constexpr std::string_view kReadVerbs =
    "execute_query runs only SELECT, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN and LIST";
constexpr std::string_view kWriteFix =
    "To run it, start the server with --allow-write and use the execute_statement tool.";

// SYSTEM$ functions that only read and reveal no secret. Every other SYSTEM$ name is refused:
// many of them cancel queries, abort sessions, change settings or write files.
constexpr std::array<std::string_view, 33> kReadOnlySystemFunctions = {
    "SYSTEM$WAIT",  // only with a literal wait of at most kMaxSystemWaitSeconds
    "SYSTEM$TYPEOF",
    "SYSTEM$CLUSTERING_INFORMATION",
    "SYSTEM$CLUSTERING_DEPTH",
    "SYSTEM$CLUSTERING_RATIO",
    "SYSTEM$EXPLAIN_PLAN_JSON",
    "SYSTEM$EXPLAIN_JSON_TO_TEXT",
    "SYSTEM$EXPLAIN_JSON_TO_HTML",
    "SYSTEM$GET_TAG",
    "SYSTEM$GET_TAG_ALLOWED_VALUES",
    "SYSTEM$GET_TAG_ON_CURRENT_COLUMN",
    "SYSTEM$GET_TAG_ON_CURRENT_TABLE",
    "SYSTEM$PIPE_STATUS",
    "SYSTEM$STREAM_HAS_DATA",
    "SYSTEM$STREAM_GET_TABLE_TIMESTAMP",
    "SYSTEM$LAST_CHANGE_COMMIT_TIME",
    "SYSTEM$ESTIMATE_SEARCH_OPTIMIZATION_COSTS",
    "SYSTEM$ESTIMATE_QUERY_ACCELERATION",
    "SYSTEM$BEHAVIOR_CHANGE_BUNDLE_STATUS",
    "SYSTEM$SHOW_ACTIVE_BEHAVIOR_CHANGE_BUNDLES",
    "SYSTEM$ALLOWLIST",
    "SYSTEM$ALLOWLIST_PRIVATELINK",
    "SYSTEM$GET_PRIVATELINK_CONFIG",
    "SYSTEM$GET_PRIVATELINK_AUTHORIZED_ENDPOINTS",
    "SYSTEM$GET_SNOWFLAKE_PLATFORM_INFO",
    "SYSTEM$GET_SERVICE_STATUS",
    "SYSTEM$DATABASE_REFRESH_PROGRESS",
    "SYSTEM$DATABASE_REFRESH_PROGRESS_BY_JOB",
    "SYSTEM$DATABASE_REFRESH_HISTORY",
    "SYSTEM$CURRENT_USER_TASK_NAME",
    "SYSTEM$TASK_RUNTIME_INFO",
    "SYSTEM$GET_PREDECESSOR_RETURN_VALUE",
    "SYSTEM$GET_TASK_GRAPH_CONFIG",
};

// Functions that may be called where a table is expected (FROM, JOIN, LATERAL, TABLE(…)) without
// a qualifier: Snowflake's built-in table functions and the wrappers that name a table. Anything
// else called there could be a stored procedure, which can change data. Functions qualified by
// an INFORMATION_SCHEMA (where nobody can create a procedure) are allowed too.
constexpr std::array<std::string_view, 11> kBuiltinTableFunctions = {
    "TABLE",
    "VALUES",
    "IDENTIFIER",
    "LATERAL",
    "FLATTEN",
    "GENERATOR",
    "RESULT_SCAN",
    "SPLIT_TO_TABLE",
    "INFER_SCHEMA",
    "VALIDATE",
    "STRTOK_SPLIT_TO_TABLE",
};

enum class Tok : std::uint8_t {
  word,
  quoted_ident,
  string,         // '…'; text is the raw body between the quotes
  dollar_string,  // $$…$$; text is the body
  number,
  variable,  // $1, $name
  stage,     // @name/path, @~
  symbol,
  lparen,
  rparen,
  comma,
  dot,
  semicolon,
  flow,  // ->>
};

struct Token {
  std::string_view text;
  std::uint32_t match = 0;  // parentheses: index of the matching one
  Tok kind = Tok::symbol;
};

/// A refusal: what is wrong and the one thing to do about it.
struct Refusal {
  std::string reason;
  std::string fix;
};

bool is_word_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_word_char(unsigned char c) {
  return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_stage_char(unsigned char c) {
  return is_word_char(c) || c == '.' || c == '~' || c == '/' || c == '%' || c == '-' || c == '=' ||
         c == '+';
}

using util::iequals;

/// `text` as quoted in a message: at most 100 bytes, never splitting a UTF-8 sequence.
std::string clip(std::string_view text) {
  constexpr std::size_t kMax = 100;
  if (text.size() <= kMax) return std::string(text);
  return std::string(json::utf8_prefix(text, kMax)) + "…";
}

std::string hex_code_point(std::uint32_t cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  do {
    digits.insert(digits.begin(), kHex[cp & 0xFu]);
    cp >>= 4;
  } while (cp != 0);
  while (digits.size() < 4) digits.insert(digits.begin(), '0');
  return "U+" + digits;
}

/// The code point of the (valid) UTF-8 sequence of `len` bytes at text[i].
std::uint32_t code_point(std::string_view text, std::size_t i, std::size_t len) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::uint32_t cp = len == 1   ? lead
                     : len == 2 ? (lead & 0x1Fu)
                     : len == 3 ? (lead & 0x0Fu)
                                : (lead & 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
  }
  return cp;
}

/// Characters that some reader could take as the end of a line: inside a `--` or `//` comment
/// they make the comment's extent uncertain.
bool is_possible_line_break(std::uint32_t cp) {
  return cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

/// Appends `cp` to `out` as UTF-8 (surrogates and out-of-range values as U+FFFD).
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The value of a '…' string body as Snowflake reads it: `''` is a quote; a backslash escapes
/// the next character (\b \f \n \r \t \0, \ooo octal, \xhh hex, \uhhhh; any other character
/// stands for itself).
std::string unescape_string(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') {
      out.push_back('\'');
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    const char e = body[++i];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'x': {
        std::uint32_t value = 0;
        int digits = 0;
        while (digits < 2 && i + 1 < body.size() && hex_value(body[i + 1]) >= 0) {
          value = value * 16 + static_cast<std::uint32_t>(hex_value(body[++i]));
          ++digits;
        }
        if (digits == 0) {
          out.push_back('x');
        } else {
          append_utf8(out, value);
        }
        break;
      }
      case 'u': {
        std::uint32_t value = 0;
        int digits = 0;
        while (digits < 4 && i + 1 < body.size() && hex_value(body[i + 1]) >= 0) {
          value = value * 16 + static_cast<std::uint32_t>(hex_value(body[++i]));
          ++digits;
        }
        if (digits == 0) {
          out.push_back('u');
        } else {
          append_utf8(out, value);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          std::uint32_t value = static_cast<std::uint32_t>(e - '0');
          int digits = 1;
          while (digits < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7') {
            value = value * 8 + static_cast<std::uint32_t>(body[++i] - '0');
            ++digits;
          }
          append_utf8(out, value);
        } else {
          out.push_back(e);
        }
    }
  }
  return out;
}

/// A quoted identifier's name: `""` is one quote.
std::string unquote_identifier(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (body[i] == '"' && i + 1 < body.size() && body[i + 1] == '"') ++i;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Lexer

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  /// Tokenizes the whole text; nullopt-free tokens on success.
  std::optional<Refusal> run(std::vector<Token>& tokens) {
    std::vector<std::uint32_t> open;  // indices of unmatched '('
    while (pos_ < sql_.size()) {
      const auto c = static_cast<unsigned char>(sql_[pos_]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
        continue;
      }
      if (c >= 0x80) return non_ascii();
      if (c < 0x20 || c == 0x7F) {
        return Refusal{
            "it contains the control character " + hex_code_point(c) + " outside a quoted string",
            "Remove it, or put it inside a string literal."};
      }
      if (c == '/' && peek(1) == '/' && peek(2) == '*') {
        // A reader without `//` comments sees `/` and a block comment, and then code where a
        // `//` comment would still run: the one place the two readings part without an error.
        return Refusal{
            "it has '//*', which reads differently depending on whether // starts a "
            "comment",
            "Put a space between '//' and '*'."};
      }
      if ((c == '-' && peek(1) == '-') || (c == '/' && peek(1) == '/')) {
        if (auto refusal = skip_line_comment()) return refusal;
        continue;
      }
      if (c == '/' && peek(1) == '*') {
        if (auto refusal = skip_block_comment()) return refusal;
        continue;
      }
      Token token;
      if (auto refusal = next_token(token)) return refusal;
      if (token.kind == Tok::lparen) {
        if (open.size() >= kMaxNesting) {
          return Refusal{
              "it nests parentheses more than " + std::to_string(kMaxNesting) + " levels deep",
              "Flatten the query (for example with common table expressions side by "
              "side rather than inside each other)."};
        }
        open.push_back(static_cast<std::uint32_t>(tokens.size()));
      } else if (token.kind == Tok::rparen) {
        if (open.empty()) return unbalanced();
        token.match = open.back();
        tokens[open.back()].match = static_cast<std::uint32_t>(tokens.size());
        open.pop_back();
      }
      tokens.push_back(token);
    }
    if (!open.empty()) return unbalanced();
    return std::nullopt;
  }

 private:
  static Refusal unbalanced() {
    return Refusal{"its parentheses do not balance", "Fix the parentheses."};
  }

  [[nodiscard]] unsigned char peek(std::size_t ahead) const {
    return pos_ + ahead < sql_.size() ? static_cast<unsigned char>(sql_[pos_ + ahead]) : 0;
  }

  Refusal non_ascii() const {
    const std::size_t len = util::utf8_sequence_length(sql_, pos_);
    const std::uint32_t cp = code_point(sql_, pos_, len);
    const std::string where = " outside quotes";
    if (cp == 0xFEFF && pos_ == 0) {
      return Refusal{"it starts with a byte-order mark (U+FEFF)",
                     "Send the text without it (save the file as UTF-8 without BOM)."};
    }
    if (cp == 0xA0) {
      return Refusal{"it contains a no-break space (U+00A0)" + where,
                     "Replace it with an ordinary space."};
    }
    return Refusal{"it contains the non-ASCII character " + hex_code_point(cp) + where +
                       " (look-alike letters and invisible characters are not accepted there)",
                   "Use ASCII outside quotes, or put such text inside quotes."};
  }

  /// A `--` or `//` comment runs to the line feed. A character some reader could take as a line
  /// end (lone CR, VT, FF, U+0085, U+2028, U+2029) is accepted only when nothing but blanks
  /// follows it on the line, since then every reading agrees.
  std::optional<Refusal> skip_line_comment() {
    pos_ += 2;
    while (pos_ < sql_.size() && sql_[pos_] != '\n') {
      const auto c = static_cast<unsigned char>(sql_[pos_]);
      std::size_t len = 1;
      std::uint32_t cp = c;
      if (c >= 0x80) {
        len = util::utf8_sequence_length(sql_, pos_);
        cp = code_point(sql_, pos_, len);
      }
      if (c == '\r' && peek(1) == '\n') {
        ++pos_;
        continue;
      }
      if (is_possible_line_break(cp)) {
        if (!rest_of_line_blank(pos_ + len)) {
          return Refusal{"its comment contains " + hex_code_point(cp) +
                             ", which Snowflake may read as the end of the comment, followed by "
                             "more text",
                         "End the comment with a line feed (\\n), or remove that character."};
        }
        pos_ = sql_.find('\n', pos_);
        if (pos_ == std::string_view::npos) pos_ = sql_.size();
        return std::nullopt;
      }
      if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F)) {
        return Refusal{"its comment contains the control character " + hex_code_point(cp),
                       "Remove the control character from the comment."};
      }
      pos_ += len;
    }
    return std::nullopt;
  }

  /// True when sql_[from…] up to the next line feed holds only blanks and possible line breaks.
  [[nodiscard]] bool rest_of_line_blank(std::size_t from) const {
    std::size_t i = from;
    while (i < sql_.size() && sql_[i] != '\n') {
      const auto c = static_cast<unsigned char>(sql_[i]);
      std::size_t len = 1;
      std::uint32_t cp = c;
      if (c >= 0x80) {
        len = util::utf8_sequence_length(sql_, i);
        cp = code_point(sql_, i, len);
      }
      if (cp != ' ' && cp != '\t' && !is_possible_line_break(cp)) return false;
      i += len;
    }
    return true;
  }

  std::optional<Refusal> skip_block_comment() {
    if (peek(2) == '/') {
      // `/*/`: a reader that looks for `*/` from the opening `*` would end the comment here.
      return Refusal{
          "it has a block comment that starts with '/*/' (some readers end the "
          "comment right there)",
          "Put a space after '/*'."};
    }
    pos_ += 2;
    while (pos_ + 1 < sql_.size()) {
      if (sql_[pos_] == '*' && sql_[pos_ + 1] == '/') {
        pos_ += 2;
        return std::nullopt;
      }
      // Whether block comments nest is exactly the kind of doubt an attacker can use.
      if (sql_[pos_] == '/' && sql_[pos_ + 1] == '*') {
        return Refusal{
            "it contains a '/*' inside a block comment (whether comments nest is "
            "uncertain)",
            "Remove the inner '/*'."};
      }
      ++pos_;
    }
    return Refusal{"it has an unterminated /* comment", "Close the comment with */."};
  }

  std::optional<Refusal> next_token(Token& token) {
    const auto c = static_cast<unsigned char>(sql_[pos_]);
    const std::size_t start = pos_;
    if (c == '\'') {
      // Snowflake's documented rules: '' is a quote, a backslash escapes the next character.
      ++pos_;
      while (pos_ < sql_.size()) {
        const char d = sql_[pos_];
        if (d == '\\') {
          pos_ += 2;
          continue;
        }
        if (d == '\'') {
          if (peek(1) == '\'') {
            pos_ += 2;
            continue;
          }
          token.kind = Tok::string;
          token.text = sql_.substr(start + 1, pos_ - start - 1);
          ++pos_;
          if (start > 0 && is_word_char(static_cast<unsigned char>(sql_[start - 1])) &&
              token.text.find('\\') != std::string_view::npos) {
            // A prefixed literal (X'…', or a raw string in another dialect) may not read
            // backslashes as escapes.
            return Refusal{
                "it has a backslash in a string literal that follows a word "
                "directly, which could be read as a raw string",
                "Put a space before the quote, or write the string without "
                "backslashes."};
          }
          return std::nullopt;
        }
        ++pos_;
      }
      return Refusal{"it has an unterminated string literal",
                     "Close the string; write a quote inside it as '' or \\'."};
    }
    if (c == '$' && peek(1) == '$') {
      if (peek(2) == '$') return dollar_ambiguity();
      const auto end = sql_.find("$$", pos_ + 2);
      if (end == std::string_view::npos) {
        return Refusal{"it has an unterminated $$ string", "Close the string with $$."};
      }
      if (end + 2 < sql_.size() && sql_[end + 2] == '$') return dollar_ambiguity();
      token.kind = Tok::dollar_string;
      token.text = sql_.substr(pos_ + 2, end - pos_ - 2);
      pos_ = end + 2;
      return std::nullopt;
    }
    if (c == '"') {
      ++pos_;
      while (pos_ < sql_.size()) {
        if (sql_[pos_] == '\\') {
          return Refusal{
              "it has a backslash inside a double-quoted identifier (whether it "
              "escapes the next character is uncertain)",
              "Rename the identifier without the backslash."};
        }
        if (sql_[pos_] == '"') {
          if (peek(1) == '"') {
            pos_ += 2;
            continue;
          }
          token.kind = Tok::quoted_ident;
          token.text = sql_.substr(start + 1, pos_ - start - 1);
          ++pos_;
          return std::nullopt;
        }
        ++pos_;
      }
      return Refusal{"it has an unterminated quoted identifier",
                     "Close the identifier with a double quote."};
    }
    if (c == '$' && is_word_char(peek(1))) {
      ++pos_;
      while (pos_ < sql_.size() && is_word_char(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
      token.kind = Tok::variable;
      token.text = sql_.substr(start, pos_ - start);
      if (token.text.find('$', 1) != std::string_view::npos) {
        return Refusal{
            "it contains " + clip(token.text) + ", which could be read as a dollar-quoted string",
            "Rename the variable without a second $."};
      }
      return std::nullopt;
    }
    if (c == '@') {
      ++pos_;
      while (pos_ < sql_.size() && is_stage_char(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
      token.kind = Tok::stage;
      token.text = sql_.substr(start, pos_ - start);
      const unsigned char next = peek(0);
      const bool next_ok = next == 0 || next == ' ' || next == '\t' || next == '\n' ||
                           next == '\r' || next == ';' || next == '(' || next == ')' || next == ',';
      // A `$$` in it could open a $$ string for another reader, as in a name.
      if (token.text.find("$$") != std::string_view::npos) return dollar_ambiguity();
      if (token.text.find("//") != std::string_view::npos ||
          token.text.find("--") != std::string_view::npos || !next_ok) {
        return Refusal{"its stage reference " + clip(token.text) +
                           " contains '//' or '--' or runs into other characters, so where it "
                           "ends is uncertain",
                       "End the stage path with a space, and do not double '/' or '-' in it."};
      }
      return std::nullopt;
    }
    if (is_word_start(c)) {
      while (pos_ < sql_.size() && is_word_char(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
      token.kind = Tok::word;
      token.text = sql_.substr(start, pos_ - start);
      if (token.text.find("$$") != std::string_view::npos) return dollar_ambiguity();
      return std::nullopt;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
      while (pos_ < sql_.size() &&
             (is_digit(static_cast<unsigned char>(sql_[pos_])) || sql_[pos_] == '.')) {
        ++pos_;
      }
      if (pos_ < sql_.size() && (sql_[pos_] == 'e' || sql_[pos_] == 'E')) {
        std::size_t p = pos_ + 1;
        if (p < sql_.size() && (sql_[p] == '+' || sql_[p] == '-')) ++p;
        if (p < sql_.size() && is_digit(static_cast<unsigned char>(sql_[p]))) {
          pos_ = p;
          while (pos_ < sql_.size() && is_digit(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
        }
      }
      token.kind = Tok::number;
      token.text = sql_.substr(start, pos_ - start);
      if (peek(0) == '$') return dollar_ambiguity();
      return std::nullopt;
    }
    if (c == '-' && peek(1) == '>' && peek(2) == '>') {
      pos_ += 3;
      token.kind = Tok::flow;
      token.text = sql_.substr(start, 3);
      return std::nullopt;
    }
    if (c == '`' || c == '#' || c == '\\') {
      // Not part of Snowflake's SQL outside quotes; another reader could take a backtick as a
      // quote or `#` as a comment and hide what follows.
      const std::string name = c == '`' ? "a backtick (`)" : c == '#' ? "'#'" : "a backslash";
      return Refusal{"it contains " + name + " outside quotes",
                     c == '`' ? "Quote identifiers with double quotes (\"name\")."
                              : "Remove it, or put it inside a string literal."};
    }
    ++pos_;
    token.text = sql_.substr(start, 1);
    token.kind = c == '('   ? Tok::lparen
                 : c == ')' ? Tok::rparen
                 : c == ',' ? Tok::comma
                 : c == '.' ? Tok::dot
                 : c == ';' ? Tok::semicolon
                            : Tok::symbol;
    return std::nullopt;
  }

  static Refusal dollar_ambiguity() {
    return Refusal{
        "it has a '$' next to a $$ string or a number, which could be read more "
        "than one way",
        "Put a space between them."};
  }

  std::string_view sql_;
  std::size_t pos_ = 0;
};

// ------------------------------------------------------------------------------------------
// Statement checks

bool is_word(const Token& token, std::string_view upper) {
  return token.kind == Tok::word && iequals(token.text, upper);
}

/// A name as Snowflake compares it: unquoted upper-cased; quoted unescaped and, since
/// QUOTED_IDENTIFIERS_IGNORE_CASE may be set, upper-cased too.
std::string normalised_name(const Token& token) {
  if (token.kind == Tok::quoted_ident) return util::upper(unquote_identifier(token.text));
  return util::upper(token.text);
}

/// The name an IDENTIFIER('…') string gives, quotes removed and upper-cased.
std::string identifier_string_name(const Token& token) {
  std::string value =
      token.kind == Tok::string ? unescape_string(token.text) : std::string(token.text);
  std::erase(value, '"');
  return util::upper(value);
}

bool is_name(const Token& token) {
  return token.kind == Tok::word || token.kind == Tok::quoted_ident;
}

std::string describe_token(const Token& token) {
  switch (token.kind) {
    case Tok::word:
      return clip(util::upper(token.text));
    case Tok::string:
    case Tok::dollar_string:
      return "a string literal";
    case Tok::quoted_ident:
      return "a quoted identifier";
    default:
      return "'" + clip(token.text) + "'";
  }
}

/// Leading words of statements that change data, settings or session state, or run code: a
/// refusal because of one of them points at --allow-write.
bool is_change_verb(const Token& token) {
  static constexpr std::array<std::string_view, 34> kVerbs = {
      "INSERT", "UPDATE",  "DELETE", "MERGE",    "TRUNCATE", "DROP",    "UNDROP",
      "CREATE", "ALTER",   "GRANT",  "REVOKE",   "USE",      "SET",     "UNSET",
      "CALL",   "EXECUTE", "COPY",   "PUT",      "GET",      "REMOVE",  "RM",
      "BEGIN",  "START",   "COMMIT", "ROLLBACK", "COMMENT",  "DECLARE", "ABORT",
      "CANCEL", "KILL",    "LET",    "UPSERT",   "REPLACE",  "EXEC"};
  return token.kind == Tok::word && std::any_of(kVerbs.begin(), kVerbs.end(), [&](auto verb) {
           return iequals(token.text, verb);
         });
}

/// Words after which `, name(` is no longer in a FROM list.
bool ends_from_clause(const Token& token) {
  static constexpr std::array<std::string_view, 15> kWords = {
      "SELECT", "WHERE",  "GROUP", "HAVING",    "QUALIFY", "ORDER",   "LIMIT", "FETCH",
      "UNION",  "EXCEPT", "MINUS", "INTERSECT", "WINDOW",  "CONNECT", "START"};
  return token.kind == Tok::word && std::any_of(kWords.begin(), kWords.end(), [&](auto word) {
           return iequals(token.text, word);
         });
}

/// The SYSTEM$WAIT calls of a statement: whether there are any, and how long they wait in all.
struct Waits {
  std::uint64_t ms = 0;
  bool seen = false;
};

Refusal wait_refusal();

class StatementChecker {
 public:
  /// Checks tokens[begin, end): one statement (one part of a pipe chain).
  /// `waits` adds up the SYSTEM$WAIT calls of every part of a statement.
  StatementChecker(const std::vector<Token>& tokens, std::size_t begin, std::size_t end,
                   Waits& waits)
      : t_(tokens), begin_(begin), end_(end), waits_(waits) {}

  std::optional<Refusal> run(StatementKind& kind) {
    if (auto refusal = scan_everywhere()) return refusal;
    const Token& first = t_[begin_];
    if (first.kind == Tok::lparen || is_word(first, "SELECT") || is_word(first, "WITH")) {
      if (auto problem = check_query(begin_, "")) return not_a_query(*problem);
      kind = is_word(first, "WITH") ? StatementKind::with_select : StatementKind::select;
      return std::nullopt;
    }
    if (is_word(first, "SHOW")) {
      kind = StatementKind::show;
      return std::nullopt;
    }
    if (is_word(first, "DESCRIBE") || is_word(first, "DESC")) {
      kind = StatementKind::describe;
      return std::nullopt;
    }
    if (is_word(first, "LIST") || is_word(first, "LS")) {
      kind = StatementKind::list;
      return check_list();
    }
    if (is_word(first, "EXPLAIN")) {
      std::size_t i = begin_ + 1;
      if (i < end_ && is_word(t_[i], "USING")) i += 2;  // USING TABULAR|JSON|TEXT
      if (i >= end_) {
        return Refusal{"EXPLAIN needs a query to explain", "Add the SELECT to explain."};
      }
      if (auto problem = check_query(i, "EXPLAIN is allowed only for queries: ")) {
        return not_a_query(*problem);
      }
      kind = StatementKind::explain;
      return std::nullopt;
    }
    if (!is_change_verb(first)) {
      return Refusal{"it starts with " + describe_token(first) +
                         ", which is not a statement execute_query runs",
                     "Start it with SELECT, WITH, SHOW, DESCRIBE, EXPLAIN or LIST."};
    }
    std::string verb = clip(util::upper(first.text));
    if (begin_ + 1 < end_ && t_[begin_ + 1].kind == Tok::word &&
        (verb == "EXECUTE" || verb == "COPY" || verb == "CREATE" || verb == "ALTER")) {
      verb += " " + clip(util::upper(t_[begin_ + 1].text));
    }
    return Refusal{"it is a " + verb + " statement; " + std::string(kReadVerbs),
                   std::string(kWriteFix)};
  }

 private:
  /// `problem` names the token found where a query must be, at `where`.
  Refusal not_a_query(const std::pair<std::string, std::size_t>& problem) const {
    if (problem.second < end_ && is_change_verb(t_[problem.second])) {
      return Refusal{problem.first + "; " + std::string(kReadVerbs), std::string(kWriteFix)};
    }
    return Refusal{problem.first, "Write a query (SELECT …) there."};
  }

  /// Checks that apply wherever a token appears in the statement.
  std::optional<Refusal> scan_everywhere() const {
    // Per open parenthesis (and the statement level): whether a SELECT was seen there, and
    // whether a FROM list is being read there. A FROM counts only after a SELECT at the same
    // level, so EXTRACT(YEAR FROM f(x)) is not taken for a table.
    struct Level {
      bool select = false;
      bool from = false;
    };
    std::vector<Level> levels(1);
    for (std::size_t i = begin_; i < end_; ++i) {
      const Token& token = t_[i];
      if (token.kind == Tok::lparen) {
        // A parenthesis opened where a table is expected (FROM (…), JOIN (…), , (…)) holds a
        // FROM list of its own until a SELECT inside says otherwise.
        const bool inherits = levels.back().from && i > begin_ &&
                              (is_word(t_[i - 1], "FROM") || is_word(t_[i - 1], "JOIN") ||
                               is_word(t_[i - 1], "LATERAL") || t_[i - 1].kind == Tok::comma ||
                               t_[i - 1].kind == Tok::lparen);
        levels.push_back(Level{false, inherits});
        continue;
      }
      if (token.kind == Tok::rparen) {
        if (levels.size() > 1) levels.pop_back();
        continue;
      }
      if (token.kind == Tok::flow) {
        return Refusal{"it uses the ->> pipe operator inside parentheses",
                       "Use ->> only between whole statements."};
      }
      Level& level = levels.back();
      if (is_word(token, "SELECT")) {
        level = Level{true, false};
      } else if (is_word(token, "FROM")) {
        level.from = level.select;
      } else if (is_word(token, "JOIN")) {
        level.from = true;
      } else if (ends_from_clause(token)) {
        level.from = false;
      }
      if (is_word(token, "FOR") && i + 1 < end_ && is_word(t_[i + 1], "UPDATE")) {
        return Refusal{"it locks rows with FOR UPDATE", "Remove FOR UPDATE."};
      }
      if (!is_name(token)) continue;
      const bool called = i + 1 < end_ && t_[i + 1].kind == Tok::lparen;
      if (token.text.find('$') != std::string_view::npos) {
        const std::string name = normalised_name(token);
        if (name.find("SYSTEM$") != std::string::npos) {
          if (auto refusal = check_system_function(name, i, called)) return refusal;
        }
      }
      if (called && is_word(token, "IDENTIFIER")) {
        if (auto refusal = check_identifier(i)) return refusal;
      }
      if (called && names_a_relation(i, levels.back().from)) {
        if (auto refusal = check_table_function(i)) return refusal;
      }
    }
    return std::nullopt;
  }

  std::optional<Refusal> check_system_function(const std::string& name, std::size_t i,
                                               bool called) const {
    if (std::find(kReadOnlySystemFunctions.begin(), kReadOnlySystemFunctions.end(), name) ==
        kReadOnlySystemFunctions.end()) {
      return Refusal{"it names " + clip(name) +
                         ", which may change state (only read-only SYSTEM$ functions are "
                         "allowed here)",
                     std::string(kWriteFix)};
    }
    if (name == "SYSTEM$WAIT" && called) return check_wait(i + 1);
    return std::nullopt;
  }

  /// SYSTEM$WAIT(<integer>[, '<unit>']) with a total of at most kMaxSystemWaitSeconds.
  std::optional<Refusal> check_wait(std::size_t open) const {
    const Refusal refusal = wait_refusal();
    waits_.seen = true;
    const std::size_t close = t_[open].match;
    std::size_t i = open + 1;
    if (i >= close || t_[i].kind != Tok::number || t_[i].text.size() > 9 ||
        !std::all_of(t_[i].text.begin(), t_[i].text.end(),
                     [](char c) { return is_digit(static_cast<unsigned char>(c)); })) {
      return refusal;
    }
    const std::uint64_t amount = std::stoull(std::string(t_[i].text));
    ++i;
    std::uint64_t per_unit_ms = 1000;
    if (i < close) {
      if (t_[i].kind != Tok::comma || i + 2 != close || t_[i + 1].kind != Tok::string) {
        return refusal;
      }
      const std::string unit = util::upper(unescape_string(t_[i + 1].text));
      if (unit == "MILLISECONDS") {
        per_unit_ms = 1;
      } else if (unit == "SECONDS") {
        per_unit_ms = 1000;
      } else if (unit == "MINUTES") {
        per_unit_ms = 60'000;
      } else if (unit == "HOURS") {
        per_unit_ms = 3'600'000;
      } else {
        return refusal;
      }
    }
    waits_.ms += amount * per_unit_ms;
    if (waits_.ms > kMaxSystemWaitSeconds * 1000) return refusal;
    return std::nullopt;
  }

  /// IDENTIFIER( <string> | <variable> | ? ) naming an object, never a function to call.
  std::optional<Refusal> check_identifier(std::size_t i) const {
    const std::size_t open = i + 1;
    const std::size_t close = t_[open].match;
    const Token* argument = close == open + 2 ? &t_[open + 1] : nullptr;
    if (argument == nullptr ||
        (argument->kind != Tok::string && argument->kind != Tok::dollar_string &&
         argument->kind != Tok::variable && argument->text != "?")) {
      return Refusal{
          "it uses IDENTIFIER() with something other than one string literal or "
          "variable",
          "Pass IDENTIFIER() a single string literal or variable."};
    }
    if (close + 1 < end_ && t_[close + 1].kind == Tok::lparen) {
      return Refusal{
          "it calls a function named through IDENTIFIER(), which could name one "
          "that changes state",
          "Call the function by its name."};
    }
    if (argument->kind == Tok::string || argument->kind == Tok::dollar_string) {
      const std::string name = identifier_string_name(*argument);
      if (name.find("SYSTEM$") != std::string::npos) {
        return Refusal{"it names a SYSTEM$ function (" + clip(name) + ") through IDENTIFIER()",
                       std::string(kWriteFix)};
      }
      if (argument->kind == Tok::string && argument->text.find('\\') != std::string_view::npos) {
        // Names never need escapes; refusing them leaves no room for a decoding that differs
        // from Snowflake's.
        return Refusal{"it uses a backslash escape in the name given to IDENTIFIER()",
                       "Write the name without escapes."};
      }
    }
    return std::nullopt;
  }

  /// True when the call whose name ends at t_[i] stands where a table is expected: right after
  /// the FROM of a query, JOIN, LATERAL or TABLE(, or after a comma in a FROM list.
  bool names_a_relation(std::size_t i, bool in_from) const {
    std::size_t head = i;
    while (head >= begin_ + 2 && t_[head - 1].kind == Tok::dot && is_name(t_[head - 2])) {
      head -= 2;
    }
    if (head == begin_) return false;
    const Token& before = t_[head - 1];
    if (is_word(before, "JOIN") || is_word(before, "LATERAL")) return true;
    if (is_word(before, "FROM") || before.kind == Tok::comma) return in_from;
    if (before.kind != Tok::lparen) return false;
    return in_from || (head >= begin_ + 2 && is_word(t_[head - 2], "TABLE"));
  }

  /// A function called where a table is expected must be a built-in table function (or one of
  /// INFORMATION_SCHEMA's): anything else could be a stored procedure that changes data.
  std::optional<Refusal> check_table_function(std::size_t i) const {
    const std::string name = normalised_name(t_[i]);
    const bool qualified = i >= begin_ + 2 && t_[i - 1].kind == Tok::dot;
    if (qualified) {
      if (normalised_name(t_[i - 2]) == "INFORMATION_SCHEMA") return std::nullopt;
    } else if (t_[i].kind == Tok::word &&
               std::find(kBuiltinTableFunctions.begin(), kBuiltinTableFunctions.end(), name) !=
                   kBuiltinTableFunctions.end()) {
      return std::nullopt;
    }
    std::size_t head = i;
    while (head >= begin_ + 2 && t_[head - 1].kind == Tok::dot && is_name(t_[head - 2])) head -= 2;
    std::string shown;  // the qualified name, as far as a message can hold it
    for (std::size_t k = head; k <= i && shown.size() < 200; k += 2) {
      if (k > head) shown += ".";
      shown += normalised_name(t_[k]);
    }
    return Refusal{"it calls " + clip(shown) +
                       " where a table is expected, and it is not a built-in table function "
                       "(a stored procedure called there can change data)",
                   std::string(kWriteFix)};
  }

  /// LIST|LS @stage[/path] [PATTERN = '…'].
  std::optional<Refusal> check_list() const {
    std::size_t i = begin_ + 1;
    bool ok = i < end_ && t_[i].kind == Tok::stage && t_[i].text.size() > 1;
    ++i;
    if (ok && i < end_) {
      ok = is_word(t_[i], "PATTERN") && i + 2 < end_ && t_[i + 1].text == "=";
      i += 2;
      if (ok && t_[i].text == ">") ++i;
      ok = ok && i + 1 == end_ && t_[i].kind == Tok::string;
    }
    if (!ok) {
      return Refusal{"LIST is allowed here only as LIST @stage[/path] [PATTERN = '…']",
                     "Write it in that form."};
    }
    return std::nullopt;
  }

  /// A query: optional parentheses around SELECT …, or WITH <ctes> <query>. Iterative: the
  /// common table expressions still to check wait on a stack, so any nesting costs no stack
  /// and each token is looked at a bounded number of times.
  std::optional<std::pair<std::string, std::size_t>> check_query(std::size_t first,
                                                                 std::string_view context) const {
    struct Pending {
      std::size_t begin;
      std::size_t end;
      std::string_view context;
    };
    std::vector<Pending> pending{{first, end_, context}};
    while (!pending.empty()) {
      const Pending item = pending.back();
      pending.pop_back();
      std::size_t i = item.begin;
      while (i < item.end && t_[i].kind == Tok::lparen) ++i;
      if (i >= item.end) return std::pair{std::string(item.context) + "the query is empty", i};
      if (is_word(t_[i], "SELECT")) continue;
      if (!is_word(t_[i], "WITH")) {
        return std::pair{std::string(item.context) + "it has " + describe_token(t_[i]) +
                             " where a query (SELECT) must be",
                         i};
      }
      ++i;
      if (i < item.end && is_word(t_[i], "RECURSIVE")) ++i;
      while (true) {
        if (i >= item.end || !is_name(t_[i])) {
          return std::pair{std::string(item.context) + "its WITH clause does not start with a name",
                           i};
        }
        ++i;
        if (i < item.end && t_[i].kind == Tok::lparen) i = t_[i].match + 1;  // column list
        if (i >= item.end || !is_word(t_[i], "AS")) {
          return std::pair{
              std::string(item.context) + "its WITH clause is not of the form name AS (query)", i};
        }
        ++i;
        if (i >= item.end || t_[i].kind != Tok::lparen || t_[i].match >= item.end) {
          return std::pair{std::string(item.context) +
                               "its WITH clause defines something other than a query (name AS (…))",
                           i};
        }
        pending.push_back(
            {i + 1, t_[i].match, "a common table expression in its WITH clause is not a query: "});
        i = t_[i].match + 1;
        if (i < item.end && t_[i].kind == Tok::comma) {
          ++i;
          continue;
        }
        break;
      }
      pending.push_back({i, item.end, "the statement after its WITH clause is not a query: "});
    }
    return std::nullopt;
  }

  const std::vector<Token>& t_;
  std::size_t begin_;
  std::size_t end_;
  Waits& waits_;
};

/// SYSTEM$WAIT holds a warehouse and does nothing else: at most kMaxSystemWaitSeconds in all,
/// written as literals, in a statement without FROM (a FROM could call it once per row).
Refusal wait_refusal() {
  return Refusal{"SYSTEM$WAIT is allowed here only with literal waits of at most " +
                     std::to_string(kMaxSystemWaitSeconds) +
                     " seconds in all, in a query without FROM (it holds a warehouse and does "
                     "nothing else)",
                 "Wait in the client instead, or ask for a shorter wait."};
}

Classification refuse(const Refusal& refusal) {
  Classification out;
  out.reason = "The statement was refused: " + refusal.reason + ". " + refusal.fix;
  return out;
}

}  // namespace

Classification classify_read_only(std::string_view sql) {
  if (sql.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    return refuse({"it is too long to classify", "Send a shorter statement."});
  }
  for (std::size_t i = 0; i < sql.size();) {
    const std::size_t len = util::utf8_sequence_length(sql, i);
    if (len == 0) return refuse({"it is not valid UTF-8", "Send the text as UTF-8."});
    if (sql[i] == '\0') {
      return refuse({"it contains a NUL character (U+0000)", "Remove it."});
    }
    i += len;
  }

  std::vector<Token> tokens;
  if (auto refusal = Lexer(sql).run(tokens)) return refuse(*refusal);

  // Statements: the non-empty runs between semicolons.
  std::size_t statements = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t run_begin = 0;
  for (std::size_t i = 0; i <= tokens.size(); ++i) {
    if (i < tokens.size() && tokens[i].kind != Tok::semicolon) continue;
    if (i > run_begin) {
      ++statements;
      begin = run_begin;
      end = i;
    }
    run_begin = i + 1;
  }
  if (statements == 0) {
    return refuse({"it contains no statement", "Send one SQL statement."});
  }
  if (statements > 1) {
    return refuse({"it contains " + std::to_string(statements) + " statements",
                   "Send one statement per call."});
  }

  // A `->>` pipe chain is several statements run in turn: every part must be a read. (A `->>`
  // inside parentheses is refused by the statement checks.)
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t depth = 0;
  std::size_t part_begin = begin;
  for (std::size_t i = begin; i < end; ++i) {
    if (tokens[i].kind == Tok::lparen) ++depth;
    if (tokens[i].kind == Tok::rparen) --depth;
    if (tokens[i].kind == Tok::flow && depth == 0) {
      parts.emplace_back(part_begin, i);
      part_begin = i + 1;
    }
  }
  parts.emplace_back(part_begin, end);
  Classification result;
  Waits waits;
  for (const auto& [part_start, part_end] : parts) {
    if (part_start == part_end) {
      return refuse({"a ->> pipe operator has no statement on one side",
                     "Put a statement on each side of ->>."});
    }
    StatementKind kind = StatementKind::select;
    if (auto refusal = StatementChecker(tokens, part_start, part_end, waits).run(kind)) {
      return refuse(*refusal);
    }
    if (!result.allowed) {
      result.allowed = true;
      result.kind = kind;
    }
  }
  if (waits.seen && std::any_of(tokens.begin() + static_cast<std::ptrdiff_t>(begin),
                                tokens.begin() + static_cast<std::ptrdiff_t>(end),
                                [](const Token& token) { return is_word(token, "FROM"); })) {
    return refuse(wait_refusal());
  }
  return result;
}

}  // namespace sfq::mcp
