// types.cpp — Snowflake type names, their printed forms and rowType entries.
#include "engine/types.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

// Splits "NAME ( a , b )" into NAME and its arguments; words of the name are joined by one space.
bool split_type(std::string_view text, std::string& name, std::vector<std::string>& args) {
  std::string s = text::upper(text);
  auto open = s.find('(');
  std::string head = open == std::string::npos ? s : s.substr(0, open);
  // Normalise internal whitespace of multi-word names ("DOUBLE   PRECISION").
  std::string norm;
  bool space = false;
  for (char c : head) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !norm.empty();
      continue;
    }
    if (space) norm.push_back(' ');
    space = false;
    norm.push_back(c);
  }
  name = norm;
  args.clear();
  if (open == std::string::npos) return true;
  auto close = s.rfind(')');
  if (close == std::string::npos || close < open) return false;
  std::string inner = s.substr(open + 1, close - open - 1);
  std::string current;
  for (char c : inner) {
    if (c == ',') {
      args.push_back(current);
      current.clear();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      current.push_back(c);
    }
  }
  args.push_back(current);
  // Anything after the closing parenthesis is not part of a type.
  for (std::size_t i = close + 1; i < s.size(); ++i) {
    if (!std::isspace(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::optional<long long> to_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > (1LL << 40)) return std::nullopt;
  }
  return v;
}

}  // namespace

SfType SfType::fixed(int precision, int scale, bool nullable) {
  SfType t;
  t.kind = TypeKind::fixed;
  t.precision = std::clamp(precision, 1, 38);
  t.scale = std::clamp(scale, 0, 37);
  t.nullable = nullable;
  return t;
}

SfType SfType::real(bool nullable) { return of(TypeKind::real, nullable); }

SfType SfType::text(std::int64_t length, bool nullable) {
  SfType t;
  t.kind = TypeKind::text;
  t.length = std::clamp<std::int64_t>(length, 1, kMaxByteLength);
  t.nullable = nullable;
  return t;
}

SfType SfType::binary(std::int64_t length, bool nullable) {
  SfType t;
  t.kind = TypeKind::binary;
  t.length = std::clamp<std::int64_t>(length, 1, kMaxBinaryLength);
  t.nullable = nullable;
  return t;
}

SfType SfType::of(TypeKind kind, bool nullable) {
  SfType t;
  t.kind = kind;
  t.nullable = nullable;
  if (kind == TypeKind::time || t.is_timestamp()) t.scale = 9;
  if (kind == TypeKind::binary) t.length = kMaxBinaryLength;
  return t;
}

SfType SfType::temporal(TypeKind kind, int scale, bool nullable) {
  SfType t = of(kind, nullable);
  t.scale = std::clamp(scale, 0, 9);
  return t;
}

