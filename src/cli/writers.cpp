// writers.cpp — see writers.hpp for each format's rules.
#include "cli/writers.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <utility>

#include "cli/text_width.hpp"

namespace sfq::cli {
namespace {

// Writers hand their text to the sink at least this often, so a huge batch does not pile up.
constexpr std::size_t kFlushBytes = std::size_t{256} * 1024;
constexpr std::string_view kDimOn = "\x1b[2m";
constexpr std::string_view kDimOff = "\x1b[0m";

// A column name on one line, safe for a terminal.
std::string header_text(std::string_view name) {
  std::string text = sanitize_for_terminal(name);
  for (auto& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

constexpr std::array<std::pair<std::string_view, OutputFormat>, 7> kFormats = {{
    {"table", OutputFormat::table},
    {"csv", OutputFormat::csv},
    {"tsv", OutputFormat::tsv},
    {"json", OutputFormat::json},
    {"jsonl", OutputFormat::jsonl},
    {"markdown", OutputFormat::markdown},
    {"vertical", OutputFormat::vertical},
}};

// Common plumbing: an output buffer flushed to the sink.
class BufferedWriter : public ResultWriter {
 public:
  BufferedWriter(const WriterOptions& options, TextSink& sink) : options_(options), sink_(sink) {}

  void flush() override {
    if (!out_.empty()) {
      sink_.write(out_);
      out_.clear();
    }
  }

 protected:
  void maybe_flush() {
    if (out_.size() >= kFlushBytes) flush();
  }
  [[nodiscard]] std::string_view null_text(std::string_view fallback) const {
    return options_.null_display ? std::string_view(*options_.null_display) : fallback;
  }

  WriterOptions options_;
  TextSink& sink_;
  std::string out_;
  std::vector<ColumnInfo> columns_;
};

// --- csv ------------------------------------------------------------------------------------

class CsvWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  [[nodiscard]] CellForm cell_form() const noexcept override { return CellForm::display; }

  void begin(std::vector<ColumnInfo> columns) override {
    columns_ = std::move(columns);
    if (!options_.header || columns_.empty()) return;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out_ += ',';
      field(columns_[i].name, /*quote_empty=*/true);
    }
    out_ += '\n';
  }

  void row(std::span<const Cell> cells) override {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out_ += ',';
      if (cells[i].null) {
        field(null_text(""), /*quote_empty=*/false);
      } else {
        field(cells[i].text, /*quote_empty=*/true);
      }
    }
    out_ += '\n';
    maybe_flush();
  }

  void end() override { flush(); }

 private:
  void field(std::string_view text, bool quote_empty) {
    const bool quote =
        (quote_empty && text.empty()) || text.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
      out_.append(text);
      return;
    }
    out_ += '"';
    for (const char c : text) {
      if (c == '"') out_ += '"';
      out_ += c;
    }
    out_ += '"';
  }
};

// --- tsv ------------------------------------------------------------------------------------

class TsvWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  [[nodiscard]] CellForm cell_form() const noexcept override { return CellForm::display; }

  void begin(std::vector<ColumnInfo> columns) override {
    columns_ = std::move(columns);
    if (!options_.header || columns_.empty()) return;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out_ += '\t';
      field(columns_[i].name);
    }
    out_ += '\n';
  }

  void row(std::span<const Cell> cells) override {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out_ += '\t';
      if (cells[i].null) {
        out_.append(null_text("\\N"));
      } else {
        field(cells[i].text);
      }
    }
    out_ += '\n';
    maybe_flush();
  }

  void end() override { flush(); }

 private:
  void field(std::string_view text) {
    for (const char c : text) {
      switch (c) {
        case '\t':
          out_ += "\\t";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        default:
          out_ += c;
      }
    }
  }
};

// --- json / jsonl ---------------------------------------------------------------------------

