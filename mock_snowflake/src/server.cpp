// server.cpp — the emulator's public API (Server): configuration, start() and stop(), keys and
// tokens, faults and latency, counters. The parts of Server::Impl live in the files listed in
// server_impl.hpp.
#include "mock_snowflake/server.hpp"

#include <csignal>

#include "http/front.hpp"
#include "server_impl.hpp"

namespace mock_snowflake {

std::string_view to_string(StatementState state) {
  switch (state) {
    case StatementState::running:
      return "running";
    case StatementState::succeeded:
      return "succeeded";
    case StatementState::failed:
      return "failed";
    case StatementState::cancelled:
      return "cancelled";
    case StatementState::timed_out:
      return "timed_out";
  }
  return "running";
}

std::uint64_t Counters::requests_with(const std::string& endpoint, int status) const {
  const auto it = requests.find(endpoint);
  if (it == requests.end()) return 0;
  const auto count = it->second.find(status);
  return count == it->second.end() ? 0 : count->second;
}

std::uint64_t Counters::requests_to(const std::string& endpoint) const {
  const auto it = requests.find(endpoint);
  if (it == requests.end()) return 0;
  std::uint64_t total = 0;
  for (const auto& [status, count] : it->second) total += count;
  return total;
}

std::uint64_t Counters::executions_of(const std::string& request_id) const {
  const auto it = executions_by_request_id.find(request_id);
  return it == executions_by_request_id.end() ? 0 : it->second;
}

Counters Server::Impl::snapshot() const {
  Counters copy;
  {
    std::lock_guard lock(counters_mutex);
    copy = counters;
  }
  if (store) copy.statements_by_state = store->count_by_state();
  return copy;
}

void Server::Impl::reset() {
  update_counters([](Counters& c) {
    const auto running = c.statements_running;
    const auto in_flight = c.in_flight_requests;
    c = Counters{};
    c.statements_running = running;
    c.in_flight_requests = in_flight;
    c.max_in_flight_requests = in_flight;
  });
}

std::chrono::system_clock::time_point Server::Impl::now() const { return service_clock.now(); }

Server::Impl::~Impl() = default;

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->request_latency_ms = impl_->options.request_latency.count();
  impl_->statement_latency_ms = impl_->options.statement_latency.count();
  impl_->sync_window_ms = impl_->options.sync_window.count();
  impl_->jwt = std::make_unique<detail::JwtVerifier>(impl_->options.account, impl_->options.user,
                                                     impl_->options.jwt_clock_skew);
  for (const auto& token : impl_->options.oauth_tokens) impl_->oauth_tokens.insert(token);
  for (const auto& token : impl_->options.programmatic_access_tokens) impl_->pats.insert(token);
  impl_->service_clock.set_base(impl_->options.clock);
  impl_->service_clock.set_offset(impl_->options.clock_offset);
  std::vector<std::string> roles = impl_->options.granted_roles;
  roles.push_back(impl_->options.default_role);
  roles.emplace_back("PUBLIC");  // granted to every user
  impl_->roles = std::make_unique<detail::RoleGrants>(roles);
  for (const auto& fault : impl_->options.faults) impl_->faults.push(fault);
}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  Impl& impl = *impl_;
  if (impl.started || impl.stopping) {
    error = impl.started ? "the server is already started" : "a stopped server cannot restart";
    return false;
  }
  const auto& options = impl.options;
  if (options.public_keys_pem.size() > 2) {
    error = "at most two public keys (RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2)";
    return false;
  }
  for (std::size_t i = 0; i < options.public_keys_pem.size(); ++i) {
    std::string message;
    if (!impl.jwt->set_key(static_cast<int>(i + 1), options.public_keys_pem[i], message)) {
      error = "public key " + std::to_string(i + 1) + ": " + message;
      return false;
    }
  }
  for (const auto& fault : options.faults) {
    if (!detail::validate_fault(fault, error)) return false;
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    error = "TLS needs both a certificate and a key";
    return false;
  }
  try {
    engine::EngineOptions engine_options;
    engine_options.seed_sample_data = options.sample_data;
    engine_options.db_file = options.db_file;
    engine_options.csv_dir = options.csv_dir;
    engine_options.account = options.account;
    engine_options.user = options.user;
    impl.engine = std::make_unique<engine::Engine>(engine_options);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }

  // A client that disconnects mid-answer must not kill the process: OpenSSL writes TLS records
  // with plain write(). Only the default disposition is replaced, never a handler someone
  // installed.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    std::signal(SIGPIPE, SIG_IGN);
  }

  impl.store = std::make_unique<detail::StatementStore>(
      options.result_cache_bytes, options.max_statements, &impl.service_clock);
  impl.statement_pool = std::make_unique<detail::WorkerPool>(options.max_threads);
  impl.timers = std::make_unique<detail::TimerQueue>();
  if (!impl.start_front(error)) {
    impl.timers->stop();
    return false;
  }
  impl.started = true;
  return true;
}

