// handlers.cpp — the SQL API endpoints: POST /api/v2/statements (submit, idempotent retry,
// multi-statement checks), GET /api/v2/statements/{handle} and POST .../{handle}/cancel.
#include <charconv>

#include "engine/json.hpp"
#include "responses.hpp"
#include "server_impl.hpp"
#include "text.hpp"

namespace mock_snowflake {

using detail::json_reply;
using detail::Reply;
using http::HttpRequest;

namespace {

constexpr std::string_view kJerseyServlet = "com.sun.jersey.spi.container.servlet.ServletContainer";
/// STATEMENT_TIMEOUT_IN_SECONDS' maximum, which `timeout: 0` selects.
constexpr std::int64_t kMaxStatementTimeout = 604800;

Reply jersey_reply(int status, std::string_view message, const std::string& path) {
  std::string body = "{\"servlet\":\"" + std::string(kJerseyServlet) + "\",\"message\":";
  engine::append_json_quoted(body, message);
  body += ",\"url\":";
  engine::append_json_quoted(body, path);
  body += ",\"status\":\"" + std::to_string(status) + "\"}";
  return json_reply(status, std::move(body));
}

bool is_true(const std::string& value) { return text::iequals(value, "true"); }

/// True when `sql` may call SYSTEM$WAIT (a cheap test before parsing it a second time).
bool mentions_wait(std::string_view sql) {
  constexpr std::string_view kName = "SYSTEM$WAIT";
  for (std::size_t at = 0; at + kName.size() <= sql.size(); ++at) {
    if (text::iequals(sql.substr(at, kName.size()), kName)) return true;
  }
  return false;
}

}  // namespace

void Server::Impl::handle_submit(std::shared_ptr<const HttpRequest> req, ReplyFn done) {
  std::shared_ptr<Statement> held;
  std::string request_id;
  auto reply = submit(*req, held, request_id);
  if (reply) {
    done(std::move(*reply));
    return;
  }
  // Held without a thread: answered when the statement finishes or the sync window ends.
  hold(held, [this, req, held, request_id, done = std::move(done)] {
    done(statement_reply(held, true, *req, request_id));
  });
}

std::optional<Reply> Server::Impl::submit(const HttpRequest& req, std::shared_ptr<Statement>& held,
                                          std::string& request_id) {
  if (req.header_count("Content-Type") > 1) {
    // Jersey rejects the request before the SQL API sees it (docs/SQL_API_NOTES.md §2).
    return jersey_reply(400, "Bad Request", req.path);
  }
  if (req.has_header("Content-Type")) {
    const std::string type = req.header("Content-Type");
    const std::string_view media = text::trim(std::string_view(type).substr(0, type.find(';')));
    if (!media.empty() && !text::iequals(media, "application/json")) {
      return jersey_reply(415, "Unsupported Media Type", req.path);
    }
  }
  if (auto failure = authenticate(req)) return std::move(*failure);

  auto request = std::make_shared<detail::StatementRequest>();
  const auto parsed = detail::parse_statement_request(req.body, *request);
  if (auto refusal = detail::refuse_submission(parsed, *request, *roles)) {
    return json_reply(refusal->status, std::move(refusal->body));
  }
  const std::string client_request_id = req.param("requestId");
  const bool async = is_true(req.param("async"));
  const bool nullable = !text::iequals(req.param("nullable"), "false");

  // Idempotent retry: the same requestId with retry=true answers from the statement that
  // request started, never running it again.
  if (!client_request_id.empty() && is_true(req.param("retry"))) {
    if (auto existing = store->find_by_request_id(client_request_id)) {
      if (async) return json_reply(202, detail::query_status_body(existing->handle));
      held = existing;
      request_id = client_request_id;
      return std::nullopt;
    }
  }

  std::vector<std::string> texts = engine::Engine::split_statements(request->statement);
  if (texts.empty()) return json_reply(400, detail::empty_statement_body());
  long long wanted = 1;
  if (const auto it = request->parameters.find("MULTI_STATEMENT_COUNT");
      it != request->parameters.end()) {
    const std::string& text = it->second;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), wanted);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || wanted < 0) {
      return json_reply(
          400, detail::error_body("390142", "Incoming request does not contain a valid payload."));
    }
  }
  const bool is_multi = texts.size() > 1 || wanted > 1 || wanted == 0;
  auto statement = store->create(client_request_id);
  request_id = statement->submission_request_id;
  {
    // Already visible to other requests (by requestId): written under its lock.
    std::lock_guard lock(statement->mutex);
    statement->multi = is_multi;
    if (request->timeout) {
      statement->timeout_seconds = static_cast<int>(
          *request->timeout == 0 ? kMaxStatementTimeout
                                 : std::min<std::int64_t>(*request->timeout, kMaxStatementTimeout));
    }
  }
  if (wanted != 0 && static_cast<std::size_t>(wanted) != texts.size()) {
    fail_now(statement,
             {"000008", "0A000",
              "Actual statement count " + std::to_string(texts.size()) +
                  " did not match the desired statement count " + std::to_string(wanted) + "."});
    return statement_reply(statement, true, req, request_id);
  }
  if (texts.size() > 1 && !request->bindings.empty()) {
    // "Snowflake does not currently support variable binding in multi-statement SQL
    // requests." The real error code is not documented; this one is the emulator's.
    fail_now(statement, {"000002", "0A000",
                         "Unsupported feature: bind variables in a multi-statement request."});
    return statement_reply(statement, true, req, request_id);
  }
  if (request->timeout) schedule_deadline(statement);
  update_counters([&](Counters& c) {
    ++c.executions;
    if (!client_request_id.empty()) ++c.executions_by_request_id[client_request_id];
  });
  // A single statement's SYSTEM$WAIT waits on a timer, not on a statement thread.
  const auto wait = texts.size() == 1 && !is_multi && mentions_wait(texts.front())
                        ? engine::Engine::planned_wait(texts.front())
                        : std::chrono::nanoseconds{0};
  launch(
      statement,
      [this, statement, request, texts = std::move(texts), nullable] {
        run(statement, request, texts, nullable);
      },
      wait);
  if (stopping.load()) expire(statement, StatementState::cancelled);
  // async=true answers 202 even when the statement has already finished.
  if (async) return json_reply(202, detail::query_status_body(statement->handle));
  held = statement;
  return std::nullopt;
}

Reply Server::Impl::handle_status(const HttpRequest& req, const std::string& handle) {
  if (auto failure = authenticate(req)) return std::move(*failure);
  const auto statement = store->find(handle);
  if (!statement) {
    return json_reply(
        400, detail::failure_body("000709", "Statement " + handle + " not found", "02000", handle));
  }
  std::string request_id = req.param("requestId");
  // Without its own requestId a GET repeats the submission's, as the real service does.
  if (request_id.empty()) request_id = statement->submission_request_id;
  return statement_reply(statement, false, req, request_id);
}

Reply Server::Impl::handle_cancel(const HttpRequest& req, const std::string& handle) {
  if (auto failure = authenticate(req)) return std::move(*failure);
  const auto statement = store->find(handle);
  if (!statement) {
    return json_reply(
        422, detail::failure_body("000709", "Statement " + handle + " not found", "02000", handle));
  }
  update_counters([&](Counters& c) { ++c.cancels_by_handle[handle]; });
  // Cancelling a finished statement is answered 200 as well (docs/SQL_API_NOTES.md §3); it stays
  // finished.
  expire(statement, StatementState::cancelled);
  return json_reply(200, detail::cancel_body(handle));
}

}  // namespace mock_snowflake