class JsonWriter final : public BufferedWriter {
 public:
  JsonWriter(const WriterOptions& options, TextSink& sink, bool lines)
      : BufferedWriter(options, sink), lines_(lines) {}
  [[nodiscard]] CellForm cell_form() const noexcept override { return CellForm::json; }

  void begin(std::vector<ColumnInfo> columns) override {
    columns_ = std::move(columns);
    rows_ = 0;
    if (!lines_) out_ += "[\n";
  }

  void row(std::span<const Cell> cells) override {
    if (!lines_ && rows_ > 0) out_ += ",\n";
    out_ += '{';
    for (std::size_t i = 0; i < cells.size() && i < columns_.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += columns_[i].json_key;
      out_ += ':';
      out_.append(cells[i].null ? std::string_view("null") : cells[i].text);
    }
    out_ += '}';
    if (lines_) out_ += '\n';
    ++rows_;
    maybe_flush();
  }

  void end() override {
    if (!lines_) out_ += rows_ > 0 ? "\n]\n" : "]\n";
    flush();
  }

 private:
  bool lines_;
  std::size_t rows_ = 0;
};

// --- vertical -------------------------------------------------------------------------------

class VerticalWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  [[nodiscard]] CellForm cell_form() const noexcept override { return CellForm::display; }

  void begin(std::vector<ColumnInfo> columns) override {
    columns_ = std::move(columns);
    names_.clear();
    name_width_ = 0;
    for (const auto& column : columns_) {
      names_.push_back(header_text(column.name));
      name_width_ = std::max(name_width_, display_width(names_.back()));
    }
    rows_ = 0;
  }

  void row(std::span<const Cell> cells) override {
    ++rows_;
    const std::string title = "-[ RECORD " + std::to_string(rows_) + " ]";
    out_ += title;
    const std::size_t rule = std::max<std::size_t>(name_width_ + 3 + 16, title.size() + 1);
    out_.append(rule - title.size(), '-');
    out_ += '\n';
    for (std::size_t i = 0; i < cells.size() && i < names_.size(); ++i) {
      out_ += names_[i];
      out_.append(name_width_ - display_width(names_[i]), ' ');
      out_ += " | ";
      if (cells[i].null) {
        if (options_.color) out_ += kDimOn;
        out_.append(null_text("NULL"));
        if (options_.color) out_ += kDimOff;
        out_ += '\n';
        continue;
      }
      const std::string value = sanitize_for_terminal(cells[i].text);
      std::string_view rest = value;
      while (true) {
        const auto nl = rest.find('\n');
        out_.append(rest.substr(0, nl));
        out_ += '\n';
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
        out_.append(name_width_, ' ');
        out_ += " | ";
      }
    }
    maybe_flush();
  }

  void end() override {
    if (rows_ == 0 && !columns_.empty()) out_ += "(0 rows)\n";
    flush();
  }

 private:
  std::vector<std::string> names_;
  std::size_t name_width_ = 0;
  std::size_t rows_ = 0;
};

// --- table and markdown: laid out from the first rows ---------------------------------------

struct LaidCell {
  std::vector<std::string> lines;  // sanitized; one element at least
  std::vector<std::size_t> widths;
  bool null = false;
};

// Lines of a table: Unicode box drawing, or ASCII where the terminal cannot show it.
struct BoxStyle {
  std::string_view top[3], middle[3], bottom[3];  // left, crossing, right
  std::string_view horizontal, vertical, ellipsis;
};
constexpr BoxStyle kUnicodeBox = {{"┌", "┬", "┐"}, {"├", "┼", "┤"}, {"└", "┴", "┘"}, "─", "│", "…"};
constexpr BoxStyle kAsciiBox = {{"+", "+", "+"}, {"+", "+", "+"}, {"+", "+", "+"}, "-", "|", "~"};

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

