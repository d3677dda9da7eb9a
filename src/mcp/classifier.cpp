// classifier.cpp — the read-only statement classifier: a small Snowflake lexer and an allow-list
// of leading verbs, run under every plausible reading of the lexing rules.
#include "mcp/classifier.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "mcp/json.hpp"

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
  }
  return "?";
}

namespace {

constexpr std::string_view kAllowedList = "SELECT, WITH … SELECT, SHOW, DESCRIBE and EXPLAIN";
constexpr std::string_view kWriteAdvice =
    "To change data, start the server with --allow-write and use the execute_statement tool.";

// SYSTEM$ functions that only read. Every other SYSTEM$ call is refused: many of them cancel
// queries, abort sessions, change settings or write files.
constexpr std::array<std::string_view, 24> kReadOnlySystemFunctions = {
    "SYSTEM$WAIT",
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
    "SYSTEM$ALLOWLIST",
    "SYSTEM$ALLOWLIST_PRIVATELINK",
    "SYSTEM$CURRENT_USER_TASK_NAME",
    "SYSTEM$TASK_RUNTIME_INFO",
    "SYSTEM$GET_PREDECESSOR_RETURN_VALUE",
};

/// One reading of the lexing rules where Snowflake's documentation leaves room for doubt.
struct Dialect {
  bool backslash_escapes;     // '\'' inside '…' escapes the quote
  bool cr_ends_line_comment;  // a lone CR ends a `--` comment
  bool slash_slash_comment;   // `//` starts a line comment
};

enum class Tok : std::uint8_t {
  word,
  quoted_ident,
  string,
  number,
  variable,  // $1, $name
  symbol,
  lparen,
  rparen,
  comma,
  flow,  // ->>
};

struct Token {
  Tok kind = Tok::symbol;
  std::string_view text;  // for strings and quoted identifiers: the raw body between quotes
  std::string upper;      // words only: ASCII upper case
};

using Statement = std::vector<Token>;

struct Lexed {
  std::optional<std::string> error;
  std::vector<Statement> statements;  // non-empty ones only
};

bool is_word_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_word_char(unsigned char c) {
  return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

/// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = json::utf8_sequence_length(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

class Lexer {
 public:
  Lexer(std::string_view sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}

  Lexed run() {
    Lexed out;
    Statement current;
    while (pos_ < sql_.size()) {
      const auto c = static_cast<unsigned char>(sql_[pos_]);
      if (is_space(c)) {
        ++pos_;
        continue;
      }
      if (c >= 0x80) {
        out.error =
            "it contains a non-ASCII character outside a quoted string or identifier (look-alike "
            "letters and invisible characters are not accepted there); put such text inside "
            "quotes";
        return out;
      }
      if (c < 0x20 || c == 0x7F) {
        out.error = "it contains a control character outside a quoted string";
        return out;
      }
      if (c == '-' && peek(1) == '-') {
        skip_line_comment();
        continue;
      }
      if (c == '/' && peek(1) == '/' && dialect_.slash_slash_comment) {
        skip_line_comment();
        continue;
      }
      if (c == '/' && peek(1) == '*') {
        if (auto error = skip_block_comment()) {
          out.error = std::move(error);
          return out;
        }
        continue;
      }
      if (c == ';') {
        ++pos_;
        if (!current.empty()) out.statements.push_back(std::move(current));
        current.clear();
        continue;
      }
      Token token;
      if (auto error = next_token(token)) {
        out.error = std::move(error);
        return out;
      }
      current.push_back(std::move(token));
    }
    if (!current.empty()) out.statements.push_back(std::move(current));
    return out;
  }

 private:
  [[nodiscard]] unsigned char peek(std::size_t ahead) const {
    return pos_ + ahead < sql_.size() ? static_cast<unsigned char>(sql_[pos_ + ahead]) : 0;
  }

  void skip_line_comment() {
    pos_ += 2;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (c == '\n' || (c == '\r' && dialect_.cr_ends_line_comment)) break;
      ++pos_;
    }
  }

  std::optional<std::string> skip_block_comment() {
    pos_ += 2;
    while (pos_ + 1 < sql_.size()) {
      if (sql_[pos_] == '*' && sql_[pos_ + 1] == '/') {
        pos_ += 2;
        return std::nullopt;
      }
      // Whether block comments nest is exactly the kind of doubt an attacker can use.
      if (sql_[pos_] == '/' && sql_[pos_ + 1] == '*') {
        return "it contains a '/*' inside a block comment (nested comments are ambiguous)";
      }
      ++pos_;
    }
    return "it has an unterminated /* comment";
  }

  // A reader that starts a $$ string wherever it sees `$$` (the emulator's does; found by
  // test/fuzz/fuzz_classifier.cpp) splits `$A$$ x $$; DELETE ...$$` where sfq sees one name.
  static constexpr std::string_view kDollarsInName =
      "it has '$$' inside a name or variable, which could also start a $$ string";

  std::optional<std::string> next_token(Token& token) {
    const auto c = static_cast<unsigned char>(sql_[pos_]);
    const std::size_t start = pos_;
    if (c == '\'') {
      ++pos_;
      while (pos_ < sql_.size()) {
        const char d = sql_[pos_];
        if (d == '\\' && dialect_.backslash_escapes) {
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
          return std::nullopt;
        }
        ++pos_;
      }
      return "it has an unterminated string literal";
    }
    if (c == '$' && peek(1) == '$') {
      const auto end = sql_.find("$$", pos_ + 2);
      if (end == std::string_view::npos) return "it has an unterminated $$ string";
      token.kind = Tok::string;
      token.text = sql_.substr(pos_ + 2, end - pos_ - 2);
      pos_ = end + 2;
      return std::nullopt;
    }
    if (c == '"') {
      ++pos_;
      while (pos_ < sql_.size()) {
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
      return "it has an unterminated quoted identifier";
    }
    if (c == '$' && is_word_char(peek(1))) {
      ++pos_;
      while (pos_ < sql_.size() && is_word_char(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
      token.kind = Tok::variable;
      token.text = sql_.substr(start, pos_ - start);
      if (token.text.find("$$") != std::string_view::npos) return std::string(kDollarsInName);
      return std::nullopt;
    }
    if (is_word_start(c)) {
      while (pos_ < sql_.size() && is_word_char(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
      token.kind = Tok::word;
      token.text = sql_.substr(start, pos_ - start);
      if (token.text.find("$$") != std::string_view::npos) return std::string(kDollarsInName);
      token.upper = ascii_upper(token.text);
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
      return std::nullopt;
    }
    if (c == '-' && peek(1) == '>' && peek(2) == '>') {
      pos_ += 3;
      token.kind = Tok::flow;
      token.text = sql_.substr(start, 3);
      return std::nullopt;
    }
    ++pos_;
    token.text = sql_.substr(start, 1);
    token.kind = c == '('   ? Tok::lparen
                 : c == ')' ? Tok::rparen
                 : c == ',' ? Tok::comma
                            : Tok::symbol;
    return std::nullopt;
  }

  std::string_view sql_;
  Dialect dialect_;
  std::size_t pos_ = 0;
};

bool is_word(const Token& token, std::string_view upper) {
  return token.kind == Tok::word && token.upper == upper;
}

/// Index just past the parenthesis that closes the one at `open`, or npos when unbalanced.
std::size_t matching_paren(const Statement& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].kind == Tok::lparen) ++depth;
    if (tokens[i].kind == Tok::rparen && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

class StatementChecker {
 public:
  explicit StatementChecker(const Statement& tokens) : tokens_(tokens) {}

  Classification run() {
    if (auto problem = scan_everywhere()) return reject(*problem);
    const Token& first = tokens_.front();
    if (first.kind == Tok::lparen || is_word(first, "SELECT") || is_word(first, "WITH")) {
      if (auto problem = check_query(0, tokens_.size())) return reject(*problem);
      return accept(first.kind == Tok::word && first.upper == "WITH" ? StatementKind::with_select
                                                                     : StatementKind::select);
    }
    if (is_word(first, "SHOW")) return accept(StatementKind::show);
    if (is_word(first, "DESCRIBE") || is_word(first, "DESC")) {
      return accept(StatementKind::describe);
    }
    if (is_word(first, "EXPLAIN")) {
      std::size_t i = 1;
      if (i < tokens_.size() && is_word(tokens_[i], "USING")) i += 2;  // USING TABULAR|JSON|TEXT
      if (i >= tokens_.size()) return reject("EXPLAIN needs a query to explain");
      if (auto problem = check_query(i, tokens_.size())) {
        return reject("EXPLAIN is allowed only for queries: " + *problem);
      }
      return accept(StatementKind::explain);
    }
    std::string verb = first.kind == Tok::word ? first.upper : std::string(first.text);
    if (first.kind == Tok::word && tokens_.size() > 1 && tokens_[1].kind == Tok::word &&
        (first.upper == "EXECUTE" || first.upper == "COPY" || first.upper == "CREATE" ||
         first.upper == "ALTER")) {
      verb += " " + tokens_[1].upper;
    }
    return reject("it is a " + verb + " statement");
  }

 private:
  Classification accept(StatementKind kind) const {
    Classification out;
    out.allowed = true;
    out.kind = kind;
    return out;
  }

  static Classification reject(const std::string& why) {
    Classification out;
    out.reason = why;
    return out;
  }

  /// Checks that apply wherever a token appears in the statement.
  std::optional<std::string> scan_everywhere() const {
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const Token& token = tokens_[i];
      if (token.kind == Tok::flow) {
        return std::string("it uses the ->> flow operator, which chains statements");
      }
      if (token.kind != Tok::word) continue;
      const bool called = i + 1 < tokens_.size() && tokens_[i + 1].kind == Tok::lparen;
      if (token.upper.rfind("SYSTEM$", 0) == 0 && called &&
          std::find(kReadOnlySystemFunctions.begin(), kReadOnlySystemFunctions.end(),
                    token.upper) == kReadOnlySystemFunctions.end()) {
        return "it calls " + token.upper + ", which may change state";
      }
      if (token.upper == "IDENTIFIER" && called) {
        // IDENTIFIER('…') can name a function; make sure it cannot name a SYSTEM$ one.
        if (i + 2 >= tokens_.size() || tokens_[i + 2].kind != Tok::string) {
          return std::string("it uses IDENTIFIER() with something other than a string literal");
        }
        if (ascii_upper(tokens_[i + 2].text).find("SYSTEM$") != std::string::npos) {
          return std::string("it names a SYSTEM$ function through IDENTIFIER()");
        }
      }
      if (token.upper == "FOR" && i + 1 < tokens_.size() && is_word(tokens_[i + 1], "UPDATE")) {
        return std::string("it locks rows with FOR UPDATE");
      }
    }
    return std::nullopt;
  }

  /// A query: optional parentheses around SELECT …, or WITH <ctes> <query>.
  std::optional<std::string> check_query(std::size_t begin, std::size_t end) const {
    std::size_t i = begin;
    while (i < end && tokens_[i].kind == Tok::lparen) ++i;
    if (i >= end) return std::string("the query is empty");
    if (is_word(tokens_[i], "SELECT")) return std::nullopt;
    if (is_word(tokens_[i], "WITH")) return check_with(i + 1, end);
    return "it is a " + describe_token(tokens_[i]) + " where a query (SELECT) must be";
  }

  std::optional<std::string> check_with(std::size_t i, std::size_t end) const {
    if (i < end && is_word(tokens_[i], "RECURSIVE")) ++i;
    while (true) {
      if (i >= end || (tokens_[i].kind != Tok::word && tokens_[i].kind != Tok::quoted_ident)) {
        return std::string("its WITH clause does not start with a name");
      }
      ++i;
      if (i < end && tokens_[i].kind == Tok::lparen) {  // column list
        i = matching_paren(tokens_, i);
        if (i == std::string_view::npos || i > end) {
          return std::string("its WITH clause has unbalanced parentheses");
        }
      }
      if (i >= end || !is_word(tokens_[i], "AS")) {
        return std::string("its WITH clause is not of the form name AS (query)");
      }
      ++i;
      if (i >= end || tokens_[i].kind != Tok::lparen) {
        return std::string("its WITH clause defines something other than a query (name AS (…))");
      }
      const std::size_t close = matching_paren(tokens_, i);
      if (close == std::string_view::npos || close > end) {
        return std::string("its WITH clause has unbalanced parentheses");
      }
      if (auto problem = check_query(i + 1, close - 1)) {
        return "a common table expression in its WITH clause is not a query: " + *problem;
      }
      i = close;
      if (i < end && tokens_[i].kind == Tok::comma) {
        ++i;
        continue;
      }
      break;
    }
    if (auto problem = check_query(i, end)) {
      return "the statement after its WITH clause is not a query: " + *problem;
    }
    return std::nullopt;
  }

  static std::string describe_token(const Token& token) {
    switch (token.kind) {
      case Tok::word:
        return token.upper;
      case Tok::string:
        return "string literal";
      case Tok::quoted_ident:
        return "quoted identifier";
      default:
        return "'" + std::string(token.text) + "'";
    }
  }

  const Statement& tokens_;
};

Classification classify_one_reading(std::string_view sql, Dialect dialect) {
  Lexed lexed = Lexer(sql, dialect).run();
  Classification out;
  if (lexed.error) {
    out.reason = *lexed.error;
    return out;
  }
  if (lexed.statements.empty()) {
    out.reason = "it contains no statement";
    return out;
  }
  if (lexed.statements.size() > 1) {
    out.reason = "it contains " + std::to_string(lexed.statements.size()) +
                 " statements; send one statement per call";
    return out;
  }
  return StatementChecker(lexed.statements.front()).run();
}

}  // namespace

Classification classify_read_only(std::string_view sql) {
  Classification result;
  if (!valid_utf8(sql)) {
    result.reason = "The statement was refused: it is not valid UTF-8.";
    return result;
  }
  bool first = true;
  for (const bool backslash : {true, false}) {
    for (const bool cr : {false, true}) {
      for (const bool slashes : {true, false}) {
        Classification reading = classify_one_reading(sql, Dialect{backslash, cr, slashes});
        if (!reading.allowed) {
          reading.reason = "The statement was refused: " + reading.reason + ". Only " +
                           std::string(kAllowedList) + " statements are allowed here. " +
                           std::string(kWriteAdvice);
          return reading;
        }
        if (first) {
          result = reading;
          first = false;
        } else if (reading.kind != result.kind) {
          result.allowed = false;
          result.reason =
              "The statement was refused: it reads differently depending on how quotes and "
              "comments are lexed. Simplify its quoting and comments.";
          return result;
        }
      }
    }
  }
  return result;
}

}  // namespace sfq::mcp