std::optional<SfType> parse_type_name(std::string_view text) {
  std::string name;
  std::vector<std::string> args;
  if (!split_type(text, name, args)) return std::nullopt;
  auto arg = [&](std::size_t i) -> std::optional<long long> {
    if (i >= args.size()) return std::nullopt;
    return to_int(args[i]);
  };
  if (name == "NUMBER" || name == "DECIMAL" || name == "NUMERIC" || name == "DEC") {
    if (args.size() > 2) return std::nullopt;
    long long p = 38;
    long long s = 0;
    if (!args.empty()) {
      auto v = arg(0);
      if (!v || *v < 1 || *v > 38) return std::nullopt;
      p = *v;
    }
    if (args.size() == 2) {
      auto v = arg(1);
      if (!v || *v > p) return std::nullopt;
      s = *v;
    }
    return SfType::fixed(static_cast<int>(p), static_cast<int>(s));
  }
  if (name == "INT" || name == "INTEGER" || name == "BIGINT" || name == "SMALLINT" ||
      name == "TINYINT" || name == "BYTEINT") {
    if (!args.empty()) return std::nullopt;
    return SfType::fixed(38, 0);
  }
  if (name == "FLOAT" || name == "FLOAT4" || name == "FLOAT8" || name == "DOUBLE" ||
      name == "DOUBLE PRECISION" || name == "REAL") {
    return SfType::real();
  }
  if (name == "VARCHAR" || name == "STRING" || name == "TEXT" || name == "NVARCHAR" ||
      name == "NVARCHAR2" || name == "CHAR VARYING" || name == "NCHAR VARYING" ||
      name == "CHARACTER VARYING") {
    if (args.size() > 1) return std::nullopt;
    long long n = kMaxVarcharLength;
    if (args.size() == 1) {
      auto v = arg(0);
      if (!v || *v < 1 || *v > kMaxByteLength) return std::nullopt;
      n = *v;
    }
    return SfType::text(n);
  }
  if (name == "CHAR" || name == "CHARACTER" || name == "NCHAR") {
    long long n = 1;
    if (args.size() == 1) {
      auto v = arg(0);
      if (!v || *v < 1 || *v > kMaxByteLength) return std::nullopt;
      n = *v;
    }
    return SfType::text(n);
  }
  if (name == "BINARY" || name == "VARBINARY") {
    long long n = kMaxBinaryLength;
    if (args.size() == 1) {
      auto v = arg(0);
      if (!v || *v < 1 || *v > kMaxBinaryLength) return std::nullopt;
      n = *v;
    }
    return SfType::binary(n);
  }
  if (name == "BOOLEAN" || name == "BOOL") return SfType::of(TypeKind::boolean);
  if (name == "DATE") return SfType::of(TypeKind::date);
  auto temporal = [&](TypeKind kind) -> std::optional<SfType> {
    int s = 9;
    if (args.size() == 1) {
      auto v = arg(0);
      if (!v || *v > 9) return std::nullopt;
      s = static_cast<int>(*v);
    } else if (args.size() > 1) {
      return std::nullopt;
    }
    return SfType::temporal(kind, s);
  };
  if (name == "TIME") return temporal(TypeKind::time);
  if (name == "DATETIME" || name == "TIMESTAMP" || name == "TIMESTAMP_NTZ" ||
      name == "TIMESTAMP WITHOUT TIME ZONE") {
    return temporal(TypeKind::timestamp_ntz);
  }
  if (name == "TIMESTAMP_LTZ" || name == "TIMESTAMP WITH LOCAL TIME ZONE") {
    return temporal(TypeKind::timestamp_ltz);
  }
  if (name == "TIMESTAMP_TZ" || name == "TIMESTAMP WITH TIME ZONE") {
    return temporal(TypeKind::timestamp_tz);
  }
  if (name == "VARIANT") return SfType::of(TypeKind::variant);
  if (name == "OBJECT") return SfType::of(TypeKind::object);
  if (name == "ARRAY") return SfType::of(TypeKind::array);
  if (name == "GEOGRAPHY") return SfType::of(TypeKind::geography);
  if (name == "GEOMETRY") return SfType::of(TypeKind::geometry);
  if (name == "VECTOR") {
    if (args.size() != 2) return std::nullopt;
    SfType t = SfType::of(TypeKind::vector);
    if (args[0] == "INT") {
      t.vector_of_int = true;
    } else if (args[0] != "FLOAT") {
      return std::nullopt;
    }
    auto n = arg(1);
    if (!n || *n < 1 || *n > 4096) return std::nullopt;
    t.vector_dimension = static_cast<int>(*n);
    return t;
  }
  return std::nullopt;
}

std::string type_ddl(const SfType& type) {
  switch (type.kind) {
    case TypeKind::fixed:
      return "NUMBER(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case TypeKind::real:
      return "FLOAT";
    case TypeKind::text:
    case TypeKind::null:
      return "VARCHAR(" + std::to_string(type.length) + ")";
    case TypeKind::binary:
      return "BINARY(" + std::to_string(type.length) + ")";
    case TypeKind::boolean:
      return "BOOLEAN";
    case TypeKind::date:
      return "DATE";
    case TypeKind::time:
      return "TIME(" + std::to_string(type.scale) + ")";
    case TypeKind::timestamp_ntz:
      return "TIMESTAMP_NTZ(" + std::to_string(type.scale) + ")";
    case TypeKind::timestamp_ltz:
      return "TIMESTAMP_LTZ(" + std::to_string(type.scale) + ")";
    case TypeKind::timestamp_tz:
      return "TIMESTAMP_TZ(" + std::to_string(type.scale) + ")";
    case TypeKind::variant:
      return "VARIANT";
    case TypeKind::object:
      return "OBJECT";
    case TypeKind::array:
      return "ARRAY";
    case TypeKind::geography:
      return "GEOGRAPHY";
    case TypeKind::geometry:
      return "GEOMETRY";
    case TypeKind::vector:
      return std::string("VECTOR(") + (type.vector_of_int ? "INT" : "FLOAT") + ", " +
             std::to_string(type.vector_dimension) + ")";
  }
  return "VARCHAR(16777216)";
}

