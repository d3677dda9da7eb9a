// resources_prompts.hpp — resources, prompts and argument completion.
//
// Resources: one template, snowflake://{connection}/{database}/{schema}/{table}, whose reading
// gives the table's columns and DDL as JSON. resources/list is empty (tables are found through
// the template and completion, not enumerated).
// Prompts: explore_schema and write_query, which steer the model through the tools.
// Completion: connection names, and database, schema and table names looked up in Snowflake,
// for the template's variables and the prompts' arguments.
//
// Thread safety: the *_json() and get_prompt() functions are pure; read_resource() and
// complete() run on the executor and answer their call asynchronously.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "mcp/session.hpp"

namespace sfq::mcp {

/// The `resourceTemplates` array.
[[nodiscard]] std::string resource_templates_json();

/// Answers resources/read for `uri`.
void read_resource(const std::shared_ptr<Call>& call, const std::string& uri);

/// The `prompts` array.
[[nodiscard]] std::string prompts_json();

struct PromptOutcome {
  std::string result;  ///< the GetPromptResult object, when error_code is 0
  int error_code = 0;
  std::string error_message;
};

/// prompts/get.
[[nodiscard]] PromptOutcome get_prompt(const rapidjson::Value& params, const ServerConfig& config);

/// Answers completion/complete (the call's params hold ref, argument and context).
void complete(const std::shared_ptr<Call>& call);

}  // namespace sfq::mcp
