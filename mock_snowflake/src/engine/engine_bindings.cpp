// engine_bindings.cpp — request bindings ({"1": {"type": "FIXED", "value": "1"}}) to the physical
// values the engine binds into SQLite, with the real server's errors.
#include "engine/connection.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "engine/compiler.hpp"
#include "engine/errors.hpp"
#include "engine/lexer.hpp"
#include "engine/parser.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {

Val bind_value(const std::string& type_in, const std::optional<std::string>& value) {
  std::string type = text::upper(type_in);
  if (type == "VARIANT" || type == "OBJECT" || type == "ARRAY" || type == "GEOGRAPHY" ||
      type == "GEOMETRY" || type == "VECTOR" || type.empty()) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + type_in + "'.");
  }
  static const std::set<std::string> kKnown = {
      "FIXED", "REAL", "DECFLOAT",      "TEXT",          "BINARY",      "BOOLEAN",
      "DATE",  "TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ"};
  if (kKnown.count(type) == 0) {
    throw SfError("002040", "42601",
                  "SQL compilation error:\nUnsupported data type '" + type_in + "'.");
  }
  if (!value) return Val::null();
  const std::string& v = *value;
  auto not_recognized = [&]() {
    return SfError("100037", "22018", type + " value '" + v + "' is not recognized");
  };
  auto integer = [&](const std::string& text) -> std::int64_t {
    auto n = parse_number_text(text, false);
    if (!n || n->t != Val::T::integer) throw not_recognized();
    return n->i;
  };
  if (type == "FIXED" || type == "DECFLOAT") {
    auto n = parse_number_text(v, false);
    if (!n) {
      throw SfError(
          "002086", "22000",
          "SQL compilation error:\nInvalid bind value (" + v + ") for type (" + type + ").");
    }
    return *n;
  }
  if (type == "REAL") {
    if (v == "NaN") return Val::real(std::nan(""));
    if (v == "Infinity") return Val::real(HUGE_VAL);
    if (v == "-Infinity") return Val::real(-HUGE_VAL);
    auto n = parse_number_text(v, false);
    if (!n) {
      throw SfError(
          "002086", "22000",
          "SQL compilation error:\nInvalid bind value (" + v + ") for type (" + type + ").");
    }
    if (n->t == Val::T::integer) return Val::real(static_cast<double>(n->i));
    if (n->t == Val::T::text) return Val::real(std::strtod(n->s.c_str(), nullptr));
    return *n;
  }
  if (type == "TEXT") return Val::text(v);
  if (type == "BINARY") {
    auto bytes = from_hex(v);
    if (!bytes) throw not_recognized();
    return Val::blob(*bytes);
  }
  if (type == "BOOLEAN") {
    std::string l = text::upper(v);
    if (l == "TRUE" || l == "1") return Val::integer(1);
    if (l == "FALSE" || l == "0") return Val::integer(0);
    throw not_recognized();
  }
  if (type == "DATE") return Val::integer(floor_div(integer(v), 86400000));
  if (type == "TIME") {
    std::int64_t ns = integer(v);
    if (ns < 0 || ns >= kNanosPerDay) throw not_recognized();
    return Val::integer(ns);
  }
  if (type == "TIMESTAMP_NTZ" || type == "TIMESTAMP_LTZ") return Val::integer(integer(v));
  // TIMESTAMP_TZ: "<nanoseconds> <offset + 1440>"
  auto space = v.find(' ');
  if (space == std::string::npos) throw not_recognized();
  std::int64_t ns = integer(v.substr(0, space));
  std::int64_t offset = integer(v.substr(space + 1));
  if (offset < 0 || offset > 2880) throw not_recognized();
  return Val::blob(tz_pack(ns, static_cast<int>(offset) - 1440));
}

// Parameter values for each execution (one per array element).
std::vector<std::vector<Val>> binding_rows(const std::vector<std::string>& keys,
                                           const Bindings& bindings) {
  std::size_t rows = 1;
  bool any_array = false;
  for (const auto& key : keys) {
    const Bind& b = bindings.at(key);
    if (!b.is_array) continue;
    if (any_array && b.values.size() != rows) {
      throw SfError("002099", "42601",
                    "SQL compilation error:\nBind variable arrays have different lengths.");
    }
    rows = b.values.size();
    any_array = true;
  }
  std::vector<std::vector<Val>> out(rows);
  for (const auto& key : keys) {
    const Bind& b = bindings.at(key);
    for (std::size_t r = 0; r < rows; ++r) {
      std::optional<std::string> v;
      if (b.is_array) {
        v = b.values[r];
      } else if (!b.values.empty()) {
        v = b.values[0];
      }
      out[r].push_back(bind_value(b.type, v));
    }
  }
  return out;
}

}  // namespace mock_snowflake::engine
