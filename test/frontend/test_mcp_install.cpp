// test_mcp_install.cpp — `sfq mcp install` through the built binary, against temporary HOME and
// XDG_CONFIG_HOME directories: each client's file and format, merging that keeps every other
// server and setting, the backup, --print, --list, refusals that change nothing, and the
// installed entry started exactly as a client would start it, answering initialize and
// tools/list.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_account.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {
namespace {

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  return doc;
}

std::vector<std::string> backups_of(const std::string& path) {
  std::vector<std::string> found;
  const std::filesystem::path file(path);
  for (const auto& entry : std::filesystem::directory_iterator(file.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(file.filename().string() + ".bak-")) found.push_back(entry.path());
  }
  return found;
}

class McpInstall : public ::testing::Test {
 protected:
  McpInstall() : home_(dir_.make_dir("home")), xdg_(dir_.make_dir("xdg")) {}
  ChildEnv env() const {
    ChildEnv e(home_);
    e.set("XDG_CONFIG_HOME", xdg_);
    return e;
  }
  TempDir dir_;
  std::string home_;
  std::string xdg_;
};

TEST_F(McpInstall, ClaudeDesktopMergeKeepsEverythingElseAndBacksUpTheOldFile) {
  const std::string old =
      "{\"globalShortcut\": \"Ctrl+Space\", \"mcpServers\": {\"files\": {\"command\": \"npx\", "
      "\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp\"], \"env\": "
      "{\"A\": \"1\"}}}}";
  const std::string path = dir_.write_file("xdg/Claude/claude_desktop_config.json", old, 0644);
  const auto result =
      run_sfq({"mcp", "install", "--client", "claude-desktop", "--connection", "prod"}, env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Added the MCP server \"snowflake\" in " + path), std::string::npos)
      << result.out;

  const auto doc = parse(read_file(path));
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["globalShortcut"].GetString(), "Ctrl+Space");
  const auto& servers = doc["mcpServers"];
  ASSERT_TRUE(servers.HasMember("files"));
  EXPECT_EQ(servers["files"], parse(old)["mcpServers"]["files"]) << "the other server is intact";
  const auto& entry = servers["snowflake"];
  EXPECT_EQ(real_path(entry["command"].GetString()), real_path(sfq_binary()));
  EXPECT_EQ(entry["command"].GetString()[0], '/') << "an absolute path";
  ASSERT_EQ(entry["args"].Size(), 3u);
  EXPECT_STREQ(entry["args"][0].GetString(), "mcp");
  EXPECT_STREQ(entry["args"][1].GetString(), "--connection");
  EXPECT_STREQ(entry["args"][2].GetString(), "prod");
  EXPECT_FALSE(entry.HasMember("type")) << "Claude Desktop's format has no type";

  const auto backups = backups_of(path);
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_EQ(read_file(backups[0]), old);
  EXPECT_NE(result.out.find(backups[0]), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("connection \"prod\" is not defined"), std::string::npos) << result.err;

  // Once more with the same flags: nothing to change, no second backup.
  const auto again =
      run_sfq({"mcp", "install", "--client", "claude-desktop", "--connection", "prod"}, env());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing to change"), std::string::npos) << again.out;
  EXPECT_EQ(backups_of(path).size(), 1u);
}

