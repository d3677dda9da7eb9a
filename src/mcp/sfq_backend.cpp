// sfq_backend.cpp — statements of the MCP server on libsfq's asynchronous client.
#include "mcp/sfq_backend.hpp"

#include <algorithm>
#include <thread>

#include "mcp/json.hpp"
#include "sfq/client.hpp"
#include "sfq/format.hpp"

namespace sfq::mcp {

namespace {

// Per-cell and per-row JSON punctuation counted against the byte cap.
constexpr std::size_t kCellOverhead = 1;
constexpr std::size_t kRowOverhead = 2;

ResultColumn column_of(const sfq::ColumnMeta& meta) {
  ResultColumn column;
  column.name = meta.name;
  column.type = std::string(sfq::to_string(meta.type));
  column.nullable = meta.nullable;
  column.precision = meta.precision;
  column.scale = meta.scale;
  column.length = meta.length;
  return column;
}

bool is_text_like(sfq::ColumnType type) {
  return type == sfq::ColumnType::text || type == sfq::ColumnType::unknown;
}

/// The state of one statement, shared by its Execution handle and the Query's callbacks.
class SfqExecution : public Execution, public std::enable_shared_from_this<SfqExecution> {
 public:
  SfqExecution(RunRequest request, Backend::ProgressFn progress, Backend::DoneFn done)
      : limits_(request.limits),
        start_row_(request.start_row),
        progress_(std::move(progress)),
        done_(std::move(done)) {}

  void start(sfq::Client& client, RunRequest& request) {
    // The Query keeps its callbacks as long as it lives, and this object keeps the Query: the
    // callbacks hold it weakly, or neither would ever be freed. Whoever wants the outcome holds
    // the Execution; once nobody does, the callbacks find nothing to call.
    std::weak_ptr<SfqExecution> weak = shared_from_this();
    sfq::SubmitOptions options;
    if (request.fetch_rows) {
      options.on_batch = [weak](sfq::RowBatch&& batch) {
        if (auto self = weak.lock()) self->on_batch(batch);
      };
    }
    options.fetch_rows = request.fetch_rows;
    options.start_row = request.start_row;
    options.on_progress = [weak](const sfq::QueryProgress& p) {
      if (auto self = weak.lock()) self->on_progress(p);
    };
    options.on_complete = [weak](const sfq::Query& q) {
      if (auto self = weak.lock()) self->on_complete(q);
    };
    sfq::Query query = request.attach_handle.empty()
                           ? client.submit(std::move(request.statement), std::move(options))
                           : client.attach(request.attach_handle, std::move(options));
    bool stop_now = false;
    {
      std::lock_guard lock(mutex_);
      query_ = query;
      stop_now = stop_requested_ || user_cancelled_;
    }
    if (stop_now) query.cancel();
  }

  void abandon() override {
    // The Query keeps following the statement until it ends; we only stop listening.
    std::lock_guard lock(mutex_);
    answered_ = true;
  }

  void cancel() override {
    sfq::Query query;
    {
      std::lock_guard lock(mutex_);
      if (answered_ || user_cancelled_) return;
      user_cancelled_ = true;
      query = query_;
    }
    if (query.valid()) query.cancel();
  }

 private:
  void on_progress(const sfq::QueryProgress& p) {
    StatementProgress report;
    report.state = std::string(sfq::to_string(p.state));
    report.elapsed = p.elapsed;
    report.rows_received = p.rows_received;
    report.total_rows = p.total_rows;
    std::string handle;
    {
      std::lock_guard lock(mutex_);
      if (query_.valid()) handle = query_.statement_handle();
      if (answered_) return;
    }
    report.statement_handle = std::move(handle);
    progress_(report);
  }

