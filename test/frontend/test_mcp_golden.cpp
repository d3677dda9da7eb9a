// Golden transcripts of the `sfq` binary serving MCP (`sfq mcp --mock`, the in-process
// emulator) over pipes: test/data/golden/mcp/*.txt.
//
// A transcript holds the lines sent (`> `) and the lines expected back (`< `), in order, plus
// `# args: …` (the command line after the binary) and `#` comments. The harness sends one line
// at a time; after each it waits for the line's response (when it is a request) and then for the
// answer to a `ping` of its own, whose answer it leaves out, so every message the server wrote
// in reply to a line is recorded right after it. Volatile values are normalised before the
// comparison: statement handles become <handle>, cursors <cursor>, the version <version>, the
// emulator's object creation times <created_on>. A line
// sent may use {{handle}} and {{cursor}}, the last ones received.
//
// SFQ_UPDATE_GOLDEN=1 rewrites the expected lines from what the server answered (review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/mcp_pipe.hpp"

namespace {

namespace fs = std::filesystem;
using sfq::mcp::testing::McpPipe;

/// One line sent and the lines it is expected to produce.
struct Exchange {
  std::string sent;
  std::vector<std::string> replies;
};

struct Transcript {
  std::vector<std::string> args;
  std::string header;  // the leading comment lines, kept when the file is rewritten
  std::vector<Exchange> exchanges;
};

fs::path golden_dir() { return fs::path(SFQ_TEST_DATA_DIR) / "golden" / "mcp"; }

Transcript load(const fs::path& path) {
  Transcript transcript;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0 && transcript.exchanges.empty()) transcript.header += line + "\n";
    if (line.rfind("# args:", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string word;
      while (words >> word) transcript.args.push_back(word);
    } else if (line.rfind("> ", 0) == 0) {
      transcript.exchanges.push_back({line.substr(2), {}});
    } else if (line.rfind("< ", 0) == 0 && !transcript.exchanges.empty()) {
      transcript.exchanges.back().replies.push_back(line.substr(2));
    }
  }
  return transcript;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

class Recorder {
 public:
  /// Notes the volatile values of a received line (handles, cursors).
  void observe(const std::string& line) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (!doc.HasParseError()) collect(doc);
  }

  /// A received line with the volatile values observed so far replaced.
  [[nodiscard]] std::string normalise(const std::string& line) const {
    std::string out = line;
    for (const auto& cursor : cursors_) replace_all(out, cursor, "<cursor>");
    for (const auto& handle : handles_) replace_all(out, handle, "<handle>");
    static const std::regex version(R"re("version":"[0-9][^"]*")re");
    out = std::regex_replace(out, version, R"("version":"<version>")");
    // Creation times of the emulator's objects (SHOW … created_on).
    static const std::regex created(R"re(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z)re");
    out = std::regex_replace(out, created, "<created_on>");
    return out;
  }

  /// Fills {{handle}} and {{cursor}} with the last values received.
  [[nodiscard]] std::string expand(std::string line) const {
    if (!handles_.empty()) replace_all(line, "{{handle}}", handles_.back());
    if (!cursors_.empty()) replace_all(line, "{{cursor}}", cursors_.back());
    return line;
  }

 private:
  void collect(const rapidjson::Value& value) {
    if (value.IsObject()) {
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        const std::string key = it->name.GetString();
        if (it->value.IsString()) {
          const std::string text = it->value.GetString();
          if (key == "statement_handle") remember(handles_, text);
          if (key == "next_cursor") remember(cursors_, text);
          if (key == "text") {
            static const std::regex query_id(
                R"re((?:Query id: |statement handle )([A-Za-z0-9_-]+))re");
            for (std::sregex_iterator m(text.begin(), text.end(), query_id), end; m != end; ++m) {
              remember(handles_, (*m)[1]);
            }
            // A text block may hold the structured result as JSON.
            rapidjson::Document inner;
            inner.Parse(text.data(), text.size());
            if (!inner.HasParseError()) collect(inner);
          }
        } else {
          collect(it->value);
        }
      }
    } else if (value.IsArray()) {
      for (const auto& element : value.GetArray()) collect(element);
    }
  }

