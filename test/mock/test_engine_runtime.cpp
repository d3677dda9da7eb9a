// test_engine_runtime.cpp — streaming, cancellation, concurrency and the engine's inputs:
// GENERATOR streams a million rows in bounded memory, RANDSTR draws evenly, SYSTEM$WAIT holds no
// connection and stops promptly on cancel/timeout, many waits run at once, split_statements,
// --db files and CSV dirs.
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "test_engine_helpers.hpp"

using namespace engine_test;

namespace {

// Counts rows and keeps nothing, so that a large result cannot be held in the sink.
class CountingSink : public RowSink {
 public:
  void columns(std::vector<ColumnInfo> c) override { cols = std::move(c); }
  void row(std::vector<std::optional<std::string>>&& cells) override {
    if (count == 0) first = cells;
    last_cells = cells.size();
    ++count;
  }
  std::vector<ColumnInfo> cols;
  std::size_t count = 0;
  std::size_t last_cells = 0;
  Row first;
};

// Cancels its token after a number of rows: proves the engine stops mid-stream.
class CancellingSink : public CountingSink {
 public:
  CancellingSink(CancelToken& token, std::size_t after) : token_(token), after_(after) {}
  void row(std::vector<std::optional<std::string>>&& cells) override {
    CountingSink::row(std::move(cells));
    if (count == after_) token_.cancel();
  }

 private:
  CancelToken& token_;
  std::size_t after_;
};

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("engine_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST(EngineRuntime, GeneratorStreamsAMillionRows) {
  auto c = connect();
  CountingSink sink;
  CancelToken token;
  Outcome o =
      c->execute("SELECT SEQ8(), RANDSTR(10, RANDOM()) FROM TABLE(GENERATOR(ROWCOUNT => 1000000))",
                 {}, token, sink);
  ASSERT_FALSE(o.error) << o.error->message;
  EXPECT_EQ(sink.count, 1000000U);
  ASSERT_EQ(sink.cols.size(), 2U);
  EXPECT_EQ(sink.cols[0].name, "SEQ8()");
  EXPECT_EQ(sink.first[0], "0");
  EXPECT_EQ(sink.first[1]->size(), 10U);
  EXPECT_EQ(sink.last_cells, 2U);
}

TEST(EngineRuntime, RandstrDrawsEvenlyFromItsSixtyTwoCharacters) {
  auto c = connect();
  Result r = run(*c, "SELECT RANDSTR(62000, 11), RANDSTR(62000, 11), RANDSTR(62000, 12)");
  ASSERT_TRUE(r.ok()) << describe(r);
  ASSERT_EQ(r.rows.size(), 1U);
  const std::string a = r.rows[0][0].value_or("");
  EXPECT_EQ(a, r.rows[0][1].value_or("")) << "the same generator gives the same string";
  EXPECT_NE(a, r.rows[0][2].value_or("")) << "another generator gives another";
  ASSERT_EQ(a.size(), 62000U);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::map<char, int> counts;
  for (const char ch : a) ++counts[ch];
  ASSERT_EQ(counts.size(), 62U);
  for (const auto& [ch, count] : counts) {
    EXPECT_NE(alphabet.find(ch), std::string::npos) << ch;
    // 1 000 expected; a standard deviation is about 31.
    EXPECT_GT(count, 850) << ch;
    EXPECT_LT(count, 1150) << ch;
  }
}

TEST(EngineRuntime, GeneratorTimeLimitEnds) {
  auto c = connect();
  // Without ROWCOUNT, TIMELIMIT alone bounds the rows; the statement ends by itself.
  Result r = run(*c, "SELECT COUNT(*) > 0 FROM TABLE(GENERATOR(TIMELIMIT => 0.05))");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.scalar(), "true");
  Result both = run(*c, "SELECT COUNT(*) FROM TABLE(GENERATOR(ROWCOUNT => 10, TIMELIMIT => 60))");
  EXPECT_EQ(both.scalar(), "10");
  EXPECT_EQ(run(*c, "SELECT 1 FROM TABLE(GENERATOR())").error_code(), "002140");
}

TEST(EngineRuntime, CancelStopsAStreamingStatement) {
  auto c = connect();
  CancelToken token;
  CancellingSink sink(token, 5000);
  Outcome o =
      c->execute("SELECT SEQ8() FROM TABLE(GENERATOR(ROWCOUNT => 100000000))", {}, token, sink);
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->code, "000604");
  EXPECT_EQ(o.error->sql_state, "57014");
  EXPECT_EQ(o.error->message, "SQL execution canceled");
  EXPECT_LT(sink.count, 100000U);
}

TEST(EngineRuntime, SystemWaitIsCancelledPromptly) {
  auto c = connect();
  CancelToken token;
  CountingSink sink;
  std::thread canceller([&] {
    // Cancels once the wait has started; the wait itself is what must end early.
    token.sleep_for(std::chrono::milliseconds(50));
    token.cancel();
  });
  Outcome o = c->execute("SELECT SYSTEM$WAIT(3600)", {}, token, sink);
  canceller.join();
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->code, "000604");
  EXPECT_EQ(sink.count, 0U);
}

