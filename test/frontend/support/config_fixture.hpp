// config_fixture.hpp — a fixture for tests of src/config: a fake HOME with helpers to write
// Snowflake's configuration files into it and resolve a connection from the process
// environment (which the fixture isolates and restores). Header-only: it costs nothing to the
// test programs that do not include it.
#pragma once

#include <string>
#include <string_view>

#include "config/resolve.hpp"
#include "support/temp_dir.hpp"

namespace sfq::test_support {

class ConfigTest : public FakeHomeTest {
 protected:
  /// ~/.snowflake, created.
  std::string snowflake_dir() const { return temp_.make_dir("home/.snowflake"); }
  std::string connections_path() const { return home_ + "/.snowflake/connections.toml"; }
  std::string config_path() const { return home_ + "/.snowflake/config.toml"; }

  std::string write_connections(std::string_view toml, mode_t mode = 0600) const {
    return temp_.write_file("home/.snowflake/connections.toml", toml, mode);
  }
  std::string write_config(std::string_view toml, mode_t mode = 0600) const {
    return temp_.write_file("home/.snowflake/config.toml", toml, mode);
  }
  /// A (fake) PKCS#8 key file; configuration never parses it.
  std::string write_key(std::string_view name = "rsa_key.p8", mode_t mode = 0600) const {
    return temp_.write_file(
        std::string("keys/") + std::string(name),
        "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n", mode);
  }

  [[nodiscard]] sfq::Result<config::ResolvedConnection> resolve(
      const config::Overrides& overrides = {}, const config::ResolveOptions& options = {}) const {
    return config::resolve_connection(overrides, config::Environment::from_process(), options);
  }

  /// The provenance entry of `key`, or nullptr.
  static const config::Provenance* provenance_of(const config::ResolvedConnection& resolved,
                                                 std::string_view key) {
    for (const auto& entry : resolved.provenance) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }
};

}  // namespace sfq::test_support
