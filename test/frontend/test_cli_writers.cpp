// test_cli_writers.cpp — the output formats' layout rules on hand-made cells, and display
// widths. (The end-to-end golden tests cover the same formats on real results.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/text_width.hpp"
#include "cli/writers.hpp"

namespace sfq::cli {
namespace {

struct Row {
  std::vector<std::string> texts;
  std::vector<bool> nulls;
};

Row row(std::vector<std::string> texts, std::vector<bool> nulls = {}) {
  nulls.resize(texts.size(), false);
  return Row{std::move(texts), std::move(nulls)};
}

std::string render(WriterOptions options, const std::vector<ColumnInfo>& columns,
                   const std::vector<Row>& rows) {
  StringSink sink;
  auto writer = make_writer(options, sink);
  writer->begin(columns);
  for (const auto& r : rows) {
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < r.texts.size(); ++i) cells.push_back(Cell{r.texts[i], r.nulls[i]});
    writer->row(cells);
  }
  writer->end();
  return sink.text();
}

std::vector<ColumnInfo> columns(std::initializer_list<std::pair<const char*, bool>> specs) {
  std::vector<ColumnInfo> out;
  for (const auto& [name, numeric] : specs) {
    out.push_back(ColumnInfo{name, "\"" + std::string(name) + "\"", numeric});
  }
  return out;
}

WriterOptions with(OutputFormat format) {
  WriterOptions options;
  options.format = format;
  return options;
}

TEST(CliTextWidth, CountsColumnsPerGraphemeCluster) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("中文"), 4u);                // East Asian wide
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);           // e + combining acute
  EXPECT_EQ(display_width("😀"), 2u);                   // emoji
  EXPECT_EQ(display_width("👨‍👩‍👧"), 2u);  // ZWJ family sequence
  EXPECT_EQ(display_width("🇫🇷"), 2u);                  // regional indicator pair (flag)
  EXPECT_EQ(display_width("❤️"), 2u);              // text heart + emoji presentation
  EXPECT_EQ(display_width("ＡＢ"), 4u);                // fullwidth
}

TEST(CliTextWidth, TruncatesAtClusterBoundariesWithAnEllipsis) {
  EXPECT_EQ(truncate_to_width("abcdef", 6), "abcdef");
  EXPECT_EQ(truncate_to_width("abcdef", 4), "abc…");
  EXPECT_EQ(truncate_to_width("中文字", 4), "中…");  // 2 + 1: a wide char never splits
  EXPECT_EQ(truncate_to_width("e\xCC\x81"
                              "abc",
                              2),
            "e\xCC\x81…");
  EXPECT_EQ(truncate_to_width("abc", 0), "");
}

TEST(CliTextWidth, SanitizesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(sanitize_for_terminal("a\tb\r\n\x1b[31m"), "a\\tb\\r\n\\x1b[31m");
  EXPECT_EQ(sanitize_for_terminal("ok\xff"), "ok\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_for_terminal("\xC2\x9B"
                                  "x"),
            "\\u009bx");  // C1 CSI
  EXPECT_EQ(sanitize_for_terminal("é中"), "é中");
}

TEST(CliWriters, CsvQuotesPerRfc4180AndTellsNullFromEmpty) {
  const auto text = render(with(OutputFormat::csv), columns({{"A", false}, {"B,C", false}}),
                           {row({"plain", "with,comma"}), row({"say \"hi\"", "two\nlines"}),
                            row({"", "x"}, {true, false}), row({"", "cr\r"})});
  EXPECT_EQ(
      text,
      "A,\"B,C\"\nplain,\"with,comma\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n,x\n\"\",\"cr\r\"\n");
  WriterOptions options = with(OutputFormat::csv);
  options.header = false;
  options.null_display = "NULL";
  EXPECT_EQ(render(options, columns({{"A", false}}), {row({""}, {true})}), "NULL\n");
}

TEST(CliWriters, TsvEscapesAndWritesNullAsBackslashN) {
  const auto text = render(with(OutputFormat::tsv), columns({{"A", false}, {"B", false}}),
                           {row({"a\tb", "c\nd\\e\r"}), row({"", ""}, {true, false})});
  EXPECT_EQ(text, "A\tB\na\\tb\tc\\nd\\\\e\\r\n\\N\t\n");
}

