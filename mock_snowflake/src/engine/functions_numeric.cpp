// functions_numeric.cpp — Snowflake functions as SQLite UDFs: casts, arithmetic, rounding,
// sequences, random values, digests and HASH.
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

void fn_cast_impl(sqlite3_context* ctx, int argc, sqlite3_value** argv, bool try_cast) {
  guarded(ctx, [&] {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
    SfType from = parse_type_spec(text_arg(argv[1]));
    SfType to = parse_type_spec(text_arg(argv[2]));
    try {
      val_to_result(ctx, cast_value(val_from_sqlite(argv[0]), from, to, state_of(ctx)->values));
    } catch (const SfError&) {
      if (!try_cast) throw;
      sqlite3_result_null(ctx);
    }
  });
}
void fn_cast(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_cast_impl(ctx, argc, argv, false);
}
void fn_try_cast(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  fn_cast_impl(ctx, argc, argv, true);
}

void fn_norm(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    int type = sqlite3_value_type(argv[0]);
    if (type != SQLITE_TEXT) {
      sqlite3_result_value(ctx, argv[0]);
      return;
    }
    SfType to = parse_type_spec(text_arg(argv[1]));
    val_to_result(ctx,
                  cast_value(val_from_sqlite(argv[0]), SfType::text(), to, state_of(ctx)->values));
  });
}

void fn_div(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    double b = double_arg(argv[1]);
    if (b == 0) throw SfError(division_by_zero());
    sqlite3_result_double(ctx, double_arg(argv[0]) / b);
  });
}

void fn_mod(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER &&
        sqlite3_value_type(argv[1]) == SQLITE_INTEGER) {
      std::int64_t b = sqlite3_value_int64(argv[1]);
      if (b == 0) throw SfError(division_by_zero());
      if (b == -1) {
        sqlite3_result_int64(ctx, 0);
        return;
      }
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) % b);
      return;
    }
    double b = double_arg(argv[1]);
    if (b == 0) throw SfError(division_by_zero());
    sqlite3_result_double(ctx, std::fmod(double_arg(argv[0]), b));
  });
}

void fn_round(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) {
      sqlite3_result_null(ctx);
      return;
    }
    std::int64_t scale = int_arg(argv[1]);
    char mode = text_arg(argv[2])[0];
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER && scale >= 0) {
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
      return;
    }
    double x = double_arg(argv[0]);
    double f = std::pow(10.0, static_cast<double>(scale));
    double v = x * f;
    // Undo binary noise (1.005 * 100 = 100.49999...) before rounding, as decimal arithmetic would.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    v = std::strtod(buf, nullptr);
    double r = mode == 'R'   ? std::round(v)
               : mode == 'F' ? std::floor(v)
               : mode == 'C' ? std::ceil(v)
                             : std::trunc(v);
    r /= f;
    if (scale <= 0 && std::fabs(r) < 9.2e18) {
      sqlite3_result_int64(ctx, static_cast<std::int64_t>(r));
    } else {
      sqlite3_result_double(ctx, r);
    }
  });
}

void fn_sqrt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    double x = double_arg(argv[0]);
    if (x < 0) {
      sqlite3_result_text(ctx, "NaN", 3, SQLITE_STATIC);
      return;
    }
    sqlite3_result_double(ctx, std::sqrt(x));
  });
}

void fn_ln(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    double x = double_arg(argv[0]);
    if (x <= 0)
      throw SfError("100058", "22023",
                    "Invalid floating point operation: ln(" + format_double(x) + ")");
    sqlite3_result_double(ctx, std::log(x));
  });
}

void fn_cbrt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    sqlite3_result_double(ctx, std::cbrt(double_arg(argv[0])));
  });
}

void fn_factorial(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    std::int64_t n = int_arg(argv[0]);
    if (n < 0 || n > 33) throw SfError("100046", "22003", "Number out of representable range");
    double r = 1;
    for (std::int64_t i = 2; i <= n; ++i) r *= static_cast<double>(i);
    if (n <= 20) {
      std::int64_t v = 1;
      for (std::int64_t i = 2; i <= n; ++i) v *= i;
      sqlite3_result_int64(ctx, v);
    } else {
      sqlite3_result_double(ctx, r);
    }
  });
}

