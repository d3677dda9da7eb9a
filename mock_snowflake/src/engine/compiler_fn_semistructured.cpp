// compiler_fn_semistructured.cpp — the compilers of Snowflake's semi-structured (VARIANT, ARRAY,
// OBJECT) and geospatial functions. Each is registered by name in the function table
// (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"

namespace mock_snowflake::engine {
namespace {

static const std::map<std::string, std::string, std::less<>> kIsFunctions = {
    {"IS_ARRAY", "ARRAY"},          {"IS_OBJECT", "OBJECT"}, {"IS_INTEGER", "INTEGER"},
    {"IS_DECIMAL", "DECIMAL"},      {"IS_DOUBLE", "DOUBLE"}, {"IS_REAL", "DOUBLE"},
    {"IS_VARCHAR", "VARCHAR"},      {"IS_CHAR", "VARCHAR"},  {"IS_BOOLEAN", "BOOLEAN"},
    {"IS_NULL_VALUE", "NULL_VALUE"}};

static const std::map<std::string, SfType, std::less<>> kAsFunctions = {
    {"AS_VARCHAR", SfType::text()},
    {"AS_CHAR", SfType::text()},
    {"AS_INTEGER", SfType::fixed(38, 0)},
    {"AS_NUMBER", SfType::fixed(38, 0)},
    {"AS_DECIMAL", SfType::fixed(38, 0)},
    {"AS_DOUBLE", SfType::real()},
    {"AS_REAL", SfType::real()},
    {"AS_BOOLEAN", SfType::of(TypeKind::boolean)},
    {"AS_ARRAY", SfType::of(TypeKind::array)},
    {"AS_OBJECT", SfType::of(TypeKind::object)},
    {"AS_DATE", SfType::of(TypeKind::date)}};

struct SemiStructuredFns : FnCall {
  CExpr fn_parse_json() {
    need(1, 2);
    CExpr a = to_text(arg(0));
    if (a.constant && a.constant->t == Val::T::text) {
      auto j = parse_json(a.constant->s);
      if (j) {
        // Snowflake reports PARSE_JSON as nullable even for a constant.
        CExpr out = literal(Val::text(json_compact(*j)), SfType::of(TypeKind::variant));
        out.type.nullable = true;
        return out;
      }
      if (name == "TRY_PARSE_JSON") return literal(Val::null(), SfType::of(TypeKind::variant));
    }
    return make(
        std::string(name == "PARSE_JSON" ? "sf_parse_json(" : "sf_try_parse_json(") + a.sql + ")",
        SfType::of(TypeKind::variant, true), {&a});
  }

  CExpr fn_to_variant() {
    need(1, 1);
    CExpr out = to_json(arg(0));
    out.type.kind = TypeKind::variant;
    return out;
  }

  CExpr fn_to_object() {
    need(1, 1);
    CExpr a = arg(0);
    if (name == "TO_ARRAY" && !a.type.is_semi_structured()) {
      CExpr j = to_json(a);
      return make(
          "CASE WHEN " + j.sql + " IS NULL THEN NULL ELSE sf_array_construct(" + j.sql + ") END",
          SfType::of(TypeKind::array, a.type.nullable), {&a});
    }
    return cast_to(a, SfType::of(name == "TO_OBJECT" ? TypeKind::object : TypeKind::array));
  }

  CExpr fn_to_json() {
    need(1, 1);
    CExpr a = to_json(arg(0));
    return make("sf_json_text(" + a.sql + ")", SfType::text(kMaxVarcharLength, a.type.nullable),
                {&a});
  }

  CExpr fn_object_construct() {
    std::vector<std::string> items;
    CExpr out;
    if (argc == 1 && A[0]->kind == ExprKind::star) {
      for (const auto& rel : scope.relations) {
        for (const auto& c : rel.columns) {
          if (c.hidden) continue;
          CExpr col;
          col.sql = c.sql;
          col.type = c.type;
          items.push_back(quote_string(c.name) + ", " + to_json(col).sql);
        }
      }
    } else {
      if (argc % 2 != 0) throw fail_args();
      for (std::size_t i = 0; i < argc; i += 2) {
        CExpr k = to_text(arg(i));
        CExpr v = to_json(arg(i + 1));
        out.aggregate = out.aggregate || k.aggregate || v.aggregate;
        out.window = out.window || k.window || v.window;
        items.push_back(k.sql + ", " + v.sql);
      }
    }
    out.sql = chunked_call("sf_object_construct", name == "OBJECT_CONSTRUCT_KEEP_NULL" ? "1" : "0",
                           items, 2, "sf_object_merge");
    out.type = SfType::of(TypeKind::object, false);
    return out;
  }