  void on_batch(const sfq::RowBatch& batch) {
    bool stop = false;
    sfq::Query query;
    {
      std::lock_guard lock(mutex_);
      if (full_ || answered_) return;
      if (page_.columns.empty()) {
        for (const auto& column : batch.columns) page_.columns.push_back(column_of(column.meta()));
      }
      const std::size_t width = batch.columns.size();
      std::vector<std::string> json(width);
      std::vector<std::string> text(width);
      std::vector<std::uint8_t> nulls(width);
      for (std::size_t r = 0; r < batch.rows && !full_; ++r) {
        const std::uint64_t index = batch.first_row + r;
        if (index < start_row_) continue;  // attach(start_row) may start a little early
        if (page_.row_count >= limits_.max_rows) {
          full_ = true;
          page_.cut = ResultPage::Cut::row_limit;
          break;
        }
        std::size_t row_bytes = kRowOverhead;
        for (std::size_t c = 0; c < width; ++c) {
          const sfq::Column& column = batch.columns[c];
          json[c].clear();
          text[c].clear();
          nulls[c] = column.is_null(r) ? 1 : 0;
          sfq::format::append_json(json[c], column, r);
          if (nulls[c] == 0) sfq::format::append_text(text[c], column, r, "");
          if (json[c].size() > limits_.max_cell_bytes) {
            page_.cells_truncated = true;
            if (is_text_like(column.type())) {
              text[c] = std::string(json::utf8_prefix(text[c], limits_.max_cell_bytes)) + "…";
              json[c] = json::quote(text[c]);
            } else {
              text[c] = "[" + std::to_string(json[c].size()) + " bytes not shown]";
              json[c] = json::quote(text[c]);
            }
          }
          row_bytes += json[c].size() + kCellOverhead;
        }
        if (page_.row_count > 0 && bytes_ + row_bytes > limits_.max_bytes) {
          full_ = true;
          page_.cut = ResultPage::Cut::byte_limit;
          break;
        }
        if (page_.row_count == 0) page_.first_row = index;
        bytes_ += row_bytes;
        for (std::size_t c = 0; c < width; ++c) {
          page_.json.push_back(std::move(json[c]));
          page_.text.push_back(std::move(text[c]));
          page_.null.push_back(nulls[c]);
        }
        ++page_.row_count;
      }
      if (full_ && !stop_requested_) {
        stop_requested_ = true;
        stop = true;
        query = query_;
      }
    }
    // Enough rows: stop downloading. The statement has finished on the server, so this only
    // stops our transfers; its result stays available for fetch_results.
    if (stop && query.valid()) query.cancel();
  }

  void on_complete(const sfq::Query& query) {
    ResultPage page;
    std::optional<sfq::Error> error;
    {
      std::lock_guard lock(mutex_);
      if (answered_) return;
      page = std::move(page_);
      if (user_cancelled_) {
        error = query.error().value_or(sfq::Error(sfq::ErrorCategory::cancelled, "cancelled"));
      } else if (!stop_requested_ && query.state() != sfq::QueryState::succeeded) {
        error = query.error().value_or(
            sfq::Error(sfq::ErrorCategory::protocol, "the statement ended without a result"));
      }
    }
    if (error) {
      answer(*error);
      return;
    }
    page.statement_handle = query.statement_handle();
    try {
      const sfq::ResultMeta meta = query.metadata();
      page.total_rows = meta.total_rows;
      if (page.columns.empty()) {
        for (const auto& column : meta.columns) page.columns.push_back(column_of(column));
      }
      if (page.row_count == 0)
        page.first_row = std::min<std::uint64_t>(start_row_, meta.total_rows);
      if (meta.stats) {
        page.rows_affected =
            meta.stats->rows_inserted + meta.stats->rows_updated + meta.stats->rows_deleted;
      }
      if (page.statement_handle.empty()) page.statement_handle = meta.statement_handle;
    } catch (const sfq::Error& e) {
      answer(e);
      return;
    }
    page.state = "succeeded";
    answer(std::move(page));
  }

  void answer(sfq::Result<ResultPage> outcome) {
    {
      std::lock_guard lock(mutex_);
      if (answered_) return;
      answered_ = true;
    }
    done_(std::move(outcome));
  }

