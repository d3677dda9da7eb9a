// connections.cpp — see connections.hpp.
#include "cli/connections.hpp"

#include <fcntl.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/keygen.hpp"
#include "cli/terminal.hpp"
#include "config/config_files.hpp"
#include "config/connection_writer.hpp"
#include "config/environment.hpp"
#include "config/file_permissions.hpp"
#include "config/resolve.hpp"
#include "sfq/keys.hpp"
#include "sfq/names.hpp"
#include "util/text.hpp"

namespace sfq::cli {
namespace {

void print(int fd, std::string_view text) {
  try {
    write_all(fd, text);
  } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
  }
}

int fail(int code, const std::string& message) {
  print(STDERR_FILENO, "sfq: error: " + one_line(message) + "\n");
  return code;
}

using util::lower;
using util::upper;

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// --- account ------------------------------------------------------------------------------

bool is_account_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

}  // namespace

NormalisedAccount normalise_account(std::string_view pasted) {
  NormalisedAccount out;
  std::string id = sfq::account_identifier(pasted);
  const std::string given = trim(pasted);
  if (id.empty() || !std::all_of(id.begin(), id.end(), is_account_char)) return out;
  if (id != given) out.note = "\"" + given + "\" is read as the account identifier \"" + id + "\"";
  // "org.account" (the SQL form): the part after the dot is an account name, not a region, when
  // it has no hyphen (every region has one) and is no cloud or connection-type keyword.
  const std::size_t dot = id.find('.');
  if (dot != std::string::npos && id.find('.', dot + 1) == std::string::npos) {
    const std::string second = lower(id.substr(dot + 1));
    const bool keyword = second == "aws" || second == "azure" || second == "gcp" ||
                         second == "privatelink" || second == "global";
    if (!second.empty() && second.find('-') == std::string::npos && !keyword) {
      const std::string dashed = id.substr(0, dot) + "-" + id.substr(dot + 1);
      out.note = "\"" + given + "\" is the SQL form organization.account; connections write it \"" +
                 dashed + "\"";
      id = dashed;
    }
  }
  out.account = id;
  out.host = sfq::default_host(id);
  out.jwt_account = sfq::jwt_account_name(id);
  return out;
}

namespace {

// --- questions on the terminal -------------------------------------------------------------

class Asker {
 public:
  explicit Asker(bool interactive) : interactive_(interactive) {}
  [[nodiscard]] bool interactive() const { return interactive_; }

  /// Asks `question`; Enter takes `fallback`. nullopt at end of input.
  std::optional<std::string> ask(const std::string& question, const std::string& fallback = "") {
    print(STDOUT_FILENO, question + (fallback.empty() ? "" : " [" + fallback + "]") + ": ");
    std::string line;
    char c = 0;
    while (true) {
      const ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      if (c == '\n') break;
      line += c;
    }
    line = trim(line);
    return line.empty() ? fallback : line;
  }

  /// A yes/no question; Enter takes `fallback`.
  std::optional<bool> confirm(const std::string& question, bool fallback) {
    while (true) {
      auto answer = ask(question + (fallback ? " [Y/n]" : " [y/N]"));
      if (!answer) return std::nullopt;
      const std::string a = lower(*answer);
      if (a.empty()) return fallback;
      if (a == "y" || a == "yes") return true;
      if (a == "n" || a == "no") return false;
      print(STDOUT_FILENO, "  Please answer y or n.\n");
    }
  }

 private:
  bool interactive_;
};

struct Cancelled {};

// The value of a flag, else (on a terminal) the answer; `required` values are asked again when
// empty.
std::string value_of(Asker& asker, const std::optional<std::string>& flag,
                     const std::string& question, const std::string& fallback, bool required,
                     std::vector<std::string>& missing, const std::string& flag_name) {
  if (flag) return *flag;
  if (!asker.interactive()) {
    if (required && fallback.empty()) missing.push_back(flag_name);
    return fallback;
  }
  while (true) {
    auto answer = asker.ask(question, fallback);
    if (!answer) throw Cancelled{};
    if (!answer->empty() || !required) return *answer;
    print(STDOUT_FILENO, "  This one is needed.\n");
  }
}

std::string absolute_path(const config::Environment& env, const std::string& path) {
  std::string expanded = env.expand_user(path);
  if (!expanded.empty() && expanded.front() != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) != nullptr) expanded = std::string(cwd) + "/" + expanded;
  }
  return expanded;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A name usable as a file name: letters, digits, '-' and '_' kept, the rest '_'.
