// resources_prompts.cpp — the resource template, the prompts and completion.
#include "mcp/resources_prompts.hpp"

#include <algorithm>

#include "mcp/identifiers.hpp"
#include "mcp/json.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/metadata.hpp"

namespace sfq::mcp {

namespace {

constexpr std::string_view kScheme = "snowflake://";
constexpr std::string_view kTemplate = "snowflake://{connection}/{database}/{schema}/{table}";
constexpr std::size_t kMaxCompletions = 100;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i];
    char b = prefix[i];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

std::string completion_json(const std::vector<std::string>& names, std::string_view prefix) {
  std::vector<std::string> matches;
  for (const auto& name : names) {
    if (starts_with_ignoring_case(name, prefix)) matches.push_back(name);
  }
  std::sort(matches.begin(), matches.end());
  json::JsonBuilder out;
  out.begin_object().key("completion").begin_object().key("values").begin_array();
  for (std::size_t i = 0; i < matches.size() && i < kMaxCompletions; ++i) out.string(matches[i]);
  out.end_array()
      .key("total")
      .unsigned_number(matches.size())
      .key("hasMore")
      .boolean(matches.size() > kMaxCompletions)
      .end_object()
      .end_object();
  return out.take();
}

struct PromptSpec {
  std::string_view name;
  std::string_view title;
  std::string_view description;
  std::vector<std::pair<std::string_view, std::pair<std::string_view, bool>>> arguments;
};

const std::vector<PromptSpec>& prompt_specs() {
  static const std::vector<PromptSpec> specs = {
      {"explore_schema",
       "Explore a schema",
       "Survey the tables of a Snowflake schema: what they hold, how they relate, and what to "
       "watch out for.",
       {{"database", {"The database", true}}, {"schema", {"The schema", true}}}},
      {"write_query",
       "Write a query",
       "Turn a question into a Snowflake SQL query, check it against the real tables, run it "
       "read-only and explain the answer.",
       {{"question", {"What you want to know", true}},
        {"database", {"The database to look in (optional)", false}},
        {"schema", {"The schema to look in (optional)", false}}}},
  };
  return specs;
}

}  // namespace

std::string resource_templates_json() {
  json::JsonBuilder out;
  out.begin_array()
      .begin_object()
      .key("uriTemplate")
      .string(kTemplate)
      .key("name")
      .string("snowflake-table")
      .key("title")
      .string("Snowflake table")
      .key("description")
      .string(
          "Columns and DDL of a table, as JSON. Names as Snowflake stores them (unquoted names "
          "in upper case), percent-encoded where needed.")
      .key("mimeType")
      .string("application/json")
      .end_object()
      .end_array();
  return out.take();
}

void read_resource(const std::shared_ptr<Call>& call, const std::string& uri) {
  const int not_found = call->modern() ? kInvalidParams : kResourceNotFound;
  const std::string data = R"({"uri":)" + json::quote(uri) + "}";
  auto refuse = [&](std::string_view why) {
    call->reply_error(not_found, "Resource not found: " + std::string(why), data);
  };
  if (uri.rfind(kScheme, 0) != 0) {
    refuse("sfq serves snowflake://{connection}/{database}/{schema}/{table} URIs only");
    return;
  }
  std::vector<std::string> parts;
  std::string_view rest = std::string_view(uri).substr(kScheme.size());
  while (true) {
    const auto slash = rest.find('/');
    auto part = percent_decode(rest.substr(0, slash));
    if (!part || part->empty()) {
      refuse("every part of the URI must be a non-empty, well percent-encoded name");
      return;
    }
    parts.push_back(std::move(*part));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() != 4) {
    refuse("the URI must have the form snowflake://{connection}/{database}/{schema}/{table}");
    return;
  }
  const auto& connections = call->config().connections;
  if (std::find(connections.begin(), connections.end(), parts[0]) == connections.end()) {
    refuse("no connection is named '" + parts[0] + "'");
    return;
  }
  RelationName relation;
  std::string error;
  std::vector<std::string> names;
  for (std::size_t i = 1; i < 4; ++i) {
    auto name = normalize_identifier(parts[i], error);
    if (!name) {
      refuse(error);
      return;
    }
    names.push_back(std::move(*name));
  }
  relation.database = names[0];
  relation.schema = names[1];
  relation.name = names[2];
  const std::string connection = parts[0];
  describe_relation(
      call, connection, relation, RelationKind::table, call->config().limits.default_timeout,
      [call, uri, connection, not_found, data](sfq::Result<Description> outcome) {
        if (!outcome.ok()) {
          const sfq::Error& error = outcome.error();
          if (error.code() == "002003") {
            call->reply_error(not_found,
                              "Resource not found: the table does not exist or the "
                              "role cannot see it",
                              data);
          } else {
            call->reply_error(kInternalError,
                              describe_error(error, connection, call->config().limits), data);
          }
          return;
        }
        json::JsonBuilder out;
        out.begin_object()
            .key("contents")
            .begin_array()
            .begin_object()
            .key("uri")
            .string(uri)
            .key("mimeType")
            .string("application/json")
            .key("text")
            .string(description_json(outcome.value()))
            .end_object()
            .end_array()
            .end_object();
        call->reply(out.take());
      });
}

