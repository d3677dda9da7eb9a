// test_engine_helpers.hpp — helpers for the engine's tests: a sink that records a result, and
// a one-call way to run a statement on a Connection.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace engine_test {

using mock_snowflake::engine::Bind;
using mock_snowflake::engine::Bindings;
using mock_snowflake::engine::CancelToken;
using mock_snowflake::engine::ColumnInfo;
using mock_snowflake::engine::Connection;
using mock_snowflake::engine::Engine;
using mock_snowflake::engine::EngineOptions;
using mock_snowflake::engine::Outcome;
using mock_snowflake::engine::RowSink;
using mock_snowflake::engine::Session;
using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

class RecordingSink : public RowSink {
 public:
  void columns(std::vector<ColumnInfo> columns) override {
    ++columns_calls;
    cols = std::move(columns);
  }
  void row(std::vector<std::optional<std::string>>&& cells) override {
    rows.push_back(std::move(cells));
  }

  int columns_calls = 0;
  std::vector<ColumnInfo> cols;
  std::vector<Row> rows;
};

struct Result {
  Outcome outcome;
  std::vector<ColumnInfo> cols;
  std::vector<Row> rows;

  [[nodiscard]] bool ok() const { return !outcome.error.has_value(); }
  [[nodiscard]] std::string error_code() const { return outcome.error ? outcome.error->code : ""; }
  [[nodiscard]] std::string error_message() const {
    return outcome.error ? outcome.error->message : "";
  }
  /// The single cell of a 1x1 result ("<NULL>" for SQL NULL).
  [[nodiscard]] std::string scalar() const {
    if (rows.size() != 1 || rows[0].size() != 1) return "<not a scalar>";
    return rows[0][0].value_or("<NULL>");
  }
  [[nodiscard]] const ColumnInfo& col(std::size_t i) const { return cols.at(i); }
};

inline Result run(Connection& c, const std::string& sql, const Bindings& bindings = {}) {
  RecordingSink sink;
  CancelToken token;
  Result r;
  r.outcome = c.execute(sql, bindings, token, sink);
  r.cols = std::move(sink.cols);
  r.rows = std::move(sink.rows);
  return r;
}

inline Session sample_session() {
  Session s;
  s.account = "MOCKACCOUNT";
  s.user = "MOCKUSER";
  s.role = "SYSADMIN";
  s.warehouse = "MOCK_WH";
  s.database = "SNOWFLAKE_SAMPLE_DATA";
  s.schema = "TPCH_SF1";
  return s;
}

/// One engine for all tests of a program (seeding takes a fraction of a second, but once is
/// enough); tests that write use their own database or table names.
inline Engine& shared_engine() {
  static Engine engine(EngineOptions{});
  return engine;
}

inline std::unique_ptr<Connection> connect(Session s = sample_session()) {
  return shared_engine().connect(std::move(s));
}

inline std::string describe(const Result& r) {
  std::string out = r.ok() ? "ok" : "error " + r.error_code() + ": " + r.error_message();
  return out;
}

}  // namespace engine_test