TEST(CliWriters, JsonIsOneArrayWithOneObjectPerLine) {
  const auto cols = columns({{"N", true}, {"S", false}});
  EXPECT_EQ(render(with(OutputFormat::json), cols,
                   {row({"1.50", "\"x\""}), row({"", "[1,2]"}, {true, false})}),
            "[\n{\"N\":1.50,\"S\":\"x\"},\n{\"N\":null,\"S\":[1,2]}\n]\n");
  EXPECT_EQ(render(with(OutputFormat::json), cols, {}), "[\n]\n");
  EXPECT_EQ(render(with(OutputFormat::jsonl), cols, {row({"1", "true"}), row({"2", "false"})}),
            "{\"N\":1,\"S\":true}\n{\"N\":2,\"S\":false}\n");
  EXPECT_EQ(render(with(OutputFormat::jsonl), cols, {}), "");
}

TEST(CliWriters, UniqueNamesForJsonKeys) {
  EXPECT_EQ(unique_names({"A", "B", "A", "A", "A_2"}),
            (std::vector<std::string>{"A", "B", "A_3", "A_4", "A_2"}));
  EXPECT_EQ(unique_names({"1", "1"}), (std::vector<std::string>{"1", "1_2"}));
}

TEST(CliWriters, TableDrawsBoxesAlignsNumbersAndShowsNull) {
  const auto text =
      render(with(OutputFormat::table), columns({{"ID", true}, {"NAME", false}}),
             {row({"1", "中文"}), row({"22", ""}, {false, true}), row({"333", "two\nlines"})});
  EXPECT_EQ(text,
            "┌─────┬───────┐\n"
            "│  ID │ NAME  │\n"
            "├─────┼───────┤\n"
            "│   1 │ 中文  │\n"
            "│  22 │ NULL  │\n"
            "│ 333 │ two   │\n"
            "│     │ lines │\n"
            "└─────┴───────┘\n");
}

TEST(CliWriters, TableWithoutHeaderAndWithCustomNullAndColor) {
  WriterOptions options = with(OutputFormat::table);
  options.header = false;
  options.null_display = "∅";
  options.color = true;
  const auto text = render(options, columns({{"A", false}}), {row({""}, {true})});
  EXPECT_EQ(text, "┌───┐\n│ \x1b[2m∅\x1b[0m │\n└───┘\n");
}

TEST(CliWriters, TableFitsTheTerminalWidth) {
  WriterOptions options = with(OutputFormat::table);
  options.max_width = 20;
  const auto text = render(options, columns({{"A", false}, {"B", false}}),
                           {row({"short", "a rather long value here"})});
  EXPECT_EQ(text,
            "┌───────┬──────────┐\n"
            "│ A     │ B        │\n"
            "├───────┼──────────┤\n"
            "│ short │ a rathe… │\n"
            "└───────┴──────────┘\n");
  for (const auto& line : {"┌───────┬──────────┐"}) EXPECT_EQ(display_width(line), 20u);
}

TEST(CliWriters, TableHidesWholeMiddleColumnsThatCannotFit) {
  WriterOptions options = with(OutputFormat::table);
  options.max_width = 19;
  const auto text = render(options, columns({{"AAAA", false}, {"BBBB", false}, {"CCCC", false}}),
                           {row({"1111", "2222", "3333"})});
  // The first and the last column stay; the one between gives way to a "…" column.
  EXPECT_EQ(text,
            "┌──────┬───┬──────┐\n"
            "│ AAAA │ … │ CCCC │\n"
            "├──────┼───┼──────┤\n"
            "│ 1111 │ … │ 3333 │\n"
            "└──────┴───┴──────┘\n");
  options.max_width = 12;
  EXPECT_EQ(render(options, columns({{"AAAA", false}, {"BBBB", false}, {"CCCC", false}}),
                   {row({"1", "2", "3"})}),
            "┌──────┬───┐\n│ AAAA │ … │\n├──────┼───┤\n│ 1    │ … │\n└──────┴───┘\n");
}

TEST(CliWriters, NumbersAndDatesAreNeverCutTextIs) {
  WriterOptions options = with(OutputFormat::table);
  options.max_width = 36;
  std::vector<ColumnInfo> cols = columns({{"PRICE", true}, {"NOTE", false}, {"D", false}});
  cols[0].exact = true;
  cols[2].exact = true;
  const auto text =
      render(options, cols, {row({"207587.96", "a long text value that goes on", "1997-01-01"})});
  EXPECT_NE(text.find("207587.96"), std::string::npos) << text;
  EXPECT_NE(text.find("1997-01-01"), std::string::npos) << text;
  EXPECT_NE(text.find("│ a long… │"), std::string::npos) << text;
  for (std::size_t at = 0, end = 0; (end = text.find('\n', at)) != std::string::npos;
       at = end + 1) {
    EXPECT_EQ(display_width(text.substr(at, end - at)), 36u) << text;
  }
  // A later, wider number overflows its column rather than lose digits.
  options.layout_rows = 1;
  const auto later = render(
      options, cols, {row({"1.5", "x", "1997-01-01"}), row({"123456789.25", "y", "1997-01-02"})});
  EXPECT_NE(later.find("123456789.25"), std::string::npos) << later;
}

