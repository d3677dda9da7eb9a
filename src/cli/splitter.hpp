// splitter.hpp — the one statement splitter of sfq: files (-f), standard input, -q text,
// !source and the REPL all cut their SQL into statements here.
//
// A statement ends at a `;` outside of quotes and comments. The splitter knows Snowflake's
// lexical rules that can hide a `;`:
//   'single quoted strings'   with '' and \' as escaped quotes (and \\ as a backslash)
//   "double quoted names"     with "" as an escaped quote
//   -- and // line comments, /* block comments */ (not nested, as in Snowflake)
//   $$dollar quoted bodies$$  (stored procedures, anonymous blocks); a `$$` counts only where a
//                             token can start, so identifiers such as A$$B are left alone
// A client command (`!source FILE`, `!set format=csv`, ...) is recognised when a line starts
// with `!` (after blanks) while no statement is in progress; it runs to the end of the line and
// needs no `;` (a trailing one is dropped).
//
// Input may arrive in pieces (lines typed in the REPL, chunks of a pipe): feed() keeps the
// lexical state between calls, so a quote or comment may span pieces. Leading blanks and
// comments are dropped from each statement; a statement made only of comments is no statement.
//
// Thread safety: a plain value; one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfq::cli {

/// One unit of a script: a SQL statement (without its `;`) or a client command line.
struct ScriptItem {
  enum class Kind : std::uint8_t { statement, command };
  Kind kind = Kind::statement;
  std::string text;      ///< statement text, or the command line without its `!`, trimmed
  std::size_t line = 1;  ///< 1-based line of the item's first character in the input fed

  friend bool operator==(const ScriptItem&, const ScriptItem&) = default;
};

class StatementSplitter {
 public:
  /// Appends `text` and moves every item it completes to `out`, in order.
  void feed(std::string_view text, std::vector<ScriptItem>& out);

  /// End of input: the unterminated last statement (or command without a newline), if any.
  /// The splitter is reset afterwards.
  [[nodiscard]] std::optional<ScriptItem> finish();

  /// True when text that belongs to an unfinished statement is pending (the REPL's
  /// continuation prompt); blanks and comments between statements do not count.
  [[nodiscard]] bool in_statement() const noexcept {
    return has_content_ || (state_ != State::normal && state_ != State::line_comment);
  }

  /// What the pending text is inside of, for the REPL's continuation prompt: "'", "\"", "$$",
  /// "/*" or "" (plain SQL).
  [[nodiscard]] std::string_view open_construct() const noexcept;

  /// Forgets everything pending (Ctrl-C at the REPL's prompt); line numbers continue.
  void reset();

 private:
  enum class State : std::uint8_t {
    normal,
    single_quote,
    double_quote,
    line_comment,
    block_comment,
    dollar_body,
    command,
  };

  void scan(bool final, std::vector<ScriptItem>& out);
  void emit(ScriptItem::Kind kind, std::size_t end, std::vector<ScriptItem>& out);

  std::string buffer_;          // pending text; the current item starts at item_start_
  std::size_t pos_ = 0;         // next character of buffer_ to scan
  std::size_t item_start_ = 0;  // first character of the current item (valid once it has one)
  State state_ = State::normal;
  bool has_content_ = false;  // the current statement has a token (not only blanks/comments)
  bool line_blank_ = true;    // only blanks so far on the current line (a `!` starts a command)
  std::size_t line_ = 1;      // line of buffer_[pos_]
  std::size_t item_line_ = 1;
};

/// Splits a whole text at once (for -q strings and files): feed() then finish().
[[nodiscard]] std::vector<ScriptItem> split_script(std::string_view text);

}  // namespace sfq::cli