TEST_F(McpInstall, EachClientItsOwnFileAndFormat) {
  struct Case {
    std::string client, file, key;
    bool typed;
  };
  const std::vector<Case> cases = {
      {"cursor", home_ + "/.cursor/mcp.json", "mcpServers", false},
      {"vscode", xdg_ + "/Code/User/mcp.json", "servers", true},
      {"claude-code", home_ + "/.claude.json", "mcpServers", true},
      {"windsurf", home_ + "/.codeium/windsurf/mcp_config.json", "mcpServers", false},
  };
  for (const auto& c : cases) {
    const auto result = run_sfq({"mcp", "install", "--client", c.client, "--allow-write"}, env());
    ASSERT_EQ(result.exit_code, 0) << c.client << ": " << result.err;
    const auto doc = parse(read_file(c.file));
    ASSERT_FALSE(doc.HasParseError()) << c.client;
    ASSERT_TRUE(doc.HasMember(c.key.c_str())) << c.client;
    const auto& entry = doc[c.key.c_str()]["snowflake"];
    EXPECT_EQ(entry.HasMember("type"), c.typed) << c.client;
    if (c.typed) {
      EXPECT_STREQ(entry["type"].GetString(), "stdio");
    }
    ASSERT_EQ(entry["args"].Size(), 2u) << c.client;
    EXPECT_STREQ(entry["args"][1].GetString(), "--allow-write");
    EXPECT_TRUE(backups_of(c.file).empty()) << "a new file needs no backup";
  }
}

TEST_F(McpInstall, ClaudeCodeKeepsItsStateAndFileChoosesAProjectFile) {
  const std::string state =
      "{\"numStartups\": 12, \"projects\": {\"/src/app\": {\"allowedTools\": [\"Bash\"]}}, "
      "\"mcpServers\": {}}";
  const std::string path = dir_.write_file("home/.claude.json", state);
  ASSERT_EQ(run_sfq({"mcp", "install", "--client", "claude-code"}, env()).exit_code, 0);
  const auto doc = parse(read_file(path));
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["numStartups"].GetInt(), 12);
  EXPECT_STREQ(doc["projects"]["/src/app"]["allowedTools"][0].GetString(), "Bash");
  EXPECT_STREQ(doc["mcpServers"]["snowflake"]["type"].GetString(), "stdio");

  // --file: a project's own file, in the client's format; the user-level file is not touched.
  const std::string project = dir_.at("project/.vscode/mcp.json");
  const auto result =
      run_sfq({"mcp", "install", "--client", "vscode", "--file", project, "-c", "dev"}, env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto written = parse(read_file(project));
  ASSERT_FALSE(written.HasParseError());
  EXPECT_STREQ(written["servers"]["snowflake"]["args"][2].GetString(), "dev");
  EXPECT_FALSE(std::filesystem::exists(xdg_ + "/Code/User/mcp.json"));
}

TEST_F(McpInstall, VsCodeCommentsAreReadAndTheLossIsSaid) {
  const std::string old =
      "{\n  // my servers\n  \"servers\": {\"other\": {\"type\": \"stdio\", \"command\": "
      "\"node\", \"args\": [\"x.js\"]},},\n  \"inputs\": []\n}\n";
  const std::string path = dir_.write_file("xdg/Code/User/mcp.json", old);
  const auto result = run_sfq({"mcp", "install", "--client", "vscode"}, env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("comments or trailing commas"), std::string::npos) << result.out;
  const auto doc = parse(read_file(path));
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["servers"]["other"]["command"].GetString(), "node");
  EXPECT_TRUE(doc["inputs"].IsArray());
  EXPECT_TRUE(doc["servers"].HasMember("snowflake"));
  const auto backups = backups_of(path);
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_EQ(read_file(backups[0]), old);
}

