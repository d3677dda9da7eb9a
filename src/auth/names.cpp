// names.cpp — include/sfq/names.hpp: account identifiers, JWT names, default hosts and context
// names.
//
// Where Snowflake's connectors disagree (docs/SQL_API_NOTES.md §7), the choices are:
//
// * Everything after the first dot is dropped (region, cloud, `privatelink`, `global`), as in
//   gosnowflake (ExtractAccountName), libsnowflakeclient, the .NET connector and the Python
//   connector's parse_account. The authentication page instead says to replace dots with
//   hyphens; that would put the region of "xy12345.eu-central-1" into the JWT, which is the very
//   mistake users most often report (arrow-adbc#1422, gosnowflake#1033). An "org.account"
//   identifier (the SQL form) therefore yields just "ORG": users must write "org-account", which
//   the docs' URL and JWT examples use anyway.
// * For `.global` (replication connection URLs "<account>-<connection_group>.global"), the
//   connection group is cut at the LAST hyphen of the first label, as in gosnowflake, libsnowflake
//   client and the Python connector's parse_account. The Python connector's keypair.prepare() cuts
//   at the FIRST hyphen and keeps ".GLOBAL" when there is no hyphen (its test expects
//   "s3testaccount.global" -> "S3TESTACCOUNT.GLOBAL"); in a real Python connection parse_account
//   runs first, and a dot in the JWT account is invalid per the authentication page, so here
//   "s3testaccount.global" -> "S3TESTACCOUNT". (parse_account itself would cut the last letter
//   when there is no hyphen, "s3testaccoun" — a bug not copied.)
// * `.global` is recognised as any later label equal to "global" (case-insensitive), so a full
//   host "a-b.global.snowflakecomputing.com" works as in gosnowflake's host check.
// * Hyphens and underscores are kept as given ("myorg-my_account" -> "MYORG-MY_ACCOUNT"), as in
//   gosnowflake; which of the two spellings the server accepts in a JWT is unconfirmed.
#include "sfq/names.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace sfq {
namespace {

using util::iequals;

// Position of `needle` in `haystack`, ignoring ASCII case; npos when absent.
std::size_t ifind(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// What people paste as an account: surrounding blanks, "https://", a path, a port, a trailing
// dot of a fully-qualified name. Returns the bare identifier or host.
std::string_view strip_decorations(std::string_view text) {
  text = util::trim(text);
  if (const std::size_t scheme = text.find("://"); scheme != std::string_view::npos) {
    text.remove_prefix(scheme + 3);
  }
  if (const std::size_t end = text.find_first_of("/:?#"); end != std::string_view::npos) {
    text = text.substr(0, end);
  }
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return text;
}

constexpr std::string_view kDomainMarker = ".snowflakecomputing.";

}  // namespace

std::string jwt_account_name(std::string_view account) {
  std::string_view id = strip_decorations(account);
  if (const std::size_t domain = ifind(id, kDomainMarker); domain != std::string_view::npos) {
    id = id.substr(0, domain);
  }
  const std::size_t dot = id.find('.');
  std::string_view name = id.substr(0, dot);
  if (dot != std::string_view::npos) {
    bool global = false;
    std::string_view rest = id.substr(dot + 1);
    while (!rest.empty() && !global) {
      const std::size_t next = rest.find('.');
      global = iequals(rest.substr(0, next), "global");
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (global) {
      if (const std::size_t hyphen = name.rfind('-'); hyphen != std::string_view::npos) {
        name = name.substr(0, hyphen);
      }
    }
  }
  return util::upper(name);
}

std::string account_identifier(std::string_view pasted) {
  std::string_view id = strip_decorations(pasted);
  if (const std::size_t domain = ifind(id, kDomainMarker); domain != std::string_view::npos) {
    id = id.substr(0, domain);
  }
  return std::string(id);
}

std::string jwt_user_name(std::string_view user) { return util::upper(user); }

std::string default_host(std::string_view account) {
  const std::string_view id = strip_decorations(account);
  if (ifind(id, kDomainMarker) != std::string_view::npos) return util::lower(id);
  const std::size_t dot = id.find('.');
  // libsnowflakeclient's rule (lib/client.c): a region starting with "cn-" is served from the
  // China domain.
  const bool china =
      dot != std::string_view::npos && iequals(id.substr(dot + 1).substr(0, 3), "cn-");
  return util::lower(id) + (china ? ".snowflakecomputing.cn" : ".snowflakecomputing.com");
}

std::string normalize_identifier(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string out;
    const std::string_view inner = name.substr(1, name.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      out.push_back(inner[i]);
      if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
    }
    return out;
  }
  return util::upper(name);
}

}  // namespace sfq
