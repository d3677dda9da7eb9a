// dispatch.cpp — where every request enters: routing, request latency, the fault queue, gzip
// and the request counters. The transport puts the resulting Outgoing on the wire.
#include <functional>
#include <iostream>
#include <regex>

#include "gzip.hpp"
#include "responses.hpp"
#include "server_impl.hpp"
#include "text.hpp"

namespace mock_snowflake {

using detail::Clock;
using detail::json_reply;
using detail::Reply;
using http::HttpRequest;

namespace detail {

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

bool accepts_gzip(const HttpRequest& req) {
  const std::string header = req.header("Accept-Encoding");
  std::string_view rest = header;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = text::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string_view coding = text::trim(item.substr(0, semicolon));
    if (!text::iequals(coding, "gzip") && coding != "*") continue;
    if (semicolon != std::string_view::npos) {
      std::string q(text::trim(item.substr(semicolon + 1)));
      q.erase(std::remove(q.begin(), q.end(), ' '), q.end());
      if (q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000") continue;
    }
    return true;
  }
  return false;
}

}  // namespace detail

namespace {

/// The endpoint a request is counted under and the handler that answers it (none: 404/405).
struct Route {
  std::string endpoint = "other";
  std::function<void(std::function<void(Reply)>)> handler;
};

}  // namespace

/// Every request enters here: routes, applies the request latency and the fault queue, and
/// calls `respond` (now or later, from any thread) with what to put on the wire.
void Server::Impl::dispatch(std::shared_ptr<const HttpRequest> req, Responder respond) {
  static const std::regex kStatusPath(R"(/api/v2/statements/([^/]+))");
  static const std::regex kCancelPath(R"(/api/v2/statements/([^/]+)/cancel)");
  const std::string& path = req->path;

  if (path.rfind("/__admin/", 0) == 0 && options.admin_endpoint) {
    Reply reply = handle_admin(*req);
    update_counters([&](Counters& c) { ++c.requests["admin"][reply.status]; });
    respond(Outgoing{std::move(reply), std::nullopt});
    return;
  }

  std::string user_agent;
  for (const auto& [name, value] : req->headers) {
    if (!text::iequals(name, "User-Agent")) continue;
    if (!user_agent.empty()) user_agent += " | ";
    user_agent += value;
  }
  update_counters([&user_agent](Counters& c) {
    ++c.in_flight_requests;
    c.max_in_flight_requests = std::max(c.max_in_flight_requests, c.in_flight_requests);
    constexpr std::size_t kMaxUserAgents = 64;
    if (c.user_agents.size() >= kMaxUserAgents && c.user_agents.count(user_agent) == 0) {
      user_agent = "(others)";
    }
    ++c.user_agents[user_agent];
  });

  // Route first: unknown paths are 404, known paths with another method 405 (empty body).
  std::smatch match;
  Route route;
  if (path == "/api/v2/statements") {
    route.endpoint = std::string(detail::kSubmitEndpoint);
    if (req->method == "POST") {
      route.handler = [this, req](ReplyFn done) { handle_submit(req, std::move(done)); };
    }
  } else if (std::regex_match(path, match, kCancelPath)) {
    route.endpoint = std::string(detail::kCancelEndpoint);
    if (req->method == "POST") {
      route.handler = [this, req, handle = match[1].str()](ReplyFn done) {
        done(handle_cancel(*req, handle));
      };
    }
  } else if (std::regex_match(path, match, kStatusPath)) {
    route.endpoint = std::string(detail::kStatusEndpoint);
    if (req->method == "GET") {
      route.handler = [this, req, handle = match[1].str()](ReplyFn done) {
        done(handle_status(*req, handle));
      };
    }
  }

  const std::chrono::milliseconds latency(request_latency_ms.load());
  if (latency.count() > 0) {
    // Waits on the timer thread, not on a thread of its own.
    timers->schedule(Clock::now() + latency,
                     [this, req, route = std::move(route), respond = std::move(respond)]() mutable {
                       serve(std::move(req), std::move(route.endpoint), std::move(route.handler),
                             std::move(respond));
                     });
    return;
  }
  serve(std::move(req), std::move(route.endpoint), std::move(route.handler), std::move(respond));
}

/// Runs the routed handler (unless a `before` fault answers instead) and finishes the answer.
void Server::Impl::serve(std::shared_ptr<const HttpRequest> req, std::string endpoint,
                         std::function<void(ReplyFn)> handler, Responder respond) {
  const auto started_at = Clock::now();
  auto fault = faults.take(req->method, req->path, req->target);
  if (fault) update_counters([](Counters& c) { ++c.faults_injected; });

  Reply reply;
  if (fault && detail::effective_when(*fault) == FaultWhen::before) {
    reply = fault_reply(*fault);
  } else if (endpoint == "other") {
    reply = json_reply(404, "");
    reply.json = false;
  } else if (!handler) {
    reply = json_reply(405, "");
    reply.json = false;
  } else {
    handler([this, req, endpoint, fault, started_at, respond](Reply answer) {
      if (fault && fault->kind == FaultKind::status) answer = fault_reply(*fault);
      finish(*req, endpoint, std::move(answer), fault, started_at, respond);
    });
    return;
  }
  finish(*req, endpoint, std::move(reply), fault, started_at, respond);
}

/// Logs, gzips and counts an answer, then hands it to the transport.
void Server::Impl::finish(const HttpRequest& req, const std::string& endpoint, Reply reply,
                          const std::optional<Fault>& fault, Clock::time_point started_at,
                          const Responder& respond) {
  const int status = fault && detail::answers_nothing(fault->kind) ? 0 : reply.status;
  if (options.verbose) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at);
    std::cerr << "mock-snowflake: " << req.method << ' ' << req.target << " -> " << status
              << (fault ? " (fault " + std::string(detail::to_string(fault->kind)) + ")" : "")
              << ' ' << elapsed.count() << " ms\n";
  }
  if (detail::accepts_gzip(req) && !reply.gzipped && !reply.body.empty() && reply.json &&
      !(fault && fault->kind == FaultKind::invalid_json)) {
    reply.body = detail::gzip(reply.body);
    reply.gzipped = true;
  }
  // Counted before anything reaches the client, so a client that has seen the answer (or the
  // closed connection) also sees it counted.
  update_counters([&](Counters& c) {
    ++c.requests[endpoint][status];
    --c.in_flight_requests;
  });
  respond(Outgoing{std::move(reply), fault});
}

Reply Server::Impl::fault_reply(const Fault& fault) {
  Reply reply;
  reply.status = fault.kind == FaultKind::status ? fault.status : 500;
  if (!fault.body.empty()) {
    reply.body = fault.body;
  } else if (fault.status == 429) {
    reply.body = detail::error_body("390505", "Too many requests.");
  } else {
    reply.body = detail::error_body(std::to_string(fault.status),
                                    "Injected fault: HTTP " + std::to_string(fault.status) + ".");
  }
  if (fault.retry_after) {
    reply.headers.emplace_back("Retry-After", std::to_string(*fault.retry_after));
  }
  return reply;
}

}  // namespace mock_snowflake
