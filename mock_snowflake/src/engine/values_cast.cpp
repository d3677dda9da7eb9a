// values_cast.cpp — casts between Snowflake types (one function per target kind), the text and
// JSON forms of values, and the wire encoding of a result cell.
#include "engine/values.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/errors.hpp"
#include "engine/values_internal.hpp"

namespace mock_snowflake::engine {

using namespace values_detail;

std::string value_to_text(const Val& v, const SfType& from, const ValueContext& ctx) {
  switch (from.kind) {
    case TypeKind::fixed:
      return format_fixed(v, from.scale);
    case TypeKind::real:
      return format_double(as_double(v));
    case TypeKind::boolean:
      return as_double(v) != 0 ? "true" : "false";
    case TypeKind::binary:
      return v.t == Val::T::blob ? to_hex(v.s) : v.s;
    case TypeKind::date:
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz: {
      std::string fmt = session_format(from.kind, ctx);
      if (fmt.empty()) fmt = default_format(from.kind);
      int offset = 0;
      std::int64_t wall = 0;
      if (from.kind == TypeKind::time) {
        wall = nanos_value(v, TypeKind::time);
      } else if (from.kind == TypeKind::timestamp_tz) {
        auto p = tz_parts(v, ctx);
        offset = p.offset;
        wall = p.instant + static_cast<std::int64_t>(offset) * 60 * kNanosPerSecond;
      } else if (from.kind == TypeKind::timestamp_ltz) {
        std::int64_t i = nanos_value(v, from.kind);
        offset = zone_offset_minutes(ctx, i);
        wall = i + static_cast<std::int64_t>(offset) * 60 * kNanosPerSecond;
      } else {
        wall = wall_nanos(v, from.kind, ctx);
      }
      return format_datetime(fmt, civil_from_wall_nanos(wall), offset);
    }
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      if (j->kind == JsonValue::Kind::string) return j->text;
      return json_compact(*j);
    }
    default:
      if (v.t == Val::T::integer) return std::to_string(v.i);
      if (v.t == Val::T::real) return format_double(v.d);
      return v.s;
  }
}

JsonValue value_to_json(const Val& v, const SfType& from, const ValueContext& ctx) {
  if (v.is_null()) return JsonValue::make_undefined();
  switch (from.kind) {
    case TypeKind::fixed:
      if (v.t == Val::T::integer) return JsonValue::make_number(std::to_string(v.i));
      return JsonValue::make_number(format_fixed(v, from.scale));
    case TypeKind::real:
      return JsonValue::make_number(as_double(v));
    case TypeKind::boolean:
      return JsonValue::make_bool(as_double(v) != 0);
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array:
    case TypeKind::geography:
    case TypeKind::geometry:
    case TypeKind::vector: {
      auto j = parse_json(v.s);
      return j ? *j : JsonValue::make_string(v.s);
    }
    case TypeKind::null:
      return JsonValue::make_undefined();
    default:
      return JsonValue::make_string(value_to_text(v, from, ctx));
  }
}

Val json_to_value(const JsonValue& j, const SfType& to, const ValueContext& ctx) {
  if (j.kind == JsonValue::Kind::undefined) return Val::null();
  if (j.kind == JsonValue::Kind::null) {
    if (to.is_semi_structured()) return Val::text("null");
    return Val::null();
  }
  switch (to.kind) {
    case TypeKind::variant:
      return Val::text(json_compact(j));
    case TypeKind::object:
      if (j.kind != JsonValue::Kind::object) {
        throw SfError("002016", "22000",
                      "Failed to cast variant value " + json_compact(j) + " to OBJECT");
      }
      return Val::text(json_compact(j));
    case TypeKind::array:
      if (j.kind != JsonValue::Kind::array) {
        throw SfError("002016", "22000",
                      "Failed to cast variant value " + json_compact(j) + " to ARRAY");
      }
      return Val::text(json_compact(j));
    case TypeKind::text:
      if (j.kind == JsonValue::Kind::string) return Val::text(j.text);
      if (j.kind == JsonValue::Kind::boolean) return Val::text(j.boolean ? "true" : "false");
      if (j.kind == JsonValue::Kind::number) return Val::text(j.text);
      return Val::text(json_compact(j));
    case TypeKind::boolean:
      if (j.kind == JsonValue::Kind::boolean) return Val::integer(j.boolean ? 1 : 0);
      if (j.kind == JsonValue::Kind::number)
        return Val::integer(std::strtod(j.text.c_str(), nullptr) != 0);
      if (j.kind == JsonValue::Kind::string) return parse_bool_text(j.text);
      break;
    case TypeKind::fixed:
    case TypeKind::real:
    case TypeKind::date:
    case TypeKind::time:
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz:
    case TypeKind::binary:
      if (j.kind == JsonValue::Kind::string) {
        return cast_value(Val::text(j.text), SfType::text(), to, ctx);
      }
      if (j.kind == JsonValue::Kind::number) {
        auto n = parse_number_text(j.text, true);
        if (n) {
          SfType from = n->t == Val::T::real ? SfType::real() : SfType::fixed(38, 0);
          return cast_value(*n, from, to, ctx);
        }
      }
      if (j.kind == JsonValue::Kind::boolean && to.is_numeric())
        return Val::integer(j.boolean ? 1 : 0);
      break;
    default:
      return Val::text(json_compact(j));
  }
  throw SfError("100071", "22000",
                "Failed to cast variant value " + json_compact(j) + " to " + type_ddl(to));
}

