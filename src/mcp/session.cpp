// session.cpp — MCP methods, eras, the table of calls in flight, cancellation and progress.
#include "mcp/session.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "mcp/json.hpp"
#include "mcp/resources_prompts.hpp"
#include "mcp/tools.hpp"
#include "sfq/log.hpp"

namespace sfq::mcp {

namespace {

constexpr std::array<std::string_view, 4> kLegacyVersions = {"2025-11-25", "2025-06-18",
                                                             "2025-03-26", "2024-11-05"};
constexpr std::string_view kLatestLegacyVersion = "2025-11-25";
constexpr std::string_view kModernVersion = "2026-07-28";

constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
constexpr std::string_view kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
constexpr std::string_view kMetaLogLevel = "io.modelcontextprotocol/logLevel";

// Lists never change while the process runs; the cache hint still stays modest.
constexpr std::int64_t kListTtlMs = 3'600'000;
// Statement handles remembered for cancel_query's "only our own statements" rule.
constexpr std::size_t kRememberedHandles = 10'000;
// A quoted QUERY_TAG may hold 2000 characters.
constexpr std::size_t kMaxQueryTag = 2000;

/// The server's instructions: how to use the tools, and the wording every tool shares (the
/// common arguments, result caps, names and defaults), said once here instead of in every
/// tool's description.
std::string instructions(const ServerConfig& config) {
  const Limits& limits = config.limits;
  std::string text =
      "sfq gives read access to Snowflake. Explore with list_databases, list_schemas, "
      "list_tables, list_views and describe_table; look at rows with sample_table; query with "
      "execute_query (one statement: SELECT, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN or LIST "
      "@stage, or a ->> chain of them).\n"
      "Arguments shared by the tools: `format` sets how the text block shows a result: csv "
      "(default) or markdown tables under one line of metadata, or json; structuredContent "
      "always holds the typed result. `timeout_seconds` cancels the statement on Snowflake after "
      "that many seconds (default " +
      std::to_string(limits.default_timeout.count()) + ", at most " +
      std::to_string(limits.max_timeout.count()) +
      "). `limit` is the most rows to return (at "
      "most " +
      std::to_string(limits.max_rows) + ").";
  if (config.connections.size() > 1) {
    text += " `connection` picks the connection: ";
    for (std::size_t i = 0; i < config.connections.size(); ++i) {
      text += (i > 0 ? ", " : "") + config.connections[i];
    }
    text += " (default " + config.connections.front() + ").";
  }
  text +=
      "\nResults are cut to about " + std::to_string(limits.max_result_bytes) +
      " bytes: when `truncated` is true, call fetch_results with `next_cursor` for the next page "
      "(the query does not run again), or filter or aggregate in SQL. In structuredContent a "
      "NUMBER a double cannot hold exactly is a string of its digits.\n"
      "Names are case-insensitive unless written in double quotes. A database given without a "
      "schema means the connection's schema when it is in that database, else PUBLIC.\n"
      "query_status and cancel_query take a result's statement_handle.";
  return text;
}

std::string client_from_info(const rapidjson::Value* info) {
  const auto name = json::string_member(info, "name");
  if (!name) return {};
  const auto version = json::string_member(info, "version");
  return version ? *name + " " + *version : *name;
}

constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

}  // namespace

std::optional<McpLogLevel> parse_mcp_log_level(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == text) return static_cast<McpLogLevel>(i);
  }
  return std::nullopt;
}

