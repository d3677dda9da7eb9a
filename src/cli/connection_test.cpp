// connection_test.cpp — see connection_test.hpp.
//
// The host/TLS/clock probe is one plain libcurl request (GET /) made the way libsfq makes its
// requests (same CA bundle, same proxy variables), so that a failure names the exact stage —
// name lookup, connect, certificate — and the answer's Date header gives the server's clock.
// The account name the JWT carries comes from libsfq's own rule (src/auth/account.hpp), so the
// hint shows exactly what the server was sent.
#include "cli/connection_test.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "cli/connect.hpp"
#include "cli/exit_codes.hpp"
#include "cli/terminal.hpp"
#include "config/environment.hpp"
#include "config/resolve.hpp"
#include "sfq/client.hpp"
#include "sfq/format.hpp"
#include "sfq/keys.hpp"
#include "sfq/log.hpp"
#include "sfq/names.hpp"
#include "util/text.hpp"

namespace sfq::cli {
namespace {

using Status = Check::Status;

// How far the server's clock may run behind ours: the service accepts a JWT whose iat is up to
// 60 s in its future (docs/MOCK.md, "Register a public key").
constexpr std::int64_t kMaxServerBehindSeconds = 60;
// How far it may run ahead: sfq mints tokens for 59 minutes and reuses one until 5 minutes are
// left (src/auth/authenticator.hpp), so a token may be 54 minutes old when sent; a server more
// than that ahead sees it expired.
constexpr std::int64_t kMaxServerAheadSeconds = 54 * 60;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

using util::upper;

// An identifier for SQL text: as is when it is a plain unquoted name, else double-quoted.
std::string sql_identifier(std::string_view name) {
  const bool plain =
      !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
      });
  if (plain) return std::string(name);
  std::string out = "\"";
  for (const char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string one(std::string_view text) { return one_line(redact(text)); }

std::string auth_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::key_pair:
      return "key pair";
    case AuthMethod::oauth:
      return "OAuth token";
    case AuthMethod::programmatic_access_token:
      return "programmatic access token";
  }
  return "key pair";
}

// Where `key` came from, "" when it is not set.
std::string source_of(const config::ResolvedConnection& resolved, std::string_view key) {
  for (const auto& entry : resolved.provenance) {
    if (entry.key == key) return entry.source;
  }
  return {};
}

// "flag --user", "/home/u/.snowflake/connections.toml [prod]", ...: where `key` was set.
std::string origin_of(const config::ResolvedConnection& resolved, std::string_view key) {
  const std::string source = source_of(resolved, key);
  return source.empty() ? "connection " + quoted(resolved.connection_name) : source;
}

std::string where(const config::ResolvedConnection& resolved, std::string_view key) {
  const std::string source = source_of(resolved, key);
  if (!source.empty()) return std::string(key) + " (from " + source + ")";
  return std::string(key) + " in connection " + quoted(resolved.connection_name) +
         (resolved.connection_found ? " (" + resolved.connection_origin + ")" : std::string());
}

// --- the private key -------------------------------------------------------------------------

struct KeyFacts {
  bool loaded = false;
  bool encrypted = false;
  std::string fingerprint;        ///< SHA256:...
  std::string public_key_base64;  ///< for ALTER USER ... SET RSA_PUBLIC_KEY
};

std::string pem_body(std::string_view pem) {
  std::string out;
  std::istringstream in{std::string(pem)};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("-----", 0) == 0) continue;
    for (const char c : line) {
      if (c != '\r' && c != ' ') out += c;
    }
  }
  return out;
}

void wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

Check check_key(const config::ResolvedConnection& resolved, KeyFacts& facts) {
  const ConnectionOptions& options = resolved.options;
  Check check{"private key", Status::pass, {}, {}, {}};
  std::string pem;
  std::string origin;
  if (!options.private_key_pem.empty()) {
    pem = options.private_key_pem.reveal();
    origin = "private_key_raw (" + source_of(resolved, "private_key_raw") + ")";
  } else {
    origin = options.private_key_file;
    std::ifstream in(options.private_key_file, std::ios::binary);
    if (!in) {
      check.status = Status::fail;
      check.summary = "cannot read " + options.private_key_file;
      check.fixes.push_back("check " + where(resolved, "private_key_file") +
                            ": the file must exist and be readable by you (chmod 0600)");
      return check;
    }
    std::ostringstream text;
    text << in.rdbuf();
    pem = text.str();
  }
  facts.encrypted = pem.find("ENCRYPTED PRIVATE KEY") != std::string::npos ||
                    pem.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
  const Secret& passphrase = options.private_key_passphrase;
  auto public_pem = public_key_from_private(pem, passphrase.reveal());
  wipe(pem);
  if (!public_pem) {
    check.status = Status::fail;
    if (facts.encrypted && passphrase.empty()) {
      check.summary = origin + " is encrypted and no passphrase is set";
      check.fixes.push_back(
          "export PRIVATE_KEY_PASSPHRASE (read from the environment, never stored), or set "
          "private_key_passphrase in connection " +
          quoted(resolved.connection_name) + " of a file only you can read (chmod 0600)");
    } else if (facts.encrypted) {
      check.summary = origin + " is encrypted and the passphrase does not open it";
      check.fixes.push_back("correct " + where(resolved, "private_key_passphrase"));
    } else {
      check.summary = one(public_pem.error().message());
      check.fixes.push_back("point " + where(resolved, "private_key_file") +
                            " at the PKCS#8 PEM private key (`sfq keygen` writes one)");
    }
    return check;
  }
  auto fingerprint = public_key_fingerprint(*public_pem);
  if (!fingerprint) {
    check.status = Status::fail;
    check.summary = one(fingerprint.error().message());
    return check;
  }
  facts.loaded = true;
  facts.fingerprint = *fingerprint;
  facts.public_key_base64 = pem_body(*public_pem);
  check.summary = origin + (facts.encrypted ? " (encrypted; the passphrase opens it)" : "") +
                  ", public key " + facts.fingerprint;
  return check;
}