namespace {

// One function per target kind; nullopt: no conversion from `from` (an invalid cast).
std::optional<Val> cast_to_fixed(const Val& v, const SfType& from, const SfType& to,
                                 const ValueContext& ctx) {
  if (from.kind == TypeKind::fixed || from.kind == TypeKind::real) {
    Val n = v;
    if (v.t == Val::T::text && !text_is_big_integer(v) && !round_decimal_text(v.s, 0)) {
      auto p = parse_number_text(v.s, true);
      if (!p) throw SfError(numeric_not_recognized(v.s));
      n = *p;
    }
    return number_to_fixed(n, to.precision, to.scale, value_to_text(v, from, ctx));
  }
  if (from.kind == TypeKind::boolean) return Val::integer(as_double(v) != 0 ? 1 : 0);
  if (from.kind == TypeKind::text || from.kind == TypeKind::null) {
    std::string text = v.t == Val::T::text ? v.s : value_to_text(v, SfType::text(), ctx);
    auto p = parse_number_text(text, false);
    if (!p) throw SfError(numeric_not_recognized(text));
    if (p->t == Val::T::real && round_decimal_text(text, 0)) p = Val::text(std::string(trim(text)));
    return number_to_fixed(*p, to.precision, to.scale, std::string(trim(text)));
  }
  throw SfError(numeric_not_recognized(value_to_text(v, from, ctx)));
}

std::optional<Val> cast_to_real(const Val& v, const SfType& from, const SfType& /*to*/,
                                const ValueContext& ctx) {
  if (from.kind == TypeKind::fixed || from.kind == TypeKind::real ||
      from.kind == TypeKind::boolean) {
    double d = as_double(v);
    return Val::real(d);
  }
  if (from.kind == TypeKind::text || from.kind == TypeKind::null) {
    auto p = parse_number_text(v.s, true);
    if (!p) throw SfError(numeric_not_recognized(v.s));
    return Val::real(as_double(*p));
  }
  throw SfError(numeric_not_recognized(value_to_text(v, from, ctx)));
}

std::optional<Val> cast_to_text(const Val& v, const SfType& from, const SfType& to,
                                const ValueContext& ctx) {
  std::string s = from.kind == TypeKind::text ? v.s : value_to_text(v, from, ctx);
  if (static_cast<std::int64_t>(s.size()) > to.length && from.kind != TypeKind::text) {
    // Snowflake fails only when the text does not fit the declared length.
    throw SfError("100078", "22000", "String '" + s + "' is too long and would be truncated");
  }
  return Val::text(std::move(s));
}

std::optional<Val> cast_to_boolean(const Val& v, const SfType& from, const SfType& /*to*/,
                                   const ValueContext& /*ctx*/) {
  if (from.kind == TypeKind::boolean) return Val::integer(as_double(v) != 0 ? 1 : 0);
  if (from.is_numeric()) return Val::integer(as_double(v) != 0 ? 1 : 0);
  if (from.kind == TypeKind::text) return parse_bool_text(v.s);
  return std::nullopt;
}

std::optional<Val> cast_to_binary(const Val& v, const SfType& from, const SfType& /*to*/,
                                  const ValueContext& /*ctx*/) {
  if (from.kind == TypeKind::binary) return v.t == Val::T::blob ? v : Val::blob(v.s);
  if (from.kind == TypeKind::text) {
    auto bytes = from_hex(trim(v.s));
    if (!bytes) {
      throw SfError("100115", "22000",
                    "The following string is not a legal hex-encoded value: '" + v.s + "'");
    }
    return Val::blob(*bytes);
  }
  return std::nullopt;
}

std::optional<Val> cast_to_date(const Val& v, const SfType& from, const SfType& /*to*/,
                                const ValueContext& ctx) {
  if (from.kind == TypeKind::date) return Val::integer(date_days(v));
  if (from.is_timestamp()) {
    return Val::integer(floor_div(wall_nanos(v, from.kind, ctx), kNanosPerDay));
  }
  if (from.kind == TypeKind::text) {
    std::string t(trim(v.s));
    auto p = parse_datetime_auto(t);
    if (!p || !p->has_date) {
      // An all-digit string is seconds since the epoch.
      auto n = parse_number_text(t, false);
      if (n && n->t == Val::T::integer) {
        return Val::integer(floor_div(
            epoch_number_to_nanos(static_cast<double>(n->i), std::nullopt), kNanosPerDay));
      }
      throw SfError("100040", "22007", "Date '" + v.s + "' is not recognized");
    }
    return Val::integer(days_from_civil(p->civil.year, p->civil.month, p->civil.day));
  }
  if (from.is_numeric()) {
    return Val::integer(floor_div(epoch_number_to_nanos(as_double(v), std::nullopt), kNanosPerDay));
  }
  return std::nullopt;
}

std::optional<Val> cast_to_time(const Val& v, const SfType& from, const SfType& to,
                                const ValueContext& ctx) {
  if (from.kind == TypeKind::time)
    return Val::integer(truncate_nanos(nanos_value(v, TypeKind::time), to.scale));
  if (from.is_timestamp()) {
    return Val::integer(
        truncate_nanos(floor_mod(wall_nanos(v, from.kind, ctx), kNanosPerDay), to.scale));
  }
  if (from.kind == TypeKind::text) {
    auto p = parse_datetime_auto(v.s);
    if (!p || !p->has_time)
      throw SfError("100108", "22007", "Time '" + v.s + "' is not recognized");
    std::int64_t ns =
        (static_cast<std::int64_t>(p->civil.hour) * 3600 + p->civil.minute * 60 + p->civil.second) *
            kNanosPerSecond +
        p->civil.nanos;
    return Val::integer(truncate_nanos(ns, to.scale));
  }
  return std::nullopt;
}

std::optional<Val> cast_to_timestamp(const Val& v, const SfType& from, const SfType& to,
                                     const ValueContext& ctx) {
  std::int64_t wall = 0;
  std::optional<std::int64_t> instant;
  std::optional<int> offset;
  if (from.kind == TypeKind::date || from.is_timestamp()) {
    wall = wall_nanos(v, from.kind, ctx);
    if (from.kind == TypeKind::timestamp_ltz || from.kind == TypeKind::timestamp_tz) {
      instant = instant_nanos(v, from.kind, ctx);
    }
    if (from.kind == TypeKind::timestamp_tz) offset = tz_parts(v, ctx).offset;
  } else if (from.kind == TypeKind::text) {
    std::string t(trim(v.s));
    auto p = parse_datetime_auto(t);
    if (!p || !p->has_date) {
      auto n = parse_number_text(t, false);
      if (n && n->t == Val::T::integer) {
        std::int64_t ns = epoch_number_to_nanos(static_cast<double>(n->i), std::nullopt);
        wall = ns;
        instant = ns;
      } else {
        throw SfError("100035", "22007", "Timestamp '" + v.s + "' is not recognized");
      }
    } else {
      wall = wall_nanos_from_civil(p->civil);
      if (p->offset_minutes) {
        offset = *p->offset_minutes;
        instant = wall - static_cast<std::int64_t>(*offset) * 60 * kNanosPerSecond;
      }
    }
  } else if (from.is_numeric()) {
    std::int64_t ns = epoch_number_to_nanos(as_double(v), std::nullopt);
    wall = ns;
    instant = ns;
  } else {
    return std::nullopt;
  }
  if (to.kind == TypeKind::timestamp_ntz) {
    // Numbers are UTC epochs; a zoned text keeps its wall clock.
    return Val::integer(truncate_nanos(wall, to.scale));
  }
  std::int64_t inst = instant ? *instant : local_to_instant(ctx, wall);
  inst = truncate_nanos(inst, to.scale);
  if (to.kind == TypeKind::timestamp_ltz) return Val::integer(inst);
  int off = offset ? *offset : zone_offset_minutes(ctx, inst);
  return Val::blob(tz_pack(inst, off));
}

std::optional<Val> cast_to_structured(const Val& v, const SfType& from, const SfType& to,
                                      const ValueContext& ctx) {
  JsonValue j = value_to_json(v, from, ctx);
  if (from.kind == TypeKind::text) {
    auto parsed = parse_json(v.s);
    if (parsed) j = *parsed;
  }
  bool ok = to.kind == TypeKind::object ? j.kind == JsonValue::Kind::object
                                        : j.kind == JsonValue::Kind::array;
  if (!ok) {
    throw SfError(
        "002016", "22000",
        "SQL compilation error:\nInvalid cast from " + type_ddl(from) + " to " + type_ddl(to));
  }
  return Val::text(json_compact(j));
}

}  // namespace

