// libsfq under real conditions (docs/RELIABILITY.md): a cancelled submission that never left the
// client never runs; control requests never wait behind held submissions; callbacks that throw
// fail their query and on_complete still runs once; every hang ends with a typed error within
// its deadline; cancel reports what really happened on the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sfq/client.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

using namespace std::chrono_literals;
using mock_snowflake::Counters;
using mock_snowflake::Fault;
using mock_snowflake::FaultKind;

constexpr const char* kPost = "POST /api/v2/statements";
constexpr auto kGuard = 60s;  // hang guard only: everything below ends far sooner

// A loopback port that refuses connections: bound but not listening, so nobody else takes it.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot bind on loopback");
    }
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

CancelResult outcome_of(Query& query) {
  const std::shared_future<CancelResult> future = query.cancel();
  if (future.wait_for(kGuard) != std::future_status::ready) {
    ADD_FAILURE() << "no cancel outcome";
    return {};
  }
  return future.get();
}

std::string count_rows(Client& client, const std::string& table) {
  return rows_as_text(client.execute("select count(*) from " + table)).at(0).at(0);
}

// --- 1. exactly once -------------------------------------------------------------------------

class ExactlyOnce : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.sync_window = 45s; }
};

TEST_F(ExactlyOnce, SubmissionsCancelledWhileQueuedNeverRun) {
  Client c = client([](ConnectionOptions& o) { o.max_in_flight = 1; });
  (void)c.execute("create or replace table mockdb.public.t_once (n int)");
  server().reset_counters();
  // The server holds this one's POST: the only submission slot stays taken.
  Query held = c.submit(Statement("select system$wait(2) as w"));
  ASSERT_TRUE(
      server().wait_until([](const Counters& k) { return k.statements_running >= 1; }, kGuard));
  std::vector<Query> inserts;
  for (int i = 0; i < 5; ++i) {
    inserts.push_back(
        c.submit(Statement("insert into mockdb.public.t_once values (" + std::to_string(i) + ")")));
  }
  for (Query& insert : inserts) {
    const CancelResult result = outcome_of(insert);
    EXPECT_EQ(result.outcome, CancelOutcome::not_sent) << to_string(result.outcome);
    EXPECT_EQ(insert.state(), QueryState::cancelled);
  }
  (void)held.result();
  EXPECT_EQ(count_rows(c, "mockdb.public.t_once"), "0");
  const Counters counters = server().counters();
  for (Query& insert : inserts) EXPECT_EQ(counters.executions_of(insert.request_id()), 0U);
  EXPECT_EQ(counters.executions, 2U) << "the held statement and the count, nothing else";
  EXPECT_EQ(counters.requests_to(kPost), 2U) << "no cancelled submission was sent, not even once";
}

// The emulator's connect_timeout fault: the striking request's connection is cut, and for a
// while new connects neither complete nor fail. A first client strikes it; a second one then
// has no connection to reuse and hangs connecting.
void make_connects_hang(mock_snowflake::Server& server, const ConnectionOptions& connection) {
  std::string error;
  const auto fault =
      mock_snowflake::parse_fault_spec("kind=connect_timeout,duration_ms=30000", error);
  ASSERT_TRUE(fault.has_value()) << error;
  server.inject_fault(*fault);
  ConnectionOptions options = connection;
  options.max_retries = 0;
  Client striker(options);
  EXPECT_THROW((void)striker.execute("select 1"), Error);
}

TEST_F(ExactlyOnce, ASubmissionStillConnectingIsDroppedNotProbed) {
  make_connects_hang(server(), connection());
  server().reset_counters();
  {
    Client c = client([](ConnectionOptions& o) { o.connect_timeout = 30s; });
    Query query = c.submit(Statement("select 1"));
    // A statistics read is a round trip through the I/O loop: libcurl has the transfer by then.
    (void)c.stats();
    const CancelResult result = outcome_of(query);
    EXPECT_EQ(result.outcome, CancelOutcome::not_sent) << to_string(result.outcome);
    EXPECT_EQ(c.stats().requests_sent, 1U) << "no probe followed the dropped submission";
  }
  EXPECT_EQ(server().counters().executions, 0U);
}