std::string_view to_string(McpLogLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

// ---------------------------------------------------------------------------------------------
// Call

Call::Call(Session& session, std::string id, std::string method)
    : session_(session), id_(std::move(id)), method_(std::move(method)) {}

const ServerConfig& Call::config() const noexcept { return session_.config(); }

bool Call::knows_handle(const std::string& handle) const { return session_.knows_handle(handle); }

ConnectionNamespace Call::connection_namespace(const std::string& connection) const {
  return session_.backend().connection_namespace(connection);
}

std::size_t Call::result_overhead() const {
  return session_.decorate("{}", modern_, false).size() - 2;
}

bool Call::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

std::shared_ptr<Execution> Call::run(RunRequest request,
                                     std::function<void(sfq::Result<ResultPage>)> then,
                                     std::function<void(const StatementProgress&)> observe) {
  // Only statements this server submitted become its own; following a handle someone gave us
  // (query_status, fetch_results, cancel_query) never adopts it.
  const bool submitted = request.attach_handle.empty();
  std::uint64_t key = 0;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return nullptr;
    key = next_execution_++;
    progress_ = StatementProgress{"submitted", std::chrono::milliseconds(0), 0, 0, ""};
    send_progress_locked();
  }
  auto self = shared_from_this();
  auto done = [self, key, submitted, then = std::move(then)](sfq::Result<ResultPage> outcome) {
    // Backend thread: hand over to the executor.
    if (submitted) {
      self->session_.remember_handle(outcome.ok() ? outcome.value().statement_handle
                                                  : outcome.error().statement_handle());
    }
    self->session_.executor().post([self, key, then, outcome = std::move(outcome)]() mutable {
      {
        std::lock_guard lock(self->mutex_);
        self->executions_.erase(key);
        if (self->executions_.empty()) self->progress_.reset();
        if (self->finished_) return;
      }
      then(std::move(outcome));
    });
  };
  auto progress = [self, submitted, observe = std::move(observe)](const StatementProgress& p) {
    if (submitted) self->session_.remember_handle(p.statement_handle);
    self->on_progress(p);
    if (observe) {
      self->session_.executor().post([self, observe, p] {
        if (!self->finished()) observe(p);
      });
    }
  };
  std::shared_ptr<Execution> execution =
      session_.backend().run(std::move(request), std::move(progress), std::move(done));
  if (!execution) return nullptr;
  bool cancel_now = false;
  {
    std::lock_guard lock(mutex_);
    // done() may already have run (an immediate failure): then there is nothing to keep.
    if (finished_) {
      cancel_now = true;
    } else {
      executions_.emplace(key, execution);
    }
  }
  if (cancel_now) execution->cancel();
  return execution;
}

void Call::abandon(const std::shared_ptr<Execution>& execution) {
  if (!execution) return;
  {
    std::lock_guard lock(mutex_);
    for (auto it = executions_.begin(); it != executions_.end(); ++it) {
      if (it->second == execution) {
        executions_.erase(it);
        break;
      }
    }
    if (executions_.empty()) progress_.reset();
  }
  execution->abandon();
}

void Call::after(std::chrono::milliseconds delay, std::function<void()> task) {
  auto self = shared_from_this();
  session_.executor().post_after(delay, [self, task = std::move(task)] {
    if (!self->finished()) task();
  });
}

void Call::cancel_statement(const std::string& connection, const std::string& handle,
                            std::function<void(sfq::Result<CancelOutcome>)> then) {
  auto self = shared_from_this();
  session_.backend().cancel_statement(
      connection, handle, [self, then = std::move(then)](sfq::Result<CancelOutcome> outcome) {
        self->session_.executor().post([self, then, outcome = std::move(outcome)]() mutable {
          if (self->finished()) return;
          then(std::move(outcome));
        });
      });
}

void Call::finish_locked(std::vector<std::shared_ptr<Execution>>& to_cancel) {
  finished_ = true;
  progress_.reset();
  for (auto& [key, execution] : executions_) to_cancel.push_back(std::move(execution));
  executions_.clear();
}

void Call::reply(std::string result) {
  std::vector<std::shared_ptr<Execution>> leftovers;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finish_locked(leftovers);
    session_.output().send_or(
        make_result(id_, session_.decorate(std::move(result), modern_, false)),
        session_.output_full_error(id_));
  }
  // A statement still running when the answer is known (e.g. the DDL lookup after the column
  // lookup failed) is of no use any more.
  for (auto& execution : leftovers) execution->cancel();
  session_.forget(id_);
}

