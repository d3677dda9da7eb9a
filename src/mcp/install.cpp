// install.cpp — see install.hpp.
#include "mcp/install.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_files.hpp"
#include "config/environment.hpp"

namespace sfq::mcp {
namespace {

struct Client {
  std::string_view id;
  std::string_view title;
  std::string_view servers_key;  ///< "mcpServers" or "servers"
  bool typed = false;            ///< entries carry "type": "stdio"
};

constexpr std::array<Client, 5> kClients = {{
    {"claude-desktop", "Claude Desktop", "mcpServers", false},
    {"cursor", "Cursor", "mcpServers", false},
    {"vscode", "VS Code", "servers", true},
    {"claude-code", "Claude Code", "mcpServers", true},
    {"windsurf", "Windsurf", "mcpServers", false},
}};

const Client* find_client(std::string_view id) {
  for (const auto& client : kClients) {
    if (client.id == id) return &client;
  }
  return nullptr;
}

std::string config_home(const config::Environment& env) {
  if (auto xdg = env.get("XDG_CONFIG_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
    return *xdg;
  }
  return env.home + "/.config";
}

// The application-data directory of desktop apps (Electron's appData).
std::string app_data(const config::Environment& env) {
#ifdef __APPLE__
  return env.home + "/Library/Application Support";
#else
  return config_home(env);
#endif
}

/// The client's user-level configuration file, and the directory whose presence says the client
/// is installed.
struct Location {
  std::string file;
  std::string marker;
};

Location location_of(const Client& client, const config::Environment& env) {
  const std::string& home = env.home;
  if (client.id == "claude-desktop") {
    const std::string dir = app_data(env) + "/Claude";
    return {dir + "/claude_desktop_config.json", dir};
  }
  if (client.id == "cursor") return {home + "/.cursor/mcp.json", home + "/.cursor"};
  if (client.id == "vscode") {
    const std::string dir = app_data(env) + "/Code/User";
    return {dir + "/mcp.json", app_data(env) + "/Code"};
  }
  if (client.id == "claude-code") return {home + "/.claude.json", home + "/.claude.json"};
  return {home + "/.codeium/windsurf/mcp_config.json", home + "/.codeium/windsurf"};
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::string self_path() {
  std::array<char, PATH_MAX> buffer{};
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return "sfq";
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

std::optional<std::string> read_text(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool make_directories(const std::string& dir, std::string& error) {
  if (dir.empty() || exists(dir)) return true;
  const auto slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !make_directories(dir.substr(0, slash), error)) {
    return false;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool write_file(const std::string& path, const std::string& text, mode_t mode, bool exclusive,
                std::string& error) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  ::fchmod(fd, mode);
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

// Replaces `path` by `text` (a temporary file renamed over it; a symbolic link is followed).
bool replace_file(const std::string& path, const std::string& text, std::string& error) {
  std::string target = path;
  std::array<char, PATH_MAX> resolved{};
  if (::realpath(path.c_str(), resolved.data()) != nullptr) target = resolved.data();
  struct stat info {};
  const mode_t mode =
      ::stat(target.c_str(), &info) == 0 ? static_cast<mode_t>(info.st_mode & 07777) : 0600;
  const std::string temporary = target + ".sfq-" + std::to_string(::getpid()) + ".tmp";
  if (!write_file(temporary, text, mode, true, error)) {
    ::unlink(temporary.c_str());
    return false;
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    error = "cannot replace " + target + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y%m%d-%H%M%S", &local);
  return text.data();
}

std::string pretty(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

rapidjson::Value text(std::string_view s, rapidjson::Document::AllocatorType& allocator) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), allocator);
}

// Whether an entry runs sfq (so it may be updated without --force).
bool runs_sfq(const rapidjson::Value& entry) {
  if (!entry.IsObject()) return false;
  const auto command = entry.FindMember("command");
  if (command == entry.MemberEnd() || !command->value.IsString()) return false;
  const std::string_view path(command->value.GetString(), command->value.GetStringLength());
  const auto slash = path.find_last_of('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == "sfq";
}

struct InstallOptions {
  std::string client;
  std::optional<std::string> connection;
  bool allow_write = false;
  bool print = false;
  bool list = false;
  bool force = false;
  std::string name = "snowflake";
  std::optional<std::string> file;
};

int list_clients(const config::Environment& env) {
  std::ostringstream out;
  out << "CLIENT          INSTALLED  SFQ                CONFIGURATION FILE\n";
  for (const auto& client : kClients) {
    const Location where = location_of(client, env);
    const bool installed = exists(where.marker);
    std::string state = "-";
    if (exists(where.file)) {
      std::string error;
      state = "not configured";
      if (auto content = read_text(where.file, error)) {
        rapidjson::Document document;
        document.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(
            content->c_str());
        if (document.HasParseError() || !document.IsObject()) {
          state = "unreadable JSON";
        } else if (const std::string key(client.servers_key);
                   document.HasMember(key.c_str()) && document[key.c_str()].IsObject()) {
          // Through const views: comparing a rapidjson iterator with one of the other
          // constness is ambiguous in C++20 (clang rejects it).
          for (const auto& server : std::as_const(document)[key.c_str()].GetObject()) {
            if (runs_sfq(server.value)) {
              state = std::string("yes (") + server.name.GetString() + ")";
              break;
            }
          }
        }
      }
    }
    std::string id(client.id);
    id.resize(16, ' ');
    std::string installed_text = installed ? "yes" : "no";
    installed_text.resize(11, ' ');
    std::string state_text = state;
    if (state_text.size() < 19) state_text.resize(19, ' ');
    out << id << installed_text << state_text << where.file << '\n';
  }
  out << "\nAdd sfq to one: sfq mcp install --client CLIENT [--connection NAME]\n";
  std::cout << out.str();
  return 0;
}

int install(const InstallOptions& options, const config::Environment& env) {
  const Client* client = find_client(options.client);
  if (client == nullptr) {
    std::cerr << "sfq mcp install: unknown --client " << options.client
              << "; use claude-desktop, cursor, vscode, claude-code or windsurf\n";
    return 2;
  }
  const Location where = location_of(*client, env);
  const std::string path = options.file ? env.expand_user(*options.file) : where.file;

  // The connection should exist; say so now rather than at the assistant's first tool call.
  if (options.connection) {
    auto files = config::load_config_files(env, std::nullopt);
    if (files && files->find(*options.connection) == nullptr) {
      std::cerr << "sfq mcp install: warning: connection \"" << *options.connection
                << "\" is not defined yet (sfq connection list shows the defined ones); the "
                   "assistant's tool calls will fail until it is\n";
    }
  }

  rapidjson::Document document;
  document.SetObject();
  auto& allocator = document.GetAllocator();
  std::string before;
  bool had_file = false;
  bool lost_comments = false;
  if (!options.print || exists(path)) {
    if (exists(path)) {
      std::string error;
      auto content = read_text(path, error);
      if (!content) {
        std::cerr << "sfq mcp install: " << error << '\n';
        return 1;
      }
      before = std::move(*content);
      had_file = true;
    }
  }
  if (had_file && before.find_first_not_of(" \t\r\n") != std::string::npos) {
    document.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(
        before.c_str());
    if (document.HasParseError()) {
      std::cerr << "sfq mcp install: " << path << " is not valid JSON (at byte "
                << document.GetErrorOffset() << ": "
                << rapidjson::GetParseError_En(document.GetParseError())
                << "); fix it first — nothing was changed\n";
      return 1;
    }
    if (!document.IsObject()) {
      std::cerr << "sfq mcp install: " << path
                << " does not hold a JSON object; fix it first — nothing was changed\n";
      return 1;
    }
    rapidjson::Document strict;
    strict.Parse(before.c_str());
    lost_comments = strict.HasParseError();
  }

  const std::string key(client->servers_key);
  if (!document.HasMember(key.c_str())) {
    document.AddMember(text(key, allocator), rapidjson::Value(rapidjson::kObjectType), allocator);
  }
  rapidjson::Value& servers = document[key.c_str()];
  if (!servers.IsObject()) {
    std::cerr << "sfq mcp install: \"" << key << "\" in " << path
              << " is not an object; fix it first — nothing was changed\n";
    return 1;
  }
  rapidjson::Value entry(rapidjson::kObjectType);
  if (client->typed) entry.AddMember("type", "stdio", allocator);
  entry.AddMember("command", text(self_path(), allocator), allocator);
  rapidjson::Value args(rapidjson::kArrayType);
  args.PushBack("mcp", allocator);
  if (options.connection) {
    args.PushBack("--connection", allocator);
    args.PushBack(text(*options.connection, allocator), allocator);
  }
  if (options.allow_write) args.PushBack("--allow-write", allocator);
  entry.AddMember("args", args, allocator);

  if (options.print) {
    rapidjson::Document snippet;
    snippet.SetObject();
    rapidjson::Value servers_only(rapidjson::kObjectType);
    rapidjson::Value copy(entry, snippet.GetAllocator());
    servers_only.AddMember(text(options.name, snippet.GetAllocator()), copy,
                           snippet.GetAllocator());
    snippet.AddMember(text(key, snippet.GetAllocator()), servers_only, snippet.GetAllocator());
    std::cout << pretty(snippet);
    std::cerr << "sfq mcp install: for " << client->title << ", merge this into " << path
              << " (nothing was written)\n";
    return 0;
  }

  bool updated = false;
  rapidjson::Value* existing =
      servers.HasMember(options.name.c_str()) ? &servers[options.name.c_str()] : nullptr;
  if (existing != nullptr) {
    if (!runs_sfq(*existing) && !options.force) {
      std::cerr << "sfq mcp install: " << path << " already has a server named \"" << options.name
                << "\" that does not run sfq; choose another --name, or --force to replace it\n";
      return 1;
    }
    if (*existing == entry) {
      std::cout << client->title << " already runs this sfq as \"" << options.name << "\" in "
                << path << "; nothing to change\n";
      return 0;
    }
    *existing = entry;
    updated = true;
  } else {
    servers.AddMember(text(options.name, allocator), entry, allocator);
  }
  const std::string after = pretty(document);

  std::string error;
  std::string backup;
  if (had_file) {
    backup = path + ".bak-" + timestamp();
    struct stat info {};
    const mode_t mode =
        ::stat(path.c_str(), &info) == 0 ? static_cast<mode_t>(info.st_mode & 0777) : 0600;
    if (!write_file(backup, before, mode, true, error)) {
      std::cerr << "sfq mcp install: cannot back up " << path << ": " << error
                << " — nothing was changed\n";
      return 1;
    }
  } else {
    const auto slash = path.find_last_of('/');
    if (slash != std::string::npos && !make_directories(path.substr(0, slash), error)) {
      std::cerr << "sfq mcp install: " << error << '\n';
      return 1;
    }
  }
  if (!replace_file(path, after, error)) {
    std::cerr << "sfq mcp install: " << error << '\n';
    return 1;
  }
  // Read it back: the client will.
  std::string reread_error;
  auto reread = read_text(path, reread_error);
  rapidjson::Document check;
  if (reread) check.Parse(reread->c_str());
  if (!reread || check.HasParseError() || !check.IsObject() || !check.HasMember(key.c_str())) {
    std::cerr << "sfq mcp install: " << path << " did not read back as JSON"
              << (backup.empty() ? "" : "; the old file is " + backup) << '\n';
    return 1;
  }

  std::ostringstream out;
  out << (updated ? "Updated" : "Added") << " the MCP server \"" << options.name << "\" in " << path
      << (had_file ? "" : " (new file)") << ":\n\n"
      << "  " << self_path() << " mcp"
      << (options.connection ? " --connection " + *options.connection : std::string())
      << (options.allow_write ? " --allow-write" : "") << "\n\n";
  if (!backup.empty()) out << "The previous file is saved as " << backup << ".\n";
  if (lost_comments) {
    out << "Note: the file had comments or trailing commas, which JSON output cannot keep; they "
           "are in the backup.\n";
  }
  if (!options.allow_write) {
    out << "The server is read-only (--allow-write adds the execute_statement tool).\n";
  }
  if (!options.file && !exists(where.marker)) {
    out << "Note: " << client->title << " does not seem to be installed (" << where.marker
        << " does not exist); the file is ready for when it is.\n";
  }
  out << "Restart " << client->title << " (or reload its MCP servers) to use it.\n";
  std::cout << out.str();
  return 0;
}

}  // namespace

int run_install(int argc, char** argv) {
  InstallOptions options;
  CLI::App app{"sfq mcp install — add this sfq to an AI assistant's MCP configuration file",
               "sfq mcp install"};
  app.add_option("--client", options.client,
                 "claude-desktop, cursor, vscode, claude-code or windsurf")
      ->check(CLI::IsMember({"claude-desktop", "cursor", "vscode", "claude-code", "windsurf"}))
      ->type_name("CLIENT");
  app.add_option_function<std::string>(
         "-c,--connection", [&options](const std::string& v) { options.connection = v; },
         "the connection the server uses (default: the default connection)")
      ->type_name("NAME");
  app.add_flag("--allow-write", options.allow_write,
               "let the assistant run statements that write (sfq mcp --allow-write)");
  app.add_option("--name", options.name, "the server's name in the file")
      ->capture_default_str()
      ->type_name("SERVER");
  app.add_option_function<std::string>(
         "--file", [&options](const std::string& v) { options.file = v; },
         "write this file instead of the client's user-level one (e.g. a project's "
         ".vscode/mcp.json or .cursor/mcp.json)")
      ->type_name("PATH");
  app.add_flag("--force", options.force, "replace a server of the same name that does not run sfq");
  app.add_flag("--print", options.print, "print the JSON to add instead of writing the file");
  app.add_flag("--list", options.list,
               "show the supported clients, which are installed and which already run sfq");
  app.footer(
      "Every other server and setting in the file is kept; the old file is saved as "
      "FILE.bak-YYYYmmdd-HHMMSS. HOME and XDG_CONFIG_HOME choose the locations.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "sfq mcp install: " << e.what()
              << "\nRun 'sfq mcp install --help' for the "
                 "options.\n";
    return 2;
  }
  const config::Environment env = config::Environment::from_process();
  if (env.home.empty()) {
    std::cerr << "sfq mcp install: the home directory is unknown (HOME is not set)\n";
    return 2;
  }
  if (options.list) return list_clients(env);
  if (options.client.empty()) {
    std::cerr << "sfq mcp install: --client is required (or --list)\nRun 'sfq mcp install "
                 "--help' for the options.\n";
    return 2;
  }
  return install(options, env);
}

}  // namespace sfq::mcp
