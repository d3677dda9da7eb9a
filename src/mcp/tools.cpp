// tools.cpp — the tools of `sfq mcp`: specs, schemas, validation and handlers.
#include "mcp/tools.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "mcp/classifier.hpp"
#include "mcp/cursor.hpp"
#include "mcp/identifiers.hpp"
#include "mcp/json.hpp"
#include "mcp/metadata.hpp"
#include "mcp/render.hpp"
#include "sfq/log.hpp"

namespace sfq::mcp {

namespace {

// Listings are read whole and filtered here; these bound what one listing may fetch.
constexpr std::size_t kListingRows = 10'000;
constexpr std::size_t kListingBytes = 8u << 20;
constexpr std::size_t kMaxSqlBytes = 1u << 20;
// How long query_status follows a statement before calling it running.
constexpr std::chrono::milliseconds kStatusGrace{1000};

enum class ArgType : std::uint8_t { string, integer, boolean };

struct ArgSpec {
  std::string name;
  ArgType type = ArgType::string;
  std::string description;
  bool required = false;
  std::optional<std::int64_t> minimum;
  std::optional<std::int64_t> maximum;
  bool clamp = false;  // a value above `maximum` is lowered to it instead of refused
  std::optional<std::int64_t> default_integer;
  std::optional<std::string> default_string;
  std::vector<std::string> choices;
  std::size_t max_length = 4096;
};

/// Validated arguments.
class Args {
 public:
  [[nodiscard]] std::optional<std::string> string(std::string_view name) const {
    const auto it = strings_.find(name);
    return it == strings_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view name) const {
    const auto it = integers_.find(name);
    return it == integers_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
  }
  void set(const std::string& name, std::string value) { strings_[name] = std::move(value); }
  void set(const std::string& name, std::int64_t value) { integers_[name] = value; }
  void set_flag(const std::string& name, bool value) { booleans_[name] = value; }

 private:
  std::map<std::string, std::string, std::less<>> strings_;
  std::map<std::string, std::int64_t, std::less<>> integers_;
  std::map<std::string, bool, std::less<>> booleans_;
};

/// One tool call in progress: what the handlers need, copyable into continuations.
struct Invocation {
  std::shared_ptr<Call> call;
  Args args;
  std::string tool;
  std::string connection;
  TextFormat format = TextFormat::json;
  std::chrono::seconds timeout{0};
  Limits limits;