std::string type_json(const SfType& type) {
  std::string nullable = type.nullable ? "true" : "false";
  switch (type.kind) {
    case TypeKind::fixed:
      return R"({"type":"FIXED","precision":)" + std::to_string(type.precision) + R"(,"scale":)" +
             std::to_string(type.scale) + R"(,"nullable":)" + nullable + "}";
    case TypeKind::text:
    case TypeKind::null:
      return R"({"type":"TEXT","length":)" + std::to_string(type.length) + R"(,"byteLength":)" +
             std::to_string(std::min(type.length * 4, kMaxByteLength)) + R"(,"nullable":)" +
             nullable + R"(,"fixed":false})";
    case TypeKind::binary:
      return R"({"type":"BINARY","length":)" + std::to_string(type.length) + R"(,"byteLength":)" +
             std::to_string(type.length) + R"(,"nullable":)" + nullable + R"(,"fixed":false})";
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz: {
      std::string name = text::upper(rowtype_name(type.kind));
      return R"({"type":")" + name + R"(","precision":0,"scale":)" + std::to_string(type.scale) +
             R"(,"nullable":)" + nullable + "}";
    }
    case TypeKind::vector:
      return R"({"type":"VECTOR","nullable":)" + nullable + "}";
    default:
      return R"({"type":")" + info_schema_type_name(type) + R"(","nullable":)" + nullable + "}";
  }
}

std::string info_schema_type_name(const SfType& type) {
  switch (type.kind) {
    case TypeKind::fixed:
      return "NUMBER";
    case TypeKind::real:
      return "FLOAT";
    case TypeKind::text:
    case TypeKind::null:
      return "TEXT";
    case TypeKind::binary:
      return "BINARY";
    case TypeKind::boolean:
      return "BOOLEAN";
    case TypeKind::date:
      return "DATE";
    case TypeKind::time:
      return "TIME";
    case TypeKind::timestamp_ntz:
      return "TIMESTAMP_NTZ";
    case TypeKind::timestamp_ltz:
      return "TIMESTAMP_LTZ";
    case TypeKind::timestamp_tz:
      return "TIMESTAMP_TZ";
    case TypeKind::variant:
      return "VARIANT";
    case TypeKind::object:
      return "OBJECT";
    case TypeKind::array:
      return "ARRAY";
    case TypeKind::geography:
      return "GEOGRAPHY";
    case TypeKind::geometry:
      return "GEOMETRY";
    case TypeKind::vector:
      return "VECTOR";
  }
  return "TEXT";
}

std::string_view rowtype_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::fixed:
      return "fixed";
    case TypeKind::real:
      return "real";
    case TypeKind::text:
    case TypeKind::null:
      return "text";
    case TypeKind::binary:
      return "binary";
    case TypeKind::boolean:
      return "boolean";
    case TypeKind::date:
      return "date";
    case TypeKind::time:
      return "time";
    case TypeKind::timestamp_ntz:
      return "timestamp_ntz";
    case TypeKind::timestamp_ltz:
      return "timestamp_ltz";
    case TypeKind::timestamp_tz:
      return "timestamp_tz";
    case TypeKind::variant:
      return "variant";
    case TypeKind::object:
    case TypeKind::geography:
    case TypeKind::geometry:
      return "object";
    case TypeKind::array:
      return "array";
    case TypeKind::vector:
      return "vector";
  }
  return "text";
}

char kind_code(TypeKind kind) {
  switch (kind) {
    case TypeKind::fixed:
      return 'N';
    case TypeKind::real:
      return 'F';
    case TypeKind::text:
      return 'S';
    case TypeKind::binary:
      return 'B';
    case TypeKind::boolean:
      return 'O';
    case TypeKind::date:
      return 'D';
    case TypeKind::time:
      return 'T';
    case TypeKind::timestamp_ntz:
      return 'W';
    case TypeKind::timestamp_ltz:
      return 'L';
    case TypeKind::timestamp_tz:
      return 'Z';
    case TypeKind::variant:
      return 'V';
    case TypeKind::object:
      return 'J';
    case TypeKind::array:
      return 'A';
    case TypeKind::geography:
      return 'G';
    case TypeKind::geometry:
      return 'M';
    case TypeKind::vector:
      return 'X';
    case TypeKind::null:
      return 'U';
  }
  return 'S';
}