std::string file_safe(std::string_view name) {
  std::string out;
  for (const char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ? c : '_';
  }
  return out.empty() ? std::string("connection") : out;
}

// The user as ALTER USER takes it: bare when it is a plain identifier, else double-quoted.
std::string user_identifier(std::string_view user) {
  const bool plain =
      !user.empty() &&
      (std::isalpha(static_cast<unsigned char>(user.front())) != 0 || user.front() == '_') &&
      std::all_of(user.begin(), user.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
      });
  if (plain) return std::string(user);
  std::string quoted = "\"";
  for (const char c : user) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string canonical_authenticator(std::string_view text) {
  const std::string a = upper(trim(text));
  if (a.empty() || a == "SNOWFLAKE_JWT" || a == "KEYPAIR_JWT" || a == "JWT") return "SNOWFLAKE_JWT";
  if (a == "OAUTH") return "OAUTH";
  if (a == "PROGRAMMATIC_ACCESS_TOKEN" || a == "PAT") return "PROGRAMMATIC_ACCESS_TOKEN";
  return "";
}

struct KeyOutcome {
  std::string private_path;
  std::string public_path;  ///< when generated
  std::string public_key_base64;
  std::string fingerprint;
  bool generated = false;
  bool encrypted = false;
  std::string note;  ///< why no ALTER USER statement can be printed, when it cannot
};

std::string base64_body(std::string_view pem) {
  std::string out;
  std::istringstream lines{std::string(pem)};
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.starts_with("-----")) continue;
    out += line;
  }
  return out;
}

}  // namespace