// --- host, TLS and clock: one request ---------------------------------------------------------

struct Probe {
  CURLcode code = CURLE_OK;
  std::string error;
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  std::string ip;
  long port = 0;  // NOLINT(runtime/int)
  bool connected = false;
  std::optional<std::time_t> server_date;
  std::chrono::system_clock::time_point sent, received;
  std::chrono::milliseconds elapsed{0};
};

std::size_t discard_body(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) {
  return size * count;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* probe = static_cast<Probe*>(user);
  const std::string_view line(data, size * count);
  if (line.size() > 5 && util::lower(line.substr(0, 5)) == "date:") {
    std::string value(line.substr(5));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    const std::time_t parsed = curl_getdate(value.c_str(), nullptr);
    if (parsed != -1) probe->server_date = parsed;
  }
  return size * count;
}

Probe probe_server(const ConnectionOptions& options) {
  Probe probe;
  // Reference-counted, so libsfq calling it as well is fine.
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!curl_ready) {
    probe.code = CURLE_FAILED_INIT;
    probe.error = "cannot initialise libcurl";
    return probe;
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    probe.code = CURLE_FAILED_INIT;
    probe.error = "cannot create a libcurl handle";
    return probe;
  }
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string url = options.base_url() + "/";
  const std::string agent = std::string("sfq/") + SFQ_VERSION + " (connection test)";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));  // NOLINT(runtime/int)
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  // As sfq itself will connect: verification off only where the configuration turns it off.
  const long verify = options.insecure_skip_tls_verify ? 0L : 1L;  // NOLINT(runtime/int)
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify * 2);
  // The CAs sfq's client trusts: the configured file alone, or else the system store, that is
  // libcurl's default bundle file and hashed CA directory, each where it can be read (the client
  // reads the same two: SystemCaStore in src/io/http_client.cpp).
  const std::string bundle = options.ca_file.empty() ? sfq::default_ca_bundle() : options.ca_file;
  const std::string directory = options.ca_file.empty() ? sfq::default_ca_directory() : "";
  if (!bundle.empty() || !directory.empty()) {
    const auto path_or_null = [](const std::string& path) {
      return path.empty() ? static_cast<const char*>(nullptr) : path.c_str();
    };
    curl_easy_setopt(curl, CURLOPT_CAINFO, path_or_null(bundle));
    curl_easy_setopt(curl, CURLOPT_CAPATH, path_or_null(directory));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &probe);
  probe.sent = std::chrono::system_clock::now();
  const auto started = std::chrono::steady_clock::now();
  probe.code = curl_easy_perform(curl);
  probe.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  probe.received = std::chrono::system_clock::now();
  probe.error = error_buffer[0] != '\0' ? std::string(error_buffer)
                                        : std::string(curl_easy_strerror(probe.code));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &probe.status);
  char* ip = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) probe.ip = ip;
  curl_easy_getinfo(curl, CURLINFO_PRIMARY_PORT, &probe.port);
  double connect_time = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME, &connect_time);
  probe.connected = connect_time > 0 || probe.status != 0;
  curl_easy_cleanup(curl);
  return probe;
}

// The proxy libcurl takes from the environment for this URL, credentials masked; "" for none.
std::string proxy_in_use(const ConnectionOptions& options, std::string& variable) {
  const bool https = options.protocol != "http";
  const std::vector<const char*> names =
      https ? std::vector<const char*>{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}
            : std::vector<const char*>{"http_proxy", "all_proxy", "ALL_PROXY"};
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    variable = name;
    std::string proxy = value;
    const auto scheme = proxy.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = proxy.find('@', start);
    if (at != std::string::npos) proxy.replace(start, at - start, "****");
    return proxy;
  }
  return {};
}

struct NetworkChecks {
  Check host;
  Check tls;
  Check clock;
  bool reachable = false;
};