  void fail(std::string_view message) const { call->reply(tool_error(message)); }
  void fail(const sfq::Error& error) const {
    call->log(McpLogLevel::warning, tool + " failed: " + describe_error(error, connection, limits));
    fail(describe_error(error, connection, limits));
  }
  void succeed(std::string_view structured, std::vector<std::string> texts) const {
    call->reply(tool_result(structured, texts));
  }
};

using Handler = void (*)(Invocation);

}  // namespace

struct ToolRegistry::Tool {
  std::string name;
  std::string title;
  std::string description;
  bool read_only = true;
  bool destructive = false;
  bool idempotent = true;
  std::vector<ArgSpec> args;
  std::string output_schema;
  Handler handler = nullptr;
};

namespace {

// --- argument specs ------------------------------------------------------------------------

ArgSpec string_arg(std::string name, std::string description, bool required = false) {
  ArgSpec spec;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.required = required;
  return spec;
}

ArgSpec connection_arg(const ServerConfig& config) {
  ArgSpec spec = string_arg("connection",
                            "Which Snowflake connection to use: one of the names "
                            "the server was started with (default: " +
                                config.connections.front() + ")");
  spec.choices = config.connections;
  return spec;
}

ArgSpec format_arg() {
  ArgSpec spec = string_arg("format",
                            "How the text block shows the result: json (the structured result, "
                            "default), csv (compact) or markdown");
  spec.choices = {"json", "csv", "markdown"};
  spec.default_string = "json";
  return spec;
}

ArgSpec timeout_arg(const Limits& limits) {
  ArgSpec spec;
  spec.name = "timeout_seconds";
  spec.type = ArgType::integer;
  spec.description = "Cancel the statement on the server if it runs longer than this (default: " +
                     std::to_string(limits.default_timeout.count()) +
                     ", at most: " + std::to_string(limits.max_timeout.count()) + ")";
  spec.minimum = 1;
  spec.maximum = limits.max_timeout.count();
  spec.default_integer = limits.default_timeout.count();
  return spec;
}

ArgSpec wait_arg(const Limits& limits) {
  ArgSpec spec;
  spec.name = "wait_seconds";
  spec.type = ArgType::integer;
  spec.description =
      "Wait up to this many seconds for the statement to end before answering (default 0: "
      "answer within about a second)";
  spec.minimum = 0;
  spec.maximum = std::min<std::int64_t>(limits.max_timeout.count(), 600);
  spec.clamp = true;
  spec.default_integer = 0;
  return spec;
}

ArgSpec limit_arg(const Limits& limits, std::int64_t default_rows, std::string description) {
  ArgSpec spec;
  spec.name = "limit";
  spec.type = ArgType::integer;
  spec.description = std::move(description);
  spec.minimum = 1;
  spec.maximum = static_cast<std::int64_t>(limits.max_rows);
  spec.clamp = true;
  spec.default_integer = std::min<std::int64_t>(default_rows, spec.maximum.value());
  return spec;
}

std::string input_schema(const std::vector<ArgSpec>& args) {
  json::JsonBuilder out;
  out.begin_object().key("type").string("object").key("properties").begin_object();
  for (const auto& arg : args) {
    out.key(arg.name).begin_object().key("type");
    switch (arg.type) {
      case ArgType::string:
        out.string("string");
        break;
      case ArgType::integer:
        out.string("integer");
        break;
      case ArgType::boolean:
        out.string("boolean");
        break;
    }
    out.key("description").string(arg.description);
    if (!arg.choices.empty()) {
      out.key("enum").begin_array();
      for (const auto& choice : arg.choices) out.string(choice);
      out.end_array();
    }
    if (arg.minimum) out.key("minimum").number(*arg.minimum);
    if (arg.maximum) out.key("maximum").number(*arg.maximum);
    if (arg.default_integer) out.key("default").number(*arg.default_integer);
    if (arg.default_string) out.key("default").string(*arg.default_string);
    out.end_object();
  }
  out.end_object().key("required").begin_array();
  for (const auto& arg : args) {
    if (arg.required) out.string(arg.name);
  }
  out.end_array().key("additionalProperties").boolean(false).end_object();
  return out.take();
}

/// Checks `arguments` against the specs; on success fills `out` (with defaults).
std::optional<std::string> validate(const ToolRegistry::Tool& tool,
                                    const rapidjson::Value* arguments, Args& out) {
  std::vector<std::string> problems;
  if (arguments != nullptr && arguments->IsObject()) {
    for (auto it = arguments->MemberBegin(); it != arguments->MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const auto spec = std::find_if(tool.args.begin(), tool.args.end(),
                                     [&](const ArgSpec& a) { return a.name == name; });
      if (spec == tool.args.end()) {
        std::string accepted;
        for (const auto& a : tool.args) accepted += (accepted.empty() ? "" : ", ") + a.name;
        problems.push_back("unknown argument '" + json::valid_utf8(name) +
                           "' (accepted: " + accepted + ")");
        continue;
      }
      const rapidjson::Value& value = it->value;
      if (value.IsNull() && !spec->required) continue;  // null = not given
      switch (spec->type) {
        case ArgType::string: {
          if (!value.IsString()) {
            problems.push_back("'" + name + "' must be a string");
            break;
          }
          std::string text(value.GetString(), value.GetStringLength());
          if (text.size() > spec->max_length) {
            problems.push_back("'" + name + "' is longer than " + std::to_string(spec->max_length) +
                               " bytes");
            break;
          }
          if (!spec->choices.empty() &&
              std::find(spec->choices.begin(), spec->choices.end(), text) == spec->choices.end()) {
            std::string choices;
            for (const auto& c : spec->choices) choices += (choices.empty() ? "" : ", ") + c;
            problems.push_back("'" + name + "' must be one of: " + choices);
            break;
          }
          out.set(name, std::move(text));
          break;
        }
        case ArgType::integer: {
          std::optional<std::int64_t> number;
          if (value.IsInt64()) {
            number = value.GetInt64();
          } else if (value.IsDouble() &&
                     value.GetDouble() ==
                         static_cast<double>(static_cast<std::int64_t>(value.GetDouble())) &&
                     std::abs(value.GetDouble()) < 9e15) {
            number = static_cast<std::int64_t>(value.GetDouble());  // 10.0 from some clients
          }
          if (!number) {
            problems.push_back("'" + name + "' must be an integer");
            break;
          }
          if (spec->minimum && *number < *spec->minimum) {
            problems.push_back("'" + name + "' must be at least " + std::to_string(*spec->minimum));
            break;
          }
          if (spec->maximum && *number > *spec->maximum) {
            if (!spec->clamp) {
              problems.push_back("'" + name + "' must be at most " +
                                 std::to_string(*spec->maximum));
              break;
            }
            number = *spec->maximum;
          }
          out.set(name, *number);
          break;
        }
        case ArgType::boolean:
          if (!value.IsBool()) {
            problems.push_back("'" + name + "' must be true or false");
            break;
          }
          out.set_flag(name, value.GetBool());
          break;
      }
    }
  }
  for (const auto& spec : tool.args) {
    const bool given = spec.type == ArgType::integer ? out.integer(spec.name).has_value()
                                                     : out.string(spec.name).has_value();
    if (given) continue;
    if (spec.required) {
      problems.push_back("'" + spec.name + "' is required");
    } else if (spec.default_integer) {
      out.set(spec.name, *spec.default_integer);
    } else if (spec.default_string) {
      out.set(spec.name, *spec.default_string);
    }
  }
  if (problems.empty()) return std::nullopt;
  std::string message = "Invalid arguments for " + tool.name + ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) message += (i > 0 ? "; " : "") + problems[i];
  message += ".";
  return message;
}

// --- shared pieces of handlers ---------------------------------------------------------------

/// A name argument as a Snowflake identifier; nullopt (and the call answered) when invalid.
std::optional<std::string> identifier_arg(const Invocation& inv, std::string_view name) {
  const auto text = inv.args.string(name);
  if (!text) return std::nullopt;
  std::string error;
  auto identifier = normalize_identifier(*text, error);
  if (!identifier)
    inv.fail("Invalid arguments for " + inv.tool + ": '" + std::string(name) + "': " + error + ".");
  return identifier;
}

/// Resolves a table given as `table` (qualified or not) plus optional `database`/`schema`.
std::optional<RelationName> relation_arg(const Invocation& inv, std::string_view table_key) {
  std::string error;
  const auto parts = split_qualified_name(inv.args.string(table_key).value_or(""), error);
  if (!parts) {
    inv.fail("Invalid arguments for " + inv.tool + ": '" + std::string(table_key) + "' " + error +
             ".");
    return std::nullopt;
  }
  RelationName relation;
  relation.name = parts->back();
  if (parts->size() >= 2) relation.schema = (*parts)[parts->size() - 2];
  if (parts->size() == 3) relation.database = (*parts)[0];
  auto merge = [&](std::string_view key, std::optional<std::string>& slot) {
    if (!inv.args.string(key)) return true;
    auto given = identifier_arg(inv, key);
    if (!given) return false;
    if (slot.has_value() && *slot != *given) {
      inv.fail("Invalid arguments for " + inv.tool + ": '" + std::string(table_key) + "' names " +
               std::string(key) + " " + *slot + " but '" + std::string(key) + "' says " + *given +
               ".");
      return false;
    }
    slot = std::move(given);
    return true;
  };
  if (!merge("database", relation.database) || !merge("schema", relation.schema)) {
    return std::nullopt;
  }
  // A database without a schema means its PUBLIC schema, as after USE DATABASE.
  if (relation.database && !relation.schema) relation.schema = "PUBLIC";
  return relation;
}

std::string cut_name(ResultPage::Cut cut) {
  switch (cut) {
    case ResultPage::Cut::row_limit:
      return "row_limit";
    case ResultPage::Cut::byte_limit:
      return "byte_limit";
    case ResultPage::Cut::none:
      break;
  }
  return {};
}

PageLimits page_limits(const Invocation& inv, std::size_t rows) {
  return PageLimits{rows, inv.limits.max_result_bytes, inv.limits.max_cell_bytes};
}

/// The generic result of a statement (execute_query, fetch_results, sample_table, …).
void reply_rows(const Invocation& inv, const ResultPage& page, std::uint64_t page_size) {
  std::optional<std::string> next;
  if (page.more()) {
    next = encode_cursor(ResultCursor{inv.connection, page.statement_handle,
                                      page.first_row + page.row_count, page_size});
  }
  json::JsonBuilder out;
  out.begin_object()
      .key("statement_handle")
      .string(page.statement_handle)
      .key("columns")
      .raw(columns_json(page.columns))
      .key("rows")
      .raw(rows_json(page))
      .key("row_count")
      .unsigned_number(page.row_count)
      .key("first_row")
      .unsigned_number(page.first_row)
      .key("total_rows")
      .unsigned_number(page.total_rows)
      .key("truncated")
      .boolean(page.more());
  const std::string cut = page.more() ? cut_name(page.cut) : "";
  if (cut.empty()) {
    out.key("truncated_by").null();
  } else {
    out.key("truncated_by").string(cut);
  }
  out.key("next_cursor").string_or_null(next).key("cells_truncated").boolean(page.cells_truncated);
  if (page.rows_affected) out.key("rows_affected").number(*page.rows_affected);
  out.end_object();
  std::string structured = out.take();

  std::vector<std::string> texts{
      render_text(inv.format, structured, [&] { return to_text_table(page); })};
  if (page.more()) {
    std::string notice = "Showing rows " + std::to_string(page.first_row + 1) + "–" +
                         std::to_string(page.first_row + page.row_count) + " of " +
                         std::to_string(page.total_rows) + " (stopped at the ";
    notice += page.cut == ResultPage::Cut::byte_limit
                  ? "size cap of " + std::to_string(inv.limits.max_result_bytes) + " bytes"
                  : "row limit";
    notice += "). For the next page call fetch_results with {\"cursor\": \"" + *next +
              "\"}; or filter or aggregate in SQL.";
    texts.push_back(std::move(notice));
  }
  if (page.cells_truncated) {
    texts.push_back("Values longer than " + std::to_string(inv.limits.max_cell_bytes) +
                    " bytes were shortened; select a substring to see more of them.");
  }
  inv.call->log(McpLogLevel::info, inv.tool + " returned " + std::to_string(page.row_count) +
                                       " of " + std::to_string(page.total_rows) +
                                       " rows (statement handle " + page.statement_handle + ")");
  inv.succeed(structured, std::move(texts));
}

/// Runs a statement and answers with its rows.
void run_rows(const Invocation& inv, RunRequest request, std::uint64_t page_size) {
  request.connection = inv.connection;
  request.limits = page_limits(inv, page_size);
  inv.call->run(std::move(request), [inv, page_size](sfq::Result<ResultPage> outcome) {
    if (!outcome.ok()) {
      inv.fail(outcome.error());
      return;
    }
    reply_rows(inv, outcome.value(), page_size);
  });
}

/// A field of a metadata listing, taken from a SHOW column.
struct Field {
  std::string key;
  std::string column;
  bool numeric = false;
};

/// The JSON of a numeric SHOW cell: its digits, or null.
std::string number_or_null(const std::optional<std::string>& text) {
  if (!text || text->empty()) return "null";
  const std::size_t start = (*text)[0] == '-' ? 1 : 0;
  if (start == text->size()) return "null";
  for (std::size_t i = start; i < text->size(); ++i) {
    if ((*text)[i] < '0' || (*text)[i] > '9') return "null";
  }
  return *text;
}

/// Answers a SHOW listing: `items_key` holds one object per row that `keep` accepts.
void reply_listing(const Invocation& inv, const ResultPage& page, const std::string& items_key,
                   const std::vector<Field>& fields,
                   const std::function<void(json::JsonBuilder&)>& header,
                   const std::function<bool(const PageView&, std::size_t)>& keep) {
  const PageView view(page);
  json::JsonBuilder out;
  out.begin_object();
  header(out);
  out.key(items_key).begin_array();
  TextTable table;
  for (const auto& field : fields) table.headers.push_back(field.key);
  std::size_t count = 0;
  bool truncated = page.more();
  for (std::size_t r = 0; r < view.rows(); ++r) {
    if (!keep(view, r)) continue;
    if (count >= inv.limits.max_rows || out.str().size() > inv.limits.max_result_bytes) {
      truncated = true;
      break;
    }
    ++count;
    out.begin_object();
    std::vector<std::optional<std::string>> row;
    for (const auto& field : fields) {
      auto value = view.text(r, field.column);
      out.key(field.key);
      if (field.numeric) {
        out.raw(number_or_null(value));
      } else if (field.key == "name") {
        out.string(value.value_or(""));
      } else {
        out.string_or_null(value);
      }
      row.push_back(std::move(value));
    }
    out.end_object();
    table.rows.push_back(std::move(row));
  }
  out.end_array()
      .key("count")
      .unsigned_number(count)
      .key("truncated")
      .boolean(truncated)
      .end_object();
  inv.call->log(McpLogLevel::info, inv.tool + " listed " + std::to_string(count) + " " + items_key);
  std::string structured = out.take();
  std::vector<std::string> texts{render_text(inv.format, structured, [&] { return table; })};
  if (truncated) {
    texts.push_back("The list was cut at " + std::to_string(count) +
                    " entries; narrow it (for list_tables, with a `pattern`).");
  }
  inv.succeed(structured, std::move(texts));
}

void run_listing(const Invocation& inv, std::string sql, std::string items_key,
                 std::vector<Field> fields, std::function<void(json::JsonBuilder&)> header,
                 std::function<bool(const PageView&, std::size_t)> keep) {
  RunRequest request;
  request.connection = inv.connection;
  request.statement = make_statement(*inv.call, std::move(sql), inv.tool, inv.timeout);
  request.limits = PageLimits{kListingRows, kListingBytes, inv.limits.max_cell_bytes};
  inv.call->run(std::move(request), [inv, items_key = std::move(items_key),
                                     fields = std::move(fields), header = std::move(header),
                                     keep = std::move(keep)](sfq::Result<ResultPage> outcome) {
    if (!outcome.ok()) {
      inv.fail(outcome.error());
      return;
    }
    reply_listing(inv, outcome.value(), items_key, fields, header, keep);
  });
}

const std::vector<Field> kNamedFields = {
    {"name", "name"}, {"owner", "owner"}, {"comment", "comment"}, {"created_on", "created_on"}};

bool keep_all(const PageView& /*view*/, std::size_t /*row*/) { return true; }

// --- handlers --------------------------------------------------------------------------------

void list_databases(Invocation inv) {
  run_listing(
      inv, "SHOW DATABASES", "databases", kNamedFields, [](json::JsonBuilder&) {}, keep_all);
}

void list_schemas(Invocation inv) {
  const auto database = identifier_arg(inv, "database");
  if (!database) return;
  run_listing(
      inv, "SHOW SCHEMAS IN DATABASE " + quote_identifier(*database), "schemas", kNamedFields,
      [database = *database](json::JsonBuilder& out) { out.key("database").string(database); },
      keep_all);
}

void list_tables(Invocation inv) {
  const auto database = identifier_arg(inv, "database");
  if (!database) return;
  const auto schema = identifier_arg(inv, "schema");
  if (!schema) return;
  const auto pattern = inv.args.string("pattern");
  const std::vector<Field> fields = {{"name", "name"},
                                     {"kind", "kind"},
                                     {"rows", "rows", true},
                                     {"bytes", "bytes", true},
                                     {"owner", "owner"},
                                     {"comment", "comment"},
                                     {"created_on", "created_on"}};
  run_listing(
      inv, "SHOW TABLES IN SCHEMA " + quote_identifier(*database) + "." + quote_identifier(*schema),
      "tables", fields,
      [database = *database, schema = *schema, pattern](json::JsonBuilder& out) {
        out.key("database")
            .string(database)
            .key("schema")
            .string(schema)
            .key("pattern")
            .string_or_null(pattern);
      },
      [pattern](const PageView& view, std::size_t row) {
        return !pattern || like_match(*pattern, view.text(row, "name").value_or(""));
      });
}

void list_views(Invocation inv) {
  const auto database = identifier_arg(inv, "database");
  if (!database) return;
  std::optional<std::string> schema;
  if (inv.args.string("schema")) {
    schema = identifier_arg(inv, "schema");
    if (!schema) return;
  }
  const std::string sql = schema ? "SHOW VIEWS IN SCHEMA " + quote_identifier(*database) + "." +
                                       quote_identifier(*schema)
                                 : "SHOW VIEWS IN DATABASE " + quote_identifier(*database);
  const std::vector<Field> fields = {{"name", "name"},
                                     {"schema", "schema_name"},
                                     {"owner", "owner"},
                                     {"comment", "comment"},
                                     {"created_on", "created_on"}};
  run_listing(
      inv, sql, "views", fields,
      [database = *database, schema](json::JsonBuilder& out) {
        out.key("database").string(database).key("schema").string_or_null(schema);
      },
      keep_all);
}

void reply_description(const Invocation& inv, const sfq::Result<Description>& outcome) {
  if (!outcome.ok()) {
    inv.fail(outcome.error());
    return;
  }
  const Description& description = outcome.value();
  inv.call->log(McpLogLevel::info, inv.tool + " described " + description.relation.quoted() + ": " +
                                       std::to_string(description.columns.size()) + " columns");
  std::string structured = description_json(description);
  std::vector<std::string> texts{
      render_text(inv.format, structured, [&] { return description_table(description); })};
  if (inv.format != TextFormat::json && description.ddl) {
    texts.push_back("```sql\n" + *description.ddl + "\n```");
  }
  if (description.ddl_note) texts.push_back(*description.ddl_note);
  inv.succeed(structured, std::move(texts));
}

void describe_table(Invocation inv) {
  const auto relation = relation_arg(inv, "table");
  if (!relation) return;
  describe_relation(inv.call, inv.connection, *relation, RelationKind::table, inv.timeout,
                    [inv](sfq::Result<Description> outcome) { reply_description(inv, outcome); });
}

/// The view of describe_view/query_view: `view_name` in `database`.`schema` (default PUBLIC).
std::optional<RelationName> view_arg(const Invocation& inv) {
  RelationName relation;
  auto database = identifier_arg(inv, "database");
  if (!database) return std::nullopt;
  relation.database = std::move(database);
  if (inv.args.string("schema")) {
    auto schema = identifier_arg(inv, "schema");
    if (!schema) return std::nullopt;
    relation.schema = std::move(schema);
  } else {
    relation.schema = "PUBLIC";
  }
  auto name = identifier_arg(inv, "view_name");
  if (!name) return std::nullopt;
  relation.name = std::move(*name);
  return relation;
}

void describe_view(Invocation inv) {
  const auto relation = view_arg(inv);
  if (!relation) return;
  describe_relation(inv.call, inv.connection, *relation, RelationKind::view, inv.timeout,
                    [inv](sfq::Result<Description> outcome) { reply_description(inv, outcome); });
}

void select_rows(const Invocation& inv, const RelationName& relation) {
  const auto limit = static_cast<std::uint64_t>(inv.args.integer("limit").value_or(10));
  RunRequest request;
  // LIMIT keeps the statement itself small; the value is bound, never spliced into the text.
  request.statement = make_statement(*inv.call, "SELECT * FROM " + relation.quoted() + " LIMIT ?",
                                     inv.tool, inv.timeout);
  request.statement.bind(integer_value(static_cast<std::int64_t>(limit)));
  run_rows(inv, std::move(request), limit);
}

void sample_table(Invocation inv) {
  const auto relation = relation_arg(inv, "table");
  if (!relation) return;
  select_rows(inv, *relation);
}

void query_view(Invocation inv) {
  const auto relation = view_arg(inv);
  if (!relation) return;
  select_rows(inv, *relation);
}

/// database/schema arguments of execute_query and execute_statement, into the statement.
bool apply_context(const Invocation& inv, sfq::Statement& statement) {
  if (inv.args.string("database")) {
    auto database = identifier_arg(inv, "database");
    if (!database) return false;
    statement.database = std::move(*database);
  }
  if (inv.args.string("schema")) {
    auto schema = identifier_arg(inv, "schema");
    if (!schema) return false;
    statement.schema = std::move(*schema);
  }
  return true;
}

void execute_query(Invocation inv) {
  const std::string sql = inv.args.string("query").value_or("");
  const Classification verdict = classify_read_only(sql);
  if (!verdict.allowed) {
    inv.call->log(McpLogLevel::notice, "execute_query refused a statement: " + verdict.reason);
    inv.fail(verdict.reason);
    return;
  }
  const auto limit = static_cast<std::uint64_t>(inv.args.integer("limit").value_or(100));
  RunRequest request;
  request.statement = make_statement(*inv.call, sql, inv.tool, inv.timeout);
  if (!apply_context(inv, request.statement)) return;
  run_rows(inv, std::move(request), limit);
}

void execute_statement(Invocation inv) {
  const auto limit = static_cast<std::uint64_t>(inv.args.integer("limit").value_or(100));
  RunRequest request;
  request.statement =
      make_statement(*inv.call, inv.args.string("statement").value_or(""), inv.tool, inv.timeout);
  if (!apply_context(inv, request.statement)) return;
  run_rows(inv, std::move(request), limit);
}

void fetch_results(Invocation inv) {
  std::string error;
  const auto cursor = decode_cursor(inv.args.string("cursor").value_or(""), error);
  const auto& connections = inv.call->config().connections;
  if (!cursor ||
      std::find(connections.begin(), connections.end(), cursor->connection) == connections.end()) {
    inv.call->reply_error(kInvalidParams, "Invalid cursor: " + error, R"({"argument":"cursor"})");
    return;
  }
  if (inv.args.string("connection") && *inv.args.string("connection") != cursor->connection) {
    inv.fail("Invalid arguments for fetch_results: the cursor belongs to connection '" +
             cursor->connection + "'; leave out 'connection' or pass that one.");
    return;
  }
  inv.connection = cursor->connection;
  std::uint64_t page_size = cursor->page_size;
  if (const auto limit = inv.args.integer("limit")) page_size = static_cast<std::uint64_t>(*limit);
  page_size = std::min<std::uint64_t>(page_size, inv.limits.max_rows);
  RunRequest request;
  request.attach_handle = cursor->statement_handle;
  request.start_row = cursor->offset;
  run_rows(inv, std::move(request), page_size);
}

std::optional<std::string> handle_arg(const Invocation& inv) {
  auto handle = inv.args.string("statement_handle");
  if (!handle || !valid_statement_handle(*handle)) {
    inv.fail("Invalid arguments for " + inv.tool +
             ": 'statement_handle' must be a statement handle (query id) such as a result's "
             "statement_handle.");
    return std::nullopt;
  }
  return handle;
}

/// Answers query_status from the outcome of following the statement.
void reply_status(const Invocation& inv, const std::string& handle,
                  const sfq::Result<ResultPage>& outcome) {
  json::JsonBuilder out;
  out.begin_object().key("statement_handle").string(handle);
  std::string summary;
  if (outcome.ok()) {
    const ResultPage& page = outcome.value();
    out.key("state").string(page.state);
    if (page.state == "succeeded") {
      const std::string cursor = encode_cursor(ResultCursor{
          inv.connection, handle, 0, std::min<std::uint64_t>(100, inv.limits.max_rows)});
      out.key("total_rows")
          .unsigned_number(page.total_rows)
          .key("columns")
          .raw(columns_json(page.columns))
          .key("next_cursor")
          .string(cursor);
      summary = "The statement succeeded with " + std::to_string(page.total_rows) +
                " rows; read them with fetch_results and the cursor " + cursor + ".";
    } else {
      out.key("total_rows").null().key("next_cursor").null();
      summary = "The statement is " + page.state + ".";
    }
    out.key("error").null();
  } else {
    const sfq::Error& error = outcome.error();
    const bool statement_outcome = error.category() == sfq::ErrorCategory::server ||
                                   error.category() == sfq::ErrorCategory::timeout ||
                                   error.category() == sfq::ErrorCategory::cancelled;
    if (!statement_outcome || error.http_status() == 404) {
      inv.fail(error);
      return;
    }
    const bool cancelled =
        error.code() == "000604" || error.category() == sfq::ErrorCategory::cancelled;
    out.key("state")
        .string(cancelled ? "cancelled" : "failed")
        .key("total_rows")
        .null()
        .key("next_cursor")
        .null()
        .key("error")
        .begin_object()
        .key("code")
        .string(error.code())
        .key("sql_state")
        .string(error.sql_state())
        .key("message")
        .string(sfq::redact(error.message()))
        .end_object();
    summary = std::string("The statement ") + (cancelled ? "was cancelled" : "failed") + ": " +
              sfq::redact(error.message());
  }
  out.end_object();
  std::string structured = out.take();
  inv.succeed(structured, {structured, summary});
}

void query_status(Invocation inv) {
  const auto handle = handle_arg(inv);
  if (!handle) return;
  // Follow the statement until it ends, or until the wait is over: then it is still running.
  // Even without wait_seconds the first poll must be answered before anything is known, so the
  // answer may take up to kStatusGrace.
  const auto wait = std::max<std::chrono::milliseconds>(
      std::chrono::seconds(inv.args.integer("wait_seconds").value_or(0)), kStatusGrace);
  RunRequest request;
  request.connection = inv.connection;
  request.attach_handle = *handle;
  request.fetch_rows = false;
  request.limits = page_limits(inv, 1);
  auto execution =
      inv.call->run(std::move(request), [inv, handle = *handle](sfq::Result<ResultPage> outcome) {
        reply_status(inv, handle, outcome);
      });
  if (!execution) return;
  inv.call->after(wait, [inv, execution, handle = *handle] {
    // Stop watching; the statement itself goes on.
    inv.call->abandon(execution);
    ResultPage page;
    page.statement_handle = handle;
    page.state = "running";
    reply_status(inv, handle, page);
  });
}

void cancel_query(Invocation inv) {
  const auto handle = handle_arg(inv);
  if (!handle) return;
  if (!inv.call->config().allow_write && !inv.call->knows_handle(*handle)) {
    inv.fail("cancel_query cancels only statements this server started (the statement handle " +
             *handle +
             " is not one of them). Start the server with --allow-write to cancel any "
             "statement.");
    return;
  }
  inv.call->cancel_statement(inv.connection, *handle, [inv, handle = *handle](sfq::Status status) {
    if (!status.ok()) {
      inv.fail(status.error());
      return;
    }
    json::JsonBuilder out;
    out.begin_object()
        .key("statement_handle")
        .string(handle)
        .key("cancelled")
        .boolean(true)
        .key("message")
        .string(
            "Snowflake accepted the cancellation; the statement stops and its result will "
            "not be available.")
        .end_object();
    std::string structured = out.take();
    inv.succeed(structured, {structured});
  });
}

// --- output schemas --------------------------------------------------------------------------

constexpr std::string_view kRowsSchema =
    R"({"type":"object","properties":{)"
    R"("statement_handle":{"type":"string","description":"Snowflake's query id of the statement"},)"
    R"("columns":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},)"
    R"("type":{"type":"string"},"nullable":{"type":"boolean"}},"required":["name","type","nullable"]}},)"
    R"("rows":{"type":"array","description":"One array per row, values in column order; numbers are exact","items":{"type":"array"}},)"
    R"("row_count":{"type":"integer","minimum":0,"description":"Rows in this result"},)"
    R"("first_row":{"type":"integer","minimum":0,"description":"Index of the first row returned within the whole result"},)"
    R"("total_rows":{"type":"integer","minimum":0,"description":"Rows in the whole result"},)"
    R"("truncated":{"type":"boolean","description":"True when more rows follow: pass next_cursor to fetch_results"},)"
    R"("truncated_by":{"type":["string","null"],"enum":["row_limit","byte_limit",null]},)"
    R"("next_cursor":{"type":["string","null"]},)"
    R"("cells_truncated":{"type":"boolean","description":"True when long values were shortened"},)"
    R"("rows_affected":{"type":"integer"}},)"
    R"("required":["statement_handle","columns","rows","row_count","first_row","total_rows","truncated","truncated_by","next_cursor","cells_truncated"]})";

std::string listing_schema(std::string_view items_key, std::string_view item_properties,
                           std::string_view header_properties, std::string_view header_required) {
  std::string schema = R"({"type":"object","properties":{)";
  schema += header_properties;
  schema += "\"" + std::string(items_key) +
            R"(":{"type":"array","items":{"type":"object","properties":{)";
  schema += item_properties;
  schema +=
      R"(},"required":["name"]}},"count":{"type":"integer","minimum":0},"truncated":{"type":"boolean"}},"required":[)";
  schema += header_required;
  schema += "\"" + std::string(items_key) + R"(","count","truncated"]})";
  return schema;
}