int run_connection_add(const ConnectionAddOptions& options, InterruptWatcher& interrupts) {
  const config::Environment env = config::Environment::from_process();
  auto files = config::load_config_files(env, std::nullopt);
  if (!files) return fail(kExitUsage, files.error().what());
  const bool interactive =
      !options.no_interactive && ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
  Asker asker(interactive);
  std::vector<std::string> missing;
  if (options.generate_key && options.token_file_path) {
    return fail(kExitUsage,
                "--generate-key is for key-pair authentication; --token-file-path for "
                "OAUTH and PROGRAMMATIC_ACCESS_TOKEN: give one of them");
  }
  if (options.encrypt && !options.generate_key && options.private_key_file) {
    return fail(kExitUsage, "--encrypt applies to a key sfq generates (--generate-key)");
  }

  try {
    if (interactive) {
      print(STDOUT_FILENO, "Add a Snowflake connection to " +
                               (files->connections_origin == "config.toml" &&
                                        ::access(files->connections_path.c_str(), F_OK) != 0
                                    ? files->config_path
                                    : files->connections_path) +
                               ". Enter takes the value in [brackets].\n");
    }
    // Name.
    const bool have_default = files->find("default") != nullptr;
    std::string name = value_of(asker, options.name, "Connection name",
                                have_default ? "" : "default", true, missing, "--name");
    bool replace = options.force;
    if (!name.empty() && files->find(name) != nullptr && !replace && interactive) {
      const auto* existing = files->find(name);
      auto yes = asker.confirm(
          "Connection \"" + name + "\" exists (" + existing->origin + "). Replace it?", false);
      if (!yes) throw Cancelled{};
      if (!*yes)
        return fail(kExitClientError, "nothing written: connection \"" + name +
                                          "\" exists (use --force to replace it)");
      replace = true;
    }

    if (!replace && files->find(name) != nullptr) {
      return fail(kExitClientError, "connection \"" + name + "\" already exists (" +
                                        files->find(name)->origin +
                                        "); use --force to replace it, or choose another --name");
    }

    // Account.
    NormalisedAccount account;
    std::optional<std::string> account_flag = options.account;
    while (true) {
      const std::string pasted =
          value_of(asker, account_flag, "Account (identifier or URL, as copied from Snowsight)", "",
                   true, missing, "--account");
      if (pasted.empty()) break;
      account = normalise_account(pasted);
      if (!account.account.empty()) break;
      const std::string message =
          "\"" + pasted +
          "\" is not an account identifier (e.g. myorg-myaccount, "
          "xy12345.eu-west-1 or https://myorg-myaccount.snowflakecomputing.com)";
      if (!interactive || options.account) return fail(kExitUsage, "--account: " + message);
      print(STDOUT_FILENO, "  " + message + "\n");
    }
    if (!account.account.empty()) {
      std::string shown = "  account = " + account.account + "  (host " +
                          (options.host ? *options.host : account.host) + ", JWT account " +
                          account.jwt_account + ")\n";
      if (!account.note.empty()) shown = "  " + account.note + "\n" + shown;
      print(interactive ? STDOUT_FILENO : STDERR_FILENO, shown);
    }

    // User, authenticator.
    const std::string user = value_of(asker, options.user, "User", "", true, missing, "--user");
    std::string authenticator = "SNOWFLAKE_JWT";
    if (options.authenticator || (interactive && !options.private_key_file &&
                                  !options.generate_key && !options.token_file_path)) {
      while (true) {
        const std::string given =
            value_of(asker, options.authenticator,
                     "Authenticator: SNOWFLAKE_JWT (key pair), OAUTH or PROGRAMMATIC_ACCESS_TOKEN",
                     "SNOWFLAKE_JWT", false, missing, "--authenticator");
        authenticator = canonical_authenticator(given);
        if (!authenticator.empty()) break;
        const std::string message = "\"" + given +
                                    "\" is not an authenticator sfq can use over the SQL API: "
                                    "SNOWFLAKE_JWT, OAUTH or PROGRAMMATIC_ACCESS_TOKEN";
        if (options.authenticator) return fail(kExitUsage, "--authenticator: " + message);
        print(STDOUT_FILENO, "  " + message + "\n");
      }
    } else if (options.token_file_path) {
      return fail(kExitUsage,
                  "--token-file-path needs --authenticator OAUTH or PROGRAMMATIC_ACCESS_TOKEN");
    }
    const bool key_pair = authenticator == "SNOWFLAKE_JWT";
    if (!key_pair && (options.generate_key || options.private_key_file)) {
      return fail(kExitUsage,
                  "a private key is for --authenticator SNOWFLAKE_JWT, not " + authenticator);
    }

    // Key (or token file).
    bool generate = options.generate_key;
    std::string key_path;
    std::string token_file;
    if (key_pair) {
      if (options.private_key_file) {
        key_path = absolute_path(env, *options.private_key_file);
      } else if (!generate && interactive) {
        const std::string answer =
            value_of(asker, std::nullopt,
                     "Private key: the path of a PKCS#8 .p8 file, or Enter to generate a new pair",
                     "generate", false, missing, "--private-key-file");
        if (lower(answer) == "generate") {
          generate = true;
        } else {
          key_path = absolute_path(env, answer);
        }
      } else if (!generate) {
        missing.emplace_back("--private-key-file or --generate-key");
      }
      if (generate && key_path.empty() && !name.empty()) {
        key_path = files->directory.path + "/keys/" + file_safe(name) + ".p8";
      }
    } else {
      token_file =
          absolute_path(env, value_of(asker, options.token_file_path, "File holding the token", "",
                                      true, missing, "--token-file-path"));
    }

    // Context.
    const std::string role = value_of(asker, options.role, "Role (Enter: the user's default role)",
                                      "", false, missing, "--role");
    const std::string warehouse =
        value_of(asker, options.warehouse, "Warehouse (Enter: the user's default warehouse)", "",
                 false, missing, "--warehouse");
    const std::string database = value_of(asker, options.database, "Database (Enter: none)", "",
                                          false, missing, "--database");
    const std::string schema =
        value_of(asker, options.schema, "Schema (Enter: none)", "", false, missing, "--schema");

    if (!missing.empty()) {
      std::string list;
      for (const auto& flag : missing) list += (list.empty() ? "" : ", ") + flag;
      return fail(kExitUsage, "sfq connection add needs " + list +
                                  (interactive ? ""
                                               : " (stdin is not a terminal, or "
                                                 "--no-interactive: nothing is asked)"));
    }

    bool make_default = options.make_default;
    if (!make_default && interactive) {
      const bool none_yet = files->connections.empty();
      auto yes = asker.confirm("Make \"" + name + "\" the default connection?", none_yet);
      if (!yes) throw Cancelled{};
      make_default = *yes;
    }

    if (options.port) {
      const std::string& port = *options.port;
      const bool digits =
          !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
          });
      if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
        return fail(kExitUsage, "--port " + port + " is not a TCP port (1-65535)");
      }
    }
    if (options.protocol && lower(*options.protocol) != "https" &&
        lower(*options.protocol) != "http") {
      return fail(kExitUsage, "--protocol " + *options.protocol + ": use https or http");
    }

    if (!token_file.empty() && ::access(token_file.c_str(), R_OK) != 0) {
      return fail(kExitUsage, "token file " + token_file + ": " + std::strerror(errno));
    }

    // The key: generate it now (nothing has been written yet), or read the given one.
    KeyOutcome key;
    key.private_path = key_path;
    if (key_pair && generate) {
      std::string secret;
      if (options.encrypt) {
        std::string error;
        auto phrase = ask_new_passphrase(interrupts, error);
        if (!phrase) return fail(kExitClientError, error);
        secret = std::move(*phrase);
        key.encrypted = true;
      }
      const std::string dir = key_path.substr(0, key_path.find_last_of('/'));
      struct stat info {};
      if (!dir.empty() && ::stat(dir.c_str(), &info) != 0) {
        std::string partial;
        for (std::size_t i = 1; i <= dir.size(); ++i) {
          if (i == dir.size() || dir[i] == '/') {
            partial = dir.substr(0, i);
            if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
              return fail(kExitClientError,
                          "cannot create " + partial + ": " + std::strerror(errno));
            }
          }
        }
      }
      std::string public_path = key_path;
      if (public_path.ends_with(".p8")) public_path.resize(public_path.size() - 3);
      public_path += ".pub";
      if (!options.force) {
        for (const auto& path : {key_path, public_path}) {
          if (::access(path.c_str(), F_OK) == 0) {
            return fail(kExitClientError,
                        path +
                            " already exists: use it with --private-key-file, or --force to "
                            "replace it");
          }
        }
      }
      auto pair = generate_key_pair(2048, secret);
      if (!pair) return fail(kExitClientError, pair.error().what());
      std::string error;
      if (!write_private_file(key_path, pair->private_key_pem, options.force, error) ||
          !write_private_file(public_path, pair->public_key_pem, options.force, error)) {
        return fail(kExitClientError, error);
      }
      key.generated = true;
      key.public_path = public_path;
      key.public_key_base64 = pair->public_key_base64();
      key.fingerprint = pair->fingerprint;
    } else if (key_pair) {
      if (::access(key_path.c_str(), R_OK) != 0) {
        return fail(kExitUsage, "private key " + key_path + ": " + std::strerror(errno) +
                                    " (give --generate-key to make a new key pair)");
      }
      const std::string pem = read_whole(key_path);
      if (pem.find("PRIVATE KEY-----") == std::string::npos) {
        return fail(kExitUsage, key_path +
                                    " is not a PEM private key (expected -----BEGIN PRIVATE "
                                    "KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
      }
      key.encrypted = pem.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos;
      std::string phrase;
      if (key.encrypted) {
        if (auto env_phrase = env.get("PRIVATE_KEY_PASSPHRASE");
            env_phrase && !env_phrase->empty()) {
          phrase = *env_phrase;
        } else if (interactive) {
          const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
          if (tty >= 0) {
            auto answer = ask_hidden(tty, "Passphrase for " + key_path + ": ", interrupts);
            ::close(tty);
            if (answer) phrase = *answer;
          }
        }
      }
      if (key.encrypted && phrase.empty()) {
        key.note =
            "the key is encrypted and no passphrase was given, so its public key cannot "
            "be shown: run sfq keygen's statement for it, or set PRIVATE_KEY_PASSPHRASE "
            "and run this again";
      } else {
        auto public_pem = public_key_from_private(pem, phrase);
        if (!public_pem) return fail(kExitUsage, key_path + ": " + public_pem.error().what());
        auto fingerprint = public_key_fingerprint(*public_pem);
        key.public_key_base64 = base64_body(*public_pem);
        if (fingerprint) key.fingerprint = *fingerprint;
      }
    }

    // The table, in the order people read it.
    config::WriteConnectionRequest request;
    request.name = name;
    request.replace = replace;
    request.make_default = make_default;
    auto add = [&request](std::string key_name, const std::string& value, bool integer = false) {
      if (!value.empty()) request.entries.push_back({std::move(key_name), value, integer});
    };
    add("account", account.account);
    add("user", user);
    if (options.host) add("host", *options.host);
    if (options.port) add("port", *options.port, true);
    if (options.protocol) add("protocol", lower(*options.protocol));
    add("authenticator", authenticator);
    add("private_key_file", key_path);
    add("token_file_path", token_file);
    add("role", role);
    add("warehouse", warehouse);
    add("database", database);
    add("schema", schema);

    auto written = config::write_connection(request, env);
    if (!written) {
      return fail(kExitClientError, written.error().what());
    }

    std::string out;
    if (key.generated) {
      out += "Wrote " + key.private_path + " (private key, PKCS#8" +
             (key.encrypted ? ", encrypted" : ", not encrypted") + ", mode 0600)\n";
      out += "Wrote " + key.public_path + " (public key)\n";
    }
    out += std::string(written->replaced ? "Replaced" : "Added") + " connection \"" + name +
           "\" in " + written->path + (written->created_file ? " (new file, mode 0600)" : "") +
           ":\n\n";
    out += "  " + written->header + "\n";
    for (const auto& entry : request.entries) {
      out += "  " + entry.key + " = " +
             (entry.integer ? entry.value : config::toml_string(entry.value)) + "\n";
    }
    out += "\n";
    if (!written->default_path.empty()) {
      out += "It is the default connection now (default_connection_name in " +
             written->default_path + ").\n\n";
    }
    for (const auto& note : written->notes) out += "Note: " + note + ".\n";
    if (key_pair) {
      if (!key.public_key_base64.empty()) {
        out += "Register the public key (fingerprint " + key.fingerprint +
               ") as a user allowed to alter " + user + ":\n\n";
        out += "  ALTER USER " + user_identifier(user) + " SET RSA_PUBLIC_KEY='" +
               key.public_key_base64 + "';\n\n";
        out += "(DESC USER " + user_identifier(user) +
               " then shows the same fingerprint in RSA_PUBLIC_KEY_FP.)\n";
      } else {
        out += "Note: " + key.note + ".\n";
      }
      if (key.encrypted) {
        out +=
            "The key is encrypted: export PRIVATE_KEY_PASSPHRASE, or sfq asks for the "
            "passphrase on a terminal.\n";
      }
    }
    const std::string dash_c = written->default_path.empty() ? " -c " + config::toml_key(name) : "";
    out += "Then try it: sfq" + dash_c + " -q \"select current_user(), current_role()\"\n";
    print(STDOUT_FILENO, out);
    return kExitSuccess;
  } catch (const Cancelled&) {
    print(STDOUT_FILENO, "\n");
    return fail(kExitClientError, "cancelled: nothing was written");
  }
}

