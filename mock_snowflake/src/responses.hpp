// responses.hpp — the JSON bodies and headers of the SQL API, in the real server's shapes.
//
// Field order follows real captures, not the documentation's examples, wherever the two differ.
// Every body here is pretty-printed the way the real service prints its first responses and
// errors (its JSON library's default printer): members on their own lines indented two spaces
// per object level, `"key" : value`, arrays inline as `[ a, b ]`, objects inside arrays opened on
// the array's line (`[ {` ... `}, {` ... `} ]`), no final newline. Later partitions (N >= 1) are
// compact and built elsewhere (statement_store.cpp). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "statement_store.hpp"

namespace mock_snowflake::detail {

inline constexpr std::string_view kAsyncMessage =
    "Asynchronous execution in progress. Use provided query id to perform query monitoring and "
    "management.";

/// The ResultSet (200) with partition 0 of `result`; `child_handles` non-empty adds
/// `statementHandles` (multi-statement parent).
[[nodiscard]] std::string result_set_body(const std::string& handle, std::int64_t created_on,
                                          const ResultData& result,
                                          const std::vector<std::string>& child_handles,
                                          const std::string& request_id);

/// A later partition's (uncompressed) body is stored gzip'd already; this is partition N >= 1.
/// QueryStatus (202): still running.
[[nodiscard]] std::string query_status_body(const std::string& handle);

/// QueryFailureStatus (408/422) and the 400s that name a statement.
[[nodiscard]] std::string failure_body(std::string_view code, std::string_view message,
                                       std::string_view sql_state, const std::string& handle);

/// {"code":..., "message":...}: auth and payload errors.
[[nodiscard]] std::string error_body(std::string_view code, std::string_view message);

/// The 400 of a missing or blank statement: code 000900, "SQL compilation error:\nEmpty SQL
/// statement.", sqlState 42601 and a null statementHandle (no statement was created).
[[nodiscard]] std::string empty_statement_body();

/// The 400 390186 of a request naming a role the user was not granted (no sqlState, no handle).
[[nodiscard]] std::string role_not_granted_body(std::string_view role);

/// Rewrites compact JSON rows (array elements separated by ",\n", as PartitionData keeps
/// partition 0) into the pretty printer's inline array form and appends them to `out`:
/// `["a",null],\n["b","c"]` becomes `[ "a", null ], [ "b", "c" ]`.
void append_pretty_rows(std::string& out, std::string_view compact_rows);

/// CancelStatus (200).
[[nodiscard]] std::string cancel_body(const std::string& handle);

/// The Link header for partition `current` of `count` (RFC 8288, comma-separated, a fresh
/// requestId per URL, rel first / prev / next / last).
[[nodiscard]] std::string link_header(const std::string& handle, std::size_t current,
                                      std::size_t count);

/// The timeout message: "Statement reached its statement or warehouse timeout of N second(s)
/// and was canceled."
[[nodiscard]] std::string timeout_message(int seconds);

}  // namespace mock_snowflake::detail