void Call::reply_error(int code, std::string_view message, std::string_view data_json) {
  std::vector<std::shared_ptr<Execution>> leftovers;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finish_locked(leftovers);
    session_.output().send(make_error(id_, code, message, data_json));
  }
  for (auto& execution : leftovers) execution->cancel();
  session_.forget(id_);
}

void Call::cancel() {
  std::vector<std::shared_ptr<Execution>> running;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finish_locked(running);
  }
  for (auto& execution : running) execution->cancel();
  session_.forget(id_);
}

void Call::log(McpLogLevel level, std::string_view message) {
  std::optional<McpLogLevel> threshold = log_level_;
  if (!modern_ && session_.legacy_logging_enabled()) threshold = session_.legacy_log_level();
  if (!threshold || level < *threshold) return;
  json::JsonBuilder params;
  params.begin_object()
      .key("level")
      .string(to_string(level))
      .key("logger")
      .string("sfq")
      .key("data")
      .string(message)
      .end_object();
  std::lock_guard lock(mutex_);
  if (finished_) return;
  session_.output().send(make_notification("notifications/message", params.take()), true);
}

void Call::notify(std::string_view method, std::string_view params_json) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  session_.output().send(make_notification(method, params_json));
}

std::string Call::query_tag(std::string_view what) const {
  json::JsonBuilder tag;
  tag.begin_object()
      .key("app")
      .string("sfq mcp")
      .key("version")
      .string(session_.config().version)
      .key("client")
      .string(client_.empty() ? "unknown" : client_)
      .key("request")
      .raw(id_)
      .key("tool")
      .string(what)
      .end_object();
  std::string text = tag.take();
  if (text.size() > kMaxQueryTag) {
    // Only the client name can be long: drop it rather than cut the JSON.
    json::JsonBuilder shorter;
    shorter.begin_object()
        .key("app")
        .string("sfq mcp")
        .key("request")
        .raw(id_.size() < 200 ? id_ : "null")
        .key("tool")
        .string(what)
        .end_object();
    text = shorter.take();
  }
  return text;
}

void Call::on_progress(const StatementProgress& progress) {
  std::lock_guard lock(mutex_);
  if (finished_ || !progress_) return;
  const bool changed = progress.state != progress_->state;
  progress_ = progress;
  if (changed) send_progress_locked();
}

void Call::tick() {
  std::lock_guard lock(mutex_);
  send_progress_locked();
}

void Call::send_progress_locked() {
  if (finished_ || !progress_token_ || !progress_) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started_)
                           .count();
  // progress MUST increase with every notification.
  const std::int64_t value = std::max<std::int64_t>(last_progress_value_ + 1, elapsed);
  last_progress_value_ = value;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(elapsed) / 1000.0);
  std::string message = progress_->state + " for " + seconds + " s";
  if (progress_->rows_received > 0 || progress_->total_rows > 0) {
    message += ", " + std::to_string(progress_->rows_received) + " rows fetched";
    if (progress_->total_rows > 0) message += " of " + std::to_string(progress_->total_rows);
  }
  if (!progress_->statement_handle.empty()) {
    message += " (statement handle " + progress_->statement_handle + ")";
  }
  json::JsonBuilder params;
  params.begin_object()
      .key("progressToken")
      .raw(*progress_token_)
      .key("progress")
      .number(value)
      .key("message")
      .string(message)
      .end_object();
  session_.output().send(make_notification("notifications/progress", params.take()), true);
}

// ---------------------------------------------------------------------------------------------
// Session

Session::Session(ServerConfig config, Backend& backend, Output& output, Executor& executor)
    : config_(std::move(config)),
      backend_(backend),
      output_(output),
      executor_(executor),
      tools_(std::make_unique<ToolRegistry>(config_)),
      ticker_thread_([this] { ticker(); }) {}

