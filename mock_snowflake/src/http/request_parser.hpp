// request_parser.hpp — an incremental HTTP/1.1 request parser for the emulator's front.
//
// Feeds on a connection's read buffer and reports one request at a time: the request line,
// headers, and a body framed by Content-Length or chunked transfer coding. It never consumes
// past the end of the request it reports, so pipelined requests stay in the buffer for the next
// call. It says when the client waits for `100 Continue` and whether the connection may be kept
// alive after the answer.
//
// Thread safety: none; one parser per connection, used from the front's thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/http_request.hpp"

namespace mock_snowflake::http {

struct ParseLimits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 256u * 1024u * 1024u;
};

class RequestParser {
 public:
  enum class Status {
    need_more,  ///< the request is incomplete; read more and call again
    complete,   ///< request() holds a whole request; consumed() bytes of the buffer were it
    error,      ///< malformed: answer error_status() and close the connection
  };

  explicit RequestParser(ParseLimits limits = {}) : limits_(limits) {}

  /// Parses from the start of `buffer` (a new request begins there). Cheap to call again when
  /// more bytes arrive: the header block is not re-parsed.
  Status parse(std::string_view buffer);

  [[nodiscard]] HttpRequest& request() { return request_; }
  [[nodiscard]] std::size_t consumed() const { return consumed_; }
  [[nodiscard]] int error_status() const { return error_status_; }
  /// True once the headers are in, the client sent `Expect: 100-continue` and the body has not
  /// arrived yet; the front then sends `100 Continue` once.
  [[nodiscard]] bool wants_continue() const { return expect_continue_ && headers_done_; }
  /// Whether the connection stays open after the answer (HTTP/1.1 without Connection: close,
  /// or HTTP/1.0 with keep-alive).
  [[nodiscard]] bool keep_alive() const { return keep_alive_; }
  [[nodiscard]] bool headers_done() const { return headers_done_; }

  /// Forgets the last request (call after taking it, before parsing the next one).
  void reset();

 private:
  Status fail(int status);
  Status parse_head(std::string_view head);
  Status parse_chunked(std::string_view buffer);

  ParseLimits limits_;
  HttpRequest request_;
  bool headers_done_ = false;
  std::size_t head_size_ = 0;  ///< bytes of request line + headers + blank line
  bool chunked_ = false;
  std::size_t content_length_ = 0;
  bool expect_continue_ = false;
  bool keep_alive_ = true;
  std::size_t consumed_ = 0;
  int error_status_ = 400;
};

}  // namespace mock_snowflake::http
