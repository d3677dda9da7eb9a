// compiler_fn_string.cpp — the compilers of Snowflake's string and binary functions.
// Each is registered by name in the function table (compiler_functions.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "engine/compiler_functions.hpp"
#include "engine/errors.hpp"
#include "text.hpp"

namespace mock_snowflake::engine {
namespace {

struct StringFns : FnCall {
  CExpr fn_length() {
    need(1, 1);
    CExpr a = arg(0);
    if (a.type.kind == TypeKind::binary)
      return make("length(" + a.sql + ")", SfType::fixed(18, 0, a.type.nullable), {&a});
    a = to_text(a);
    return make("length(" + a.sql + ")", SfType::fixed(18, 0, a.type.nullable), {&a});
  }

  CExpr fn_octet_length() {
    need(1, 1);
    CExpr a = arg(0);
    return make("length(CAST(" + a.sql + " AS BLOB))", SfType::fixed(18, 0, a.type.nullable), {&a});
  }

  CExpr fn_case_or_reverse() {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string fn = name == "UPPER"     ? "sf_upper"
                     : name == "LOWER"   ? "sf_lower"
                     : name == "INITCAP" ? "sf_initcap"
                                         : "sf_reverse";
    return make(fn + "(" + a.sql + ")", a.type, {&a});
  }

  CExpr fn_trim() {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string fn = name == "TRIM" ? "trim(" : name == "LTRIM" ? "ltrim(" : "rtrim(";
    std::string chars = argc == 2 ? ", " + to_text(arg(1)).sql : "";
    return make(fn + a.sql + chars + ")", a.type, {&a});
  }

  CExpr fn_substr() {
    need(2, 3);
    CExpr a = arg(0);
    if (a.type.kind != TypeKind::binary) a = to_text(a);
    CExpr start = to_number(arg(1));
    std::string sql = "sf_substr(" + a.sql + ", " + start.sql;
    if (argc == 3) sql += ", " + to_number(arg(2)).sql;
    return make(sql + ")", a.type, {&a});
  }

  CExpr fn_left() {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    std::string sql = name == "LEFT" ? "substr(" + a.sql + ", 1, " + n.sql + ")"
                                     : "CASE WHEN " + n.sql + " <= 0 THEN '' ELSE substr(" + a.sql +
                                           ", -(" + n.sql + ")) END";
    return make(sql, a.type, {&a, &n});
  }

  CExpr fn_concat() {
    if (argc < 1) throw fail_args();
    std::vector<std::string> parts;
    std::int64_t len = 0;
    bool nullable = false;
    bool binary = true;
    std::vector<CExpr> xs;
    for (std::size_t i = 0; i < argc; ++i) {
      xs.push_back(arg(i));
      binary = binary && xs.back().type.kind == TypeKind::binary;
    }
    CExpr out;
    for (auto& x : xs) {
      CExpr t = binary ? x : to_text(x);
      parts.push_back(t.sql);
      len += t.type.length;
      nullable = nullable || t.type.nullable;
      out.aggregate = out.aggregate || t.aggregate;
      out.window = out.window || t.window;
    }
    if (name == "CONCAT_WS") {
      std::string sep = parts[0];
      std::vector<std::string> rest(parts.begin() + 1, parts.end());
      out.sql = "(" + join(rest, " || " + sep + " || ") + ")";
    } else {
      out.sql = "(" + join(parts, " || ") + ")";
    }
    if (binary) {
      out.sql = "CAST(" + out.sql + " AS BLOB)";
      out.type = SfType::binary(std::min<std::int64_t>(len, kMaxBinaryLength), nullable);
    } else {
      out.type = SfType::text(std::min<std::int64_t>(len, kMaxVarcharLength), nullable);
    }
    return out;
  }

