// test_engine_sqllogic.cpp — runs every test/data/sqllogic/*.test file against the engine: SQL
// cases as data, in the manner of SQLite's sqllogictest. One GoogleTest case per file; a failing
// record names its file and line.
//
// The format. A file is a sequence of records separated by blank lines; lines starting with `#`
// are comments. Each record is a header line, the SQL (one or more lines), and for queries and
// errors an optional expectation after a `----` line:
//
//   statement ok                 the statement succeeds (any result)
//   <sql>
//
//   statement error <code> [<sqlState>]
//   <sql>
//   ----                         optional: the exact error message (may span lines)
//   <message>
//
//   query [<column>...] [rows=<n>]
//   <sql>
//   ----
//   <row>                        one line per row, cells separated by " | "
//
// A <column> is `NAME:type`, `NAME`, or `:type`, checked against the result's rowType in order;
// a type is the rowType's `type` (fixed, real, text, boolean, date, ...), optionally with
// `(precision,scale)` (either may be `*`: not checked) or `(length)`, and a trailing `?` when it
// must be nullable, `!` when it must not (e.g. `N:fixed(18,0)!`, `:fixed(*,6)`, `S:text(5)?`).
// `rows=<n>` checks only the number of rows and takes no `----` block. Without columns or rows=,
// the rows after `----` are compared exactly, in order (write ORDER BY). In a cell, `NULL` is SQL
// NULL, `(empty)` the empty string, and `\n`,
// `\t`, `\|` and `\\` stand for a newline, a tab, a `|` and a backslash.
//
//   session [database=<db>] [schema=<s>] [warehouse=<w>] [role=<r>] [multi] [<PARAM>=<value>]
//
// starts a new connection for the records that follow: the sample session (TPCH_SF1, MOCK_WH)
// changed by the given fields; `multi` allows session commands (USE, ALTER SESSION, BEGIN);
// other KEY=value pairs are session parameters (TIMEZONE=UTC). `warehouse=` clears the warehouse.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

namespace fs = std::filesystem;

struct Record {
  int line = 0;
  std::string header;
  std::string sql;
  bool has_expectation = false;
  std::vector<std::string> expected;  // lines after ----
};

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

std::vector<Record> read_records(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Record> out;
  Record cur;
  enum class Part { none, sql, expected } part = Part::none;
  int n = 0;
  auto finish = [&] {
    if (!cur.header.empty()) out.push_back(cur);
    cur = Record{};
    part = Part::none;
  };
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (part == Part::none) {
      if (line.empty() || line[0] == '#') continue;
      cur.line = n;
      cur.header = line;
      part = line.rfind("session", 0) == 0 ? Part::none : Part::sql;
      if (part == Part::none) finish();
      continue;
    }
    if (line.empty()) {
      finish();
      continue;
    }
    if (part == Part::sql && line == "----") {
      part = Part::expected;
      cur.has_expectation = true;
      continue;
    }
    if (part == Part::sql) {
      cur.sql += (cur.sql.empty() ? "" : "\n") + line;
    } else {
      cur.expected.push_back(line);
    }
  }
  finish();
  return out;
}