TEST_F(ExactlyOnce, DestroyingTheClientNeverStartsQueuedSubmissions) {
  {
    Client setup = client();
    (void)setup.execute("create or replace table mockdb.public.t_close (n int)");
  }
  server().reset_counters();
  // Every handle outlives the client: dropping the held one first would cancel it on its own,
  // and its free slot would rightly start the first insert before ~Client begins.
  std::optional<Query> held;
  std::vector<Query> inserts;
  {
    Client c = client([](ConnectionOptions& o) { o.max_in_flight = 1; });
    held = c.submit(Statement("select system$wait(30) as w"));
    ASSERT_TRUE(
        server().wait_until([](const Counters& k) { return k.statements_running >= 1; }, kGuard));
    for (int i = 0; i < 5; ++i) {
      inserts.push_back(c.submit(
          Statement("insert into mockdb.public.t_close values (" + std::to_string(i) + ")")));
    }
  }  // ~Client: the held statement is cancelled on the server, the queued ones are dropped
  for (Query& insert : inserts) {
    EXPECT_EQ(insert.state(), QueryState::cancelled);
    EXPECT_EQ(outcome_of(insert).outcome, CancelOutcome::not_sent);
  }
  ASSERT_TRUE(
      server().wait_until([](const Counters& k) { return !k.cancels_by_handle.empty(); }, kGuard))
      << "the held statement was cancelled on the server";
  Client check = client();
  EXPECT_EQ(count_rows(check, "mockdb.public.t_close"), "0");
  const Counters counters = server().counters();
  for (Query& insert : inserts) EXPECT_EQ(counters.executions_of(insert.request_id()), 0U);
  EXPECT_EQ(counters.executions, 2U) << "the held statement and the count";
}

// --- 6. lanes ----------------------------------------------------------------------------------

class Lanes : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.sync_window = 45s;
    options.partitions.first_partition_rows = 50;
    options.partitions.max_partition_rows = 200;
  }
};

TEST_F(Lanes, CancelsPollsAndFetchesPassHeldSubmissions) {
  Client c = client([](ConnectionOptions& o) { o.max_in_flight = 2; });
  const QueryResult earlier =
      c.execute("select seq4() as n from table(generator(rowcount => 2000))");
  const std::string handle = earlier.meta.statement_handle;
  ASSERT_GE(earlier.meta.partitions.size(), 5U);
  // Both submission slots are taken by statements the server holds; a third one waits.
  Query held1 = c.submit(Statement("select system$wait(40) as w"));
  Query held2 = c.submit(Statement("select system$wait(40) as w"));
  ASSERT_TRUE(
      server().wait_until([](const Counters& k) { return k.statements_running >= 2; }, kGuard));
  Query waiting = c.submit(Statement("select 3 as three"));

  // A poll and every partition fetch go through meanwhile.
  Query attached = c.attach(handle);
  const QueryResult again = attached.result();
  EXPECT_EQ(again.row_count(), 2000U);
  EXPECT_EQ(held1.state(), QueryState::queued) << "still held by the server";
  EXPECT_EQ(waiting.state(), QueryState::queued) << "still waiting for a submission slot";

  // So does a cancel (the probe that learns the handle, then the cancel itself).
  const CancelResult cancelled = outcome_of(held1);
  EXPECT_EQ(cancelled.outcome, CancelOutcome::cancelled_on_server)
      << (cancelled.error ? cancelled.error->what() : "");
  EXPECT_EQ(rows_as_text(waiting.result()).at(0).at(0), "3") << "the freed slot serves the queue";
  EXPECT_EQ(outcome_of(held2).outcome, CancelOutcome::cancelled_on_server);
}

// --- 2. callbacks that throw ------------------------------------------------------------------

class Callbacks : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.partitions.first_partition_rows = 100;
    options.partitions.max_partition_rows = 300;
  }
};

