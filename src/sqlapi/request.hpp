// request.hpp — builds what libsfq sends to /api/v2/statements: the JSON body of a statement
// submission, the URLs and the common headers. Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sfq/options.hpp"
#include "sfq/statement.hpp"

namespace sfq::detail {

/// The JSON body of POST /api/v2/statements for `statement`, with the connection's defaults
/// for the context fields and the statement timeout.
[[nodiscard]] std::string build_statement_body(const Statement& statement,
                                               const ConnectionOptions& options);

/// A random (version 4) UUID for requestId.
[[nodiscard]] std::string new_request_id();

struct SubmitUrlFlags {
  bool retry = false;
  bool async = false;
};

/// "<base>/api/v2/statements?requestId=<id>[&retry=true][&async=true]".
[[nodiscard]] std::string submit_url(std::string_view base_url, std::string_view request_id,
                                     SubmitUrlFlags flags);
/// "<base>/api/v2/statements/<handle>" (+ "?partition=N" when partition > 0).
[[nodiscard]] std::string status_url(std::string_view base_url, std::string_view handle,
                                     std::size_t partition = 0);
/// "<base>/api/v2/statements/<handle>/cancel".
[[nodiscard]] std::string cancel_url(std::string_view base_url, std::string_view handle);

/// Headers every request carries, given the Authorization value and the token type. Not the
/// User-Agent: the HTTP client sends its own (CURLOPT_USERAGENT, proxies' CONNECT included).
[[nodiscard]] std::vector<std::string> common_headers(std::string_view authorization,
                                                      std::string_view token_type, bool has_body);

/// The default User-Agent: "sfq/<version>".
[[nodiscard]] std::string default_user_agent();

}  // namespace sfq::detail
