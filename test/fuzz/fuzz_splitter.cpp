// fuzz_splitter.cpp — libFuzzer target: the CLI's statement splitter (src/cli/splitter.hpp).
// The first input byte says where to cut the text in two, the second how small the cap of one
// statement is (and its allowance of blanks). Properties:
// - without a cap in reach, feeding the text in two pieces yields the same items as
//   split_script() on the whole text, every statement is non-empty, and line numbers never go
//   backwards;
// - with the small cap, the pieces again give the same items as the whole (the items do not
//   depend on how input is cut); the capped items are the uncapped ones, one for one, except
//   that some became `too_long` (at the same line) — every one longer than the cap did, none of
//   the others unless it was held past the cap plus the allowance; no statement passes the cap;
//   and the splitter never holds more than the cap, the allowance and the piece being fed.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "cli/splitter.hpp"

namespace {

using sfq::cli::ScriptItem;
using sfq::cli::StatementSplitter;

std::vector<ScriptItem> in_two_pieces(std::string_view text, std::size_t cut, std::size_t cap,
                                      std::size_t allowance) {
  StatementSplitter splitter(cap, allowance);
  std::vector<ScriptItem> items;
  splitter.feed(text.substr(0, cut), items);
  (void)splitter.in_statement();
  (void)splitter.open_construct();
  if (splitter.held_bytes() > cap + allowance + 2 + cut) std::abort();
  splitter.feed(text.substr(cut), items);
  if (splitter.held_bytes() > cap + allowance + 2 + text.size()) std::abort();
  if (auto last = splitter.finish()) items.push_back(std::move(*last));
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t cut = text.empty() ? 0 : data[0] % (text.size() + 1);
  const std::size_t cap = 1 + (data[1] & 0x3f);
  const std::size_t allowance = data[1] >> 6;

  const std::vector<ScriptItem> whole = sfq::cli::split_script(text);
  if (in_two_pieces(text, cut, sfq::cli::kDefaultMaxStatementBytes,
                    sfq::cli::kTrailingBlankAllowance) != whole) {
    std::abort();
  }
  std::size_t line = 1;
  for (const auto& item : whole) {
    if (item.text.empty() && item.kind == ScriptItem::Kind::statement) std::abort();
    if (item.line < line) std::abort();
    line = item.line;
  }
  if (text.size() > sfq::cli::kDefaultMaxStatementBytes) return 0;  // the cap was in reach

  const std::vector<ScriptItem> capped = sfq::cli::split_script(text, cap, allowance);
  if (in_two_pieces(text, cut, cap, allowance) != capped) std::abort();
  if (capped.size() != whole.size()) std::abort();
  for (std::size_t i = 0; i < capped.size(); ++i) {
    const ScriptItem& a = capped[i];
    const ScriptItem& b = whole[i];
    if (a.kind == ScriptItem::Kind::too_long) {
      if (a.line != b.line) std::abort();
      if (a.text != (b.kind == ScriptItem::Kind::command ? "command" : "statement")) std::abort();
      continue;
    }
    if (a != b) std::abort();
    if (a.text.size() > cap) std::abort();
  }
  return 0;
}
