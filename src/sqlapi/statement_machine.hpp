// statement_machine.hpp — the life of one statement, driven on the I/O thread.
//
//   submit (POST) ──200──▶ decode partition 0 ──▶ fetch partitions 1..n inside the window
//        │ 202                                        │
//        ▼                                            ▼
//   poll (GET, timer with capped backoff) ──200──▶ (same)          all delivered ▶ succeeded
//        │ 408 / 422 / 4xx / retries exhausted ▶ failed
//   cancel(): stop transfers and timers; POST .../cancel when the handle is known; when the
//   submission is still in flight and may have reached the server, resubmit the same requestId
//   with retry=true&async=true to learn the handle without running the statement again, then
//   cancel it; a submission that never left the client is simply dropped. The outcome goes to
//   Query::State::resolve_cancel (what Query::cancel()'s future reports).
//
// Transient failures are retried by ClientCore::send (same requestId, retry=true), within the
// statement's deadline. The deadline cancels the statement on the server and fails with a
// timeout error (ErrorDetail::client_deadline). Giving up for any other reason also sends a
// best-effort server cancel when the handle is known and the statement may still run.
//
// Callbacks of the caller may throw: on_progress (here) and on_batch (the query's task on the
// pool's CallbackExecutor, never a decode worker) fail the query with an Error naming them;
// on_complete runs once, after the last on_batch returned.
//
// Thread: every method runs on the I/O thread. Decode workers and consumers report back by
// posting to the loop with the query id.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "io/event_loop.hpp"
#include "sfq/client.hpp"
#include "sqlapi/client_core.hpp"
#include "sqlapi/query_state.hpp"

namespace sfq::detail {

class ClientCore;
struct PartitionFetch;

class StatementMachine {
 public:
  struct Start {
    std::string body;           ///< JSON body of the submission (empty for attach)
    std::string attach_handle;  ///< attach(): follow this handle instead of submitting
    bool async = false;         ///< submit with async=true
    std::chrono::milliseconds total_timeout{0};
  };

  StatementMachine(ClientCore& core, std::shared_ptr<Query::State> state, Start start);
  ~StatementMachine();
  StatementMachine(const StatementMachine&) = delete;
  StatementMachine& operator=(const StatementMachine&) = delete;

  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
  void start();
  /// Stops everything and records `reason` as the outcome (unless already finished); cancels
  /// the statement on the server when it may still be running.
  void cancel(Error reason);
  /// A partition's last batch reached the consumer's queue (pull) or on_batch returned (push).
  void on_delivered(std::size_t partition);
  /// The consumer took a batch (`last_of_partition`: a partition's last one, so a window slot
  /// is free): parked decode jobs go on and more partitions may be fetched.
  void on_consumed(bool last_of_partition);
  /// A partition's decode job ended (every batch handed over, or failed): its body and window
  /// no longer count against the budget.
  void on_partition_job_done(std::size_t partition);
  /// Partition 0 was parsed: its metadata is known (the batch goes to the consumer directly).
  void on_metadata(std::shared_ptr<const ResultMeta> meta, ColumnsPtr columns);
  /// The first response (metadata + partition 0) could not be read: ask again.
  void on_first_decode_failed(Error error);
  /// A later partition could not be read: fetch it again, skipping the `rows_delivered` rows of
  /// it already handed to the consumer.
  void on_partition_decode_failed(std::size_t partition, Error error, std::uint64_t rows_delivered);
  /// Fails the query (any error, e.g. a decode job or a callback that threw).
  void fail_with(Error error) { fail(std::move(error)); }

  /// Runs on_complete once, catching what it throws. Any thread.
  static void notify_complete(const std::shared_ptr<Query::State>& state);

 private:
  enum class Phase { submitting, polling, fetching, done };

