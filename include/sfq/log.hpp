// sfq/log.hpp — logging controls and secret redaction.
//
// libsfq logs through one spdlog logger named "sfq" that writes to standard error only:
// standard output belongs to query results and to the MCP protocol. Every message passes
// through redact() before it is written, so a private key, passphrase, token or JWT cannot reach
// the log even when a caller formats one into a message by mistake.
//
// The level comes from set_log_level(), usually fed by the front ends' --log-level flag or the
// SFQ_LOG environment variable. The default is `warn`.
//
// Thread safety: all functions may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sfq/error.hpp"

namespace sfq {

enum class LogLevel { trace, debug, info, warn, error, off };

/// Parses "trace", "debug", "info", "warn"/"warning", "error", "off" (any case).
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

/// The lower-case name of a level.
[[nodiscard]] std::string_view to_string(LogLevel level) noexcept;

void set_log_level(LogLevel level);
[[nodiscard]] LogLevel log_level();

/// Applies SFQ_LOG when it is set. A value that is not a level is a config error that names the
/// accepted values; the level is then left unchanged.
[[nodiscard]] Status configure_logging_from_env();

/// Writes one message at `level` through the sfq logger (after redaction).
void log_message(LogLevel level, std::string_view message);

/// Returns `text` with secrets masked:
///  - the body of PEM private-key blocks (`-----BEGIN ... PRIVATE KEY-----`);
///  - anything shaped like a JWT (`eyJ...` three base64url segments);
///  - the credential after `Bearer ` / `Basic `;
///  - the value of a key/value pair or flag whose key names a secret (password, passphrase,
///    token, secret, private_key, authorization), in `k=v`, `k: v`, `"k": "v"` and
///    `--k v` forms.
///  - every value given to register_secret(), wherever it appears (a server that echoes a
///    token back in an error body, bare or quoted, cannot make sfq print it).
[[nodiscard]] std::string redact(std::string_view text);

/// Adds a credential (a token, a passphrase) that redact() masks wherever it appears, for the
/// rest of the process. Values shorter than 8 bytes are ignored (they would mask ordinary
/// words); at most 64 distinct values are kept. Thread-safe.
void register_secret(std::string_view value);

}  // namespace sfq
