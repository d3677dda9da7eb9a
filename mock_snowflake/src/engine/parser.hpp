// parser.hpp — recursive-descent parser for the Snowflake SQL the emulator understands. It
// throws SfError with Snowflake's syntax-error code and message (001003, "syntax error line L at
// position P unexpected 'X'.").
#pragma once

#include <string_view>

#include "engine/ast.hpp"

namespace mock_snowflake::engine {

/// Parses exactly one statement (a trailing `;` is allowed).
Statement parse_statement(std::string_view sql);

/// Parses a query (used for view bodies stored in the catalog).
QueryPtr parse_query_text(std::string_view sql);

}  // namespace mock_snowflake::engine
