// variables.cpp — see variables.hpp.
#include "cli/variables.hpp"
#include "util/text.hpp"

#include <cctype>

namespace sfq::cli {
namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

using util::lower;

using util::trim;

// The length of the name at the start of `text` (0 when there is none).
std::size_t name_length(std::string_view text) {
  if (text.empty() || !name_start(text[0])) return 0;
  std::size_t n = 1;
  while (n < text.size() && name_char(text[n])) ++n;
  return n;
}

}  // namespace

bool Variables::valid_name(std::string_view name) {
  return !name.empty() && name_length(name) == name.size();
}

std::optional<std::string> Variables::define(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return "variable definition `" + std::string(assignment) + "` is not name=value";
  }
  const std::string_view name = trim(assignment.substr(0, eq));
  if (!valid_name(name)) {
    return "variable name `" + std::string(name) +
           "` is not valid (letters, digits and _, not starting with a digit)";
  }
  set(name, std::string(trim(assignment.substr(eq + 1))));
  return std::nullopt;
}

void Variables::set(std::string_view name, std::string value) {
  values_.insert_or_assign(lower(name), std::move(value));
}

const std::string* Variables::find(std::string_view name) const {
  const auto it = values_.find(lower(name));
  return it == values_.end() ? nullptr : &it->second;
}

bool Variables::substitute(std::string_view text, std::string& out, std::string& error) const {
  out.clear();
  out.reserve(text.size());
  const bool legacy = !values_.empty();
  auto lookup = [&](std::string_view name, std::string_view reference) -> bool {
    const std::string* value = find(name);
    if (value == nullptr) {
      error = "variable " + std::string(reference) + " is not defined (define it with -D " +
              std::string(name) + "=VALUE or !define" +
              (reference.front() == '&' ? "; write && for a literal &)" : ")");
      return false;
    }
    out += *value;
    return true;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '<' && text.substr(i, 2) == "<%") {
      const auto close = text.find("%>", i + 2);
      if (close != std::string_view::npos) {
        const std::string_view name = trim(text.substr(i + 2, close - i - 2));
        if (valid_name(name)) {
          if (!lookup(name, text.substr(i, close + 2 - i))) return false;
          i = close + 2;
          continue;
        }
      }
    } else if (c == '&' && legacy) {
      const std::string_view rest = text.substr(i + 1);
      if (!rest.empty() && rest[0] == '&') {
        out += '&';
        i += 2;
        continue;
      }
      if (!rest.empty() && rest[0] == '{') {
        const auto close = rest.find('}');
        if (close != std::string_view::npos) {
          const std::string_view name = trim(rest.substr(1, close - 1));
          if (valid_name(name)) {
            if (!lookup(name, text.substr(i, close + 2))) return false;
            i += close + 2;
            continue;
          }
        }
      }
      if (const std::size_t n = name_length(rest); n > 0) {
        if (!lookup(rest.substr(0, n), text.substr(i, n + 1))) return false;
        i += n + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return true;
}

}  // namespace sfq::cli