  const PageLimits limits_;
  const std::uint64_t start_row_;
  Backend::ProgressFn progress_;
  Backend::DoneFn done_;

  std::mutex mutex_;
  sfq::Query query_;
  ResultPage page_;
  std::size_t bytes_ = 0;
  bool full_ = false;
  bool stop_requested_ = false;
  bool user_cancelled_ = false;
  bool answered_ = false;
};

}  // namespace

SfqBackend::SfqBackend(std::vector<ConnectionConfig> connections)
    : connections_(std::move(connections)) {}

SfqBackend::~SfqBackend() { shutdown(); }

sfq::Result<std::shared_ptr<sfq::Client>> SfqBackend::client(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (shut_down_) return sfq::Error(sfq::ErrorCategory::cancelled, "the server is shutting down");
  if (const auto it = clients_.find(name); it != clients_.end()) return it->second;
  const auto config = std::find_if(connections_.begin(), connections_.end(),
                                   [&](const ConnectionConfig& c) { return c.name == name; });
  if (config == connections_.end()) {
    return sfq::Error(sfq::ErrorCategory::config, "no connection is named '" + name + "'");
  }
  if (config->problem) return *config->problem;
  if (!config->options && config->provide) {
    auto provided = config->provide();
    if (!provided) return provided.error();
    config->options = std::move(provided.value());
  }
  if (!config->options) {
    return sfq::Error(sfq::ErrorCategory::config, "connection '" + name + "' has no options");
  }
  try {
    // Loads the credentials; no network yet. A failure is retried on the next call, so fixing
    // a key file needs no restart.
    auto client = std::make_shared<sfq::Client>(*config->options);
    clients_.emplace(name, client);
    return client;
  } catch (const sfq::Error& e) {
    return e;
  }
}

std::shared_ptr<Execution> SfqBackend::run(RunRequest request, ProgressFn progress, DoneFn done) {
  auto client = this->client(request.connection);
  if (!client.ok()) {
    done(client.error());
    return nullptr;
  }
  auto execution = std::make_shared<SfqExecution>(request, std::move(progress), std::move(done));
  execution->start(*client.value(), request);
  return execution;
}

void SfqBackend::cancel_statement(const std::string& connection, const std::string& handle,
                                  CancelFn done) {
  auto client = this->client(connection);
  if (!client.ok()) {
    done(client.error());
    return;
  }
  // Client::cancel_statement waits for Snowflake's answer: wait on a thread of its own. Threads
  // that have finished are joined here, the rest by shutdown(), so a long session does not
  // collect them.
  std::lock_guard lock(mutex_);
  std::erase_if(helpers_, [](Helper& helper) {
    if (!helper.finished->load()) return false;
    helper.thread.join();
    return true;
  });
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([client = client.value(), handle, done = std::move(done), finished] {
    // Today's library answers only whether Snowflake accepted the request: the tool confirms
    // what happened by following the statement. A truthful outcome from the library (cancelled,
    // already finished) maps onto CancelOutcome here, and the tool then skips that step.
    sfq::Status status = client->cancel_statement(handle);
    if (status.ok()) {
      done(CancelOutcome{CancelOutcome::Kind::requested, {}});
    } else {
      done(status.error());
    }
    finished->store(true);
  });
  helpers_.push_back(Helper{std::move(thread), std::move(finished)});
}

ConnectionNamespace SfqBackend::connection_namespace(const std::string& connection) {
  auto client = this->client(connection);
  if (!client.ok()) return {};
  const sfq::ConnectionOptions& options = client.value()->options();
  return ConnectionNamespace{options.database, options.schema};
}

void SfqBackend::shutdown() {
  std::map<std::string, std::shared_ptr<sfq::Client>> clients;
  std::vector<Helper> helpers;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    clients.swap(clients_);
    helpers.swap(helpers_);
  }
  for (auto& helper : helpers) helper.thread.join();
  // Each Client's destructor cancels its running statements on the server and joins its
  // threads.
  clients.clear();
}

}  // namespace sfq::mcp