void fn_strip_number_format(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(1, argv)) return sqlite3_result_null(ctx);
    std::string s = text_arg(argv[0]);
    std::string out;
    for (char c : s) {
      if (c == ',' || c == '$' || c == ' ') continue;
      out.push_back(c);
    }
    result_text(ctx, out);
  });
}

void fn_nextval(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = state_of(ctx);
    std::string key = text_arg(argv[0]);
    auto v = st->registry ? st->registry->next_value(key) : std::nullopt;
    if (!v)
      throw SfError("002003", "02000",
                    "SQL compilation error:\nSequence does not exist or not authorized.");
    sqlite3_result_int64(ctx, *v);
  });
}

void fn_seq(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = state_of(ctx);
  int id = sqlite3_value_int(argv[0]);
  std::int64_t& n = st->sequences[id];
  sqlite3_result_int64(ctx, n++);
}

void fn_random(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto* st = state_of(ctx);
    int id = sqlite3_value_int(argv[1]);
    auto it = st->seeded.find(id);
    if (it == st->seeded.end()) {
      it = st->seeded.emplace(id, std::mt19937_64(static_cast<std::uint64_t>(int_arg(argv[0]))))
               .first;
    }
    sqlite3_result_int64(ctx, static_cast<std::int64_t>(it->second()));
  });
}

void fn_uniform(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::uint64_t g = splitmix64(static_cast<std::uint64_t>(int_arg(argv[2])));
    if (sqlite3_value_int(argv[3]) != 0) {
      std::int64_t lo = int_arg(argv[0]);
      std::int64_t hi = int_arg(argv[1]);
      if (hi < lo) std::swap(lo, hi);
      auto span = static_cast<std::uint64_t>(hi - lo) + 1;
      sqlite3_result_int64(ctx, lo + static_cast<std::int64_t>(span == 0 ? g : g % span));
    } else {
      double lo = double_arg(argv[0]);
      double hi = double_arg(argv[1]);
      double f = static_cast<double>(g >> 11) / 9007199254740992.0;
      sqlite3_result_double(ctx, lo + (hi - lo) * f);
    }
  });
}

void fn_normal(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(3, argv)) return sqlite3_result_null(ctx);
    std::uint64_t g = splitmix64(static_cast<std::uint64_t>(int_arg(argv[2])));
    double u1 = (static_cast<double>(g >> 11) + 1) / 9007199254740993.0;
    double u2 = static_cast<double>(splitmix64(g) >> 11) / 9007199254740992.0;
    double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.141592653589793 * u2);
    sqlite3_result_double(ctx, double_arg(argv[0]) + double_arg(argv[1]) * z);
  });
}

void fn_randstr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (any_null(2, argv)) return sqlite3_result_null(ctx);
    static constexpr char kChars[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::int64_t n = int_arg(argv[0]);
    if (n < 0 || n > kMaxVarcharLength)
      throw SfError("100145", "22023", "RANDSTR length out of range");
    // Six characters from each output of SplitMix64 seeded with the generator: three from each
    // 32-bit half, read as a fraction of 62 at a time (a bias below 1e-4). Each output is
    // computed from its index, so they do not wait on one another: a character per mix, each
    // waiting on the one before, made RANDSTR a third of the emulator's time for wide results.
    const auto seed = static_cast<std::uint64_t>(int_arg(argv[1]));
    std::string out(static_cast<std::size_t>(n), '0');
    std::size_t i = 0;
    for (std::uint64_t block = 1; i < out.size(); ++block) {
      const std::uint64_t bits = splitmix64(seed + block * 0x9E3779B97F4A7C15ULL);
      for (auto fraction :
           {static_cast<std::uint32_t>(bits), static_cast<std::uint32_t>(bits >> 32)}) {
        for (int k = 0; k < 3 && i < out.size(); ++k, ++i) {
          const std::uint64_t scaled = std::uint64_t{fraction} * 62;
          out[i] = kChars[scaled >> 32];
          fraction = static_cast<std::uint32_t>(scaled);
        }
      }
    }
    result_text(ctx, out);
  });
}

