// client_core.cpp — the loop-side plumbing of a Client: requests with retries, machines, and an
// orderly shutdown.
#include "sqlapi/client_core.hpp"

#include <cstdio>
#include <exception>
#include <future>

#include "decode/gzip.hpp"
#include "decode/result_parser.hpp"
#include "sfq/log.hpp"
#include "sqlapi/request.hpp"
#include "sqlapi/statement_machine.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace sfq::detail {

namespace {
constexpr std::size_t kDefaultPrefetch = 4;
constexpr std::uint64_t kDefaultStreamingBudget = std::uint64_t{4} << 20;
constexpr std::uint64_t kDefaultMaxResponseBytes = 512ULL << 20;
constexpr int kDefaultMaxInFlight = 256;
constexpr auto kDefaultRetryBudget = std::chrono::minutes(5);
// Attempt limits per kind when ConnectionOptions::request_timeout is 0. The service holds a
// submission up to 45 s before it answers 202.
constexpr auto kSubmitAttemptTimeout = std::chrono::seconds(90);
constexpr auto kControlAttemptTimeout = std::chrono::seconds(60);

int limit_or_default(int value) { return value > 0 ? value : kDefaultMaxInFlight; }
}  // namespace

std::size_t lane_of(RequestKind kind) noexcept {
  switch (kind) {
    case RequestKind::submit:
      return 0;
    case RequestKind::poll:
    case RequestKind::probe:
      return 1;
    case RequestKind::partition:
      return 2;
    case RequestKind::cancel:
      return 3;
  }
  return 1;
}

struct ClientCore::PendingRequest {
  RequestSpec spec;
  RequestDone done;
  int attempts = 0;       // attempts sent so far
  int retries = 0;        // retries counted against max_retries (throttling excluded)
  bool reauthed = false;  // a fresh token was minted once for this request
  bool reached = false;   // an earlier attempt may have reached the server
  std::shared_ptr<const std::string> token;  // the Authorization value of the last attempt
  std::chrono::steady_clock::time_point first_attempt;
  HttpClient::TransferId transfer = 0;
  EventLoop::TimerId timer = 0;
};

ClientCore::ClientCore(ConnectionOptions options)
    : options_(std::move(options)), base_url_(options_.base_url()) {
  if (auto valid = options_.validate(); !valid) throw valid.error();
  auto auth = Authenticator::create(options_);
  if (!auth) throw auth.error();
  auth_ = std::move(auth).value();
  const int threads = options_.decode_threads;
  pool_ = std::make_unique<DecodePool>(threads > 0 ? static_cast<std::size_t>(threads) : 0);
}

ClientCore::~ClientCore() = default;

void ClientCore::start() {
  loop_.start("sfq-io");
  std::promise<void> ready;
  HttpClientOptions http_options;
  http_options.connect_timeout = options_.connect_timeout;
  http_options.ca_file = options_.ca_file;
  http_options.verify_tls = !options_.insecure_skip_tls_verify;
  http_options.max_in_flight = limit_or_default(options_.max_in_flight);
  http_options.lane_limits = {limit_or_default(options_.max_in_flight),
                              limit_or_default(options_.max_control_in_flight),
                              limit_or_default(options_.max_fetches_in_flight),
                              limit_or_default(options_.max_control_in_flight)};
  http_options.max_response_bytes = max_response_bytes();
  http_options.user_agent =
      options_.user_agent.empty() ? default_user_agent() : options_.user_agent;
  http_options.trace = options_.trace_http;
  loop_.post([this, &ready, http_options] {
    try {
      http_ = std::make_unique<HttpClient>(loop_, http_options);
    } catch (...) {
      // libcurl could not be set up: the Client constructor throws this (instead of waiting for
      // a ready signal that would never come).
      ready.set_exception(std::current_exception());
      return;
    }
    // Decode jobs the loop submits wake the workers once per iteration, not once per job: a
    // burst of small answers then costs one wake-up (and on a busy core, one context switch).
    pool_->defer_wakes_on_this_thread();
    loop_.set_iteration_end([this] {
      if (pool_) pool_->flush_wakes();
    });
    ready.set_value();
  });
  ready.get_future().get();
}

