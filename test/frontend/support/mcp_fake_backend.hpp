// mcp_fake_backend.hpp — a scripted sfq::mcp::Backend for tests of the MCP session that need
// no Snowflake: results are looked up by SQL prefix (or statement handle, for attach), applied
// to the request's limits like the real backend does, and delivered from the fake's own thread.
// A rule may hold its statements until released or cancelled, to observe concurrency and
// cancellation. Header-only so that only the MCP tests include it.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mcp/backend.hpp"

namespace sfq::mcp::testing {

/// A whole result: columns and rows of JSON cell values (display text derived from them).
struct FakeResult {
  std::vector<ResultColumn> columns;
  std::vector<std::vector<std::string>> rows;  // JSON text per cell
};

inline ResultColumn column(std::string name, std::string type = "text") {
  ResultColumn c;
  c.name = std::move(name);
  c.type = std::move(type);
  return c;
}

struct FakeRule {
  std::string sql_prefix;
  std::optional<FakeResult> result;
  std::optional<sfq::Error> error;
  bool hold = false;  ///< wait for release() or cancel()
};

class FakeBackend : public Backend {
 public:
  FakeBackend() : thread_([this] { loop(); }) {}
  ~FakeBackend() override { shutdown(); }

  void on(std::string sql_prefix, FakeResult result, bool hold = false) {
    std::lock_guard lock(mutex_);
    rules_.push_back(FakeRule{std::move(sql_prefix), std::move(result), std::nullopt, hold});
  }
  void fail(std::string sql_prefix, sfq::Error error) {
    std::lock_guard lock(mutex_);
    rules_.push_back(FakeRule{std::move(sql_prefix), std::nullopt, std::move(error), false});
  }

