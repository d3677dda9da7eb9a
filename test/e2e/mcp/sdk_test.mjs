// sdk_test.mjs — `sfq mcp --mock` driven by the official MCP TypeScript SDK client
// (@modelcontextprotocol/sdk, StdioClientTransport spawning the built binary).
//
// Covers: initialize, tools/list (and its size), a call of every tool with structuredContent
// validated by the SDK against each tool's outputSchema, results that fit the result budget
// with a compact text block, exact numbers, the default-schema rule, resources, prompts,
// completion, logging, progress notifications, cancellation (notifications/cancelled and
// cancel_query, both confirmed by the emulator reporting the statement cancelled; cancel_query
// of a finished statement saying so), unknown handles, and 10 concurrent statements each held
// 1 s by the emulator finishing together (their time is printed, not asserted).
//
// Usage: node sdk_test.mjs <path to sfq>
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const binary = process.argv[2];
if (!binary) {
  console.error("usage: node sdk_test.mjs <sfq binary>");
  process.exit(2);
}

const DB = "SNOWFLAKE_SAMPLE_DATA";
const SCHEMA = "TPCH_SF1";
const TEMPLATE = "snowflake://{connection}/{database}/{schema}/{table}";

let failures = 0;
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}\n${error?.stack ?? error}`);
  }
}

const transport = new StdioClientTransport({
  command: binary,
  args: ["mcp", "--mock", "--allow-write", "--progress-interval-ms", "200"],
  env: { ...process.env },
  stderr: "inherit",
});
const client = new Client({ name: "sfq-sdk-test", version: "1.0.0" });

const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
  logs.push(notification.params);
});

/** Calls a tool; the SDK validates structuredContent against the tool's outputSchema. */
async function call(name, args, options = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: 60_000, ...options });
}

function text(result) {
  return result.content.map((block) => block.text).join("\n");
}

/** Starts a call that runs until cancelled; resolves the statement handle from progress. */
function startLongQuery(signal) {
  let resolveHandle;
  const handle = new Promise((resolve) => {
    resolveHandle = resolve;
  });
  const promise = call(
    "execute_query",
    { query: "SELECT SYSTEM$WAIT(60)", timeout_seconds: 300 },
    {
      signal,
      timeout: 180_000,
      onprogress: (progress) => {
        const match = /statement handle ([A-Za-z0-9_-]+)/.exec(progress.message ?? "");
        if (match) resolveHandle(match[1]);
      },
    },
  );
  return { handle, promise };
}

async function expectCancelledOnTheServer(handle) {
  // query_status follows the statement in the emulator until it ends.
  const status = await call("query_status", { statement_handle: handle, wait_seconds: 30 });
  assert.equal(status.isError, false, text(status));
  assert.equal(status.structuredContent.state, "cancelled", text(status));
}

try {
  await step("initialize", async () => {
    await client.connect(transport);
    const server = client.getServerVersion();
    assert.equal(server.name, "sfq");
    const capabilities = client.getServerCapabilities();
    for (const capability of ["tools", "resources", "prompts", "logging", "completions"]) {
      assert.ok(capabilities[capability], `capability ${capability}`);
    }
    assert.match(client.getInstructions() ?? "", /execute_query/);
  });

  let tools = [];
  await step("tools/list", async () => {
    ({ tools } = await client.listTools());
    assert.deepEqual(
      tools.map((tool) => tool.name),
      [
        "list_databases", "list_schemas", "list_tables", "list_views", "describe_table",
        "describe_view", "sample_table", "query_view", "execute_query", "fetch_results",
        "query_status", "cancel_query", "execute_statement",
      ],
    );
    // Small enough for an agent's context: shared wording lives in the instructions. A
    // read-only server lists the same tools without execute_statement.
    const size = JSON.stringify({ tools }).length;
    const readOnly = JSON.stringify({ tools: tools.filter((t) => t.name !== "execute_statement") }).length;
    console.log(`     tools/list: ${readOnly} bytes read-only, ${size} with --allow-write`);
    assert.ok(readOnly <= 8192, `tools/list is ${readOnly} bytes`);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, "object", tool.name);
      assert.equal(tool.outputSchema?.type, "object", tool.name);
      assert.equal(typeof tool.title, "string", tool.name);
      assert.equal(typeof tool.annotations.readOnlyHint, "boolean", tool.name);
    }
    const write = tools.find((tool) => tool.name === "execute_statement");
    assert.equal(write.annotations.destructiveHint, true);
    assert.equal(write.annotations.readOnlyHint, false);
  });

  await step("ping", async () => {
    await client.ping();
  });

  await step("logging/setLevel", async () => {
    await client.setLoggingLevel("info");
  });

  await step("list_databases", async () => {
    const result = await call("list_databases", {});
    assert.equal(result.isError, false, text(result));
    assert.ok(result.structuredContent.databases.some((d) => d.name === DB), text(result));
  });

  await step("list_schemas", async () => {
    const result = await call("list_schemas", { database: DB });
    assert.equal(result.isError, false, text(result));
    assert.ok(result.structuredContent.schemas.some((s) => s.name === SCHEMA), text(result));
  });

  await step("list_tables", async () => {
    const result = await call("list_tables", { database: DB, schema: SCHEMA, pattern: "ord%" });
    assert.equal(result.isError, false, text(result));
    const names = result.structuredContent.tables.map((t) => t.name);
    assert.deepEqual(names, ["ORDERS"], text(result));
  });

  await step("describe_table", async () => {
    const result = await call("describe_table", { table: `${DB}.${SCHEMA}.orders` });
    assert.equal(result.isError, false, text(result));
    const columns = result.structuredContent.columns.map((c) => c.name);
    assert.ok(columns.includes("O_ORDERKEY"), columns.join(","));
    assert.ok(columns.includes("O_TOTALPRICE"), columns.join(","));
  });

  await step("sample_table", async () => {
    const result = await call("sample_table", { table: `${DB}.${SCHEMA}.NATION`, limit: 5 });
    assert.equal(result.isError, false, text(result));
    assert.equal(result.structuredContent.row_count, 5);
    assert.equal(result.structuredContent.rows.length, 5);
  });

  await step("execute_statement (write mode) creates a view", async () => {
    for (const statement of [
      "CREATE DATABASE IF NOT EXISTS SFQ_MCP_TEST",
      "CREATE SCHEMA IF NOT EXISTS SFQ_MCP_TEST.S",
      `CREATE OR REPLACE VIEW SFQ_MCP_TEST.S.BIG_ORDERS AS SELECT O_ORDERKEY, O_TOTALPRICE FROM ${DB}.${SCHEMA}.ORDERS WHERE O_TOTALPRICE > 100000`,
    ]) {
      const result = await call("execute_statement", { statement });
      assert.equal(result.isError, false, `${statement}\n${text(result)}`);
    }
  });

  await step("list_views", async () => {
    const result = await call("list_views", { database: "SFQ_MCP_TEST", schema: "S" });
    assert.equal(result.isError, false, text(result));
    assert.deepEqual(result.structuredContent.views.map((v) => v.name), ["BIG_ORDERS"]);
  });

  await step("describe_view", async () => {
    const result = await call("describe_view", {
      database: "SFQ_MCP_TEST", schema: "S", view_name: "big_orders",
    });
    assert.equal(result.isError, false, text(result));
    assert.deepEqual(result.structuredContent.columns.map((c) => c.name), ["O_ORDERKEY", "O_TOTALPRICE"]);
  });

  await step("query_view", async () => {
    const result = await call("query_view", {
      database: "SFQ_MCP_TEST", schema: "S", view_name: "BIG_ORDERS", limit: 3,
    });
    assert.equal(result.isError, false, text(result));
    assert.equal(result.structuredContent.row_count, 3);
  });

  let firstPage;
  await step("execute_query is capped and says so", async () => {
    firstPage = await call("execute_query", {
      query: `SELECT O_ORDERKEY, O_TOTALPRICE FROM ${DB}.${SCHEMA}.ORDERS ORDER BY O_ORDERKEY`,
      limit: 10,
    });
    assert.equal(firstPage.isError, false, text(firstPage));
    const page = firstPage.structuredContent;
    assert.equal(page.row_count, 10);
    assert.ok(page.total_rows > 10, `total_rows ${page.total_rows}`);
    assert.equal(page.truncated, true);
    assert.equal(page.truncated_by, "row_limit");
    assert.equal(typeof page.next_cursor, "string");
    // The text block is a compact table under one line of metadata; NUMBER(12,2) values keep
    // their exact decimal digits there.
    assert.match(firstPage.content[0].text, /^Rows 1–10 of \d+ .*fetch_results/);
    assert.match(firstPage.content[0].text, /\r\n1,\d+\.\d\d\r\n/);
  });

  await step("fetch_results reads the next page", async () => {
    const page1 = firstPage.structuredContent;
    const result = await call("fetch_results", { cursor: page1.next_cursor });
    assert.equal(result.isError, false, text(result));
    const page2 = result.structuredContent;
    assert.equal(page2.statement_handle, page1.statement_handle, "the same statement, not re-run");
    assert.equal(page2.first_row, 10);
    assert.equal(page2.row_count, 10);
    assert.ok(page2.rows[0][0] > page1.rows[9][0], "the rows continue");
  });

  await step("fetch_results refuses a cursor it never issued", async () => {
    await assert.rejects(call("fetch_results", { cursor: "bm90LWEtY3Vyc29y" }), (error) => {
      assert.ok(error instanceof McpError);
      assert.equal(error.code, -32602);
      return true;
    });
  });

  await step("results fit the budget; csv is smaller than json", async () => {
    const query = `SELECT * FROM ${DB}.${SCHEMA}.LINEITEM ORDER BY L_ORDERKEY, L_LINENUMBER LIMIT 1000`;
    const sizes = {};
    for (const format of ["csv", "json"]) {
      const result = await call("execute_query", { query, limit: 1000, format });
      assert.equal(result.isError, false, text(result));
      const size = JSON.stringify({ content: result.content, structuredContent: result.structuredContent }).length;
      sizes[format] = { size, rows: result.structuredContent.row_count };
      assert.ok(size <= 24 * 1024 + 512, `${format}: ${size} bytes`);
      assert.equal(result.structuredContent.truncated_by, "byte_limit");
    }
    console.log(`     lineitem limit 1000: ${JSON.stringify(sizes)}`);
    assert.ok(sizes.csv.rows > sizes.json.rows, JSON.stringify(sizes));
    // The same rows cost less as csv.
    const few = {};
    for (const format of ["csv", "json"]) {
      const result = await call("execute_query", { query, limit: 5, format });
      few[format] = JSON.stringify(result.content).length;
    }
    assert.ok(few.csv < few.json, JSON.stringify(few));
  });

  await step("numbers a double cannot hold are strings in structuredContent", async () => {
    const result = await call("execute_query", {
      query: "SELECT 12345678901234567890123456789012345678::NUMBER(38,0) AS BIG, 42 AS SMALL",
    });
    assert.equal(result.isError, false, text(result));
    assert.deepEqual(result.structuredContent.rows, [["12345678901234567890123456789012345678", 42]]);
    assert.match(text(result), /\r\n12345678901234567890123456789012345678,42\r\n/);
  });

  await step("a database without a schema: the connection's schema only in its database", async () => {
    const other = await call("execute_query", { query: "SELECT CURRENT_SCHEMA()", database: "mockdb" });
    assert.equal(other.isError, false, text(other));
    assert.equal(other.structuredContent.rows[0][0], "PUBLIC");
    const own = await call("execute_query", { query: "SELECT CURRENT_SCHEMA()", database: DB });
    assert.equal(own.structuredContent.rows[0][0], SCHEMA);
  });

  await step("query_status of a finished statement", async () => {
    const handle = firstPage.structuredContent.statement_handle;
    const result = await call("query_status", { statement_handle: handle });
    assert.equal(result.isError, false, text(result));
    assert.equal(result.structuredContent.state, "succeeded");
    assert.equal(result.structuredContent.total_rows, firstPage.structuredContent.total_rows);
  });

  await step("cancel_query of a finished statement says so", async () => {
    const handle = firstPage.structuredContent.statement_handle;
    const result = await call("cancel_query", { statement_handle: handle });
    assert.equal(result.isError, false, text(result));
    assert.equal(result.structuredContent.outcome, "already_finished");
    assert.equal(result.structuredContent.cancelled, false);
    const status = await call("query_status", { statement_handle: handle });
    assert.equal(status.structuredContent.state, "succeeded");
  });

  await step("unknown statement handles are tool errors", async () => {
    for (const tool of ["query_status", "cancel_query"]) {
      const result = await call(tool, { statement_handle: "01c00000-0000-0000-0000-000000000000" });
      assert.equal(result.isError, true, tool);
      assert.match(text(result), /knows no statement/);
    }
  });

  await step("execute_query refuses writes", async () => {
    const result = await call("execute_query", { query: "DELETE FROM SFQ_MCP_TEST.S.T" });
    assert.equal(result.isError, true);
    assert.match(text(result), /--allow-write/);
  });

  await step("SQL errors are tool errors with the Snowflake code and the query id", async () => {
    const result = await call("execute_query", { query: "SELECT * FROM NO_SUCH_TABLE_ANYWHERE" });
    assert.equal(result.isError, true);
    assert.match(text(result), /Snowflake error code: \d{6}/);
    assert.match(text(result), /Query id: /);
  });

  await step("format csv", async () => {
    const result = await call("execute_query", {
      query: `SELECT N_NATIONKEY, N_NAME FROM ${DB}.${SCHEMA}.NATION ORDER BY 1`,
      limit: 2,
      format: "csv",
    });
    assert.equal(result.isError, false, text(result));
    assert.match(result.content[0].text, /\nN_NATIONKEY,N_NAME\r\n0,ALGERIA\r\n1,ARGENTINA\r\n$/);
  });

  await step("notifications/message after logging/setLevel", async () => {
    assert.ok(logs.length > 0, "no log notification arrived");
    assert.ok(logs.every((log) => typeof log.level === "string" && log.logger === "sfq"));
  });

  await step("resources", async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.equal(resourceTemplates[0].uriTemplate, TEMPLATE);
    const resource = await client.readResource({
      uri: `snowflake://mock/${DB}/${SCHEMA}/NATION`,
    });
    const described = JSON.parse(resource.contents[0].text);
    assert.ok(described.columns.some((c) => c.name === "N_NAME"));
  });

  await step("prompts", async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name), ["explore_schema", "write_query"]);
    const prompt = await client.getPrompt({
      name: "explore_schema",
      arguments: { database: DB, schema: SCHEMA },
    });
    assert.match(prompt.messages[0].content.text, /list_tables/);
  });

  await step("completion", async () => {
    const databases = await client.complete({
      ref: { type: "ref/resource", uri: TEMPLATE },
      argument: { name: "database", value: "snow" },
    });
    assert.ok(databases.completion.values.includes(DB), databases.completion.values.join(","));
    const tables = await client.complete({
      ref: { type: "ref/resource", uri: TEMPLATE },
      argument: { name: "table", value: "LINE" },
      context: { arguments: { database: DB, schema: SCHEMA } },
    });
    assert.deepEqual(tables.completion.values, ["LINEITEM"]);
  });

  await step("a 1 s statement is answered when it ends", async () => {
    const started = Date.now();
    const result = await call("execute_query", { query: "SELECT SYSTEM$WAIT(1)" });
    assert.equal(result.isError, false, text(result));
    console.log(`     1 s statement answered after ${Date.now() - started} ms`);
  });

  await step("progress notifications while a statement runs", async () => {
    // A call that asks for progress is submitted asynchronously: its progress names the
    // statement handle at once.
    const seen = [];
    const result = await call(
      "execute_query",
      { query: "SELECT SYSTEM$WAIT(2)" },
      { onprogress: (progress) => seen.push(progress), resetTimeoutOnProgress: true },
    );
    assert.equal(result.isError, false, text(result));
    assert.ok(seen.length >= 2, `only ${seen.length} progress notifications`);
    for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i].progress > seen[i - 1].progress);
    assert.ok(seen.some((p) => /running/.test(p.message)), JSON.stringify(seen));
    assert.ok(seen.some((p) => /statement handle/.test(p.message)), JSON.stringify(seen));
  });

  await step("notifications/cancelled cancels the statement in the emulator", async () => {
    const abort = new AbortController();
    const { handle, promise } = startLongQuery(abort.signal);
    const id = await handle;
    abort.abort("test cancels");
    await assert.rejects(promise);
    await expectCancelledOnTheServer(id);
  });

  await step("cancel_query cancels a running statement", async () => {
    const { handle, promise } = startLongQuery(undefined);
    const id = await handle;
    const cancelled = await call("cancel_query", { statement_handle: id });
    assert.equal(cancelled.isError, false, text(cancelled));
    assert.equal(cancelled.structuredContent.cancelled, true);
    const outcome = await promise;
    assert.equal(outcome.isError, true, "the running call ends with an error");
    await expectCancelledOnTheServer(id);
  });

  await step("10 concurrent statements held 1 s each finish together", async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call("execute_query", { query: `SELECT SYSTEM$WAIT(1), ${i} AS I` })),
    );
    const elapsed = Date.now() - started;
    for (const result of results) assert.equal(result.isError, false, text(result));
    // Served one after another they would take at least 10 s.
    console.log(`     10 concurrent 1 s statements: ${elapsed} ms`);
    assert.ok(elapsed < 5_000, `10 concurrent 1 s statements took ${elapsed} ms`);
  });

  await step("execute_statement cleans up", async () => {
    const result = await call("execute_statement", { statement: "DROP DATABASE SFQ_MCP_TEST" });
    assert.equal(result.isError, false, text(result));
  });
} finally {
  await client.close();
}

if (failures > 0) {
  console.log(`${failures} step(s) failed`);
  process.exit(1);
}
console.log("all steps passed");