std::string digest(const std::string& algo, const std::string& data, int bits) {
  const EVP_MD* md = algo == "md5"    ? EVP_md5()
                     : algo == "sha1" ? EVP_sha1()
                     : bits == 224    ? EVP_sha224()
                     : bits == 384    ? EVP_sha384()
                     : bits == 512    ? EVP_sha512()
                                      : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

void fn_digest(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string algo = text_arg(argv[0]);
    int bits = static_cast<int>(int_arg(argv[2]));
    if (algo == "sha2" && bits != 224 && bits != 256 && bits != 384 && bits != 512) {
      throw SfError("100075", "22023",
                    "Invalid value " + std::to_string(bits) + " for SHA2 digest size");
    }
    std::string d = digest(algo, blob_or_text(argv[1]), bits);
    if (sqlite3_value_int(argv[3]) != 0) {
      sqlite3_result_blob64(ctx, d.data(), d.size(), SQLITE_TRANSIENT);
    } else {
      std::string hex = to_hex(d);
      hex = text::lower(hex);
      result_text(ctx, hex);
    }
  });
}

void fn_hash(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < argc; ++i) {
    std::string s = sqlite3_value_type(argv[i]) == SQLITE_NULL ? std::string("\x01NULL")
                                                               : blob_or_text(argv[i]);
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xFF;
    h *= 0x100000001b3ULL;
  }
  sqlite3_result_int64(ctx, static_cast<std::int64_t>(splitmix64(h)));
}

void fn_uuid(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    unsigned char b[16];
    if (argc == 2) {
      // Version 5: SHA-1 of the namespace UUID and the name.
      std::string ns_text = text_arg(argv[0]);
      std::string hex;
      for (char c : ns_text) {
        if (c != '-') hex.push_back(c);
      }
      auto ns = from_hex(hex);
      if (!ns || ns->size() != 16)
        throw SfError("100148", "22023", "Invalid UUID namespace '" + ns_text + "'");
      std::string d = digest("sha1", *ns + text_arg(argv[1]), 0);
      std::memcpy(b, d.data(), 16);
      b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x50);
    } else {
      auto* st = state_of(ctx);
      std::uint64_t a = st->rng();
      std::uint64_t c = st->rng();
      std::memcpy(b, &a, 8);
      std::memcpy(b + 8, &c, 8);
      b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    }
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    std::string hex = to_hex(std::string(reinterpret_cast<char*>(b), 16));
    hex = text::lower(hex);
    result_text(ctx, hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                         hex.substr(16, 4) + "-" + hex.substr(20));
  });
}

}  // namespace

void register_numeric_functions(sqlite3* db, FunctionState* st) {
  reg(db, "sf_cast", 3, st, fn_cast);
  reg(db, "sf_try_cast", 3, st, fn_try_cast);
  reg(db, "sf_norm", 2, st, fn_norm);
  reg(db, "sf_div", 2, st, fn_div);
  reg(db, "sf_mod", 2, st, fn_mod);
  reg(db, "sf_round", 3, st, fn_round);
  reg(db, "sf_sqrt", 1, st, fn_sqrt);
  reg(db, "sf_ln", 1, st, fn_ln);
  reg(db, "sf_cbrt", 1, st, fn_cbrt);
  reg(db, "sf_factorial", 1, st, fn_factorial);
  reg(db, "sf_strip_number_format", 1, st, fn_strip_number_format);
  reg(db, "sf_seq", 1, st, fn_seq, false);
  reg(db, "sf_nextval", 1, st, fn_nextval, false);
  reg(db, "sf_random", 2, st, fn_random, false);
  reg(db, "sf_uniform", 4, st, fn_uniform);
  reg(db, "sf_normal", 3, st, fn_normal);
  reg(db, "sf_randstr", 2, st, fn_randstr);
  reg(db, "sf_uuid", 0, st, fn_uuid, false);
  reg(db, "sf_uuid", 2, st, fn_uuid);
  reg(db, "sf_hash", -1, st, fn_hash);
  reg(db, "sf_digest", 4, st, fn_digest);
}

}  // namespace mock_snowflake::engine
