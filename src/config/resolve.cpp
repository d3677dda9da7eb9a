// resolve.cpp — merging flags, variables and files into ConnectionOptions, with provenance.
#include "config/resolve.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include "sfq/log.hpp"
#include "util/text.hpp"

namespace sfq::config {
namespace {

Error config_error(std::string message) { return Error(ErrorCategory::config, std::move(message)); }

// A token is a few kilobytes at most; a larger "token file" is the wrong file.
constexpr std::size_t kMaxTokenFileBytes = std::size_t{64} * 1024;

constexpr std::string_view kGenericNote = " (generic env fills only missing keys)";

struct KeySpec {
  std::string_view name;
  std::string_view flag;  ///< "" when there is no flag
  bool secret;
  bool generic_env;  ///< SNOWFLAKE_<KEY> is read (snow's SUPPORTED_ENV_OVERRIDES)
};

// Canonical keys, in the order explain lists them.
constexpr std::array<KeySpec, 21> kKeys = {{
    {"account", "--account", false, true},
    {"user", "--user", false, true},
    {"host", "--host", false, true},
    {"port", "--port", false, true},
    {"protocol", "--protocol", false, true},
    {"role", "--role", false, true},
    {"warehouse", "--warehouse", false, true},
    {"database", "--database", false, true},
    {"schema", "--schema", false, true},
    {"authenticator", "--authenticator", false, true},
    {"private_key_file", "--private-key-file", false, true},
    {"private_key_raw", "", true, true},
    {"private_key_passphrase", "", true, false},
    {"token", "--token", true, true},
    {"token_file_path", "", false, true},
    {"connect_timeout", "--connect-timeout", false, true},
    {"request_timeout", "--request-timeout", false, true},
    {"statement_timeout", "", false, false},
    {"total_timeout", "--total-timeout", false, true},
    {"ca_file", "", false, true},
    {"insecure_skip_tls_verify", "--insecure-skip-tls-verify", false, true},
}};

struct Alias {
  std::string_view alias;
  std::string_view key;
};

// snow's CONNECTION_KEY_ALIASES and the connector's name of the passphrase, plus the SnowSQL
// spellings people carry over from ~/.snowsql/config.
constexpr std::array<Alias, 8> kAliases = {{
    {"private_key_path", "private_key_file"},
    {"private_key_file_pwd", "private_key_passphrase"},
    {"accountname", "account"},
    {"username", "user"},
    {"dbname", "database"},
    {"schemaname", "schema"},
    {"warehousename", "warehouse"},
    {"rolename", "role"},
}};

const KeySpec* find_key(std::string_view name) {
  for (const auto& spec : kKeys) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The canonical key for a spelling, or "" when sfq does not know it.
std::string_view canonical_key(std::string_view name) {
  if (const auto* spec = find_key(name)) return spec->name;
  for (const auto& alias : kAliases) {
    if (alias.alias == name) return alias.key;
  }
  return {};
}

using util::lower;
using util::upper;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string known_list(const std::vector<std::string>& names) {
  return names.empty() ? std::string("none") : join(names, ", ");
}

// Source ranks: a lower number wins.
enum Rank : int { kPassphraseEnv = 0, kFlag = 1, kConnectionEnv = 2, kFile = 3, kGenericEnv = 4 };

struct Candidate {
  std::string value;
  std::string source;
  int rank = kFile;
  bool via_alias = false;
  std::string position;  ///< file:line:column for file values
  RawValue raw;          ///< type information for file values
};

struct Resolution {
  std::map<std::string, std::vector<Candidate>, std::less<>> candidates;
  std::vector<UnusedKey> unused;
  std::vector<std::string> warnings;

  void add(std::string_view key, Candidate candidate) {
    auto& list = candidates[std::string(key)];
    // Within one source the canonical spelling beats an alias; across sources, the rank.
    const auto at = std::find_if(list.begin(), list.end(), [&](const Candidate& other) {
      return other.rank > candidate.rank ||
             (other.rank == candidate.rank && other.via_alias && !candidate.via_alias);
    });
    list.insert(at, std::move(candidate));
  }

  [[nodiscard]] const Candidate* winner(std::string_view key) const {
    const auto it = candidates.find(key);
    return it == candidates.end() || it->second.empty() ? nullptr : &it->second.front();
  }
};

std::string shown(std::string_view key, const std::string& value) {
  if (is_secret_key(key)) return value.empty() ? std::string() : std::string("****");
  return value;
}

// Adds one entry of a connection table or a connection variable.
Status add_entry(Resolution& resolution, const std::string& spelled, Candidate candidate,
                 bool from_file) {
  const auto key = canonical_key(spelled);
  if (key.empty()) {
    resolution.unused.push_back(
        {spelled, shown(spelled, candidate.value), candidate.source, "not a key sfq uses"});
    return {};
  }
  if (from_file && !candidate.raw.scalar) {
    return config_error(
        candidate.position + ": `" + spelled + "` must be a string or a number, not " +
        (candidate.raw.type_name == "array" ? "an " : "a ") + candidate.raw.type_name);
  }
  if (spelled != key) {
    candidate.via_alias = true;
    candidate.source += " (as " + spelled + ")";
  }
  resolution.add(key, std::move(candidate));
  return {};
}

// SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> variables of connection `name`. snow takes every variable
// with the prefix; one that belongs to a longer connection name (prod vs prod_eu) is left to it.
std::vector<std::pair<std::string, std::string>> connection_variables(
    const Environment& env, const std::string& name, const std::vector<std::string>& known) {
  const std::string prefix = "SNOWFLAKE_CONNECTIONS_" + upper(name) + "_";
  std::vector<std::pair<std::string, std::string>> found;
  for (auto it = env.variables.lower_bound(prefix);
       it != env.variables.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    const bool other_connection = std::any_of(known.begin(), known.end(), [&](const auto& other) {
      const std::string other_prefix = "SNOWFLAKE_CONNECTIONS_" + upper(other) + "_";
      return other_prefix.size() > prefix.size() && it->first.rfind(other_prefix, 0) == 0;
    });
    if (!other_connection) found.emplace_back(it->first, it->second);
  }
  return found;
}

// How to set a key, for "missing" messages.
// Only ways that work: SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> overrides a connection a file
// defines, so it is suggested only when the connection exists.
std::string how_to_set(std::string_view key, const std::string& connection,
                       const std::string& connections_file, bool defined) {
  const auto* spec = find_key(key);
  std::vector<std::string> ways;
  if (spec != nullptr && !spec->flag.empty()) ways.emplace_back(spec->flag);
  if (defined) {
    ways.push_back("SNOWFLAKE_CONNECTIONS_" + upper(connection) + "_" + upper(key));
    ways.push_back(std::string(key) + " = \"...\" in [" + connection + "] of " + connections_file);
  } else {
    ways.push_back("a [" + connection + "] table with " + std::string(key) + " = \"...\" in " +
                   connections_file);
  }
  if (spec != nullptr && spec->generic_env) ways.push_back("SNOWFLAKE_" + upper(key));
  return "set it with " + join(ways, ", ");
}

// What to do when a connection has a password: the SQL API does not log in with one.
std::string password_advice(const std::string& connection, const std::string& user,
                            const std::string& connections_file) {
  const std::string who = user.empty() ? std::string("USER") : user;
  return "password login is not available over the SQL API, which accepts key-pair JWTs and "
         "OAuth or programmatic access tokens. To use a key pair: run `sfq keygen --out "
         "~/.snowflake -u " +
         who +
         "`, run the ALTER USER statement it prints (in Snowsight or another client), and set "
         "private_key_file = \"~/.snowflake/rsa_key.p8\" in [" +
         connection + "] of " + connections_file +
         " (or set authenticator = \"PROGRAMMATIC_ACCESS_TOKEN\" and token to a programmatic "
         "access token)";
}

Result<int> parse_port(const Candidate& candidate) {
  const auto& text = candidate.value;
  int port = 0;
  const bool digits =
      !text.empty() && text.size() <= 5 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) port = std::stoi(text);
  if (!digits || port < 1 || port > 65535) {
    return config_error("port \"" + text + "\" from " + candidate.source +
                        " is not a port number (1-65535)");
  }
  return port;
}

// true/false (TOML booleans arrive as these words), also 1/0 and yes/no in variables.
Result<bool> parse_bool(std::string_view key, const Candidate& candidate) {
  const std::string text = lower(candidate.value);
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return config_error(std::string(key) + " \"" + candidate.value + "\" from " + candidate.source +
                      " is not true or false");
}

// Seconds, possibly fractional, as milliseconds.
Result<std::int64_t> parse_seconds(std::string_view key, const Candidate& candidate) {
  const std::string& text = candidate.value;
  char* end = nullptr;
  errno = 0;
  const double seconds = text.empty() ? -1.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(seconds) ||
      seconds < 0 || seconds > 365.0 * 24 * 3600) {
    return config_error(std::string(key) + " \"" + text + "\" from " + candidate.source +
                        " is not a number of seconds (>= 0)");
  }
  return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

struct AuthChoice {
  AuthMethod method;
  std::string_view canonical;
};

std::optional<AuthChoice> parse_authenticator(std::string_view text) {
  const auto name = upper(text);
  if (name == "SNOWFLAKE_JWT" || name == "KEYPAIR_JWT")
    return AuthChoice{AuthMethod::key_pair, "SNOWFLAKE_JWT"};
  if (name == "OAUTH") return AuthChoice{AuthMethod::oauth, "OAUTH"};
  if (name == "PROGRAMMATIC_ACCESS_TOKEN" || name == "PAT") {
    return AuthChoice{AuthMethod::programmatic_access_token, "PROGRAMMATIC_ACCESS_TOKEN"};
  }
  return std::nullopt;
}

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return config_error("cannot read token file " + shell_quote(path) + ": " +
                        std::strerror(errno));
  std::string token;
  std::array<char, 4096> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    token.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (token.size() > kMaxTokenFileBytes) {
      return config_error("token file " + shell_quote(path) +
                          " is larger than 64 KiB; it is not a token");
    }
  }
  // Files written by editors and `echo` end in a newline that is not part of the token.
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!token.empty() && is_space(token.back())) token.pop_back();
  const auto first = std::find_if_not(token.begin(), token.end(), is_space);
  token.erase(token.begin(), first);
  return token;
}

}  // namespace