std::string prompts_json() {
  json::JsonBuilder out;
  out.begin_array();
  for (const auto& spec : prompt_specs()) {
    out.begin_object()
        .key("name")
        .string(spec.name)
        .key("title")
        .string(spec.title)
        .key("description")
        .string(spec.description)
        .key("arguments")
        .begin_array();
    for (const auto& [name, info] : spec.arguments) {
      out.begin_object()
          .key("name")
          .string(name)
          .key("description")
          .string(info.first)
          .key("required")
          .boolean(info.second)
          .end_object();
    }
    out.end_array().end_object();
  }
  out.end_array();
  return out.take();
}

PromptOutcome get_prompt(const rapidjson::Value& params, const ServerConfig& config) {
  PromptOutcome outcome;
  const auto name = json::string_member(&params, "name");
  const auto spec = std::find_if(prompt_specs().begin(), prompt_specs().end(),
                                 [&](const PromptSpec& s) { return name && s.name == *name; });
  if (spec == prompt_specs().end()) {
    outcome.error_code = kInvalidParams;
    outcome.error_message =
        "Unknown prompt: " + name.value_or("(none)") + " (prompts: explore_schema, write_query)";
    return outcome;
  }
  const rapidjson::Value* arguments = json::member(&params, "arguments");
  auto argument = [&](std::string_view key) { return json::string_member(arguments, key); };
  for (const auto& [key, info] : spec->arguments) {
    if (info.second && !argument(key)) {
      outcome.error_code = kInvalidParams;
      outcome.error_message = "Invalid params: prompt " + std::string(spec->name) +
                              " needs the argument '" + std::string(key) + "'";
      return outcome;
    }
  }
  const std::string connection_note = config.connections.size() > 1
                                          ? " Several connections are configured (" +
                                                [&] {
                                                  std::string names;
                                                  for (const auto& c : config.connections)
                                                    names += (names.empty() ? "" : ", ") + c;
                                                  return names;
                                                }() +
                                                "); pass `connection` to pick one."
                                          : "";
  std::string text;
  if (spec->name == "explore_schema") {
    const std::string where = *argument("database") + "." + *argument("schema");
    text = "Explore the Snowflake schema " + where +
           " and report what it contains.\n\n"
           "1. Call list_tables (database \"" +
           *argument("database") + "\", schema \"" + *argument("schema") +
           "\") and list_views to see what is there.\n"
           "2. For the tables that matter most, call describe_table and look at a few rows with "
           "sample_table.\n"
           "3. Summarise: what each table holds, its grain, likely keys and how tables join, "
           "and anything odd (empty tables, NULL-heavy columns, unexpected types).\n\n"
           "Use only the read-only tools; aggregate in SQL with execute_query rather than "
           "reading many rows." +
           connection_note;
  } else {
    std::string scope;
    if (argument("database")) {
      scope = " Look in database " + *argument("database");
      if (argument("schema")) scope += ", schema " + *argument("schema");
      scope += ".";
    }
    text = "Answer this question with a Snowflake SQL query: " + *argument("question") + "\n" +
           scope +
           "\n\n1. Find the relevant tables (list_databases, list_schemas, list_tables) and check "
           "their columns with describe_table.\n"
           "2. Check real values with sample_table before filtering on them.\n"
           "3. Run one read-only statement with execute_query; aggregate in SQL instead of "
           "fetching many rows, and qualify names as DATABASE.SCHEMA.TABLE.\n"
           "4. Show the final SQL and explain the result; if it was truncated, say so." +
           connection_note;
  }
  json::JsonBuilder out;
  out.begin_object()
      .key("description")
      .string(spec->description)
      .key("messages")
      .begin_array()
      .begin_object()
      .key("role")
      .string("user")
      .key("content")
      .begin_object()
      .key("type")
      .string("text")
      .key("text")
      .string(text)
      .end_object()
      .end_object()
      .end_array()
      .end_object();
  outcome.result = out.take();
  return outcome;
}

