// functions_geo.cpp — Snowflake functions as SQLite UDFs: geospatial values: points, lines and
// polygons from WKT, kept as GeoJSON text.
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <vector>

#include "engine/compiler.hpp"
#include "engine/functions_support.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

using namespace udf;

JsonValue parse_wkt(const std::string& wkt) {
  std::string s = text::upper(wkt);
  std::size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto word = [&] {
    skip();
    std::string w;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) w.push_back(s[i++]);
    return w;
  };
  auto number = [&] {
    skip();
    std::size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                            s[i] == '+' || s[i] == '.' || s[i] == 'E')) {
      ++i;
    }
    return JsonValue::make_number(s.substr(start, i - start));
  };
  auto expect = [&](char c) {
    skip();
    if (i >= s.size() || s[i] != c)
      throw SfError("100205", "22023", "Error parsing Geo input: " + wkt);
    ++i;
  };
  auto point = [&] {
    JsonValue p = JsonValue::make_array();
    p.items.push_back(number());
    p.items.push_back(number());
    return p;
  };
  auto points = [&] {
    JsonValue list = JsonValue::make_array();
    expect('(');
    for (;;) {
      list.items.push_back(point());
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    expect(')');
    return list;
  };
  std::string kind = word();
  JsonValue out = JsonValue::make_object();
  if (kind == "POINT") {
    expect('(');
    out.set("coordinates", point());
    expect(')');
    out.set("type", JsonValue::make_string("Point"));
  } else if (kind == "LINESTRING") {
    out.set("coordinates", points());
    out.set("type", JsonValue::make_string("LineString"));
  } else if (kind == "POLYGON") {
    JsonValue rings = JsonValue::make_array();
    expect('(');
    for (;;) {
      rings.items.push_back(points());
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    expect(')');
    out.set("coordinates", rings);
    out.set("type", JsonValue::make_string("Polygon"));
  } else {
    throw SfError("100205", "22023", "Error parsing Geo input: " + wkt);
  }
  return out;
}

void fn_to_geo(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string t = text_arg(argv[0]);
    auto j = parse_json(t);
    if (j && j->kind == JsonValue::Kind::object) return result_json(ctx, *j);
    result_json(ctx, parse_wkt(t));
  });
}

void fn_make_point(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    JsonValue out = JsonValue::make_object();
    JsonValue p = JsonValue::make_array();
    p.items.push_back(JsonValue::make_number(double_arg(argv[0])));
    p.items.push_back(JsonValue::make_number(double_arg(argv[1])));
    out.set("coordinates", p);
    out.set("type", JsonValue::make_string("Point"));
    result_json(ctx, out);
  });
}

void fn_geo_to_wkt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue g = json_arg(argv[0]);
    const JsonValue* type = g.get("type");
    const JsonValue* coords = g.get("coordinates");
    if (!type || !coords) return sqlite3_result_null(ctx);
    auto pt = [](const JsonValue& p) {
      return p.items.size() >= 2 ? p.items[0].text + " " + p.items[1].text : std::string();
    };
    auto list = [&](const JsonValue& l) {
      std::string out = "(";
      for (std::size_t i = 0; i < l.items.size(); ++i) {
        if (i) out += ',';
        out += pt(l.items[i]);
      }
      out += ')';
      return out;
    };
    std::string out;
    if (type->text == "Point") {
      out = "POINT(" + pt(*coords) + ")";
    } else if (type->text == "LineString") {
      out = "LINESTRING" + list(*coords);
    } else {
      out = "POLYGON(";
      for (std::size_t i = 0; i < coords->items.size(); ++i)
        out += (i ? "," : "") + list(coords->items[i]);
      out += ")";
    }
    result_text(ctx, out);
  });
}

void fn_geo_coordinate(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    JsonValue g = json_arg(argv[0]);
    const JsonValue* coords = g.get("coordinates");
    int idx = sqlite3_value_int(argv[1]);
    if (!coords || coords->items.size() < 2) return sqlite3_result_null(ctx);
    sqlite3_result_double(
        ctx, std::strtod(coords->items[static_cast<std::size_t>(idx)].text.c_str(), nullptr));
  });
}

}  // namespace

void register_geo_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_to_geo", 1, st, fn_to_geo);
  reg(db, "sf_make_point", 2, st, fn_make_point);
  reg(db, "sf_geo_to_wkt", 1, st, fn_geo_to_wkt);
  reg(db, "sf_geo_coordinate", 2, st, fn_geo_coordinate);
}

}  // namespace mock_snowflake::engine
