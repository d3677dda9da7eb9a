// fuzz_splitter.cpp — libFuzzer target: the CLI's statement splitter (src/cli/splitter.hpp).
// Properties: feeding the text in two pieces (cut where the first input byte says) yields the
// same items as split_script() on the whole text, every item is non-empty, and line numbers
// never go backwards.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "cli/splitter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<sfq::cli::ScriptItem> whole = sfq::cli::split_script(text);

  const std::size_t cut = text.empty() ? 0 : data[0] % (text.size() + 1);
  sfq::cli::StatementSplitter splitter;
  std::vector<sfq::cli::ScriptItem> pieces;
  splitter.feed(text.substr(0, cut), pieces);
  (void)splitter.in_statement();
  (void)splitter.open_construct();
  splitter.feed(text.substr(cut), pieces);
  if (auto last = splitter.finish()) pieces.push_back(std::move(*last));

  if (pieces != whole) std::abort();
  std::size_t line = 1;
  for (const auto& item : whole) {
    if (item.text.empty() && item.kind == sfq::cli::ScriptItem::Kind::statement) std::abort();
    if (item.line < line) std::abort();
    line = item.line;
  }
  return 0;
}