Session::~Session() {
  {
    std::lock_guard lock(ticker_mutex_);
    ticker_stop_ = true;
  }
  ticker_wake_.notify_all();
  if (ticker_thread_.joinable()) ticker_thread_.join();
}

void Session::ticker() {
  std::unique_lock lock(ticker_mutex_);
  while (!ticker_stop_) {
    ticker_wake_.wait_for(lock, config_.progress_interval, [this] { return ticker_stop_; });
    if (ticker_stop_) return;
    std::vector<std::shared_ptr<Call>> calls;
    {
      std::lock_guard calls_lock(mutex_);
      for (auto& [id, call] : calls_) calls.push_back(call);
    }
    for (auto& call : calls) call->tick();
  }
}

bool Session::legacy_structured() const {
  // Revisions are dates: 2025-06-18 introduced structuredContent and outputSchema. Without
  // initialize, requests follow the latest legacy revision.
  return legacy_version_.empty() || legacy_version_ >= "2025-06-18";
}

McpLogLevel Session::legacy_log_level() const {
  const int level = legacy_log_level_.load();
  return level < 0 ? McpLogLevel::warning : static_cast<McpLogLevel>(level);
}

bool Session::legacy_logging_enabled() const { return legacy_log_level_.load() >= 0; }

void Session::forget(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    const auto it = calls_.find(id);
    if (it == calls_.end()) return;
    if (it->second->subscription_) --subscriptions_;
    calls_.erase(it);
  }
  idle_.notify_all();
}

void Session::finish_subscriptions() {
  std::vector<std::shared_ptr<Call>> subscriptions;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, call] : calls_) {
      if (call->subscription_) subscriptions.push_back(call);
    }
  }
  for (auto& call : subscriptions) call->cancel();
}

bool Session::wait_idle(const std::function<bool()>& stop) {
  std::unique_lock lock(mutex_);
  while (!calls_.empty()) {
    if (stop()) return false;
    idle_.wait_for(lock, std::chrono::milliseconds(20));
  }
  return true;
}

void Session::remember_handle(const std::string& handle) {
  if (handle.empty()) return;
  std::lock_guard lock(mutex_);
  if (!handles_.insert(handle).second) return;
  handle_order_.push_back(handle);
  if (handle_order_.size() > kRememberedHandles) {
    handles_.erase(handle_order_.front());
    handle_order_.pop_front();
  }
}

bool Session::knows_handle(const std::string& handle) const {
  std::lock_guard lock(mutex_);
  return handles_.count(handle) != 0;
}

void Session::finish_all() {
  std::vector<std::shared_ptr<Call>> calls;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, call] : calls_) calls.push_back(call);
  }
  for (auto& call : calls) call->cancel();
}

std::string Session::server_info_json() const {
  json::JsonBuilder info;
  info.begin_object()
      .key("name")
      .string("sfq")
      .key("title")
      .string("sfq — Snowflake")
      .key("version")
      .string(config_.version)
      .end_object();
  return info.take();
}

std::string Session::capabilities_json(bool /*modern*/) const {
  return R"({"completions":{},"logging":{},"prompts":{"listChanged":false},)"
         R"("resources":{"subscribe":false,"listChanged":false},"tools":{"listChanged":false}})";
}

std::string Session::decorate(std::string result, bool modern, bool cacheable) const {
  if (!modern) return result;
  std::string extra = R"("resultType":"complete",)";
  if (cacheable) {
    extra += R"("ttlMs":)" + std::to_string(kListTtlMs) + R"(,"cacheScope":"private",)";
  }
  extra += R"("_meta":{"io.modelcontextprotocol/serverInfo":)" + server_info_json() + "}";
  if (result.size() > 2) extra.push_back(',');
  result.insert(1, extra);
  return result;
}