void complete(const std::shared_ptr<Call>& call) {
  const rapidjson::Value& params = call->params();
  const rapidjson::Value* ref = json::member(&params, "ref");
  const rapidjson::Value* argument = json::member(&params, "argument");
  const auto ref_type = json::string_member(ref, "type");
  const auto name = json::string_member(argument, "name");
  const auto value = json::string_member(argument, "value");
  if (!ref_type || !name || !value) {
    call->reply_error(kInvalidParams,
                      "Invalid params: completion/complete needs ref.type, argument.name and "
                      "argument.value");
    return;
  }
  if (*ref_type == "ref/resource") {
    if (json::string_member(ref, "uri") != std::string(kTemplate)) {
      call->reply(completion_json({}, ""));
      return;
    }
  } else if (*ref_type == "ref/prompt") {
    const auto prompt = json::string_member(ref, "name");
    const bool known =
        prompt && std::any_of(prompt_specs().begin(), prompt_specs().end(),
                              [&](const PromptSpec& s) { return s.name == *prompt; });
    if (!known) {
      call->reply_error(kInvalidParams, "Invalid params: unknown prompt " + prompt.value_or(""));
      return;
    }
  } else {
    call->reply_error(kInvalidParams,
                      "Invalid params: ref.type must be ref/resource or ref/prompt");
    return;
  }

  const auto& connections = call->config().connections;
  if (*name == "connection") {
    call->reply(completion_json(connections, *value));
    return;
  }
  const rapidjson::Value* context = json::member(json::member(&params, "context"), "arguments");
  std::string connection = connections.front();
  if (const auto given = json::string_member(context, "connection");
      given && std::find(connections.begin(), connections.end(), *given) != connections.end()) {
    connection = *given;
  }
  std::string error;
  auto context_name = [&](std::string_view key) -> std::string {
    const auto text = json::string_member(context, key);
    if (!text) return {};
    return normalize_identifier(*text, error).value_or("");
  };
  NameKind kind = NameKind::database;
  std::string database;
  std::string schema;
  if (*name == "database") {
    kind = NameKind::database;
  } else if (*name == "schema") {
    kind = NameKind::schema;
    database = context_name("database");
  } else if (*name == "table") {
    kind = NameKind::table;
    database = context_name("database");
    schema = context_name("schema");
  } else {
    call->reply(completion_json({}, ""));
    return;
  }
  if ((kind != NameKind::database && database.empty()) ||
      (kind == NameKind::table && schema.empty())) {
    call->reply(completion_json({}, ""));  // not enough context yet
    return;
  }
  list_names(call, connection, kind, database, schema,
             [call, prefix = *value](sfq::Result<std::vector<std::string>> names) {
               // Completion is a convenience: a lookup that fails offers nothing.
               if (!names.ok()) {
                 call->log(McpLogLevel::warning,
                           "completion lookup failed: " + names.error().message());
                 call->reply(completion_json({}, ""));
                 return;
               }
               call->reply(completion_json(names.value(), prefix));
             });
}

}  // namespace sfq::mcp