NetworkChecks check_network(const config::ResolvedConnection& resolved) {
  const ConnectionOptions& options = resolved.options;
  NetworkChecks out{{"host", Status::pass, {}, {}, {}},
                    {"tls", Status::pass, {}, {}, {}},
                    {"clock", Status::pass, {}, {}, {}},
                    false};
  const bool https = options.protocol != "http";
  const std::string host = options.host.empty() ? sfq::default_host(options.account) : options.host;
  const int port = options.port != 0 ? options.port : (https ? 443 : 80);
  std::string proxy_variable;
  const std::string proxy = proxy_in_use(options, proxy_variable);
  const std::string via =
      proxy.empty() ? std::string("no proxy")
                    : "through proxy " + proxy + " (from " + proxy_variable +
                          (std::getenv("no_proxy") != nullptr || std::getenv("NO_PROXY") != nullptr
                               ? "; no_proxy is set too"
                               : "") +
                          ")";
  const std::string host_fix =
      source_of(resolved, "host").empty()
          ? "the host is derived from " + where(resolved, "account") +
                ": check the account identifier — the form <orgname>-<accountname> of the "
                "account URL https://<orgname>-<accountname>.snowflakecomputing.com"
          : "check " + where(resolved, "host") + ", " + where(resolved, "port") + " and " +
                where(resolved, "protocol");

  const Probe probe = probe_server(options);
  const std::string target = host + ":" + std::to_string(port);
  auto skip_rest = [&out](const std::string& why) {
    out.tls = {"tls", Status::skipped, "not tried: " + why, {}, {}};
    out.clock = {"clock", Status::skipped, "not tried: " + why, {}, {}};
  };

  switch (probe.code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
      out.host.status = Status::fail;
      out.host.summary = "cannot resolve the proxy " + proxy + ": " + probe.error;
      out.host.fixes.push_back("correct or unset " + proxy_variable);
      skip_rest("no connection");
      return out;
    case CURLE_COULDNT_RESOLVE_HOST:
      out.host.status = Status::fail;
      out.host.summary = "cannot resolve " + host + " (" + via + "): " + probe.error;
      out.host.fixes.push_back(host_fix);
      out.host.fixes.push_back("check this machine's DNS: `getent hosts " + host + "`");
      skip_rest("no connection");
      return out;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
      if (!probe.connected) {
        out.host.status = Status::fail;
        out.host.summary = "cannot connect to " + target + " (" + via + "): " + one(probe.error);
        if (!proxy.empty()) {
          out.host.fixes.push_back(
              "the proxy " + proxy + " (from " + proxy_variable +
              ") may be wrong or down: correct it, or unset it if this network needs none "
              "(or name the host in no_proxy)");
        }
        out.host.fixes.push_back(host_fix);
        out.host.fixes.push_back(
            "a firewall may block the port: ask for outbound access to " + target +
            (proxy.empty() ? ", or set https_proxy if your network requires a proxy" : ""));
        skip_rest("no connection");
        return out;
      }
      break;
    default:
      break;
  }
  out.reachable = true;
  out.host.summary = host + (probe.ip.empty() || probe.ip == host ? "" : " is " + probe.ip) +
                     ", connected on port " + std::to_string(port) + " (" + via + ")";

  const bool tls_error =
      probe.code == CURLE_PEER_FAILED_VERIFICATION || probe.code == CURLE_SSL_CONNECT_ERROR ||
      probe.code == CURLE_SSL_CACERT_BADFILE || probe.code == CURLE_SSL_CERTPROBLEM ||
      probe.code == CURLE_SSL_ISSUER_ERROR || probe.code == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
  if (!https) {
    out.tls.summary = "not used: the protocol is http (" + source_of(resolved, "protocol") + ")";
  } else if (options.insecure_skip_tls_verify && !tls_error) {
    // sfq will connect, but nothing proves the server is the account's: not a pass.
    out.tls.status = Status::fail;
    out.tls.summary = "certificate of " + host + " NOT verified: verification is turned off (" +
                      source_of(resolved, "insecure_skip_tls_verify") +
                      "); anyone on the network path can read and change the traffic";
    out.tls.fixes.push_back(
        "remove insecure_skip_tls_verify and trust the server's certificate instead: ca_file = "
        "\"<its CA certificate, PEM>\" in the connection, or add the CA to the system store");
  } else if (probe.code == CURLE_PEER_FAILED_VERIFICATION) {
    out.tls.status = Status::fail;
    out.tls.summary = "the certificate of " + host + " is not trusted: " + one(probe.error);
    out.tls.fixes.push_back(
        "a proxy or firewall that inspects TLS presents its own certificate: add its CA to the "
        "system store (on Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/ and run "
        "update-ca-certificates)");
    out.tls.fixes.push_back("check that " + host + " is your account's host (" + host_fix + ")");
  } else if (tls_error) {
    out.tls.status = Status::fail;
    out.tls.summary = "TLS with " + target + " failed: " + one(probe.error);
    out.tls.fixes.push_back(
        "if the server speaks plain HTTP (a local emulator), set protocol = \"http\"; else "
        "check " +
        where(resolved, "port"));
  } else {
    out.tls.summary = "certificate of " + host + " verified";
  }
  if (probe.code != CURLE_OK && !tls_error) {
    out.host.status = Status::fail;
    out.host.summary = "connected to " + target + ", then the request failed: " + one(probe.error);
    out.host.fixes.push_back(host_fix);
  } else if (probe.status == 407) {
    out.host.status = Status::fail;
    out.host.summary = "the proxy " + proxy + " asks for authentication (HTTP 407)";
    out.host.fixes.push_back("put the proxy's user and password in " + proxy_variable +
                             " (http://user:password@proxy:port)");
  }
  if (tls_error) {
    out.clock = {"clock", Status::skipped, "not tried: no TLS connection", {}, {}};
    return out;
  }

  if (!probe.server_date) {
    out.clock.status = Status::unchecked;
    out.clock.summary = "could not be checked: the answer had no Date header";
    return out;
  }
  // The server stamped Date somewhere between sending and receiving, in whole seconds: its
  // clock read somewhere in [Date, Date + 1), best guessed as the middle. The offset is known
  // to about a second.
  const auto middle = probe.sent + (probe.received - probe.sent) / 2;
  const double ours = std::chrono::duration<double>(middle.time_since_epoch()).count();
  const auto skew =
      static_cast<std::int64_t>(std::llround(static_cast<double>(*probe.server_date) + 0.5 - ours));
  auto describe = [](std::int64_t seconds) {
    const std::int64_t magnitude = seconds < 0 ? -seconds : seconds;
    std::string text = std::to_string(magnitude) + " s";
    if (magnitude >= 120) text += " (" + std::to_string((magnitude + 30) / 60) + " min)";
    return text;
  };
  const std::string fix_clock =
      "set this machine's clock right and keep it synchronised (`timedatectl set-ntp true`, or "
      "`chronyc makestep` with chrony); then check `date -u` against an accurate clock";
  if (skew < -kMaxServerBehindSeconds) {
    out.clock.status = Status::fail;
    out.clock.summary = "this machine's clock is " + describe(-skew) +
                        " ahead of the server's: tokens are refused as issued in the future "
                        "(the service tolerates " +
                        std::to_string(kMaxServerBehindSeconds) + " s)";
    out.clock.fixes.push_back(fix_clock);
  } else if (skew > kMaxServerAheadSeconds) {
    out.clock.status = Status::fail;
    out.clock.summary = "this machine's clock is " + describe(skew) +
                        " behind the server's: tokens look expired to it (they live 59 min)";
    out.clock.fixes.push_back(fix_clock);
  } else if (skew >= -1 && skew <= 1) {
    out.clock.summary = "the server's clock agrees with this machine's (to a second)";
  } else {
    out.clock.summary = "the server's clock is " + describe(skew) +
                        (skew > 0 ? " ahead of" : " behind") +
                        " this machine's: within what the service tolerates";
  }
  return out;
}