void Session::answer(const std::string& id, std::string result, bool modern, bool cacheable) {
  output_.send_or(make_result(id, decorate(std::move(result), modern, cacheable)),
                  output_full_error(id));
}

std::string Session::output_full_error(const std::string& id) const {
  return make_error(id, kServerBusy,
                    "Server busy: the client has not read " +
                        std::to_string(output_.max_queued_bytes()) +
                        " bytes of earlier messages (sfq mcp --max-queued-output-bytes), so this "
                        "answer was dropped; read the output, then ask again",
                    R"({"limit":"max_queued_output_bytes","max":)" +
                        std::to_string(output_.max_queued_bytes()) + "}");
}

void Session::answer_error(const std::string& id, int code, std::string_view message,
                           std::string_view data_json) {
  output_.send(make_error(id, code, message, data_json));
}

void Session::handle_too_long() {
  answer_error("null", kInvalidRequest,
               "Invalid Request: the message exceeds " + std::to_string(config_.max_message_bytes) +
                   " bytes (sfq mcp --max-message-bytes) and was discarded",
               R"({"maxMessageBytes":)" + std::to_string(config_.max_message_bytes) + "}");
}

void Session::handle_line(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank line
  Incoming message = parse_message(line);
  switch (message.kind) {
    case Incoming::Kind::invalid:
      answer_error(message.id, message.error_code, message.error_message);
      return;
    case Incoming::Kind::response:
      return;  // we send no requests, so no response is awaited
    case Incoming::Kind::notification:
      handle_notification(message);
      return;
    case Incoming::Kind::request:
      handle_request(message);
      return;
  }
}

void Session::handle_notification(const Incoming& message) {
  if (message.method == "notifications/cancelled") {
    const rapidjson::Value* request_id = json::member(message.params, "requestId");
    if (request_id == nullptr) return;
    const std::string id = canonical_id(*request_id);
    std::shared_ptr<Call> call;
    {
      std::lock_guard lock(mutex_);
      const auto it = calls_.find(id);
      if (it != calls_.end()) call = it->second;
    }
    // Unknown or finished requests are ignored, as the specification allows.
    if (call) call->cancel();
    return;
  }
  // notifications/initialized, roots/list_changed and anything else need no action.
}

std::string Session::initialize_result(const rapidjson::Value& params) {
  const auto requested = json::string_member(&params, "protocolVersion");
  std::string version(kLatestLegacyVersion);
  if (requested && std::find(kLegacyVersions.begin(), kLegacyVersions.end(), *requested) !=
                       kLegacyVersions.end()) {
    version = *requested;
  }
  {
    std::lock_guard lock(mutex_);
    legacy_version_ = version;
    legacy_client_ = client_from_info(json::member(&params, "clientInfo"));
  }
  json::JsonBuilder result;
  result.begin_object()
      .key("protocolVersion")
      .string(version)
      .key("capabilities")
      .raw(capabilities_json(false))
      .key("serverInfo")
      .raw(server_info_json())
      .key("instructions")
      .string(instructions(config_))
      .end_object();
  return result.take();
}

std::string Session::discover_result() const {
  json::JsonBuilder result;
  result.begin_object()
      .key("supportedVersions")
      .begin_array()
      .string(kModernVersion)
      .end_array()
      .key("capabilities")
      .raw(capabilities_json(true))
      .key("instructions")
      .string(instructions(config_))
      .end_object();
  return result.take();
}

