// engine.cpp — Engine: creates the temporary SQLite store, seeds it (or copies the sample data
// the process's first engine seeded), and opens Connections (connection.hpp) on its pool
// (engine_pool.cpp).
#include "engine/engine.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
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

/// The sample data's database file, seeded once per program (binary) for each account and user:
/// kept in memory for the process's later engines, and in the temporary directory for the
/// program's later processes (every test case of a test program runs in a process of its own).
using SampleKey = std::pair<std::string, std::string>;

std::mutex& sample_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<SampleKey, std::string>& sample_images() {
  static std::map<SampleKey, std::string> images;
  return images;
}

/// Reads a whole file in one go (byte-wise stream iteration is slow in unoptimised builds).
bool slurp(const std::string& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  if (size < 0) return false;
  bytes.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  return static_cast<bool>(in.read(bytes.data(), size));
}

std::string hex(std::uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kHex[value & 0xF];
  return out;
}

/// The file caching the sample data of this program's build: named after the program's path
/// (one cache per program: a rebuilt program replaces its old cache) and its identity (size,
/// modification time, inode), so that a rebuilt binary never reads a stale cache. Empty when the
/// program cannot be identified.
struct SampleCacheName {
  std::filesystem::path file;
  std::string prefix;  ///< file names of every build of this program start with it
};

SampleCacheName sample_cache_name(const SampleKey& key) {
  struct stat info {};
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || ::stat(exe.c_str(), &info) != 0) return {};
  const std::hash<std::string> hash;
  const std::string identity = std::to_string(info.st_size) + ":" +
                               std::to_string(info.st_mtim.tv_sec) + "." +
                               std::to_string(info.st_mtim.tv_nsec) + ":" +
                               std::to_string(info.st_ino) + ":" + key.first + "." + key.second;
  // MOCK_SNOWFLAKE_SAMPLE_CACHE: "0" keeps no file, a directory keeps it there.
  const char* setting = std::getenv("MOCK_SNOWFLAKE_SAMPLE_CACHE");
  if (setting != nullptr && std::string_view(setting) == "0") return {};
  const std::filesystem::path dir = setting != nullptr && *setting != '\0'
                                        ? std::filesystem::path(setting)
                                        : std::filesystem::temp_directory_path(ec);
  if (ec) return {};
  SampleCacheName name;
  name.prefix = "mock_snowflake-sample-" + hex(hash(exe.string())) + "-";
  name.file = dir / (name.prefix + hex(hash(identity)) + ".db");
  return name;
}

/// The cached image, or "" when there is none (or it is not a SQLite database).
std::string read_sample_cache(const SampleCacheName& name) {
  if (name.file.empty()) return {};
  std::string bytes;
  if (!slurp(name.file.string(), bytes)) return {};
  static constexpr std::string_view kMagic{"SQLite format 3\0", 16};
  if (bytes.size() < 4096 || std::string_view(bytes).substr(0, kMagic.size()) != kMagic) return {};
  return bytes;
}

/// Writes the cache (atomically: a reader sees the whole file or none) and removes the caches of
/// earlier builds of this program. Failures only cost the next process a seeding.
void write_sample_cache(const SampleCacheName& name, const std::string& bytes) {
  if (name.file.empty()) return;
  std::error_code ec;
  const auto dir = name.file.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(name.prefix, 0) == 0 && entry.path() != name.file) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  const auto partial = name.file.string() + "." + std::to_string(::getpid()) + ".part";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(partial, ec);
      return;
    }
  }
  std::filesystem::rename(partial, name.file, ec);
  if (ec) std::filesystem::remove(partial, ec);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("mock_snowflake: cannot write the engine database " + path);
}