TEST_F(Callbacks, OnBatchThrowingFailsTheQueryAndOnCompleteRunsOnce) {
  std::atomic<int> batches{0};
  std::atomic<int> completions{0};
  std::optional<Error> error;
  {
    Client c = client();
    SubmitOptions options;
    options.on_batch = [&](RowBatch&&) {
      if (++batches == 2) throw std::runtime_error("the consumer broke");
    };
    options.on_complete = [&](const Query&) { ++completions; };
    Query query =
        c.submit(Statement("select seq4() from table(generator(rowcount => 3000))"), options);
    ASSERT_TRUE(query.wait_done_until(std::chrono::steady_clock::now() + kGuard));
    EXPECT_EQ(query.state(), QueryState::failed);
    error = query.error();
    ASSERT_TRUE(eventually([&] { return completions.load() == 1; }));
  }
  EXPECT_EQ(batches.load(), 2) << "no batch is delivered after on_batch threw";
  EXPECT_EQ(completions.load(), 1);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->detail(), ErrorDetail::callback);
  EXPECT_NE(error->message().find("on_batch threw: the consumer broke"), std::string::npos)
      << error->what();
}

TEST_F(Callbacks, OnProgressThrowingFailsTheQuery) {
  std::atomic<int> completions{0};
  Client c = client();
  SubmitOptions options;
  options.on_progress = [](const QueryProgress&) { throw std::runtime_error("progress broke"); };
  options.on_complete = [&](const Query&) { ++completions; };
  Query query =
      c.submit(Statement("select seq4() from table(generator(rowcount => 3000))"), options);
  try {
    (void)query.result();
    FAIL() << "expected the query to fail";
  } catch (const Error& error) {
    EXPECT_EQ(error.detail(), ErrorDetail::callback);
    EXPECT_NE(error.message().find("on_progress threw: progress broke"), std::string::npos)
        << error.what();
  }
  ASSERT_TRUE(eventually([&] { return completions.load() == 1; }));
}

TEST_F(Callbacks, OnCompleteRunsAfterTheLastOnBatchReturned) {
  std::atomic<bool> inside{false};
  std::atomic<bool> entered{false};
  std::atomic<int> completions{0};
  std::atomic<bool> completed_inside{false};
  Client c = client();
  SubmitOptions options;
  options.on_batch = [&](RowBatch&&) {
    inside = true;
    entered = true;
    std::this_thread::sleep_for(300ms);  // the query is cancelled meanwhile
    inside = false;
  };
  options.on_complete = [&](const Query&) {
    if (inside) completed_inside = true;
    ++completions;
  };
  Query query =
      c.submit(Statement("select seq4() from table(generator(rowcount => 3000))"), options);
  ASSERT_TRUE(eventually([&] { return entered.load(); }, kGuard));
  (void)query.cancel();
  ASSERT_TRUE(eventually([&] { return completions.load() == 1; }, kGuard));
  EXPECT_FALSE(completed_inside.load()) << "on_complete ran while on_batch was running";
  EXPECT_EQ(query.state(), QueryState::cancelled);
}

TEST_F(Callbacks, OnCompleteThrowingDoesNotBlockClientDestruction) {
  server().set_sync_window(50ms);
  auto c = std::make_unique<Client>(connection());
  std::atomic<int> completions{0};
  SubmitOptions options;
  options.on_batch = [](RowBatch&&) {};
  options.on_complete = [&](const Query&) {
    ++completions;
    throw std::runtime_error("on_complete broke");
  };
  Query query = c->submit(Statement("select system$wait(30) as w"), options);
  ASSERT_TRUE(eventually([&] { return query.state() == QueryState::running; }, kGuard));
  auto destroyed = std::async(std::launch::async, [&c] { c.reset(); });
  ASSERT_EQ(destroyed.wait_for(kGuard), std::future_status::ready) << "~Client blocked";
  EXPECT_EQ(completions.load(), 1);
  EXPECT_EQ(query.state(), QueryState::cancelled);
}

// Rows 0..n-1 of `select seq4() ...`, collected from batches in partition order.
struct SeqRows {
  std::mutex mutex;
  std::vector<std::size_t> partitions;
  std::vector<std::int64_t> values;
  void add(const RowBatch& batch) {
    std::lock_guard lock(mutex);
    partitions.push_back(batch.partition);
    for (std::size_t r = 0; r < batch.rows; ++r) values.push_back(batch.columns[0].int64_value(r));
  }
  // Every partition once, in order, and the values 0..n-1 in order.
  bool complete(std::size_t n) {
    std::lock_guard lock(mutex);
    for (std::size_t i = 0; i < partitions.size(); ++i) {
      if (partitions[i] != i) return false;
    }
    if (values.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (values[i] != static_cast<std::int64_t>(i)) return false;
    }
    return true;
  }
};

