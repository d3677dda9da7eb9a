// variables.hpp — client-side variables (-D name=value, !define, !set name=value) and their
// substitution into SQL text, as SnowSQL and `snow sql` do it.
//
// Syntaxes: `<% name %>` (Snowflake's recommended form), `&{name}` and `&name` (SnowSQL's).
// `<% name %>` is always substituted. The `&` forms are substituted only when at least one
// variable is defined, so that `select 'AT&T'` works in a session that uses no variables; when
// they are active, `&&` writes a literal `&`. Names are letters, digits and `_` (not starting
// with a digit) and are case-insensitive. Substitution happens after splitting, so a value may
// contain `;`; it applies everywhere in a statement, string literals included (as in SnowSQL).
// A reference to an undefined variable is an error naming it.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sfq::cli {

class Variables {
 public:
  /// Parses "name=value" (-D, !define; blanks around both are dropped); returns an error
  /// message when it is not that.
  [[nodiscard]] std::optional<std::string> define(std::string_view assignment);
  void set(std::string_view name, std::string value);
  [[nodiscard]] const std::string* find(std::string_view name) const;
  [[nodiscard]] bool empty() const noexcept { return values_.empty(); }
  [[nodiscard]] const std::map<std::string, std::string>& all() const noexcept { return values_; }

  /// `text` with every reference replaced; an error message instead when a referenced variable
  /// is undefined.
  [[nodiscard]] bool substitute(std::string_view text, std::string& out, std::string& error) const;

  /// True for a valid variable name.
  [[nodiscard]] static bool valid_name(std::string_view name);

 private:
  std::map<std::string, std::string> values_;  // lower-case name -> value
};

}  // namespace sfq::cli
