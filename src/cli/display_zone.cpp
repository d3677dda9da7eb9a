// display_zone.cpp — see display_zone.hpp.
#include "cli/display_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>

namespace sfq::cli {
namespace {

std::int64_t big_endian(const std::string& data, std::size_t at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(data[at + i]);
  }
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  return static_cast<std::int64_t>(value);
}

}  // namespace

DisplayZone DisplayZone::local() { return DisplayZone(); }

std::optional<DisplayZone> DisplayZone::named(const std::string& raw_name) {
  std::string name = raw_name;
  if (!name.empty() && name.front() == ':') name.erase(0, 1);
  // A name, not a path: nothing outside the zoneinfo directory is read.
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
    return std::nullopt;
  }
  const char* dir = std::getenv("TZDIR");
  const std::string base = dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
  std::ifstream in(base + "/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // TZif (RFC 8536): a version-1 block with 32-bit times, then for version 2+ a second header
  // and block with 64-bit times, which is the one to read.
  constexpr std::size_t kHeader = 44;
  auto counts = [&data](std::size_t at, std::int64_t(&c)[6]) {
    for (int i = 0; i < 6; ++i)
      c[i] = big_endian(data, at + 20 + 4 * static_cast<std::size_t>(i), 4);
  };
  if (data.size() < kHeader || data.compare(0, 4, "TZif") != 0) return std::nullopt;
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  std::size_t at = kHeader;
  std::size_t time_size = 4;
  if (data[4] >= '2') {
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (data.size() < at + kHeader) return std::nullopt;
    counts(at, c);
    at += kHeader;
    time_size = 8;
  }
  const auto timecnt = static_cast<std::size_t>(c[3]);
  const auto typecnt = static_cast<std::size_t>(c[4]);
  if (typecnt == 0 || data.size() < at + timecnt * (time_size + 1) + typecnt * 6) {
    return std::nullopt;
  }
  DisplayZone zone;
  zone.local_ = false;
  const std::size_t index_at = at + timecnt * time_size;
  const std::size_t types_at = index_at + timecnt;
  auto offset_of = [&](std::size_t type) {
    return static_cast<std::int32_t>(big_endian(data, types_at + type * 6, 4));
  };
  zone.initial_offset_ = offset_of(0);
  for (std::size_t i = 0; i < timecnt; ++i) {
    const auto type = static_cast<unsigned char>(data[index_at + i]);
    if (type >= typecnt) return std::nullopt;
    zone.transitions_.push_back(big_endian(data, at + i * time_size, time_size));
    zone.offsets_.push_back(offset_of(type));
  }
  return zone;
}

std::int32_t DisplayZone::offset_at(std::int64_t utc_seconds) const {
  if (local_) {
    const auto t = static_cast<std::time_t>(utc_seconds);
    std::tm local{};
    if (::localtime_r(&t, &local) == nullptr) return 0;
    return static_cast<std::int32_t>(local.tm_gmtoff);
  }
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<std::size_t>(std::distance(transitions_.begin(), it)) - 1];
}

}  // namespace sfq::cli