void Session::start_call(const Incoming& message, bool modern, std::string client,
                         std::function<void(std::shared_ptr<Call>)> start, bool subscription) {
  auto call = std::make_shared<Call>(*this, message.id, message.method);
  call->document_ = message.document;
  call->params_ = message.params;
  call->modern_ = modern;
  call->subscription_ = subscription;
  call->client_ = std::move(client);
  {
    std::lock_guard lock(mutex_);
    call->structured_ = modern || legacy_structured();
  }
  const rapidjson::Value* meta = json::member(message.params, "_meta");
  if (const rapidjson::Value* token = json::member(meta, "progressToken")) {
    const std::string canonical = canonical_id(*token);
    if (!canonical.empty()) call->progress_token_ = canonical;
  }
  if (modern) {
    if (const auto level = json::string_member(meta, kMetaLogLevel)) {
      call->log_level_ = parse_mcp_log_level(*level);
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (calls_.count(message.id) != 0) {
      answer_error(message.id, kInvalidRequest,
                   "Invalid Request: a request with this id is still in progress; ids must be "
                   "unique among requests in flight");
      return;
    }
    if (subscription && subscriptions_ >= config_.max_subscriptions) {
      answer_error(message.id, kServerBusy,
                   "Server busy: " + std::to_string(subscriptions_) +
                       " subscriptions are open, the most sfq mcp allows "
                       "(--max-subscriptions); cancel one before opening another",
                   R"({"limit":"max_subscriptions","max":)" +
                       std::to_string(config_.max_subscriptions) + "}");
      return;
    }
    if (!subscription && calls_.size() - subscriptions_ >= config_.max_calls_in_flight) {
      answer_error(message.id, kServerBusy,
                   "Server busy: " + std::to_string(calls_.size() - subscriptions_) +
                       " requests are in flight, the most sfq mcp allows "
                       "(--max-calls-in-flight); send this one again once an answer has arrived",
                   R"({"limit":"max_calls_in_flight","max":)" +
                       std::to_string(config_.max_calls_in_flight) + "}");
      return;
    }
    if (subscription) ++subscriptions_;
    calls_.emplace(message.id, call);
  }
  executor_.post([call, start = std::move(start)] {
    try {
      start(call);
    } catch (const std::exception& e) {
      call->reply_error(kInternalError, std::string("Internal error: ") + e.what());
    }
  });
}

void Session::handle_request(const Incoming& message) {
  const std::string& id = message.id;
  const std::string& method = message.method;
  const rapidjson::Value* meta = json::member(message.params, "_meta");
  if (meta != nullptr && !meta->IsObject()) {
    answer_error(id, kInvalidParams, "Invalid params: \"_meta\" must be an object");
    return;
  }

  // The era of this request.
  bool modern = false;
  std::string client;
  if (const rapidjson::Value* version = json::member(meta, kMetaProtocolVersion)) {
    const std::string requested =
        version->IsString() ? std::string(version->GetString(), version->GetStringLength()) : "";
    if (requested != kModernVersion) {
      json::JsonBuilder data;
      data.begin_object()
          .key("supported")
          .begin_array()
          .string(kModernVersion)
          .end_array()
          .key("requested")
          .string(requested)
          .end_object();
      answer_error(id, kUnsupportedProtocolVersion, "Unsupported protocol version", data.take());
      return;
    }
    const rapidjson::Value* capabilities = json::member(meta, kMetaClientCapabilities);
    if (capabilities == nullptr || !capabilities->IsObject()) {
      answer_error(id, kInvalidParams,
                   "Invalid params: _meta lacks io.modelcontextprotocol/clientCapabilities, "
                   "which every 2026-07-28 request must carry");
      return;
    }
    modern = true;
    client = client_from_info(json::member(meta, kMetaClientInfo));
  } else {
    std::lock_guard lock(mutex_);
    client = legacy_client_;
  }

  if (method == "initialize") {
    answer(id, initialize_result(*message.params), false);
    return;
  }
  if (method == "server/discover") {
    answer(id, discover_result(), true, true);
    return;
  }
  if (method == "ping" && !modern) {
    answer(id, "{}", false);
    return;
  }
  if (method == "logging/setLevel" && !modern) {
    const auto level_text = json::string_member(message.params, "level");
    const auto level = level_text ? parse_mcp_log_level(*level_text) : std::nullopt;
    if (!level) {
      answer_error(id, kInvalidParams,
                   "Invalid params: \"level\" must be one of debug, info, notice, warning, error, "
                   "critical, alert, emergency");
      return;
    }
    legacy_log_level_.store(static_cast<int>(*level));
    answer(id, "{}", false);
    return;
  }
  const bool is_list = method == "tools/list" || method == "prompts/list" ||
                       method == "resources/list" || method == "resources/templates/list";
  if (is_list) {
    // Everything fits in one page: a cursor can only be one we never handed out.
    if (json::member(message.params, "cursor") != nullptr) {
      answer_error(id, kInvalidParams,
                   "Invalid params: unknown cursor (every list fits in one page)");
      return;
    }
    std::string result;
    if (method == "tools/list") {
      bool structured = modern;
      if (!modern) {
        std::lock_guard lock(mutex_);
        structured = legacy_structured();
      }
      result = R"({"tools":)" + tools_->list_json(structured) + "}";
    } else if (method == "prompts/list") {
      result = R"({"prompts":)" + prompts_json() + "}";
    } else if (method == "resources/list") {
      result = R"({"resources":[]})";
    } else {
      result = R"({"resourceTemplates":)" + resource_templates_json() + "}";
    }
    answer(id, std::move(result), modern, true);
    return;
  }
  if (method == "prompts/get") {
    PromptOutcome prompt = get_prompt(*message.params, config_);
    if (prompt.error_code != 0) {
      answer_error(id, prompt.error_code, prompt.error_message);
    } else {
      answer(id, std::move(prompt.result), modern);
    }
    return;
  }
  if (method == "tools/call") {
    const auto name = json::string_member(message.params, "name");
    if (!name) {
      answer_error(id, kInvalidParams, "Invalid params: tools/call needs a string \"name\"");
      return;
    }
    if (!tools_->has(*name)) {
      answer_error(id, kInvalidParams, "Unknown tool: " + *name,
                   R"({"tool":)" + json::quote(*name) + "}");
      return;
    }
    const rapidjson::Value* arguments = json::member(message.params, "arguments");
    if (arguments != nullptr && !arguments->IsObject() && !arguments->IsNull()) {
      answer_error(id, kInvalidParams, "Invalid params: \"arguments\" must be an object");
      return;
    }
    const ToolRegistry* tools = tools_.get();
    start_call(message, modern, std::move(client),
               [tools, name = *name](std::shared_ptr<Call> call) { tools->call(call, name); });
    return;
  }
  if (method == "resources/read") {
    const auto uri = json::string_member(message.params, "uri");
    if (!uri) {
      answer_error(id, kInvalidParams, "Invalid params: resources/read needs a string \"uri\"");
      return;
    }
    start_call(message, modern, std::move(client),
               [uri = *uri](std::shared_ptr<Call> call) { read_resource(call, uri); });
    return;
  }
  if (method == "completion/complete") {
    start_call(message, modern, std::move(client),
               [](std::shared_ptr<Call> call) { complete(call); });
    return;
  }
  if (method == "subscriptions/listen" && modern) {
    // sfq's tools, prompts and resources never change while it runs, so no notification type is
    // honoured; the subscription is acknowledged and stays open until cancelled.
    start_call(
        message, modern, std::move(client),
        [](std::shared_ptr<Call> call) {
          json::JsonBuilder params;
          params.begin_object()
              .key("notifications")
              .raw("{}")
              .key("_meta")
              .begin_object()
              .key("io.modelcontextprotocol/subscriptionId")
              .raw(call->id())
              .end_object()
              .end_object();
          call->notify("notifications/subscriptions/acknowledged", params.take());
        },
        true);
    return;
  }
  std::string text = "Method not found: " + method;
  if (modern && (method == "ping" || method == "logging/setLevel")) {
    text += " (removed in protocol revision 2026-07-28)";
  }
  answer_error(id, kMethodNotFound, text);
}

}  // namespace sfq::mcp
