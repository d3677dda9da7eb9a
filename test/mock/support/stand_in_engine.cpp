// stand_in_engine.cpp — TEMPORARY stand-in for the SQL engine until branch mock-engine is
// merged: just enough SQL (SELECT n, SELECT NULL, SELECT ?, SYSTEM$WAIT, GENERATOR) for the HTTP
// layer's tests. Deleted by the merge; nothing in mock_snowflake/src depends on it.
#include <regex>
#include <string>
#include <thread>

#include "engine/engine.hpp"

namespace mock_snowflake::engine {

struct Engine::Impl {};

namespace {

class StandInConnection final : public Connection {
 public:
  explicit StandInConnection(Session session) : session_(std::move(session)) {}

  Outcome execute(std::string_view sql_view, const Bindings& bindings, CancelToken& cancel,
                  RowSink& sink) override {
    const std::string sql(sql_view);
    std::smatch match;
    static const std::regex kWait(R"(\s*SELECT\s+SYSTEM\$WAIT\((\d+)(?:\s*,\s*'(\w+)')?\)\s*)",
                                  std::regex::icase);
    static const std::regex kNumber(R"(\s*SELECT\s+(-?\d+)\s*)", std::regex::icase);
    static const std::regex kNull(R"(\s*SELECT\s+NULL\s*)", std::regex::icase);
    static const std::regex kBind(R"(\s*SELECT\s+\?\s*)", std::regex::icase);
    static const std::regex kGenerator(
        R"(\s*SELECT\s+SEQ4\(\).*GENERATOR\(\s*ROWCOUNT\s*=>\s*(\d+)\s*\)\)\s*)",
        std::regex::icase);
    ColumnInfo fixed{"X", "fixed", "", 38, 0, std::nullopt, std::nullopt, false, "", "", "", {}};
    ColumnInfo text{"X",      "text", "", std::nullopt, std::nullopt, 16777216,
                    16777216, true,   "", "",           "",           std::nullopt};
    if (std::regex_match(sql, match, kWait)) {
      long long amount = std::stoll(match[1].str());
      const std::string unit = match[2].matched ? match[2].str() : "SECONDS";
      const auto duration = (unit == "MILLISECONDS" || unit == "milliseconds")
                                ? std::chrono::milliseconds(amount)
                                : std::chrono::milliseconds(amount * 1000);
      if (!cancel.sleep_for(duration)) {
        return Outcome{SqlError{"000604", "57014", "SQL execution canceled"}, std::nullopt};
      }
      text.name = "SYSTEM$WAIT";
      sink.columns({text});
      sink.row({std::string("waited")});
      return {};
    }
    if (std::regex_match(sql, match, kNumber)) {
      fixed.name = match[1].str();
      sink.columns({fixed});
      sink.row({match[1].str()});
      return {};
    }
    if (std::regex_match(sql, kNull)) {
      text.name = "NULL";
      sink.columns({text});
      sink.row({std::nullopt});
      return {};
    }
    if (std::regex_match(sql, kBind)) {
      const auto it = bindings.find("1");
      if (it == bindings.end()) return Outcome{SqlError{"002049", "42601", "missing"}, {}};
      text.name = "?";
      sink.columns({text});
      sink.row({it->second.values.front()});
      return {};
    }
    if (std::regex_match(sql, match, kGenerator)) {
      const long long rows = std::stoll(match[1].str());
      fixed.name = "N";
      text.name = "S";
      sink.columns({fixed, text});
      for (long long i = 0; i < rows; ++i) {
        if (cancel.cancelled()) return Outcome{SqlError{"000604", "57014", "canceled"}, {}};
        sink.row({std::to_string(i), std::string("abcdefghij")});
      }
      return {};
    }
    return Outcome{SqlError{"002003", "42S02",
                            "SQL compilation error:\nObject 'X' does not exist or not authorized."},
                   std::nullopt};
  }
  [[nodiscard]] const Session& session() const override { return session_; }

 private:
  Session session_;
};

}  // namespace

Engine::Engine(EngineOptions) : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

std::unique_ptr<Connection> Engine::connect(Session session) {
  return std::make_unique<StandInConnection>(std::move(session));
}

std::vector<std::string> Engine::split_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= sql.size()) {
    const auto end = sql.find(';', start);
    std::string part(sql.substr(start, end == std::string_view::npos ? end : end - start));
    if (part.find_first_not_of(" \t\r\n") != std::string::npos) {
      const auto first = part.find_first_not_of(" \t\r\n");
      const auto last = part.find_last_not_of(" \t\r\n");
      out.push_back(part.substr(first, last - first + 1));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace mock_snowflake::engine