  std::shared_ptr<Execution> run(RunRequest request, ProgressFn progress, DoneFn done) override {
    auto execution = std::make_shared<FakeExecution>(this);
    std::lock_guard lock(mutex_);
    execution->id = ++next_id_;
    execution->handle = request.attach_handle.empty() ? "01fake-" + std::to_string(execution->id)
                                                      : request.attach_handle;
    execution->request = request;
    execution->progress = std::move(progress);
    execution->done = std::move(done);
    requests_.push_back(request);
    if (!request.attach_handle.empty()) {
      // Follow an earlier statement: still running (held), ended in error, or its stored result.
      const bool running = std::any_of(held_.begin(), held_.end(), [&](const auto& e) {
        return e->handle == request.attach_handle;
      });
      const auto failed = failed_.find(request.attach_handle);
      const auto it = results_.find(request.attach_handle);
      if (running) {
        execution->result = it->second;
        execution->held = true;
      } else if (failed != failed_.end()) {
        execution->error = failed->second;
      } else if (it == results_.end()) {
        execution->error =
            sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::server, "Statement not found.", "000709",
                                      "02000", request.attach_handle, 422});
      } else {
        execution->result = it->second;
      }
    } else {
      const FakeRule* rule = nullptr;
      for (const auto& r : rules_) {
        if (request.statement.sql.rfind(r.sql_prefix, 0) == 0) {
          rule = &r;
          break;
        }
      }
      if (rule == nullptr) {
        execution->error = sfq::Error(sfq::ErrorInfo{
            sfq::ErrorCategory::server, "SQL compilation error: no fake rule for this statement",
            "001003", "42000", execution->handle, 422});
      } else {
        execution->result = rule->result;
        if (rule->error) {
          sfq::ErrorInfo info = rule->error->info();
          info.statement_handle = execution->handle;
          execution->error = sfq::Error(info);
        }
        execution->held = rule->hold;
      }
      if (execution->result) results_[execution->handle] = *execution->result;
    }
    if (execution->held) {
      held_.push_back(execution);
      tasks_.push_back([execution] {
        execution->progress(
            StatementProgress{"running", std::chrono::milliseconds(5), 0, 0, execution->handle});
      });
    } else {
      tasks_.push_back([execution] { execution->finish(); });
    }
    changed_.notify_all();
    return execution;
  }

  /// Like Snowflake: an unknown handle is error 000709; a finished statement stays finished; a
  /// running (held) one is cancelled. Answers only that the request was accepted, as libsfq does.
  void cancel_statement(const std::string& /*connection*/, const std::string& handle,
                        CancelFn done) override {
    std::shared_ptr<FakeExecution> running;
    {
      std::lock_guard lock(mutex_);
      cancelled_handles_.push_back(handle);
      const bool known = results_.count(handle) != 0 || failed_.count(handle) != 0;
      if (!known) {
        tasks_.push_back([done = std::move(done), handle] {
          done(sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::server,
                                         "Statement " + handle + " not found", "000709", "02000",
                                         handle, 422}));
        });
        changed_.notify_all();
        return;
      }
      for (auto& execution : held_) {
        if (execution->handle == handle && execution->request.attach_handle.empty()) {
          running = execution;
        }
      }
    }
    if (running) running->cancel();
    std::lock_guard lock(mutex_);
    tasks_.push_back([done = std::move(done)] { done(CancelOutcome{}); });
    changed_.notify_all();
  }

  ConnectionNamespace connection_namespace(const std::string& /*connection*/) override {
    std::lock_guard lock(mutex_);
    return namespace_;
  }
  /// The database and schema every connection is configured with.
  void set_namespace(ConnectionNamespace defaults) {
    std::lock_guard lock(mutex_);
    namespace_ = std::move(defaults);
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      // Like the real backend: whatever still runs is cancelled.
      for (auto& execution : held_) {
        if (execution->cancel_requested) continue;
        execution->cancel_requested = true;
        ++cancels_;
        tasks_.push_back([execution] { execution->finish_cancelled(); });
      }
      held_.clear();
      stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  /// Delivers every held statement's result.
  void release_all() {
    std::lock_guard lock(mutex_);
    for (auto& execution : held_) tasks_.push_back([execution] { execution->finish(); });
    held_.clear();
    changed_.notify_all();
  }

  /// Waits until `count` statements are held (running); false on timeout.
  bool wait_held(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return held_.size() >= count; });
  }
  /// Waits until `count` cancellations were received.
  bool wait_cancels(int count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return cancels_ >= count; });
  }

  [[nodiscard]] std::vector<RunRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  [[nodiscard]] int cancels() const {
    std::lock_guard lock(mutex_);
    return cancels_;
  }
  [[nodiscard]] int abandoned() const {
    std::lock_guard lock(mutex_);
    return abandoned_;
  }
  [[nodiscard]] std::vector<std::string> cancelled_handles() const {
    std::lock_guard lock(mutex_);
    return cancelled_handles_;
  }

 private:
  struct FakeExecution : Execution, std::enable_shared_from_this<FakeExecution> {
    explicit FakeExecution(FakeBackend* owner) : backend(owner) {}

    void cancel() override {
      std::lock_guard lock(backend->mutex_);
      if (finished || cancel_requested) return;
      cancel_requested = true;
      ++backend->cancels_;
      backend->forget_held(this);
      // The server knows at once that the statement was cancelled.
      if (request.attach_handle.empty()) {
        backend->failed_.insert_or_assign(
            handle, sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::server, "SQL execution canceled",
                                              "000604", "57014", handle, 422}));
        // Whoever watches the statement sees it end.
        for (auto& watcher : backend->held_) {
          if (watcher->handle == handle) {
            backend->tasks_.push_back([watcher] { watcher->finish_cancelled(); });
          }
        }
        backend->held_.erase(std::remove_if(backend->held_.begin(), backend->held_.end(),
                                            [this](const auto& e) { return e->handle == handle; }),
                             backend->held_.end());
      }
      auto self = shared_from_this();
      backend->tasks_.push_back([self] { self->finish_cancelled(); });
      backend->changed_.notify_all();
    }

    void abandon() override {
      std::lock_guard lock(backend->mutex_);
      finished = true;
      ++backend->abandoned_;
      backend->forget_held(this);
      backend->changed_.notify_all();
    }

    void finish() {
      if (!mark_finished()) return;
      if (error) {
        done(*error);
        return;
      }
      ResultPage page;
      page.statement_handle = handle;
      page.columns = result->columns;
      page.total_rows = result->rows.size();
      page.first_row = std::min<std::uint64_t>(request.start_row, result->rows.size());
      std::size_t bytes = 0;
      for (std::size_t r = page.first_row; r < result->rows.size(); ++r) {
        if (page.row_count >= request.limits.max_rows) {
          page.cut = ResultPage::Cut::row_limit;
          break;
        }
        std::size_t row_bytes = 0;
        for (const auto& cell : result->rows[r]) row_bytes += cell.size() + 1;
        if (page.row_count > 0 && bytes + row_bytes > request.limits.max_bytes) {
          page.cut = ResultPage::Cut::byte_limit;
          break;
        }
        bytes += row_bytes;
        for (const auto& cell : result->rows[r]) {
          page.json.push_back(cell);
          page.null.push_back(cell == "null" ? 1 : 0);
          page.text.push_back(cell.size() >= 2 && cell.front() == '"'
                                  ? cell.substr(1, cell.size() - 2)
                                  : (cell == "null" ? "" : cell));
        }
        ++page.row_count;
      }
      if (!request.fetch_rows) {
        page.row_count = 0;
        page.json.clear();
        page.text.clear();
        page.null.clear();
      }
      done(std::move(page));
    }

    void finish_cancelled() {
      if (!mark_finished()) return;
      done(sfq::Error(sfq::ErrorInfo{sfq::ErrorCategory::cancelled, "cancelled", "000604", "57014",
                                     handle, 0}));
    }

    bool mark_finished() {
      std::lock_guard lock(backend->mutex_);
      if (finished) return false;
      finished = true;
      return true;
    }

    FakeBackend* backend;
    std::uint64_t id = 0;
    std::string handle;
    RunRequest request;
    ProgressFn progress;
    DoneFn done;
    std::optional<FakeResult> result;
    std::optional<sfq::Error> error;
    bool held = false;
    bool finished = false;          // guarded by backend->mutex_
    bool cancel_requested = false;  // guarded by backend->mutex_
  };

  // Requires mutex_.
  void forget_held(const FakeExecution* execution) {
    held_.erase(std::remove_if(held_.begin(), held_.end(),
                               [execution](const auto& e) { return e.get() == execution; }),
                held_.end());
  }

  void loop() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !tasks_.empty() || stopping_; });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
      changed_.notify_all();
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<FakeRule> rules_;
  std::map<std::string, FakeResult> results_;  // by handle, for attach
  std::map<std::string, sfq::Error> failed_;   // cancelled statements, by handle
  std::vector<std::shared_ptr<FakeExecution>> held_;
  std::deque<std::function<void()>> tasks_;
  std::vector<RunRequest> requests_;
  std::vector<std::string> cancelled_handles_;
  ConnectionNamespace namespace_;
  std::uint64_t next_id_ = 0;
  int cancels_ = 0;
  int abandoned_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sfq::mcp::testing