// Opens once, at the latest when it goes out of scope: a test that fails while a callback waits
// on it ends instead of hanging.
class Gate {
 public:
  Gate() = default;
  ~Gate() { open(); }
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  void open() {
    if (!opened_.exchange(true)) promise_.set_value();
  }
  [[nodiscard]] std::shared_future<void> future() const { return future_; }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
  std::atomic<bool> opened_{false};
};

TEST_F(Callbacks, AnOnBatchThatBlocksDelaysNoOtherQuery) {
  // One decode worker: before on_batch ran on a callback thread of its own, the blocked consumer
  // held that worker and no other query's partition was decoded until it returned.
  // A's callbacks use only this, shared with them: it outlives every call whatever happens.
  struct A {
    Gate release;
    std::atomic<bool> entered{false};
    std::atomic<bool> inside{false};
    std::atomic<bool> completed_inside{false};
    std::atomic<int> completions{0};
    SeqRows rows;
  };
  auto a_state = std::make_shared<A>();
  Client c = client([](ConnectionOptions& o) { o.decode_threads = 1; });
  // Destroyed before the Client: a failing test opens the gate, so no ~Client waits on it.
  const std::unique_ptr<A, void (*)(A*)> open_on_exit(a_state.get(),
                                                      [](A* state) { state->release.open(); });
  const std::string sql = "select seq4() as n from table(generator(rowcount => 3000))";
  SubmitOptions a;
  a.on_batch = [a_state](RowBatch&& batch) {
    a_state->inside = true;
    a_state->rows.add(batch);
    if (!a_state->entered.exchange(true)) a_state->release.future().wait();  // the first batch
    a_state->inside = false;
  };
  a.on_complete = [a_state](const Query&) {
    if (a_state->inside) a_state->completed_inside = true;
    ++a_state->completions;
  };
  Query query_a = c.submit(Statement(sql), a);
  ASSERT_TRUE(eventually([&] { return a_state->entered.load(); }, kGuard));

  // B, pull mode: every partition is fetched, decoded and read while A's consumer is blocked.
  Query query_b = c.submit(Statement(sql));
  SeqRows b_rows;
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (auto batch = query_b.next_batch_until(deadline)) b_rows.add(*batch);
  EXPECT_EQ(query_b.state(), QueryState::succeeded);
  EXPECT_TRUE(b_rows.complete(3000));

  // C, push mode: delivered to its own on_batch and completed meanwhile.
  SeqRows c_rows;
  std::atomic<int> c_completions{0};
  SubmitOptions push;
  push.on_batch = [&](RowBatch&& batch) { c_rows.add(batch); };
  push.on_complete = [&](const Query&) { ++c_completions; };
  Query query_c = c.submit(Statement(sql), push);
  ASSERT_TRUE(query_c.wait_done_until(std::chrono::steady_clock::now() + kGuard));
  EXPECT_EQ(query_c.state(), QueryState::succeeded);
  EXPECT_TRUE(c_rows.complete(3000));
  EXPECT_TRUE(eventually([&] { return c_completions.load() == 1; }, kGuard));

  // A is still inside its first on_batch call, and has not ended.
  EXPECT_TRUE(a_state->inside.load());
  EXPECT_EQ(a_state->completions.load(), 0);
  EXPECT_NE(query_a.state(), QueryState::succeeded);

  a_state->release.open();
  ASSERT_TRUE(query_a.wait_done_until(std::chrono::steady_clock::now() + kGuard));
  EXPECT_EQ(query_a.state(), QueryState::succeeded);
  EXPECT_TRUE(a_state->rows.complete(3000));
  ASSERT_TRUE(eventually([&] { return a_state->completions.load() == 1; }, kGuard));
  EXPECT_FALSE(a_state->completed_inside.load()) << "on_complete ran while on_batch was running";
}