// --- statements ------------------------------------------------------------------------------

// The first row's cells as display text (nullopt for NULL).
std::vector<std::optional<std::string>> first_row(const QueryResult& result) {
  std::vector<std::optional<std::string>> cells;
  for (const auto& batch : result.batches) {
    if (batch.rows == 0) continue;
    for (const auto& column : batch.columns) {
      if (column.is_null(0)) {
        cells.emplace_back(std::nullopt);
      } else {
        std::string text;
        format::append_text(text, column, 0);
        cells.emplace_back(std::move(text));
      }
    }
    break;
  }
  return cells;
}

std::string show(const std::optional<std::string>& cell) { return cell ? *cell : "NULL"; }
// A user's default (role, warehouse, database, schema) as shown: SQL NULL means it has none.
std::string show_default(const std::optional<std::string>& cell) { return cell ? *cell : "none"; }

// Why a key-pair login was refused (401 390144), most likely first, from what is known here.
std::vector<std::string> ranked_causes(const config::ResolvedConnection& resolved,
                                       const KeyFacts& key, const Check& clock) {
  const ConnectionOptions& options = resolved.options;
  struct Cause {
    int rank;
    std::string text;
  };
  std::vector<Cause> causes;
  if (clock.status == Status::fail) {
    causes.push_back({0, "clock: " + clock.summary + " (see the clock check)"});
  }

  // The account as the JWT names it.
  const std::string jwt_account = sfq::jwt_account_name(options.account);
  const std::string& account = options.account;
  const auto dot = account.find('.');
  const bool url = account.find("://") != std::string::npos ||
                   util::lower(account).find("snowflakecomputing") != std::string::npos;
  std::string rest = dot == std::string::npos ? std::string() : account.substr(dot + 1);
  rest = util::lower(rest);
  const bool region_like =
      rest.find("privatelink") != std::string::npos || rest.find("global") != std::string::npos ||
      rest.find("aws") != std::string::npos || rest.find("azure") != std::string::npos ||
      rest.find("gcp") != std::string::npos ||
      std::any_of(rest.begin(), rest.end(), [](char c) { return std::isdigit(c) != 0; });
  std::string account_text = "account: the token names account " + quoted(jwt_account) +
                             " (account from " + origin_of(resolved, "account") + ")";
  int account_rank = 3;
  if (dot != std::string::npos && !url && !region_like) {
    account_rank = 1;
    account_text += "; everything after the first dot is dropped, so " + quoted(account) +
                    " looks like <orgname>.<accountname>: write it " +
                    quoted(account.substr(0, dot) + "-" + account.substr(dot + 1)) +
                    " (a hyphen), as in the account URL";
  } else if (dot != std::string::npos || url) {
    account_rank = 2;
    account_text +=
        "; the region, cloud or domain after the first dot is dropped. If the account has an "
        "organization name, use <orgname>-<accountname> (SELECT CURRENT_ORGANIZATION_NAME() || "
        "'-' || CURRENT_ACCOUNT_NAME() shows it)";
  } else {
    account_text +=
        "; it must be the account identifier <orgname>-<accountname> (or the account locator "
        "without region)";
  }
  causes.push_back({account_rank, account_text});

  if (options.auth == AuthMethod::key_pair && key.loaded) {
    const std::string user = sql_identifier(upper(options.user));
    causes.push_back({2, "key: this key's public key is " + key.fingerprint +
                             "; as an administrator run DESC USER " + user +
                             " and compare it with RSA_PUBLIC_KEY_FP and RSA_PUBLIC_KEY_2_FP: "
                             "if neither matches, the key is not registered (see the fix)"});
  }

  const std::string jwt_user = sfq::jwt_user_name(options.user);
  const bool unusual_user =
      jwt_user != options.user ||
      !std::all_of(options.user.begin(), options.user.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
      });
  causes.push_back(
      {unusual_user ? 2 : 4,
       "user: the token names user " + quoted(jwt_user) + " (user from " +
           origin_of(resolved, "user") +
           "; always upper case): it must be the user's NAME (not its LOGIN_NAME), and a user "
           "created with a quoted lower-case name cannot log in with a key pair — check with "
           "SHOW USERS LIKE '" +
           jwt_user + "'"});
  if (key.encrypted) {
    causes.push_back({5, "passphrase: not the cause (the passphrase opened the key)"});
  }
  std::stable_sort(causes.begin(), causes.end(),
                   [](const Cause& a, const Cause& b) { return a.rank < b.rank; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < causes.size(); ++i) {
    out.push_back(std::to_string(i + 1) + ". " + causes[i].text);
  }
  return out;
}

