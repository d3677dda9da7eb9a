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
}

void StatementSplitter::emit(ScriptItem::Kind kind, std::size_t end, std::vector<ScriptItem>& out) {
  std::string_view text = trim(std::string_view(buffer_).substr(item_start_, end - item_start_));
  if (kind == ScriptItem::Kind::command) {
    text.remove_prefix(1);  // the '!'
    text = trim(text);
    if (!text.empty() && text.back() == ';') text = trim(text.substr(0, text.size() - 1));
  }
  out.push_back(ScriptItem{kind, std::string(text), item_line_});
  buffer_.erase(0, end);
  pos_ -= end;
  item_start_ = 0;
  has_content_ = false;
  state_ = State::normal;
}

void StatementSplitter::feed(std::string_view text, std::vector<ScriptItem>& out) {
  buffer_.append(text);
  scan(false, out);
}

void StatementSplitter::scan(bool final, std::vector<ScriptItem>& out) {
  // A construct that needs one character of lookahead waits for more input unless `final`.
  while (pos_ < buffer_.size()) {
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
          if (has_content_) {
            emit(ScriptItem::Kind::statement, pos_, out);
            buffer_.erase(0, 1);  // the ';'
            line_blank_ = false;
            continue;
          }
          ++pos_;  // an empty statement
          line_blank_ = false;
          break;
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
        if (c == '!' && !has_content_ && line_blank_) {
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
          emit(ScriptItem::Kind::command, pos_, out);
          continue;  // the newline ends the line in the normal state
        }
        ++pos_;
        break;
    }
  }
  // Leading blanks and comments are never part of an item: drop them so that a long run of them
  // (a commented-out block, a pipe of blank lines) does not accumulate.
  if (!has_content_ && state_ == State::normal) {
    buffer_.erase(0, pos_);
    pos_ = 0;
    item_start_ = 0;
  }
}

std::optional<ScriptItem> StatementSplitter::finish() {
  std::vector<ScriptItem> out;
  scan(true, out);
  if (state_ == State::command) {
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

std::vector<ScriptItem> split_script(std::string_view text) {
  StatementSplitter splitter;
  std::vector<ScriptItem> items;
  splitter.feed(text, items);
  if (auto last = splitter.finish()) items.push_back(std::move(*last));
  return items;
}

}  // namespace sfq::cli
