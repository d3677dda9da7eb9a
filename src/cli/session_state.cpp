// session_state.cpp — see session_state.hpp.
#include "cli/session_state.hpp"

#include <array>
#include <cctype>

#include "util/text.hpp"

namespace sfq::cli {
namespace {

struct Token {
  enum class Kind : std::uint8_t { word, string, quoted, symbol };
  Kind kind = Kind::word;
  std::string text;  ///< word: as written; string: the value (unescaped); symbol: the character
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Snowflake's lexical rules, as far as the session commands need them: blanks and comments
// skipped, 'strings' with '' and backslash escapes, "quoted names", words, single symbols.
std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (util::is_space(c)) {
      ++i;
    } else if (sql.substr(i, 2) == "--" || sql.substr(i, 2) == "//") {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.substr(i, 2) == "/*") {
      const auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '\'') {
      Token token{Token::Kind::string, {}};
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '\\' && i + 1 < sql.size()) {
          token.text += sql[i + 1];
          i += 2;
        } else if (sql[i] == '\'') {
          if (i + 1 < sql.size() && sql[i + 1] == '\'') {
            token.text += '\'';
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          token.text += sql[i++];
        }
      }
      tokens.push_back(std::move(token));
    } else if (c == '"') {
      Token token{Token::Kind::quoted, {}};
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') {
            token.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        token.text += sql[i++];
      }
      tokens.push_back(std::move(token));
    } else if (word_char(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < sql.size() &&
                                std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0)) {
      const std::size_t start = i++;
      while (i < sql.size() && (word_char(sql[i]) || sql[i] == '.')) ++i;
      tokens.push_back(Token{Token::Kind::word, std::string(sql.substr(start, i - start))});
    } else {
      tokens.push_back(Token{Token::Kind::symbol, std::string(1, c)});
      ++i;
    }
  }
  return tokens;
}

bool is_word(const std::vector<Token>& tokens, std::size_t i, std::string_view upper) {
  return i < tokens.size() && tokens[i].kind == Token::Kind::word &&
         util::lower(tokens[i].text) == util::lower(upper);
}

using util::upper;

// BEGIN [WORK|TRANSACTION] [NAME n], START TRANSACTION [NAME n], COMMIT [WORK],
// ROLLBACK [WORK]. A Snowflake Scripting block (BEGIN … END) is not a transaction.
bool is_transaction(const std::vector<Token>& t) {
  std::size_t i = 1;
  if (is_word(t, 0, "BEGIN")) {
    if (is_word(t, i, "WORK") || is_word(t, i, "TRANSACTION")) ++i;
  } else if (is_word(t, 0, "START")) {
    if (!is_word(t, i, "TRANSACTION")) return false;
    ++i;
  } else if (is_word(t, 0, "COMMIT") || is_word(t, 0, "ROLLBACK")) {
    if (is_word(t, i, "WORK")) ++i;
    return i == t.size();
  } else {
    return false;
  }
  if (is_word(t, i, "NAME") && i + 1 < t.size()) i += 2;
  return i == t.size();
}

// ALTER SESSION SET name = value [,] ... / ALTER SESSION UNSET name [, name ...]
std::optional<SessionStatement> alter_session(const std::vector<Token>& t) {
  SessionStatement out;
  out.keyword = "ALTER SESSION";
  const bool unset = is_word(t, 2, "UNSET");
  if (!unset && !is_word(t, 2, "SET")) return std::nullopt;
  std::size_t i = 3;
  while (i < t.size()) {
    if (t[i].kind == Token::Kind::symbol && t[i].text == ",") {
      ++i;
      continue;
    }
    if (t[i].kind != Token::Kind::word) return std::nullopt;
    std::string name = upper(t[i].text);
    ++i;
    if (unset) {
      out.parameters.emplace_back(std::move(name), std::nullopt);
      continue;
    }
    if (i >= t.size() || t[i].text != "=" || t[i].kind != Token::Kind::symbol) return std::nullopt;
    ++i;
    // Values sfq can read: 'strings', numbers, words (TRUE, names). Anything else is replayed
    // as written.
    if (i >= t.size() || t[i].kind == Token::Kind::symbol || t[i].kind == Token::Kind::quoted) {
      return std::nullopt;
    }
    out.parameters.emplace_back(std::move(name), t[i].text);
    ++i;
  }
  if (out.parameters.empty()) return std::nullopt;
  bool all_request = true;
  for (const auto& [name, value] : out.parameters) all_request &= is_request_parameter(name);
  out.kind = all_request ? SessionStatement::Kind::parameters : SessionStatement::Kind::replay;
  return out;
}

}  // namespace

bool is_request_parameter(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 11> kNames = {
      "BINARY_OUTPUT_FORMAT",
      "CLIENT_RESULT_CHUNK_SIZE",
      "DATE_OUTPUT_FORMAT",
      "QUERY_TAG",
      "ROWS_PER_RESULTSET",
      "TIME_OUTPUT_FORMAT",
      "TIMESTAMP_LTZ_OUTPUT_FORMAT",
      "TIMESTAMP_NTZ_OUTPUT_FORMAT",
      "TIMESTAMP_OUTPUT_FORMAT",
      "TIMESTAMP_TZ_OUTPUT_FORMAT",
      "TIMEZONE",
  };
  for (const auto known : kNames) {
    if (known == name) return true;
  }
  return false;
}

SessionStatement classify_statement(std::string_view sql) {
  const std::vector<Token> t = tokenize(sql);
  SessionStatement out;
  if (t.empty() || t[0].kind != Token::Kind::word) return out;
  const std::string first = upper(t[0].text);
  if (first == "USE") {
    out.keyword = "USE";
    out.kind =
        is_word(t, 1, "SECONDARY") ? SessionStatement::Kind::replay : SessionStatement::Kind::use;
    return out;
  }
  if (first == "SET" || first == "UNSET") {
    out.keyword = first;
    out.kind = SessionStatement::Kind::replay;
    return out;
  }
  if (first == "ALTER" && is_word(t, 1, "SESSION")) {
    if (auto parsed = alter_session(t)) return *parsed;
    out.keyword = "ALTER SESSION";
    out.kind = SessionStatement::Kind::replay;
    return out;
  }
  if (is_transaction(t)) {
    out.keyword = first == "START" ? "START TRANSACTION" : first;
    out.kind = SessionStatement::Kind::transaction;
  }
  return out;
}

Statement SessionState::request(const std::vector<std::string>& statements) const {
  std::string text;
  for (const auto& sql : replay) text.append(sql).append(";\n");
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (i > 0) text.append(";\n");
    text.append(statements[i]);
  }
  Statement statement(std::move(text));
  statement.database = database;
  statement.schema = schema;
  statement.warehouse = warehouse;
  statement.role = role;
  for (const auto& [name, value] : parameters) {
    if (name == "QUERY_TAG") {
      statement.query_tag = value;
    } else {
      statement.parameters[name] = value;
    }
  }
  if (multi(statements.size())) {
    statement.multi_statement_count = static_cast<int>(replay.size() + statements.size());
  }
  return statement;
}

std::string SessionState::where() const {
  std::string out;
  out = role;
  if (!warehouse.empty()) out += "@" + warehouse;
  if (!database.empty()) {
    if (!out.empty()) out += ' ';
    out += database;
    if (!schema.empty()) out += "." + schema;
  }
  return out;
}

}  // namespace sfq::cli