TEST_F(McpInstall, RefusalsChangeNothing) {
  // A server of the same name that is not sfq.
  const std::string foreign =
      "{\"mcpServers\": {\"snowflake\": {\"command\": \"uvx\", \"args\": [\"mcp_snowflake\"]}}}";
  const std::string cursor = dir_.write_file("home/.cursor/mcp.json", foreign);
  const auto refused = run_sfq({"mcp", "install", "--client", "cursor"}, env());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("does not run sfq"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(cursor), foreign);
  EXPECT_TRUE(backups_of(cursor).empty());
  // Another name is fine, and keeps the foreign one.
  const auto named =
      run_sfq({"mcp", "install", "--client", "cursor", "--name", "sfq-snowflake"}, env());
  ASSERT_EQ(named.exit_code, 0) << named.err;
  const auto doc = parse(read_file(cursor));
  EXPECT_STREQ(doc["mcpServers"]["snowflake"]["command"].GetString(), "uvx");
  EXPECT_TRUE(doc["mcpServers"].HasMember("sfq-snowflake"));

  // Invalid JSON.
  const std::string broken = "{\"mcpServers\": {";
  const std::string windsurf = dir_.write_file("home/.codeium/windsurf/mcp_config.json", broken);
  const auto invalid = run_sfq({"mcp", "install", "--client", "windsurf"}, env());
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.err.find("is not valid JSON"), std::string::npos) << invalid.err;
  EXPECT_EQ(read_file(windsurf), broken);

  // Unknown client, missing client.
  EXPECT_EQ(run_sfq({"mcp", "install", "--client", "emacs"}, env()).exit_code, 2);
  const auto missing = run_sfq({"mcp", "install"}, env());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--client is required"), std::string::npos) << missing.err;
}

TEST_F(McpInstall, PrintWritesNothing) {
  const auto result = run_sfq({"mcp", "install", "--client", "vscode", "--print"}, env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto doc = parse(result.out);
  ASSERT_FALSE(doc.HasParseError()) << result.out;
  EXPECT_STREQ(doc["servers"]["snowflake"]["type"].GetString(), "stdio");
  EXPECT_STREQ(doc["servers"]["snowflake"]["args"][0].GetString(), "mcp");
  EXPECT_NE(result.err.find(xdg_ + "/Code/User/mcp.json"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(xdg_ + "/Code"));
}

TEST_F(McpInstall, ListShowsInstalledClientsAndWhereSfqRuns) {
  dir_.make_dir("home/.cursor");
  dir_.make_dir("xdg/Claude");
  const auto before = run_sfq({"mcp", "install", "--list"}, env());
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find("cursor          yes"), std::string::npos) << before.out;
  EXPECT_NE(before.out.find("claude-desktop  yes"), std::string::npos) << before.out;
  EXPECT_NE(before.out.find("windsurf        no"), std::string::npos) << before.out;
  EXPECT_NE(before.out.find(xdg_ + "/Claude/claude_desktop_config.json"), std::string::npos);
  ASSERT_EQ(run_sfq({"mcp", "install", "--client", "cursor"}, env()).exit_code, 0);
  const auto after = run_sfq({"mcp", "install", "--list"}, env());
  EXPECT_NE(after.out.find("yes (snowflake)"), std::string::npos) << after.out;
}

TEST(McpInstallRuns, TheInstalledEntryServesAsTheClientStartsIt) {
  CliAccount account;
  ChildEnv env = account.env();
  const auto installed =
      run_sfq({"mcp", "install", "--client", "cursor", "--connection", "default"}, env);
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_EQ(installed.err, "") << "the connection exists: no warning";
  const auto doc = parse(read_file(account.home() + "/.cursor/mcp.json"));
  const auto& entry = doc["mcpServers"]["snowflake"];
  ProcessOptions options;
  options.args.emplace_back(entry["command"].GetString());
  for (const auto& arg : entry["args"].GetArray()) options.args.emplace_back(arg.GetString());
  options.stdin_text =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n"
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
      "\"execute_query\",\"arguments\":{\"query\":\"select 41 + 1 as answer\"}}}\n";
  options.timeout = std::chrono::seconds(60);
  const auto served = run_process(options, env);
  EXPECT_EQ(served.exit_code, 0) << served.err;
  EXPECT_NE(served.out.find("\"id\":1"), std::string::npos) << served.out;
  EXPECT_NE(served.out.find("\"id\":2"), std::string::npos) << served.out;
  EXPECT_NE(served.out.find("42"), std::string::npos) << served.out;
  EXPECT_EQ(served.out.find("\"isError\":true"), std::string::npos) << served.out;
}

}  // namespace
}  // namespace sfq::test_support