std::string read_checkpointed(DbPool& pool, const std::string& path) {
  {
    auto db = pool.acquire(nullptr);
    exec_sql(db->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    pool.release(std::move(db));
  }
  std::string bytes;
  if (!slurp(path, bytes)) {
    throw std::runtime_error("mock_snowflake: cannot read the engine database " + path);
  }
  return bytes;
}

/// Creates MOCKDB, SNOWFLAKE_SAMPLE_DATA (TPCH_SF1 with its views) and MOCKDB.PUBLIC.ALL_TYPES.
void seed_sample(Engine& engine, DbPool& pool, const EngineOptions& options, std::int64_t t) {
  {
    auto setup = pool.open();
    exec_sql(setup->db, "PRAGMA journal_mode = WAL");
    Catalog::create_tables(setup->db);
    std::string role = "ACCOUNTADMIN";
    exec_sql(setup->db, "BEGIN");
    setup->catalog->add_database({"MOCKDB", t, "", role, false});
    setup->catalog->add_schema({"MOCKDB", "PUBLIC", t, "", role, false});
    setup->catalog->add_database(
        {"SNOWFLAKE_SAMPLE_DATA", t, "TPC-H sample data (tiny scale)", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "PUBLIC", t, "", role, false});
    setup->catalog->add_schema({"SNOWFLAKE_SAMPLE_DATA", "TPCH_SF1", t, "", role, false});
    seed_tpch(setup->db, *setup->catalog, t);
    exec_sql(setup->db, "COMMIT");
    pool.release(std::move(setup));
  }
  Session s;
  s.account = options.account;
  s.user = options.user;
  s.role = "ACCOUNTADMIN";
  s.warehouse = "MOCK_WH";  // the seeding INSERTs need one, as every write does
  s.database = "SNOWFLAKE_SAMPLE_DATA";
  s.schema = "TPCH_SF1";
  auto c = engine.connect(s);
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

  if (impl_->options.seed_sample_data) {
    // Seeding takes a good part of a second (much more under sanitizers), and every engine
    // seeds the same bytes: the first engine of the process seeds, later ones copy its file.
    const SampleKey key{impl_->options.account, impl_->options.user};
    std::lock_guard lock(sample_mutex());
    auto& images = sample_images();
    auto found = images.find(key);
    bool seeded = false;
    if (found == images.end()) {
      const auto cache = sample_cache_name(key);
      std::string image = read_sample_cache(cache);
      if (image.empty()) {
        seed_sample(*this, *impl_->pool, impl_->options, impl_->created_ns);
        seeded = true;
        image = read_checkpointed(*impl_->pool, impl_->path);
        write_sample_cache(cache, image);
      }
      found = images.emplace(key, std::move(image)).first;
    }
    if (!seeded) write_file(impl_->path, found->second);
  }
  auto setup = impl_->pool->open();
  exec_sql(setup->db, "PRAGMA journal_mode = WAL");
  std::int64_t t = impl_->created_ns;
  exec_sql(setup->db, "BEGIN");
  if (!impl_->options.seed_sample_data) {
    Catalog::create_tables(setup->db);
    setup->catalog->add_database({"MOCKDB", t, "", "ACCOUNTADMIN", false});
    setup->catalog->add_schema({"MOCKDB", "PUBLIC", t, "", "ACCOUNTADMIN", false});
  }
  if (!user_db.empty()) register_user_db(setup->db, *setup->catalog, user_db, t);
  if (!impl_->options.csv_dir.empty())
    load_csv_dir(setup->db, *setup->catalog, impl_->options.csv_dir, t);
  exec_sql(setup->db, "COMMIT");
  impl_->pool->release(std::move(setup));
}

Engine::~Engine() = default;

std::unique_ptr<Connection> Engine::connect(Session session) {
  if (session.account.empty()) session.account = impl_->options.account;
  if (session.user.empty()) session.user = impl_->options.user;
  return std::make_unique<ConnectionImpl>(*impl_->pool, std::move(session));
}

std::vector<std::string> Engine::split_statements(std::string_view sql) { return split_sql(sql); }

}  // namespace mock_snowflake::engine
