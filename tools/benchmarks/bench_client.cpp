// bench_client — the whole client against the emulator in the same process (measures only;
// asserts nothing).
//
//   BM_SmallQuery          one `select 1` round trip: submit, 200 inline, decode, deliver.
//   BM_HeldStatements/N    N statements that the server holds 100 ms each:
//                            concurrent  — all submitted at once from one thread (sfq's model);
//                            sequential  — one after another, which is what a server whose
//                                          "async" handlers block on the database ends up doing.
//                          The ratio of the two is the point of the project.
//   BM_StreamRows/N        N generated rows streamed batch by batch (client + emulator on the
//                          same 2 cores: a floor for the client's throughput).
//
// Run: tools/bench (builds the `bench` preset and runs every benchmark).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "mock_snowflake/server.hpp"
#include "sfq/client.hpp"
#include "sfq/keys.hpp"

namespace {

using namespace std::chrono_literals;

struct Fixture {
  Fixture() {
    auto keys = sfq::generate_key_pair(2048);
    if (!keys.ok()) throw keys.error();
    mock_snowflake::ServerOptions options;
    options.public_keys_pem.push_back(keys.value().public_key_pem);
    server = std::make_unique<mock_snowflake::Server>(options);
    std::string error;
    if (!server->start(error)) throw std::runtime_error(error);
    sfq::ConnectionOptions connection;
    connection.account = "MOCKACCOUNT";
    connection.user = "MOCKUSER";
    connection.host = "127.0.0.1";
    connection.port = server->port();
    connection.protocol = "http";
    connection.private_key_pem = sfq::Secret(keys.value().private_key_pem);
    connection.max_in_flight = 1000;
    client = std::make_unique<sfq::Client>(connection);
  }
  static Fixture& get() {
    static Fixture fixture;
    return fixture;
  }
  std::unique_ptr<mock_snowflake::Server> server;
  std::unique_ptr<sfq::Client> client;
};

void BM_SmallQuery(benchmark::State& state) {
  auto& client = *Fixture::get().client;
  for (auto _ : state) {
    auto result = client.execute("select 1");
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_SmallQuery)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_HeldStatementsConcurrent(benchmark::State& state) {
  auto& client = *Fixture::get().client;
  const auto n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::vector<sfq::Query> queries;
    queries.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      queries.push_back(client.submit(sfq::Statement("select system$wait(100, 'MILLISECONDS')")));
    }
    for (auto& query : queries) benchmark::DoNotOptimize(query.result());
  }
  state.counters["statements/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_HeldStatementsConcurrent)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_HeldStatementsSequential(benchmark::State& state) {
  auto& client = *Fixture::get().client;
  const auto n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      benchmark::DoNotOptimize(client.execute("select system$wait(100, 'MILLISECONDS')"));
    }
  }
  state.counters["statements/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_HeldStatementsSequential)
    ->Arg(10)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_StreamRows(benchmark::State& state) {
  auto& client = *Fixture::get().client;
  const auto rows = state.range(0);
  for (auto _ : state) {
    sfq::Query query = client.submit(sfq::Statement(
        "select seq8() as n, randstr(24, random()) as s from table(generator(rowcount => " +
        std::to_string(rows) + "))"));
    std::uint64_t seen = 0;
    while (auto batch = query.next_batch()) seen += batch->rows;
    benchmark::DoNotOptimize(seen);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StreamRows)
    ->Arg(1'000'000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
