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
// needs no `;` (a trailing one is dropped). A line that starts with `\` or `.` there is one of
// psql's or duckdb's commands (`\x`, `.mode csv`; cli/meta_commands.hpp): a command item that
// keeps its mark.
// `\G` outside quotes and comments ends a statement as `;` does, and asks for its result as
// vertical records (`ScriptItem::vertical`).
//
// Input may arrive in pieces (lines typed in the REPL, chunks of a pipe): feed() keeps the
// lexical state between calls, so a quote or comment may span pieces. Leading blanks and
// comments are dropped from each statement; a statement made only of comments is no statement.
//
// Caps: a statement (from its first token to its `;`, blanks at either end not counted) or a
// client command line may be at most `max_item_bytes` long (default 1 MiB, Snowflake's own
// recommendation for one statement's text; `sfq --max-statement-bytes`). Past it the splitter
// yields a `too_long` item — at the `;` (or the end of the input), or as soon as the text it
// holds for the item passes the cap plus 64 KiB (blanks at the end, which trimming would
// remove, are held only that far) — and then skips the rest of that item (still reading
// quotes and comments, so the `;` that ends it is found) without keeping it. Blanks and
// comments between statements are never kept either, so what the splitter holds stays below
// the cap plus 64 KiB plus one piece of input, whatever it is fed. The items do not depend on
// how the input is cut into pieces.
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

/// The default cap of one statement's (or client command line's) text: 1 MiB.
inline constexpr std::size_t kDefaultMaxStatementBytes = std::size_t{1} << 20;
/// Blanks at the end of a statement that are held beyond the cap before it counts as too long
/// (trimming removes them, but they must be held until a token or the `;` says so).
inline constexpr std::size_t kTrailingBlankAllowance = std::size_t{64} << 10;

/// One unit of a script: a SQL statement (without its `;`) or a client command line, or the
/// report of one that was longer than the cap (then skipped).
struct ScriptItem {
  enum class Kind : std::uint8_t { statement, command, too_long };
  Kind kind = Kind::statement;
  /// statement text, or the command line without its `!` (a `\` or `.` one with it), trimmed;
  /// for `too_long`, what was
  /// too long: "statement" or "command"
  std::string text;
  std::size_t line = 1;  ///< 1-based line of the item's first character in the input fed
  /// A statement ended by `\G` instead of `;` (MySQL's and ClickHouse's habit): its result is
  /// shown as vertical records.
  bool vertical = false;

  friend bool operator==(const ScriptItem&, const ScriptItem&) = default;
};

class StatementSplitter {
 public:
  /// `blank_allowance`: blanks held beyond the cap before an item counts as too long (tests
  /// make it small).
  explicit StatementSplitter(std::size_t max_item_bytes = kDefaultMaxStatementBytes,
                             std::size_t blank_allowance = kTrailingBlankAllowance)
      : max_item_bytes_(max_item_bytes), blank_allowance_(blank_allowance) {}

  [[nodiscard]] std::size_t max_item_bytes() const noexcept { return max_item_bytes_; }

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

  /// True while the rest of a statement or command that was too long is being skipped.
  [[nodiscard]] bool skipping() const noexcept { return skipping_; }

  /// Bytes of input held (pending text), for tests of the memory bound.
  [[nodiscard]] std::size_t held_bytes() const noexcept { return buffer_.size(); }

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
  /// How many characters from pos_ only move the position in the current state (0: none);
  /// a word in plain SQL also marks the statement's start.
  std::size_t plain_run();
  void emit(ScriptItem::Kind kind, std::size_t end, std::vector<ScriptItem>& out);
  /// The statement in progress ends at pos_, with a terminator of `length` bytes (`;`, `\G`).
  void end_statement(std::size_t length, bool vertical, std::vector<ScriptItem>& out);
  /// Reports the current item as too long and starts skipping the rest of it.
  void start_skipping(std::vector<ScriptItem>& out);
  /// Drops the text scanned so far (keeping the last character for the `$$` rule).
  void drop_scanned();

  std::string buffer_;          // pending text; the current item starts at item_start_
  std::size_t pos_ = 0;         // next character of buffer_ to scan
  std::size_t item_start_ = 0;  // first character of the current item (valid once it has one)
  State state_ = State::normal;
  bool has_content_ = false;  // the current statement has a token (not only blanks/comments)
  bool line_blank_ = true;    // only blanks so far on the current line (a `!` starts a command)
  std::size_t line_ = 1;      // line of buffer_[pos_]
  std::size_t item_line_ = 1;
  std::size_t max_item_bytes_;
  std::size_t blank_allowance_;
  bool skipping_ = false;  // the current item was too long: its text is not kept
};

/// Splits a whole text at once (for -q strings): feed() then finish().
[[nodiscard]] std::vector<ScriptItem> split_script(
    std::string_view text, std::size_t max_item_bytes = kDefaultMaxStatementBytes,
    std::size_t blank_allowance = kTrailingBlankAllowance);

}  // namespace sfq::cli
