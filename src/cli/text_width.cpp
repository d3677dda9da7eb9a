// text_width.cpp — see text_width.hpp.
#include "cli/text_width.hpp"

#include <utf8proc.h>

#include <cstdint>

namespace sfq::cli {
namespace {

constexpr utf8proc_int32_t kEmojiPresentation = 0xFE0F;

bool is_regional_indicator(utf8proc_int32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

// Walks `text` one grapheme cluster at a time: calls `visit(begin, end, width)` with byte
// offsets. Invalid bytes are clusters of their own, one column wide.
template <typename Visit>
void for_each_cluster(std::string_view text, Visit&& visit) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t pos = 0;
  utf8proc_int32_t state = 0;
  utf8proc_int32_t previous = -1;
  std::size_t cluster_begin = 0;
  int cluster_width = 0;
  int regional = 0;
  bool emoji_style = false;
  auto close = [&](std::size_t end) {
    if (end == cluster_begin) return;
    int width = cluster_width;
    if (emoji_style || regional >= 2) width = 2;
    visit(cluster_begin, end, static_cast<std::size_t>(width));
  };
  while (pos < size) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes + pos, size - pos, &cp);
    if (n <= 0) {
      close(static_cast<std::size_t>(pos));
      visit(static_cast<std::size_t>(pos), static_cast<std::size_t>(pos) + 1, 1);
      ++pos;
      cluster_begin = static_cast<std::size_t>(pos);
      cluster_width = 0;
      regional = 0;
      emoji_style = false;
      previous = -1;
      state = 0;
      continue;
    }
    if (previous >= 0 && utf8proc_grapheme_break_stateful(previous, cp, &state)) {
      close(static_cast<std::size_t>(pos));
      cluster_begin = static_cast<std::size_t>(pos);
      cluster_width = 0;
      regional = 0;
      emoji_style = false;
    }
    const int w = utf8proc_charwidth(cp);
    if (w > cluster_width) cluster_width = w;
    if (cp == kEmojiPresentation) emoji_style = true;
    if (is_regional_indicator(cp)) ++regional;
    previous = cp;
    pos += n;
  }
  close(text.size());
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  bool ascii = true;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text.size();  // the common case, without decoding
  for_each_cluster(text, [&](std::size_t, std::size_t, std::size_t w) { width += w; });
  return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width, std::string_view ellipsis) {
  if (display_width(text) <= width) return std::string(text);
  const std::size_t mark = display_width(ellipsis);
  if (width < mark) return std::string(ellipsis.substr(0, width));
  const std::size_t budget = width - mark;
  std::size_t used = 0;
  std::size_t cut = 0;
  bool full = false;
  for_each_cluster(text, [&](std::size_t, std::size_t end, std::size_t w) {
    if (full) return;
    if (used + w > budget) {
      full = true;
      return;
    }
    used += w;
    cut = end;
  });
  std::string out(text.substr(0, cut));
  out += ellipsis;
  return out;
}

std::string sanitize_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t pos = 0;
  while (pos < size) {
    const auto byte = static_cast<unsigned char>(text[static_cast<std::size_t>(pos)]);
    if (byte < 0x80) {
      if (byte == '\n' || (byte >= 0x20 && byte != 0x7F)) {
        out += static_cast<char>(byte);
      } else if (byte == '\t') {
        out += "\\t";
      } else if (byte == '\r') {
        out += "\\r";
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
      }
      ++pos;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes + pos, size - pos, &cp);
    if (n <= 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++pos;
      continue;
    }
    // C1 controls (U+0080..U+009F) are interpreted by some terminals, like ESC.
    if (cp >= 0x80 && cp <= 0x9F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(cp >> 4) & 0xF];
      out += kHex[cp & 0xF];
    } else {
      out.append(text.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(n)));
    }
    pos += n;
  }
  return out;
}

}  // namespace sfq::cli