struct Login {
  std::optional<Client> client;
  std::string default_role, default_warehouse;
};

ConnectionOptions without_context(const ConnectionOptions& options) {
  ConnectionOptions bare = options;
  bare.role.clear();
  bare.warehouse.clear();
  bare.database.clear();
  bare.schema.clear();
  // A diagnosis answers in seconds: no five-minute retry of a dead server.
  bare.retry_timeout = std::chrono::seconds(20);
  bare.total_timeout = std::chrono::seconds(60);
  bare.max_retries = 2;
  return bare;
}

Check check_login(const config::ResolvedConnection& resolved, const KeyFacts& key,
                  const Check& clock, Login& login) {
  const ConnectionOptions& options = resolved.options;
  Check check{"login", Status::pass, {}, {}, {}};
  try {
    login.client.emplace(without_context(options));
    const auto result = login.client->execute(
        "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_DATABASE(), "
        "CURRENT_SCHEMA()");
    const auto cells = first_row(result);
    if (cells.size() < 5) {
      check.status = Status::fail;
      check.summary = "logged in, but the answer to SELECT CURRENT_USER() ... had no row";
      return check;
    }
    login.default_role = show_default(cells[1]);
    login.default_warehouse = show_default(cells[2]);
    check.summary = "logged in as " + show(cells[0]) + " (" + auth_name(options.auth) +
                    "); the user's defaults: role " + show_default(cells[1]) + ", warehouse " +
                    show_default(cells[2]) + ", database " + show_default(cells[3]) + ", schema " +
                    show_default(cells[4]);
    return check;
  } catch (const Error& error) {
    login.client.reset();
    check.status = Status::fail;
    check.summary = one(error.what());
    if (error.code() == "390144") {
      check.summary =
          "the server refused the key-pair token (HTTP 401, 390144 \"JWT token is "
          "invalid\"; it never says why). Possible causes, most likely first:";
      check.details = ranked_causes(resolved, key, clock);
      check.fixes.push_back(
          "work through the causes above in order; `sfq config explain` shows "
          "where each value comes from");
      if (options.auth == AuthMethod::key_pair && key.loaded) {
        check.fixes.push_back("to register this key (as an administrator): ALTER USER " +
                              sql_identifier(upper(options.user)) + " SET RSA_PUBLIC_KEY='" +
                              key.public_key_base64 +
                              "' (RSA_PUBLIC_KEY_2 keeps the old key during a rotation)");
      }
    } else if (error.code() == "390303") {
      check.fixes.push_back(
          "the token was refused: it is expired, revoked or for another "
          "account; get a new one and update " +
          where(resolved, "token"));
    } else if (error.category() == ErrorCategory::auth) {
      check.fixes.push_back("see the private key check");
    } else if (error.category() == ErrorCategory::transport ||
               error.category() == ErrorCategory::timeout) {
      check.fixes.push_back(
          "see the host and tls checks; run again with --debug for the HTTP "
          "exchange");
    }
    return check;
  } catch (const std::exception& error) {
    login.client.reset();
    check.status = Status::fail;
    check.summary = one(error.what());
    return check;
  }
}

// The `name` column of every row of a SHOW result.
std::vector<std::string> shown_names(const QueryResult& result) {
  std::vector<std::string> names;
  std::size_t index = result.meta.columns.size();
  for (std::size_t i = 0; i < result.meta.columns.size(); ++i) {
    if (util::lower(result.meta.columns[i].name) == "name") index = i;
  }
  for (const auto& batch : result.batches) {
    if (index >= batch.columns.size()) continue;
    for (std::size_t row = 0; row < batch.rows; ++row) {
      std::string text;
      format::append_text(text, batch.columns[index], row);
      names.push_back(std::move(text));
    }
  }
  return names;
}

