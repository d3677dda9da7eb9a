// jsonrpc.hpp — JSON-RPC 2.0 framing for MCP over stdio: classifying one received line and
// building the lines we send.
//
// MCP narrows JSON-RPC: ids are strings or integers (never null, never fractional), params are
// objects, and batches are not allowed (2025-06-18 and later). A line that is not JSON is a
// parse error (-32700); one that is JSON but not a valid message, a batch included, is an
// invalid request (-32600); both are answered with id null. Ids are kept in a canonical JSON form
// (`7`, `"abc"`), which is what we echo back and what keys the table of requests in flight.
//
// Thread safety: pure functions; an Incoming is a value.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sfq::mcp {

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
/// A cap of the server was reached (calls in flight, subscriptions, queued output); `data.limit`
/// names it. Implementation-defined, in JSON-RPC's range for server errors.
inline constexpr int kServerBusy = -32000;
/// Resource not found in the legacy revisions (2026-07-28 uses -32602 instead).
inline constexpr int kResourceNotFound = -32002;
inline constexpr int kUnsupportedProtocolVersion = -32022;

/// One received message.
struct Incoming {
  enum class Kind { request, notification, response, invalid };

  Kind kind = Kind::invalid;
  /// Canonical JSON of the id; "null" when there is none or it could not be read.
  std::string id = "null";
  std::string method;
  /// Owns the parsed message; `params` points into it.
  std::shared_ptr<rapidjson::Document> document;
  /// The params object; an empty object when the message had none.
  const rapidjson::Value* params = nullptr;
  /// For Kind::invalid: the error to answer with (the id may be known, e.g. for bad params).
  int error_code = 0;
  std::string error_message;
};

/// Classifies one line (without its newline).
/// Arrays and objects nested deeper than this (the message itself is level 1) make a message
/// invalid (-32600) before it is parsed: MCP's messages need a handful of levels, and every
/// level costs the parser and each walk over the document.
inline constexpr std::size_t kMaxJsonDepth = 64;

[[nodiscard]] Incoming parse_message(std::string_view line);

/// The canonical JSON form of a request id value, or "" when the value is not a valid MCP id.
[[nodiscard]] std::string canonical_id(const rapidjson::Value& id);

/// `{"jsonrpc":"2.0","id":<id>,"result":<result>}`.
[[nodiscard]] std::string make_result(std::string_view id, std::string_view result_json);

/// `{"jsonrpc":"2.0","id":<id>,"error":{"code":…,"message":…[,"data":<data>]}}`.
[[nodiscard]] std::string make_error(std::string_view id, int code, std::string_view message,
                                     std::string_view data_json = {});

/// `{"jsonrpc":"2.0","method":<method>,"params":<params>}`.
[[nodiscard]] std::string make_notification(std::string_view method, std::string_view params_json);

}  // namespace sfq::mcp