  std::uint64_t send(RequestSpec spec, std::function<void(Result<HttpResponse>)> handler);
  void submit(bool probe_for_cancel);
  void poll();
  /// The next poll after the usual interval, or after `at_least` when that is longer.
  void schedule_poll(std::chrono::milliseconds at_least = std::chrono::milliseconds(0));
  void on_submit_or_poll(Result<HttpResponse> response, bool was_poll);
  void on_status_202(const HttpResponse& response);
  void handle_result_200(HttpResponse response);
  void fetch_more();
  // What a partition holds while it is fetched and decoded, and recording that against the
  // budget.
  [[nodiscard]] std::uint64_t partition_cost(std::size_t partition) const;
  void reserve(std::size_t partition, std::uint64_t bytes);
  void fetch_partition(std::size_t partition, std::uint64_t skip_rows);
  void on_partition(std::size_t partition, const std::shared_ptr<PartitionFetch>& fetch,
                    Result<HttpResponse> response);
  /// Ends the query with `error`. `server_final`: the server's own verdict (408, 422): the
  /// statement has ended there, no cancel is needed.
  void fail(Error error, bool server_final = false);
  /// The error of a statement whose client-side deadline (total_timeout) ran out; `cause`, when
  /// not empty, is what the request that ran into it saw. It also names the failure that made
  /// the submission retry last, if any: what a user waiting out a throttled or failing server
  /// needs to know, whether the deadline's timer or the attempt's own limit struck first.
  [[nodiscard]] Error deadline_error(const std::string& cause) const;
  void after_unreadable_body(Error error, std::function<void()> ask_again);
  void set_outcome_without_server_cancel(bool submission_reached);
  void conclude(QueryState final_state, std::optional<Error> error);
  void retire();
  void cancel_on_server();
  void stop_io();
  void set_state(QueryState state);
  void report_progress();
  [[nodiscard]] Error error_from_response(const HttpResponse& response, std::string_view what);
  void remember_handle(const std::string& handle);

  ClientCore& core_;
  std::shared_ptr<Query::State> state_;
  const std::uint64_t id_;
  Start start_;
  std::string request_id_;
  std::string handle_;
  Phase phase_ = Phase::submitting;
  // When the statement was submitted (or attached): the poll interval grows with its age.
  std::chrono::steady_clock::time_point created_at_ = std::chrono::steady_clock::now();
  int decode_retries_ = 0;
  std::set<std::uint64_t> requests_;  // ClientCore request ids in flight
  EventLoop::TimerId poll_timer_ = 0;
  EventLoop::TimerId deadline_timer_ = 0;
  EventLoop::TimerId reread_timer_ = 0;  // backoff before asking again for an unreadable body
  std::uint64_t submit_request_ = 0;     // ClientCore id of the submission (0: none)
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool server_cancel_sent_ = false;

  // Partitions (fetching phase).
  std::shared_ptr<const ResultMeta> meta_;
  ColumnsPtr columns_;
  std::vector<std::uint64_t> first_rows_;  // first row index of each partition
  std::size_t partitions_total_ = 0;
  std::size_t next_fetch_ = 0;
  // Partitions fetched or being fetched whose last batch the consumer has not taken yet.
  std::size_t outstanding_ = 0;
  std::size_t window_ = 4;
  // The streaming budget (ClientCore::streaming_budget) counts bytes: what each partition being
  // fetched or decoded holds (its body and text window: reserved_, summed in reserved_bytes_)
  // and the batches the consumer has not taken (Query::State::held_bytes).
  std::map<std::size_t, std::uint64_t> reserved_;
  std::uint64_t reserved_bytes_ = 0;
  // The partitions being fetched and decoded.
  std::map<std::size_t, std::shared_ptr<PartitionFetch>> fetches_;
  std::uint64_t budget_ = 0;
  std::size_t delivered_ = 0;
  std::size_t first_partition_ = 0;  // attach(start_row): earlier partitions are skipped
  bool retiring_ = false;
};

}  // namespace sfq::detail
