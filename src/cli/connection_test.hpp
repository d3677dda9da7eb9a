// connection_test.hpp — `sfq connection test`: a diagnosis of one connection, step by step, each
// step passed (✓) or failed (✗) with the exact fix:
//
//   configuration   the connection resolves (files, environment, flags; src/config)
//   private key     the key file opens (passphrase) and its public-key fingerprint
//   host            the host name resolves and a TCP connection is made (proxy named)
//   tls             the server's certificate verifies (or: not used, protocol http)
//   clock           the server's clock (its Date header) against this machine's: a key-pair JWT
//                   is refused when its iat is ahead of the server's clock by more than the
//                   service tolerates, or its exp already passed on the server's clock
//   login           a trivial statement with no context; a 401 390144 ("JWT token is invalid")
//                   lists the causes that can be checked locally, most likely first
//   role, warehouse, database, schema
//                   each configured one is usable: a statement naming it in its context, and
//                   CURRENT_ROLE() etc. answering it (390186: a role not granted)
//   registered keys the fingerprints DESC USER shows (RSA_PUBLIC_KEY_FP, RSA_PUBLIC_KEY_2_FP)
//                   against the key's; "not checked" when the server does not answer DESC USER
//
// Exit codes (docs/CLI.md): 0 every check passed; 2 the configuration does not resolve; 3 a
// check up to the login failed (key, host, TLS, clock, login); 5 logged in, but the configured
// role, warehouse, database or schema is not usable.
//
// Nothing printed ever holds a secret: no token, no JWT, no key material, no passphrase (the
// public key, which is not secret, is shown in the ALTER USER statement of a fix).
//
// Thread safety: main thread only (reads the process environment).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace sfq::cli {

struct Check {
  enum class Status : std::uint8_t {
    pass,       ///< ✓
    fail,       ///< ✗ (fixes say what to do)
    skipped,    ///< not tried: an earlier step failed
    unchecked,  ///< could not be checked (the reason is in summary); not a failure
  };
  std::string name;  ///< "configuration", "private key", "host", ...
  Status status = Status::pass;
  std::string summary;               ///< one line
  std::vector<std::string> details;  ///< further lines (facts, ranked causes)
  std::vector<std::string> fixes;    ///< what to do, for a failure
};

struct ConnectionTestReport {
  std::string connection;  ///< the connection's name ("" when it did not resolve)
  std::vector<Check> checks;
  int exit_code = 0;
};

/// Runs every step against the connection `flags` select. Never throws.
[[nodiscard]] ConnectionTestReport test_connection(const ConnectionFlags& flags);

/// The report for people: one line per check (✓/✗/-/?), details and fixes indented under it,
/// and a closing verdict.
[[nodiscard]] std::string render_report_text(const ConnectionTestReport& report);

/// The report for machines: {"connection","ok","exit_code","checks":[{"name","status",
/// "summary","details","fixes"}]} on one line, ending in a newline.
[[nodiscard]] std::string render_report_json(const ConnectionTestReport& report);

/// Prints `report` on stdout (text or json); returns its exit code (kExitClientError when stdout
/// cannot be written).
[[nodiscard]] int print_report(const ConnectionTestReport& report, bool json);

/// `sfq connection test`: runs, prints (text or json) and returns the exit code.
[[nodiscard]] int run_connection_test(const ConnectionFlags& flags, bool json);

}  // namespace sfq::cli