std::optional<std::string> insecure_tls_warning(const ResolvedConnection& resolved) {
  if (!resolved.options.insecure_skip_tls_verify) return std::nullopt;
  std::string source = "the configuration";
  for (const auto& entry : resolved.provenance) {
    if (entry.key == "insecure_skip_tls_verify") source = entry.source;
  }
  return "TLS certificate verification is OFF (insecure_skip_tls_verify from " + source +
         "): the server's identity is not checked, so anyone on the network path can read the "
         "credentials and the data. Use it only against a test server; to trust a server's own "
         "certificate, name its CA with ca_file instead";
}

bool is_secret_key(std::string_view key) {
  const std::string name = lower(key);
  if (name == "private_key" || name == "private_key_raw") return true;
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto end = name.find('_', start);
    words.push_back(name.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // Paths and URLs of secrets (token_file_path, oauth_token_request_url) are not secrets.
  static constexpr std::array<std::string_view, 5> kLocations = {"path", "file", "url", "uri",
                                                                 "dir"};
  if (std::find(kLocations.begin(), kLocations.end(), words.back()) != kLocations.end())
    return false;
  static constexpr std::array<std::string_view, 7> kSecretWords = {
      "password", "passphrase", "passcode", "pwd", "secret", "token", "raw"};
  return std::any_of(words.begin(), words.end(), [](const std::string& word) {
    return std::find(kSecretWords.begin(), kSecretWords.end(), word) != kSecretWords.end();
  });
}

Result<ResolvedConnection> resolve_connection(const Overrides& overrides, const Environment& env,
                                              const ResolveOptions& options) {
  auto loaded = load_config_files(env, overrides.config_file);
  if (!loaded.ok()) return loaded.error();
  const ConfigFiles& files = *loaded;

  ResolvedConnection result;
  result.directory = files.directory;
  result.config_path = files.config_path;
  result.connections_path = files.connections_path;
  result.connections_origin = files.connections_origin;
  result.files = files.checks;
  result.sfq_settings = files.sfq_settings;
  result.known_connections = files.connection_names();
  result.warnings = files.warnings;

  // --- which connection ------------------------------------------------------------------
  bool chosen_explicitly = true;
  if (overrides.connection_name) {
    if (overrides.connection_name->empty())
      return config_error("--connection needs a connection name");
    result.connection_name = *overrides.connection_name;
    result.connection_reason = "flag --connection";
  } else if (auto name = env.get("SNOWFLAKE_DEFAULT_CONNECTION_NAME"); name && !name->empty()) {
    result.connection_name = *name;
    result.connection_reason = "env SNOWFLAKE_DEFAULT_CONNECTION_NAME";
  } else if (files.default_connection_name) {
    result.connection_name = *files.default_connection_name;
    result.connection_reason = files.default_connection_position + " default_connection_name";
  } else {
    result.connection_name = "default";
    result.connection_reason =
        "default (no --connection, SNOWFLAKE_DEFAULT_CONNECTION_NAME or "
        "default_connection_name)";
    chosen_explicitly = false;
  }
  const std::string& name = result.connection_name;
  const ConnectionSection* section = files.find(name);
  const auto name_variables = connection_variables(env, name, result.known_connections);
  if (section == nullptr) {
    std::string where;
    if (files.connections_origin.empty()) {
      where = "no connections are defined (" + files.connections_path + " does not exist and " +
              files.config_path + " has no [connections.NAME] tables)";
    } else {
      where = "it is not defined in " +
              (files.connections_origin == "connections.toml"  ? files.connections_path
               : files.connections_origin.rfind("env", 0) == 0 ? files.connections_origin
                                                               : files.config_path) +
              " (known: " + known_list(result.known_connections) + ")";
    }
    std::string variables_note;
    if (!name_variables.empty()) {
      variables_note = "; " + name_variables.front().first + " is set, but SNOWFLAKE_CONNECTIONS_" +
                       upper(name) +
                       "_* variables only override a connection a file defines — add [" + name +
                       "] to " + files.connections_path;
    }
    if (chosen_explicitly) {
      return config_error("connection \"" + name + "\" (from " + result.connection_reason +
                          "): " + where + variables_note);
    }
    if (!variables_note.empty()) {
      result.warnings.push_back("connection \"default\" is not defined, so " +
                                name_variables.front().first + " is ignored" + variables_note);
    }
  } else {
    result.connection_found = true;
    result.connection_origin = section->origin;
    if (section->snowsql) {
      result.warnings.push_back(
          "connection \"" + name + "\" is read from " + section->origin +
          ", SnowSQL's configuration, which sfq reads only for a smooth move: SnowSQL is "
          "deprecated in favour of Snowflake's connections.toml — put the connection in [" +
          name + "] of " + files.connections_path +
          " (keys: account, user, private_key_file, ...)");
    }
  }

  // --- gather every source -----------------------------------------------------------------
  Resolution resolution;
  if (const auto passphrase = env.get("PRIVATE_KEY_PASSPHRASE")) {
    if (passphrase->empty()) {
      result.warnings.emplace_back("PRIVATE_KEY_PASSPHRASE is set but empty; ignored");
    } else {
      resolution.add("private_key_passphrase",
                     {*passphrase, "env PRIVATE_KEY_PASSPHRASE", kPassphraseEnv, false, {}, {}});
    }
  }
  const std::array<std::pair<std::string_view, const std::optional<std::string>*>, 16> flags = {{
      {"account", &overrides.account},
      {"user", &overrides.user},
      {"host", &overrides.host},
      {"port", &overrides.port},
      {"protocol", &overrides.protocol},
      {"role", &overrides.role},
      {"warehouse", &overrides.warehouse},
      {"database", &overrides.database},
      {"schema", &overrides.schema},
      {"authenticator", &overrides.authenticator},
      {"private_key_file", &overrides.private_key_file},
      {"token", &overrides.token},
      {"connect_timeout", &overrides.connect_timeout},
      {"request_timeout", &overrides.request_timeout},
      {"total_timeout", &overrides.total_timeout},
      {"insecure_skip_tls_verify", &overrides.insecure_skip_tls_verify},
  }};
  for (const auto& [key, value] : flags) {
    if (*value) {
      resolution.add(key,
                     {**value, "flag " + std::string(find_key(key)->flag), kFlag, false, {}, {}});
    }
  }
  if (section != nullptr) {
    for (const auto& [variable, value] : name_variables) {
      const std::string key = lower(std::string_view(variable).substr(
          std::string_view("SNOWFLAKE_CONNECTIONS_").size() + name.size() + 1));
      auto status = add_entry(resolution, key,
                              {value, "env " + variable, kConnectionEnv, false, {}, {}}, false);
      if (!status.ok()) return status.error();
    }
    for (const auto& [key, raw] : section->entries) {
      auto status = add_entry(resolution, key,
                              {raw.text, section->origin, kFile, false, raw.position, raw}, true);
      if (!status.ok()) return status.error();
    }
  }
  for (const auto& spec : kKeys) {
    if (!spec.generic_env) continue;
    const std::string variable = "SNOWFLAKE_" + upper(spec.name);
    if (auto value = env.get(variable); value && !value->empty()) {
      resolution.add(spec.name, {*value, "env " + variable, kGenericEnv, false, {}, {}});
    }
    if (spec.name == "private_key_file") {
      if (auto value = env.get("SNOWFLAKE_PRIVATE_KEY_PATH"); value && !value->empty()) {
        resolution.add(spec.name,
                       {*value, "env SNOWFLAKE_PRIVATE_KEY_PATH", kGenericEnv, true, {}, {}});
      }
    }
  }
  result.unused = std::move(resolution.unused);

  // Two spellings of one key in one source: say which one counts.
  for (const auto& [key, list] : resolution.candidates) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (list[i].rank == list[0].rank && list[i].rank != kGenericEnv) {
        result.warnings.push_back(list[i].source + " is ignored: " + list[0].source +
                                  " also sets " + key);
      }
    }
  }

  // --- effective values and their provenance ---------------------------------------------
  auto record = [&](std::string_view key, std::string value, std::string source,
                    const std::vector<Candidate>* losers) {
    Provenance entry{std::string(key), std::move(value), std::move(source), {}};
    if (losers != nullptr) {
      for (std::size_t i = 1; i < losers->size(); ++i) {
        const auto& loser = (*losers)[i];
        entry.overridden.push_back(loser.source +
                                   (loser.rank == kGenericEnv ? std::string(kGenericNote) : ""));
      }
    }
    result.provenance.push_back(std::move(entry));
  };
  auto take = [&](std::string_view key) -> const Candidate* {
    const auto* winner = resolution.winner(key);
    if (winner != nullptr) {
      record(key, shown(key, winner->value), winner->source,
             &resolution.candidates.find(key)->second);
    }
    return winner;
  };
  auto set_unused = [&](std::string_view key, const std::string& reason) {
    const auto* loser = resolution.winner(key);
    if (loser != nullptr)
      result.unused.push_back({std::string(key), shown(key, loser->value), loser->source, reason});
  };

  ConnectionOptions& out = result.options;
  if (const auto* c = take("account")) out.account = c->value;
  if (const auto* c = take("user")) out.user = c->value;
  if (const auto* c = take("host")) out.host = c->value;
  if (const auto* c = take("port")) {
    auto port = parse_port(*c);
    if (!port.ok()) return port.error();
    out.port = *port;
  }
  if (const auto* c = take("protocol")) {
    const auto protocol = lower(c->value);
    if (protocol != "https" && protocol != "http") {
      return config_error("protocol \"" + c->value + "\" from " + c->source +
                          " is not supported; use https (or http for a local emulator)");
    }
    out.protocol = protocol;
  } else {
    record("protocol", out.protocol, "default", nullptr);
  }
  if (const auto* c = take("role")) out.role = c->value;
  if (const auto* c = take("warehouse")) out.warehouse = c->value;
  if (const auto* c = take("database")) out.database = c->value;
  if (const auto* c = take("schema")) out.schema = c->value;

  // Authentication material: which key source and which token source count.
  const auto* key_file = resolution.winner("private_key_file");
  const auto* key_raw = resolution.winner("private_key_raw");
  if (key_file != nullptr && key_raw != nullptr) {
    if (key_raw->rank < key_file->rank) {
      key_file = nullptr;
    } else {
      key_raw = nullptr;
    }
  }
  const auto* token = resolution.winner("token");
  const auto* token_file = resolution.winner("token_file_path");
  if (token != nullptr && token_file != nullptr) {
    if (token_file->rank < token->rank) {
      token = nullptr;
    } else {
      token_file = nullptr;
    }
  }
  const bool have_key = key_file != nullptr || key_raw != nullptr;
  const bool have_token = token != nullptr || token_file != nullptr;
  // Without an authenticator, the credential from the higher-precedence source decides: a
  // --token flag beats a key in the file.
  const int key_rank = key_file != nullptr  ? key_file->rank
                       : key_raw != nullptr ? key_raw->rank
                                            : kGenericEnv + 1;
  const int token_rank = token != nullptr        ? token->rank
                         : token_file != nullptr ? token_file->rank
                                                 : kGenericEnv + 1;

  // A password, from a SnowSQL habit: the SQL API has no password login.
  bool has_password = env.get("SNOWFLAKE_PASSWORD").has_value();
  if (section != nullptr) {
    for (const auto& [key, raw] : section->entries) {
      const std::string k = lower(key);
      if (k == "password" || k == "pwd") has_password = true;
    }
  }
  std::optional<AuthChoice> auth;
  if (const auto* c = resolution.winner("authenticator")) {
    auth = parse_authenticator(c->value);
    if (!auth && (upper(c->value) == "SNOWFLAKE" || upper(c->value) == "USERNAME_PASSWORD_MFA")) {
      return config_error("authenticator \"" + c->value + "\" from " + c->source + ": " +
                          password_advice(name, out.user, files.connections_path));
    }
    if (!auth) {
      return config_error("authenticator \"" + c->value + "\" from " + c->source +
                          " is not supported by sfq; use SNOWFLAKE_JWT (key pair), OAUTH or "
                          "PROGRAMMATIC_ACCESS_TOKEN");
    }
    take("authenticator");
  } else if (have_key && (!have_token || key_rank <= token_rank)) {
    auth = AuthChoice{AuthMethod::key_pair, "SNOWFLAKE_JWT"};
    record("authenticator", "SNOWFLAKE_JWT",
           have_token ? "default (a private key is configured, from a source at least as high as "
                        "the token's)"
                      : "default (a private key is configured)",
           nullptr);
  } else if (have_token) {
    auth = AuthChoice{AuthMethod::oauth, "OAUTH"};
    record("authenticator", "OAUTH",
           std::string(have_key ? "default (the token comes from a higher-precedence source than "
                                  "the private key"
                                : "default (only a token is configured") +
               "; set authenticator = PROGRAMMATIC_ACCESS_TOKEN for a programmatic access token)",
           nullptr);
  } else {
    auth = AuthChoice{AuthMethod::key_pair, "SNOWFLAKE_JWT"};
    record("authenticator", "SNOWFLAKE_JWT", "default", nullptr);
  }
  out.auth = auth->method;
  const bool key_pair = out.auth == AuthMethod::key_pair;

  std::vector<std::string> problems;
  // A key file that is missing or unreadable is an authentication failure (exit code 3 in the
  // CLI), as a key the server rejects is; other gaps in the connection are configuration errors.
  std::vector<std::string> key_problems;
  const auto check_file = [&](const std::string& path, const std::string& role,
                              const Candidate& from) -> Status {
    FileCheck check = check_file_permissions(path, role, env);
    result.files.push_back(check);
    if (!check.exists) {
      key_problems.push_back(
          role + " " + shell_quote(path) + " (from " + from.source + ") " +
          (check.accessible ? "does not exist" : "cannot be reached (permission denied)"));
    } else if (!check.regular) {
      problems.push_back(role + " " + shell_quote(path) + " (from " + from.source +
                         ") is not a regular file");
    } else if (check.safety == FileSafety::error) {
      return config_error(check.message);
    } else if (check.safety == FileSafety::warning) {
      result.warnings.push_back(check.message);
    }
    return {};
  };

  if (key_pair) {
    if (key_file != nullptr) {
      take("private_key_file");
      out.private_key_file = env.expand_user(key_file->value);
      if (out.private_key_file != key_file->value)
        result.provenance.back().value = out.private_key_file;
      auto status = check_file(out.private_key_file, "private key file", *key_file);
      if (!status.ok()) return status.error();
      set_unused("private_key_raw", "private_key_file is used instead");
    } else if (key_raw != nullptr) {
      take("private_key_raw");
      out.private_key_pem = Secret(key_raw->value);
      set_unused("private_key_file", "private_key_raw is used instead");
    }
    if (const auto* c = take("private_key_passphrase"))
      out.private_key_passphrase = Secret(c->value);
    if (have_token) {
      const std::string_view unused_key = token != nullptr ? "token" : "token_file_path";
      set_unused(unused_key, "not used by key-pair authentication");
      result.warnings.push_back(std::string(unused_key) + " from " +
                                resolution.winner(unused_key)->source +
                                " is not used: authentication is by key pair (authenticator "
                                "SNOWFLAKE_JWT)");
    }
  } else {
    if (token_file != nullptr) {
      take("token_file_path");
      const std::string path = env.expand_user(token_file->value);
      auto status = check_file(path, "token file", *token_file);
      if (!status.ok()) return status.error();
      if (result.files.back().exists && result.files.back().regular) {
        auto text = read_token_file(path);
        if (!text.ok()) return text.error();
        if (text->empty()) {
          problems.push_back("token file " + shell_quote(path) + " (from " + token_file->source +
                             ") is empty");
        } else {
          out.token = Secret(std::move(*text));
          record("token", out.token.masked(), "token file " + path, nullptr);
        }
      }
      set_unused("token", "token_file_path is used instead");
    } else if (token != nullptr) {
      take("token");
      out.token = Secret(token->value);
      set_unused("token_file_path", "token is used instead");
    }
    if (have_key) {
      const std::string_view unused_key =
          key_file != nullptr ? "private_key_file" : "private_key_raw";
      set_unused(unused_key, "not used by token authentication");
      result.warnings.push_back(std::string(unused_key) + " from " +
                                resolution.winner(unused_key)->source +
                                " is not used: authenticator " + std::string(auth->canonical) +
                                " authenticates with a token");
    }
    set_unused("private_key_passphrase", "not used by token authentication");
  }

  if (const auto* c = take("connect_timeout")) {
    auto ms = parse_seconds("connect_timeout", *c);
    if (!ms.ok()) return ms.error();
    // 0: the default (libcurl would read it as its own 300 s).
    if (*ms > 0) out.connect_timeout = std::chrono::milliseconds(*ms);
  }
  if (const auto* c = take("request_timeout")) {
    auto ms = parse_seconds("request_timeout", *c);
    if (!ms.ok()) return ms.error();
    out.request_timeout = std::chrono::milliseconds(*ms);
  }
  if (const auto* c = take("statement_timeout")) {
    auto ms = parse_seconds("statement_timeout", *c);
    if (!ms.ok()) return ms.error();
    if (*ms % 1000 != 0) {
      return config_error("statement_timeout \"" + c->value + "\" from " + c->source +
                          " must be a whole number of seconds");
    }
    out.statement_timeout = std::chrono::seconds(*ms / 1000);
  }
  if (const auto* c = take("total_timeout")) {
    auto ms = parse_seconds("total_timeout", *c);
    if (!ms.ok()) return ms.error();
    out.total_timeout = std::chrono::milliseconds(*ms);
  }

  if (const auto* c = take("ca_file")) out.ca_file = env.expand_user(c->value);
  if (const auto* c = take("insecure_skip_tls_verify")) {
    auto insecure = parse_bool("insecure_skip_tls_verify", *c);
    if (!insecure.ok()) return insecure.error();
    out.insecure_skip_tls_verify = *insecure;
  }

  // --- enough to connect? ----------------------------------------------------------------
  const std::string& connections_file = files.connections_path;
  if (out.account.empty() && (key_pair || out.host.empty())) {
    problems.push_back("account is not set: " +
                       how_to_set("account", name, connections_file, result.connection_found));
  }
  if (key_pair && out.user.empty()) {
    problems.push_back("user is not set (key-pair authentication needs it): " +
                       how_to_set("user", name, connections_file, result.connection_found));
  }
  if (key_pair && !have_key && has_password) {
    problems.push_back(password_advice(name, out.user, connections_file));
  } else if (key_pair && !have_key) {
    problems.push_back(
        "no private key for key-pair authentication: " +
        how_to_set("private_key_file", name, connections_file, result.connection_found) +
        " (or private_key_raw with the PEM text)");
  }
  if (!key_pair && !have_token) {
    problems.push_back("no token for authenticator " + std::string(auth->canonical) + ": " +
                       how_to_set("token", name, connections_file, result.connection_found) +
                       " (or token_file_path)");
  }
  if (problems.empty() && !key_problems.empty() && !options.allow_incomplete) {
    return Error(ErrorCategory::auth, "connection \"" + name + "\": " + join(key_problems, "; "));
  }
  problems.insert(problems.end(), key_problems.begin(), key_problems.end());
  if (!problems.empty()) {
    if (!options.allow_incomplete) {
      std::string message;
      if (!result.connection_found) {
        message = "no connection \"" + name +
                  "\" is defined (known: " + known_list(result.known_connections) +
                  "), and flags and environment variables do not give enough to connect: ";
      } else {
        message = "connection \"" + name + "\" (" + result.connection_origin + ") is incomplete: ";
      }
      message += join(problems, "; ");
      // Someone with no configuration at all is most likely trying sfq out.
      if (!result.connection_found && result.known_connections.empty()) {
        message += ". To try sfq without an account, add --mock (the built-in emulator)";
      }
      return config_error(message);
    }
    result.problems = std::move(problems);
  }
  sfq::log_message(LogLevel::debug, "resolved connection \"" + name + "\" (" +
                                        std::string(auth->canonical) + ") for account \"" +
                                        out.account + "\"");
  return result;
}

}  // namespace sfq::config
