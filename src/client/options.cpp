// options.cpp — ConnectionOptions: the base URL, validation with actionable messages, and the
// printable form (secrets masked); default_ca_bundle(), default_ca_directory().
#include <sstream>
#include <string>

#include "sfq/names.hpp"
#include "sfq/options.hpp"

#include "io/http_client.hpp"

namespace sfq {
namespace {

// The server caps statement timeouts at 7 days (STATEMENT_TIMEOUT_IN_SECONDS, docs/SQL_API_NOTES.md
// §8).
constexpr std::chrono::seconds kMaxStatementTimeout{604800};

Error config_error(std::string message) { return Error(ErrorCategory::config, std::move(message)); }

int default_port(std::string_view protocol) { return protocol == "http" ? 80 : 443; }

bool has_blank(std::string_view text) {
  return text.find_first_of(" \t\r\n") != std::string_view::npos;
}

}  // namespace

std::string_view to_string(AuthMethod method) noexcept {
  switch (method) {
    case AuthMethod::key_pair:
      return "key_pair";
    case AuthMethod::oauth:
      return "oauth";
    case AuthMethod::programmatic_access_token:
      return "programmatic_access_token";
  }
  return "unknown";
}

std::string ConnectionOptions::base_url() const {
  std::string url = protocol.empty() ? std::string("https") : protocol;
  url += "://";
  url += host.empty() ? sfq::default_host(account) : host;
  if (port != 0 && port != default_port(protocol)) url += ":" + std::to_string(port);
  return url;
}

Status ConnectionOptions::validate() const {
  if (protocol != "https" && protocol != "http") {
    return config_error("protocol must be \"https\" or \"http\" (got \"" + protocol + "\")");
  }
  if (port < 0 || port > 65535) {
    return config_error("port must be between 1 and 65535, or 0 for the protocol's default (got " +
                        std::to_string(port) + ")");
  }
  if (has_blank(account)) return config_error("account must not contain blanks");
  if (account.find("://") != std::string::npos || account.find('/') != std::string::npos) {
    return config_error(
        "account must be an account identifier such as myorg-myaccount, not a URL (set host for a "
        "custom host name)");
  }
  if (host.empty() && account.empty()) {
    return config_error(
        "account is required: set account to the account identifier (e.g. myorg-myaccount), or "
        "host to the server's host name");
  }
  // A colon is only legitimate inside a bracketed IPv6 literal ("[::1]"); "name:port" would
  // produce a URL with two ports.
  const bool stray_colon = host.find(':') != std::string::npos && host.front() != '[';
  if (has_blank(host) || host.find('/') != std::string::npos || stray_colon) {
    return config_error(
        "host must be a host name such as myorg-myaccount.snowflakecomputing.com "
        "(no scheme, port or path: use protocol and port)");
  }

  switch (auth) {
    case AuthMethod::key_pair:
      if (account.empty()) {
        return config_error(
            "account is required for key-pair authentication (the JWT names it): set account to "
            "the account identifier, e.g. myorg-myaccount");
      }
      if (user.empty()) {
        return config_error(
            "user is required for key-pair authentication: set user to the Snowflake user name");
      }
      if (private_key_file.empty() && private_key_pem.empty()) {
        return config_error(
            "key-pair authentication needs a private key: set private_key_file (a PKCS#8 PEM "
            "file) or private_key_pem");
      }
      break;
    case AuthMethod::oauth:
      if (token.empty()) return config_error("OAuth authentication needs a token: set token");
      break;
    case AuthMethod::programmatic_access_token:
      if (token.empty()) {
        return config_error("programmatic access token authentication needs a token: set token");
      }
      break;
  }

  if (connect_timeout.count() < 0) {
    return config_error("connect_timeout must not be negative (0 means libcurl's default)");
  }
  if (statement_timeout.count() < 0 || statement_timeout > kMaxStatementTimeout) {
    return config_error(
        "statement_timeout must be between 0 (the account's default) and 604800 seconds (7 "
        "days, the server's maximum)");
  }
  if (total_timeout.count() < 0) {
    return config_error("total_timeout must not be negative (0 means no deadline)");
  }
  if (request_timeout.count() < 0) {
    return config_error("request_timeout must not be negative (0 means the defaults per kind)");
  }
  if (stall_timeout.count() < 0) {
    return config_error("stall_timeout must not be negative (0 means no stall detection)");
  }
  if (connect_retry_timeout.count() < 0) {
    return config_error(
        "connect_retry_timeout must not be negative (0 means retry_timeout alone applies)");
  }
  if (retry_timeout.count() < 0) {
    return config_error("retry_timeout must not be negative (0 means the default, 5 minutes)");
  }
  if (max_retries < 0) return config_error("max_retries must not be negative");
  if (max_in_flight < 0) {
    return config_error("max_in_flight must not be negative (0 means the default, 256)");
  }
  if (max_control_in_flight < 0 || max_fetches_in_flight < 0) {
    return config_error(
        "max_control_in_flight and max_fetches_in_flight must not be negative (0 means 256)");
  }
  if (decode_threads < 0) {
    return config_error("decode_threads must not be negative (0 means one per core)");
  }
  if (prefetch_partitions < 0) {
    return config_error("prefetch_partitions must not be negative (0 means the default, 4)");
  }
  return {};
}

std::string ConnectionOptions::to_string() const {
  std::ostringstream out;
  out << "account = " << account << '\n'
      << "user = " << user << '\n'
      << "host = " << host << '\n'
      << "port = " << port << '\n'
      << "protocol = " << protocol << '\n'
      << "base_url = " << base_url() << '\n'
      << "role = " << role << '\n'
      << "warehouse = " << warehouse << '\n'
      << "database = " << database << '\n'
      << "schema = " << schema << '\n'
      << "auth = " << sfq::to_string(auth) << '\n'
      << "private_key_file = " << private_key_file << '\n'
      << "private_key_pem = " << private_key_pem.masked() << '\n'
      << "private_key_passphrase = " << private_key_passphrase.masked() << '\n'
      << "token = " << token.masked() << '\n'
      << "user_agent = " << user_agent << '\n'
      << "connect_timeout = " << connect_timeout.count() << "ms\n"
      << "statement_timeout = " << statement_timeout.count() << "s\n"
      << "total_timeout = " << total_timeout.count() << "ms\n"
      << "request_timeout = " << request_timeout.count() << "ms\n"
      << "stall_timeout = " << stall_timeout.count() << "ms\n"
      << "retry_timeout = " << retry_timeout.count() << "ms\n"
      << "connect_retry_timeout = " << connect_retry_timeout.count() << "ms\n"
      << "max_retries = " << max_retries << '\n'
      << "max_in_flight = " << max_in_flight << '\n'
      << "max_control_in_flight = " << max_control_in_flight << '\n'
      << "max_fetches_in_flight = " << max_fetches_in_flight << '\n'
      << "decode_threads = " << decode_threads << '\n'
      << "prefetch_partitions = " << prefetch_partitions << '\n'
      << "streaming_budget_bytes = " << streaming_budget_bytes << '\n'
      << "max_response_bytes = " << max_response_bytes << '\n'
      << "ca_file = " << ca_file << '\n'
      << "insecure_skip_tls_verify = " << (insecure_skip_tls_verify ? "true" : "false") << '\n'
      << "trace_http = " << (trace_http ? "true" : "false") << '\n';
  return out.str();
}

std::string default_ca_bundle() { return detail::default_ca_bundle(); }

std::string default_ca_directory() { return detail::default_ca_directory(); }

}  // namespace sfq
