// fuzz_mcp.cpp — libFuzzer target: the MCP message handler (sfq::mcp::Session, src/mcp/session.hpp)
// with the scripted backend of the session tests (test/frontend/support/mcp_fake_backend.hpp),
// which answers every statement with a small result of several column types.
//
// Input: up to eight lines, handed to one fresh session in order; each request line is answered
// before the next line is sent. Properties: every line the server writes is one valid JSON-RPC
// 2.0 message — a response (id plus exactly one of `result` object or `error` with an integer
// code and a string message) or a notification (method, no id); a response's id is the canonical
// id of a line sent (or null for a line that is not a valid message); every request gets a
// response (one left unanswered for 20 s is reported as a hang), and no line more than one.
#include <rapidjson/document.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mcp/executor.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "mcp/transport.hpp"
#include "support/mcp_fake_backend.hpp"

namespace {

using sfq::mcp::testing::column;
using sfq::mcp::testing::FakeBackend;
using sfq::mcp::testing::FakeResult;

[[noreturn]] void fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "MCP property broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

FakeResult fake_result() {
  FakeResult r;
  r.columns = {column("N", "fixed"), column("S", "text"), column("V", "variant"),
               column("B", "boolean")};
  r.rows = {{"1", R"("one")", R"({"k":[1,2]})", "true"},
            {"-2.5", "null", R"("\u0000\u2028")", "false"}};
  return r;
}

// Reads everything written to the memory file so far.
std::string contents(int fd) {
  std::string out;
  char buffer[65536];
  for (off_t offset = 0;;) {
    const ssize_t n = pread(fd, buffer, sizeof buffer, offset);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    lines.emplace_back(text.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

// Checks one line the server wrote; returns the canonical id of a response, "" for a
// notification.
std::string check_message(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) fail("output line is not a JSON object", line);
  if (!doc.HasMember("jsonrpc") || !doc["jsonrpc"].IsString() ||
      std::string_view(doc["jsonrpc"].GetString()) != "2.0") {
    fail("output line without \"jsonrpc\":\"2.0\"", line);
  }
  if (!doc.HasMember("id")) {
    if (!doc.HasMember("method") || !doc["method"].IsString())
      fail("a notification without a method", line);
    return "";
  }
  if (doc.HasMember("method")) fail("a response with a method", line);
  const bool has_result = doc.HasMember("result");
  const bool has_error = doc.HasMember("error");
  if (has_result == has_error) fail("a response needs exactly one of result and error", line);
  if (has_result && !doc["result"].IsObject()) fail("result is not an object", line);
  if (has_error) {
    const auto& e = doc["error"];
    if (!e.IsObject() || !e.HasMember("code") || !e["code"].IsInt() || !e.HasMember("message") ||
        !e["message"].IsString()) {
      fail("error without an integer code and a string message", line);
    }
  }
  const auto& id = doc["id"];
  if (id.IsNull()) return "null";
  const std::string canonical = sfq::mcp::canonical_id(id);
  if (canonical.empty()) fail("a response id that is not a valid MCP id", line);
  return canonical;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int out_fd = memfd_create("fuzz-mcp-output", MFD_CLOEXEC);
  if (out_fd < 0) std::abort();
  if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0) std::abort();

  std::vector<std::string> lines =
      split_lines(std::string_view(reinterpret_cast<const char*>(data), size));
  if (lines.size() > 8) lines.resize(8);

  sfq::mcp::ServerConfig config;
  config.connections = {"main", "other"};
  config.limits.max_rows = 5;
  config.max_message_bytes = 64 * 1024;
  config.progress_interval = std::chrono::milliseconds(5);

  std::map<std::string, int> expected;  // canonical request id -> requests sent with it
  std::map<std::string, int> allowed;   // canonical id -> lines that may be answered with it
  {
    FakeBackend backend;
    backend.on("", fake_result());
    sfq::mcp::Output output(out_fd);
    {
      sfq::mcp::Executor executor;
      {
        sfq::mcp::Session session(config, backend, output, executor);
        for (const auto& line : lines) {
          const sfq::mcp::Incoming incoming = sfq::mcp::parse_message(line);
          session.handle_line(line);
          // An invalid line may be answered (with its id when readable, else null) or not (a
          // blank line); only requests must be.
          if (incoming.kind == sfq::mcp::Incoming::Kind::invalid) ++allowed[incoming.id];
          if (incoming.kind != sfq::mcp::Incoming::Kind::request) continue;
          ++allowed[incoming.id];
          ++expected[incoming.id];
          // Wait for the answer before the next line (generous hang guard, not a timing test).
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
          while (true) {
            // Only whole lines: the writer thread may be in the middle of one.
            std::string text = contents(out_fd);
            text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
            int answers = 0;
            for (const auto& out : split_lines(text)) {
              if (out.find(incoming.id) != std::string::npos && check_message(out) == incoming.id)
                ++answers;
            }
            if (answers >= expected[incoming.id]) break;
            if (std::chrono::steady_clock::now() > deadline) fail("request never answered", line);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
        }
        session.finish_all();
        executor.stop();
        backend.shutdown();
      }
    }
    output.close();
  }

  std::map<std::string, int> answered;
  for (const auto& out : split_lines(contents(out_fd))) {
    const std::string id = check_message(out);
    if (!id.empty()) ++answered[id];
  }
  for (const auto& [id, count] : answered) {
    if (allowed[id] < count) fail("more responses than lines for id", id);
  }
  return 0;
}