TEST_F(Callbacks, DestroyingTheClientDoesNotWaitForABlockedOnBatch) {
  // What the callbacks use outlives the Client: they may still run after ~Client returned.
  struct Shared {
    Gate release;
    std::shared_future<void> released = release.future();
    std::atomic<int> batches{0};
    std::atomic<bool> inside{false};
    std::atomic<bool> completed_inside{false};
    std::atomic<int> completions{0};
  };
  auto shared = std::make_shared<Shared>();
  auto c = std::make_unique<Client>(connection());
  SubmitOptions options;
  options.on_batch = [shared](RowBatch&&) {
    shared->inside = true;
    if (++shared->batches == 1) shared->released.wait();
    shared->inside = false;
  };
  options.on_complete = [shared](const Query&) {
    if (shared->inside) shared->completed_inside = true;
    ++shared->completions;
  };
  Query query =
      c->submit(Statement("select seq4() as n from table(generator(rowcount => 3000))"), options);
  ASSERT_TRUE(eventually([&] { return shared->batches.load() == 1; }, kGuard));
  auto destroyed = std::async(std::launch::async, [&c] { c.reset(); });
  const bool returned = destroyed.wait_for(kGuard) == std::future_status::ready;
  const int completions_while_blocked = shared->completions.load();
  shared->release.open();  // whatever happened: a ~Client that waits returns now
  ASSERT_TRUE(returned) << "~Client waited for on_batch";
  EXPECT_EQ(query.state(), QueryState::cancelled);
  EXPECT_EQ(completions_while_blocked, 0) << "on_complete waits for the running on_batch";
  ASSERT_TRUE(eventually([&] { return shared->completions.load() == 1; }, kGuard));
  EXPECT_EQ(shared->batches.load(), 1) << "no batch after the query was cancelled";
  EXPECT_FALSE(shared->completed_inside.load());
}

// --- 3. nothing hangs ---------------------------------------------------------------------------

class NothingHangs : public MockTest {
 protected:
  // Every submission is read and never answered.
  void blackhole_submissions() {
    Fault fault;
    fault.kind = FaultKind::blackhole;
    fault.method = "POST";
    fault.path = "/api/v2/statements";
    fault.count = 1000;
    server().inject_fault(fault);
  }
  std::uint64_t unanswered() { return server().counters().requests_with(kPost, 0); }
};

TEST_F(NothingHangs, ABlackholeEndsWithTheClientDeadline) {
  blackhole_submissions();
  Client c = client([](ConnectionOptions& o) { o.total_timeout = 1500ms; });
  try {
    (void)c.execute("select 1");
    FAIL() << "expected a timeout";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout) << error.what();
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline) << error.what();
  }
  EXPECT_GE(unanswered(), 1U);
}

TEST_F(NothingHangs, ABlackholeWithoutDeadlineEndsWhenTheRetryBudgetIsSpent) {
  blackhole_submissions();
  Client c = client([](ConnectionOptions& o) {
    o.request_timeout = 500ms;
    o.retry_timeout = 2s;
  });
  try {
    (void)c.execute("select 1");
    FAIL() << "expected the retries to end";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport) << error.what();
    EXPECT_NE(error.message().find("gave up after"), std::string::npos) << error.what();
    EXPECT_NE(error.detail(), ErrorDetail::cannot_connect) << "it did connect";
  }
  EXPECT_GE(unanswered(), 2U) << "the attempt that timed out was retried";
}

TEST(NothingHangsRefused, ARefusedConnectionIsRetriedThenCannotConnect) {
  RefusingPort refusing;
  ConnectionOptions options = options_for_port(refusing.port());
  options.max_retries = 2;
  Client c(options);
  try {
    (void)c.execute("select 1");
    FAIL() << "expected a transport error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport);
    EXPECT_EQ(error.detail(), ErrorDetail::cannot_connect) << error.what();
    EXPECT_NE(error.message().find("gave up after 3 attempts"), std::string::npos) << error.what();
  }
  EXPECT_EQ(c.stats().retries, 2U);
}

