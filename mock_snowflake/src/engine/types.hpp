// types.hpp — Snowflake data types as the engine sees them: parsing declared type names,
// printing them the way DESCRIBE / SHOW COLUMNS / INFORMATION_SCHEMA do, and filling a rowType
// entry (ColumnInfo) the way the real server fills it.
//
// Physical representation inside SQLite (every translated expression produces these, every UDF
// accepts them, and the encoder turns them into wire text):
//   fixed          INTEGER, or REAL when the scale is > 0 or the value does not fit an int64;
//                  a value beyond int64 that must stay exact is a TEXT of decimal digits
//   real           REAL; NaN is the TEXT 'NaN' (SQLite turns a NaN double into NULL)
//   text           TEXT
//   binary         BLOB
//   boolean        INTEGER 0 / 1
//   date           INTEGER days since 1970-01-01
//   time           INTEGER nanoseconds since midnight
//   timestamp_ntz  INTEGER nanoseconds since the epoch of the wall clock read as UTC
//   timestamp_ltz  INTEGER nanoseconds since the epoch (an instant)
//   timestamp_tz   BLOB of 10 bytes: the instant (big-endian, sign bit flipped, so that BLOB
//                  order is time order) and the offset in minutes + 1440 (big-endian uint16)
//   variant/object/array/geography/geometry/vector
//                  TEXT holding compact JSON (with bare `undefined` for SQL NULLs in arrays)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace mock_snowflake::engine {

enum class TypeKind {
  fixed,
  real,
  text,
  binary,
  boolean,
  date,
  time,
  timestamp_ntz,
  timestamp_ltz,
  timestamp_tz,
  variant,
  object,
  array,
  geography,
  geometry,
  vector,
  null,  ///< the type of a bare NULL literal; reported as text
};

inline constexpr std::int64_t kMaxVarcharLength = 16777216;
inline constexpr std::int64_t kMaxBinaryLength = 8388608;
inline constexpr std::int64_t kMaxByteLength = 134217728;
/// The length Snowflake reports for text it computes rather than stores: CURRENT_*(), casts to
/// VARCHAR/STRING without a length, SYSTEM$WAIT (a declared VARCHAR column stays 16777216).
inline constexpr std::int64_t kComputedVarcharLength = 134217728;

struct SfType {
  TypeKind kind = TypeKind::text;
  int precision = 38;                       ///< fixed only
  int scale = 0;                            ///< fixed; fraction digits of time and timestamps
  std::int64_t length = kMaxVarcharLength;  ///< text and binary
  bool nullable = true;
  int vector_dimension = 0;  ///< vector only
  bool vector_of_int = false;

  static SfType fixed(int precision, int scale, bool nullable = true);
  static SfType real(bool nullable = true);
  static SfType text(std::int64_t length = kMaxVarcharLength, bool nullable = true);
  static SfType binary(std::int64_t length = kMaxBinaryLength, bool nullable = true);
  static SfType of(TypeKind kind, bool nullable = true);
  static SfType temporal(TypeKind kind, int scale = 9, bool nullable = true);

  [[nodiscard]] bool is_numeric() const {
    return kind == TypeKind::fixed || kind == TypeKind::real;
  }
  [[nodiscard]] bool is_timestamp() const {
    return kind == TypeKind::timestamp_ntz || kind == TypeKind::timestamp_ltz ||
           kind == TypeKind::timestamp_tz;
  }
  [[nodiscard]] bool is_temporal() const {
    return is_timestamp() || kind == TypeKind::date || kind == TypeKind::time;
  }
  [[nodiscard]] bool is_semi_structured() const {
    return kind == TypeKind::variant || kind == TypeKind::object || kind == TypeKind::array;
  }
  [[nodiscard]] bool is_json() const {
    return is_semi_structured() || kind == TypeKind::geography || kind == TypeKind::geometry ||
           kind == TypeKind::vector;
  }
  [[nodiscard]] bool is_integer() const { return kind == TypeKind::fixed && scale == 0; }
};

/// Parses a declared Snowflake type ("NUMBER(12,2)", "varchar", "TIMESTAMP_TZ(3)",
/// "DOUBLE PRECISION", "VECTOR(FLOAT, 3)"). Returns nullopt for an unknown name.
std::optional<SfType> parse_type_name(std::string_view text);

/// The type as DESCRIBE TABLE prints it: NUMBER(38,0), VARCHAR(16777216), FLOAT, TIME(9)...
std::string type_ddl(const SfType& type);

/// SHOW COLUMNS' data_type: {"type":"FIXED","precision":38,"scale":0,"nullable":true}.
std::string type_json(const SfType& type);

/// INFORMATION_SCHEMA.COLUMNS.DATA_TYPE: NUMBER, TEXT, FLOAT, DATE, TIMESTAMP_NTZ, ...
std::string info_schema_type_name(const SfType& type);

/// The lowercase rowType name (fixed, text, ...); geography/geometry are "object".
std::string_view rowtype_name(TypeKind kind);

/// A one-letter code of the kind, used to tell UDFs how to read a physical value.
char kind_code(TypeKind kind);
std::optional<TypeKind> kind_from_code(char code);

/// Fills a rowType entry. Computed columns pass empty database/schema/table.
ColumnInfo make_column_info(std::string name, const SfType& type, std::string database = {},
                            std::string schema = {}, std::string table = {});

/// A text column as SHOW / DESCRIBE results carry it (length = byteLength = 16777216).
ColumnInfo show_text_column(std::string name);

/// Same type family (what UNION / CASE / COALESCE produce from two branches).
SfType common_type(const SfType& a, const SfType& b);

}  // namespace mock_snowflake::engine
