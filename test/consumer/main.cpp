// A consumer of the installed libsfq: compiles against the installed headers, links the
// exported target and exercises the library (exit status 0 on success).
#include <sfq/error.hpp>
#include <sfq/log.hpp>

#include <iostream>
#include <string>

int main() {
  const sfq::Error error(sfq::ErrorInfo{sfq::ErrorCategory::server, "Object 'T' does not exist",
                                        "002003", "42S02", "01b2-handle", 422});
  const std::string expected =
      "Object 'T' does not exist (code 002003, SQLSTATE 42S02, query id 01b2-handle, HTTP 422)";
  if (error.what() != expected) {
    std::cerr << "unexpected description: " << error.what() << '\n';
    return 1;
  }
  if (sfq::redact("token=abc123") != "token=****") {
    std::cerr << "redaction did not mask a token\n";
    return 1;
  }
  std::cout << "sfq consumer: ok\n";
  return 0;
}