std::string like_literal(std::string_view name) {
  std::string out = "'";
  for (const char c : name) {
    // _ and % match themselves too; the names listed are compared exactly afterwards.
    if (c == '\\' || c == '\'') out += c;
    out += c;
  }
  return out + "'";
}

// One context field, as USE would check it: the object is visible to the role (SHOW ... LIKE),
// and a statement naming it in its context runs with it in effect (CURRENT_<FIELD>()).
Check check_context(const config::ResolvedConnection& resolved, Login& login,
                    const std::string& field, const std::string& role_ok) {
  const ConnectionOptions& options = resolved.options;
  const std::string& value = field == "role"        ? options.role
                             : field == "warehouse" ? options.warehouse
                             : field == "database"  ? options.database
                                                    : options.schema;
  Check check{field, Status::pass, {}, {}, {}};
  if (value.empty()) {
    check.summary = "not configured: the user's default applies";
    if (field == "role") check.summary += " (" + login.default_role + ")";
    if (field == "warehouse") check.summary += " (" + login.default_warehouse + ")";
    return check;
  }
  const std::string expected = normalize_identifier(value);
  const std::string user = sql_identifier(upper(options.user));
  const std::string role =
      role_ok.empty() ? "the user's default role " + login.default_role : "role " + role_ok;
  const std::string grantee = sql_identifier(role_ok.empty() ? login.default_role : role_ok);
  auto add_fix = [&] {
    if (field == "warehouse") {
      check.fixes.push_back("GRANT USAGE ON WAREHOUSE " + sql_identifier(expected) + " TO ROLE " +
                            grantee + ", or correct " + where(resolved, field));
    } else if (field == "database") {
      check.fixes.push_back("GRANT USAGE ON DATABASE " + sql_identifier(expected) + " TO ROLE " +
                            grantee + ", or correct " + where(resolved, field));
    } else if (field == "schema") {
      check.fixes.push_back("GRANT USAGE ON SCHEMA " +
                            sql_identifier(normalize_identifier(options.database)) + "." +
                            sql_identifier(expected) + " TO ROLE " + grantee + ", or correct " +
                            where(resolved, field));
    } else {
      check.fixes.push_back("correct " + where(resolved, field));
    }
  };
  try {
    // Visible to the role? (A role is checked by the statement itself: 390186.)
    std::string show_sql;
    if (field == "warehouse") show_sql = "SHOW WAREHOUSES LIKE " + like_literal(expected);
    if (field == "database") show_sql = "SHOW DATABASES LIKE " + like_literal(expected);
    if (field == "schema") {
      show_sql = "SHOW SCHEMAS LIKE " + like_literal(expected) + " IN DATABASE " +
                 sql_identifier(normalize_identifier(options.database));
    }
    if (!show_sql.empty()) {
      Statement show_statement(show_sql);
      show_statement.role = role_ok;
      const auto names = shown_names(login.client->execute(std::move(show_statement)));
      if (std::find(names.begin(), names.end(), expected) == names.end()) {
        check.status = Status::fail;
        check.summary = field + " " + expected + " does not exist, or " + role +
                        " cannot see it (" + show_sql + " lists no " + expected + ")";
        add_fix();
        return check;
      }
    }
    Statement statement("SELECT CURRENT_" + upper(field) + "()");
    statement.role = field == "role" ? value : role_ok;
    if (field == "warehouse") statement.warehouse = value;
    if (field == "database" || field == "schema") statement.database = options.database;
    if (field == "schema") statement.schema = value;
    const auto cells = first_row(login.client->execute(std::move(statement)));
    const auto answer = cells.empty() ? std::nullopt : cells[0];
    if (answer && *answer == expected) {
      check.summary = expected + " is usable (CURRENT_" + upper(field) + "() = " + *answer + ")";
      return check;
    }
    check.status = Status::fail;
    check.summary = expected + " is not in effect when named: CURRENT_" + upper(field) +
                    "() answered " + show(answer) + " (" + role + " lacks USAGE on it?)";
  } catch (const Error& error) {
    check.status = Status::fail;
    check.summary = one(error.what());
    if (error.code() == "390186") {
      check.summary =
          "role " + expected + " is not granted to user " + upper(options.user) + " (390186)";
      check.fixes.push_back("as a role administrator: GRANT ROLE " + sql_identifier(expected) +
                            " TO USER " + user);
      check.fixes.push_back("or change " + where(resolved, "role") +
                            " to a role the user holds (PUBLIC always is)");
      return check;
    }
  }
  add_fix();
  return check;
}

