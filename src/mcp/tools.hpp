// tools.hpp — the tool set of `sfq mcp`: definitions (names, titles, descriptions, annotations,
// input and output schemas) in a stable order, argument validation, and the handlers.
//
// Tools: list_databases, list_schemas, list_tables, list_views, describe_table, describe_view,
// sample_table, query_view, execute_query, fetch_results, query_status, cancel_query, and — only
// with --allow-write — execute_statement. The five tools of the Python server sfq replaces keep
// their names and input properties. With several connections every tool takes an optional
// `connection`; what the tools share (format, timeout_seconds, connection, the default-schema
// rule) is explained once, in the server's instructions, to keep tools/list small.
//
// Results: rows are cut to fit the result budget (--max-result-bytes), counted over the whole
// CallToolResult; the text block is a compact table under one metadata line (or the JSON, with
// format json); structuredContent only for revisions that have it (2025-06-18 on).
//
// Each tool's input schema is generated from the same argument specs that validate calls, so
// the schema and the behaviour cannot drift apart. Invalid arguments are tool errors (isError),
// so the model can correct itself; an unknown tool or a cursor sfq never issued is a protocol
// error (-32602).
//
// Thread safety: the registry is immutable after construction; call() runs on the executor.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/session.hpp"

namespace sfq::mcp {

class ToolRegistry {
 public:
  explicit ToolRegistry(const ServerConfig& config);
  ~ToolRegistry();
  ToolRegistry(const ToolRegistry&) = delete;
  ToolRegistry& operator=(const ToolRegistry&) = delete;

  /// The `tools` array of tools/list; without outputSchema for revisions before 2025-06-18,
  /// which have none.
  [[nodiscard]] const std::string& list_json(bool output_schemas) const noexcept {
    return output_schemas ? list_json_ : list_json_legacy_;
  }
  [[nodiscard]] bool has(std::string_view name) const;
  /// Validates the call's arguments and runs the tool; the call is answered asynchronously.
  void call(const std::shared_ptr<Call>& call, const std::string& name) const;

  struct Tool;

 private:
  std::vector<Tool> tools_;
  std::string list_json_;
  std::string list_json_legacy_;
};

}  // namespace sfq::mcp