void Server::stop() {
  if (!impl_ || !impl_->started) return;
  Impl& impl = *impl_;
  impl.started = false;
  impl.stopping = true;
  // Cancelled first, so that statements still held by latency or SYSTEM$WAIT start only to
  // report the cancel.
  for (const auto& statement : impl.store->running()) {
    impl.expire(statement, StatementState::cancelled);
  }
  impl.wake_delayed();
  impl.stop_front();
  for (const auto& statement : impl.store->running()) {
    impl.expire(statement, StatementState::cancelled);
  }
  impl.statement_pool->shutdown();
  impl.timers->stop();
}

int Server::port() const { return impl_->port; }

std::string Server::base_url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port);
}

bool Server::add_public_key(std::string_view pem, int slot, std::string& error) {
  return impl_->jwt->set_key(slot, pem, error);
}

void Server::remove_public_key(int slot) { impl_->jwt->clear_key(slot); }

void Server::add_oauth_token(std::string token) {
  std::lock_guard lock(impl_->tokens_mutex);
  impl_->oauth_tokens.insert(std::move(token));
}

void Server::add_programmatic_access_token(std::string token) {
  std::lock_guard lock(impl_->tokens_mutex);
  impl_->pats.insert(std::move(token));
}

std::string Server::public_key_fingerprint(std::string_view pem) {
  return detail::JwtVerifier::fingerprint(pem);
}

void Server::inject_fault(Fault fault) { impl_->faults.push(std::move(fault)); }

void Server::clear_faults() { impl_->faults.clear(); }

std::size_t Server::pending_faults() const { return impl_->faults.pending(); }

void Server::set_request_latency(std::chrono::milliseconds latency) {
  impl_->request_latency_ms = latency.count();
}

void Server::set_statement_latency(std::chrono::milliseconds latency) {
  impl_->statement_latency_ms = latency.count();
  impl_->wake_delayed();
}

void Server::set_sync_window(std::chrono::milliseconds window) {
  impl_->sync_window_ms = window.count();
}

Counters Server::counters() const { return impl_->snapshot(); }

void Server::reset_counters() { impl_->reset(); }

std::optional<StatementState> Server::statement_state(const std::string& handle) const {
  if (!impl_->store) return std::nullopt;
  const auto statement = impl_->store->find(handle);
  if (!statement) return std::nullopt;
  std::lock_guard lock(statement->mutex);
  return statement->state;
}

std::optional<std::string> Server::statement_handle(const std::string& request_id) const {
  if (!impl_->store) return std::nullopt;
  const auto statement = impl_->store->find_by_request_id(request_id);
  if (!statement) return std::nullopt;
  return statement->handle;
}

bool Server::wait_until(const std::function<bool(const Counters&)>& predicate,
                        std::chrono::milliseconds timeout) const {
  const auto deadline = detail::Clock::now() + timeout;
  for (;;) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(impl_->counters_mutex);
      seen = impl_->generation;
    }
    if (predicate(impl_->snapshot())) return true;
    std::unique_lock lock(impl_->counters_mutex);
    if (!impl_->counters_cv.wait_until(lock, deadline, [&] { return impl_->generation != seen; })) {
      lock.unlock();
      return predicate(impl_->snapshot());
    }
  }
}

}  // namespace mock_snowflake