constexpr std::string_view kNamedItem =
    R"("name":{"type":"string"},"owner":{"type":["string","null"]},"comment":{"type":["string","null"]},"created_on":{"type":["string","null"]})";

constexpr std::string_view kDescriptionSchema =
    R"({"type":"object","properties":{"name":{"type":"string"},"database":{"type":["string","null"]},)"
    R"("schema":{"type":["string","null"]},"qualified_name":{"type":"string"},)"
    R"("kind":{"type":"string","enum":["table","view"]},)"
    R"("columns":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},)"
    R"("type":{"type":"string"},"nullable":{"type":"boolean"},"default":{"type":["string","null"]},)"
    R"("primary_key":{"type":"boolean"},"comment":{"type":["string","null"]}},"required":["name","type","nullable"]}},)"
    R"("column_count":{"type":"integer","minimum":0},"ddl":{"type":["string","null"]},)"
    R"("ddl_note":{"type":["string","null"],"description":"Where the DDL came from when GET_DDL was not available"}},)"
    R"("required":["name","qualified_name","kind","columns","column_count","ddl"]})";

constexpr std::string_view kStatusSchema =
    R"({"type":"object","properties":{"statement_handle":{"type":"string"},)"
    R"("state":{"type":"string","enum":["running","succeeded","failed","cancelled"]},)"
    R"("total_rows":{"type":["integer","null"]},"columns":{"type":"array"},)"
    R"("next_cursor":{"type":["string","null"],"description":"Pass to fetch_results to read the rows"},)"
    R"("error":{"type":["object","null"],"properties":{"code":{"type":"string"},"sql_state":{"type":"string"},"message":{"type":"string"}}}},)"
    R"("required":["statement_handle","state","total_rows","next_cursor","error"]})";

