// names.hpp — how Snowflake reads the names people write: account identifiers (the form a
// connection's `account` should hold, its default host, the ACCOUNT part of a key-pair JWT), the
// user as a JWT names it, and the context names (database, schema, warehouse, role) as the
// service resolves them.
//
// The JWT's `iss`/`sub` must name the account exactly as the server expects, or every request
// fails with 401 390144 "JWT token is invalid" and no hint why — the most common key-pair
// problem (privatelink and region suffixes left in, `.global` connection groups, lower case).
// The rules below are those of Snowflake's connectors; see docs/SQL_API_NOTES.md §7 and the
// comments in src/auth/names.cpp for where they disagree and what was chosen.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sfq {

/// The account as the key-pair JWT names it, from an account identifier or a full host:
///   "myorg-myacct"                                           -> "MYORG-MYACCT"
///   "xy12345.eu-central-1.privatelink"                       -> "XY12345"
///   "myacct-group1.global"                                   -> "MYACCT"
///   "myorg-myacct.snowflakecomputing.com"                    -> "MYORG-MYACCT"
///   "https://xy12345.eu-central-1.privatelink.snowflakecomputing.com" -> "XY12345"
/// Returns "" when nothing is left (empty input).
[[nodiscard]] std::string jwt_account_name(std::string_view account);

/// The account identifier a connection's `account` key should hold, from what people paste: a
/// URL or host ("https://xy12345.eu-west-1.snowflakecomputing.com/console" -> "xy12345.eu-west-1"),
/// blanks, a port, a path or a trailing dot removed; the region, cloud and `privatelink` parts
/// kept (the default host needs them); case kept. Returns "" when nothing is left.
[[nodiscard]] std::string account_identifier(std::string_view pasted);

/// The user as the key-pair JWT names it: upper case (ASCII letters only).
[[nodiscard]] std::string jwt_user_name(std::string_view user);

/// The host of an account identifier: "<account>.snowflakecomputing.com" (lower case), with
/// ".snowflakecomputing.cn" when the region after the first dot starts with "cn-". An identifier
/// that is already a host (contains ".snowflakecomputing.") is returned lower-cased as is.
[[nodiscard]] std::string default_host(std::string_view account);

/// Snowflake compares the context fields (database, schema, warehouse, role) case-sensitively
/// with the catalog, where unquoted names are stored upper-case. A name written the way SQL
/// would write it is therefore normalised: `analytics` → `ANALYTICS`, `"Mixed"` → `Mixed`
/// (quotes removed, `""` unescaped).
[[nodiscard]] std::string normalize_identifier(std::string_view name);

}  // namespace sfq