TEST(CliWriters, AsciiLinesAndAutoVertical) {
  WriterOptions options = with(OutputFormat::table);
  options.ascii = true;
  EXPECT_EQ(render(options, columns({{"A", true}, {"B", false}}), {row({"1", "x"})}),
            "+---+---+\n| A | B |\n+---+---+\n| 1 | x |\n+---+---+\n");
  options.ascii = false;
  options.auto_vertical = true;
  options.max_width = 10;
  EXPECT_EQ(render(options, columns({{"NAME", false}, {"VALUE", false}}),
                   {row({"first one", "second one"})}),
            "-[ RECORD 1 ]-----------\nNAME  | first one\nVALUE | second one\n");
  options.max_width = 80;
  EXPECT_EQ(render(options, columns({{"A", false}}), {row({"x"})}),
            "┌───┐\n│ A │\n├───┤\n│ x │\n└───┘\n");
}

TEST(CliWriters, TableStreamsRowsAfterTheLayoutWindow) {
  WriterOptions options = with(OutputFormat::table);
  options.layout_rows = 2;
  StringSink sink;
  auto writer = make_writer(options, sink);
  writer->begin(columns({{"V", false}}));
  const std::vector<std::string> values = {"ab", "cd", "longer", "ef"};
  for (const auto& v : values) {
    Cell cell{v, false};
    writer->row(std::span<const Cell>(&cell, 1));
    writer->flush();
    if (&v == &values[0]) {
      EXPECT_EQ(sink.text(), "") << "still deciding the widths";
    }
  }
  writer->end();
  // Piped: a later, wider value overflows its column rather than losing text.
  EXPECT_EQ(sink.text(), "┌────┐\n│ V  │\n├────┤\n│ ab │\n│ cd │\n│ longer │\n│ ef │\n└────┘\n");
  // On a terminal it is truncated instead.
  options.max_width = 80;
  const auto text =
      render(options, columns({{"V", false}}), {row({"ab"}), row({"cd"}), row({"longer"})});
  EXPECT_NE(text.find("│ l… │"), std::string::npos) << text;
}

TEST(CliWriters, TableOfNoRowsStillShowsTheColumns) {
  EXPECT_EQ(render(with(OutputFormat::table), columns({{"A", false}}), {}),
            "┌───┐\n│ A │\n├───┤\n└───┘\n");
}

TEST(CliWriters, MarkdownEscapesAndAligns) {
  const auto text = render(with(OutputFormat::markdown), columns({{"N", true}, {"T", false}}),
                           {row({"10", "a|b"}), row({"", "x\ny"}, {true, false})});
  EXPECT_EQ(text,
            "|    N | T      |\n"
            "| ---: | ------ |\n"
            "|   10 | a\\|b   |\n"
            "| NULL | x<br>y |\n");
}

TEST(CliWriters, VerticalRecords) {
  const auto text = render(with(OutputFormat::vertical), columns({{"ID", true}, {"NAME", false}}),
                           {row({"1", "a\nb"}), row({"2", ""}, {false, true})});
  EXPECT_EQ(text,
            "-[ RECORD 1 ]----------\n"
            "ID   | 1\n"
            "NAME | a\n"
            "     | b\n"
            "-[ RECORD 2 ]----------\n"
            "ID   | 2\n"
            "NAME | NULL\n");
  EXPECT_EQ(render(with(OutputFormat::vertical), columns({{"A", false}}), {}), "(0 rows)\n");
}

TEST(CliWriters, FormatNames) {
  for (const char* name : {"table", "csv", "tsv", "json", "jsonl", "markdown", "vertical"}) {
    const auto format = parse_output_format(name);
    ASSERT_TRUE(format.has_value()) << name;
    EXPECT_EQ(to_string(*format), name);
  }
  EXPECT_FALSE(parse_output_format("xml").has_value());
  EXPECT_FALSE(parse_output_format("CSV").has_value());
}

}  // namespace
}  // namespace sfq::cli
