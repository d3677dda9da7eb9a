// front.cpp — joins the emulator to its HTTP front (http/front.hpp): hands each request to
// dispatch(), and turns each answer — a reply, possibly mangled by a fault — into the bytes and
// connection fate the front writes (close early, cut the body, drip it, hold it forever).
#include <array>
#include <cstdio>
#include <ctime>

#include "gzip.hpp"
#include "http/front.hpp"
#include "server_impl.hpp"

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

/// gzip'd (whatever the client accepts) and correctly framed, but the first deflate block
/// header names the reserved block type 3, so every inflater stops with a data error.
void corrupt_gzip(Reply& reply) {
  if (!reply.gzipped) {
    if (reply.body.empty()) reply.body = "{}";
    reply.body = detail::gzip(reply.body);
    reply.gzipped = true;
  }
  constexpr std::size_t kHeader = 10;  // detail::gzip writes no optional header fields
  if (reply.body.size() > kHeader)
    reply.body[kHeader] = static_cast<char>(reply.body[kHeader] | 0x06);
}

/// What the real service's load balancer calls itself in `Server`.
constexpr std::string_view kServerName = "SF-LB-T1";

/// `now` as an RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); the text is rebuilt at
/// most once a second.
std::string http_date(std::time_t now) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday],
                  utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                  utc.tm_sec);
    cached = text;
    cached_second = now;
  }
  return cached;
}

std::string head_of(const http::HttpRequest& req, const Reply& reply, std::size_t length,
                    bool close, std::time_t date) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(reason_phrase(reply.status)) + "\r\n";
  head += "Date: " + http_date(date) + "\r\nServer: " + std::string(kServerName) + "\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  if (reply.json && reply.vary) {
    // The real service varies errors on Accept-Encoding only.
    head +=
        reply.status >= 400 ? "Vary: Accept-Encoding\r\n" : "Vary: Accept-Encoding, User-Agent\r\n";
  }
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
                        const std::optional<Fault>& fault, std::time_t date) {
  WireReply wire;
  const FaultKind kind = fault ? fault->kind : FaultKind::status;
  if (fault && detail::answers_nothing(kind)) {
    const bool silent = kind == FaultKind::blackhole || kind == FaultKind::silent_after;
    wire.then = silent ? WireReply::Then::hold : WireReply::Then::close;
    return wire;
  }
  if (fault && kind == FaultKind::corrupt_gzip) corrupt_gzip(reply);
  if (fault && kind == FaultKind::invalid_json) make_invalid_json(reply, accepts_gzip(req));
  const bool mangled = fault && kind != FaultKind::status && kind != FaultKind::invalid_json &&
                       kind != FaultKind::close_idle && kind != FaultKind::corrupt_gzip;
  if (reply.body.empty() && mangled) reply.body = "{}";  // nothing to cut: announce a body
  std::string& body = reply.body;
  const bool cut =
      mangled && (kind == FaultKind::close_after_headers || kind == FaultKind::truncated_body);
  wire.then = cut ? WireReply::Then::close : WireReply::Then::keep_alive;
  if (fault && kind == FaultKind::close_idle) wire.then = WireReply::Then::reset_next;
  std::string head = head_of(req, reply, body.size(), false, date);
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
    dispatch(request, [this, request, done = std::move(done)](Outgoing out) {
      if (out.fault && out.fault->kind == FaultKind::refuse) front->refuse_for(out.fault->duration);
      if (out.fault && out.fault->kind == FaultKind::connect_timeout) {
        front->stall_connects_for(out.fault->duration);
      }
      // Date comes from the service's clock, so a skewed emulator shows its skew there too.
      done(detail::to_wire(*request, std::move(out.reply), out.fault,
                           std::chrono::system_clock::to_time_t(now())));
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
