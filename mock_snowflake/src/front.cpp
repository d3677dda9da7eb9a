// front.cpp — joins the emulator to its HTTP front (http/front.hpp): hands each request to
// dispatch(), and turns each answer — a reply, possibly mangled by a fault — into the bytes and
// connection fate the front writes (close early, cut the body, drip it, hold it forever).
#include <array>
#include <ctime>

#include "http/front.hpp"
#include "server_impl.hpp"
#include "util.hpp"

namespace mock_snowflake {

using detail::Reply;
using http::Segment;
using http::WireReply;

namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

/// A 200 whose JSON stops in the middle, with a Content-Length that matches it.
void make_invalid_json(Reply& reply, bool gzip_accepted) {
  std::string text = reply.gzipped ? detail::gunzip(reply.body).value_or(reply.body) : reply.body;
  if (text.size() < 8) text = "{\"data\":[[\"1\"],[\"2\"]]}";
  text.resize(text.size() * 2 / 3);
  text += "<not json";
  reply.status = 200;
  reply.gzipped = gzip_accepted || reply.gzipped;
  reply.body = reply.gzipped ? detail::gzip(text) : text;
  reply.json = true;
}

std::string head_of(const http::HttpRequest& req, const Reply& reply, std::size_t length,
                    bool close) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(reason_phrase(reply.status)) + "\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  if (reply.json) head += "Vary: Accept-Encoding, User-Agent\r\n";
  if (reply.gzipped) head += "Content-Encoding: gzip\r\n";
  if (reply.json) {
    head += "Content-Type: application/json\r\n";
  } else if (length > 0) {
    head += "Content-Type: text/plain\r\n";
  }
  head += "Content-Length: " + std::to_string(length) + "\r\n";
  if (close || !req.keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

}  // namespace

namespace detail {

http::WireReply to_wire(const http::HttpRequest& req, Reply reply,
                        const std::optional<Fault>& fault) {
  WireReply wire;
  const FaultKind kind = fault ? fault->kind : FaultKind::status;
  if (fault && kind == FaultKind::close_before_headers) {
    wire.then = WireReply::Then::close;
    return wire;
  }
  if (fault && kind == FaultKind::invalid_json) make_invalid_json(reply, accepts_gzip(req));
  const bool mangled = fault && kind != FaultKind::status && kind != FaultKind::invalid_json;
  if (reply.body.empty() && mangled) reply.body = "{}";  // nothing to cut: announce a body
  std::string& body = reply.body;
  const bool cut =
      mangled && (kind == FaultKind::close_after_headers || kind == FaultKind::truncated_body);
  wire.then = cut ? WireReply::Then::close : WireReply::Then::keep_alive;
  std::string head = head_of(req, reply, body.size(), false);
  if (!mangled) {
    wire.segments.push_back({std::move(head) + body, std::chrono::milliseconds(0)});
  } else if (kind == FaultKind::close_after_headers) {
    wire.segments.push_back({std::move(head), std::chrono::milliseconds(0)});
  } else if (kind == FaultKind::truncated_body) {
    wire.segments.push_back(
        {std::move(head) + body.substr(0, body.size() / 2), std::chrono::milliseconds(0)});
  } else {  // slow_drip
    const std::size_t step = std::max<std::size_t>(fault->drip_bytes, 1);
    wire.segments.push_back({std::move(head), std::chrono::milliseconds(0)});
    for (std::size_t at = 0; at < body.size(); at += step) {
      wire.segments.push_back(
          {body.substr(at, step), at == 0 ? std::chrono::milliseconds(0) : fault->drip_interval});
    }
  }
  return wire;
}

}  // namespace detail

bool Server::Impl::start_front(std::string& error) {
  http::FrontOptions front_options;
  front_options.host = options.host;
  front_options.port = options.port;
  front_options.tls_cert_file = options.tls_cert_file;
  front_options.tls_key_file = options.tls_key_file;
  front = std::make_unique<http::Front>();
  const auto handler = [this](std::shared_ptr<http::HttpRequest> req, http::Completion done) {
    std::shared_ptr<const http::HttpRequest> request = std::move(req);
    dispatch(request, [request, done = std::move(done)](Outgoing out) {
      done(detail::to_wire(*request, std::move(out.reply), out.fault));
    });
  };
  if (!front->start(front_options, handler, error)) {
    front.reset();
    return false;
  }
  port = front->port();
  tls = front->tls();
  return true;
}

void Server::Impl::stop_front() { front->stop(); }

}  // namespace mock_snowflake
