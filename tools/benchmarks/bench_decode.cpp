// bench_decode — how fast a result partition goes from gzip'd bytes to typed columns and out as
// JSON: decode_partition (the partition scanner → ColumnBuilder; RapidJSON's SAX reader alone for
// comparison), parse_result_set (DOM metadata + the same cell decoder), libdeflate gunzip vs zlib
// inflate of the same body, and append_json.
//
// The partition: 50 000 rows (--rows=N) × 10 columns of the types a typical table has, encoded
// the way the real server sends them (compact, rows separated by ",\n"). Generated with a fixed
// seed. BM_Workers/N is what N decode workers do at once, each with its own copy of the gzip'd
// partition: streamed through PartitionStream in 16 KiB pieces, as the client does (tools/bench
// runs it on a 1 000 000-row partition).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <time.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "decode/gzip.hpp"
#include "decode/partition_stream.hpp"
#include "decode/result_parser.hpp"
#include "sfq/format.hpp"

namespace {

using sfq::ColumnMeta;
using sfq::detail::ColumnsPtr;

std::size_t kRows = 50000;  // --rows=N

struct Spec {
  const char* name;
  const char* type;
  int scale;  // -1: none
};

const std::vector<Spec> kSpecs = {
    {"ID", "fixed", 0},       {"AMOUNT", "fixed", 2},          {"RATIO", "real", -1},
    {"NAME", "text", -1},     {"COMMENT", "text", -1},         {"ACTIVE", "boolean", -1},
    {"DAY", "date", -1},      {"CREATED", "timestamp_ntz", 9}, {"UPDATED", "timestamp_tz", 3},
    {"ATTRS", "variant", -1},
};

ColumnsPtr make_columns() {
  auto columns = std::make_shared<std::vector<std::shared_ptr<const ColumnMeta>>>();
  for (const auto& spec : kSpecs) {
    auto meta = std::make_shared<ColumnMeta>();
    meta->name = spec.name;
    meta->wire_type = spec.type;
    meta->type = sfq::column_type_from_wire(spec.type);
    if (spec.scale >= 0) meta->scale = spec.scale;
    columns->push_back(meta);
  }
  return columns;
}

std::string row_type() {
  std::string out = "[";
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (i != 0) out += ',';
    out += std::string("{\"name\":\"") + kSpecs[i].name + "\",\"type\":\"" + kSpecs[i].type +
           "\",\"scale\":" + (kSpecs[i].scale >= 0 ? std::to_string(kSpecs[i].scale) : "null") +
           ",\"nullable\":true}";
  }
  return out + "]";
}