// A cell as the file writes it.
std::string encode_cell(const Cell& c) {
  if (!c) return "NULL";
  if (c->empty()) return "(empty)";
  std::string out;
  for (char ch : *c) {
    switch (ch) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string encode_row(const Row& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) out += (i ? " | " : "") + encode_cell(row[i]);
  return out;
}

std::string type_text(const ColumnInfo& c) {
  std::string t = c.type;
  if (c.length) return t + "(" + std::to_string(*c.length) + ")";
  if (c.precision || c.scale) {
    t += "(" + (c.precision ? std::to_string(*c.precision) : std::string("*")) + "," +
         (c.scale ? std::to_string(*c.scale) : std::string("*")) + ")";
  }
  return t;
}

bool same_number(const std::string& expected, const std::optional<std::int64_t>& actual) {
  return expected == "*" || (actual && expected == std::to_string(*actual));
}

// Compares one `NAME:type(args)?` column spec; returns a message when it does not match.
std::string check_column(const std::string& spec, const ColumnInfo& c) {
  auto colon = spec.rfind(':');
  std::string name = spec.substr(0, colon);
  if (!name.empty() && name != c.name) return "column name " + c.name + ", expected " + name;
  if (colon == std::string::npos) return "";
  std::string type = spec.substr(colon + 1);
  char nullability = 0;
  if (!type.empty() && (type.back() == '?' || type.back() == '!')) {
    nullability = type.back();
    type.pop_back();
  }
  const std::string wrong = "column " + c.name + " is " + type_text(c) + ", expected " + type;
  auto paren = type.find('(');
  if (type.substr(0, paren) != c.type) return wrong;
  if (paren != std::string::npos) {
    std::string args = type.substr(paren + 1, type.size() - paren - 2);
    auto comma = args.find(',');
    bool ok = comma == std::string::npos ? same_number(args, c.length)
                                         : same_number(args.substr(0, comma), c.precision) &&
                                               same_number(args.substr(comma + 1), c.scale);
    if (!ok) return wrong;
  }
  if (nullability == '?' && !c.nullable) return "column " + c.name + " is not nullable";
  if (nullability == '!' && c.nullable) return "column " + c.name + " is nullable";
  return "";
}

class SqlLogic : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlLogic, File) {
  const fs::path path = fs::path(SFQ_TEST_DATA_DIR) / "sqllogic" / GetParam();
  std::vector<Record> records = read_records(path);
  ASSERT_FALSE(records.empty()) << path;
  auto c = connect();
  int checked = 0;
  for (const Record& r : records) {
    const std::string where = path.filename().string() + ":" + std::to_string(r.line);
    std::vector<std::string> words = split_words(r.header);
    const std::string& kind = words.at(0);
    if (kind == "session") {
      Session s = sample_session();
      for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        auto eq = w.find('=');
        std::string key = w.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : w.substr(eq + 1);
        if (key == "multi") {
          s.multi_statement = true;
        } else if (key == "database") {
          s.database = value;
        } else if (key == "schema") {
          s.schema = value;
        } else if (key == "warehouse") {
          s.warehouse = value;
        } else if (key == "role") {
          s.role = value;
        } else {
          s.parameters[key] = value;
        }
      }
      c = connect(s);
      continue;
    }
    ASSERT_FALSE(r.sql.empty()) << where << ": a record without SQL";
    ++checked;
    Result result = run(*c, r.sql);
    if (kind == "statement" && words.size() >= 2 && words[1] == "ok") {
      EXPECT_TRUE(result.ok()) << where << "\n" << r.sql << "\n" << describe(result);
      continue;
    }
    if (kind == "statement" && words.size() >= 3 && words[1] == "error") {
      EXPECT_EQ(result.error_code(), words[2]) << where << "\n"
                                               << r.sql << "\n"
                                               << describe(result);
      if (words.size() >= 4 && result.outcome.error) {
        EXPECT_EQ(result.outcome.error->sql_state, words[3]) << where << "\n" << r.sql;
      }
      if (r.has_expectation) {
        EXPECT_EQ(result.error_message(), join_lines(r.expected)) << where << "\n" << r.sql;
      }
      continue;
    }
    ASSERT_EQ(kind, "query") << where << ": unknown record '" << r.header << "'";
    if (!result.ok()) {
      ADD_FAILURE() << where << "\n" << r.sql << "\n" << describe(result);
      continue;
    }
    std::vector<std::string> columns;
    std::optional<std::size_t> row_count;
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (words[i].rfind("rows=", 0) == 0) {
        row_count = std::stoul(words[i].substr(5));
      } else {
        columns.push_back(words[i]);
      }
    }
    if (!columns.empty()) {
      EXPECT_EQ(result.cols.size(), columns.size()) << where << "\n" << r.sql;
      for (std::size_t i = 0; i < columns.size() && i < result.cols.size(); ++i) {
        std::string problem = check_column(columns[i], result.cols[i]);
        EXPECT_EQ(problem, "") << where << "\n" << r.sql;
      }
    }
    if (row_count) {
      EXPECT_EQ(result.rows.size(), *row_count) << where << "\n" << r.sql;
      continue;
    }
    std::vector<std::string> actual;
    for (const auto& row : result.rows) actual.push_back(encode_row(row));
    EXPECT_EQ(join_lines(actual), join_lines(r.expected)) << where << "\n" << r.sql;
  }
  EXPECT_GT(checked, 0) << path;
}

std::vector<std::string> test_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(SFQ_TEST_DATA_DIR) / "sqllogic")) {
    if (e.path().extension() == ".test") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, SqlLogic, ::testing::ValuesIn(test_files()), test_name);

}  // namespace