  CExpr fn_array_construct() {
    std::vector<std::string> items;
    CExpr out;
    for (std::size_t i = 0; i < argc; ++i) {
      CExpr v = to_json(arg(i));
      out.aggregate = out.aggregate || v.aggregate;
      out.window = out.window || v.window;
      items.push_back(v.sql);
    }
    out.sql = chunked_call(
        name == "ARRAY_CONSTRUCT" ? "sf_array_construct" : "sf_array_construct_compact", "", items,
        1, "sf_array_concat");
    out.type = SfType::of(TypeKind::array, false);
    return out;
  }

  CExpr json_fn(const std::string& fn, std::size_t lo, std::size_t hi, const SfType& t,
                std::vector<int> json_args) {
    need(lo, hi);
    std::vector<std::string> parts;
    CExpr out;
    bool nullable = false;
    for (std::size_t i = 0; i < argc; ++i) {
      CExpr x = arg(i);
      bool as_json =
          std::find(json_args.begin(), json_args.end(), static_cast<int>(i)) != json_args.end();
      CExpr conv = as_json ? to_json(x) : x;
      if (!as_json && conv.type.kind == TypeKind::boolean) conv = to_number(conv);
      nullable = nullable || x.type.nullable;
      out.aggregate = out.aggregate || x.aggregate;
      parts.push_back(conv.sql);
    }
    out.sql = fn + "(" + join(parts, ", ") + ")";
    out.type = t;
    out.type.nullable = true;
    return out;
  }

  CExpr fn_array_size() { return json_fn("sf_array_size", 1, 1, SfType::fixed(9, 0), {0}); }

  CExpr fn_array_contains() {
    return json_fn("sf_array_contains", 2, 2, SfType::of(TypeKind::boolean), {0, 1});
  }

  CExpr fn_array_position() {
    return json_fn("sf_array_position", 2, 2, SfType::fixed(9, 0), {0, 1});
  }

  CExpr fn_array_append() {
    return json_fn("sf_array_append", 2, 2, SfType::of(TypeKind::array), {0, 1});
  }

  CExpr fn_array_prepend() {
    return json_fn("sf_array_prepend", 2, 2, SfType::of(TypeKind::array), {0, 1});
  }

  CExpr fn_array_cat() {
    return json_fn("sf_array_cat", 2, 2, SfType::of(TypeKind::array), {0, 1});
  }

