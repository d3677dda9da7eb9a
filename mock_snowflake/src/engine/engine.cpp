// engine.cpp — Engine: creates the temporary SQLite store, seeds it, and opens Connections
// (connection.hpp) on its pool (engine_pool.cpp).
#include "engine/engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

#include "engine/compiler.hpp"
#include "engine/connection.hpp"
#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

struct Engine::Impl {
  EngineOptions options;
  std::filesystem::path dir;
  std::string path;
  std::unique_ptr<DbPool> pool;
  std::int64_t created_ns = 0;

  ~Impl() {
    pool.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

namespace {

// A sink that keeps nothing (setup statements).
class NullSink : public RowSink {
 public:
  void columns(std::vector<ColumnInfo>) override {}
  void row(std::vector<std::optional<std::string>>&&) override {}
};

void run_setup(Connection& c, const std::string& sql) {
  NullSink sink;
  CancelToken token;
  Outcome o = c.execute(sql, {}, token, sink);
  if (o.error) {
    throw std::runtime_error("mock_snowflake: setup statement failed: " + o.error->message + "\n" +
                             sql);
  }
}

}  // namespace

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->created_ns = now_nanos();
  std::string user_db;
  if (!impl_->options.db_file.empty()) {
    std::filesystem::path p(impl_->options.db_file);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      throw std::runtime_error("mock_snowflake: --db file '" + impl_->options.db_file +
                               "' does not exist");
    }
    sqlite3* probe = nullptr;
    int rc = sqlite3_open_v2(p.c_str(), &probe, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) {
      rc = sqlite3_exec(probe, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    std::string message = probe ? sqlite3_errmsg(probe) : "cannot open";
    sqlite3_close_v2(probe);
    if (rc != SQLITE_OK) {
      throw std::runtime_error("mock_snowflake: --db file '" + impl_->options.db_file +
                               "' is not a usable SQLite database: " + message);
    }
    user_db = std::filesystem::absolute(p).string();
  }
  if (!impl_->options.csv_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(impl_->options.csv_dir, ec)) {
      throw std::runtime_error("mock_snowflake: --csv directory '" + impl_->options.csv_dir +
                               "' does not exist");
    }
  }
  // The engine's own store: a fresh temporary file in WAL mode, removed with the engine.
  std::string tmpl = (std::filesystem::temp_directory_path() / "mock_snowflake-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mock_snowflake: cannot create a temporary directory");
  impl_->dir = buf.data();
  impl_->path = (impl_->dir / "engine.db").string();
  impl_->pool = std::make_unique<DbPool>(impl_->path, user_db);

  auto setup = impl_->pool->open();
  exec_sql(setup->db, "PRAGMA journal_mode = WAL");
  Catalog::create_tables(setup->db);
  std::int64_t t = impl_->created_ns;
  std::string role = "ACCOUNTADMIN";
  exec_sql(setup->db, "BEGIN");
  setup->catalog->add_database({"MOCKDB", t, "", role, false});
  setup->catalog->add_schema({"MOCKDB", "PUBLIC", t, "", role, false});
  if (impl_->options.seed_sample_data) {
    setup->catalog->add_database(
        {"SNOWFLAKE_SAMPLE_DATA", t, "TPC-H sample data (tiny scale)", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "PUBLIC", t, "", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "TPCH_SF1", t, "", role, false});
    seed_tpch(setup->db, *setup->catalog, t);
  }
  if (!user_db.empty()) register_user_db(setup->db, *setup->catalog, user_db, t);
  if (!impl_->options.csv_dir.empty())
    load_csv_dir(setup->db, *setup->catalog, impl_->options.csv_dir, t);
  exec_sql(setup->db, "COMMIT");
  impl_->pool->release(std::move(setup));

  if (impl_->options.seed_sample_data) {
    Session s;
    s.account = impl_->options.account;
    s.user = impl_->options.user;
    s.role = "ACCOUNTADMIN";
    s.warehouse = "MOCK_WH";  // the seeding INSERTs need one, as every write does
    s.database = "SNOWFLAKE_SAMPLE_DATA";
    s.schema = "TPCH_SF1";
    auto c = connect(s);
    run_setup(*c,
              "CREATE VIEW ORDERS_BY_NATION AS SELECT n.N_NAME AS NATION, COUNT(*) AS ORDER_COUNT, "
              "SUM(o.O_TOTALPRICE) AS TOTAL_PRICE FROM ORDERS o JOIN CUSTOMER c ON c.C_CUSTKEY = "
              "o.O_CUSTKEY JOIN NATION n ON n.N_NATIONKEY = c.C_NATIONKEY GROUP BY n.N_NAME");
    run_setup(*c,
              "CREATE VIEW CUSTOMER_SUMMARY AS SELECT c.C_CUSTKEY, c.C_NAME, r.R_NAME AS REGION, "
              "c.C_ACCTBAL FROM CUSTOMER c JOIN NATION n ON n.N_NATIONKEY = c.C_NATIONKEY JOIN "
              "REGION r ON r.R_REGIONKEY = n.N_REGIONKEY");
    // Every type, with the values of the real server's recordings, then a row of NULLs.
    run_setup(*c,
              "CREATE TABLE MOCKDB.PUBLIC.ALL_TYPES (ID NUMBER(38,0) NOT NULL, I NUMBER(38,0), "
              "N NUMBER(10,2), F FLOAT, S VARCHAR, B BINARY, BO BOOLEAN, D DATE, TM TIME(9), "
              "TN TIMESTAMP_NTZ(9), TL TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), V VARIANT, O OBJECT, "
              "A ARRAY, G GEOGRAPHY, GM GEOMETRY, VE VECTOR(FLOAT, 3))");
    run_setup(
        *c,
        "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES SELECT 1, "
        "12345678901234567890123456789012345678, 12345678.91, 1.5, 'héllo', "
        "TO_BINARY('DEADBEEF', 'HEX'), TRUE, '2026-10-09', '12:34:56.123456789', "
        "'2026-10-09 12:34:56.123456789', '2026-10-09 12:34:56.123456789 +0700', "
        "'2026-10-09 12:34:56.123456789 +0700', PARSE_JSON('{\"a\":1}'), "
        "OBJECT_CONSTRUCT('k', 'v'), ARRAY_CONSTRUCT(1, 'x', NULL), "
        "TO_GEOGRAPHY('POINT(1 2)'), TO_GEOMETRY('POINT(3 4)'), [1.0, 2.0, 3.0]::VECTOR(FLOAT, 3)");
    run_setup(*c,
              "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES (ID, F) VALUES (2, 'NaN'::FLOAT), "
              "(3, 'inf'::FLOAT), (4, '-inf'::FLOAT)");
    run_setup(*c, "INSERT INTO MOCKDB.PUBLIC.ALL_TYPES (ID) VALUES (5)");
  }
}

Engine::~Engine() = default;

std::unique_ptr<Connection> Engine::connect(Session session) {
  if (session.account.empty()) session.account = impl_->options.account;
  if (session.user.empty()) session.user = impl_->options.user;
  return std::make_unique<ConnectionImpl>(*impl_->pool, std::move(session));
}

std::vector<std::string> Engine::split_statements(std::string_view sql) { return split_sql(sql); }

}  // namespace mock_snowflake::engine