// --- list --------------------------------------------------------------------------------------

namespace {

struct Listed {
  std::string name;
  std::string source;  ///< "connections.toml", "config.toml", "SnowSQL", "environment", ...
  std::string origin;  ///< file and table, or the variables
  std::string account, user, authenticator, role, warehouse, database, schema;
  std::vector<std::string> overrides;  ///< SNOWFLAKE_CONNECTIONS_<NAME>_* variables
  std::string problem;
  bool is_default = false;
};

std::string source_label(const config::ConnectionSection& section) {
  if (section.snowsql) return "SnowSQL";
  if (section.origin.rfind("env ", 0) == 0) return "env SNOWFLAKE_CONNECTIONS";
  if (section.origin.find("[connections.") != std::string::npos) return "config.toml";
  return "connections.toml";
}

std::string auth_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::key_pair:
      return "SNOWFLAKE_JWT";
    case AuthMethod::oauth:
      return "OAUTH";
    case AuthMethod::programmatic_access_token:
      return "PROGRAMMATIC_ACCESS_TOKEN";
  }
  return "";
}

void fill_from(Listed& row, const ConnectionOptions& o) {
  row.account = o.account;
  row.user = o.user;
  row.authenticator = auth_name(o.auth);
  row.role = o.role;
  row.warehouse = o.warehouse;
  row.database = o.database;
  row.schema = o.schema;
}

