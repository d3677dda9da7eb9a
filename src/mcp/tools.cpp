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
// How long cancel_query follows a statement after Snowflake accepted its cancellation.
constexpr std::chrono::milliseconds kCancelConfirm{5000};

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
  TextFormat format = TextFormat::csv;
  std::chrono::seconds timeout{0};
  Limits limits;

  void fail(std::string_view message) const { call->reply(tool_error(message)); }
  void fail(const sfq::Error& error) const {
    call->log(McpLogLevel::warning, tool + " failed: " + describe_error(error, connection, limits));
    fail(describe_error(error, connection, limits));
  }
  /// The CallToolResult for this call's protocol revision (structuredContent from 2025-06-18).
  [[nodiscard]] std::string result(std::string_view structured,
                                   const std::vector<std::string>& texts) const {
    return tool_result(
        call->structured() ? std::optional<std::string_view>(structured) : std::nullopt, texts);
  }
  void succeed(std::string_view structured, const std::vector<std::string>& texts) const {
    call->reply(result(structured, texts));
  }
  /// The result budget (--max-result-bytes) left for the CallToolResult itself.
  [[nodiscard]] std::size_t budget() const {
    const std::size_t overhead = call->result_overhead();
    return limits.max_result_bytes > overhead ? limits.max_result_bytes - overhead : 1;
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

// The arguments every tool shares (format, timeout_seconds, connection) are explained once, in
// the server's instructions (see session.cpp), not in every tool's schema: that keeps tools/list
// small enough for an agent's context.

ArgSpec connection_arg(const ServerConfig& config) {
  ArgSpec spec = string_arg("connection", "");
  spec.choices = config.connections;
  return spec;
}

ArgSpec format_arg() {
  ArgSpec spec = string_arg("format", "");
  spec.choices = {"csv", "markdown", "json"};
  return spec;
}

ArgSpec timeout_arg(const Limits& limits) {
  ArgSpec spec;
  spec.name = "timeout_seconds";
  spec.type = ArgType::integer;
  spec.minimum = 1;
  spec.maximum = limits.max_timeout.count();
  return spec;
}

ArgSpec wait_arg(const Limits& limits) {
  ArgSpec spec;
  spec.name = "wait_seconds";
  spec.type = ArgType::integer;
  spec.description = "Wait up to this long for the statement to end";
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
    if (!arg.description.empty()) out.key("description").string(arg.description);
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
  out.end_object();
  if (std::any_of(args.begin(), args.end(), [](const ArgSpec& a) { return a.required; })) {
    out.key("required").begin_array();
    for (const auto& arg : args) {
      if (arg.required) out.string(arg.name);
    }
    out.end_array();
  }
  out.key("additionalProperties").boolean(false).end_object();
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

/// The one rule for a database given without a schema, in every tool: the connection's own
/// schema when the connection's database is that database, else PUBLIC (as after USE DATABASE).
std::string default_schema(const Invocation& inv, const std::string& database) {
  const ConnectionNamespace defaults = inv.call->connection_namespace(inv.connection);
  if (defaults.database.empty() || defaults.schema.empty()) return "PUBLIC";
  std::string error;
  const auto connection_database = normalize_identifier(defaults.database, error);
  const auto connection_schema = normalize_identifier(defaults.schema, error);
  if (connection_database && connection_schema && *connection_database == database) {
    return *connection_schema;
  }
  return "PUBLIC";
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
  if (relation.database && !relation.schema)
    relation.schema = default_schema(inv, *relation.database);
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

/// The largest n in [1, count] whose rendering fits in `budget` bytes (1 when none does: a
/// result always shows at least its first row), with that rendering in `out`.
std::size_t fit_budget(std::size_t count, std::size_t budget,
                       const std::function<std::string(std::size_t)>& render, std::string& out) {
  out = render(count);
  if (count <= 1 || out.size() <= budget) return count;
  std::size_t fits = 1;  // the answer, once proven (or the floor)
  std::string fitting;
  std::size_t low = 1;
  std::size_t high = count - 1;
  while (low <= high) {
    const std::size_t middle = low + (high - low) / 2;
    std::string candidate = render(middle);
    if (candidate.size() <= budget) {
      fits = middle;
      fitting = std::move(candidate);
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  out = fitting.empty() ? render(1) : std::move(fitting);
  return fits;
}

/// The first `rows` rows of `page`; cut by the byte cap when that drops rows.
ResultPage first_rows(const ResultPage& page, std::size_t rows) {
  if (rows >= page.row_count) return page;
  ResultPage out = page;
  const std::size_t cells = rows * page.columns.size();
  out.json.resize(cells);
  out.text.resize(cells);
  out.null.resize(cells);
  out.row_count = rows;
  out.cut = ResultPage::Cut::byte_limit;
  return out;
}

/// The CallToolResult of a page of rows.
std::string render_rows(const Invocation& inv, const ResultPage& page, std::uint64_t page_size) {
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
  const std::string structured = out.take();

  // One line of metadata: what the rows are, what was cut, how to read on.
  std::string meta;
  if (page.row_count == 0) {
    meta = "No rows";
    if (page.total_rows > page.first_row) {
      meta += " from row " + std::to_string(page.first_row + 1) + " of " +
              std::to_string(page.total_rows);
    }
  } else if (page.first_row == 0 && !page.more()) {
    meta = std::to_string(page.row_count) + (page.row_count == 1 ? " row" : " rows");
  } else {
    meta = "Rows " + std::to_string(page.first_row + 1) + "–" +
           std::to_string(page.first_row + page.row_count) + " of " +
           std::to_string(page.total_rows);
  }
  if (page.rows_affected) meta += ", " + std::to_string(*page.rows_affected) + " rows affected";
  meta += " (statement handle " + page.statement_handle + ").";
  if (page.more()) {
    meta += page.cut == ResultPage::Cut::byte_limit
                ? " Cut to fit " + std::to_string(inv.limits.max_result_bytes) + " bytes."
                : " Cut at the row limit.";
    meta +=
        " Next page: fetch_results {\"cursor\":\"" + *next + "\"}; or filter or aggregate in SQL.";
  }
  if (page.cells_truncated) {
    meta += " Values longer than " + std::to_string(inv.limits.max_cell_bytes) +
            " bytes were shortened; select a substring to see more.";
  }
  std::vector<std::string> texts;
  switch (inv.format) {
    case TextFormat::json:
      texts = {structured, meta};
      break;
    case TextFormat::csv:
      texts = {meta + "\n" + render_csv(to_text_table(page))};
      break;
    case TextFormat::markdown:
      texts = {meta + "\n\n" + render_markdown(to_text_table(page))};
      break;
  }
  return inv.result(structured, texts);
}

/// The generic result of a statement (execute_query, fetch_results, sample_table, …): as many
/// rows as fit in the result budget (--max-result-bytes), counted over everything the answer
/// carries.
void reply_rows(const Invocation& inv, const ResultPage& page, std::uint64_t page_size) {
  std::string result;
  const std::size_t rows = fit_budget(
      page.row_count, inv.budget(),
      [&](std::size_t n) { return render_rows(inv, first_rows(page, n), page_size); }, result);
  inv.call->log(McpLogLevel::info, inv.tool + " returned " + std::to_string(rows) + " of " +
                                       std::to_string(page.total_rows) +
                                       " rows (statement handle " + page.statement_handle + ")");
  inv.call->reply(std::move(result));
}

/// Runs a statement and answers with its rows.
void run_rows(const Invocation& inv, RunRequest request, std::uint64_t page_size) {
  request.connection = inv.connection;
  request.limits = page_limits(inv, page_size);
  const std::string followed = request.attach_handle;
  inv.call->run(std::move(request), [inv, page_size, followed](sfq::Result<ResultPage> outcome) {
    if (!outcome.ok()) {
      const sfq::Error& error = outcome.error();
      if (!followed.empty() && (error.code() == "000709" || error.http_status() == 404)) {
        // A cursor sfq issued, for a statement Snowflake no longer knows: its result expired.
        inv.fail(inv.tool + ": Snowflake no longer knows the statement " + followed +
                 " (error 000709), so its result is not available any more. Run the query "
                 "again.");
        return;
      }
      inv.fail(error);
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
  std::vector<std::string> items;  // each kept entry as JSON
  TextTable table;
  for (const auto& field : fields) table.headers.push_back(field.key);
  bool truncated = page.more();
  for (std::size_t r = 0; r < view.rows(); ++r) {
    if (!keep(view, r)) continue;
    if (items.size() >= inv.limits.max_rows) {
      truncated = true;
      break;
    }
    json::JsonBuilder item;
    item.begin_object();
    std::vector<std::optional<std::string>> row;
    for (const auto& field : fields) {
      auto value = view.text(r, field.column);
      item.key(field.key);
      if (field.numeric) {
        item.raw(number_or_null(value));
      } else if (field.key == "name") {
        item.string(value.value_or(""));
      } else {
        item.string_or_null(value);
      }
      row.push_back(std::move(value));
    }
    item.end_object();
    items.push_back(item.take());
    table.rows.push_back(std::move(row));
  }
  const auto render = [&](std::size_t count) {
    const bool cut = truncated || count < items.size();
    json::JsonBuilder out;
    out.begin_object();
    header(out);
    out.key(items_key).begin_array();
    for (std::size_t i = 0; i < count; ++i) out.raw(items[i]);
    out.end_array().key("count").unsigned_number(count).key("truncated").boolean(cut).end_object();
    const std::string structured = out.take();
    std::string meta = std::to_string(count) + " " + items_key;
    if (cut) meta += " (the list was cut; narrow it, for list_tables with a `pattern`)";
    meta += ".";
    TextTable shown;
    shown.headers = table.headers;
    shown.rows.assign(table.rows.begin(), table.rows.begin() + static_cast<std::ptrdiff_t>(count));
    std::vector<std::string> texts;
    switch (inv.format) {
      case TextFormat::json:
        texts = {structured};
        if (cut) texts.push_back(meta);
        break;
      case TextFormat::csv:
        texts = {meta + "\n" + render_csv(shown)};
        break;
      case TextFormat::markdown:
        texts = {meta + "\n\n" + render_markdown(shown)};
        break;
    }
    return inv.result(structured, texts);
  };
  std::string result;
  const std::size_t count = fit_budget(items.size(), inv.budget(), render, result);
  inv.call->log(McpLogLevel::info, inv.tool + " listed " + std::to_string(count) + " " + items_key);
  inv.call->reply(std::move(result));
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

/// The view of describe_view/query_view: `view_name` in `database`.`schema` (see default_schema).
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
    relation.schema = default_schema(inv, *relation.database);
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

/// database/schema arguments of execute_query and execute_statement, into the statement (a
/// database without a schema: see default_schema).
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
  } else if (!statement.database.empty()) {
    statement.schema = default_schema(inv, statement.database);
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

/// True for Snowflake's answer to a handle it does not know (for this user).
bool unknown_handle(const sfq::Error& error) {
  return error.code() == "000709" || error.http_status() == 404;
}

void fail_unknown_handle(const Invocation& inv, const std::string& handle) {
  inv.fail(inv.tool + ": Snowflake knows no statement with the handle " + handle +
           " (error 000709). Pass the statement_handle of a result; a handle is visible only to "
           "the user that ran the statement.");
}

/// True when a statement that ended this way was cancelled rather than failed on its own.
bool was_cancelled(const sfq::Error& error) {
  return error.code() == "000604" || error.category() == sfq::ErrorCategory::cancelled;
}

/// True when this server may act on the statement (cancel it, hand out cursors to its rows):
/// it started it, or it runs with --allow-write.
bool may_act_on(const Invocation& inv, const std::string& handle) {
  return inv.call->config().allow_write || inv.call->knows_handle(handle);
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
      out.key("total_rows")
          .unsigned_number(page.total_rows)
          .key("columns")
          .raw(columns_json(page.columns));
      summary = "The statement " + handle + " succeeded with " + std::to_string(page.total_rows) +
                (page.total_rows == 1 ? " row" : " rows");
      // Cursors only for statements this server may act on: a handle someone passes along is
      // reported on, never adopted.
      if (may_act_on(inv, handle)) {
        const std::string cursor = encode_cursor(ResultCursor{
            inv.connection, handle, 0, std::min<std::uint64_t>(100, inv.limits.max_rows)});
        out.key("next_cursor").string(cursor);
        summary += "; read them with fetch_results {\"cursor\":\"" + cursor + "\"}.";
      } else {
        out.key("next_cursor").null();
        summary +=
            ". Another server (or client) started it, so this one hands out no cursor to its "
            "rows.";
      }
    } else {
      out.key("total_rows").null().key("next_cursor").null();
      summary = "The statement " + handle + " is " + page.state + ".";
    }
    out.key("error").null();
  } else {
    const sfq::Error& error = outcome.error();
    if (unknown_handle(error)) {
      fail_unknown_handle(inv, handle);
      return;
    }
    const bool statement_outcome = error.category() == sfq::ErrorCategory::server ||
                                   error.category() == sfq::ErrorCategory::timeout ||
                                   error.category() == sfq::ErrorCategory::cancelled;
    if (!statement_outcome) {
      inv.fail(error);
      return;
    }
    const bool cancelled = was_cancelled(error);
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
    summary = "The statement " + handle + (cancelled ? " was cancelled" : " failed") + ": " +
              sfq::redact(error.message());
  }
  out.end_object();
  inv.succeed(out.take(), {summary});
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

/// Answers cancel_query with what happened to the statement.
void reply_cancel(const Invocation& inv, const std::string& handle, bool cancelled,
                  const std::string& state) {
  std::string message;
  if (cancelled) {
    message = "Cancelled: the statement " + handle +
              " was running and Snowflake has stopped it; it has no result.";
  } else {
    message = "Already finished: the statement " + handle + " had " +
              (state == "succeeded" ? "succeeded"
               : state == "failed"  ? "failed"
                                    : "been cancelled") +
              " before the cancellation, so nothing was cancelled" +
              (state == "succeeded" ? "; its result is still available." : ".");
  }
  json::JsonBuilder out;
  out.begin_object()
      .key("statement_handle")
      .string(handle)
      .key("outcome")
      .string(cancelled ? "cancelled" : "already_finished")
      .key("cancelled")
      .boolean(cancelled)
      .key("state")
      .string(state)
      .end_object();
  inv.succeed(out.take(), {message});
}

/// After Snowflake accepted a cancellation: follow the statement to see what became of it.
void confirm_cancel(const Invocation& inv, const std::string& handle) {
  RunRequest request;
  request.connection = inv.connection;
  request.attach_handle = handle;
  request.fetch_rows = false;
  request.limits = page_limits(inv, 1);
  auto execution =
      inv.call->run(std::move(request), [inv, handle](sfq::Result<ResultPage> outcome) {
        if (outcome.ok()) {
          // It ran to the end: the cancellation came too late to stop it.
          reply_cancel(inv, handle, false, "succeeded");
          return;
        }
        const sfq::Error& error = outcome.error();
        if (unknown_handle(error)) {
          fail_unknown_handle(inv, handle);
        } else if (was_cancelled(error)) {
          reply_cancel(inv, handle, true, "cancelled");
        } else if (error.category() == sfq::ErrorCategory::server ||
                   error.category() == sfq::ErrorCategory::timeout) {
          reply_cancel(inv, handle, false, "failed");
        } else {
          inv.fail("Cancel not confirmed: Snowflake accepted the cancellation of " + handle +
                   ", but its state could not be read afterwards: " + sfq::redact(error.message()) +
                   ". Check it with query_status.");
        }
      });
  if (!execution) return;
  inv.call->after(kCancelConfirm, [inv, execution, handle] {
    inv.call->abandon(execution);
    inv.fail("Cancel not confirmed: Snowflake accepted the cancellation of " + handle +
             ", but the statement was still running " +
             std::to_string(kCancelConfirm.count() / 1000) +
             " s later. Check it with query_status (wait_seconds) or cancel it again.");
  });
}

void cancel_query(Invocation inv) {
  const auto handle = handle_arg(inv);
  if (!handle) return;
  if (!may_act_on(inv, *handle)) {
    inv.fail("cancel_query cancels only statements this server started, and the statement " +
             *handle +
             " is not one of them. Cancel it from the server or session that started it; an "
             "administrator may start sfq mcp with --allow-write to cancel any statement.");
    return;
  }
  inv.call->cancel_statement(
      inv.connection, *handle, [inv, handle = *handle](sfq::Result<CancelOutcome> outcome) {
        if (!outcome.ok()) {
          if (unknown_handle(outcome.error())) {
            fail_unknown_handle(inv, handle);
            return;
          }
          inv.fail("Cancel not confirmed: " +
                   describe_error(outcome.error(), inv.connection, inv.limits));
          return;
        }
        switch (outcome.value().kind) {
          case CancelOutcome::Kind::cancelled:
            reply_cancel(inv, handle, true, "cancelled");
            return;
          case CancelOutcome::Kind::already_finished:
            reply_cancel(inv, handle, false, outcome.value().state);
            return;
          case CancelOutcome::Kind::requested:
            confirm_cancel(inv, handle);
            return;
        }
      });
}

// --- output schemas --------------------------------------------------------------------------
// Kept to what a client needs to validate and read a result: every tool's outputSchema is sent
// with tools/list, so each byte here is paid for in the agent's context.

constexpr std::string_view kRowsSchema =
    R"({"type":"object","properties":{"rows":{"type":"array","description":"NUMBERs a double )"
    R"(would round are strings"},"truncated":{"type":"boolean"},)"
    R"("next_cursor":{"type":["string","null"]}},"required":["rows","truncated"]})";

std::string listing_schema(std::string_view items_key) {
  return R"({"type":"object","properties":{")" + std::string(items_key) +
         R"(":{"type":"array"},"truncated":{"type":"boolean"}},"required":[")" +
         std::string(items_key) + R"(","truncated"]})";
}

constexpr std::string_view kDescriptionSchema =
    R"({"type":"object","properties":{"columns":{"type":"array"},)"
    R"("ddl":{"type":["string","null"]}},"required":["columns"]})";

constexpr std::string_view kStatusSchema =
    R"({"type":"object","properties":{"state":)"
    R"({"enum":["running","succeeded","failed","cancelled"]},)"
    R"("next_cursor":{"type":["string","null"]}},"required":["state"]})";

constexpr std::string_view kCancelSchema =
    R"({"type":"object","properties":{"outcome":{"enum":["cancelled","already_finished"]},)"
    R"("cancelled":{"type":"boolean"}},"required":["outcome","cancelled"]})";

// --- the tool set ----------------------------------------------------------------------------

std::vector<ToolRegistry::Tool> build_tools(const ServerConfig& config) {
  const Limits& limits = config.limits;
  std::vector<ToolRegistry::Tool> tools;
  // `connection` only when there is a choice; with one connection every call uses it.
  const bool choose_connection = config.connections.size() > 1;
  auto add = [&](ToolRegistry::Tool tool, bool statement_tool, bool formats) {
    if (formats) tool.args.push_back(format_arg());
    if (statement_tool) tool.args.push_back(timeout_arg(limits));
    if (choose_connection) tool.args.push_back(connection_arg(config));
    tools.push_back(std::move(tool));
  };
  const auto table_args = [&](std::vector<ArgSpec> more) {
    std::vector<ArgSpec> args{string_arg("table", "TABLE, SCHEMA.TABLE or DB.SCHEMA.TABLE", true),
                              string_arg("database", ""), string_arg("schema", "")};
    for (auto& arg : more) args.push_back(std::move(arg));
    return args;
  };
  const auto view_args = [&](std::vector<ArgSpec> more) {
    std::vector<ArgSpec> args{string_arg("database", "", true), string_arg("schema", ""),
                              string_arg("view_name", "", true)};
    for (auto& arg : more) args.push_back(std::move(arg));
    return args;
  };

  add({"list_databases",
       "List databases",
       "Databases the role can see.",
       true,
       false,
       true,
       {},
       listing_schema("databases"),
       list_databases},
      true, true);

  add({"list_schemas",
       "List schemas",
       "Schemas of a database.",
       true,
       false,
       true,
       {string_arg("database", "", true)},
       listing_schema("schemas"),
       list_schemas},
      true, true);

  add({"list_tables",
       "List tables",
       "Tables of a schema, with row counts and sizes.",
       true,
       false,
       true,
       {string_arg("database", "", true), string_arg("schema", "", true),
        string_arg("pattern", "LIKE pattern on names (% and _), ignoring case")},
       listing_schema("tables"),
       list_tables},
      true, true);

  add({"list_views",
       "List views",
       "Views of a schema (of every schema when it is omitted).",
       true,
       false,
       true,
       {string_arg("database", "", true), string_arg("schema", "")},
       listing_schema("views"),
       list_views},
      true, true);

  add({"describe_table", "Describe a table", "Columns and DDL of a table.", true, false, true,
       table_args({}), std::string(kDescriptionSchema), describe_table},
      true, true);

  add({"describe_view", "Describe a view", "Columns and SQL definition of a view.", true, false,
       true, view_args({}), std::string(kDescriptionSchema), describe_view},
      true, true);

  add({"sample_table", "Sample a table", "The first rows of a table.", true, false, true,
       table_args({limit_arg(limits, 10, "")}), std::string(kRowsSchema), sample_table},
      true, true);

  add({"query_view", "Query a view", "The first rows of a view.", true, false, true,
       view_args({limit_arg(limits, 10, "")}), std::string(kRowsSchema), query_view},
      true, true);

  ArgSpec query = string_arg("query", "", true);
  query.max_length = kMaxSqlBytes;
  add({"execute_query",
       "Run a read-only query",
       "Run one read-only statement as written: a query, SHOW, DESCRIBE, EXPLAIN, LIST, or a "
       "->> chain of them.",
       true,
       false,
       true,
       {query, string_arg("database", ""), string_arg("schema", ""), limit_arg(limits, 100, "")},
       std::string(kRowsSchema),
       execute_query},
      true, true);

  ArgSpec limit_override = limit_arg(limits, 100, "Rows in this page (default: as before)");
  limit_override.default_integer.reset();
  add({"fetch_results",
       "Fetch more rows",
       "The next page of a result, from its next_cursor (nothing runs again).",
       true,
       false,
       true,
       {string_arg("cursor", "", true), limit_override},
       std::string(kRowsSchema),
       fetch_results},
      false, true);

  add({"query_status",
       "Statement status",
       "Whether a statement runs, succeeded, failed or was cancelled; for one this server ran, "
       "a cursor to its rows.",
       true,
       false,
       true,
       {string_arg("statement_handle", "", true), wait_arg(limits)},
       std::string(kStatusSchema),
       query_status},
      false, false);

  add({"cancel_query",
       "Cancel a statement",
       "Cancel a statement this server started (any, with --allow-write) and say what "
       "happened.",
       false,
       false,
       true,
       {string_arg("statement_handle", "", true)},
       std::string(kCancelSchema),
       cancel_query},
      false, false);

  if (config.allow_write) {
    ArgSpec statement = string_arg("statement", "", true);
    statement.max_length = kMaxSqlBytes;
    add({"execute_statement",
         "Run any SQL statement (may change data)",
         "Run one statement of any kind (INSERT, UPDATE, DELETE, CREATE, DROP, …) with the "
         "connection's role: it can change or destroy data.",
         false,
         true,
         false,
         {statement, string_arg("database", ""), string_arg("schema", ""),
          limit_arg(limits, 100, "")},
         std::string(kRowsSchema),
         execute_statement},
        true, true);
  }
  return tools;
}

std::string tools_list_json(const std::vector<ToolRegistry::Tool>& tools, bool output_schemas) {
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
        .raw(input_schema(tool.args));
    if (output_schemas) out.key("outputSchema").raw(tool.output_schema);
    // destructiveHint and idempotentHint mean something only when readOnlyHint is false.
    out.key("annotations").begin_object().key("readOnlyHint").boolean(tool.read_only);
    if (!tool.read_only) {
      out.key("destructiveHint")
          .boolean(tool.destructive)
          .key("idempotentHint")
          .boolean(tool.idempotent);
    }
    out.key("openWorldHint").boolean(false).end_object().end_object();
  }
  out.end_array();
  return out.take();
}

}  // namespace

ToolRegistry::ToolRegistry(const ServerConfig& config)
    : tools_(build_tools(config)),
      list_json_(tools_list_json(tools_, true)),
      list_json_legacy_(tools_list_json(tools_, false)) {}

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
      parse_text_format(inv.args.string("format").value_or("csv")).value_or(TextFormat::csv);
  inv.timeout = std::chrono::seconds(
      inv.args.integer("timeout_seconds").value_or(inv.limits.default_timeout.count()));
  call->log(McpLogLevel::debug, "tools/call " + name + " on connection " + inv.connection);
  tool->handler(std::move(inv));
}

}  // namespace sfq::mcp