TEST(NothingHangsRefused, TheConnectRetryBudgetEndsRetriesThatNeverReachedTheServer) {
  // Without the budget these retries would go on for minutes (backoff up to 16 s each); the
  // hang guard of the test run is what would catch that.
  RefusingPort refusing;
  ConnectionOptions options = options_for_port(refusing.port());
  options.max_retries = 1000;
  options.retry_timeout = std::chrono::minutes(30);
  options.connect_retry_timeout = std::chrono::milliseconds(300);
  Client c(options);
  Query query = c.submit(Statement("select 1"));
  ASSERT_TRUE(query.wait_done_until(std::chrono::steady_clock::now() + std::chrono::seconds(120)))
      << "the budget ends the retries";
  const QueryProgress progress = query.progress();
  EXPECT_EQ(progress.state, QueryState::failed);
  EXPECT_GT(progress.retries, 0U) << "the retries are visible in the progress";
  EXPECT_NE(progress.last_failure.find("cannot connect"), std::string::npos)
      << progress.last_failure;
  EXPECT_NE(progress.last_failure.find("(Connection refused)"), std::string::npos)
      << progress.last_failure;
  ASSERT_TRUE(query.error());
  EXPECT_EQ(query.error()->detail(), ErrorDetail::cannot_connect) << query.error()->what();
  EXPECT_LT(c.stats().retries, 1000U);
}

TEST_F(NothingHangs, AConnectTimeoutIsRetriedAndCannotConnect) {
  make_connects_hang(server(), connection());
  Client c = client([](ConnectionOptions& o) {
    o.connect_timeout = 300ms;
    o.max_retries = 1;
  });
  try {
    (void)c.execute("select 1");
    FAIL() << "expected a transport error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::transport) << error.what();
    EXPECT_EQ(error.detail(), ErrorDetail::cannot_connect) << error.what();
    EXPECT_NE(error.message().find("gave up after 2 attempts"), std::string::npos) << error.what();
  }
}

class Stalls : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.sync_window = 50ms;
    options.partitions.first_partition_rows = 50;
    options.partitions.max_partition_rows = 200;
  }
};

TEST_F(Stalls, PollsThatGoSilentAfter202EndWithinTheDeadline) {
  Fault fault;
  fault.kind = FaultKind::slow_drip;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*";
  fault.count = 1000;
  fault.drip_bytes = 1;
  fault.drip_interval = 3s;  // slower than one byte a second: a stall
  server().inject_fault(fault);
  Client c = client([](ConnectionOptions& o) {
    o.stall_timeout = 1s;
    o.total_timeout = 4s;
  });
  Query query = c.submit(Statement("select system$wait(30) as w"));
  try {
    (void)query.result();
    FAIL() << "expected the deadline to end the query";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout) << error.what();
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline) << error.what();
  }
  EXPECT_GE(c.stats().retries, 1U) << "a stalled poll was retried";
  const CancelResult outcome = outcome_of(query);
  EXPECT_EQ(outcome.outcome, CancelOutcome::cancelled_on_server)
      << (outcome.error ? outcome.error->what() : "");
}

TEST_F(Stalls, ASlowDripPartitionEndsWithTheDeadline) {
  Fault fault;
  fault.kind = FaultKind::slow_drip;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*?partition=*";
  fault.count = 1000;
  fault.drip_bytes = 8;
  fault.drip_interval = 100ms;  // never stalls, never finishes in time
  server().inject_fault(fault);
  Client c = client([](ConnectionOptions& o) {
    o.stall_timeout = 1s;
    o.total_timeout = 2500ms;
  });
  try {
    (void)c.execute("select seq4() as n from table(generator(rowcount => 2000))");
    FAIL() << "expected the deadline to end the fetch";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout) << error.what();
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline) << error.what();
  }
}

TEST_F(Stalls, NextBatchUntilEndsAtTheCallersDeadline) {
  Client c = client();
  Query query = c.submit(Statement("select system$wait(30) as w"));
  try {
    (void)query.next_batch_until(std::chrono::steady_clock::now() + 200ms);
    FAIL() << "expected the caller's deadline";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::timeout);
    EXPECT_EQ(error.detail(), ErrorDetail::client_deadline);
  }
  EXPECT_EQ(outcome_of(query).outcome, CancelOutcome::cancelled_on_server);
}

// --- 4. truthful cancel -------------------------------------------------------------------------