std::string pad(std::string text, std::size_t width) {
  // Column widths count bytes; names and accounts are ASCII in practice.
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

int run_connection_list(const ConnectionListOptions& options) {
  const config::Environment env = config::Environment::from_process();
  auto files = config::load_config_files(env, std::nullopt);
  if (!files) return fail(kExitUsage, files.error().what());

  std::string default_name = "default";
  std::string default_reason = "no default is named, so \"default\"";
  if (auto chosen = env.get("SNOWFLAKE_DEFAULT_CONNECTION_NAME"); chosen && !chosen->empty()) {
    default_name = *chosen;
    default_reason = "env SNOWFLAKE_DEFAULT_CONNECTION_NAME";
  } else if (files->default_connection_name) {
    default_name = *files->default_connection_name;
    default_reason = files->default_connection_position + " default_connection_name";
  }

  std::vector<Listed> rows;
  for (const auto& section : files->connections) {
    Listed row;
    row.name = section.name;
    row.source = source_label(section);
    row.origin = section.origin;
    const std::string prefix = "SNOWFLAKE_CONNECTIONS_" + upper(section.name) + "_";
    for (const auto& [variable, value] : env.variables) {
      if (variable.rfind(prefix, 0) == 0 && variable.size() > prefix.size()) {
        row.overrides.push_back(variable);
      }
    }
    config::Overrides overrides;
    overrides.connection_name = section.name;
    config::ResolveOptions resolve_options;
    resolve_options.allow_incomplete = true;
    auto resolved = config::resolve_connection(overrides, env, resolve_options);
    if (resolved) {
      fill_from(row, resolved->options);
      for (const auto& problem : resolved->problems) {
        row.problem += (row.problem.empty() ? "" : "; ") + problem;
      }
    } else {
      row.problem = resolved.error().what();
    }
    row.is_default = section.name == default_name;
    rows.push_back(std::move(row));
  }
  // SNOWFLAKE_ACCOUNT & co. make a connection of their own when no file defines "default".
  if (files->find("default") == nullptr && env.get("SNOWFLAKE_ACCOUNT")) {
    Listed row;
    row.name = "default";
    row.source = "environment";
    for (const auto& [variable, value] : env.variables) {
      if (variable.rfind("SNOWFLAKE_", 0) == 0 && variable.rfind("SNOWFLAKE_CONNECTIONS", 0) != 0 &&
          variable != "SNOWFLAKE_DEFAULT_CONNECTION_NAME" && variable != "SNOWFLAKE_HOME") {
        row.origin += (row.origin.empty() ? "env " : ", ") + variable;
      }
    }
    config::ResolveOptions resolve_options;
    resolve_options.allow_incomplete = true;
    auto resolved = config::resolve_connection(config::Overrides{}, env, resolve_options);
    if (resolved && resolved->connection_name == "default") {
      fill_from(row, resolved->options);
      for (const auto& problem : resolved->problems) {
        row.problem += (row.problem.empty() ? "" : "; ") + problem;
      }
    } else {
      row.account = *env.get("SNOWFLAKE_ACCOUNT");
      row.user = env.get("SNOWFLAKE_USER").value_or("");
    }
    row.is_default = default_name == "default";
    rows.push_back(std::move(row));
  }
  const bool default_found =
      std::any_of(rows.begin(), rows.end(), [](const Listed& r) { return r.is_default; });

  for (const auto& warning : files->warnings) {
    print(STDERR_FILENO, "sfq: warning: " + one_line(warning) + "\n");
  }
  if (lower(options.format) == "json") {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    auto string = [&writer](std::string_view key, const std::string& value) {
      writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      if (value.empty()) {
        writer.Null();
      } else {
        writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
      }
    };
    writer.StartObject();
    string("default", default_name);
    string("default_reason", default_reason);
    writer.Key("default_defined");
    writer.Bool(default_found);
    string("config_directory", files->directory.path);
    writer.Key("connections");
    writer.StartArray();
    for (const auto& row : rows) {
      writer.StartObject();
      string("name", row.name);
      writer.Key("default");
      writer.Bool(row.is_default);
      string("source", row.source);
      string("origin", row.origin);
      string("account", row.account);
      string("user", row.user);
      string("authenticator", row.authenticator);
      string("role", row.role);
      string("warehouse", row.warehouse);
      string("database", row.database);
      string("schema", row.schema);
      writer.Key("env_overrides");
      writer.StartArray();
      for (const auto& variable : row.overrides) {
        writer.String(variable.data(), static_cast<rapidjson::SizeType>(variable.size()));
      }
      writer.EndArray();
      string("problem", row.problem);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    print(STDOUT_FILENO, std::string(buffer.GetString(), buffer.GetSize()) + "\n");
    return kExitSuccess;
  }

  if (rows.empty()) {
    print(STDOUT_FILENO, "No connections. Looked in " + files->connections_path + ", " +
                             files->config_path +
                             ", SnowSQL's ~/.snowsql/config and SNOWFLAKE_* variables.\n"
                             "Add one: sfq connection add\n");
    return kExitSuccess;
  }
  std::size_t name_width = 4;
  std::size_t account_width = 7;
  std::size_t user_width = 4;
  std::size_t auth_width = 13;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.name.size() + 2);
    account_width = std::max(account_width, row.account.size());
    user_width = std::max(user_width, row.user.size());
    auth_width = std::max(auth_width, row.authenticator.size());
  }
  std::string out = pad("NAME", name_width) + "  " + pad("ACCOUNT", account_width) + "  " +
                    pad("USER", user_width) + "  " + pad("AUTHENTICATOR", auth_width) +
                    "  SOURCE\n";
  for (const auto& row : rows) {
    out += pad((row.is_default ? "* " : "  ") + row.name, name_width) + "  " +
           pad(row.account, account_width) + "  " + pad(row.user, user_width) + "  " +
           pad(row.authenticator, auth_width) + "  " + row.origin + "\n";
    if (!row.overrides.empty()) {
      std::string variables;
      for (const auto& v : row.overrides) variables += (variables.empty() ? "" : ", ") + v;
      out += pad("", name_width) + "  overridden by " + variables + "\n";
    }
    if (!row.problem.empty())
      out += pad("", name_width) + "  problem: " + one_line(row.problem) + "\n";
  }
  out += "\n* default: " + default_name + " (" + default_reason + ")";
  if (!default_found) out += " — not defined: sfq without -c fails until it is";
  out += "\n";
  print(STDOUT_FILENO, out);
  return kExitSuccess;
}

}  // namespace sfq::cli