constexpr std::string_view kCancelSchema =
    R"({"type":"object","properties":{"statement_handle":{"type":"string"},"cancelled":{"type":"boolean"},)"
    R"("message":{"type":"string"}},"required":["statement_handle","cancelled","message"]})";

// --- the tool set ----------------------------------------------------------------------------

std::vector<ToolRegistry::Tool> build_tools(const ServerConfig& config) {
  const Limits& limits = config.limits;
  std::vector<ToolRegistry::Tool> tools;
  auto add = [&](ToolRegistry::Tool tool, bool statement_tool, bool formats) {
    if (formats) tool.args.push_back(format_arg());
    if (statement_tool) tool.args.push_back(timeout_arg(limits));
    tool.args.push_back(connection_arg(config));
    tools.push_back(std::move(tool));
  };
  const std::string database_doc = "The database name (required)";
  const std::string schema_optional_doc =
      "The schema name (optional, default PUBLIC, as after USE DATABASE)";

  add({"list_databases",
       "List databases",
       "List all accessible Snowflake databases, with owner, comment and creation time.",
       true,
       false,
       true,
       {},
       listing_schema("databases", kNamedItem, "", ""),
       list_databases},
      true, true);

  add({"list_schemas",
       "List schemas",
       "List the schemas of a database, with owner, comment and creation time.",
       true,
       false,
       true,
       {string_arg("database", database_doc, true)},
       listing_schema("schemas", kNamedItem, R"("database":{"type":"string"},)", R"("database",)"),
       list_schemas},
      true, true);

  add({"list_tables",
       "List tables",
       "List the tables of a schema with their kind, row count, size, owner and comment. "
       "`pattern` filters names with SQL LIKE wildcards (% and _), ignoring case.",
       true,
       false,
       true,
       {string_arg("database", database_doc, true),
        string_arg("schema", "The schema name (required)", true),
        string_arg("pattern", "Only names matching this LIKE pattern, e.g. ORDER% (optional)")},
       listing_schema(
           "tables",
           R"("name":{"type":"string"},"kind":{"type":["string","null"]},)"
           R"("rows":{"type":["integer","null"]},"bytes":{"type":["integer","null"]},)"
           R"("owner":{"type":["string","null"]},"comment":{"type":["string","null"]},)"
           R"("created_on":{"type":["string","null"]})",
           R"("database":{"type":"string"},"schema":{"type":"string"},"pattern":{"type":["string","null"]},)",
           R"("database","schema",)"),
       list_tables},
      true, true);

  add({"list_views",
       "List views",
       "List all views in a specified database and schema (all schemas of the database when "
       "schema is omitted).",
       true,
       false,
       true,
       {string_arg("database", database_doc, true),
        string_arg("schema", "The schema name (optional; every schema when omitted)")},
       listing_schema("views",
                      R"("name":{"type":"string"},"schema":{"type":["string","null"]},)"
                      R"("owner":{"type":["string","null"]},"comment":{"type":["string","null"]},)"
                      R"("created_on":{"type":["string","null"]})",
                      R"("database":{"type":"string"},"schema":{"type":["string","null"]},)",
                      R"("database",)"),
       list_views},
      true, true);

  add({"describe_table",
       "Describe a table",
       "Columns (name, type, nullability, default, primary key, comment) and the DDL of a table. "
       "Give `table` qualified as DATABASE.SCHEMA.TABLE, or give its parts.",
       true,
       false,
       true,
       {string_arg("table", "The table: TABLE, SCHEMA.TABLE or DATABASE.SCHEMA.TABLE (required)",
                   true),
        string_arg("database", "The database, when `table` does not name it (optional)"),
        string_arg("schema", "The schema, when `table` does not name it (optional)")},
       std::string(kDescriptionSchema),
       describe_table},
      true, true);

  add({"describe_view",
       "Describe a view",
       "Get detailed information about a specific view including columns and SQL definition.",
       true,
       false,
       true,
       {string_arg("database", database_doc, true), string_arg("schema", schema_optional_doc),
        string_arg("view_name", "The name of the view to describe (required)", true)},
       std::string(kDescriptionSchema),
       describe_view},
      true, true);

  add({"sample_table",
       "Sample rows of a table",
       "The first rows of a table (SELECT * … LIMIT n), to see what its data looks like.",
       true,
       false,
       true,
       {string_arg("table", "The table: TABLE, SCHEMA.TABLE or DATABASE.SCHEMA.TABLE (required)",
                   true),
        string_arg("database", "The database, when `table` does not name it (optional)"),
        string_arg("schema", "The schema, when `table` does not name it (optional)"),
        limit_arg(limits, 10, "Maximum number of rows to return (default: 10)")},
       std::string(kRowsSchema),
       sample_table},
      true, true);

  add({"query_view",
       "Query a view",
       "Query data from a view with an optional row limit.",
       true,
       false,
       true,
       {string_arg("database", database_doc, true), string_arg("schema", schema_optional_doc),
        string_arg("view_name", "The name of the view to query (required)", true),
        limit_arg(limits, 10, "Maximum number of rows to return (default: 10)")},
       std::string(kRowsSchema),
       query_view},
      true, true);

  ArgSpec query = string_arg(
      "query",
      "The SQL query to execute (supports SELECT, SHOW, DESCRIBE, EXPLAIN, and WITH statements; "
      "one statement)",
      true);
  query.max_length = kMaxSqlBytes;
  add({"execute_query",
       "Run a read-only query",
       "Execute a read-only SQL query against Snowflake: SELECT, WITH … SELECT, SHOW, DESCRIBE or "
       "EXPLAIN, one statement. Rows come back exactly (numbers are never rounded), capped by "
       "`limit` and a size cap; when `truncated` is true, fetch_results with `next_cursor` reads "
       "on without running the query again. The query text is not rewritten.",
       true,
       false,
       true,
       {query, string_arg("database", "The database to use (optional)"),
        string_arg("schema", "The schema to use (optional)"),
        limit_arg(limits, 100, "Maximum number of rows to return (default: 100)")},
       std::string(kRowsSchema),
       execute_query},
      true, true);

  ArgSpec limit_override =
      limit_arg(limits, 100, "Rows in this page (default: the page size of the cursor)");
  limit_override.default_integer.reset();
  add({"fetch_results",
       "Fetch more rows of a result",
       "The next page of an earlier result, from its `next_cursor`. Reads Snowflake's stored "
       "result: the statement is not run again.",
       true,
       false,
       true,
       {string_arg("cursor", "next_cursor of an earlier result (required)", true), limit_override},
       std::string(kRowsSchema),
       fetch_results},
      true, true);

  add({"query_status",
       "Status of a statement",
       "Whether a statement (by statement handle) is running, succeeded, failed or was "
       "cancelled; for a finished one, its row count and a cursor to read its rows. "
       "`wait_seconds` waits for a running statement to end.",
       true,
       false,
       true,
       {string_arg("statement_handle", "The statement handle (query id) (required)", true),
        wait_arg(limits)},
       std::string(kStatusSchema),
       query_status},
      false, false);

  add({"cancel_query",
       "Cancel a statement",
       "Cancel a running statement by its statement handle, on the Snowflake side. Without "
       "--allow-write only statements this server started can be cancelled.",
       false,
       false,
       true,
       {string_arg("statement_handle", "The statement handle (query id) (required)", true)},
       std::string(kCancelSchema),
       cancel_query},
      false, false);

  if (config.allow_write) {
    ArgSpec statement = string_arg("statement", "The SQL statement to run (one statement)", true);
    statement.max_length = kMaxSqlBytes;
    add({"execute_statement",
         "Run any SQL statement (may change data)",
         "Run one SQL statement of any kind — INSERT, UPDATE, DELETE, MERGE, CREATE, DROP, … — "
         "with the connection's role. It can change or destroy data. Results are capped like "
         "execute_query's; rows_affected counts changed rows.",
         false,
         true,
         false,
         {statement, string_arg("database", "The database to use (optional)"),
          string_arg("schema", "The schema to use (optional)"),
          limit_arg(limits, 100, "Maximum number of rows to return (default: 100)")},
         std::string(kRowsSchema),
         execute_statement},
        true, true);
  }
  return tools;
}