void ClientCore::shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // From here on, statements whose machine has not started yet never start (nothing new is
  // sent); the ones running are cancelled below.
  closing_ = true;
  // 1. Cancel every statement; the machines send the server-side cancels.
  std::promise<void> cancelled;
  const bool posted = loop_.post([this, &cancelled] {
    std::vector<std::uint64_t> ids;
    ids.reserve(machines_.size());
    for (const auto& [id, machine] : machines_) ids.push_back(id);
    for (const auto id : ids) {
      if (auto* m = machine(id))
        m->cancel(Error(ErrorCategory::cancelled, "the client was closed"));
    }
    cancelled.set_value();
  });
  if (posted) cancelled.get_future().wait();
  // 2. Give the cancel requests a moment to reach the server.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (posted && std::chrono::steady_clock::now() < deadline) {
    std::promise<bool> idle;
    if (!loop_.post([this, &idle] { idle.set_value(requests_.empty()); })) break;
    if (idle.get_future().get()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // 3. Tear down on the loop thread: machines, the decode pool (joined; its jobs only post to the
  //    loop, which never blocks), then curl on its own thread; finally stop the loop.
  std::promise<void> torn_down;
  if (loop_.post([this, &torn_down] {
        for (auto& [id, request] : requests_) {
          if (request->timer != 0) loop_.cancel_timer(request->timer);
        }
        requests_.clear();
        machines_.clear();
        loop_.set_iteration_end({});
        pool_.reset();
        curl_off_loop_at_shutdown_ = http_ ? http_->curl_calls_off_loop_thread() : 0;
        http_.reset();
        torn_down.set_value();
      })) {
    torn_down.get_future().wait();
  }
  loop_.stop();
}

std::shared_ptr<Query::State> ClientCore::new_state(SubmitOptions options) {
  return std::make_shared<Query::State>(next_query_id_.fetch_add(1), std::move(options),
                                        weak_from_this());
}

std::size_t ClientCore::prefetch_window(const SubmitOptions& submit) const {
  if (submit.prefetch_partitions > 0) return static_cast<std::size_t>(submit.prefetch_partitions);
  if (options_.prefetch_partitions > 0) {
    return static_cast<std::size_t>(options_.prefetch_partitions);
  }
  return kDefaultPrefetch;
}

std::uint64_t ClientCore::streaming_budget() const noexcept {
  return options_.streaming_budget_bytes > 0 ? options_.streaming_budget_bytes
                                             : kDefaultStreamingBudget;
}

std::uint64_t ClientCore::max_response_bytes() const noexcept {
  return options_.max_response_bytes > 0 ? options_.max_response_bytes : kDefaultMaxResponseBytes;
}

std::chrono::milliseconds ClientCore::retry_budget() const noexcept {
  return options_.retry_timeout.count() > 0
             ? options_.retry_timeout
             : std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultRetryBudget);
}

std::uint64_t ClientCore::send(RequestSpec spec, RequestDone done) {
  const std::uint64_t id = next_request_id_++;
  auto request = std::make_unique<PendingRequest>();
  request->spec = std::move(spec);
  request->done = std::move(done);
  request->first_attempt = std::chrono::steady_clock::now();
  requests_.emplace(id, std::move(request));
  attempt(id);
  return id;
}

void ClientCore::cancel_request(std::uint64_t request_id) {
  const auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  if (it->second->transfer != 0 && http_) http_->cancel(it->second->transfer);
  if (it->second->timer != 0) loop_.cancel_timer(it->second->timer);
  requests_.erase(it);
}

void ClientCore::resume_request(std::uint64_t request_id) {
  const auto it = requests_.find(request_id);
  if (it == requests_.end() || it->second->transfer == 0 || !http_) return;
  http_->resume(it->second->transfer);
}

bool ClientCore::may_have_reached_server(std::uint64_t request_id) const {
  const auto it = requests_.find(request_id);
  if (it == requests_.end()) return true;
  const PendingRequest& request = *it->second;
  if (request.reached) return true;
  return request.transfer != 0 && http_ && http_->request_sent(request.transfer);
}