class GridWriter : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  [[nodiscard]] CellForm cell_form() const noexcept override { return CellForm::display; }

  void begin(std::vector<ColumnInfo> columns) override {
    columns_ = std::move(columns);
    pending_.clear();
    pending_raw_.clear();
    pending_bytes_ = 0;
    laid_out_ = false;
    widths_.clear();
    shown_.clear();
    for (std::size_t i = 0; i < columns_.size(); ++i) shown_.push_back(i);
    gap_ = kNone;
    vertical_.reset();
  }

  void row(std::span<const Cell> cells) override {
    if (vertical_) {
      vertical_->row(cells);
      return;
    }
    std::vector<LaidCell> laid;
    laid.reserve(cells.size());
    std::size_t bytes = 0;
    for (const Cell& cell : cells) {
      laid.push_back(lay(cell));
      for (const auto& line : laid.back().lines) bytes += line.size();
    }
    if (laid_out_) {
      emit_row(laid);
      maybe_flush();
      return;
    }
    if (options_.auto_vertical) {
      // Kept as given, in case the table turns out too wide and becomes vertical records.
      std::vector<std::optional<std::string>> raw;
      for (const Cell& cell : cells) {
        raw.push_back(cell.null ? std::nullopt : std::optional<std::string>(cell.text));
      }
      pending_raw_.push_back(std::move(raw));
    }
    pending_.push_back(std::move(laid));
    pending_bytes_ += bytes;
    if (pending_.size() >= options_.layout_rows || pending_bytes_ >= options_.layout_bytes) {
      layout();
    }
  }

  void flush() override {
    if (vertical_) {
      vertical_->flush();
      return;
    }
    // While the widths are undecided there is nothing to hand over yet.
    if (laid_out_) BufferedWriter::flush();
  }

  void end() override {
    if (columns_.empty()) return;
    if (!laid_out_) layout();
    if (vertical_) {
      vertical_->end();
      return;
    }
    emit_footer();
    BufferedWriter::flush();
  }

 protected:
  [[nodiscard]] virtual LaidCell lay(const Cell& cell) const = 0;
  [[nodiscard]] virtual std::size_t min_width(std::size_t column) const = 0;
  virtual void emit_header() = 0;
  virtual void emit_row(const std::vector<LaidCell>& row) = 0;
  virtual void emit_footer() = 0;
  /// Total width of a line with these column widths (0 = no limit applies).
  [[nodiscard]] virtual std::size_t limit() const = 0;
  [[nodiscard]] virtual std::size_t line_width(const std::vector<std::size_t>& widths,
                                               bool ellipsis_column) const = 0;

  static LaidCell split_lines(const std::string& text, bool null) {
    LaidCell cell;
    cell.null = null;
    std::string_view rest = text;
    while (true) {
      const auto nl = rest.find('\n');
      cell.lines.emplace_back(rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    for (const auto& line : cell.lines) cell.widths.push_back(display_width(line));
    return cell;
  }

  [[nodiscard]] const BoxStyle& box() const noexcept {
    return options_.ascii ? kAsciiBox : kUnicodeBox;
  }

  /// Padding of one line of a cell into a column of `width`. Text that is too wide is cut with
  /// an ellipsis on a terminal, unless the column holds values that must never be cut (numbers,
  /// dates, times): those overflow their column rather than lie.
  void put(std::string_view text, std::size_t text_width, std::size_t width, bool right, bool dim,
           bool exact) {
    std::string cut;
    if (text_width > width && limit() > 0 && !exact) {
      cut = truncate_to_width(text, width, box().ellipsis);
      text = cut;
      text_width = display_width(cut);
    }
    const std::size_t pad = width > text_width ? width - text_width : 0;
    if (right) out_.append(pad, ' ');
    if (dim) out_ += kDimOn;
    out_.append(text);
    if (dim) out_ += kDimOff;
    if (!right) out_.append(pad, ' ');
  }

  std::vector<std::size_t> widths_;  // of the shown columns, by position in shown_
  std::vector<std::size_t> shown_;   // the columns shown, in order
  std::size_t gap_ = kNone;          // the "…" column of hidden ones goes before this position

 private:
  void layout() {
    const std::size_t n = columns_.size();
    std::vector<std::size_t> natural(n, 0);
    for (std::size_t i = 0; i < n; ++i) natural[i] = header_width(i);
    for (const auto& row : pending_) {
      for (std::size_t i = 0; i < n && i < row.size(); ++i) {
        for (const std::size_t w : row[i].widths) natural[i] = std::max(natural[i], w);
      }
    }
    widths_ = natural;
    const std::size_t max = limit();
    if (max > 0 && line_width(widths_, false) > max) {
      if (options_.auto_vertical) {
        to_vertical();
        return;
      }
      fit(natural, max);
    }
    laid_out_ = true;
    emit_header();
    for (const auto& row : pending_) emit_row(row);
    pending_.clear();
    pending_raw_.clear();
    pending_bytes_ = 0;
  }

  void to_vertical() {
    laid_out_ = true;
    vertical_ = make_writer(
        [this] {
          WriterOptions o = options_;
          o.format = OutputFormat::vertical;
          return o;
        }(),
        sink_);
    vertical_->begin(columns_);
    std::vector<Cell> cells;
    for (const auto& raw : pending_raw_) {
      cells.clear();
      for (const auto& value : raw) {
        cells.push_back(value ? Cell{*value, false} : Cell{std::string_view(), true});
      }
      vertical_->row(cells);
    }
    pending_.clear();
    pending_raw_.clear();
    pending_bytes_ = 0;
  }

  // Text columns shrink (the widest first) down to a few characters; numbers, dates and times
  // keep their width. If that is not enough, whole columns from the middle give way to one "…"
  // column, keeping the first and the last ones (the key and, often, the measure).
  void fit(const std::vector<std::size_t>& natural, std::size_t max) {
    const std::size_t n = natural.size();
    std::vector<std::size_t> minimum(n);
    for (std::size_t i = 0; i < n; ++i) {
      minimum[i] = columns_[i].exact ? natural[i] : std::min(natural[i], min_width(i));
    }
    auto widths_of = [&](const std::vector<std::size_t>& columns) {
      std::vector<std::size_t> w;
      for (const std::size_t c : columns) w.push_back(minimum[c]);
      return w;
    };
    shown_.clear();
    gap_ = kNone;
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    if (line_width(widths_of(all), false) <= max) {
      shown_ = all;
    } else {
      // Take columns alternately from the left and the right while they fit.
      std::vector<std::size_t> left;
      std::vector<std::size_t> right;  // from the last column inwards
      std::size_t lo = 0;
      std::size_t hi = n;
      bool from_left = true;
      while (lo < hi) {
        std::vector<std::size_t> trial = left;
        trial.push_back(from_left ? lo : hi - 1);
        trial.insert(trial.end(), right.begin(), right.end());
        const bool hidden_left = hi - lo > 1;
        if (line_width(widths_of(trial), hidden_left) > max) {
          if (!left.empty()) break;
          left.push_back(lo++);  // the first column always shows, even if it overflows
          from_left = false;
          continue;
        }
        if (from_left) {
          left.push_back(lo++);
        } else {
          right.push_back(--hi);
        }
        from_left = !from_left;
      }
      shown_ = left;
      if (lo < hi) gap_ = left.size();
      shown_.insert(shown_.end(), right.rbegin(), right.rend());
    }
    widths_.clear();
    for (const std::size_t c : shown_) widths_.push_back(natural[c]);
    const bool ellipsis = gap_ != kNone;
    while (line_width(widths_, ellipsis) > max) {
      std::size_t widest = kNone;
      for (std::size_t p = 0; p < shown_.size(); ++p) {
        if (widths_[p] > minimum[shown_[p]] && (widest == kNone || widths_[p] > widths_[widest])) {
          widest = p;
        }
      }
      if (widest == kNone) break;  // everything at its minimum: accept the overflow
      --widths_[widest];
    }
  }

  [[nodiscard]] std::size_t header_width(std::size_t column) const {
    return display_width(header_text(columns_[column].name));
  }

  std::vector<std::vector<LaidCell>> pending_;
  std::vector<std::vector<std::optional<std::string>>> pending_raw_;
  std::size_t pending_bytes_ = 0;
  bool laid_out_ = false;
  std::unique_ptr<ResultWriter> vertical_;  // expanded auto chose vertical records
};

class TableWriter final : public GridWriter {
 public:
  using GridWriter::GridWriter;

 protected:
  [[nodiscard]] LaidCell lay(const Cell& cell) const override {
    if (cell.null) return split_lines(std::string(null_text("NULL")), true);
    return split_lines(sanitize_for_terminal(cell.text), false);
  }
  [[nodiscard]] std::size_t min_width(std::size_t /*column*/) const override { return 4; }
  [[nodiscard]] std::size_t limit() const override { return options_.max_width; }
  [[nodiscard]] std::size_t line_width(const std::vector<std::size_t>& widths,
                                       bool ellipsis_column) const override {
    std::size_t total = 1;
    for (const std::size_t w : widths) total += w + 3;
    if (ellipsis_column) total += 4;
    return total;
  }

  void emit_header() override {
    rule(box().top);
    if (options_.header) {
      std::vector<LaidCell> names;
      for (const auto& column : columns_)
        names.push_back(split_lines(header_text(column.name), false));
      emit_lines(names, /*header=*/true);
      rule(box().middle);
    }
  }

  void emit_row(const std::vector<LaidCell>& row) override { emit_lines(row, false); }

  void emit_footer() override { rule(box().bottom); }

 private:
  void rule(const std::string_view (&parts)[3]) {
    out_ += parts[0];
    for (std::size_t p = 0; p < shown_.size(); ++p) {
      if (p == gap_) {
        if (p > 0) out_ += parts[1];
        for (int k = 0; k < 3; ++k) out_ += box().horizontal;
      }
      if (p > 0 || p == gap_) out_ += parts[1];
      for (std::size_t k = 0; k < widths_[p] + 2; ++k) out_ += box().horizontal;
    }
    if (gap_ != kNone && gap_ >= shown_.size()) {
      out_ += parts[1];
      for (int k = 0; k < 3; ++k) out_ += box().horizontal;
    }
    out_ += parts[2];
    out_ += '\n';
  }

  void emit_lines(const std::vector<LaidCell>& row, bool header) {
    std::size_t height = 1;
    for (const std::size_t c : shown_) {
      if (c < row.size()) height = std::max(height, row[c].lines.size());
    }
    const std::string_view bar = box().vertical;
    for (std::size_t line = 0; line < height; ++line) {
      out_ += bar;
      for (std::size_t p = 0; p < shown_.size(); ++p) {
        if (p == gap_) {
          out_ += ' ';
          out_ += line == 0 ? box().ellipsis : " ";
          out_ += ' ';
          out_ += bar;
        }
        const std::size_t c = shown_[p];
        out_ += ' ';
        const bool right = columns_[c].numeric;
        if (c < row.size() && line < row[c].lines.size()) {
          const LaidCell& cell = row[c];
          put(cell.lines[line], cell.widths[line], widths_[p], right,
              cell.null && options_.color && !header, columns_[c].exact && !header);
        } else {
          out_.append(widths_[p], ' ');
        }
        out_ += ' ';
        out_ += bar;
      }
      if (gap_ != kNone && gap_ >= shown_.size()) {
        out_ += ' ';
        out_ += line == 0 ? box().ellipsis : " ";
        out_ += ' ';
        out_ += bar;
      }
      out_ += '\n';
    }
  }
};

class MarkdownWriter final : public GridWriter {
 public:
  using GridWriter::GridWriter;

 protected:
  [[nodiscard]] LaidCell lay(const Cell& cell) const override {
    // One line per row: newlines become <br>, and | must not end the cell.
    const std::string text =
        cell.null ? std::string(null_text("NULL")) : sanitize_for_terminal(cell.text);
    return split_lines(escape(text), cell.null);
  }
  [[nodiscard]] std::size_t min_width(std::size_t /*column*/) const override { return 3; }
  [[nodiscard]] std::size_t limit() const override { return 0; }
  [[nodiscard]] std::size_t line_width(const std::vector<std::size_t>& widths,
                                       bool /*ellipsis_column*/) const override {
    std::size_t total = 1;
    for (const std::size_t w : widths) total += w + 3;
    return total;
  }

  void emit_header() override {
    // A separator cell needs at least three dashes.
    for (auto& w : widths_) w = std::max<std::size_t>(w, 3);
    out_ += '|';
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string name = escape(header_text(columns_[i].name));
      out_ += ' ';
      put(name, display_width(name), widths_[i], columns_[i].numeric, false, false);
      out_ += " |";
    }
    out_ += "\n|";
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      out_ += ' ';
      if (columns_[i].numeric) {
        out_.append(widths_[i] - 1, '-');
        out_ += ':';
      } else {
        out_.append(widths_[i], '-');
      }
      out_ += " |";
    }
    out_ += '\n';
  }

  void emit_row(const std::vector<LaidCell>& row) override {
    out_ += '|';
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      out_ += ' ';
      if (i < row.size()) {
        put(row[i].lines[0], row[i].widths[0], widths_[i], columns_[i].numeric, false, false);
      } else {
        out_.append(widths_[i], ' ');
      }
      out_ += " |";
    }
    out_ += '\n';
  }

  void emit_footer() override {}

 private:
  static std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
      if (c == '|') {
        out += "\\|";
      } else if (c == '\n') {
        out += "<br>";
      } else {
        out += c;
      }
    }
    return out;
  }
};

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  for (const auto& [text, format] : kFormats) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view to_string(OutputFormat format) noexcept {
  for (const auto& [text, f] : kFormats) {
    if (f == format) return text;
  }
  return "table";
}