std::string tools_list_json(const std::vector<ToolRegistry::Tool>& tools) {
  json::JsonBuilder out;
  out.begin_array();
  for (const auto& tool : tools) {
    out.begin_object()
        .key("name")
        .string(tool.name)
        .key("title")
        .string(tool.title)
        .key("description")
        .string(tool.description)
        .key("inputSchema")
        .raw(input_schema(tool.args))
        .key("outputSchema")
        .raw(tool.output_schema)
        .key("annotations")
        .begin_object()
        .key("title")
        .string(tool.title)
        .key("readOnlyHint")
        .boolean(tool.read_only)
        .key("destructiveHint")
        .boolean(tool.destructive)
        .key("idempotentHint")
        .boolean(tool.idempotent)
        .key("openWorldHint")
        .boolean(false)
        .end_object()
        .end_object();
  }
  out.end_array();
  return out.take();
}

}  // namespace

ToolRegistry::ToolRegistry(const ServerConfig& config)
    : tools_(build_tools(config)), list_json_(tools_list_json(tools_)) {}

ToolRegistry::~ToolRegistry() = default;

bool ToolRegistry::has(std::string_view name) const {
  return std::any_of(tools_.begin(), tools_.end(), [&](const Tool& t) { return t.name == name; });
}

void ToolRegistry::call(const std::shared_ptr<Call>& call, const std::string& name) const {
  const auto tool =
      std::find_if(tools_.begin(), tools_.end(), [&](const Tool& t) { return t.name == name; });
  Invocation inv;
  inv.call = call;
  inv.tool = name;
  inv.limits = call->config().limits;
  if (auto problem = validate(*tool, json::member(&call->params(), "arguments"), inv.args)) {
    call->log(McpLogLevel::notice, *problem);
    call->reply(tool_error(*problem));
    return;
  }
  inv.connection = inv.args.string("connection").value_or(call->config().connections.front());
  inv.format =
      parse_text_format(inv.args.string("format").value_or("json")).value_or(TextFormat::json);
  inv.timeout = std::chrono::seconds(
      inv.args.integer("timeout_seconds").value_or(inv.limits.default_timeout.count()));
  call->log(McpLogLevel::debug, "tools/call " + name + " on connection " + inv.connection);
  tool->handler(std::move(inv));
}

}  // namespace sfq::mcp