// The fingerprints DESC USER shows, against the key's.
Check check_registered_keys(const config::ResolvedConnection& resolved, Login& login,
                            const KeyFacts& key, const std::string& role_ok) {
  Check check{"registered keys", Status::pass, {}, {}, {}};
  const std::string user = sql_identifier(upper(resolved.options.user));
  Statement statement("DESC USER " + user);
  statement.role = role_ok;
  try {
    const auto result = login.client->execute(std::move(statement));
    // Rows of property, value, default, description; an empty slot's value is the text "null".
    std::size_t property_at = 0, value_at = 1;
    for (std::size_t i = 0; i < result.meta.columns.size(); ++i) {
      const std::string name = util::lower(result.meta.columns[i].name);
      if (name == "property") property_at = i;
      if (name == "value") value_at = i;
    }
    std::optional<std::string> slot1, slot2;
    for (const auto& batch : result.batches) {
      if (batch.columns.size() <= std::max(property_at, value_at)) continue;
      for (std::size_t row = 0; row < batch.rows; ++row) {
        std::string property, value;
        format::append_text(property, batch.columns[property_at], row);
        if (!batch.columns[value_at].is_null(row)) {
          format::append_text(value, batch.columns[value_at], row);
        }
        if (value == "null") value.clear();
        if (property == "RSA_PUBLIC_KEY_FP") slot1 = value;
        if (property == "RSA_PUBLIC_KEY_2_FP") slot2 = value;
      }
    }
    if (!slot1 && !slot2) {
      check.status = Status::unchecked;
      check.summary = "could not be checked: DESC USER " + user +
                      " has no RSA_PUBLIC_KEY_FP / RSA_PUBLIC_KEY_2_FP rows";
      return check;
    }
    check.details.push_back("this key            " + key.fingerprint);
    check.details.push_back("RSA_PUBLIC_KEY_FP   " + (slot1 && !slot1->empty() ? *slot1 : "-"));
    check.details.push_back("RSA_PUBLIC_KEY_2_FP " + (slot2 && !slot2->empty() ? *slot2 : "-"));
    if (slot1 && !slot1->empty() && *slot1 == key.fingerprint) {
      check.summary = "this key is registered as RSA_PUBLIC_KEY";
    } else if (slot2 && !slot2->empty() && *slot2 == key.fingerprint) {
      check.summary = "this key is registered as RSA_PUBLIC_KEY_2";
    } else {
      check.status = Status::fail;
      check.summary = "neither registered fingerprint is this key's";
      check.fixes.push_back("ALTER USER " + user + " SET RSA_PUBLIC_KEY='" + key.public_key_base64 +
                            "'");
    }
  } catch (const Error& error) {
    check.status = Status::unchecked;
    check.summary = "could not be checked: the server did not answer DESC USER " + user +
                    (error.code().empty() ? std::string() : " (code " + error.code() + ")");
    check.details.push_back("its answer: " + one(error.message()));
    check.details.push_back("the login proves this key (" + key.fingerprint +
                            ") is registered in RSA_PUBLIC_KEY or RSA_PUBLIC_KEY_2");
  }
  return check;
}

int exit_code_of(const std::vector<Check>& checks) {
  int code = kExitSuccess;
  for (const auto& check : checks) {
    if (check.status != Status::fail) continue;
    int this_code = kExitCannotConnect;
    if (check.name == "configuration") this_code = kExitUsage;
    if (check.name == "role" || check.name == "warehouse" || check.name == "database" ||
        check.name == "schema") {
      this_code = kExitSqlError;
    }
    if (code == kExitSuccess) code = this_code;
  }
  return code;
}

const char* mark(Status status) {
  switch (status) {
    case Status::pass:
      return "✓";
    case Status::fail:
      return "✗";
    case Status::skipped:
      return "-";
    case Status::unchecked:
      return "?";
  }
  return "?";
}

const char* status_name(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::fail:
      return "fail";
    case Status::skipped:
      return "skipped";
    case Status::unchecked:
      return "unchecked";
  }
  return "unchecked";
}

}  // namespace