std::string_view output_format_names() noexcept {
  return "table, csv, tsv, json, jsonl, markdown, vertical";
}

std::string_view result_separator(OutputFormat format) noexcept {
  return format == OutputFormat::json || format == OutputFormat::jsonl ? "" : "\n";
}

std::unique_ptr<ResultWriter> make_writer(const WriterOptions& options, TextSink& sink) {
  if (options.format == OutputFormat::table && options.vertical) {
    return std::make_unique<VerticalWriter>(options, sink);
  }
  switch (options.format) {
    case OutputFormat::csv:
      return std::make_unique<CsvWriter>(options, sink);
    case OutputFormat::tsv:
      return std::make_unique<TsvWriter>(options, sink);
    case OutputFormat::json:
      return std::make_unique<JsonWriter>(options, sink, false);
    case OutputFormat::jsonl:
      return std::make_unique<JsonWriter>(options, sink, true);
    case OutputFormat::markdown:
      return std::make_unique<MarkdownWriter>(options, sink);
    case OutputFormat::vertical:
      return std::make_unique<VerticalWriter>(options, sink);
    case OutputFormat::table:
      break;
  }
  return std::make_unique<TableWriter>(options, sink);
}

std::vector<std::string> unique_names(const std::vector<std::string>& names) {
  std::set<std::string> taken(names.begin(), names.end());
  std::set<std::string> used;
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    if (used.insert(name).second) {
      out.push_back(name);
      continue;
    }
    for (int k = 2;; ++k) {
      std::string candidate = name + "_" + std::to_string(k);
      if (taken.count(candidate) == 0 && used.insert(candidate).second) {
        out.push_back(std::move(candidate));
        break;
      }
    }
  }
  return out;
}

}  // namespace sfq::cli