std::optional<TypeKind> kind_from_code(char code) {
  switch (code) {
    case 'N':
      return TypeKind::fixed;
    case 'F':
      return TypeKind::real;
    case 'S':
      return TypeKind::text;
    case 'B':
      return TypeKind::binary;
    case 'O':
      return TypeKind::boolean;
    case 'D':
      return TypeKind::date;
    case 'T':
      return TypeKind::time;
    case 'W':
      return TypeKind::timestamp_ntz;
    case 'L':
      return TypeKind::timestamp_ltz;
    case 'Z':
      return TypeKind::timestamp_tz;
    case 'V':
      return TypeKind::variant;
    case 'J':
      return TypeKind::object;
    case 'A':
      return TypeKind::array;
    case 'G':
      return TypeKind::geography;
    case 'M':
      return TypeKind::geometry;
    case 'X':
      return TypeKind::vector;
    case 'U':
      return TypeKind::null;
    default:
      return std::nullopt;
  }
}

ColumnInfo make_column_info(std::string name, const SfType& type, std::string database,
                            std::string schema, std::string table) {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = std::string(rowtype_name(type.kind));
  c.nullable = type.nullable;
  // The real server reports geospatial columns without their table (recorded: "every type").
  bool geo = type.kind == TypeKind::geography || type.kind == TypeKind::geometry;
  if (!geo) {
    c.database = std::move(database);
    c.schema = std::move(schema);
    c.table = std::move(table);
  }
  switch (type.kind) {
    case TypeKind::fixed:
      c.precision = type.precision;
      c.scale = type.scale;
      break;
    case TypeKind::text:
    case TypeKind::null:
      c.length = type.length;
      c.byte_length = std::min(type.length * 4, kMaxByteLength);
      break;
    case TypeKind::binary:
      c.length = type.length;
      c.byte_length = type.length;
      break;
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz:
      c.precision = 0;
      c.scale = type.scale;
      break;
    case TypeKind::geography:
      c.ext_type_name = "GEOGRAPHY";
      break;
    case TypeKind::geometry:
      c.ext_type_name = "GEOMETRY";
      break;
    default:
      break;
  }
  return c;
}

ColumnInfo show_text_column(std::string name) {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = "text";
  c.length = kMaxVarcharLength;
  c.byte_length = kMaxVarcharLength;
  c.nullable = true;
  return c;
}

SfType common_type(const SfType& a, const SfType& b) {
  bool nullable = a.nullable || b.nullable;
  if (a.kind == TypeKind::null) {
    SfType t = b;
    t.nullable = true;
    return t;
  }
  if (b.kind == TypeKind::null) {
    SfType t = a;
    t.nullable = true;
    return t;
  }
  if (a.kind == b.kind) {
    SfType t = a;
    t.nullable = nullable;
    if (a.kind == TypeKind::fixed) {
      int scale = std::max(a.scale, b.scale);
      int digits = std::max(a.precision - a.scale, b.precision - b.scale);
      t = SfType::fixed(std::min(38, digits + scale), scale, nullable);
    } else if (a.kind == TypeKind::text || a.kind == TypeKind::binary) {
      t.length = std::max(a.length, b.length);
    } else if (a.is_temporal()) {
      t.scale = std::max(a.scale, b.scale);
    }
    return t;
  }
  if (a.is_numeric() && b.is_numeric()) return SfType::real(nullable);
  if (a.is_timestamp() && b.is_timestamp()) {
    SfType t = a.kind == TypeKind::timestamp_tz || b.kind == TypeKind::timestamp_tz
                   ? SfType::temporal(TypeKind::timestamp_tz)
                   : SfType::temporal(TypeKind::timestamp_ltz);
    t.nullable = nullable;
    return t;
  }
  if ((a.kind == TypeKind::date && b.is_timestamp()) ||
      (b.kind == TypeKind::date && a.is_timestamp())) {
    SfType t = a.is_timestamp() ? a : b;
    t.nullable = nullable;
    return t;
  }
  if (a.is_semi_structured() || b.is_semi_structured()) {
    if (a.is_semi_structured() && b.is_semi_structured())
      return SfType::of(TypeKind::variant, nullable);
    // A scalar against a variant becomes a variant.
    return SfType::of(TypeKind::variant, nullable);
  }
  // A string against another type is converted to that type (as Snowflake coerces strings).
  if (a.kind == TypeKind::text || b.kind == TypeKind::text) {
    SfType t = a.kind == TypeKind::text ? b : a;
    t.nullable = nullable;
    return t;
  }
  SfType t = SfType::text();
  t.nullable = nullable;
  return t;
}

}  // namespace mock_snowflake::engine