  CExpr fn_replace() {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr f = to_text(arg(1));
    std::string r = argc == 3 ? to_text(arg(2)).sql : "''";
    return make("replace(" + a.sql + ", " + f.sql + ", " + r + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }

  CExpr fn_insert() {
    need(4, 4);
    CExpr a = to_text(arg(0));
    CExpr pos = to_number(arg(1));
    CExpr len = to_number(arg(2));
    CExpr ins = to_text(arg(3));
    std::int64_t length =
        std::min<std::int64_t>(kMaxVarcharLength, a.type.length + ins.type.length);
    return make("sf_insert(" + a.sql + ", " + pos.sql + ", " + len.sql + ", " + ins.sql + ")",
                SfType::text(length, any_nullable({&a, &pos, &len, &ins})), {&a, &pos, &len, &ins});
  }

  CExpr fn_repeat() {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    return make("sf_repeat(" + a.sql + ", " + n.sql + ")",
                SfType::text(kMaxByteLength, any_nullable({&a, &n})), {&a, &n});
  }

  CExpr fn_space() {
    need(1, 1);
    CExpr n = to_number(arg(0));
    return make("sf_repeat(' ', " + n.sql + ")", SfType::text(kMaxVarcharLength, n.type.nullable),
                {&n});
  }

  CExpr fn_lpad() {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr n = to_number(arg(1));
    std::string pad = argc == 3 ? to_text(arg(2)).sql : "' '";
    std::int64_t len = kMaxVarcharLength;
    if (n.constant && n.constant->t == Val::T::integer)
      len = std::max<std::int64_t>(1, n.constant->i);
    return make(std::string(name == "LPAD" ? "sf_lpad(" : "sf_rpad(") + a.sql + ", " + n.sql +
                    ", " + pad + ")",
                SfType::text(len, any_nullable({&a, &n})), {&a, &n});
  }

  CExpr fn_split_part() {
    need(3, 3);
    CExpr a = to_text(arg(0));
    CExpr d = to_text(arg(1));
    CExpr n = to_number(arg(2));
    return make("sf_split_part(" + a.sql + ", " + d.sql + ", " + n.sql + ")",
                SfType::text(a.type.length, any_nullable({&a, &d, &n})), {&a});
  }

  CExpr fn_split() {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr d = to_text(arg(1));
    return make("sf_split(" + a.sql + ", " + d.sql + ")",
                SfType::of(TypeKind::array, any_nullable({&a, &d})), {&a});
  }

  CExpr fn_strtok() {
    need(1, 3);
    CExpr a = to_text(arg(0));
    std::string d = argc > 1 ? to_text(arg(1)).sql : "' '";
    std::string n = argc > 2 ? to_number(arg(2)).sql : "1";
    return make("sf_strtok(" + a.sql + ", " + d + ", " + n + ")", SfType::text(a.type.length),
                {&a});
  }

  CExpr fn_strtok_to_array() {
    need(1, 2);
    CExpr a = to_text(arg(0));
    std::string d = argc > 1 ? to_text(arg(1)).sql : "' '";
    return make("sf_strtok_to_array(" + a.sql + ", " + d + ")", SfType::of(TypeKind::array), {&a});
  }

  CExpr fn_contains_starts_ends() {
    need(2, 2);
    CExpr a = to_text(arg(0));
    CExpr b = to_text(arg(1));
    std::string sql = name == "CONTAINS" ? "(instr(" + a.sql + ", " + b.sql + ") > 0)"
                      : name == "STARTSWITH"
                          ? "(substr(" + a.sql + ", 1, length(" + b.sql + ")) = " + b.sql + ")"
                          : "(" + b.sql + " = '' OR substr(" + a.sql + ", -length(" + b.sql +
                                ")) = " + b.sql + ")";
    return make(sql, SfType::of(TypeKind::boolean, any_nullable({&a, &b})), {&a, &b});
  }

  CExpr fn_position() {
    need(2, 3);
    CExpr needle = to_text(arg(0));
    CExpr hay = to_text(arg(1));
    std::string start = argc == 3 ? to_number(arg(2)).sql : "1";
    return make("sf_position(" + needle.sql + ", " + hay.sql + ", " + start + ")",
                SfType::fixed(18, 0, any_nullable({&needle, &hay})), {&needle, &hay});
  }

  CExpr fn_ascii() {
    need(1, 1);
    CExpr a = to_text(arg(0));
    return make("unicode(" + a.sql + ")", SfType::fixed(10, 0, a.type.nullable), {&a});
  }

  CExpr fn_chr() {
    need(1, 1);
    CExpr a = to_number(arg(0));
    return make("char(" + a.sql + ")", SfType::text(1, a.type.nullable), {&a});
  }

  CExpr fn_translate() {
    need(3, 3);
    CExpr a = to_text(arg(0));
    CExpr f = to_text(arg(1));
    CExpr t = to_text(arg(2));
    return make("sf_translate(" + a.sql + ", " + f.sql + ", " + t.sql + ")", a.type, {&a});
  }

  CExpr fn_regexp_replace() {
    need(2, 7);
    std::vector<std::string> parts;
    CExpr a = to_text(arg(0));
    parts.push_back(a.sql);
    for (std::size_t i = 1; i < argc; ++i) {
      CExpr x = arg(i);
      parts.push_back(x.type.kind == TypeKind::text ? x.sql : to_text(x).sql);
    }
    std::string fn = name == "REGEXP_REPLACE"  ? "sf_regexp_replace"
                     : name == "REGEXP_SUBSTR" ? "sf_regexp_substr"
                     : name == "REGEXP_COUNT"  ? "sf_regexp_count"
                     : name == "REGEXP_INSTR"  ? "sf_regexp_instr"
                                               : "sf_regexp_like";
    SfType t = name == "REGEXP_REPLACE"                     ? SfType::text(kMaxVarcharLength)
               : name == "REGEXP_SUBSTR"                    ? SfType::text(a.type.length)
               : (name == "REGEXP_LIKE" || name == "RLIKE") ? SfType::of(TypeKind::boolean)
                                                            : SfType::fixed(18, 0);
    return make(fn + "(" + join(parts, ", ") + ")", t, {&a});
  }

  CExpr fn_editdistance() {
    need(2, 3);
    CExpr a = to_text(arg(0));
    CExpr b = to_text(arg(1));
    return make("sf_editdistance(" + a.sql + ", " + b.sql + ")",
                SfType::fixed(18, 0, any_nullable({&a, &b})), {&a, &b});
  }

  CExpr fn_soundex() {
    need(1, 1);
    CExpr a = to_text(arg(0));
    return make("soundex(" + a.sql + ")", SfType::text(4, a.type.nullable), {&a});
  }

  CExpr fn_encode() {
    need(1, 3);
    CExpr a = arg(0);
    std::string sql =
        name == "HEX_ENCODE"
            ? "hex(" + (a.type.kind == TypeKind::binary ? a.sql : to_text(a).sql) + ")"
            : "sf_base64_encode(" + (a.type.kind == TypeKind::binary ? a.sql : to_text(a).sql) +
                  ")";
    return make(sql, SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }

  CExpr fn_decode() {
    need(1, 2);
    CExpr a = to_text(arg(0));
    bool hex = name.find("HEX") != std::string::npos;
    bool binary = name.find("BINARY") != std::string::npos;
    std::string sql = std::string(hex ? "sf_hex_decode(" : "sf_base64_decode(") + a.sql + ")";
    if (!binary) sql = "CAST(" + sql + " AS TEXT)";
    return make(sql, binary ? SfType::binary() : SfType::text(), {&a});
  }

  CExpr fn_to_binary() {
    need(1, 2);
    CExpr a = arg(0);
    std::string fmt = argc == 2 && A[1]->kind == ExprKind::string ? A[1]->text : "HEX";
    fmt = text::upper(fmt);
    if (a.type.kind == TypeKind::binary) return a;
    a = to_text(a);
    if (fmt == "UTF-8" || fmt == "UTF8")
      return make("CAST(" + a.sql + " AS BLOB)", SfType::binary(), {&a});
    if (fmt == "BASE64") return make("sf_base64_decode(" + a.sql + ")", SfType::binary(), {&a});
    return cast_to(a, SfType::binary(), name == "TRY_TO_BINARY");
  }

  CExpr fn_digest() {
    need(1, 2);
    CExpr a = arg(0);
    if (a.type.kind != TypeKind::binary) a = to_text(a);
    std::string algo = name.rfind("MD5", 0) == 0    ? "md5"
                       : name.rfind("SHA1", 0) == 0 ? "sha1"
                                                    : "sha2";
    std::string bits = argc == 2 ? to_number(arg(1)).sql : "256";
    bool binary = name.find("BINARY") != std::string::npos;
    std::int64_t len = algo == "md5" ? 32 : algo == "sha1" ? 40 : 128;
    return make(
        "sf_digest('" + algo + "', " + a.sql + ", " + bits + ", " + (binary ? "1" : "0") + ")",
        binary ? SfType::binary(len / 2, a.type.nullable) : SfType::text(len, a.type.nullable),
        {&a});
  }

  CExpr fn_uuid_string() {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < argc; ++i) parts.push_back(to_text(arg(i)).sql);
    return make("sf_uuid(" + join(parts, ", ") + ")", SfType::text(36, false));
  }

  CExpr fn_randstr() {
    need(2, 2);
    CExpr n = to_number(arg(0));
    CExpr gen = to_number(arg(1));
    return make("sf_randstr(" + n.sql + ", " + gen.sql + ")",
                SfType::text(kMaxVarcharLength, false), {&n, &gen});
  }

  CExpr fn_to_char() {
    need(1, 2);
    CExpr a = arg(0);
    if (argc == 1) {
      CExpr out = to_text(a);
      out.type.length = kMaxVarcharLength;
      return out;
    }
    CExpr fmt = to_text(arg(1));
    return make("sf_to_char(" + a.sql + ", '" + type_spec(a.type) + "', " + fmt.sql + ")",
                SfType::text(kMaxVarcharLength, a.type.nullable), {&a});
  }

  CExpr fn_collate() {
    need(2, 2);
    return arg(0);
  }
};

}  // namespace

void add_string_functions(FnTable& table) {
  using F = StringFns;
  add<F, &F::fn_length>(table, {"LENGTH", "LEN", "CHAR_LENGTH", "CHARACTER_LENGTH"});
  add<F, &F::fn_octet_length>(table, {"OCTET_LENGTH"});
  add<F, &F::fn_case_or_reverse>(table, {"UPPER", "LOWER", "INITCAP", "REVERSE"});
  add<F, &F::fn_trim>(table, {"TRIM", "LTRIM", "RTRIM"});
  add<F, &F::fn_substr>(table, {"SUBSTR", "SUBSTRING"});
  add<F, &F::fn_left>(table, {"LEFT", "RIGHT"});
  add<F, &F::fn_concat>(table, {"CONCAT", "CONCAT_WS"});
  add<F, &F::fn_replace>(table, {"REPLACE"});
  add<F, &F::fn_insert>(table, {"INSERT"});
  add<F, &F::fn_repeat>(table, {"REPEAT"});
  add<F, &F::fn_space>(table, {"SPACE"});
  add<F, &F::fn_lpad>(table, {"LPAD", "RPAD"});
  add<F, &F::fn_split_part>(table, {"SPLIT_PART"});
  add<F, &F::fn_split>(table, {"SPLIT"});
  add<F, &F::fn_strtok>(table, {"STRTOK"});
  add<F, &F::fn_strtok_to_array>(table, {"STRTOK_TO_ARRAY"});
  add<F, &F::fn_contains_starts_ends>(table, {"CONTAINS", "STARTSWITH", "ENDSWITH"});
  add<F, &F::fn_position>(table, {"POSITION", "CHARINDEX"});
  add<F, &F::fn_ascii>(table, {"ASCII"});
  add<F, &F::fn_chr>(table, {"CHR", "CHAR"});
  add<F, &F::fn_translate>(table, {"TRANSLATE"});
  add<F, &F::fn_regexp_replace>(table, {"REGEXP_REPLACE", "REGEXP_SUBSTR", "REGEXP_COUNT",
                                        "REGEXP_INSTR", "REGEXP_LIKE", "RLIKE"});
  add<F, &F::fn_editdistance>(table, {"EDITDISTANCE"});
  add<F, &F::fn_soundex>(table, {"SOUNDEX"});
  add<F, &F::fn_encode>(table, {"HEX_ENCODE", "BASE64_ENCODE"});
  add<F, &F::fn_decode>(
      table, {"HEX_DECODE_STRING", "BASE64_DECODE_STRING", "HEX_DECODE_BINARY",
              "BASE64_DECODE_BINARY", "TRY_HEX_DECODE_STRING", "TRY_BASE64_DECODE_STRING"});
  add<F, &F::fn_to_binary>(table, {"TO_BINARY", "TRY_TO_BINARY"});
  add<F, &F::fn_digest>(table, {"MD5", "MD5_HEX", "SHA1", "SHA1_HEX", "SHA2", "SHA2_HEX",
                                "MD5_BINARY", "SHA1_BINARY", "SHA2_BINARY"});
  add<F, &F::fn_uuid_string>(table, {"UUID_STRING"});
  add<F, &F::fn_randstr>(table, {"RANDSTR"});
  add<F, &F::fn_to_char>(table, {"TO_CHAR", "TO_VARCHAR"});
  add<F, &F::fn_collate>(table, {"COLLATE"});
}

}  // namespace mock_snowflake::engine
