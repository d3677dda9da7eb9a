// metadata.cpp — statements, DESCRIBE/GET_DDL, name listings and error messages for the tools.
#include "mcp/metadata.hpp"

#include "mcp/identifiers.hpp"
#include "mcp/json.hpp"
#include "sfq/log.hpp"

namespace sfq::mcp {

namespace {

// A client-side deadline slightly after the server-side timeout: the server's own timeout
// error (with its code and query id) should normally win; the deadline is the safety net that
// cancels the statement on the server if the server never answers.
constexpr std::chrono::seconds kDeadlineMargin{15};

// Metadata listings are read whole (they are filtered here); these bound them.
constexpr std::size_t kListingRows = 10'000;
constexpr std::size_t kListingBytes = 8u << 20;

std::string hint_for_code(std::string_view code) {
  if (code == "002003" || code == "002043") {
    return "The object does not exist, or the connection's role cannot see it. Check the name "
           "with list_databases, list_schemas, list_tables or list_views; unquoted names are "
           "upper-cased, so put a mixed-case name in double quotes.";
  }
  if (code == "001003" || code == "001007" || code == "000904" || code == "002140") {
    return "Fix the SQL and try again.";
  }
  if (code == "090105" || code == "090106") {
    return "No database or schema is selected: pass `database` and `schema`, or qualify names "
           "as DATABASE.SCHEMA.NAME.";
  }
  if (code == "000630") {
    return "The statement reached its timeout and was cancelled on the server: narrow or "
           "aggregate the query, or pass a larger timeout_seconds.";
  }
  if (code == "000606") {
    return "The connection has no running warehouse: set `warehouse` in the connection's "
           "configuration or ask an administrator to resume it.";
  }
  if (code == "003001" || code == "003003" || code == "003011") {
    return "The connection's role lacks a privilege this needs: ask for a grant, or use another "
           "connection.";
  }
  return {};
}

}  // namespace

sfq::Statement make_statement(const Call& call, std::string sql, std::string_view what,
                              std::chrono::seconds timeout) {
  sfq::Statement statement(std::move(sql));
  statement.multi_statement_count = 1;
  // A request without a progress token is submitted synchronously: Snowflake holds it until the
  // statement ends (up to 45 s), so a short statement is answered as soon as it is done, with no
  // polling delay. Its handle is known from the answer, or from the 202 of a statement still
  // running after the hold; cancelling before then still reaches Snowflake (libsfq finds the
  // statement by its request id). A request that asked for progress is submitted
  // asynchronously instead, so that its progress names the statement handle at once (for
  // query_status and cancel_query), at the cost of libsfq's polling delay.
  statement.async = call.wants_progress();
  statement.query_tag = call.query_tag(what);
  statement.timeout = timeout;
  statement.total_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout + kDeadlineMargin);
  return statement;
}

sfq::BindValue text_value(std::string value) {
  sfq::BindValue bind;
  bind.type = sfq::BindType::text;
  bind.values.emplace_back(std::move(value));
  return bind;
}

sfq::BindValue integer_value(std::int64_t value) {
  sfq::BindValue bind;
  bind.type = sfq::BindType::fixed;
  bind.values.emplace_back(std::to_string(value));
  return bind;
}

std::string RelationName::quoted() const {
  std::string out;
  if (database) out += quote_identifier(*database) + ".";
  if (schema) out += quote_identifier(*schema) + ".";
  if (database && !schema) out += ".";  // DB..NAME: the PUBLIC schema of DB
  out += quote_identifier(name);
  return out;
}