ConnectionTestReport test_connection(const ConnectionFlags& flags) {
  ConnectionTestReport report;
  auto& checks = report.checks;
  auto resolved =
      config::resolve_connection(to_overrides(flags), config::Environment::from_process());
  if (!resolved) {
    checks.push_back({"configuration",
                      Status::fail,
                      one(resolved.error().message()),
                      {},
                      {"`sfq config explain` shows every value and where it came from"}});
    report.exit_code = exit_code_of(checks);
    return report;
  }
  const ConnectionOptions& options = resolved->options;
  report.connection = resolved->connection_name;
  {
    Check check{"configuration", Status::pass, {}, {}, {}};
    check.summary = "connection " + quoted(resolved->connection_name) + " from " +
                    (resolved->connection_found ? resolved->connection_origin
                                                : std::string("flags and environment")) +
                    ": account " + options.account + ", user " + options.user + ", " +
                    auth_name(options.auth);
    check.details.push_back("chosen by: " + resolved->connection_reason);
    for (const auto& warning : resolved->warnings) check.details.push_back("warning: " + warning);
    checks.push_back(std::move(check));
  }

  KeyFacts key;
  bool credentials_ok = true;
  if (options.auth == AuthMethod::key_pair) {
    checks.push_back(check_key(*resolved, key));
    credentials_ok = key.loaded;
  }

  NetworkChecks network = check_network(*resolved);
  checks.push_back(network.host);
  checks.push_back(network.tls);
  checks.push_back(network.clock);

  // A TLS step failed only because verification is off still connects: the login is tried.
  const bool tls_usable =
      network.tls.status != Status::fail || resolved->options.insecure_skip_tls_verify;
  const bool can_login = credentials_ok && network.reachable && tls_usable;
  Login login;
  if (can_login) {
    checks.push_back(check_login(*resolved, key, network.clock, login));
  } else {
    checks.push_back({"login",
                      Status::skipped,
                      credentials_ok ? "not tried: the server cannot be reached"
                                     : "not tried: the private key cannot be used",
                      {},
                      {}});
  }
  const char* fields[] = {"role", "warehouse", "database", "schema"};
  std::string role_ok;
  for (const char* field : fields) {
    const std::string name(field);
    if (!login.client) {
      checks.push_back({name, Status::skipped, "not tried: not logged in", {}, {}});
      continue;
    }
    if (name == "schema" && !options.schema.empty() && options.database.empty()) {
      checks.push_back({name, Status::skipped, "not tried: a schema needs a database", {}, {}});
      continue;
    }
    if (name == "schema" && !options.schema.empty() && checks.back().status == Status::fail) {
      checks.push_back({name, Status::skipped, "not tried: the database is not usable", {}, {}});
      continue;
    }
    Check check = check_context(*resolved, login, name, role_ok);
    if (name == "role" && check.status == Status::pass && !options.role.empty()) {
      role_ok = options.role;
    }
    checks.push_back(std::move(check));
  }
  if (options.auth == AuthMethod::key_pair) {
    if (login.client) {
      checks.push_back(check_registered_keys(*resolved, login, key, role_ok));
    } else {
      // DESC USER needs a session. A refused key-pair login already names this key's
      // fingerprint and the ALTER USER that registers it.
      const bool refused = std::any_of(checks.begin(), checks.end(), [](const Check& check) {
        return check.name == "login" &&
               std::any_of(check.fixes.begin(), check.fixes.end(), [](const std::string& fix) {
                 return fix.find("ALTER USER") != std::string::npos;
               });
      });
      checks.push_back({"registered keys",
                        Status::skipped,
                        refused ? "not tried: not logged in (the login step names this key's "
                                  "fingerprint and the ALTER USER that registers it)"
                                : "not tried: not logged in",
                        {},
                        {}});
    }
  }
  report.exit_code = exit_code_of(checks);
  return report;
}

std::string render_report_text(const ConnectionTestReport& report) {
  constexpr std::size_t kNameWidth = 16;
  const std::string indent(2 + kNameWidth, ' ');
  std::string out;
  for (const auto& check : report.checks) {
    std::string name = check.name;
    if (name.size() < kNameWidth) name += std::string(kNameWidth - name.size(), ' ');
    out += std::string(mark(check.status)) + " " + name + check.summary + "\n";
    for (const auto& line : check.details) out += indent + line + "\n";
    for (const auto& fix : check.fixes) out += indent + "fix: " + fix + "\n";
  }
  std::vector<std::string> failed;
  std::size_t unchecked = 0;
  for (const auto& check : report.checks) {
    if (check.status == Status::fail) failed.push_back(check.name);
    if (check.status == Status::unchecked) ++unchecked;
  }
  if (failed.empty()) {
    out += "\nAll checks passed";
    if (unchecked > 0) out += " (" + std::to_string(unchecked) + " could not be checked)";
    out += ".\n";
  } else {
    out += "\n" + std::to_string(failed.size()) + " check" + (failed.size() == 1 ? "" : "s") +
           " failed: ";
    for (std::size_t i = 0; i < failed.size(); ++i) out += (i == 0 ? "" : ", ") + failed[i];
    out += " (exit " + std::to_string(report.exit_code) + ").\n";
  }
  return out;
}

std::string render_report_json(const ConnectionTestReport& report) {
  std::string out = "{\"connection\":";
  format::append_json_string(out, report.connection);
  out += ",\"ok\":";
  out += report.exit_code == kExitSuccess ? "true" : "false";
  out += ",\"exit_code\":" + std::to_string(report.exit_code) + ",\"checks\":[";
  auto strings = [&out](const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ',';
      format::append_json_string(out, items[i]);
    }
    out += ']';
  };
  for (std::size_t i = 0; i < report.checks.size(); ++i) {
    const Check& check = report.checks[i];
    out += i == 0 ? "{\"name\":" : ",{\"name\":";
    format::append_json_string(out, check.name);
    out += ",\"status\":\"" + std::string(status_name(check.status)) + "\",\"summary\":";
    format::append_json_string(out, check.summary);
    out += ",\"details\":";
    strings(check.details);
    out += ",\"fixes\":";
    strings(check.fixes);
    out += '}';
  }
  out += "]}\n";
  return out;
}

int print_report(const ConnectionTestReport& report, bool json) {
  const std::string text = json ? render_report_json(report) : render_report_text(report);
  try {
    write_all(STDOUT_FILENO, text);
  } catch (...) {
    return kExitClientError;
  }
  return report.exit_code;
}

int run_connection_test(const ConnectionFlags& flags, bool json) {
  return print_report(test_connection(flags), json);
}

}  // namespace sfq::cli