// The rows of `{"data":[...]}`, as the server writes them.
std::string rows_json() {
  std::mt19937_64 random(20261009);
  const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
  std::string out = "[";
  char buffer[256];
  for (std::size_t r = 0; r < kRows; ++r) {
    if (r != 0) out += ",\n";
    const auto n = random();
    const bool null_comment = n % 7 == 0;
    std::snprintf(buffer, sizeof buffer, "[\"%llu\",\"%llu.%02llu\",\"%.17g\",\"%s %s\",",
                  static_cast<unsigned long long>(r + 1000000000ULL),
                  static_cast<unsigned long long>(n % 100000000),
                  static_cast<unsigned long long>(n % 100),
                  static_cast<double>(n % 1000003) / 1000003.0, words[n % 8], words[(n >> 8) % 8]);
    out += buffer;
    if (null_comment) {
      out += "null,";
    } else {
      out += "\"Order " + std::to_string(n % 100000) +
             " shipped to the customer's primary address; see ticket " +
             std::to_string((n >> 20) % 1000000) + "\",";
    }
    const auto seconds = 1600000000 + static_cast<long long>(n % 200000000);
    std::snprintf(buffer, sizeof buffer,
                  "\"%s\",\"%lld\",\"%lld.%09llu\",\"%lld.%03llu %d\","
                  "\"{\\n  \\\"k\\\": %llu,\\n  \\\"tags\\\": [\\n    \\\"%s\\\",\\n    "
                  "undefined\\n  ]\\n}\"]",
                  n % 2 ? "true" : "false", seconds / 86400, seconds,
                  static_cast<unsigned long long>(n % 1000000000), seconds,
                  static_cast<unsigned long long>(n % 1000),
                  1440 + static_cast<int>(n % 25) * 60 - 720,
                  static_cast<unsigned long long>(n % 1000), words[(n >> 16) % 8]);
    out += buffer;
  }
  return out + "]";
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

struct Fixture {
  ColumnsPtr columns = make_columns();
  std::string partition = "{\"data\":" + rows_json() + "}";
  std::string compressed = gzip(partition);
  // A first response (metadata + the same rows), built on first use only.
  const std::string& result() const {
    std::call_once(result_once, [this] {
      result_text =
          "{\"resultSetMetaData\":{\"numRows\":" + std::to_string(kRows) +
          ",\"format\":\"jsonv2\",\"partitionInfo\":[{\"rowCount\":" + std::to_string(kRows) +
          "}],\"rowType\":" + row_type() + "},\"data\":" + rows_json() +
          ",\"code\":\"090001\",\"statementHandle\":\"h\"}";
    });
    return result_text;
  }
  mutable std::once_flag result_once;
  mutable std::string result_text;
};

const Fixture& fixture() {
  static const Fixture instance;
  return instance;
}

void set_counters(benchmark::State& state, std::size_t bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_DecodePartition(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto batch = sfq::detail::decode_partition(f.partition, f.columns, 1, 0);
    if (!batch.ok() || batch->rows != kRows) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  set_counters(state, f.partition.size());
}
BENCHMARK(BM_DecodePartition)->Unit(benchmark::kMillisecond);

// The same partition through RapidJSON's SAX reader alone (what decode_partition falls back to
// where the partition scanner stops), for the ratio between the two readers in one run.
void BM_DecodePartitionRapidJson(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto batch = sfq::detail::decode_partition_with(sfq::detail::PartitionReader::rapidjson,
                                                    f.partition, f.columns, 1, 0);
    if (!batch.ok() || batch->rows != kRows) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  set_counters(state, f.partition.size());
}
BENCHMARK(BM_DecodePartitionRapidJson)->Unit(benchmark::kMillisecond);

void BM_ParseResultSet(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto parsed = sfq::detail::parse_result_set(f.result());
    if (!parsed.ok() || parsed->first_batch.rows != kRows) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  set_counters(state, f.result().size());
}
BENCHMARK(BM_ParseResultSet)->Unit(benchmark::kMillisecond);

// Bytes processed = uncompressed bytes produced, for both inflaters.
void BM_GunzipLibdeflate(benchmark::State& state) {
  const Fixture& f = fixture();
  const std::uint64_t hint = state.range(0) != 0 ? f.partition.size() : 0;
  for (auto _ : state) {
    auto out = sfq::detail::gunzip(f.compressed, hint, 1ULL << 30);
    if (!out.ok() || out->size() != f.partition.size()) state.SkipWithError("gunzip failed");
    benchmark::DoNotOptimize(out);
  }
  set_counters(state, f.partition.size());
  state.counters["ratio"] =
      static_cast<double>(f.partition.size()) / static_cast<double>(f.compressed.size());
}
BENCHMARK(BM_GunzipLibdeflate)->Arg(1)->Arg(0)->ArgName("size_hint")->Unit(benchmark::kMillisecond);

void BM_InflateZlib(benchmark::State& state) {
  const Fixture& f = fixture();
  std::string out;
  for (auto _ : state) {
    out.assign(f.partition.size(), '\0');
    z_stream stream{};
    inflateInit2(&stream, 15 + 16);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(f.compressed.data()));
    stream.avail_in = static_cast<uInt>(f.compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = inflate(&stream, Z_FINISH);
    inflateEnd(&stream);
    if (status != Z_STREAM_END) state.SkipWithError("inflate failed");
    benchmark::DoNotOptimize(out);
  }
  set_counters(state, f.partition.size());
}
BENCHMARK(BM_InflateZlib)->Unit(benchmark::kMillisecond);

// What a decode worker does per partition: inflate, then decode.
void BM_GunzipAndDecode(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto body = sfq::detail::gunzip_buffer(f.compressed, f.partition.size(), 1ULL << 30);
    auto batch = sfq::detail::decode_owned_partition(std::move(*body), f.columns, 1, 0, kRows);
    if (!batch.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  set_counters(state, f.partition.size());
}
BENCHMARK(BM_GunzipAndDecode)->Unit(benchmark::kMillisecond);

// N workers at once, each inflating and decoding its own copy of the partition (as N decode
// pool threads do with N partitions) with the client's streaming decoder. Bytes processed =
// JSON text bytes over all workers.
void BM_Workers(benchmark::State& state) {
  constexpr std::size_t kPiece = 16 * 1024;
  const Fixture& f = fixture();
  const auto workers = static_cast<std::size_t>(state.range(0));
  std::vector<std::string> copies(workers, f.compressed);
  std::atomic<int> failures{0};
  std::atomic<std::int64_t> worker_cpu_ns{0};  // the workers' own CPU time, whatever the load
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        ::pthread_setname_np(::pthread_self(), "decode-worker");  // for profiles (tools/bench)
        timespec cpu_start{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_start);
        // As the client decodes a partition: the gzip'd body in the pieces libcurl hands over
        // (16 KiB), streamed through PartitionStream into batches of ~1 MiB of text.
        sfq::detail::PartitionStream::Options options;
        options.columns = f.columns;
        options.partition = 1;
        options.expected_rows = kRows;
        options.gzip = true;
        options.max_bytes = 1ULL << 34;
        sfq::detail::PartitionStream stream(std::move(options));
        std::uint64_t rows = 0;
        const std::string_view body = copies[w];
        for (std::size_t at = 0; at < body.size(); at += kPiece) {
          std::string_view piece = body.substr(at, kPiece);
          while (true) {
            auto batch = stream.next(piece);
            if (!batch.ok()) {
              ++failures;
              return;
            }
            if (!batch.value()) break;
            rows += batch.value()->rows;
            benchmark::DoNotOptimize(batch);
          }
        }
        while (true) {
          auto batch = stream.finish();
          if (!batch.ok()) {
            ++failures;
            return;
          }
          if (!batch.value()) break;
          rows += batch.value()->rows;
        }
        if (rows != kRows) ++failures;
        timespec cpu_end{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_end);
        worker_cpu_ns += (cpu_end.tv_sec - cpu_start.tv_sec) * 1'000'000'000LL +
                         (cpu_end.tv_nsec - cpu_start.tv_nsec);
      });
    }
    for (auto& thread : threads) thread.join();
  }
  if (failures > 0) state.SkipWithError("decode failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows * workers));
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * f.partition.size() * workers));
  // Per worker, by its own CPU time: what one worker does on a core of its own (a shared,
  // loaded machine stretches the wall time, not this).
  if (worker_cpu_ns > 0) {
    state.counters["cpu_bytes_per_second_per_worker"] =
        static_cast<double>(state.iterations() * f.partition.size() * workers) /
        (static_cast<double>(worker_cpu_ns.load()) / 1e9);
  }
}
BENCHMARK(BM_Workers)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("workers")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// JSON Lines output of the decoded partition (the CLI's jsonl path without I/O).
void BM_FormatJson(benchmark::State& state) {
  const Fixture& f = fixture();
  auto batch = sfq::detail::decode_partition(f.partition, f.columns, 1, 0);
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (std::size_t r = 0; r < batch->rows; ++r) {
      out += '{';
      for (std::size_t c = 0; c < batch->columns.size(); ++c) {
        if (c != 0) out += ',';
        sfq::format::append_json_string(out, batch->columns[c].meta().name);
        out += ':';
        sfq::format::append_json(out, batch->columns[c], r);
      }
      out += "}\n";
    }
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  set_counters(state, bytes);
}
BENCHMARK(BM_FormatJson)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // --rows=N (ours) is taken out before Google Benchmark reads the rest.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--rows=")) {
      kRows = std::stoul(std::string(arg.substr(7)));
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