TEST(EngineRuntime, SystemWaitTimeoutReportsTheTimeout) {
  Session s = sample_session();
  s.parameters["STATEMENT_TIMEOUT_IN_SECONDS"] = "2";
  auto c = connect(s);
  CancelToken token;
  token.cancel(CancelToken::Reason::timeout);
  CountingSink sink;
  Outcome o = c->execute("SELECT SYSTEM$WAIT(10)", {}, token, sink);
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->code, "000630");
  EXPECT_EQ(o.error->sql_state, "57014");
  EXPECT_EQ(
      o.error->message,
      "Statement reached its statement or warehouse timeout of 2 second(s) and was canceled.");
}

TEST(EngineRuntime, SystemWaitResultAndUnits) {
  auto c = connect();
  Result r = run(*c, "SELECT SYSTEM$WAIT(1, 'MILLISECONDS')");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.scalar(), "waited 1 milliseconds");
  EXPECT_EQ(r.col(0).type, "text");
  EXPECT_EQ(r.col(0).name, "SYSTEM$WAIT(1, 'MILLISECONDS')");
  EXPECT_EQ(run(*c, "SELECT SYSTEM$WAIT(0)").scalar(), "waited 0 seconds");
  // A non-constant argument still works (waiting inside SQLite).
  EXPECT_EQ(run(*c, "SELECT SYSTEM$WAIT(n, 'MILLISECONDS') FROM (SELECT 1 AS n)").scalar(),
            "waited 1 milliseconds");
}

