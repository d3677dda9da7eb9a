// minify_snowflake_json: Snowflake's pretty-printed semi-structured text → compact JSON, with bare
// `undefined` as null, and a full grammar check (anything accepted must be valid JSON).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "decode/json_text.hpp"

namespace {

std::optional<std::string> minify(std::string_view text) {
  std::string out(text.size(), '\0');
  const std::size_t length = sfq::detail::minify_snowflake_json(text, out.data());
  if (length == std::string_view::npos) return std::nullopt;
  out.resize(length);
  return out;
}

TEST(DecodeJsonText, ValidTextIsMinified) {
  struct Case {
    std::string input, expected;
  };
  const std::vector<Case> cases = {
      {"{\n  \"a\": 1\n}", "{\"a\":1}"},
      {"[\n  1,\n  \"x\",\n  undefined\n]", "[1,\"x\",null]"},
      {"\"undefined\"", "\"undefined\""},
      {"{ \"u\" : undefined , \"s\" : \"a b\\n \\\" undefined\" }",
       "{\"u\":null,\"s\":\"a b\\n \\\" undefined\"}"},
      {" 42 ", "42"},
      {"-0.5e-10", "-0.5e-10"},
      {"1E+400", "1E+400"},
      {"0", "0"},
      {"true", "true"},
      {"false", "false"},
      {"null", "null"},
      {"undefined", "null"},
      {"[]", "[]"},
      {"{}", "{}"},
      {"[ [ ], { } ]", "[[],{}]"},
      {"\"\\u00e9\\/\\b\\f\\r\\t\"", "\"\\u00e9\\/\\b\\f\\r\\t\""},
      {"\"héllo €𝄞\"", "\"héllo €𝄞\""},
      {"{\"coordinates\": [3.000000000000000e+00, 4.0e+00], \"type\": \"Point\"}",
       "{\"coordinates\":[3.000000000000000e+00,4.0e+00],\"type\":\"Point\"}"},
      {std::string(100, '[') + "undefined" + std::string(100, ']'),
       std::string(100, '[') + "null" + std::string(100, ']')},
      {std::string(70, '[') + "{\"k\":[1]}" + std::string(70, ']'),
       std::string(70, '[') + "{\"k\":[1]}" + std::string(70, ']')},
  };
  for (const auto& c : cases) {
    const auto out = minify(c.input);
    ASSERT_TRUE(out.has_value()) << c.input;
    EXPECT_EQ(*out, c.expected);
  }
}

TEST(DecodeJsonText, InvalidTextIsRejected) {
  const std::vector<std::string> cases = {
      "",
      "   ",
      "[1, 2",
      "[1,]",
      "[,1]",
      "{\"a\" 1}",
      "{\"a\", 1}",
      "{1: 2}",
      "{\"a\":}",
      "{\"a\":1,}",
      "[}",
      "{]",
      "[1]]",
      "1 2",
      "01",
      "-",
      "1.",
      ".5",
      "1e",
      "1e+",
      "+1",
      "0x10",
      "NaN",
      "Infinity",
      "True",
      "nul",
      "undefinedx",
      "\"open",
      "\"bad \\x escape\"",
      "\"bad \\u12 escape\"",
      "\"tab\tinside\"",
      "\"\xff\"",
      "\"\xED\xA0\x80\"",  // a surrogate
      "\"\xC0\xAF\"",      // overlong
      "\"\xE2\x82\"",      // truncated
      std::string(100, '[') + std::string(99, ']'),
      std::string(100, '[') + std::string(99, ']') + "}",
  };
  for (const auto& input : cases) {
    EXPECT_FALSE(minify(input).has_value()) << input;
  }
}

// Whatever is accepted is valid JSON for RapidJSON (with `undefined` removed beforehand, the same
// values are accepted by both, numbers apart from RapidJSON's double range limit).
TEST(DecodeJsonText, AcceptedTextIsAlwaysValidJson) {
  const std::string seed =
      "{\n  \"a\": [\n    1.5e3,\n    \"x\\\"y\",\n    undefined,\n    {\"b\": true, \"c\": null}"
      "\n  ],\n  \"d\": -0\n}";
  const std::string alphabet = "{}[],:\"\\ -0123456789.eE+tfnu\xc3\xa9\xff\n";
  std::mt19937 random(7);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input = seed;
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % input.size();
      switch (random() % 3) {
        case 0:
          input[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          input.erase(at, 1 + random() % 4);
          break;
        default:
          input.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
      }
      if (input.empty()) input = "x";
    }
    const auto out = minify(input);
    if (!out) continue;
    ++accepted;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(out->c_str(), out->size());
    ASSERT_FALSE(doc.HasParseError()) << "accepted " << input << " as " << *out;
  }
  EXPECT_GT(accepted, 500) << "mutations must also produce valid JSON for this test to count";
}

}  // namespace