  static void remember(std::vector<std::string>& list, const std::string& value) {
    if (value.empty()) return;
    for (const auto& known : list) {
      if (known == value) return;
    }
    list.push_back(value);
  }

  std::vector<std::string> handles_;
  std::vector<std::string> cursors_;
};

/// Runs the transcript's sent lines; returns, for each, the normalised lines it produced.
std::vector<std::vector<std::string>> replay(const Transcript& transcript) {
  std::vector<std::string> argv = {SFQ_BINARY};
  argv.insert(argv.end(), transcript.args.begin(), transcript.args.end());
  McpPipe mcp(argv);
  Recorder recorder;
  std::vector<std::vector<std::string>> received;
  std::size_t seen = 0;
  int sync = 0;
  for (const auto& exchange : transcript.exchanges) {
    const std::string line = recorder.expand(exchange.sent);
    mcp.send(line);
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    // A valid request (string or integer id) has a response of its own to wait for.
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("method") && doc.HasMember("id") &&
        (doc["id"].IsString() || doc["id"].IsInt64())) {
      const std::string id = sfq::mcp::testing::id_of(doc);
      {
        EXPECT_TRUE(mcp.response(id, std::chrono::seconds(60)))
            << "no response to " << line << "\nstderr: " << mcp.stderr_text();
      }
    }
    const std::string sync_id = "\"golden-sync-" + std::to_string(++sync) + "\"";
    mcp.send(R"({"jsonrpc":"2.0","id":)" + sync_id + R"(,"method":"ping"})");
    EXPECT_TRUE(mcp.response(sync_id, std::chrono::seconds(60))) << mcp.stderr_text();
    const auto lines = mcp.lines();
    std::vector<std::string> replies;
    for (; seen < lines.size(); ++seen) {
      if (lines[seen].find(sync_id) == std::string::npos) replies.push_back(lines[seen]);
    }
    // A notification may name a handle before the response that reveals it: look at the whole
    // group first, then normalise.
    for (const auto& reply : replies) recorder.observe(reply);
    for (auto& reply : replies) reply = recorder.normalise(reply);
    received.push_back(std::move(replies));
  }
  mcp.close_input();
  EXPECT_TRUE(mcp.wait_exit()) << "sfq mcp did not exit at end of input";
  EXPECT_EQ(mcp.exit_status(), 0) << mcp.stderr_text();
  return received;
}

void rewrite(const fs::path& path, const Transcript& transcript,
             const std::vector<std::vector<std::string>>& received) {
  std::ofstream out(path);
  out << transcript.header;
  for (std::size_t i = 0; i < transcript.exchanges.size(); ++i) {
    out << "\n> " << transcript.exchanges[i].sent << "\n";
    for (const auto& reply : received[i]) out << "< " << reply << "\n";
  }
}

class mcp_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(mcp_golden, Transcript) {
  const fs::path path = golden_dir() / GetParam();
  const Transcript transcript = load(path);
  ASSERT_FALSE(transcript.exchanges.empty()) << path;
  const auto received = replay(transcript);
  ASSERT_EQ(received.size(), transcript.exchanges.size());
  if (std::getenv("SFQ_UPDATE_GOLDEN") != nullptr) {
    rewrite(path, transcript, received);
    GTEST_SKIP() << "rewrote " << path;
  }
  for (std::size_t i = 0; i < received.size(); ++i) {
    const auto& expected = transcript.exchanges[i].replies;
    EXPECT_EQ(received[i], expected) << path.filename() << ": replies to line " << i + 1 << ":\n> "
                                     << transcript.exchanges[i].sent;
  }
}

std::vector<std::string> transcripts() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(mcp, mcp_golden, ::testing::ValuesIn(transcripts()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
