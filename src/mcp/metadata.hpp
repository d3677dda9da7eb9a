// metadata.hpp — the Snowflake lookups that tools, resources and completion share: building
// statements the safe way (quoted identifiers, bound values, QUERY_TAG, timeouts, one statement
// only), describing a table or view (DESCRIBE and GET_DDL, concurrently), listing names, and
// turning an sfq::Error into a message an agent can act on.
//
// Thread safety: functions run on the executor; their continuations too (through Call::run).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/backend.hpp"
#include "mcp/render.hpp"
#include "mcp/session.hpp"
#include "sfq/statement.hpp"

namespace sfq::mcp {

/// A statement of a tool: one statement only (MULTI_STATEMENT_COUNT=1), tagged with the client
/// and the request, with the server-side timeout and a client-side deadline a little later.
[[nodiscard]] sfq::Statement make_statement(const Call& call, std::string sql,
                                            std::string_view what, std::chrono::seconds timeout);

/// Bind values in the API's wire form.
[[nodiscard]] sfq::BindValue text_value(std::string value);
[[nodiscard]] sfq::BindValue integer_value(std::int64_t value);

/// A table or view name; database and schema may be left to the connection's defaults.
struct RelationName {
  std::optional<std::string> database;
  std::optional<std::string> schema;
  std::string name;

  /// "DB"."SCHEMA"."NAME" (only the parts that are known), every part quoted.
  [[nodiscard]] std::string quoted() const;
};

enum class RelationKind { table, view };

struct ColumnDescription {
  std::string name;
  std::string type;
  bool nullable = true;
  std::optional<std::string> default_value;
  bool primary_key = false;
  std::optional<std::string> comment;
};

struct Description {
  RelationName relation;
  RelationKind kind = RelationKind::table;
  std::vector<ColumnDescription> columns;
  std::optional<std::string> ddl;
  /// Set when the DDL did not come from GET_DDL: where it came from instead, or why there is
  /// none.
  std::optional<std::string> ddl_note;
};

/// Runs DESCRIBE TABLE|VIEW and GET_DDL at the same time; `then` gets the description or the
/// DESCRIBE error. When GET_DDL fails (it may not accept the bound name), the DDL of a view is
/// taken from SHOW VIEWS and the DDL of a table rebuilt from its DESCRIBE rows — no name is ever
/// spliced into SQL text — and `ddl_note` says so.
/// `timeout` bounds each of its statements (the call's timeout_seconds).
void describe_relation(const std::shared_ptr<Call>& call, const std::string& connection,
                       const RelationName& relation, RelationKind kind,
                       std::chrono::seconds timeout,
                       std::function<void(sfq::Result<Description>)> then);

/// The structured JSON of a description (see describe_table's outputSchema).
[[nodiscard]] std::string description_json(const Description& description);
/// The columns as a text table (for csv/markdown).
[[nodiscard]] TextTable description_table(const Description& description);

enum class NameKind { database, schema, table };

/// Names of databases, of schemas in `database`, or of tables and views in `database`.`schema`.
void list_names(const std::shared_ptr<Call>& call, const std::string& connection, NameKind kind,
                const std::string& database, const std::string& schema,
                std::function<void(sfq::Result<std::vector<std::string>>)> then);

/// An actionable message for a failed statement: what happened, what to do, and Snowflake's
/// error code, SQLSTATE and query id when known. Never contains secrets.
[[nodiscard]] std::string describe_error(const sfq::Error& error, std::string_view connection,
                                         const Limits& limits);

}  // namespace sfq::mcp