TEST(EngineRuntime, TwoHundredConcurrentWaitsAndQueries) {
  constexpr int kWaiters = 200;
  constexpr int kQueriers = 8;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&] {
      auto c = connect();
      Result r = run(*c, "SELECT SYSTEM$WAIT(0.2)");
      (r.ok() && r.scalar() == "waited 0.2 seconds" ? ok : failed)++;
    });
  }
  for (int i = 0; i < kQueriers; ++i) {
    threads.emplace_back([&, i] {
      auto c = connect();
      for (int k = 0; k < 5; ++k) {
        Result r = run(
            *c, "SELECT COUNT(*) FROM lineitem WHERE l_linenumber = " + std::to_string(i % 7 + 1));
        (r.ok() ? ok : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ok.load(), kWaiters + kQueriers * 5);
}

TEST(EngineRuntime, AThousandConnectionsWaitAtOnce) {
  // Waiting statements hold no SQLite connection: a thousand of them wait together (the pool
  // has 16 connections) and every one completes.
  constexpr int kConnections = 1000;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kConnections; ++i) connections.push_back(connect());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(kConnections);
  for (auto& c : connections) {
    threads.emplace_back([&ok, conn = c.get()] {
      Result r = run(*conn, "SELECT SYSTEM$WAIT(500, 'MILLISECONDS')");
      if (r.ok() && r.scalar() == "waited 500 milliseconds") ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kConnections);
}

TEST(EngineRuntime, ConcurrentWritersSerialise) {
  {
    auto c = connect();
    ASSERT_TRUE(run(*c, "CREATE OR REPLACE TABLE MOCKDB.PUBLIC.counter (id INT)").ok());
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto c = connect();
      for (int k = 0; k < 10; ++k) {
        Result r = run(
            *c, "INSERT INTO MOCKDB.PUBLIC.counter VALUES (" + std::to_string(t * 100 + k) + ")");
        if (!r.ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = connect();
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM MOCKDB.PUBLIC.counter").scalar(), "80");
  ASSERT_TRUE(run(*c, "DROP TABLE MOCKDB.PUBLIC.counter").ok());
}

struct SplitCase {
  const char* sql;
  std::vector<std::string> statements;
};

const SplitCase kSplits[] = {
    {"SELECT 1; SELECT 2", {"SELECT 1", "SELECT 2"}},
    {"SELECT 1;", {"SELECT 1"}},
    {"SELECT 1;;  ; \n", {"SELECT 1"}},
    {"", {}},
    {"  -- only a comment\n", {}},
    {"SELECT 'a;b'; SELECT 2", {"SELECT 'a;b'", "SELECT 2"}},
    {"SELECT 'it''s;'; SELECT 'x\\';y'", {"SELECT 'it''s;'", "SELECT 'x\\';y'"}},
    {"SELECT \"we;ird\" FROM t; SELECT 2", {"SELECT \"we;ird\" FROM t", "SELECT 2"}},
    {"SELECT 1 -- c;omment\n; SELECT 2", {"SELECT 1 -- c;omment", "SELECT 2"}},
    {"SELECT 1 /* ; */ ; SELECT 2 // x;y\n", {"SELECT 1 /* ; */", "SELECT 2 // x;y"}},
    {"CREATE PROCEDURE p() AS $$ BEGIN; RETURN 1; END; $$; CALL p()",
     {"CREATE PROCEDURE p() AS $$ BEGIN; RETURN 1; END; $$", "CALL p()"}},
    {"BEGIN; INSERT INTO t VALUES (1); COMMIT;", {"BEGIN", "INSERT INTO t VALUES (1)", "COMMIT"}},
};

TEST(EngineRuntime, SplitStatements) {
  for (const SplitCase& k : kSplits) {
    EXPECT_EQ(Engine::split_statements(k.sql), k.statements) << k.sql;
  }
}

TEST(EngineRuntime, ServesAUserSqliteFile) {
  auto dir = temp_dir("db");
  auto path = dir / "shop.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, added DATE, "
          "qty NUMERIC(10,2), active BOOLEAN);"
          "INSERT INTO items VALUES (1, 'pen', 1.5, '2024-01-02', 3, 1), (2, 'ink', NULL, NULL, "
          "0.5, 0);",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  EngineOptions options;
  options.seed_sample_data = false;
  options.db_file = path.string();
  Engine engine(options);
  Session s = sample_session();
  s.database = "SHOP";
  s.schema = "PUBLIC";
  auto c = engine.connect(s);
  Result r = run(*c, "SELECT id, name, price, added, qty, active FROM items ORDER BY id");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).type, "fixed");
  EXPECT_EQ(r.col(1).type, "text");
  EXPECT_EQ(r.col(2).type, "real");
  EXPECT_EQ(r.col(3).type, "date");
  EXPECT_EQ(r.col(4).scale, 2);
  EXPECT_EQ(r.col(5).type, "boolean");
  EXPECT_EQ(r.col(0).database, "SHOP");
  EXPECT_FALSE(r.col(1).nullable);
  EXPECT_EQ(r.rows[0], (Row{"1", "pen", "1.5", "19724", "3.00", "true"}));
  EXPECT_EQ(r.rows[1], (Row{"2", "ink", std::nullopt, std::nullopt, "0.50", "false"}));
  EXPECT_EQ(run(*c, "SELECT COUNT(*) FROM items WHERE added >= '2024-01-01'").scalar(), "1");
  Result ins = run(*c, "INSERT INTO shop.public.items (id, name) VALUES (3, 'cap')");
  ASSERT_TRUE(ins.ok()) << describe(ins);
  EXPECT_EQ(run(*c, "SELECT name FROM items WHERE id = 3").scalar(), "cap");
  EXPECT_EQ(run(*c, "SHOW TABLES").rows.size(), 1U);
  std::filesystem::remove_all(dir);
}

TEST(EngineRuntime, LoadsCsvDirectory) {
  auto dir = temp_dir("csv");
  {
    std::ofstream f(dir / "people.csv");
    f << "id,name,score,born,note\n1,Ann,9.5,1990-04-01,\"has, comma\"\n2,Bob,7,1985-12-31,\n";
  }
  {
    std::ofstream f(dir / "empty-ish.csv");
    f << "a\n";
  }
  EngineOptions options;
  options.seed_sample_data = false;
  options.csv_dir = dir.string();
  Engine engine(options);
  Session s = sample_session();
  s.database = "CSV";
  s.schema = "PUBLIC";
  auto c = engine.connect(s);
  Result r = run(*c, "SELECT id, name, score, born, note FROM people ORDER BY id");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.col(0).type, "fixed");
  EXPECT_EQ(r.col(2).type, "real");
  EXPECT_EQ(r.col(3).type, "date");
  EXPECT_EQ(r.col(4).type, "text");
  EXPECT_EQ(r.rows[0], (Row{"1", "Ann", "9.5", "7395", "has, comma"}));
  EXPECT_EQ(r.rows[1][4], std::nullopt);
  EXPECT_TRUE(run(*c, "SELECT * FROM empty_ish").ok());
  std::filesystem::remove_all(dir);
}

TEST(EngineRuntime, UnusableInputsThrowClearErrors) {
  EngineOptions missing;
  missing.seed_sample_data = false;
  missing.db_file = "/nonexistent/file.db";
  EXPECT_THROW({ Engine e(missing); }, std::runtime_error);
  auto dir = temp_dir("bad");
  {
    std::ofstream f(dir / "not_sqlite.db");
    f << "this is not a database file, just some text that is long enough to be checked";
  }
  EngineOptions garbage;
  garbage.seed_sample_data = false;
  garbage.db_file = (dir / "not_sqlite.db").string();
  EXPECT_THROW({ Engine e(garbage); }, std::runtime_error);
  EngineOptions no_dir;
  no_dir.seed_sample_data = false;
  no_dir.csv_dir = (dir / "nope").string();
  EXPECT_THROW({ Engine e(no_dir); }, std::runtime_error);
  std::filesystem::remove_all(dir);
}