class TruthfulCancel : public MockTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.sync_window = 50ms; }

  // A statement the server runs for 30 s, polled by the client.
  Query running(Client& c) {
    Query query = c.submit(Statement("select system$wait(30) as w"));
    EXPECT_TRUE(eventually([&] { return query.state() == QueryState::running; }, kGuard));
    return query;
  }
  void fail_cancels(int status, std::string body = {}) {
    Fault fault;
    fault.kind = FaultKind::status;
    fault.status = status;
    fault.body = std::move(body);
    fault.method = "POST";
    fault.path = "/api/v2/statements/*/cancel";
    fault.count = 1000;
    server().inject_fault(fault);
  }
};

TEST_F(TruthfulCancel, ConfirmedCancel) {
  Client c = client();
  Query query = running(c);
  const CancelResult result = outcome_of(query);
  EXPECT_EQ(result.outcome, CancelOutcome::cancelled_on_server);
  EXPECT_EQ(result.statement_handle, query.statement_handle());
  EXPECT_TRUE(eventually([&] {
    return server().statement_state(query.statement_handle()) ==
           mock_snowflake::StatementState::cancelled;
  }));
}

TEST_F(TruthfulCancel, A503ForeverIsNotConfirmed) {
  Client c = client([](ConnectionOptions& o) { o.retry_timeout = 1500ms; });
  Query query = running(c);
  fail_cancels(503);
  const CancelResult result = outcome_of(query);
  EXPECT_EQ(result.outcome, CancelOutcome::not_confirmed);
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->http_status(), 503) << result.error->what();
  EXPECT_GE(server().counters().requests_with("POST /api/v2/statements/{handle}/cancel", 503), 2U)
      << "the cancel was retried";
  EXPECT_EQ(server().statement_state(query.statement_handle()),
            mock_snowflake::StatementState::running)
      << "the statement really is still running";
}

TEST_F(TruthfulCancel, A401IsNotConfirmed) {
  Client c = client();
  Query query = running(c);
  fail_cancels(401, R"({"code":"390144","message":"JWT token is invalid."})");
  const CancelResult result = outcome_of(query);
  EXPECT_EQ(result.outcome, CancelOutcome::not_confirmed);
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->category(), ErrorCategory::auth) << result.error->what();
  EXPECT_EQ(server().statement_state(query.statement_handle()),
            mock_snowflake::StatementState::running);
}

TEST_F(TruthfulCancel, AServerGoneIsNotConfirmed) {
  Client c = client([](ConnectionOptions& o) { o.retry_timeout = 1s; });
  Query query = running(c);
  server().stop();
  const CancelResult result = outcome_of(query);
  EXPECT_EQ(result.outcome, CancelOutcome::not_confirmed)
      << to_string(result.outcome) << "; the query: " << to_string(query.state()) << ", "
      << (query.error() ? query.error()->what() : "no error");
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->detail(), ErrorDetail::cannot_connect) << result.error->what();
}

TEST_F(TruthfulCancel, AFinishedQueryReportsFinished) {
  Client c = client();
  Query query = c.submit(Statement("select 1"));
  (void)query.result();
  EXPECT_EQ(outcome_of(query).outcome, CancelOutcome::finished);
  EXPECT_TRUE(server().counters().cancels_by_handle.empty());
}

TEST_F(TruthfulCancel, GivingUpOnUnreadablePollsCancelsOnTheServer) {
  Fault fault;
  fault.kind = FaultKind::invalid_json;
  fault.method = "GET";
  fault.path = "/api/v2/statements/*";
  fault.count = 1000;
  server().inject_fault(fault);
  Client c = client([](ConnectionOptions& o) { o.max_retries = 2; });
  Query query = c.submit(Statement("select system$wait(30) as w"));
  EXPECT_THROW((void)query.result(), Error);
  const CancelResult result = outcome_of(query);
  EXPECT_EQ(result.outcome, CancelOutcome::cancelled_on_server)
      << (result.error ? result.error->what() : "");
  ASSERT_FALSE(query.statement_handle().empty());
  EXPECT_TRUE(eventually([&] {
    return server().statement_state(query.statement_handle()) ==
           mock_snowflake::StatementState::cancelled;
  }));
}

}  // namespace
}  // namespace sfq::testing
