// splitter.cpp — see splitter.hpp for the lexical rules.
#include "cli/splitter.hpp"

#include <utility>

namespace sfq::cli {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view StatementSplitter::open_construct() const noexcept {
  switch (state_) {
    case State::single_quote:
      return "'";
    case State::double_quote:
      return "\"";
    case State::dollar_body:
      return "$$";
    case State::block_comment:
      return "/*";
    default:
      return "";
  }
}

void StatementSplitter::reset() {
  buffer_.clear();
  pos_ = 0;
  item_start_ = 0;
  state_ = State::normal;
  has_content_ = false;
  line_blank_ = true;
  skipping_ = false;
}

void StatementSplitter::start_skipping(std::vector<ScriptItem>& out) {
  const bool command = state_ == State::command;
  out.push_back(
      ScriptItem{ScriptItem::Kind::too_long, command ? "command" : "statement", item_line_});
  skipping_ = true;
  drop_scanned();
}

void StatementSplitter::drop_scanned() {
  if (pos_ <= 1) return;
  buffer_.erase(0, pos_ - 1);
  pos_ = 1;
  item_start_ = 0;
}

void StatementSplitter::emit(ScriptItem::Kind kind, std::size_t end, std::vector<ScriptItem>& out) {
  std::string_view text = trim(std::string_view(buffer_).substr(item_start_, end - item_start_));
  if (kind == ScriptItem::Kind::command) {
    if (text.starts_with('!')) text.remove_prefix(1);  // a `\` or `.` command keeps its mark
    text = trim(text);
    if (!text.empty() && text.back() == ';') text = trim(text.substr(0, text.size() - 1));
  }
  if (text.size() > max_item_bytes_) {
    out.push_back(ScriptItem{ScriptItem::Kind::too_long,
                             kind == ScriptItem::Kind::command ? "command" : "statement",
                             item_line_});
  } else {
    out.push_back(ScriptItem{kind, std::string(text), item_line_});
  }
  buffer_.erase(0, end);
  pos_ -= end;
  item_start_ = 0;
  has_content_ = false;
  state_ = State::normal;
}

void StatementSplitter::end_statement(std::size_t length, bool vertical,
                                      std::vector<ScriptItem>& out) {
  if (skipping_) {  // the end of a statement that was too long
    buffer_.erase(0, pos_ + length);
    pos_ = 0;
    item_start_ = 0;
    has_content_ = false;
    skipping_ = false;
  } else {
    emit(ScriptItem::Kind::statement, pos_, out);
    if (vertical && out.back().kind == ScriptItem::Kind::statement) out.back().vertical = true;
    buffer_.erase(0, length);  // the terminator
  }
  line_blank_ = false;
}

std::size_t StatementSplitter::plain_run() {
  // Plain loops over raw characters: this is the splitter's inner loop, also in debug builds.
  const char* const begin = buffer_.data() + pos_;
  const char* const end = buffer_.data() + buffer_.size();
  const char* p = begin;
  auto up_to = [&](char a, char b, char c) {
    while (p != end && *p != a && *p != b && *p != c) ++p;
    return static_cast<std::size_t>(p - begin);
  };
  switch (state_) {
    case State::line_comment:
    case State::command:
      return up_to('\n', '\n', '\n');
    case State::block_comment:
      return up_to('*', '\n', '\n');
    case State::single_quote:
      return up_to('\'', '\\', '\n');
    case State::double_quote:
      return up_to('"', '\n', '\n');
    case State::dollar_body:
      return up_to('$', '\n', '\n');
    case State::normal:
      break;
  }
  if (p == end) return 0;
  if (is_blank(*p)) {
    // Blanks between tokens; a newline starts a line on which a `!` may start a command.
    for (; p != end && is_blank(*p); ++p) {
      if (*p == '\n') {
        ++line_;
        line_blank_ = true;
      }
    }
    return static_cast<std::size_t>(p - begin);
  }
  // A word: its first character (not a `$`, which may start a $$ body) starts or continues the
  // statement; a `$` within it is part of it.
  if (*p == '$' || !is_identifier_char(*p)) return 0;
  if (!has_content_) {
    has_content_ = true;
    item_start_ = pos_;
    item_line_ = line_;
  }
  line_blank_ = false;
  for (++p; p != end && is_identifier_char(*p); ++p) {
  }
  return static_cast<std::size_t>(p - begin);
}

void StatementSplitter::feed(std::string_view text, std::vector<ScriptItem>& out) {
  buffer_.append(text);
  scan(false, out);
}

void StatementSplitter::scan(bool final, std::vector<ScriptItem>& out) {
  // A construct that needs one character of lookahead waits for more input unless `final`.
  // Blanks at the end of an item do not count against the cap, but only so many are held. What
  // the item holds only grows until its end, and it is checked before every step and after the
  // last, so the verdict does not depend on how the input was cut or how far a step went.
  auto check_held = [&] {
    if (!skipping_ && (has_content_ || state_ == State::command) &&
        pos_ - item_start_ > max_item_bytes_ + blank_allowance_) {
      start_skipping(out);
    }
  };
  while (pos_ < buffer_.size()) {
    check_held();
    // Runs that only move the position (within a quote, a comment, a command line or a word)
    // are stepped over at once: long inputs are mostly such runs.
    if (const std::size_t run = plain_run(); run > 0) {
      pos_ += run;
      continue;
    }
    const char c = buffer_[pos_];
    const bool has_next = pos_ + 1 < buffer_.size();
    const char next = has_next ? buffer_[pos_ + 1] : '\0';
    const bool need_more = !has_next && !final;

    // Marks where the current statement begins, at its first token.
    auto begin_content = [&] {
      if (!has_content_) {
        has_content_ = true;
        item_start_ = pos_;
        item_line_ = line_;
      }
    };

    switch (state_) {
      case State::normal:
        if (c == ';') {
          if (skipping_ || has_content_) {
            end_statement(1, false, out);
            continue;
          }
          ++pos_;  // an empty statement
          line_blank_ = false;
          break;
        }
        if (c == '\\' && has_content_) {
          if (need_more) return;
          if (next == 'G') {  // the statement ends, its result wanted vertical
            end_statement(2, true, out);
            continue;
          }
        }
        if (c == '\n') {
          ++line_;
          line_blank_ = true;
          ++pos_;
          break;
        }
        if (is_blank(c)) {
          ++pos_;
          break;
        }
        if ((c == '!' || c == '\\' || c == '.') && !has_content_ && line_blank_) {
          state_ = State::command;
          item_start_ = pos_;
          item_line_ = line_;
          ++pos_;
          break;
        }
        line_blank_ = false;
        if (c == '-' || c == '/') {
          if (need_more) return;
          if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
            state_ = State::line_comment;
            pos_ += 2;
            break;
          }
          if (c == '/' && next == '*') {
            state_ = State::block_comment;
            pos_ += 2;
            break;
          }
        } else if (c == '$') {
          const bool token_start = pos_ == 0 || !is_identifier_char(buffer_[pos_ - 1]);
          if (token_start) {
            if (need_more) return;
            if (next == '$') {
              begin_content();
              state_ = State::dollar_body;
              pos_ += 2;
              break;
            }
          }
        } else if (c == '\'') {
          begin_content();
          state_ = State::single_quote;
          ++pos_;
          break;
        } else if (c == '"') {
          begin_content();
          state_ = State::double_quote;
          ++pos_;
          break;
        }
        begin_content();
        ++pos_;
        break;

      case State::single_quote:
        if (c == '\\') {
          if (need_more) return;
          if (next == '\n') ++line_;
          pos_ += has_next ? 2 : 1;
          break;
        }
        if (c == '\n') ++line_;
        if (c == '\'') state_ = State::normal;
        ++pos_;
        break;

      case State::double_quote:
        if (c == '\n') ++line_;
        if (c == '"') state_ = State::normal;
        ++pos_;
        break;

      case State::line_comment:
        if (c == '\n') {
          state_ = State::normal;
          continue;  // the newline is handled (and counted) by the normal state
        }
        ++pos_;
        break;

      case State::block_comment:
        if (c == '*') {
          if (need_more) return;
          if (next == '/') {
            state_ = State::normal;
            pos_ += 2;
            break;
          }
        }
        if (c == '\n') ++line_;
        ++pos_;
        break;

      case State::dollar_body:
        if (c == '$') {
          if (need_more) return;
          if (next == '$') {
            state_ = State::normal;
            pos_ += 2;
            break;
          }
        }
        if (c == '\n') ++line_;
        ++pos_;
        break;

      case State::command:
        if (c == '\n') {
          if (skipping_) {  // the end of a command line that was too long
            buffer_.erase(0, pos_);
            pos_ = 0;
            item_start_ = 0;
            state_ = State::normal;
            skipping_ = false;
            continue;
          }
          emit(ScriptItem::Kind::command, pos_, out);
          continue;  // the newline ends the line in the normal state
        }
        ++pos_;
        break;
    }
  }
  check_held();
  if (skipping_) {
    drop_scanned();  // the rest of an item that was too long is read, never kept
    return;
  }
  if (has_content_ || state_ == State::command) return;
  // Leading blanks and comments are never part of an item: drop them so that a long run of them
  // (a commented-out block, a pipe of blank lines, a comment without an end) does not
  // accumulate. What follows a blank or a comment starts a token, so no character is kept.
  buffer_.erase(0, pos_);
  pos_ = 0;
  item_start_ = 0;
}

std::optional<ScriptItem> StatementSplitter::finish() {
  std::vector<ScriptItem> out;
  scan(true, out);
  if (skipping_) {
    // The item that was too long has been reported; its rest ends with the input.
  } else if (state_ == State::command) {
    emit(ScriptItem::Kind::command, buffer_.size(), out);
  } else if (has_content_) {
    emit(ScriptItem::Kind::statement, buffer_.size(), out);
  }
  std::optional<ScriptItem> last;
  if (!out.empty()) last = std::move(out.back());
  const std::size_t line = line_;
  reset();
  line_ = line;
  return last;
}

std::vector<ScriptItem> split_script(std::string_view text, std::size_t max_item_bytes,
                                     std::size_t blank_allowance) {
  StatementSplitter splitter(max_item_bytes, blank_allowance);
  std::vector<ScriptItem> items;
  splitter.feed(text, items);
  if (auto last = splitter.finish()) items.push_back(std::move(*last));
  return items;
}

}  // namespace sfq::cli