namespace {

struct DescribeState {
  std::shared_ptr<Call> call;
  std::string connection;
  RelationName relation;
  RelationKind kind = RelationKind::table;
  int pending = 2;
  bool done = false;
  std::optional<sfq::Result<ResultPage>> columns;
  std::optional<sfq::Result<ResultPage>> ddl;
  Description description;
  std::function<void(sfq::Result<Description>)> then;
};

std::string sql_string_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

/// CREATE TABLE text rebuilt from DESCRIBE TABLE rows (columns, types, nullability, defaults,
/// comments; not clustering keys or constraints).
std::string rebuilt_table_ddl(const Description& d) {
  std::string out = "create or replace TABLE " + d.relation.quoted() + " (\n";
  for (std::size_t i = 0; i < d.columns.size(); ++i) {
    const ColumnDescription& c = d.columns[i];
    out += "\t" + quote_identifier(c.name) + " " + c.type;
    if (!c.nullable) out += " NOT NULL";
    if (c.default_value && !c.default_value->empty()) out += " DEFAULT " + *c.default_value;
    if (c.comment && !c.comment->empty()) out += " COMMENT " + sql_string_literal(*c.comment);
    out += i + 1 < d.columns.size() ? ",\n" : "\n";
  }
  out += ");";
  return out;
}

void finish_description(const std::shared_ptr<DescribeState>& state) {
  if (state->done) return;
  const bool columns_failed = state->columns && !state->columns->ok();
  if (!columns_failed && state->pending > 0) return;
  state->done = true;
  if (columns_failed) {
    state->then(state->columns->error());
    return;
  }
  const PageView view_of(state->columns->value());
  Description& description = state->description;
  description.relation = state->relation;
  description.kind = state->kind;
  for (std::size_t r = 0; r < view_of.rows(); ++r) {
    ColumnDescription column;
    column.name = view_of.text(r, "name").value_or("");
    column.type = view_of.text(r, "type").value_or("");
    column.nullable = view_of.flag(r, "null?");
    column.default_value = view_of.text(r, "default");
    column.primary_key = view_of.flag(r, "primary key");
    column.comment = view_of.text(r, "comment");
    description.columns.push_back(std::move(column));
  }
  const auto& ddl = *state->ddl;
  if (ddl.ok()) {
    if (ddl.value().row_count > 0 && ddl.value().null[0] == 0) {
      description.ddl = ddl.value().text[0];
    }
    state->then(std::move(description));
    return;
  }
  const std::string why = ddl.error().message();
  if (state->kind == RelationKind::table) {
    description.ddl = rebuilt_table_ddl(description);
    description.ddl_note = "Rebuilt from DESCRIBE TABLE (GET_DDL failed: " + why + ").";
    state->then(std::move(description));
    return;
  }
  // A view's definition is in SHOW VIEWS; pick its row here rather than filter in SQL.
  const RelationName& r = state->relation;
  std::string sql = "SHOW VIEWS";
  if (r.database && r.schema) {
    sql += " IN SCHEMA " + quote_identifier(*r.database) + "." + quote_identifier(*r.schema);
  } else if (r.schema) {
    sql += " IN SCHEMA " + quote_identifier(*r.schema);
  }
  RunRequest request;
  request.connection = state->connection;
  request.statement = make_statement(*state->call, std::move(sql), "describe_view",
                                     state->call->config().limits.default_timeout);
  request.limits = PageLimits{kListingRows, kListingBytes, 4u << 20};
  state->call->run(std::move(request), [state, why](sfq::Result<ResultPage> outcome) {
    Description& d = state->description;
    if (outcome.ok()) {
      const PageView views(outcome.value());
      for (std::size_t row = 0; row < views.rows(); ++row) {
        if (views.text(row, "name") == state->relation.name) d.ddl = views.text(row, "text");
      }
    }
    d.ddl_note = d.ddl ? "Taken from SHOW VIEWS (GET_DDL failed: " + why + ")."
                       : "The DDL is not available (GET_DDL failed: " + why + ").";
    state->then(std::move(d));
  });
}

}  // namespace

void describe_relation(const std::shared_ptr<Call>& call, const std::string& connection,
                       const RelationName& relation, RelationKind kind,
                       std::chrono::seconds timeout,
                       std::function<void(sfq::Result<Description>)> then) {
  auto state = std::make_shared<DescribeState>();
  state->call = call;
  state->connection = connection;
  state->relation = relation;
  state->kind = kind;
  state->then = std::move(then);
  const bool view = kind == RelationKind::view;

  RunRequest columns;
  columns.connection = connection;
  columns.statement = make_statement(
      *call, std::string(view ? "DESCRIBE VIEW " : "DESCRIBE TABLE ") + relation.quoted(),
      view ? "describe_view" : "describe_table", timeout);
  columns.limits = PageLimits{kListingRows, kListingBytes, 64 * 1024};
  call->run(std::move(columns), [state](sfq::Result<ResultPage> outcome) {
    --state->pending;
    state->columns = std::move(outcome);
    finish_description(state);
  });

  RunRequest ddl;
  ddl.connection = connection;
  // The object name is a bound value: GET_DDL reads it as a (quoted) identifier.
  ddl.statement = make_statement(*call, "SELECT GET_DDL(?, ?)", "get_ddl", timeout);
  ddl.statement.bind(text_value(view ? "VIEW" : "TABLE"));
  ddl.statement.bind(text_value(relation.quoted()));
  ddl.limits = PageLimits{1, 4u << 20, 4u << 20};
  call->run(std::move(ddl), [state](sfq::Result<ResultPage> outcome) {
    --state->pending;
    state->ddl = std::move(outcome);
    finish_description(state);
  });
}

