// redact.cpp — masks secrets in text bound for logs and error messages.
//
// A hand-written scanner rather than std::regex: it runs on every log line, must be linear in the
// input and must not recurse on long inputs.
#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sfq/log.hpp"
#include "util/text.hpp"

namespace sfq {
namespace {

constexpr std::string_view kMask = "****";

bool is_base64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

using util::lower;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lower(text.substr(0, prefix.size())) == prefix;
}

// A key names a secret when its last word (after '_', '-' or '.') is one of these, or it is one
// of the compound names. Keys that merely mention a secret ("token_type", "progressToken") do not.
bool is_secret_key(std::string_view key) {
  const std::string k = lower(key);
  static constexpr std::array<std::string_view, 9> kSuffixes = {
      "password",      "passphrase",  "pwd",        "token",      "secret",
      "authorization", "private_key", "privatekey", "private-key"};
  static constexpr std::array<std::string_view, 2> kNotSecret = {"progresstoken", "nextpagetoken"};
  if (std::find(kNotSecret.begin(), kNotSecret.end(), k) != kNotSecret.end()) return false;
  for (std::string_view suffix : kSuffixes) {
    if (k.size() < suffix.size()) continue;
    if (k.compare(k.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const size_t start = k.size() - suffix.size();
    // The suffix must be a whole word (or the whole key), or glued in camelCase (authToken).
    if (start == 0) return true;
    const char before = key[start - 1];
    if (before == '_' || before == '-' || before == '.') return true;
    if (std::isupper(static_cast<unsigned char>(key[start])) != 0) return true;
  }
  return false;
}

// Masks PEM private key bodies. Returns the new text.
std::string redact_pem(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t begin = text.find("-----BEGIN ", pos);
    if (begin == std::string_view::npos) break;
    const size_t label_end = text.find("-----", begin + 11);
    if (label_end == std::string_view::npos) break;
    const std::string_view label = text.substr(begin + 11, label_end - (begin + 11));
    const size_t header_end = label_end + 5;
    out.append(text.substr(pos, header_end - pos));
    if (label.find("PRIVATE KEY") == std::string_view::npos) {
      pos = header_end;
      continue;
    }
    out.append("[REDACTED]");
    const size_t end = text.find("-----END ", header_end);
    pos = end == std::string_view::npos ? text.size() : end;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

// Masks JWT-shaped tokens: "eyJ" + base64url '.' base64url '.' base64url.
std::string redact_jwt(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = text.find("eyJ", i);
    if (start == std::string_view::npos) break;
    if (start > 0 && is_base64url(text[start - 1])) {
      out.append(text.substr(i, start + 3 - i));
      i = start + 3;
      continue;
    }
    size_t j = start;
    int dots = 0;
    while (j < text.size() && (is_base64url(text[j]) || (text[j] == '.' && dots < 2))) {
      if (text[j] == '.') ++dots;
      ++j;
    }
    out.append(text.substr(i, start - i));
    if (dots == 2) {
      out.append("[REDACTED-JWT]");
    } else {
      out.append(text.substr(start, j - start));
    }
    i = j;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

// Length of an unquoted value starting at `from`.
size_t bare_value_length(std::string_view text, size_t from) {
  size_t j = from;
  while (j < text.size()) {
    const char c = text[j];
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == ',' || c == ';' || c == '&' ||
        c == '}' || c == ']' || c == ')' || c == '"' || c == '\'') {
      break;
    }
    ++j;
  }
  return j - from;
}

// Masks the credential after an auth scheme word at `pos` ("Bearer x" / "Basic x"). Returns
// the position after what was consumed, or npos when there is no scheme at `pos`.
size_t mask_scheme(std::string_view text, size_t pos, std::string& out) {
  for (std::string_view scheme : {std::string_view("bearer "), std::string_view("basic ")}) {
    if (!starts_with_ci(text.substr(pos), scheme)) continue;
    size_t j = pos + scheme.size();
    while (j < text.size() && text[j] == ' ') ++j;
    const size_t len = bare_value_length(text, j);
    out.append(text.substr(pos, j - pos));
    out.append(len > 0 ? kMask : "");
    return j + len;
  }
  return std::string_view::npos;
}

// Masks values of secret-named keys and the credential after "Bearer"/"Basic".
std::string redact_pairs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    // "Bearer <x>" anywhere.
    if ((c == 'B' || c == 'b') && (i == 0 || !is_key_char(text[i - 1]))) {
      const size_t next = mask_scheme(text, i, out);
      if (next != std::string_view::npos) {
        i = next;
        continue;
      }
    }
    if (!is_key_char(c) || (i > 0 && is_key_char(text[i - 1]))) {
      out.push_back(c);
      ++i;
      continue;
    }
    // A key starts at i.
    size_t key_end = i;
    while (key_end < text.size() && is_key_char(text[key_end])) ++key_end;
    std::string_view key = text.substr(i, key_end - i);
    const bool flag = key.size() > 2 && key.substr(0, 2) == "--";
    if (flag) key.remove_prefix(2);
    out.append(text.substr(i, key_end - i));
    i = key_end;
    if (!is_secret_key(key)) continue;

    // Separator: optional closing quote of a JSON key, spaces, '=' or ':' (or a space for --flag).
    size_t j = i;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
    size_t k = j;
    while (k < text.size() && text[k] == ' ') ++k;
    bool separated = false;
    if (k < text.size() && (text[k] == '=' || text[k] == ':')) {
      ++k;
      separated = true;
    } else if (flag && k > j) {
      separated = true;
    }
    if (!separated) continue;
    while (k < text.size() && text[k] == ' ') ++k;
    out.append(text.substr(i, k - i));
    i = k;
    if (i >= text.size()) break;
    if (text[i] == '"' || text[i] == '\'') {
      const char quote = text[i];
      size_t end = i + 1;
      while (end < text.size() && text[end] != quote) {
        end += (text[end] == '\\' && end + 1 < text.size()) ? 2 : 1;
      }
      out.push_back(quote);
      out.append(kMask);
      if (end < text.size()) out.push_back(quote);
      i = std::min(end + 1, text.size());
      continue;
    }
    const size_t after_scheme = mask_scheme(text, i, out);
    if (after_scheme != std::string_view::npos) {
      i = after_scheme;
      continue;
    }
    const size_t len = bare_value_length(text, i);
    if (len > 0) out.append(kMask);
    i += len;
  }
  return out;
}

struct Registered {
  std::mutex mutex;
  std::vector<std::string> values;
};

Registered& registered() {
  static Registered instance;
  return instance;
}

constexpr std::size_t kMinRegisteredSecret = 8;
constexpr std::size_t kMaxRegisteredSecrets = 64;

std::string redact_registered(std::string text) {
  auto& r = registered();
  const std::lock_guard lock(r.mutex);
  for (const auto& value : r.values) {
    for (auto at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
      text.replace(at, value.size(), kMask);
      at += kMask.size();
    }
  }
  return text;
}

}  // namespace

void register_secret(std::string_view value) {
  if (value.size() < kMinRegisteredSecret) return;
  auto& r = registered();
  const std::lock_guard lock(r.mutex);
  if (std::find(r.values.begin(), r.values.end(), value) != r.values.end()) return;
  if (r.values.size() >= kMaxRegisteredSecrets) return;
  r.values.emplace_back(value);
  // Longest first: a secret that contains another is masked whole.
  std::sort(r.values.begin(), r.values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
  return redact_jwt(redact_pairs(redact_pem(redact_registered(std::string(text)))));
}

}  // namespace sfq