  CExpr fn_array_compact() {
    return json_fn("sf_array_compact", 1, 1, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_array_distinct() {
    return json_fn("sf_array_distinct", 1, 1, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_array_slice() {
    return json_fn("sf_array_slice", 3, 3, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_array_reverse() {
    return json_fn("sf_array_reverse", 1, 1, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_array_sort() { return json_fn("sf_array_sort", 1, 3, SfType::of(TypeKind::array), {0}); }

  CExpr fn_array_min() { return json_fn("sf_array_min", 1, 1, SfType::of(TypeKind::variant), {0}); }

  CExpr fn_array_max() { return json_fn("sf_array_max", 1, 1, SfType::of(TypeKind::variant), {0}); }

  CExpr fn_array_intersection() {
    return json_fn("sf_array_intersection", 2, 2, SfType::of(TypeKind::array), {0, 1});
  }

  CExpr fn_arrays_overlap() {
    return json_fn("sf_arrays_overlap", 2, 2, SfType::of(TypeKind::boolean), {0, 1});
  }

  CExpr fn_array_except() {
    return json_fn("sf_array_except", 2, 2, SfType::of(TypeKind::array), {0, 1});
  }

  CExpr fn_array_flatten() {
    return json_fn("sf_array_flatten", 1, 1, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_array_generate_range() {
    return json_fn("sf_array_generate_range", 2, 3, SfType::of(TypeKind::array), {});
  }

  CExpr fn_array_to_string() {
    need(2, 2);
    CExpr a = to_json(arg(0));
    CExpr sep = to_text(arg(1));
    return make("sf_array_to_string(" + a.sql + ", " + sep.sql + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }

  CExpr fn_object_keys() {
    return json_fn("sf_object_keys", 1, 1, SfType::of(TypeKind::array), {0});
  }

  CExpr fn_object_insert() {
    return json_fn("sf_object_insert", 3, 4, SfType::of(TypeKind::object), {0, 2});
  }

  CExpr fn_object_delete() {
    return json_fn("sf_object_delete", 2, 64, SfType::of(TypeKind::object), {0});
  }

  CExpr fn_object_pick() {
    return json_fn("sf_object_pick", 2, 64, SfType::of(TypeKind::object), {0});
  }

  CExpr fn_get() { return json_fn("sf_get", 2, 2, SfType::of(TypeKind::variant), {0}); }

  CExpr fn_get_ignore_case() {
    return json_fn("sf_get_ignore_case", 2, 2, SfType::of(TypeKind::variant), {0});
  }

  CExpr fn_get_path() {
    need(2, 2);
    CExpr a = arg(0);
    CExpr p = to_text(arg(1));
    if (name == "JSON_EXTRACT_PATH_TEXT") {
      CExpr src = a.type.is_json() ? a
                                   : make("sf_try_parse_json(" + to_text(a).sql + ")",
                                          SfType::of(TypeKind::variant), {&a});
      return make("sf_json_as_text(sf_get_path(" + src.sql + ", " + p.sql + "))", SfType::text(),
                  {&a});
    }
    CExpr src = to_json(a);
    return make("sf_get_path(" + src.sql + ", " + p.sql + ")", SfType::of(TypeKind::variant), {&a});
  }

  CExpr fn_typeof() { return json_fn("sf_typeof", 1, 1, SfType::text(30), {0}); }

  CExpr fn_strip_null_value() {
    return json_fn("sf_strip_null_value", 1, 1, SfType::of(TypeKind::variant), {0});
  }

  CExpr fn_check_json() {
    need(1, 1);
    CExpr a = arg(0);
    return make("sf_check_json(" + (a.type.is_json() ? a.sql : to_text(a).sql) + ")",
                SfType::text(), {&a});
  }

  CExpr fn_is_kind() {
    auto it = kIsFunctions.find(name);

    need(1, 1);
    CExpr a = to_json(arg(0));
    return make("sf_is_kind(" + a.sql + ", '" + it->second + "')",
                SfType::of(TypeKind::boolean, a.type.nullable), {&a});
  }

  CExpr fn_as_type() {
    auto it = kAsFunctions.find(name);

    need(1, 3);
    CExpr a = to_json(arg(0));
    return make("sf_try_cast(" + a.sql + ", 'V', '" + type_spec(it->second) + "')", it->second,
                {&a});
  }

  CExpr fn_to_geography() {
    need(1, 2);
    bool geometry = name.find("GEOM") != std::string::npos;
    CExpr a = arg(0);
    if (!a.type.is_json()) a = to_text(a);
    return make("sf_to_geo(" + a.sql + ")",
                SfType::of(geometry ? TypeKind::geometry : TypeKind::geography, a.type.nullable),
                {&a});
  }

  CExpr fn_st_makepoint() {
    need(2, 2);
    CExpr x = to_number(arg(0));
    CExpr y = to_number(arg(1));
    return make("sf_make_point(" + x.sql + ", " + y.sql + ")", SfType::of(TypeKind::geography),
                {&x, &y});
  }

  CExpr fn_st_aswkt() {
    need(1, 1);
    CExpr g = arg(0);
    if (name == "ST_ASGEOJSON") return make(g.sql, SfType::of(TypeKind::object), {&g});
    return make("sf_geo_to_wkt(" + g.sql + ")", SfType::text(), {&g});
  }

  CExpr fn_st_x() {
    need(1, 1);
    CExpr g = arg(0);
    return make("sf_geo_coordinate(" + g.sql + ", " + (name == "ST_X" ? "0" : "1") + ")",
                SfType::real(), {&g});
  }
};

}  // namespace

void add_semistructured_functions(FnTable& table) {
  using F = SemiStructuredFns;
  add<F, &F::fn_parse_json>(table, {"PARSE_JSON", "TRY_PARSE_JSON"});
  add<F, &F::fn_to_variant>(table, {"TO_VARIANT"});
  add<F, &F::fn_to_object>(table, {"TO_OBJECT", "TO_ARRAY"});
  add<F, &F::fn_to_json>(table, {"TO_JSON"});
  add<F, &F::fn_object_construct>(table, {"OBJECT_CONSTRUCT", "OBJECT_CONSTRUCT_KEEP_NULL"});
  add<F, &F::fn_array_construct>(table, {"ARRAY_CONSTRUCT", "ARRAY_CONSTRUCT_COMPACT"});
  add<F, &F::fn_array_size>(table, {"ARRAY_SIZE"});
  add<F, &F::fn_array_contains>(table, {"ARRAY_CONTAINS"});
  add<F, &F::fn_array_position>(table, {"ARRAY_POSITION"});
  add<F, &F::fn_array_append>(table, {"ARRAY_APPEND"});
  add<F, &F::fn_array_prepend>(table, {"ARRAY_PREPEND"});
  add<F, &F::fn_array_cat>(table, {"ARRAY_CAT"});
  add<F, &F::fn_array_compact>(table, {"ARRAY_COMPACT"});
  add<F, &F::fn_array_distinct>(table, {"ARRAY_DISTINCT"});
  add<F, &F::fn_array_slice>(table, {"ARRAY_SLICE"});
  add<F, &F::fn_array_reverse>(table, {"ARRAY_REVERSE"});
  add<F, &F::fn_array_sort>(table, {"ARRAY_SORT"});
  add<F, &F::fn_array_min>(table, {"ARRAY_MIN"});
  add<F, &F::fn_array_max>(table, {"ARRAY_MAX"});
  add<F, &F::fn_array_intersection>(table, {"ARRAY_INTERSECTION"});
  add<F, &F::fn_arrays_overlap>(table, {"ARRAYS_OVERLAP"});
  add<F, &F::fn_array_except>(table, {"ARRAY_EXCEPT"});
  add<F, &F::fn_array_flatten>(table, {"ARRAY_FLATTEN"});
  add<F, &F::fn_array_generate_range>(table, {"ARRAY_GENERATE_RANGE"});
  add<F, &F::fn_array_to_string>(table, {"ARRAY_TO_STRING"});
  add<F, &F::fn_object_keys>(table, {"OBJECT_KEYS"});
  add<F, &F::fn_object_insert>(table, {"OBJECT_INSERT"});
  add<F, &F::fn_object_delete>(table, {"OBJECT_DELETE"});
  add<F, &F::fn_object_pick>(table, {"OBJECT_PICK"});
  add<F, &F::fn_get>(table, {"GET"});
  add<F, &F::fn_get_ignore_case>(table, {"GET_IGNORE_CASE"});
  add<F, &F::fn_get_path>(table, {"GET_PATH", "JSON_EXTRACT_PATH_TEXT"});
  add<F, &F::fn_typeof>(table, {"TYPEOF"});
  add<F, &F::fn_strip_null_value>(table, {"STRIP_NULL_VALUE"});
  add<F, &F::fn_check_json>(table, {"CHECK_JSON"});
  for (const auto& [n, _] : kIsFunctions) add<F, &F::fn_is_kind>(table, {n.c_str()});
  for (const auto& [n, _] : kAsFunctions) add<F, &F::fn_as_type>(table, {n.c_str()});
  add<F, &F::fn_to_geography>(
      table, {"TO_GEOGRAPHY", "TO_GEOMETRY", "ST_GEOGRAPHYFROMWKT", "ST_GEOGFROMTEXT",
              "ST_GEOMETRYFROMWKT", "ST_GEOMFROMTEXT", "TRY_TO_GEOGRAPHY", "TRY_TO_GEOMETRY"});
  add<F, &F::fn_st_makepoint>(table, {"ST_MAKEPOINT", "ST_POINT"});
  add<F, &F::fn_st_aswkt>(table, {"ST_ASWKT", "ST_ASTEXT", "ST_ASGEOJSON"});
  add<F, &F::fn_st_x>(table, {"ST_X", "ST_Y"});
}

}  // namespace mock_snowflake::engine
