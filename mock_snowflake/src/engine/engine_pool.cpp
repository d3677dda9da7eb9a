// engine_pool.cpp — the pool of SQLite connections (engine_internal.hpp) and small result helpers.
#include "engine/engine_internal.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"

namespace mock_snowflake::engine {

PooledDb::~PooledDb() {
  if (db) sqlite3_close_v2(db);
}

namespace {

int progress_handler(void* arg) {
  auto* state = static_cast<FunctionState*>(arg);
  return state->cancel && state->cancel->cancelled() ? 1 : 0;
}

// Waits for SQLite's write lock in small steps on the statement's CancelToken, so that a
// statement queued behind a writer still stops promptly when cancelled (sqlite3_busy_timeout
// would sleep through the cancel).
int busy_handler(void* arg, int attempts) {
  constexpr int kMaxAttempts = 6000;  // about a minute
  auto* state = static_cast<FunctionState*>(arg);
  if (attempts >= kMaxAttempts) return 0;
  if (state->cancel) return state->cancel->sleep_for(std::chrono::milliseconds(10)) ? 1 : 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return 1;
}

void set_pragmas(sqlite3* db) {
  exec_sql(db,
           "PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8000; "
           "PRAGMA mmap_size = 268435456; PRAGMA foreign_keys = OFF;");
}

}  // namespace

DbPool::DbPool(std::string path, std::string user_db_path)
    : path_(std::move(path)), user_db_path_(std::move(user_db_path)) {}

DbPool::~DbPool() = default;

std::unique_ptr<PooledDb> DbPool::open() {
  auto p = std::make_unique<PooledDb>();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &p->db, flags, nullptr) != SQLITE_OK) {
    std::string message = p->db ? sqlite3_errmsg(p->db) : "out of memory";
    throw std::runtime_error("mock_snowflake: cannot open the engine database " + path_ + ": " +
                             message);
  }
  set_pragmas(p->db);
  if (!user_db_path_.empty()) {
    exec_sql(p->db, "ATTACH DATABASE " + quote_string(user_db_path_) + " AS " + kUserDbAlias);
  }
  p->state = std::make_unique<FunctionState>();
  p->state->registry = &sequences;
  p->catalog = std::make_unique<Catalog>(p->db);
  register_functions(p->db, p->state.get());
  sqlite3_progress_handler(p->db, 2000, progress_handler, p->state.get());
  sqlite3_busy_handler(p->db, busy_handler, p->state.get());
  return p;
}

std::unique_ptr<PooledDb> DbPool::acquire(CancelToken* cancel) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto p = std::move(idle_.back());
      idle_.pop_back();
      return p;
    }
    if (open_count_ < kMaxPoolSize) {
      ++open_count_;
      lock.unlock();
      try {
        return open();
      } catch (...) {
        lock.lock();
        --open_count_;
        throw;
      }
    }
    if (cancel && cancel->cancelled()) return nullptr;
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void DbPool::release(std::unique_ptr<PooledDb> db) {
  if (!db) return;
  db->state->cancel = nullptr;
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  cv_.notify_one();
}

void deliver(const SmallResult& r, RowSink& sink) {
  sink.columns(r.columns);
  for (const auto& row : r.rows) {
    auto copy = row;
    sink.row(std::move(copy));
  }
}

std::int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string identifier_from_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) || c == '_' ? static_cast<char>(std::toupper(u)) : '_');
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(out.begin(), '_');
  return out;
}

}  // namespace mock_snowflake::engine
