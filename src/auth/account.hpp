// account.hpp (internal) — Snowflake account identifiers: the ACCOUNT part of a key-pair JWT and
// the default host of an account.
//
// The JWT's `iss`/`sub` must name the account exactly as the server expects, or every request
// fails with 401 390144 "JWT token is invalid" and no hint why — the most common key-pair
// problem (privatelink and region suffixes left in, `.global` connection groups, lower case).
// The rules below are those of Snowflake's connectors; see docs/SQL_API_NOTES.md §7 and the
// comments in account.cpp for where they disagree and what was chosen.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sfq::detail {

/// The account as the key-pair JWT names it, from an account identifier or a full host:
///   "myorg-myacct"                                           -> "MYORG-MYACCT"
///   "xy12345.eu-central-1.privatelink"                       -> "XY12345"
///   "myacct-group1.global"                                   -> "MYACCT"
///   "myorg-myacct.snowflakecomputing.com"                    -> "MYORG-MYACCT"
///   "https://xy12345.eu-central-1.privatelink.snowflakecomputing.com" -> "XY12345"
/// Returns "" when nothing is left (empty input).
[[nodiscard]] std::string jwt_account_name(std::string_view account);

/// The user as the key-pair JWT names it: upper case (ASCII letters only).
[[nodiscard]] std::string jwt_user_name(std::string_view user);

/// The host of an account identifier: "<account>.snowflakecomputing.com" (lower case), with
/// ".snowflakecomputing.cn" when the region after the first dot starts with "cn-". An identifier
/// that is already a host (contains ".snowflakecomputing.") is returned lower-cased as is.
[[nodiscard]] std::string default_host(std::string_view account);

}  // namespace sfq::detail