void ClientCore::attempt(std::uint64_t request_id) {
  const auto it = requests_.find(request_id);
  if (it == requests_.end() || !http_) return;
  PendingRequest& request = *it->second;
  request.timer = 0;
  auto authorization = auth_->shared_authorization();
  if (!authorization) {
    // Report on the next iteration: the caller of send() has not recorded the id yet.
    RequestDone done = std::move(request.done);
    requests_.erase(it);
    loop_.post([done = std::move(done), error = authorization.error()] { done(error); });
    return;
  }
  request.token = std::move(authorization).value();
  HttpRequest http_request;
  http_request.method = request.spec.method;
  http_request.url = (request.attempts > 0 && !request.spec.retry_url.empty())
                         ? request.spec.retry_url
                         : request.spec.url;
  http_request.body = request.spec.body;
  http_request.lane = lane_of(request.spec.kind);
  http_request.sink = request.spec.sink;
  // One attempt's limits: the kind's attempt timeout, the stall timeout, and never past the
  // deadline.
  const auto now = std::chrono::steady_clock::now();
  if (request.spec.deadline != std::chrono::steady_clock::time_point::max()) {
    http_request.timeout = std::max(
        std::chrono::milliseconds(1),
        std::chrono::duration_cast<std::chrono::milliseconds>(request.spec.deadline - now));
  }
  if (options_.request_timeout.count() > 0) {
    http_request.attempt_timeout = options_.request_timeout;
  } else if (request.spec.kind == RequestKind::submit) {
    http_request.attempt_timeout = kSubmitAttemptTimeout;
  } else if (request.spec.kind != RequestKind::partition) {
    http_request.attempt_timeout = kControlAttemptTimeout;
  }
  // The server holds a submission silently (up to 45 s): only the other kinds can stall.
  if (request.spec.kind != RequestKind::submit) {
    http_request.stall_timeout = options_.stall_timeout;
  }
  http_request.shared_headers = headers_for(request.token, request.spec.method == "POST");
  ++request.attempts;
  counters.requests_sent.fetch_add(1, std::memory_order_relaxed);
  request.transfer =
      http_->start(std::move(http_request), [this, request_id](Result<HttpResponse> response) {
        on_response(request_id, std::move(response));
      });
}

std::shared_ptr<const HttpHeaders> ClientCore::headers_for(
    const std::shared_ptr<const std::string>& authorization, bool has_body) {
  if (authorization != headers_token_) {
    headers_token_ = authorization;
    headers_with_body_.reset();
    headers_without_body_.reset();
  }
  auto& cached = has_body ? headers_with_body_ : headers_without_body_;
  if (!cached) {
    cached = std::make_shared<const HttpHeaders>(
        common_headers(*authorization, auth_->token_type(), has_body));
  }
  return cached;
}

void ClientCore::on_response(std::uint64_t request_id, Result<HttpResponse> response) {
  const auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  PendingRequest& request = *it->second;
  request.transfer = 0;
  const int status = response.ok() ? response.value().status : 0;
  if (response.ok() || response.error().detail() != ErrorDetail::cannot_connect) {
    request.reached = true;
  }
  counters.responses_by_class[std::min(status / 100, 5)].fetch_add(1, std::memory_order_relaxed);
  const std::string code = response.ok() && status == 401 ? snowflake_code(response.value()) : "";
  const Verdict verdict =
      response.ok() ? classify(request.spec.kind, status, code) : classify_error(response.error());
  if (verdict == Verdict::reauth && !request.reauthed) {
    SFQ_LOG_INFO("token rejected (code {}); minting a new one", code);
    request.reauthed = true;
    auth_->invalidate(request.token ? std::string_view(*request.token) : std::string_view());
    attempt(request_id);
    return;
  }
  const std::string what =
      response.ok() ? "HTTP " + std::to_string(status) : std::string(response.error().message());
  const auto now = std::chrono::steady_clock::now();
  const auto budget_end = request.first_attempt + retry_budget();
  auto give_up_at = std::min(budget_end, request.spec.deadline);
  // Nothing has reached the server yet: the (shorter) budget for connecting applies too.
  if (!request.reached && options_.connect_retry_timeout.count() > 0) {
    give_up_at = std::min(give_up_at, request.first_attempt + options_.connect_retry_timeout);
  }
  std::optional<int> retry_after;
  if (verdict == Verdict::retry || verdict == Verdict::throttled) {
    if (response.ok()) retry_after = parse_retry_after(response.value().header("retry-after"));
    const bool throttled = verdict == Verdict::throttled;
    const auto delay = backoff_delay(backoff_, request.attempts - 1, retry_after);
    if (may_retry(now, delay, give_up_at, request.retries, options_.max_retries, throttled)) {
      if (!throttled) ++request.retries;
      SFQ_LOG_DEBUG("{} {}: {}; retrying in {} ms (attempt {})", request.spec.method,
                    request.spec.url, what, delay.count(), request.attempts + 1);
      counters.retries.fetch_add(1, std::memory_order_relaxed);
      if (request.spec.on_retry) request.spec.on_retry(request.attempts, what);
      request.timer = loop_.add_timer(delay, [this, request_id] { attempt(request_id); });
      return;
    }
  }
  RequestDone done = std::move(request.done);
  const int attempts = request.attempts;
  const bool reached = request.reached;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - request.first_attempt).count() /
      1000.0;
  const bool deadline_bound = request.spec.deadline <= budget_end;
  const bool count_spent = verdict == Verdict::retry && request.retries >= options_.max_retries;
  requests_.erase(it);
  if (verdict != Verdict::retry && verdict != Verdict::throttled) {
    done(std::move(response));
    return;
  }
  // The budget is spent: report what the last attempt saw.
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
  std::string why =
      "gave up after " + std::to_string(attempts) + " attempts in " + elapsed + " s: " + what;
  if (response.ok()) {  // a proxy's or a load balancer's page says what it is
    if (auto text = response_text(response.value(), 1 << 20); text.ok()) {
      const std::string said = foreign_body_summary(response.value(), text.value());
      if (!said.empty()) why += " (" + said + ")";
    }
  }
  if (retry_after) {
    why += " (the server asked to retry after " + std::to_string(*retry_after) + " s)";
  }
  ErrorInfo info;
  info.message = std::move(why);
  info.http_status = status;
  // Out of time because of the deadline (not the budget or the count): a timeout, unless no
  // attempt ever reached the server, which says more.
  if (deadline_bound && !count_spent && reached) {
    info.category = ErrorCategory::timeout;
    done(Error(std::move(info), ErrorDetail::client_deadline));
    return;
  }
  info.category = ErrorCategory::transport;
  done(Error(std::move(info), reached ? ErrorDetail::none : ErrorDetail::cannot_connect));
}