std::string description_json(const Description& description) {
  const RelationName& r = description.relation;
  json::JsonBuilder out;
  out.begin_object()
      .key("name")
      .string(r.name)
      .key("database")
      .string_or_null(r.database)
      .key("schema")
      .string_or_null(r.schema)
      .key("qualified_name")
      .string(r.quoted())
      .key("kind")
      .string(description.kind == RelationKind::view ? "view" : "table")
      .key("columns")
      .begin_array();
  for (const auto& column : description.columns) {
    out.begin_object()
        .key("name")
        .string(column.name)
        .key("type")
        .string(column.type)
        .key("nullable")
        .boolean(column.nullable)
        .key("default")
        .string_or_null(column.default_value)
        .key("primary_key")
        .boolean(column.primary_key)
        .key("comment")
        .string_or_null(column.comment)
        .end_object();
  }
  out.end_array()
      .key("column_count")
      .unsigned_number(description.columns.size())
      .key("ddl")
      .string_or_null(description.ddl)
      .key("ddl_note")
      .string_or_null(description.ddl_note)
      .end_object();
  return out.take();
}

TextTable description_table(const Description& description) {
  TextTable table;
  table.headers = {"name", "type", "nullable", "default", "primary_key", "comment"};
  for (const auto& column : description.columns) {
    table.rows.push_back({column.name, column.type, std::string(column.nullable ? "Y" : "N"),
                          column.default_value, std::string(column.primary_key ? "Y" : "N"),
                          column.comment});
  }
  return table;
}

void list_names(const std::shared_ptr<Call>& call, const std::string& connection, NameKind kind,
                const std::string& database, const std::string& schema,
                std::function<void(sfq::Result<std::vector<std::string>>)> then) {
  std::string sql;
  switch (kind) {
    case NameKind::database:
      sql = "SHOW DATABASES";
      break;
    case NameKind::schema:
      sql = "SHOW SCHEMAS IN DATABASE " + quote_identifier(database);
      break;
    case NameKind::table:
      sql = "SHOW TABLES IN SCHEMA " + quote_identifier(database) + "." + quote_identifier(schema);
      break;
  }
  RunRequest request;
  request.connection = connection;
  request.statement =
      make_statement(*call, std::move(sql), "completion", call->config().limits.default_timeout);
  request.limits = PageLimits{kListingRows, kListingBytes, 1024};
  call->run(std::move(request), [then = std::move(then)](sfq::Result<ResultPage> outcome) {
    if (!outcome.ok()) {
      then(outcome.error());
      return;
    }
    const PageView view(outcome.value());
    std::vector<std::string> names;
    for (std::size_t r = 0; r < view.rows(); ++r) {
      if (auto name = view.text(r, "name")) names.push_back(std::move(*name));
    }
    then(std::move(names));
  });
}

std::string describe_error(const sfq::Error& error, std::string_view connection,
                           const Limits& limits) {
  const std::string conn = "'" + std::string(connection) + "'";
  std::string text;
  switch (error.category()) {
    case sfq::ErrorCategory::server: {
      text = "Snowflake could not run the statement: " + error.message();
      const std::string hint = hint_for_code(error.code());
      if (!hint.empty()) text += "\n" + hint;
      break;
    }
    case sfq::ErrorCategory::auth:
      text = "Snowflake did not accept the credentials of connection " + conn + ": " +
             error.message() +
             "\nCheck the account, the user and the key pair or token of that connection "
             "(`sfq config explain` shows where each value comes from). The server keeps "
             "running; the next call logs in again.";
      break;
    case sfq::ErrorCategory::config:
      text = "Connection " + conn + " cannot be used: " + error.message() +
             "\nFix the connection's configuration (`sfq config explain` shows it); the server "
             "keeps running and the next call tries again.";
      break;
    case sfq::ErrorCategory::transport:
      text = "Could not reach Snowflake for connection " + conn + ": " + error.message() +
             "\nCheck the network and the account name, then try again.";
      break;
    case sfq::ErrorCategory::protocol:
      text = "Snowflake's answer could not be understood: " + error.message();
      break;
    case sfq::ErrorCategory::timeout:
      text = "The statement did not finish in time and was cancelled on the server (" +
             error.message() +
             ").\nNarrow or aggregate the query, or pass a larger timeout_seconds (at most " +
             std::to_string(limits.max_timeout.count()) + ").";
      break;
    case sfq::ErrorCategory::cancelled:
      text = "The statement was cancelled (" + error.message() + ").";
      break;
  }
  if (!error.code().empty()) {
    text += "\nSnowflake error code: " + error.code();
    if (!error.sql_state().empty()) text += " (SQLSTATE " + error.sql_state() + ")";
  }
  if (!error.statement_handle().empty()) text += "\nQuery id: " + error.statement_handle();
  return sfq::redact(text);
}

}  // namespace sfq::mcp
