// request_parser.cpp — request line, headers, Content-Length and chunked bodies.
#include "http/request_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "text.hpp"

namespace mock_snowflake::http {

namespace {

constexpr std::size_t kMaxMethodBytes = 32;

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// True when the comma-separated header value lists `token` (case-insensitive).
bool lists_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (text::iequals(trim_ows(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

void RequestParser::reset() {
  request_ = HttpRequest{};
  headers_done_ = false;
  head_size_ = 0;
  chunked_ = false;
  content_length_ = 0;
  expect_continue_ = false;
  keep_alive_ = true;
  consumed_ = 0;
  error_status_ = 400;
}

RequestParser::Status RequestParser::fail(int status) {
  error_status_ = status;
  keep_alive_ = false;
  return Status::error;
}

RequestParser::Status RequestParser::parse(std::string_view buffer) {
  if (!headers_done_) {
    // Tolerate empty lines before a request (RFC 9112 section 2.2).
    std::size_t skip = 0;
    while (skip < buffer.size() && (buffer[skip] == '\r' || buffer[skip] == '\n')) ++skip;
    // A request opens with its method, a token: other bytes (a TLS handshake sent to this
    // plain-HTTP port, binary noise) are refused at once instead of waiting for a blank line
    // that never comes. Only the first kMaxMethodBytes are looked at, however the bytes arrive.
    const std::size_t method_end = std::min(buffer.size(), skip + kMaxMethodBytes);
    std::size_t at = skip;
    for (; at < method_end && buffer[at] != ' '; ++at) {
      if (!is_token_char(buffer[at])) return fail(400);
    }
    if (at == skip + kMaxMethodBytes) return fail(400);  // no method is that long
    const auto end = buffer.find("\r\n\r\n", skip);
    if (end == std::string_view::npos) {
      if (buffer.size() > limits_.max_header_bytes) return fail(431);
      return Status::need_more;
    }
    if (end - skip > limits_.max_header_bytes) return fail(431);
    head_size_ = end + 4;
    const Status head = parse_head(buffer.substr(skip, end - skip));
    if (head != Status::complete) return head;
    headers_done_ = true;
  }
  if (chunked_) return parse_chunked(buffer);
  if (buffer.size() - head_size_ < content_length_) return Status::need_more;
  request_.body.assign(buffer.substr(head_size_, content_length_));
  consumed_ = head_size_ + content_length_;
  expect_continue_ = false;
  return Status::complete;
}

RequestParser::Status RequestParser::parse_head(std::string_view head) {
  const auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0) return fail(400);
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  for (const char c : method) {
    if (!is_token_char(c)) return fail(400);
  }
  if (target.empty() || target.find(' ') != std::string_view::npos) return fail(400);
  if (version.substr(0, 5) != "HTTP/") return fail(400);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(505);
  request_.method.assign(method);
  request_.target.assign(target);
  const auto question = target.find('?');
  request_.path = percent_decode(target.substr(0, question), false);
  if (question != std::string_view::npos)
    request_.params = parse_query(target.substr(question + 1));
  keep_alive_ = version == "HTTP/1.1";

  bool has_length = false;
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    const std::string_view field = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail(400);
    const std::string_view name = field.substr(0, colon);
    for (const char c : name) {
      if (!is_token_char(c)) return fail(400);  // also rejects obsolete line folding
    }
    const std::string_view value = trim_ows(field.substr(colon + 1));
    request_.headers.emplace_back(std::string(name), std::string(value));
    if (text::iequals(name, "Content-Length")) {
      std::size_t length = 0;
      const auto parsed = std::from_chars(value.data(), value.data() + value.size(), length);
      if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size()) return fail(400);
      if (has_length && length != content_length_) return fail(400);
      if (length > limits_.max_body_bytes) return fail(413);
      has_length = true;
      content_length_ = length;
    } else if (text::iequals(name, "Transfer-Encoding")) {
      if (!lists_token(value, "chunked")) return fail(501);
      chunked_ = true;
    } else if (text::iequals(name, "Connection")) {
      if (lists_token(value, "close")) keep_alive_ = false;
      if (lists_token(value, "keep-alive")) keep_alive_ = true;
    } else if (text::iequals(name, "Expect")) {
      if (!text::iequals(value, "100-continue")) return fail(417);
      expect_continue_ = version == "HTTP/1.1";
    }
  }
  if (chunked_ && has_length) return fail(400);  // ambiguous framing (request smuggling)
  if (!chunked_ && content_length_ == 0) expect_continue_ = false;
  return Status::complete;
}

RequestParser::Status RequestParser::parse_chunked(std::string_view buffer) {
  // Decodes from scratch on every call: chunked request bodies are rare and small here.
  std::size_t at = head_size_;
  std::string body;
  for (;;) {
    const auto eol = buffer.find("\r\n", at);
    if (eol == std::string_view::npos) return Status::need_more;
    std::string_view size_text = buffer.substr(at, eol - at);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    std::size_t size = 0;
    const auto parsed =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (parsed.ec != std::errc() || parsed.ptr != size_text.data() + size_text.size()) {
      return fail(400);
    }
    at = eol + 2;
    if (size == 0) {
      // Trailer fields until an empty line.
      for (;;) {
        const auto end = buffer.find("\r\n", at);
        if (end == std::string_view::npos) return Status::need_more;
        const bool empty = end == at;
        at = end + 2;
        if (empty) break;
      }
      request_.body = std::move(body);
      consumed_ = at;
      expect_continue_ = false;
      return Status::complete;
    }
    if (body.size() + size > limits_.max_body_bytes) return fail(413);
    if (buffer.size() < at + size + 2) return Status::need_more;
    if (buffer.substr(at + size, 2) != "\r\n") return fail(400);
    body.append(buffer.substr(at, size));
    at += size + 2;
  }
}

}  // namespace mock_snowflake::http
