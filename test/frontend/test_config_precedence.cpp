// Tests of connection precedence: every key from every source (flag, SNOWFLAKE_CONNECTIONS_<NAME>_
// <KEY>, connections.toml, config.toml [connections.NAME], generic SNOWFLAKE_<KEY>) and the
// combinations that prove the order — generic variables only fill missing keys, and
// connections.toml replaces config.toml's connections wholesale. Real files in a fake HOME.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "support/config_fixture.hpp"

namespace {

using sfq::config::Overrides;
using sfq::config::ResolvedConnection;
using sfq::config::ResolveOptions;

std::string to_upper(const std::string& text) {
  std::string out;
  for (const char c : text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

enum class Source { flag, connection_env, connections_toml, config_toml, generic_env };

struct KeyCase {
  std::string key;
  std::string flag;  // the flag that sets it; "" when there is none
  bool secret;
  std::function<std::string(const ResolvedConnection&)> effective;
  std::function<void(Overrides&, const std::string&)> set_flag;
  bool generic = true;  // a generic SNOWFLAKE_<KEY> variable exists
};

// For keys whose effect is not a plain field (spellings of one authenticator, one protocol).
std::string provenance_value(const ResolvedConnection& resolved, const std::string& key) {
  for (const auto& entry : resolved.provenance) {
    if (entry.key == key) return entry.value;
  }
  return {};
}

const std::vector<KeyCase>& key_cases() {
  static const std::vector<KeyCase> cases = {
      {"account", "--account", false, [](const auto& r) { return r.options.account; },
       [](Overrides& o, const std::string& v) { o.account = v; }},
      {"user", "--user", false, [](const auto& r) { return r.options.user; },
       [](Overrides& o, const std::string& v) { o.user = v; }},
      {"host", "--host", false, [](const auto& r) { return r.options.host; },
       [](Overrides& o, const std::string& v) { o.host = v; }},
      {"port", "--port", false, [](const auto& r) { return std::to_string(r.options.port); },
       [](Overrides& o, const std::string& v) { o.port = v; }},
      {"role", "--role", false, [](const auto& r) { return r.options.role; },
       [](Overrides& o, const std::string& v) { o.role = v; }},
      {"warehouse", "--warehouse", false, [](const auto& r) { return r.options.warehouse; },
       [](Overrides& o, const std::string& v) { o.warehouse = v; }},
      {"database", "--database", false, [](const auto& r) { return r.options.database; },
       [](Overrides& o, const std::string& v) { o.database = v; }},
      {"schema", "--schema", false, [](const auto& r) { return r.options.schema; },
       [](Overrides& o, const std::string& v) { o.schema = v; }},
      {"private_key_file", "--private-key-file", false,
       [](const auto& r) { return r.options.private_key_file; },
       [](Overrides& o, const std::string& v) { o.private_key_file = v; }},
      {"token", "--token", true, [](const auto& r) { return r.options.token.reveal(); },
       [](Overrides& o, const std::string& v) { o.token = v; }},
      {"protocol", "--protocol", false,
       [](const auto& r) { return provenance_value(r, "protocol"); },
       [](Overrides& o, const std::string& v) { o.protocol = v; }},
      {"authenticator", "--authenticator", false,
       [](const auto& r) { return provenance_value(r, "authenticator"); },
       [](Overrides& o, const std::string& v) { o.authenticator = v; }},
      {"private_key_raw", "", true,
       [](const auto& r) { return r.options.private_key_pem.reveal(); }, nullptr},
      {"token_file_path", "", false,
       [](const auto& r) { return provenance_value(r, "token_file_path"); }, nullptr},
      {"connect_timeout", "--connect-timeout", false,
       [](const auto& r) { return std::to_string(r.options.connect_timeout.count() / 1000); },
       [](Overrides& o, const std::string& v) { o.connect_timeout = v; }},
      {"request_timeout", "--request-timeout", false,
       [](const auto& r) { return std::to_string(r.options.request_timeout.count() / 1000); },
       [](Overrides& o, const std::string& v) { o.request_timeout = v; }},
      {"total_timeout", "--total-timeout", false,
       [](const auto& r) { return std::to_string(r.options.total_timeout.count() / 1000); },
       [](Overrides& o, const std::string& v) { o.total_timeout = v; }},
  };
  return cases;
}

struct Combination {
  std::string name;
  std::vector<Source> sources;                // which sources set the key
  bool connections_toml_without_key = false;  // connections.toml exists but lacks the key
  std::optional<Source> winner;
  std::vector<Source> overridden;  // expected, highest first
};

const std::vector<Combination>& combinations() {
  using S = Source;
  static const std::vector<Combination> list = {
      {"FlagAlone", {S::flag}, false, S::flag, {}},
      {"ConnectionEnvAlone", {S::connection_env}, false, S::connection_env, {}},
      {"ConnectionsTomlAlone", {S::connections_toml}, false, S::connections_toml, {}},
      {"ConfigTomlAlone", {S::config_toml}, false, S::config_toml, {}},
      {"GenericEnvFillsMissingKey", {S::generic_env}, false, S::generic_env, {}},
      {"FlagBeatsEverything",
       {S::flag, S::connection_env, S::connections_toml, S::generic_env},
       false,
       S::flag,
       {S::connection_env, S::connections_toml, S::generic_env}},
      {"ConnectionEnvBeatsFileAndGeneric",
       {S::connection_env, S::connections_toml, S::generic_env},
       false,
       S::connection_env,
       {S::connections_toml, S::generic_env}},
      {"GenericEnvDoesNotOverrideFile",
       {S::connections_toml, S::generic_env},
       false,
       S::connections_toml,
       {S::generic_env}},
      {"GenericEnvDoesNotOverrideConfigToml",
       {S::config_toml, S::generic_env},
       false,
       S::config_toml,
       {S::generic_env}},
      {"FlagBeatsGenericEnv", {S::flag, S::generic_env}, false, S::flag, {S::generic_env}},
      {"ConnectionEnvBeatsConfigToml",
       {S::connection_env, S::config_toml},
       false,
       S::connection_env,
       {S::config_toml}},
      {"ConnectionsTomlReplacesConfigToml",
       {S::connections_toml, S::config_toml},
       false,
       S::connections_toml,
       {}},
      // connections.toml defines [prod] without the key: config.toml's value must not leak in.
      {"ConnectionsTomlReplacesConfigTomlEvenWithoutTheKey",
       {S::config_toml},
       true,
       std::nullopt,
       {}},
      {"GenericEnvFillsWhatConnectionsTomlLacks",
       {S::config_toml, S::generic_env},
       true,
       S::generic_env,
       {}},
  };
  return list;
}

// Every key with every combination its sources allow.
std::vector<std::tuple<KeyCase, Combination>> matrix() {
  std::vector<std::tuple<KeyCase, Combination>> cases;
  for (const auto& key : key_cases()) {
    for (const auto& combination : combinations()) {
      const auto uses = [&](Source source) {
        return std::find(combination.sources.begin(), combination.sources.end(), source) !=
               combination.sources.end();
      };
      if (key.flag.empty() && uses(Source::flag)) continue;
      if (!key.generic && uses(Source::generic_env)) continue;
      cases.emplace_back(key, combination);
    }
  }
  return cases;
}

class ConfigPrecedence : public sfq::test_support::ConfigTest,
                         public ::testing::WithParamInterface<std::tuple<KeyCase, Combination>> {
 protected:
  // A distinct, valid value per source.
  std::string value_for(const KeyCase& key, Source source) const {
    const auto index = static_cast<int>(source);
    if (key.key == "port") return std::to_string(1001 + index);
    if (key.key == "private_key_file") return write_key("key" + std::to_string(index) + ".p8");
    if (key.key == "token_file_path") {
      return temp_.write_file("tokens/t" + std::to_string(index), "token-" + std::to_string(index));
    }
    if (key.key.ends_with("_timeout")) return std::to_string(1 + index);
    // Spellings of one value, told apart by their case.
    if (key.key == "protocol") {
      static constexpr const char* kProtocols[] = {"https", "HTTPS", "Https", "hTTps", "httpS"};
      return kProtocols[index];
    }
    if (key.key == "authenticator") {
      static constexpr const char* kAuthenticators[] = {
          "SNOWFLAKE_JWT", "snowflake_jwt", "KEYPAIR_JWT", "Snowflake_Jwt", "keypair_jwt"};
      return kAuthenticators[index];
    }
    static constexpr const char* kNames[] = {"flag", "connenv", "conntoml", "configtoml",
                                             "generic"};
    return std::string(kNames[index]) + "-" + key.key;
  }

  std::string label_for(const KeyCase& key, Source source) const {
    const std::string upper = to_upper(key.key);
    switch (source) {
      case Source::flag:
        return "flag " + key.flag;
      case Source::connection_env:
        return "env SNOWFLAKE_CONNECTIONS_PROD_" + upper;
      case Source::connections_toml:
        return connections_path() + " [prod]";
      case Source::config_toml:
        return config_path() + " [connections.prod]";
      case Source::generic_env:
        return "env SNOWFLAKE_" + upper;
    }
    return {};
  }
};

// Readable test parameters in failure messages.
// NOLINTBEGIN(readability-identifier-naming): PrintTo is the name GoogleTest looks up.
void PrintTo(const KeyCase& key, std::ostream* out) { *out << key.key; }
void PrintTo(const Combination& combination, std::ostream* out) { *out << combination.name; }
// NOLINTEND(readability-identifier-naming)

bool has(const std::vector<Source>& sources, Source source) {
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

TEST_P(ConfigPrecedence, HighestSourceWinsAndLowerOnesAreListed) {
  const auto& [key, combination] = GetParam();
  snowflake_dir();
  Overrides overrides;
  overrides.connection_name = "prod";
  std::map<Source, std::string> values;
  for (const auto source : combination.sources) values[source] = value_for(key, source);

  if (has(combination.sources, Source::flag)) key.set_flag(overrides, values[Source::flag]);
  if (has(combination.sources, Source::connection_env)) {
    const std::string upper = to_upper(key.key);
    env_.set("SNOWFLAKE_CONNECTIONS_PROD_" + upper, values[Source::connection_env]);
  }
  if (has(combination.sources, Source::generic_env)) {
    const std::string upper = to_upper(key.key);
    env_.set("SNOWFLAKE_" + upper, values[Source::generic_env]);
  }
  if (has(combination.sources, Source::config_toml)) {
    write_config("[connections.prod]\n" + key.key + " = \"" + values[Source::config_toml] + "\"\n");
  }
  if (has(combination.sources, Source::connections_toml)) {
    write_connections("[prod]\n" + key.key + " = \"" + values[Source::connections_toml] + "\"\n");
  } else if (combination.connections_toml_without_key ||
             !has(combination.sources, Source::config_toml)) {
    write_connections("[prod]\n");  // the connection exists, without this key
  }

  const auto resolved = resolve(overrides, ResolveOptions{.allow_incomplete = true});
  ASSERT_TRUE(resolved.ok()) << resolved.error().what();
  const auto* entry = provenance_of(*resolved, key.key);
  if (!combination.winner) {
    // Nothing set it: at most a default applies, and config.toml's value did not leak in.
    EXPECT_TRUE(entry == nullptr || entry->source.rfind("default", 0) == 0) << entry->source;
    EXPECT_NE(key.effective(*resolved), values[Source::config_toml]);
    return;
  }
  ASSERT_NE(entry, nullptr);
  const std::string& expected = values[*combination.winner];
  EXPECT_EQ(key.effective(*resolved), expected);
  EXPECT_EQ(entry->value, key.secret ? "****" : expected);
  EXPECT_EQ(entry->source, label_for(key, *combination.winner));
  std::vector<std::string> expected_overridden;
  for (const auto source : combination.overridden) {
    expected_overridden.push_back(
        label_for(key, source) +
        (source == Source::generic_env ? " (generic env fills only missing keys)" : ""));
  }
  EXPECT_EQ(entry->overridden, expected_overridden);
}

INSTANTIATE_TEST_SUITE_P(AllKeysAllSources, ConfigPrecedence, ::testing::ValuesIn(matrix()),
                         [](const ::testing::TestParamInfo<ConfigPrecedence::ParamType>& info) {
                           std::string name =
                               std::get<0>(info.param).key + "_" + std::get<1>(info.param).name;
                           std::erase(name, '_');
                           return name;
                         });

}  // namespace
