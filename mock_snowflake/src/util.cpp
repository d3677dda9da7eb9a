// util.cpp — identifiers, base64, SHA-256, gzip and JSON string escaping for the emulator.
#include "util.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <random>

#include "engine/json.hpp"

namespace mock_snowflake::detail {
namespace {

/// A per-thread generator, seeded without std::random_device per thread (opening the entropy
/// device cost up to 9 % of the emulator's CPU when statements ran on fresh threads): one random
/// seed per process, mixed with a per-thread sequence number (splitmix64).
std::mt19937_64& generator() {
  static const std::uint64_t process_seed = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }();
  static std::atomic<std::uint64_t> threads{0};
  thread_local std::mt19937_64 engine{[] {
    std::uint64_t z = process_seed + 0x9E3779B97F4A7C15ull * (threads.fetch_add(1) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }()};
  return engine;
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(value >> shift) & 0xF]);
  }
}

}  // namespace

std::string make_uuid() {
  const std::uint64_t high = generator()();
  const std::uint64_t low = generator()();
  std::string out;
  out.reserve(36);
  append_hex(out, high >> 32, 8);
  out.push_back('-');
  append_hex(out, (high >> 16) & 0xFFFF, 4);
  out.push_back('-');
  append_hex(out, 0x4000 | (high & 0x0FFF), 4);
  out.push_back('-');
  append_hex(out, 0x8000 | ((low >> 48) & 0x3FFF), 4);
  out.push_back('-');
  append_hex(out, low & 0xFFFFFFFFFFFFull, 12);
  return out;
}

std::string make_statement_handle() {
  static std::atomic<std::uint64_t> sequence{1};
  const std::uint64_t random = generator()();
  const std::uint64_t number = sequence.fetch_add(1);
  // Real handles: "01c79a10-0001-ac43-0000-d07900024c7a" — a time-ish prefix starting 01, a
  // small deployment number, a random group, zeros, and a per-deployment counter.
  std::string out = "01";
  append_hex(out, random & 0xFFFFFF, 6);
  out += "-0000-";
  append_hex(out, (random >> 24) & 0xFFFF, 4);
  out += "-0000-";
  append_hex(out, ((random >> 40) & 0xFFFF) << 32 | (number & 0xFFFFFFFF), 12);
  return out;
}

std::string gzip(std::string_view data) {
  z_stream stream{};
  // The window and hash sized to the data: zlib's defaults allocate and clear about 256 KiB per
  // stream, which dominated the emulator's CPU for the small bodies most answers are. A window
  // covering the whole input finds the same matches; inflaters take any window size.
  int window_bits = 9;
  while (window_bits < 15 && (std::size_t{1} << window_bits) < data.size() + 262) ++window_bits;
  const int mem_level = std::clamp(window_bits - 6, 1, 8);
  // window_bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits + 16, mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::optional<std::string> gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return std::nullopt;  // 32: auto-detect header
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 64 * 1024> buffer{};
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(buffer.data(), buffer.size() - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.resize(4 * ((data.size() + 2) / 3) + 1);
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(data.data()),
                                      static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (const char c : text) {
    int value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      value = 62;
    } else if (c == '/' || c == '_') {
      value = 63;
    } else if (c == '=') {
      break;
    } else {
      return std::nullopt;
    }
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
    }
  }
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
             EVP_sha256(), nullptr);
  out.resize(length);
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

void append_json_string(std::string& out, std::string_view text) {
  engine::append_json_quoted(out, text);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with single-star backtracking: linear enough for short patterns.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace mock_snowflake::detail