void ClientCore::add_machine(std::unique_ptr<StatementMachine> machine) {
  const std::uint64_t id = machine->id();
  auto* raw = machine.get();
  machines_.emplace(id, std::move(machine));
  raw->start();
}

StatementMachine* ClientCore::machine(std::uint64_t query_id) {
  const auto it = machines_.find(query_id);
  return it == machines_.end() ? nullptr : it->second.get();
}

void ClientCore::remove_machine(std::uint64_t query_id) { machines_.erase(query_id); }

ClientStats ClientCore::stats() {
  ClientStats stats;
  stats.requests_sent = counters.requests_sent.load();
  stats.retries = counters.retries.load();
  for (std::size_t i = 0; i < 6; ++i) stats.responses_by_class[i] = counters.responses_by_class[i];
  stats.statements_submitted = counters.statements_submitted.load();
  stats.statements_in_flight = counters.statements_in_flight.load();
  stats.jwt_mints = auth_->mints();
  stats.curl_calls_off_loop_thread = curl_calls_off_loop_thread();
  return stats;
}

std::uint64_t ClientCore::curl_calls_off_loop_thread() {
  if (loop_.in_loop_thread()) return http_ ? http_->curl_calls_off_loop_thread() : 0;
  std::promise<std::uint64_t> value;
  auto future = value.get_future();
  if (!loop_.post([this, &value] {
        value.set_value(http_ ? http_->curl_calls_off_loop_thread()
                              : curl_off_loop_at_shutdown_.load());
      })) {
    return curl_off_loop_at_shutdown_.load();
  }
  return future.get();
}

Result<std::string> response_text(const HttpResponse& response, std::uint64_t cap) {
  if (!response.is_gzip()) return response.body;
  return gunzip(response.body, 0, cap);
}

std::string foreign_body_summary(const HttpResponse& response, std::string_view text) {
  constexpr std::size_t kMaxSummary = 200;
  const std::string type = util::lower(response.header("content-type"));
  std::string_view said;
  if (type.starts_with("text/plain")) {
    said = util::trim(text);
    said = said.substr(0, said.find('\n'));
  } else if (type.starts_with("text/html")) {
    const std::string page = util::lower(text.substr(0, 64 * 1024));
    const auto open = page.find("<title>");
    const auto close = open == std::string::npos ? open : page.find("</title>", open);
    if (close == std::string::npos) return "";
    said = text.substr(open + 7, close - open - 7);
  }
  // The page may echo the request: masked before it is cut, so that no part of a token stays.
  const std::string masked = redact(said);
  std::string out;
  bool cut = false;
  for (const char c : masked) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if (out.size() == kMaxSummary) {
      cut = true;
      break;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (cut) out += "...";
  return out;
}

std::string snowflake_code(const HttpResponse& response) {
  auto text = response_text(response, 1 << 20);
  if (!text) return {};
  auto status = parse_status_body(text.value());
  return status ? status.value().code : std::string();
}

}  // namespace sfq::detail
