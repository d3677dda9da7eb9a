// A consumer of the installed libsfq: compiles against the installed headers, links the
// exported target and exercises the library, its I/O thread and its dependencies (exit status
// 0 on success). No server is needed: the client is pointed at a loopback port where nothing
// listens, and the connection error must come back as a typed sfq::Error.
#include <sfq/sfq.hpp>

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

  // OpenSSL through libsfq: a key pair and its fingerprint.
  auto keys = sfq::generate_key_pair();
  if (!keys || keys->fingerprint.rfind("SHA256:", 0) != 0) {
    std::cerr << "generate_key_pair failed\n";
    return 1;
  }

  // libcurl, the event loop and the JWT signer: a statement sent where nothing listens.
  sfq::ConnectionOptions options;
  options.account = "CONSUMER";
  options.user = "CONSUMER";
  options.host = "127.0.0.1";
  options.port = 1;
  options.protocol = "http";
  options.private_key_pem = sfq::Secret(keys->private_key_pem);
  options.max_retries = 0;
  try {
    sfq::Client client(options);
    (void)client.execute("select 1");
    std::cerr << "a statement succeeded without a server\n";
    return 1;
  } catch (const sfq::Error& e) {
    if (e.category() != sfq::ErrorCategory::transport) {
      std::cerr << "expected a transport error, got: " << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "sfq consumer: ok\n";
  return 0;
}
