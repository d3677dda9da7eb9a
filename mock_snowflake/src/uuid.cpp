// uuid.cpp — see uuid.hpp.
#include "uuid.hpp"

#include <atomic>
#include <cstdint>
#include <random>

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

}  // namespace mock_snowflake::detail