Val cast_value(const Val& v, const SfType& from, const SfType& to, const ValueContext& ctx) {
  if (v.is_null()) return Val::null();
  if (from.is_semi_structured() && !to.is_semi_structured()) {
    auto j = parse_json(v.s);
    if (!j) return Val::null();
    return json_to_value(*j, to, ctx);
  }
  switch (to.kind) {
    case TypeKind::fixed: {
      if (auto r = cast_to_fixed(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::real: {
      if (auto r = cast_to_real(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::text: {
      if (auto r = cast_to_text(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::boolean: {
      if (auto r = cast_to_boolean(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::binary: {
      if (auto r = cast_to_binary(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::date: {
      if (auto r = cast_to_date(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::time: {
      if (auto r = cast_to_time(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz:
    case TypeKind::timestamp_tz: {
      if (auto r = cast_to_timestamp(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::variant:
      return Val::text(json_compact(value_to_json(v, from, ctx)));
    case TypeKind::object:
    case TypeKind::array: {
      if (auto r = cast_to_structured(v, from, to, ctx)) return *r;
      break;
    }
    case TypeKind::geography:
    case TypeKind::geometry:
    case TypeKind::vector:
      if (from.kind == to.kind || from.is_semi_structured() || from.kind == TypeKind::text) {
        auto j = parse_json(v.s);
        if (j) return Val::text(json_compact(*j));
      }
      break;
    case TypeKind::null:
      return v;
  }
  if (from.kind == to.kind) return v;
  throw SfError(
      "002016", "22000",
      "SQL compilation error:\nInvalid cast from " + type_ddl(from) + " to " + type_ddl(to));
}

std::optional<std::string> encode_wire(const Val& v, const SfType& type, const ValueContext& ctx) {
  if (v.is_null()) return std::nullopt;
  switch (type.kind) {
    case TypeKind::fixed:
      return format_fixed(v, type.scale);
    case TypeKind::real:
      return format_double(as_double(v));
    case TypeKind::text:
    case TypeKind::null:
      if (v.t == Val::T::text || v.t == Val::T::blob) return v.s;
      if (v.t == Val::T::integer) return std::to_string(v.i);
      return format_double(v.d);
    case TypeKind::binary: {
      if (v.t != Val::T::blob && v.t != Val::T::text) return std::nullopt;
      if (lower(ctx.binary_output_format) == "base64") return to_base64(v.s);
      return to_hex(v.s);
    }
    case TypeKind::boolean:
      if (v.t == Val::T::text) return parse_bool_text(v.s).i != 0 ? "true" : "false";
      return as_double(v) != 0 ? "true" : "false";
    case TypeKind::date: {
      if (!session_format(TypeKind::date, ctx).empty()) return value_to_text(v, type, ctx);
      return std::to_string(date_days(v));
    }
    case TypeKind::time: {
      if (!session_format(TypeKind::time, ctx).empty()) return value_to_text(v, type, ctx);
      return epoch_text(nanos_value(v, TypeKind::time), type.scale);
    }
    case TypeKind::timestamp_ntz:
    case TypeKind::timestamp_ltz: {
      if (!session_format(type.kind, ctx).empty()) return value_to_text(v, type, ctx);
      return epoch_text(nanos_value(v, type.kind), type.scale);
    }
    case TypeKind::timestamp_tz: {
      if (!session_format(type.kind, ctx).empty()) return value_to_text(v, type, ctx);
      auto p = tz_parts(v, ctx);
      return epoch_text(p.instant, type.scale) + " " + std::to_string(p.offset + 1440);
    }
    case TypeKind::variant:
    case TypeKind::object:
    case TypeKind::array:
    case TypeKind::geography: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      return json_pretty(*j);
    }
    case TypeKind::geometry: {
      auto j = parse_json(v.s);
      if (!j) return v.s;
      return json_pretty(*j, JsonNumberStyle::geometry);
    }
    case TypeKind::vector: {
      auto j = parse_json(v.s);
      if (!j || j->kind != JsonValue::Kind::array) return v.s;
      std::string out = "[";
      for (std::size_t i = 0; i < j->items.size(); ++i) {
        if (i > 0) out.push_back(',');
        double d = std::strtod(j->items[i].text.c_str(), nullptr);
        char buf[64];
        if (type.vector_of_int) {
          std::snprintf(buf, sizeof buf, "%.0f", d);
        } else {
          std::snprintf(buf, sizeof buf, "%f", d);
        }
        out += buf;
      }
      out.push_back(']');
      return out;
    }
  }
  return v.s;
}

}  // namespace mock_snowflake::engine
