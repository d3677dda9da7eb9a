// http_request.hpp — one parsed HTTP request as the emulator's handlers see it, independent of
// the transport that read it (the HTTP front in http/).
//
// Header names compare case-insensitively; `path` and the query parameters are percent-decoded,
// `target` is the request target exactly as sent (faults match patterns against it).
//
// Thread safety: a value type; const members are safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mock_snowflake::http {

struct HttpRequest {
  std::string method;                                        ///< "GET", "POST", ...
  std::string target;                                        ///< "/api/v2/statements?requestId=..."
  std::string path;                                          ///< decoded path, no query
  std::vector<std::pair<std::string, std::string>> headers;  ///< in arrival order
  std::vector<std::pair<std::string, std::string>> params;   ///< decoded query parameters
  std::string body;
  std::string remote_addr;  ///< "127.0.0.1"
  int remote_port = 0;
  bool keep_alive = true;  ///< the connection may stay open after the answer

  [[nodiscard]] bool has_header(std::string_view name) const;
  /// The first value of header `name`, or "".
  [[nodiscard]] std::string header(std::string_view name) const;
  [[nodiscard]] std::size_t header_count(std::string_view name) const;
  [[nodiscard]] bool has_param(std::string_view name) const;
  /// The first value of query parameter `name`, or "".
  [[nodiscard]] std::string param(std::string_view name) const;
};

/// Percent-decodes `text`; `plus_is_space` also turns '+' into ' ' (query strings).
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_is_space);

/// Splits "a=1&b=2" into decoded (name, value) pairs.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace mock_snowflake::http
